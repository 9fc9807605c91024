/* The VM's exit protocol and lookups (see vm.h). */
#include "vm.h"
#include "util.h"

#include <errno.h>
#include <string.h>

void vm_init_struct(struct vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = vm->vm_fd = vm->xics_fd = -1;
	pthread_mutex_init(&vm->lock, NULL);
	stats_init(&vm->stats);
	vm->stats.log_limit = &guest_log;
	atomic_init(&vm->exiting, false);
	vm->kvm_vfio_fd = -1;
	pthread_mutex_init(&vm->pin.lock, NULL);
	pthread_cond_init(&vm->pin.cond, NULL);
	atomic_init(&vm->pin.done, false);
	vm->pin.task = -1;
	vm->next_irq = IRQ_PCI_BASE;
	vm->next_memslot = MEMSLOT_FIRST_BAR;
}

int vm_device_register(struct vm *vm, const struct vm_device_ops *ops, void *ctx)
{
	if (vm->nr_devices == VM_DEVICES_MAX)
		return -ENOSPC;
	vm->devices[vm->nr_devices++] = (struct vm_device){ ops, ctx };
	return 0;
}

int vm_alloc_irqs(struct vm *vm, uint32_t n, uint32_t *first)
{
	int r = -ENOSPC;

	pthread_mutex_lock(&vm->lock);
	if (vm->next_irq + n <= XICS_IRQ_BASE + XICS_NR_IRQS) {
		*first = vm->next_irq;
		vm->next_irq += n;
		r = 0;
	}
	pthread_mutex_unlock(&vm->lock);
	return r;
}

int vm_alloc_memslot(struct vm *vm, uint32_t *slot)
{
	int r = -ENOSPC;

	pthread_mutex_lock(&vm->lock);
	if (vm->next_memslot < MEMSLOT_MAX) {
		*slot = vm->next_memslot++;
		r = 0;
	}
	pthread_mutex_unlock(&vm->lock);
	return r;
}

/* The first request wins: a power-off followed by the shutdown it causes
 * must not turn exit status 0 into something else. */
void vm_request_exit(struct vm *vm, int code, const char *why)
{
	bool first;

	pthread_mutex_lock(&vm->lock);
	first = !atomic_load(&vm->exiting);
	if (first) {
		vm->exit_code = code;
		atomic_store(&vm->exiting, true);
	}
	for (int i = 0; i < vm->nr_vcpus; i++)
		pthread_cond_broadcast(&vm->vcpus[i].wake);
	pthread_mutex_unlock(&vm->lock);
	if (first && why)
		pr_info("%s", why);
	if (vm->kick)
		vm->kick(vm);
}

struct vcpu *vm_vcpu_by_id(struct vm *vm, uint32_t id)
{
	for (int i = 0; i < vm->nr_vcpus; i++)
		if ((uint32_t)vm->vcpus[i].id == id)
			return &vm->vcpus[i];
	return NULL;
}

int vm_cpu_start_request(struct vm *vm, struct vcpu *cpu, uint64_t pc, uint64_t r3, uint64_t msr)
{
	pthread_mutex_lock(&vm->lock);
	if (cpu->state != VCPU_STOPPED || cpu->start_pending) {
		pthread_mutex_unlock(&vm->lock);
		return -EBUSY;
	}
	cpu->start_pc = pc;
	cpu->start_r3 = r3;
	cpu->start_msr = msr;
	cpu->start_pending = true;
	pthread_cond_signal(&cpu->wake);
	pthread_mutex_unlock(&vm->lock);
	return 0;
}
