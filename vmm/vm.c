/* The VM's exit protocol and lookups (see vm.h). */
#include "vm.h"
#include "fdt_builder.h"
#include "spapr_phb_fdt.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm.h>

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
	id_pool_init(&vm->xics_pool, "XICS sources", IRQ_PCI_BASE,
		     XICS_IRQ_BASE + XICS_NR_IRQS - IRQ_PCI_BASE);
	id_pool_init(&vm->memslot_pool, "KVM memslots", MEMSLOT_FIRST_BAR,
		     MEMSLOT_MAX - MEMSLOT_FIRST_BAR);
	id_pool_init(&vm->phb_pool, "guest PHB indexes", 0, PHB_MAX);
}

size_t vm_fdt_room(const struct vm_config *cfg)
{
	unsigned int phbs = cfg->nr_devs < PHB_MAX ? cfg->nr_devs : PHB_MAX;
	const struct fdt_shape s = {
		.nr_vcpus = (int)cfg->vcpus, .threads = (int)cfg->threads,
		.cmdline_len = sizeof(cfg->cmdline) - 1,
		.devices = phb_fdt_size_bound(phbs, cfg->nr_devs),
	};

	return fdt_size_bound(&s);
}

int vm_device_register(struct vm *vm, const struct vm_device_ops *ops, void *ctx)
{
	if (vm->nr_devices == VM_DEVICES_MAX)
		return -ENOSPC;
	vm->devices[vm->nr_devices++] = (struct vm_device){ ops, ctx };
	return 0;
}

static int alloc_ids(struct vm *vm, struct id_pool *p, const char *who, uint32_t n,
		     uint32_t *first)
{
	char msg[160];
	int r;

	pthread_mutex_lock(&vm->lock);
	r = id_pool_alloc(p, n, 1, first);
	if (r == -ENOSPC)
		id_pool_exhausted(p, n, msg, sizeof(msg));
	pthread_mutex_unlock(&vm->lock);
	if (r == -ENOSPC)
		pr_err("%s: %s", who, msg);
	return r;
}

static int free_ids(struct vm *vm, struct id_pool *p, uint32_t first, uint32_t n)
{
	int r;

	pthread_mutex_lock(&vm->lock);
	r = id_pool_free(p, first, n);
	pthread_mutex_unlock(&vm->lock);
	if (r)
		pr_err("%s: %u..%u given back but not taken", p->what, first, first + n - 1);
	return r;
}

int vm_alloc_irqs(struct vm *vm, const char *who, uint32_t n, uint32_t *first)
{
	return alloc_ids(vm, &vm->xics_pool, who, n, first);
}

int vm_alloc_irqs_upto(struct vm *vm, const char *who, uint32_t n, uint32_t *first)
{
	char msg[160];
	int r;

	pthread_mutex_lock(&vm->lock);
	r = id_pool_alloc_upto(&vm->xics_pool, n, first);
	if (r == -ENOSPC)
		id_pool_exhausted(&vm->xics_pool, n, msg, sizeof(msg));
	pthread_mutex_unlock(&vm->lock);
	if (r == -ENOSPC)
		pr_err("%s: %s", who, msg);
	return r;
}

int vm_alloc_memslot(struct vm *vm, const char *who, uint32_t *slot)
{
	return alloc_ids(vm, &vm->memslot_pool, who, 1, slot);
}

/* Placement chose the index (pci_place): taking it twice is a bug. */
int vm_take_phb(struct vm *vm, unsigned int index)
{
	int r;

	pthread_mutex_lock(&vm->lock);
	r = id_pool_reserve(&vm->phb_pool, index, 1);
	pthread_mutex_unlock(&vm->lock);
	if (r)
		pr_err("guest PHB %u: %s (0..%d)", index,
		       r == -EBUSY ? "index already in use" : "no such index", PHB_MAX - 1);
	return r;
}

int vm_free_irqs(struct vm *vm, uint32_t first, uint32_t n)
{
	return free_ids(vm, &vm->xics_pool, first, n);
}

int vm_free_memslot(struct vm *vm, uint32_t slot)
{
	return free_ids(vm, &vm->memslot_pool, slot, 1);
}

int vm_put_phb(struct vm *vm, unsigned int index)
{
	return free_ids(vm, &vm->phb_pool, index, 1);
}

/* Under vm->lock. A vcpu without a thread yet still gets immediate_exit
 * (its run mapping exists from creation), so its first KVM_RUN returns. */
static void kick_vcpus_locked(struct vm *vm)
{
	for (int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *c = &vm->vcpus[i];
		if (c->run)
			((struct kvm_run *)c->run)->immediate_exit = 1;
		if (c->thread_started)
			pthread_kill(c->thread, VM_SIG_KICK);
	}
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
	kick_vcpus_locked(vm);
	pthread_mutex_unlock(&vm->lock);
	if (first && why)
		pr_info("%s", why);
}

void vm_vcpu_thread_published(struct vm *vm, struct vcpu *c)
{
	pthread_mutex_lock(&vm->lock);
	c->thread_started = true;
	pthread_mutex_unlock(&vm->lock);
}

void vm_join_vcpus(struct vm *vm)
{
	for (int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *c = &vm->vcpus[i];
		bool started;

		pthread_mutex_lock(&vm->lock);
		started = c->thread_started;
		c->thread_started = false;
		pthread_mutex_unlock(&vm->lock);
		if (started)
			pthread_join(c->thread, NULL);
	}
}

struct vcpu *vm_take_vcpus(struct vm *vm, int *n)
{
	struct vcpu *v;

	pthread_mutex_lock(&vm->lock);
	v = vm->vcpus;
	*n = vm->nr_vcpus;
	vm->vcpus = NULL;
	vm->nr_vcpus = 0;
	pthread_mutex_unlock(&vm->lock);
	return v;
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
