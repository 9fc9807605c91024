/* A guest PHB's DMA windows and their TCE tables (see spapr_phb_dma.h). */
#include "spapr_phb_dma.h"
#include "kvm.h"
#include "kvm_vfio.h"
#include "pci_place.h"
#include "ram_pin.h"
#include "spapr.h"
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

/* Mode kernel: KVM's table for the window's LIOBN, attached to every
 * group of the PHB, so that the TCE hcalls KVM serves never leave the
 * kernel. Each step names itself on failure; window_table_close() undoes
 * the ones before. */
static int window_kernel_table(struct phb_dma *d, struct phb_window *w, uint32_t liobn,
			       uint32_t page_shift, uint64_t start, uint64_t size)
{
	struct kvm_create_spapr_tce_64 args = {
		.liobn = liobn, .page_shift = page_shift,
		.offset = start >> page_shift, .size = size >> page_shift,
	};
	int err;

	w->table_fd = ioctl(d->vm->vm_fd, KVM_CREATE_SPAPR_TCE_64, &args);
	if (w->table_fd < 0) {
		err = errno;
		pr_err("mode kernel: KVM_CREATE_SPAPR_TCE_64(liobn 0x%x, page shift %u, %llu entries): %s",
		       liobn, page_shift, (unsigned long long)args.size, strerror(err));
		return -err;
	}
	pr_info("mode kernel: KVM TCE table for liobn 0x%x: page shift %u, offset 0x%llx, %llu entries",
		liobn, page_shift, (unsigned long long)args.offset, (unsigned long long)args.size);
	/* The table stays inspectable: its entries, host-endian, as KVM keeps them. */
	w->table_map_size = ALIGN_UP(args.size * 8, (uint64_t)sysconf(_SC_PAGESIZE));
	w->table_map = mmap(NULL, w->table_map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			    w->table_fd, 0);
	if (w->table_map == MAP_FAILED) {
		err = errno;
		w->table_map = NULL;
		pr_err("mode kernel: mmap of the KVM TCE table: %s", strerror(err));
		return -err;
	}
	for (unsigned int i = 0; i < d->nr_groups; i++) {
		int r = kvm_vfio_attach_tce(d->vm, d->groups[i], w->table_fd);
		if (r)
			return r;
	}
	return 0;
}

/* KVM drops its table once the mapping and the fd are gone (the mmap
 * holds the file, so it goes first). */
static void window_table_close(struct phb_window *w)
{
	if (w->table_map)
		munmap(w->table_map, w->table_map_size);
	if (w->table_fd >= 0)
		close(w->table_fd);
	w->table_map = NULL;
	w->table_fd = -1;
}

static void host_window_remove(struct phb_dma *d, uint64_t start)
{
	if (vfio_window_remove(&d->ct, start))
		pr_warn("%s: window at 0x%llx stays with the container", d->ct.name,
			(unsigned long long)start);
}

/* Release an open window: the hcalls stop finding it (the caller holds
 * the PHB's lock, or no vcpu runs), KVM drops its table, then the host
 * window goes. */
static void window_close(struct phb_dma *d, unsigned int slot)
{
	struct phb_window *w = &d->win[slot];

	if (!w->ready)
		return;
	w->ready = false;
	io_add(&d->io_closed, &w->tce.io);	/* the summary counts removed windows too */
	window_table_close(w);
	host_window_remove(d, w->tce.start);
	tce_window_free(&w->tce);
	memset(w, 0, sizeof(*w));
	w->table_fd = -1;
}

/* The host window VFIO holds, KVM's table in mode kernel, then the
 * window's own description, which the hcalls then find. */
static int window_open(struct phb_dma *d, unsigned int slot, uint32_t page_shift, uint64_t size,
		       uint64_t *start)
{
	struct phb_window *w = &d->win[slot];
	uint32_t liobn = d->liobn + slot;
	int r = vfio_window_create(&d->ct, page_shift, size, start);

	if (r)
		return r;
	if (d->policy.mode == TCE_KERNEL)
		r = window_kernel_table(d, w, liobn, page_shift, *start, size);
	if (!r)
		r = tce_window_init(&w->tce, liobn, *start, size, page_shift, &d->vm->mem,
				    &tce_vfio_ops, d, w->table_map);
	if (r) {
		window_table_close(w);
		host_window_remove(d, *start);
		return r;
	}
	w->tce.coalesce = d->policy.coalesce;
	w->ready = true;
	return 0;
}

/* ---- DDW host side: guest-driven, so its lines are rate-limited ---- */

static int ddw_host_create(void *opaque, unsigned int slot, uint32_t liobn, uint32_t page_shift,
			   uint64_t size, uint64_t *start)
{
	struct phb_dma *d = opaque;
	int r = window_open(d, slot, page_shift, size, start);

	if (!r)
		pr_info("guest created DMA window liobn 0x%x at 0x%llx, 0x%llx bytes, %u KiB pages",
			liobn, (unsigned long long)*start, (unsigned long long)size,
			1u << (page_shift - 10));
	return r;
}

static void ddw_host_remove(void *opaque, unsigned int slot, uint64_t *hcalls)
{
	struct phb_dma *d = opaque;

	*hcalls = d->win[slot].tce.hcalls;	/* under the PHB's lock, as the hcalls count */
	pr_info("guest removed DMA window liobn 0x%x", d->win[slot].tce.liobn);
	window_close(d, slot);
}

static int ddw_check_addr(void *opaque, uint32_t cfg_addr, uint64_t buid)
{
	struct phb_dma *d = opaque;

	return d->check_addr(d->check_ctx, cfg_addr, buid);
}

static const struct ddw_ops ddw_host_ops = { ddw_host_create, ddw_host_remove, ddw_check_addr };

/* The pages backing guest RAM: a TCE may not span more than one. */
static uint64_t ram_page_size(const struct vm *vm)
{
	return vm->mem.page_size ? vm->mem.page_size : (uint64_t)sysconf(_SC_PAGESIZE);
}

/* What KVM and the container offer this PHB. */
static struct dma_caps dma_caps_of(struct phb_dma *d)
{
	return (struct dma_caps){
		.kvm_tce_vfio = kvm_check_extension(d->vm, KVM_CAP_SPAPR_TCE_VFIO) > 0,
		.kvm_tce_64 = kvm_check_extension(d->vm, KVM_CAP_SPAPR_TCE_64) > 0,
		.v2 = d->ct.v2,
		.host_windows = d->ct.v2 ? d->ct.info.ddw.max_dynamic_windows_supported : 1,
		.ddw_page_mask = ddw_page_mask(d->ct.info.ddw.pgsizes, ram_page_size(d->vm)),
		.ram_window = pow2_at_least(d->vm->mem.size),
	};
}

/* The policy, said once: every choice with its reason. */
static int dma_policy_setup(struct phb_dma *d, const struct dma_caps *caps)
{
	struct dma_policy *p = &d->policy;
	char mode[160], hcalls[320], cap[120] = "";
	int r = dma_policy_resolve(&d->wants, caps, p);

	if (r) {
		pr_err("%s: tce = kernel is impossible here: %s", d->ct.name, p->mode_why);
		return r;
	}
	dma_policy_mode(p, mode, sizeof(mode));
	dma_policy_hcalls(p, hcalls, sizeof(hcalls));
	if (p->ddw_dynamic)
		snprintf(cap, sizeof(cap), ", windows up to %llu MiB (guest RAM needs %llu: it maps pages "
			 "as it uses them)", (unsigned long long)(p->ddw_max_size >> 20),
			 (unsigned long long)(caps->ram_window >> 20));
	pr_info("%s: %s; DDW %s%s%s%s; %s; pvmm's VFIO calls %s", d->ct.name, mode,
		p->ddw ? "on" : "off", p->ddw ? "" : ": ", p->ddw ? "" : p->ddw_why, cap, hcalls,
		p->coalesce ? "per run of entries" : "per entry");
	return 0;
}

/* The policy, the default window, then what DDW may offer the guest: the
 * host's page sizes no larger than the pages backing guest RAM, windows
 * no larger than RAM needs (which bounds the host table's memory) or the
 * configuration's cap, and then no page larger than such a window. */
int phb_dma_setup(struct phb_dma *d)
{
	struct vm *vm = d->vm;
	uint64_t start, size = dma_window_size(vm->mem.size, d->ct.info.dma32_window_size);
	struct dma_caps caps = dma_caps_of(d);
	int r = dma_policy_setup(d, &caps);
	uint32_t mask = caps.ddw_page_mask;
	uint64_t ram_page = ram_page_size(vm);

	if (!r)
		r = window_open(d, 0, 12, size, &start);
	if (r)
		return r;
	if (d->policy.ddw_dynamic)
		mask = ddw_page_mask(d->ct.info.ddw.pgsizes, d->policy.ddw_max_size < ram_page ?
				     d->policy.ddw_max_size : ram_page);
	ddw_init(&d->ddw, d->policy.ddw, caps.host_windows, mask, d->policy.ddw_max_size,
		 d->liobn, size, 12, &ddw_host_ops, d);
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
	report_u64(r, "max_window_size", d->max_window_size);
	report_bool(r, "dynamic", dma->policy.ddw_dynamic);
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


void phb_dma_init(struct phb_dma *d, struct vm *vm, unsigned int index, uint32_t liobn,
		  pthread_mutex_t *lock, phb_addr_check_fn check_addr, void *check_ctx)
{
	memset(d, 0, sizeof(*d));
	d->vm = vm;
	d->index = index;
	d->liobn = liobn;
	d->lock = lock;
	d->check_addr = check_addr;
	d->check_ctx = check_ctx;
	d->wants = dma_wants_of(&vm->cfg, index);
	d->ct.fd = -1;
	for (int i = 0; i < DDW_WINDOWS_MAX; i++)
		d->win[i].table_fd = -1;
	snprintf(d->ct.name, sizeof(d->ct.name), "PHB %u", index);
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
	report_bool(r, "user_coalesce", d->policy.coalesce);
	report_u64(r, "vfio_map_calls", io.map_calls);
	report_u64(r, "vfio_map_entries", io.map_entries);
	report_u64(r, "vfio_unmap_calls", io.unmap_calls);
	report_u64(r, "vfio_unmap_entries", io.unmap_entries);
	report_line(r, "pvmm:   user_coalesce {user_coalesce?on|off}: {vfio_map_calls} VFIO_IOMMU_MAP_DMA for "
		    "{vfio_map_entries} entries, {vfio_unmap_calls} VFIO_IOMMU_UNMAP_DMA for "
		    "{vfio_unmap_entries} entries");
}

/* The PHB's DMA policy, each choice with its reason (dma_policy.h). */
static void report_policy(const struct phb_dma *d, struct report *r)
{
	const struct dma_policy *p = &d->policy;
	char mode[160], hcalls[320];

	dma_policy_mode(p, mode, sizeof(mode));
	dma_policy_hcalls(p, hcalls, sizeof(hcalls));
	report_object_begin(r, "policy");
	report_str(r, "mode", tce_mode_name(p->mode));
	report_bool(r, "mode_auto", p->mode_auto);
	report_str(r, "mode_why", p->mode_why);
	report_bool(r, "ddw", p->ddw);
	report_str(r, "ddw_why", p->ddw_why);
	report_bool(r, "user_coalesce", p->coalesce);
	report_bool(r, "kvm_put_tce", p->mode == TCE_KERNEL);
	report_bool(r, "kvm_get_tce", p->mode == TCE_KERNEL);
	report_bool(r, "kvm_indirect_tce", p->kvm_indirect);
	report_bool(r, "kvm_stuff_tce", p->kvm_stuff);
	report_str(r, "indirect_why", p->indirect_why);
	report_str(r, "stuff_why", p->stuff_why);
	report_str(r, "summary", mode);
	report_str(r, "hcalls", hcalls);
	report_line(r, "pvmm:   policy: {summary}; DDW {ddw?on|off} ({ddw_why}); {hcalls}");
	report_object_end(r);
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
	report_str(r, "mode", tce_mode_name(d->policy.mode));
	report_u64(r, "valid_entries", valid_all);
	report_bool(r, "all_inside_ram", inside_all);
	report_line(r, "pvmm: PHB {index} TCE mode {mode}: {valid_entries} valid entries, "
		    "{all_inside_ram?all inside guest RAM|SOME OUTSIDE GUEST RAM}");
	report_policy(d, r);
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
		window_close(d, i);
	if (d->ct.fd >= 0 && d->ct.iommu_set)
		vfio_container_release(&d->ct);
	while (d->nr_groups)
		vfio_group_put(d->vm, d->groups[--d->nr_groups]);
	vfio_container_close(&d->ct);
}
