/*
 * Guest memory hcalls: H_PAGE_INIT (zero or copy a 4 KiB page, as QEMU's
 * pseries serves it). Pure: guest RAM only through guest_ptr(), so it is
 * unit-tested without KVM.
 */
#ifndef PVMM_SPAPR_MEM_H
#define PVMM_SPAPR_MEM_H

#include <stdint.h>

struct guest_mem;

/* H_PAGE_INIT flags (PAPR bit numbers, most significant bit 0) */
#define H_ICACHE_INVALIDATE	(1ULL << (63 - 40))
#define H_ICACHE_SYNCHRONIZE	(1ULL << (63 - 41))
#define H_ZERO_PAGE		(1ULL << (63 - 48))
#define H_COPY_PAGE		(1ULL << (63 - 49))
/* the CMO page-state flags: accepted and ignored (no cooperative memory) */
#define H_PAGE_SET_LOANED	((1ULL << (63 - 28)) | (1ULL << (63 - 29)) | \
				 (1ULL << (63 - 30)) | (1ULL << (63 - 31)))
#define PAGE_INIT_SIZE		4096

/* flags, destination, source (guest real addresses) -> H_SUCCESS or
 * H_PARAMETER (unknown flag, a page unaligned or not wholly in RAM). */
long page_init(const struct guest_mem *mem, uint64_t flags, uint64_t dst, uint64_t src);
int spapr_mem_register_calls(void);

#endif
