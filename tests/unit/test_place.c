/* pci_place.c: functions onto guest PHBs; phb_addr.c: PHB resources by
 * index, config addresses, window sizing, MSI clamp, BAR placement in the
 * PHB's 32- and 64-bit MMIO windows. */
#include "test.h"
#include "layout.h"
#include "pci_place.h"
#include "spapr.h"
#include "util.h"

#include <errno.h>

static int place(const struct place_fn *fn, unsigned int n, struct place_out *out, char *err)
{
	return pci_place(fn, n, PHB_MAX_INDEX, out, err, 256);
}

/* One PHB per group by default; a group's functions stay together and
 * keep their slot and function numbers. */
TEST(place_one_phb_per_group)
{
	const struct place_fn fn[] = {
		{ 0, 0, 5, -1, "0000:01:00.0" },
		{ 0, 0, 7, -1, "0001:01:00.0" },
		{ 3, 1, 9, -1, "0002:01:03.1" },
		{ 3, 0, 9, -1, "0002:01:03.0" },
	};
	struct place_out out[4];
	char err[256] = "";

	CHECK_EQ(place(fn, 4, out, err), 0);
	CHECK_EQ(out[0].phb, 0u);
	CHECK_EQ(out[1].phb, 1u);
	CHECK_EQ(out[2].phb, 2u);
	CHECK_EQ(out[3].phb, 2u);
	CHECK_EQ(out[0].devfn, 0);
	CHECK_EQ(out[2].devfn, 3 << 3 | 1);
	CHECK_EQ(out[3].devfn, 3 << 3 | 0);
}

/* phb=N shares a PHB; colliding slots move to the next free one; auto
 * PHBs avoid indices the user named. */
TEST(place_shared_phb)
{
	const struct place_fn fn[] = {
		{ 0, 0, 5, -1, "a" },
		{ 0, 0, 7, 1, "b" },
		{ 0, 0, 8, 1, "c" },
	};
	struct place_out out[3];
	char err[256] = "";

	CHECK_EQ(place(fn, 3, out, err), 0);
	CHECK_EQ(out[0].phb, 0u);
	CHECK_EQ(out[1].phb, 1u);
	CHECK_EQ(out[2].phb, 1u);
	CHECK_EQ(out[1].devfn, 0);
	CHECK_EQ(out[2].devfn, 1 << 3);
	const struct place_fn f2[] = { { 0, 0, 5, -1, "a" }, { 0, 0, 7, 0, "b" } };
	CHECK_EQ(place(f2, 2, out, err), 0);
	CHECK_EQ(out[0].phb, 1u);		/* 0 is b's */
	CHECK_EQ(out[1].phb, 0u);
}

TEST(place_errors)
{
	struct place_fn fn[PHB_SLOTS + 1];
	struct place_out out[PHB_SLOTS + 1];
	char err[256] = "";

	const struct place_fn split[] = { { 0, 0, 5, 1, "a" }, { 0, 1, 5, 2, "b" } };
	CHECK_EQ(place(split, 2, out, err), -EINVAL);
	CHECK_STR_CONTAINS(err, "share IOMMU group 5");
	for (unsigned int i = 0; i <= PHB_SLOTS; i++)
		fn[i] = (struct place_fn){ 0, 0, (int)i, 0, "x" };
	CHECK_EQ(place(fn, PHB_SLOTS + 1, out, err), -ENOSPC);
	CHECK_STR_CONTAINS(err, "more functions than guest PHB 0 has slots");
	for (unsigned int i = 0; i <= PHB_MAX_INDEX; i++)
		fn[i] = (struct place_fn){ 0, 0, (int)i, -1, "y" };
	CHECK_EQ(place(fn, PHB_MAX_INDEX + 1, out, err), -ENOSPC);
	CHECK_STR_CONTAINS(err, "no guest PHB left");
}

/* Index 0 is today's single PHB; others are PHB_STRIDE apart, LIOBNs as
 * QEMU's SPAPR_PCI_LIOBN(index, n). */
TEST(phb_resources_by_index)
{
	struct phb_res r0 = phb_res_of(0), r2 = phb_res_of(2);

	CHECK_EQ(r0.buid, 0x800000020000000ULL);
	CHECK_EQ(r0.mmio32_cpu, 0x10080000000ULL);
	CHECK_EQ(r0.mmio64_cpu, 0x11000000000ULL);
	CHECK_EQ(r0.liobn, 0x80000000u);
	CHECK_EQ(r2.buid, 0x800000020000002ULL);
	CHECK_EQ(r2.mmio32_cpu, r0.mmio32_cpu + 2 * PHB_STRIDE);
	CHECK(r2.mmio64_cpu + r2.mmio64_size <= phb_res_of(3).mmio32_cpu);
	CHECK_EQ(r2.liobn, 0x80000200u);
	CHECK_EQ(phb_index_of_liobn(0x80000201u), 2);
	CHECK_EQ(phb_index_of_liobn(0x80000000u), 0);
	CHECK_EQ(phb_index_of_liobn(0x7fffffffu), -1);
	CHECK_EQ(phb_index_of_liobn(0x80000900u), -1);
	CHECK_EQ(phb_index_of_liobn(0x80010000u), -1);
}

TEST(cfg_addr_decode)
{
	uint8_t devfn = 0xff;
	uint32_t reg = 0;

	CHECK_EQ(pci_cfg_addr_decode(0x00000b10, &devfn, &reg), RTAS_OUT_SUCCESS);
	CHECK_EQ(devfn, 0x0b);
	CHECK_EQ(reg, 0x10u);
	CHECK_EQ(pci_cfg_addr_decode(0x0f000004, &devfn, &reg), RTAS_OUT_SUCCESS);
	CHECK_EQ(reg, 0xf04u);			/* extended register bits */
	CHECK_EQ(pci_cfg_addr_decode(0x10000000, &devfn, &reg), RTAS_OUT_HW_ERROR);
	CHECK_EQ(pci_cfg_addr_decode(0x00010000, &devfn, &reg), RTAS_OUT_HW_ERROR);
}

TEST(window_msi_bar_rules)
{
	uint64_t next = 0x80000000, addr = 0;

	CHECK_EQ(dma_window_size(512 * MiB, 2 * GiB), 512 * MiB);
	CHECK_EQ(dma_window_size(64 * MiB, 2 * GiB), 256 * MiB);
	CHECK_EQ(dma_window_size(4 * GiB, 2 * GiB), 2 * GiB);
	CHECK_EQ(msi_vectors(32, 5), 5u);
	CHECK_EQ(msi_vectors(32, 2048), 32u);
	CHECK_EQ(msi_vectors(4096, 2048), 2048u);
	CHECK_EQ(msi_vectors(0, 16), 0u);
	CHECK_EQ(bar_place(&next, 0x100000000ULL, 0x4000, &addr), 0);
	CHECK_EQ(addr, 0x80000000u);
	CHECK_EQ(bar_place(&next, 0x100000000ULL, 0x20000, &addr), 0);
	CHECK_EQ(addr, 0x80020000u);		/* naturally aligned */
	CHECK_EQ(bar_place(&next, 0x100000000ULL, 0x3000, &addr), -EINVAL);
	CHECK_EQ(bar_place(&next, 0x100000000ULL, 0x100000000ULL, &addr), -ENOSPC);
}

/* ---- a function's BARs in the PHB's two MMIO windows ---- */

#define MEM32(sz) { .size = (sz) }
#define MEM64(sz) { .size = (sz), .flags = 0x4, .is64 = true }
#define MEM64_PREF(sz) { .size = (sz), .flags = 0xc, .is64 = true }

static int place_bars(struct bar_windows *w, const struct pci_bar *bars, struct bar_addr *at, char *err)
{
	return bars_place(w, bars, "0000:01:00.0", at, err, 256);
}

/* The windows follow the PHB's resources: 32-bit at bus 2 GiB, 64-bit 1:1
 * above 4 GiB; both are MMIO the PHB claims, nothing around them is. */
TEST(bar_windows_follow_the_phb)
{
	struct phb_res r = phb_res_of(3);
	struct bar_windows w = bar_windows_of(&r);

	CHECK_EQ(w.mem32.next, 0x80000000ULL);
	CHECK_EQ(w.mem32.end, 0x100000000ULL);
	CHECK_EQ(w.mem32.next + w.mem32.cpu_minus_bus, r.mmio32_cpu);
	CHECK_EQ(w.mem64.next, r.mmio64_cpu);
	CHECK_EQ(w.mem64.end - w.mem64.next, PHB_MMIO64_SIZE);
	CHECK_EQ(w.mem64.cpu_minus_bus, 0);
	CHECK(w.mem64.next > 4 * GiB);
	CHECK(phb_mmio_contains(&r, r.mmio32_cpu));
	CHECK(phb_mmio_contains(&r, r.mmio32_cpu + r.mmio32_size - 1));
	CHECK(!phb_mmio_contains(&r, r.mmio32_cpu + r.mmio32_size));
	CHECK(!phb_mmio_contains(&r, r.mmio32_cpu - 1));
	CHECK(phb_mmio_contains(&r, r.mmio64_cpu));
	CHECK(phb_mmio_contains(&r, r.mmio64_cpu + r.mmio64_size - 1));
	CHECK(!phb_mmio_contains(&r, r.mmio64_cpu + r.mmio64_size));
	CHECK(!phb_mmio_contains(&r, r.mmio64_cpu - 1));
}

/* 32-bit BARs below 4 GiB, 64-bit ones (prefetchable or not) in the
 * 64-bit window, each naturally aligned, largest first. */
TEST(bars_place_32_and_64_bit_mix)
{
	struct phb_res r = phb_res_of(0);
	struct bar_windows w = bar_windows_of(&r);
	/* BAR0 32-bit 128 KiB, BAR1+2 64-bit 16 KiB, BAR3+4 64-bit prefetchable 1 MiB, BAR5 32-bit 4 KiB */
	const struct pci_bar bars[PCI_NUM_BARS] = { MEM32(0x20000), MEM64(0x4000), {0},
						    MEM64_PREF(0x100000), {0}, MEM32(0x1000) };
	struct bar_addr at[PCI_NUM_BARS];
	char err[256] = "";

	CHECK_EQ(place_bars(&w, bars, at, err), 0);
	CHECK_EQ(at[0].bus, 0x80000000ULL);
	CHECK_EQ(at[0].gpa, r.mmio32_cpu);
	CHECK_EQ(at[5].bus, 0x80020000ULL);
	CHECK_EQ(at[5].gpa, r.mmio32_cpu + 0x20000);
	CHECK_EQ(at[3].bus, r.mmio64_cpu);		/* the larger 64-bit BAR first */
	CHECK_EQ(at[1].bus, r.mmio64_cpu + 0x100000);
	for (int i = 1; i <= 3; i += 2) {
		CHECK_EQ(at[i].gpa, at[i].bus);		/* 1:1 */
		CHECK(at[i].bus >> 32);			/* the high dword says it */
		CHECK_EQ(at[i].bus % bars[i].size, 0);
	}
	CHECK_EQ(w.mem32.next, 0x80021000ULL);
	CHECK_EQ(w.mem64.next, r.mmio64_cpu + 0x104000);
}

/* A later function's BAR starts at the next boundary of its own size. */
TEST(bars_place_naturally_aligned_across_functions)
{
	struct phb_res r = phb_res_of(1);
	struct bar_windows w = bar_windows_of(&r);
	/* an igb VF: BAR0 and BAR3 64-bit prefetchable, 16 KiB each */
	const struct pci_bar vf[PCI_NUM_BARS] = { MEM64_PREF(0x4000), {0}, {0}, MEM64_PREF(0x4000) };
	const struct pci_bar big[PCI_NUM_BARS] = { MEM64_PREF(0x200000), {0}, MEM32(0x10000) };
	struct bar_addr at[PCI_NUM_BARS];
	char err[256] = "";

	CHECK_EQ(place_bars(&w, vf, at, err), 0);
	CHECK_EQ(at[0].bus, r.mmio64_cpu);
	CHECK_EQ(at[3].bus, r.mmio64_cpu + 0x4000);
	CHECK_EQ(place_bars(&w, big, at, err), 0);
	CHECK_EQ(at[0].bus, r.mmio64_cpu + 0x200000);	/* 2 MiB aligned, past the VF's */
	CHECK_EQ(at[2].bus, 0x80000000ULL);
}

/* A BAR larger than 4 GiB: in the 64-bit window at its own alignment; the
 * 32-bit window is untouched. */
TEST(bars_place_larger_than_4_gib)
{
	struct phb_res r = phb_res_of(2);
	struct bar_windows w = bar_windows_of(&r);
	const struct pci_bar small[PCI_NUM_BARS] = { MEM64(0x4000) };
	const struct pci_bar huge[PCI_NUM_BARS] = { MEM64_PREF(8 * GiB) };
	struct bar_addr at[PCI_NUM_BARS];
	char err[256] = "";

	CHECK_EQ(place_bars(&w, small, at, err), 0);
	CHECK_EQ(place_bars(&w, huge, at, err), 0);
	CHECK_EQ(at[0].bus, r.mmio64_cpu + 8 * GiB);
	CHECK_EQ(at[0].bus % (8 * GiB), 0);
	CHECK_EQ(w.mem32.next, 0x80000000ULL);
	CHECK_EQ(w.mem64.next, r.mmio64_cpu + 16 * GiB);
}

/* The 64-bit window holds BARs up to its whole size; once full, a 64-bit
 * BAR takes the 32-bit window (its register holds a 32-bit address too);
 * one neither holds is one line naming the function, the BAR and its
 * size, and leaves the windows as they were. */
TEST(bars_place_64_bit_window_exhausted)
{
	struct phb_res r = phb_res_of(0);
	struct bar_windows w = bar_windows_of(&r), before;
	const struct pci_bar whole[PCI_NUM_BARS] = { MEM64_PREF(PHB_MMIO64_SIZE) };
	const struct pci_bar more[PCI_NUM_BARS] = { {0}, {0}, MEM64(0x100000) };
	const struct pci_bar too_big[PCI_NUM_BARS] = { MEM32(0x1000), {0}, {0}, {0}, MEM64_PREF(4 * GiB) };
	struct bar_addr at[PCI_NUM_BARS];
	char err[256] = "";

	CHECK_EQ(place_bars(&w, whole, at, err), 0);
	CHECK_EQ(at[0].bus, r.mmio64_cpu);
	CHECK_EQ(w.mem64.next, w.mem64.end);
	CHECK_EQ(place_bars(&w, more, at, err), 0);
	CHECK_EQ(at[2].bus, 0x80000000ULL);
	CHECK_EQ(at[2].gpa, r.mmio32_cpu);
	before = w;
	CHECK_EQ(place_bars(&w, too_big, at, err), -ENOSPC);
	CHECK_STR_EQ(err, "0000:01:00.0: BAR 4 (64-bit, 4 GiB) fits neither the PHB's 64-bit MMIO "
		     "window nor its 32-bit one");
	CHECK(!memcmp(&w, &before, sizeof(w)));
	/* larger than the 64-bit window itself */
	w = bar_windows_of(&r);
	const struct pci_bar vast[PCI_NUM_BARS] = { {0}, MEM64_PREF(2 * PHB_MMIO64_SIZE) };
	CHECK_EQ(place_bars(&w, vast, at, err), -ENOSPC);
	CHECK_STR_EQ(err, "0000:01:00.0: BAR 1 (64-bit, 128 GiB) fits neither the PHB's 64-bit MMIO "
		     "window nor its 32-bit one");
}

/* The 32-bit window: 2 GiB of 32-bit BARs fit, 16 KiB more does
 * not, and a 64-bit BAR still has its own window. */
TEST(bars_place_32_bit_window_exhausted)
{
	struct phb_res r = phb_res_of(0);
	struct bar_windows w = bar_windows_of(&r), before;
	const struct pci_bar whole[PCI_NUM_BARS] = { MEM32(PHB_MMIO32_SIZE) };
	const struct pci_bar more[PCI_NUM_BARS] = { {0}, {0}, MEM32(0x4000) };
	const struct pci_bar wide[PCI_NUM_BARS] = { MEM64_PREF(0x4000) };
	const struct pci_bar odd[PCI_NUM_BARS] = { MEM32(0x3000) };
	struct bar_addr at[PCI_NUM_BARS];
	char err[256] = "";

	CHECK_EQ(place_bars(&w, whole, at, err), 0);
	CHECK_EQ(at[0].bus, 0x80000000ULL);
	before = w;
	CHECK_EQ(place_bars(&w, more, at, err), -ENOSPC);
	CHECK_STR_EQ(err, "0000:01:00.0: BAR 2 (32-bit, 16 KiB) does not fit the PHB's 32-bit MMIO window");
	CHECK(!memcmp(&w, &before, sizeof(w)));
	CHECK_EQ(place_bars(&w, wide, at, err), 0);
	CHECK_EQ(at[0].bus, r.mmio64_cpu);
	CHECK_EQ(place_bars(&w, odd, at, err), -EINVAL);
	CHECK_STR_EQ(err, "0000:01:00.0: BAR 0: size 12 KiB is not a power of two");
}
