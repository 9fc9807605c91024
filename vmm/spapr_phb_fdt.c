/* The PHB's device-tree node (see spapr_phb_fdt.h). */
#include "spapr_phb_fdt.h"
#include "fdt_builder.h"
#include "pci_config.h"

#include <stdio.h>
#include <libfdt.h>

#define TRY(x) do { int _r = (x); if (_r < 0) return _r; } while (0)

static uint32_t cfg_read(struct pci_config *cfg, uint32_t off, uint32_t len)
{
	uint32_t v = 0;

	pci_config_read(cfg, off, len, &v);
	return v;
}

static int emit_function(void *fdt, int phb_node, const struct phb_fdt *p)
{
	struct pci_config *cfg = p->cfg;
	uint32_t assigned[PCI_NUM_BARS * 5];
	uint32_t class = cfg_read(cfg, 0x08, 4) >> 8;
	int node, n = 0;

	node = fdt_add_subnode(fdt, phb_node, (class >> 16) == 0x02 ? "ethernet@0" : "device@0");
	TRY(node);
	TRY(fdt_setprop_cells(fdt, node, "reg", (uint32_t[5]){ 0, 0, 0, 0, 0 }, 5));	/* bus 0, devfn 0 */
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
	if (p->intx_pin)
		TRY(fdt_setprop_u32(fdt, node, "interrupts", p->intx_pin));
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		const struct pci_bar *b = &cfg->bars[i];
		if (!b->size)
			continue;
		/* phys.hi: relocatable memory space, 32/64-bit, register offset */
		assigned[n++] = (b->is64 ? 0x83000000 : 0x82000000) | (0x10 + 4 * i);
		assigned[n++] = (uint32_t)(b->addr >> 32);
		assigned[n++] = (uint32_t)b->addr;
		assigned[n++] = (uint32_t)(b->size >> 32);
		assigned[n++] = (uint32_t)b->size;
	}
	return fdt_setprop_cells(fdt, node, "assigned-addresses", assigned, n);
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
	TRY(fdt_setprop_u32(fdt, node, "ibm,pe-total-#msi", p->msi_max));
	TRY(fdt_setprop_u32(fdt, node, "ibm,#dma-address-cells", 2));
	TRY(fdt_setprop_u32(fdt, node, "ibm,#dma-size-cells", 2));
	TRY(fdt_setprop_cells(fdt, node, "ibm,dma-window", (uint32_t[5]){ p->dma_liobn,
		(uint32_t)(p->dma_start >> 32), (uint32_t)p->dma_start,
		(uint32_t)(p->dma_size >> 32), (uint32_t)p->dma_size }, 5));
	if (p->intx_pin) {
		/* (devfn 0, pin) -> the level XICS source: device bits and pin matter */
		TRY(fdt_setprop_cells(fdt, node, "interrupt-map-mask", (uint32_t[4]){
			0xf800, 0, 0, 0xffffffff }, 4));
		TRY(fdt_setprop_cells(fdt, node, "interrupt-map", (uint32_t[7]){
			0, 0, 0, p->intx_pin, p->xics_phandle, p->intx_irq, 1 }, 7));
	}
	if (p->ddw) {
		/* Linux looks for DDW on the node holding ibm,dma-window: the
		 * query, create and remove tokens, the reset token as extension 1. */
		TRY(fdt_setprop_cells(fdt, node, "ibm,ddw-applicable", (uint32_t[3]){
			p->ddw_query, p->ddw_create, p->ddw_remove }, 3));
		TRY(fdt_setprop_cells(fdt, node, "ibm,ddw-extensions", (uint32_t[2]){
			1, p->ddw_reset }, 2));
	}
	return emit_function(fdt, node, p);
}
