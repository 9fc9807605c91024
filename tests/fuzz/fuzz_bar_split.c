/* Fuzz a BAR's split into mapped pieces (bar_split.c): a fuzzed
 * VFIO_DEVICE_GET_REGION_INFO answer with its capability chain, a fuzzed
 * BAR size, host page and MSI-X table/PBA ranges. Oracle, page by page
 * and worked out here: a page is mapped exactly when it lies wholly in an
 * area VFIO lets be mmapped and no table or PBA byte is in it; pieces are
 * sorted, apart (adjacent ones merge), page aligned and inside the BAR. */
#include "bar_split.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAGES	4096		/* pages checked one by one */

static void fail(const char *what)
{
	fprintf(stderr, "oracle: %s\n", what);
	abort();
}

static uint64_t take(const uint8_t **d, size_t *n, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes && *n; i++, (*d)++, (*n)--)
		v |= (uint64_t)**d << (8 * i);
	return v;
}

/* [start, end) wholly in r (whose end may be past 2^64: saturated). */
static bool in_range(uint64_t start, uint64_t end, const struct bar_range *r)
{
	uint64_t r_end = r->len > UINT64_MAX - r->off ? UINT64_MAX : r->off + r->len;

	return r->len && start >= r->off && end <= r_end;
}

static bool touches(uint64_t start, uint64_t end, const struct bar_range *r)
{
	return r->len && r->off < end && start < r->off + r->len;
}

/* Whether the page at off must be mapped, from the inputs alone. */
static bool must_map(uint64_t off, uint64_t page, uint64_t bar_size, const struct bar_mmap_info *mi,
		     const struct bar_range *traps, unsigned int nt)
{
	bool area = false;

	if (off + page > bar_size)
		return false;		/* a page the BAR does not fill */
	for (unsigned int i = 0; i < mi->nr_areas; i++)
		area |= in_range(off, off + page, &mi->areas[i]);
	for (unsigned int i = 0; i < nt; i++)
		if (touches(off, off + page, &traps[i]))
			return false;
	return area;
}

static bool mapped(uint64_t off, const struct bar_split *s)
{
	for (unsigned int i = 0; i < s->nr_pieces; i++)
		if (off >= s->pieces[i].off && off < s->pieces[i].off + s->pieces[i].len)
			return true;
	return false;
}

static void check_shape(const struct bar_split *s, uint64_t bar_size, uint64_t page)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < s->nr_pieces; i++) {
		const struct bar_range *p = &s->pieces[i];
		if (!p->len || p->off % page || p->len % page || p->off + p->len > bar_size)
			fail("a piece not whole pages inside the BAR");
		if (i && p->off <= s->pieces[i - 1].off + s->pieces[i - 1].len)
			fail("pieces out of order, overlapping or not merged");
		sum += p->len;
	}
	if (s->trapped != bar_size - sum)
		fail("trapped bytes");
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static uint8_t info[1024] __attribute__((aligned(8)));
	uint64_t bar_size = 1ULL << (12 + take(&d, &n, 1) % 24);
	uint64_t page = take(&d, &n, 1) & 1 ? 0x10000 : 0x1000;
	struct bar_range traps[BAR_TRAPS_MAX];
	struct bar_mmap_info mi;
	struct bar_split s;
	size_t len;
	int r;

	for (unsigned int i = 0; i < BAR_TRAPS_MAX; i++) {
		traps[i].off = take(&d, &n, 3);
		traps[i].len = take(&d, &n, 2);
	}
	len = n < sizeof(info) ? n : sizeof(info);
	memset(info, 0, sizeof(info));
	memcpy(info, d, len);
	if (bar_mmap_info_parse(info, len, &mi))
		return 0;
	if (mi.nr_areas > BAR_AREAS_MAX)
		fail("more areas than BAR_AREAS_MAX");
	r = bar_split(bar_size, page, mi.areas, mi.nr_areas, traps, BAR_TRAPS_MAX, &s);
	if (r) {
		if (s.nr_pieces || s.trapped != bar_size)
			fail("a refused split must trap the BAR whole");
		return 0;
	}
	check_shape(&s, bar_size, page);
	for (uint64_t off = 0; off < bar_size && off / page < MAX_PAGES; off += page)
		if (mapped(off, &s) != must_map(off, page, bar_size, &mi, traps, BAR_TRAPS_MAX))
			fail(mapped(off, &s) ? "a page mapped that must be trapped"
					     : "a page trapped that may be mapped");
	return 0;
}
