/* vcpu threads and the exit loop (see vcpu.h). */
#include "vcpu.h"
#include "kvm.h"
#include "spapr.h"
#include "spapr_hcall.h"
#include "spapr_rtas.h"
#include "util.h"
#include "vm.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

static void kick_handler(int sig)
{
	(void)sig;	/* only there to make KVM_RUN return EINTR (vm_request_exit) */
}

int vcpus_create(struct vm *vm)
{
	struct sigaction sa = { .sa_handler = kick_handler };
	int r;

	sigemptyset(&sa.sa_mask);
	if (sigaction(VM_SIG_KICK, &sa, NULL) < 0)
		return -errno;
	vm->vcpus = calloc(vm->cfg.vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return -ENOMEM;
	for (unsigned int i = 0; i < vm->cfg.vcpus; i++) {
		struct vcpu *c = &vm->vcpus[i];
		c->vm = vm;
		c->id = i;
		c->fd = -1;
		c->state = VCPU_STOPPED;
		pthread_cond_init(&c->wake, NULL);
		vm->nr_vcpus++;
		r = kvm_vcpu_create(vm, c);
		if (r)
			return r;
	}
	return 0;
}

/* Park until started (or the VM exits); then apply the entry state.
 * Returns false when the VM is exiting. */
static bool vcpu_wait_start(struct vcpu *cpu)
{
	struct vm *vm = cpu->vm;
	uint64_t pc, r3, msr, set, clear;

	pthread_mutex_lock(&vm->lock);
	while (cpu->state == VCPU_STOPPED && !cpu->start_pending && !vm_exiting(vm))
		pthread_cond_wait(&cpu->wake, &vm->lock);
	if (vm_exiting(vm)) {
		pthread_mutex_unlock(&vm->lock);
		return false;
	}
	if (!cpu->start_pending) {
		pthread_mutex_unlock(&vm->lock);
		return true;
	}
	pc = cpu->start_pc;
	r3 = cpu->start_r3;
	msr = cpu->start_msr;
	set = vm->lpcr_set;
	clear = vm->lpcr_clear;
	pthread_mutex_unlock(&vm->lock);

	/* Entry state of the boot cpu (vm->entry_msr: kernels big-endian,
	 * payloads little-endian) or of PAPR start-cpu (big-endian); real
	 * mode either way. The interrupt endianness (LPCR_ILE) is the one the
	 * guest asked for with H_SET_MODE. */
	if (kvm_vcpu_set_entry(cpu, pc, msr, r3, 0, 0) ||
	    ((set || clear) && kvm_vcpu_update_lpcr(cpu, set, clear))) {
		vm_request_exit(vm, EXIT_ERROR, "cannot set a vcpu's entry state");
		return false;
	}
	pthread_mutex_lock(&vm->lock);
	cpu->start_pending = false;
	cpu->state = VCPU_RUNNING;
	pthread_mutex_unlock(&vm->lock);
	pr_debug("vcpu %d started at 0x%llx", cpu->id, (unsigned long long)pc);
	return true;
}

/* A guest access to an address without a memslot: a trapped BAR, or
 * nothing at all, which reads as all ones and ignores writes (as an
 * unclaimed bus cycle would). */
static void vcpu_handle_mmio(struct vcpu *cpu, struct kvm_run *run)
{
	uint32_t len = run->mmio.len <= 8 ? run->mmio.len : 8;

	for (int i = 0; i < cpu->vm->nr_devices; i++) {
		const struct vm_device *d = &cpu->vm->devices[i];
		if (d->ops->mmio && !d->ops->mmio(d->ctx, run->mmio.phys_addr, run->mmio.data, len,
						 run->mmio.is_write))
			return;
	}
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0xff, len);
	pr_guest(GUEST_LOG_MMIO_NO_DEVICE, pr_warn, "vcpu %d: %s of %u bytes at 0x%llx: no device there",
		 cpu->id, run->mmio.is_write ? "write" : "read", len,
		 (unsigned long long)run->mmio.phys_addr);
}

static void vcpu_handle_exit(struct vcpu *cpu, struct kvm_run *run)
{
	switch (run->exit_reason) {
	case KVM_EXIT_PAPR_HCALL:
		run->papr_hcall.ret = hcall_dispatch(cpu, run->papr_hcall.nr, run->papr_hcall.args);
		break;
	case KVM_EXIT_MMIO:
		vcpu_handle_mmio(cpu, run);
		break;
	case KVM_EXIT_INTR:
		break;
	case KVM_EXIT_SHUTDOWN:
		vm_request_exit(cpu->vm, EXIT_POWEROFF, "guest shut down");
		break;
	case KVM_EXIT_FAIL_ENTRY:
		pr_err("vcpu %d: KVM_RUN: entry failed, hardware reason 0x%llx", cpu->id,
		       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		vm_request_exit(cpu->vm, EXIT_ERROR, NULL);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		pr_err("vcpu %d: KVM_RUN: internal error, suberror %u", cpu->id,
		       run->internal.suberror);
		vm_request_exit(cpu->vm, EXIT_ERROR, NULL);
		break;
	default:
		pr_err("vcpu %d: KVM_RUN: unhandled exit reason %u", cpu->id, run->exit_reason);
		vm_request_exit(cpu->vm, EXIT_ERROR, NULL);
		break;
	}
}

/*
 * KVM_RUN failed with err. KVM's in-kernel RTAS (book3s_rtas.c) fails it
 * with EFAULT when it cannot read its 88-byte copy of an H_RTAS buffer and
 * with EINVAL when nargs >= 16, after it has filled run->papr_hcall and
 * moved the pc past the sc 1: the next KVM_RUN loads r3 (and r4..r12) from
 * run->papr_hcall, as after any hcall exit. When the vcpu's r3 and r4 show
 * exactly that, pvmm answers the call itself (RTAS parameter error in the
 * buffer, or H_PARAMETER without one) and returns 0; -err for any other
 * failure.
 */
static int vcpu_answer_refused_rtas(struct vcpu *cpu, int err)
{
	struct kvm_run *run = cpu->run;
	struct kvm_regs regs;

	if (err != EFAULT && err != EINVAL)
		return -err;
	if (ioctl(cpu->fd, KVM_GET_REGS, &regs) < 0) {
		pr_err("vcpu %d: KVM_GET_REGS: %s", cpu->id, strerror(errno));
		return -err;
	}
	if (regs.gpr[3] != H_RTAS || !rtas_kvm_refused(&cpu->vm->mem, regs.gpr[4], err))
		return -err;
	for (int i = 0; i < 9; i++)
		run->papr_hcall.args[i] = regs.gpr[4 + i];
	run->papr_hcall.ret = (uint64_t)hcall_dispatch(cpu, H_RTAS, run->papr_hcall.args);
	return 0;
}

/* KVM_RUN failed for good: say where the guest was (its pc, and r3/r4:
 * an hcall's number and first argument when it was one), which is what
 * tells a guest's doing from pvmm's. */
static void vcpu_report_failed_run(struct vcpu *cpu, int err)
{
	struct kvm_regs regs;

	if (ioctl(cpu->fd, KVM_GET_REGS, &regs) < 0) {
		pr_err("vcpu %d: KVM_RUN: %s", cpu->id, strerror(err));
		return;
	}
	pr_err("vcpu %d: KVM_RUN: %s (pc 0x%llx, r3 0x%llx, r4 0x%llx)", cpu->id, strerror(err),
	       (unsigned long long)regs.pc, (unsigned long long)regs.gpr[3],
	       (unsigned long long)regs.gpr[4]);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *cpu = arg;
	struct vm *vm = cpu->vm;
	struct kvm_run *run = cpu->run;
	sigset_t set;
	bool ran = false;

	sigemptyset(&set);
	sigaddset(&set, VM_SIG_KICK);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	while (vcpu_wait_start(cpu)) {
		if (!ran) {	/* once per vcpu, off the exit path's cost */
			stats_note_first_run(&vm->stats);
			ran = true;
		}
		if (ioctl(cpu->fd, KVM_RUN, 0) < 0) {
			int err = errno;

			if (err == EINTR || err == EAGAIN || !vcpu_answer_refused_rtas(cpu, err))
				continue;
			vcpu_report_failed_run(cpu, err);
			vm_request_exit(vm, EXIT_ERROR, NULL);
			break;
		}
		vcpu_handle_exit(cpu, run);
	}
	return NULL;
}

int vcpus_start(struct vm *vm, uint64_t pc, uint64_t r3)
{
	struct vcpu *boot = &vm->vcpus[0];

	boot->start_pc = pc;
	boot->start_r3 = r3;
	boot->start_msr = vm->entry_msr;
	boot->start_pending = true;
	for (int i = 0; i < vm->nr_vcpus; i++) {
		int r = pthread_create(&vm->vcpus[i].thread, NULL, vcpu_thread, &vm->vcpus[i]);
		if (r) {
			pr_err("pthread_create for vcpu %d: %s", i, strerror(r));
			vm_request_exit(vm, EXIT_ERROR, NULL);
			vm_join_vcpus(vm);
			return -r;
		}
		vm_vcpu_thread_published(vm, &vm->vcpus[i]);
	}
	return 0;
}

void vcpus_join(struct vm *vm)
{
	vm_join_vcpus(vm);
}

void vcpus_destroy(struct vm *vm)
{
	int n;
	struct vcpu *v = vm_take_vcpus(vm, &n);

	for (int i = 0; i < n; i++)
		kvm_vcpu_destroy(&v[i]);
	free(v);
}
