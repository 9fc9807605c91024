/*
 * What each guest PHB gets and how its addresses decode (pure: unit-tested
 * and fuzzed natively). Each PHB's resources follow from its index alone:
 * BUID, MMIO windows, LIOBNs (as QEMU's SPAPR_PCI_LIOBN(index, n)).
 */
#ifndef PVMM_PHB_ADDR_H
#define PVMM_PHB_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pci_config.h"

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

/* One MMIO window of a PHB as BAR placement fills it: bus addresses from
 * next up to end; guest physical = bus + cpu_minus_bus. */
struct mmio_window {
	uint64_t next, end;
	uint64_t cpu_minus_bus;
};

/*
 * A PHB's two windows, as QEMU's pseries has them: mem32 at bus 2-4 GiB
 * (what a 32-bit BAR register can hold), mem64 above 4 GiB with bus
 * address = CPU address (ranges' 0x03000000 entry).
 */
struct bar_windows {
	struct mmio_window mem32, mem64;
};
struct bar_windows bar_windows_of(const struct phb_res *r);
/* Whether gpa lies in one of the PHB's MMIO windows. */
bool phb_mmio_contains(const struct phb_res *r, uint64_t gpa);

/* Where a BAR went: its bus address (the BAR register's) and guest physical. */
struct bar_addr {
	uint64_t bus, gpa;
};

/*
 * A function's memory BARs (size 0: none) into the PHB's windows, largest
 * first (alignment wastes least), each naturally aligned: a 64-bit BAR in
 * mem64 at any size it holds, or in mem32 when mem64 is full; a 32-bit BAR
 * in mem32. Fills at[i] for each BAR and advances *w. Returns 0, or
 * -ENOSPC (a BAR fits no window it may use) / -EINVAL (a size not a power
 * of two) with err one line naming the function (name), the BAR and its
 * size, and *w unchanged.
 */
int bars_place(struct bar_windows *w, const struct pci_bar bars[PCI_NUM_BARS], const char *name,
	       struct bar_addr at[PCI_NUM_BARS], char *err, size_t errlen);

#endif
