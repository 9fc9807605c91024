/* VFIO on the sPAPR TCE IOMMU: containers, groups, devices (see vfio.h). */
#include "vfio.h"
#include "host_bind.h"
#include "kvm_vfio.h"
#include "ram_pin.h"
#include "report.h"
#include "util.h"
#include "vfio_req.h"
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* errno first: pr_err may change it. */
static int fail_errno(const char *who, const char *what)
{
	int err = errno;

	pr_err("%s: %s: %s", who, what, strerror(err));
	return -err;
}
#define FAIL(who, what) fail_errno(who, what)

/* Whether another process (another VM) holds the group, asked before pvmm
 * sets anything up, so that its one error line comes alone. Other open
 * errors are for the set-up to report. */
static int check_group_free(const char *bdf, int group)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno == EBUSY) {
		pr_err("%s: IOMMU group %d (%s) is busy: another process (another VM?) holds it; "
		       "it is left as it is", bdf, group, path);
		return -EBUSY;
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

int vfio_group_of(const char *bdf)
{
	int g = host_group_viable("", bdf);
	int r = g < 0 ? g : check_group_free(bdf, g);

	return r < 0 ? r : g;
}

int vfio_container_open(struct vfio_container *c, const char *name)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (c->fd < 0)
		return FAIL(c->name, "open /dev/vfio/vfio (is vfio loaded?)");
	if (ioctl(c->fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		pr_err("%s: VFIO_GET_API_VERSION: unexpected version", c->name);
		return -EINVAL;
	}
	c->v2 = ioctl(c->fd, VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_v2_IOMMU) == 1;
	if (!c->v2 && ioctl(c->fd, VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_IOMMU) != 1) {
		pr_err("%s: VFIO_CHECK_EXTENSION: no sPAPR TCE IOMMU (v1 or v2)", c->name);
		return -ENOTSUP;
	}
	return 0;
}

/* Once the first group is in: the IOMMU type and what the host window
 * offers. Guest RAM is pinned later, for all containers at once
 * (vfio_ram_pin_prepare, vfio_ram_pin_start). */
static int container_set_iommu(struct vfio_container *c, struct vm *vm)
{
	if (c->v2 && ioctl(c->fd, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU) < 0) {
		pr_warn("%s: VFIO_SET_IOMMU(v2): %s; trying v1", c->name, strerror(errno));
		c->v2 = false;
	}
	if (!c->v2) {
		if (ioctl(c->fd, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_IOMMU) < 0)
			return FAIL(c->name, "VFIO_SET_IOMMU(VFIO_SPAPR_TCE_IOMMU)");
		if (ioctl(c->fd, VFIO_IOMMU_ENABLE) < 0)
			return FAIL(c->name, "VFIO_IOMMU_ENABLE");
	}
	c->iommu_set = true;
	c->info.argsz = sizeof(c->info);
	if (ioctl(c->fd, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &c->info) < 0)
		return FAIL(c->name, "VFIO_IOMMU_SPAPR_TCE_GET_INFO");
	pr_debug("%s: dma32 window 0x%llx+0x%llx, page sizes 0x%llx, %u windows, %u levels",
		 c->name, (unsigned long long)c->info.dma32_window_start,
		 (unsigned long long)c->info.dma32_window_size,
		 (unsigned long long)c->info.ddw.pgsizes, c->info.ddw.max_dynamic_windows_supported,
		 c->info.ddw.levels);
	stats_note_phase(&vm->stats, "vfio-container");
	return 0;
}

static int group_open(struct vfio_group *g)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];

	snprintf(path, sizeof(path), "/dev/vfio/%d", g->id);
	g->fd = open(path, O_RDWR | O_CLOEXEC);
	if (g->fd < 0 && errno == EBUSY) {
		pr_err("IOMMU group %d: %s is busy: another process (another VM?) holds the group; "
		       "it is left as it is", g->id, path);
		return -EBUSY;
	}
	if (g->fd < 0)
		return FAIL(path, "open");
	if (ioctl(g->fd, VFIO_GROUP_GET_STATUS, &status) < 0)
		return FAIL(path, "VFIO_GROUP_GET_STATUS");
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		pr_err("IOMMU group %d is not viable (a device of the group is bound to a host driver)",
		       g->id);
		return -EBUSY;
	}
	return 0;
}

static void group_close(struct vfio_group *g)
{
	if (g->attached && ioctl(g->fd, VFIO_GROUP_UNSET_CONTAINER) < 0)
		pr_warn("IOMMU group %d: VFIO_GROUP_UNSET_CONTAINER: %s", g->id, strerror(errno));
	if (g->fd >= 0)
		close(g->fd);
	free(g);
}

int vfio_group_get(struct vm *vm, int id, struct vfio_container *c, struct vfio_group **out)
{
	struct vfio_group *g;
	int r;

	for (g = vm->groups; g; g = g->next) {
		if (g->id != id)
			continue;
		if (g->container != c) {
			pr_err("IOMMU group %d: its functions must share one guest PHB (one container)", id);
			return -EINVAL;
		}
		g->refs++;
		*out = g;
		return 0;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->id = id;
	g->fd = -1;
	g->container = c;
	r = group_open(g);
	if (!r && ioctl(g->fd, VFIO_GROUP_SET_CONTAINER, &c->fd) < 0)
		r = FAIL(c->name, "VFIO_GROUP_SET_CONTAINER");
	g->attached = !r;
	if (!r && !c->iommu_set)
		r = container_set_iommu(c, vm);
	if (r) {
		group_close(g);
		return r;
	}
	g->refs = 1;
	g->next = vm->groups;
	vm->groups = g;
	*out = g;
	return 0;
}

/* The last reference: out of kvm-vfio (if still there), out of the
 * container, closed. */
void vfio_group_put(struct vm *vm, struct vfio_group *g)
{
	struct vfio_group **p;

	if (!g || --g->refs > 0)
		return;
	kvm_vfio_del_group(vm, g);
	for (p = &vm->groups; *p && *p != g; p = &(*p)->next)
		;
	if (*p)
		*p = g->next;
	group_close(g);
}

void vfio_container_release(struct vfio_container *c)
{
	ram_pin_unregister(c);
}

void vfio_container_close(struct vfio_container *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* v1 has only the host's default window, used as it is; v2 replaces it
 * with windows of the guest's page size and size. */
int vfio_window_create(struct vfio_container *c, uint32_t page_shift, uint64_t size, uint64_t *start)
{
	struct vfio_iommu_spapr_tce_create cr = {
		.argsz = sizeof(cr), .page_shift = page_shift, .window_size = size,
	};
	unsigned int levels = c->info.ddw.levels ? c->info.ddw.levels : 1;

	if (c->nr_windows == VFIO_WINDOWS_MAX) {
		pr_err("%s: DMA windows exhausted: the container holds %u", c->name, c->nr_windows);
		return -ENOSPC;
	}
	if (!c->v2) {
		if (c->nr_windows || page_shift != 12 || size > c->info.dma32_window_size) {
			pr_err("%s: v1 IOMMU offers only its 4K-page window of 0x%llx bytes", c->name,
			       (unsigned long long)c->info.dma32_window_size);
			return -EINVAL;
		}
		c->nr_windows++;
		*start = c->info.dma32_window_start;
		return 0;
	}
	if (!(c->info.ddw.pgsizes & (1ULL << page_shift))) {
		pr_err("%s: the host IOMMU has no %u KiB TCE pages (page sizes 0x%llx)", c->name,
		       1u << (page_shift - 10), (unsigned long long)c->info.ddw.pgsizes);
		return -EINVAL;
	}
	if (!c->default_window_removed) {
		struct vfio_iommu_spapr_tce_remove rm = {
			.argsz = sizeof(rm), .start_addr = c->info.dma32_window_start,
		};
		if (ioctl(c->fd, VFIO_IOMMU_SPAPR_TCE_REMOVE, &rm) < 0)
			return FAIL(c->name, "VFIO_IOMMU_SPAPR_TCE_REMOVE(default window)");
		c->default_window_removed = true;
	}
	/* A one-level table needs physically contiguous host memory; retry
	 * with more levels as the host allows. */
	for (cr.levels = 1; ioctl(c->fd, VFIO_IOMMU_SPAPR_TCE_CREATE, &cr) < 0; cr.levels++)
		if (cr.levels >= levels)
			return FAIL(c->name, "VFIO_IOMMU_SPAPR_TCE_CREATE");
	c->nr_windows++;
	*start = cr.start_addr;
	pr_debug("%s: DMA window 0x%llx+0x%llx, %u KiB pages, %u levels", c->name,
		 (unsigned long long)cr.start_addr, (unsigned long long)size,
		 1u << (page_shift - 10), cr.levels);
	return 0;
}

int vfio_window_remove(struct vfio_container *c, uint64_t start)
{
	struct vfio_iommu_spapr_tce_remove rm = { .argsz = sizeof(rm), .start_addr = start };

	if (!c->nr_windows)
		return -ENOENT;
	c->nr_windows--;
	if (c->v2 && ioctl(c->fd, VFIO_IOMMU_SPAPR_TCE_REMOVE, &rm) < 0)
		return FAIL(c->name, "VFIO_IOMMU_SPAPR_TCE_REMOVE");
	return 0;
}

int vfio_dma_map(struct vfio_container *c, uint64_t iova, void *vaddr, uint64_t size, uint64_t perm)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map), .vaddr = (uintptr_t)vaddr, .iova = iova, .size = size,
		.flags = ((perm & 1) ? VFIO_DMA_MAP_FLAG_READ : 0) | ((perm & 2) ? VFIO_DMA_MAP_FLAG_WRITE : 0),
	};

	if (ioctl(c->fd, VFIO_IOMMU_MAP_DMA, &map) < 0)
		return FAIL(c->name, "VFIO_IOMMU_MAP_DMA");
	return 0;
}

int vfio_dma_unmap(struct vfio_container *c, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap), .iova = iova, .size = size };

	if (ioctl(c->fd, VFIO_IOMMU_UNMAP_DMA, &unmap) < 0)
		return FAIL(c->name, "VFIO_IOMMU_UNMAP_DMA");
	return 0;
}

/*
 * The guest gets the function as after a reset, as QEMU's vfio gives it at
 * machine reset: a function the previous VM left running (pvmm killed
 * mid-transfer, its rings still set) would otherwise DMA to its old
 * addresses as soon as the new guest enables bus mastering, before its
 * driver resets it, and those addresses are the new guest's RAM once a
 * window maps it all. A function VFIO cannot reset is left as it is.
 */
static void vfio_device_reset(struct vfio_device *d, uint32_t flags)
{
	if (!(flags & VFIO_DEVICE_FLAGS_RESET)) {
		pr_debug("%s: VFIO cannot reset it", d->bdf);
		return;
	}
	if (ioctl(d->fd, VFIO_DEVICE_RESET) < 0)
		pr_warn("%s: VFIO_DEVICE_RESET: %s; the guest gets it as it is", d->bdf, strerror(errno));
}

int vfio_device_open(struct vfio_device *d, struct vfio_group *g, const char *bdf)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	memset(d, 0, sizeof(*d));
	d->irq_index_enabled = -1;
	d->req_fd = -1;
	d->group = g;
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	d->fd = ioctl(g->fd, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
	if (d->fd < 0)
		return FAIL(d->bdf, "VFIO_GROUP_GET_DEVICE_FD");
	if (ioctl(d->fd, VFIO_DEVICE_GET_INFO, &info) < 0)
		return FAIL(d->bdf, "VFIO_DEVICE_GET_INFO");
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI) || info.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX) {
		pr_err("%s: not a PCI device with a config region", d->bdf);
		return -ENODEV;
	}
	d->num_regions = info.num_regions;
	d->num_irqs = info.num_irqs;
	vfio_device_reset(d, info.flags);
	/* BARs, ROM and config; the VGA region exists only for VGA devices. */
	for (uint32_t i = 0; i <= VFIO_PCI_CONFIG_REGION_INDEX; i++) {
		d->regions[i].argsz = sizeof(d->regions[i]);
		d->regions[i].index = i;
		if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &d->regions[i]) < 0)
			return FAIL(d->bdf, "VFIO_DEVICE_GET_REGION_INFO");
	}
	d->msi_info.argsz = sizeof(d->msi_info);
	d->msi_info.index = VFIO_PCI_MSI_IRQ_INDEX;
	if (ioctl(d->fd, VFIO_DEVICE_GET_IRQ_INFO, &d->msi_info) < 0)
		return FAIL(d->bdf, "VFIO_DEVICE_GET_IRQ_INFO(MSI)");
	{
		struct vfio_irq_info intx = { .argsz = sizeof(intx), .index = VFIO_PCI_INTX_IRQ_INDEX };
		if (ioctl(d->fd, VFIO_DEVICE_GET_IRQ_INFO, &intx) < 0)
			return FAIL(d->bdf, "VFIO_DEVICE_GET_IRQ_INFO(INTx)");
		d->intx_count = intx.count;
	}
	return vfio_req_enable(d);
}


void vfio_device_close(struct vfio_device *d)
{
	if (d->fd < 0)
		return;
	if (d->irq_index_enabled >= 0)
		vfio_set_irqs(d, d->irq_index_enabled, NULL, 0);
	vfio_req_disable(d);
	close(d->fd);
	d->fd = -1;
}

/* A failed access, or a config read of 2 or 4 bytes that is all ones. */
static void count_access(struct vfio_device *d, int region, const uint8_t *buf, uint32_t len,
			 bool write, bool done)
{
	bool config = region == VFIO_PCI_CONFIG_REGION_INDEX;
	uint32_t i = 0;

	if (!done) {
		atomic_fetch_add_explicit(config ? &d->errors.config : &d->errors.bar, 1,
					  memory_order_relaxed);
		return;
	}
	if (write || !config || len < 2)
		return;
	while (i < len && buf[i] == 0xff)
		i++;
	if (i == len)
		atomic_fetch_add_explicit(&d->errors.config_all_ones, 1, memory_order_relaxed);
}

int vfio_region_rw(struct vfio_device *d, int region, uint64_t off, void *buf, uint32_t len, bool write)
{
	const struct vfio_region_info *ri;
	ssize_t n;

	if (region < 0 || region >= VFIO_PCI_NUM_REGIONS || (uint32_t)region >= d->num_regions)
		return -EINVAL;
	ri = &d->regions[region];
	if (off > ri->size || len > ri->size - off)
		return -EINVAL;
	n = write ? pwrite(d->fd, buf, len, ri->offset + off)
		  : pread(d->fd, buf, len, ri->offset + off);
	count_access(d, region, buf, len, write, n == (ssize_t)len);
	return n == (ssize_t)len ? 0 : -EIO;
}

void vfio_device_report(const struct vfio_device *d, struct report *r)
{
	uint64_t cfg = atomic_load(&d->errors.config), bar = atomic_load(&d->errors.bar);
	uint64_t ones = atomic_load(&d->errors.config_all_ones), asked = atomic_load(&d->host_requests);

	report_u64(r, "config_access_errors", cfg);
	report_u64(r, "bar_access_errors", bar);
	report_u64(r, "config_reads_all_ones", ones);
	report_u64(r, "host_requests", asked);
	if (cfg || bar || ones)
		report_line(r, "pvmm:   failed accesses through VFIO: {config_access_errors} config, "
			    "{bar_access_errors} BAR; config reads of all ones: {config_reads_all_ones}");
	if (asked)
		report_line(r, "pvmm:   the host asked for the device back (VFIO request interrupt)");
}

int vfio_config_read(struct vfio_device *d, uint32_t off, void *buf, uint32_t len)
{
	return vfio_region_rw(d, VFIO_PCI_CONFIG_REGION_INDEX, off, buf, len, false);
}

int vfio_config_write(struct vfio_device *d, uint32_t off, const void *buf, uint32_t len)
{
	return vfio_region_rw(d, VFIO_PCI_CONFIG_REGION_INDEX, off, (void *)buf, len, true);
}

int vfio_set_irqs(struct vfio_device *d, uint32_t index, const int *fds, uint32_t n)
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
	if (ioctl(d->fd, VFIO_DEVICE_SET_IRQS, set) < 0)
		r = FAIL(d->bdf, n ? "VFIO_DEVICE_SET_IRQS(enable)" : "VFIO_DEVICE_SET_IRQS(disable)");
	else
		d->irq_index_enabled = n ? (int)index : -1;
	free(set);
	return r;
}

int vfio_set_intx(struct vfio_device *d, int fd, int unmask_fd)
{
	struct {
		struct vfio_irq_set set;
		int32_t fd;
	} s = { { .argsz = sizeof(s), .index = VFIO_PCI_INTX_IRQ_INDEX, .start = 0, .count = 1,
		  .flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK }, unmask_fd };
	int r = vfio_set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX, &fd, fd < 0 ? 0 : 1);

	if (r || fd < 0 || unmask_fd < 0)
		return r;
	if (ioctl(d->fd, VFIO_DEVICE_SET_IRQS, &s) < 0) {
		r = FAIL(d->bdf, "VFIO_DEVICE_SET_IRQS(INTx unmask)");
		vfio_set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX, NULL, 0);
	}
	return r;
}

int vfio_unmask_intx(struct vfio_device *d)
{
	struct vfio_irq_set s = { .argsz = sizeof(s), .index = VFIO_PCI_INTX_IRQ_INDEX, .start = 0,
				  .count = 1, .flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK };

	if (ioctl(d->fd, VFIO_DEVICE_SET_IRQS, &s) < 0)
		return FAIL(d->bdf, "VFIO_DEVICE_SET_IRQS(INTx unmask now)");
	return 0;
}

