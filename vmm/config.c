/* INI configuration: parsing and validation (pure; see config.h). */
#include "config.h"
#include "layout.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <iniparser.h>
#include <time.h>

void config_defaults(struct vm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ram_size = 512 * MiB;
	cfg->vcpus = 1;
	cfg->threads = 1;
	cfg->kernel_addr = KERNEL_ADDR_DEFAULT;
	cfg->console = CONSOLE_STDIO;
	cfg->on_reboot = REBOOT_EXIT;
	cfg->tce = TCE_AUTO;
	cfg->ddw = true;
	cfg->user_coalesce = true;
}

const char *tce_mode_name(enum tce_mode m)
{
	switch (m) {
	case TCE_KERNEL: return "kernel";
	case TCE_USER: return "user";
	default: return "auto";
	}
}

static int fail(char *err, size_t errlen, const char *source, const char *key,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fail(char *err, size_t errlen, const char *source, const char *key,
		const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (key)
		snprintf(err, errlen, "%s: %s: %s", source, key, why);
	else
		snprintf(err, errlen, "%s: %s", source, why);
	return -EINVAL;
}

/* A decimal number with an optional K/M/G suffix; no suffix means 'unit'. */
static int parse_size(const char *s, uint64_t unit, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	switch (toupper((unsigned char)*end)) {
	case '\0': break;
	case 'K': unit = KiB; end++; break;
	case 'M': unit = MiB; end++; break;
	case 'G': unit = GiB; end++; break;
	default: return -EINVAL;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end)
		return -EINVAL;
	if (v > UINT64_MAX / unit)
		return -ERANGE;
	*out = v * unit;
	return 0;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* A guest address: 0x... or decimal, below the largest RAM. */
static int parse_addr(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v >= RAM_MAX)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_bool(const char *s, bool *out)
{
	if (!strcasecmp(s, "on") || !strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcmp(s, "1"))
		*out = true;
	else if (!strcasecmp(s, "off") || !strcasecmp(s, "no") || !strcasecmp(s, "false") || !strcmp(s, "0"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

static int set_path(char *dst, size_t len, const char *value, const char *base_dir)
{
	int n;

	if (!*value)
		return -EINVAL;
	if (value[0] == '/' || !base_dir || !*base_dir)
		n = snprintf(dst, len, "%s", value);
	else
		n = snprintf(dst, len, "%s/%s", base_dir, value);
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

/* "0000:01:00.0": domain:bus:device.function, hex. */
static bool valid_bdf(const char *s)
{
	unsigned int dom, bus, dev, fn;
	char tail;

	if (strlen(s) != 12)
		return false;
	if (sscanf(s, "%4x:%2x:%2x.%1x%c", &dom, &bus, &dev, &fn, &tail) != 4)
		return false;
	return dev < 32 && fn < 8 && isxdigit((unsigned char)s[0]) && s[4] == ':' && s[7] == ':' && s[10] == '.';
}

/* "2006-06-17T16:01:21" or "2006-06-17" (midnight), UTC, years 1970..9999
 * (what RTAS set-time-of-day accepts); the date must exist. */
static int parse_rtc_date(const char *s, int64_t *out)
{
	struct tm tm = { 0 }, back;
	char tail;
	int n;
	time_t t;

	n = sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &tail);
	if (n != 6 && !(n == 3 && strlen(s) == 10))
		return -EINVAL;
	if (tm.tm_year < 1970 || tm.tm_year > 9999)
		return -ERANGE;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	back = tm;
	t = timegm(&tm);
	/* timegm normalises Feb 30 into March: a date that moved is no date */
	if (tm.tm_mday != back.tm_mday || tm.tm_mon != back.tm_mon || tm.tm_hour != back.tm_hour ||
	    tm.tm_min != back.tm_min || tm.tm_sec != back.tm_sec)
		return -EINVAL;
	*out = (int64_t)t;
	return 0;
}

static int parse_rtc_base(const char *value, struct vm_config *cfg)
{
	if (!strcmp(value, "utc"))
		cfg->rtc_base = RTC_UTC;
	else if (!strcmp(value, "localtime"))
		cfg->rtc_base = RTC_LOCALTIME;
	else if (!parse_rtc_date(value, &cfg->rtc_base_date))
		cfg->rtc_base = RTC_DATE;
	else
		return -EINVAL;
	return 0;
}

int64_t config_rtc_offset(const struct vm_config *cfg, int64_t now)
{
	time_t t = (time_t)now;
	struct tm local;

	switch (cfg->rtc_base) {
	case RTC_LOCALTIME:
		/* The guest reads local time as if it were UTC, as QEMU's. */
		return localtime_r(&t, &local) ? local.tm_gmtoff : 0;
	case RTC_DATE:
		return cfg->rtc_base_date - now;
	default:
		return 0;
	}
}

/* The on/off keys: where each one's value lives. */
static bool *bool_key(struct vm_config *cfg, const char *key)
{
	static const struct { const char *key; size_t off; } keys[] = {
		{ "vm:hugepages", offsetof(struct vm_config, hugepages) },
		{ "vm:pin_before_boot", offsetof(struct vm_config, pin_before_boot) },
		{ "pci:bind", offsetof(struct vm_config, bind) },
		{ "pci:bind_force", offsetof(struct vm_config, bind_force) },
		{ "pci:ddw", offsetof(struct vm_config, ddw) },
		{ "pci:kvm_indirect_tce", offsetof(struct vm_config, kvm_indirect_tce) },
		{ "pci:kvm_stuff_tce", offsetof(struct vm_config, kvm_stuff_tce) },
		{ "pci:user_coalesce", offsetof(struct vm_config, user_coalesce) },
	};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(key, keys[i].key))
			return (bool *)((char *)cfg + keys[i].off);
	return NULL;
}

static int parse_tce(const char *value, enum tce_mode *m)
{
	if (!strcmp(value, "kernel"))
		*m = TCE_KERNEL;
	else if (!strcmp(value, "user"))
		*m = TCE_USER;
	else if (!strcmp(value, "auto"))
		*m = TCE_AUTO;
	else
		return -EINVAL;
	return 0;
}

static int parse_phb_index(const char *s, int *phb)
{
	unsigned long n;

	if (parse_uint(s, PHB_MAX - 1, &n))
		return -EINVAL;
	*phb = (int)n;
	return 0;
}

int config_parse_dev(struct pci_dev_config *dev, const char *source, const char *key,
		     const char *value, char *err, size_t errlen)
{
	const char *comma = strchr(value, ',');
	size_t len = comma ? (size_t)(comma - value) : strlen(value);
	char bdf[BDF_LEN];

	if (len >= sizeof(bdf) || (snprintf(bdf, sizeof(bdf), "%.*s", (int)len, value), !valid_bdf(bdf)))
		return fail(err, errlen, source, key, "not a PCI address like 0000:01:00.0: \"%.*s\"",
			    (int)len, value);
	snprintf(dev->host, sizeof(dev->host), "%s", bdf);
	if (!comma)
		return 0;
	if (strncmp(comma + 1, "phb=", 4) || parse_phb_index(comma + 5, &dev->phb))
		return fail(err, errlen, source, key, "expected BDF or BDF,phb=N (N 0..%d), not \"%s\"",
			    PHB_MAX - 1, value);
	return 0;
}

/* The device a section ("pci", "pci.nic") describes; created on first use. */
static struct pci_dev_config *dev_of_section(struct vm_config *cfg, const char *section, size_t len)
{
	struct pci_dev_config *d;

	for (unsigned int i = 0; i < cfg->nr_devs; i++)
		if (strlen(cfg->devs[i].key) == len && !strncmp(cfg->devs[i].key, section, len))
			return &cfg->devs[i];
	if (cfg->nr_devs == PCI_DEVS_MAX || len >= sizeof(d->key))
		return NULL;
	d = &cfg->devs[cfg->nr_devs++];
	memset(d, 0, sizeof(*d));
	d->phb = -1;
	snprintf(d->key, sizeof(d->key), "%.*s", (int)len, section);
	return d;
}

/*
 * Passthrough functions. In a file: [pci] host = BDF (the first device)
 * and [pci.NAME] sections with host and phb. On the command line every
 * --pci BDF[,phb=N] adds one; the first replaces the file's list, as an
 * option overrides the file. An empty [pci] host means no device.
 */
static int set_dev_key(struct vm_config *cfg, const char *source, const char *key,
		       const char *value, char *err, size_t errlen)
{
	const char *colon = strchr(key, ':');
	bool cmdline = !strcmp(source, "command line");
	struct pci_dev_config *d;

	if (!colon || (strcmp(colon, ":host") && strcmp(colon, ":phb")) ||
	    (cmdline && strcmp(key, "pci:host")))
		return fail(err, errlen, source, key, "unknown key");
	if (!strcmp(key, "pci:host") && !*value) {
		cfg->nr_devs = 0;
		return 0;
	}
	if (cmdline && !cfg->devs_from_cmdline)
		cfg->nr_devs = 0;
	cfg->devs_from_cmdline |= cmdline;
	if (cmdline) {
		char name[32];
		snprintf(name, sizeof(name), "--pci %u", cfg->nr_devs + 1);
		d = dev_of_section(cfg, name, strlen(name));
	} else {
		d = dev_of_section(cfg, key, (size_t)(colon - key));
	}
	if (!d)
		return fail(err, errlen, source, key, "more than %d passthrough functions", PCI_DEVS_MAX);
	if (!strcmp(colon, ":host"))
		return config_parse_dev(d, source, key, value, err, errlen);
	if (parse_phb_index(value, &d->phb))
		return fail(err, errlen, source, key, "not a PHB index 0..%d: \"%s\"", PHB_MAX - 1, value);
	return 0;
}

/* [phb.N] tce, ddw and user_coalesce: one guest PHB's own settings. */
static int set_phb_key(struct vm_config *cfg, const char *source, const char *key,
		       const char *value, char *err, size_t errlen)
{
	char idx[8];
	const char *colon = strchr(key, ':');
	struct phb_config *p;
	int n;

	if (!colon || colon - (key + 4) >= (long)sizeof(idx))
		return fail(err, errlen, source, key, "unknown key");
	snprintf(idx, sizeof(idx), "%.*s", (int)(colon - (key + 4)), key + 4);
	if (parse_phb_index(idx, &n))
		return fail(err, errlen, source, key, "not a PHB index 0..%d in the section name", PHB_MAX - 1);
	p = &cfg->phbs[n];
	if (!strcmp(colon, ":tce")) {
		if (parse_tce(value, &p->tce))
			return fail(err, errlen, source, key, "expected kernel, user or auto, not \"%s\"", value);
		p->tce_set = true;
	} else if (!strcmp(colon, ":ddw")) {
		if (parse_bool(value, &p->ddw))
			return fail(err, errlen, source, key, "expected on or off, not \"%s\"", value);
		p->ddw_set = true;
	} else if (!strcmp(colon, ":user_coalesce")) {
		if (parse_bool(value, &p->user_coalesce))
			return fail(err, errlen, source, key, "expected on or off, not \"%s\"", value);
		p->user_coalesce_set = true;
	} else {
		return fail(err, errlen, source, key,
			    "unknown key (a [phb.N] takes tce, ddw and user_coalesce)");
	}
	return 0;
}

enum tce_mode config_phb_tce(const struct vm_config *cfg, unsigned int phb, bool *explicit_mode)
{
	const struct phb_config *p = phb < PHB_MAX ? &cfg->phbs[phb] : NULL;
	enum tce_mode m = p && p->tce_set ? p->tce : cfg->tce;

	if (explicit_mode)
		*explicit_mode = m != TCE_AUTO;
	return m;
}

bool config_phb_ddw(const struct vm_config *cfg, unsigned int phb)
{
	const struct phb_config *p = phb < PHB_MAX ? &cfg->phbs[phb] : NULL;

	return p && p->ddw_set ? p->ddw : cfg->ddw;
}

bool config_phb_user_coalesce(const struct vm_config *cfg, unsigned int phb)
{
	const struct phb_config *p = phb < PHB_MAX ? &cfg->phbs[phb] : NULL;

	return p && p->user_coalesce_set ? p->user_coalesce : cfg->user_coalesce;
}

int config_set(struct vm_config *cfg, const char *source, const char *key,
	       const char *value, const char *base_dir, char *err, size_t errlen)
{
	bool *flag = bool_key(cfg, key);
	unsigned long n;
	int r;

	if (flag) {
		if (parse_bool(value, flag))
			return fail(err, errlen, source, key, "expected on or off, not \"%s\"", value);
	} else if (!strcmp(key, "pci:trusted_guest")) {
		/* One switch for both multi-TCE hcalls: KVM's handlers for them
		 * can be made to crash the host (README, "Known in mode kernel"). */
		bool on;
		if (parse_bool(value, &on))
			return fail(err, errlen, source, key, "expected on or off, not \"%s\"", value);
		cfg->kvm_indirect_tce = cfg->kvm_stuff_tce = on;
	} else if (!strcmp(key, "vm:memory")) {
		uint64_t bytes;
		r = parse_size(value, MiB, &bytes);
		if (r)
			return fail(err, errlen, source, key, "not a size (MiB, or with K/M/G): \"%s\"", value);
		if (bytes < RAM_MIN || bytes > RAM_MAX)
			return fail(err, errlen, source, key, "%s is outside %llu MiB..%llu GiB",
				    value, RAM_MIN / MiB, RAM_MAX / GiB);
		if (bytes % (64 * KiB))
			return fail(err, errlen, source, key, "%s is not a multiple of 64 KiB", value);
		cfg->ram_size = bytes;
	} else if (!strcmp(key, "vm:vcpus")) {
		if (parse_uint(value, VCPUS_MAX, &n) || n == 0)
			return fail(err, errlen, source, key, "not a vcpu count 1..%d: \"%s\"", VCPUS_MAX, value);
		cfg->vcpus = n;
	} else if (!strcmp(key, "vm:threads")) {
		if (parse_uint(value, 8, &n) || !n || (n & (n - 1)))
			return fail(err, errlen, source, key, "not a thread count per core 1, 2, 4 or 8: \"%s\"", value);
		cfg->threads = n;
	} else if (!strcmp(key, "vm:kernel")) {
		if (set_path(cfg->kernel, sizeof(cfg->kernel), value, base_dir))
			return fail(err, errlen, source, key, "empty or too long path");
	} else if (!strcmp(key, "vm:kernel_addr")) {
		if (parse_addr(value, &cfg->kernel_addr))
			return fail(err, errlen, source, key, "not a guest address below %llu GiB "
				    "(0x400000 or decimal): \"%s\"", RAM_MAX / GiB, value);
		cfg->kernel_addr_given = true;
	} else if (!strcmp(key, "vm:payload")) {
		if (set_path(cfg->payload, sizeof(cfg->payload), value, base_dir))
			return fail(err, errlen, source, key, "empty or too long path");
	} else if (!strcmp(key, "vm:initrd")) {
		if (!*value)
			cfg->initrd[0] = '\0';
		else if (set_path(cfg->initrd, sizeof(cfg->initrd), value, base_dir))
			return fail(err, errlen, source, key, "too long path");
	} else if (!strcmp(key, "vm:cmdline")) {
		if (strlen(value) >= sizeof(cfg->cmdline))
			return fail(err, errlen, source, key, "longer than %d bytes", CMDLINE_MAX - 1);
		snprintf(cfg->cmdline, sizeof(cfg->cmdline), "%s", value);
		cfg->cmdline_given = true;
	} else if (!strcmp(key, "vm:console")) {
		if (!strcmp(value, "stdio"))
			cfg->console = CONSOLE_STDIO;
		else if (!strcmp(value, "none"))
			cfg->console = CONSOLE_NONE;
		else
			return fail(err, errlen, source, key, "expected stdio or none, not \"%s\"", value);
	} else if (!strcmp(key, "vm:on_reboot")) {
		if (!strcmp(value, "exit"))
			cfg->on_reboot = REBOOT_EXIT;
		else if (!strcmp(value, "restart"))
			cfg->on_reboot = REBOOT_RESTART;
		else
			return fail(err, errlen, source, key, "expected exit or restart, not \"%s\"", value);
	} else if (!strcmp(key, "vm:rtc_base")) {
		if (parse_rtc_base(value, cfg))
			return fail(err, errlen, source, key, "expected utc, localtime or a date "
				    "1970..9999 like 2006-06-17T16:01:21 or 2006-06-17, not \"%s\"", value);
	} else if (!strcmp(key, "vm:stats_json")) {
		if (set_path(cfg->stats_json, sizeof(cfg->stats_json), value, NULL))
			return fail(err, errlen, source, key, "empty or too long path");
	} else if (!strcmp(key, "pci:ddw_max_size")) {
		uint64_t bytes;
		if (parse_size(value, MiB, &bytes))
			return fail(err, errlen, source, key, "not a size (MiB, or with K/M/G): \"%s\"", value);
		if (bytes < MiB || bytes > (1ULL << 62) || (bytes & (bytes - 1)))
			return fail(err, errlen, source, key, "%s is not a power of two from 1M to 4194304G", value);
		cfg->ddw_max_size = bytes;
	} else if (!strcmp(key, "pci:tce")) {
		if (parse_tce(value, &cfg->tce))
			return fail(err, errlen, source, key, "expected kernel, user or auto, not \"%s\"", value);
		cfg->tce_explicit = cfg->tce != TCE_AUTO;
	} else if (!strncmp(key, "pci", 3) && (key[3] == ':' || key[3] == '.')) {
		return set_dev_key(cfg, source, key, value, err, errlen);
	} else if (!strncmp(key, "phb.", 4)) {
		return set_phb_key(cfg, source, key, value, err, errlen);
	} else {
		return fail(err, errlen, source, key, "unknown key");
	}
	return 0;
}

/* iniparser reports syntax errors through a printf-like callback: keep the
 * first one so that the caller can print it as its single line. */
static char ini_error[256];
static int ini_error_cb(const char *fmt, ...)
{
	va_list ap;

	if (ini_error[0])
		return 0;
	va_start(ap, fmt);
	vsnprintf(ini_error, sizeof(ini_error), fmt, ap);
	va_end(ap);
	for (char *p = ini_error; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return 0;
}

static void dir_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, len, ".");
	else if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

int config_load_file(struct vm_config *cfg, const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	dictionary *d;
	FILE *f;
	int r = 0;

	f = fopen(path, "r");
	if (!f) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(e));
		return -e;
	}
	fclose(f);
	ini_error[0] = '\0';
	iniparser_set_error_callback(ini_error_cb);
	d = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	if (!d) {
		/* iniparser says "syntax error in FILE (LINE): -> TEXT": keep
		 * the line number and text, the file is named once already. */
		const char *line = strrchr(ini_error, '(');
		const char *text = strstr(ini_error, "-> ");
		int lineno = line ? atoi(line + 1) : 0;
		snprintf(err, errlen, "%s: syntax error at line %d: %s", path, lineno,
			 text ? text + 3 : "cannot parse");
		return -EINVAL;
	}
	dir_of(path, dir, sizeof(dir));

	/* Walk every entry in file order: a name without ':' is a section,
	 * anything else a key. Keys before the first section come out as
	 * ":key" and are reported as unknown rather than silently ignored. */
	for (ssize_t i = 0; i < d->size && !r; i++) {
		const char *name = d->key[i];

		if (!name)
			continue;
		if (!strchr(name, ':')) {
			if (strcmp(name, "vm") && strcmp(name, "pci") && strncmp(name, "pci.", 4) &&
			    strncmp(name, "phb.", 4))
				r = fail(err, errlen, path, name,
					 "unknown section (expected [vm], [pci], [pci.NAME] or [phb.N])");
			continue;
		}
		r = config_set(cfg, path, name, d->val[i] ? d->val[i] : "", dir, err, errlen);
	}
	iniparser_freedict(d);
	return r;
}

void config_default_cmdline(struct vm_config *cfg, bool linux_kernel)
{
	/* Other images would take it as their own arguments. */
	if (linux_kernel && !cfg->cmdline_given)
		snprintf(cfg->cmdline, sizeof(cfg->cmdline), "%s", CONFIG_DEFAULT_CMDLINE);
}

int config_validate(const struct vm_config *cfg, const char *source, char *err, size_t errlen)
{
	if (!cfg->kernel[0] && !cfg->payload[0])
		return fail(err, errlen, source, "vm:kernel", "no kernel or payload given (-k or [vm] kernel)");
	if (cfg->kernel[0] && cfg->payload[0])
		return fail(err, errlen, source, "vm:payload", "give a kernel or a payload, not both");
	if (cfg->vcpus % cfg->threads)
		return fail(err, errlen, source, "vm:threads", "%u vcpus do not make whole cores of %u threads",
			    cfg->vcpus, cfg->threads);
	if (cfg->payload[0] && cfg->kernel_addr_given)
		return fail(err, errlen, source, "vm:kernel_addr", "a raw payload is loaded at 0; "
			    "kernel_addr places ELF kernels that are not Linux");
	if (cfg->payload[0] && cfg->initrd[0])
		return fail(err, errlen, source, "vm:initrd", "a bare-metal payload takes no initrd");
	if (cfg->tce_explicit && !cfg->nr_devs)
		return fail(err, errlen, source, "pci:tce", "a TCE mode needs a passthrough device ([pci] host)");
	if ((cfg->bind || cfg->bind_force) && !cfg->nr_devs)
		return fail(err, errlen, source, cfg->bind ? "pci:bind" : "pci:bind_force",
			    "binding needs a passthrough device ([pci] host or --pci)");
	if (cfg->bind_force && !cfg->bind)
		return fail(err, errlen, source, "pci:bind_force", "forces --bind, which is off");
	for (unsigned int i = 0; i < cfg->nr_devs; i++) {
		const struct pci_dev_config *d = &cfg->devs[i];
		if (!d->host[0])
			return fail(err, errlen, source, d->key, "no host = BDF for this device");
		for (unsigned int j = 0; j < i; j++)
			if (!strcmp(cfg->devs[j].host, d->host))
				return fail(err, errlen, source, d->key, "%s is given twice (also as %s)",
					    d->host, cfg->devs[j].key);
	}
	return 0;
}
