/*
 * Two vcpus at once on one PHB's DMA, under ThreadSanitizer: TCE hcalls
 * (H_PUT_TCE, H_GET_TCE, H_STUFF_TCE, H_PUT_TCE_INDIRECT through the real
 * hcall table and LIOBN route of spapr_tce_hcall.c, under the PHB's lock)
 * racing the DDW RTAS calls (the real spapr_ddw.c, under the same lock as
 * spapr_phb.c takes it) that create and remove the windows they use. The
 * host side of a window is spapr_phb_dma.c's, modelled here (that file
 * needs the ppc64 KVM headers): window_open = tce_window_init + ready,
 * window_close = not ready + free, and the host IOMMU drops a removed
 * window's mappings with it.
 *
 * Oracles: TSan for any data race; the host side never sees a window
 * created twice or removed twice, or a map into a window that does not
 * exist, a double map or an unmap of nothing; and once both threads are
 * done, each window in DDW's bookkeeping is the one the hcalls find, with
 * exactly its valid entries mapped - the state a serial run of the
 * lock-protected operations leaves.
 */
#include "spapr.h"
#include "spapr_ddw.h"
#include "spapr_hcall.h"
#include "spapr_phb_dma.h"
#include "spapr_rtas.h"
#include "spapr_tce_hcall.h"
#include "tce.h"
#include "util.h"
#include "vm.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAM (1 << 20)
#define LIOBN 0x80000000u
#define MAX_WINDOW (1ULL << 22)
#define MAX_ENTRIES (MAX_WINDOW >> 12)
#define OP 12				/* input bytes per operation */

#define FAIL(why) (fprintf(stderr, "oracle: %s\n", (why)), abort())

/* The host IOMMU's view of one window slot. */
struct host_window {
	bool exists;
	uint64_t start;
	uint32_t shift;
	bool mapped[MAX_ENTRIES];
};

static struct vm vm;
static struct vcpu cpus[2];
static pthread_mutex_t phb_lock = PTHREAD_MUTEX_INITIALIZER;	/* spapr_phb's lock */
static struct phb_dma dma;	/* its windows and their DDW bookkeeping */
static struct host_window host[DDW_WINDOWS_MAX];

/* The first entry of a host call's run of pages (several when the table
 * coalesces them), checking it lies in the window, page-aligned. */
static uint64_t entry(struct host_window *h, uint64_t iova, uint64_t size)
{
	uint64_t page;

	if (!h->exists)
		FAIL("a mapping in a window the host does not have");
	page = 1ULL << h->shift;
	if (!size || size % page || iova & (page - 1) || iova < h->start ||
	    (iova - h->start) >> h->shift >= MAX_ENTRIES ||
	    size >> h->shift > MAX_ENTRIES - ((iova - h->start) >> h->shift))
		FAIL("a mapping outside the window or unaligned");
	return (iova - h->start) >> h->shift;
}

static int host_map(void *o, uint64_t iova, uint64_t gpa, uint64_t size, uint64_t perm)
{
	struct host_window *h = o;
	uint64_t first = entry(h, iova, size);

	if (gpa >= RAM || size > RAM - gpa || !perm)
		FAIL("a mapping outside guest RAM");
	for (uint64_t i = first; i < first + (size >> h->shift); i++) {
		if (h->mapped[i])
			FAIL("iova mapped twice");
		h->mapped[i] = true;
	}
	return 0;
}

static int host_unmap(void *o, uint64_t iova, uint64_t size)
{
	struct host_window *h = o;
	uint64_t first = entry(h, iova, size);

	for (uint64_t i = first; i < first + (size >> h->shift); i++) {
		if (!h->mapped[i])
			FAIL("unmap of an iova not mapped");
		h->mapped[i] = false;
	}
	return 0;
}

static const struct tce_ops host_ops = { host_map, host_unmap };

/* spapr_phb_dma.c's window_open and window_close, as DDW's ops. */
static int win_create(void *o, unsigned int slot, uint32_t liobn, uint32_t page_shift,
		      uint64_t size, uint64_t *start)
{
	(void)o;
	if (slot >= DDW_WINDOWS_MAX || host[slot].exists)
		FAIL("a window created twice");
	*start = slot ? 1ULL << 59 : 0;
	host[slot] = (struct host_window){ .exists = true, .start = *start, .shift = page_shift };
	if (tce_window_init(&dma.win[slot].tce, liobn, *start, size, page_shift, &vm.mem,
			    &host_ops, &host[slot], NULL))
		FAIL("window set-up");
	dma.win[slot].ready = true;
	return 0;
}

static void win_remove(void *o, unsigned int slot, uint64_t *hcalls)
{
	(void)o;
	if (slot >= DDW_WINDOWS_MAX || !host[slot].exists)
		FAIL("a window removed twice");
	*hcalls = dma.win[slot].tce.hcalls;
	dma.win[slot].ready = false;
	tce_window_free(&dma.win[slot].tce);
	host[slot].exists = false;	/* and its mappings with it */
}

static int addr_ok(void *o, uint32_t cfg_addr, uint64_t buid)
{
	(void)o; (void)cfg_addr; (void)buid;
	return RTAS_OUT_SUCCESS;
}

static const struct ddw_ops ddw_ops = { win_create, win_remove, addr_ok };

/* One DDW RTAS call, under the PHB's lock as spapr_phb.c's ddw_call. */
static void rtas(void (*fn)(struct ddw *, struct rtas_call *), uint32_t nargs, uint32_t nret,
		 uint32_t a3, uint32_t a4)
{
	struct rtas_call c = { .nargs = nargs, .nret = nret, .args = { 0, 0, 1, a3, a4 } };

	if (fn == ddw_rtas_remove)
		c.args[0] = a3;
	pthread_mutex_lock(&phb_lock);
	fn(&dma.ddw, &c);
	pthread_mutex_unlock(&phb_lock);
}

struct thread_arg {
	struct vcpu *cpu;
	const uint8_t *ops;
	size_t n;
	uint64_t list_gpa;		/* this vcpu's indirect list page */
	pthread_barrier_t *start;
};

static void *vcpu_thread(void *p)
{
	struct thread_arg *t = p;

	pthread_barrier_wait(t->start);
	for (size_t i = 0; i + OP <= t->n; i += OP) {
		const uint8_t *d = t->ops + i;
		uint32_t liobn = LIOBN + (d[1] & 1);
		uint64_t v, ioba, args[9] = { liobn };
		uint16_t idx;

		memcpy(&idx, d + 2, 2);
		memcpy(&v, d + 4, 8);
		/* an IOBA of 4 or 64 KiB pages, in whichever window the slot has */
		ioba = ((d[1] & 1) ? 1ULL << 59 : 0) + ((uint64_t)(idx % 1024) << ((d[1] & 2) ? 16 : 12));
		args[1] = ioba;
		switch (d[0] % 8) {
		case 0:		/* a page of RAM, R/W bits from the input */
			args[2] = (v & (RAM - 1) & ~0xffffULL) | (v >> 62);
			hcall_dispatch(t->cpu, H_PUT_TCE, args);
			break;
		case 1:
			hcall_dispatch(t->cpu, H_GET_TCE, args);
			break;
		case 2:
			args[2] = 0;
			args[3] = 1 + d[1] % 16;
			hcall_dispatch(t->cpu, H_STUFF_TCE, args);
			break;
		case 3: {
			uint8_t *list = vm.mem.host + t->list_gpa;
			for (int k = 0; k < 8; k++)
				store_be64(list + 8 * k, ((v + 0x10000ULL * k) & (RAM - 1) & ~0xffffULL) | 3);
			args[2] = t->list_gpa;
			args[3] = 1 + d[1] % 8;
			hcall_dispatch(t->cpu, H_PUT_TCE_INDIRECT, args);
			break;
		}
		case 4:		/* create: 4 or 64 KiB pages, 64 KiB to 4 MiB */
			rtas(ddw_rtas_create, 5, 4, (d[1] & 2) ? 16 : 12, 16 + d[2] % 7);
			break;
		case 5:
			rtas(ddw_rtas_remove, 1, 1, liobn, 0);
			break;
		case 6:
			rtas(ddw_rtas_reset, 3, 1, 0, 0);
			break;
		case 7:
			rtas(ddw_rtas_query, 3, 5, 0, 0);
			break;
		}
	}
	return NULL;
}

/* After both threads: the serial state. */
static void check_state(void)
{
	for (unsigned int s = 0; s < DDW_WINDOWS_MAX; s++) {
		bool active = dma.ddw.win[s].active;
		struct tce_window *w = phb_dma_window(&dma, LIOBN + s);
		uint64_t n = 0;

		if (active != host[s].exists || (active ? w != &dma.win[s].tce : w != NULL))
			FAIL("DDW's windows, the host's and the hcalls' differ");
		if (!active)
			continue;
		for (uint64_t i = 0; i < w->nr_entries; i++) {
			bool valid = w->table[i] & TCE_PERM_MASK;
			if (valid != host[s].mapped[i])
				FAIL("a valid entry not mapped, or a mapping without one");
			n += valid;
		}
		if (n != w->valid)
			FAIL("the window's count of valid entries");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pthread_barrier_t start;
	pthread_t th[2];
	struct thread_arg args[2];
	size_t half = size / 2;

	if (!vm.mem.host) {
		vm_init_struct(&vm);
		vm.mem.host = calloc(1, RAM);
		vm.mem.size = RAM;
		for (int i = 0; i < 2; i++)
			cpus[i] = (struct vcpu){ .vm = &vm, .id = i, .fd = -1 };
		if (spapr_tce_register_calls())
			abort();
		dma.vm = &vm;
		dma.lock = &phb_lock;
		dma.liobn = LIOBN;
		vm.dma[0] = &dma;
	}
	/* Boot time: the default window (4 KiB pages, 1 MiB) in slot 0. */
	memset(host, 0, sizeof(host));
	ddw_init(&dma.ddw, true, DDW_WINDOWS_MAX, DDW_PGSIZE_4K | DDW_PGSIZE_64K, MAX_WINDOW, LIOBN,
		 1 << 20, 12, &ddw_ops, NULL);
	win_create(NULL, 0, LIOBN, 12, 1 << 20, &(uint64_t){ 0 });
	pthread_barrier_init(&start, NULL, 2);
	for (int i = 0; i < 2; i++) {
		args[i] = (struct thread_arg){ &cpus[i], data + i * half, half, 0x1000 * (1 + i), &start };
		pthread_create(&th[i], NULL, vcpu_thread, &args[i]);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&start);
	check_state();
	for (unsigned int s = 0; s < DDW_WINDOWS_MAX; s++)
		if (host[s].exists) {
			uint64_t h;
			win_remove(NULL, s, &h);
		}
	return 0;
}
