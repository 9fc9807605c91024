/* In-kernel XICS (see irq.h). */
#include "irq.h"
#include "kvm.h"
#include "spapr.h"
#include "spapr_hcall.h"
#include "spapr_rtas.h"
#include "util.h"
#include "vm.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

static const struct hcall_def xics_hcalls[] = {
	{ H_EOI, "H_EOI", "hcall-interrupt", NULL },
	{ H_CPPR, "H_CPPR", "hcall-interrupt", NULL },
	{ H_IPI, "H_IPI", "hcall-interrupt", NULL },
	{ H_IPOLL, "H_IPOLL", "hcall-interrupt", NULL },
	{ H_XIRR, "H_XIRR", "hcall-interrupt", NULL },
	{ H_XIRR_X, "H_XIRR_X", "hcall-interrupt", NULL },
};

static const struct rtas_def xics_rtas[] = {
	{ "ibm,set-xive", NULL },
	{ "ibm,get-xive", NULL },
	{ "ibm,int-off", NULL },
	{ "ibm,int-on", NULL },
};

int irq_register_calls(void)
{
	int r = hcall_register(xics_hcalls, ARRAY_SIZE(xics_hcalls));

	return r ? r : rtas_register(xics_rtas, ARRAY_SIZE(xics_rtas));
}

int irq_create(struct vm *vm)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XICS };
	uint32_t nr_servers = vm->nr_vcpus;
	struct kvm_device_attr attr = {
		.group = KVM_DEV_XICS_GRP_CTRL, .attr = KVM_DEV_XICS_NR_SERVERS,
		.addr = (uintptr_t)&nr_servers,
	};
	int r;

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd) < 0) {
		int err = errno;
		pr_err("KVM_CREATE_DEVICE(KVM_DEV_TYPE_XICS): %s", strerror(err));
		return -err;
	}
	vm->xics_fd = cd.fd;
	/* Sizing the server range is optional (older KVMs lack it). */
	if (ioctl(vm->xics_fd, KVM_HAS_DEVICE_ATTR, &attr) == 0 &&
	    ioctl(vm->xics_fd, KVM_SET_DEVICE_ATTR, &attr) < 0) {
		int err = errno;
		pr_err("KVM_SET_DEVICE_ATTR(XICS NR_SERVERS=%u): %s", nr_servers, strerror(err));
		return -err;
	}
	for (int i = 0; i < vm->nr_vcpus; i++) {
		r = kvm_vcpu_enable_xics(&vm->vcpus[i], vm->xics_fd);
		if (r)
			return r;
	}
	for (int i = 0; i < rtas_count(); i++) {
		const struct rtas_entry *e = rtas_entry_at(i);
		if (e->def->fn)
			continue;
		r = kvm_define_rtas_token(vm, e->def->name, e->token);
		if (r)
			return r;
	}
	return 0;
}

static int set_source(struct vm *vm, uint32_t irq, int level)
{
	uint64_t state = KVM_XICS_MASKED | ((uint64_t)0xff << KVM_XICS_PRIORITY_SHIFT) |
			 (level ? KVM_XICS_LEVEL_SENSITIVE : 0);
	struct kvm_device_attr attr = {
		.group = KVM_DEV_XICS_GRP_SOURCES, .attr = irq, .addr = (uintptr_t)&state,
	};

	if (ioctl(vm->xics_fd, KVM_SET_DEVICE_ATTR, &attr) < 0) {
		int err = errno;
		pr_err("KVM_SET_DEVICE_ATTR(XICS source %u): %s", irq, strerror(err));
		return -err;
	}
	return 0;
}

/*
 * KVM keeps XICS source state in blocks of XICS_BLOCK, made when userspace
 * sets the first source of one. On XIVE hosts (Linux 6.12's XICS-on-XIVE)
 * a source of such a block that userspace never set is masked but has no
 * interrupt behind it, and ibm,set-xive there (KVM's in-kernel RTAS, any
 * guest) EOIs an ESB page that was never mapped: a NULL dereference in the
 * host (kvmppc_xive_set_xive -> xive_finish_unmask -> xive_vm_source_eoi).
 * QEMU sets every source of its ICS at reset; pvmm sets a whole block,
 * masked, before the first of its sources, under vm->lock so that no
 * source of it reaches the guest before the block is whole.
 */
#define XICS_BLOCK	1024

static int init_block(struct vm *vm, uint32_t irq)
{
	uint32_t block = irq / XICS_BLOCK;
	int r = 0;

	if (block >= 32)
		return 0;	/* beyond XICS_IRQ_BASE + XICS_NR_IRQS: not pvmm's */
	pthread_mutex_lock(&vm->lock);
	for (uint32_t i = 0; !(vm->xics_blocks & 1u << block) && !r && i < XICS_BLOCK; i++)
		r = set_source(vm, block * XICS_BLOCK + i, 0);
	if (!r)
		vm->xics_blocks |= 1u << block;
	pthread_mutex_unlock(&vm->lock);
	return r;
}

int irq_init_sources(struct vm *vm, uint32_t first, uint32_t n, int level)
{
	for (uint32_t irq = first; irq < first + n; irq++) {
		int r = init_block(vm, irq);
		if (!r)
			r = set_source(vm, irq, level);
		if (r)
			return r;
	}
	return 0;
}

int irq_irqfd(struct vm *vm, int fd, uint32_t irq, int assign)
{
	/* On POWER the irqfd GSI is the XICS source number itself. */
	struct kvm_irqfd req = { .fd = (uint32_t)fd, .gsi = irq,
				 .flags = assign ? 0 : KVM_IRQFD_FLAG_DEASSIGN };

	if (ioctl(vm->vm_fd, KVM_IRQFD, &req) < 0) {
		int err = errno;
		pr_err("KVM_IRQFD(%s source %u): %s", assign ? "assign" : "deassign", irq, strerror(err));
		return -err;
	}
	return 0;
}

int irq_irqfd_resample(struct vm *vm, int fd, int resamplefd, uint32_t irq, int assign)
{
	struct kvm_irqfd req = { .fd = (uint32_t)fd, .gsi = irq };

	if (assign) {
		req.flags = KVM_IRQFD_FLAG_RESAMPLE;
		req.resamplefd = (uint32_t)resamplefd;
	} else {
		req.flags = KVM_IRQFD_FLAG_DEASSIGN;
	}
	if (ioctl(vm->vm_fd, KVM_IRQFD, &req) < 0) {
		int err = errno;
		pr_err("KVM_IRQFD(%s, resample, source %u): %s", assign ? "assign" : "deassign", irq,
		       strerror(err));
		return -err;
	}
	return 0;
}

int irq_set_level(struct vm *vm, uint32_t irq, int level)
{
	struct kvm_irq_level req = { .irq = irq, .level = (uint32_t)level };

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &req) < 0) {
		int err = errno;
		pr_err("KVM_IRQ_LINE(source %u, level %d): %s", irq, level, strerror(err));
		return -err;
	}
	return 0;
}

void irq_destroy(struct vm *vm)
{
	if (vm->xics_fd >= 0)
		close(vm->xics_fd);
	vm->xics_fd = -1;
}
