/* Whether VFIO hands out an IOMMU group, from its functions' drivers (see vfio_viable.h). */
#include "vfio_viable.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The drivers the kernel marks driver_managed_dma: they do no DMA through
 * the group's IOMMU, so a function on one of them does not keep the group
 * from a user. Any other driver does. */
static const char *const group_sharing_drivers[] = { BIND_VFIO_DRIVER, "pcieport", "pci-stub" };

bool vfio_driver_shares_group(const char *driver)
{
	if (!driver[0])
		return true;			/* nothing bound, nothing doing DMA */
	for (size_t i = 0; i < ARRAY_SIZE(group_sharing_drivers); i++)
		if (!strcmp(driver, group_sharing_drivers[i]))
			return true;
	return false;
}

static const struct vfio_group_fn *find_fn(const struct vfio_group_fn *fns, int n, const char *bdf)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(fns[i].bdf, bdf))
			return &fns[i];
	return NULL;
}

/* The function passed must be a VFIO device itself: on vfio-pci, which
 * binds no bridges, so a bridge is never sent there. */
static int passed_fn_usable(const struct vfio_group_fn *f, char *why, size_t len)
{
	if (bind_class_is_bridge(f->class_code)) {
		snprintf(why, len, "%s: a PCI bridge (on %s), which vfio-pci does not take: "
			 "pass the functions behind it", f->bdf, f->driver[0] ? f->driver : "no driver");
		return -EINVAL;
	}
	if (strcmp(f->driver, BIND_VFIO_DRIVER)) {
		snprintf(why, len, "%s: bound to %s, not vfio-pci (echo vfio-pci > "
			 "/sys/bus/pci/devices/%s/driver_override; unbind; reprobe; or --bind)",
			 f->bdf, f->driver[0] ? f->driver : "no driver", f->bdf);
		return -EBUSY;
	}
	return 0;
}

/* Another function of the group on a driver that does DMA: a bridge is to
 * be unbound (no driver is fine, vfio-pci would refuse it), any other
 * function moved to vfio-pci. */
static void name_other_fn(const char *bdf, int group, const struct vfio_group_fn *f,
			  char *why, size_t len)
{
	if (bind_class_is_bridge(f->class_code))
		snprintf(why, len, "%s: IOMMU group %d also holds the bridge %s, bound to %s, which VFIO "
			 "does not accept beside a device it hands out (echo %s > /sys/bus/pci/drivers/%s/unbind; "
			 "vfio-pci takes no bridges)", bdf, group, f->bdf, f->driver, f->bdf, f->driver);
	else
		snprintf(why, len, "%s: IOMMU group %d also holds %s, bound to %s, not vfio-pci "
			 "(echo vfio-pci > /sys/bus/pci/devices/%s/driver_override; unbind; reprobe)",
			 bdf, group, f->bdf, f->driver, f->bdf);
}

int vfio_group_viable(const char *bdf, int group, const struct vfio_group_fn *fns, int n,
		      char *why, size_t len)
{
	const struct vfio_group_fn *self = find_fn(fns, n, bdf);
	int r;

	why[0] = '\0';
	if (!self) {
		snprintf(why, len, "%s: not among the functions of IOMMU group %d", bdf, group);
		return -ENODEV;
	}
	r = passed_fn_usable(self, why, len);
	for (int i = 0; i < n && !r; i++) {
		if (vfio_driver_shares_group(fns[i].driver))
			continue;
		name_other_fn(bdf, group, &fns[i], why, len);
		r = -EBUSY;
	}
	return r;
}
