/* host_bind: records, plans, /proc parsing, and the sysfs side on a fake
 * tree (a temp dir as root: the kernel's reactions are played by the test). */
#include "test.h"
#include "host_bind.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define NIC "0000:01:00.0"
#define BRIDGE "0000:00:00.0"

static const struct bind_record sample = {
	.bdf = NIC, .group = 7, .driver = "e1000e", .override = "",
	.owner_pid = 4242, .owner_start = 123456789ULL,
};

TEST(bind_record_round_trip)
{
	char text[BIND_RECORD_MAX];
	struct bind_record back;

	CHECK_EQ(bind_record_format(&sample, text, sizeof(text)), 0);
	CHECK_STR_CONTAINS(text, "device=0000:01:00.0\n");
	CHECK_STR_CONTAINS(text, "driver=e1000e\n");
	CHECK_EQ(bind_record_parse(&back, text), 0);
	CHECK(!strcmp(back.bdf, NIC));
	CHECK_EQ(back.group, 7);
	CHECK(!strcmp(back.driver, "e1000e"));
	CHECK(!strcmp(back.override, ""));
	CHECK_EQ(back.owner_pid, 4242);
	CHECK_EQ(back.owner_start, 123456789ULL);
	CHECK_EQ(bind_record_format(&sample, text, 40), -ENOSPC);
}

TEST(bind_record_rejects_damage)
{
	struct bind_record r;

	CHECK_EQ(bind_record_parse(&r, ""), -EINVAL);
	CHECK_EQ(bind_record_parse(&r, "device=0000:01:00.0\ngroup=7\ndriver=e1000e\noverride=\n"
				   "owner_pid=4242\n"), -EINVAL);		/* no owner_start */
	CHECK_EQ(bind_record_parse(&r, "device=0000:01:00.0\ngroup=x\ndriver=e1000e\noverride=\n"
				   "owner_pid=4242\nowner_start=1\n"), -EINVAL);
	CHECK_EQ(bind_record_parse(&r, "device=01:00.0\ngroup=7\ndriver=e1000e\noverride=\n"
				   "owner_pid=4242\nowner_start=1\n"), -EINVAL);
	CHECK_EQ(bind_record_parse(&r, "device=0000:01:00.0\ngroup=7\ndriver=e1000e\noverride=\n"
				   "owner_pid=0\nowner_start=1\n"), -EINVAL);	/* no pid 0 */
	/* a driver name as long as the field does not fit */
	CHECK_EQ(bind_record_parse(&r, "device=0000:01:00.0\ngroup=7\ndriver="
				   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
				   "override=\nowner_pid=4\nowner_start=1\n"), -EINVAL);
}

TEST(bind_take_plans)
{
	struct bind_take_plan p;

	bind_take_plan("e1000e", "", &p);
	CHECK(p.change && p.set_override && p.unbind && p.probe);
	bind_take_plan("", "", &p);		/* no driver: nothing to unbind */
	CHECK(p.change && p.set_override && !p.unbind && p.probe);
	bind_take_plan("vfio-pci", "vfio-pci", &p);
	CHECK(!p.change);
	bind_take_plan("vfio-pci", "", &p);	/* bound by hand without override */
	CHECK(p.change && p.set_override && !p.unbind && !p.probe);
}

TEST(bind_restore_plans)
{
	struct bind_record rec = sample;
	struct bind_restore_plan p;

	bind_restore_plan(&rec, "vfio-pci", &p);
	CHECK(p.unbind_vfio && p.bind_driver && !p.foreign);
	bind_restore_plan(&rec, "", &p);	/* killed between unbind and probe */
	CHECK(!p.unbind_vfio && p.bind_driver && !p.foreign);
	bind_restore_plan(&rec, "e1000e", &p);	/* back already */
	CHECK(!p.unbind_vfio && !p.bind_driver && !p.foreign);
	bind_restore_plan(&rec, "igb", &p);	/* someone else took it */
	CHECK(!p.unbind_vfio && !p.bind_driver && p.foreign);
	rec.driver[0] = '\0';			/* it had no driver: stays without */
	bind_restore_plan(&rec, "vfio-pci", &p);
	CHECK(p.unbind_vfio && !p.bind_driver);
}

TEST(bind_bridges_stay)
{
	CHECK(bind_class_is_bridge(0x060400));
	CHECK(bind_class_is_bridge(0x060401));
	CHECK(!bind_class_is_bridge(0x020000));
	CHECK(!bind_class_is_bridge(0x010802));
	CHECK(!bind_class_is_bridge(0x060000));	/* a host bridge function */
}

static const char route4[] =
	"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
	"eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
	"eth1\t000033C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
	"eth2\t00000000\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\n";

TEST(bind_route4_default)
{
	CHECK(route4_default_via(route4, "eth0"));
	CHECK(!route4_default_via(route4, "eth1"));	/* a subnet route */
	CHECK(!route4_default_via(route4, "eth2"));	/* destination 0, mask not 0 */
	CHECK(!route4_default_via(route4, "eth"));
	CHECK(!route4_default_via("", "eth0"));
}

static const char route6[] =
	"00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
	"fe800000000000000000000000000001 00000400 00000001 00000000 00000003 eth3\n"
	"20010db8000000000000000000000000 40 00000000000000000000000000000000 00 "
	"00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth4\n"
	"00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
	"00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";

TEST(bind_route6_default)
{
	CHECK(route6_default_via(route6, "eth3"));
	CHECK(!route6_default_via(route6, "eth4"));	/* 2001:db8::/64 only */
	CHECK(!route6_default_via(route6, "lo"));	/* a rejecting route */
}

TEST(bind_mountinfo)
{
	static const char mi[] =
		"22 1 0:21 / /proc rw,nosuid shared:5 - proc proc rw\n"
		"27 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw\n"
		"28 27 259:1 / /boot/efi rw shared:2 - vfat /dev/nvme0n1p1 rw\n";
	char mnt[64];

	CHECK(mountinfo_find_dev(mi, 259, 1, mnt, sizeof(mnt)));
	CHECK(!strcmp(mnt, "/boot/efi"));
	CHECK(mountinfo_find_dev(mi, 259, 2, mnt, sizeof(mnt)));
	CHECK(!strcmp(mnt, "/"));
	CHECK(!mountinfo_find_dev(mi, 259, 3, mnt, sizeof(mnt)));
	CHECK(!mountinfo_find_dev(mi, 8, 0, mnt, sizeof(mnt)));
}

TEST(bind_proc_stat_starttime)
{
	unsigned long long t = 0;

	/* a comm with spaces and a ')' of its own */
	CHECK_EQ(proc_stat_starttime("77 (a b) c) S 1 77 77 0 -1 4194560 100 0 0 0 1 2 0 0 "
				     "20 0 1 0 98765 1000 10", &t), 0);
	CHECK_EQ(t, 98765ULL);
	CHECK_EQ(proc_stat_starttime("77 (pvmm) S 1 2 3", &t), -EINVAL);
	CHECK_EQ(proc_stat_starttime("garbage", &t), -EINVAL);
}

/* --- the fake sysfs tree --- */

static char root[] = "/tmp/pvmm-bind-XXXXXX";

static const char *at(const char *fmt, ...)
{
	static char bufs[4][512];
	static int next;
	char *b = bufs[next++ % 4];
	size_t rl = strlen(root);
	va_list ap;

	memcpy(b, root, rl);
	va_start(ap, fmt);
	vsnprintf(b + rl, sizeof(bufs[0]) - rl, fmt, ap);
	va_end(ap);
	return b;
}

static void mkdirs(const char *path)
{
	char p[512];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

static void put(const char *path, const char *text)
{
	FILE *f;
	char dir[512];

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static const char *slurp(const char *path)
{
	static char buf[1024];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static void relink(const char *target, const char *path)
{
	unlink(path);
	CHECK_EQ(symlink(target, path), 0);
}

static void remove_root(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd))
		printf("  could not remove %s\n", root);
}

/* NIC (e1000e, eth1) and a bridge in IOMMU group 7; vfio-pci loaded; no
 * route and nothing mounted through them. The sysfs write files are
 * plain files the test reads back. */
static void fake_host(void)
{
	char cmd[600];

	static int made;

	/* A flag, not the template's last letter: mkdtemp's name may end in X. */
	if (!made) {
		CHECK(mkdtemp(root) != NULL);
		atexit(remove_root);
		made = 1;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s/sys %s/dev %s/proc %s/run", root, root, root, root);
	CHECK_EQ(system(cmd), 0);
	const char *fns[] = { NIC, BRIDGE };
	const char *cls[] = { "0x020000\n", "0x060400\n" };
	const char *drv[] = { "e1000e", "pcieport" };
	for (int i = 0; i < 2; i++) {
		mkdirs(at("/sys/bus/pci/devices/%s", fns[i]));
		put(at("/sys/bus/pci/devices/%s/class", fns[i]), cls[i]);
		put(at("/sys/bus/pci/devices/%s/driver_override", fns[i]), "(null)\n");
		relink("../../../../kernel/iommu_groups/7", at("/sys/bus/pci/devices/%s/iommu_group", fns[i]));
		relink(drv[i][0] == 'e' ? "../../../../bus/pci/drivers/e1000e" : "../../../../bus/pci/drivers/pcieport",
		       at("/sys/bus/pci/devices/%s/driver", fns[i]));
		mkdirs(at("/sys/kernel/iommu_groups/7/devices/%s", fns[i]));
	}
	mkdirs(at("/sys/bus/pci/devices/%s/net/eth1", NIC));
	mkdirs(at("/sys/class/net/eth1"));
	for (int i = 0; i < 3; i++) {
		const char *d = (const char *[]){ "e1000e", "vfio-pci", "pcieport" }[i];
		put(at("/sys/bus/pci/drivers/%s/bind", d), "");
		put(at("/sys/bus/pci/drivers/%s/unbind", d), "");
	}
	put(at("/sys/bus/pci/drivers_probe"), "");
	put(at("/proc/net/route"), route4);	/* default via eth0, not eth1 */
	put(at("/proc/net/ipv6_route"), route6);
	put(at("/proc/self/mountinfo"), "27 1 259:2 / / rw - ext4 /dev/sda2 rw\n");
	mkdirs(at("/dev/vfio"));
}

static struct host_bind hb;

/* Take NIC: the writes and the record; the wait times out until the "kernel"
 * binds vfio-pci and makes /dev/vfio/7; giving back does the reverse
 * writes, and a function that did not come back keeps its record, which
 * pvmm unbind uses once the owner is gone. */
TEST(bind_take_wait_give_back)
{
	fake_host();
	host_bind_init(&hb, root);
	hb.wait_ms = 0;
	CHECK_EQ(host_bind_group_of(root, NIC), 7);
	CHECK_EQ(host_bind_check_unused(&hb, NIC), 0);
	CHECK_EQ(host_bind_take(&hb, NIC, 7), 0);
	CHECK_EQ(host_bind_take(&hb, BRIDGE, 7), 0);	/* left alone */
	CHECK_EQ(hb.nr, 1u);
	CHECK(!strcmp(slurp(at("/sys/bus/pci/devices/%s/driver_override", NIC)), "vfio-pci"));
	CHECK(!strcmp(slurp(at("/sys/bus/pci/drivers/e1000e/unbind")), NIC));
	CHECK(!strcmp(slurp(at("/sys/bus/pci/drivers_probe")), NIC));
	CHECK(!strcmp(slurp(at("/sys/bus/pci/devices/%s/driver_override", BRIDGE)), "(null)\n"));
	CHECK_STR_CONTAINS(slurp(at("/run/pvmm/bind/%s", NIC)), "driver=e1000e\n");
	CHECK_STR_CONTAINS(slurp(at("/run/pvmm/bind/%s", NIC)), "group=7\n");
	CHECK(access(at("/run/pvmm/bind/%s", BRIDGE), F_OK) != 0);

	CHECK_EQ(host_bind_wait(&hb, NIC, 7), -ETIMEDOUT);	/* still on e1000e */
	relink("../../../../bus/pci/drivers/vfio-pci", at("/sys/bus/pci/devices/%s/driver", NIC));
	CHECK_EQ(host_bind_wait(&hb, NIC, 7), -ETIMEDOUT);	/* no /dev/vfio/7 yet */
	put(at("/dev/vfio/7"), "");
	CHECK_EQ(host_bind_wait(&hb, NIC, 7), 0);

	/* a running owner (this process) keeps pvmm unbind off */
	CHECK_EQ(host_unbind(root, NIC), -EBUSY);

	/* The fake kernel does not rebind: the writes are there, the function
	 * is reported not back, and its record stays. */
	CHECK_EQ(host_bind_restore_all(&hb), -EIO);
	CHECK_EQ(hb.nr, 0u);
	CHECK(!strcmp(slurp(at("/sys/bus/pci/devices/%s/driver_override", NIC)), "\n"));
	CHECK(!strcmp(slurp(at("/sys/bus/pci/drivers/vfio-pci/unbind")), NIC));
	CHECK(!strcmp(slurp(at("/sys/bus/pci/drivers/e1000e/bind")), NIC));
	CHECK(access(at("/run/pvmm/bind/%s", NIC), F_OK) == 0);

	/* The record's owner gone (another pid), the device back on e1000e:
	 * pvmm unbind restores the override alone and drops the record. */
	put(at("/run/pvmm/bind/%s", NIC), "device=" NIC "\ngroup=7\ndriver=e1000e\noverride=\n"
	    "owner_pid=999999\nowner_start=1\n");
	relink("../../../../bus/pci/drivers/e1000e", at("/sys/bus/pci/devices/%s/driver", NIC));
	put(at("/sys/bus/pci/drivers/e1000e/bind"), "");
	CHECK_EQ(host_unbind(root, NIC), 0);
	CHECK(access(at("/run/pvmm/bind/%s", NIC), F_OK) != 0);
	CHECK(!strcmp(slurp(at("/sys/bus/pci/drivers/e1000e/bind")), ""));	/* no rebind needed */
	CHECK_EQ(host_unbind(root, NIC), -ENOENT);
}

/* After a SIGKILL: the device still on vfio-pci, the record of a dead pvmm.
 * The next --bind run takes the record over (the driver from before stays
 * e1000e); a live owner's record refuses. */
TEST(bind_takes_over_a_dead_owners_record)
{
	fake_host();
	host_bind_init(&hb, root);
	relink("../../../../bus/pci/drivers/vfio-pci", at("/sys/bus/pci/devices/%s/driver", NIC));
	put(at("/sys/bus/pci/devices/%s/driver_override", NIC), "vfio-pci\n");
	put(at("/run/pvmm/bind/%s", NIC), "device=" NIC "\ngroup=7\ndriver=e1000e\noverride=\n"
	    "owner_pid=999999\nowner_start=1\n");
	CHECK_EQ(host_bind_take(&hb, NIC, 7), 0);
	CHECK_EQ(hb.nr, 1u);
	CHECK(!strcmp(hb.recs[0].driver, "e1000e"));
	CHECK_EQ(hb.recs[0].owner_pid, (long)getpid());
	CHECK(!strcmp(slurp(at("/sys/bus/pci/drivers/e1000e/unbind")), ""));	/* nothing to unbind */
	CHECK_STR_CONTAINS(slurp(at("/run/pvmm/bind/%s", NIC)), "driver=e1000e\n");

	/* another pvmm (a live pid with that start time) holds it */
	host_bind_init(&hb, root);
	put(at("/proc/4242/stat"), "4242 (pvmm) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5555 0 0\n");
	put(at("/run/pvmm/bind/%s", NIC), "device=" NIC "\ngroup=7\ndriver=e1000e\noverride=\n"
	    "owner_pid=4242\nowner_start=5555\n");
	CHECK_EQ(host_bind_take(&hb, NIC, 7), -EBUSY);
	CHECK_EQ(hb.nr, 0u);
	CHECK_EQ(host_unbind(root, NIC), -EBUSY);
	/* the same pid with another start time is another process: gone */
	put(at("/proc/4242/stat"), "4242 (sh) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 6666 0 0\n");
	CHECK_EQ(host_unbind(root, NIC), -EIO);		/* tried: the fake kernel does not rebind */
	CHECK(!strcmp(slurp(at("/sys/bus/pci/drivers/vfio-pci/unbind")), NIC));
}

/* The host's default route or a mounted filesystem through the device:
 * refused before anything is written, unless forced. */
TEST(bind_refuses_what_the_host_uses)
{
	fake_host();
	host_bind_init(&hb, root);
	hb.wait_ms = 0;
	put(at("/proc/net/route"), "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n"
	    "eth1\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\n");
	CHECK_EQ(host_bind_check_unused(&hb, NIC), -EBUSY);
	CHECK_EQ(host_bind_device(&hb, NIC), -EBUSY);
	CHECK(!strcmp(slurp(at("/sys/bus/pci/devices/%s/driver_override", NIC)), "(null)\n"));
	CHECK(access(at("/run/pvmm/bind/%s", NIC), F_OK) != 0);

	/* through a bridge stacked on eth1 */
	put(at("/proc/net/route"), "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n"
	    "br0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\n");
	mkdirs(at("/sys/class/net/br0"));
	CHECK_EQ(host_bind_check_unused(&hb, NIC), 0);
	relink("../br0", at("/sys/class/net/eth1/upper_br0"));
	CHECK_EQ(host_bind_check_unused(&hb, NIC), -EBUSY);
	put(at("/proc/net/route"), "");

	/* a partition of a disk below the function, mounted */
	put(at("/sys/devices/pci0000:00/%s/nvme/nvme0/nvme0n1/dev", NIC), "259:0\n");
	put(at("/sys/devices/pci0000:00/%s/nvme/nvme0/nvme0n1/nvme0n1p1/dev", NIC), "259:1\n");
	mkdirs(at("/sys/class/block"));
	relink("../../devices/pci0000:00/" NIC "/nvme/nvme0/nvme0n1", at("/sys/class/block/nvme0n1"));
	relink("../../devices/pci0000:00/" NIC "/nvme/nvme0/nvme0n1/nvme0n1p1", at("/sys/class/block/nvme0n1p1"));
	CHECK_EQ(host_bind_check_unused(&hb, NIC), 0);	/* only 259:2 is mounted */
	put(at("/proc/self/mountinfo"), "27 1 259:1 / /data rw - ext4 /dev/nvme0n1p1 rw\n");
	CHECK_EQ(host_bind_check_unused(&hb, NIC), -EBUSY);

	/* forced: taken, then the wait (the fake kernel never binds) */
	hb.force = true;
	CHECK_EQ(host_bind_device(&hb, NIC), -ETIMEDOUT);
	CHECK(!strcmp(slurp(at("/sys/bus/pci/devices/%s/driver_override", NIC)), "vfio-pci"));
	CHECK_EQ(hb.nr, 1u);
	hb.nr = 0;
}

/* What vfio_group_of asks of sysfs, with and without --bind: the bridge
 * stays on pcieport (or on nothing) and the group is viable once NIC is on
 * vfio-pci; NIC on e1000e is named. */
TEST(group_viable_beside_a_bridge)
{
	fake_host();
	CHECK_EQ(host_group_viable(root, NIC), -EBUSY);		/* NIC on e1000e */
	relink("../../../../bus/pci/drivers/vfio-pci", at("/sys/bus/pci/devices/%s/driver", NIC));
	CHECK_EQ(host_group_viable(root, NIC), 7);		/* bridge on pcieport */
	unlink(at("/sys/bus/pci/devices/%s/driver", BRIDGE));
	CHECK_EQ(host_group_viable(root, NIC), 7);		/* bridge on no driver */
	relink("../../../../bus/pci/drivers/shpchp", at("/sys/bus/pci/devices/%s/driver", BRIDGE));
	CHECK_EQ(host_group_viable(root, NIC), -EBUSY);
	CHECK_EQ(host_group_viable(root, BRIDGE), -EINVAL);	/* never for vfio-pci */
	CHECK_EQ(host_group_viable(root, "0000:09:00.0"), -ENODEV);

	/* --bind takes NIC and leaves the bridge on pcieport; then viable */
	fake_host();
	host_bind_init(&hb, root);
	hb.wait_ms = 0;
	CHECK_EQ(host_bind_take(&hb, NIC, 7), 0);
	CHECK_EQ(host_bind_take(&hb, BRIDGE, 7), 0);
	relink("../../../../bus/pci/drivers/vfio-pci", at("/sys/bus/pci/devices/%s/driver", NIC));
	put(at("/dev/vfio/7"), "");
	CHECK_EQ(host_bind_wait(&hb, NIC, 7), 0);
	CHECK(!strcmp(slurp(at("/sys/bus/pci/devices/%s/driver_override", BRIDGE)), "(null)\n"));
	CHECK_EQ(host_group_viable(root, NIC), 7);
	hb.nr = 0;
}
