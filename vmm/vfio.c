/* VFIO on the sPAPR TCE IOMMU (see vfio.h). */
#include "vfio.h"
#include "util.h"
#include "vm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#define VFIO_FAIL(what) (pr_err("%s: %s: %s", d->bdf, what, strerror(errno)), -errno)

/* The device's IOMMU group number from sysfs, with a clear reason if the
 * device does not exist or has no group. */
static int group_of(const char *bdf)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	const char *slash;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s", bdf);
	if (access(link, F_OK)) {
		pr_err("%s: no such PCI device (%s)", bdf, link);
		return -ENODEV;
	}
	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		pr_err("%s: no IOMMU group (is the IOMMU enabled?)", bdf);
		return -ENODEV;
	}
	target[n] = '\0';
	slash = strrchr(target, '/');
	return atoi(slash ? slash + 1 : target);
}

/* Every device of the group must be bound to vfio-pci (or to no driver):
 * otherwise the group is not viable and a host driver would share it. */
static int check_group_drivers(int group)
{
	char path[PATH_MAX], drv[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int r = 0;

	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/devices", group);
	dir = opendir(path);
	if (!dir) {
		pr_err("IOMMU group %d: cannot list %s: %s", group, path, strerror(errno));
		return -errno;
	}
	while ((de = readdir(dir))) {
		ssize_t n;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/devices/%s/driver",
			 group, de->d_name);
		n = readlink(path, drv, sizeof(drv) - 1);
		if (n < 0)
			continue;
		drv[n] = '\0';
		if (strcmp(strrchr(drv, '/') + 1, "vfio-pci")) {
			pr_err("%s: in IOMMU group %d but bound to %s, not vfio-pci "
			       "(echo vfio-pci > /sys/bus/pci/devices/%s/driver_override; unbind; reprobe)",
			       de->d_name, group, strrchr(drv, '/') + 1, de->d_name);
			r = -EBUSY;
			break;
		}
	}
	closedir(dir);
	return r;
}

static int open_container(struct vfio_dev *d)
{
	d->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (d->container < 0)
		return VFIO_FAIL("open /dev/vfio/vfio (is vfio loaded?)");
	if (ioctl(d->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		pr_err("%s: VFIO_GET_API_VERSION: unexpected version", d->bdf);
		return -EINVAL;
	}
	d->v2 = ioctl(d->container, VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_v2_IOMMU) == 1;
	if (!d->v2 && ioctl(d->container, VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_IOMMU) != 1) {
		pr_err("%s: VFIO_CHECK_EXTENSION: no sPAPR TCE IOMMU (v1 or v2)", d->bdf);
		return -ENOTSUP;
	}
	return 0;
}

static int open_group(struct vfio_dev *d)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];

	snprintf(path, sizeof(path), "/dev/vfio/%d", d->group_id);
	d->group = open(path, O_RDWR | O_CLOEXEC);
	if (d->group < 0)
		return VFIO_FAIL(path);
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &status) < 0)
		return VFIO_FAIL("VFIO_GROUP_GET_STATUS");
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		pr_err("%s: IOMMU group %d is not viable (another device of the group is "
		       "bound to a host driver)", d->bdf, d->group_id);
		return -EBUSY;
	}
	return 0;
}

/*
 * kvm-vfio: only in mode kernel, right before the group's first TCE table
 * is attached (issue 5's order). A group that KVM knows but never got a
 * table for makes KVM_DEV_VFIO_GROUP_DEL (and the VM's destruction) WARN
 * in Linux 6.12 (kvm_spapr_tce_release_vfio_group), tainting the host;
 * mode user has no use for kvm-vfio on POWER anyway.
 */
static int kvm_vfio_add_group(struct vfio_dev *d)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };
	struct kvm_device_attr attr = {
		.group = KVM_DEV_VFIO_GROUP, .attr = KVM_DEV_VFIO_GROUP_ADD,
		.addr = (uintptr_t)&d->group,
	};

	if (ioctl(d->vm_fd, KVM_CREATE_DEVICE, &cd) < 0)
		return VFIO_FAIL("KVM_CREATE_DEVICE(KVM_DEV_TYPE_VFIO)");
	d->kvm_vfio = cd.fd;
	if (ioctl(d->kvm_vfio, KVM_SET_DEVICE_ATTR, &attr) < 0)
		return VFIO_FAIL("KVM_SET_DEVICE_ATTR(KVM_DEV_VFIO_GROUP_ADD)");
	d->kvm_group_added = true;
	return 0;
}

static int set_iommu(struct vfio_dev *d)
{
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container) < 0)
		return VFIO_FAIL("VFIO_GROUP_SET_CONTAINER");
	d->group_attached = true;
	if (d->v2 && ioctl(d->container, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU) < 0) {
		pr_warn("%s: VFIO_SET_IOMMU(v2): %s; trying v1", d->bdf, strerror(errno));
		d->v2 = false;
	}
	if (!d->v2) {
		if (ioctl(d->container, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_IOMMU) < 0)
			return VFIO_FAIL("VFIO_SET_IOMMU(VFIO_SPAPR_TCE_IOMMU)");
		if (ioctl(d->container, VFIO_IOMMU_ENABLE) < 0)
			return VFIO_FAIL("VFIO_IOMMU_ENABLE");
	}
	d->info.argsz = sizeof(d->info);
	if (ioctl(d->container, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &d->info) < 0)
		return VFIO_FAIL("VFIO_IOMMU_SPAPR_TCE_GET_INFO");
	pr_debug("%s: dma32 window 0x%llx+0x%llx, page sizes 0x%llx, %u windows, %u levels",
		 d->bdf, (unsigned long long)d->info.dma32_window_start,
		 (unsigned long long)d->info.dma32_window_size,
		 (unsigned long long)d->info.ddw.pgsizes, d->info.ddw.max_dynamic_windows_supported,
		 d->info.ddw.levels);
	return 0;
}

/* v2 pins guest RAM once, up front; MAP_DMA then only updates TCEs. */
static int register_memory(struct vfio_dev *d, struct vm *vm)
{
	struct vfio_iommu_spapr_register_memory reg = {
		.argsz = sizeof(reg), .vaddr = (uintptr_t)vm->mem.host, .size = vm->mem.size,
	};

	if (!d->v2)
		return 0;
	if (ioctl(d->container, VFIO_IOMMU_SPAPR_REGISTER_MEMORY, &reg) < 0)
		return VFIO_FAIL("VFIO_IOMMU_SPAPR_REGISTER_MEMORY (guest RAM; check RLIMIT_MEMLOCK)");
	d->mem_registered = true;
	d->ram_vaddr = reg.vaddr;
	d->ram_size = reg.size;
	return 0;
}

static int open_device(struct vfio_dev *d)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	d->device = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
	if (d->device < 0)
		return VFIO_FAIL("VFIO_GROUP_GET_DEVICE_FD");
	if (ioctl(d->device, VFIO_DEVICE_GET_INFO, &info) < 0)
		return VFIO_FAIL("VFIO_DEVICE_GET_INFO");
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI) || info.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX) {
		pr_err("%s: not a PCI device with a config region", d->bdf);
		return -ENODEV;
	}
	d->num_regions = info.num_regions;
	d->num_irqs = info.num_irqs;
	/* BARs, ROM and config; the VGA region exists only for VGA devices. */
	for (uint32_t i = 0; i <= VFIO_PCI_CONFIG_REGION_INDEX; i++) {
		d->regions[i].argsz = sizeof(d->regions[i]);
		d->regions[i].index = i;
		if (ioctl(d->device, VFIO_DEVICE_GET_REGION_INFO, &d->regions[i]) < 0)
			return VFIO_FAIL("VFIO_DEVICE_GET_REGION_INFO");
	}
	d->msi_info.argsz = sizeof(d->msi_info);
	d->msi_info.index = VFIO_PCI_MSI_IRQ_INDEX;
	if (ioctl(d->device, VFIO_DEVICE_GET_IRQ_INFO, &d->msi_info) < 0)
		return VFIO_FAIL("VFIO_DEVICE_GET_IRQ_INFO(MSI)");
	{
		struct vfio_irq_info intx = { .argsz = sizeof(intx), .index = VFIO_PCI_INTX_IRQ_INDEX };
		if (ioctl(d->device, VFIO_DEVICE_GET_IRQ_INFO, &intx) < 0)
			return VFIO_FAIL("VFIO_DEVICE_GET_IRQ_INFO(INTx)");
		d->intx_count = intx.count;
	}
	return 0;
}

int vfio_dev_open(struct vfio_dev *d, struct vm *vm, const char *bdf)
{
	int r;

	memset(d, 0, sizeof(*d));
	d->container = d->group = d->device = d->kvm_vfio = -1;
	d->irq_index_enabled = -1;
	d->vm_fd = vm->vm_fd;
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	d->group_id = group_of(bdf);
	if (d->group_id < 0)
		return d->group_id;
	if ((r = check_group_drivers(d->group_id)) || (r = open_container(d)) ||
	    (r = open_group(d)) || (r = set_iommu(d)) ||
	    (r = register_memory(d, vm)) || (r = open_device(d))) {
		vfio_dev_close(d);
		return r;
	}
	pr_info("%s: IOMMU group %d, sPAPR TCE %s container, %u regions", bdf, d->group_id,
		d->v2 ? "v2" : "v1", d->num_regions);
	return 0;
}

/* v1 has only the host's default window, used as it is; v2 replaces it
 * with windows of the guest's page size and size. */
int vfio_window_create(struct vfio_dev *d, uint32_t page_shift, uint64_t size, uint64_t *start)
{
	struct vfio_iommu_spapr_tce_create cr = {
		.argsz = sizeof(cr), .page_shift = page_shift, .window_size = size,
	};
	unsigned int levels = d->info.ddw.levels ? d->info.ddw.levels : 1, slot;

	for (slot = 0; slot < VFIO_WINDOWS_MAX && d->windows[slot].used; slot++)
		;
	if (slot == VFIO_WINDOWS_MAX)
		return -ENOSPC;
	if (!d->v2) {
		if (slot || page_shift != 12 || size > d->info.dma32_window_size) {
			pr_err("%s: v1 IOMMU offers only its 4K-page window of 0x%llx bytes", d->bdf,
			       (unsigned long long)d->info.dma32_window_size);
			return -EINVAL;
		}
		d->windows[slot] = (struct vfio_window){ true, d->info.dma32_window_start, size, page_shift };
		*start = d->info.dma32_window_start;
		return 0;
	}
	if (!(d->info.ddw.pgsizes & (1ULL << page_shift))) {
		pr_err("%s: the host IOMMU has no %u KiB TCE pages (page sizes 0x%llx)", d->bdf,
		       1u << (page_shift - 10), (unsigned long long)d->info.ddw.pgsizes);
		return -EINVAL;
	}
	if (!d->default_window_removed) {
		struct vfio_iommu_spapr_tce_remove rm = {
			.argsz = sizeof(rm), .start_addr = d->info.dma32_window_start,
		};
		if (ioctl(d->container, VFIO_IOMMU_SPAPR_TCE_REMOVE, &rm) < 0)
			return VFIO_FAIL("VFIO_IOMMU_SPAPR_TCE_REMOVE(default window)");
		d->default_window_removed = true;
	}
	/* A one-level table needs physically contiguous host memory; retry
	 * with more levels as the host allows. */
	for (cr.levels = 1; ioctl(d->container, VFIO_IOMMU_SPAPR_TCE_CREATE, &cr) < 0; cr.levels++)
		if (cr.levels >= levels)
			return VFIO_FAIL("VFIO_IOMMU_SPAPR_TCE_CREATE");
	d->windows[slot] = (struct vfio_window){ true, cr.start_addr, size, page_shift };
	*start = cr.start_addr;
	pr_debug("%s: DMA window 0x%llx+0x%llx, %u KiB pages, %u levels", d->bdf,
		 (unsigned long long)cr.start_addr, (unsigned long long)size,
		 1u << (page_shift - 10), cr.levels);
	return 0;
}

int vfio_window_remove(struct vfio_dev *d, uint64_t start)
{
	struct vfio_iommu_spapr_tce_remove rm = { .argsz = sizeof(rm), .start_addr = start };

	for (unsigned int i = 0; i < VFIO_WINDOWS_MAX; i++) {
		if (!d->windows[i].used || d->windows[i].start != start)
			continue;
		d->windows[i].used = false;
		if (d->v2 && ioctl(d->container, VFIO_IOMMU_SPAPR_TCE_REMOVE, &rm) < 0)
			return VFIO_FAIL("VFIO_IOMMU_SPAPR_TCE_REMOVE");
		return 0;
	}
	return -ENOENT;
}

int vfio_dma_map(struct vfio_dev *d, uint64_t iova, void *vaddr, uint64_t size, uint64_t perm)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map), .vaddr = (uintptr_t)vaddr, .iova = iova, .size = size,
		.flags = ((perm & 1) ? VFIO_DMA_MAP_FLAG_READ : 0) | ((perm & 2) ? VFIO_DMA_MAP_FLAG_WRITE : 0),
	};

	if (ioctl(d->container, VFIO_IOMMU_MAP_DMA, &map) < 0)
		return VFIO_FAIL("VFIO_IOMMU_MAP_DMA");
	return 0;
}

int vfio_dma_unmap(struct vfio_dev *d, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap), .iova = iova, .size = size };

	if (ioctl(d->container, VFIO_IOMMU_UNMAP_DMA, &unmap) < 0)
		return VFIO_FAIL("VFIO_IOMMU_UNMAP_DMA");
	return 0;
}

int vfio_region_rw(struct vfio_dev *d, int region, uint64_t off, void *buf, uint32_t len, bool write)
{
	const struct vfio_region_info *ri;
	ssize_t n;

	if (region < 0 || region >= VFIO_PCI_NUM_REGIONS || (uint32_t)region >= d->num_regions)
		return -EINVAL;
	ri = &d->regions[region];
	if (off > ri->size || len > ri->size - off)
		return -EINVAL;
	n = write ? pwrite(d->device, buf, len, ri->offset + off)
		  : pread(d->device, buf, len, ri->offset + off);
	return n == (ssize_t)len ? 0 : -EIO;
}

int vfio_config_read(struct vfio_dev *d, uint32_t off, void *buf, uint32_t len)
{
	return vfio_region_rw(d, VFIO_PCI_CONFIG_REGION_INDEX, off, buf, len, false);
}

int vfio_config_write(struct vfio_dev *d, uint32_t off, const void *buf, uint32_t len)
{
	return vfio_region_rw(d, VFIO_PCI_CONFIG_REGION_INDEX, off, (void *)buf, len, true);
}

int vfio_set_irqs(struct vfio_dev *d, uint32_t index, const int *fds, uint32_t n)
{
	size_t sz = sizeof(struct vfio_irq_set) + n * sizeof(int32_t);
	struct vfio_irq_set *set = calloc(1, sz);
	int r = 0;

	if (!set)
		return -ENOMEM;
	set->argsz = sz;
	set->index = index;
	set->start = 0;
	set->count = n;
	set->flags = n ? (VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER)
		       : (VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER);
	if (n)
		memcpy(set->data, fds, n * sizeof(int32_t));
	if (ioctl(d->device, VFIO_DEVICE_SET_IRQS, set) < 0)
		r = VFIO_FAIL(n ? "VFIO_DEVICE_SET_IRQS(enable)" : "VFIO_DEVICE_SET_IRQS(disable)");
	else
		d->irq_index_enabled = n ? (int)index : -1;
	free(set);
	return r;
}

int vfio_set_intx(struct vfio_dev *d, int fd, int unmask_fd)
{
	struct {
		struct vfio_irq_set set;
		int32_t fd;
	} s = { { .argsz = sizeof(s), .index = VFIO_PCI_INTX_IRQ_INDEX, .start = 0, .count = 1,
		  .flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK }, unmask_fd };
	int r = vfio_set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX, &fd, fd < 0 ? 0 : 1);

	if (r || fd < 0 || unmask_fd < 0)
		return r;
	if (ioctl(d->device, VFIO_DEVICE_SET_IRQS, &s) < 0) {
		r = VFIO_FAIL("VFIO_DEVICE_SET_IRQS(INTx unmask)");
		vfio_set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX, NULL, 0);
	}
	return r;
}

int vfio_unmask_intx(struct vfio_dev *d)
{
	struct vfio_irq_set s = { .argsz = sizeof(s), .index = VFIO_PCI_INTX_IRQ_INDEX, .start = 0,
				  .count = 1, .flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK };

	if (ioctl(d->device, VFIO_DEVICE_SET_IRQS, &s) < 0)
		return VFIO_FAIL("VFIO_DEVICE_SET_IRQS(INTx unmask now)");
	return 0;
}

int vfio_kvm_attach_tce(struct vfio_dev *d, int table_fd)
{
	struct kvm_vfio_spapr_tce param = { .groupfd = d->group, .tablefd = table_fd };
	struct kvm_device_attr attr = {
		.group = KVM_DEV_VFIO_GROUP, .attr = KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE,
		.addr = (uintptr_t)&param,
	};
	int r;

	if (!d->kvm_group_added && (r = kvm_vfio_add_group(d)))
		return r;
	if (ioctl(d->kvm_vfio, KVM_SET_DEVICE_ATTR, &attr) < 0)
		return VFIO_FAIL("KVM_SET_DEVICE_ATTR(KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE)");
	return 0;
}

/* KVM lets go of the group first (it holds the container's user count
 * through the external-user reference until then). */
void vfio_kvm_detach(struct vfio_dev *d)
{
	if (d->kvm_group_added) {
		struct kvm_device_attr attr = {
			.group = KVM_DEV_VFIO_GROUP, .attr = KVM_DEV_VFIO_GROUP_DEL,
			.addr = (uintptr_t)&d->group,
		};
		if (ioctl(d->kvm_vfio, KVM_SET_DEVICE_ATTR, &attr) < 0)
			pr_warn("%s: KVM_DEV_VFIO_GROUP_DEL: %s", d->bdf, strerror(errno));
		d->kvm_group_added = false;
	}
	if (d->kvm_vfio >= 0) {
		close(d->kvm_vfio);
		d->kvm_vfio = -1;
	}
}

/* Reverse order of vfio_dev_open; each step only if it was done. */
void vfio_dev_close(struct vfio_dev *d)
{
	vfio_kvm_detach(d);
	if (d->device >= 0) {
		if (d->irq_index_enabled >= 0)
			vfio_set_irqs(d, d->irq_index_enabled, NULL, 0);
		close(d->device);
		d->device = -1;
	}
	for (unsigned int i = 0; i < VFIO_WINDOWS_MAX; i++)
		if (d->windows[i].used)
			vfio_window_remove(d, d->windows[i].start);
	if (d->mem_registered) {
		struct vfio_iommu_spapr_register_memory reg = {
			.argsz = sizeof(reg), .vaddr = d->ram_vaddr, .size = d->ram_size,
		};
		if (ioctl(d->container, VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY, &reg) < 0)
			pr_warn("%s: VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY: %s", d->bdf, strerror(errno));
		d->mem_registered = false;
	}
	if (d->group_attached) {
		if (ioctl(d->group, VFIO_GROUP_UNSET_CONTAINER) < 0)
			pr_warn("%s: VFIO_GROUP_UNSET_CONTAINER: %s", d->bdf, strerror(errno));
		d->group_attached = false;
	}
	if (d->group >= 0) {
		close(d->group);
		d->group = -1;
	}
	if (d->container >= 0) {
		close(d->container);
		d->container = -1;
	}
}
