/* spapr_phb_fdt.c: the PHB node Linux reads (ranges, DMA window, DDW, the function). */
#include "test.h"
#include "support.h"
#include "fake_pci.h"
#include "pci_place.h"
#include "spapr_phb_fdt.h"

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
		.msi_max = 8, .dma_liobn = 0x80000000, .dma_start = 0, .dma_size = 0x20000000,
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
	expect_cells(buf, fn, "ibm,req#msi-x", 1, CELLS(8));
	CHECK(!fdt_getprop(buf, fn, "ibm,req#msi", NULL));
	/* two BARs: BAR0 32-bit at 2 GiB, BAR3 64-bit after it */
	expect_cells(buf, fn, "assigned-addresses", 10, CELLS(0x82000010, ANY, 0x80000000, ANY, 0x20000,
							       0x8300001c, ANY, 0x80020000, ANY, 0x4000));
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
		.buid = r.buid, .mmio32_bus = r.mmio32_bus, .mmio32_cpu = r.mmio32_cpu,
		.mmio32_size = r.mmio32_size, .mmio64_cpu = r.mmio64_cpu, .mmio64_size = r.mmio64_size,
		.msi_max = 8, .dma_liobn = r.liobn, .dma_start = 0, .dma_size = 0x20000000,
		.ddw = true, .ddw_query = 0x2014, .ddw_create = 0x2015, .ddw_remove = 0x2016,
		.ddw_reset = 0x2017, .fns = fns, .nr_fns = n, .xics_phandle = 0x1111,
	};

	return p;
}

TEST(phb_fdt_golden_two_phbs)
{
	static uint8_t buf[16384];
	struct pci_config pc;
	struct phb_fdt_fn a = { &pc, 0, 1, 4121 }, b = { &pc, 0, 1, 4130 };
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
	const struct phb_fdt_fn fns[2] = { { &pc, 0x10, 1, 4121 }, { &pc, 0x11, 2, 4130 } };
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
	expect_cells(buf, fn1, "reg", 5, CELLS(0x1100, 0, 0, 0, 0));
	expect_cells(buf, phb, "interrupt-map-mask", 4, CELLS(0xff00, 0, 0, 0xffffffff));
	expect_cells(buf, phb, "interrupt-map", 14,
		     CELLS(0x1000, 0, 0, 1, 0x1111, 4121, 1, 0x1100, 0, 0, 2, 0x1111, 4130, 1));
	check_golden_dtb(buf, "two-functions");
}
