/* vfio_viable: which drivers VFIO accepts in a group it hands out, and the
 * one line naming the function in the way (the sysfs side is in
 * test_host_bind.c, on its fake tree). */
#include "test.h"
#include "vfio_viable.h"

#include <errno.h>

#define EP0 "0000:01:00.0"
#define EP1 "0000:01:00.1"
#define PORT "0000:00:00.0"

TEST(vfio_sharing_drivers)
{
	CHECK(vfio_driver_shares_group(""));
	CHECK(vfio_driver_shares_group("vfio-pci"));
	CHECK(vfio_driver_shares_group("pcieport"));
	CHECK(vfio_driver_shares_group("pci-stub"));
	CHECK(!vfio_driver_shares_group("e1000e"));
	CHECK(!vfio_driver_shares_group("shpchp"));	/* a bridge's, not driver_managed_dma */
	CHECK(!vfio_driver_shares_group("vfio"));	/* whole names only */
}

/* An endpoint on vfio-pci and a PCIe port on pcieport, or on nothing: viable. */
TEST(vfio_group_with_a_port_is_viable)
{
	struct vfio_group_fn fns[] = {
		{ PORT, "pcieport", 0x060400 },
		{ EP0, "vfio-pci", 0x020000 },
	};
	char why[512];

	CHECK_EQ(vfio_group_viable(EP0, 7, fns, 2, why, sizeof(why)), 0);
	CHECK(!strcmp(why, ""));
	fns[0].driver[0] = '\0';
	CHECK_EQ(vfio_group_viable(EP0, 7, fns, 2, why, sizeof(why)), 0);
	snprintf(fns[0].driver, sizeof(fns[0].driver), "pci-stub");
	CHECK_EQ(vfio_group_viable(EP0, 7, fns, 2, why, sizeof(why)), 0);
}

/* Another endpoint on a host driver: the existing line, naming it. */
TEST(vfio_group_refuses_a_host_driver)
{
	struct vfio_group_fn fns[] = {
		{ EP0, "vfio-pci", 0x020000 },
		{ PORT, "pcieport", 0x060400 },
		{ EP1, "e1000e", 0x020000 },
	};
	char why[512];

	CHECK_EQ(vfio_group_viable(EP0, 7, fns, 3, why, sizeof(why)), -EBUSY);
	CHECK_STR_CONTAINS(why, EP0 ": IOMMU group 7 also holds " EP1 ", bound to e1000e, not vfio-pci");
	CHECK_STR_CONTAINS(why, "/sys/bus/pci/devices/" EP1 "/driver_override");
	CHECK(!strstr(why, PORT));
}

/* The function passed must itself be on vfio-pci (with a driver or none). */
TEST(vfio_group_passed_fn_on_vfio_pci)
{
	struct vfio_group_fn fns[] = {
		{ EP0, "e1000e", 0x020000 },
		{ PORT, "pcieport", 0x060400 },
	};
	char why[512];

	CHECK_EQ(vfio_group_viable(EP0, 7, fns, 2, why, sizeof(why)), -EBUSY);
	CHECK_STR_CONTAINS(why, EP0 ": bound to e1000e, not vfio-pci");
	fns[0].driver[0] = '\0';
	CHECK_EQ(vfio_group_viable(EP0, 7, fns, 2, why, sizeof(why)), -EBUSY);
	CHECK_STR_CONTAINS(why, EP0 ": bound to no driver, not vfio-pci");
	CHECK_EQ(vfio_group_viable(EP1, 7, fns, 2, why, sizeof(why)), -ENODEV);
	CHECK_STR_CONTAINS(why, EP1 ": not among the functions of IOMMU group 7");
}

/* A bridge is never sent to vfio-pci, which refuses bridges: one on a
 * driver VFIO does not accept is to be unbound, one passed is refused. */
TEST(vfio_group_never_asks_vfio_pci_for_a_bridge)
{
	struct vfio_group_fn fns[] = {
		{ EP0, "vfio-pci", 0x020000 },
		{ PORT, "shpchp", 0x060400 },
	};
	char why[512];

	CHECK_EQ(vfio_group_viable(EP0, 7, fns, 2, why, sizeof(why)), -EBUSY);
	CHECK_STR_CONTAINS(why, "also holds the bridge " PORT ", bound to shpchp");
	CHECK_STR_CONTAINS(why, "echo " PORT " > /sys/bus/pci/drivers/shpchp/unbind");
	CHECK(!strstr(why, "driver_override"));
	snprintf(fns[1].driver, sizeof(fns[1].driver), "pcieport");
	CHECK_EQ(vfio_group_viable(PORT, 7, fns, 2, why, sizeof(why)), -EINVAL);
	CHECK_STR_CONTAINS(why, PORT ": a PCI bridge (on pcieport), which vfio-pci does not take");
	CHECK(!strstr(why, "driver_override"));
}
