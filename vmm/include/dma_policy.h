/*
 * A guest PHB's DMA policy: the TCE mode, DDW, coalescing and which TCE
 * hcalls KVM serves, resolved once when the PHB is set up, from what the
 * configuration asks and what KVM and the PHB's VFIO container offer.
 * Every choice carries its reason; nothing reads the configuration after
 * this. Pure: unit-tested for every combination.
 */
#ifndef PVMM_DMA_POLICY_H
#define PVMM_DMA_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* What the configuration asks for one PHB ([phb.N] over [pci]). */
struct dma_wants {
	enum tce_mode tce;
	bool ddw;
	bool coalesce;
	/* Mode kernel, VM-wide: the trust switches (config.h). */
	bool kvm_indirect, kvm_stuff;
	uint64_t ddw_max_size;		/* the largest DDW window asked for; 0: any */
};

/* What KVM and the PHB's container offer. */
struct dma_caps {
	bool kvm_tce_vfio;		/* KVM_CAP_SPAPR_TCE_VFIO */
	bool kvm_tce_64;		/* KVM_CAP_SPAPR_TCE_64 */
	bool v2;			/* sPAPR TCE v2 IOMMU: pre-registered memory */
	unsigned int host_windows;	/* DMA windows the host gives a PE */
	uint32_t ddw_page_mask;		/* DDW_PGSIZE_* usable for guest RAM */
	uint64_t ram_window;		/* the window that maps all guest RAM (a power of two) */
};

struct dma_policy {
	enum tce_mode mode;		/* TCE_KERNEL or TCE_USER */
	bool mode_auto;			/* chosen by pvmm, not asked for */
	bool ddw;
	/* The largest window the guest may create: ram_window, or the
	 * configuration's cap; ddw_dynamic when that is below ram_window (the
	 * guest then maps pages as it uses them, in the window). */
	uint64_t ddw_max_size;
	bool ddw_dynamic;
	bool coalesce;			/* pvmm's VFIO calls: one per run of entries */
	/* Mode kernel: KVM serves H_PUT_TCE and H_GET_TCE always, these two
	 * only when the user trusts the guest. */
	bool kvm_indirect, kvm_stuff;
	const char *mode_why, *ddw_why, *indirect_why, *stuff_why;
};

/* The wants in cfg for guest PHB index. */
struct dma_wants dma_wants_of(const struct vm_config *cfg, unsigned int index);
/* 0, or -ENOTSUP when mode kernel was asked for and cannot be had
 * (p->mode_why says why). */
int dma_policy_resolve(const struct dma_wants *w, const struct dma_caps *c, struct dma_policy *p);
/* "TCE mode user (auto): KVM lacks ...", "TCE mode kernel (asked for)". */
void dma_policy_mode(const struct dma_policy *p, char *buf, size_t len);
/* Who serves which TCE hcall, e.g. "KVM serves H_PUT_TCE, H_GET_TCE;
 * pvmm serves H_PUT_TCE_INDIRECT (...), H_STUFF_TCE (...)". */
void dma_policy_hcalls(const struct dma_policy *p, char *buf, size_t len);

#endif
