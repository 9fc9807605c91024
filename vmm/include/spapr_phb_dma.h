/*
 * A guest PHB's DMA: one VFIO container for all the PHB's groups, the
 * default window and DDW windows, each with its TCE table: KVM's in mode
 * kernel (attached to every group of the PHB), pvmm's in mode user.
 */
#ifndef PVMM_SPAPR_PHB_DMA_H
#define PVMM_SPAPR_PHB_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "report.h"
#include "spapr_ddw.h"
#include "tce.h"
#include "vfio.h"

struct vm;
struct spapr_phb;

#define PHB_GROUPS_MAX		PCI_DEVS_MAX

struct phb_window {
	struct tce_window tce;
	bool vfio_created, ready, added;
	uint64_t vfio_start;
	int table_fd;			/* mode kernel: KVM's TCE table */
	void *table_map;
	size_t table_map_size;
};

struct phb_dma {
	struct vm *vm;
	struct spapr_phb *phb;		/* for DDW's config-address check */
	unsigned int index;
	struct vfio_container ct;
	struct vfio_group *groups[PHB_GROUPS_MAX];
	unsigned int nr_groups;
	enum tce_mode mode;
	bool coalesce;			/* user_coalesce: VFIO calls per run */
	struct tce_io_stats io_closed;	/* VFIO calls of windows since removed */
	uint32_t liobn;			/* window n: liobn + n */
	struct phb_window win[DDW_WINDOWS_MAX];	/* slot 0: the default window */
	struct ddw ddw;
};

void phb_dma_init(struct phb_dma *d, struct vm *vm, struct spapr_phb *phb, unsigned int index,
		  uint32_t liobn);
/* The PHB's groups: each joins the container (the first sets it up). */
int phb_dma_add_group(struct phb_dma *d, int group_id, struct vfio_group **out);
/* Mode, default window, what DDW may offer. */
int phb_dma_setup(struct phb_dma *d);
void phb_dma_report(const struct phb_dma *d, struct report *r);
/* Reverse order: groups out of kvm-vfio, tables, windows, memory, groups, container. */
void phb_dma_teardown(struct phb_dma *d);

#endif
