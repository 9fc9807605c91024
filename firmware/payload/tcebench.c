/*
 * tcebench: times the TCE hypercalls on the passthrough device's DMA window
 * with the timebase, N times each, and prints one machine-readable line per
 * operation:
 *   TCEBENCH op=<op> n=<N> min_ns=.. median_ns=.. max_ns=.. entries=<per call>
 * The floors first, the cheapest round trips each TCE path can have:
 *   floor_kernel  H_CONFER to -1 ("all"): kvmppc_pseries_do_hcall answers
 *                 H_SUCCESS at its first test, with no side effect;
 *   floor_prod    H_PROD to a vcpu id no vcpu has: H_PARAMETER from KVM
 *                 after a vcpu lookup (no side effect either; shown beside
 *                 it: in the emulated host it cost more than KVM's own
 *                 H_PUT_TCE unmap, so it is not the floor);
 *   floor_user    an hcall number nothing assigns: KVM passes it to pvmm,
 *                 whose dispatcher answers H_FUNCTION at once.
 * An in-kernel floor that reached pvmm would come back H_FUNCTION.
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

static uint64_t samples[MAX_N];
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

static void report(const char *op, unsigned long n, unsigned long entries)
{
	sort(samples, n);
	printf("TCEBENCH op=%s n=%lu min_ns=%lu median_ns=%lu max_ns=%lu entries=%lu\n", op, n,
	       (unsigned long)ns(samples[0]), (unsigned long)ns(samples[n / 2]),
	       (unsigned long)ns(samples[n - 1]), entries);
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

/* The floors: timed like the TCE hcalls, their answers checked. */
static void floors(unsigned long n)
{
	uint64_t t0;

	for (unsigned long i = 0; i < n; i++) {
		t0 = read_tb();
		check_rc("floor_kernel", i, hcall(H_CONFER, (unsigned long)-1, 0, 0, 0, 0), H_SUCCESS);
		samples[i] = read_tb() - t0;
	}
	report("floor_kernel", n, 0);
	for (unsigned long i = 0; i < n; i++) {
		t0 = read_tb();
		check_rc("floor_prod", i, hcall(H_PROD, NO_SUCH_VCPU, 0, 0, 0, 0), H_PARAMETER);
		samples[i] = read_tb() - t0;
	}
	report("floor_prod", n, 0);
	for (unsigned long i = 0; i < n; i++) {
		t0 = read_tb();
		check_rc("floor_user", i, hcall(H_UNASSIGNED, 0, 0, 0, 0, 0), H_FUNCTION);
		samples[i] = read_tb() - t0;
	}
	report("floor_user", n, 0);
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
	unsigned long n = parse_n(), pages, out[9];
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

	floors(n);

	/* H_PUT_TCE: map one page (read/write), then unmap it. */
	for (unsigned long i = 0; i < n; i++) {
		uint64_t ioba = start + (i % pages) * PAGE;
		uint64_t tce = (TARGET_GPA + (i % TARGET_PAGES) * PAGE) | 3;
		t0 = read_tb();
		check("put_map", i, hcall(H_PUT_TCE, liobn, ioba, tce, 0, 0));
		samples[i] = read_tb() - t0;
	}
	report("put_map", n, 1);
	for (unsigned long i = 0; i < n; i++) {
		uint64_t ioba = start + (i % pages) * PAGE;
		t0 = read_tb();
		check("put_unmap", i, hcall(H_PUT_TCE, liobn, ioba, 0, 0, 0));
		samples[i] = read_tb() - t0;
	}
	report("put_unmap", n, 1);

	/* H_GET_TCE on a mapped entry; the value read back must match. */
	check("get_setup", 0, hcall(H_PUT_TCE, liobn, start, TARGET_GPA | 3, 0, 0));
	for (unsigned long i = 0; i < n; i++) {
		t0 = read_tb();
		check("get", i, hcall(H_GET_TCE, liobn, start, 0, 0, out));
		samples[i] = read_tb() - t0;
		if ((out[0] & ~0xfffUL) != TARGET_GPA) {
			printf("TCEBENCH-FAIL op=get i=%lu value=0x%lx\n", i, out[0]);
			return;
		}
	}
	report("get", n, 1);

	/* H_PUT_TCE_INDIRECT with 512 entries, then H_STUFF_TCE clears them. */
	for (int e = 0; e < 512; e++)
		put_be64(&tce_list[e], (TARGET_GPA + (e % TARGET_PAGES) * PAGE) | 3);
	unsigned long m = n / 8 ? n / 8 : 1;
	for (unsigned long i = 0; i < m; i++) {
		t0 = read_tb();
		check("put_indirect", i, hcall(H_PUT_TCE_INDIRECT, liobn, start,
					       (unsigned long)tce_list, 512, 0));
		samples[i] = read_tb() - t0;
		check("stuff_clear", i, hcall(H_STUFF_TCE, liobn, start, 0, 512, 0));
	}
	report("put_indirect", m, 512);
	for (unsigned long i = 0; i < m; i++) {
		check("indirect_setup", i, hcall(H_PUT_TCE_INDIRECT, liobn, start,
						 (unsigned long)tce_list, 512, 0));
		t0 = read_tb();
		check("stuff", i, hcall(H_STUFF_TCE, liobn, start, 0, 512, 0));
		samples[i] = read_tb() - t0;
	}
	report("stuff", m, 512);
	printf("TCEBENCH-DONE\n");
}
