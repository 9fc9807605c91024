/* Pools of integer IDs (see id_pool.h). */
#include "id_pool.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool bit(const struct id_pool *p, uint32_t i)
{
	return p->used[i / 64] >> (i % 64) & 1;
}

static void set_bits(struct id_pool *p, uint32_t i, uint32_t n, bool on)
{
	for (uint32_t k = i; k < i + n; k++) {
		if (on)
			p->used[k / 64] |= 1ULL << (k % 64);
		else
			p->used[k / 64] &= ~(1ULL << (k % 64));
	}
	p->nr_free = on ? p->nr_free - n : p->nr_free + n;
}

/* [first, first + n) as pool offsets, or false if not wholly inside. */
static bool in_pool(const struct id_pool *p, uint32_t first, uint32_t n, uint32_t *off)
{
	if (!n || first < p->base || first - p->base > p->count || n > p->count - (first - p->base))
		return false;
	*off = first - p->base;
	return true;
}

static bool all(const struct id_pool *p, uint32_t off, uint32_t n, bool taken)
{
	for (uint32_t k = off; k < off + n; k++)
		if (bit(p, k) != taken)
			return false;
	return true;
}

/* The offset of the first taken ID in [off, off + n), or off + n. */
static uint32_t first_taken(const struct id_pool *p, uint32_t off, uint32_t n)
{
	uint32_t k = off;

	while (k < off + n && !bit(p, k))
		k++;
	return k;
}

int id_pool_init(struct id_pool *p, const char *what, uint32_t base, uint32_t count)
{
	memset(p, 0, sizeof(*p));
	if (!count || count > ID_POOL_MAX || base + count < base)
		return -EINVAL;
	p->what = what;
	p->base = base;
	p->count = count;
	p->nr_free = count;
	return 0;
}

int id_pool_alloc(struct id_pool *p, uint32_t n, uint32_t align, uint32_t *first)
{
	uint64_t id;

	if (!align)
		align = 1;
	if (!n || align & (align - 1))
		return -EINVAL;
	if (n > p->nr_free)
		return -ENOSPC;
	/* Aligned on the ID itself, not on its offset in the pool. A taken
	 * ID moves the search past it: one pass over the pool, whatever n. */
	id = ALIGN_UP((uint64_t)p->base, align);
	while (id + n <= (uint64_t)p->base + p->count) {
		uint32_t off = (uint32_t)id - p->base, taken = first_taken(p, off, n);
		if (taken == off + n) {
			set_bits(p, off, n, true);
			*first = (uint32_t)id;
			return 0;
		}
		id = ALIGN_UP((uint64_t)p->base + taken + 1, align);
	}
	return -ENOSPC;
}

int id_pool_alloc_upto(struct id_pool *p, uint32_t n, uint32_t *first)
{
	uint32_t best = 0, best_len = 0, off = 0;

	if (!n)
		return -EINVAL;
	while (off < p->count) {
		uint32_t end;
		if (bit(p, off)) {
			off++;
			continue;
		}
		end = first_taken(p, off, p->count - off);
		if (end - off >= n) {
			best = off;
			best_len = n;
			break;
		}
		if (end - off > best_len) {
			best = off;
			best_len = end - off;
		}
		off = end;
	}
	if (!best_len)
		return -ENOSPC;
	set_bits(p, best, best_len, true);
	*first = p->base + best;
	return (int)best_len;
}

int id_pool_reserve(struct id_pool *p, uint32_t first, uint32_t n)
{
	uint32_t off;

	if (!in_pool(p, first, n, &off))
		return -ERANGE;
	if (!all(p, off, n, false))
		return -EBUSY;
	set_bits(p, off, n, true);
	return 0;
}

int id_pool_free(struct id_pool *p, uint32_t first, uint32_t n)
{
	uint32_t off;

	if (!in_pool(p, first, n, &off) || !all(p, off, n, true))
		return -EINVAL;
	set_bits(p, off, n, false);
	return 0;
}

bool id_pool_taken(const struct id_pool *p, uint32_t id)
{
	uint32_t off;

	return in_pool(p, id, 1, &off) && bit(p, off);
}

void id_pool_exhausted(const struct id_pool *p, uint32_t n, char *buf, size_t len)
{
	snprintf(buf, len, "%s exhausted: wanted %u, %u free (of %u from %u)", p->what, n,
		 p->nr_free, p->count, p->base);
}
