/* pci_place.c: functions onto guest PHBs, PHB resources by index, config
 * addresses, window sizing, MSI clamp, BAR placement. */
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
