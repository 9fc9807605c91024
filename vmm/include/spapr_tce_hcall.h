/*
 * The TCE hcalls, routed by LIOBN to the window they name: the LIOBN
 * encodes its PHB's index (pci_place.h), the VM lists each PHB's DMA by
 * index, and the PHB's lock serialises the calls on its windows. So one
 * PHB's TCE hcalls never wait for another PHB's VFIO calls or RAM pin
 * wait, and there is no registry to run out of. Pure: the table work is
 * tce.c's, the host side the window's ops.
 */
#ifndef PVMM_SPAPR_TCE_HCALL_H
#define PVMM_SPAPR_TCE_HCALL_H

#include <stdint.h>

struct vm;
struct phb_dma;

/* The PHB DMA liobn belongs to, or NULL (not a PHB's LIOBN, no such PHB). */
struct phb_dma *spapr_tce_phb_of(struct vm *vm, uint64_t liobn);
int spapr_tce_register_calls(void);

#endif
