/*
 * VFIO on the sPAPR TCE IOMMU, in three parts as the kernel has them:
 *   container  one per guest PHB (its DMA domain): IOMMU type, guest RAM
 *              pre-registration (v2), DMA windows, MAP/UNMAP_DMA;
 *   group      reference-counted per VM: opened, checked viable and put in
 *              a container once, released when its last user lets go;
 *   device     a function's fd: regions, config space, IRQs.
 * Every ioctl is checked and named; each close releases what was taken,
 * in reverse order, and is safe on a partly opened object.
 */
#ifndef PVMM_VFIO_H
#define PVMM_VFIO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/vfio.h>

struct vm;
struct report;

#define VFIO_WINDOWS_MAX	2

struct vfio_container {
	char name[32];			/* "PHB 0", for messages */
	int fd;
	bool v2, iommu_set;
	/* Guest RAM registered (v2): ram_pieces pieces of ram_piece bytes
	 * from ram_vaddr, the last one up to ram_size (guest_mem_pin_piece). */
	uint64_t ram_vaddr, ram_size, ram_piece;
	unsigned int ram_pieces;
	bool ram_registered;
	struct vfio_iommu_spapr_tce_info info;
	bool default_window_removed;	/* the host's, replaced by ours (v2) */
	/* DMA windows created: each is described by its owner (the PHB's
	 * struct phb_window), which removes it. */
	unsigned int nr_windows;
};

struct vfio_group {
	int id, fd, refs;
	struct vfio_container *container;
	bool attached;			/* VFIO_GROUP_SET_CONTAINER done */
	bool kvm_added;			/* in the VM's kvm-vfio device */
	struct vfio_group *next;	/* the VM's list */
};

/* Accesses through a device's fd that failed, for the exit summary: a
 * config or BAR pread/pwrite, and config reads of 2 or 4 bytes that came
 * back all ones (what a frozen PE answers). The config path (PHB lock)
 * and trapped BAR accesses (bar_lock) count at once: atomics. */
struct vfio_access_errors {
	atomic_uint_fast64_t config, bar, config_all_ones;
};

struct vfio_device {
	char bdf[32];
	struct vfio_group *group;
	int fd;
	struct vfio_region_info regions[VFIO_PCI_NUM_REGIONS];
	uint32_t num_regions, num_irqs;
	struct vfio_irq_info msi_info;
	uint32_t intx_count;		/* VFIO's INTx index: 1 if the function has a pin */
	int irq_index_enabled;		/* -1: none */
	int req_fd;			/* VFIO's request interrupt (vfio_req.h), -1: none */
	/* How often the host asked for the device back: counted by the
	 * request watcher, read by the exit summary while it still runs. */
	atomic_uint_fast64_t host_requests;
	struct vfio_access_errors errors;
};

/* The IOMMU group of a host function, from sysfs; with a one-line reason
 * if the device does not exist, has no group, is not on vfio-pci, a
 * function of its group is on a driver VFIO does not accept there (the
 * rule in vfio_viable.h: PCIe ports may stay on pcieport) or another
 * process holds it. */
int vfio_group_of(const char *bdf);

int vfio_container_open(struct vfio_container *c, const char *name);
/* The first group sets the IOMMU type (guest RAM is registered later,
 * by the pin below). */
int vfio_group_get(struct vm *vm, int id, struct vfio_container *c, struct vfio_group **out);
void vfio_group_put(struct vm *vm, struct vfio_group *g);
/* The memory registration, after the windows (their owners remove
 * them) and while a group still holds the container's IOMMU. */
void vfio_container_release(struct vfio_container *c);
void vfio_container_close(struct vfio_container *c);

/* A DMA window of page_shift pages and size bytes (the first one replaces
 * the host's default window); *start is its bus address. */
int vfio_window_create(struct vfio_container *c, uint32_t page_shift, uint64_t size, uint64_t *start);
int vfio_window_remove(struct vfio_container *c, uint64_t start);
int vfio_dma_map(struct vfio_container *c, uint64_t iova, void *vaddr, uint64_t size, uint64_t perm);
int vfio_dma_unmap(struct vfio_container *c, uint64_t iova, uint64_t size);

int vfio_device_open(struct vfio_device *d, struct vfio_group *g, const char *bdf);
void vfio_device_close(struct vfio_device *d);
int vfio_config_read(struct vfio_device *d, uint32_t off, void *buf, uint32_t len);
int vfio_config_write(struct vfio_device *d, uint32_t off, const void *buf, uint32_t len);
int vfio_region_rw(struct vfio_device *d, int region, uint64_t off, void *buf, uint32_t len, bool write);
/* Its failed accesses and the host's requests, into the function's object
 * of the summary (a line when there are any). */
void vfio_device_report(const struct vfio_device *d, struct report *r);
/* Trigger eventfds for n vectors of an IRQ index (MSI/MSI-X); n = 0 disables. */
int vfio_set_irqs(struct vfio_device *d, uint32_t index, const int *fds, uint32_t n);
/* INTx: fd is signalled (and the line masked) when the device asserts it;
 * an event on unmask_fd unmasks it (none if unmask_fd < 0). fd < 0
 * disables INTx. */
int vfio_set_intx(struct vfio_device *d, int fd, int unmask_fd);
/* INTx: unmask the line now (when pvmm, not KVM, sees the guest end it). */
int vfio_unmask_intx(struct vfio_device *d);

#endif
