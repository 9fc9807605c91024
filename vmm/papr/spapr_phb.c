/*
 * Guest PHBs (see spapr_phb.h): placement of the configured functions,
 * each PHB a device of the VM, RTAS config access routed by BUID and
 * devfn, ibm,change-msi and the DDW calls under the PHB's lock.
 */
#include "spapr_phb.h"
#include "fdt_builder.h"
#include "kvm.h"
#include "spapr.h"
#include "spapr_phb_fdt.h"
#include "spapr_rtas.h"
#include "spapr_tce_hcall.h"
#include "util.h"
#include "vm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>

static const struct vm_device_ops spapr_phb_ops;

/* ---- lookups: no handler reaches a global ---- */

static struct spapr_phb *phb_at(struct vm *vm, int i)
{
	return vm->devices[i].ops == &spapr_phb_ops ? vm->devices[i].ctx : NULL;
}

static struct spapr_phb *phb_by_buid(struct vm *vm, uint64_t buid)
{
	for (int i = 0; i < vm->nr_devices; i++) {
		struct spapr_phb *p = phb_at(vm, i);
		if (p && p->res.buid == buid)
			return p;
	}
	return NULL;
}

struct spapr_phb *spapr_phb_by_buid(struct vm *vm, uint64_t buid)
{
	return phb_by_buid(vm, buid);
}

/* The first PHB: what the BUID-less read-pci-config/write-pci-config reach. */
static struct spapr_phb *phb_first(struct vm *vm)
{
	for (int i = 0; i < vm->nr_devices; i++)
		if (phb_at(vm, i))
			return phb_at(vm, i);
	return NULL;
}

static struct vfio_pci *phb_fn(struct spapr_phb *phb, uint8_t devfn)
{
	for (unsigned int i = 0; i < phb->nr_fns; i++)
		if (phb->fns[i]->devfn == devfn)
			return phb->fns[i];
	return NULL;
}

/* The function a config address names on phb; RTAS status. */
static int phb_decode(struct spapr_phb *phb, uint32_t addr, uint64_t buid, struct vfio_pci **fn,
		      uint32_t *reg)
{
	uint8_t devfn;
	int st;

	if (!phb || buid != phb->res.buid)
		return RTAS_OUT_PARAM_ERROR;
	st = pci_cfg_addr_decode(addr, &devfn, reg);
	if (st != RTAS_OUT_SUCCESS)
		return st;
	*fn = phb_fn(phb, devfn);
	return *fn ? RTAS_OUT_SUCCESS : RTAS_OUT_HW_ERROR;
}

/* DDW's check of the function its calls name (phb_addr_check_fn). */
static int phb_check_addr(void *ctx, uint32_t cfg_addr, uint64_t buid)
{
	struct spapr_phb *phb = ctx;
	struct vfio_pci *fn;
	uint32_t reg;

	return phb_decode(phb, cfg_addr, buid, &fn, &reg);
}

/* ---- RTAS: each call takes its PHB's lock ---- */

static uint64_t buid_of(const struct rtas_call *c)
{
	return (uint64_t)c->args[1] << 32 | c->args[2];
}

static void config_read(struct spapr_phb *phb, struct rtas_call *c, uint32_t addr, uint64_t buid,
			uint32_t size)
{
	struct vfio_pci *fn = NULL;
	uint32_t reg = 0, val = 0;
	int st;
	GUEST_LOG_SCOPE(GUEST_LOG_PCI);

	if (phb)
		pthread_mutex_lock(&phb->lock);
	st = phb_decode(phb, addr, buid, &fn, &reg);
	if (st == RTAS_OUT_SUCCESS && pci_config_read(&fn->cfg, reg, size, &val))
		st = RTAS_OUT_HW_ERROR;
	if (phb)
		pthread_mutex_unlock(&phb->lock);
	c->rets[0] = (uint32_t)st;
	c->rets[1] = st == RTAS_OUT_SUCCESS ? val : 0xffffffff;
	pr_debug("config read 0x%x/%u = 0x%x: %d", reg, size, val, st);
}

static void config_write(struct spapr_phb *phb, struct rtas_call *c, uint32_t addr, uint64_t buid,
			 uint32_t size, uint32_t val)
{
	struct vfio_pci *fn = NULL;
	uint32_t reg = 0;
	int st;
	GUEST_LOG_SCOPE(GUEST_LOG_PCI);

	if (phb)
		pthread_mutex_lock(&phb->lock);
	st = phb_decode(phb, addr, buid, &fn, &reg);
	if (st == RTAS_OUT_SUCCESS && vfio_pci_config_write(fn, reg, size, val))
		st = RTAS_OUT_HW_ERROR;
	if (phb)
		pthread_mutex_unlock(&phb->lock);
	pr_debug("config write 0x%x/%u = 0x%x: %d", reg, size, val, st);
	c->rets[0] = (uint32_t)st;
}

/* ibm,read-pci-config(addr, buid hi, buid lo, size) -> status, value */
static void rtas_ibm_read_pci_config(struct vcpu *cpu, struct rtas_call *c)
{
	if (rtas_check(c, 4, 2))
		config_read(phb_by_buid(cpu->vm, buid_of(c)), c, c->args[0], buid_of(c), c->args[3]);
}

/* ibm,write-pci-config(addr, buid hi, buid lo, size, value) -> status */
static void rtas_ibm_write_pci_config(struct vcpu *cpu, struct rtas_call *c)
{
	if (rtas_check(c, 5, 1))
		config_write(phb_by_buid(cpu->vm, buid_of(c)), c, c->args[0], buid_of(c), c->args[3],
			     c->args[4]);
}

/* read-pci-config(addr, size) -> status, value: the first PHB */
static void rtas_read_pci_config(struct vcpu *cpu, struct rtas_call *c)
{
	struct spapr_phb *phb = phb_first(cpu->vm);

	if (rtas_check(c, 2, 2))
		config_read(phb, c, c->args[0], phb ? phb->res.buid : 0, c->args[1]);
}

static void rtas_write_pci_config(struct vcpu *cpu, struct rtas_call *c)
{
	struct spapr_phb *phb = phb_first(cpu->vm);

	if (rtas_check(c, 3, 1))
		config_write(phb, c, c->args[0], phb ? phb->res.buid : 0, c->args[1], c->args[2]);
}

#define RTAS_CHANGE_FN		1
#define RTAS_RESET_FN		2
#define RTAS_CHANGE_MSI_FN	3
#define RTAS_CHANGE_MSIX_FN	4
#define RTAS_CHANGE_32MSI_FN	5

#define RTAS_TYPE_MSI		1	/* ibm,change-msi's fourth return */
#define RTAS_TYPE_MSIX		2

/*
 * The MSI request's status, under the PHB's lock; the vectors given are
 * f->msi_n. Count 0 or the reset function turn off whatever is on. The
 * default function picks MSI when the device has it, as QEMU does. PAPR
 * lets the answer be fewer vectors than asked: more than the function
 * has gets what it has, more than the XICS pool has free in a row what
 * the pool has (Linux then asks again for that many); none free is a
 * hardware error.
 */
static int change_msi(struct vfio_pci *f, uint32_t fn, uint32_t want)
{
	unsigned int have;
	bool msix;
	GUEST_LOG_SCOPE(GUEST_LOG_PCI);

	if (fn == RTAS_CHANGE_FN)
		fn = f->cfg.msi_cap ? RTAS_CHANGE_MSI_FN : RTAS_CHANGE_MSIX_FN;
	if (fn == RTAS_CHANGE_32MSI_FN)
		fn = RTAS_CHANGE_MSI_FN;
	if (fn != RTAS_RESET_FN && fn != RTAS_CHANGE_MSI_FN && fn != RTAS_CHANGE_MSIX_FN)
		return RTAS_OUT_PARAM_ERROR;
	if (fn == RTAS_RESET_FN || !want) {
		vfio_pci_set_msi(f, VFIO_PCI_MSI_IRQ_INDEX, 0);
		return RTAS_OUT_SUCCESS;
	}
	if ((fn == RTAS_CHANGE_MSI_FN && !f->cfg.msi_cap) || (fn == RTAS_CHANGE_MSIX_FN && !f->cfg.msix_cap))
		return RTAS_OUT_HW_ERROR;
	msix = fn == RTAS_CHANGE_MSIX_FN;
	have = msix ? pci_config_msix_size(&f->cfg) : 1;
	if (want > have)
		pr_info("%s: %u %s vectors asked for, the function has %u", f->dev.bdf, want,
			msix ? "MSI-X" : "MSI", have);
	if (vfio_pci_set_msi(f, msix ? VFIO_PCI_MSIX_IRQ_INDEX : VFIO_PCI_MSI_IRQ_INDEX,
			     msi_vectors(want, have)) < 0)
		return RTAS_OUT_HW_ERROR;
	return RTAS_OUT_SUCCESS;
}

/* ibm,change-msi(addr, buid hi, buid lo, function, count, seq) -> status, count, seq[, type]
 * The three returns are PAPR's: a shorter buffer gets a parameter error. */
static void rtas_ibm_change_msi(struct vcpu *cpu, struct rtas_call *c)
{
	struct spapr_phb *phb;
	struct vfio_pci *f = NULL;
	uint32_t reg;
	int st;

	if (!rtas_check(c, 6, c->nret < 3 ? 3 : c->nret))
		return;
	phb = phb_by_buid(cpu->vm, buid_of(c));
	if (phb)
		pthread_mutex_lock(&phb->lock);
	st = phb_decode(phb, c->args[0], buid_of(c), &f, &reg);
	if (st == RTAS_OUT_SUCCESS)
		st = change_msi(f, c->args[3], c->args[4]);
	c->rets[0] = (uint32_t)st;
	c->rets[1] = st == RTAS_OUT_SUCCESS ? f->msi_n : 0;
	c->rets[2] = f ? ++f->seq_num : 0;
	for (uint32_t i = 3; i < c->nret; i++)
		c->rets[i] = 0;
	if (c->nret > 3 && st == RTAS_OUT_SUCCESS && f->msi_n)
		c->rets[3] = f->msi_index == VFIO_PCI_MSIX_IRQ_INDEX ? RTAS_TYPE_MSIX : RTAS_TYPE_MSI;
	if (phb)
		pthread_mutex_unlock(&phb->lock);
}

/* ibm,query-interrupt-source-number(addr, buid hi, buid lo, n) -> status, source, type */
static void rtas_ibm_query_interrupt_source_number(struct vcpu *cpu, struct rtas_call *c)
{
	struct spapr_phb *phb;
	struct vfio_pci *f = NULL;
	uint32_t reg = 0;
	int st;

	if (!rtas_check(c, 4, c->nret < 2 ? 2 : c->nret))
		return;
	phb = phb_by_buid(cpu->vm, buid_of(c));
	if (phb)
		pthread_mutex_lock(&phb->lock);
	st = phb_decode(phb, c->args[0], buid_of(c), &f, &reg);
	if (st == RTAS_OUT_SUCCESS && c->args[3] >= f->msi_n)
		st = RTAS_OUT_PARAM_ERROR;
	c->rets[0] = (uint32_t)st;
	c->rets[1] = st == RTAS_OUT_SUCCESS ? f->irq_msi + c->args[3] : 0;
	if (c->nret > 2)
		c->rets[2] = 1;			/* edge (message) interrupt */
	if (phb)
		pthread_mutex_unlock(&phb->lock);
}

/* DDW: the pure handlers in spapr_ddw.c, on the PHB the call names (by
 * BUID, or for remove by the LIOBN's PHB index), under its lock. A call
 * naming no PHB gets a parameter error once its shape is right. */
static void ddw_call(struct phb_dma *d, struct rtas_call *c, uint32_t nargs, uint32_t nret,
		     void (*fn)(struct ddw *, struct rtas_call *))
{
	if (!d) {
		if (rtas_check(c, nargs, nret)) {
			memset(c->rets, 0, sizeof(c->rets[0]) * nret);
			c->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
		}
		return;
	}
	pthread_mutex_lock(d->lock);
	fn(&d->ddw, c);
	pthread_mutex_unlock(d->lock);
}

static struct phb_dma *dma_of_call(struct vcpu *cpu, struct rtas_call *c)
{
	struct spapr_phb *phb = c->nargs >= 3 ? phb_by_buid(cpu->vm, buid_of(c)) : NULL;

	return phb ? &phb->dma : NULL;
}

static void rtas_ibm_query_pe_dma_window(struct vcpu *cpu, struct rtas_call *c)
{
	ddw_call(dma_of_call(cpu, c), c, 3, 5, ddw_rtas_query);
}

static void rtas_ibm_create_pe_dma_window(struct vcpu *cpu, struct rtas_call *c)
{
	ddw_call(dma_of_call(cpu, c), c, 5, 4, ddw_rtas_create);
}

static void rtas_ibm_remove_pe_dma_window(struct vcpu *cpu, struct rtas_call *c)
{
	ddw_call(c->nargs >= 1 ? spapr_tce_phb_of(cpu->vm, c->args[0]) : NULL, c, 1, 1,
		 ddw_rtas_remove);
}

static void rtas_ibm_reset_pe_dma_window(struct vcpu *cpu, struct rtas_call *c)
{
	ddw_call(dma_of_call(cpu, c), c, 3, 1, ddw_rtas_reset);
}

static const struct rtas_def pci_rtas[] = {
	{ "ibm,read-pci-config", rtas_ibm_read_pci_config },
	{ "ibm,write-pci-config", rtas_ibm_write_pci_config },
	{ "read-pci-config", rtas_read_pci_config },
	{ "write-pci-config", rtas_write_pci_config },
	{ "ibm,change-msi", rtas_ibm_change_msi },
	{ "ibm,query-interrupt-source-number", rtas_ibm_query_interrupt_source_number },
	{ "ibm,query-pe-dma-window", rtas_ibm_query_pe_dma_window },
	{ "ibm,create-pe-dma-window", rtas_ibm_create_pe_dma_window },
	{ "ibm,remove-pe-dma-window", rtas_ibm_remove_pe_dma_window },
	{ "ibm,reset-pe-dma-windows", rtas_ibm_reset_pe_dma_window },
};

int spapr_phb_register_calls(void)
{
	int r = spapr_tce_register_calls();

	return r ? r : rtas_register(pci_rtas, ARRAY_SIZE(pci_rtas));
}

/* ---- device ops ---- */

static uint32_t token_of(const char *name)
{
	const struct rtas_entry *e = rtas_lookup_name(name);

	return e ? e->token : 0;
}

/* The XICS sources left for MSIs once every function has its INTx line:
 * what the device tree is built with, before the guest takes any. */
static uint32_t msi_sources(struct vm *vm)
{
	uint32_t n;

	pthread_mutex_lock(&vm->lock);
	n = vm->xics_pool.nr_free;
	pthread_mutex_unlock(&vm->lock);
	return n;
}

static int phb_fdt(void *ctx, void *fdt, int root, uint32_t xics_phandle)
{
	struct spapr_phb *phb = ctx;
	struct phb_fdt_fn fns[PHB_FUNCS_MAX];
	const struct phb_fdt p = {
		.index = phb->index,
		.buid = phb->res.buid,
		.mmio32_bus = phb->res.mmio32_bus, .mmio32_cpu = phb->res.mmio32_cpu,
		.mmio32_size = phb->res.mmio32_size,
		.mmio64_cpu = phb->res.mmio64_cpu, .mmio64_size = phb->res.mmio64_size,
		.msi_sources = msi_sources(phb->vm),
		.dma_liobn = phb->dma.win[0].tce.liobn,
		.dma_start = phb->dma.win[0].tce.start, .dma_size = phb->dma.win[0].tce.size,
		.ddw = phb->dma.ddw.enabled,
		.ddw_query = token_of("ibm,query-pe-dma-window"),
		.ddw_create = token_of("ibm,create-pe-dma-window"),
		.ddw_remove = token_of("ibm,remove-pe-dma-window"),
		.ddw_reset = token_of("ibm,reset-pe-dma-windows"),
		.fns = fns, .nr_fns = phb->nr_fns, .xics_phandle = xics_phandle,
	};

	for (unsigned int i = 0; i < phb->nr_fns; i++)
		fns[i] = (struct phb_fdt_fn){ &phb->fns[i]->cfg, phb->fns[i]->devfn,
					      vfio_pci_intx_pin(phb->fns[i]), phb->fns[i]->irq_intx,
					      phb->fns[i]->dev.bdf, 0, 0 };
	return phb_fdt_emit(fdt, root, &p);
}

static int phb_mmio(void *ctx, uint64_t gpa, uint8_t *data, uint32_t len, int is_write)
{
	struct spapr_phb *phb = ctx;
	GUEST_LOG_SCOPE(GUEST_LOG_PCI);

	if (len > 8 || !phb_mmio_contains(&phb->res, gpa))
		return -ENOENT;
	for (unsigned int i = 0; i < phb->nr_fns; i++) {
		int r = vfio_pci_mmio(phb->fns[i], gpa, data, len, is_write);
		if (r != -ENOENT)
			return r;
	}
	return -ENOENT;
}

static void phb_report(void *ctx, struct report *r)
{
	struct spapr_phb *phb = ctx;

	report_object_begin(r, NULL);
	report_u64(r, "index", phb->index);
	report_u64(r, "buid", phb->res.buid);
	report_u64(r, "iommu_groups", phb->dma.nr_groups);
	report_line(r, "pvmm: PHB {index} (BUID 0x{buid:x}): {iommu_groups} IOMMU group(s)");
	eeh_report(&phb->eeh, r);
	phb_dma_report(&phb->dma, r);
	report_array_begin(r, "functions");
	for (unsigned int i = 0; i < phb->nr_fns; i++)
		vfio_pci_report(phb->fns[i], r);
	report_array_end(r);
	report_object_end(r);
}

/* Reverse order of set-up; safe on a partial one. Said once it is all
 * done (the signals scenario looks for it), not after a failed set-up,
 * whose error is the one line. */
static void phb_teardown(void *ctx)
{
	struct spapr_phb *phb = ctx;
	unsigned int windows = 0, groups = phb->dma.nr_groups;
	bool in_kvm = false;

	vfio_req_watch_stop(&phb->req);
	for (unsigned int i = 0; i < phb->nr_fns; i++) {
		vfio_pci_close(phb->fns[i]);
		free(phb->fns[i]);
	}
	for (unsigned int i = 0; i < groups; i++)
		in_kvm |= phb->dma.groups[i]->kvm_added;
	for (unsigned int i = 0; i < DDW_WINDOWS_MAX; i++)
		windows += phb->dma.win[i].ready;
	phb_dma_teardown(&phb->dma);
	phb->vm->dma[phb->index] = NULL;
	if (phb->set_up)
		pr_info("PHB %u: released: %s%u TCE window(s), %u function(s), %u group(s) and the container",
			phb->index, !in_kvm ? "" : groups == 1 ? "group out of kvm-vfio, " :
			"groups out of kvm-vfio, ", windows, phb->nr_fns, groups);
	phb->nr_fns = 0;
	vm_put_phb(phb->vm, phb->index);
	pthread_mutex_destroy(&phb->lock);
	free(phb);
}

/* ---- set-up ---- */

struct phb_plan {
	const char *bdf[PHB_FUNCS_MAX];
	int group[PHB_FUNCS_MAX];
	uint8_t devfn[PHB_FUNCS_MAX];
	unsigned int n;
};

/* Each function's request interrupt, watched by a thread of the PHB's. */
static int phb_watch_requests(struct spapr_phb *phb)
{
	struct vfio_device *devs[PHB_FUNCS_MAX];
	char name[16];

	for (unsigned int i = 0; i < phb->nr_fns; i++)
		devs[i] = &phb->fns[i]->dev;
	snprintf(name, sizeof(name), "PHB %u", phb->index);
	return vfio_req_watch_start(&phb->req, phb->vm, name, devs, phb->nr_fns);
}

/* Groups into the PHB's container first (the IOMMU is set by the first),
 * then the functions, then the windows that need the IOMMU set. */
static int phb_setup_plan(struct spapr_phb *phb, const struct phb_plan *plan)
{
	struct vfio_group *g;
	int r;

	for (unsigned int i = 0; i < plan->n; i++) {
		r = phb_dma_add_group(&phb->dma, plan->group[i], &g);
		if (r)
			return r;
		phb->fns[i] = calloc(1, sizeof(*phb->fns[i]));
		if (!phb->fns[i])
			return -ENOMEM;
		phb->nr_fns = i + 1;
		r = vfio_pci_open(phb->fns[i], phb->vm, g, plan->bdf[i], plan->devfn[i], &phb->bars);
		if (r)
			return r;
	}
	stats_note_phase(&phb->vm->stats, "functions");
	r = phb_dma_setup(&phb->dma);
	if (r)
		return r;
	stats_note_phase(&phb->vm->stats, "dma-windows");
	for (unsigned int i = 0; i < phb->nr_fns; i++)
		pr_info("%s: %04x:%04x on PHB %u slot %u function %u, IOMMU group %d", plan->bdf[i],
			phb->fns[i]->cfg.vendor, phb->fns[i]->cfg.device, phb->index,
			plan->devfn[i] >> 3, plan->devfn[i] & 7, plan->group[i]);
	pr_info("PHB %u: DMA window 0x%llx+0x%llx (%llu KiB TCE pages), TCE mode %s, DDW %s",
		phb->index, (unsigned long long)phb->dma.win[0].tce.start,
		(unsigned long long)phb->dma.win[0].tce.size,
		(unsigned long long)(1ULL << phb->dma.win[0].tce.page_shift) / KiB,
		tce_mode_name(phb->dma.policy.mode), phb->dma.ddw.enabled ? "on" : "off");
	spapr_phb_eeh_setup(phb);
	r = phb_watch_requests(phb);
	if (r)
		return r;
	phb->set_up = true;
	return 0;
}

static const struct vm_device_ops spapr_phb_ops = {
	.kind = "spapr-phb",
	.fdt = phb_fdt,
	.mmio = phb_mmio,
	.report = phb_report,
	.teardown = phb_teardown,
};

/* The PHB with its index taken from the VM's pool: its BUID, MMIO windows
 * and LIOBNs come with the index. */
static int phb_new(struct vm *vm, unsigned int index, struct spapr_phb **out)
{
	struct spapr_phb *phb;
	int r = vm_take_phb(vm, index);

	if (r)
		return r;
	phb = calloc(1, sizeof(*phb));
	if (!phb) {
		pr_err("PHB %u: out of memory", index);
		vm_put_phb(vm, index);
		return -ENOMEM;
	}
	phb->vm = vm;
	phb->index = index;
	phb->res = phb_res_of(index);
	pthread_mutex_init(&phb->lock, NULL);
	phb->bars = bar_windows_of(&phb->res);
	phb_dma_init(&phb->dma, vm, index, phb->res.liobn, &phb->lock, phb_check_addr, phb);
	r = vm_device_register(vm, &spapr_phb_ops, phb);
	if (r) {
		pr_err("PHB %u: more devices than the VM holds (%d)", index, VM_DEVICES_MAX);
		vm_put_phb(vm, index);
		pthread_mutex_destroy(&phb->lock);
		free(phb);
		return r;
	}
	vm->dma[index] = &phb->dma;
	*out = phb;
	return 0;
}

/*
 * The one VM-wide TCE decision: KVM_CAP_PPC_ENABLE_HCALL holds for every
 * LIOBN of the VM, so KVM serves H_PUT_TCE_INDIRECT or H_STUFF_TCE for
 * every mode-kernel PHB or for none. Each PHB's policy derives both from
 * the same VM-wide trust switches, so they agree; this enables them once
 * all PHBs are set up and says so. (H_PUT_TCE and H_GET_TCE are on by
 * default; a LIOBN without a KVM table exits to pvmm either way.)
 */
static int kvm_tce_hcalls_enable(struct vm *vm)
{
	const struct dma_policy *p = NULL;
	char hcalls[320];
	int r = 0;

	for (unsigned int i = 0; i < PHB_MAX && !p; i++)
		if (vm->dma[i] && vm->dma[i]->policy.mode == TCE_KERNEL)
			p = &vm->dma[i]->policy;
	if (!p)
		return 0;
	if (p->kvm_indirect)
		r = kvm_enable_hcall(vm, H_PUT_TCE_INDIRECT);
	if (!r && p->kvm_stuff)
		r = kvm_enable_hcall(vm, H_STUFF_TCE);
	dma_policy_hcalls(p, hcalls, sizeof(hcalls));
	if (!r)
		pr_info("mode kernel, for every PHB in it: %s", hcalls);
	return r;
}

/* Said once: the functions' MSI-X vectors, all on at once, would need
 * more XICS sources than the pool has; each driver then gets what is
 * free when it asks (ibm,change-msi answers with fewer). */
static void note_msi_total(struct vm *vm)
{
	uint64_t vectors = 0;
	uint32_t sources = msi_sources(vm);

	for (int i = 0; i < vm->nr_devices; i++) {
		struct spapr_phb *p = phb_at(vm, i);
		for (unsigned int k = 0; p && k < p->nr_fns; k++)
			vectors += pci_config_msix_size(&p->fns[k]->cfg);
	}
	if (vectors > sources)
		pr_info("the functions have %llu MSI-X vectors, the XICS pool %u sources for them: "
			"each driver gets what is free when it asks", (unsigned long long)vectors, sources);
}

/* Host slot and function of "dddd:bb:ss.f". */
static void bdf_slot_fn(const char *bdf, unsigned int *slot, unsigned int *fn)
{
	unsigned int dom, bus;

	if (sscanf(bdf, "%x:%x:%x.%x", &dom, &bus, slot, fn) != 4)
		*slot = *fn = 0;
}

static int place_all(struct vm *vm, struct place_fn *pf, struct place_out *out)
{
	const struct vm_config *cfg = &vm->cfg;
	char err[256];
	int r;

	for (unsigned int i = 0; i < cfg->nr_devs; i++) {
		pf[i].name = cfg->devs[i].host;
		pf[i].phb = cfg->devs[i].phb;
		bdf_slot_fn(cfg->devs[i].host, &pf[i].host_slot, &pf[i].host_fn);
		pf[i].group = vfio_group_of(cfg->devs[i].host);
		if (pf[i].group < 0)
			return pf[i].group;
	}
	r = pci_place(pf, cfg->nr_devs, PHB_MAX, out, err, sizeof(err));
	if (r)
		pr_err("%s", err);
	return r;
}

int spapr_phbs_create(struct vm *vm)
{
	struct place_fn pf[PCI_DEVS_MAX];
	struct place_out out[PCI_DEVS_MAX];
	int r = place_all(vm, pf, out);
	bool eeh = false;

	for (unsigned int idx = 0; !r && idx < PHB_MAX; idx++) {
		struct phb_plan plan = { .n = 0 };
		struct spapr_phb *phb;
		for (unsigned int i = 0; i < vm->cfg.nr_devs; i++) {
			if (out[i].phb != idx)
				continue;
			plan.bdf[plan.n] = vm->cfg.devs[i].host;
			plan.group[plan.n] = pf[i].group;
			plan.devfn[plan.n++] = out[i].devfn;
		}
		if (!plan.n)
			continue;
		r = phb_new(vm, idx, &phb);
		if (!r)
			r = phb_setup_plan(phb, &plan);
		eeh |= !r && phb->eeh.offered;
	}
	if (!r && eeh)
		r = spapr_phb_eeh_register_calls();
	if (!r)
		note_msi_total(vm);
	return r ? r : kvm_tce_hcalls_enable(vm);
}
