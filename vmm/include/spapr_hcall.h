/*
 * The hcall registry: every hypercall pvmm knows is declared once, in a
 * table owned by the module that serves it, with the ibm,hypertas-functions
 * set it belongs to. The registry dispatches KVM_EXIT_PAPR_HCALL exits,
 * counts them, and hands the FDT builder the list of sets that are served.
 * Pure: handlers may issue ioctls, the registry does not.
 */
#ifndef PVMM_SPAPR_HCALL_H
#define PVMM_SPAPR_HCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vcpu;

/* args[0..8] are r4..r12 on entry; on return they become r4..r12 again,
 * which is how hcalls with several outputs (H_GET_TERM_CHAR) answer. */
typedef long (*hcall_fn)(struct vcpu *cpu, uint64_t opcode, uint64_t *args);

struct hcall_def {
	uint64_t opcode;
	const char *name;
	const char *fdt_set;	/* "hcall-term"...; NULL if in no set */
	hcall_fn fn;		/* NULL: served inside KVM, never reaches pvmm */
};

#define HCALL_MAX 64

int hcall_register(const struct hcall_def *defs, size_t n);
void hcall_reset(void);			/* for tests */
const struct hcall_def *hcall_lookup(uint64_t opcode);
/* Run the handler (H_FUNCTION for anything unknown), recording stats. */
long hcall_dispatch(struct vcpu *cpu, uint64_t opcode, uint64_t *args);
/* NUL-separated, de-duplicated list of the served sets, in registration
 * order, for /rtas/ibm,hypertas-functions. Returns its length in bytes
 * (including every NUL) or -ENOSPC. */
int hcall_fdt_sets(char *buf, size_t len);

#endif
