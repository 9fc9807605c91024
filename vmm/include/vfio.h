/*
 * VFIO for one passthrough PCI function on the sPAPR TCE IOMMU: container,
 * group and device, guest RAM pre-registration (v2), the DMA window, the
 * kvm-vfio device (group added before the device fd is taken, as vfio.rst
 * asks), config space, BAR regions and MSI eventfds. Every ioctl is checked
 * and named; vfio_dev_close() releases whatever was taken, in reverse order,
 * and is safe on a partly opened device.
 */
#ifndef PVMM_VFIO_H
#define PVMM_VFIO_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/vfio.h>

struct vm;

#define VFIO_WINDOWS_MAX	2

struct vfio_window {
	bool used;
	uint64_t start, size;
	uint32_t page_shift;
};

struct vfio_dev {
	char bdf[32];
	int group_id;
	int container, group, device;
	int vm_fd;
	int kvm_vfio;			/* kvm-vfio device fd, mode kernel only */
	bool kvm_group_added;
	bool group_attached;
	bool v2;
	bool mem_registered;
	uint64_t ram_vaddr, ram_size;
	struct vfio_iommu_spapr_tce_info info;
	bool default_window_removed;	/* the host's, replaced by ours (v2) */
	struct vfio_window windows[VFIO_WINDOWS_MAX];
	struct vfio_region_info regions[VFIO_PCI_NUM_REGIONS];
	uint32_t num_regions, num_irqs;
	struct vfio_irq_info msi_info;
	uint32_t intx_count;		/* VFIO's INTx index: 1 if the function has a pin */
	int irq_index_enabled;		/* -1: none */
};

int vfio_dev_open(struct vfio_dev *d, struct vm *vm, const char *bdf);
/* A DMA window of page_shift pages and size bytes (the first one replaces
 * the host's default window); *start is its bus address. */
int vfio_window_create(struct vfio_dev *d, uint32_t page_shift, uint64_t size, uint64_t *start);
int vfio_window_remove(struct vfio_dev *d, uint64_t start);
int vfio_dma_map(struct vfio_dev *d, uint64_t iova, void *vaddr, uint64_t size, uint64_t perm);
int vfio_dma_unmap(struct vfio_dev *d, uint64_t iova, uint64_t size);
int vfio_config_read(struct vfio_dev *d, uint32_t off, void *buf, uint32_t len);
int vfio_config_write(struct vfio_dev *d, uint32_t off, const void *buf, uint32_t len);
int vfio_region_rw(struct vfio_dev *d, int region, uint64_t off, void *buf, uint32_t len, bool write);
/* Trigger eventfds for n vectors of an IRQ index (MSI/MSI-X); n = 0 disables. */
int vfio_set_irqs(struct vfio_dev *d, uint32_t index, const int *fds, uint32_t n);
/* INTx: fd is signalled (and the line masked) when the device asserts it;
 * an event on unmask_fd unmasks it (none if unmask_fd < 0). fd < 0
 * disables INTx. */
int vfio_set_intx(struct vfio_dev *d, int fd, int unmask_fd);
/* INTx: unmask the line now (when pvmm, not KVM, sees the guest end it). */
int vfio_unmask_intx(struct vfio_dev *d);
/* Mode kernel: attach KVM's TCE table fd to this group (the first call
 * creates the kvm-vfio device and adds the group to it). */
int vfio_kvm_attach_tce(struct vfio_dev *d, int table_fd);
/* Take the group out of kvm-vfio (before KVM's TCE table is closed). */
void vfio_kvm_detach(struct vfio_dev *d);
void vfio_dev_close(struct vfio_dev *d);

#endif
