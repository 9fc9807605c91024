/*
 * guest-fuzz: a guest that fuzzes pvmm (issue 27). Every vcpu (the
 * secondaries started through RTAS start-cpu) issues random but structured
 * calls: every hcall pvmm serves and random hcall numbers; RTAS calls with
 * real and random tokens, shapes and buffers (inside RAM, across its end,
 * over MMIO, in a page another vcpu rewrites); PCI config accesses at any
 * offset and size through each PHB's config address; MMIO inside and
 * outside the BARs; TCE hcalls with random LIOBNs, ioba, values, counts
 * and lists another vcpu rewrites; DDW query/create/remove/reset;
 * ibm,change-msi and ibm,query-interrupt-source-number; set-xive, int-on,
 * int-off and the XICS hcalls; start-cpu, stop-self and
 * query-cpu-stopped-state; the console and marks. Weights and short
 * sequences (a DDW created then mapped, MSI-X enabled then changed, a
 * mapping put then read back) reach deep states.
 *
 * Oracles: every answer must be one that PAPR allows for its call (the
 * table calls[] below, from pvmm's handlers and PAPR/QEMU), and where the
 * arguments decide it (a malformed call, an unknown LIOBN, a valid config
 * read...) the exact one; values read back must make sense (H_GET_TCE never
 * names a page outside RAM, holes read all ones). vcpu 0 prints a
 * heartbeat, every vcpu watches the others for a call that never returns,
 * an interrupt (a vector table at 0) is a failure, and at the end, alone,
 * vcpu 0 checks that pvmm still serves valid calls exactly, then powers
 * off. A failure prints its seed, call and arguments, and every vcpu's
 * last calls (a ring buffer).
 *
 * Bootargs: gf.seed=N gf.seconds=S gf.w=kind:weight,... (kinds below)
 * gf.mode=user|kernel (named in the output only), gf.trace=1 (a line per
 * call before it is made: what a run that kills the host did last).
 * Lines: GUEST-FUZZ-START, GUEST-FUZZ HEARTBEAT, GUEST-FUZZ FAIL,
 * GUEST-FUZZ RING, GUEST-FUZZ CALLS, GUEST-FUZZ PAIR, GUEST-FUZZ READBACK,
 * GUEST-FUZZ-DONE.
 * The same seed gives every vcpu the same stream of choices; how the
 * vcpus interleave is the host's.
 */
#include "lib.h"

#define MAX_CPUS	8
#define MAX_PHBS	4
#define MAX_FNS		8
#define PAGE		4096UL
#define RING		24
#define NPAIRS		256		/* per cpu, open addressing */
#define STACK_SIZE	(64 * 1024)
#define RTAS_WORDS	1024		/* a cpu's RTAS buffer: 4 KiB */
#define SLICE		256		/* TCE entries each cpu owns in a window */
#define SLICE_BASE	1024		/* the first cpu's slice */
#define MAX_FAIL_LINES	40
#define MAX_DUMPS	3
#define HEARTBEAT_S	5
#define STUCK_S		30		/* a call that long is pvmm not answering */

#define H_SET_SPRG0		0x24
#define H_PAGE_INIT		0x2c
#define H_GET_TERM_CHAR		0x54
#define H_EOI			0x64
#define H_CPPR			0x68
#define H_IPI			0x6c
#define H_IPOLL			0x70
#define H_XIRR			0x74
#define H_XIRR_X		0x2fc
#define H_SET_MODE		0x31c
#define H_REGISTER_PROC_TBL	0x37c
#define H_P2			-55
#define H_P3			-56
#define H_P4			-57
#define H_UNSUPPORTED_FLAG	-256
#define H_TOO_HARD		9999

#define RTAS_HW			-1
#define RTAS_BUSY		-2
#define RTAS_PARAM		-3
#define NO_STATUS		77777		/* nret 0, or the cell is not in the buffer */
#define ALL_ONES		-1		/* an MMIO read's answer class */
#define NOT_ALL_ONES		0

#define H_ICACHE_INVALIDATE	(1UL << (63 - 40))
#define H_ICACHE_SYNCHRONIZE	(1UL << (63 - 41))
#define H_ZERO_PAGE		(1UL << (63 - 48))
#define H_COPY_PAGE		(1UL << (63 - 49))
#define H_PAGE_SET_LOANED	(0xfUL << (63 - 31))
#define PAGE_INIT_KNOWN		(H_ICACHE_INVALIDATE | H_ICACHE_SYNCHRONIZE | H_ZERO_PAGE | \
				 H_COPY_PAGE | H_PAGE_SET_LOANED)

#define PHB_LIOBN_BASE		0x80000000u	/* | index << 8 | window */
#define XICS_PCI_FIRST		4112
#define XICS_END		12288

/* ---- the calls and what PAPR lets each answer ---- */

#define END	0x7fffffffL
#define ANY	0x7ffffffeL		/* first entry: any answer but H_TOO_HARD */

enum {
	C_PUT_TERM, C_GET_TERM, C_SET_MODE, C_SET_SPRG0, C_PAGE_INIT, C_PROC_TBL,
	C_HC_UNKNOWN, C_HC_KVM, C_HC_XICS, C_PUT_TCE, C_GET_TCE, C_INDIRECT, C_STUFF,
	C_RTAS_BUF, C_MMIO_HOLE, C_MMIO_BAR, C_MARK,
	/* the RTAS calls, in rtas_names[] order */
	C_DISPLAY, C_GET_TOD, C_SET_TOD, C_POWER_OFF, C_REBOOT, C_OS_TERM, C_EVENT_SCAN,
	C_START_CPU, C_STOP_SELF, C_QUERY_CPU, C_SET_XIVE, C_GET_XIVE, C_INT_OFF, C_INT_ON,
	C_IBM_READ, C_IBM_WRITE, C_READ, C_WRITE, C_CHANGE_MSI, C_QUERY_IRQ,
	C_DDW_QUERY, C_DDW_CREATE, C_DDW_REMOVE, C_DDW_RESET,
	C_RTAS_UNKNOWN,
	/* RTAS calls /rtas names that the payload has no model of (EEH's...) */
	C_EXTRA, NR_CALLS = C_EXTRA + 16
};
#define C_RTAS_FIRST	C_DISPLAY
#define NR_RTAS		(C_RTAS_UNKNOWN - C_RTAS_FIRST)
#define NR_EXTRA	(NR_CALLS - C_EXTRA)

static const struct call_def {
	const char *name;
	long allowed[6];		/* END-terminated */
} calls[NR_CALLS] = {
	[C_PUT_TERM] = { "H_PUT_TERM_CHAR", { 0, -4, END } },
	[C_GET_TERM] = { "H_GET_TERM_CHAR", { 0, -4, END } },
	[C_SET_MODE] = { "H_SET_MODE", { 0, H_P2, H_P3, H_P4, H_UNSUPPORTED_FLAG, END } },
	[C_SET_SPRG0] = { "H_SET_SPRG0", { 0, END } },
	[C_PAGE_INIT] = { "H_PAGE_INIT", { 0, -4, END } },
	[C_PROC_TBL] = { "H_REGISTER_PROC_TBL", { 0, -4, END } },
	[C_HC_UNKNOWN] = { "hcall-unknown", { -2, END } },
	[C_HC_KVM] = { "hcall-kvm", { ANY, END } },		/* KVM's own answer */
	[C_HC_XICS] = { "hcall-xics", { 0, -4, -2, 3, END } },	/* H_NOT_AVAILABLE: XICS on XIVE */
	[C_PUT_TCE] = { "H_PUT_TCE", { 0, -4, END } },
	[C_GET_TCE] = { "H_GET_TCE", { 0, -4, END } },
	[C_INDIRECT] = { "H_PUT_TCE_INDIRECT", { 0, -4, END } },
	[C_STUFF] = { "H_STUFF_TCE", { 0, -4, END } },
	[C_RTAS_BUF] = { "H_RTAS-buffer", { 0, -4, END } },
	[C_MMIO_HOLE] = { "mmio-hole", { ALL_ONES, END } },
	[C_MMIO_BAR] = { "mmio-bar", { ALL_ONES, NOT_ALL_ONES, END } },
	[C_MARK] = { "console-line", { 0, END } },
	[C_DISPLAY] = { "display-character", { 0, -1, -3, END } },
	[C_GET_TOD] = { "get-time-of-day", { 0, -1, -3, END } },
	[C_SET_TOD] = { "set-time-of-day", { 0, -1, -3, END } },
	[C_POWER_OFF] = { "power-off", { -3, NO_STATUS, END } },	/* only malformed */
	[C_REBOOT] = { "system-reboot", { -3, NO_STATUS, END } },
	[C_OS_TERM] = { "ibm,os-term", { -3, NO_STATUS, END } },
	[C_EVENT_SCAN] = { "event-scan", { 0, 1, -1, -3, END } },
	[C_START_CPU] = { "start-cpu", { 0, -1, -3, END } },
	[C_STOP_SELF] = { "stop-self", { -3, NO_STATUS, END } },	/* the valid one never returns */
	[C_QUERY_CPU] = { "query-cpu-stopped-state", { 0, -3, END } },
	[C_SET_XIVE] = { "ibm,set-xive", { 0, -3, END } },
	[C_GET_XIVE] = { "ibm,get-xive", { 0, -3, END } },
	[C_INT_OFF] = { "ibm,int-off", { 0, -3, END } },
	[C_INT_ON] = { "ibm,int-on", { 0, -3, END } },
	[C_IBM_READ] = { "ibm,read-pci-config", { 0, -1, -3, END } },
	[C_IBM_WRITE] = { "ibm,write-pci-config", { 0, -1, -3, END } },
	[C_READ] = { "read-pci-config", { 0, -1, -3, END } },
	[C_WRITE] = { "write-pci-config", { 0, -1, -3, END } },
	[C_CHANGE_MSI] = { "ibm,change-msi", { 0, -1, -3, END } },
	[C_QUERY_IRQ] = { "ibm,query-interrupt-source-number", { 0, -1, -3, END } },
	[C_DDW_QUERY] = { "ibm,query-pe-dma-window", { 0, -1, -3, END } },
	[C_DDW_CREATE] = { "ibm,create-pe-dma-window", { 0, -1, -2, -3, END } },
	[C_DDW_REMOVE] = { "ibm,remove-pe-dma-window", { 0, -1, -3, END } },
	[C_DDW_RESET] = { "ibm,reset-pe-dma-windows", { 0, -1, -3, END } },
	[C_RTAS_UNKNOWN] = { "rtas-unknown-token", { -3, NO_STATUS, END } },
	/* no model: any status, only the hcall's answer and pvmm's health count */
	[C_EXTRA ... NR_CALLS - 1] = { "rtas-extra", { ANY, END } },
};

/* Each RTAS call's shape: nargs, and nret from nret_min to nret_max. */
static const struct rtas_shape {
	uint8_t nargs, nret_min, nret_max;
} shapes[NR_RTAS] = {
	{ 1, 1, 1 }, { 0, 8, 8 }, { 7, 1, 1 }, { 2, 1, 1 }, { 0, 1, 1 }, { 1, 1, 1 }, { 4, 1, 1 },
	{ 3, 1, 1 }, { 0, 1, 1 }, { 1, 2, 2 }, { 3, 1, 1 }, { 1, 3, 3 }, { 1, 1, 1 }, { 1, 1, 1 },
	{ 4, 2, 2 }, { 5, 1, 1 }, { 2, 2, 2 }, { 3, 1, 1 }, { 6, 3, 16 }, { 4, 2, 16 },
	{ 3, 5, 6 }, { 5, 4, 4 }, { 1, 1, 1 }, { 3, 1, 1 },
};

/* What the generator knows of an answer before the call. */
#define WANT_ANY	0x7ffffff0L	/* any allowed answer */
#define WANT_FAIL	0x7ffffff1L	/* any allowed answer but success */

/* Kinds of action, and their default weights (gf.w= changes them). */
enum { K_HCALL, K_RND, K_RTAS, K_PCI, K_MMIO, K_TCE, K_DDW, K_MSI, K_XIVE, K_CPU, K_CON, K_SEQ,
       K_SCRIBBLE, K_XICS, NR_KINDS };
static const char *const kind_names[NR_KINDS] = {
	"hcall", "rnd", "rtas", "pci", "mmio", "tce", "ddw", "msi", "xive", "cpu", "con", "seq",
	"scribble", "xics",
};
static unsigned int weights[NR_KINDS] = { 8, 5, 10, 12, 8, 25, 6, 6, 4, 3, 2, 8, 3, 2 };

/* ---- state ---- */

struct ring_entry {
	uint64_t seq;
	uint64_t a[5];
	long rc;
	uint16_t call;
};

struct pair {
	long ans;
	uint64_t n;
	uint16_t call;
	uint16_t used;
};

enum { CPU_NEW, CPU_RUNNING, CPU_STOPPED, CPU_DONE };

struct cpu {
	int index;
	uint32_t id;
	uint64_t rng;
	volatile uint64_t calls;
	volatile uint64_t call_tb;	/* when the call under way began, 0: none */
	volatile int state;
	uint64_t seq;
	unsigned int ring_pos;
	struct ring_entry ring[RING];
	struct pair pairs[NPAIRS];
	uint64_t per_call[NR_CALLS];
	uint64_t stops, restarts;
};

struct bar {
	uint32_t reg;			/* config offset of the BAR register */
	uint64_t gpa, size;
};

struct fn {
	uint32_t addr;			/* config address: bus << 16 | devfn << 8 */
	uint16_t vendor, device;
	int nbars;
	struct bar bars[6];
	uint64_t regs, regs_size;	/* the BAR at 0x10: registers */
	uint64_t msix, msix_size;	/* the MSI-X table, 0 if none */
	uint64_t pba, pba_size;
	int e1000e;
	uint32_t cfg_size;		/* 4096 (PCIe) or 256 */
	volatile uint32_t msi_first, msi_n;	/* as a vcpu last saw them (racy) */
};

struct phb {
	const uint8_t *ranges;		/* its "ranges": bus address -> guest physical */
	int ranges_len;
	uint64_t buid;
	uint32_t liobn;			/* slot 0's; slot 1 is liobn + 1 */
	uint64_t dma_start, dma_size;	/* the default window, from the device tree */
	uint64_t win_cpu, win_size;	/* the 32-bit MMIO window */
	uint64_t mmio64_cpu, mmio64_size;
	int nfns;
	struct fn fns[MAX_FNS];
	int ddw;			/* offered: ibm,ddw-applicable */
	uint32_t ddw_mask;		/* its page sizes, from a query at start */
	uint32_t ddw_max_shift;		/* the largest window: 2^this */
	/* DDW windows a vcpu created (racy: what some vcpu last saw) */
	volatile uint32_t ddw_liobn;
	volatile uint64_t ddw_start, ddw_size;
	volatile uint32_t ddw_shift;
};

static struct cpu cpus[MAX_CPUS];
static uint8_t stacks[MAX_CPUS][STACK_SIZE] __attribute__((aligned(16)));
static uint32_t rtas_bufs[MAX_CPUS][RTAS_WORDS] __attribute__((aligned(4096)));
static uint64_t lists[MAX_CPUS][512] __attribute__((aligned(4096)));
/* What one vcpu's scribble rewrites while another uses it. */
static uint32_t shared_rtas[RTAS_WORDS] __attribute__((aligned(4096)));
static uint64_t shared_list[512] __attribute__((aligned(4096)));
/* H_PAGE_INIT's destinations and H_REGISTER_PROC_TBL's tables. */
static uint8_t scratch[16 * PAGE] __attribute__((aligned(65536)));
uint8_t gf_exc_stack[16384] __attribute__((aligned(16)));
volatile int gf_exc_lock;

static uint64_t seed, seconds = 60, tbhz, ram, top_free, t_start, deadline;
static const char *mode_name = "?";
static int trace;		/* gf.trace=1: every call named before it is made */
static volatile int stop;
static volatile int fails, dumps;
static volatile uint64_t tce_epoch;	/* bumped as a call that may touch another cpu's slice starts and ends */
static volatile int tce_foreign;	/* such calls in flight */
static volatile uint64_t readbacks[2];	/* put-then-get pairs checked, and skipped (a call overlapped) */
static volatile int con_lock;
static int ncpus;
static uint32_t cpu_ids[MAX_CPUS];
static int tokens[NR_RTAS];
static struct phb phbs[MAX_PHBS];
static int nphbs;

static const char *const rtas_names[NR_RTAS] = {
	"display-character", "get-time-of-day", "set-time-of-day", "power-off",
	"system-reboot", "ibm,os-term", "event-scan",
	"start-cpu", "stop-self", "query-cpu-stopped-state",
	"ibm,set-xive", "ibm,get-xive", "ibm,int-off", "ibm,int-on",
	"ibm,read-pci-config", "ibm,write-pci-config", "read-pci-config", "write-pci-config",
	"ibm,change-msi", "ibm,query-interrupt-source-number",
	"ibm,query-pe-dma-window", "ibm,create-pe-dma-window", "ibm,remove-pe-dma-window",
	"ibm,reset-pe-dma-windows",
};

/* ---- small helpers ---- */

static int has(const char *s, const char *part)
{
	for (size_t n = strlen(part); *s; s++)
		if (!strncmp(s, part, n))
			return 1;
	return 0;
}

static void put32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = v >> 24; b[1] = v >> 16; b[2] = v >> 8; b[3] = v;
}

/* One 8-byte store: pvmm never sees half an entry. */
static void put_be64(uint64_t *p, uint64_t v)
{
	*(volatile uint64_t *)p = __builtin_bswap64(v);
}

static uint64_t rnd(struct cpu *c)
{
	uint64_t x = c->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	c->rng = x;
	return x * 0x2545f4914f6cdd1dUL;
}

static uint64_t rndn(struct cpu *c, uint64_t n)
{
	return n ? rnd(c) % n : 0;
}

static int chance(struct cpu *c, unsigned int pct)
{
	return rndn(c, 100) < pct;
}

static uint64_t splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15UL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9UL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebUL;
	return x ^ (x >> 31);
}

static uint64_t now_s(void)
{
	return (read_tb() - t_start) / tbhz;
}

static void fence(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* The console is one line at a time whoever writes: a vcpu holds the lock
 * for its whole line. An interrupt handler takes it after a while anyway. */
static void lock_console(int force)
{
	uint64_t end = read_tb() + tbhz;

	for (;;) {
		int zero = 0;
		if (__atomic_compare_exchange_n(&con_lock, &zero, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		if (force && read_tb() > end)
			return;
	}
}

static void unlock_console(void)
{
	__atomic_store_n(&con_lock, 0, __ATOMIC_RELEASE);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	lock_console(0);
	putstr(buf);
	unlock_console();
}

static struct cpu *self(void)
{
	uint64_t sp = (uint64_t)(uintptr_t)__builtin_frame_address(0);
	uint64_t base = (uint64_t)(uintptr_t)stacks;

	if (sp > base && sp < base + sizeof(stacks))
		return &cpus[(sp - base) / STACK_SIZE];
	return &cpus[0];
}

/* ---- recording and checking answers ---- */

/* The RTAS calls of /rtas the payload has no model of, by name and token. */
static const char *extra_names[NR_EXTRA];
static uint32_t extra_tokens[NR_EXTRA];
static int nextra;
/* Every token /rtas names: a "random" token is none of these. */
static uint32_t all_tokens[64];
static int ntokens;

static const char *call_name(int call)
{
	if (call >= C_EXTRA && call < C_EXTRA + nextra)
		return extra_names[call - C_EXTRA];
	return call >= 0 && call < NR_CALLS ? calls[call].name : "?";
}

static void ring_dump(void)
{
	for (int i = 0; i < ncpus; i++) {
		struct cpu *c = &cpus[i];
		unsigned int n = c->ring_pos < RING ? c->ring_pos : RING;
		for (unsigned int k = 0; k < n; k++) {
			struct ring_entry *e = &c->ring[(c->ring_pos - n + k) % RING];
			say("GUEST-FUZZ RING cpu=%d n=%lu %s a=0x%lx,0x%lx,0x%lx,0x%lx,0x%lx rc=%ld\n", i,
			    (unsigned long)e->seq, call_name(e->call), (unsigned long)e->a[0],
			    (unsigned long)e->a[1], (unsigned long)e->a[2], (unsigned long)e->a[3],
			    (unsigned long)e->a[4], e->rc);
		}
	}
}

static void fail_report(struct cpu *c, int call, long ans, long want, const char *why)
{
	struct ring_entry *e = &c->ring[(c->ring_pos - 1) % RING];
	int n = __atomic_add_fetch(&fails, 1, __ATOMIC_SEQ_CST);

	if (n > MAX_FAIL_LINES)
		return;
	say("GUEST-FUZZ FAIL seed=%lu cpu=%d call=%s answer=%ld want=%ld why=\"%s\" "
	    "a=0x%lx,0x%lx,0x%lx,0x%lx,0x%lx n=%lu t=%lu\n", (unsigned long)seed, c->index,
	    call_name(call), ans, want, why, (unsigned long)e->a[0], (unsigned long)e->a[1],
	    (unsigned long)e->a[2], (unsigned long)e->a[3], (unsigned long)e->a[4],
	    (unsigned long)e->seq, (unsigned long)now_s());
	if (__atomic_add_fetch(&dumps, 1, __ATOMIC_SEQ_CST) <= MAX_DUMPS)
		ring_dump();
}

/* A call begins: into the ring, the watchdog sees it under way. */
static void rec(struct cpu *c, int call, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		uint64_t a4)
{
	struct ring_entry *e = &c->ring[c->ring_pos % RING];

	e->seq = ++c->seq;
	e->call = (uint16_t)call;
	e->a[0] = a0; e->a[1] = a1; e->a[2] = a2; e->a[3] = a3; e->a[4] = a4;
	e->rc = 0x5eadUL;
	c->ring_pos++;
	if (trace)	/* what killed the host, if the host dies */
		say("GF-T %d %lu %s 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx\n", c->index, (unsigned long)e->seq,
		    call_name(call), (unsigned long)a0, (unsigned long)a1, (unsigned long)a2,
		    (unsigned long)a3, (unsigned long)a4);
	c->call_tb = read_tb();
	fence();
}

static void pair_add(struct cpu *c, int call, long ans)
{
	unsigned int h = (unsigned int)(call * 31 + ans * 7919) % NPAIRS;

	for (unsigned int i = 0; i < NPAIRS; i++) {
		struct pair *p = &c->pairs[(h + i) % NPAIRS];
		if (p->used && p->call == call && p->ans == ans) {
			p->n++;
			return;
		}
		if (!p->used) {
			*p = (struct pair){ .ans = ans, .n = 1, .call = (uint16_t)call, .used = 1 };
			return;
		}
	}
}

static int allowed(int call, long ans)
{
	const long *a = calls[call].allowed;

	if (a[0] == ANY)
		return ans != H_TOO_HARD;
	if (ans == NO_STATUS && call >= C_RTAS_FIRST)
		return 1;		/* nret 0: nothing came back to check */
	for (; *a != END; a++)
		if (*a == ans)
			return 1;
	return 0;
}

/* The call ended with ans: counted, recorded, checked. Returns 1 if it
 * passed the oracles. */
static int done(struct cpu *c, int call, long ans, long want)
{
	c->ring[(c->ring_pos - 1) % RING].rc = ans;
	c->call_tb = 0;
	c->calls++;
	c->per_call[call]++;
	pair_add(c, call, ans);
	if (!allowed(call, ans)) {
		fail_report(c, call, ans, want, "not an answer PAPR allows for this call");
		return 0;
	}
	if (want == WANT_ANY)
		return 1;
	if (want == WANT_FAIL ? ans == 0 : ans != want) {
		fail_report(c, call, ans, want, want == WANT_FAIL ? "succeeded where it must fail" :
			    "not the answer these arguments get");
		return 0;
	}
	return 1;
}

/* A check on what a call returned beyond its answer. */
static void expect_true(struct cpu *c, int call, int ok, long got, const char *why)
{
	if (!ok)
		fail_report(c, call, got, 0, why);
}

/* ---- hcalls and RTAS ---- */

static long hc(unsigned long op, unsigned long a0, unsigned long a1, unsigned long a2,
	       unsigned long a3, unsigned long *out)
{
	return hcall(op, a0, a1, a2, a3, out);
}

struct rtas_res {
	long hrc;			/* H_RTAS's answer */
	long st;			/* the status cell, or NO_STATUS */
	uint32_t rets[16];
	unsigned long regs[9];		/* r4..r12 after the hcall: r4 is the buffer it saw */
};

/*
 * One RTAS call through buf (words words of it are the caller's): token,
 * nargs, nret, args (16 given, the rest 0), return cells preset. The
 * status is read when it lies in the buffer and the hcall succeeded.
 */
static void rtas_at(uint32_t *buf, unsigned int words, uint32_t token, uint32_t nargs,
		    uint32_t nret, const uint32_t *args, struct rtas_res *r)
{
	uint64_t cells = (uint64_t)nargs + nret;

	put32(&buf[0], token);
	put32(&buf[1], nargs);
	put32(&buf[2], nret);
	for (uint64_t i = 0; i < cells && 3 + i < words; i++)
		put32(&buf[3 + i], i < nargs ? (i < 16 ? args[i] : 0) : 0xdeadbeef);
	fence();
	r->hrc = hc(H_RTAS, (unsigned long)(uintptr_t)buf, 0, 0, 0, r->regs);
	r->st = NO_STATUS;
	memset(r->rets, 0, sizeof(r->rets));
	if (r->hrc != 0 || !nret || 3 + (uint64_t)nargs >= words)
		return;
	for (uint64_t i = 0; i < nret && i < 16 && 3 + nargs + i < words; i++)
		r->rets[i] = be32(&buf[3 + nargs + i]);
	r->st = (int32_t)r->rets[0];
}

/* A failed RTAS call's buffer as the payload sees it after the call: the
 * header and the first cells (which of them the answer came from). */
static void buf_dump(struct cpu *c, const uint32_t *buf)
{
	say("GUEST-FUZZ BUF cpu=%d %x %x %x | %x %x %x %x %x %x %x %x %x\n", c->index, be32(&buf[0]),
	    be32(&buf[1]), be32(&buf[2]), be32(&buf[3]), be32(&buf[4]), be32(&buf[5]), be32(&buf[6]),
	    be32(&buf[7]), be32(&buf[8]), be32(&buf[9]), be32(&buf[10]), be32(&buf[11]));
}

/* An RTAS call of the table from the cpu's own buffer, recorded and
 * checked: the status must be allowed, and want when the arguments decide
 * it. A malformed shape always gets a parameter error. */
static int rtas_fuzz(struct cpu *c, int call, uint32_t nargs, uint32_t nret, const uint32_t *args,
		     long want, struct rtas_res *r)
{
	int idx = call - C_RTAS_FIRST, extra = call >= C_EXTRA;
	uint32_t token = call == C_RTAS_UNKNOWN ? args[15] : extra ? extra_tokens[call - C_EXTRA] :
			 (uint32_t)tokens[idx];
	const struct rtas_shape *s = call == C_RTAS_UNKNOWN || extra ? 0 : &shapes[idx];

	if (s && !(nargs == s->nargs && nret >= s->nret_min && nret <= s->nret_max))
		want = RTAS_PARAM;
	if (call == C_RTAS_UNKNOWN || (!extra && tokens[idx] < 0))
		want = RTAS_PARAM;	/* an unknown token, or a call pvmm does not offer */
	rec(c, call, token, nargs, nret, nargs ? args[0] : 0, nargs > 1 ? args[1] : 0);
	rtas_at(rtas_bufs[c->index], RTAS_WORDS, token, nargs, nret, args, r);
	if (r->regs[0] != (unsigned long)(uintptr_t)rtas_bufs[c->index]) {
		c->call_tb = 0;
		fail_report(c, call, (long)r->regs[0], (long)(uintptr_t)rtas_bufs[c->index],
			    "the hcall saw another buffer in r4 than the payload passed");
		return 0;
	}
	if (r->hrc != 0) {
		c->call_tb = 0;
		fail_report(c, call, r->hrc, 0, "H_RTAS failed on a buffer inside RAM");
		return 0;
	}
	if (r->st == NO_STATUS)
		want = WANT_ANY;
	if (done(c, call, r->st, want))
		return 1;
	buf_dump(c, rtas_bufs[c->index]);
	return 0;
}

/* A random shape: mostly wrong, sometimes wildly so. */
static void bad_shape(struct cpu *c, int call, uint32_t *nargs, uint32_t *nret)
{
	const struct rtas_shape *s = call == C_RTAS_UNKNOWN ? 0 : &shapes[call - C_RTAS_FIRST];

	switch (rndn(c, 5)) {
	case 0:
		*nargs = (uint32_t)rndn(c, 17);
		*nret = (uint32_t)rndn(c, 17);
		break;
	case 1:				/* nargs + nret past 16 cells */
		*nargs = 8 + (uint32_t)rndn(c, 12);
		*nret = 9 + (uint32_t)rndn(c, 8);
		break;
	case 2:				/* KVM's in-kernel RTAS refuses nargs >= 16 */
		*nargs = 16 + (uint32_t)rndn(c, 240);
		*nret = (uint32_t)rndn(c, 4);
		break;
	case 3:				/* the status lies far past RAM: not written */
		*nargs = 0x40000000u + (uint32_t)rndn(c, 0x3fffffff);
		*nret = (uint32_t)rndn(c, 3);
		if ((uint64_t)*nargs * 4 < ram)
			*nargs = 0xffffff00u;
		break;
	default:
		*nargs = s ? s->nargs : 0;
		*nret = s ? s->nret_max + 1 + (uint32_t)rndn(c, 3) : 1;
		if (rndn(c, 2) && s) {
			*nret = s->nret_min;
			*nargs = s->nargs + 1 + (uint32_t)rndn(c, 2);
		}
	}
	if (s && *nargs == s->nargs && *nret >= s->nret_min && *nret <= s->nret_max)
		*nret = 0xffffffffu;	/* not the shape after all */
}

/* ---- addresses ---- */

static struct phb *pick_phb(struct cpu *c)
{
	return nphbs ? &phbs[rndn(c, (uint64_t)nphbs)] : 0;
}

static struct fn *pick_fn(struct cpu *c, struct phb *p)
{
	return p && p->nfns ? &p->fns[rndn(c, (uint64_t)p->nfns)] : 0;
}

/* What config address addr names on p: *names_fn, a function (bus 0, no
 * reserved bits); *reg_ok, an access of size bytes inside its space. */
static void cfg_names(struct phb *p, uint32_t addr, uint32_t size, int *names_fn, int *reg_ok)
{
	uint32_t reg = (addr & 0xff) | (addr >> 24 & 0xf) << 8, space = 0;

	*names_fn = 0;
	for (int i = 0; p && i < p->nfns; i++)
		if (!(addr >> 28) && !(addr >> 16 & 0xff) && (p->fns[i].addr >> 8 & 0xff) == (addr >> 8 & 0xff)) {
			*names_fn = 1;
			space = p->fns[i].cfg_size;
		}
	*reg_ok = (size == 1 || size == 2 || size == 4) && !(reg % size) && reg + size <= space;
}

/* A config address (bus << 16 | devfn << 8 | reg & 0xff | reg >> 8 << 24),
 * and what it names (cfg_names). */
static uint32_t pick_cfg_addr(struct cpu *c, struct phb *p, uint32_t size, int *names_fn, int *reg_ok)
{
	struct fn *f = pick_fn(c, p);
	uint32_t reg, devfn, bus = 0, addr;

	devfn = f ? f->addr >> 8 & 0xff : 0;
	if (chance(c, 10))
		devfn = (uint32_t)rndn(c, 256);
	if (chance(c, 5))
		bus = 1 + (uint32_t)rndn(c, 255);
	switch (rndn(c, 4)) {
	case 0: reg = (uint32_t)rndn(c, 0x40); break;		/* the header */
	case 1: reg = (uint32_t)rndn(c, 0x100); break;
	case 2: reg = (uint32_t)rndn(c, 0x1000); break;		/* extended space */
	default: reg = 0x1000 - (uint32_t)rndn(c, 8); break;		/* its end */
	}
	if (size == 1 || size == 2 || size == 4)
		if (chance(c, 80))
			reg &= ~(size - 1);
	addr = bus << 16 | devfn << 8 | (reg & 0xff) | (reg >> 8 & 0xf) << 24;
	if (chance(c, 3))
		addr |= (uint32_t)(1 + rndn(c, 15)) << 28;	/* reserved bits */
	if (chance(c, 2))
		addr = (uint32_t)rnd(c);
	cfg_names(p, addr, size, names_fn, reg_ok);
	return addr;
}

static uint32_t pick_size(struct cpu *c)
{
	static const uint32_t sizes[] = { 1, 2, 4, 4, 4, 0, 3, 8 };

	return chance(c, 3) ? (uint32_t)rnd(c) : sizes[rndn(c, 8)];
}

static uint64_t pick_buid(struct cpu *c, struct phb *p, int *known)
{
	uint64_t b = p ? p->buid : 0;

	*known = p != 0;
	if (chance(c, 8)) {
		b ^= 1 + rndn(c, 0xffff);
		*known = 0;
		for (int i = 0; i < nphbs; i++)
			*known |= phbs[i].buid == b;
	}
	return b;
}

/* A page of RAM outside the payload's own (a TCE target: no DMA happens,
 * but keep clear of the payload anyway). */
static uint64_t ram_page(struct cpu *c)
{
	uint64_t lo = 16UL << 20;

	return (lo + rndn(c, (ram - lo - (1UL << 20)) / PAGE) * PAGE);
}

/* ---- TCE ---- */

/* A TCE that grants access must name a whole page inside RAM (KVM
 * and pvmm alike). One without access is a "poison" value: KVM stores it
 * as it is, pvmm refuses reserved bits there too (QEMU checks neither),
 * so only pvmm's own calls (the lists, H_STUFF_TCE) may count on that. */
static int tce_bad(uint64_t tce)
{
	return (tce & 3) && ((tce & 0xffc) || (tce & ~0xfffUL) >= ram);
}

static int tce_bad_pvmm(uint64_t tce)
{
	return (tce & 0xffc) || tce_bad(tce);
}

static uint64_t pick_tce(struct cpu *c)
{
	uint64_t page = ram_page(c);

	switch (rndn(c, 20)) {
	case 0: case 1: return 0;
	case 2: return page | 0x4 << rndn(c, 8) | 3;			/* reserved bits */
	case 3: return (ram + rndn(c, 1UL << 30)) & ~0xfffUL;		/* past RAM */
	case 4: return phbs[0].win_cpu | (1 + rndn(c, 3));		/* MMIO */
	case 5: return rnd(c);
	case 6: return page & ~0xffffUL;				/* no access, kept */
	default: return page | (1 + rndn(c, 3));
	}
}

/* LIOBN for a TCE hcall; *known: it may name an open window. */
static uint64_t pick_liobn(struct cpu *c, struct phb *p, int *known)
{
	uint64_t l = p->liobn;

	*known = 1;
	switch (rndn(c, 20)) {
	case 0: case 1: l = p->liobn + 1; break;
	case 2: l = p->liobn + 2 + rndn(c, 254); *known = 0; break;
	case 3: l = PHB_LIOBN_BASE | (uint32_t)(nphbs + rndn(c, 8)) << 8; *known = 0; break;
	case 4: l = (uint32_t)rnd(c); *known = 0; break;
	case 5: l = rnd(c) | 1UL << 40; *known = 0; break;
	case 6: if (p->ddw_liobn) l = p->ddw_liobn; break;
	default: break;
	}
	if (!*known)
		for (int i = 0; i < nphbs; i++)
			if (l == phbs[i].liobn || l == phbs[i].liobn + 1)
				*known = 1;
	return l;
}

/* Inside some window, as far as anyone can tell: windows start at 0 or
 * at 1 << 59 (VFIO's second window) and are no larger than RAM needs. */
static int ioba_possible(uint64_t ioba, uint64_t n)
{
	uint64_t max = 1UL << 28;
	uint64_t end = ioba + n * PAGE;

	while (max < ram)
		max <<= 1;
	if (n > max / PAGE)
		return 0;
	return (end <= max) || (ioba >= (1UL << 59) && end <= (1UL << 59) + max);
}

static uint64_t slice_ioba(struct cpu *c, struct phb *p, uint64_t k)
{
	return p->dma_start + (SLICE_BASE + (uint64_t)c->index * SLICE + k) * PAGE;
}

/* ioba and whether it stays in this cpu's slice (then no other cpu writes
 * the entries it names). */
static uint64_t pick_ioba(struct cpu *c, struct phb *p, uint64_t n, int *own)
{
	*own = 0;
	switch (rndn(c, 16)) {
	case 0: return p->dma_start + rndn(c, p->dma_size / PAGE) * PAGE;
	case 1: return p->dma_start + p->dma_size - rndn(c, 4) * PAGE;	/* the end */
	case 2: return slice_ioba(c, p, 0) + 1 + rndn(c, PAGE - 1);	/* unaligned */
	case 3: return rnd(c) & ~0xfffUL;
	case 4: return p->ddw_start + rndn(c, 512) * PAGE;
	case 5: return (1UL << 59) + rndn(c, 4096) * PAGE;
	default:
		*own = n <= SLICE;
		return slice_ioba(c, p, n <= SLICE ? rndn(c, SLICE - n + 1) : 0);
	}
}

/* The exact answer a TCE hcall's arguments decide, or WANT_ANY. */
static long tce_want(int known_liobn, uint64_t liobn, uint64_t ioba, uint64_t n)
{
	if (!known_liobn || liobn >> 32 || (ioba & 0xfff) || !ioba_possible(ioba, n))
		return -4;
	return WANT_ANY;
}

/* H_GET_TCE's entry: no access, or a whole page inside RAM. */
static void check_tce_value(struct cpu *c, uint64_t v)
{
	expect_true(c, C_GET_TCE, !(v & 3) || (!(v & 0xffc) && (v & ~0xfffUL) < ram), (long)v,
		    "H_GET_TCE gave an entry outside guest RAM or with reserved bits");
}

/*
 * Around a call that may touch another cpu's TCE slice. The epoch moves
 * at both ends, so a reader that saw no call in flight and the same epoch
 * before and after its own calls knows none overlapped them: a call that
 * began earlier was in flight when it looked, one that began later moved
 * the epoch.
 */
static void foreign_begin(void)
{
	__atomic_add_fetch(&tce_foreign, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&tce_epoch, 1, __ATOMIC_SEQ_CST);
}

static void foreign_end(void)
{
	__atomic_add_fetch(&tce_epoch, 1, __ATOMIC_SEQ_CST);
	__atomic_sub_fetch(&tce_foreign, 1, __ATOMIC_SEQ_CST);
}

static long put_tce(struct cpu *c, struct phb *p, uint64_t liobn, int known, uint64_t ioba,
		    uint64_t tce, int own)
{
	long want = tce_want(known, liobn, ioba, 1);

	if (want == WANT_ANY && tce_bad(tce))
		want = -4;
	if (!own)
		foreign_begin();
	(void)p;
	rec(c, C_PUT_TCE, liobn, ioba, tce, 0, 0);
	long rc = hc(H_PUT_TCE, liobn, ioba, tce, 0, 0);
	done(c, C_PUT_TCE, rc, want);
	if (!own)
		foreign_end();
	return rc;
}

static long get_tce(struct cpu *c, uint64_t liobn, int known, uint64_t ioba, uint64_t *v)
{
	unsigned long out[9] = { 0 };
	long rc;

	rec(c, C_GET_TCE, liobn, ioba, 0, 0, 0);
	rc = hc(H_GET_TCE, liobn, ioba, 0, 0, out);
	done(c, C_GET_TCE, rc, tce_want(known, liobn, ioba, 1));
	if (rc == 0)
		check_tce_value(c, out[0]);
	*v = out[0];
	return rc;
}

/* A list for H_PUT_TCE_INDIRECT in the cpu's own page; 1 if an entry
 * must make it fail. */
static int fill_list(struct cpu *c, uint64_t *l, uint64_t n)
{
	int bad = 0;
	int kind = (int)rndn(c, 4);
	uint64_t base = ram_page(c);

	for (uint64_t i = 0; i < n; i++) {
		uint64_t t;
		if (kind == 0)
			t = 0;
		else if (kind == 1 && (base + (i + 1) * PAGE) <= ram)
			t = (base + i * PAGE) | 3;	/* a run: one host call */
		else
			t = chance(c, 97) ? (ram_page(c) | (1 + rndn(c, 3))) : pick_tce(c);
		bad |= tce_bad_pvmm(t);
		put_be64(&l[i], t);
	}
	return bad;
}

static void act_tce(struct cpu *c)
{
	struct phb *p = pick_phb(c);
	int known, own;
	uint64_t liobn, ioba, v, n;
	long want, rc;

	if (!p)
		return;
	liobn = pick_liobn(c, p, &known);
	switch (rndn(c, 8)) {
	case 0: case 1: case 2:
		ioba = pick_ioba(c, p, 1, &own);
		put_tce(c, p, liobn, known, ioba, pick_tce(c), own);
		break;
	case 3: case 4:
		ioba = pick_ioba(c, p, 1, &own);
		get_tce(c, liobn, known, ioba, &v);
		break;
	case 5: case 6: {
		/* H_PUT_TCE_INDIRECT from the cpu's list, the shared one another
		 * vcpu rewrites, or anywhere */
		uint64_t *l = lists[c->index];
		uint64_t list_gpa = (uint64_t)(uintptr_t)l;
		int bad, shared = 0;


		n = chance(c, 5) ? rnd(c) % 2000 : 1 + rndn(c, chance(c, 30) ? 512 : 32);
		ioba = pick_ioba(c, p, n, &own);
		bad = fill_list(c, l, n < 512 ? n : 512);
		switch (rndn(c, 10)) {
		case 0: list_gpa = (uint64_t)(uintptr_t)shared_list; shared = 1; break;
		case 1: list_gpa += 8 * (1 + rndn(c, 511)); break;		/* unaligned */
		case 2: list_gpa = ram - PAGE * rndn(c, 2); break;		/* its end */
		case 3: list_gpa = ram + rndn(c, 1UL << 30) * 8; break;	/* past RAM */
		case 4: list_gpa = phbs[0].win_cpu + rndn(c, 64) * PAGE; break;	/* MMIO */
		default: break;
		}
		/* an entry of the cpu's own list decides; another page's
		 * entries are whatever it holds */
		want = tce_want(known, liobn, ioba, n);
		if (n == 0 || n > 512 || (list_gpa & 0xfff) || list_gpa >= ram || list_gpa + n * 8 > ram)
			want = -4;
		else if (want == WANT_ANY && !shared && list_gpa == (uint64_t)(uintptr_t)l && bad)
			want = -4;
		if (!own)
			foreign_begin();
		rec(c, C_INDIRECT, liobn, ioba, list_gpa, n, 0);
		rc = hc(H_PUT_TCE_INDIRECT, liobn, ioba, list_gpa, n, 0);
		done(c, C_INDIRECT, rc, want);
		if (!own)
			foreign_end();
		break;
	}
	default: {
		uint64_t value = chance(c, 80) ? 0 : pick_tce(c);
		n = chance(c, 5) ? rnd(c) : chance(c, 20) ? rndn(c, 70000) : rndn(c, 64);
		ioba = pick_ioba(c, p, n, &own);
		want = tce_want(known, liobn, ioba, n);
		if (want == WANT_ANY && (n == 0 || (value & 3) || tce_bad_pvmm(value)))
			want = -4;
		if (!own)
			foreign_begin();
		rec(c, C_STUFF, liobn, ioba, value, n, 0);
		rc = hc(H_STUFF_TCE, liobn, ioba, value, n, 0);
		done(c, C_STUFF, rc, want);
		if (!own)
			foreign_end();
	}
	}
}

/* ---- PCI config ---- */

static long cfg_read(struct cpu *c, struct phb *p, struct fn *f, uint32_t reg, uint32_t size,
		     uint32_t *val)
{
	uint32_t args[16] = { f->addr | (reg & 0xff) | (reg >> 8) << 24, (uint32_t)(p->buid >> 32),
			      (uint32_t)p->buid, size };
	struct rtas_res r;

	rtas_fuzz(c, C_IBM_READ, 4, 2, args, reg + size <= (f->cfg_size ? f->cfg_size : 256) ? 0 : WANT_ANY, &r);
	*val = r.rets[1];
	return r.st;
}

static long cfg_write(struct cpu *c, struct phb *p, struct fn *f, uint32_t reg, uint32_t size,
		      uint32_t val)
{
	uint32_t args[16] = { f->addr | (reg & 0xff) | (reg >> 8) << 24, (uint32_t)(p->buid >> 32),
			      (uint32_t)p->buid, size, val };
	struct rtas_res r;

	rtas_fuzz(c, C_IBM_WRITE, 5, 1, args, WANT_ANY, &r);
	return r.st;
}

/* What a config write's value may be: mostly what is there with a few
 * bits changed, sometimes anything. */
static uint32_t cfg_value(struct cpu *c, uint32_t reg)
{
	if (reg == 0x04)	/* COMMAND: memory on most of the time */
		return ((uint32_t)rnd(c) & 0x547) | (chance(c, 85) ? 2 : 0);
	return (uint32_t)rnd(c);
}

static void act_pci(struct cpu *c)
{
	struct phb *p = pick_phb(c);
	uint32_t args[16] = { 0 }, size = pick_size(c);
	int names_fn, reg_ok, buid_known, call;
	struct rtas_res r;
	uint64_t buid;
	long want;

	if (!p)
		return;
	switch (rndn(c, 10)) {
	case 0: case 1: case 2: case 3: case 4:
		call = C_IBM_READ;
		break;
	case 5: case 6: case 7:
		call = C_IBM_WRITE;
		break;
	case 8:
		call = C_READ;
		break;
	default:
		call = C_WRITE;
	}
	if (call == C_READ || call == C_WRITE)
		p = &phbs[0];		/* BUID-less: the first PHB */
	args[0] = pick_cfg_addr(c, p, size, &names_fn, &reg_ok);
	if (call == C_READ || call == C_WRITE) {
		args[1] = size;
		args[2] = cfg_value(c, (args[0] & 0xff) | (args[0] >> 24 & 0xf) << 8);
		buid_known = 1;
	} else {
		buid = pick_buid(c, p, &buid_known);
		if (buid != p->buid)
			p = 0;
		for (int i = 0; i < nphbs && !p; i++)
			if (phbs[i].buid == buid)
				p = &phbs[i];
		args[1] = (uint32_t)(buid >> 32);
		args[2] = (uint32_t)buid;
		args[3] = size;
		args[4] = cfg_value(c, (args[0] & 0xff) | (args[0] >> 24 & 0xf) << 8);
	}
	if (p)
		cfg_names(p, args[0], size, &names_fn, &reg_ok);	/* the PHB the BUID names */
	if (!buid_known)
		want = RTAS_PARAM;
	else if (!names_fn || !reg_ok)
		want = RTAS_HW;
	else
		want = call == C_IBM_READ || call == C_READ ? 0 : WANT_ANY;
	if (chance(c, 3)) {
		uint32_t nargs, nret;
		bad_shape(c, call, &nargs, &nret);
		rtas_fuzz(c, call, nargs, nret, args, RTAS_PARAM, &r);
		return;
	}
	rtas_fuzz(c, call, shapes[call - C_RTAS_FIRST].nargs, shapes[call - C_RTAS_FIRST].nret_min,
		  args, want, &r);
	if ((call == C_IBM_READ || call == C_READ) && r.st != 0 && r.st != NO_STATUS)
		expect_true(c, call, r.rets[1] == 0xffffffffu, (long)r.rets[1],
			    "a failed config read must read all ones");
	if ((call == C_IBM_READ || call == C_READ) && r.st == 0 && p && names_fn &&
	    (args[0] & 0x0f0000ff) == 0 && size == 2 && !(args[0] >> 16 & 0xff)) {
		for (int i = 0; i < p->nfns; i++)
			if ((p->fns[i].addr & 0xff00) == (args[0] & 0xff00))
				expect_true(c, call, r.rets[1] == p->fns[i].vendor, (long)r.rets[1],
					    "the vendor ID changed");
	}
}

/* ---- MMIO ---- */

static uint64_t mmio_read(uint64_t gpa, int size)
{
	switch (size) {
	case 1: return *(volatile uint8_t *)(uintptr_t)gpa;
	case 2: return *(volatile uint16_t *)(uintptr_t)gpa;
	case 4: return *(volatile uint32_t *)(uintptr_t)gpa;
	default: return *(volatile uint64_t *)(uintptr_t)gpa;
	}
}

/* An 8-byte load with r14..r29 holding canaries: which of them changed
 * across it (a trapped address: the load exits to pvmm and KVM completes
 * it into its target register only). */
static uint64_t mmio_read_canary(uint64_t gpa, uint64_t *changed)
{
	uint64_t v, bad;

	__asm__ volatile(
	"	li 14, 14\n	li 15, 15\n	li 16, 16\n	li 17, 17\n"
	"	li 18, 18\n	li 19, 19\n	li 20, 20\n	li 21, 21\n"
	"	li 22, 22\n	li 23, 23\n	li 24, 24\n	li 25, 25\n"
	"	li 26, 26\n	li 27, 27\n	li 28, 28\n	li 29, 29\n"
	"	ld %0, 0(%2)\n"
	"	xori 14, 14, 14\n	xori 15, 15, 15\n	or 14, 14, 15\n"
	"	xori 16, 16, 16\n	xori 17, 17, 17\n	or 14, 14, 16\n	or 14, 14, 17\n"
	"	xori 18, 18, 18\n	xori 19, 19, 19\n	or 14, 14, 18\n	or 14, 14, 19\n"
	"	xori 20, 20, 20\n	xori 21, 21, 21\n	or 14, 14, 20\n	or 14, 14, 21\n"
	"	xori 22, 22, 22\n	xori 23, 23, 23\n	or 14, 14, 22\n	or 14, 14, 23\n"
	"	xori 24, 24, 24\n	xori 25, 25, 25\n	or 14, 14, 24\n	or 14, 14, 25\n"
	"	xori 26, 26, 26\n	xori 27, 27, 27\n	or 14, 14, 26\n	or 14, 14, 27\n"
	"	xori 28, 28, 28\n	xori 29, 29, 29\n	or 14, 14, 28\n	or 14, 14, 29\n"
	"	mr %1, 14\n"
	: "=&r"(v), "=&r"(bad) : "b"(gpa)
	: "r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25",
	  "r26", "r27", "r28", "r29", "memory");
	*changed = bad;
	return v;
}

static void mmio_write(uint64_t gpa, int size, uint64_t v)
{
	switch (size) {
	case 1: *(volatile uint8_t *)(uintptr_t)gpa = (uint8_t)v; break;
	case 2: *(volatile uint16_t *)(uintptr_t)gpa = (uint16_t)v; break;
	case 4: *(volatile uint32_t *)(uintptr_t)gpa = (uint32_t)v; break;
	default: *(volatile uint64_t *)(uintptr_t)gpa = v; break;
	}
	__asm__ volatile("sync" ::: "memory");
}

static uint64_t ones(int size)
{
	return size == 8 ? ~0UL : (1UL << (8 * size)) - 1;
}

/* Inside a BAR of any function of p? */
static int in_bar(struct phb *p, uint64_t gpa, uint64_t len)
{
	for (int i = 0; i < p->nfns; i++)
		for (int b = 0; b < p->fns[i].nbars; b++) {
			const struct bar *r = &p->fns[i].bars[b];
			if (gpa + len > r->gpa && gpa < r->gpa + r->size)
				return 1;
		}
	return 0;
}

/* An address nothing answers at: a hole of a PHB window, past it, its
 * 64-bit window, or between RAM and the first PHB. */
static uint64_t pick_hole(struct cpu *c, struct phb *p, int size)
{
	for (int tries = 0; tries < 8; tries++) {
		uint64_t a;
		switch (rndn(c, 5)) {
		case 0: a = p->win_cpu + rndn(c, p->win_size); break;
		case 1: a = p->win_cpu + p->win_size + rndn(c, 1UL << 30); break;
		case 2: a = p->mmio64_cpu + rndn(c, p->mmio64_size); break;
		case 3: a = ram + rndn(c, 1UL << 32); break;
		default: a = p->win_cpu + p->win_size - 8; break;
		}
		a &= ~(uint64_t)(size - 1);
		if (!in_bar(p, a, (uint64_t)size))
			return a;
	}
	return p->win_cpu + p->win_size - 8;
}

/* e1000e registers a guest may write without the device starting DMA:
 * interrupt cause/set/mask/throttle and vector mapping. */
static const uint16_t e1000e_safe[] = { 0xc0, 0xc4, 0xc8, 0xd0, 0xd8, 0xe4, 0xe8, 0xec, 0xf0 };

static void act_mmio(struct cpu *c)
{
	struct phb *p = pick_phb(c);
	struct fn *f;
	static const int sizes[] = { 1, 2, 4, 8 };
	int size = sizes[rndn(c, 4)];
	uint64_t a, v;

	if (!p)
		return;
	f = pick_fn(c, p);
	switch (rndn(c, 6)) {
	case 0: case 1: {
		/* a hole: reads all ones, writes go nowhere */
		a = pick_hole(c, p, size);
		if (chance(c, 30)) {
			rec(c, C_MMIO_HOLE, a, (uint64_t)size, 1, 0, 0);
			mmio_write(a, size, rnd(c));
		} else {
			rec(c, C_MMIO_HOLE, a, (uint64_t)size, 0, 0, 0);
		}
		if (size == 8) {
			uint64_t changed;
			v = mmio_read_canary(a, &changed);
			expect_true(c, C_MMIO_HOLE, !changed, (long)changed,
				    "a register other than the load's target changed across it");
		} else {
			v = mmio_read(a, size);
		}
		done(c, C_MMIO_HOLE, v == ones(size) ? ALL_ONES : NOT_ALL_ONES, ALL_ONES);
		break;
	}
	case 2: case 3:
		/* the registers BAR: 4-byte reads anywhere in it */
		if (!f || !f->regs)
			return;
		a = f->regs + rndn(c, f->regs_size / 4) * 4;
		rec(c, C_MMIO_BAR, a, 4, 0, 0, 0);
		v = mmio_read(a, 4);
		done(c, C_MMIO_BAR, v == ones(4) ? ALL_ONES : NOT_ALL_ONES, WANT_ANY);
		break;
	case 4:
		/* writes: the e1000e's interrupt registers only */
		if (!f || !f->regs || !f->e1000e)
			return;
		a = f->regs + e1000e_safe[rndn(c, sizeof(e1000e_safe) / sizeof(e1000e_safe[0]))];
		v = rnd(c) & (chance(c, 50) ? 0x1ffffff : 0xffffffff);
		rec(c, C_MMIO_BAR, a, 4, 1, v, 0);
		mmio_write(a, 4, v);
		done(c, C_MMIO_BAR, NOT_ALL_ONES, WANT_ANY);
		break;
	default:
		/* the MSI-X table and PBA: reads; an entry's data and mask */
		if (!f || !f->msix)
			return;
		if (chance(c, 50)) {
			a = f->msix + rndn(c, f->msix_size / 16) * 16 + (chance(c, 50) ? 8 : 12);
			v = a & 4 ? rndn(c, 2) : (uint32_t)rnd(c);
			rec(c, C_MMIO_BAR, a, 4, 1, v, 0);
			mmio_write(a, 4, v);
			done(c, C_MMIO_BAR, NOT_ALL_ONES, WANT_ANY);
			break;
		}
		a = chance(c, 70) ? f->msix + rndn(c, f->msix_size / 4) * 4 :
		    f->pba + rndn(c, f->pba_size / 4) * 4;
		rec(c, C_MMIO_BAR, a, 4, 0, 0, 0);
		v = mmio_read(a, 4);
		done(c, C_MMIO_BAR, v == ones(4) ? ALL_ONES : NOT_ALL_ONES, WANT_ANY);
	}
}

/* ---- DDW ---- */

/* The (config address, BUID hi, BUID lo) triple of the PHB calls: mostly
 * a function of p (f when given), and the status that decides: a BUID of
 * no PHB is a parameter error, an address of no function a hardware error;
 * 0: a function of p, the call's own checks decide. */
static void fn_addr_args(struct cpu *c, struct phb *p, struct fn *f, uint32_t *args, long *want)
{
	int names_fn, reg_ok, buid_known;
	uint64_t buid = pick_buid(c, p, &buid_known);

	args[0] = pick_cfg_addr(c, p, 4, &names_fn, &reg_ok);
	if (chance(c, 80) && p->nfns)
		args[0] = (f ? f : &p->fns[rndn(c, (uint64_t)p->nfns)])->addr;
	cfg_names(p, args[0], 4, &names_fn, &reg_ok);
	args[1] = (uint32_t)(buid >> 32);
	args[2] = (uint32_t)buid;
	*want = !buid_known ? RTAS_PARAM : buid != p->buid ? WANT_ANY : names_fn ? 0 : RTAS_HW;
}

static uint32_t ddw_query(struct cpu *c, struct phb *p, int shaped)
{
	uint32_t args[16] = { 0 }, nargs = 3, nret = chance(c, 50) ? 5 : 6;
	struct rtas_res r;
	long want;

	fn_addr_args(c, p, 0, args, &want);
	if (want == 0 && !p->ddw)
		want = RTAS_PARAM;
	if (!shaped)
		bad_shape(c, C_DDW_QUERY, &nargs, &nret);
	if (!rtas_fuzz(c, C_DDW_QUERY, nargs, nret, args, want, &r) || r.st != 0)
		return 0;
	expect_true(c, C_DDW_QUERY, r.rets[1] <= 2, r.rets[1], "more than two windows available");
	expect_true(c, C_DDW_QUERY, (nret == 5 ? r.rets[3] : r.rets[4]) != 0, 0, "no page size");
	return nret == 5 ? r.rets[3] : r.rets[4];
}

static void ddw_create(struct cpu *c, struct phb *p, uint32_t page_shift, uint32_t window_shift,
		       int shaped)
{
	static const uint8_t bit_shift[] = { 12, 16, 24, 25, 26, 27, 28, 34, 21 };
	uint32_t args[16] = { 0 }, nargs = 5, nret = 4;
	struct rtas_res r;
	int offered = 0;
	long want;

	for (unsigned int i = 0; i < sizeof(bit_shift); i++)
		offered |= (p->ddw_mask >> i & 1) && bit_shift[i] == page_shift;
	fn_addr_args(c, p, 0, args, &want);
	args[3] = page_shift;
	args[4] = window_shift;
	if (want == 0 && !p->ddw)
		want = RTAS_PARAM;
	else if (want == 0) {
		if (!offered || window_shift < page_shift || window_shift > p->ddw_max_shift)
			want = RTAS_PARAM;
		else
			want = WANT_ANY;	/* a free slot or not */
	}
	if (!shaped)
		bad_shape(c, C_DDW_CREATE, &nargs, &nret);
	foreign_begin();
	int ok = rtas_fuzz(c, C_DDW_CREATE, nargs, nret, args, want, &r) && r.st == 0;
	foreign_end();
	if (!ok)
		return;
	expect_true(c, C_DDW_CREATE, r.rets[1] == p->liobn || r.rets[1] == p->liobn + 1,
		    r.rets[1], "a LIOBN not of the PHB's two slots");
	expect_true(c, C_DDW_CREATE, !((((uint64_t)r.rets[2] << 32) | r.rets[3]) & ((1UL << page_shift) - 1)),
		    r.rets[3], "a window start not aligned to its pages");
	p->ddw_liobn = r.rets[1];
	p->ddw_start = (uint64_t)r.rets[2] << 32 | r.rets[3];
	p->ddw_size = 1UL << window_shift;
	p->ddw_shift = page_shift;
}

static void ddw_remove(struct cpu *c, struct phb *p, uint32_t liobn, int shaped)
{
	uint32_t args[16] = { liobn }, nargs = 1, nret = 1;
	struct rtas_res r;
	int known = 0;

	for (int i = 0; i < nphbs; i++)
		known |= liobn == phbs[i].liobn || liobn == phbs[i].liobn + 1;
	if (!shaped)
		bad_shape(c, C_DDW_REMOVE, &nargs, &nret);
	foreign_begin();
	rtas_fuzz(c, C_DDW_REMOVE, nargs, nret, args, known && p->ddw ? WANT_ANY : RTAS_PARAM, &r);
	foreign_end();
	if (r.st == 0 && liobn == p->ddw_liobn)
		p->ddw_liobn = 0;
}

static void ddw_reset(struct cpu *c, struct phb *p, int shaped)
{
	uint32_t args[16] = { 0 }, nargs = 3, nret = 1;
	struct rtas_res r;
	long want;

	fn_addr_args(c, p, 0, args, &want);
	if (want == 0)
		want = p->ddw ? WANT_ANY : RTAS_PARAM;	/* the default window's host side may fail */
	if (!shaped)
		bad_shape(c, C_DDW_RESET, &nargs, &nret);
	foreign_begin();
	rtas_fuzz(c, C_DDW_RESET, nargs, nret, args, want, &r);
	foreign_end();
}

static uint32_t pick_page_shift(struct cpu *c)
{
	static const uint32_t s[] = { 12, 16, 12, 16, 24, 13, 21, 34 };

	return chance(c, 3) ? (uint32_t)rnd(c) : s[rndn(c, 8)];
}

static uint32_t pick_window_shift(struct cpu *c, uint32_t page_shift)
{
	if (chance(c, 10))
		return (uint32_t)rndn(c, 70);
	return page_shift + (uint32_t)rndn(c, 29 - (page_shift < 29 ? page_shift : 28));
}

static void act_ddw(struct cpu *c)
{
	struct phb *p = pick_phb(c);
	int shaped = !chance(c, 8);
	uint32_t ps;

	if (!p || tokens[C_DDW_QUERY - C_RTAS_FIRST] < 0)
		return;
	switch (rndn(c, 8)) {
	case 0: case 1:
		ddw_query(c, p, shaped);
		break;
	case 2: case 3: case 4:
		ps = pick_page_shift(c);
		ddw_create(c, p, ps, pick_window_shift(c, ps), shaped);
		break;
	case 5: case 6: {
		uint32_t l = p->liobn + (uint32_t)rndn(c, 2);
		if (chance(c, 10))
			l = (uint32_t)rnd(c);
		ddw_remove(c, p, l, shaped);
		break;
	}
	default:
		ddw_reset(c, p, shaped);
	}
}

/* ---- MSI ---- */

static void change_msi(struct cpu *c, struct phb *p, struct fn *f, uint32_t func, uint32_t want_n,
		       int shaped)
{
	uint32_t args[16] = { 0 }, nargs = 6, nret = 3 + (uint32_t)rndn(c, 3);
	struct rtas_res r;
	long want;

	fn_addr_args(c, p, f, args, &want);
	if (f && args[0] != f->addr)
		f = 0;
	args[3] = func;
	args[4] = want_n;
	args[5] = (uint32_t)rnd(c);
	if (want == 0 && (func < 1 || func > 5))
		want = RTAS_PARAM;
	else if (want == 0 && func != 2 && want_n != 0)
		want = WANT_ANY;	/* VFIO may refuse */
	if (!shaped)
		bad_shape(c, C_CHANGE_MSI, &nargs, &nret);
	if (!rtas_fuzz(c, C_CHANGE_MSI, nargs, nret, args, want, &r) || r.st != 0)
		return;
	if (func == 2 || want_n == 0)
		expect_true(c, C_CHANGE_MSI, r.rets[1] == 0, r.rets[1], "vectors left on after turning them off");
	else
		expect_true(c, C_CHANGE_MSI, r.rets[1] >= 1 && r.rets[1] <= want_n, r.rets[1],
			    "more vectors than asked for, or none");
	if (nret > 3 && r.rets[1])
		expect_true(c, C_CHANGE_MSI, r.rets[3] == 1 || r.rets[3] == 2, r.rets[3], "the type is neither MSI nor MSI-X");
	if (f) {
		f->msi_n = r.rets[1];
		f->msi_first = 0;
	}
}

static void query_irq(struct cpu *c, struct phb *p, struct fn *f, uint32_t n, int shaped)
{
	uint32_t args[16] = { 0 }, nargs = 4, nret = 2 + (uint32_t)rndn(c, 2);
	struct rtas_res r;
	long want;

	fn_addr_args(c, p, f, args, &want);
	if (f && args[0] != f->addr)
		f = 0;
	args[3] = n;
	if (want == 0)
		want = WANT_ANY;
	if (!shaped)
		bad_shape(c, C_QUERY_IRQ, &nargs, &nret);
	if (!rtas_fuzz(c, C_QUERY_IRQ, nargs, nret, args, want, &r) || r.st != 0)
		return;
	expect_true(c, C_QUERY_IRQ, r.rets[1] >= XICS_PCI_FIRST && r.rets[1] < XICS_END, r.rets[1],
		    "a source outside the XICS pool");
	if (f && n == 0)
		f->msi_first = r.rets[1];
}

static void act_msi(struct cpu *c)
{
	struct phb *p = pick_phb(c);
	struct fn *f = pick_fn(c, p);
	int shaped = !chance(c, 8);

	if (!p || tokens[C_CHANGE_MSI - C_RTAS_FIRST] < 0)
		return;
	if (chance(c, 55)) {
		uint32_t func = chance(c, 10) ? (uint32_t)rnd(c) : (uint32_t)rndn(c, 7);
		uint32_t n = chance(c, 10) ? (uint32_t)rnd(c) : (uint32_t)rndn(c, 10);
		change_msi(c, p, f, func, n, shaped);
	} else {
		uint32_t n = chance(c, 10) ? (uint32_t)rnd(c) : (uint32_t)rndn(c, 8);
		query_irq(c, p, f, n, shaped);
	}
}

/* ---- XICS: set-xive, get-xive, int-on, int-off (KVM's) and its hcalls ---- */

static uint32_t pick_irq(struct cpu *c)
{
	struct phb *p = pick_phb(c);
	struct fn *f = pick_fn(c, p);

	switch (rndn(c, 6)) {
	case 0: return (uint32_t)rnd(c);
	case 1: return 4096 + (uint32_t)rndn(c, 32);
	case 2: return f && f->msi_first ? f->msi_first + (uint32_t)rndn(c, f->msi_n + 1) : XICS_PCI_FIRST;
	default: return XICS_PCI_FIRST + (uint32_t)rndn(c, 64);
	}
}

/* The XICS hcalls, KVM's alone (pvmm never sees them): no cpu takes
 * interrupts (MSR[EE] off). A kind of their own: on an emulated POWER9
 * host they make KVM hand later hcalls a wrong r4 (README, Fuzzing). */
static void act_xics(struct cpu *c)
{
	static const unsigned long ops[] = { H_XIRR, H_XIRR_X, H_EOI, H_CPPR, H_IPI, H_IPOLL };
	unsigned long op = ops[rndn(c, 6)], a0 = rnd(c), a1 = rnd(c);
	long rc;

	if (op == H_IPI || op == H_IPOLL)
		a0 = chance(c, 80) ? cpu_ids[rndn(c, (uint64_t)ncpus)] : a0;
	if (op == H_CPPR || op == H_IPI)
		a1 &= 0xff;
	if (op == H_CPPR)
		a0 &= 0xff;
	rec(c, C_HC_XICS, op, a0, a1, 0, 0);
	rc = hc(op, a0, a1, 0, 0, 0);
	done(c, C_HC_XICS, rc, WANT_ANY);
}

/* set-xive, get-xive, int-off and int-on (KVM's in-kernel RTAS). */
static void act_xive(struct cpu *c)
{
	uint32_t args[16] = { 0 }, nargs, nret;
	struct rtas_res r;
	int call;

	call = C_SET_XIVE + (int)rndn(c, 4);
	args[0] = pick_irq(c);
	args[1] = chance(c, 80) ? cpu_ids[rndn(c, (uint64_t)ncpus)] : (uint32_t)rnd(c);
	args[2] = chance(c, 70) ? (uint32_t)rndn(c, 8) : chance(c, 50) ? 0xff : (uint32_t)rnd(c);
	nargs = shapes[call - C_RTAS_FIRST].nargs;
	nret = shapes[call - C_RTAS_FIRST].nret_min;
	if (chance(c, 8))
		bad_shape(c, call, &nargs, &nret);
	rtas_fuzz(c, call, nargs, nret, args, WANT_ANY, &r);
}

/* ---- cpus ---- */

static void secondary_main(void);

static int cpu_index_of(uint32_t id)
{
	for (int i = 0; i < ncpus; i++)
		if (cpu_ids[i] == id)
			return i;
	return -1;
}

/* start-cpu of cpu i at the payload's secondary entry on its own stack. */
static long start_cpu(struct cpu *c, int i)
{
	uint32_t args[16] = { cpu_ids[i], (uint32_t)(uintptr_t)secondary_entry,
			      (uint32_t)(uintptr_t)(stacks[i] + STACK_SIZE) };
	struct rtas_res r;

	rtas_fuzz(c, C_START_CPU, 3, 1, args, i == c->index ? RTAS_HW : WANT_ANY, &r);
	expect_true(c, C_START_CPU, r.st != RTAS_PARAM, r.st, "a valid start-cpu refused as malformed");
	if (r.st == 0)
		cpus[i].restarts++;
	return r.st;
}

static long query_cpu(struct cpu *c, uint32_t id, uint32_t *state)
{
	uint32_t args[16] = { id };
	struct rtas_res r;
	int i = cpu_index_of(id);

	rtas_fuzz(c, C_QUERY_CPU, 1, 2, args, i < 0 ? RTAS_PARAM : 0, &r);
	if (r.st == 0) {
		expect_true(c, C_QUERY_CPU, r.rets[1] == 0 || r.rets[1] == 2, r.rets[1], "a state neither stopped nor running");
		if (i == c->index)
			expect_true(c, C_QUERY_CPU, r.rets[1] == 2, r.rets[1], "the caller is not running");
	}
	*state = r.rets[1];
	return r.st;
}

/* stop-self: does not come back; a later start-cpu (any vcpu's, vcpu 0's
 * at its next heartbeat at the latest) starts the cpu again. */
static void stop_self(struct cpu *c)
{
	uint32_t args[16] = { 0 };
	struct rtas_res r;

	c->stops++;
	c->state = CPU_STOPPED;
	fence();
	rtas_fuzz(c, C_STOP_SELF, 0, 1, args, WANT_ANY, &r);
	c->state = CPU_RUNNING;
	fail_report(c, C_STOP_SELF, r.st, 0, "stop-self returned");
}

static void act_cpu(struct cpu *c)
{
	uint32_t args[16] = { 0 }, state, nargs, nret;
	struct rtas_res r;
	int i;

	switch (rndn(c, 8)) {
	case 0: case 1:
		query_cpu(c, chance(c, 80) ? cpu_ids[rndn(c, (uint64_t)ncpus)] : (uint32_t)rnd(c), &state);
		break;
	case 2:
		/* start-cpu refused: no such cpu, or a start address past RAM */
		args[0] = (uint32_t)rnd(c);
		if (cpu_index_of(args[0]) >= 0 || chance(c, 50)) {
			args[0] = cpu_ids[rndn(c, (uint64_t)ncpus)];
			args[1] = (uint32_t)(ram + rndn(c, 0xffffffffUL - ram));
		}
		rtas_fuzz(c, C_START_CPU, 3, 1, args, RTAS_PARAM, &r);
		break;
	case 3: case 4:
		i = (int)rndn(c, (uint64_t)ncpus);
		if (i && cpus[i].state == CPU_STOPPED)
			start_cpu(c, i);
		else if (i == c->index)
			start_cpu(c, i);	/* itself: running */
		break;
	case 5:
		if (c->index && !stop && chance(c, 50))
			stop_self(c);
		break;
	default: {
		/* stop-self, start-cpu and query malformed: nothing happens */
		static const int which[] = { C_STOP_SELF, C_START_CPU, C_QUERY_CPU };
		int call = which[rndn(c, 3)];
		args[0] = cpu_ids[rndn(c, (uint64_t)ncpus)];
		args[1] = (uint32_t)(uintptr_t)secondary_entry;
		args[2] = (uint32_t)(uintptr_t)(stacks[cpu_index_of(args[0])] + STACK_SIZE);
		bad_shape(c, call, &nargs, &nret);
		rtas_fuzz(c, call, nargs, nret, args, RTAS_PARAM, &r);
	}
	}
}

/* ---- core RTAS, buffers anywhere ---- */

/* Write what lies inside RAM of a header at gpa (the last bytes of RAM). */
static void put32_ram(uint64_t gpa, uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	for (int i = 0; i < 4; i++)
		if (gpa + (uint64_t)i < ram)
			*(volatile uint8_t *)(uintptr_t)(gpa + (uint64_t)i) = b[i];
}

/*
 * An RTAS buffer placed anywhere, and the hcall's exact answer there:
 * H_PARAMETER unless the header and (for a well-formed shape) its cells
 * lie in RAM, the address's top 4 bits dropped (KVM, QEMU and pvmm). The
 * call is get-time-of-day, which changes nothing.
 */
static void rtas_placed(struct cpu *c)
{
	uint32_t token = (uint32_t)tokens[C_GET_TOD - C_RTAS_FIRST], nargs = 0, nret = 8;
	uint64_t gpa, real, hdr_end, cells_end, own = (uint64_t)(uintptr_t)rtas_bufs[c->index];
	long want, rc;

	if (chance(c, 30))
		bad_shape(c, C_GET_TOD, &nargs, &nret);
	/* MMIO: where no device answers, or the registers BAR. Not the rest
	 * of the BARs: KVM's in-kernel RTAS reads 88 bytes of the buffer
	 * through the BAR's memslot, and where the device decodes nothing
	 * (the emulated e1000e's flash BAR) that read is a machine check in
	 * the host kernel, which the host does not survive (README, "Known
	 * in mode kernel"). */
	switch (rndn(c, 7)) {
	case 0: gpa = ram - rndn(c, 96); break;				/* across the end */
	case 1: gpa = ram + rndn(c, 1UL << 30); break;			/* past RAM */
	case 2: gpa = nphbs ? pick_hole(c, &phbs[0], 4) : ram; break;	/* MMIO, no device */
	case 3: gpa = nphbs && phbs[0].nfns && phbs[0].fns[0].regs ? phbs[0].fns[0].regs : ram;
		break;							/* the registers */
	case 4: gpa = rnd(c); break;
	case 5: gpa = 0xfffffffffffff000UL + rndn(c, 4096); break;
	default: gpa = (rndn(c, 15) + 1) << 60 | own; break;		/* top bits */
	}
	real = gpa & 0x0fffffffffffffffUL;
	hdr_end = real + 12;
	cells_end = hdr_end + 4 * ((uint64_t)nargs + nret);
	if (hdr_end > ram)
		want = -4;
	else if (nargs > 16 || nret > 16 || nargs + nret > 16)
		want = 0;		/* a parameter error in the status cell */
	else
		want = cells_end <= ram ? 0 : -4;
	if (real < ram && real >= ram - 128) {
		if (real < top_free)
			return;		/* the device tree is there */
		put32_ram(real, token);
		put32_ram(real + 4, nargs);
		put32_ram(real + 8, nret);
	} else if (real == own) {
		put32(&rtas_bufs[c->index][0], token);
		put32(&rtas_bufs[c->index][1], nargs);
		put32(&rtas_bufs[c->index][2], nret);
	} else if (real < ram) {
		return;		/* somebody's memory: not ours to write */
	}
	rec(c, C_RTAS_BUF, gpa, nargs, nret, 0, 0);
	rc = hc(H_RTAS, gpa, 0, 0, 0, 0);
	done(c, C_RTAS_BUF, rc, want);
}

/* The shared page another vcpu rewrites: only calls whose every form is
 * harmless (no power-off, reboot, os-term, start-cpu, stop-self) ever sit
 * there; the hcall itself must always answer H_SUCCESS (it is in RAM). */
static const int shared_safe[] = {
	C_GET_TOD, C_EVENT_SCAN, C_QUERY_CPU, C_IBM_READ, C_IBM_WRITE, C_CHANGE_MSI, C_QUERY_IRQ,
	C_DDW_QUERY, C_DDW_CREATE, C_DDW_REMOVE, C_DDW_RESET, C_SET_XIVE, C_GET_XIVE, C_INT_ON,
	C_INT_OFF, C_SET_TOD,
};

static uint32_t shared_token(struct cpu *c)
{
	if (chance(c, 10))
		return 0x3000 + (uint32_t)rndn(c, 0x1000);
	return (uint32_t)tokens[shared_safe[rndn(c, sizeof(shared_safe) / sizeof(shared_safe[0]))] - C_RTAS_FIRST];
}

static void rtas_shared(struct cpu *c)
{
	long rc;

	put32(&shared_rtas[0], shared_token(c));
	put32(&shared_rtas[1], (uint32_t)rndn(c, 20));
	put32(&shared_rtas[2], (uint32_t)rndn(c, 20));
	foreign_begin();	/* whatever call the page holds by then, a DDW one too */
	rec(c, C_RTAS_BUF, (uint64_t)(uintptr_t)shared_rtas, 0, 0, 1, 0);
	rc = hc(H_RTAS, (unsigned long)(uintptr_t)shared_rtas, 0, 0, 0, 0);
	done(c, C_RTAS_BUF, rc, 0);
	foreign_end();
}

/*
 * A call of /rtas the payload has no model of (EEH's, when a PHB offers
 * it): mostly a function's (config address, BUID) first, small numbers
 * after. Never a reset or an injected error: after ibm,set-slot-reset
 * only ibm,configure-pe brings the BARs back, and until then every access
 * to them machine-checks this emulated host.
 */
static void rtas_extra(struct cpu *c)
{
	int k = (int)rndn(c, (uint64_t)nextra);
	uint32_t args[16], nargs = (uint32_t)rndn(c, 9), nret = (uint32_t)rndn(c, 5);
	struct phb *p = pick_phb(c);
	struct rtas_res r;
	long want;

	for (int i = 0; i < 16; i++)
		args[i] = chance(c, 50) ? (uint32_t)rndn(c, 8) : (uint32_t)rnd(c);
	if (p && chance(c, 70))
		fn_addr_args(c, p, 0, args, &want);
	if (has(extra_names[k], "slot-reset") && (args[3] == 1 || args[3] == 3))
		args[3] = 7;
	if (has(extra_names[k], "errinjct") && !has(extra_names[k], "open") &&
	    !has(extra_names[k], "close"))
		args[1] = 0;		/* no session is 0 */
	if (chance(c, 10))
		bad_shape(c, C_RTAS_UNKNOWN, &nargs, &nret);
	rtas_fuzz(c, C_EXTRA + k, nargs, nret, args, WANT_ANY, &r);
}

static int valid_date(const uint32_t *a)
{
	return a[0] >= 1970 && a[0] <= 9999 && a[1] >= 1 && a[1] <= 12 && a[2] >= 1 && a[2] <= 31 &&
	       a[3] <= 23 && a[4] <= 59 && a[5] <= 60 && a[6] <= 999999999;
}

static void rtas_extra(struct cpu *c);

static void act_rtas(struct cpu *c)
{
	uint32_t args[16] = { 0 }, nargs, nret;
	struct rtas_res r;
	int call;

	switch (rndn(c, 12)) {
	case 0: case 1:
		rtas_placed(c);
		return;
	case 2:
		rtas_shared(c);
		return;
	case 3:
		call = C_GET_TOD;
		if (chance(c, 80)) {
			if (rtas_fuzz(c, call, 0, 8, args, 0, &r) && r.st == 0)
				expect_true(c, call, r.rets[2] >= 1 && r.rets[2] <= 12 && r.rets[3] >= 1 &&
					    r.rets[3] <= 31 && r.rets[4] <= 23 && r.rets[5] <= 59 &&
					    r.rets[6] <= 60 && r.rets[7] <= 999999999, r.rets[2],
					    "a time of day that is no time");
			return;
		}
		break;
	case 4:
		call = C_SET_TOD;
		if (chance(c, 85)) {
			/* near now (a valid date), or some field out of range */
			args[0] = 2024 + (uint32_t)rndn(c, 10); args[1] = 1 + (uint32_t)rndn(c, 12);
			args[2] = 1 + (uint32_t)rndn(c, 28); args[3] = (uint32_t)rndn(c, 24);
			args[4] = (uint32_t)rndn(c, 60); args[5] = (uint32_t)rndn(c, 60);
			args[6] = (uint32_t)rndn(c, 1000000000);
			if (chance(c, 40))
				args[rndn(c, 7)] = (uint32_t)rnd(c);
			rtas_fuzz(c, call, 7, 1, args, valid_date(args) ? 0 : RTAS_PARAM, &r);
			return;
		}
		break;
	case 5:
		call = C_EVENT_SCAN;
		if (chance(c, 80)) {
			args[0] = (uint32_t)rnd(c); args[1] = (uint32_t)rnd(c);
			args[2] = (uint32_t)rnd(c); args[3] = (uint32_t)rnd(c);
			rtas_fuzz(c, call, 4, 1, args, 1, &r);
			return;
		}
		break;
	case 6: {
		static const int ends[] = { C_POWER_OFF, C_REBOOT, C_OS_TERM };
		call = ends[rndn(c, 3)];	/* malformed only: the run goes on */
		break;
	}
	case 7:
		call = C_DISPLAY;	/* malformed; a whole line under con */
		break;
	case 8: case 9:
		if (nextra) {
			rtas_extra(c);
			return;
		}
		/* fall through */
	default:
		call = C_RTAS_UNKNOWN;
		args[15] = (uint32_t)rnd(c);
		if (chance(c, 50))
			args[15] = 0x2000 + 24 + (uint32_t)rndn(c, 200);
		if (chance(c, 20))
			args[15] = (uint32_t)rndn(c, 0x2000);
		for (int i = 0; i < ntokens; i++)
			if (all_tokens[i] == args[15])
				args[15] = 0xdead0000u;
		nargs = (uint32_t)rndn(c, 18);
		nret = (uint32_t)rndn(c, 18);
		rtas_fuzz(c, call, nargs, nret, args, RTAS_PARAM, &r);
		return;
	}
	for (int i = 0; i < 15; i++)
		args[i] = (uint32_t)rnd(c);
	bad_shape(c, call, &nargs, &nret);
	rtas_fuzz(c, call, nargs, nret, args, RTAS_PARAM, &r);
}

/* ---- hcalls pvmm serves ---- */

/* H_SET_MODE's exact answer (pvmm's and QEMU's rules), or WANT_ANY where
 * KVM answers first: the breakpoints (CIABR, DAWR0, DAWR1: resources 1, 2
 * and 5) are KVM's, and KVM refuses AIL 3 itself on a POWER9 with the
 * radix prefetch bug. */
static long set_mode_want(uint64_t mflags, uint64_t res, uint64_t v1, uint64_t v2)
{
	if (res == 1 || res == 2 || res == 5 || (res == 3 && mflags == 3))
		return WANT_ANY;
	if (res != 3 && res != 4)
		return H_P2;
	if (v1)
		return H_P3;
	if (v2)
		return H_P4;
	if (res == 4)
		return mflags <= 1 ? 0 : H_UNSUPPORTED_FLAG;
	return mflags == 0 || mflags == 3 ? 0 : H_UNSUPPORTED_FLAG;
}

static long proc_tbl_want(uint64_t flags, uint64_t base, uint64_t ps, uint64_t ts)
{
	uint64_t bytes;

	if (flags & ~0x1fUL)
		return -4;
	if ((flags & 0x18) == 0x10)
		return 0;
	if ((flags & 0x18) != 0x18 || (flags & 6) != 4 || ps || ts > 24)
		return -4;
	bytes = 1UL << (12 + ts);
	return (base & (bytes - 1)) || base >= ram || bytes > ram - base ? -4 : 0;
}

static long page_init_want(uint64_t flags, uint64_t dst, uint64_t src)
{
	if ((flags & ~PAGE_INIT_KNOWN) || (dst & 0xfff) || dst >= ram || dst + PAGE > ram)
		return -4;
	if ((flags & H_COPY_PAGE) && ((src & 0xfff) || src >= ram || src + PAGE > ram))
		return -4;
	return 0;
}

static void act_hcall(struct cpu *c)
{
	unsigned long out[9];
	uint64_t a0, a1, a2, a3;
	long rc, want;

	switch (rndn(c, 7)) {
	case 0: {
		/* H_PUT_TERM_CHAR that prints nothing: refused, or 0 bytes */
		a0 = chance(c, 50) ? 0x30000000 : chance(c, 50) ? 0 : rnd(c);
		a1 = chance(c, 50) ? 0 : chance(c, 50) ? 17 + rndn(c, 100) : rnd(c);
		if ((a0 == 0 || a0 == 0x30000000) && a1 && a1 <= 16)
			a1 = 0;
		want = (a0 != 0 && a0 != 0x30000000) || a1 > 16 ? -4 : 0;
		rec(c, C_PUT_TERM, a0, a1, 0, 0, 0);
		rc = hc(H_PUT_TERM_CHAR, a0, a1, rnd(c), rnd(c), 0);
		done(c, C_PUT_TERM, rc, want);
		break;
	}
	case 1:
		a0 = chance(c, 70) ? (chance(c, 50) ? 0 : 0x30000000) : rnd(c);
		rec(c, C_GET_TERM, a0, 0, 0, 0, 0);
		rc = hc(H_GET_TERM_CHAR, a0, 0, 0, 0, out);
		done(c, C_GET_TERM, rc, a0 == 0 || a0 == 0x30000000 ? 0 : -4);
		if (rc == 0)
			expect_true(c, C_GET_TERM, out[0] <= 16, (long)out[0], "more than 16 characters");
		break;
	case 2: {
		static const uint64_t res[] = { 0, 1, 2, 3, 4, 5, 6, 99 };
		a1 = chance(c, 10) ? rnd(c) : res[rndn(c, 8)];
		a0 = chance(c, 70) ? rndn(c, 5) : rnd(c);
		a2 = chance(c, 80) ? 0 : rnd(c);
		a3 = chance(c, 80) ? 0 : rnd(c);
		want = set_mode_want(a0, a1, a2, a3);
		if (a1 == 4 && a0 == 0 && want == 0)
			a0 = 1;		/* big-endian interrupts: the vectors are little-endian */
		if (a1 == 1)
			a2 &= ~3UL;	/* CIABR's privilege 0: no breakpoint that fires */
		if (a1 == 2 || a1 == 5)
			a3 &= 4;	/* DAWRX: no access kind to match, or the hypervisor bit */
		want = set_mode_want(a0, a1, a2, a3);
		rec(c, C_SET_MODE, a0, a1, a2, a3, 0);
		rc = hc(H_SET_MODE, a0, a1, a2, a3, 0);
		done(c, C_SET_MODE, rc, want);
		break;
	}
	case 3:
		a0 = rnd(c);
		rec(c, C_SET_SPRG0, a0, 0, 0, 0, 0);
		rc = hc(H_SET_SPRG0, a0, 0, 0, 0, 0);
		done(c, C_SET_SPRG0, rc, 0);
		break;
	case 4: {
		/* H_PAGE_INIT: into the scratch pages, or refused */
		static const uint64_t flags[] = { H_ZERO_PAGE, H_COPY_PAGE, H_ZERO_PAGE | H_COPY_PAGE,
			H_ICACHE_INVALIDATE | H_COPY_PAGE, H_ICACHE_SYNCHRONIZE, H_PAGE_SET_LOANED, 0 };
		uint64_t own = (uint64_t)(uintptr_t)scratch + (uint64_t)(c->index % 16) * PAGE;
		a0 = chance(c, 10) ? rnd(c) : flags[rndn(c, 7)];
		if (chance(c, 5))
			a0 |= 1UL << rndn(c, 64);
		switch (rndn(c, 5)) {
		case 0: a1 = own + 8 * (1 + rndn(c, 511)); break;
		case 1: a1 = ram - PAGE / 2 + rndn(c, PAGE); a1 &= ~7UL; if (a1 < ram) a1 |= 4; break;
		case 2: a1 = rnd(c) | 1; break;
		default: a1 = own;
		}
		switch (rndn(c, 5)) {
		case 0: a2 = rnd(c); break;
		case 1: a2 = ram + rndn(c, 1UL << 20) * PAGE; break;
		case 2: a2 = phbs[0].win_cpu; break;
		default: a2 = rndn(c, ram / PAGE) * PAGE;
		}
		want = page_init_want(a0, a1, a2);
		if (want == 0 && a1 != own)
			break;		/* never into memory that is not scratch */
		rec(c, C_PAGE_INIT, a0, a1, a2, 0, 0);
		rc = hc(H_PAGE_INIT, a0, a1, a2, 0, 0);
		done(c, C_PAGE_INIT, rc, want);
		break;
	}
	default: {
		/* H_REGISTER_PROC_TBL: radix tables in scratch, and refusals */
		static const uint64_t fl[] = { 0x18 | 4, 0x18 | 4 | 1, 0x10, 0x18, 0x18 | 2, 0x08 | 4, 0 };
		a0 = chance(c, 10) ? rnd(c) : fl[rndn(c, 7)];
		a1 = chance(c, 70) ? (uint64_t)(uintptr_t)scratch : chance(c, 50) ? rnd(c) : ram;
		a2 = chance(c, 90) ? 0 : rnd(c);
		a3 = chance(c, 60) ? rndn(c, 5) : chance(c, 50) ? rndn(c, 30) : rnd(c);
		want = proc_tbl_want(a0, a1, a2, a3);
		rec(c, C_PROC_TBL, a0, a1, a2, a3, 0);
		rc = hc(H_REGISTER_PROC_TBL, a0, a1, a2, a3, 0);
		done(c, C_PROC_TBL, rc, want);
	}
	}
}

/* ---- random hcall numbers ---- */

/* KVM-HV serves these itself (Linux 6.12: its default hcall list and the
 * numbers above H_SET_MODE it knows): their answers are KVM's. */
static int kvm_serves(uint64_t op)
{
	static const uint16_t kvm[] = { 0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x64, 0x68, 0x6c,
		0x70, 0x74, 0xe4, 0xe8, 0x124, 0x2fc, 0x300, 0x448 };

	if (op >= 0xef00 && op <= 0xef1c)	/* H_SVM_* */
		return 1;
	if (op >= 0xf800 && op <= 0xf80c)	/* nested HV */
		return 1;
	for (unsigned int i = 0; i < sizeof(kvm) / sizeof(kvm[0]); i++)
		if (op == kvm[i])
			return 1;
	return 0;
}

/* Never at random: what changes the vcpu under the payload (H_CEDE turns
 * MSR[EE] on, H_SET_DABR/H_SET_XDABR set breakpoints, H_REGISTER_VPA
 * makes KVM write guest memory) or is fuzzed with structure elsewhere. */
static int denied(uint64_t op)
{
	static const uint16_t deny[] = { 0xe0, 0x28, 0x134, 0xdc, 0x1c, 0x20, 0x138, 0x13c, 0x24,
		0x2c, 0x54, 0x58, 0x31c, 0x37c };

	if (op == 0xf000)
		return 1;
	if (!weights[K_XICS] && (op == H_XIRR || op == H_XIRR_X || op == H_EOI || op == H_CPPR ||
				  op == H_IPI || op == H_IPOLL))
		return 1;	/* xics:0 leaves them out everywhere */
	for (unsigned int i = 0; i < sizeof(deny) / sizeof(deny[0]); i++)
		if (op == deny[i])
			return 1;
	return 0;
}

static void act_rnd(struct cpu *c)
{
	unsigned long r[9];
	uint64_t op;
	long rc;
	int call;

	do {
		switch (rndn(c, 6)) {
		case 0: op = rnd(c); break;
		case 1: op = rndn(c, 0x1000); break;
		case 2: op = 0xef00 + rndn(c, 0x20); break;
		case 3: op = 0xf000 + rndn(c, 0x10); break;
		case 4: op = 0xf800 + rndn(c, 0x10) * 4; break;
		default: op = rndn(c, 0x500 / 4) * 4;
		}
	} while (denied(op));
	for (int i = 0; i < 9; i++)
		r[i] = chance(c, 30) ? rndn(c, 16) : rnd(c);
	call = kvm_serves(op) ? C_HC_KVM : C_HC_UNKNOWN;
	rec(c, call, op, r[0], r[1], r[2], r[3]);
	rc = hcall9(op, r);
	done(c, call, rc, call == C_HC_UNKNOWN ? -2 : WANT_ANY);
}

/* ---- the console and marks ---- */

static void put_line_chunks(struct cpu *c, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		size_t k = 1 + rndn(c, n < 16 ? n : 16);
		unsigned long hi = 0, lo = 0;
		for (size_t i = 0; i < k; i++)
			*(i < 8 ? &hi : &lo) |= (unsigned long)(unsigned char)s[i] << (56 - 8 * (i % 8));
		rec(c, C_PUT_TERM, 0x30000000, k, hi, lo, 0);
		done(c, C_PUT_TERM, hc(H_PUT_TERM_CHAR, chance(c, 50) ? 0x30000000 : 0, k, hi, lo, 0), 0);
		s += k;
		n -= k;
	}
}

static void act_con(struct cpu *c)
{
	char line[64];
	uint32_t args[16] = { 0 };
	struct rtas_res r;

	if (chance(c, 60)) {
		act_hcall(c);
		return;
	}
	lock_console(0);
	switch (rndn(c, 3)) {
	case 0:
		/* a mark: more labels than pvmm keeps (32) */
		snprintf(line, sizeof(line), "PVMM-MARK gf-%s\n", "xx");
		line[13] = (char)('a' + rndn(c, 26));
		line[14] = (char)('a' + rndn(c, 2));
		put_line_chunks(c, line);
		break;
	case 1:
		put_line_chunks(c, "GF-CON line\n");
		break;
	default:
		/* display-character, one character a call */
		for (const char *s = "GF-DC line\n"; *s; s++) {
			args[0] = (uint32_t)*s;
			rtas_fuzz(c, C_DISPLAY, 1, 1, args, 0, &r);
		}
	}
	unlock_console();
}

/* ---- scribbling: what another vcpu's calls read, rewritten ---- */

static void act_scribble(struct cpu *c)
{
	unsigned int n = 200 + (unsigned int)rndn(c, 2000);

	for (unsigned int i = 0; i < n && !stop; i++) {
		switch (rndn(c, 4)) {
		case 0:
			put32(&shared_rtas[0], shared_token(c));
			break;
		case 1:
			put32(&shared_rtas[1 + rndn(c, 2)], (uint32_t)(chance(c, 90) ? rndn(c, 20) : rnd(c)));
			break;
		case 2:
			put32(&shared_rtas[3 + rndn(c, 20)], (uint32_t)rnd(c));
			break;
		default:
			put_be64(&shared_list[rndn(c, 512)], chance(c, 70) ? (ram_page(c) | 3) : pick_tce(c));
		}
	}
}

/* ---- sequences that reach deep states ---- */

/* A DDW window created, then used: mapped in, read back, cleared, maybe
 * removed or the PE reset. */
static void seq_ddw_map(struct cpu *c, struct phb *p)
{
	uint32_t mask = ddw_query(c, p, 1), ps = (mask & 2) && chance(c, 50) ? 16 : 12;
	uint64_t ioba, v, n, *l = lists[c->index];
	uint32_t liobn;
	long rc;

	if (!mask)
		return;
	if (!p->ddw_liobn || chance(c, 30))
		ddw_create(c, p, ps, 20 + (uint32_t)rndn(c, 9), 1);
	liobn = p->ddw_liobn;
	if (!liobn)
		return;
	ps = p->ddw_shift;
	foreign_begin();
	for (int k = 0; k < 4; k++) {
		ioba = p->ddw_start + (rndn(c, 64) << ps);
		put_tce(c, p, liobn, 1, ioba, (ram_page(c) & ~((1UL << ps) - 1)) | 3, 0);
	}
	n = 1 + rndn(c, 512);
	for (uint64_t i = 0; i < n; i++)
		put_be64(&l[i], ((ram_page(c) & ~((1UL << ps) - 1))) | (1 + rndn(c, 3)));
	ioba = p->ddw_start + (rndn(c, 64) << ps);
	rec(c, C_INDIRECT, liobn, ioba, (uint64_t)(uintptr_t)l, n, 0);
	rc = hc(H_PUT_TCE_INDIRECT, liobn, ioba, (unsigned long)(uintptr_t)l, n, 0);
	done(c, C_INDIRECT, rc, WANT_ANY);
	get_tce(c, liobn, 1, ioba, &v);
	rec(c, C_STUFF, liobn, p->ddw_start, 0, 64 + n, 0);
	done(c, C_STUFF, hc(H_STUFF_TCE, liobn, p->ddw_start, 0, 64 + n, 0), WANT_ANY);
	foreign_end();
	if (chance(c, 40))
		ddw_remove(c, p, liobn, 1);
	else if (chance(c, 20))
		ddw_reset(c, p, 1);
}

/* MSI-X on, its sources routed and unmasked, the device made to
 * interrupt, then changed (fewer, MSI, off). */
static void seq_msix(struct cpu *c, struct phb *p)
{
	struct fn *f = pick_fn(c, p);
	uint32_t args[16] = { 0 };
	struct rtas_res r;

	if (!f)
		return;
	change_msi(c, p, f, 4, 1 + (uint32_t)rndn(c, 8), 1);
	query_irq(c, p, f, 0, 1);
	if (f->msi_first) {
		args[0] = f->msi_first;
		args[1] = cpu_ids[rndn(c, (uint64_t)ncpus)];
		args[2] = (uint32_t)rndn(c, 7);
		rtas_fuzz(c, C_SET_XIVE, 3, 1, args, WANT_ANY, &r);
		rtas_fuzz(c, C_INT_ON, 1, 1, args, WANT_ANY, &r);
		if (f->e1000e && f->regs) {
			mmio_write(f->regs + 0xd0, 4, 0x01f00000);	/* IMS: the MSI-X causes */
			mmio_write(f->regs + 0xc8, 4, 0x01f00000);	/* ICS: raise them */
		}
		rtas_fuzz(c, C_INT_OFF, 1, 1, args, WANT_ANY, &r);
	}
	change_msi(c, p, f, chance(c, 50) ? 4 : 3, (uint32_t)rndn(c, 4), 1);
	if (chance(c, 50))
		change_msi(c, p, f, 2, 0, 1);
}

/* Put then get in the cpu's own slice: the entry must read back as put
 * unless some call that may touch it came in between. */
static void seq_put_get(struct cpu *c, struct phb *p)
{
	uint64_t ioba = slice_ioba(c, p, rndn(c, SLICE)), tce = ram_page(c) | (1 + rndn(c, 3));
	uint64_t e0 = __atomic_load_n(&tce_epoch, __ATOMIC_SEQ_CST), v;
	int quiet = !__atomic_load_n(&tce_foreign, __ATOMIC_SEQ_CST);
	long rc = put_tce(c, p, p->liobn, 1, ioba, tce, 1);
	int read = get_tce(c, p->liobn, 1, ioba, &v) == 0 && rc == 0;
	int checked = read && quiet && e0 == __atomic_load_n(&tce_epoch, __ATOMIC_SEQ_CST);

	if (read)
		__atomic_add_fetch(&readbacks[!checked], 1, __ATOMIC_RELAXED);
	if (checked)
		expect_true(c, C_GET_TCE, v == tce, (long)v, "H_GET_TCE does not read back the H_PUT_TCE");
	if (chance(c, 50))
		put_tce(c, p, p->liobn, 1, ioba, 0, 1);
}

/* Memory decode off or D3hot, the BAR read, back on. */
static void seq_decode(struct cpu *c, struct phb *p)
{
	struct fn *f = pick_fn(c, p);
	uint32_t cmd, pm = 0, ptr, val;

	if (!f || !f->regs)
		return;
	if (cfg_read(c, p, f, 0x04, 2, &cmd))
		return;
	if (chance(c, 50)) {
		cfg_write(c, p, f, 0x04, 2, cmd & ~2u);
	} else {
		/* the PM capability's PMCSR: D3hot */
		if (cfg_read(c, p, f, 0x34, 1, &ptr))
			return;
		for (int g = 0; ptr >= 0x40 && ptr < 0x100 && g < 16; g++) {
			if (cfg_read(c, p, f, ptr & ~3u, 1, &val))
				break;
			if (val == 1) {
				pm = ptr & ~3u;
				break;
			}
			if (cfg_read(c, p, f, (ptr & ~3u) + 1, 1, &ptr))
				break;
		}
		if (!pm)
			return;
		cfg_write(c, p, f, pm + 4, 2, 3);
	}
	rec(c, C_MMIO_BAR, f->regs + 8, 4, 0, 0, 0);
	val = (uint32_t)mmio_read(f->regs + 8, 4);
	done(c, C_MMIO_BAR, val == 0xffffffffu ? ALL_ONES : NOT_ALL_ONES, WANT_ANY);
	if (pm)
		cfg_write(c, p, f, pm + 4, 2, 0);
	cfg_write(c, p, f, 0x04, 2, cmd | 2);
}

static void act_seq(struct cpu *c)
{
	struct phb *p = pick_phb(c);

	if (!p)
		return;
	switch (rndn(c, 5)) {
	case 0: seq_ddw_map(c, p); break;
	case 1: seq_msix(c, p); break;
	case 2: seq_decode(c, p); break;
	default: seq_put_get(c, p);
	}
}

/* ---- the loop ---- */

static unsigned int weight_total;

static void one_action(struct cpu *c)
{
	uint64_t w = rndn(c, weight_total);
	int k = 0;

	while (k < NR_KINDS - 1 && w >= weights[k])
		w -= weights[k++];
	switch (k) {
	case K_HCALL: act_hcall(c); break;
	case K_RND: act_rnd(c); break;
	case K_RTAS: act_rtas(c); break;
	case K_PCI: act_pci(c); break;
	case K_MMIO: act_mmio(c); break;
	case K_TCE: act_tce(c); break;
	case K_DDW: act_ddw(c); break;
	case K_MSI: act_msi(c); break;
	case K_XIVE: act_xive(c); break;
	case K_CPU: act_cpu(c); break;
	case K_CON: act_con(c); break;
	case K_SEQ: act_seq(c); break;
	case K_SCRIBBLE: act_scribble(c); break;
	default: act_xics(c);
	}
}

/* Every vcpu watches the others: a call under way for STUCK_S is pvmm
 * (or KVM) not answering. One report per stuck call. */
static void watchdog(struct cpu *c)
{
	static volatile uint64_t reported[MAX_CPUS];
	uint64_t now = read_tb();

	for (int i = 0; i < ncpus; i++) {
		uint64_t t = cpus[i].call_tb;
		/* t may lie a little ahead of now: the vcpus' timebases are
		 * not read at one instant */
		if (i == c->index || !t || cpus[i].state == CPU_STOPPED || now <= t ||
		    now - t < STUCK_S * tbhz || reported[i] == t)
			continue;
		reported[i] = t;
		fail_report(&cpus[i], cpus[i].ring[(cpus[i].ring_pos - 1) % RING].call, 0, 0,
			    "a call did not return for 30 s");
	}
}

static uint64_t total_calls(void)
{
	uint64_t n = 0;

	for (int i = 0; i < ncpus; i++)
		n += cpus[i].calls;
	return n;
}

static void heartbeat(void)
{
	char buf[256] = "";
	size_t o = 0;

	for (int i = 0; i < ncpus && o < sizeof(buf) - 40; i++) {
		snprintf(buf + o, sizeof(buf) - o, " cpu%d=%lu%s", i, (unsigned long)cpus[i].calls,
		    cpus[i].state == CPU_STOPPED ? "(stopped)" : "");
		o = strlen(buf);
	}
	say("GUEST-FUZZ HEARTBEAT t=%lu calls=%lu fails=%d%s\n", (unsigned long)now_s(),
	    (unsigned long)total_calls(), fails, buf);
}

static void fuzz_loop(struct cpu *c)
{
	uint64_t next_hb = read_tb() + HEARTBEAT_S * tbhz;

	while (!stop) {
		one_action(c);
		if ((c->calls & 63) == 0)
			watchdog(c);
		if (c->index)
			continue;
		if (read_tb() >= next_hb) {
			next_hb = read_tb() + HEARTBEAT_S * tbhz;
			heartbeat();
			/* the stopped ones start again */
			for (int i = 1; i < ncpus; i++)
				if (cpus[i].state == CPU_STOPPED)
					start_cpu(c, i);
		}
		if (read_tb() >= deadline) {
			stop = 1;
			fence();
		}
	}
}

static void secondary_main(void)
{
	struct cpu *c = self();

	c->call_tb = 0;		/* the stop-self that parked it is over */
	c->state = CPU_RUNNING;
	fence();
	fuzz_loop(c);
	c->state = CPU_DONE;
	fence();
	/* lib.c's secondary_start calls stop-self next */
}

/* ---- interrupts: any is a failure ---- */

void gf_exception(uint64_t vec, uint64_t srr0, uint64_t srr1, uint64_t dar, uint64_t dsisr,
		  uint64_t sp);
void gf_exception(uint64_t vec, uint64_t srr0, uint64_t srr1, uint64_t dar, uint64_t dsisr,
		  uint64_t sp)
{
	uint64_t base = (uint64_t)(uintptr_t)stacks;
	int cpu = sp > base && sp < base + sizeof(stacks) ? (int)((sp - base) / STACK_SIZE) : 0;
	uint32_t args[2] = { 0, 0 };
	struct rtas_res r;

	lock_console(1);
	unlock_console();
	fails++;
	say("GUEST-FUZZ FAIL seed=%lu cpu=%d call=%s why=\"interrupt 0x%lx\" srr0=0x%lx srr1=0x%lx "
	    "dar=0x%lx dsisr=0x%lx\n", (unsigned long)seed, cpu, call_name(cpus[cpu].ring[(cpus[cpu].ring_pos - 1) % RING].call),
	    (unsigned long)vec, (unsigned long)srr0, (unsigned long)srr1, (unsigned long)dar,
	    (unsigned long)dsisr);
	ring_dump();
	say("GUEST-FUZZ-DONE seed=%lu calls=%lu fails=%d interrupted\n", (unsigned long)seed,
	    (unsigned long)total_calls(), fails);
	stop = 1;
	rtas_at((uint32_t *)(uintptr_t)gf_exc_stack, 64, (uint32_t)tokens[C_POWER_OFF - C_RTAS_FIRST], 2, 1, args, &r);
	for (;;)
		;
}

/*
 * The vector table: pvmm enters at 0 (a branch to _start); every vector
 * from 0x100 to 0xfe0 calls gf_exception(vector, SRR0, SRR1, DAR, DSISR,
 * the cpu's r1) on a stack of its own, one cpu at a time. Interrupts come
 * little-endian: the payload sets LPCR[ILE] first (H_SET_MODE).
 */
__asm__(
"	.section .text.vectors, \"ax\"\n"
"	b	_start\n"
"	.org	0x100\n"
"	.set	gf_vec, 0x100\n"
"	.rept	(0x1000 - 0x100) / 0x20\n"
"	mr	10, 1\n"
"	li	3, gf_vec\n"
"	b	gf_exc_entry\n"
"	.balign	0x20\n"
"	.set	gf_vec, gf_vec + 0x20\n"
"	.endr\n"
"gf_exc_entry:\n"
"	lis	2, .TOC.@h\n"
"	ori	2, 2, .TOC.@l\n"
"	mfsrr0	4\n"
"	mfsrr1	5\n"
"	mfdar	6\n"
"	mfdsisr	7\n"
"	mr	8, 10\n"
"	lis	9, gf_exc_lock@h\n"
"	ori	9, 9, gf_exc_lock@l\n"
"1:	lwarx	11, 0, 9\n"
"	cmpwi	11, 0\n"
"	bne-	1b\n"
"	li	11, 1\n"
"	stwcx.	11, 0, 9\n"
"	bne-	1b\n"
"	isync\n"
"	lis	1, (gf_exc_stack + 16384 - 256)@h\n"
"	ori	1, 1, (gf_exc_stack + 16384 - 256)@l\n"
"	li	0, 0\n"
"	stdu	0, -112(1)\n"
"	bl	gf_exception\n"
"2:	b	2b\n"
"	.text\n"
);

/* ---- set-up: what the device tree says ---- */

/* /rtas's tokens: every one (so that a random token is none), and those of
 * calls the payload has no model of. */
static void find_tokens(void)
{
	int rtas = fdt_node("/rtas"), len, off = -1;
	const char *name;
	const void *val;

	while ((off = fdt_prop_next(rtas, off, &name, &val, &len)) >= 0) {
		uint32_t t = len == 4 ? be32(val) : 0;
		int known = 0;
		if (t < 0x2000 || t >= 0x2100 || ntokens == 64)
			continue;
		all_tokens[ntokens++] = t;
		for (int i = 0; i < NR_RTAS; i++)
			known |= !strcmp(name, rtas_names[i]);
		if (!known && nextra < NR_EXTRA) {
			extra_names[nextra] = name;
			extra_tokens[nextra++] = t;
		}
	}
}

static uint64_t parse_num(const char *s, const char **end)
{
	uint64_t v = 0;
	int base = 10;

	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
	}
	for (;; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' : base == 16 && *s >= 'a' && *s <= 'f' ?
			*s - 'a' + 10 : -1;
		if (d < 0)
			break;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (end)
		*end = s;
	return v;
}

static void parse_args(void)
{
	const char *b = fdt_prop(fdt_node("/chosen"), "bootargs", 0);

	for (const char *p = b; p && *p; p++) {
		if (p != b && p[-1] != ' ')
			continue;
		if (!strncmp(p, "gf.seed=", 8))
			seed = parse_num(p + 8, 0);
		else if (!strncmp(p, "gf.seconds=", 11))
			seconds = parse_num(p + 11, 0);
		else if (!strncmp(p, "gf.trace=1", 10))
			trace = 1;
		else if (!strncmp(p, "gf.mode=kernel", 14))
			mode_name = "kernel";
		else if (!strncmp(p, "gf.mode=user", 12))
			mode_name = "user";
		else if (!strncmp(p, "gf.w=", 5)) {
			/* kind:weight,... */
			const char *q = p + 5;
			while (*q && *q != ' ') {
				for (int k = 0; k < NR_KINDS; k++) {
					size_t l = strlen(kind_names[k]);
					if (!strncmp(q, kind_names[k], l) && q[l] == ':') {
						weights[k] = (unsigned int)parse_num(q + l + 1, &q);
						break;
					}
				}
				while (*q && *q != ',' && *q != ' ')
					q++;
				if (*q == ',')
					q++;
			}
		}
	}
}

/* The guest physical address of bus address bus in space ss (2: 32-bit
 * memory, 3: 64-bit), through the PHB's ranges entry holding it; 0 if none. */
static uint64_t bus_gpa(const struct phb *p, uint32_t ss, uint64_t bus)
{
	for (int i = 0; i + 28 <= p->ranges_len; i += 28) {
		uint64_t rbus = be64(p->ranges + i + 4), size = be64(p->ranges + i + 20);
		if ((be32(p->ranges + i) >> 24 & 3) == ss && bus >= rbus && bus - rbus < size)
			return be64(p->ranges + i + 12) + (bus - rbus);
	}
	return 0;
}

static void find_fns(struct phb *p, int node)
{
	int len;

	for (int ch = fdt_child_prefix(node, ""); ch >= 0 && p->nfns < MAX_FNS; ch = fdt_sibling_prefix(ch, "")) {
		const uint8_t *reg = fdt_prop(ch, "reg", &len), *aa;
		struct fn *f = &p->fns[p->nfns];
		int alen;

		if (!reg || len < 4)
			continue;
		f->addr = be32(reg) & 0x00ffff00;
		aa = fdt_prop(ch, "assigned-addresses", &alen);
		for (int i = 0; aa && i + 20 <= alen && f->nbars < 6; i += 20) {
			struct bar *b = &f->bars[f->nbars++];
			b->reg = be32(aa + i) & 0xff;
			b->gpa = bus_gpa(p, be32(aa + i) >> 24 & 3, be64(aa + i + 4));
			b->size = be64(aa + i + 12);
			if (!b->gpa) {
				f->nbars--;	/* not in a window: not ours to touch */
				continue;
			}
			if (b->reg == 0x10) {
				f->regs = b->gpa;
				f->regs_size = b->size;
			}
		}
		p->nfns++;
	}
}

static void find_phbs(void)
{
	for (int n = fdt_child_prefix(0, "pci@"); n >= 0 && nphbs < MAX_PHBS; n = fdt_sibling_prefix(n, "pci@")) {
		struct phb *p = &phbs[nphbs];
		const uint8_t *reg, *ranges, *win;
		int len, rlen, wlen;

		reg = fdt_prop(n, "reg", &len);
		ranges = fdt_prop(n, "ranges", &rlen);
		win = fdt_prop(n, "ibm,dma-window", &wlen);
		if (!reg || !ranges || rlen < 28 || !win || wlen != 20)
			continue;
		p->buid = be64(reg);
		p->ranges = ranges;
		p->ranges_len = rlen;
		p->win_cpu = be64(ranges + 12);
		p->win_size = be64(ranges + 20);
		p->mmio64_cpu = p->win_cpu + (64UL << 30);
		p->mmio64_size = 1UL << 30;
		for (int i = 0; i + 28 <= rlen; i += 28)
			if ((be32(ranges + i) >> 24 & 3) == 3) {
				p->mmio64_cpu = be64(ranges + i + 12);
				p->mmio64_size = be64(ranges + i + 20);
			}
		p->liobn = be32(win);
		p->dma_start = be64(win + 4);
		p->dma_size = be64(win + 12);
		p->ddw = fdt_prop(n, "ibm,ddw-applicable", 0) != 0;
		for (p->ddw_max_shift = 12; (1UL << p->ddw_max_shift) < ram; p->ddw_max_shift++)
			;
		find_fns(p, n);
		nphbs++;
	}
}

/* Through RTAS (vcpu 0 alone): each function's ids and where its MSI-X
 * table and PBA are, so that MMIO keeps to what the device decodes. */
static void probe_fns(struct cpu *c)
{
	for (int i = 0; i < nphbs; i++)
		for (int j = 0; j < phbs[i].nfns; j++) {
			struct phb *p = &phbs[i];
			struct fn *f = &p->fns[j];
			uint32_t v, ptr, id, tbl, pba, ctl;
			if (cfg_read(c, p, f, 0, 4, &v))
				continue;
			f->vendor = (uint16_t)v;
			f->device = (uint16_t)(v >> 16);
			f->e1000e = v == 0x10d38086;
			f->cfg_size = cfg_read(c, p, f, 0x100, 4, &v) == 0 ? 4096 : 256;
			if (cfg_read(c, p, f, 0x34, 1, &ptr))
				continue;
			for (int g = 0; ptr >= 0x40 && ptr < 0x100 && g < 16; g++) {
				if (cfg_read(c, p, f, ptr & ~3u, 1, &id))
					break;
				if (id == 0x11 && !cfg_read(c, p, f, (ptr & ~3u) + 2, 2, &ctl) &&
				    !cfg_read(c, p, f, (ptr & ~3u) + 4, 4, &tbl) &&
				    !cfg_read(c, p, f, (ptr & ~3u) + 8, 4, &pba)) {
					for (int b = 0; b < f->nbars; b++) {
						if (f->bars[b].reg == 0x10 + 4 * (tbl & 7)) {
							f->msix = f->bars[b].gpa + (tbl & ~7u);
							f->msix_size = 16 * ((ctl & 0x7ff) + 1);
						}
						if (f->bars[b].reg == 0x10 + 4 * (pba & 7)) {
							f->pba = f->bars[b].gpa + (pba & ~7u);
							f->pba_size = 8 * (((ctl & 0x7ff) + 64) / 64);
						}
					}
				}
				if (cfg_read(c, p, f, (ptr & ~3u) + 1, 1, &ptr))
					break;
			}
			if (j == 0 && p->ddw) {
				uint32_t args[16] = { f->addr, (uint32_t)(p->buid >> 32), (uint32_t)p->buid };
				struct rtas_res r;
				if (rtas_fuzz(c, C_DDW_QUERY, 3, 5, args, 0, &r) && r.st == 0) {
					/* the largest window: the block, in pages of the largest size */
					static const uint8_t bit_shift[] = { 12, 16, 24, 25, 26, 27, 28, 34, 21 };
					uint32_t big = 0;
					p->ddw_mask = r.rets[3];
					for (unsigned int b = 0; b < sizeof(bit_shift); b++)
						if (p->ddw_mask >> b & 1 && bit_shift[b] > big)
							big = bit_shift[b];
					for (p->ddw_max_shift = big; r.rets[2] > 1u << (p->ddw_max_shift - big) &&
					     p->ddw_max_shift < 62; p->ddw_max_shift++)
						;
				}
			}
			say("GUEST-FUZZ fn phb=0x%lx addr=0x%x id=%x:%x regs=0x%lx+0x%lx msix=0x%lx+0x%lx pba=0x%lx ddw=%d mask=0x%x max=2^%u\n",
			    (unsigned long)p->buid, f->addr, f->vendor, f->device, (unsigned long)f->regs,
			    (unsigned long)f->regs_size, (unsigned long)f->msix, (unsigned long)f->msix_size,
			    (unsigned long)f->pba, p->ddw, p->ddw_mask, p->ddw_max_shift);
		}
}

/* ---- the end: alone, valid calls must get exact answers ---- */

static void final_checks(struct cpu *c)
{
	uint32_t args[16] = { 0 }, v;
	struct rtas_res r;
	uint64_t t;

	for (int i = 0; i < nphbs; i++) {
		struct phb *p = &phbs[i];
		uint64_t ioba = slice_ioba(c, p, 0);
		if (!p->nfns)
			continue;
		if (tokens[C_DDW_RESET - C_RTAS_FIRST] >= 0) {
			args[0] = p->fns[0].addr;
			args[1] = (uint32_t)(p->buid >> 32);
			args[2] = (uint32_t)p->buid;
			rtas_fuzz(c, C_DDW_RESET, 3, 1, args, 0, &r);
			if (rtas_fuzz(c, C_DDW_QUERY, 3, 5, args, 0, &r) && r.st == 0)
				expect_true(c, C_DDW_QUERY, r.rets[1] == 1, r.rets[1],
					    "after a reset, not one window free");
		}
		put_tce(c, p, p->liobn, 1, ioba, ram_page(c) | 3, 1);
		if (get_tce(c, p->liobn, 1, ioba, &t) == 0)
			expect_true(c, C_GET_TCE, (t & 3) == 3, (long)t, "the default window does not map");
		put_tce(c, p, p->liobn, 1, ioba, 0, 1);
		change_msi(c, p, &p->fns[0], 2, 0, 1);
		for (int j = 0; j < p->nfns; j++) {
			struct fn *f = &p->fns[j];
			uint32_t pm = 0, ptr, id;
			/* back to D0 with memory on: the registers answer */
			if (!cfg_read(c, p, f, 0x34, 1, &ptr))
				for (int g = 0; ptr >= 0x40 && ptr < 0x100 && g < 16 && !pm; g++) {
					if (cfg_read(c, p, f, ptr & ~3u, 1, &id))
						break;
					if (id == 1)
						pm = ptr & ~3u;
					else if (cfg_read(c, p, f, (ptr & ~3u) + 1, 1, &ptr))
						break;
				}
			if (pm)
				cfg_write(c, p, f, pm + 4, 2, 0);
			cfg_write(c, p, f, 0x04, 2, 0x0006);
			if (cfg_read(c, p, f, 0, 4, &v) == 0)
				expect_true(c, C_IBM_READ, (uint16_t)v == f->vendor, v, "the function's IDs changed");
			if (f->e1000e && f->regs) {
				rec(c, C_MMIO_BAR, f->regs + 8, 4, 0, 0, 0);
				v = (uint32_t)mmio_read(f->regs + 8, 4);
				done(c, C_MMIO_BAR, v == 0xffffffffu ? ALL_ONES : NOT_ALL_ONES, NOT_ALL_ONES);
			}
		}
	}
	rtas_fuzz(c, C_GET_TOD, 0, 8, args, 0, &r);
}

extern char __image_end[];

/* The RTAS blob pvmm puts in RAM (/rtas linux,rtas-base, rtas-size). */
static void rtas_blob(uint64_t *base, uint64_t *size)
{
	int node = fdt_node("/rtas"), len;
	const void *b = fdt_prop(node, "linux,rtas-base", &len), *z = fdt_prop(node, "rtas-size", &len);

	*base = b ? be32(b) : 0;
	*size = z ? be32(z) : 0;
}

/* A word nobody but pvmm's RTAS may have written: pvmm puts a malformed
 * call's parameter error where the guest's nargs places the status cell
 * (as QEMU does), and the scribbled shared page's nargs are random. */
static int stray_allowed(uint64_t v)
{
	uint32_t hi = (uint32_t)(v >> 32), lo = (uint32_t)v;

	return (!hi || hi == 0xfdffffffu) && (!lo || lo == 0xfdffffffu);
}

/* Memory nobody may write stays zero: from the payload's end to the device
 * tree, and from its end to the last 128 bytes of RAM (placed RTAS
 * headers), less pvmm's RTAS blob. A word written there is a stray
 * write of pvmm, KVM or the device (a DMA past what the TCEs allow). */
static void stray_scan_range(struct cpu *c, uint64_t from, uint64_t to, uint64_t skip,
			     uint64_t skip_len, unsigned long *hits)
{
	for (uint64_t a = (from + 7) & ~7UL; a + 8 <= to; a += 8) {
		uint64_t v;
		if (a >= skip && a < skip + skip_len)
			continue;
		v = *(volatile uint64_t *)(uintptr_t)a;
		if (!v || stray_allowed(v))
			continue;
		if (++*hits <= 8) {
			say("GUEST-FUZZ STRAY addr=0x%lx val=0x%lx\n", (unsigned long)a, (unsigned long)v);
			fail_report(c, C_MARK, (long)v, 0, "memory nobody writes was written");
		}
	}
}

static void stray_scan(struct cpu *c)
{
	uint64_t fdt_start = (uint64_t)(uintptr_t)fdt_base(), end = (uint64_t)(uintptr_t)__image_end;
	uint64_t blob, blob_len;
	unsigned long hits = 0;

	rtas_blob(&blob, &blob_len);
	end = (end + 0xffff) & ~0xffffUL;
	if (fdt_start > end)
		stray_scan_range(c, end, fdt_start, blob, blob_len, &hits);
	stray_scan_range(c, top_free, ram - 128, blob, blob_len, &hits);
	say("GUEST-FUZZ STRAY words=%lu\n", hits);
}

static void summary(void)
{
	static struct pair all[1024];
	uint64_t per[NR_CALLS] = { 0 };
	int npairs = 0;

	for (int i = 0; i < ncpus; i++) {
		for (int k = 0; k < NR_CALLS; k++)
			per[k] += cpus[i].per_call[k];
		for (int k = 0; k < NPAIRS; k++) {
			struct pair *p = &cpus[i].pairs[k];
			int j;
			if (!p->used)
				continue;
			for (j = 0; j < npairs; j++)
				if (all[j].call == p->call && all[j].ans == p->ans)
					break;
			if (j == npairs && npairs < 1024)
				all[npairs++] = *p;
			else if (j < npairs)
				all[j].n += p->n;
		}
	}
	for (int k = 0; k < NR_CALLS; k++) {
		if (per[k])
			say("GUEST-FUZZ CALLS %s %lu\n", call_name(k), (unsigned long)per[k]);
		for (int j = 0; j < npairs; j++)
			if (all[j].call == k)
				say("GUEST-FUZZ PAIR %s %ld %lu\n", call_name(k), all[j].ans,
				    (unsigned long)all[j].n);
	}
	say("GUEST-FUZZ READBACK checked=%lu skipped=%lu\n", (unsigned long)readbacks[0],
	    (unsigned long)readbacks[1]);
	for (int i = 0; i < ncpus; i++)
		say("GUEST-FUZZ CPU %d calls=%lu stops=%lu restarts=%lu\n", i, (unsigned long)cpus[i].calls,
		    (unsigned long)cpus[i].stops, (unsigned long)cpus[i].restarts);
	say("GUEST-FUZZ-DONE seed=%lu mode=%s cpus=%d seconds=%lu calls=%lu pairs=%d fails=%d\n",
	    (unsigned long)seed, mode_name, ncpus, (unsigned long)now_s(), (unsigned long)total_calls(),
	    npairs, fails);
}

void payload_main(void);
void payload_main(void)
{
	struct cpu *c = &cpus[0];
	const uint8_t *fdt = fdt_base();
	uint32_t state;
	uint64_t end;

	/* interrupts little-endian, as the vectors are */
	hc(H_SET_MODE, 1, 4, 0, 0, 0);
	tbhz = tb_hz();
	t_start = read_tb();
	ram = ram_size();
	top_free = (uint64_t)(uintptr_t)fdt + be32(fdt + 4);
	parse_args();
	for (int i = 0; i < NR_RTAS; i++)
		tokens[i] = rtas_token(rtas_names[i]);
	find_tokens();
	ncpus = fdt_cpu_ids(cpu_ids, MAX_CPUS);
	if (ncpus > MAX_CPUS)
		ncpus = MAX_CPUS;
	find_phbs();
	for (int k = 0; k < NR_KINDS; k++)
		weight_total += weights[k];
	if (!weight_total)
		weights[K_HCALL] = weight_total = 1;
	for (int i = 0; i < ncpus; i++) {
		cpus[i].index = i;
		cpus[i].id = cpu_ids[i];
		cpus[i].rng = splitmix(seed * 0x100 + (uint64_t)i) | 1;
	}
	say("GUEST-FUZZ-START seed=%lu seconds=%lu cpus=%d ram=0x%lx phbs=%d mode=%s\n",
	    (unsigned long)seed, (unsigned long)seconds, ncpus, (unsigned long)ram, nphbs, mode_name);
	for (int k = 0; k < NR_KINDS; k++)
		say("GUEST-FUZZ WEIGHT %s %u\n", kind_names[k], weights[k]);
	c->state = CPU_RUNNING;
	probe_fns(c);
	deadline = read_tb() + seconds * tbhz;
	cpu_entry_set(secondary_main);
	for (int i = 1; i < ncpus; i++)
		if (start_cpu(c, i) != 0)
			fail_report(c, C_START_CPU, 0, 0, "a secondary did not start");
	fuzz_loop(c);

	/* The end: every other cpu stopped (stop-self), then alone. */
	end = read_tb() + 30 * tbhz;
	for (int i = 1; i < ncpus; i++) {
		while (read_tb() < end) {
			if ((cpus[i].state == CPU_DONE || cpus[i].state == CPU_STOPPED) &&
			    query_cpu(c, cpu_ids[i], &state) == 0 && state == 0)
				break;
		}
		if (read_tb() >= end)
			fail_report(&cpus[i], C_QUERY_CPU, 2, 0, "a cpu did not stop at the end");
	}
	final_checks(c);
	stray_scan(c);
	summary();
	say("GUEST-FUZZ replay: SEED=%lu (make fuzz-guest SEED=%lu SECONDS=%lu VCPUS=%d)\n",
	    (unsigned long)seed, (unsigned long)seed, (unsigned long)seconds, ncpus);
	/* lib.c's payload_start powers off */
}
