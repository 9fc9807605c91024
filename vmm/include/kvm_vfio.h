#ifndef PVMM_KVM_VFIO_H
#define PVMM_KVM_VFIO_H

struct vm;
struct vfio_group;

/* kvm-vfio (kvm_vfio.c): the VM's one device, created on first use. A
 * group is added right before its first TCE table is attached (mode
 * kernel only: a group KVM knows without a table makes GROUP_DEL WARN in
 * Linux 6.12), and leaves before the tables close. */
int kvm_vfio_attach_tce(struct vm *vm, struct vfio_group *g, int table_fd);
void kvm_vfio_del_group(struct vm *vm, struct vfio_group *g);
void kvm_vfio_close(struct vm *vm);

#endif
