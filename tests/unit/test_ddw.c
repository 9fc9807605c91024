/* spapr_ddw.c: DDW bookkeeping, RTAS decoding and every invalid argument. */
#include "test.h"
#include "spapr.h"
#include "spapr_ddw.h"
#include "spapr_rtas.h"

#include <string.h>

#define LIOBN 0x80000000u
#define BUID 0x800000020000000ULL
#define DDW_START 0x0800000000000000ULL

static int creates, removes, fail_create;
static unsigned int last_slot;
static uint32_t last_liobn, last_shift;
static uint64_t last_size;

static int fake_create(void *o, unsigned int slot, uint32_t liobn, uint32_t page_shift,
		       uint64_t size, uint64_t *start)
{
	(void)o;
	if (fail_create)
		return -28;
	creates++;
	last_slot = slot;
	last_liobn = liobn;
	last_shift = page_shift;
	last_size = size;
	*start = slot ? DDW_START : 0;
	return 0;
}

static void fake_remove(void *o, unsigned int slot, uint64_t *hcalls)
{
	(void)o;
	removes++;
	last_slot = slot;
	*hcalls = 7;
}

static int fake_check(void *o, uint32_t cfg_addr, uint64_t buid)
{
	(void)o;
	if (buid != BUID)
		return RTAS_OUT_PARAM_ERROR;
	return cfg_addr ? RTAS_OUT_HW_ERROR : RTAS_OUT_SUCCESS;
}

static const struct ddw_ops ops = { fake_create, fake_remove, fake_check };

/* 512 MiB of RAM, host pages 4K/64K, two windows: what powernv offers. */
static void setup(struct ddw *d, bool enabled)
{
	creates = removes = fail_create = 0;
	ddw_init(d, enabled, 2, DDW_PGSIZE_4K | DDW_PGSIZE_64K, 512ULL << 20, LIOBN,
		 512ULL << 20, 12, &ops, NULL);
}

static void call(struct rtas_call *c, uint32_t nargs, uint32_t nret, const uint32_t *args)
{
	memset(c, 0, sizeof(*c));
	c->nargs = nargs;
	c->nret = nret;
	memcpy(c->args, args, nargs * sizeof(uint32_t));
	memset(c->rets, 0xee, sizeof(c->rets));
}

TEST(ddw_page_mask_from_host)
{
	/* powernv: 4K, 64K, 2M, 1G; guest RAM on 64K pages */
	CHECK_EQ(ddw_page_mask(0x40211000ULL, 0x10000), DDW_PGSIZE_4K | DDW_PGSIZE_64K);
	/* pseries: 4K, 64K, 2M, 16M; huge-page backing would allow 2M and 16M */
	CHECK_EQ(ddw_page_mask(0x1211000ULL, 1ULL << 24),
		 DDW_PGSIZE_4K | DDW_PGSIZE_64K | DDW_PGSIZE_2M | DDW_PGSIZE_16M);
	CHECK_EQ(ddw_page_mask(0, 0x10000), 0);
	CHECK_EQ(ddw_page_shift(DDW_PGSIZE_64K), 16);
	CHECK_EQ(ddw_page_shift(DDW_PGSIZE_2M), 21);
	CHECK_EQ(ddw_page_shift(3), 0);
}

TEST(ddw_query_create_remove)
{
	struct ddw d;
	struct rtas_call c;

	setup(&d, true);
	call(&c, 3, 5, (uint32_t[]){ 0, BUID >> 32, (uint32_t)BUID });
	ddw_rtas_query(&d, &c);
	CHECK_EQ(c.rets[0], RTAS_OUT_SUCCESS);
	CHECK_EQ(c.rets[1], 1);				/* one free besides the default */
	CHECK_EQ(c.rets[2], (512u << 20) >> 16);	/* in 64K pages */
	CHECK_EQ(c.rets[3], DDW_PGSIZE_4K | DDW_PGSIZE_64K);
	CHECK_EQ(c.rets[4], 0);
	/* the 6-return form: a 64-bit block */
	call(&c, 3, 6, (uint32_t[]){ 0, BUID >> 32, (uint32_t)BUID });
	ddw_rtas_query(&d, &c);
	CHECK_EQ(c.rets[0], RTAS_OUT_SUCCESS);
	CHECK_EQ(c.rets[2], 0);
	CHECK_EQ(c.rets[3], 8192);
	CHECK_EQ(c.rets[4], DDW_PGSIZE_4K | DDW_PGSIZE_64K);

	call(&c, 5, 4, (uint32_t[]){ 0, BUID >> 32, (uint32_t)BUID, 16, 29 });
	ddw_rtas_create(&d, &c);
	CHECK_EQ(c.rets[0], RTAS_OUT_SUCCESS);
	CHECK_EQ(c.rets[1], LIOBN + 1);
	CHECK_EQ(c.rets[2], DDW_START >> 32);
	CHECK_EQ(c.rets[3], 0);
	CHECK_EQ(creates, 1);
	CHECK_EQ(last_slot, 1);
	CHECK_EQ(last_shift, 16);
	CHECK_EQ(last_size, 512ULL << 20);
	CHECK_EQ(d.nlog, 1);
	CHECK_EQ(d.log[0].liobn, LIOBN + 1);
	CHECK(!d.log[0].removed);

	call(&c, 3, 5, (uint32_t[]){ 0, BUID >> 32, (uint32_t)BUID });
	ddw_rtas_query(&d, &c);
	CHECK_EQ(c.rets[1], 0);				/* none left */
	/* a second create finds no free window */
	call(&c, 5, 4, (uint32_t[]){ 0, BUID >> 32, (uint32_t)BUID, 16, 29 });
	ddw_rtas_create(&d, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_HW_ERROR);
	CHECK_EQ(creates, 1);

	call(&c, 1, 1, (uint32_t[]){ LIOBN + 1 });
	ddw_rtas_remove(&d, &c);
	CHECK_EQ(c.rets[0], RTAS_OUT_SUCCESS);
	CHECK_EQ(removes, 1);
	CHECK_EQ(last_slot, 1);
	CHECK(d.log[0].removed);
	CHECK_EQ(d.log[0].hcalls, 7);
	/* gone: removing it again is a parameter error */
	ddw_rtas_remove(&d, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(removes, 1);
}

/* A window capped below RAM (pvmm's ddw_max_size): the query's largest
 * block says the cap, a create up to it succeeds, beyond it fails. */
TEST(ddw_capped_window)
{
	struct ddw d;
	struct rtas_call c;

	creates = removes = fail_create = 0;
	ddw_init(&d, true, 2, DDW_PGSIZE_4K, 256ULL << 20, LIOBN, 512ULL << 20, 12, &ops, NULL);
	call(&c, 3, 5, (uint32_t[]){ 0, BUID >> 32, (uint32_t)BUID });
	ddw_rtas_query(&d, &c);
	CHECK_EQ(c.rets[0], RTAS_OUT_SUCCESS);
	CHECK_EQ(c.rets[2], (256u << 20) >> 12);	/* in 4K pages */
	CHECK_EQ(c.rets[3], DDW_PGSIZE_4K);
	call(&c, 5, 4, (uint32_t[]){ 0, BUID >> 32, (uint32_t)BUID, 12, 29 });
	ddw_rtas_create(&d, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(creates, 0);
	call(&c, 5, 4, (uint32_t[]){ 0, BUID >> 32, (uint32_t)BUID, 12, 28 });
	ddw_rtas_create(&d, &c);
	CHECK_EQ(c.rets[0], RTAS_OUT_SUCCESS);
	CHECK_EQ(last_size, 256ULL << 20);
}

TEST(ddw_create_rejects_bad_arguments)
{
	struct ddw d;
	struct rtas_call c;
	static const uint32_t bad[][2] = {
		{ 13, 29 },	/* not a page size */
		{ 24, 29 },	/* 16M: the host pages behind RAM are smaller */
		{ 0, 29 },
		{ 16, 15 },	/* window smaller than a page */
		{ 16, 30 },	/* larger than RAM needs */
		{ 16, 63 },
		{ 16, 200 },
		{ 0xffffffff, 0xffffffff },
	};

	setup(&d, true);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		call(&c, 5, 4, (uint32_t[]){ 0, BUID >> 32, (uint32_t)BUID, bad[i][0], bad[i][1] });
		ddw_rtas_create(&d, &c);
		CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_PARAM_ERROR);
	}
	/* wrong BUID, a device that is not there, wrong shapes */
	call(&c, 5, 4, (uint32_t[]){ 0, 1, 2, 16, 29 });
	ddw_rtas_create(&d, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_PARAM_ERROR);
	call(&c, 5, 4, (uint32_t[]){ 0x800, BUID >> 32, (uint32_t)BUID, 16, 29 });
	ddw_rtas_create(&d, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_HW_ERROR);
	call(&c, 4, 4, (uint32_t[]){ 0, BUID >> 32, (uint32_t)BUID, 16 });
	ddw_rtas_create(&d, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_PARAM_ERROR);
	call(&c, 3, 4, (uint32_t[]){ 0, BUID >> 32, (uint32_t)BUID });
	ddw_rtas_query(&d, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_PARAM_ERROR);
	call(&c, 2, 1, (uint32_t[]){ LIOBN, 0 });
	ddw_rtas_remove(&d, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_PARAM_ERROR);
	call(&c, 1, 1, (uint32_t[]){ 0x12345 });
	ddw_rtas_remove(&d, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_PARAM_ERROR);
	/* the host refusing is a hardware error, and nothing is recorded */
	fail_create = 1;
	call(&c, 5, 4, (uint32_t[]){ 0, BUID >> 32, (uint32_t)BUID, 16, 29 });
	ddw_rtas_create(&d, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_HW_ERROR);
	CHECK_EQ(d.nlog, 0);
	CHECK(!d.win[1].active);
	CHECK_EQ(creates, 0);
	CHECK_EQ(removes, 0);
	CHECK(d.rtas_errors >= 14);
}

TEST(ddw_default_window_removed_and_reset)
{
	struct ddw d;
	struct rtas_call c;

	setup(&d, true);
	/* the guest removes the default window, then creates a 64K one in its place */
	call(&c, 1, 1, (uint32_t[]){ LIOBN });
	ddw_rtas_remove(&d, &c);
	CHECK_EQ(c.rets[0], RTAS_OUT_SUCCESS);
	CHECK_EQ(removes, 1);
	CHECK_EQ(last_slot, 0);
	call(&c, 3, 5, (uint32_t[]){ 0, BUID >> 32, (uint32_t)BUID });
	ddw_rtas_query(&d, &c);
	CHECK_EQ(c.rets[1], 2);
	call(&c, 5, 4, (uint32_t[]){ 0, BUID >> 32, (uint32_t)BUID, 16, 28 });
	ddw_rtas_create(&d, &c);
	CHECK_EQ(c.rets[0], RTAS_OUT_SUCCESS);
	CHECK_EQ(c.rets[1], LIOBN);
	CHECK_EQ(last_slot, 0);
	/* reset: that window goes, the 4K default comes back */
	call(&c, 3, 1, (uint32_t[]){ 0, BUID >> 32, (uint32_t)BUID });
	ddw_rtas_reset(&d, &c);
	CHECK_EQ(c.rets[0], RTAS_OUT_SUCCESS);
	CHECK(d.win[0].active);
	CHECK_EQ(last_slot, 0);
	CHECK_EQ(last_liobn, LIOBN);
	CHECK_EQ(last_size, 512ULL << 20);
	CHECK_EQ(last_shift, 12);
	CHECK_EQ(d.nlog, 2);	/* the guest's window and the restored default */
	/* reset with only the default: nothing to do */
	creates = removes = 0;
	ddw_rtas_reset(&d, &c);
	CHECK_EQ(c.rets[0], RTAS_OUT_SUCCESS);
	CHECK_EQ(creates + removes, 0);
	call(&c, 3, 1, (uint32_t[]){ 0, 0, 0 });
	ddw_rtas_reset(&d, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_PARAM_ERROR);
}

TEST(ddw_off_refuses_everything)
{
	struct ddw d;
	struct rtas_call c;

	setup(&d, false);
	CHECK(!d.enabled);
	call(&c, 3, 5, (uint32_t[]){ 0, BUID >> 32, (uint32_t)BUID });
	ddw_rtas_query(&d, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(c.rets[1], 0);
	call(&c, 5, 4, (uint32_t[]){ 0, BUID >> 32, (uint32_t)BUID, 16, 29 });
	ddw_rtas_create(&d, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_PARAM_ERROR);
	call(&c, 1, 1, (uint32_t[]){ LIOBN });
	ddw_rtas_remove(&d, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(creates + removes, 0);
	/* a host with one window or no usable page size: off as well */
	ddw_init(&d, true, 1, DDW_PGSIZE_64K, 1 << 29, LIOBN, 1 << 29, 12, &ops, NULL);
	CHECK(!d.enabled);
	ddw_init(&d, true, 2, 0, 1 << 29, LIOBN, 1 << 29, 12, &ops, NULL);
	CHECK(!d.enabled);
}
