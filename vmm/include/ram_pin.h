/* Guest RAM pinned for VFIO's v2 containers (ram_pin.c; struct ram_pin
 * is in vm.h, the VM's own). */
#ifndef PVMM_RAM_PIN_H
#define PVMM_RAM_PIN_H

struct vm;
struct vfio_container;

/*
 * Guest RAM pinned for every v2 container, after the last group is in:
 * by a thread while the guest boots, or at once with [vm]
 * pin_before_boot. Prepare refuses an RLIMIT_MEMLOCK that cannot hold
 * guest RAM, before the guest runs, and pins at once if asked to (or
 * ends the pin at once when no container needs it).
 */
int vfio_ram_pin_prepare(struct vm *vm);
/* The pin thread, once the guest's threads exist (creating a thread maps
 * its stack, which would wait for a registration); on failure the pin
 * ends with that error (the waiters' answer) and the VM stops. */
int vfio_ram_pin_start(struct vm *vm);
/* The guest never started: nothing will pin, and nobody may wait. */
void vfio_ram_pin_cancel(struct vm *vm);
/* Before a DMA mapping: 0 once RAM is pinned (waiting for it), or the
 * pin's -errno. */
int vfio_ram_pin_wait(struct vm *vm);
/* Before teardown: the pin thread has ended. */
void vfio_ram_pin_join(struct vm *vm);
/* The container's registration undone (before the IOMMU goes with the
 * last group). */
void ram_pin_unregister(struct vfio_container *c);

#endif
