/*
 * Whether VFIO will hand out an IOMMU group, decided from what sysfs shows
 * of its functions (their drivers and classes), before pvmm opens it: the
 * kernel's own answer is one -EBUSY for the whole group, this names the
 * function in the way and says what to do about it. Pure: the reading is
 * host_group_viable (host_bind.c), the ioctls are vfio.c's.
 *
 * The rule is the kernel's since 5.19 (the IOMMU core's DMA ownership,
 * asked at VFIO_GROUP_SET_CONTAINER): a group is viable while every
 * function in it is on no driver or on a driver that does no DMA of its
 * own (driver_managed_dma): vfio-pci, pcieport (PCIe ports), pci-stub.
 * Older kernels' vfio allowed these too (pci-stub by name, any driver on
 * a bridge). The function passed must be on vfio-pci itself, which takes
 * no bridges: a bridge is never sent there.
 */
#ifndef PVMM_VFIO_VIABLE_H
#define PVMM_VFIO_VIABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host_bind.h"		/* the driver names, bind_class_is_bridge */

#define VFIO_GROUP_FNS_MAX	256	/* functions read of one group */

/* One function of an IOMMU group, as sysfs shows it. */
struct vfio_group_fn {
	char bdf[BDF_LEN];
	char driver[BIND_DRIVER_LEN];		/* "" when none */
	uint32_t class_code;			/* 24-bit class, e.g. 0x060400 */
};

/* A driver VFIO lets stay bound beside the functions it hands out. */
bool vfio_driver_shares_group(const char *driver);

/* 0 (why "") if VFIO hands out bdf's group with fns[0..n) on their
 * drivers and bdf on vfio-pci. Otherwise one line in why naming the
 * function in the way, its driver and what to do, and -EBUSY (a driver in
 * the way, bdf not on vfio-pci), -EINVAL (bdf is a bridge) or -ENODEV (bdf
 * is not among fns). */
int vfio_group_viable(const char *bdf, int group, const struct vfio_group_fn *fns, int n,
		      char *why, size_t len);

#endif
