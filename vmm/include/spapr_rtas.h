/*
 * RTAS: the guest enters the few instructions of firmware/rtas.S, which
 * issue H_RTAS with the address of an argument buffer. This module owns the
 * registry of RTAS calls (name -> token -> handler; each also becomes a
 * property of the /rtas node), decodes and bounds-checks the buffer and
 * writes the results back. Core calls (time, console, power) live here too.
 */
#ifndef PVMM_SPAPR_RTAS_H
#define PVMM_SPAPR_RTAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spapr.h"

struct vcpu;
struct guest_mem;

struct rtas_call {
	uint32_t token, nargs, nret;
	uint32_t args[RTAS_MAX_CELLS];
	uint32_t rets[RTAS_MAX_CELLS];
};

typedef void (*rtas_fn)(struct vcpu *cpu, struct rtas_call *c);

struct rtas_def {
	const char *name;
	rtas_fn fn;		/* NULL: served inside KVM (token defined there) */
};

/* A /rtas property some calls come with besides their tokens (the value
 * is the registrant's). The device tree's room counts RTAS_PROPS_MAX of
 * them at their largest. */
struct rtas_prop {
	const char *name;
	const void *value;
	int len;
};
#define RTAS_PROPS_MAX		4
#define RTAS_PROP_NAME_MAX	32	/* with its NUL */
#define RTAS_PROP_VALUE_MAX	128

struct rtas_entry {
	const struct rtas_def *def;
	uint32_t token;
};

/* Tokens are fixed per call name (spapr_rtas.c's table): from here. */
#define RTAS_TOKEN_BASE 0x2000

/* The buffer address in r4 is a real address: KVM (book3s_rtas.c, KVM_PAM)
 * and QEMU (ppc64_phys_to_real) drop its top 4 bits, and so does pvmm. */
#define RTAS_ADDR_MASK 0x0fffffffffffffffULL
/* KVM's in-kernel RTAS copies a fixed struct rtas_args (3 header cells, 16
 * argument cells, a pointer: 88 bytes, the pointer aligned at 80) before it
 * looks at the token, and refuses nargs >= 16: KVM_RUN then fails with
 * EFAULT or EINVAL. */
#define KVM_RTAS_ARGS_SIZE 88
#define KVM_RTAS_MAX_NARGS 16
#define RTAS_MAX 64			/* calls with a token (stats.h counts on it) */

/* Registers each call under its fixed token. A name not in the table
 * (-ENOENT) or registered twice (-EEXIST) is refused with one error line. */
int rtas_register(const struct rtas_def *defs, size_t n);
/* The fixed token of a call name, 0 if pvmm knows no such call. */
uint32_t rtas_token_of(const char *name);
/* The table itself (tests): *names gets every known name, token order. */
size_t rtas_token_table(const char *const **names);
/* A property for /rtas: -ENOSPC past RTAS_PROPS_MAX, -EINVAL for a name
 * or value longer than the room counts (one error line). */
int rtas_register_prop(const struct rtas_prop *p);
int rtas_prop_count(void);
const struct rtas_prop *rtas_prop_at(int i);
void rtas_reset(void);			/* for tests */
int rtas_count(void);
const struct rtas_entry *rtas_entry_at(int i);
const struct rtas_entry *rtas_lookup_name(const char *name);

/* Decode the buffer at gpa into c. -EFAULT if it is not inside guest RAM,
 * -EINVAL if nargs + nret does not fit. */
int rtas_decode(const struct guest_mem *mem, uint64_t gpa, struct rtas_call *c);
/* Write c->rets back after the args. */
int rtas_encode_rets(const struct guest_mem *mem, uint64_t gpa, const struct rtas_call *c);
/* True if the call has the expected shape; otherwise sets the parameter
 * error (when there is room for a status) and returns false. */
bool rtas_check(struct rtas_call *c, uint32_t nargs, uint32_t nret);
/* True if KVM_RUN failing with err on an H_RTAS whose r4 is r4 is
 * explained by KVM's own read of the buffer, so that pvmm may answer the
 * call itself: EFAULT where the 88 bytes are not all in RAM, EINVAL (nargs
 * >= 16 when KVM read it) always; false for any other failure. */
bool rtas_kvm_refused(const struct guest_mem *mem, uint64_t r4, int err);
/* The H_RTAS handler: decode, dispatch by token, encode. */
long rtas_hcall(struct vcpu *cpu, uint64_t opcode, uint64_t *args);

/* The core RTAS calls and H_RTAS itself. */
int spapr_rtas_init(void);

#endif
