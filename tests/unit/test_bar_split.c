/* bar_split.c: a BAR's mapped pieces around the MSI-X table and PBA, the
 * VFIO region capabilities that say what may be mmapped; pci_config.c's
 * MSI-X location. */
#include "test.h"
#include "bar_split.h"
#include "fake_pci.h"
#include "pci_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>

#define K4	0x1000ULL
#define K64	0x10000ULL

static const struct bar_range whole_1m = { 0, 0x100000 };

static void expect_piece(const struct bar_split *s, unsigned int i, uint64_t off, uint64_t len)
{
	CHECK(i < s->nr_pieces);
	if (i >= s->nr_pieces)
		return;
	CHECK_EQ(s->pieces[i].off, off);
	CHECK_EQ(s->pieces[i].len, len);
}

TEST(bar_split_no_traps_maps_it_whole)
{
	struct bar_split s;

	CHECK_EQ(bar_split(0x100000, K64, &whole_1m, 1, NULL, 0, &s), 0);
	CHECK_EQ(s.nr_pieces, 1);
	expect_piece(&s, 0, 0, 0x100000);
	CHECK_EQ(s.trapped, 0);
}

/* NVMe-like: table and PBA in the first page with the registers. */
TEST(bar_split_table_at_start_with_pba_in_its_page)
{
	const struct bar_range traps[2] = { { 0, 32 * 16 }, { 0x800, 8 } };
	struct bar_split s;

	CHECK_EQ(bar_split(0x100000, K64, &whole_1m, 1, traps, 2, &s), 0);
	CHECK_EQ(s.nr_pieces, 1);
	expect_piece(&s, 0, K64, 0x100000 - K64);
	CHECK_EQ(s.trapped, K64);
}

/* Table and PBA on adjacent pages in the middle: one hole, two pieces. */
TEST(bar_split_table_in_the_middle)
{
	const struct bar_range traps[2] = { { 0x90000, 8 }, { 0x80000, 2048 * 16 } };
	struct bar_split s;

	CHECK_EQ(bar_split(0x100000, K64, &whole_1m, 1, traps, 2, &s), 0);
	CHECK_EQ(s.nr_pieces, 2);
	expect_piece(&s, 0, 0, 0x80000);
	expect_piece(&s, 1, 0xa0000, 0x60000);
	CHECK_EQ(s.trapped, 2 * K64);
}

TEST(bar_split_table_at_the_end)
{
	const struct bar_range traps[2] = { { 0x100000 - K4, 64 * 16 }, { 0x100000 - 0x800, 8 } };
	struct bar_split s;

	CHECK_EQ(bar_split(0x100000, K4, &whole_1m, 1, traps, 2, &s), 0);
	CHECK_EQ(s.nr_pieces, 1);
	expect_piece(&s, 0, 0, 0x100000 - K4);
	CHECK_EQ(s.trapped, K4);
}

/* The page decides: a 4 KiB-aligned table traps a 4 KiB page on a 4 KiB
 * host and a whole 64 KiB page on a 64 KiB one; a table across a page
 * boundary traps both pages. */
TEST(bar_split_rounds_traps_out_to_host_pages)
{
	const struct bar_range table = { 0x3000, 16 };
	const struct bar_range across = { 0xf800, 0x1000 };
	struct bar_split s;

	CHECK_EQ(bar_split(0x20000, K4, &(struct bar_range){ 0, 0x20000 }, 1, &table, 1, &s), 0);
	CHECK_EQ(s.nr_pieces, 2);
	expect_piece(&s, 0, 0, 0x3000);
	expect_piece(&s, 1, 0x4000, 0x1c000);
	CHECK_EQ(bar_split(0x20000, K64, &(struct bar_range){ 0, 0x20000 }, 1, &table, 1, &s), 0);
	CHECK_EQ(s.nr_pieces, 1);
	expect_piece(&s, 0, K64, K64);
	CHECK_EQ(bar_split(0x20000, K4, &(struct bar_range){ 0, 0x20000 }, 1, &across, 1, &s), 0);
	CHECK_EQ(s.nr_pieces, 2);
	expect_piece(&s, 0, 0, 0xf000);
	expect_piece(&s, 1, 0x11000, 0xf000);
	CHECK_EQ(s.trapped, 2 * K4);
}

/* A BAR smaller than a host page (a 16 KiB MSI-X BAR on 64 KiB pages),
 * or the table's page being all of it: nothing mapped. */
TEST(bar_split_nothing_left_to_map)
{
	const struct bar_range table = { 0, 5 * 16 };
	struct bar_split s;

	CHECK_EQ(bar_split(0x4000, K64, &(struct bar_range){ 0, 0x4000 }, 1, NULL, 0, &s), 0);
	CHECK_EQ(s.nr_pieces, 0);
	CHECK_EQ(s.trapped, 0x4000);
	CHECK_EQ(bar_split(K64, K64, &(struct bar_range){ 0, K64 }, 1, &table, 1, &s), 0);
	CHECK_EQ(s.nr_pieces, 0);
	CHECK_EQ(s.trapped, K64);
	/* no mmap offered at all */
	CHECK_EQ(bar_split(0x100000, K4, NULL, 0, &table, 1, &s), 0);
	CHECK_EQ(s.nr_pieces, 0);
	CHECK_EQ(s.trapped, 0x100000);
}

/* An older kernel's sparse areas (the table's page left out already):
 * taken as they are, rounded inwards, sorted, overlaps merged, nothing
 * past the BAR. */
TEST(bar_split_sparse_areas)
{
	const struct bar_range areas[4] = {
		{ 0x3000, 0xd000 },		/* after the table page */
		{ 0, 0x2000 },			/* before it */
		{ 0x10800, 0x1000 },		/* not page aligned: no whole page */
		{ 0xe000, 0x100000 },		/* overlaps the first, runs past the BAR */
	};
	const struct bar_range table = { 0x2000, 16 };
	struct bar_split s;

	CHECK_EQ(bar_split(0x20000, K4, areas, 4, &table, 1, &s), 0);
	CHECK_EQ(s.nr_pieces, 2);
	expect_piece(&s, 0, 0, 0x2000);
	expect_piece(&s, 1, 0x3000, 0x1d000);
	CHECK_EQ(s.trapped, K4);
}

/* Adjacent areas become one piece (one memslot). */
TEST(bar_split_adjacent_areas_merge)
{
	const struct bar_range areas[2] = { { 0x8000, 0x8000 }, { 0, 0x8000 } };
	struct bar_split s;

	CHECK_EQ(bar_split(0x10000, K4, areas, 2, NULL, 0, &s), 0);
	CHECK_EQ(s.nr_pieces, 1);
	expect_piece(&s, 0, 0, 0x10000);
}

TEST(bar_split_refusals)
{
	struct bar_range areas[BAR_AREAS_MAX + 1];
	struct bar_split s;

	CHECK_EQ(bar_split(0x100000, 3 * K4, &whole_1m, 1, NULL, 0, &s), -EINVAL);
	CHECK_EQ(bar_split(0x100000, 0, &whole_1m, 1, NULL, 0, &s), -EINVAL);
	CHECK_EQ(bar_split(0, K4, &whole_1m, 1, NULL, 0, &s), -EINVAL);
	/* one page in two mapped: more pieces than memslots per BAR */
	for (unsigned int i = 0; i < BAR_AREAS_MAX; i++)
		areas[i] = (struct bar_range){ 2 * i * K4, K4 };
	CHECK_EQ(bar_split(0x100000, K4, areas, BAR_PIECES_MAX, NULL, 0, &s), 0);
	CHECK_EQ(s.nr_pieces, BAR_PIECES_MAX);
	CHECK_EQ(bar_split(0x100000, K4, areas, BAR_PIECES_MAX + 1, NULL, 0, &s), -E2BIG);
	CHECK_EQ(s.nr_pieces, 0);			/* refused: trapped whole */
	CHECK_EQ(s.trapped, 0x100000);
	CHECK_EQ(bar_split(0x100000, K4, areas, BAR_AREAS_MAX + 1, NULL, 0, &s), -E2BIG);
}

TEST(msix_traps_per_bar)
{
	struct pci_msix_where w = { .table_bar = 0, .table_off = 0x2000, .pba_bar = 2,
				    .pba_off = 0x3000, .entries = 65 };
	struct bar_range t[BAR_TRAPS_MAX];

	CHECK_EQ(msix_traps(&w, 0, 0x4000, t), 1);
	CHECK_EQ(t[0].off, 0x2000);
	CHECK_EQ(t[0].len, 65 * 16);
	CHECK_EQ(msix_traps(&w, 2, 0x4000, t), 1);
	CHECK_EQ(t[0].off, 0x3000);
	CHECK_EQ(t[0].len, 16);			/* 65 pending bits: two qwords */
	CHECK_EQ(msix_traps(&w, 1, 0x4000, t), 0);
	/* both in one BAR; a PBA past the BAR's end is no trap there */
	w.pba_bar = 0;
	CHECK_EQ(msix_traps(&w, 0, 0x4000, t), 2);
	CHECK_EQ(msix_traps(&w, 0, 0x2800, t), 1);
	CHECK_EQ(t[0].len, 65 * 16);
	CHECK_EQ(msix_traps(&w, 0, 0x2200, t), 1);
	CHECK_EQ(t[0].len, 0x200);			/* the table, clipped to the BAR */
	/* BIR 7 names no BAR; no entries, no traps */
	w.table_bar = w.pba_bar = 7;
	CHECK_EQ(msix_traps(&w, 7, 0x4000, t), 2);	/* the caller asks only for 0-5 */
	w.entries = 0;
	CHECK_EQ(msix_traps(&w, 7, 0x4000, t), 0);
}

/* A VFIO_DEVICE_GET_REGION_INFO answer with a capability chain. */
struct region_answer {
	struct vfio_region_info info;
	uint8_t caps[256];
};

static size_t put_cap(struct region_answer *a, size_t at, uint16_t id, uint32_t next)
{
	struct vfio_info_cap_header h = { .id = id, .version = 1, .next = next };

	memcpy((uint8_t *)a + at, &h, sizeof(h));
	return at + sizeof(h);
}

static size_t put_sparse(struct region_answer *a, size_t at, uint32_t next, uint32_t nr,
			 const struct bar_range *areas)
{
	struct vfio_region_info_cap_sparse_mmap c = { .header = { VFIO_REGION_INFO_CAP_SPARSE_MMAP, 1, next },
						      .nr_areas = nr };

	memcpy((uint8_t *)a + at, &c, sizeof(c));
	at += sizeof(c);
	for (uint32_t i = 0; i < nr && areas; i++) {
		struct vfio_region_sparse_mmap_area e = { areas[i].off, areas[i].len };
		memcpy((uint8_t *)a + at, &e, sizeof(e));
		at += sizeof(e);
	}
	return at;
}

static void answer(struct region_answer *a, uint32_t flags)
{
	memset(a, 0, sizeof(*a));
	a->info.argsz = sizeof(*a);
	a->info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | flags;
	a->info.size = 0x20000;
	a->info.offset = 0x40000000000ULL;
}

TEST(bar_mmap_info_from_region_caps)
{
	const struct bar_range areas[2] = { { 0, 0x2000 }, { 0x3000, 0x1d000 } };
	const size_t first = sizeof(struct vfio_region_info);
	struct region_answer a;
	struct bar_mmap_info mi;
	size_t end;

	/* no mmap: nothing mappable, whatever else */
	answer(&a, 0);
	CHECK_EQ(bar_mmap_info_parse(&a, sizeof(a), &mi), 0);
	CHECK_EQ(mi.nr_areas, 0);
	/* mmap, no capabilities: all of it */
	answer(&a, VFIO_REGION_INFO_FLAG_MMAP);
	CHECK_EQ(bar_mmap_info_parse(&a, sizeof(a.info), &mi), 0);
	CHECK_EQ(mi.nr_areas, 1);
	CHECK_EQ(mi.areas[0].len, 0x20000);
	CHECK(!mi.sparse && !mi.msix_mappable);
	/* MSIX_MAPPABLE, then two sparse areas */
	answer(&a, VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS);
	a.info.cap_offset = first;
	put_cap(&a, first, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, first + 8);
	end = put_sparse(&a, first + 8, 0, 2, areas);
	CHECK_EQ(bar_mmap_info_parse(&a, end, &mi), 0);
	CHECK(mi.sparse && mi.msix_mappable);
	CHECK_EQ(mi.nr_areas, 2);
	CHECK_EQ(mi.areas[1].off, 0x3000);
	CHECK_EQ(mi.areas[1].len, 0x1d000);
	/* cut short: the second area is not all there */
	CHECK_EQ(bar_mmap_info_parse(&a, end - 1, &mi), -EINVAL);
	CHECK_EQ(mi.nr_areas, 0);
	/* an empty sparse list: no mmap */
	put_sparse(&a, first + 8, 0, 0, NULL);
	CHECK_EQ(bar_mmap_info_parse(&a, sizeof(a), &mi), 0);
	CHECK(mi.sparse);
	CHECK_EQ(mi.nr_areas, 0);
	/* more areas than pvmm takes */
	put_sparse(&a, first + 8, 0, BAR_AREAS_MAX + 1, NULL);
	CHECK_EQ(bar_mmap_info_parse(&a, sizeof(a), &mi), -E2BIG);
	/* a chain that loops, or starts inside the info */
	put_cap(&a, first, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, first);
	CHECK_EQ(bar_mmap_info_parse(&a, sizeof(a), &mi), -EINVAL);
	a.info.cap_offset = 4;
	CHECK_EQ(bar_mmap_info_parse(&a, sizeof(a), &mi), -EINVAL);
	/* capabilities announced but not fetched */
	a.info.cap_offset = 0;
	CHECK_EQ(bar_mmap_info_parse(&a, sizeof(a.info), &mi), -EINVAL);
	/* an unknown capability is stepped over */
	a.info.cap_offset = first;
	put_cap(&a, first, 99, first + 8);
	put_cap(&a, first + 8, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, 0);
	CHECK_EQ(bar_mmap_info_parse(&a, sizeof(a), &mi), 0);
	CHECK(mi.msix_mappable && !mi.sparse);
	CHECK_EQ(mi.nr_areas, 1);
}

/* MSI-X at 0x50: table in BAR 0 at 0x2000, PBA in BAR 4 at 0x800. */
TEST(pci_config_msix_where_reads_bir_and_offsets)
{
	uint64_t sizes[PCI_NUM_BARS] = { 0x4000, 0, 0, 0, 0x1000, 0 };
	struct pci_msix_where w;
	struct pci_config pc;

	fake_pci_reset();
	fake_pci_put32(0x00, 0x00101b36);
	fake_pci_put16(0x06, 0x10);
	fake_pci_put32(0x10, 0x0);
	fake_pci_put32(0x20, 0x0);
	fake_pci_cfg[0x34] = 0x50;
	fake_pci_put16(0x50, 0x0011);
	fake_pci_put16(0x52, 64);			/* 65 vectors */
	fake_pci_put32(0x54, 0x2000 | 0);
	fake_pci_put32(0x58, 0x800 | 4);
	CHECK_EQ(pci_config_init(&pc, &fake_pci_ops, NULL, sizes, 4096), 0);
	CHECK_EQ(pci_config_msix_where(&pc, &w), 0);
	CHECK_EQ(w.table_bar, 0);
	CHECK_EQ(w.table_off, 0x2000);
	CHECK_EQ(w.pba_bar, 4);
	CHECK_EQ(w.pba_off, 0x800);
	CHECK_EQ(w.entries, 65);
	fake_pci_put16(0x06, 0);			/* no capabilities */
	CHECK_EQ(pci_config_init(&pc, &fake_pci_ops, NULL, sizes, 4096), 0);
	CHECK_EQ(pci_config_msix_where(&pc, &w), -ENOENT);
}
