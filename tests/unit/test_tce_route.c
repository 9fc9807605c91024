/* spapr_tce_hcall.c: a TCE hcall finds its window through its LIOBN's
 * PHB, for every PHB index and window the placement allows. */
#include "test.h"
#include "pci_place.h"
#include "spapr.h"
#include "spapr_hcall.h"
#include "spapr_phb_dma.h"
#include "spapr_tce_hcall.h"
#include "vm.h"

#include <stdlib.h>

#define RAM (1024 * 1024)
#define WIN_SIZE (64 * 4096)

static int route_map(void *o, uint64_t iova, uint64_t gpa, uint64_t size, uint64_t perm)
{
	(void)o; (void)iova; (void)gpa; (void)size; (void)perm;
	return 0;
}

static int route_unmap(void *o, uint64_t iova, uint64_t size)
{
	(void)o; (void)iova; (void)size;
	return 0;
}

static const struct tce_ops route_ops = { route_map, route_unmap };

struct routed_vm {
	struct vm vm;
	struct vcpu cpu;
	struct phb_dma dma[PHB_MAX];
	pthread_mutex_t lock[PHB_MAX];
};

/* 8 PHBs, 2 windows each (window n of PHB i at bus address n << 40), as
 * phb_new and phb_dma_setup register them. */
static void routed_vm_init(struct routed_vm *r)
{
	vm_init_struct(&r->vm);
	r->vm.mem.host = calloc(1, RAM);
	r->vm.mem.size = RAM;
	r->cpu = (struct vcpu){ .vm = &r->vm, .fd = -1 };
	hcall_reset();
	CHECK_EQ(spapr_tce_register_calls(), 0);
	for (unsigned int i = 0; i < PHB_MAX; i++) {
		struct phb_dma *d = &r->dma[i];
		pthread_mutex_init(&r->lock[i], NULL);
		memset(d, 0, sizeof(*d));
		d->vm = &r->vm;
		d->index = i;
		d->lock = &r->lock[i];
		d->liobn = phb_res_of(i).liobn;
		for (unsigned int n = 0; n < DDW_WINDOWS_MAX; n++) {
			CHECK_EQ(tce_window_init(&d->win[n].tce, d->liobn + n, (uint64_t)n << 40, WIN_SIZE,
						 12, &r->vm.mem, &route_ops, d, NULL), 0);
			d->win[n].ready = true;
		}
		r->vm.dma[i] = d;
	}
}

static void routed_vm_free(struct routed_vm *r)
{
	for (unsigned int i = 0; i < PHB_MAX; i++)
		for (unsigned int n = 0; n < DDW_WINDOWS_MAX; n++)
			tce_window_free(&r->dma[i].win[n].tce);
	free(r->vm.mem.host);
}

static long put(struct routed_vm *r, uint64_t liobn, uint64_t ioba, uint64_t tce)
{
	uint64_t regs[9] = { liobn, ioba, tce };

	return hcall_dispatch(&r->cpu, H_PUT_TCE, regs);
}

TEST(tce_route_every_phb_and_window)
{
	static struct routed_vm r;

	routed_vm_init(&r);
	for (unsigned int i = 0; i < PHB_MAX; i++) {
		for (unsigned int n = 0; n < DDW_WINDOWS_MAX; n++) {
			uint32_t liobn = phb_res_of(i).liobn + n;
			uint64_t ioba = ((uint64_t)n << 40) + (uint64_t)(i * 2 + n) * 4096;
			uint64_t regs[9] = { liobn, ioba };
			CHECK(spapr_tce_phb_of(&r.vm, liobn) == &r.dma[i]);
			CHECK(phb_dma_window(&r.dma[i], liobn) == &r.dma[i].win[n].tce);
			CHECK_EQ(put(&r, liobn, ioba, 0x5003), H_SUCCESS);
			CHECK_EQ(hcall_dispatch(&r.cpu, H_GET_TCE, regs), H_SUCCESS);
			CHECK_EQ(regs[0], 0x5003);
		}
	}
	/* each entry landed in its own window's table, nowhere else */
	for (unsigned int i = 0; i < PHB_MAX; i++)
		for (unsigned int n = 0; n < DDW_WINDOWS_MAX; n++) {
			const struct tce_window *w = &r.dma[i].win[n].tce;
			CHECK_EQ(w->valid, 1);
			CHECK_EQ(w->table[i * 2 + n], 0x5003);
			CHECK_EQ(w->hcalls, 2);
		}
	routed_vm_free(&r);
}

TEST(tce_route_refuses_what_names_no_window)
{
	static struct routed_vm r;
	uint32_t base = phb_res_of(3).liobn;

	routed_vm_init(&r);
	CHECK_EQ(put(&r, base + DDW_WINDOWS_MAX, 0, 0x5003), H_PARAMETER);	/* no such window */
	CHECK_EQ(put(&r, phb_res_of(PHB_MAX).liobn, 0, 0x5003), H_PARAMETER);	/* no such PHB */
	CHECK_EQ(put(&r, base | 1ULL << 32, 0, 0x5003), H_PARAMETER);	/* LIOBN > 32 bits */
	CHECK_EQ(put(&r, 0x12345678, 0, 0x5003), H_PARAMETER);		/* not a PHB's */
	CHECK_EQ(put(&r, base + 0xff, 0, 0x5003), H_PARAMETER);
	r.dma[3].win[1].ready = false;					/* removed (DDW) */
	CHECK_EQ(put(&r, base + 1, 1ULL << 40, 0x5003), H_PARAMETER);
	CHECK_EQ(put(&r, base, 0, 0x5003), H_SUCCESS);			/* the other stays */
	r.vm.dma[5] = NULL;						/* a PHB not set up */
	CHECK_EQ(put(&r, phb_res_of(5).liobn, 0, 0x5003), H_PARAMETER);
	CHECK_EQ(stats_find(&r.vm.stats, 'h', H_PUT_TCE)->count, 8);
	CHECK_EQ(stats_find(&r.vm.stats, 'h', H_PUT_TCE)->errors, 7);
	for (unsigned int i = 0; i < PHB_MAX; i++)
		for (unsigned int n = 0; n < DDW_WINDOWS_MAX; n++)
			CHECK_EQ(r.dma[i].win[n].tce.valid, i == 3 && n == 0);
	routed_vm_free(&r);
}

/* All four TCE hcalls through the route, on a PHB other than the first. */
TEST(tce_route_all_four_hcalls)
{
	static struct routed_vm r;
	uint32_t liobn = phb_res_of(7).liobn + 1;
	uint64_t regs[9];

	routed_vm_init(&r);
	memcpy(regs, (uint64_t[3]){ liobn, (1ULL << 40) + 0x1000, 0x5003 }, 24);
	CHECK_EQ(hcall_dispatch(&r.cpu, H_PUT_TCE, regs), H_SUCCESS);
	/* an indirect list of two entries at guest address 0x8000 */
	store_be64((uint8_t *)r.vm.mem.host + 0x8000, 0x6003);
	store_be64((uint8_t *)r.vm.mem.host + 0x8008, 0x7001);
	memcpy(regs, (uint64_t[4]){ liobn, (1ULL << 40) + 0x2000, 0x8000, 2 }, 32);
	CHECK_EQ(hcall_dispatch(&r.cpu, H_PUT_TCE_INDIRECT, regs), H_SUCCESS);
	CHECK_EQ(r.dma[7].win[1].tce.valid, 3);
	memcpy(regs, (uint64_t[4]){ liobn, (1ULL << 40) + 0x1000, 0, 3 }, 32);
	CHECK_EQ(hcall_dispatch(&r.cpu, H_STUFF_TCE, regs), H_SUCCESS);
	CHECK_EQ(r.dma[7].win[1].tce.valid, 0);
	CHECK_EQ(r.dma[7].win[1].tce.hcalls, 3);
	CHECK_EQ(r.dma[7].win[0].tce.hcalls, 0);
	routed_vm_free(&r);
}
