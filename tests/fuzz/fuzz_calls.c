/* Fuzz what a guest controls in hcalls and RTAS: first the RTAS buffer
 * (anywhere in or out of a small guest RAM), console hcalls, H_SET_MODE and
 * H_REGISTER_PROC_TBL arguments, where nothing may crash or touch memory
 * outside guest RAM (ASan watches the RAM allocation's bounds). Then
 * sequences of well-formed and malformed calls to every RTAS call pvmm
 * registers - the real handlers of spapr_rtas.c, spapr_cpu.c and
 * spapr_phb.c (with spapr_ddw.c and pci_config.c behind), only their
 * ioctls faked (fake_vmm.c) - each answer checked against a model of what
 * PAPR allows: the statuses a call may return, a parameter error for a
 * wrong nargs/nret, success exactly when the model's state says so (a
 * DDW window removed once, a cpu started while stopped, an MSI source
 * that was enabled, a config access inside the space), and no write to
 * guest memory but the return cells. */
#include "console.h"
#include "irq.h"
#include "spapr.h"
#include "spapr_ddw.h"
#include "spapr_cpu.h"
#include "spapr_hcall.h"
#include "spapr_phb.h"
#include "spapr_rtas.h"
#include "util.h"
#include "vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAM (64 * 1024)

/* ---- every RTAS call against a model of what PAPR allows ---- */

/* An oracle's verdict: say which call broke which rule, then stop. */
#define FAIL(name, why) (fprintf(stderr, "oracle: %s: %s\n", (name), (why)), abort())

#define S(st) (1u << ((st) + 4))	/* a status in a call's allowed set */
#define ANY_NRET RTAS_MAX_CELLS
#define BUF 0x1000			/* the model's RTAS buffer, inside RAM */

/* Each call pvmm registers: its shape (nret from nret to nret_max) and
 * the statuses PAPR lets it answer. */
static const struct model {
	const char *name;
	uint32_t nargs, nret, nret_max;
	unsigned int statuses;
} models[] = {
	{ "display-character", 1, 1, 1, S(0) | S(-1) },
	{ "get-time-of-day", 0, 8, 8, S(0) | S(-1) },
	{ "set-time-of-day", 7, 1, 1, S(0) | S(-1) | S(-3) },
	{ "power-off", 2, 1, 1, S(0) | S(-1) },
	{ "system-reboot", 0, 1, 1, S(0) | S(-1) },
	{ "ibm,os-term", 1, 1, 1, S(0) },
	{ "event-scan", 4, 1, 1, S(0) | S(1) | S(-1) },
	{ "ibm,read-pci-config", 4, 2, 2, S(0) | S(-1) | S(-3) },
	{ "ibm,write-pci-config", 5, 1, 1, S(0) | S(-1) | S(-3) },
	{ "read-pci-config", 2, 2, 2, S(0) | S(-1) | S(-3) },
	{ "write-pci-config", 3, 1, 1, S(0) | S(-1) | S(-3) },
	{ "ibm,change-msi", 6, 3, ANY_NRET, S(0) | S(-1) | S(-3) },
	{ "ibm,query-interrupt-source-number", 4, 2, ANY_NRET, S(0) | S(-1) | S(-3) },
	{ "ibm,query-pe-dma-window", 3, 5, 6, S(0) | S(-1) | S(-3) },
	{ "ibm,create-pe-dma-window", 5, 4, 4, S(0) | S(-1) | S(-2) | S(-3) },
	{ "ibm,remove-pe-dma-window", 1, 1, 1, S(0) | S(-1) | S(-3) },
	{ "ibm,reset-pe-dma-windows", 3, 1, 1, S(0) | S(-1) | S(-3) },
	{ "start-cpu", 3, 1, 1, S(0) | S(-1) | S(-3) },
	{ "stop-self", 0, 1, 1, S(0) },
	{ "query-cpu-stopped-state", 1, 2, 2, S(0) | S(-3) },
	/* Served inside KVM: one reaching pvmm is not supported. */
	{ "ibm,set-xive", 3, 1, 1, S(-3) }, { "ibm,get-xive", 1, 3, 3, S(-3) },
	{ "ibm,int-off", 1, 1, 1, S(-3) }, { "ibm,int-on", 1, 1, 1, S(-3) },
};
#define NMODELS (sizeof(models) / sizeof(models[0]))

/* Two PHBs (BUIDs by pci_place.c): PHB 0 with two functions, PHB 1 with one. */
#define NPHB 2
static struct spapr_phb *phbs[NPHB];

/* What the guest has done so far, as the model sees it. */
static struct {
	bool win[NPHB][DDW_WINDOWS_MAX];		/* DDW slots in use */
	unsigned int msi[NPHB][PHB_FUNCS_MAX];		/* vectors enabled */
	bool running[2];
} m;

static void model_reset(struct vm *vm)
{
	memset(&m, 0, sizeof(m));
	for (int p = 0; p < NPHB; p++) {
		phb_dma_setup(&phbs[p]->dma);	/* the fake: DDW back to boot time */
		m.win[p][0] = true;
		for (unsigned int f = 0; f < phbs[p]->nr_fns; f++)
			vfio_pci_set_msi(phbs[p]->fns[f], 0, 0);	/* sources back to the pool */
	}
	for (int i = 0; i < 2; i++) {
		vm->vcpus[i].state = i ? VCPU_STOPPED : VCPU_RUNNING;
		vm->vcpus[i].start_pending = false;
	}
	m.running[0] = true;
	atomic_store(&vm->exiting, false);
}

/* The PHB a BUID names, and the function a config address names there
 * (PAPR: bus 0 only, no reserved bits); -1 for none. */
static int model_phb(uint64_t buid)
{
	for (int p = 0; p < NPHB; p++)
		if (phbs[p]->res.buid == buid)
			return p;
	return -1;
}

static int model_fn(int p, uint32_t addr)
{
	if (p < 0 || addr >> 28 || addr >> 16 & 0xff)
		return -1;
	for (unsigned int f = 0; f < phbs[p]->nr_fns; f++)
		if (phbs[p]->fns[f]->devfn == (addr >> 8 & 0xff))
			return (int)f;
	return -1;
}

/* A config access that may succeed: 1, 2 or 4 bytes, aligned, inside the
 * 4 KiB space (the register number: 8 low bits, 4 extended in bits 24-27). */
static bool cfg_ok(uint32_t addr, uint32_t size)
{
	uint32_t reg = (addr & 0xff) | (addr >> 24 & 0xf) << 8;

	return (size == 1 || size == 2 || size == 4) && !(reg % size) && reg + size <= PCI_CFG_SIZE &&
	       !(addr >> 28) && !(addr >> 16 & 0xff);
}

/* The model's verdict for one well-shaped call: whether it must succeed
 * (must = 1) or fail (0), and checks on what it returned. */
static void check_call(struct vm *vm, int caller, const struct model *md, const struct rtas_call *c,
		       int32_t st, const uint32_t *rets)
{
	const char *n = md->name;
	const uint32_t *a = c->args;
	uint64_t buid = c->nargs >= 3 ? (uint64_t)a[1] << 32 | a[2] : 0;
	int p = model_phb(buid), f = model_fn(p, a[0]);
	int must = -1;			/* -1: the model does not decide */

	if (!strcmp(n, "ibm,read-pci-config") || !strcmp(n, "ibm,write-pci-config"))
		must = f >= 0 && cfg_ok(a[0], a[3]);
	else if (!strcmp(n, "read-pci-config") || !strcmp(n, "write-pci-config"))
		must = model_fn(0, a[0]) >= 0 && cfg_ok(a[0], a[1]);
	if (strstr(n, "read-pci-config") && st != 0 && rets[1] != 0xffffffff)
		FAIL(n, "a failed read must read all-ones");
	if (!strcmp(n, "ibm,change-msi")) {
		/* 1: MSI when the device has it (it does), 5: 32-bit MSI; one
		 * MSI vector, up to the 8 MSI-X vectors; 2 turns them off. */
		uint32_t fn = a[3], want = a[4];
		unsigned int count = fn == 2 ? 0 : fn == 4 ? (want < 8 ? want : 8) : want != 0;
		must = f >= 0 && fn >= 1 && fn <= 5;
		if (must && st == 0) {
			if (rets[1] != count)
				FAIL(n, "vector count");
			m.msi[p][f] = count;
		}
	}
	if (!strcmp(n, "ibm,query-interrupt-source-number")) {
		must = f >= 0 && a[3] < m.msi[p][f];
		if (must && st == 0 && rets[1] != phbs[p]->fns[f]->irq_msi + a[3])
			FAIL(n, "source number");
	}
	if (!strcmp(n, "ibm,query-pe-dma-window")) {
		must = f >= 0;
		if (must && st == 0 && rets[1] != (unsigned int)!m.win[p][0] + !m.win[p][1])
			FAIL(n, "windows available");
	}
	if (!strcmp(n, "ibm,create-pe-dma-window")) {
		int slot = p < 0 ? -1 : !m.win[p][0] ? 0 : !m.win[p][1] ? 1 : -1;
		must = f >= 0 && (a[3] == 12 || a[3] == 16) && a[4] >= a[3] && a[4] <= 30 && slot >= 0;
		if (must && st == 0) {
			if (rets[1] != phbs[p]->res.liobn + (uint32_t)slot)
				FAIL(n, "LIOBN of the first free slot");
			m.win[p][slot] = true;
		}
	}
	if (!strcmp(n, "ibm,remove-pe-dma-window")) {
		/* Only a window in use goes, and only once. */
		int q = -1;
		for (int i = 0; i < NPHB; i++)
			if (a[0] - phbs[i]->res.liobn < DDW_WINDOWS_MAX)
				q = i;
		must = q >= 0 && m.win[q][a[0] - phbs[q]->res.liobn];
		if (must && st == 0)
			m.win[q][a[0] - phbs[q]->res.liobn] = false;
	}
	if (!strcmp(n, "ibm,reset-pe-dma-windows")) {
		must = f >= 0;
		if (must && st == 0)
			m.win[p][0] = true, m.win[p][1] = false;
	}
	if (!strcmp(n, "start-cpu")) {
		must = a[0] < 2 && a[1] < vm->mem.size && !m.running[a[0]];
		if (st == RTAS_OUT_HW_ERROR && !(a[0] < 2 && m.running[a[0]]))
			FAIL(n, "hardware error (already running) for a stopped cpu");
		if (must && st == 0) {
			/* what the target's vcpu thread does on waking */
			vm->vcpus[a[0]].start_pending = false;
			vm->vcpus[a[0]].state = VCPU_RUNNING;
			m.running[a[0]] = true;
		}
	}
	if (!strcmp(n, "stop-self")) {
		must = 1;
		m.running[caller] = false;
		/* the last running cpu stopped: the run ends (power-off) */
		if (!m.running[0] && !m.running[1] && !atomic_load(&vm->exiting))
			FAIL(n, "the last running cpu stopped and the run goes on");
	}
	if (!strcmp(n, "query-cpu-stopped-state")) {
		must = a[0] < 2;
		if (must && st == 0 && rets[1] != (m.running[a[0]] ? 2u : 0u))
			FAIL(n, "state");
	}
	if (!strcmp(n, "set-time-of-day") && st == 0 &&
	    (a[0] < 1970 || a[1] < 1 || a[1] > 12 || a[2] < 1 || a[2] > 31 || a[3] > 23 ||
	     a[4] > 59 || a[5] > 60 || a[6] > 999999999))
		FAIL(n, "success with an invalid date");
	if (must >= 0 && must != (st == 0))
		FAIL(n, must ? "failed where the model says it succeeds" :
		     "succeeded where the model says it fails");
}

/*
 * One call from 24 bytes: [0] which call (one more: an unregistered token),
 * [1] flags that steer the arguments towards what the model can accept:
 * 1 the call's own shape, 2 a real function's address and BUID (function
 * [2] % 3), 4 a real LIOBN (PHB and slot from [2]), 8 an offered page size,
 * 16 caller is vcpu 1, 32 a config size of 1, 2 or 4, 64 small MSI
 * arguments, 128 a cpu id and a start address inside RAM;
 * [2] nargs, [3] nret, [4..23] five args.
 */
static void model_call(struct vm *vm, struct vcpu *cpus, const uint8_t *d)
{
	static uint8_t before[RAM];
	const struct model *md = d[0] % (NMODELS + 1) < NMODELS ? &models[d[0] % (NMODELS + 1)] : NULL;
	const struct rtas_entry *e = md ? rtas_lookup_name(md->name) : NULL;
	struct rtas_call c = { .token = e ? e->token : 0xdead };
	int caller = (d[1] & 16) && m.running[1] ? 1 : m.running[0] ? 0 : 1;
	uint64_t r[9] = { BUF };
	uint8_t *b = vm->mem.host + BUF;
	uint32_t rets[RTAS_MAX_CELLS];
	const char *name = md ? md->name : "unknown token";
	size_t cells;

	atomic_store(&vm->exiting, false);
	if (md && !e)
		FAIL(md->name, "not registered");
	c.nargs = md && (d[1] & 1) ? md->nargs : d[2] % 18;
	c.nret = md && (d[1] & 1) ? md->nret + d[3] % (md->nret_max - md->nret + 1) : d[3] % 18;
	memcpy(c.args, d + 4, 20);
	if (d[1] & 2) {
		const struct spapr_phb *p = phbs[d[2] % 3 == 2];
		c.args[0] = (uint32_t)p->fns[d[2] % 3 % p->nr_fns]->devfn << 8 | (c.args[0] & 0x0f0000ff);
		c.args[1] = (uint32_t)(p->res.buid >> 32);
		c.args[2] = (uint32_t)p->res.buid;
	}
	if (d[1] & 4)
		c.args[0] = phbs[d[2] & 1]->res.liobn + (d[2] >> 1) % 3;
	if (d[1] & 8) {
		c.args[3] = d[2] & 1 ? 16 : 12;
		c.args[4] = c.args[3] + d[3] % 20;
	}
	if (d[1] & 32)			/* read/write-pci-config: args 1; ibm,: 3 */
		c.args[c.nargs == 2 || c.nargs == 3 ? 1 : 3] = 1u << d[3] % 3;
	if (d[1] & 64) {		/* change-msi: function, count; query: n */
		c.args[3] = d[3] % 6;
		c.args[4] = d[2] % 10;
	}
	if (d[1] & 128) {
		c.args[0] = d[2] & 1;
		c.args[1] = (uint32_t)d[3] << 8;
	}
	store_be32(b, c.token);
	store_be32(b + 4, c.nargs);
	store_be32(b + 8, c.nret);
	cells = c.nargs + c.nret < RTAS_MAX_CELLS ? c.nargs + c.nret : RTAS_MAX_CELLS;
	for (size_t i = 0; i < cells; i++)
		store_be32(b + 12 + 4 * i, i < c.nargs ? c.args[i] : 0xdeadbeef);
	memcpy(before, vm->mem.host, RAM);
	if (hcall_dispatch(&cpus[caller], H_RTAS, r) != H_SUCCESS)
		FAIL(name, "H_RTAS failed with its buffer inside RAM");
	/* Nothing but the return cells may change in guest memory. */
	if (c.nargs + c.nret <= RTAS_MAX_CELLS) {
		size_t lo = BUF + 12 + 4 * c.nargs, hi = lo + 4 * c.nret;
		if (memcmp(before, vm->mem.host, lo) || memcmp(before + hi, vm->mem.host + hi, RAM - hi))
			FAIL(name, "wrote guest memory outside its return cells");
	} else if (memcmp(before, vm->mem.host, BUF + 12 + 4 * c.nargs)) {
		FAIL(name, "wrote guest memory before its status cell");
	}
	if (!c.nret || c.nargs + c.nret > RTAS_MAX_CELLS)
		return;
	for (uint32_t i = 0; i < c.nret; i++)
		rets[i] = load_be32(b + 12 + 4 * (c.nargs + i));
	int32_t st = (int32_t)rets[0];
	bool shaped = md && c.nargs == md->nargs && c.nret >= md->nret && c.nret <= md->nret_max;
	if (!shaped) {
		/* a malformed call or an unknown token: parameter error */
		if (st != RTAS_OUT_PARAM_ERROR)
			FAIL(name, "no parameter error for a malformed call or unknown token");
		return;
	}
	if (st < -4 || st > 27 || !(md->statuses & S(st)))
		FAIL(name, "a status PAPR does not allow for the call");
	check_call(vm, caller, md, &c, st, rets);
	if (!m.running[0] && !m.running[1])
		model_reset(vm);		/* the run ended: a fresh one */
}

/* The VM: 64 KiB of RAM, two vcpus, three functions on two PHBs, every
 * RTAS call and hcall pvmm registers. */
static void setup(struct vm *vm)
{
	static struct vcpu cpus[2];
	static const char *const bdfs[] = { "0000:01:00.0", "0000:01:00.1", "0000:02:00.2" };

	vm_init_struct(vm);
	config_defaults(&vm->cfg);
	vm->cfg.console = CONSOLE_NONE;
	vm->mem.host = malloc(RAM);
	vm->mem.size = RAM;
	vm->nr_vcpus = 2;
	vm->vcpus = cpus;
	for (int i = 0; i < 2; i++) {
		cpus[i] = (struct vcpu){ .vm = vm, .id = i, .fd = -1 };
		pthread_cond_init(&cpus[i].wake, NULL);
	}
	for (int i = 0; i < 3; i++) {
		snprintf(vm->cfg.devs[i].host, sizeof(vm->cfg.devs[i].host), "%s", bdfs[i]);
		vm->cfg.devs[i].phb = i == 2;
	}
	vm->cfg.nr_devs = 3;
	if (spapr_rtas_init() || console_register_calls() || spapr_cpu_init() ||
	    irq_register_calls() || spapr_phb_register_calls() || spapr_phbs_create(vm))
		abort();
	for (int i = 0; i < vm->nr_devices; i++)
		phbs[i] = vm->devices[i].ctx;
	/* every registered call is modelled */
	if (vm->nr_devices != NPHB || phbs[0]->nr_fns != 2 || rtas_count() != (int)NMODELS)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vm vm;
	static int ready;
	struct vcpu *cpu;
	uint64_t regs[9];
	struct set_mode_req sm;
	struct proc_tbl_req pt;

	if (size < 8 * 9)
		return 0;
	if (!ready) {
		setup(&vm);
		ready = 1;
	}
	model_reset(&vm);
	cpu = &vm.vcpus[0];
	memcpy(regs, data, sizeof(regs));
	memset(vm.mem.host, 0, RAM);
	memcpy(vm.mem.host + (regs[0] % RAM), data + 72,
	       size - 72 < RAM - regs[0] % RAM ? size - 72 : RAM - regs[0] % RAM);
	/* Put a registered token at the buffer sometimes, so handlers run. */
	if ((regs[1] & 1) && regs[0] % RAM + 4 <= RAM) {
		const struct rtas_entry *e = rtas_entry_at((regs[1] >> 1) % rtas_count());
		store_be32(vm.mem.host + regs[0] % RAM, e->token);
	}
	uint64_t r[9];
	memcpy(r, regs, sizeof(r));
	r[0] = (regs[1] & 2) ? regs[0] % RAM : regs[0];
	hcall_dispatch(cpu, H_RTAS, r);
	memcpy(r, regs, sizeof(r));
	hcall_dispatch(cpu, H_PUT_TERM_CHAR, r);
	memcpy(r, regs, sizeof(r));
	r[0] = VTY_UNIT_ADDRESS;
	hcall_dispatch(cpu, H_PUT_TERM_CHAR, r);
	hcall_dispatch(cpu, H_GET_TERM_CHAR, r);
	hcall_dispatch(cpu, regs[8], r);
	set_mode_decode(regs, &sm);
	proc_tbl_decode(regs + 4, RAM, &pt);
	/* Then the rest of the input as well-formed calls, against the model. */
	model_reset(&vm);
	memset(vm.mem.host, 0, RAM);
	for (size_t off = 72; off + 24 <= size; off += 24)
		model_call(&vm, vm.vcpus, data + off);
	return 0;
}
