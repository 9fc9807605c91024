/* TCE tables and the TCE hcalls (see tce.h). */
#include "tce.h"
#include "spapr.h"
#include "spapr_hcall.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define TCE_WINDOWS_MAX 4

static struct tce_window *windows[TCE_WINDOWS_MAX];
/* vcpus issue TCE hcalls concurrently, and the guest may remove a window
 * (DDW) on one vcpu while another uses it: the registry and every table
 * operation are serialised, so a removed window is no longer in use. */
static pthread_mutex_t windows_lock = PTHREAD_MUTEX_INITIALIZER;

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

/* Replace entry idx, keeping the host IOMMU in step. */
static long tce_set(struct tce_window *w, uint64_t idx, uint64_t tce)
{
	uint64_t page = 1ULL << w->page_shift;
	uint64_t iova = w->start + (idx << w->page_shift);
	uint64_t old = w->table[idx];

	if (old & TCE_PERM_MASK) {
		if (w->ops && w->ops->unmap(w->opaque, iova, page))
			return H_HARDWARE;
		w->valid--;
	}
	w->table[idx] = tce;
	if (tce & TCE_PERM_MASK) {
		if (w->ops && w->ops->map(w->opaque, iova, tce & ~(page - 1), page, tce & TCE_PERM_MASK)) {
			w->table[idx] = 0;
			return H_HARDWARE;
		}
		w->valid++;
	}
	return H_SUCCESS;
}

long tce_put(struct tce_window *w, uint64_t ioba, uint64_t tce)
{
	int64_t idx = tce_index(w, ioba, 1);

	if (idx < 0 || !tce_valid(w, tce))
		return H_PARAMETER;
	return tce_set(w, idx, tce);
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
	long ret;

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
	for (uint64_t i = 0; i < npages; i++) {
		ret = tce_set(w, idx + i, list[i]);
		if (ret != H_SUCCESS)
			return ret;
	}
	return H_SUCCESS;
}

long tce_stuff(struct tce_window *w, uint64_t ioba, uint64_t value, uint64_t npages)
{
	int64_t idx = tce_index(w, ioba, npages);
	long ret;

	/* Stuffing only clears (it may leave a poison value without access). */
	if (idx < 0 || npages == 0 || value & TCE_PERM_MASK || !tce_valid(w, value))
		return H_PARAMETER;
	for (uint64_t i = 0; i < npages; i++) {
		ret = tce_set(w, idx + i, value);
		if (ret != H_SUCCESS)
			return ret;
	}
	return H_SUCCESS;
}

bool tce_window_inside_ram(const struct tce_window *w, uint64_t *valid)
{
	uint64_t n = 0;
	bool ok = true;

	for (uint64_t i = 0; i < w->nr_entries + w->spare_entries; i++) {
		if (!(w->table[i] & TCE_PERM_MASK))
			continue;
		n++;
		ok &= tce_valid(w, w->table[i]);
	}
	if (valid)
		*valid = n;
	return ok;
}

int tce_window_add(struct tce_window *w)
{
	int r = -ENOSPC;

	pthread_mutex_lock(&windows_lock);
	for (int i = 0; i < TCE_WINDOWS_MAX; i++) {
		if (!windows[i]) {
			windows[i] = w;
			r = 0;
			break;
		}
	}
	pthread_mutex_unlock(&windows_lock);
	return r;
}

void tce_window_remove(struct tce_window *w)
{
	pthread_mutex_lock(&windows_lock);
	for (int i = 0; i < TCE_WINDOWS_MAX; i++)
		if (windows[i] == w)
			windows[i] = NULL;
	pthread_mutex_unlock(&windows_lock);
}

uint64_t tce_window_hcalls(struct tce_window *w)
{
	uint64_t n;

	pthread_mutex_lock(&windows_lock);
	n = w->hcalls;
	pthread_mutex_unlock(&windows_lock);
	return n;
}

struct tce_window *tce_window_find(uint32_t liobn)
{
	for (int i = 0; i < TCE_WINDOWS_MAX; i++)
		if (windows[i] && windows[i]->liobn == liobn)
			return windows[i];
	return NULL;
}

/* LIOBNs are 32 bits: a value that does not fit names no window. The
 * window counts the hcalls that reached pvmm for it. */
static struct tce_window *window_for(uint64_t liobn)
{
	struct tce_window *w = liobn >> 32 ? NULL : tce_window_find((uint32_t)liobn);

	if (w)
		w->hcalls++;
	return w;
}

/*
 * The four TCE hcalls, under the lock (see windows_lock):
 *   H_PUT_TCE(liobn, ioba, tce)
 *   H_GET_TCE(liobn, ioba) -> tce
 *   H_PUT_TCE_INDIRECT(liobn, ioba, list, npages)
 *   H_STUFF_TCE(liobn, ioba, value, npages)
 */
static long h_tce(struct vcpu *cpu, uint64_t opcode, uint64_t *args)
{
	struct tce_window *w;
	long rc = H_PARAMETER;

	(void)cpu;
	pthread_mutex_lock(&windows_lock);
	w = window_for(args[0]);
	if (w) {
		switch (opcode) {
		case H_PUT_TCE: rc = tce_put(w, args[1], args[2]); break;
		case H_GET_TCE: rc = tce_get(w, args[1], &args[0]); break;
		case H_PUT_TCE_INDIRECT: rc = tce_put_indirect(w, args[1], args[2], args[3]); break;
		case H_STUFF_TCE: rc = tce_stuff(w, args[1], args[2], args[3]); break;
		default: rc = H_FUNCTION; break;
		}
	}
	pthread_mutex_unlock(&windows_lock);
	return rc;
}

static const struct hcall_def tce_hcalls[] = {
	{ H_PUT_TCE, "H_PUT_TCE", "hcall-tce", h_tce },
	{ H_GET_TCE, "H_GET_TCE", "hcall-tce", h_tce },
	{ H_PUT_TCE_INDIRECT, "H_PUT_TCE_INDIRECT", "hcall-multi-tce", h_tce },
	{ H_STUFF_TCE, "H_STUFF_TCE", "hcall-multi-tce", h_tce },
};

int tce_register_calls(void)
{
	return hcall_register(tce_hcalls, ARRAY_SIZE(tce_hcalls));
}
