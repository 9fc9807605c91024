/*
 * Guest RAM pinned for VFIO: every v2 container's pre-registration
 * (VFIO_IOMMU_SPAPR_REGISTER_MEMORY), by a thread of its own while the
 * guest boots (see struct ram_pin in vm.h), or at once with [vm]
 * pin_before_boot. The first DMA mapping waits for it.
 */
#include "ram_pin.h"
#include "util.h"
#include "vfio.h"
#include "vm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>

#define FAIL(who, what) (pr_err("%s: %s: %s", who, what, strerror(errno)), -errno)

static int piece_register(struct vfio_container *c, unsigned int i, bool reg)
{
	uint64_t off = (uint64_t)i * c->ram_piece;
	struct vfio_iommu_spapr_register_memory r = {
		.argsz = sizeof(r), .vaddr = c->ram_vaddr + off,
		.size = c->ram_size - off < c->ram_piece ? c->ram_size - off : c->ram_piece,
	};

	return ioctl(c->fd, reg ? VFIO_IOMMU_SPAPR_REGISTER_MEMORY :
		     VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY, &r);
}

/* v2 maps only pre-registered memory: all of guest RAM, pinned, piece by
 * piece (guest_mem_pin_piece). The first container's calls pin; the
 * kernel finds the same pieces for the others and counts a user more. */
static int container_register_ram(struct vfio_container *c, struct vm *vm)
{
	c->ram_vaddr = (uintptr_t)vm->mem.host;
	c->ram_size = vm->mem.size;
	c->ram_piece = guest_mem_pin_piece(vm->mem.size, vm->mem.page_size);
	c->ram_registered = true;
	for (; (uint64_t)c->ram_pieces * c->ram_piece < c->ram_size; c->ram_pieces++)
		if (piece_register(c, c->ram_pieces, true) < 0)
			return FAIL(c->name, "VFIO_IOMMU_SPAPR_REGISTER_MEMORY "
				    "(guest RAM; check RLIMIT_MEMLOCK)");
	return 0;
}

static bool pin_wanted(const struct vfio_container *c)
{
	return c->v2 && c->iommu_set && !c->ram_registered;
}

/* Every container of the VM, each once (the group list names them). */
static int register_all(struct vm *vm)
{
	for (struct vfio_group *g = vm->groups; g; g = g->next) {
		int r = pin_wanted(g->container) ? container_register_ram(g->container, vm) : 0;
		if (r)
			return r;
	}
	return 0;
}

static void pin_finish(struct vm *vm, int err)
{
	struct ram_pin *p = &vm->pin;

	stats_task_end(&vm->stats, p->task);
	pthread_mutex_lock(&p->lock);
	p->err = err;
	atomic_store(&p->done, true);
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

static void *pin_thread(void *arg)
{
	struct vm *vm = arg;
	int r = register_all(vm);

	pin_finish(vm, r);
	if (r)
		vm_request_exit(vm, EXIT_ERROR, "guest RAM could not be pinned for VFIO");
	return NULL;
}

/* CAP_IPC_LOCK lifts RLIMIT_MEMLOCK for the pin (the kernel's
 * account_locked_vm); without it the limit must hold all of guest RAM. */
static bool has_ipc_lock(void)
{
	char line[128];
	unsigned long long caps = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	fclose(f);
	return caps & (1ULL << 14);	/* CAP_IPC_LOCK */
}

static int check_memlock(const struct vm *vm)
{
	struct rlimit rl;

	if (has_ipc_lock() || getrlimit(RLIMIT_MEMLOCK, &rl) || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= vm->mem.size)
		return 0;
	pr_err("guest RAM (%llu MiB) is more than RLIMIT_MEMLOCK (%llu KiB) allows "
	       "VFIO_IOMMU_SPAPR_REGISTER_MEMORY to pin: raise it (ulimit -l) or run pvmm as root",
	       (unsigned long long)(vm->mem.size >> 20), (unsigned long long)(rl.rlim_cur >> 10));
	return -ENOMEM;
}

int vfio_ram_pin_prepare(struct vm *vm)
{
	bool wanted = false;
	int r;

	for (struct vfio_group *g = vm->groups; g; g = g->next)
		wanted |= pin_wanted(g->container);
	r = wanted ? check_memlock(vm) : 0;
	if (!r && wanted && vm->cfg.pin_before_boot) {
		r = register_all(vm);
		if (!r)
			stats_note_phase(&vm->stats, "ram-pin");
	}
	if (r || !wanted || vm->cfg.pin_before_boot)
		pin_finish(vm, r);
	return r;
}

int vfio_ram_pin_start(struct vm *vm)
{
	struct ram_pin *p = &vm->pin;
	int r;

	if (atomic_load(&p->done))
		return 0;
	p->task = stats_task_begin(&vm->stats, "ram-pin");
	r = -pthread_create(&p->thread, NULL, pin_thread, vm);
	if (r) {
		pr_err("guest RAM pin: pthread_create: %s", strerror(-r));
		pin_finish(vm, r);
		vm_request_exit(vm, EXIT_ERROR, NULL);
		return r;
	}
	p->thread_live = true;
	return 0;
}

void vfio_ram_pin_cancel(struct vm *vm)
{
	if (!vm->pin.thread_live && !atomic_load(&vm->pin.done))
		pin_finish(vm, -ECANCELED);
}

int vfio_ram_pin_wait(struct vm *vm)
{
	struct ram_pin *p = &vm->pin;
	uint64_t t0;
	int r;

	if (atomic_load(&p->done))
		return p->err;
	t0 = now_ns();
	pthread_mutex_lock(&p->lock);
	while (!atomic_load(&p->done))
		pthread_cond_wait(&p->cond, &p->lock);
	r = p->err;
	pthread_mutex_unlock(&p->lock);
	stats_task_waited(&vm->stats, p->task, now_ns() - t0);
	return r;
}

void vfio_ram_pin_join(struct vm *vm)
{
	struct ram_pin *p = &vm->pin;

	if (p->thread_live)
		pthread_join(p->thread, NULL);
	p->thread_live = false;
}

void ram_pin_unregister(struct vfio_container *c)
{
	while (c->ram_pieces)
		if (piece_register(c, --c->ram_pieces, false) < 0)
			pr_warn("%s: VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY (piece %u): %s", c->name,
				c->ram_pieces, strerror(errno));
	c->ram_registered = false;
}
