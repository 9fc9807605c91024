/* pci_config.c: BAR sizing, virtualised registers, MSI/MSI-X, bad accesses. */
#include "test.h"
#include "fake_pci.h"

#include <errno.h>

/* An 82574-like header with MSI at 0xd0 and MSI-X at 0xa0. */
static void make_dev(struct pci_config *pc)
{
	uint64_t sizes[6] = { 0x20000, 0x20000, 0x20, 0x4000, 0, 0 };

	fake_pci_reset();
	fake_pci_put32(0x00, 0x10d38086);
	fake_pci_put16(0x06, 0x0010);		/* capability list */
	fake_pci_put32(0x10, 0xfebc0000);	/* BAR0 32-bit memory */
	fake_pci_put32(0x14, 0xfeb80000);	/* BAR1 */
	fake_pci_put32(0x18, 0x0000c001);	/* BAR2 I/O */
	fake_pci_put32(0x1c, 0xfebe0004);	/* BAR3 64-bit memory */
	fake_pci_put32(0x20, 0);
	fake_pci_cfg[0x3d] = 1;			/* INTA */
	fake_pci_cfg[0x34] = 0xc8;
	fake_pci_cfg[0xc8] = 0x01; fake_pci_cfg[0xc9] = 0xd0;	/* PM -> MSI */
	fake_pci_cfg[0xd0] = 0x05; fake_pci_cfg[0xd1] = 0xe0;	/* MSI -> PCIe */
	fake_pci_put16(0xd2, 0x0080);			/* 64-bit */
	fake_pci_cfg[0xe0] = 0x10; fake_pci_cfg[0xe1] = 0xa0;	/* PCIe -> MSI-X */
	fake_pci_cfg[0xa0] = 0x11; fake_pci_cfg[0xa1] = 0x00;
	fake_pci_put16(0xa2, 0x0004);			/* 5 vectors */
	CHECK_EQ(pci_config_init(pc, &fake_pci_ops, NULL, sizes, 4096), 0);
}

static uint32_t rd(struct pci_config *pc, uint32_t off, uint32_t len)
{
	uint32_t v = 0xdeadbeef;

	CHECK_EQ(pci_config_read(pc, off, len, &v), 0);
	return v;
}

TEST(pci_config_ids_and_caps)
{
	struct pci_config pc;

	make_dev(&pc);
	CHECK_EQ(pc.vendor, 0x8086);
	CHECK_EQ(pc.device, 0x10d3);
	CHECK_EQ(pc.msi_cap, 0xd0);
	CHECK_EQ(pc.msix_cap, 0xa0);
	CHECK_EQ(pci_config_msix_size(&pc), 5);
	CHECK_EQ(rd(&pc, 0x00, 4), 0x10d38086);
	CHECK_EQ(rd(&pc, 0x3d, 1), 0);		/* no INTx offered */
	CHECK_EQ(rd(&pc, 0x30, 4), 0);		/* no ROM */
	CHECK_EQ(pc.bars[2].size, 0);		/* I/O BAR hidden */
	CHECK(pc.bars[3].is64);
}

TEST(pci_config_bar_sizing)
{
	struct pci_config pc;

	make_dev(&pc);
	pci_config_set_bar(&pc, 0, 0x80000000);
	pci_config_set_bar(&pc, 3, 0x80040000);
	CHECK_EQ(rd(&pc, 0x10, 4), 0x80000000);
	CHECK_EQ(rd(&pc, 0x1c, 4), 0x80040004);
	CHECK_EQ(rd(&pc, 0x20, 4), 0);
	CHECK_EQ(pci_config_write(&pc, 0x10, 4, 0xffffffff), 0);
	CHECK_EQ(rd(&pc, 0x10, 4), 0xfffe0000);	/* 128 KiB */
	CHECK_EQ(pci_config_write(&pc, 0x10, 4, 0x12340000), 0);
	CHECK_EQ(rd(&pc, 0x10, 4), 0x80000000);	/* stays where pvmm put it */
	CHECK_EQ(pci_config_write(&pc, 0x1c, 4, 0xffffffff), 0);
	CHECK_EQ(rd(&pc, 0x1c, 4), 0xffffc004);	/* 16 KiB, 64-bit flags kept */
	CHECK_EQ(pci_config_write(&pc, 0x20, 4, 0xffffffff), 0);
	CHECK_EQ(rd(&pc, 0x20, 4), 0xffffffff);	/* upper half of the 64-bit size */
	CHECK_EQ(pci_config_write(&pc, 0x18, 4, 0xffffffff), 0);
	CHECK_EQ(rd(&pc, 0x18, 4), 0);		/* hidden I/O BAR */
	CHECK_EQ(fake_pci_writes, 0);			/* none of it reached the device */
}

/* A virtio-net-like function: BAR1 32-bit 4 KiB, BAR2 64-bit prefetchable
 * 16 KiB, BAR4 64-bit prefetchable 8 GiB (the host's addresses in them). */
static void make_dev64(struct pci_config *pc)
{
	uint64_t sizes[6] = { 0, 0x1000, 0x4000, 0, 8 * 1024ULL * 1024 * 1024, 0 };

	fake_pci_reset();
	fake_pci_put32(0x00, 0x10411af4);
	fake_pci_put32(0x14, 0xfea00000);	/* BAR1 32-bit */
	fake_pci_put32(0x18, 0x0000000c);	/* BAR2 64-bit prefetchable */
	fake_pci_put32(0x1c, 0x00000080);
	fake_pci_put32(0x20, 0x0000000c);	/* BAR4 64-bit prefetchable */
	fake_pci_put32(0x24, 0x00000100);
	CHECK_EQ(pci_config_init(pc, &fake_pci_ops, NULL, sizes, 4096), 0);
}

#define BUS64 0x11000100000ULL		/* in PHB 0's 64-bit window */

/* pvmm's placement above 4 GiB reads back in both halves, with the BAR's
 * own flags; each half sizes alone, in either order, and what the guest
 * writes back after sizing (its own placement) reads back as it was. */
TEST(pci_config_64bit_bar_above_4gib)
{
	struct pci_config pc;

	make_dev64(&pc);
	CHECK(pc.bars[2].is64);
	CHECK_EQ(pc.bars[2].flags, PCI_BAR_MEM_TYPE_64 | PCI_BAR_MEM_PREFETCH);
	CHECK_EQ(pc.bars[3].size, 0);			/* BAR2's upper half */
	pci_config_set_bar(&pc, 1, 0x80000000);
	pci_config_set_bar(&pc, 2, BUS64);
	CHECK_EQ(rd(&pc, 0x14, 4), 0x80000000);
	CHECK_EQ(rd(&pc, 0x18, 4), 0x0010000c);
	CHECK_EQ(rd(&pc, 0x1c, 4), 0x110);		/* the high dword: above 4 GiB */
	/* Linux's order: low half, then high half, then both restored */
	CHECK_EQ(pci_config_write(&pc, 0x18, 4, 0xffffffff), 0);
	CHECK_EQ(rd(&pc, 0x18, 4), 0xffffc00c);		/* 16 KiB, flags kept */
	CHECK_EQ(rd(&pc, 0x1c, 4), 0x110);		/* the other half unchanged */
	CHECK_EQ(pci_config_write(&pc, 0x1c, 4, 0xffffffff), 0);
	CHECK_EQ(rd(&pc, 0x1c, 4), 0xffffffff);
	CHECK_EQ(pci_config_write(&pc, 0x18, 4, 0x0010000c), 0);
	CHECK_EQ(pci_config_write(&pc, 0x1c, 4, 0x110), 0);
	CHECK_EQ(rd(&pc, 0x18, 4), 0x0010000c);
	CHECK_EQ(rd(&pc, 0x1c, 4), 0x110);
	/* high half first */
	CHECK_EQ(pci_config_write(&pc, 0x1c, 4, 0xffffffff), 0);
	CHECK_EQ(rd(&pc, 0x18, 4), 0x0010000c);
	CHECK_EQ(rd(&pc, 0x1c, 4), 0xffffffff);
	CHECK_EQ(pci_config_write(&pc, 0x1c, 4, 0x110), 0);
	CHECK_EQ(rd(&pc, 0x1c, 4), 0x110);
	CHECK_EQ(pc.bars[2].addr, BUS64);
	CHECK_EQ(fake_pci_writes, 0);
}

/* A guest moving a 64-bit BAR (below 4 GiB, or elsewhere above) is not
 * followed: its memslots stay, so both halves read pvmm's placement; a
 * partial write of a half means nothing. */
TEST(pci_config_64bit_bar_stays_where_placed)
{
	struct pci_config pc;

	make_dev64(&pc);
	pci_config_set_bar(&pc, 2, BUS64);
	CHECK_EQ(pci_config_write(&pc, 0x1c, 4, 0), 0);
	CHECK_EQ(pci_config_write(&pc, 0x18, 4, 0x9000000c), 0);
	CHECK_EQ(rd(&pc, 0x18, 4), 0x0010000c);
	CHECK_EQ(rd(&pc, 0x1c, 4), 0x110);
	CHECK_EQ(pci_config_write(&pc, 0x1c, 4, 0x200), 0);
	CHECK_EQ(rd(&pc, 0x1c, 4), 0x110);
	CHECK_EQ(pci_config_write(&pc, 0x1c, 2, 0xffff), 0);
	CHECK_EQ(pci_config_write(&pc, 0x1e, 2, 0xffff), 0);
	CHECK_EQ(rd(&pc, 0x1c, 4), 0x110);
	CHECK_EQ(rd(&pc, 0x1e, 2), 0);
	CHECK_EQ(fake_pci_writes, 0);
}

/* A BAR over 4 GiB: the low half's size bits are all in the high half. */
TEST(pci_config_64bit_bar_larger_than_4gib)
{
	uint64_t sizes5[6] = { 0, 0, 0, 0, 0, 0x1000 };
	struct pci_config pc;

	make_dev64(&pc);
	CHECK(pc.bars[4].is64);
	pci_config_set_bar(&pc, 4, 0x11200000000ULL);
	CHECK_EQ(rd(&pc, 0x20, 4), 0x0000000c);
	CHECK_EQ(rd(&pc, 0x24, 4), 0x112);
	CHECK_EQ(pci_config_write(&pc, 0x20, 4, 0xffffffff), 0);
	CHECK_EQ(rd(&pc, 0x20, 4), 0x0000000c);		/* only the flags */
	CHECK_EQ(pci_config_write(&pc, 0x24, 4, 0xffffffff), 0);
	CHECK_EQ(rd(&pc, 0x24, 4), 0xfffffffe);		/* 8 GiB */
	CHECK_EQ(pci_config_write(&pc, 0x20, 4, 0x0000000c), 0);
	CHECK_EQ(pci_config_write(&pc, 0x24, 4, 0x112), 0);
	CHECK_EQ(rd(&pc, 0x24, 4), 0x112);
	CHECK_EQ(pc.bars[5].size, 0);			/* BAR4's upper half */
	/* BAR 5 saying 64-bit has no register for an upper half: placed as a
	 * 32-bit BAR, below 4 GiB */
	fake_pci_reset();
	fake_pci_put32(0x00, 0x10411af4);
	fake_pci_put32(0x24, 0x00000004);
	CHECK_EQ(pci_config_init(&pc, &fake_pci_ops, NULL, sizes5, 4096), 0);
	CHECK_EQ(pc.bars[5].size, 0x1000);
	CHECK(!pc.bars[5].is64);
	pci_config_set_bar(&pc, 5, 0x80002000);
	CHECK_EQ(rd(&pc, 0x24, 4), 0x80002000);	/* type 32-bit, as placed */
	CHECK_EQ(rd(&pc, 0x28, 4), 0);
}

TEST(pci_config_msi_and_msix)
{
	struct pci_config pc;

	make_dev(&pc);
	CHECK_EQ(rd(&pc, 0xd2, 2) & 1, 0);
	pci_config_set_msi(&pc, 0xfee00000, 0x1010, 1);
	CHECK_EQ(rd(&pc, 0xd2, 2) & 1, 1);
	CHECK_EQ(rd(&pc, 0xd4, 4), 0xfee00000);
	CHECK_EQ(rd(&pc, 0xdc, 2), 0x1010);
	CHECK_EQ(pci_config_write(&pc, 0xd2, 2, 0x0080), 0);	/* guest disables */
	CHECK_EQ(rd(&pc, 0xd2, 2) & 1, 0);
	CHECK_EQ(pci_config_write(&pc, 0xd0, 1, 0x99), 0);	/* cap id is read-only */
	CHECK_EQ(rd(&pc, 0xd0, 1), 0x05);
	CHECK_EQ(fake_pci_writes, 0);
	pci_config_set_msix(&pc, true);
	CHECK_EQ(rd(&pc, 0xa2, 2), 0x8004);
	CHECK_EQ(pci_config_write(&pc, 0xa2, 2, 0xc004), 0);	/* function mask */
	CHECK_EQ(rd(&pc, 0xa2, 2), 0xc004);
	CHECK_EQ(fake_pci_writes, 0);
}

TEST(pci_config_passthrough_and_bad_accesses)
{
	struct pci_config pc;
	uint32_t v;

	make_dev(&pc);
	CHECK_EQ(pci_config_write(&pc, 0x04, 2, 0x0106), 0);	/* command reaches the device */
	CHECK_EQ(fake_pci_writes, 1);
	CHECK_EQ(fake_pci_cfg[0x04], 0x06);
	CHECK_EQ(pci_config_read(&pc, 0x01, 4, &v), -EINVAL);	/* unaligned */
	CHECK_EQ(pci_config_read(&pc, 0x00, 3, &v), -EINVAL);	/* size 3 */
	CHECK_EQ(pci_config_read(&pc, 0x00, 8, &v), -EINVAL);
	CHECK_EQ(pci_config_read(&pc, 4096, 4, &v), -EINVAL);	/* outside */
	CHECK_EQ(pci_config_read(&pc, 4094, 4, &v), -EINVAL);
	CHECK_EQ(pci_config_write(&pc, 0xfff, 2, 0), -EINVAL);
	CHECK_EQ(pci_config_write(&pc, 4096, 1, 0), -EINVAL);
	CHECK_EQ(pci_config_read(&pc, 4092, 4, &v), 0);		/* last dword is fine */
	CHECK_EQ(pci_config_write(&pc, 0x12, 2, 0xffff), 0);	/* partial BAR write ignored */
	CHECK_EQ(fake_pci_writes, 1);
}

TEST(pci_config_intx_pin_only_when_offered)
{
	struct pci_config pc;

	make_dev(&pc);
	CHECK_EQ(pci_config_device_pin(&pc), 1);
	CHECK_EQ(rd(&pc, 0x3d, 1), 0);		/* hidden until offered */
	pci_config_offer_intx(&pc, true);
	CHECK_EQ(rd(&pc, 0x3d, 1), 1);
	CHECK_EQ(pci_config_write(&pc, 0x3d, 1, 3), 0);
	CHECK_EQ(rd(&pc, 0x3d, 1), 1);		/* read-only */
	pci_config_offer_intx(&pc, false);
	CHECK_EQ(rd(&pc, 0x3d, 1), 0);
	/* a pin register out of range is no pin */
	fake_pci_cfg[0x3d] = 9;
	CHECK_EQ(pci_config_init(&pc, &fake_pci_ops, NULL, (uint64_t[6]){ 0x20000 }, 4096), 0);
	CHECK_EQ(pci_config_device_pin(&pc), 0);
}

/* Two MSI capabilities: pvmm virtualises the first, the one Linux's
 * pci_find_capability gives the guest, so its writes never reach the device. */
TEST(pci_config_first_msi_capability)
{
	struct pci_config pc;
	uint64_t sizes[6] = { 0 };

	fake_pci_reset();
	fake_pci_put32(0x00, 0x10d38086);
	fake_pci_put16(0x06, 0x0010);
	fake_pci_cfg[0x34] = 0x40;
	fake_pci_cfg[0x40] = 0x05; fake_pci_cfg[0x41] = 0x50;	/* MSI -> MSI */
	fake_pci_cfg[0x50] = 0x05; fake_pci_cfg[0x51] = 0x00;
	CHECK_EQ(pci_config_init(&pc, &fake_pci_ops, NULL, sizes, 256), 0);
	CHECK_EQ(pc.msi_cap, 0x40);
	CHECK_EQ(pci_config_write(&pc, 0x42, 2, 1), 0);
	CHECK_EQ(fake_pci_writes, 0);
}

TEST(pci_config_msi_controls_read_only_bits)
{
	struct pci_config pc;

	make_dev(&pc);
	/* MSI: only enable sticks; 64-bit stays, MME cannot pass MMC (0) */
	CHECK_EQ(pci_config_write(&pc, 0xd2, 2, 0xffff), 0);
	CHECK_EQ(rd(&pc, 0xd2, 2), 0x0081);
	CHECK_EQ(pci_config_write(&pc, 0xd2, 2, 0x0000), 0);
	CHECK_EQ(rd(&pc, 0xd2, 2), 0x0080);
	/* MSI-X: enable and function mask stick; the table size is the device's */
	CHECK_EQ(pci_config_write(&pc, 0xa2, 2, 0xffff), 0);
	CHECK_EQ(rd(&pc, 0xa2, 2), 0xc004);
	CHECK_EQ(pci_config_msix_size(&pc), 5);
	CHECK_EQ(pci_config_write(&pc, 0xa2, 2, 0x0000), 0);
	CHECK_EQ(rd(&pc, 0xa2, 2), 0x0004);
	CHECK_EQ(fake_pci_writes, 0);
}

TEST(pci_config_bars_decode)
{
	CHECK(pci_bars_decode(0x0002, 0));
	CHECK(pci_bars_decode(0x0406, 0x0008));		/* other bits do not matter */
	CHECK(!pci_bars_decode(0x0005, 0));			/* memory space off */
	CHECK(!pci_bars_decode(0x0002, 3));			/* D3hot */
	CHECK(!pci_bars_decode(0x0002, 1));			/* D1 */
	CHECK(!pci_bars_decode(0x0002, 2));			/* D2 */
}

TEST(pci_config_decode_writes)
{
	struct pci_config pc;
	uint16_t cmd, pmcsr;

	make_dev(&pc);				/* PM capability at 0xc8: PMCSR at 0xcc */
	CHECK_EQ(pc.pm_cap, 0xc8);
	CHECK(pci_config_touches_decode(&pc, 0x04, 2));
	CHECK(pci_config_touches_decode(&pc, 0x04, 1));
	CHECK(!pci_config_touches_decode(&pc, 0x05, 1));	/* COMMAND's high byte */
	CHECK(!pci_config_touches_decode(&pc, 0x06, 2));	/* STATUS */
	CHECK(pci_config_touches_decode(&pc, 0xcc, 4));
	CHECK(!pci_config_touches_decode(&pc, 0xcd, 1));
	CHECK(!pci_config_touches_decode(&pc, 0x10, 4));

	fake_pci_put16(0x04, 0x0006);
	fake_pci_put16(0xcc, 0x0008);
	CHECK_EQ(pci_config_decode_state(&pc, &cmd, &pmcsr), 0);
	CHECK_EQ(cmd, 0x0006);
	CHECK_EQ(pmcsr, 0x0008);
	CHECK(pci_config_decode_after(&pc, cmd, pmcsr, 0x10, 4, 0));	/* unrelated */
	CHECK(!pci_config_decode_after(&pc, cmd, pmcsr, 0x04, 2, 0x0004));
	CHECK(!pci_config_decode_after(&pc, cmd, pmcsr, 0x04, 4, 0x00100004));
	CHECK(pci_config_decode_after(&pc, cmd, pmcsr, 0x04, 1, 0x02));
	CHECK(!pci_config_decode_after(&pc, cmd, pmcsr, 0xcc, 2, 0x0003));
	CHECK(pci_config_decode_after(&pc, cmd, pmcsr, 0xcc, 2, 0x0100));	/* PME enable: D0 */
	CHECK(!pci_config_decode_after(&pc, 0x0004, 0, 0xcc, 2, 0));	/* already off */
	CHECK(pci_config_decode_after(&pc, 0x0004, 3, 0x04, 2, 0x0006) == false);
	CHECK_EQ(fake_pci_writes, 0);
}

TEST(pci_config_decode_without_pm)
{
	struct pci_config pc;
	uint16_t cmd, pmcsr = 0xffff;

	make_dev(&pc);
	fake_pci_cfg[0xc8] = 0x10;		/* the PM entry becomes PCIe: no PM left */
	CHECK_EQ(pci_config_init(&pc, &fake_pci_ops, NULL, (uint64_t[6]){ 0x20000 }, 4096), 0);
	CHECK_EQ(pc.pm_cap, 0);
	CHECK(!pci_config_touches_decode(&pc, 0xcc, 4));
	fake_pci_put16(0x04, 0x0002);
	CHECK_EQ(pci_config_decode_state(&pc, &cmd, &pmcsr), 0);
	CHECK_EQ(pmcsr, 0);
	CHECK(pci_config_decode_after(&pc, cmd, pmcsr, 0xcc, 2, 3));	/* no PMCSR there */
}
