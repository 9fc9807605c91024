/*
 * Managed devices, the sysfs half (see host_bind.h): every path is under
 * hb->root, so that the unit tests run it on a directory tree of their own.
 * The kernel's side is the sysfs way of moving a function between drivers:
 * driver_override, <driver>/unbind, drivers_probe, <driver>/bind.
 */
#include "host_bind.h"
#include "util.h"
#include "vfio_viable.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define POLL_MS		20
#define UPPER_DEPTH	4	/* bridge over bond over NIC, and so on */

static int pathf(char *out, size_t len, const char *root, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int pathf(char *out, size_t len, const char *root, const char *fmt, ...)
{
	size_t rl = strlen(root);
	va_list ap;
	int n;

	if (rl >= len)
		return -ENAMETOOLONG;
	memcpy(out, root, rl);
	va_start(ap, fmt);
	n = vsnprintf(out + rl, len - rl, fmt, ap);
	va_end(ap);
	return (n < 0 || (size_t)n >= len - rl) ? -ENAMETOOLONG : 0;
}

/* A whole small file, its trailing newline dropped; -errno. */
static int read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	close(fd);
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/* A file of any size (mountinfo, routes), NUL-terminated; free() it. */
static char *read_all(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);
			if (!nb)
				break;
			buf = nb;
			cap += 65536;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (!n)
			break;
	}
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

/* One write of s to path (opened with extra flags), as sysfs wants a value
 * (and as a shell's echo gives it); -errno, the kernel's answer. */
static int write_once(const char *path, int flags, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | flags, 0644);
	size_t len = strlen(s);
	ssize_t n;
	int e;

	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	e = errno;
	if (close(fd) && n >= 0)
		return -errno;
	if (n < 0)
		return -e;
	return (size_t)n == len ? 0 : -EIO;
}

static int write_text(const char *path, const char *s)
{
	return write_once(path, 0, s);
}

/* A new regular file holding s (the record). */
static int write_new(const char *path, const char *s)
{
	return write_once(path, O_CREAT, s);
}

/* write_text, and on failure one line naming the path and the reason. */
static int sysfs_write(const char *path, const char *s, const char *what)
{
	int r = write_text(path, s);

	if (r)
		pr_err("%s: writing \"%s\" (%s): %s", path, s[0] == '\n' ? "\\n" : s, what, strerror(-r));
	return r;
}

/* The last component of a symlink's target ("" when there is no link). */
static void link_base(const char *path, char *out, size_t len)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *slash;

	out[0] = '\0';
	if (n < 0)
		return;
	target[n] = '\0';
	slash = strrchr(target, '/');
	slash = slash ? slash + 1 : target;
	n = (ssize_t)strlen(slash);
	if ((size_t)n >= len)
		n = (ssize_t)len - 1;	/* no driver or group name is that long */
	memcpy(out, slash, (size_t)n);
	out[n] = '\0';
}

static void driver_of(const char *root, const char *bdf, char *out, size_t len)
{
	char path[PATH_MAX];

	out[0] = '\0';
	if (!pathf(path, sizeof(path), root, "/sys/bus/pci/devices/%s/driver", bdf))
		link_base(path, out, len);
}

/* driver_override reads "(null)" when none is set. */
static void override_of(const char *root, const char *bdf, char *out, size_t len)
{
	char path[PATH_MAX];

	out[0] = '\0';
	if (pathf(path, sizeof(path), root, "/sys/bus/pci/devices/%s/driver_override", bdf) ||
	    read_text(path, out, len) || !strcmp(out, "(null)"))
		out[0] = '\0';
}

int host_bind_group_of(const char *root, const char *bdf)
{
	char path[PATH_MAX], group[32];
	char *end;
	long g;

	pathf(path, sizeof(path), root, "/sys/bus/pci/devices/%s", bdf);
	if (access(path, F_OK)) {
		pr_err("%s: no such PCI device (%s)", bdf, path);
		return -ENODEV;
	}
	pathf(path, sizeof(path), root, "/sys/bus/pci/devices/%s/iommu_group", bdf);
	link_base(path, group, sizeof(group));
	g = strtol(group, &end, 10);
	if (!group[0] || *end || g < 0) {
		pr_err("%s: no IOMMU group (%s; is the IOMMU enabled?)", bdf, path);
		return -ENODEV;
	}
	return (int)g;
}

/* --- the record files --- */

static int record_path(char *out, size_t len, const char *root, const char *bdf)
{
	return pathf(out, len, root, BIND_STATE_DIR "/%s", bdf);
}

static int mkdir_p(const char *root)
{
	static const char *const dirs[] = { "/run", "/run/pvmm", BIND_STATE_DIR };
	char path[PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		pathf(path, sizeof(path), root, "%s", dirs[i]);
		if (mkdir(path, 0755) && errno != EEXIST) {
			int err = errno;
			pr_err("%s: cannot create: %s", path, strerror(err));
			return -err;
		}
	}
	return 0;
}

/* Written whole (a temp file renamed over it): a kill never leaves half. */
static int record_write(const char *root, const struct bind_record *rec)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8], text[BIND_RECORD_MAX];
	int r = mkdir_p(root);

	if (!r)
		r = bind_record_format(rec, text, sizeof(text));
	if (r)
		return r;
	record_path(path, sizeof(path), root, rec->bdf);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	r = write_new(tmp, text);
	if (!r && rename(tmp, path))
		r = -errno;
	if (r)
		pr_err("%s: cannot write the record of what --bind changes: %s", path, strerror(-r));
	return r;
}

/* 0 with rec filled, -ENOENT if there is none, -EINVAL if it is damaged. */
static int record_read(const char *root, const char *bdf, struct bind_record *rec)
{
	char path[PATH_MAX], text[BIND_RECORD_MAX];
	int r;

	record_path(path, sizeof(path), root, bdf);
	r = read_text(path, text, sizeof(text));
	if (r)
		return r;
	r = bind_record_parse(rec, text);
	if (r)
		pr_err("%s: not a record pvmm wrote (remove it if the device is where it belongs)", path);
	return r;
}

static void record_remove(const char *root, const char *bdf)
{
	char path[PATH_MAX];

	record_path(path, sizeof(path), root, bdf);
	if (unlink(path) && errno != ENOENT)
		pr_warn("%s: cannot remove: %s", path, strerror(errno));
}

/* This process's start time, from the real /proc (not under root). */
static unsigned long long self_start(void)
{
	char text[1024];
	unsigned long long start = 0;

	if (!read_text("/proc/self/stat", text, sizeof(text)))
		proc_stat_starttime(text, &start);
	return start;
}

/* Whether the pvmm that wrote rec still runs (same pid, same start). */
static bool owner_alive(const char *root, const struct bind_record *rec)
{
	char path[PATH_MAX], text[1024];
	unsigned long long start;

	if (rec->owner_pid == (long)getpid() && rec->owner_start == self_start())
		return true;
	if (pathf(path, sizeof(path), root, "/proc/%ld/stat", rec->owner_pid) ||
	    read_text(path, text, sizeof(text)) || proc_stat_starttime(text, &start))
		return false;
	return start == rec->owner_start;
}

/* --- what the host uses --- */

/* ifname, or a device stacked on it (bridge, bond, VLAN), carries a default route. */
static bool iface_routes(const char *root, const char *ifname, const char *r4, const char *r6,
			 int depth, char *via, size_t vialen)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	bool found = (r4 && route4_default_via(r4, ifname)) || (r6 && route6_default_via(r6, ifname));

	if (found) {
		snprintf(via, vialen, "%s", ifname);
		return true;
	}
	if (depth >= UPPER_DEPTH || pathf(path, sizeof(path), root, "/sys/class/net/%s", ifname))
		return false;
	dir = opendir(path);
	while (dir && !found && (de = readdir(dir)))
		if (!strncmp(de->d_name, "upper_", 6))
			found = iface_routes(root, de->d_name + 6, r4, r6, depth + 1, via, vialen);
	if (dir)
		closedir(dir);
	return found;
}

static int check_routes(const char *root, const char *bdf)
{
	char path[PATH_MAX], via[64];
	struct dirent *de;
	DIR *dir;
	char *r4, *r6;
	int r = 0;

	pathf(path, sizeof(path), root, "/sys/bus/pci/devices/%s/net", bdf);
	dir = opendir(path);
	if (!dir)
		return 0;			/* not a network function */
	pathf(path, sizeof(path), root, "/proc/net/route");
	r4 = read_all(path);
	pathf(path, sizeof(path), root, "/proc/net/ipv6_route");
	r6 = read_all(path);
	while (!r && (de = readdir(dir))) {
		if (de->d_name[0] == '.' || !iface_routes(root, de->d_name, r4, r6, 0, via, sizeof(via)))
			continue;
		char through[80] = "";
		if (strcmp(via, de->d_name))
			snprintf(through, sizeof(through), " (through %s)", via);
		pr_err("%s: refused: its interface %s%s carries the host's default route "
		       "(/proc/net/route); --force takes it anyway", bdf, de->d_name, through);
		r = -EBUSY;
	}
	closedir(dir);
	free(r4);
	free(r6);
	return r;
}

/* Block device name (or a holder stacked on it: LVM, md, dm-crypt) mounted? */
static bool blockdev_mounted(const char *root, const char *name, const char *mountinfo, int depth,
			     char *what, size_t wlen)
{
	char path[PATH_MAX], dev[32], mnt[256];
	unsigned int maj, min;
	struct dirent *de;
	DIR *dir;
	bool found = false;

	pathf(path, sizeof(path), root, "/sys/class/block/%s/dev", name);
	if (!read_text(path, dev, sizeof(dev)) && sscanf(dev, "%u:%u", &maj, &min) == 2 &&
	    mountinfo_find_dev(mountinfo, maj, min, mnt, sizeof(mnt))) {
		snprintf(what, wlen, "/dev/%s is mounted on %s", name, mnt);
		return true;
	}
	if (depth >= UPPER_DEPTH)
		return false;
	pathf(path, sizeof(path), root, "/sys/class/block/%s/holders", name);
	dir = opendir(path);
	while (dir && !found && (de = readdir(dir)))
		if (de->d_name[0] != '.')
			found = blockdev_mounted(root, de->d_name, mountinfo, depth + 1, what, wlen);
	if (dir)
		closedir(dir);
	return found;
}

static int check_mounts(const char *root, const char *bdf)
{
	char path[PATH_MAX], target[PATH_MAX], needle[BDF_LEN + 2], what[320];
	struct dirent *de;
	char *mountinfo;
	DIR *dir;
	int r = 0;

	pathf(path, sizeof(path), root, "/sys/class/block");
	dir = opendir(path);
	if (!dir)
		return 0;
	pathf(path, sizeof(path), root, "/proc/self/mountinfo");
	mountinfo = read_all(path);
	snprintf(needle, sizeof(needle), "/%s/", bdf);
	while (mountinfo && !r && (de = readdir(dir))) {
		ssize_t n;
		pathf(path, sizeof(path), root, "/sys/class/block/%s", de->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		/* its sysfs path runs through the function's directory */
		if (!strstr(target, needle) || !blockdev_mounted(root, de->d_name, mountinfo, 0, what, sizeof(what)))
			continue;
		pr_err("%s: refused: %s (a filesystem of this host); --force takes it anyway", bdf, what);
		r = -EBUSY;
	}
	closedir(dir);
	free(mountinfo);
	return r;
}

int host_bind_check_unused(struct host_bind *hb, const char *bdf)
{
	int r = check_routes(hb->root, bdf);

	return r ? r : check_mounts(hb->root, bdf);
}

/* --- taking and giving back --- */

static struct bind_record *taken(struct host_bind *hb, const char *bdf)
{
	for (unsigned int i = 0; i < hb->nr; i++)
		if (!strcmp(hb->recs[i].bdf, bdf))
			return &hb->recs[i];
	return NULL;
}

/* The function's 24-bit class code; 0 (unclassified) if unreadable. */
static uint32_t class_of(const char *root, const char *bdf)
{
	char path[PATH_MAX], cls[32];

	if (pathf(path, sizeof(path), root, "/sys/bus/pci/devices/%s/class", bdf) ||
	    read_text(path, cls, sizeof(cls)))
		return 0;
	return (uint32_t)strtoul(cls, NULL, 16);
}

static bool is_bridge(const char *root, const char *bdf)
{
	return bind_class_is_bridge(class_of(root, bdf));
}

/* The record for a function pvmm is about to change: a left-over one of a
 * pvmm that is gone is taken over (it knows the driver from before that
 * run), one of a running pvmm refuses. */
static int record_for(struct host_bind *hb, const char *bdf, int group, const char *driver,
		      const char *override, struct bind_record *rec)
{
	int r = record_read(hb->root, bdf, rec);

	if (r == -ENOENT) {
		memset(rec, 0, sizeof(*rec));
		snprintf(rec->bdf, sizeof(rec->bdf), "%s", bdf);
		snprintf(rec->driver, sizeof(rec->driver), "%s", driver);
		snprintf(rec->override, sizeof(rec->override), "%s", override);
		r = 0;
	} else if (!r && owner_alive(hb->root, rec)) {
		char path[PATH_MAX];
		record_path(path, sizeof(path), hb->root, bdf);
		pr_err("%s: held by pvmm pid %ld (%s)", bdf, rec->owner_pid, path);
		return -EBUSY;
	} else if (!r) {
		pr_info("%s: taking over the record of pvmm pid %ld, which is gone: it goes back to %s at exit",
			bdf, rec->owner_pid, rec->driver[0] ? rec->driver : "no driver");
	}
	if (r)
		return r;
	rec->group = group;
	rec->owner_pid = (long)getpid();
	rec->owner_start = self_start();
	return 0;
}

static int apply_take(const char *root, const char *bdf, const char *driver, const struct bind_take_plan *p)
{
	char path[PATH_MAX];
	int r = 0;

	if (p->set_override) {
		pathf(path, sizeof(path), root, "/sys/bus/pci/devices/%s/driver_override", bdf);
		r = sysfs_write(path, BIND_VFIO_DRIVER, "keep the host driver off it");
	}
	if (!r && p->unbind) {
		pathf(path, sizeof(path), root, "/sys/bus/pci/drivers/%s/unbind", driver);
		r = sysfs_write(path, bdf, "detach it from its host driver");
	}
	if (!r && p->probe) {
		pathf(path, sizeof(path), root, "/sys/bus/pci/drivers_probe");
		r = sysfs_write(path, bdf, "bind it to vfio-pci");
	}
	return r;
}

int host_bind_take(struct host_bind *hb, const char *bdf, int group)
{
	char driver[BIND_DRIVER_LEN], override[BIND_DRIVER_LEN];
	struct bind_take_plan plan;
	struct bind_record rec;
	bool had_record;
	int r;

	if (taken(hb, bdf) || is_bridge(hb->root, bdf))
		return 0;
	if (hb->nr == HOST_BIND_MAX) {
		pr_err("%s: more than %d functions to bind", bdf, HOST_BIND_MAX);
		return -ENOSPC;
	}
	driver_of(hb->root, bdf, driver, sizeof(driver));
	override_of(hb->root, bdf, override, sizeof(override));
	bind_take_plan(driver, override, &plan);
	had_record = record_read(hb->root, bdf, &rec) != -ENOENT;
	if (!plan.change && !had_record)
		return 0;			/* on vfio-pci already, and not pvmm's doing */
	r = record_for(hb, bdf, group, driver, override, &rec);
	if (!r)
		r = record_write(hb->root, &rec);
	if (r)
		return r;
	hb->recs[hb->nr++] = rec;		/* from here on, given back at exit */
	r = apply_take(hb->root, bdf, driver, &plan);
	if (!r && plan.change)
		pr_info("%s: taken from %s for vfio-pci (IOMMU group %d)", bdf,
			driver[0] ? driver : "no driver", group);
	return r;
}

static bool group_ready(struct host_bind *hb, int group, char *bad, size_t len)
{
	char driver[BIND_DRIVER_LEN];

	for (unsigned int i = 0; i < hb->nr; i++) {
		if (hb->recs[i].group != group)
			continue;
		driver_of(hb->root, hb->recs[i].bdf, driver, sizeof(driver));
		if (strcmp(driver, BIND_VFIO_DRIVER)) {
			snprintf(bad, len, "%s", hb->recs[i].bdf);
			return false;
		}
	}
	return true;
}

int host_bind_wait(struct host_bind *hb, const char *bdf, int group)
{
	struct timespec tick = { 0, POLL_MS * 1000000L };
	char node[PATH_MAX], bad[BDF_LEN] = "", driver[BIND_DRIVER_LEN];
	bool ready = false, node_there = false;

	pathf(node, sizeof(node), hb->root, "/dev/vfio/%d", group);
	for (int waited = 0; ; waited += POLL_MS) {
		ready = group_ready(hb, group, bad, sizeof(bad));
		node_there = !access(node, F_OK);
		if ((ready && node_there) || waited >= hb->wait_ms)
			break;
		nanosleep(&tick, NULL);
	}
	if (!ready) {
		driver_of(hb->root, bad, driver, sizeof(driver));
		pr_err("%s: not on vfio-pci after %d ms (driver: %s; is vfio-pci loaded?)", bad,
		       hb->wait_ms, driver[0] ? driver : "none");
		return -ETIMEDOUT;
	}
	if (!node_there) {
		pr_err("%s: %s did not appear within %d ms", bdf, node, hb->wait_ms);
		return -ETIMEDOUT;
	}
	return 0;
}

static int list_group(const char *root, int group, char names[][BDF_LEN], int max)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int n = 0;

	pathf(path, sizeof(path), root, "/sys/kernel/iommu_groups/%d/devices", group);
	dir = opendir(path);
	if (!dir) {
		int err = errno;
		pr_err("IOMMU group %d: cannot list %s: %s", group, path, strerror(err));
		return -err;
	}
	while (n >= 0 && (de = readdir(dir))) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len >= BDF_LEN)
			continue;
		if (n == max) {
			/* a function left out would be left unchecked */
			pr_err("IOMMU group %d: more than %d functions in %s", group, max, path);
			n = -E2BIG;
		} else {
			memcpy(names[n++], de->d_name, len + 1);
		}
	}
	closedir(dir);
	return n;
}

/* Every function of the group with its driver and class; fns holds
 * VFIO_GROUP_FNS_MAX. */
static int read_group_fns(const char *root, int group, struct vfio_group_fn *fns)
{
	char names[VFIO_GROUP_FNS_MAX][BDF_LEN];
	int n = list_group(root, group, names, VFIO_GROUP_FNS_MAX);

	for (int i = 0; i < n; i++) {
		memcpy(fns[i].bdf, names[i], BDF_LEN);
		driver_of(root, names[i], fns[i].driver, sizeof(fns[i].driver));
		fns[i].class_code = class_of(root, names[i]);
	}
	return n;
}

int host_group_viable(const char *root, const char *bdf)
{
	struct vfio_group_fn fns[VFIO_GROUP_FNS_MAX];
	char why[512] = "";
	int group = host_bind_group_of(root, bdf);
	int n = group < 0 ? group : read_group_fns(root, group, fns);
	int r = n < 0 ? n : vfio_group_viable(bdf, group, fns, n, why, sizeof(why));

	if (why[0])				/* the readers print their own */
		pr_err("%s", why);
	return r ? r : group;
}

int host_bind_device(struct host_bind *hb, const char *bdf)
{
	char fns[HOST_BIND_MAX][BDF_LEN], path[PATH_MAX];
	int group = host_bind_group_of(hb->root, bdf);
	int n = group < 0 ? group : list_group(hb->root, group, fns, HOST_BIND_MAX);
	int r = 0;

	if (n < 0)
		return n;
	pathf(path, sizeof(path), hb->root, "/sys/bus/pci/drivers/" BIND_VFIO_DRIVER);
	if (access(path, F_OK)) {
		pr_err("%s: %s: no such driver (modprobe vfio-pci)", bdf, path);
		return -ENOENT;
	}
	for (int i = 0; i < n && !r && !hb->force; i++)
		r = host_bind_check_unused(hb, fns[i]);
	for (int i = 0; i < n && !r; i++)
		r = host_bind_take(hb, fns[i], group);
	return r ? r : host_bind_wait(hb, bdf, group);
}

static int apply_restore(const char *root, const struct bind_record *rec, const struct bind_restore_plan *p)
{
	char path[PATH_MAX], now[BIND_DRIVER_LEN];
	int r;

	/* The override first, so that no probe from here on picks vfio-pci. */
	pathf(path, sizeof(path), root, "/sys/bus/pci/devices/%s/driver_override", rec->bdf);
	r = sysfs_write(path, rec->override[0] ? rec->override : "\n", "restore its driver_override");
	if (!r && p->unbind_vfio) {
		pathf(path, sizeof(path), root, "/sys/bus/pci/drivers/" BIND_VFIO_DRIVER "/unbind");
		r = sysfs_write(path, rec->bdf, "detach it from vfio-pci");
	}
	if (r || !p->bind_driver)
		return r;
	pathf(path, sizeof(path), root, "/sys/bus/pci/drivers/%s/bind", rec->driver);
	if (write_text(path, rec->bdf)) {
		/* its driver's module may be gone and back: let the bus choose */
		pathf(path, sizeof(path), root, "/sys/bus/pci/drivers_probe");
		r = sysfs_write(path, rec->bdf, "give it back to its driver");
	}
	driver_of(root, rec->bdf, now, sizeof(now));
	if (!r && strcmp(now, rec->driver)) {
		pr_err("%s: not back on %s (driver now: %s)", rec->bdf, rec->driver, now[0] ? now : "none");
		r = -EIO;
	}
	return r;
}

static int restore_one(const char *root, const struct bind_record *rec)
{
	char now[BIND_DRIVER_LEN];
	struct bind_restore_plan plan;
	int r;

	driver_of(root, rec->bdf, now, sizeof(now));
	bind_restore_plan(rec, now, &plan);
	if (plan.foreign) {
		pr_warn("%s: bound to %s meanwhile, not vfio-pci: left there", rec->bdf, now);
		record_remove(root, rec->bdf);
		return 0;
	}
	r = apply_restore(root, rec, &plan);
	if (r)
		return r;			/* the record stays for pvmm unbind */
	record_remove(root, rec->bdf);
	pr_info("%s: given back to %s", rec->bdf, rec->driver[0] ? rec->driver : "no driver");
	return 0;
}

int host_bind_restore_all(struct host_bind *hb)
{
	int first = 0;

	while (hb->nr) {
		int r = restore_one(hb->root, &hb->recs[--hb->nr]);
		if (r && !first)
			first = r;
	}
	return first;
}

int host_unbind(const char *root, const char *bdf)
{
	char path[PATH_MAX];
	struct bind_record rec, other;
	struct dirent *de;
	DIR *dir;
	int r = record_read(root, bdf, &rec), first = 0;

	record_path(path, sizeof(path), root, bdf);
	if (r == -ENOENT)
		pr_err("%s: nothing to give back: no record %s (pvmm --bind did not take it, or gave it back)",
		       bdf, path);
	if (r)
		return r;
	if (owner_alive(root, &rec)) {
		pr_err("%s: held by pvmm pid %ld, which still runs: stop it and it gives the device back (%s)",
		       bdf, rec.owner_pid, path);
		return -EBUSY;
	}
	/* the whole group pvmm took, not only the function named */
	pathf(path, sizeof(path), root, BIND_STATE_DIR);
	dir = opendir(path);
	while (dir && (de = readdir(dir))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) != 12 || !strcmp(de->d_name, bdf) ||
		    record_read(root, de->d_name, &other) || other.group != rec.group ||
		    owner_alive(root, &other))
			continue;
		r = restore_one(root, &other);
		if (r && !first)
			first = r;
	}
	if (dir)
		closedir(dir);
	r = restore_one(root, &rec);
	return first ? first : r;
}

void host_bind_init(struct host_bind *hb, const char *root)
{
	memset(hb, 0, sizeof(*hb));
	snprintf(hb->root, sizeof(hb->root), "%s", root);
	hb->wait_ms = 10000;
}
