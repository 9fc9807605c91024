/* TCE tables and the TCE hcalls (see tce.h). */
#include "tce.h"
#include "spapr.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int tce_window_init(struct tce_window *w, uint32_t liobn, uint64_t start, uint64_t size,
		    uint32_t page_shift, const struct guest_mem *mem,
		    const struct tce_ops *ops, void *opaque, uint64_t *table)
{
	memset(w, 0, sizeof(*w));
	if (page_shift < 12 || page_shift > 34 || !size || size & ((1ULL << page_shift) - 1) ||
	    start & ((1ULL << page_shift) - 1) || start + size < start)
		return -EINVAL;
	w->liobn = liobn;
	w->start = start;
	w->size = size;
	w->page_shift = page_shift;
	w->nr_entries = size >> page_shift;
	w->mem = mem;
	w->coalesce = true;
	w->ops = ops;
	w->opaque = opaque;
	if (table) {
		w->table = table;
	} else {
		w->table = calloc(w->nr_entries, sizeof(*w->table));
		if (!w->table)
			return -ENOMEM;
		w->table_owned = true;
	}
	return 0;
}

void tce_window_free(struct tce_window *w)
{
	if (w->table_owned)
		free(w->table);
	w->table = NULL;
	w->table_owned = false;
}

/* Index of ioba, or -1 if it is unaligned or outside the window. */
static int64_t tce_index(const struct tce_window *w, uint64_t ioba, uint64_t npages)
{
	uint64_t idx;

	if (ioba & ((1ULL << w->page_shift) - 1) || ioba < w->start)
		return -1;
	idx = (ioba - w->start) >> w->page_shift;
	if (idx >= w->nr_entries || npages > w->nr_entries - idx)
		return -1;
	return (int64_t)idx;
}

/* A TCE is valid if its reserved bits are clear and, when it grants access,
 * it names a whole page inside guest RAM. */
static bool tce_valid(const struct tce_window *w, uint64_t tce)
{
	uint64_t page = 1ULL << w->page_shift;
	uint64_t gpa = tce & ~(page - 1);

	if (tce & (page - 1) & ~TCE_PERM_MASK)
		return false;
	if (!(tce & TCE_PERM_MASK))
		return true;
	return guest_range_ok(w->mem, gpa, page);
}

/* ---- Runs: which entries one host call covers (pure) ---- */

/* Does next extend a run that ends with prev? Guest RAM is one host
 * mapping (guest_mem), so consecutive guest pages are consecutive host
 * pages and one VFIO_IOMMU_MAP_DMA {vaddr, iova, size} maps the run. An
 * unmap needs only consecutive IOVAs: the sPAPR IOMMU's
 * VFIO_IOMMU_UNMAP_DMA clears each TCE in its range on its own (there is
 * no mapping object to match, unlike type1). */
static bool tce_run_joins(uint64_t prev, uint64_t next, uint64_t page, enum tce_run_kind kind)
{
	uint64_t after = (prev & ~(page - 1)) + page;

	if (!(next & TCE_PERM_MASK))
		return false;
	if (kind == TCE_RUN_UNMAP)
		return true;
	/* after == 0: prev was the last page of the address space */
	return after && (next & ~(page - 1)) == after &&
	       (next & TCE_PERM_MASK) == (prev & TCE_PERM_MASK);
}

bool tce_run_next(const uint64_t *tces, uint64_t n, uint32_t page_shift,
		  enum tce_run_kind kind, bool coalesce, uint64_t *pos, struct tce_run *run)
{
	uint64_t page = 1ULL << page_shift, i = *pos;

	while (i < n && !(tces[i] & TCE_PERM_MASK))
		i++;
	*pos = i;
	if (i >= n)
		return false;
	run->first = i++;
	while (coalesce && i < n && tce_run_joins(tces[i - 1], tces[i], page, kind))
		i++;
	run->count = i - run->first;
	*pos = i;
	return true;
}

/* ---- A batch: entries [idx, idx + n) replaced, all or nothing ---- */

/*
 * The table is left as it was until every host call has succeeded, so
 * the old entries stay readable for an undo. Replacing follows the
 * per-entry code: every mapped old entry is unmapped (the sPAPR IOMMU
 * wants an IOVA unmapped before it is mapped again), then every new entry
 * granting access is mapped. Should an undo call fail too, the table is
 * made to say what the host IOMMU then holds. In mode kernel the table is
 * KVM's and KVM may write it meanwhile (H_PUT_TCE on another vcpu): an
 * undo then maps what KVM wrote and checked, which is what a guest racing
 * its own hcalls gets from the per-entry code too.
 */
struct tce_batch {
	struct tce_window *w;
	uint64_t idx;			/* first table entry */
	uint64_t n;
	const uint64_t *list;		/* new entries, at most TCE_INDIRECT_MAX, */
	uint64_t value;			/* or NULL: all become value (no access) */
};

static uint64_t batch_new(const struct tce_batch *b, uint64_t i)
{
	return b->list ? b->list[i] : b->value;
}

/* Table entry idx becomes tce; the count of valid entries follows. */
static void entry_set(struct tce_window *w, uint64_t idx, uint64_t tce)
{
	w->valid -= !!(w->table[idx] & TCE_PERM_MASK);
	w->valid += !!(tce & TCE_PERM_MASK);
	w->table[idx] = tce;
}

/* One host call for run r of tces (entries from table index idx). */
static int run_call(struct tce_window *w, uint64_t idx, const uint64_t *tces,
		    const struct tce_run *r, enum tce_run_kind kind)
{
	uint64_t page = 1ULL << w->page_shift, tce = tces[r->first];
	uint64_t iova = w->start + ((idx + r->first) << w->page_shift);
	uint64_t size = r->count << w->page_shift;

	if (!w->ops)
		return 0;
	if (kind == TCE_RUN_UNMAP) {
		w->io.unmap_calls++;
		w->io.unmap_entries += r->count;
		return w->ops->unmap(w->opaque, iova, size);
	}
	w->io.map_calls++;
	w->io.map_entries += r->count;
	return w->ops->map(w->opaque, iova, tce & ~(page - 1), size, tce & TCE_PERM_MASK);
}

/* Map again the old entries in [0, end) of the batch that skip does not
 * name (skip NULL: all). A run that cannot be mapped is cleared in the
 * table, which then says what the host holds: nothing. */
static void batch_remap_old(const struct tce_batch *b, uint64_t end, const bool *skip)
{
	struct tce_window *w = b->w;
	uint64_t redo[TCE_INDIRECT_MAX], pos = 0;
	const uint64_t *tces = w->table + b->idx;
	struct tce_run r;

	if (skip) {
		for (uint64_t i = 0; i < end; i++)
			redo[i] = skip[i] ? 0 : tces[i];
		tces = redo;
	}
	/* Clearing a failed run writes only entries before pos: the
	 * iteration over the table itself reads none of them again. */
	while (tce_run_next(tces, end, w->page_shift, TCE_RUN_MAP, w->coalesce, &pos, &r))
		if (run_call(w, b->idx, tces, &r, TCE_RUN_MAP))
			for (uint64_t i = r.first; i < r.first + r.count; i++)
				entry_set(w, b->idx + i, 0);
}

/* Phase 1: unmap every mapped old entry. On a failure, the runs before
 * the failing one are mapped again; the failing run's entries are taken
 * as still mapped (VFIO refused the call), as the per-entry code did. */
static long batch_unmap_old(const struct tce_batch *b)
{
	struct tce_window *w = b->w;
	const uint64_t *old = w->table + b->idx;
	uint64_t pos = 0;
	struct tce_run r;

	while (tce_run_next(old, b->n, w->page_shift, TCE_RUN_UNMAP, w->coalesce, &pos, &r)) {
		if (run_call(w, b->idx, old, &r, TCE_RUN_UNMAP)) {
			batch_remap_old(b, r.first, NULL);
			return H_HARDWARE;
		}
	}
	return H_SUCCESS;
}

/* Undo phase 2 up to the failing run at entry end: unmap the new runs
 * before it (a failing unmap leaves its new entries mapped: the table
 * takes them), then map every old entry again. */
static void batch_undo_new(const struct tce_batch *b, uint64_t end)
{
	struct tce_window *w = b->w;
	bool held[TCE_INDIRECT_MAX] = { false };
	uint64_t pos = 0;
	struct tce_run r;

	while (tce_run_next(b->list, end, w->page_shift, TCE_RUN_MAP, w->coalesce, &pos, &r))
		if (run_call(w, b->idx, b->list, &r, TCE_RUN_UNMAP))
			for (uint64_t i = r.first; i < r.first + r.count; i++)
				held[i] = true;
	batch_remap_old(b, b->n, held);
	for (uint64_t i = 0; i < end; i++)
		if (held[i])
			entry_set(w, b->idx + i, b->list[i]);
}

/* Phase 2: map the new entries. A failing map call leaves its range
 * unmapped (the sPAPR IOMMU clears what it built of it). */
static long batch_map_new(const struct tce_batch *b)
{
	struct tce_window *w = b->w;
	uint64_t pos = 0;
	struct tce_run r;

	if (!b->list)
		return H_SUCCESS;
	while (tce_run_next(b->list, b->n, w->page_shift, TCE_RUN_MAP, w->coalesce, &pos, &r)) {
		if (run_call(w, b->idx, b->list, &r, TCE_RUN_MAP)) {
			batch_undo_new(b, r.first);
			return H_HARDWARE;
		}
	}
	return H_SUCCESS;
}

/* Apply a validated batch: host calls first, then the table. */
static long batch_apply(const struct tce_batch *b)
{
	long ret = batch_unmap_old(b);

	if (ret == H_SUCCESS)
		ret = batch_map_new(b);
	if (ret != H_SUCCESS)
		return ret;
	for (uint64_t i = 0; i < b->n; i++)
		entry_set(b->w, b->idx + i, batch_new(b, i));
	return H_SUCCESS;
}

long tce_put(struct tce_window *w, uint64_t ioba, uint64_t tce)
{
	int64_t idx = tce_index(w, ioba, 1);

	if (idx < 0 || !tce_valid(w, tce))
		return H_PARAMETER;
	return batch_apply(&(struct tce_batch){ w, (uint64_t)idx, 1, &tce, 0 });
}

long tce_get(struct tce_window *w, uint64_t ioba, uint64_t *tce)
{
	int64_t idx = tce_index(w, ioba, 1);

	if (idx < 0)
		return H_PARAMETER;
	*tce = w->table[idx];
	return H_SUCCESS;
}

long tce_put_indirect(struct tce_window *w, uint64_t ioba, uint64_t list_gpa, uint64_t npages)
{
	uint64_t list[TCE_INDIRECT_MAX];
	const uint8_t *src;
	int64_t idx;

	/* PAPR: the list is one 4 KiB page of at most 512 big-endian TCEs. */
	if (npages == 0 || npages > TCE_INDIRECT_MAX || list_gpa & 0xfff)
		return H_PARAMETER;
	idx = tce_index(w, ioba, npages);
	src = guest_ptr(w->mem, list_gpa, npages * 8);
	if (idx < 0 || !src)
		return H_PARAMETER;
	/* One read of guest memory: another vcpu or the device may rewrite
	 * the list at any time, so the entries checked are the ones used. */
	for (uint64_t i = 0; i < npages; i++)
		list[i] = load_be64(src + 8 * i);
	/* All or nothing: validate every entry before touching the table. */
	for (uint64_t i = 0; i < npages; i++)
		if (!tce_valid(w, list[i]))
			return H_PARAMETER;
	return batch_apply(&(struct tce_batch){ w, (uint64_t)idx, npages, list, 0 });
}

long tce_stuff(struct tce_window *w, uint64_t ioba, uint64_t value, uint64_t npages)
{
	int64_t idx = tce_index(w, ioba, npages);

	/* Stuffing only clears (it may leave a poison value without access):
	 * the batch then needs no list, whatever npages is. */
	if (idx < 0 || npages == 0 || value & TCE_PERM_MASK || !tce_valid(w, value))
		return H_PARAMETER;
	return batch_apply(&(struct tce_batch){ w, (uint64_t)idx, npages, NULL, value });
}

bool tce_window_inside_ram(const struct tce_window *w, uint64_t *valid)
{
	uint64_t n = 0;
	bool ok = true;

	for (uint64_t i = 0; i < w->nr_entries; i++) {
		if (!(w->table[i] & TCE_PERM_MASK))
			continue;
		n++;
		ok &= tce_valid(w, w->table[i]);
	}
	if (valid)
		*valid = n;
	return ok;
}

/*
 * The four TCE hcalls on the window their LIOBN names (the caller found
 * it and holds its PHB's lock):
 *   H_PUT_TCE(liobn, ioba, tce)
 *   H_GET_TCE(liobn, ioba) -> tce
 *   H_PUT_TCE_INDIRECT(liobn, ioba, list, npages)
 *   H_STUFF_TCE(liobn, ioba, value, npages)
 */
long tce_hcall(struct tce_window *w, uint64_t opcode, uint64_t *args)
{
	w->hcalls++;
	switch (opcode) {
	case H_PUT_TCE: return tce_put(w, args[1], args[2]);
	case H_GET_TCE: return tce_get(w, args[1], &args[0]);
	case H_PUT_TCE_INDIRECT: return tce_put_indirect(w, args[1], args[2], args[3]);
	case H_STUFF_TCE: return tce_stuff(w, args[1], args[2], args[3]);
	default: return H_FUNCTION;
	}
}
