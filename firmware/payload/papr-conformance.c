/*
 * papr-conformance: the guest-visible platform details that guests written
 * for QEMU's pseries rely on, checked from inside the guest. One line per
 * case:
 *   PAPR <case> PASS|FAIL|SKIP [detail]
 * and finally PAPR-DONE pass=<n> fail=<m>. The first case's line is written
 * to console terminal 0 (the default vty) and only reaches the log if pvmm
 * serves it. Bootargs: papr.rtc=YYYY-MM-DDTHH:MM:SS names the base given
 * with --rtc-base (checked within 2 s); without any bootargs the empty
 * argument list is the check. A second cpu, when there is one, must come in
 * big-endian from RTAS start-cpu. papr.threads=T (with --threads T): the
 * device tree must show cores of T threads with contiguous ids.
 */
#include "lib.h"

#define H_SET_SPRG0		0x24
#define H_PAGE_INIT		0x2c
#define H_RANDOM		0x300
#define H_ZERO_PAGE		(1UL << (63 - 48))
#define H_COPY_PAGE		(1UL << (63 - 49))
#define PAGE			4096UL
#define SPRG0_VALUE		0x1234567890abcdefUL

static int pass, fail;
static uint64_t tb_start;
static uint8_t pages[3][PAGE] __attribute__((aligned(4096)));

/* One case's line; fmt (optional) formats up to two numbers as detail. */
static void result(const char *name, int ok, const char *fmt, int a, int b)
{
	printf("PAPR %s %s", name, ok ? "PASS" : "FAIL");
	if (fmt) {
		printf(" ");
		printf(fmt, a, b);
	}
	printf("\n");
	ok ? pass++ : fail++;
}

static void skip(const char *name, const char *why)
{
	printf("PAPR %s SKIP %s\n", name, why);
}

/* ---- 1: console terminal 0 ---- */

static long put_term0(const char *s)
{
	size_t n = strlen(s);
	long worst = H_SUCCESS;

	while (n) {
		size_t c = n > 16 ? 16 : n;
		unsigned long hi = 0, lo = 0;
		for (size_t i = 0; i < c; i++)
			*(i < 8 ? &hi : &lo) |= (unsigned long)(unsigned char)s[i] << (56 - 8 * (i % 8));
		long rc = hcall(H_PUT_TERM_CHAR, 0, c, hi, lo, 0);
		if (rc != H_SUCCESS)
			worst = rc;
		s += c;
		n -= c;
	}
	return worst;
}

static void check_termno0(void)
{
	long rc = put_term0("PAPR termno0-output PASS\n");

	if (rc == H_SUCCESS)
		pass++;
	else
		result("termno0-hcall", 0, "rc=%d", rc, 0);
}

/* ---- 2, 3: root compatible and /hypervisor ---- */

/* Is s one of the strings of a NUL-separated list? index in *at. */
static int in_list(const char *list, int len, const char *s, int *at)
{
	int i = 0;

	for (int off = 0; list && off < len; off += strlen(list + off) + 1, i++) {
		if (!strcmp(list + off, s)) {
			if (at)
				*at = i;
			return 1;
		}
	}
	return 0;
}

static void check_device_tree(void)
{
	int len = 0, at = -1;
	const char *compat = fdt_prop(fdt_node("/"), "compatible", &len);
	const char *hyp;
	const char *sets;

	result("root-compatible-pvmm-first", in_list(compat, len, "pvmm,pseries", &at) && at == 0, 0, 0, 0);
	result("root-compatible-qemu-pseries", in_list(compat, len, "qemu,pseries", 0), 0, 0, 0);
	hyp = fdt_prop(fdt_node("/hypervisor"), "compatible", &len);
	result("hypervisor-linux-kvm", in_list(hyp, len, "linux,kvm", 0), 0, 0, 0);
	sets = fdt_prop(fdt_node("/rtas"), "ibm,hypertas-functions", &len);
	result("hypertas-sprg0", in_list(sets, len, "hcall-sprg0", 0), 0, 0, 0);
	result("hypertas-copy", in_list(sets, len, "hcall-copy", 0), 0, 0, 0);
}

/* ---- 4: H_SET_SPRG0, H_PAGE_INIT, H_RANDOM ---- */

static uint64_t mfsprg0(void)
{
	uint64_t v;

	__asm__ volatile("mfspr %0, 272" : "=r"(v));
	return v;
}

static void check_sprg0(void)
{
	long rc = hcall(H_SET_SPRG0, SPRG0_VALUE, 0, 0, 0, 0);

	result("set-sprg0", rc == H_SUCCESS && mfsprg0() == SPRG0_VALUE, "rc=%d read-back-matches=%d",
	       rc, mfsprg0() == SPRG0_VALUE);
}

static int page_is(const uint8_t *p, int v)
{
	for (unsigned long i = 0; i < PAGE; i++)
		if (p[i] != (uint8_t)v)
			return 0;
	return 1;
}

static long page_init(unsigned long flags, uint64_t dst, uint64_t src)
{
	return hcall(H_PAGE_INIT, flags, dst, src, 0, 0);
}

static void check_page_init(void)
{
	uint64_t dst = (uint64_t)(uintptr_t)pages[0], src = (uint64_t)(uintptr_t)pages[1];
	uint64_t ram = ram_size();
	long rc;

	memset(pages[0], 0xff, PAGE);
	memset(pages[1], 0x5a, PAGE);
	rc = page_init(H_ZERO_PAGE, dst, 0);
	result("page-init-zero", rc == H_SUCCESS && page_is(pages[0], 0), "rc=%d", rc, 0);
	rc = page_init(H_COPY_PAGE, dst, src);
	result("page-init-copy", rc == H_SUCCESS && page_is(pages[0], 0x5a), "rc=%d", rc, 0);
	/* the last page of RAM is a valid source (it holds the device tree) */
	rc = page_init(H_COPY_PAGE, (uint64_t)(uintptr_t)pages[2], ram - PAGE);
	result("page-init-copy-last-ram-page", rc == H_SUCCESS, "rc=%d", rc, 0);
	result("page-init-unaligned-dst", page_init(H_ZERO_PAGE, dst + 8, 0) == H_PARAMETER, 0, 0, 0);
	result("page-init-unaligned-src", page_init(H_COPY_PAGE, dst, src + 8) == H_PARAMETER, 0, 0, 0);
	result("page-init-dst-past-ram", page_init(H_ZERO_PAGE, ram, 0) == H_PARAMETER, 0, 0, 0);
	result("page-init-src-past-ram", page_init(H_COPY_PAGE, dst, ram) == H_PARAMETER, 0, 0, 0);
	result("page-init-dst-far", page_init(H_ZERO_PAGE, 1UL << 60, 0) == H_PARAMETER, 0, 0, 0);
	result("page-init-bad-flags", page_init(H_ZERO_PAGE | 1, dst, 0) == H_PARAMETER, 0, 0, 0);
	/* nothing was written by the refused calls */
	result("page-init-refusals-wrote-nothing", page_is(pages[0], 0x5a), 0, 0, 0);
}

/* H_RANDOM where, and only where, the device tree offers it. */
static void check_random(void)
{
	int offered = fdt_node("/ibm,random-v1") >= 0;
	unsigned long a[9], b[9];
	long ra = hcall(H_RANDOM, 0, 0, 0, 0, a), rb = hcall(H_RANDOM, 0, 0, 0, 0, b);

	if (offered)
		result("h-random-offered-works", ra == H_SUCCESS && rb == H_SUCCESS && a[0] != b[0],
		       "rc=%d rc2=%d", ra, rb);
	else
		result("h-random-not-offered-h-function", ra == H_FUNCTION, "rc=%d", ra, 0);
}

/* ---- 5: the time of day starts at --rtc-base ---- */

static int parse_num(const char *s, int digits, long *out)
{
	long v = 0;

	for (int i = 0; i < digits; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

static long days_before_year(long y)
{
	long d = 0;

	for (long i = 1970; i < y; i++)
		d += (i % 4 == 0 && (i % 100 != 0 || i % 400 == 0)) ? 366 : 365;
	return d;
}

static long to_seconds(long y, long mo, long d, long h, long mi, long s)
{
	static const int before[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	long leap = (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) && mo > 2;

	return ((days_before_year(y) + before[mo - 1] + leap + d - 1) * 24 + h) * 3600 + mi * 60 + s;
}

/* "YYYY-MM-DDTHH:MM:SS" -> seconds since 1970, -1 if malformed. */
static long parse_date(const char *p)
{
	long y, mo, d, h, mi, s;

	if (!parse_num(p, 4, &y) || p[4] != '-' || !parse_num(p + 5, 2, &mo) || p[7] != '-' ||
	    !parse_num(p + 8, 2, &d) || p[10] != 'T' || !parse_num(p + 11, 2, &h) || p[13] != ':' ||
	    !parse_num(p + 14, 2, &mi) || p[16] != ':' || !parse_num(p + 17, 2, &s) || mo < 1 || mo > 12)
		return -1;
	return to_seconds(y, mo, d, h, mi, s);
}

static const char *bootarg(const char *name)
{
	const char *args = fdt_prop(fdt_node("/chosen"), "bootargs", 0);
	size_t l = strlen(name);

	for (const char *p = args; p && *p; p++)
		if ((p == args || p[-1] == ' ') && !strncmp(p, name, l))
			return p + l;
	return 0;
}

static void check_rtc(void)
{
	const char *want = bootarg("papr.rtc=");
	uint32_t rets[8];
	long base, now, elapsed;

	if (!want) {
		skip("rtc-base", "no papr.rtc= given");
		return;
	}
	base = parse_date(want);
	if (rtas_call(rtas_token("get-time-of-day"), 0, 8, 0, rets) != 0 || base < 0) {
		result("rtc-base", 0, "get-time-of-day failed or bad papr.rtc (base %d)", base, 0);
		return;
	}
	now = to_seconds(rets[1], rets[2], rets[3], rets[4], rets[5], rets[6]);
	elapsed = (long)((read_tb() - tb_start) / tb_hz());
	/* within 2 s of the base plus the time the payload has run */
	result("rtc-base", now - base >= -2 && now - base <= elapsed + 2,
	       "guest-minus-base=%d s, payload ran %d s", now - base, elapsed);
}

/* ---- 8: no arguments unless some were given ---- */

static void check_args(void)
{
	const char *args = fdt_prop(fdt_node("/chosen"), "bootargs", 0);

	if (args && *args)
		skip("empty-args", "arguments were given");
	else
		result("empty-args", 1, 0, 0, 0);
}

/* ---- 7: a secondary comes in big-endian ---- */

static volatile int secondary_ran;

static void on_secondary(void)
{
	secondary_ran = 1;
}

static void check_secondary(void)
{
	uint32_t ids[8];
	int n = fdt_cpu_ids(ids, 8);
	uint64_t t0, limit = 10 * tb_hz();
	int st;

	printf("PAPR boot-entry INFO big-endian=%d\n", boot_entered_big_endian);
	if (n < 2) {
		skip("secondary-big-endian", "one cpu");
		return;
	}
	st = cpu_start(ids[1], on_secondary);
	for (t0 = read_tb(); !secondary_ran && read_tb() - t0 < limit; )
		;
	result("secondary-started", st == 0 && secondary_ran, "start-cpu=%d", st, 0);
	result("secondary-big-endian", secondary_entered_big_endian == 1, "entered-big-endian=%d",
	       secondary_entered_big_endian, 0);
	for (t0 = read_tb(); cpu_state(ids[1]) != 0 && read_tb() - t0 < limit; )
		;
	result("secondary-stopped-self", cpu_state(ids[1]) == 0, 0, 0, 0);
}

/* ---- 9: SMT topology ---- */

static void check_topology(void)
{
	const char *want = bootarg("papr.threads=");
	uint32_t ids[64];
	int cores = 0, n = fdt_cpu_threads(ids, 64, &cores), contiguous = 1;
	long t;

	printf("PAPR topology INFO cores=%d threads=%d\n", cores, n);
	if (!want || !parse_num(want, 1, &t)) {
		skip("smt-topology", "no papr.threads= given");
		return;
	}
	for (int i = 0; i < n && i < 64; i++)
		contiguous &= ids[i] == (uint32_t)i;
	result("smt-topology", cores * t == n && contiguous, "cores=%d threads=%d", cores, n);
}

void payload_main(void);
void payload_main(void)
{
	tb_start = read_tb();
	check_termno0();
	check_rtc();
	check_args();
	check_device_tree();
	check_sprg0();
	check_page_init();
	check_random();
	check_topology();
	check_secondary();
	printf("PAPR-DONE pass=%d fail=%d\n", pass, fail);
}
