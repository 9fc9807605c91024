/* RTAS registry, argument buffer decoding and the core calls (see spapr_rtas.h). */
#include "spapr_rtas.h"
#include "spapr_hcall.h"
#include "guest_mem.h"
#include "util.h"
#include "vm.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * Every RTAS call pvmm knows, each with a token of its own: RTAS_TOKEN_BASE
 * plus its place here. A call's token so depends on its name alone, not
 * on which calls a configuration registers or in what order. Append new
 * calls at the end: a token once given never changes.
 */
static const char *const rtas_token_names[] = {
	"display-character", "get-time-of-day", "set-time-of-day", "power-off",
	"system-reboot", "ibm,os-term", "event-scan",
	"start-cpu", "stop-self", "query-cpu-stopped-state",
	"ibm,set-xive", "ibm,get-xive", "ibm,int-off", "ibm,int-on",
	"ibm,read-pci-config", "ibm,write-pci-config", "read-pci-config", "write-pci-config",
	"ibm,change-msi", "ibm,query-interrupt-source-number",
	"ibm,query-pe-dma-window", "ibm,create-pe-dma-window", "ibm,remove-pe-dma-window",
	"ibm,reset-pe-dma-windows",
	"ibm,set-eeh-option", "ibm,get-config-addr-info2", "ibm,read-slot-reset-state2",
	"ibm,set-slot-reset", "ibm,configure-pe", "ibm,configure-bridge", "ibm,slot-error-detail",
	"ibm,open-errinjct", "ibm,errinjct", "ibm,close-errinjct",
};

#define RTAS_NR_TOKENS ARRAY_SIZE(rtas_token_names)
_Static_assert(RTAS_NR_TOKENS <= RTAS_MAX, "more RTAS calls than stats.h makes room for");

/* Registered calls in registration order (the /rtas node's order), and
 * by token. */
static struct rtas_entry entries[RTAS_NR_TOKENS];
static const struct rtas_entry *by_token[RTAS_NR_TOKENS];
static int nentries;
static const struct rtas_prop *props[RTAS_PROPS_MAX];
static int nprops;

uint32_t rtas_token_of(const char *name)
{
	for (size_t i = 0; i < RTAS_NR_TOKENS; i++)
		if (!strcmp(rtas_token_names[i], name))
			return RTAS_TOKEN_BASE + (uint32_t)i;
	return 0;
}

size_t rtas_token_table(const char *const **names)
{
	*names = rtas_token_names;
	return RTAS_NR_TOKENS;
}

void rtas_reset(void)
{
	nentries = 0;
	nprops = 0;
	memset(by_token, 0, sizeof(by_token));
}

int rtas_register(const struct rtas_def *defs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t token = rtas_token_of(defs[i].name);
		if (!token) {
			pr_err("RTAS call \"%s\" has no token (spapr_rtas.c's table)", defs[i].name);
			return -ENOENT;
		}
		if (by_token[token - RTAS_TOKEN_BASE]) {
			pr_err("RTAS call \"%s\" registered twice", defs[i].name);
			return -EEXIST;
		}
		entries[nentries] = (struct rtas_entry){ &defs[i], token };
		by_token[token - RTAS_TOKEN_BASE] = &entries[nentries++];
	}
	return 0;
}

int rtas_register_prop(const struct rtas_prop *p)
{
	if (nprops == RTAS_PROPS_MAX) {
		pr_err("/rtas property \"%s\": more than %d (spapr_rtas.h)", p->name, RTAS_PROPS_MAX);
		return -ENOSPC;
	}
	if (strlen(p->name) >= RTAS_PROP_NAME_MAX || p->len < 0 || p->len > RTAS_PROP_VALUE_MAX) {
		pr_err("/rtas property \"%s\": longer than the device tree's room for it "
		       "(spapr_rtas.h)", p->name);
		return -EINVAL;
	}
	props[nprops++] = p;
	return 0;
}

int rtas_prop_count(void)
{
	return nprops;
}

const struct rtas_prop *rtas_prop_at(int i)
{
	return i >= 0 && i < nprops ? props[i] : NULL;
}

int rtas_count(void)
{
	return nentries;
}

const struct rtas_entry *rtas_entry_at(int i)
{
	return i >= 0 && i < nentries ? &entries[i] : NULL;
}

const struct rtas_entry *rtas_lookup_name(const char *name)
{
	uint32_t token = rtas_token_of(name);

	return token ? by_token[token - RTAS_TOKEN_BASE] : NULL;
}

static const struct rtas_entry *rtas_lookup_token(uint32_t token)
{
	if (token < RTAS_TOKEN_BASE || token - RTAS_TOKEN_BASE >= RTAS_NR_TOKENS)
		return NULL;
	return by_token[token - RTAS_TOKEN_BASE];
}

int rtas_decode(const struct guest_mem *mem, uint64_t gpa, struct rtas_call *c)
{
	const uint8_t *hdr = guest_ptr(mem, gpa, 12);
	const uint8_t *cells;

	memset(c, 0, sizeof(*c));
	if (!hdr)
		return -EFAULT;
	c->token = load_be32(hdr);
	c->nargs = load_be32(hdr + 4);
	c->nret = load_be32(hdr + 8);
	if (c->nargs > RTAS_MAX_CELLS || c->nret > RTAS_MAX_CELLS ||
	    c->nargs + c->nret > RTAS_MAX_CELLS)
		return -EINVAL;
	cells = guest_ptr(mem, gpa + 12, 4ULL * (c->nargs + c->nret));
	if (!cells)
		return -EFAULT;
	for (uint32_t i = 0; i < c->nargs; i++)
		c->args[i] = load_be32(cells + 4 * i);
	return 0;
}

int rtas_encode_rets(const struct guest_mem *mem, uint64_t gpa, const struct rtas_call *c)
{
	uint8_t *rets = guest_ptr(mem, gpa + 12 + 4ULL * c->nargs, 4ULL * c->nret);

	if (!rets)
		return -EFAULT;
	for (uint32_t i = 0; i < c->nret; i++)
		store_be32(rets + 4 * i, c->rets[i]);
	return 0;
}

bool rtas_check(struct rtas_call *c, uint32_t nargs, uint32_t nret)
{
	if (c->nargs == nargs && c->nret == nret)
		return true;
	if (c->nret > 0)
		c->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
	return false;
}

bool rtas_kvm_refused(const struct guest_mem *mem, uint64_t r4, int err)
{
	const uint8_t *buf = guest_ptr(mem, r4 & RTAS_ADDR_MASK, KVM_RTAS_ARGS_SIZE);

	if (err == EFAULT)
		return !buf;
	/* EINVAL: KVM read the 88 bytes and found nargs >= 16, its only
	 * EINVAL here. Not read again: another vcpu (or the device) may have
	 * rewritten the buffer since, and pvmm must not die of that race
	 * (found by the guest-fuzz payload, issue 27). pvmm's own decode of
	 * the buffer, once, answers the call. */
	return err == EINVAL;
}

/* nargs/nret do not fit the buffer: report a parameter error in the first
 * return cell (after the nargs argument cells) if that lies inside RAM. */
static void rtas_bad_shape(const struct guest_mem *mem, uint64_t gpa, const struct rtas_call *c)
{
	uint8_t *status;

	if (!c->nret)
		return;
	status = guest_ptr(mem, gpa + 12 + 4ULL * c->nargs, 4);
	if (status)
		store_be32(status, (uint32_t)RTAS_OUT_PARAM_ERROR);
}

long rtas_hcall(struct vcpu *cpu, uint64_t opcode, uint64_t *args)
{
	struct vm *vm = cpu->vm;
	uint64_t gpa = args[0] & RTAS_ADDR_MASK, t0 = now_ns();
	const struct rtas_entry *e;
	struct rtas_call c;
	int r;

	(void)opcode;
	r = rtas_decode(&vm->mem, gpa, &c);
	if (r)
		pr_guest(GUEST_LOG_RTAS_REFUSED, pr_debug, "H_RTAS buffer at 0x%llx: %s",
			 (unsigned long long)gpa, r == -EFAULT ? "not in guest RAM" : "bad shape");
	if (r == -EFAULT)
		return H_PARAMETER;		/* no buffer to report into */
	if (r == -EINVAL) {
		rtas_bad_shape(&vm->mem, gpa, &c);
		stats_record(&vm->stats, 'r', STATS_ID_BAD_BUFFER, "bad-rtas-buffer",
			     now_ns() - t0, 1);
		return H_SUCCESS;
	}
	e = rtas_lookup_token(c.token);
	if (!e || !e->def->fn) {
		pr_guest(GUEST_LOG_RTAS_REFUSED, pr_debug, "RTAS token 0x%x: not supported", c.token);
		if (c.nret > 0)
			c.rets[0] = (uint32_t)RTAS_OUT_NOT_SUPPORTED;
	} else {
		e->def->fn(cpu, &c);
	}
	rtas_encode_rets(&vm->mem, gpa, &c);
	stats_record(&vm->stats, 'r', e ? c.token : STATS_ID_UNKNOWN,
		     e ? e->def->name : "unknown-token", now_ns() - t0,
		     c.nret > 0 && (int32_t)c.rets[0] < 0);
	return H_SUCCESS;
}

/* ---- core calls ---- */

static void rtas_display_character(struct vcpu *cpu, struct rtas_call *c)
{
	char ch;

	if (!rtas_check(c, 1, 1))
		return;
	ch = (char)c->args[0];
	if (cpu->vm->cfg.console == CONSOLE_STDIO && write(STDOUT_FILENO, &ch, 1) != 1)
		c->rets[0] = (uint32_t)RTAS_OUT_HW_ERROR;
	else
		c->rets[0] = RTAS_OUT_SUCCESS;
}

static void rtas_get_time_of_day(struct vcpu *cpu, struct rtas_call *c)
{
	struct timespec ts;
	struct tm tm;
	time_t t;

	if (!rtas_check(c, 0, 8))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	t = ts.tv_sec + cpu->vm->tod_offset_s;
	gmtime_r(&t, &tm);
	c->rets[0] = RTAS_OUT_SUCCESS;
	c->rets[1] = tm.tm_year + 1900;
	c->rets[2] = tm.tm_mon + 1;
	c->rets[3] = tm.tm_mday;
	c->rets[4] = tm.tm_hour;
	c->rets[5] = tm.tm_min;
	c->rets[6] = tm.tm_sec;
	c->rets[7] = ts.tv_nsec;
}

static void rtas_set_time_of_day(struct vcpu *cpu, struct rtas_call *c)
{
	struct tm tm = { 0 };
	time_t t;

	if (!rtas_check(c, 7, 1))
		return;
	if (c->args[0] < 1970 || c->args[0] > 9999 || c->args[1] < 1 || c->args[1] > 12 ||
	    c->args[2] < 1 || c->args[2] > 31 || c->args[3] > 23 || c->args[4] > 59 ||
	    c->args[5] > 60 || c->args[6] > 999999999) {
		c->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
		return;
	}
	tm.tm_year = c->args[0] - 1900;
	tm.tm_mon = c->args[1] - 1;
	tm.tm_mday = c->args[2];
	tm.tm_hour = c->args[3];
	tm.tm_min = c->args[4];
	tm.tm_sec = c->args[5];
	t = timegm(&tm);
	cpu->vm->tod_offset_s = (int64_t)t - (int64_t)time(NULL);
	c->rets[0] = RTAS_OUT_SUCCESS;
}

static void rtas_power_off(struct vcpu *cpu, struct rtas_call *c)
{
	if (!rtas_check(c, 2, 1))
		return;
	c->rets[0] = RTAS_OUT_SUCCESS;
	vm_request_exit(cpu->vm, EXIT_POWEROFF, "guest powered off");
}

static void rtas_system_reboot(struct vcpu *cpu, struct rtas_call *c)
{
	if (!rtas_check(c, 0, 1))
		return;
	c->rets[0] = RTAS_OUT_SUCCESS;
	vm_request_exit(cpu->vm, EXIT_REBOOT, "guest asked for a reboot");
}

/* ibm,os-term: the guest gives up (panic); its message is a NUL-terminated
 * string in guest memory, printed as far as it lies inside RAM. */
static void rtas_os_term(struct vcpu *cpu, struct rtas_call *c)
{
	char msg[256];
	size_t n = 0;

	if (!rtas_check(c, 1, 1))
		return;
	for (; n < sizeof(msg) - 1; n++) {
		const char *p = guest_ptr(&cpu->vm->mem, (uint64_t)c->args[0] + n, 1);
		if (!p || !*p)
			break;
		msg[n] = (*p >= 32 && *p < 127) ? *p : '?';
	}
	msg[n] = '\0';
	pr_err("guest called ibm,os-term: %s", msg);
	c->rets[0] = RTAS_OUT_SUCCESS;
	vm_request_exit(cpu->vm, EXIT_OSTERM, NULL);
}

/* pvmm has no platform events to report: "no errors found". */
static void rtas_event_scan(struct vcpu *cpu, struct rtas_call *c)
{
	(void)cpu;
	if (!rtas_check(c, 4, 1))
		return;
	c->rets[0] = RTAS_OUT_NO_ERRORS_FOUND;
}

static const struct rtas_def core_rtas[] = {
	{ "display-character", rtas_display_character },
	{ "get-time-of-day", rtas_get_time_of_day },
	{ "set-time-of-day", rtas_set_time_of_day },
	{ "power-off", rtas_power_off },
	{ "system-reboot", rtas_system_reboot },
	{ "ibm,os-term", rtas_os_term },
	{ "event-scan", rtas_event_scan },
};

static const struct hcall_def rtas_hcalls[] = {
	{ H_RTAS, "H_RTAS", NULL, rtas_hcall },
};

int spapr_rtas_init(void)
{
	int r = rtas_register(core_rtas, ARRAY_SIZE(core_rtas));

	return r ? r : hcall_register(rtas_hcalls, ARRAY_SIZE(rtas_hcalls));
}
