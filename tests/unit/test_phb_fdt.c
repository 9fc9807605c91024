/* spapr_phb_fdt.c: the PHB node Linux reads (ranges, DMA window, DDW, the function). */
#include "test.h"
#include "support.h"
#include "fake_pci.h"
#include "config.h"
#include "console.h"
#include "fdt_builder.h"
#include "layout.h"
#include "pci_place.h"
#include "spapr_hcall.h"
#include "spapr_mem.h"
#include "spapr_phb_fdt.h"
#include "spapr_rtas.h"
#include "vm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

/* An 82574-like NIC: BAR0 and BAR3 (64-bit) memory, MSI-X. */
static void make_function(struct pci_config *pc)
{
	uint64_t sizes[6] = { 0x20000, 0, 0, 0x4000, 0, 0 };

	fake_pci_reset();
	fake_pci_put32(0x00, 0x10d38086);
	fake_pci_put32(0x08, 0x02000000);		/* class: ethernet, revision 0 */
	fake_pci_put32(0x2c, 0x00001af4);		/* subsystem */
	fake_pci_cfg[0x06] = 0x10;			/* capability list */
	fake_pci_put32(0x10, 0xfebc0000);
	fake_pci_put32(0x1c, 0xfebe0004);
	fake_pci_cfg[0x34] = 0xa0;
	fake_pci_cfg[0xa0] = 0x11; fake_pci_cfg[0xa1] = 0x00;	/* MSI-X, 5 vectors */
	fake_pci_cfg[0xa2] = 0x04;
	CHECK_EQ(pci_config_init(pc, &fake_pci_ops, NULL, sizes, 4096), 0);
	pci_config_set_bar(pc, 0, 0x80000000);
	pci_config_set_bar(pc, 3, 0x80020000);
}

static const uint32_t *cells(const void *fdt, int node, const char *name, int n)
{
	int len = -1;
	const uint32_t *v = fdt_getprop(fdt, node, name, &len);

	CHECK_EQ(len, n * 4);
	return len == n * 4 ? v : NULL;
}

#define ANY (-1LL)

/* Property NAME holds exactly N cells, equal to WANT where WANT is not ANY. */
static void expect_cells(const void *fdt, int node, const char *name, int n, const long long *want)
{
	const uint32_t *v = cells(fdt, node, name, n);

	for (int i = 0; v && i < n; i++)
		if (want[i] != ANY && fdt32_to_cpu(v[i]) != want[i]) {
			printf("  %s cell %d: 0x%x, want 0x%llx\n", name, i, fdt32_to_cpu(v[i]), want[i]);
			CHECK(0);
		}
}

#define CELLS(...) ((const long long[]){ __VA_ARGS__ })

static void build_intx(void *buf, struct pci_config *pc, bool ddw, uint8_t pin)
{
	const struct phb_fdt_fn fn = { .cfg = pc, .devfn = 0, .intx_pin = pin, .intx_irq = 4111 };
	const struct phb_fdt p = {
		.buid = 0x800000020000000ULL,
		.mmio32_bus = 0x80000000, .mmio32_cpu = 0x10080000000ULL, .mmio32_size = 0x80000000,
		.mmio64_cpu = 0x11000000000ULL, .mmio64_size = 0x1000000000ULL,
		.msi_sources = 8176, .dma_liobn = 0x80000000, .dma_start = 0, .dma_size = 0x20000000,
		.ddw = ddw, .ddw_query = 0x2014, .ddw_create = 0x2015, .ddw_remove = 0x2016,
		.ddw_reset = 0x2017, .fns = &fn, .nr_fns = 1, .xics_phandle = 0x1111,
	};

	CHECK_EQ(fdt_create_empty_tree(buf, 16384), 0);
	CHECK_EQ(phb_fdt_emit(buf, 0, &p), 0);
}

static void build(void *buf, struct pci_config *pc, bool ddw)
{
	build_intx(buf, pc, ddw, 0);
}

TEST(phb_fdt_node)
{
	static uint8_t buf[16384];
	struct pci_config pc;
	const uint32_t *v;
	int phb, fn;

	make_function(&pc);
	build(buf, &pc, true);
	phb = fdt_path_offset(buf, "/pci@800000020000000");
	CHECK(phb >= 0);
	CHECK(!strcmp(fdt_getprop(buf, phb, "device_type", NULL), "pci"));
	expect_cells(buf, phb, "reg", 4, CELLS(0x08000000, 0x20000000, ANY, ANY));
	/* ranges: 32-bit space at bus 2 GiB -> CPU 1 TiB + 2 GiB, and 64-bit 1:1 */
	expect_cells(buf, phb, "ranges", 14, CELLS(0x02000000, ANY, 0x80000000, 0x100, 0x80000000,
						   ANY, 0x80000000, 0x03000000, ANY, ANY, ANY, ANY, 0x10, ANY));
	if ((v = cells(buf, phb, "ranges", 14)))
		CHECK_EQ(fdt32_to_cpu(v[8]), fdt32_to_cpu(v[10]));
	expect_cells(buf, phb, "ibm,dma-window", 5, CELLS(0x80000000, ANY, 0, ANY, 0x20000000));
	expect_cells(buf, phb, "ibm,ddw-applicable", 3, CELLS(0x2014, 0x2015, 0x2016));
	expect_cells(buf, phb, "ibm,ddw-extensions", 2, CELLS(1, 0x2017));
	fn = fdt_subnode_offset(buf, phb, "ethernet@0");
	CHECK(fn >= 0);
	expect_cells(buf, fn, "vendor-id", 1, CELLS(0x8086));
	expect_cells(buf, fn, "device-id", 1, CELLS(0x10d3));
	expect_cells(buf, fn, "class-code", 1, CELLS(0x020000));
	expect_cells(buf, fn, "ibm,req#msi-x", 1, CELLS(5));	/* its table's */
	expect_cells(buf, phb, "ibm,pe-total-#msi", 1, CELLS(5));
	CHECK(!fdt_getprop(buf, fn, "ibm,req#msi", NULL));
	/* two BARs: BAR0 32-bit at 2 GiB, BAR3 64-bit after it */
	expect_cells(buf, fn, "assigned-addresses", 10, CELLS(0x82000010, ANY, 0x80000000, ANY, 0x20000,
							       0x8300001c, ANY, 0x80020000, ANY, 0x4000));
}

/* The PE's total is what its functions have, never more than the pool. */
TEST(phb_fdt_pe_total_msi_within_the_pool)
{
	static uint8_t buf[16384];
	struct pci_config pc;
	const struct phb_fdt_fn fn = { .cfg = &pc, .devfn = 0 };
	struct phb_fdt p = {
		.buid = 0x800000020000000ULL, .mmio32_bus = 0x80000000, .mmio32_cpu = 0x10080000000ULL,
		.mmio32_size = 0x80000000, .mmio64_cpu = 0x11000000000ULL, .mmio64_size = 0x1000000000ULL,
		.msi_sources = 3, .dma_liobn = 0x80000000, .dma_size = 0x20000000, .fns = &fn,
		.nr_fns = 1, .xics_phandle = 0x1111,
	};
	int phb;

	make_function(&pc);			/* 5 MSI-X vectors */
	CHECK_EQ(fdt_create_empty_tree(buf, sizeof(buf)), 0);
	CHECK_EQ(phb_fdt_emit(buf, 0, &p), 0);
	phb = fdt_path_offset(buf, "/pci@800000020000000");
	expect_cells(buf, phb, "ibm,pe-total-#msi", 1, CELLS(3));
	expect_cells(buf, fdt_subnode_offset(buf, phb, "ethernet@0"), "ibm,req#msi-x", 1, CELLS(5));
}

TEST(phb_fdt_without_ddw)
{
	static uint8_t buf[16384];
	struct pci_config pc;
	int phb;

	make_function(&pc);
	build(buf, &pc, false);
	phb = fdt_path_offset(buf, "/pci@800000020000000");
	CHECK(phb >= 0);
	CHECK(fdt_getprop(buf, phb, "ibm,dma-window", NULL) != NULL);
	CHECK(!fdt_getprop(buf, phb, "ibm,ddw-applicable", NULL));
	CHECK(!fdt_getprop(buf, phb, "ibm,ddw-extensions", NULL));
}

TEST(phb_fdt_intx_map)
{
	static uint8_t buf[16384];
	struct pci_config pc;
	int phb, fn;

	make_function(&pc);
	build(buf, &pc, true);
	phb = fdt_path_offset(buf, "/pci@800000020000000");
	CHECK(!fdt_getprop(buf, phb, "interrupt-map", NULL));	/* no INTx offered */
	build_intx(buf, &pc, true, 1);
	phb = fdt_path_offset(buf, "/pci@800000020000000");
	fn = fdt_subnode_offset(buf, phb, "ethernet@0");
	expect_cells(buf, fn, "interrupts", 1, CELLS(1));
	expect_cells(buf, phb, "interrupt-map-mask", 4, CELLS(0xf800, ANY, ANY, 0xffffffff));
	/* (devfn 0, INTA) -> XICS phandle, source 4111, level */
	expect_cells(buf, phb, "interrupt-map", 7, CELLS(0, ANY, ANY, 1, 0x1111, 4111, 1));
}

static struct phb_fdt phb_at_index(unsigned int index, const struct phb_fdt_fn *fns, unsigned int n)
{
	struct phb_res r = phb_res_of(index);
	struct phb_fdt p = {
		.index = index, .buid = r.buid, .mmio32_bus = r.mmio32_bus, .mmio32_cpu = r.mmio32_cpu,
		.mmio32_size = r.mmio32_size, .mmio64_cpu = r.mmio64_cpu, .mmio64_size = r.mmio64_size,
		.msi_sources = 8176, .dma_liobn = r.liobn, .dma_start = 0, .dma_size = 0x20000000,
		.ddw = true, .ddw_query = 0x2014, .ddw_create = 0x2015, .ddw_remove = 0x2016,
		.ddw_reset = 0x2017, .fns = fns, .nr_fns = n, .xics_phandle = 0x1111,
	};

	return p;
}

TEST(phb_fdt_golden_two_phbs)
{
	static uint8_t buf[16384];
	struct pci_config pc;
	struct phb_fdt_fn a = { .cfg = &pc, .devfn = 0, .intx_pin = 1, .intx_irq = 4121 };
	struct phb_fdt_fn b = { .cfg = &pc, .devfn = 0, .intx_pin = 1, .intx_irq = 4130 };
	struct phb_fdt p0, p1;

	make_function(&pc);
	p0 = phb_at_index(0, &a, 1);
	p1 = phb_at_index(1, &b, 1);
	CHECK_EQ(fdt_create_empty_tree(buf, sizeof(buf)), 0);
	CHECK_EQ(phb_fdt_emit(buf, 0, &p0), 0);
	CHECK_EQ(phb_fdt_emit(buf, 0, &p1), 0);
	CHECK(fdt_path_offset(buf, "/pci@800000020000000/ethernet@0") >= 0);
	CHECK(fdt_path_offset(buf, "/pci@800000020000001/ethernet@0") >= 0);
	expect_cells(buf, fdt_path_offset(buf, "/pci@800000020000001"), "ibm,dma-window", 5,
		     CELLS(0x80000100, 0, 0, 0, 0x20000000));
	check_golden_dtb(buf, "two-phbs");
}

/* A two-function device in one slot: both children, each with its own
 * reg/assigned-addresses devfn and INTx entry (mask with function bits). */
TEST(phb_fdt_golden_two_functions)
{
	static uint8_t buf[16384];
	struct pci_config pc;
	const struct phb_fdt_fn fns[2] = {
		{ .cfg = &pc, .devfn = 0x10, .intx_pin = 1, .intx_irq = 4121 },
		{ .cfg = &pc, .devfn = 0x11, .intx_pin = 2, .intx_irq = 4130 },
	};
	struct phb_fdt p;
	int phb, fn1;

	make_function(&pc);
	p = phb_at_index(0, fns, 2);
	CHECK_EQ(fdt_create_empty_tree(buf, sizeof(buf)), 0);
	CHECK_EQ(phb_fdt_emit(buf, 0, &p), 0);
	phb = fdt_path_offset(buf, "/pci@800000020000000");
	CHECK(fdt_subnode_offset(buf, phb, "ethernet@2") >= 0);
	fn1 = fdt_subnode_offset(buf, phb, "ethernet@2,1");
	CHECK(fn1 >= 0);
	/* config space, then BAR0 (32-bit, 128 KiB) and BAR3 (64-bit, 16 KiB) */
	expect_cells(buf, fn1, "reg", 15, CELLS(0x1100, 0, 0, 0, 0, 0x02001110, 0, 0, 0, 0x20000,
						0x0300111c, 0, 0, 0, 0x4000));
	expect_cells(buf, phb, "interrupt-map-mask", 4, CELLS(0xff00, 0, 0, 0xffffffff));
	expect_cells(buf, phb, "interrupt-map", 14,
		     CELLS(0x1000, 0, 0, 1, 0x1111, 4121, 1, 0x1100, 0, 0, 2, 0x1111, 4130, 1));
	check_golden_dtb(buf, "two-functions");
}

/* ---- the devices users pass through: 64-bit BARs, many MSI-X vectors ---- */

/* A modern virtio-net: BAR1 32-bit 4 KiB (its MSI-X table), BAR4 64-bit
 * prefetchable 16 KiB, 3 MSI-X vectors, INTA. */
static void make_virtio_net(struct pci_config *pc)
{
	uint64_t sizes[6] = { 0, 0x1000, 0, 0, 0x4000, 0 };

	fake_pci_reset();
	fake_pci_put32(0x00, 0x10411af4);
	fake_pci_put32(0x08, 0x02000001);		/* ethernet, revision 1 */
	fake_pci_put32(0x2c, 0x11001af4);
	fake_pci_cfg[0x06] = 0x10;			/* capability list */
	fake_pci_put32(0x14, 0xfea00000);
	fake_pci_put32(0x20, 0x0000000c);		/* 64-bit prefetchable */
	fake_pci_put32(0x24, 0x00000080);
	fake_pci_cfg[0x34] = 0x98;
	fake_pci_cfg[0x98] = 0x11; fake_pci_cfg[0x9a] = 0x02;	/* MSI-X, 3 vectors */
	fake_pci_put32(0x9c, 0x00000001);		/* table in BAR1, PBA too */
	fake_pci_put32(0xa0, 0x00000801);
	fake_pci_cfg[0x3d] = 1;
	CHECK_EQ(pci_config_init(pc, &fake_pci_ops, NULL, sizes, 4096), 0);
}

/* BARs placed as vfio_pci.c places them, on PHB index's windows. */
static void place_as_pvmm(struct pci_config *pc, unsigned int index)
{
	struct phb_res r = phb_res_of(index);
	struct bar_windows w = bar_windows_of(&r);
	struct bar_addr at[PCI_NUM_BARS];
	char err[160];

	CHECK_EQ(bars_place(&w, pc->bars, "test", at, err, sizeof(err)), 0);
	for (int i = 0; i < PCI_NUM_BARS; i++)
		if (pc->bars[i].size)
			pci_config_set_bar(pc, i, at[i].bus);
}

/* The 64-bit prefetchable BAR above 4 GiB in the 64-bit window: its
 * assigned-addresses entry says 64-bit memory (ss 3) and prefetchable
 * (p), its address the bus address there (= the CPU address: ranges'
 * 0x03000000 entry maps 1:1); the 32-bit BAR stays at 2 GiB. */
TEST(phb_fdt_golden_bar64_prefetchable)
{
	static uint8_t buf[16384];
	struct pci_config pc;
	const struct phb_fdt_fn fn = { .cfg = &pc, .devfn = 0, .intx_pin = 1, .intx_irq = 4112,
				       .name = "0000:05:00.0" };
	struct phb_fdt p = phb_at_index(0, &fn, 1);
	int phb, node;

	make_virtio_net(&pc);
	place_as_pvmm(&pc, 0);
	CHECK_EQ(fdt_create_empty_tree(buf, sizeof(buf)), 0);
	CHECK_EQ(phb_fdt_emit(buf, 0, &p), 0);
	phb = fdt_path_offset(buf, "/pci@800000020000000");
	expect_cells(buf, phb, "ranges", 14, CELLS(0x02000000, 0, 0x80000000, 0x100, 0x80000000, 0,
		     0x80000000, 0x03000000, 0x110, 0, 0x110, 0, 0x10, 0));
	node = fdt_subnode_offset(buf, phb, "ethernet@0");
	expect_cells(buf, node, "assigned-addresses", 10, CELLS(0x82000014, 0, 0x80000000, 0, 0x1000,
		     0xc3000020, 0x110, 0, 0, 0x4000));
	expect_cells(buf, node, "ibm,req#msi-x", 1, CELLS(3));
	expect_cells(buf, node, "reg", 15, CELLS(0, 0, 0, 0, 0, 0x02000014, 0, 0, 0, 0x1000,
						 0x43000020, 0, 0, 0, 0x4000));
	CHECK_EQ(fdt_pack(buf), 0);
	check_golden_dtb(buf, "bar64-prefetchable");
}

/* An NVMe-like function: BAR0 64-bit (not prefetchable) 16 KiB holding
 * its registers and the MSI-X table, 64 vectors, no MSI, INTA. */
static void make_nvme(struct pci_config *pc)
{
	uint64_t sizes[6] = { 0x4000, 0, 0, 0, 0, 0 };

	fake_pci_reset();
	fake_pci_put32(0x00, 0x00101b36);
	fake_pci_put32(0x08, 0x01080202);		/* NVM express, revision 2 */
	fake_pci_put32(0x2c, 0x11001af4);
	fake_pci_cfg[0x06] = 0x10;
	fake_pci_put32(0x10, 0xfe800004);		/* 64-bit */
	fake_pci_cfg[0x34] = 0x40;
	fake_pci_cfg[0x40] = 0x11; fake_pci_put16(0x42, 63);	/* MSI-X, 64 vectors */
	fake_pci_put32(0x44, 0x00002000);		/* table in BAR0 at 8 KiB */
	fake_pci_put32(0x48, 0x00003000);		/* PBA at 12 KiB */
	fake_pci_cfg[0x3d] = 1;
	CHECK_EQ(pci_config_init(pc, &fake_pci_ops, NULL, sizes, 4096), 0);
}

/* 64 MSI-X vectors: the function asks for all of them (ibm,req#msi-x),
 * no ibm,req#msi without MSI, and the PE's total is its 64. The 64-bit
 * BAR, not prefetchable, is in the 64-bit window too (ss 3, no p). */
TEST(phb_fdt_golden_msix_64)
{
	static uint8_t buf[16384];
	struct pci_config pc;
	const struct phb_fdt_fn fn = { .cfg = &pc, .devfn = 0, .intx_pin = 1, .intx_irq = 4112,
				       .name = "0000:03:00.0" };
	struct phb_fdt p = phb_at_index(1, &fn, 1);
	int phb, node;

	make_nvme(&pc);
	place_as_pvmm(&pc, 1);
	CHECK_EQ(fdt_create_empty_tree(buf, sizeof(buf)), 0);
	CHECK_EQ(phb_fdt_emit(buf, 0, &p), 0);
	phb = fdt_path_offset(buf, "/pci@800000020000001");
	expect_cells(buf, phb, "ibm,pe-total-#msi", 1, CELLS(64));
	node = fdt_subnode_offset(buf, phb, "device@0");
	CHECK(node >= 0);
	expect_cells(buf, node, "ibm,req#msi-x", 1, CELLS(64));
	CHECK(!fdt_getprop(buf, node, "ibm,req#msi", NULL));
	expect_cells(buf, node, "assigned-addresses", 5, CELLS(0x83000010, 0x130, 0, 0, 0x4000));
	CHECK_EQ(fdt_pack(buf), 0);
	check_golden_dtb(buf, "msix-64");
}

/* ---- any PHB the placement allows: 32 slots of 8 functions ---- */

#define REGIONS 7		/* BARs 0-5, then the expansion ROM */
#define STRIDE 0x100000ULL	/* a function's regions: 1 MiB apart */

/* What the test gave one function. The oracle computes the cells from this
 * alone, by the PCI bus binding, not through the emitter's code. */
struct fn_spec {
	char name[24];
	uint8_t devfn, pin;
	uint32_t irq;
	uint64_t addr[REGIONS], size[REGIONS];	/* size 0: none */
	bool is64[REGIONS];
};

/* Every BAR a 32-bit memory one, their sizes, and the ROM's. */
static const uint64_t full_sizes[REGIONS] = { 0x1000, 0x2000, 0x4000, 0x8000, 0x10000, 0x20000, 0x10000 };
/* BAR0 32-bit, BAR2 64-bit (BAR3 its upper half), BAR4 32-bit, a ROM. */
static const uint64_t slot_sizes[REGIONS] = { 0x4000, 0, 0x100000, 0, 0x2000, 0, 0x8000 };

/* A function with all a tree may say of it: the BARs of `sizes`, MSI and
 * MSI-X, INTA. Every function shares the fake device's bytes, so each
 * test makes one kind only. */
static void make_device(struct pci_config *pc, const uint64_t *sizes)
{
	fake_pci_reset();
	fake_pci_put32(0x00, 0x15728086);
	fake_pci_put32(0x08, 0x02000001);		/* ethernet, revision 1 */
	fake_pci_put32(0x2c, 0x00011af4);
	fake_pci_cfg[0x06] = 0x10;			/* capability list */
	fake_pci_cfg[0x34] = 0x50;
	fake_pci_cfg[0x50] = 0x05; fake_pci_cfg[0x51] = 0xa0;	/* MSI, then */
	fake_pci_cfg[0xa0] = 0x11; fake_pci_cfg[0xa2] = 0x3f;	/* MSI-X, 64 vectors */
	fake_pci_cfg[0x3d] = 1;				/* INTA */
	if (sizes == slot_sizes)
		fake_pci_put32(0x18, 0x4);		/* BAR2: 64-bit memory */
	CHECK_EQ(pci_config_init(pc, &fake_pci_ops, NULL, sizes, 4096), 0);
}

/* Function k of the test at devfn: its regions STRIDE apart from its own
 * base in the 32-bit window, a 64-bit BAR above 4 GiB; pins A-D in turn,
 * a source of its own. */
static void spec_function(struct fn_spec *o, struct phb_fdt_fn *f, struct pci_config *pc,
			  const uint64_t *sizes, unsigned int k, uint8_t devfn)
{
	uint64_t base = 0x80000000ULL + k * REGIONS * STRIDE;

	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "0000:%02x:%02x.%x", 1 + k / 8, devfn >> 3, devfn & 7);
	o->devfn = devfn;
	o->pin = 1 + k % 4;
	o->irq = 4200 + k;
	for (int i = 0; i < REGIONS; i++) {
		o->size[i] = sizes[i];
		o->is64[i] = sizes == slot_sizes && i == 2;
		o->addr[i] = o->is64[i] ? 0x100000000ULL + k * STRIDE : base + i * STRIDE;
		if (i < PCI_NUM_BARS && o->size[i])
			pci_config_set_bar(pc, i, o->addr[i]);
	}
	*f = (struct phb_fdt_fn){ .cfg = pc, .devfn = devfn, .intx_pin = o->pin, .intx_irq = o->irq,
				  .name = o->name, .rom_addr = o->addr[6], .rom_size = o->size[6] };
}

/* assigned-addresses by the PCI bus binding: phys.hi is npt000ss bbbbbbbb
 * dddddfff rrrrrrrr with n = 1, ss = 2 (32-bit memory) or 3 (64-bit), bus
 * 0, and the register (0x10 + 4 * BAR, 0x30 for the ROM); then the address
 * and the size, 64 bits each. */
static int oracle_assigned(const struct fn_spec *o, uint32_t *want)
{
	int n = 0;

	for (int i = 0; i < REGIONS; i++) {
		if (!o->size[i])
			continue;
		want[n++] = 1u << 31 | (o->is64[i] ? 3u : 2u) << 24 | (uint32_t)o->devfn << 8 |
			    (i < PCI_NUM_BARS ? 0x10u + 4 * i : 0x30u);
		want[n++] = (uint32_t)(o->addr[i] >> 32);
		want[n++] = (uint32_t)o->addr[i];
		want[n++] = (uint32_t)(o->size[i] >> 32);
		want[n++] = (uint32_t)o->size[i];
	}
	return n;
}

/* reg by the binding: config space (phys.hi with the devfn, the rest 0),
 * then each region as assigned-addresses has it but relocatable (n = 0)
 * at address 0, with its size. */
static int oracle_reg(const struct fn_spec *o, uint32_t *want)
{
	int n = 5 + oracle_assigned(o, want + 5);

	memcpy(want, (uint32_t[5]){ (uint32_t)o->devfn << 8, 0, 0, 0, 0 }, sizeof(uint32_t[5]));
	for (int c = 5; c < n; c += 5) {
		want[c] &= ~(1u << 31);
		want[c + 1] = want[c + 2] = 0;
	}
	return n;
}

/* interrupt-map: per function with a pin, in the functions' order, the
 * child's unit address (phys.hi with its devfn, 0, 0) and pin, then the
 * XICS phandle, the function's source and 1 (level). */
static int oracle_intx_map(const struct fn_spec *o, unsigned int n, uint32_t *want)
{
	int c = 0;

	for (unsigned int k = 0; k < n; k++) {
		if (!o[k].pin)
			continue;
		const uint32_t e[7] = { (uint32_t)o[k].devfn << 8, 0, 0, o[k].pin, 0x1111, o[k].irq, 1 };
		memcpy(want + c, e, sizeof(e));
		c += 7;
	}
	return c;
}

/* Property name is exactly the n cells of want, cell by cell. */
static void expect_exact(const void *fdt, int node, const char *name, const uint32_t *want, int n)
{
	int len = -1;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);

	CHECK(v != NULL);
	CHECK_EQ(len, 4 * n);
	for (int i = 0; v && len == 4 * n && i < n; i++)
		if (fdt32_ld(&v[i]) != want[i]) {
			printf("  %s cell %d: 0x%x, want 0x%x\n", name, i, fdt32_ld(&v[i]), want[i]);
			CHECK(0);
			return;
		}
}

/* The PHB at path against the oracle: interrupt-map and each function's
 * node, reg, interrupts and assigned-addresses. */
static void check_against_oracle(const void *fdt, const char *path, const struct fn_spec *o, unsigned int n)
{
	uint32_t *want = calloc(7 * n + 1, sizeof(uint32_t)), assigned[5 * REGIONS], reg[5 * (1 + REGIONS)];
	int phb = fdt_path_offset(fdt, path), cells = oracle_intx_map(o, n, want);
	char name[32];

	CHECK(phb >= 0);
	expect_exact(fdt, phb, "interrupt-map-mask", (uint32_t[4]){ n > 1 ? 0xff00 : 0xf800, 0, 0,
		     0xffffffff }, 4);
	expect_exact(fdt, phb, "interrupt-map", want, cells);
	for (unsigned int k = 0; k < n; k++) {
		if (o[k].devfn & 7)
			snprintf(name, sizeof(name), "ethernet@%x,%x", o[k].devfn >> 3, o[k].devfn & 7);
		else
			snprintf(name, sizeof(name), "ethernet@%x", o[k].devfn >> 3);
		int fn = fdt_subnode_offset(fdt, phb, name);
		CHECK(fn >= 0);
		expect_exact(fdt, fn, "reg", reg, oracle_reg(&o[k], reg));
		expect_exact(fdt, fn, "interrupts", (uint32_t[1]){ o[k].pin }, 1);
		expect_exact(fdt, fn, "assigned-addresses", assigned, oracle_assigned(&o[k], assigned));
	}
	free(want);
}

/* The smallest buffer libfdt makes an empty tree in: what a PHB's bound
 * comes on top of (a read-write tree keeps a few bytes more than packed). */
static size_t empty_tree_bytes(void)
{
	uint64_t buf[64];
	size_t size = 0;

	while (size < sizeof(buf) && fdt_create_empty_tree(buf, (int)size))
		size++;
	return size;
}

/* PHB index with fns emitted into a tree of exactly size bytes on the
 * heap (ASan sees a write past it): the emit's result, the tree in *out. */
static int emit_into(size_t size, unsigned int index, const struct phb_fdt_fn *fns, unsigned int n,
		     void **out)
{
	struct phb_fdt p = phb_at_index(index, fns, n);
	int r;

	*out = malloc(size);
	r = fdt_create_empty_tree(*out, (int)size);
	return r ? r : phb_fdt_emit(*out, 0, &p);
}

struct eight {
	struct pci_config pc[8];
	struct phb_fdt_fn fns[8];
	struct fn_spec o[8];
};

/* Slot 3 of PHB 2: functions 0-7, each with six BARs, a ROM and INTx. */
static void make_eight(struct eight *e)
{
	for (unsigned int k = 0; k < 8; k++) {
		make_device(&e->pc[k], full_sizes);
		spec_function(&e->o[k], &e->fns[k], &e->pc[k], full_sizes, k, (uint8_t)(3 << 3 | k));
	}
}

/* 8 x 7 = 56 interrupt-map cells, 7 x 5 = 35 assigned-addresses cells per
 * function: past the old 16-cell limit on both. */
TEST(phb_fdt_eight_functions_six_bars_and_rom)
{
	static struct eight e;
	void *fdt;

	make_eight(&e);
	CHECK_EQ(emit_into(empty_tree_bytes() + phb_fdt_size_bound(1, 8), 2, e.fns, 8, &fdt), 0);
	check_against_oracle(fdt, "/pci@800000020000002", e.o, 8);
	expect_cells(fdt, fdt_path_offset(fdt, "/pci@800000020000002"), "ibm,pe-total-#msi", 1, CELLS(8 * 64));
	CHECK_EQ(fdt_pack(fdt), 0);
	check_golden_dtb(fdt, "eight-functions");
	free(fdt);
}

/* 32 functions from 32 host buses, all at host slot 0 and each in an
 * IOMMU group of its own, asked onto PHB 1: the placement moves them to
 * slots 0-31, and a 33rd has no slot left. */
static int place_on_one_phb(unsigned int n, struct place_out *out, struct fn_spec *o)
{
	struct place_fn pf[PHB_SLOTS + 1];
	char err[256] = "";

	for (unsigned int i = 0; i < n; i++)
		pf[i] = (struct place_fn){ .host_slot = 0, .host_fn = 0, .group = 10 + (int)i, .phb = 1,
					   .name = o[i].name };
	return pci_place(pf, n, PHB_MAX_INDEX, out, err, sizeof(err));
}

TEST(phb_fdt_thirty_two_slots_placed)
{
	static struct pci_config pc[PHB_SLOTS];
	static struct fn_spec o[PHB_SLOTS + 1];
	struct phb_fdt_fn fns[PHB_SLOTS];
	struct place_out out[PHB_SLOTS + 1];
	void *fdt;

	CHECK_EQ(place_on_one_phb(PHB_SLOTS + 1, out, o), -ENOSPC);
	CHECK_EQ(place_on_one_phb(PHB_SLOTS, out, o), 0);
	for (unsigned int k = 0; k < PHB_SLOTS; k++) {
		CHECK_EQ(out[k].phb, 1u);
		CHECK_EQ(out[k].devfn, k << 3);
		make_device(&pc[k], slot_sizes);
		spec_function(&o[k], &fns[k], &pc[k], slot_sizes, k, out[k].devfn);
	}
	CHECK_EQ(emit_into(empty_tree_bytes() + phb_fdt_size_bound(1, PHB_SLOTS), 1, fns, PHB_SLOTS,
			   &fdt), 0);
	check_against_oracle(fdt, "/pci@800000020000001", o, PHB_SLOTS);
	CHECK_EQ(fdt_pack(fdt), 0);
	check_golden_dtb(fdt, "thirty-two-slots");
	free(fdt);
}

/* The whole bus: 32 slots x 8 functions, each with all it may have, fits
 * the bound exactly given; 1792 interrupt-map cells. */
TEST(phb_fdt_bound_holds_a_full_bus)
{
	static struct fn_spec o[256];
	static struct phb_fdt_fn fns[256];
	struct pci_config pc;
	void *fdt;

	make_device(&pc, full_sizes);
	for (unsigned int k = 0; k < 256; k++) {
		spec_function(&o[k], &fns[k], &pc, full_sizes, 0, (uint8_t)k);
		o[k].pin = fns[k].intx_pin = 1 + k % 4;		/* k = 0 above: the same BARs */
		o[k].irq = fns[k].intx_irq = 4200 + k;
	}
	CHECK_EQ(emit_into(empty_tree_bytes() + phb_fdt_size_bound(1, 256), 0, fns, 256, &fdt), 0);
	check_against_oracle(fdt, "/pci@800000020000000", o, 256);
	free(fdt);
}

/* "pvmm: error: device tree: PHB 2 function 0000:01:03.7 does not fit in
 * 1234 bytes" (fn NULL: the PHB node's own line). */
static bool is_nospace_line(const char *text, const char *fn, size_t size)
{
	char want[160];

	if (fn)
		snprintf(want, sizeof(want), "pvmm: error: device tree: PHB 2 function %s does not fit "
			 "in %zu bytes\n", fn, size);
	else
		snprintf(want, sizeof(want), "pvmm: error: device tree: PHB 2 does not fit in %zu bytes\n",
			 size);
	return !strcmp(text, want);
}

/* Emits the eight functions into size bytes: 0, or whether the line said
 * is the one -ENOSPC must come with (naming the PHB or one function). */
static int emit_short(const struct eight *e, size_t size, int *named_fn)
{
	const char *text;
	void *fdt;
	int r;

	stderr_capture_begin();
	r = emit_into(size, 2, e->fns, 8, &fdt);
	text = stderr_capture_end();
	free(fdt);
	*named_fn = -2;
	for (int k = 0; k < 8; k++)
		if (is_nospace_line(text, e->o[k].name, size))
			*named_fn = k;
	if (is_nospace_line(text, NULL, size))
		*named_fn = -1;
	if (r && (r != -ENOSPC || *named_fn == -2))
		printf("  %zu bytes: %d, \"%s\"\n", size, r, text);
	return r;
}

/* Every buffer short of the tree, byte by byte: -ENOSPC and one line
 * naming the PHB or the function that did not fit, never a write past the
 * buffer (ASan); a byte short names the last function; the first size
 * that fits is within the bound. */
TEST(phb_fdt_too_small_buffer_names_the_function)
{
	static struct eight e;
	size_t size, empty = empty_tree_bytes();
	int fns_named = 0, phb_named = 0, named = -2, r = -ENOSPC;

	make_eight(&e);
	for (size = empty; size <= empty + phb_fdt_size_bound(1, 8); size++) {
		int last = named;
		r = emit_short(&e, size, &named);
		if (!r) {
			CHECK_EQ(last, 7);		/* a byte short: the last function */
			break;
		}
		CHECK_EQ(r, -ENOSPC);
		CHECK(named != -2);
		fns_named += named >= 0;
		phb_named += named == -1;
	}
	CHECK_EQ(r, 0);
	CHECK(fns_named > 0 && phb_named > 0);
}

/* ---- the whole tree's bound (vm_fdt_room) for the largest VM ---- */

/* Every RTAS call pvmm knows, each a property of /rtas: the core ones with
 * their hcalls, then the rest of the table (PHB calls) without handlers. */
static void register_every_call(void)
{
	static struct rtas_def rest[RTAS_MAX];
	const char *const *names;
	size_t n = rtas_token_table(&names), nr = 0;

	hcall_reset();
	rtas_reset();
	spapr_rtas_init();
	console_register_calls();
	spapr_mem_register_calls();
	for (size_t i = 0; i < n; i++)
		if (!rtas_lookup_name(names[i]))
			rest[nr++] = (struct rtas_def){ names[i], NULL };
	CHECK_EQ(rtas_register(rest, nr), 0);
	CHECK_EQ(rtas_count(), (int)n);
}

/* The PHBs a configuration may end up with: its functions spread over
 * nr_phbs PHBs, each function with all it may have. */
struct vm_devices {
	struct pci_config pc;
	struct phb_fdt_fn fns[PCI_DEVS_MAX];
	struct fn_spec o[PCI_DEVS_MAX];
	unsigned int nr_fns, nr_phbs;
};

static int emit_vm_devices(void *fdt, int root, uint32_t xics_phandle, const void *ctx)
{
	const struct vm_devices *d = ctx;
	unsigned int per = (d->nr_fns + d->nr_phbs - 1) / d->nr_phbs;

	(void)xics_phandle;
	for (unsigned int i = 0; i < d->nr_phbs; i++) {
		unsigned int first = i * per, n = d->nr_fns - first < per ? d->nr_fns - first : per;
		struct phb_fdt p = phb_at_index(i, d->fns + first, n);
		int r = phb_fdt_emit(fdt, root, &p);
		if (r)
			return r;
	}
	return 0;
}

static void make_vm_devices(struct vm_devices *d, unsigned int nr_fns, unsigned int nr_phbs)
{
	d->nr_fns = nr_fns;
	d->nr_phbs = nr_phbs;
	make_device(&d->pc, full_sizes);
	for (unsigned int k = 0; k < nr_fns; k++)
		spec_function(&d->o[k], &d->fns[k], &d->pc, full_sizes, k, (uint8_t)(k << 3));
}

/* The largest VM the configuration allows: VCPUS_MAX vcpus, the longest
 * command line, every RTAS call, H_RANDOM, eight radix AP encodings and
 * PCI_DEVS_MAX full functions. */
static struct fdt_params largest_vm(char *cmdline, int threads, const struct vm_devices *d)
{
	struct guest_layout l = layout_for_ram(RAM_MAX);
	struct fdt_params p = {
		.ram_size = RAM_MAX, .nr_vcpus = VCPUS_MAX, .threads = threads, .cmdline = cmdline,
		.initrd_gpa = 0x10000000, .initrd_size = 0x1000000,
		.rtas_gpa = l.rtas_gpa, .rtas_size = RTAS_SIZE, .hwrng = true,
		.cpu = { .pvr = 0x00801200, .name = "POWER10", .nr_radix_ap = FDT_RADIX_AP_MAX },
		.devices_emit = emit_vm_devices, .devices_ctx = d,
	};

	memset(cmdline, 'x', CMDLINE_MAX - 1);
	cmdline[CMDLINE_MAX - 1] = '\0';
	return p;
}

static size_t room_for(int threads)
{
	struct vm_config cfg;

	config_defaults(&cfg);
	cfg.vcpus = VCPUS_MAX;
	cfg.threads = (unsigned int)threads;
	cfg.nr_devs = PCI_DEVS_MAX;
	return vm_fdt_room(&cfg);
}

/* Whatever the threads per core, and the functions on every PHB or all on
 * one, the tree fits in exactly vm_fdt_room's bytes, which the layout
 * makes room for. */
TEST(fdt_bound_holds_the_largest_vm)
{
	static struct vm_devices d;
	static char cmdline[CMDLINE_MAX];
	const unsigned int phbs[] = { PHB_MAX_INDEX, 1 };

	register_every_call();
	for (int threads = 1; threads <= 8; threads *= 2)
		for (size_t i = 0; i < ARRAY_SIZE(phbs); i++) {
			size_t room = room_for(threads);
			struct fdt_params p;
			void *buf = malloc(room);

			make_vm_devices(&d, PCI_DEVS_MAX, phbs[i]);
			p = largest_vm(cmdline, threads, &d);
			CHECK_EQ(fdt_build(buf, room, &p), 0);
			CHECK(layout_for(RAM_MAX, room).fdt_size >= room);
			CHECK(fdt_path_offset(buf, phbs[i] == 1 ? "/pci@800000020000000/ethernet@f" :
					      "/pci@800000020000007/ethernet@f") >= 0);
			free(buf);
		}
	hcall_reset();
	rtas_reset();
}

/* Short of the largest tree by any amount: -ENOSPC and one line naming
 * the part (a PHB, a function, a node) that did not fit. */
TEST(fdt_too_small_buffer_is_one_line)
{
	static struct vm_devices d;
	static char cmdline[CMDLINE_MAX];
	size_t need;
	struct fdt_params p;
	void *buf = malloc(room_for(1));

	register_every_call();
	make_vm_devices(&d, PCI_DEVS_MAX, PHB_MAX_INDEX);
	p = largest_vm(cmdline, 1, &d);
	CHECK_EQ(fdt_build(buf, room_for(1), &p), 0);
	need = fdt_totalsize(buf);
	free(buf);
	for (size_t size = 0; size < need; size += 61) {
		char tail[64];
		const char *text;
		int r;

		buf = malloc(size ? size : 1);
		stderr_capture_begin();
		r = fdt_build(buf, size, &p);
		text = stderr_capture_end();
		free(buf);
		CHECK_EQ(r, -ENOSPC);
		snprintf(tail, sizeof(tail), " does not fit in %zu bytes\n", size);
		CHECK(!strncmp(text, "pvmm: error: device tree: ", 26));
		CHECK(strlen(text) > strlen(tail) && !strcmp(text + strlen(text) - strlen(tail), tail));
		CHECK_EQ(strchr(text, '\n') - text + 1, (long)strlen(text));	/* one line */
	}
	hcall_reset();
	rtas_reset();
}
