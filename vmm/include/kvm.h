/*
 * KVM-HV set-up and the vcpu/VM ioctls pvmm issues. Every ioctl is checked
 * and named in its error message; functions return 0 or -errno.
 */
#ifndef PVMM_KVM_H
#define PVMM_KVM_H

#include <stdbool.h>
#include <stdint.h>

#include "fdt_builder.h"

struct vm;
struct vcpu;

int kvm_open_vm(struct vm *vm);
int kvm_add_memslot(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, void *host);
int kvm_del_memslot(struct vm *vm, uint32_t slot, uint64_t gpa);
int kvm_host_cpu_info(struct vm *vm, struct fdt_cpu_info *info);
int kvm_configure_radix(struct vm *vm, uint64_t process_table, bool gtse);
int kvm_enable_hcall(struct vm *vm, uint64_t opcode);
int kvm_set_smt(struct vm *vm, unsigned int threads);
int kvm_define_rtas_token(struct vm *vm, const char *name, uint32_t token);
int kvm_check_extension(struct vm *vm, long cap);
void kvm_close_vm(struct vm *vm);

int kvm_vcpu_create(struct vm *vm, struct vcpu *cpu);
void kvm_vcpu_destroy(struct vcpu *cpu);
/* Entry state: pc, msr and r3..r5; the rest zero. */
int kvm_vcpu_set_entry(struct vcpu *cpu, uint64_t pc, uint64_t msr, uint64_t r3,
		       uint64_t r4, uint64_t r5);
int kvm_vcpu_set_sprg0(struct vcpu *cpu, uint64_t value);
int kvm_vcpu_update_lpcr(struct vcpu *cpu, uint64_t set, uint64_t clear);
int kvm_vcpu_enable_xics(struct vcpu *cpu, int xics_fd);

#endif
