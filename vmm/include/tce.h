/*
 * TCE tables: the guest's IOMMU for the passthrough device. One window per
 * LIOBN. The table logic is pure: it validates every guest-supplied liobn,
 * ioba, TCE, list and count (H_PARAMETER on anything wrong; a TCE may only
 * point at guest RAM, never past it or into the PHB's MMIO windows) and
 * calls back map/unmap for the host side (VFIO_IOMMU_MAP_DMA/UNMAP_DMA).
 * In mode kernel the table is the mmap of KVM's in-kernel table and only
 * the hcalls KVM hands back (H_TOO_HARD) get here.
 *
 * A multi-entry hcall reaches the host side in runs (tce_run_next): one
 * map call per run of entries contiguous in IOVA, guest (so host) address
 * and permission, one unmap call per run of mapped entries. The hcall is
 * all or nothing: a failing call undoes the ones before it.
 */
#ifndef PVMM_TCE_H
#define PVMM_TCE_H

#include <stdbool.h>
#include <stdint.h>

#include "guest_mem.h"

#define TCE_READ		1ULL
#define TCE_WRITE		2ULL
#define TCE_PERM_MASK		3ULL
#define TCE_INDIRECT_MAX	512

struct tce_ops {
	int (*map)(void *opaque, uint64_t iova, uint64_t gpa, uint64_t size, uint64_t perm);
	int (*unmap)(void *opaque, uint64_t iova, uint64_t size);
};

/* Calls made to the host side (tce_ops), and the entries they covered;
 * per-entry calls have calls == entries. */
struct tce_io_stats {
	uint64_t map_calls, map_entries;
	uint64_t unmap_calls, unmap_entries;
};

struct tce_window {
	uint32_t liobn;
	uint64_t start;			/* bus address of entry 0 */
	uint64_t size;			/* bytes of bus address space */
	uint32_t page_shift;
	uint64_t nr_entries;
	uint64_t *table;		/* host-endian entries */
	bool table_owned;
	const struct guest_mem *mem;
	const struct tce_ops *ops;
	void *opaque;
	uint64_t valid;			/* entries with R or W set */
	uint64_t hcalls;		/* TCE hcalls that reached pvmm for it */
	/* One host call per run (default) or per entry (user_coalesce = off,
	 * for the benchmark's comparison). */
	bool coalesce;
	struct tce_io_stats io;
};

/* A run: entries [first, first + count) of the array it was found in. */
struct tce_run {
	uint64_t first;
	uint64_t count;
};

enum tce_run_kind {
	TCE_RUN_MAP,		/* same permission, consecutive guest pages */
	TCE_RUN_UNMAP,		/* any mapped entries (see tce_run_next) */
};

/* The first run in tces[*pos, n) (entries with R or W set); *pos moves past
 * it. false when no entry is left. coalesce false: runs of one entry. Pure. */
bool tce_run_next(const uint64_t *tces, uint64_t n, uint32_t page_shift,
		  enum tce_run_kind kind, bool coalesce, uint64_t *pos, struct tce_run *run);

/* table NULL: allocate one. Coalescing is on. Returns 0 or -errno. */
int tce_window_init(struct tce_window *w, uint32_t liobn, uint64_t start, uint64_t size,
		    uint32_t page_shift, const struct guest_mem *mem,
		    const struct tce_ops *ops, void *opaque, uint64_t *table);
void tce_window_free(struct tce_window *w);

/* The hcalls' table operations; PAPR return codes. */
long tce_put(struct tce_window *w, uint64_t ioba, uint64_t tce);
long tce_get(struct tce_window *w, uint64_t ioba, uint64_t *tce);
long tce_put_indirect(struct tce_window *w, uint64_t ioba, uint64_t list_gpa, uint64_t npages);
long tce_stuff(struct tce_window *w, uint64_t ioba, uint64_t value, uint64_t npages);
/* Every valid entry targets a page inside guest RAM (hostile-guest
 * check); *valid counts them. */
bool tce_window_inside_ram(const struct tce_window *w, uint64_t *valid);

/* H_PUT_TCE, H_GET_TCE (the entry into args[0]), H_PUT_TCE_INDIRECT or
 * H_STUFF_TCE on w, whose LIOBN args[0] named; counted in w->hcalls. The
 * caller serialises the calls on one window (its PHB's lock). */
long tce_hcall(struct tce_window *w, uint64_t opcode, uint64_t *args);

#endif
