/* Managed devices, the pure half: records, plans and /proc text (see host_bind.h). */
#include "host_bind.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The line after this one, or NULL at the end of the text. */
static const char *next_line(const char *line)
{
	const char *nl = strchr(line, '\n');

	return nl ? nl + 1 : NULL;
}

int bind_record_format(const struct bind_record *rec, char *buf, size_t len)
{
	int n = snprintf(buf, len,
			 "# pvmm --bind: what to give back (pvmm unbind %s)\n"
			 "device=%s\ngroup=%d\ndriver=%s\noverride=%s\nowner_pid=%ld\nowner_start=%llu\n",
			 rec->bdf, rec->bdf, rec->group, rec->driver, rec->override,
			 rec->owner_pid, rec->owner_start);

	return (n < 0 || (size_t)n >= len) ? -ENOSPC : 0;
}

/* The value of "key=" on a line of its own, into out; false if absent. */
static bool record_value(const char *text, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);

	for (const char *line = text; line && *line; line = next_line(line)) {
		size_t vlen;
		if (strncmp(line, key, klen) || line[klen] != '=')
			continue;
		line += klen + 1;
		vlen = strcspn(line, "\n");
		if (vlen >= len)
			return false;
		memcpy(out, line, vlen);
		out[vlen] = '\0';
		return true;
	}
	return false;
}

static bool parse_number(const char *s, long long min, unsigned long long *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return !errno && !*end && (long long)*out >= min;
}

int bind_record_parse(struct bind_record *rec, const char *text)
{
	char num[32];
	unsigned long long v;

	memset(rec, 0, sizeof(*rec));
	if (!record_value(text, "device", rec->bdf, sizeof(rec->bdf)) || strlen(rec->bdf) != 12 ||
	    !record_value(text, "driver", rec->driver, sizeof(rec->driver)) ||
	    !record_value(text, "override", rec->override, sizeof(rec->override)))
		return -EINVAL;
	if (!record_value(text, "group", num, sizeof(num)) || !parse_number(num, 0, &v) || v > 1u << 30)
		return -EINVAL;
	rec->group = (int)v;
	if (!record_value(text, "owner_pid", num, sizeof(num)) || !parse_number(num, 1, &v) ||
	    v > 1u << 30)
		return -EINVAL;
	rec->owner_pid = (long)v;
	if (!record_value(text, "owner_start", num, sizeof(num)) || !parse_number(num, 0, &v))
		return -EINVAL;
	rec->owner_start = v;
	return 0;
}

void bind_take_plan(const char *driver, const char *override, struct bind_take_plan *p)
{
	bool on_vfio = !strcmp(driver, BIND_VFIO_DRIVER);

	memset(p, 0, sizeof(*p));
	/* The override makes the next probe (and a hot reset's re-probe)
	 * pick vfio-pci, not the driver it came from. */
	p->set_override = strcmp(override, BIND_VFIO_DRIVER) != 0;
	p->unbind = driver[0] && !on_vfio;
	p->probe = !on_vfio;
	p->change = p->set_override || p->unbind || p->probe;
}

void bind_restore_plan(const struct bind_record *rec, const char *driver_now,
		       struct bind_restore_plan *p)
{
	memset(p, 0, sizeof(*p));
	if (!strcmp(driver_now, rec->driver))
		return;				/* where it was: only the override */
	if (!strcmp(driver_now, BIND_VFIO_DRIVER)) {
		p->unbind_vfio = true;
		p->bind_driver = rec->driver[0] != '\0';
	} else if (!driver_now[0]) {
		/* killed between the unbind and the probe */
		p->bind_driver = rec->driver[0] != '\0';
	} else {
		p->foreign = true;
	}
}

bool bind_class_is_bridge(uint32_t class_code)
{
	return (class_code >> 8) == 0x0604;
}

/* The next whitespace-separated field of *s into out (truncated to len). */
static bool next_field(const char **s, char *out, size_t len)
{
	const char *p = *s;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, " \t\n");
	if (!n)
		return false;
	snprintf(out, len, "%.*s", (int)n, p);
	*s = p + n;
	return true;
}

/* Iface Destination Gateway Flags RefCnt Use Metric Mask ...: a default
 * route has destination and mask 0. */
bool route4_default_via(const char *text, const char *ifname)
{
	for (const char *line = text; line && *line; line = next_line(line)) {
		char f[8][40];
		const char *p = line;
		int i;

		for (i = 0; i < 8 && next_field(&p, f[i], sizeof(f[i])); i++)
			;
		if (i == 8 && !strcmp(f[0], ifname) && !strcmp(f[1], "00000000") &&
		    !strcmp(f[7], "00000000"))
			return true;
	}
	return false;
}

/* dest plen src plen nexthop metric refcnt use flags iface: ::/0. Rejecting
 * routes (RTF_REJECT 0x200) carry no traffic. */
bool route6_default_via(const char *text, const char *ifname)
{
	for (const char *line = text; line && *line; line = next_line(line)) {
		char f[10][40];
		const char *p = line;
		int i;

		for (i = 0; i < 10 && next_field(&p, f[i], sizeof(f[i])); i++)
			;
		if (i == 10 && !strcmp(f[9], ifname) && !strcmp(f[1], "00") &&
		    strspn(f[0], "0") == 32 && !(strtoul(f[8], NULL, 16) & 0x200))
			return true;
	}
	return false;
}

/* mountinfo: id parent maj:min root mountpoint ... */
bool mountinfo_find_dev(const char *text, unsigned int maj, unsigned int min, char *mnt, size_t mntlen)
{
	for (const char *line = text; line && *line; line = next_line(line)) {
		char f[5][256];
		const char *p = line;
		unsigned int a, b;
		int i;

		for (i = 0; i < 5 && next_field(&p, f[i], sizeof(f[i])); i++)
			;
		if (i == 5 && sscanf(f[2], "%u:%u", &a, &b) == 2 && a == maj && b == min) {
			snprintf(mnt, mntlen, "%s", f[4]);
			return true;
		}
	}
	return false;
}

int proc_stat_starttime(const char *text, unsigned long long *start)
{
	/* comm (field 2) may hold spaces and parentheses: count from the last ')'. */
	const char *p = strrchr(text, ')');
	char f[32];

	if (!p)
		return -EINVAL;
	p++;
	/* field 3 (state) is the first after ')'; starttime is field 22 */
	for (int i = 3; i <= 22; i++)
		if (!next_field(&p, f, sizeof(f)))
			return -EINVAL;
	return parse_number(f, 0, start) ? 0 : -EINVAL;
}
