/*
 * The VM as a whole: configuration, guest RAM, KVM file descriptors, vcpus,
 * statistics and the exit request. Plain data plus the exit protocol (pure),
 * so that hcall and RTAS handlers can be unit-tested without KVM.
 */
#ifndef PVMM_VM_H
#define PVMM_VM_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "guest_mem.h"
#include "id_pool.h"
#include "layout.h"
#include "stats.h"

#include <stdio.h>

struct vm;
struct vfio_group;
struct phb_dma;
struct report;

/*
 * A device of the VM: its ops and its own context. A device is set up by
 * whoever registers it (the "devices" step, spapr_phbs_create); the
 * device list drives the device tree, trapped MMIO, the exit summary and
 * teardown (the step's undo, reverse order); no handler reaches a device
 * through a global.
 */
struct vm_device_ops {
	const char *kind;
	int (*fdt)(void *ctx, void *fdt, int root, uint32_t xics_phandle);
	/* 0 if the access was the device's, -ENOENT if not */
	int (*mmio)(void *ctx, uint64_t gpa, uint8_t *data, uint32_t len, int is_write);
	/* its object of the summary's "phbs" (report.h: JSON and text alike) */
	void (*report)(void *ctx, struct report *r);
	void (*teardown)(void *ctx);
};

struct vm_device {
	const struct vm_device_ops *ops;
	void *ctx;
};

#define VM_DEVICES_MAX	16

/*
 * Guest RAM pinned for VFIO (every v2 container's pre-registration) by a
 * thread of its own while the guest boots: pinning is the longest step
 * of pvmm's start-up, and a booting Linux maps no DMA for seconds. The
 * first DMA mapping waits for it (vfio.c).
 */
struct ram_pin {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool thread_live;		/* a pin thread that is not joined yet */
	atomic_bool done;
	int err;			/* 0 or the registration's -errno */
	int task;			/* its stats task (stats_task_begin) */
};

enum vcpu_state { VCPU_STOPPED, VCPU_RUNNING };

struct vcpu {
	struct vm *vm;
	int id;
	int fd;				/* -1 when there is no KVM (tests) */
	void *run;			/* struct kvm_run mapping */
	size_t run_size;
	pthread_t thread;
	bool thread_started;		/* under vm->lock: published once made, taken before the join */
	enum vcpu_state state;		/* under vm->lock */
	bool start_pending;		/* start-cpu asked; the thread applies it */
	uint64_t start_pc, start_r3, start_msr;
	pthread_cond_t wake;
};

/* Exit codes of pvmm, documented in README.md. */
#define EXIT_POWEROFF	0
#define EXIT_ERROR	1
#define EXIT_REBOOT	2
#define EXIT_OSTERM	3
#define EXIT_SIGNAL	4
#define EXIT_DEVICE_REQUEST 5	/* the host asked for a passthrough device back (vfio_req.h) */

struct vm {
	struct vm_config cfg;
	const char *cfg_source;		/* for error messages */
	struct guest_mem mem;
	struct guest_layout layout;
	struct stats stats;

	int kvm_fd, vm_fd, xics_fd;
	int nr_vcpus;
	struct vcpu *vcpus;

	/* Orders exit requests (from vcpus, the pin and the console thread)
	 * against the joins and teardown of main: a kick reaches only vcpus
	 * whose thread is published and not yet taken for joining, and no
	 * vcpu once main has taken the array (vm_take_vcpus). */
	pthread_mutex_t lock;
	atomic_bool exiting;
	int exit_code;

	uint64_t lpcr_set, lpcr_clear;	/* guest-requested LPCR bits (H_SET_MODE) */
	uint64_t entry;			/* kernel entry, guest physical */
	uint64_t entry_msr;		/* MSR at entry (payloads start little-endian) */
	uint64_t initrd_gpa, initrd_size;
	int64_t tod_offset_s;		/* set-time-of-day minus host time */
	bool hwrng;			/* H_RANDOM offered (KVM serves it) */
	uint32_t xics_blocks;		/* KVM XICS source blocks whose every source is set (irq.c) */

	struct vm_device devices[VM_DEVICES_MAX];
	int nr_devices;

	/* What the VM numbers (under lock), each given back by its user:
	 * XICS sources (IRQ_PCI_BASE on: a function's INTx line from its open
	 * to its teardown, its MSIs while the guest has them enabled), KVM
	 * memslots for mapped BARs, guest PHB indexes (an index owns its
	 * BUID, MMIO windows and LIOBNs, which follow from it: phb_res_of). */
	struct id_pool xics_pool, memslot_pool, phb_pool;

	/* VFIO: the groups in use (reference-counted), and the one kvm-vfio
	 * device KVM allows per VM. */
	struct vfio_group *groups;
	int kvm_vfio_fd;
	struct ram_pin pin;
	/* Each guest PHB's DMA, by PHB index: what a TCE hcall's LIOBN names
	 * (spapr_tce_hcall.h). Set before the vcpus run, cleared after. */
	struct phb_dma *dma[PHB_MAX];
	/* ibm,open-errinjct's one session (spapr_eeh.h), under lock: its
	 * token, 0 when closed, and the last token given. */
	uint32_t errinjct_session, errinjct_last;
};

void vm_init_struct(struct vm *vm);
/* The device tree's room (layout_for), from what the configuration allows
 * before any device is opened: the longest command line (the default one
 * comes with the kernel), and every function with all it may have, each
 * on a PHB of its own (placement by IOMMU group may share them: fewer
 * PHB nodes). */
size_t vm_fdt_room(const struct vm_config *cfg);
/* The one way to stop the VM, from any thread: the first request's code
 * wins; every published vcpu thread is kicked out of KVM_RUN
 * (immediate_exit for one about to enter, VM_SIG_KICK for one inside). */
void vm_request_exit(struct vm *vm, int code, const char *why);
#define VM_SIG_KICK	SIGUSR1
/* A vcpu thread made by pthread_create: kicks reach it from now on. */
void vm_vcpu_thread_published(struct vm *vm, struct vcpu *c);
/* Join every published vcpu thread; each is taken from the kicks first. */
void vm_join_vcpus(struct vm *vm);
/* The vcpu array handed to its destroyer (*n entries); exit requests
 * touch no vcpu after this. */
struct vcpu *vm_take_vcpus(struct vm *vm, int *n);
static inline bool vm_exiting(struct vm *vm) { return atomic_load(&vm->exiting); }
struct vcpu *vm_vcpu_by_id(struct vm *vm, uint32_t id);
/* Ask a stopped vcpu to start at pc with r3 and msr (its thread applies
 * it); -EBUSY if it runs or is already being started. */
int vm_cpu_start_request(struct vm *vm, struct vcpu *cpu, uint64_t pc, uint64_t r3, uint64_t msr);
int vm_device_register(struct vm *vm, const struct vm_device_ops *ops, void *ctx);
/* n consecutive XICS sources / a KVM memslot / guest PHB index "index",
 * for who (named in the error). -ENOSPC (-EBUSY for a PHB index taken)
 * with one error line naming what ran out. */
int vm_alloc_irqs(struct vm *vm, const char *who, uint32_t n, uint32_t *first);
/* Up to n consecutive XICS sources: the count taken (1..n, fewer when the
 * pool has no run of n free) or -ENOSPC (one error line) if none is free. */
int vm_alloc_irqs_upto(struct vm *vm, const char *who, uint32_t n, uint32_t *first);
int vm_alloc_memslot(struct vm *vm, const char *who, uint32_t *slot);
int vm_take_phb(struct vm *vm, unsigned int index);
/* Give back what the above took; an ID not taken is refused (-EINVAL,
 * one error line) and changes nothing. */
int vm_free_irqs(struct vm *vm, uint32_t first, uint32_t n);
int vm_free_memslot(struct vm *vm, uint32_t slot);
int vm_put_phb(struct vm *vm, unsigned int index);

#endif
