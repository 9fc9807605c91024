/*
 * The PHB's device-tree node and a child node per function, from a plain
 * description (pure: unit-tested natively): reg, ranges, bus-range, the
 * default DMA window (ibm,dma-window), DDW's tokens when offered, and for
 * the function its IDs, class, MSI wishes, its regions' sizes (reg) and
 * assigned BARs, read through the config-space shadow.
 */
#ifndef PVMM_SPAPR_PHB_FDT_H
#define PVMM_SPAPR_PHB_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pci_config;

/* One function on the PHB: its config shadow, where it sits, its INTx. */
struct phb_fdt_fn {
	struct pci_config *cfg;
	uint8_t devfn;
	uint8_t intx_pin;			/* 1-4 if INTx is offered, else 0 */
	uint32_t intx_irq;			/* its level XICS source */
	const char *name;			/* host BDF, for errors (NULL: devfn) */
	/* The expansion ROM BAR, a 32-bit memory region after the six BARs;
	 * size 0: none (pvmm hides host ROMs today: pci_config.h). */
	uint64_t rom_addr, rom_size;
};

struct phb_fdt {
	unsigned int index;			/* for errors */
	uint64_t buid;
	uint64_t mmio32_bus, mmio32_cpu, mmio32_size;
	uint64_t mmio64_cpu, mmio64_size;
	/* XICS sources the VM's pool holds for MSIs: ibm,pe-total-#msi, the
	 * functions' vectors summed, is never more. */
	uint32_t msi_sources;
	uint32_t dma_liobn;			/* the default window */
	uint64_t dma_start, dma_size;
	bool ddw;
	uint32_t ddw_query, ddw_create, ddw_remove, ddw_reset;	/* RTAS tokens */
	const struct phb_fdt_fn *fns;
	unsigned int nr_fns;
	uint32_t xics_phandle;
};

/* Adds pci@<buid> under root, any number of functions, each with all its
 * BARs. Returns 0 or a negative errno, said in one line naming the PHB
 * and the function (-ENOSPC: the tree's buffer is too small). */
int phb_fdt_emit(void *fdt, int root, const struct phb_fdt *p);
/* Bytes enough for nr_phbs PHB nodes holding nr_fns functions in all,
 * each function with six BARs, a ROM, MSI, MSI-X and INTx. */
size_t phb_fdt_size_bound(unsigned int nr_phbs, unsigned int nr_fns);

#endif
