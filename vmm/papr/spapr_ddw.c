/* Dynamic DMA windows: bookkeeping and RTAS decoding (see spapr_ddw.h). */
#include "spapr_ddw.h"
#include "spapr.h"
#include "spapr_rtas.h"
#include "util.h"

#include <string.h>

/* LoPAR's order of the page-size bits (2M came last, out of order). */
static const uint8_t pgsize_shift[] = { 12, 16, 24, 25, 26, 27, 28, 34, 21 };

uint32_t ddw_page_shift(uint32_t bit)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(pgsize_shift); i++)
		if (bit == 1u << i)
			return pgsize_shift[i];
	return 0;
}

uint32_t ddw_page_mask(uint64_t host_pgsizes, uint64_t max_page)
{
	uint32_t mask = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(pgsize_shift); i++) {
		uint64_t size = 1ULL << pgsize_shift[i];
		if ((host_pgsizes & size) && size <= max_page)
			mask |= 1u << i;
	}
	return mask;
}

void ddw_init(struct ddw *d, bool enabled, unsigned int max_windows, uint32_t page_mask,
	      uint64_t max_window_size, uint32_t liobn_base, uint64_t default_size,
	      uint32_t default_shift, const struct ddw_ops *ops, void *opaque)
{
	memset(d, 0, sizeof(*d));
	d->enabled = enabled && max_windows > 1 && page_mask;
	d->max_windows = max_windows < DDW_WINDOWS_MAX ? max_windows : DDW_WINDOWS_MAX;
	d->page_mask = page_mask;
	d->max_window_size = max_window_size;
	d->liobn_base = liobn_base;
	d->default_size = default_size;
	d->default_shift = default_shift;
	d->ops = ops;
	d->opaque = opaque;
	d->win[0] = (struct ddw_slot){ .active = true, .log = -1, .is_default = true };
}

static unsigned int windows_free(const struct ddw *d)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < d->max_windows; i++)
		n += !d->win[i].active;
	return n;
}

static uint32_t largest_shift(uint32_t mask)
{
	uint32_t s = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(pgsize_shift); i++)
		if (mask & (1u << i) && pgsize_shift[i] > s)
			s = pgsize_shift[i];
	return s;
}

int ddw_query(const struct ddw *d, uint32_t *avail, uint64_t *largest_block, uint32_t *mask)
{
	if (!d->enabled)
		return RTAS_OUT_PARAM_ERROR;
	*avail = windows_free(d);
	/* In pages of the largest size: what the guest divides RAM by. */
	*largest_block = d->max_window_size >> largest_shift(d->page_mask);
	*mask = d->page_mask;
	return RTAS_OUT_SUCCESS;
}

static bool page_shift_offered(const struct ddw *d, uint32_t page_shift)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(pgsize_shift); i++)
		if (d->page_mask & (1u << i) && pgsize_shift[i] == page_shift)
			return true;
	return false;
}

/* Host side and bookkeeping of one window in a free slot; *start is
 * its bus address. */
static int window_open(struct ddw *d, unsigned int slot, uint32_t page_shift, uint64_t size,
		       uint64_t *start)
{
	struct ddw_slot *w = &d->win[slot];
	uint32_t liobn = d->liobn_base + slot;
	GUEST_LOG_SCOPE(GUEST_LOG_DDW);	/* a guest can loop on it: the host side's lines too */

	*start = 0;
	if (d->ops->create(d->opaque, slot, liobn, page_shift, size, start))
		return RTAS_OUT_HW_ERROR;
	*w = (struct ddw_slot){ .active = true, .log = -1 };
	d->opened++;
	if (d->nlog < DDW_LOG_MAX) {
		w->log = (int)d->nlog;
		d->log[d->nlog++] = (struct ddw_log_entry){ .slot = slot, .liobn = liobn,
			.start = *start, .size = size, .page_shift = page_shift };
	}
	return RTAS_OUT_SUCCESS;
}

static void window_close(struct ddw *d, unsigned int slot)
{
	struct ddw_slot *w = &d->win[slot];
	uint64_t hcalls = 0;
	GUEST_LOG_SCOPE(GUEST_LOG_DDW);

	d->ops->remove(d->opaque, slot, &hcalls);
	d->closed++;
	if (w->log >= 0) {
		d->log[w->log].removed = true;
		d->log[w->log].hcalls = hcalls;
	}
	memset(w, 0, sizeof(*w));
	w->log = -1;
}

int ddw_create(struct ddw *d, uint32_t page_shift, uint32_t window_shift, uint32_t *liobn,
	       uint64_t *start)
{
	unsigned int slot;
	int st;

	if (!d->enabled || !page_shift_offered(d, page_shift) || window_shift < page_shift ||
	    window_shift > 62 || (1ULL << window_shift) > d->max_window_size)
		return RTAS_OUT_PARAM_ERROR;
	for (slot = 0; slot < d->max_windows && d->win[slot].active; slot++)
		;
	if (slot == d->max_windows)
		return RTAS_OUT_HW_ERROR;	/* no free window: the guest did not query */
	st = window_open(d, slot, page_shift, 1ULL << window_shift, start);
	if (st == RTAS_OUT_SUCCESS)
		*liobn = d->liobn_base + slot;
	return st;
}

int ddw_remove(struct ddw *d, uint32_t liobn)
{
	uint32_t slot = liobn - d->liobn_base;	/* below the base: wraps, too big */

	if (!d->enabled || slot >= d->max_windows || !d->win[slot].active)
		return RTAS_OUT_PARAM_ERROR;
	window_close(d, slot);
	return RTAS_OUT_SUCCESS;
}

/* Back to the boot-time state: only the default window, in slot 0. */
int ddw_reset(struct ddw *d)
{
	int st = RTAS_OUT_SUCCESS;
	uint64_t start;

	if (!d->enabled)
		return RTAS_OUT_PARAM_ERROR;
	for (unsigned int i = 0; i < d->max_windows; i++)
		if (d->win[i].active && !d->win[i].is_default)
			window_close(d, i);
	if (!d->win[0].active) {
		st = window_open(d, 0, d->default_shift, d->default_size, &start);
		d->win[0].is_default = st == RTAS_OUT_SUCCESS;
	}
	return st;
}

/* ---- RTAS: the (config address, BUID hi, BUID lo) triple first ---- */

static int addr_status(struct ddw *d, const struct rtas_call *c)
{
	return d->ops->check_addr(d->opaque, c->args[0], (uint64_t)c->args[1] << 32 | c->args[2]);
}

/* rtas_check, counting a call of the wrong shape as an error. */
static bool shape_ok(struct ddw *d, struct rtas_call *c, uint32_t nargs, uint32_t nret)
{
	if (rtas_check(c, nargs, nret))
		return true;
	d->rtas_errors++;
	return false;
}

static void set_status(struct ddw *d, struct rtas_call *c, int st)
{
	c->rets[0] = (uint32_t)st;
	if (st != RTAS_OUT_SUCCESS)
		d->rtas_errors++;
}

/* (addr, buid hi, buid lo) -> status, windows available, largest block,
 * page sizes, migration; with 6 returns the block is 64 bits (hi, lo). */
void ddw_rtas_query(struct ddw *d, struct rtas_call *c)
{
	uint32_t avail = 0, mask = 0;
	uint64_t block = 0;
	int st;

	if (!shape_ok(d, c, 3, c->nret == 6 ? 6 : 5))
		return;
	st = addr_status(d, c);
	if (st == RTAS_OUT_SUCCESS)
		st = ddw_query(d, &avail, &block, &mask);
	memset(&c->rets[1], 0, (c->nret - 1) * sizeof(c->rets[0]));
	set_status(d, c, st);
	if (st != RTAS_OUT_SUCCESS)
		return;
	c->rets[1] = avail;
	if (c->nret == 5) {
		c->rets[2] = block > 0xffffffffULL ? 0xffffffffu : (uint32_t)block;
		c->rets[3] = mask;
	} else {
		c->rets[2] = (uint32_t)(block >> 32);
		c->rets[3] = (uint32_t)block;
		c->rets[4] = mask;
	}
	/* the last one: page sizes supported for migration, none */
}

/* (addr, buid hi, buid lo, page shift, window shift) -> status, liobn, start hi, lo */
void ddw_rtas_create(struct ddw *d, struct rtas_call *c)
{
	uint32_t liobn = 0;
	uint64_t start = 0;
	int st;

	if (!shape_ok(d, c, 5, 4))
		return;
	st = addr_status(d, c);
	if (st == RTAS_OUT_SUCCESS)
		st = ddw_create(d, c->args[3], c->args[4], &liobn, &start);
	set_status(d, c, st);
	c->rets[1] = liobn;
	c->rets[2] = (uint32_t)(start >> 32);
	c->rets[3] = (uint32_t)start;
}

/* (liobn) -> status */
void ddw_rtas_remove(struct ddw *d, struct rtas_call *c)
{
	if (!shape_ok(d, c, 1, 1))
		return;
	set_status(d, c, ddw_remove(d, c->args[0]));
}

/* (addr, buid hi, buid lo) -> status */
void ddw_rtas_reset(struct ddw *d, struct rtas_call *c)
{
	int st;

	if (!shape_ok(d, c, 3, 1))
		return;
	st = addr_status(d, c);
	if (st == RTAS_OUT_SUCCESS)
		st = ddw_reset(d);
	set_status(d, c, st);
}
