/*
 * kvm-vfio: the VM's one KVM_DEV_TYPE_VFIO device (see kvm_vfio.h). Each group
 * in mode kernel is added once (KVM takes it as an external user, holding
 * a reference on it), gets each KVM TCE table of its PHB attached with
 * KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE, and leaves before those tables close.
 */
#include "kvm_vfio.h"
#include "vfio.h"
#include "util.h"
#include "vm.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

static int kvm_vfio_group_attr(struct vm *vm, uint64_t attr, const void *arg, const char *what,
			       int group)
{
	struct kvm_device_attr a = { .group = KVM_DEV_VFIO_GROUP, .attr = attr, .addr = (uintptr_t)arg };

	if (ioctl(vm->kvm_vfio_fd, KVM_SET_DEVICE_ATTR, &a) < 0) {
		int err = errno;
		pr_err("IOMMU group %d: KVM_SET_DEVICE_ATTR(%s): %s", group, what, strerror(err));
		return -err;
	}
	return 0;
}

static int kvm_vfio_add_group(struct vm *vm, struct vfio_group *g)
{
	int r;

	if (vm->kvm_vfio_fd < 0) {
		struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };
		if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd) < 0) {
			int err = errno;
			pr_err("KVM_CREATE_DEVICE(KVM_DEV_TYPE_VFIO): %s", strerror(err));
			return -err;
		}
		vm->kvm_vfio_fd = cd.fd;
	}
	r = kvm_vfio_group_attr(vm, KVM_DEV_VFIO_GROUP_ADD, &g->fd, "KVM_DEV_VFIO_GROUP_ADD", g->id);
	g->kvm_added = !r;
	return r;
}

int kvm_vfio_attach_tce(struct vm *vm, struct vfio_group *g, int table_fd)
{
	struct kvm_vfio_spapr_tce param = { .groupfd = g->fd, .tablefd = table_fd };
	int r = g->kvm_added ? 0 : kvm_vfio_add_group(vm, g);

	return r ? r : kvm_vfio_group_attr(vm, KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE, &param,
					   "KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE", g->id);
}

/* KVM lets go of the group (it holds the container's user count through
 * its external-user reference until then). */
void kvm_vfio_del_group(struct vm *vm, struct vfio_group *g)
{
	if (!g->kvm_added)
		return;
	if (kvm_vfio_group_attr(vm, KVM_DEV_VFIO_GROUP_DEL, &g->fd, "KVM_DEV_VFIO_GROUP_DEL", g->id))
		pr_warn("IOMMU group %d stays with KVM until the VM closes", g->id);
	g->kvm_added = false;
}

void kvm_vfio_close(struct vm *vm)
{
	if (vm->kvm_vfio_fd >= 0)
		close(vm->kvm_vfio_fd);
	vm->kvm_vfio_fd = -1;
}
