/*
 * Where passthrough functions go in the guest, and what each guest PHB
 * gets (pure: unit-tested and fuzzed natively). By default one guest PHB
 * per host IOMMU group, as QEMU's pseries does; phb=N puts several groups
 * on one PHB. Each PHB's resources follow from its index (phb_addr.h).
 */
#ifndef PVMM_PCI_PLACE_H
#define PVMM_PCI_PLACE_H

#include <stddef.h>
#include <stdint.h>

#include "phb_addr.h"

#define PHB_SLOTS		32

/* One function to place: its host address, IOMMU group and the guest PHB
 * the user asked for (-1: by group). */
struct place_fn {
	unsigned int host_slot, host_fn;
	int group;
	int phb;
	const char *name;		/* BDF, for errors */
};

struct place_out {
	unsigned int phb;		/* guest PHB index */
	uint8_t devfn;			/* guest slot << 3 | function */
};

/* Fills out[i] for each fn[i]; all functions of one group land on one PHB
 * (a group lives in one container), keeping their function numbers and,
 * where free, their slot. Returns 0 or -EINVAL/-ENOSPC with err filled. */
int pci_place(const struct place_fn *fn, unsigned int n, unsigned int max_phbs,
	      struct place_out *out, char *err, size_t errlen);

#endif
