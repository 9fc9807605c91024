/*
 * A guest PCI host bridge (PHB): one PE with its own BUID, MMIO windows,
 * DMA windows (spapr_phb_dma.h) and functions (vfio_pci.h). RTAS config
 * access is routed by BUID and devfn; every RTAS call on a PHB (config,
 * MSI, DDW) runs under the PHB's lock, since vcpus call at once.
 */
#ifndef PVMM_SPAPR_PHB_H
#define PVMM_SPAPR_PHB_H

#include <pthread.h>
#include <stdint.h>

#include "pci_place.h"
#include "spapr_eeh.h"
#include "spapr_phb_dma.h"
#include "vfio_pci.h"
#include "vfio_req.h"

struct vm;

#define PHB_FUNCS_MAX		PCI_DEVS_MAX

struct spapr_phb {
	struct vm *vm;
	unsigned int index;
	struct phb_res res;
	pthread_mutex_t lock;
	struct phb_dma dma;
	struct bar_windows bars;	/* where its functions' BARs go next */
	struct vfio_pci *fns[PHB_FUNCS_MAX];
	unsigned int nr_fns;
	struct spapr_eeh eeh;		/* its PE's EEH (spapr_phb_eeh.c) */
	struct vfio_req_watch req;	/* the host asking for its functions back */
	bool set_up;
};

int spapr_phb_register_calls(void);
/* The PHB whose BUID is buid, or NULL. */
struct spapr_phb *spapr_phb_by_buid(struct vm *vm, uint64_t buid);
/* EEH (spapr_phb_eeh.c): whether the PHB offers it, decided once its
 * groups and functions are in; the RTAS calls, registered when a PHB of
 * the VM offers it. */
void spapr_phb_eeh_setup(struct spapr_phb *phb);
int spapr_phb_eeh_register_calls(void);
/* Place the configured functions on guest PHBs and register each PHB as
 * a device of the VM (set up through the device list). */
int spapr_phbs_create(struct vm *vm);

#endif
