/*
 * tcebench: times the TCE hypercalls on the passthrough device's DMA window
 * with the timebase, N times each, and prints one machine-readable line per
 * operation:
 *   TCEBENCH op=<op> n=<N> min_ns=.. median_ns=.. max_ns=.. entries=<per call>
 * The floors are the cheapest round trips each TCE path can have:
 *   floor_kernel  H_CONFER to -1 ("all"): kvmppc_pseries_do_hcall answers
 *                 H_SUCCESS at its first test, with no side effect;
 *   floor_prod    H_PROD to a vcpu id no vcpu has: H_PARAMETER from KVM
 *                 after a vcpu lookup (no side effect either; shown beside
 *                 it: in the emulated host it cost more than KVM's own
 *                 H_PUT_TCE unmap, so it is not the floor);
 *   floor_user    an hcall number nothing assigns: KVM passes it to pvmm,
 *                 whose dispatcher answers H_FUNCTION at once.
 * An in-kernel floor that reached pvmm would come back H_FUNCTION.
 * The floors and the single-entry ops are timed in one loop, one call of
 * each per round, so that each op and its floor see the same conditions:
 * in the emulated host the cost of a round trip drifts by 2x between and
 * within runs, and floors timed in a block of their own were no floors.
 * Every return code is checked; a failure prints TCEBENCH-FAIL and stops.
 * N comes from the command line (bootargs) as tcebench.n=<N> (default 1000).
 */
#include "lib.h"

#define MAX_N		4096
#define PAGE		4096UL
#define TARGET_GPA	0x1000000UL	/* pages the TCEs point at (16 MiB up) */
#define TARGET_PAGES	256
#define NO_SUCH_VCPU	0x7fffffffUL	/* no vcpu has this id */
#define H_UNASSIGNED	0x4fc		/* past PAPR's hcalls; KVM has no case for it */

/* One array of samples per op timed in the interleaved loop. */
enum { S_FLOOR_KERNEL, S_FLOOR_PROD, S_FLOOR_USER, S_PUT_MAP, S_GET, S_PUT_UNMAP, S_OPS };
static uint64_t samples[S_OPS][MAX_N];
static uint64_t tce_list[512] __attribute__((aligned(4096)));
static uint64_t hz;

static unsigned long parse_n(void)
{
	const char *args = fdt_prop(fdt_node("/chosen"), "bootargs", 0);
	const char *key = "tcebench.n=";
	unsigned long n = 1000;

	for (const char *p = args; p && *p; p++) {
		if (!strncmp(p, key, strlen(key))) {
			n = 0;
			for (p += strlen(key); *p >= '0' && *p <= '9'; p++)
				n = n * 10 + (*p - '0');
			break;
		}
	}
	return n < 1 ? 1 : n > MAX_N ? MAX_N : n;
}

static void sort(uint64_t *v, unsigned long n)
{
	for (unsigned long i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned long j = i;
		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static uint64_t ns(uint64_t ticks)
{
	return ticks * 1000000000ULL / hz;
}

static void report(const char *op, uint64_t *v, unsigned long n, unsigned long entries)
{
	sort(v, n);
	printf("TCEBENCH op=%s n=%lu min_ns=%lu median_ns=%lu max_ns=%lu entries=%lu\n", op, n,
	       (unsigned long)ns(v[0]), (unsigned long)ns(v[n / 2]),
	       (unsigned long)ns(v[n - 1]), entries);
}

static void check_rc(const char *op, unsigned long i, long rc, long want)
{
	if (rc != want) {
		printf("TCEBENCH-FAIL op=%s i=%lu rc=%d\n", op, i, (int)rc);
		power_off();
	}
}

static void check(const char *op, unsigned long i, long rc)
{
	check_rc(op, i, rc, H_SUCCESS);
}

/* timed_hcall: one hcall timed into *sample, its answer checked. */
static void timed_hcall(const char *op, unsigned long i, uint64_t *sample, long want,
			unsigned long nr, unsigned long a1, unsigned long a2, unsigned long a3,
			unsigned long *out)
{
	uint64_t t0 = read_tb();
	long rc = hcall(nr, a1, a2, a3, 0, out);

	*sample = read_tb() - t0;
	check_rc(op, i, rc, want);
}

/* The floors and the single-entry ops, one round per i: map a page
 * (read/write), read it back, unmap it. */
static void single_entry_ops(unsigned long n, uint32_t liobn, uint64_t start, unsigned long pages)
{
	unsigned long out[9];

	for (unsigned long i = 0; i < n; i++) {
		uint64_t ioba = start + (i % pages) * PAGE;
		uint64_t gpa = TARGET_GPA + (i % TARGET_PAGES) * PAGE;

		timed_hcall("floor_kernel", i, &samples[S_FLOOR_KERNEL][i], H_SUCCESS,
			    H_CONFER, (unsigned long)-1, 0, 0, NULL);
		timed_hcall("floor_prod", i, &samples[S_FLOOR_PROD][i], H_PARAMETER,
			    H_PROD, NO_SUCH_VCPU, 0, 0, NULL);
		timed_hcall("floor_user", i, &samples[S_FLOOR_USER][i], H_FUNCTION,
			    H_UNASSIGNED, 0, 0, 0, NULL);
		timed_hcall("put_map", i, &samples[S_PUT_MAP][i], H_SUCCESS,
			    H_PUT_TCE, liobn, ioba, gpa | 3, NULL);
		timed_hcall("get", i, &samples[S_GET][i], H_SUCCESS, H_GET_TCE, liobn, ioba, 0, out);
		if ((out[0] & ~0xfffUL) != gpa) {
			printf("TCEBENCH-FAIL op=get i=%lu value=0x%lx\n", i, out[0]);
			power_off();
		}
		timed_hcall("put_unmap", i, &samples[S_PUT_UNMAP][i], H_SUCCESS,
			    H_PUT_TCE, liobn, ioba, 0, NULL);
	}
	report("floor_kernel", samples[S_FLOOR_KERNEL], n, 0);
	report("floor_prod", samples[S_FLOOR_PROD], n, 0);
	report("floor_user", samples[S_FLOOR_USER], n, 0);
	report("put_map", samples[S_PUT_MAP], n, 1);
	report("put_unmap", samples[S_PUT_UNMAP], n, 1);
	report("get", samples[S_GET], n, 1);
}

static void put_be64(uint64_t *p, uint64_t v)
{
	uint8_t *b = (uint8_t *)p;
	for (int i = 0; i < 8; i++)
		b[i] = v >> (56 - 8 * i);
}

void payload_main(void);
void payload_main(void)
{
	int phb = fdt_child_prefix(0, "pci@"), len;
	const uint8_t *win = fdt_prop(phb, "ibm,dma-window", &len);
	unsigned long n = parse_n(), pages;
	uint32_t liobn;
	uint64_t start, size, t0;

	hz = tb_hz();
	if (!win || len != 20) {
		printf("TCEBENCH-FAIL op=setup no ibm,dma-window on a pci@ node\n");
		return;
	}
	liobn = be32(win);
	start = be64(win + 4);
	size = be64(win + 12);
	pages = size / PAGE;
	printf("TCEBENCH liobn=0x%x window_start=0x%lx window_size=0x%lx n=%lu tb_hz=%lu\n",
	       liobn, (unsigned long)start, (unsigned long)size, n, (unsigned long)hz);
	if (pages < 512) {
		printf("TCEBENCH-FAIL op=setup window of %lu pages is too small\n", pages);
		return;
	}

	single_entry_ops(n, liobn, start, pages);

	/* H_PUT_TCE_INDIRECT with 512 entries, then H_STUFF_TCE clears them. */
	for (int e = 0; e < 512; e++)
		put_be64(&tce_list[e], (TARGET_GPA + (e % TARGET_PAGES) * PAGE) | 3);
	unsigned long m = n / 8 ? n / 8 : 1;
	for (unsigned long i = 0; i < m; i++) {
		t0 = read_tb();
		check("put_indirect", i, hcall(H_PUT_TCE_INDIRECT, liobn, start,
					       (unsigned long)tce_list, 512, 0));
		samples[0][i] = read_tb() - t0;
		check("stuff_clear", i, hcall(H_STUFF_TCE, liobn, start, 0, 512, 0));
	}
	report("put_indirect", samples[0], m, 512);
	for (unsigned long i = 0; i < m; i++) {
		check("indirect_setup", i, hcall(H_PUT_TCE_INDIRECT, liobn, start,
						 (unsigned long)tce_list, 512, 0));
		t0 = read_tb();
		check("stuff", i, hcall(H_STUFF_TCE, liobn, start, 0, 512, 0));
		samples[0][i] = read_tb() - t0;
	}
	report("stuff", samples[0], m, 512);
	printf("TCEBENCH-DONE\n");
}
