/*
 * What each guest PHB gets and how its addresses decode (pure: unit-tested
 * and fuzzed natively). Each PHB's resources follow from its index alone:
 * BUID, MMIO windows, LIOBNs (as QEMU's SPAPR_PCI_LIOBN(index, n)).
 */
#ifndef PVMM_PHB_ADDR_H
#define PVMM_PHB_ADDR_H

#include <stdint.h>

/* A guest PHB's fixed resources, by index. */
struct phb_res {
	uint64_t buid;
	uint64_t mmio32_bus, mmio32_cpu, mmio32_size;
	uint64_t mmio64_cpu, mmio64_size;
	uint32_t liobn;			/* window n has liobn + n */
};
struct phb_res phb_res_of(unsigned int index);
/* The PHB index a LIOBN belongs to, or -1. */
int phb_index_of_liobn(uint32_t liobn);

/* A PAPR config address: reserved bits and buses other than 0 are
 * hardware errors; returns the RTAS status, *devfn and *reg. */
int pci_cfg_addr_decode(uint32_t addr, uint8_t *devfn, uint32_t *reg);

/* The default DMA window: big enough for all of RAM (at least 256 MiB),
 * never bigger than the host's 32-bit window. */
uint64_t dma_window_size(uint64_t ram_size, uint64_t host_dma32_size);

/* MSI vectors a guest gets for what it asked: at most what the function
 * has (the XICS pool may give fewer still: vfio_pci_set_msi). */
unsigned int msi_vectors(uint32_t want, unsigned int dev_max);

/* BARs in a window: naturally aligned, from *next upwards. */
int bar_place(uint64_t *next, uint64_t end, uint64_t size, uint64_t *addr);

#endif
