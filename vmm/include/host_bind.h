/*
 * Managed passthrough devices (--bind), as libvirt's managed hostdev: pvmm
 * takes every function of a device's IOMMU group from its host driver,
 * binds it to vfio-pci and, at exit, gives each one back to the driver it
 * had. What it changed is recorded under <root>/run/pvmm/bind/<BDF> before
 * the first sysfs write, so that after a SIGKILL `pvmm unbind BDF` (or the
 * next --bind run) can restore it.
 *
 * Two halves: host_bind_state.c is pure (record format, what to do to take
 * or give back a function, reading /proc/net/route, mountinfo and
 * /proc/PID/stat text); host_bind.c does the sysfs I/O under a root
 * directory ("" on a host, a temp dir in the unit tests).
 * Returns are 0 or a negative errno; every error is one line naming the
 * device or path and the reason.
 */
#ifndef PVMM_HOST_BIND_H
#define PVMM_HOST_BIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define BIND_DRIVER_LEN	64
#define BIND_VFIO_DRIVER "vfio-pci"
#define BIND_STATE_DIR	"/run/pvmm/bind"
#define BIND_RECORD_MAX	512			/* bytes of one record's text */
#define HOST_BIND_MAX	(PCI_DEVS_MAX * 8)	/* functions pvmm may take */

/* One function pvmm took: what to give back, and who holds it. */
struct bind_record {
	char bdf[BDF_LEN];
	int group;				/* its IOMMU group */
	char driver[BIND_DRIVER_LEN];		/* the driver it had, "" none */
	char override[BIND_DRIVER_LEN];		/* its driver_override before, "" none */
	long owner_pid;				/* the pvmm that holds it */
	unsigned long long owner_start;		/* its start time (/proc/PID/stat), against pid reuse */
};

/* --- pure (host_bind_state.c) --- */

/* The record as "key=value" lines; -ENOSPC if len is too small. */
int bind_record_format(const struct bind_record *rec, char *buf, size_t len);
/* Back from that text; -EINVAL on a missing or malformed key. */
int bind_record_parse(struct bind_record *rec, const char *text);

/* What taking a function to vfio-pci needs. Nothing when it is on vfio-pci
 * already with that override (then pvmm records nothing: it is not its to
 * give back). */
struct bind_take_plan {
	bool change;				/* anything at all */
	bool set_override;			/* driver_override = vfio-pci */
	bool unbind;				/* from its current driver */
	bool probe;				/* drivers_probe */
};
void bind_take_plan(const char *driver, const char *override, struct bind_take_plan *p);

/* What giving a function back needs, from its record and its driver now.
 * A function some other driver took meanwhile is left on it. */
struct bind_restore_plan {
	bool unbind_vfio;			/* unbind from vfio-pci */
	bool bind_driver;			/* bind to rec->driver (drivers_probe if that fails) */
	bool foreign;				/* neither vfio-pci nor its old driver: left alone */
};
void bind_restore_plan(const struct bind_record *rec, const char *driver_now,
		       struct bind_restore_plan *p);

/* PCI bridges stay with the host: vfio-pci binds normal functions only. */
bool bind_class_is_bridge(uint32_t class_code);

/* Whether /proc/net/route (IPv4) or /proc/net/ipv6_route text has a
 * default route through interface ifname. */
bool route4_default_via(const char *route_text, const char *ifname);
bool route6_default_via(const char *route_text, const char *ifname);
/* The mount point of the first mountinfo line whose device is maj:min,
 * copied into mnt; false if none. */
bool mountinfo_find_dev(const char *mountinfo, unsigned int maj, unsigned int min,
			char *mnt, size_t mntlen);
/* Field 22 (starttime) of /proc/PID/stat text; -EINVAL if absent. */
int proc_stat_starttime(const char *stat_text, unsigned long long *start);

/* --- sysfs I/O (host_bind.c) --- */

struct host_bind {
	char root[256];				/* prefix of /sys, /dev, /proc, /run */
	int wait_ms;				/* for vfio-pci and /dev/vfio/N */
	bool force;				/* take devices the host uses */
	struct bind_record recs[HOST_BIND_MAX];	/* in the order taken */
	unsigned int nr;
};

void host_bind_init(struct host_bind *hb, const char *root);
/* Every function of bdf's IOMMU group onto vfio-pci, then wait for
 * /dev/vfio/N. Refused (-EBUSY) when one of them backs the host's default
 * route or a mounted filesystem, unless hb->force. */
int host_bind_device(struct host_bind *hb, const char *bdf);
/* Give back every function taken, last first; 0 or the first error. */
int host_bind_restore_all(struct host_bind *hb);
/* pvmm unbind BDF: give back every function recorded for bdf's group whose
 * pvmm is gone. -ENOENT if nothing is recorded for bdf, -EBUSY if its pvmm
 * still runs. */
int host_unbind(const char *root, const char *bdf);
/* bdf's IOMMU group number if VFIO will hand the group out as its
 * functions are bound now (the rule in vfio_viable.h); else a negative
 * errno after one line naming the function in the way and its driver.
 * With or without --bind: vfio_group_of asks it. */
int host_group_viable(const char *root, const char *bdf);

/* Split for the unit tests (host_bind_device runs all four). */
int host_bind_check_unused(struct host_bind *hb, const char *bdf);
int host_bind_take(struct host_bind *hb, const char *bdf, int group);
int host_bind_wait(struct host_bind *hb, const char *bdf, int group);
int host_bind_group_of(const char *root, const char *bdf);

#endif
