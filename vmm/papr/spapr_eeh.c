/* EEH's RTAS calls on a guest PHB's PE: decoding and answers (see spapr_eeh.h). */
#include "spapr_eeh.h"
#include "guest_mem.h"
#include "report.h"
#include "spapr.h"
#include "spapr_rtas.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <linux/vfio.h>

/* Each call's name and shape: arguments, and the returns it may have. */
static const struct {
	const char *name;
	uint32_t nargs, nret_min, nret_max;
} calls[EEH_CALLS] = {
	[EEH_CALL_SET_OPTION] = { "ibm,set-eeh-option", 4, 1, 1 },
	[EEH_CALL_ADDR_INFO2] = { "ibm,get-config-addr-info2", 4, 2, 2 },
	/* a fifth return (PE recovery information) is optional */
	[EEH_CALL_READ_STATE2] = { "ibm,read-slot-reset-state2", 3, 4, 5 },
	[EEH_CALL_SLOT_RESET] = { "ibm,set-slot-reset", 4, 1, 1 },
	[EEH_CALL_CONFIGURE_PE] = { "ibm,configure-pe", 3, 1, 1 },
	[EEH_CALL_CONFIGURE_BRIDGE] = { "ibm,configure-bridge", 3, 1, 1 },
	[EEH_CALL_ERROR_DETAIL] = { "ibm,slot-error-detail", 8, 1, 1 },
};

uint32_t eeh_pe_addr(uint8_t bus)
{
	return (uint32_t)bus << 16 | 1;
}

bool eeh_offer(unsigned int nr_groups, bool host_eeh, char *why, unsigned int len)
{
	if (nr_groups != 1) {
		snprintf(why, len, "%u IOMMU groups share its container (the host's EEH "
			 "works on one)", nr_groups);
		return false;
	}
	if (!host_eeh) {
		snprintf(why, len, "the host has no EEH (VFIO_CHECK_EXTENSION(VFIO_EEH))");
		return false;
	}
	return true;
}

void eeh_init(struct spapr_eeh *e, const char *name, bool offered, const char *why_not,
	      uint64_t buid, unsigned int nr_fns, const struct eeh_ops *ops, void *opaque)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->offered = offered;
	snprintf(e->why_not, sizeof(e->why_not), "%s", offered || !why_not ? "" : why_not);
	e->buid = buid;
	e->pe_addr = eeh_pe_addr(0);
	e->nr_fns = nr_fns;
	e->last_state = -1;
	e->ops = ops;
	e->opaque = opaque;
}

const char *eeh_call_name(enum eeh_call k)
{
	return k < EEH_CALLS ? calls[k].name : "?";
}

uint64_t eeh_call_buid(const struct rtas_call *c)
{
	return (uint64_t)c->args[1] << 32 | c->args[2];
}

bool eeh_call_shape_ok(enum eeh_call k, struct rtas_call *c)
{
	if (k >= EEH_CALLS)
		return false;
	if (c->nargs == calls[k].nargs && c->nret >= calls[k].nret_min && c->nret <= calls[k].nret_max)
		return true;
	if (c->nret > 0)
		c->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
	return false;
}

bool eeh_option_op(uint32_t option, uint32_t *op)
{
	static const uint32_t ops[] = {
		[EEH_OPT_DISABLE] = VFIO_EEH_PE_DISABLE, [EEH_OPT_ENABLE] = VFIO_EEH_PE_ENABLE,
		[EEH_OPT_THAW_MMIO] = VFIO_EEH_PE_UNFREEZE_IO, [EEH_OPT_THAW_DMA] = VFIO_EEH_PE_UNFREEZE_DMA,
	};

	if (option >= ARRAY_SIZE(ops))
		return false;
	*op = ops[option];
	return true;
}

bool eeh_reset_op(uint32_t option, uint32_t *op)
{
	switch (option) {
	case EEH_RESET_DEACTIVATE: *op = VFIO_EEH_PE_RESET_DEACTIVATE; return true;
	case EEH_RESET_HOT: *op = VFIO_EEH_PE_RESET_HOT; return true;
	case EEH_RESET_FUNDAMENTAL: *op = VFIO_EEH_PE_RESET_FUNDAMENTAL; return true;
	default: return false;
	}
}

/* A function's config address, register 0 (bits 0-7 and 24-27). */
static bool fn_addr_names_pe(const struct spapr_eeh *e, uint32_t addr)
{
	return !(addr & 0x0f0000ff) && e->ops->check_fn(e->opaque, addr) == RTAS_OUT_SUCCESS;
}

bool eeh_addr_names_pe(const struct spapr_eeh *e, uint32_t addr)
{
	return addr == e->pe_addr || fn_addr_names_pe(e, addr);
}

/* The PE op, its failure counted (the ops say it, with the ioctl). */
static int pe_op(struct spapr_eeh *e, uint32_t op)
{
	int r = e->ops->pe_op(e->opaque, op);

	if (r < 0) {
		e->n.host_errors++;
		e->last_host_errno = -r;
	}
	return r;
}

/* ibm,set-eeh-option(addr, buid hi, buid lo, option) -> status */
static int set_option(struct spapr_eeh *e, struct rtas_call *c)
{
	uint32_t op;

	if (!eeh_addr_names_pe(e, c->args[0]) || !eeh_option_op(c->args[3], &op))
		return RTAS_OUT_PARAM_ERROR;
	if (pe_op(e, op) < 0)
		return RTAS_OUT_HW_ERROR;
	if (c->args[3] == EEH_OPT_ENABLE)
		e->n.enables++;
	else if (c->args[3] != EEH_OPT_DISABLE)
		e->n.thaws++;
	return RTAS_OUT_SUCCESS;
}

/* ibm,get-config-addr-info2(config addr, buid hi, buid lo, function) ->
 * status, PE address or mode. The address must be a function's. */
static int addr_info2(struct spapr_eeh *e, struct rtas_call *c)
{
	if (!fn_addr_names_pe(e, c->args[0]))
		return RTAS_OUT_PARAM_ERROR;
	switch (c->args[3]) {
	case EEH_ADDR_INFO_PE_ADDR:
		c->rets[1] = e->pe_addr;
		return RTAS_OUT_SUCCESS;
	case EEH_ADDR_INFO_MODE:
		c->rets[1] = e->nr_fns > 1 ? EEH_PE_MODE_SHARED : EEH_PE_MODE_NOT_SHARED;
		return RTAS_OUT_SUCCESS;
	default:
		return RTAS_OUT_PARAM_ERROR;
	}
}

/* ibm,read-slot-reset-state2(addr, buid hi, buid lo) -> status, state,
 * EEH supported, wait when unavailable (ms)[, recovery info]. The host's
 * state values are PAPR's. A failed read is a parameter error, as QEMU
 * answers it. */
static int read_state2(struct spapr_eeh *e, struct rtas_call *c)
{
	int state;

	if (!eeh_addr_names_pe(e, c->args[0]))
		return RTAS_OUT_PARAM_ERROR;
	state = pe_op(e, VFIO_EEH_PE_GET_STATE);
	if (state < 0)
		return RTAS_OUT_PARAM_ERROR;
	e->n.state_reads++;
	e->last_state = state;
	c->rets[1] = (uint32_t)state;
	c->rets[2] = EEH_STATE_SUPPORTED;
	c->rets[3] = EEH_STATE_UNAVAIL_WAIT_MS;
	return RTAS_OUT_SUCCESS;
}

/* ibm,set-slot-reset(addr, buid hi, buid lo, option) -> status. The
 * deassert that ends a reset gives the functions their MSIs back (eeh_ops). */
static int slot_reset(struct spapr_eeh *e, struct rtas_call *c)
{
	uint32_t op, option = c->args[3];

	if (!eeh_addr_names_pe(e, c->args[0]) || !eeh_reset_op(option, &op))
		return RTAS_OUT_PARAM_ERROR;
	if (pe_op(e, op) < 0)
		return RTAS_OUT_HW_ERROR;
	if (option != EEH_RESET_DEACTIVATE) {
		e->reset_asserted = true;
		e->n.resets++;
	} else if (e->reset_asserted) {
		e->ops->msi_rearm(e->opaque);
		e->reset_asserted = false;
	}
	return RTAS_OUT_SUCCESS;
}

/* ibm,configure-pe / ibm,configure-bridge(addr, buid hi, buid lo) -> status;
 * a failure is a parameter error, as QEMU answers it. */
static int configure_pe(struct spapr_eeh *e, struct rtas_call *c)
{
	if (!eeh_addr_names_pe(e, c->args[0]))
		return RTAS_OUT_PARAM_ERROR;
	if (pe_op(e, VFIO_EEH_PE_CONFIGURE) < 0)
		return RTAS_OUT_PARAM_ERROR;
	e->n.configures++;
	return RTAS_OUT_SUCCESS;
}

/* A guest buffer of len bytes at gpa, or none (len 0). */
static bool buffer_ok(const struct guest_mem *mem, uint32_t gpa, uint32_t len, uint32_t max)
{
	return !len || (len <= max && guest_ptr(mem, gpa, len));
}

/* ibm,slot-error-detail(addr, buid hi, buid lo, driver log, its length,
 * error buffer, its length, log kind) -> status. VFIO gives no error log
 * of the PE, so there is nothing to report: NO_ERRORS_FOUND, as QEMU
 * answers, once the arguments hold. */
static int error_detail(struct spapr_eeh *e, const struct guest_mem *mem, struct rtas_call *c)
{
	if (!eeh_addr_names_pe(e, c->args[0]))
		return RTAS_OUT_PARAM_ERROR;
	if (c->args[7] != EEH_LOG_TEMP && c->args[7] != EEH_LOG_PERM)
		return RTAS_OUT_PARAM_ERROR;
	if (!buffer_ok(mem, c->args[3], c->args[4], UINT32_MAX) ||
	    !buffer_ok(mem, c->args[5], c->args[6], EEH_LOG_MAX))
		return RTAS_OUT_PARAM_ERROR;
	return RTAS_OUT_NO_ERRORS_FOUND;
}

void eeh_call(struct spapr_eeh *e, enum eeh_call k, const struct guest_mem *mem, struct rtas_call *c)
{
	int st = RTAS_OUT_PARAM_ERROR;

	for (uint32_t i = 1; i < c->nret; i++)
		c->rets[i] = 0;
	if (e && e->offered && eeh_call_buid(c) == e->buid) {
		e->n.calls++;
		switch (k) {
		case EEH_CALL_SET_OPTION: st = set_option(e, c); break;
		case EEH_CALL_ADDR_INFO2: st = addr_info2(e, c); break;
		case EEH_CALL_READ_STATE2: st = read_state2(e, c); break;
		case EEH_CALL_SLOT_RESET: st = slot_reset(e, c); break;
		case EEH_CALL_CONFIGURE_PE:
		case EEH_CALL_CONFIGURE_BRIDGE: st = configure_pe(e, c); break;
		case EEH_CALL_ERROR_DETAIL: st = error_detail(e, mem, c); break;
		default: break;
		}
		if (st == RTAS_OUT_PARAM_ERROR)
			e->n.param_errors++;
	}
	if (st == RTAS_OUT_PARAM_ERROR)
		pr_guest(GUEST_LOG_EEH, pr_debug, "%s(0x%x, BUID 0x%llx, 0x%x): parameter error",
			 eeh_call_name(k), c->args[0], (unsigned long long)eeh_call_buid(c), c->args[3]);
	c->rets[0] = (uint32_t)st;
}

/* ---- error injection ---- */

void eeh_errinjct_open(uint32_t *session, uint32_t *next, struct rtas_call *c)
{
	if (!rtas_check(c, 0, 2))
		return;
	if (*session) {
		c->rets[0] = 0;
		c->rets[1] = (uint32_t)RTAS_OUT_ERRINJCT_ALREADY_OPEN;
		return;
	}
	if (!++*next)			/* 0 means closed: never hand it out */
		++*next;
	*session = *next;
	c->rets[0] = *session;
	c->rets[1] = RTAS_OUT_SUCCESS;
}

void eeh_errinjct_close(uint32_t *session, struct rtas_call *c)
{
	if (!rtas_check(c, 1, 1))
		return;
	if (!*session || c->args[0] != *session) {
		c->rets[0] = (uint32_t)RTAS_OUT_ERRINJCT_NOT_OPEN;
		return;
	}
	*session = 0;
	c->rets[0] = RTAS_OUT_SUCCESS;
}

/*
 * The IOA bus error work buffer, in 32-bit cells: ioa-bus-error has the
 * address, mask, config address, BUID hi, BUID lo, function; ioa-bus-error-64
 * the address and mask in two cells each, then the same. (ppc64-diag's
 * errinjct fills it so.)
 */
int eeh_errinjct_decode(const struct guest_mem *mem, uint32_t session, const struct rtas_call *c,
			struct eeh_inject *inj)
{
	uint32_t type = c->args[0], buf = c->args[2];
	const uint8_t *b;
	bool is64;

	memset(inj, 0, sizeof(*inj));
	if (!session || c->args[1] != session)
		return RTAS_OUT_PARAM_ERROR;	/* no session, or not this one */
	if (type != ERRINJCT_IOA_BUS_ERROR && type != ERRINJCT_IOA_BUS_ERROR_64)
		return RTAS_OUT_PARAM_ERROR;	/* the only types pvmm announces */
	b = guest_ptr(mem, buf, ERRINJCT_BUF_SIZE);
	if (!b || buf % ERRINJCT_BUF_SIZE)
		return RTAS_OUT_PARAM_ERROR;
	is64 = type == ERRINJCT_IOA_BUS_ERROR_64;
	if (is64) {
		inj->addr = load_be64(b);
		inj->mask = load_be64(b + 8);
		b += 16;
	} else {
		inj->addr = load_be32(b);
		inj->mask = load_be32(b + 4);
		b += 8;
	}
	inj->pe_addr = load_be32(b);
	inj->buid = load_be64(b + 4);
	inj->func = load_be32(b + 12);
	inj->type = is64 ? EEH_INJECT_TYPE_64 : EEH_INJECT_TYPE_32;
	return inj->func > ERRINJCT_FUNC_MAX ? RTAS_OUT_PARAM_ERROR : RTAS_OUT_SUCCESS;
}

/*
 * What the host can use of the guest's address: DMA addresses are bus
 * addresses of the PE's windows, the same on both sides (pvmm opens the
 * guest's windows where VFIO put the host's); MMIO and config addresses
 * are the guest's own, meaningless to the host, so those errors go to any
 * address of the PE (address and mask 0).
 */
static void inject_for_host(const struct eeh_inject *inj, struct eeh_inject *host)
{
	*host = *inj;
	if (inj->func < ERRINJCT_FUNC_DMA_RD_ADDR)
		host->addr = host->mask = 0;
}

int eeh_inject(struct spapr_eeh *e, const struct eeh_inject *inj)
{
	struct eeh_inject host;
	int r;

	if (!e || !e->offered || inj->buid != e->buid || !eeh_addr_names_pe(e, inj->pe_addr)) {
		pr_guest(GUEST_LOG_EEH, pr_debug, "ibm,errinjct(BUID 0x%llx, 0x%x): parameter error",
			 (unsigned long long)inj->buid, inj->pe_addr);
		if (e)
			e->n.param_errors++;
		return RTAS_OUT_PARAM_ERROR;
	}
	inject_for_host(inj, &host);
	r = e->ops->inject(e->opaque, &host);
	if (r < 0) {
		e->n.host_errors++;
		e->last_host_errno = -r;
		return RTAS_OUT_HW_ERROR;
	}
	e->n.injections++;
	return RTAS_OUT_SUCCESS;
}

void eeh_report(const struct spapr_eeh *e, struct report *r)
{
	report_object_begin(r, "eeh");
	report_bool(r, "offered", e->offered);
	if (!e->offered) {
		report_str(r, "why_not", e->why_not);
		report_line(r, "pvmm:   EEH not offered: {why_not}");
		report_object_end(r);
		return;
	}
	report_u64(r, "pe_addr", e->pe_addr);
	report_u64(r, "calls", e->n.calls);
	report_u64(r, "enables", e->n.enables);
	report_u64(r, "state_reads", e->n.state_reads);
	report_i64(r, "last_state", e->last_state);
	report_u64(r, "resets", e->n.resets);
	report_u64(r, "configures", e->n.configures);
	report_u64(r, "thaws", e->n.thaws);
	report_u64(r, "injections", e->n.injections);
	report_u64(r, "param_errors", e->n.param_errors);
	report_u64(r, "host_errors", e->n.host_errors);
	report_i64(r, "last_host_errno", e->last_host_errno);
	report_line(r, "pvmm:   EEH on PE 0x{pe_addr:x}: {calls} call(s): {enables} enable(s), "
		    "{state_reads} state read(s), {resets} reset(s), {configures} configure(s), "
		    "{thaws} thaw(s), {injections} injection(s); {param_errors} parameter error(s), "
		    "{host_errors} host error(s)");
	report_object_end(r);
}
