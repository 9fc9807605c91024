/* A guest PHB's DMA windows and their TCE tables (see spapr_phb_dma.h). */
#include "spapr_phb_dma.h"
#include "kvm.h"
#include "pci_place.h"
#include "spapr.h"
#include "spapr_phb.h"
#include "util.h"
#include "vm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

/* ---- TCE side effects: VFIO mappings of guest pages ---- */

static int tce_map(void *opaque, uint64_t iova, uint64_t gpa, uint64_t size, uint64_t perm)
{
	struct phb_dma *d = opaque;
	void *host = guest_ptr(&d->vm->mem, gpa, size);
	int r = host ? vfio_ram_pin_wait(d->vm) : -EFAULT;

	return r ? r : vfio_dma_map(&d->ct, iova, host, size, perm);
}

static int tce_unmap(void *opaque, uint64_t iova, uint64_t size)
{
	struct phb_dma *d = opaque;

	return vfio_dma_unmap(&d->ct, iova, size);
}

static const struct tce_ops tce_vfio_ops = { tce_map, tce_unmap };

static void io_add(struct tce_io_stats *sum, const struct tce_io_stats *s)
{
	sum->map_calls += s->map_calls;
	sum->map_entries += s->map_entries;
	sum->unmap_calls += s->unmap_calls;
	sum->unmap_entries += s->unmap_entries;
}

static uint64_t pow2_at_least(uint64_t v)
{
	uint64_t p = 1;

	while (p < v && p < (1ULL << 62))
		p <<= 1;
	return p;
}

/* Mode kernel: KVM's table for the window's LIOBN, attached to the group,
 * so that the TCE hcalls never leave the kernel. Each step names itself on
 * failure; window_close() undoes the ones before. */
static int window_kernel_table(struct phb_dma *d, struct phb_window *w, uint32_t liobn,
			       uint32_t page_shift, uint64_t start, uint64_t size)
{
	struct vm *vm = d->vm;
	struct kvm_create_spapr_tce_64 args = {
		.liobn = liobn, .page_shift = page_shift,
		.offset = start >> page_shift, .size = size >> page_shift,
	};

	w->table_fd = ioctl(vm->vm_fd, KVM_CREATE_SPAPR_TCE_64, &args);
	if (w->table_fd < 0) {
		pr_err("mode kernel: KVM_CREATE_SPAPR_TCE_64(liobn 0x%x, page shift %u, %llu entries): %s",
		       liobn, page_shift, (unsigned long long)args.size, strerror(errno));
		return -errno;
	}
	pr_info("mode kernel: KVM TCE table for liobn 0x%x: page shift %u, offset 0x%llx, %llu entries",
		liobn, page_shift, (unsigned long long)args.offset, (unsigned long long)args.size);
	/* The table stays inspectable: its entries, host-endian, as KVM keeps them. */
	w->table_map_size = ALIGN_UP(args.size * 8, (uint64_t)sysconf(_SC_PAGESIZE));
	w->table_map = mmap(NULL, w->table_map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			    w->table_fd, 0);
	if (w->table_map == MAP_FAILED) {
		w->table_map = NULL;
		pr_err("mode kernel: mmap of the KVM TCE table: %s", strerror(errno));
		return -errno;
	}
	/* One table, attached to every group of the PHB (one SET_SPAPR_TCE each). */
	for (unsigned int i = 0; i < d->nr_groups; i++) {
		int r = kvm_vfio_attach_tce(vm, d->groups[i], w->table_fd);
		if (r)
			return r;
	}
	return 0;
}

/*
 * KVM (Linux 6.12, and upstream as of this writing) checks only the FIRST
 * entry of an H_PUT_TCE_INDIRECT or H_STUFF_TCE against the window
 * (iommu_tce_check_ioba ignores npages) and then writes every entry, into
 * its own table and the host IOMMU table: a guest asking for entries past
 * the window's end makes the host kernel write past both tables (seen
 * here: an oops in iommu_tce_xchg_no_kill from H_STUFF_TCE). So in mode
 * kernel every window's KVM and host tables get TCE_INDIRECT_MAX spare
 * entries past the guest's window, which is as far as an indirect list
 * (512 entries at most, that check KVM does make) can reach, and
 * H_STUFF_TCE, whose count has no bound, stays with pvmm unless the user
 * trusts the guest (kvm_stuff_tce). The pad's price: KVM answers H_SUCCESS
 * for an IOBA among the spare entries; kvm_indirect_tce = off keeps
 * H_PUT_TCE_INDIRECT with pvmm too, and every answer exact.
 */
static uint64_t kvm_pad(const struct phb_dma *d, uint32_t page_shift)
{
	if (d->mode != TCE_KERNEL || !d->vm->cfg.kvm_indirect_tce ||
	    (d->vm->kvm_tce_decided && !d->vm->kvm_indirect))
		return 0;
	return (uint64_t)TCE_INDIRECT_MAX << page_shift;
}

/* Append item to the comma-separated list in buf. */
static void list_add(char *buf, size_t len, const char *item)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n ? ", " : "", item);
}

/* After the first window: KVM serves H_PUT_TCE_INDIRECT if that window
 * could be padded, H_STUFF_TCE only if asked. */
static int kvm_hcalls_decide(struct phb_dma *d, bool padded)
{
	struct vm *vm = d->vm;
	int r = 0;

	d->vm->kvm_tce_decided = true;
	d->vm->kvm_indirect = padded;
	if (padded)
		r = kvm_enable_hcall(vm, H_PUT_TCE_INDIRECT);
	if (!r && vm->cfg.kvm_stuff_tce)
		r = kvm_enable_hcall(vm, H_STUFF_TCE);
	/* Who serves what, in one line: each multi-TCE hcall joins one list. */
	char kvm[128] = "H_PUT_TCE, H_GET_TCE", own[128] = "";
	list_add(padded ? kvm : own, sizeof(kvm), padded ? "H_PUT_TCE_INDIRECT" :
		 vm->cfg.kvm_indirect_tce ? "H_PUT_TCE_INDIRECT (no room to pad the window)" :
		 "H_PUT_TCE_INDIRECT (kvm_indirect_tce off)");
	list_add(vm->cfg.kvm_stuff_tce ? kvm : own, sizeof(kvm), vm->cfg.kvm_stuff_tce ?
		 "H_STUFF_TCE (kvm_stuff_tce on)" : "H_STUFF_TCE (KVM does not bound its count)");
	pr_info("mode kernel: KVM serves %s; pvmm serves %s", kvm, own[0] ? own : "none");
	return r;
}

/* Release a window: pvmm stops finding it, KVM drops its table (the mmap
 * holds the file, so it goes first), then the host window goes unless
 * vfio_dev_close() is to remove it after the device (teardown). */
static void window_close(struct phb_dma *d, unsigned int slot, bool host_window)
{
	struct phb_window *w = &d->win[slot];

	if (w->added)
		tce_window_remove(&w->tce);
	io_add(&d->io_closed, &w->tce.io);	/* the summary counts removed windows too */
	tce_window_free(&w->tce);
	if (w->table_map)
		munmap(w->table_map, w->table_map_size);
	if (w->table_fd >= 0)
		close(w->table_fd);
	if (host_window && w->vfio_created && vfio_window_remove(&d->ct, w->vfio_start))
		pr_warn("%s: window at 0x%llx stays with the container", d->ct.name,
			(unsigned long long)w->vfio_start);
	memset(w, 0, sizeof(*w));
	w->table_fd = -1;
}

static int window_open(struct phb_dma *d, unsigned int slot, uint32_t liobn,
		       uint32_t page_shift, uint64_t size, uint64_t *start)
{
	struct phb_window *w = &d->win[slot];
	uint64_t pad = kvm_pad(d, page_shift);
	int r;

	/* The host window's size is a power of two: the pad costs a window
	 * twice the guest's, whose table only has entries where mapped. */
	r = vfio_window_create(&d->ct, page_shift, pad ? pow2_at_least(size + pad) : size, start);
	if (r && pad && !d->vm->kvm_tce_decided) {
		pr_info("%s: no padded host window: H_PUT_TCE_INDIRECT stays with pvmm", d->ct.name);
		pad = 0;
		r = vfio_window_create(&d->ct, page_shift, size, start);
	}
	if (r)
		return r;
	w->vfio_created = true;
	w->vfio_start = *start;
	if (d->mode == TCE_KERNEL) {
		r = window_kernel_table(d, w, liobn, page_shift, *start, size + pad);
		if (!r && !d->vm->kvm_tce_decided)
			r = kvm_hcalls_decide(d, pad != 0);
	}
	if (!r)
		r = tce_window_init(&w->tce, liobn, *start, size, page_shift, &d->vm->mem,
				    &tce_vfio_ops, d, w->table_map);
	if (!r) {
		w->tce.spare_entries = pad >> page_shift;
		w->tce.coalesce = d->coalesce;
	}
	w->ready = !r;
	if (!r)
		r = tce_window_add(&w->tce);
	w->added = !r;
	if (r)
		window_close(d, slot, true);
	return r;
}

/* ---- DDW host side ---- */

static int ddw_host_create(void *opaque, unsigned int slot, uint32_t liobn, uint32_t page_shift,
			   uint64_t size, uint64_t *start)
{
	struct phb_dma *d = opaque;
	int r = window_open(d, slot, liobn, page_shift, size, start);

	if (!r)
		pr_info("guest created DMA window liobn 0x%x at 0x%llx, 0x%llx bytes, %u KiB pages",
			liobn, (unsigned long long)*start, (unsigned long long)size,
			1u << (page_shift - 10));
	return r;
}

static void ddw_host_remove(void *opaque, unsigned int slot, uint64_t *hcalls)
{
	struct phb_dma *d = opaque;

	*hcalls = tce_window_hcalls(&d->win[slot].tce);	/* other vcpus count under the windows lock */
	pr_info("guest removed DMA window liobn 0x%x", d->win[slot].tce.liobn);
	window_close(d, slot, true);
}

static int ddw_check_addr(void *opaque, uint32_t cfg_addr, uint64_t buid)
{
	struct phb_dma *d = opaque;

	return spapr_phb_check_addr(d->phb, cfg_addr, buid);
}

static const struct ddw_ops ddw_host_ops = { ddw_host_create, ddw_host_remove, ddw_check_addr };

/* Which mode, and why: the user's choice, or what the kernel offers. */
static int tce_choose_mode(struct phb_dma *d)
{
	struct vm *vm = d->vm;
	const char *missing = NULL;
	enum tce_mode tce = config_phb_tce(&vm->cfg, d->index, NULL);

	if (!kvm_check_extension(vm, KVM_CAP_SPAPR_TCE_VFIO))
		missing = "KVM lacks KVM_CAP_SPAPR_TCE_VFIO";
	else if (!kvm_check_extension(vm, KVM_CAP_SPAPR_TCE_64))
		missing = "KVM lacks KVM_CAP_SPAPR_TCE_64";
	else if (!d->ct.v2)
		missing = "the container is not sPAPR TCE v2 (no pre-registered memory)";
	if (tce == TCE_KERNEL && missing) {
		pr_err("%s: tce = kernel is impossible here: %s", d->ct.name, missing);
		return -ENOTSUP;
	}
	if (tce == TCE_USER) {
		d->mode = TCE_USER;
		pr_info("%s: TCE mode user (asked for): pvmm serves the TCE hcalls", d->ct.name);
	} else if (missing) {
		d->mode = TCE_USER;
		pr_info("%s: TCE mode user (auto): %s", d->ct.name, missing);
	} else {
		d->mode = TCE_KERNEL;
		pr_info("%s: TCE mode kernel (%s): KVM serves the TCE hcalls for the PHB's LIOBNs",
			d->ct.name, tce == TCE_KERNEL ? "asked for" : "auto, KVM_CAP_SPAPR_TCE_VFIO present");
	}
	return 0;
}

/* The default window, then what DDW may offer the guest: the host's page
 * sizes no larger than the pages backing guest RAM, windows no larger
 * than RAM needs (which bounds the host table's memory). */
int phb_dma_setup(struct phb_dma *d)
{
	struct vm *vm = d->vm;
	uint64_t start, size = dma_window_size(vm->mem.size, d->ct.info.dma32_window_size);
	bool ddw = config_phb_ddw(&vm->cfg, d->index);
	uint32_t mask;
	int r;

	r = tce_choose_mode(d);
	if (r)
		return r;
	d->coalesce = config_phb_user_coalesce(&vm->cfg, d->index);
	r = window_open(d, 0, d->liobn, 12, size, &start);
	if (r)
		return r;
	/* A TCE may not span more than one host page of guest RAM. */
	mask = ddw_page_mask(d->ct.info.ddw.pgsizes,
			     vm->mem.page_size ? vm->mem.page_size : (uint64_t)sysconf(_SC_PAGESIZE));
	ddw_init(&d->ddw, ddw && d->ct.v2,
		 d->ct.v2 ? d->ct.info.ddw.max_dynamic_windows_supported : 1, mask,
		 pow2_at_least(vm->mem.size), d->liobn, start, size, 12, &ddw_host_ops, d);
	if (ddw && !d->ddw.enabled)
		pr_info("%s: DDW off: the host offers %s", d->ct.name, !d->ct.v2 ? "only the v1 IOMMU" :
			!mask ? "no TCE page size usable for guest RAM" : "a single DMA window");
	return 0;
}

static void report_window(const struct phb_dma *d, unsigned int slot, struct report *r)
{
	const struct tce_window *w = &d->win[slot].tce;
	uint64_t valid = 0;
	bool inside = tce_window_inside_ram(w, &valid);

	report_object_begin(r, NULL);
	report_u64(r, "liobn", w->liobn);
	report_u64(r, "start", w->start);
	report_u64(r, "size", w->size);
	report_u64(r, "page_shift", w->page_shift);
	report_u64(r, "valid_entries", valid);
	report_bool(r, "all_inside_ram", inside);
	report_u64(r, "hcalls", w->hcalls);
	report_u64(r, "vfio_map_calls", w->io.map_calls);
	report_u64(r, "vfio_unmap_calls", w->io.unmap_calls);
	report_line(r, "pvmm:   window liobn 0x{liobn:x} 0x{start:x}+0x{size:x}, {page_shift:kib} KiB pages: "
		    "{valid_entries} valid entries, {all_inside_ram?all inside guest RAM|SOME OUTSIDE GUEST RAM}, "
		    "{hcalls} TCE hcalls in pvmm");
	report_object_end(r);
}

/* What the guest did with DDW: every window it created, live or removed. */
static void report_ddw(const struct phb_dma *dma, struct report *r)
{
	const struct ddw *d = &dma->ddw;

	report_object_begin(r, "ddw");
	report_bool(r, "enabled", d->enabled);
	report_u64(r, "rtas_errors", d->rtas_errors);
	report_u64(r, "windows_opened", d->opened);
	report_u64(r, "windows_closed", d->closed);
	report_line(r, "pvmm:   DDW {enabled?on|off}, host windows opened {windows_opened}, closed {windows_closed}");
	report_array_begin(r, "created");
	for (unsigned int i = 0; i < d->nlog; i++) {
		const struct ddw_log_entry *e = &d->log[i];
		report_object_begin(r, NULL);
		report_u64(r, "liobn", e->liobn);
		report_u64(r, "start", e->start);
		report_u64(r, "size", e->size);
		report_u64(r, "page_shift", e->page_shift);
		report_bool(r, "removed", e->removed);
		report_u64(r, "hcalls", e->removed ? e->hcalls : dma->win[e->slot].tce.hcalls);
		report_line(r, "pvmm:   DDW liobn 0x{liobn:x} 0x{start:x}+0x{size:x}, {page_shift:kib} KiB pages, "
			    "{removed?removed|in use}, {hcalls} TCE hcalls in pvmm");
		report_object_end(r);
	}
	report_array_end(r);
	report_object_end(r);
}

void phb_dma_init(struct phb_dma *d, struct vm *vm, struct spapr_phb *phb, unsigned int index,
		  uint32_t liobn)
{
	char name[32];

	memset(d, 0, sizeof(*d));
	d->vm = vm;
	d->phb = phb;
	d->index = index;
	d->liobn = liobn;
	d->ct.fd = -1;
	for (int i = 0; i < DDW_WINDOWS_MAX; i++)
		d->win[i].table_fd = -1;
	snprintf(name, sizeof(name), "PHB %u", index);
	snprintf(d->ct.name, sizeof(d->ct.name), "%s", name);
}

int phb_dma_add_group(struct phb_dma *d, int group_id, struct vfio_group **out)
{
	int r;

	for (unsigned int i = 0; i < d->nr_groups; i++)
		if (d->groups[i]->id == group_id) {
			*out = d->groups[i];
			return 0;
		}
	if (d->nr_groups == PHB_GROUPS_MAX)
		return -ENOSPC;
	if (d->ct.fd < 0) {
		char name[32];
		snprintf(name, sizeof(name), "%s", d->ct.name);
		r = vfio_container_open(&d->ct, name);
		if (r)
			return r;
	}
	r = vfio_group_get(d->vm, group_id, &d->ct, out);
	if (!r)
		d->groups[d->nr_groups++] = *out;
	return r;
}

/* The VFIO map/unmap calls pvmm made for the PHB's TCE hcalls, every
 * window's (removed ones too), and the entries they covered: with
 * user_coalesce on, calls < entries shows the runs at work. */
static void report_io(const struct phb_dma *d, struct report *r)
{
	struct tce_io_stats io = d->io_closed;

	for (unsigned int i = 0; i < DDW_WINDOWS_MAX; i++)
		if (d->win[i].ready)
			io_add(&io, &d->win[i].tce.io);
	report_bool(r, "user_coalesce", d->coalesce);
	report_u64(r, "vfio_map_calls", io.map_calls);
	report_u64(r, "vfio_map_entries", io.map_entries);
	report_u64(r, "vfio_unmap_calls", io.unmap_calls);
	report_u64(r, "vfio_unmap_entries", io.unmap_entries);
	report_line(r, "pvmm:   user_coalesce {user_coalesce?on|off}: {vfio_map_calls} VFIO_IOMMU_MAP_DMA for "
		    "{vfio_map_entries} entries, {vfio_unmap_calls} VFIO_IOMMU_UNMAP_DMA for "
		    "{vfio_unmap_entries} entries");
}

void phb_dma_report(const struct phb_dma *d, struct report *r)
{
	uint64_t valid_all = 0;
	bool inside_all = true;

	for (unsigned int i = 0; i < DDW_WINDOWS_MAX; i++) {
		uint64_t valid = 0;
		if (!d->win[i].ready)
			continue;
		inside_all &= tce_window_inside_ram(&d->win[i].tce, &valid);
		valid_all += valid;
	}
	report_object_begin(r, "tce");
	report_str(r, "mode", tce_mode_name(d->mode));
	report_u64(r, "valid_entries", valid_all);
	report_bool(r, "all_inside_ram", inside_all);
	report_line(r, "pvmm: PHB {index} TCE mode {mode}: {valid_entries} valid entries, "
		    "{all_inside_ram?all inside guest RAM|SOME OUTSIDE GUEST RAM}");
	report_io(d, r);
	report_array_begin(r, "windows");
	for (unsigned int i = 0; i < DDW_WINDOWS_MAX; i++)
		if (d->win[i].ready)
			report_window(d, i, r);
	report_array_end(r);
	report_ddw(d, r);
	report_object_end(r);
}

/* design.md's order: the groups leave kvm-vfio, KVM's tables go, then the
 * windows and the memory registration (while a group holds the
 * container's IOMMU), the groups, the container. */
void phb_dma_teardown(struct phb_dma *d)
{
	for (unsigned int i = 0; i < d->nr_groups; i++)
		kvm_vfio_del_group(d->vm, d->groups[i]);
	for (unsigned int i = 0; i < DDW_WINDOWS_MAX; i++)
		window_close(d, i, false);
	if (d->ct.fd >= 0 && d->ct.iommu_set)
		vfio_container_release(&d->ct);
	while (d->nr_groups)
		vfio_group_put(d->vm, d->groups[--d->nr_groups]);
	vfio_container_close(&d->ct);
}
