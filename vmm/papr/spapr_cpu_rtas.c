/* The RTAS CPU calls (see spapr_cpu.h): pure, they only change vcpu state
 * under vm->lock for the vcpu threads (vcpu.c) to act on. */
#include "spapr.h"
#include "spapr_cpu.h"
#include "spapr_rtas.h"
#include "util.h"
#include "vm.h"

/* start-cpu(cpu id, start address, r3) -> status */
static void rtas_start_cpu(struct vcpu *cpu, struct rtas_call *c)
{
	struct vm *vm = cpu->vm;
	struct vcpu *target;

	if (!rtas_check(c, 3, 1))
		return;
	target = vm_vcpu_by_id(vm, c->args[0]);
	if (!target || c->args[1] >= vm->mem.size) {
		c->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
		return;
	}
	/* Big-endian, as PAPR (and QEMU's start-cpu) start a cpu whatever the
	 * boot cpu's entry was; its interrupts take the endianness the guest
	 * chose with H_SET_MODE (vm->lpcr_set, applied as it starts). */
	if (vm_cpu_start_request(vm, target, c->args[1], c->args[2], START_CPU_MSR)) {
		c->rets[0] = (uint32_t)RTAS_OUT_HW_ERROR;	/* already running */
		return;
	}
	c->rets[0] = RTAS_OUT_SUCCESS;
}

/* Vcpus other than self that run or are about to; under vm->lock. */
static int others_running(const struct vm *vm, const struct vcpu *self)
{
	int n = 0;

	for (int i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu *c = &vm->vcpus[i];
		n += c != self && (c->state != VCPU_STOPPED || c->start_pending);
	}
	return n;
}

/* stop-self() -> does not return while stopped; the vcpu thread parks.
 * Stopping the last running cpu leaves nothing that could ever start one
 * again (QEMU then idles for good): pvmm ends the run as a power-off. */
static void rtas_stop_self(struct vcpu *cpu, struct rtas_call *c)
{
	struct vm *vm = cpu->vm;
	bool last;

	if (!rtas_check(c, 0, 1))
		return;
	pthread_mutex_lock(&vm->lock);
	cpu->state = VCPU_STOPPED;
	last = !others_running(vm, cpu);
	pthread_mutex_unlock(&vm->lock);
	c->rets[0] = RTAS_OUT_SUCCESS;
	if (last) {
		pr_info("vcpu %d called stop-self with no other cpu running: nothing can start "
			"a cpu again, treated as power-off", cpu->id);
		vm_request_exit(vm, EXIT_POWEROFF, "guest stopped its last running cpu");
	}
}

/* query-cpu-stopped-state(cpu id) -> status, state (0 stopped, 2 running) */
static void rtas_query_cpu_stopped_state(struct vcpu *cpu, struct rtas_call *c)
{
	struct vcpu *target;

	if (!rtas_check(c, 1, 2))
		return;
	target = vm_vcpu_by_id(cpu->vm, c->args[0]);
	if (!target) {
		c->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
		return;
	}
	pthread_mutex_lock(&cpu->vm->lock);
	c->rets[1] = (target->state == VCPU_STOPPED && !target->start_pending) ? 0 : 2;
	pthread_mutex_unlock(&cpu->vm->lock);
	c->rets[0] = RTAS_OUT_SUCCESS;
}

static const struct rtas_def cpu_rtas[] = {
	{ "start-cpu", rtas_start_cpu },
	{ "stop-self", rtas_stop_self },
	{ "query-cpu-stopped-state", rtas_query_cpu_stopped_state },
};

int spapr_cpu_rtas_register(void)
{
	return rtas_register(cpu_rtas, ARRAY_SIZE(cpu_rtas));
}
