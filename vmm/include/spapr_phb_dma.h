/*
 * A guest PHB's DMA: one VFIO container for all the PHB's groups, the
 * default window and DDW windows, each with its TCE table: KVM's in mode
 * kernel (attached to every group of the PHB), pvmm's in mode user. The
 * PHB's policy (dma_policy.h) is resolved once, at set-up.
 */
#ifndef PVMM_SPAPR_PHB_DMA_H
#define PVMM_SPAPR_PHB_DMA_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "dma_policy.h"
#include "report.h"
#include "spapr_ddw.h"
#include "tce.h"
#include "vfio.h"

struct vm;

#define PHB_GROUPS_MAX		PCI_DEVS_MAX

/*
 * One DMA window, described once: its LIOBN, bus range, page size and
 * entries (tce), who owns the table (KVM's fd, mapped, in mode kernel;
 * pvmm's otherwise) and the host window VFIO holds for it at tce.start.
 * DDW's bookkeeping and the VFIO container refer to it by slot.
 */
struct phb_window {
	struct tce_window tce;
	bool ready;			/* open: the TCE hcalls find it */
	int table_fd;			/* KVM's table, or -1: pvmm's */
	void *table_map;
	size_t table_map_size;
};

/* The RTAS status of a (config address, BUID) pair naming a function of
 * the PHB: DDW's calls check it (the PHB answers, not its DMA half). */
typedef int (*phb_addr_check_fn)(void *ctx, uint32_t cfg_addr, uint64_t buid);

struct phb_dma {
	struct vm *vm;
	unsigned int index;
	pthread_mutex_t *lock;		/* the PHB's: every DMA call runs under it */
	phb_addr_check_fn check_addr;
	void *check_ctx;
	struct vfio_container ct;
	struct vfio_group *groups[PHB_GROUPS_MAX];
	unsigned int nr_groups;
	struct dma_wants wants;		/* the configuration's, read at placement */
	struct dma_policy policy;	/* resolved by phb_dma_setup */
	struct tce_io_stats io_closed;	/* VFIO calls of windows since removed */
	uint32_t liobn;			/* window n: liobn + n */
	struct phb_window win[DDW_WINDOWS_MAX];	/* slot 0: the default window */
	struct ddw ddw;
};

void phb_dma_init(struct phb_dma *d, struct vm *vm, unsigned int index, uint32_t liobn,
		  pthread_mutex_t *lock, phb_addr_check_fn check_addr, void *check_ctx);
/* The PHB's groups: each joins the container (the first sets it up). */
int phb_dma_add_group(struct phb_dma *d, int group_id, struct vfio_group **out);
/* The policy, the default window, what DDW may offer. */
int phb_dma_setup(struct phb_dma *d);
void phb_dma_report(const struct phb_dma *d, struct report *r);
/* Reverse order: groups out of kvm-vfio, tables, windows, memory, groups, container. */
void phb_dma_teardown(struct phb_dma *d);

/* The open window liobn names on d, or NULL; under d->lock. */
static inline struct tce_window *phb_dma_window(struct phb_dma *d, uint32_t liobn)
{
	uint32_t slot = liobn - d->liobn;	/* below the base: wraps, too big */

	return slot < DDW_WINDOWS_MAX && d->win[slot].ready ? &d->win[slot].tce : NULL;
}

#endif
