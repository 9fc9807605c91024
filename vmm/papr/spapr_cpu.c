/* Per-vcpu platform hcalls and RTAS CPU calls (see spapr_cpu.h). */
#include "spapr_cpu.h"
#include "kvm.h"
#include "spapr.h"
#include "spapr_hcall.h"
#include "spapr_rtas.h"
#include "util.h"
#include "vm.h"

#include <linux/kvm.h>

static long h_set_mode(struct vcpu *cpu, uint64_t opcode, uint64_t *args)
{
	struct vm *vm = cpu->vm;
	struct set_mode_req req;
	long ret = set_mode_decode(args, &req);

	(void)opcode;
	if (ret != H_SUCCESS)
		return ret;
	/* LPCR is per vcpu in KVM but per partition in PAPR: record it so
	 * that every vcpu applies it when it starts (vcpu.c), and apply it to
	 * this one now. Linux asks once, on the boot cpu, before it starts
	 * the others. */
	pthread_mutex_lock(&vm->lock);
	vm->lpcr_set = (vm->lpcr_set & ~req.lpcr_clear) | req.lpcr_set;
	vm->lpcr_clear = (vm->lpcr_clear & ~req.lpcr_set) | req.lpcr_clear;
	pthread_mutex_unlock(&vm->lock);
	if (kvm_vcpu_update_lpcr(cpu, req.lpcr_set, req.lpcr_clear))
		return H_HARDWARE;
	return H_SUCCESS;
}

static long h_register_proc_tbl(struct vcpu *cpu, uint64_t opcode, uint64_t *args)
{
	struct proc_tbl_req req;
	long ret = proc_tbl_decode(args, cpu->vm->mem.size, &req);

	(void)opcode;
	if (ret != H_SUCCESS || req.deregister)
		return ret;
	return kvm_configure_radix(cpu->vm, req.process_table, req.gtse) ? H_HARDWARE : H_SUCCESS;
}

/* args: the value. KVM-HV leaves this hcall to userspace. The call has no
 * argument to refuse; a register KVM would not set is H_HARDWARE. */
static long h_set_sprg0(struct vcpu *cpu, uint64_t opcode, uint64_t *args)
{
	(void)opcode;
	return kvm_vcpu_set_sprg0(cpu, args[0]) ? H_HARDWARE : H_SUCCESS;
}

static const struct hcall_def cpu_hcalls[] = {
	{ H_SET_SPRG0, "H_SET_SPRG0", "hcall-sprg0", h_set_sprg0 },
	{ H_SET_MODE, "H_SET_MODE", "hcall-set-mode", h_set_mode },
	{ H_REGISTER_PROC_TBL, "H_REGISTER_PROC_TBL", NULL, h_register_proc_tbl },
	/* Served inside KVM-HV: shared-processor LPAR support. */
	{ H_REGISTER_VPA, "H_REGISTER_VPA", "hcall-splpar", NULL },
	{ H_CEDE, "H_CEDE", "hcall-splpar", NULL },
	{ H_CONFER, "H_CONFER", "hcall-splpar", NULL },
	{ H_PROD, "H_PROD", "hcall-splpar", NULL },
};

/* H_RANDOM is served inside KVM-HV from the host's hardware RNG, where
 * there is one (KVM_CAP_PPC_HWRNG): offer it only then, and tell the
 * guest through the ibm,random-v1 node (fdt.c), as QEMU's spapr-rng. */
static const struct hcall_def hwrng_hcall[] = {
	{ H_RANDOM, "H_RANDOM", NULL, NULL },
};

int spapr_cpu_offer_hwrng(struct vm *vm)
{
	int r;

	if (kvm_check_extension(vm, KVM_CAP_PPC_HWRNG) <= 0) {
		pr_debug("no KVM_CAP_PPC_HWRNG: H_RANDOM not offered");
		return 0;
	}
	r = kvm_enable_hcall(vm, H_RANDOM);
	if (r) {
		pr_warn("H_RANDOM not offered (KVM would not serve it)");
		return 0;
	}
	r = hcall_register(hwrng_hcall, ARRAY_SIZE(hwrng_hcall));
	if (!r)
		vm->hwrng = true;
	return r;
}

int spapr_cpu_init(void)
{
	int r = hcall_register(cpu_hcalls, ARRAY_SIZE(cpu_hcalls));

	return r ? r : spapr_cpu_rtas_register();
}
