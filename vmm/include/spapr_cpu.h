/*
 * Per-vcpu platform calls: H_SET_MODE (LPCR on the guest's behalf),
 * H_REGISTER_PROC_TBL (radix process table -> KVM_PPC_CONFIGURE_V3_MMU),
 * H_SET_SPRG0, H_RANDOM where the host has a hardware RNG, the
 * hcalls KVM serves itself (splpar: VPA, cede, confer, prod), and the RTAS
 * CPU calls (start-cpu, stop-self, query-cpu-stopped-state).
 * The argument decoders are pure and unit-tested.
 */
#ifndef PVMM_SPAPR_CPU_H
#define PVMM_SPAPR_CPU_H

#include <stdbool.h>
#include <stdint.h>

struct set_mode_req { uint64_t lpcr_set, lpcr_clear; };
/* Returns H_SUCCESS with req filled, or the PAPR error for the arguments. */
long set_mode_decode(const uint64_t *args, struct set_mode_req *req);

struct proc_tbl_req {
	bool deregister;
	uint64_t process_table;	/* PATB1 layout: base | size field */
	bool gtse;
};
long proc_tbl_decode(const uint64_t *args, uint64_t ram_size, struct proc_tbl_req *req);

int spapr_cpu_init(void);
/* start-cpu, stop-self, query-cpu-stopped-state (pure; spapr_cpu_init
 * registers them too). */
int spapr_cpu_rtas_register(void);
struct vm;
/* After KVM_CREATE_VM: H_RANDOM where KVM serves it (sets vm->hwrng). */
int spapr_cpu_offer_hwrng(struct vm *vm);

#endif
