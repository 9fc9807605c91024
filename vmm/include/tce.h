/*
 * TCE tables: the guest's IOMMU for the passthrough device. One window per
 * LIOBN. The table logic is pure: it validates every guest-supplied liobn,
 * ioba, TCE, list and count (H_PARAMETER on anything wrong; a TCE may only
 * point at guest RAM, never past it or into the PHB's MMIO windows) and
 * calls back map/unmap for the host side (VFIO_IOMMU_MAP_DMA/UNMAP_DMA).
 * In mode kernel the table is the mmap of KVM's in-kernel table and only
 * the hcalls KVM hands back (H_TOO_HARD) get here.
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

struct tce_window {
	uint32_t liobn;
	uint64_t start;			/* bus address of entry 0 */
	uint64_t size;			/* bytes of bus address space */
	uint32_t page_shift;
	uint64_t nr_entries;
	/* Mode kernel: entries past the window that KVM's table holds and KVM
	 * may write (see kvm_pad in spapr_phb_dma.c); the table has them too. */
	uint64_t spare_entries;
	uint64_t *table;		/* host-endian entries */
	bool table_owned;
	const struct guest_mem *mem;
	const struct tce_ops *ops;
	void *opaque;
	uint64_t valid;			/* entries with R or W set */
	uint64_t hcalls;		/* TCE hcalls that reached pvmm for it */
};

/* table NULL: allocate one. Returns 0 or -errno. */
int tce_window_init(struct tce_window *w, uint32_t liobn, uint64_t start, uint64_t size,
		    uint32_t page_shift, const struct guest_mem *mem,
		    const struct tce_ops *ops, void *opaque, uint64_t *table);
void tce_window_free(struct tce_window *w);

/* The hcalls' table operations; PAPR return codes. */
long tce_put(struct tce_window *w, uint64_t ioba, uint64_t tce);
long tce_get(struct tce_window *w, uint64_t ioba, uint64_t *tce);
long tce_put_indirect(struct tce_window *w, uint64_t ioba, uint64_t list_gpa, uint64_t npages);
long tce_stuff(struct tce_window *w, uint64_t ioba, uint64_t value, uint64_t npages);
/* Every valid entry, spare ones included, targets a page inside guest RAM
 * (hostile-guest check); *valid counts them. */
bool tce_window_inside_ram(const struct tce_window *w, uint64_t *valid);

/* Windows the hcalls find by LIOBN, and the hcall table itself. */
int tce_window_add(struct tce_window *w);
void tce_window_remove(struct tce_window *w);
struct tce_window *tce_window_find(uint32_t liobn);
/* The TCE hcalls w saw: other vcpus' hcalls count under the windows lock. */
uint64_t tce_window_hcalls(struct tce_window *w);
int tce_register_calls(void);

#endif
