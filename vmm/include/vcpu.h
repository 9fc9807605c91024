/*
 * vcpu threads: one per vcpu, each running KVM_RUN and dispatching exits
 * (hcalls to the registry). Secondary vcpus wait, stopped, until the guest
 * starts them with RTAS start-cpu.
 */
#ifndef PVMM_VCPU_H
#define PVMM_VCPU_H

#include <stdint.h>

struct vm;

int vcpus_create(struct vm *vm);
/* Start every thread; vcpu 0 enters at pc with r3 = fdt. A thread that
 * cannot be made stops the VM and joins those that were. */
int vcpus_start(struct vm *vm, uint64_t pc, uint64_t r3);
void vcpus_join(struct vm *vm);
void vcpus_destroy(struct vm *vm);

#endif
