/*
 * Dynamic DMA windows (PAPR DDW): the bookkeeping and RTAS argument handling
 * behind ibm,query-pe-dma-window, ibm,create-pe-dma-window,
 * ibm,remove-pe-dma-window and ibm,reset-pe-dma-window. Pure logic: the
 * host side of a window (VFIO window, KVM or pvmm TCE table) is done by the
 * ops, so every guest-supplied argument can be tested natively.
 *
 * Slot 0 is the default 32-bit window the FDT announces (ibm,dma-window);
 * further slots are windows the guest creates. Slot i has LIOBN base + i.
 */
#ifndef PVMM_SPAPR_DDW_H
#define PVMM_SPAPR_DDW_H

#include <stdbool.h>
#include <stdint.h>

struct rtas_call;

#define DDW_WINDOWS_MAX		2	/* what POWER8/9/10 PHBs offer per PE */
#define DDW_LOG_MAX		16

/* PAPR "IO page sizes" bits of ibm,query-pe-dma-window */
#define DDW_PGSIZE_4K		0x001
#define DDW_PGSIZE_64K		0x002
#define DDW_PGSIZE_16M		0x004
#define DDW_PGSIZE_32M		0x008
#define DDW_PGSIZE_64M		0x010
#define DDW_PGSIZE_128M		0x020
#define DDW_PGSIZE_256M		0x040
#define DDW_PGSIZE_16G		0x080
#define DDW_PGSIZE_2M		0x100

struct ddw_ops {
	/* Create the host side of slot's window; *start is its bus address. */
	int (*create)(void *opaque, unsigned int slot, uint32_t liobn, uint32_t page_shift,
		      uint64_t size, uint64_t *start);
	/* Release it; *hcalls: TCE hcalls the window saw (for the log). */
	void (*remove)(void *opaque, unsigned int slot, uint64_t *hcalls);
	/* RTAS status of a (config address, BUID) pair naming the function. */
	int (*check_addr)(void *opaque, uint32_t cfg_addr, uint64_t buid);
};

/* A slot's state; the window itself is described by its owner (the
 * ops' side: spapr_phb_dma.h), slot i with LIOBN liobn_base + i. */
struct ddw_slot {
	bool active;
	int log;			/* index into the log, -1 for the boot-time default */
	bool is_default;		/* the 32-bit window ibm,dma-window names */
};

/* Every window the guest created, for the exit summary. */
struct ddw_log_entry {
	unsigned int slot;
	uint32_t liobn;
	uint64_t start, size;
	uint32_t page_shift;
	bool removed;
	uint64_t hcalls;		/* set when removed */
};

struct ddw {
	bool enabled;
	unsigned int max_windows;	/* the host's, at most DDW_WINDOWS_MAX */
	uint32_t page_mask;		/* DDW_PGSIZE_* the guest may ask for */
	uint64_t max_window_size;	/* bytes; bounds the host table's memory */
	uint32_t liobn_base;
	uint64_t default_size;		/* slot 0, recreated by reset */
	uint32_t default_shift;
	struct ddw_slot win[DDW_WINDOWS_MAX];
	struct ddw_log_entry log[DDW_LOG_MAX];	/* the first windows, for the summary */
	unsigned int nlog;
	uint64_t opened, closed;		/* every host window, logged or not */
	uint64_t rtas_errors;
	const struct ddw_ops *ops;
	void *opaque;
};

/* The PAPR page-size mask for host IOMMU page sizes (a bitmap of sizes in
 * bytes, as VFIO reports them), keeping only pages no larger than max_page
 * (the host pages backing guest RAM). */
uint32_t ddw_page_mask(uint64_t host_pgsizes, uint64_t max_page);
/* Page shift of one DDW_PGSIZE_* bit, 0 if it is not one. */
uint32_t ddw_page_shift(uint32_t bit);

/* Slot 0 (the default window, already set up) is recorded as active. */
void ddw_init(struct ddw *d, bool enabled, unsigned int max_windows, uint32_t page_mask,
	      uint64_t max_window_size, uint32_t liobn_base, uint64_t default_size,
	      uint32_t default_shift, const struct ddw_ops *ops, void *opaque);

/* The operations, with PAPR RTAS status returns. */
int ddw_query(const struct ddw *d, uint32_t *avail, uint64_t *largest_block, uint32_t *mask);
int ddw_create(struct ddw *d, uint32_t page_shift, uint32_t window_shift, uint32_t *liobn,
	       uint64_t *start);
int ddw_remove(struct ddw *d, uint32_t liobn);
int ddw_reset(struct ddw *d);

/* The RTAS calls: check the shape, decode, answer in c->rets. */
void ddw_rtas_query(struct ddw *d, struct rtas_call *c);
void ddw_rtas_create(struct ddw *d, struct rtas_call *c);
void ddw_rtas_remove(struct ddw *d, struct rtas_call *c);
void ddw_rtas_reset(struct ddw *d, struct rtas_call *c);

#endif
