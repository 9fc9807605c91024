/* The PHB's device-tree node (see spapr_phb_fdt.h). */
#include "spapr_phb_fdt.h"
#include "fdt_builder.h"
#include "pci_config.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <libfdt.h>

#define TRY(x) do { int _r = (x); if (_r < 0) return _r; } while (0)

#define PHB_NAME_MAX	48		/* "pci@800000020000007" */
#define FN_NAME_MAX	32		/* "ethernet@1f,7" */
#define BUS_DEVFNS	256		/* 32 slots of 8 functions: bus 0 is all a PHB has */
#define FN_REGIONS	(PCI_NUM_BARS + 1)	/* the six BARs, then the ROM */
#define ASSIGNED_CELLS	5		/* phys.hi, .mid, .lo, size.hi, .lo */
#define INTX_MAP_CELLS	7		/* unit address (3), pin, phandle, source, sense */

/* A PHB node at most, but for its interrupt-map entries (counted with
 * the functions): the name; reg, bus-range, ranges, ibm,dma-window,
 * interrupt-map-mask, DDW's two; seven single cells; two strings. */
#define PHB_NODE_BYTES (FDT_NODE_BYTES(PHB_NAME_MAX - 1) + FDT_PROP_BYTES(16) + \
	FDT_PROP_BYTES(8) + FDT_PROP_BYTES(56) + FDT_PROP_BYTES(20) + FDT_PROP_BYTES(16) + \
	FDT_PROP_BYTES(12) + FDT_PROP_BYTES(8) + FDT_PROP_BYTES(0) + 7 * FDT_PROP_BYTES(4) + \
	FDT_PROP_BYTES(sizeof("pci")) + FDT_PROP_BYTES(sizeof("IBM,Logical_PHB")))
/* A function at most: its node (name, reg with config space and every
 * region, ten single cells, every region assigned) and its interrupt-map
 * entry in the PHB. */
#define FN_BYTES (FDT_NODE_BYTES(FN_NAME_MAX - 1) + FDT_PROP_BYTES(4 * ASSIGNED_CELLS * (1 + FN_REGIONS)) + \
	10 * FDT_PROP_BYTES(4) + FDT_PROP_BYTES(4 * ASSIGNED_CELLS * FN_REGIONS) + 4 * INTX_MAP_CELLS)
/* The strings block: each property name above once (27 names, under
 * 500 bytes today). */
#define PHB_STRINGS_BYTES 1024

size_t phb_fdt_size_bound(unsigned int nr_phbs, unsigned int nr_fns)
{
	return (nr_phbs ? PHB_STRINGS_BYTES : 0) + (size_t)nr_phbs * PHB_NODE_BYTES +
	       (size_t)nr_fns * FN_BYTES;
}

static uint32_t cfg_read(struct pci_config *cfg, uint32_t off, uint32_t len)
{
	uint32_t v = 0;

	pci_config_read(cfg, off, len, &v);
	return v;
}

/* n cells at a property's room; returns where the next ones go. */
static uint8_t *put_cells(uint8_t *at, const uint32_t *v, int n)
{
	for (int i = 0; i < n; i++)
		store_be32(at + 4 * i, v[i]);
	return at + 4 * n;
}

/* What a function asks for (ibm,req#msi / ibm,req#msi-x, pvmm giving one
 * MSI vector and every MSI-X vector): Linux, not knowing which its driver
 * will use, counts the larger. */
static uint32_t fn_msi_wish(const struct pci_config *cfg)
{
	uint32_t msix = pci_config_msix_size(cfg);

	return msix ? msix : cfg->msi_cap ? 1 : 0;
}

/* The PE's MSIs: every function's wish, within what the pool holds. Linux
 * splits this among the functions (pseries/msi.c's quota) and gives one
 * asking for less its spare to the others. */
static uint32_t pe_total_msi(const struct phb_fdt *p)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < p->nr_fns; i++)
		sum += fn_msi_wish(p->fns[i].cfg);
	return sum < p->msi_sources ? (uint32_t)sum : p->msi_sources;
}

/* "ethernet@3" or "ethernet@3,1": the slot, and the function if not 0. */
static void function_name(char *buf, size_t len, uint32_t class, uint8_t devfn)
{
	const char *what = (class >> 16) == 0x02 ? "ethernet" : "device";

	if (devfn & 7)
		snprintf(buf, len, "%s@%x,%x", what, devfn >> 3, devfn & 7);
	else
		snprintf(buf, len, "%s@%x", what, devfn >> 3);
}

/* Region i of a function (0-5: its BARs, 6: its ROM) as an entry of
 * assigned-addresses; false where it has none. phys.hi: non-relocatable
 * (n, as QEMU's), prefetchable (p) as the BAR says, 32 or 64-bit memory
 * space (ss 2 or 3), bus 0, devfn, register. QEMU's own tree leaves p
 * clear; the PCI binding and SLOF set it, and Linux's of_pci reads it as
 * the resource's IORESOURCE_PREFETCH. */
static bool fn_region(const struct phb_fdt_fn *f, int i, uint32_t e[ASSIGNED_CELLS])
{
	uint32_t hi = 0x82000000 | (uint32_t)f->devfn << 8;
	uint64_t addr = f->rom_addr, size = f->rom_size;

	if (i < PCI_NUM_BARS) {
		const struct pci_bar *b = &f->cfg->bars[i];
		addr = b->addr;
		size = b->size;
		hi |= (b->is64 ? 0x01000000 : 0) | (b->flags & PCI_BAR_MEM_PREFETCH ? 0x40000000 : 0) |
		      (0x10 + 4 * i);
	} else {
		hi |= 0x30;		/* the expansion ROM register */
	}
	if (!size)
		return false;
	e[0] = hi;
	e[1] = (uint32_t)(addr >> 32);
	e[2] = (uint32_t)addr;
	e[3] = (uint32_t)(size >> 32);
	e[4] = (uint32_t)size;
	return true;
}

/* Sized to the regions the function has: counted, then filled in place. */
static int emit_assigned(void *fdt, int node, const struct phb_fdt_fn *f)
{
	uint32_t e[ASSIGNED_CELLS];
	uint8_t *cells;
	int n = 0;

	for (int i = 0; i < FN_REGIONS; i++)
		n += fn_region(f, i, e);
	TRY(fdt_setprop_cells_room(fdt, node, "assigned-addresses", n * ASSIGNED_CELLS, &cells));
	for (int i = 0; i < FN_REGIONS; i++)
		if (fn_region(f, i, e))
			cells = put_cells(cells, e, ASSIGNED_CELLS);
	return 0;
}

/* reg, as the PCI binding and QEMU's: config space, then what each region
 * asks for (relocatable: n clear, address 0, its size). Counted, then
 * filled in place. */
static int emit_reg(void *fdt, int node, const struct phb_fdt_fn *f)
{
	uint32_t e[ASSIGNED_CELLS];
	uint8_t *cells;
	int n = 0;

	for (int i = 0; i < FN_REGIONS; i++)
		n += fn_region(f, i, e);
	TRY(fdt_setprop_cells_room(fdt, node, "reg", (1 + n) * ASSIGNED_CELLS, &cells));
	cells = put_cells(cells, (uint32_t[ASSIGNED_CELLS]){ (uint32_t)f->devfn << 8, 0, 0, 0, 0 },
			  ASSIGNED_CELLS);
	for (int i = 0; i < FN_REGIONS; i++)
		if (fn_region(f, i, e)) {
			e[0] &= ~0x80000000u;
			e[1] = e[2] = 0;
			cells = put_cells(cells, e, ASSIGNED_CELLS);
		}
	return 0;
}

static int emit_ids(void *fdt, int node, const struct phb_fdt_fn *f, uint32_t class)
{
	struct pci_config *cfg = f->cfg;

	TRY(fdt_setprop_u32(fdt, node, "vendor-id", cfg->vendor));
	TRY(fdt_setprop_u32(fdt, node, "device-id", cfg->device));
	TRY(fdt_setprop_u32(fdt, node, "revision-id", cfg_read(cfg, 0x08, 1)));
	TRY(fdt_setprop_u32(fdt, node, "class-code", class));
	TRY(fdt_setprop_u32(fdt, node, "subsystem-vendor-id", cfg_read(cfg, 0x2c, 2)));
	TRY(fdt_setprop_u32(fdt, node, "subsystem-id", cfg_read(cfg, 0x2e, 2)));
	TRY(fdt_setprop_u32(fdt, node, "ibm,pci-config-space-type", cfg->size == PCI_CFG_SIZE));
	/* Linux asks for MSIs only if the function says how many it wants:
	 * one MSI vector, every MSI-X vector its table has. */
	if (cfg->msi_cap)
		TRY(fdt_setprop_u32(fdt, node, "ibm,req#msi", 1));
	if (cfg->msix_cap)
		TRY(fdt_setprop_u32(fdt, node, "ibm,req#msi-x", pci_config_msix_size(cfg)));
	if (f->intx_pin)
		TRY(fdt_setprop_u32(fdt, node, "interrupts", f->intx_pin));
	return 0;
}

static int emit_function(void *fdt, int phb_node, const struct phb_fdt_fn *f)
{
	uint32_t class = cfg_read(f->cfg, 0x08, 4) >> 8;
	char name[FN_NAME_MAX];
	int node;

	function_name(name, sizeof(name), class, f->devfn);
	node = fdt_add_subnode(fdt, phb_node, name);
	TRY(node);
	TRY(emit_reg(fdt, node, f));
	TRY(emit_ids(fdt, node, f, class));
	return emit_assigned(fdt, node, f);
}

/* (devfn, pin) -> each function's level XICS source. The device bits and
 * the pin select an entry; with several functions the function bits too,
 * since each function has a source of its own. One entry per function
 * with INTx: counted, then filled in place. */
static int emit_intx_map(void *fdt, int node, const struct phb_fdt *p)
{
	unsigned int n = 0;
	uint8_t *map;

	for (unsigned int i = 0; i < p->nr_fns; i++)
		n += p->fns[i].intx_pin != 0;
	if (!n)
		return 0;
	TRY(fdt_setprop_cells(fdt, node, "interrupt-map-mask", (uint32_t[4]){
		p->nr_fns > 1 ? 0xff00 : 0xf800, 0, 0, 0xffffffff }, 4));
	TRY(fdt_setprop_cells_room(fdt, node, "interrupt-map", (int)n * INTX_MAP_CELLS, &map));
	for (unsigned int i = 0; i < p->nr_fns; i++) {
		const struct phb_fdt_fn *f = &p->fns[i];
		if (f->intx_pin)
			map = put_cells(map, (uint32_t[INTX_MAP_CELLS]){ (uint32_t)f->devfn << 8, 0, 0,
					f->intx_pin, p->xics_phandle, f->intx_irq, 1 }, INTX_MAP_CELLS);
	}
	return 0;
}

static int emit_dma(void *fdt, int node, const struct phb_fdt *p)
{
	TRY(fdt_setprop_u32(fdt, node, "ibm,#dma-address-cells", 2));
	TRY(fdt_setprop_u32(fdt, node, "ibm,#dma-size-cells", 2));
	TRY(fdt_setprop_cells(fdt, node, "ibm,dma-window", (uint32_t[5]){ p->dma_liobn,
		(uint32_t)(p->dma_start >> 32), (uint32_t)p->dma_start,
		(uint32_t)(p->dma_size >> 32), (uint32_t)p->dma_size }, 5));
	return 0;
}

static int emit_ddw(void *fdt, int node, const struct phb_fdt *p)
{
	if (!p->ddw)
		return 0;
	/* Linux looks for DDW on the node holding ibm,dma-window: the
	 * query, create and remove tokens, the reset token as extension 1. */
	TRY(fdt_setprop_cells(fdt, node, "ibm,ddw-applicable", (uint32_t[3]){
		p->ddw_query, p->ddw_create, p->ddw_remove }, 3));
	return fdt_setprop_cells(fdt, node, "ibm,ddw-extensions", (uint32_t[2]){ 1, p->ddw_reset }, 2);
}

static int emit_windows(void *fdt, int node, const struct phb_fdt *p)
{
	TRY(fdt_setprop_cells(fdt, node, "reg", (uint32_t[4]){
		(uint32_t)(p->buid >> 32), (uint32_t)p->buid, 0, 0x1000 }, 4));
	TRY(fdt_setprop_u32(fdt, node, "#address-cells", 3));
	TRY(fdt_setprop_u32(fdt, node, "#size-cells", 2));
	TRY(fdt_setprop_u32(fdt, node, "#interrupt-cells", 1));
	TRY(fdt_setprop_cells(fdt, node, "bus-range", (uint32_t[2]){ 0, 0 }, 2));
	return fdt_setprop_cells(fdt, node, "ranges", (uint32_t[14]){
		0x02000000, (uint32_t)(p->mmio32_bus >> 32), (uint32_t)p->mmio32_bus,
		(uint32_t)(p->mmio32_cpu >> 32), (uint32_t)p->mmio32_cpu,
		(uint32_t)(p->mmio32_size >> 32), (uint32_t)p->mmio32_size,
		/* 64-bit space: bus address = CPU address, as QEMU's; not
		 * prefetchable (0x03000000, as QEMU's), since pvmm puts
		 * non-prefetchable 64-bit BARs there too (bars_place) */
		0x03000000, (uint32_t)(p->mmio64_cpu >> 32), (uint32_t)p->mmio64_cpu,
		(uint32_t)(p->mmio64_cpu >> 32), (uint32_t)p->mmio64_cpu,
		(uint32_t)(p->mmio64_size >> 32), (uint32_t)p->mmio64_size }, 14);
}

/* The PHB's own node: its offset, or a negative libfdt code. */
static int emit_phb(void *fdt, int root, const struct phb_fdt *p)
{
	char name[PHB_NAME_MAX];
	int node;

	snprintf(name, sizeof(name), "pci@%llx", (unsigned long long)p->buid);
	node = fdt_add_subnode(fdt, root, name);
	TRY(node);
	TRY(fdt_setprop_string(fdt, node, "device_type", "pci"));
	TRY(fdt_setprop_string(fdt, node, "compatible", "IBM,Logical_PHB"));
	TRY(emit_windows(fdt, node, p));
	TRY(fdt_setprop_u32(fdt, node, "ibm,pci-config-space-type", 1));
	TRY(fdt_setprop_u32(fdt, node, "ibm,pe-total-#msi", pe_total_msi(p)));
	TRY(emit_dma(fdt, node, p));
	TRY(emit_intx_map(fdt, node, p));
	TRY(emit_ddw(fdt, node, p));
	return node;
}

/* The one line for a libfdt error: which PHB, and which function if one. */
static int phb_fdt_error(const void *fdt, const struct phb_fdt *p, const struct phb_fdt_fn *f, int err)
{
	char what[96];

	if (!f)
		snprintf(what, sizeof(what), "PHB %u", p->index);
	else if (f->name)
		snprintf(what, sizeof(what), "PHB %u function %s", p->index, f->name);
	else
		snprintf(what, sizeof(what), "PHB %u function %02x.%x", p->index, f->devfn >> 3, f->devfn & 7);
	return fdt_error(fdt_totalsize(fdt), what, err);
}

int phb_fdt_emit(void *fdt, int root, const struct phb_fdt *p)
{
	int node, r;

	if (p->nr_fns > BUS_DEVFNS) {
		pr_err("device tree: PHB %u: %u functions, more than bus 0 has (%d)", p->index,
		       p->nr_fns, BUS_DEVFNS);
		return -EINVAL;
	}
	node = emit_phb(fdt, root, p);
	if (node < 0)
		return phb_fdt_error(fdt, p, NULL, node);
	for (unsigned int i = 0; i < p->nr_fns; i++)
		if ((r = emit_function(fdt, node, &p->fns[i])))
			return phb_fdt_error(fdt, p, &p->fns[i], r);
	return 0;
}
