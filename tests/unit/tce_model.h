/*
 * The oracle for TCE batches, shared by tests/unit/test_tce_runs.c and
 * tests/fuzz/fuzz_tce_runs.c: a fake host IOMMU that holds one value per
 * IOVA page and refuses what VFIO on sPAPR would (a map over a mapped
 * page, an unmap of an unmapped one, a range off the window or past guest
 * RAM), can be told to fail chosen calls, and a per-entry model of the
 * table that applies an hcall entry by entry. Header-only so that both
 * builds take it as it is.
 */
#ifndef PVMM_TCE_MODEL_H
#define PVMM_TCE_MODEL_H

#include "spapr.h"
#include "tce.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define MODEL_ENTRIES_MAX 1024

struct fake_iommu {
	uint64_t start, ram;
	uint32_t page_shift;
	uint64_t n;				/* window entries */
	uint64_t e[MODEL_ENTRIES_MAX];		/* gpa | perm per IOVA page, 0: none */
	uint64_t calls;				/* every call, failed ones too */
	uint64_t fail_from, fail_to;		/* calls numbered so fail (1-based) */
	const char *why;			/* the first rule a call broke */
};

static inline void fake_iommu_init(struct fake_iommu *f, uint64_t start, uint64_t n,
				   uint32_t page_shift, uint64_t ram)
{
	memset(f, 0, sizeof(*f));
	f->start = start;
	f->n = n;
	f->page_shift = page_shift;
	f->ram = ram;
}

/* First page index of [iova, iova + size), or -1 if it breaks a rule. */
static inline int64_t fake_range(struct fake_iommu *f, uint64_t iova, uint64_t size)
{
	uint64_t page = 1ULL << f->page_shift;

	if (!size || (iova | size) & (page - 1) || iova < f->start ||
	    (iova - f->start) / page > f->n || size / page > f->n - (iova - f->start) / page) {
		f->why = f->why ? f->why : "range off the window or not whole pages";
		return -1;
	}
	return (int64_t)((iova - f->start) / page);
}

static inline bool fake_fails(struct fake_iommu *f)
{
	f->calls++;
	return f->fail_from && f->calls >= f->fail_from && f->calls <= f->fail_to;
}

static inline int fake_map(void *o, uint64_t iova, uint64_t gpa, uint64_t size, uint64_t perm)
{
	struct fake_iommu *f = o;
	uint64_t page = 1ULL << f->page_shift;
	int64_t first = fake_range(f, iova, size);

	if (first < 0)
		return -22;
	if (gpa & (page - 1) || gpa > f->ram || size > f->ram - gpa || !perm || perm & ~TCE_PERM_MASK)
		f->why = f->why ? f->why : "map of a bad target";
	for (uint64_t i = 0; i < size / page; i++)
		if (f->e[first + i])
			f->why = f->why ? f->why : "map over a mapped IOVA (sPAPR wants an unmap first)";
	if (fake_fails(f))
		return -5;
	for (uint64_t i = 0; i < size / page; i++)
		f->e[first + i] = (gpa + i * page) | perm;
	return 0;
}

static inline int fake_unmap(void *o, uint64_t iova, uint64_t size)
{
	struct fake_iommu *f = o;
	uint64_t page = 1ULL << f->page_shift;
	int64_t first = fake_range(f, iova, size);

	if (first < 0)
		return -22;
	for (uint64_t i = 0; i < size / page; i++)
		if (!f->e[first + i])
			f->why = f->why ? f->why : "unmap of an IOVA that is not mapped";
	if (fake_fails(f))
		return -5;
	for (uint64_t i = 0; i < size / page; i++)
		f->e[first + i] = 0;
	return 0;
}

static const struct tce_ops fake_ops = { fake_map, fake_unmap };

/* What the host must hold for a table entry. */
static inline uint64_t model_host_entry(uint64_t tce, uint32_t page_shift)
{
	uint64_t page = 1ULL << page_shift;

	return tce & TCE_PERM_MASK ? (tce & ~(page - 1)) | (tce & TCE_PERM_MASK) : 0;
}

/* The table says what the host holds, entry by entry, and valid counts
 * the entries granting access. NULL if so, else what is wrong. */
static inline const char *model_consistent(const struct tce_window *w, const struct fake_iommu *f)
{
	uint64_t valid = 0;

	if (f->why)
		return f->why;
	for (uint64_t i = 0; i < w->nr_entries; i++) {
		if (f->e[i] != model_host_entry(w->table[i], w->page_shift))
			return "host IOMMU and table differ";
		valid += !!(w->table[i] & TCE_PERM_MASK);
	}
	return valid == w->valid ? NULL : "valid count is wrong";
}

/* The per-entry model of a successful hcall: entry i of [idx, idx + n)
 * becomes list[i] (or value), one after the other. Its host calls, one
 * per entry as the per-entry code made them: an unmap per mapped old
 * entry, a map per new entry granting access. */
static inline uint64_t model_apply(uint64_t *table, uint64_t idx, uint64_t n,
				   const uint64_t *list, uint64_t value)
{
	uint64_t calls = 0;

	for (uint64_t i = 0; i < n; i++) {
		uint64_t v = list ? list[i] : value;
		calls += !!(table[idx + i] & TCE_PERM_MASK) + !!(v & TCE_PERM_MASK);
		table[idx + i] = v;
	}
	return calls;
}

/* The fewest host calls the same hcall can take: a map per maximal run
 * of new entries on consecutive guest pages with one permission, an
 * unmap per maximal run of mapped old entries. Written apart from
 * tce_run_next on purpose: it is what that function is checked against. */
static inline uint64_t model_min_calls(const uint64_t *old, uint64_t n, const uint64_t *list,
				       uint64_t value, uint32_t page_shift)
{
	uint64_t page = 1ULL << page_shift, calls = 0;

	for (uint64_t i = 0; i < n; i++) {
		uint64_t v = list ? list[i] : value, pv = i && list ? list[i - 1] : value;
		bool was = old[i] & TCE_PERM_MASK, prev_was = i && old[i - 1] & TCE_PERM_MASK;
		calls += was && !prev_was;
		if (!(v & TCE_PERM_MASK))
			continue;
		calls += !(i && pv & TCE_PERM_MASK && (pv & TCE_PERM_MASK) == (v & TCE_PERM_MASK) &&
			   (pv & ~(page - 1)) + page == (v & ~(page - 1)));
	}
	return calls;
}

#endif
