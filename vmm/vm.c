/* The VM's exit protocol and lookups (see vm.h). */
#include "vm.h"
#include "util.h"

#include <string.h>

void vm_init_struct(struct vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = vm->vm_fd = vm->xics_fd = -1;
	pthread_mutex_init(&vm->lock, NULL);
	stats_init(&vm->stats);
	atomic_init(&vm->exiting, false);
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
