/*
 * A pool of integer IDs: [base, base + count), handed out as runs of
 * consecutive IDs, given back, or taken by exact value (pure: a bitmap, no
 * locking; struct vm's pools are used under vm->lock). What pvmm numbers
 * this way: XICS sources, KVM memslots, guest PHB indexes (vm.h).
 */
#ifndef PVMM_ID_POOL_H
#define PVMM_ID_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ID_POOL_MAX	8192		/* IDs per pool */

struct id_pool {
	const char *what;		/* names the pool in errors: "XICS sources" */
	uint32_t base, count;
	uint32_t nr_free;
	uint64_t used[ID_POOL_MAX / 64];
};

/* -EINVAL if count is 0, above ID_POOL_MAX, or base + count wraps. */
int id_pool_init(struct id_pool *p, const char *what, uint32_t base, uint32_t count);
/* The lowest run of n free IDs whose first is a multiple of align (a power
 * of two; 0 or 1: any). -EINVAL for n == 0 or a bad align, -ENOSPC if no
 * such run is free. */
int id_pool_alloc(struct id_pool *p, uint32_t n, uint32_t align, uint32_t *first);
/* The first run of n free IDs or, if there is none, the longest free run
 * (the lowest of equal ones): returns its length (1..n), -EINVAL for
 * n == 0, -ENOSPC if no ID is free. For what can make do with fewer
 * (MSI vectors). */
int id_pool_alloc_upto(struct id_pool *p, uint32_t n, uint32_t *first);
/* Takes exactly [first, first + n): -ERANGE if outside the pool, -EBUSY if
 * any of it is taken (then nothing is). */
int id_pool_reserve(struct id_pool *p, uint32_t first, uint32_t n);
/* Gives [first, first + n) back: -EINVAL unless all of it is taken (a
 * double free frees nothing). */
int id_pool_free(struct id_pool *p, uint32_t first, uint32_t n);
bool id_pool_taken(const struct id_pool *p, uint32_t id);
/* The one-line error for an allocation of n that failed with -ENOSPC:
 * "<what> exhausted: wanted n, m free (of count from base)". */
void id_pool_exhausted(const struct id_pool *p, uint32_t n, char *buf, size_t len);

#endif
