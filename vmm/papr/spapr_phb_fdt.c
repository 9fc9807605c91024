/* The PHB's device-tree node (see spapr_phb_fdt.h). */
#include "spapr_phb_fdt.h"
#include "fdt_builder.h"
#include "pci_config.h"

#include <stdio.h>
#include <string.h>
#include <libfdt.h>

#define TRY(x) do { int _r = (x); if (_r < 0) return _r; } while (0)

static uint32_t cfg_read(struct pci_config *cfg, uint32_t off, uint32_t len)
{
	uint32_t v = 0;

	pci_config_read(cfg, off, len, &v);
	return v;
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

static int emit_function(void *fdt, int phb_node, const struct phb_fdt *p, const struct phb_fdt_fn *f)
{
	struct pci_config *cfg = f->cfg;
	uint32_t assigned[PCI_NUM_BARS * 5];
	uint32_t class = cfg_read(cfg, 0x08, 4) >> 8, hi = (uint32_t)f->devfn << 8;	/* bus 0 */
	char name[32];
	int node, n = 0;

	function_name(name, sizeof(name), class, f->devfn);
	node = fdt_add_subnode(fdt, phb_node, name);
	TRY(node);
	TRY(fdt_setprop_cells(fdt, node, "reg", (uint32_t[5]){ hi, 0, 0, 0, 0 }, 5));
	TRY(fdt_setprop_u32(fdt, node, "vendor-id", cfg->vendor));
	TRY(fdt_setprop_u32(fdt, node, "device-id", cfg->device));
	TRY(fdt_setprop_u32(fdt, node, "revision-id", cfg_read(cfg, 0x08, 1)));
	TRY(fdt_setprop_u32(fdt, node, "class-code", class));
	TRY(fdt_setprop_u32(fdt, node, "subsystem-vendor-id", cfg_read(cfg, 0x2c, 2)));
	TRY(fdt_setprop_u32(fdt, node, "subsystem-id", cfg_read(cfg, 0x2e, 2)));
	TRY(fdt_setprop_u32(fdt, node, "ibm,pci-config-space-type", cfg->size == PCI_CFG_SIZE));
	/* Linux asks for MSIs only if the function says how many it wants. */
	if (cfg->msi_cap)
		TRY(fdt_setprop_u32(fdt, node, "ibm,req#msi", 1));
	if (cfg->msix_cap)
		TRY(fdt_setprop_u32(fdt, node, "ibm,req#msi-x", p->msi_max));
	if (f->intx_pin)
		TRY(fdt_setprop_u32(fdt, node, "interrupts", f->intx_pin));
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		const struct pci_bar *b = &cfg->bars[i];
		if (!b->size)
			continue;
		/* phys.hi: relocatable memory space, 32/64-bit, register offset */
		assigned[n++] = (b->is64 ? 0x83000000 : 0x82000000) | hi | (0x10 + 4 * i);
		assigned[n++] = (uint32_t)(b->addr >> 32);
		assigned[n++] = (uint32_t)b->addr;
		assigned[n++] = (uint32_t)(b->size >> 32);
		assigned[n++] = (uint32_t)b->size;
	}
	return fdt_setprop_cells(fdt, node, "assigned-addresses", assigned, n);
}

/* (devfn, pin) -> each function's level XICS source. The device bits and
 * the pin select an entry; with several functions the function bits too,
 * since each function has a source of its own. */
static int emit_intx_map(void *fdt, int node, const struct phb_fdt *p)
{
	uint32_t map[PHB_FDT_FNS_MAX * 7];
	int n = 0;

	for (unsigned int i = 0; i < p->nr_fns && i < PHB_FDT_FNS_MAX; i++) {
		const struct phb_fdt_fn *f = &p->fns[i];
		if (!f->intx_pin)
			continue;
		const uint32_t e[7] = { (uint32_t)f->devfn << 8, 0, 0, f->intx_pin, p->xics_phandle,
					f->intx_irq, 1 };
		memcpy(&map[n], e, sizeof(e));
		n += 7;
	}
	if (!n)
		return 0;
	TRY(fdt_setprop_cells(fdt, node, "interrupt-map-mask", (uint32_t[4]){
		p->nr_fns > 1 ? 0xff00 : 0xf800, 0, 0, 0xffffffff }, 4));
	return fdt_setprop_cells(fdt, node, "interrupt-map", map, n);
}

int phb_fdt_emit(void *fdt, int root, const struct phb_fdt *p)
{
	char name[48];
	int node;

	snprintf(name, sizeof(name), "pci@%llx", (unsigned long long)p->buid);
	node = fdt_add_subnode(fdt, root, name);
	TRY(node);
	TRY(fdt_setprop_string(fdt, node, "device_type", "pci"));
	TRY(fdt_setprop_string(fdt, node, "compatible", "IBM,Logical_PHB"));
	TRY(fdt_setprop_cells(fdt, node, "reg", (uint32_t[4]){
		(uint32_t)(p->buid >> 32), (uint32_t)p->buid, 0, 0x1000 }, 4));
	TRY(fdt_setprop_u32(fdt, node, "#address-cells", 3));
	TRY(fdt_setprop_u32(fdt, node, "#size-cells", 2));
	TRY(fdt_setprop_u32(fdt, node, "#interrupt-cells", 1));
	TRY(fdt_setprop_cells(fdt, node, "bus-range", (uint32_t[2]){ 0, 0 }, 2));
	TRY(fdt_setprop_cells(fdt, node, "ranges", (uint32_t[14]){
		0x02000000, (uint32_t)(p->mmio32_bus >> 32), (uint32_t)p->mmio32_bus,
		(uint32_t)(p->mmio32_cpu >> 32), (uint32_t)p->mmio32_cpu,
		(uint32_t)(p->mmio32_size >> 32), (uint32_t)p->mmio32_size,
		/* 64-bit space: bus address = CPU address */
		0x03000000, (uint32_t)(p->mmio64_cpu >> 32), (uint32_t)p->mmio64_cpu,
		(uint32_t)(p->mmio64_cpu >> 32), (uint32_t)p->mmio64_cpu,
		(uint32_t)(p->mmio64_size >> 32), (uint32_t)p->mmio64_size }, 14));
	TRY(fdt_setprop_u32(fdt, node, "ibm,pci-config-space-type", 1));
	TRY(fdt_setprop_u32(fdt, node, "ibm,pe-total-#msi", p->msi_max * (p->nr_fns ? p->nr_fns : 1)));
	TRY(fdt_setprop_u32(fdt, node, "ibm,#dma-address-cells", 2));
	TRY(fdt_setprop_u32(fdt, node, "ibm,#dma-size-cells", 2));
	TRY(fdt_setprop_cells(fdt, node, "ibm,dma-window", (uint32_t[5]){ p->dma_liobn,
		(uint32_t)(p->dma_start >> 32), (uint32_t)p->dma_start,
		(uint32_t)(p->dma_size >> 32), (uint32_t)p->dma_size }, 5));
	TRY(emit_intx_map(fdt, node, p));
	if (p->ddw) {
		/* Linux looks for DDW on the node holding ibm,dma-window: the
		 * query, create and remove tokens, the reset token as extension 1. */
		TRY(fdt_setprop_cells(fdt, node, "ibm,ddw-applicable", (uint32_t[3]){
			p->ddw_query, p->ddw_create, p->ddw_remove }, 3));
		TRY(fdt_setprop_cells(fdt, node, "ibm,ddw-extensions", (uint32_t[2]){
			1, p->ddw_reset }, 2));
	}
	for (unsigned int i = 0; i < p->nr_fns; i++)
		TRY(emit_function(fdt, node, p, &p->fns[i]));
	return 0;
}
