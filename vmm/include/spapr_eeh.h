/*
 * EEH, PAPR's PCI error recovery, for a guest PHB: the RTAS calls a guest
 * uses to enable EEH, read its PE's state, reset, reconfigure and thaw it
 * after a freeze, and inject errors, as QEMU's pseries maps them onto
 * VFIO_EEH_PE_OP (hw/ppc/spapr_pci.c, spapr_pci_vfio.c). Pure: argument
 * decoding, validation and the RTAS answers live here; the PE operations
 * (VFIO ioctls on the PHB's container) and the functions' MSI state are
 * the ops', so every guest-supplied value is unit-tested natively.
 *
 * A PHB offers EEH only when its container holds exactly one IOMMU group
 * and the host has EEH: the host kernel applies VFIO_EEH_PE_OP to every
 * group of a container in turn, so with two the PE state it reports is
 * one group's (QEMU refuses the same way). The whole PHB is then one PE,
 * whose address is (bus << 16) + 1, bus 0 on pvmm's PHBs, as QEMU has it.
 */
#ifndef PVMM_SPAPR_EEH_H
#define PVMM_SPAPR_EEH_H

#include <stdbool.h>
#include <stdint.h>

struct rtas_call;
struct guest_mem;
struct report;

/* ibm,set-eeh-option's options */
#define EEH_OPT_DISABLE		0
#define EEH_OPT_ENABLE		1
#define EEH_OPT_THAW_MMIO	2
#define EEH_OPT_THAW_DMA	3
/* ibm,set-slot-reset's options (2 is not one) */
#define EEH_RESET_DEACTIVATE	0
#define EEH_RESET_HOT		1
#define EEH_RESET_FUNDAMENTAL	3
/* ibm,get-config-addr-info2's functions and the PE modes it answers */
#define EEH_ADDR_INFO_PE_ADDR	0
#define EEH_ADDR_INFO_MODE	1
#define EEH_PE_MODE_NOT_SHARED	1	/* the PE is one function */
#define EEH_PE_MODE_SHARED	2	/* several functions share it */
/* ibm,slot-error-detail's log kinds */
#define EEH_LOG_TEMP		1
#define EEH_LOG_PERM		2
#define EEH_LOG_MAX		2048	/* /rtas rtas-error-log-max */
/* ibm,read-slot-reset-state2: EEH supported, and how long a guest waits
 * when the state is unavailable (ms), as QEMU answers */
#define EEH_STATE_SUPPORTED	1
#define EEH_STATE_UNAVAIL_WAIT_MS 1000

/* ibm,errinjct: the error types pvmm injects (their tokens, as PAPR
 * numbers them and /rtas ibm,errinjct-tokens announces), the IOA bus
 * error functions (0..19, the same in PAPR, OPAL and VFIO) and the 1 KiB
 * work buffer. */
#define ERRINJCT_IOA_BUS_ERROR		7
#define ERRINJCT_IOA_BUS_ERROR_64	15
#define ERRINJCT_FUNC_LD_MEM_ADDR	0
#define ERRINJCT_FUNC_LD_MEM_DATA	1
#define ERRINJCT_FUNC_LD_CFG_ADDR	4
#define ERRINJCT_FUNC_ST_MEM_DATA	7
#define ERRINJCT_FUNC_ST_CFG_DATA	11
#define ERRINJCT_FUNC_DMA_RD_ADDR	12
#define ERRINJCT_FUNC_MAX		19
#define ERRINJCT_BUF_SIZE		1024
/* VFIO's (Linux's EEH_ERR_TYPE_32/64) */
#define EEH_INJECT_TYPE_32		0
#define EEH_INJECT_TYPE_64		1
/* ibm,open-errinjct / ibm,close-errinjct statuses beyond the common ones
 * (as QEMU's errinjct patches have them) */
#define RTAS_OUT_ERRINJCT_ALREADY_OPEN	-4
#define RTAS_OUT_ERRINJCT_NOT_OPEN	-5

/* What ibm,errinjct asks of a PE, decoded from the work buffer. */
struct eeh_inject {
	uint64_t buid;			/* the PHB it names */
	uint32_t pe_addr;		/* the config or PE address it names */
	uint32_t type;			/* EEH_INJECT_TYPE_* */
	uint32_t func;			/* ERRINJCT_FUNC_* */
	uint64_t addr, mask;		/* as the host reads them (eeh_inject_for_host) */
};

struct eeh_ops {
	/* VFIO_EEH_PE_OP op on the PE: >= 0 (the state, for GET_STATE) or -errno */
	int (*pe_op)(void *opaque, uint32_t op);
	/* VFIO_EEH_PE_INJECT_ERR: 0 or -errno */
	int (*inject)(void *opaque, const struct eeh_inject *inj);
	/* RTAS status of a config address naming a function of the PHB */
	int (*check_fn)(void *opaque, uint32_t cfg_addr);
	/* A hot or fundamental reset clears the functions' MSI and MSI-X
	 * set-up in the device, which the host does not restore (it restores
	 * their BARs): once the reset is deasserted, the vectors the guest
	 * still has enabled go to VFIO again, which programs them anew. */
	void (*msi_rearm)(void *opaque);
};

/* The calls a PHB serves, in one table (name, shape). */
enum eeh_call {
	EEH_CALL_SET_OPTION,		/* ibm,set-eeh-option */
	EEH_CALL_ADDR_INFO2,		/* ibm,get-config-addr-info2 */
	EEH_CALL_READ_STATE2,		/* ibm,read-slot-reset-state2 */
	EEH_CALL_SLOT_RESET,		/* ibm,set-slot-reset */
	EEH_CALL_CONFIGURE_PE,		/* ibm,configure-pe */
	EEH_CALL_CONFIGURE_BRIDGE,	/* ibm,configure-bridge: the same */
	EEH_CALL_ERROR_DETAIL,		/* ibm,slot-error-detail */
	EEH_CALLS
};

struct eeh_counts {
	uint64_t calls, param_errors, host_errors;
	uint64_t enables, thaws, resets, configures, state_reads, injections;
};

/* A PHB's EEH state; the PHB's lock guards it. */
struct spapr_eeh {
	char name[16];			/* "PHB 0", for messages */
	bool offered;
	char why_not[96];		/* when not offered: the reason, for the summary */
	uint64_t buid;
	uint32_t pe_addr;		/* eeh_pe_addr(0) */
	unsigned int nr_fns;		/* the PE's functions (its mode) */
	bool reset_asserted;		/* hot or fundamental, not yet deasserted */
	int last_state;			/* the PE state last read, -1: none yet */
	int last_host_errno;		/* the last failed op's errno, 0: none */
	struct eeh_counts n;
	const struct eeh_ops *ops;
	void *opaque;
};

/* The PE address of a PE whose primary bus is bus. */
uint32_t eeh_pe_addr(uint8_t bus);
/* The offer rule: exactly one group in the container, EEH on the host.
 * Writes the reason into why (len bytes) when it says no. */
bool eeh_offer(unsigned int nr_groups, bool host_eeh, char *why, unsigned int len);
/* A PHB's EEH, set up: offered or not (why_not says), PE at bus 0. */
void eeh_init(struct spapr_eeh *e, const char *name, bool offered, const char *why_not,
	      uint64_t buid, unsigned int nr_fns, const struct eeh_ops *ops, void *opaque);

/* Each call's RTAS name, and the BUID its arguments name (cells 1 and 2). */
const char *eeh_call_name(enum eeh_call k);
uint64_t eeh_call_buid(const struct rtas_call *c);
/* True if c has the call's shape; otherwise the parameter error is set
 * (when there is room for a status) and false returned. */
bool eeh_call_shape_ok(enum eeh_call k, struct rtas_call *c);
/* Serve a call of the right shape on e (NULL: no EEH PE at the BUID it
 * names: parameter error). mem: the guest's RAM, for the buffers of
 * ibm,slot-error-detail. */
void eeh_call(struct spapr_eeh *e, enum eeh_call k, const struct guest_mem *mem, struct rtas_call *c);

/* The set-eeh-option and set-slot-reset values as VFIO_EEH_PE_OP ops;
 * false for a value out of range. */
bool eeh_option_op(uint32_t option, uint32_t *op);
bool eeh_reset_op(uint32_t option, uint32_t *op);
/* Does addr name e's PE: its PE address, or (as Linux before 5.10
 * passes) the config address, register 0, of one of its functions? */
bool eeh_addr_names_pe(const struct spapr_eeh *e, uint32_t addr);

/* ibm,open-errinjct() -> token, status (in that order, as PAPR has it)
 * and ibm,close-errinjct(token) -> status, on the VM's one session
 * (*session: its token, 0 when closed; *next: the last token given). */
void eeh_errinjct_open(uint32_t *session, uint32_t *next, struct rtas_call *c);
void eeh_errinjct_close(uint32_t *session, struct rtas_call *c);
/* ibm,errinjct(type, token, buffer) -> status: the RTAS status of its
 * arguments and work buffer (1 KiB aligned, in guest RAM), *inj decoded
 * when it is success. Which PHB then serves it is the BUID in *inj. */
int eeh_errinjct_decode(const struct guest_mem *mem, uint32_t session, const struct rtas_call *c,
			struct eeh_inject *inj);
/* Inject *inj into e's PE (NULL: no EEH PE at its BUID): RTAS status. */
int eeh_inject(struct spapr_eeh *e, const struct eeh_inject *inj);

/* The PHB's "eeh" object of the exit summary: offered or why not, and
 * what the guest asked of its PE. */
void eeh_report(const struct spapr_eeh *e, struct report *r);

#endif
