/*
 * The PHB's device-tree node and a child node per function, from a plain
 * description (pure: unit-tested natively): reg, ranges, bus-range, the
 * default DMA window (ibm,dma-window), DDW's tokens when offered, and for
 * the function its IDs, class, MSI wishes and assigned BARs, read through
 * the config-space shadow.
 */
#ifndef PVMM_SPAPR_PHB_FDT_H
#define PVMM_SPAPR_PHB_FDT_H

#include <stdbool.h>
#include <stdint.h>

struct pci_config;

/* One function on the PHB: its config shadow, where it sits, its INTx. */
#define PHB_FDT_FNS_MAX		32

struct phb_fdt_fn {
	struct pci_config *cfg;
	uint8_t devfn;
	uint8_t intx_pin;			/* 1-4 if INTx is offered, else 0 */
	uint32_t intx_irq;			/* its level XICS source */
};

struct phb_fdt {
	uint64_t buid;
	uint64_t mmio32_bus, mmio32_cpu, mmio32_size;
	uint64_t mmio64_cpu, mmio64_size;
	uint32_t msi_max;			/* vectors per function */
	uint32_t dma_liobn;			/* the default window */
	uint64_t dma_start, dma_size;
	bool ddw;
	uint32_t ddw_query, ddw_create, ddw_remove, ddw_reset;	/* RTAS tokens */
	const struct phb_fdt_fn *fns;
	unsigned int nr_fns;
	uint32_t xics_phandle;
};

/* Adds pci@<buid> under root; returns 0 or a negative libfdt error. */
int phb_fdt_emit(void *fdt, int root, const struct phb_fdt *p);

#endif
