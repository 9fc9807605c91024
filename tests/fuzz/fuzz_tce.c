/* Fuzz the user-mode TCE table: sequences of put/get/indirect/stuff with
 * guest-chosen arguments, on a window of 4 KiB or 64 KiB IOMMU pages (the
 * input's first byte). Oracle, in the map/unmap callbacks (what becomes
 * VFIO_IOMMU_MAP_DMA/UNMAP_DMA): iova and host address aligned to the
 * IOMMU page, whole pages (a coalesced run may hold several), inside the
 * window, the pages inside
 * guest RAM, permissions R and/or W; and, as the host IOMMU would insist,
 * no iova mapped twice or unmapped while not mapped. */
#include "tce.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAM (512 * 1024)
#define ENTRIES 64

static struct guest_mem mem;
static struct tce_window w;
static bool mapped[ENTRIES];

#define FAIL(why) (fprintf(stderr, "oracle: %s\n", (why)), abort())

/* The first window entry of a host call's run of pages, checking what any
 * host mapping needs: aligned to the IOMMU page, whole pages, inside the
 * window. A run covers several entries when the table coalesces them. */
static uint64_t entry_of(uint64_t iova, uint64_t size)
{
	uint64_t page = 1ULL << w.page_shift;

	if (iova & (page - 1) || !size || size % page)
		FAIL("iova or size not aligned to the IOMMU page");
	if (iova < w.start || iova - w.start >= w.size || size > w.size - (iova - w.start))
		FAIL("iova outside the window");
	return (iova - w.start) >> w.page_shift;
}

static int check_map(void *o, uint64_t iova, uint64_t gpa, uint64_t size, uint64_t perm)
{
	uint64_t first = entry_of(iova, size), n = size >> w.page_shift;

	(void)o;
	if (gpa & ((1ULL << w.page_shift) - 1) || gpa >= RAM || size > RAM - gpa)
		FAIL("host page unaligned or outside guest RAM");
	if (!perm || perm & ~TCE_PERM_MASK)
		FAIL("permissions");
	for (uint64_t i = first; i < first + n; i++) {
		if (mapped[i])
			FAIL("iova mapped twice");
		mapped[i] = true;
	}
	return 0;
}

static int check_unmap(void *o, uint64_t iova, uint64_t size)
{
	uint64_t first = entry_of(iova, size), n = size >> w.page_shift;

	(void)o;
	for (uint64_t i = first; i < first + n; i++) {
		if (!mapped[i])
			FAIL("iova unmapped while not mapped");
		mapped[i] = false;
	}
	return 0;
}

static const struct tce_ops ops = { check_map, check_unmap };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t shift;
	uint64_t v;

	if (!mem.host) {
		mem.host = malloc(RAM);
		mem.size = RAM;
	}
	if (size < 8)
		return 0;
	memset(mem.host, 0, RAM);
	memcpy(mem.host, data, size < RAM ? size : RAM);
	shift = data[0] & 1 ? 16 : 12;
	memset(mapped, 0, sizeof(mapped));
	if (tce_window_init(&w, 1, (uint64_t)(data[0] >> 1) << shift, (uint64_t)ENTRIES << shift,
			    shift, &mem, &ops, NULL, NULL))
		return 0;
	for (size_t off = 1; off + 25 <= size; off += 25) {
		uint64_t a, b, c;
		memcpy(&a, data + off + 1, 8);
		memcpy(&b, data + off + 9, 8);
		memcpy(&c, data + off + 17, 8);
		switch (data[off] % 4) {
		case 0: tce_put(&w, a, b); break;
		case 1: tce_get(&w, a, &v); break;
		case 2: tce_put_indirect(&w, a, b, c); break;
		case 3: tce_stuff(&w, a, b, c); break;
		}
	}
	if (!tce_window_inside_ram(&w, &v))
		FAIL("a valid entry outside guest RAM");
	v = 0;
	for (int i = 0; i < ENTRIES; i++) {
		v += mapped[i];
		if (w.table[i] & ((1ULL << shift) - 1) & ~TCE_PERM_MASK)
			FAIL("an entry with reserved bits (below the IOMMU page) in the table");
	}
	if (v != w.valid)
		FAIL("host mappings and valid entries differ");
	tce_window_free(&w);
	return 0;
}
