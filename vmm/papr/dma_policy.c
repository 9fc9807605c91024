/* A guest PHB's DMA policy (see dma_policy.h). */
#include "dma_policy.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct dma_wants dma_wants_of(const struct vm_config *cfg, unsigned int index)
{
	return (struct dma_wants){
		.tce = config_phb_tce(cfg, index, NULL),
		.ddw = config_phb_ddw(cfg, index),
		.coalesce = config_phb_user_coalesce(cfg, index),
		.kvm_indirect = cfg->kvm_indirect_tce,
		.kvm_stuff = cfg->kvm_stuff_tce,
		.ddw_max_size = cfg->ddw_max_size,
	};
}

/* Why mode kernel cannot be had here, or NULL. */
static const char *kernel_missing(const struct dma_caps *c)
{
	if (!c->kvm_tce_vfio)
		return "KVM lacks KVM_CAP_SPAPR_TCE_VFIO";
	if (!c->kvm_tce_64)
		return "KVM lacks KVM_CAP_SPAPR_TCE_64";
	if (!c->v2)
		return "the container is not sPAPR TCE v2 (no pre-registered memory)";
	return NULL;
}

static int resolve_mode(const struct dma_wants *w, const struct dma_caps *c, struct dma_policy *p)
{
	const char *missing = kernel_missing(c);

	p->mode_auto = w->tce == TCE_AUTO;
	if (w->tce == TCE_USER) {
		p->mode = TCE_USER;
		p->mode_why = "asked for";
	} else if (missing) {
		p->mode = TCE_USER;
		p->mode_why = missing;
		if (w->tce == TCE_KERNEL)
			return -ENOTSUP;
	} else {
		p->mode = TCE_KERNEL;
		p->mode_why = p->mode_auto ? "KVM_CAP_SPAPR_TCE_VFIO present" : "asked for";
	}
	return 0;
}

static void resolve_ddw(const struct dma_wants *w, const struct dma_caps *c, struct dma_policy *p)
{
	p->ddw = false;
	if (!w->ddw)
		p->ddw_why = "off in the configuration";
	else if (!c->v2)
		p->ddw_why = "the host offers only the v1 IOMMU";
	else if (!c->ddw_page_mask)
		p->ddw_why = "the host offers no TCE page size usable for guest RAM";
	else if (c->host_windows < 2)
		p->ddw_why = "the host offers a single DMA window";
	else
		p->ddw = true, p->ddw_why = "on";
	p->ddw_max_size = c->ram_window;
	if (p->ddw && w->ddw_max_size && (!c->ram_window || w->ddw_max_size < c->ram_window)) {
		p->ddw_max_size = w->ddw_max_size;
		p->ddw_dynamic = true;
		p->ddw_why = "on, windows smaller than guest RAM (ddw_max_size): mapped page by page";
	}
}

/*
 * KVM checks only the first entry of an H_PUT_TCE_INDIRECT or H_STUFF_TCE
 * against its table (README, "Known in mode kernel"), and whatever its
 * table's size, a list may start at its last entry: no padding bounds
 * that. So both stay with pvmm unless the user trusts the guest.
 */
static void resolve_kvm_hcalls(const struct dma_wants *w, struct dma_policy *p)
{
	bool kernel = p->mode == TCE_KERNEL;

	p->kvm_indirect = kernel && w->kvm_indirect;
	p->kvm_stuff = kernel && w->kvm_stuff;
	p->indirect_why = !kernel ? "mode user" : w->kvm_indirect ? "kvm_indirect_tce on: trusted guest" :
			  "KVM re-reads and does not bound the list";
	p->stuff_why = !kernel ? "mode user" : w->kvm_stuff ? "kvm_stuff_tce on: trusted guest" :
		       "KVM does not bound its count";
}

int dma_policy_resolve(const struct dma_wants *w, const struct dma_caps *c, struct dma_policy *p)
{
	int r;

	memset(p, 0, sizeof(*p));
	r = resolve_mode(w, c, p);
	resolve_ddw(w, c, p);
	p->coalesce = w->coalesce;
	resolve_kvm_hcalls(w, p);
	return r;
}

/* Append item to the comma-separated list in buf. */
static void list_add(char *buf, size_t len, const char *item, const char *why)
{
	size_t n = strlen(buf);

	if (n < len)
		snprintf(buf + n, len - n, "%s%s%s%s%s", n ? ", " : "", item, why ? " (" : "",
			 why ? why : "", why ? ")" : "");
}

void dma_policy_hcalls(const struct dma_policy *p, char *buf, size_t len)
{
	char kvm[160] = "", own[160] = "";
	bool kernel = p->mode == TCE_KERNEL;

	list_add(kernel ? kvm : own, sizeof(kvm), "H_PUT_TCE, H_GET_TCE", NULL);
	list_add(p->kvm_indirect ? kvm : own, sizeof(kvm), "H_PUT_TCE_INDIRECT",
		 kernel ? p->indirect_why : NULL);
	list_add(p->kvm_stuff ? kvm : own, sizeof(kvm), "H_STUFF_TCE", kernel ? p->stuff_why : NULL);
	snprintf(buf, len, "KVM serves %s; pvmm serves %s", kvm[0] ? kvm : "none",
		 own[0] ? own : "none");
}

void dma_policy_mode(const struct dma_policy *p, char *buf, size_t len)
{
	if (p->mode_auto)
		snprintf(buf, len, "TCE mode %s (auto): %s", tce_mode_name(p->mode), p->mode_why);
	else
		snprintf(buf, len, "TCE mode %s (asked for)", tce_mode_name(p->mode));
}
