/*
 * EEH on the guest PHBs: the RTAS calls of spapr_eeh.h, each on the PHB its
 * BUID names and under that PHB's lock, its PE operations on that PHB's
 * VFIO container (vfio_eeh.h). A call can reach no PE but its own PHB's.
 */
#include "spapr_phb.h"
#include "spapr.h"
#include "spapr_eeh.h"
#include "spapr_rtas.h"
#include "util.h"
#include "vfio_eeh.h"
#include "vm.h"

#include <errno.h>
#include <stdio.h>

/* ---- the PE's operations (eeh_ops) ---- */

static int eeh_pe_op(void *opaque, uint32_t op)
{
	struct spapr_phb *phb = opaque;

	return vfio_eeh_pe_op(&phb->dma.ct, op);
}

static int eeh_inject_op(void *opaque, const struct eeh_inject *inj)
{
	struct spapr_phb *phb = opaque;

	return vfio_eeh_inject(&phb->dma.ct, inj->type, inj->func, inj->addr, inj->mask);
}

static int eeh_check_fn(void *opaque, uint32_t cfg_addr)
{
	struct spapr_phb *phb = opaque;
	uint32_t reg;
	uint8_t devfn;
	int st = pci_cfg_addr_decode(cfg_addr, &devfn, &reg);

	for (unsigned int i = 0; st == RTAS_OUT_SUCCESS && i < phb->nr_fns; i++)
		if (phb->fns[i]->devfn == devfn)
			return RTAS_OUT_SUCCESS;
	return st == RTAS_OUT_SUCCESS ? RTAS_OUT_HW_ERROR : st;
}

static void eeh_msi_rearm(void *opaque)
{
	struct spapr_phb *phb = opaque;

	for (unsigned int i = 0; i < phb->nr_fns; i++)
		vfio_pci_msi_rearm(phb->fns[i]);
}

static const struct eeh_ops phb_eeh_ops = {
	.pe_op = eeh_pe_op,
	.inject = eeh_inject_op,
	.check_fn = eeh_check_fn,
	.msi_rearm = eeh_msi_rearm,
};

/*
 * Offered as QEMU offers it: one group in the container, EEH on the host.
 * VFIO_EEH_PE_ENABLE once then, as QEMU does at machine reset: a PE a
 * previous run left frozen is thawed (the host kernel resets it) before
 * the guest's driver touches the device.
 */
void spapr_phb_eeh_setup(struct spapr_phb *phb)
{
	char name[16], why[96] = "";
	bool offered;

	snprintf(name, sizeof(name), "PHB %u", phb->index);
	offered = eeh_offer(phb->dma.nr_groups, vfio_eeh_supported(&phb->dma.ct), why, sizeof(why));
	if (offered && vfio_eeh_pe_op(&phb->dma.ct, VFIO_EEH_PE_ENABLE) < 0) {
		snprintf(why, sizeof(why), "VFIO_EEH_PE_OP(VFIO_EEH_PE_ENABLE) failed (above)");
		offered = false;
	}
	eeh_init(&phb->eeh, name, offered, why, phb->res.buid, phb->nr_fns, &phb_eeh_ops, phb);
	if (offered)
		pr_info("%s: EEH offered on PE 0x%x (one IOMMU group, host EEH)", name, phb->eeh.pe_addr);
	else
		pr_info("%s: no EEH: %s", name, why);
}

/* ---- the RTAS calls ---- */

static void eeh_rtas(struct vcpu *cpu, struct rtas_call *c, enum eeh_call k)
{
	struct spapr_phb *phb;
	GUEST_LOG_SCOPE(GUEST_LOG_EEH);

	if (!eeh_call_shape_ok(k, c))
		return;
	phb = spapr_phb_by_buid(cpu->vm, eeh_call_buid(c));
	if (!phb) {
		eeh_call(NULL, k, &cpu->vm->mem, c);
		return;
	}
	pthread_mutex_lock(&phb->lock);
	eeh_call(&phb->eeh, k, &cpu->vm->mem, c);
	pthread_mutex_unlock(&phb->lock);
}

static void rtas_set_eeh_option(struct vcpu *cpu, struct rtas_call *c)
{
	eeh_rtas(cpu, c, EEH_CALL_SET_OPTION);
}

static void rtas_get_config_addr_info2(struct vcpu *cpu, struct rtas_call *c)
{
	eeh_rtas(cpu, c, EEH_CALL_ADDR_INFO2);
}

static void rtas_read_slot_reset_state2(struct vcpu *cpu, struct rtas_call *c)
{
	eeh_rtas(cpu, c, EEH_CALL_READ_STATE2);
}

static void rtas_set_slot_reset(struct vcpu *cpu, struct rtas_call *c)
{
	eeh_rtas(cpu, c, EEH_CALL_SLOT_RESET);
}

static void rtas_configure_pe(struct vcpu *cpu, struct rtas_call *c)
{
	eeh_rtas(cpu, c, EEH_CALL_CONFIGURE_PE);
}

static void rtas_configure_bridge(struct vcpu *cpu, struct rtas_call *c)
{
	eeh_rtas(cpu, c, EEH_CALL_CONFIGURE_BRIDGE);
}

static void rtas_slot_error_detail(struct vcpu *cpu, struct rtas_call *c)
{
	eeh_rtas(cpu, c, EEH_CALL_ERROR_DETAIL);
}

/* The session is the VM's (vm->lock); the PE is the one the work
 * buffer's BUID names, under its PHB's lock. */
static void rtas_errinjct(struct vcpu *cpu, struct rtas_call *c)
{
	struct vm *vm = cpu->vm;
	struct eeh_inject inj;
	struct spapr_phb *phb;
	int st;
	GUEST_LOG_SCOPE(GUEST_LOG_EEH);

	if (!rtas_check(c, 3, 1))
		return;
	pthread_mutex_lock(&vm->lock);
	st = eeh_errinjct_decode(&vm->mem, vm->errinjct_session, c, &inj);
	pthread_mutex_unlock(&vm->lock);
	if (st != RTAS_OUT_SUCCESS) {
		pr_debug("ibm,errinjct(%u, 0x%x, 0x%x): parameter error", c->args[0], c->args[1],
			 c->args[2]);
		c->rets[0] = (uint32_t)st;
		return;
	}
	phb = spapr_phb_by_buid(vm, inj.buid);
	if (phb)
		pthread_mutex_lock(&phb->lock);
	c->rets[0] = (uint32_t)eeh_inject(phb ? &phb->eeh : NULL, &inj);
	if (phb)
		pthread_mutex_unlock(&phb->lock);
}

static void rtas_open_errinjct(struct vcpu *cpu, struct rtas_call *c)
{
	pthread_mutex_lock(&cpu->vm->lock);
	eeh_errinjct_open(&cpu->vm->errinjct_session, &cpu->vm->errinjct_last, c);
	pthread_mutex_unlock(&cpu->vm->lock);
}

static void rtas_close_errinjct(struct vcpu *cpu, struct rtas_call *c)
{
	pthread_mutex_lock(&cpu->vm->lock);
	eeh_errinjct_close(&cpu->vm->errinjct_session, c);
	pthread_mutex_unlock(&cpu->vm->lock);
}

/* /rtas ibm,errinjct-tokens: each error type pvmm injects, its name then
 * its token in a big-endian cell, as ppc64-diag's errinjct reads them. */
static const char errinjct_tokens[] =
	"ioa-bus-error\0" "\0\0\0\x07"		/* ERRINJCT_IOA_BUS_ERROR */
	"ioa-bus-error-64\0" "\0\0\0\x0f";	/* ERRINJCT_IOA_BUS_ERROR_64 */
static const struct rtas_prop errinjct_tokens_prop = {
	"ibm,errinjct-tokens", errinjct_tokens, sizeof(errinjct_tokens) - 1,
};
_Static_assert(ERRINJCT_IOA_BUS_ERROR == 7 && ERRINJCT_IOA_BUS_ERROR_64 == 15,
	       "ibm,errinjct-tokens spells the tokens out");

static const struct rtas_def eeh_rtas_defs[] = {
	{ "ibm,set-eeh-option", rtas_set_eeh_option },
	{ "ibm,get-config-addr-info2", rtas_get_config_addr_info2 },
	{ "ibm,read-slot-reset-state2", rtas_read_slot_reset_state2 },
	{ "ibm,set-slot-reset", rtas_set_slot_reset },
	{ "ibm,configure-pe", rtas_configure_pe },
	{ "ibm,configure-bridge", rtas_configure_bridge },
	{ "ibm,slot-error-detail", rtas_slot_error_detail },
	{ "ibm,open-errinjct", rtas_open_errinjct },
	{ "ibm,errinjct", rtas_errinjct },
	{ "ibm,close-errinjct", rtas_close_errinjct },
};

int spapr_phb_eeh_register_calls(void)
{
	int r = rtas_register(eeh_rtas_defs, ARRAY_SIZE(eeh_rtas_defs));

	return r ? r : rtas_register_prop(&errinjct_tokens_prop);
}
