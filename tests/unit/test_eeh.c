/* spapr_eeh.c: EEH's RTAS calls on a PE behind a fake VFIO layer, every
 * argument checked; error injection's session and work buffer; the
 * summary; /rtas properties calls come with. */
#include "test.h"
#include "support.h"
#include "fdt_builder.h"
#include "layout.h"
#include "report.h"
#include "spapr.h"
#include "spapr_eeh.h"
#include "spapr_rtas.h"
#include "util.h"
#include "vm.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <libfdt.h>
#include <linux/vfio.h>

#define RAM		(64 * KiB)
#define BUID		0x800000020000000ULL
#define FN_DEVFN	0x08		/* slot 1 function 0: config address 0x800 */
#define FN_ADDR		((uint32_t)FN_DEVFN << 8)
#define PE_ADDR		1u

/* The fake VFIO layer: what was asked of it, what it answers. */
static struct fake {
	uint32_t ops[16];
	unsigned int nr_ops;
	int state;			/* GET_STATE's answer */
	int fail;			/* -errno for every op, 0: none */
	unsigned int rearms;
	struct eeh_inject injected;
	unsigned int injections;
} fk;

static int fake_pe_op(void *opaque, uint32_t op)
{
	(void)opaque;
	if (fk.nr_ops < 16)
		fk.ops[fk.nr_ops++] = op;
	if (fk.fail)
		return fk.fail;
	return op == VFIO_EEH_PE_GET_STATE ? fk.state : 0;
}

static int fake_inject(void *opaque, const struct eeh_inject *inj)
{
	(void)opaque;
	fk.injected = *inj;
	fk.injections++;
	return fk.fail;
}

/* One function, at FN_DEVFN on bus 0, as phb_decode would find it. */
static int fake_check_fn(void *opaque, uint32_t cfg_addr)
{
	(void)opaque;
	if (cfg_addr >> 16 & 0xff)
		return RTAS_OUT_HW_ERROR;
	return (cfg_addr >> 8 & 0xff) == FN_DEVFN ? RTAS_OUT_SUCCESS : RTAS_OUT_HW_ERROR;
}

static void fake_rearm(void *opaque)
{
	(void)opaque;
	fk.rearms++;
}

static const struct eeh_ops fake_ops = { fake_pe_op, fake_inject, fake_check_fn, fake_rearm };

static struct vm vm;
static struct spapr_eeh eeh;

static void setup(unsigned int nr_fns)
{
	memset(&fk, 0, sizeof(fk));
	test_vm_init(&vm, RAM);
	eeh_init(&eeh, "PHB 0", true, NULL, BUID, nr_fns, &fake_ops, NULL);
}

static void teardown(void)
{
	free(vm.mem.host);
	vm.mem.host = NULL;
}

/* A call k with these arguments (the BUID in cells 1 and 2 unless
 * given), nret returns; its status. */
static int call(enum eeh_call k, uint32_t nret, struct rtas_call *c, uint32_t nargs, ...)
{
	va_list ap;

	memset(c, 0, sizeof(*c));
	c->nargs = nargs;
	c->nret = nret;
	va_start(ap, nargs);
	for (uint32_t i = 0; i < nargs; i++)
		c->args[i] = va_arg(ap, uint32_t);
	va_end(ap);
	if (!eeh_call_shape_ok(k, c))
		return (int32_t)c->rets[0];
	eeh_call(&eeh, k, &vm.mem, c);
	return (int32_t)c->rets[0];
}

#define HI ((uint32_t)(BUID >> 32))
#define LO ((uint32_t)BUID)

TEST(eeh_pe_address_and_offer_rule)
{
	char why[96];

	CHECK_EQ(eeh_pe_addr(0), 0x00000001);
	CHECK_EQ(eeh_pe_addr(0x12), 0x00120001);
	CHECK(eeh_offer(1, true, why, sizeof(why)));
	CHECK(!eeh_offer(2, true, why, sizeof(why)));
	CHECK_STR_CONTAINS(why, "2 IOMMU groups share its container");
	CHECK(!eeh_offer(0, true, why, sizeof(why)));
	CHECK(!eeh_offer(1, false, why, sizeof(why)));
	CHECK_STR_CONTAINS(why, "VFIO_EEH");
}

TEST(eeh_option_and_reset_values_map_to_vfio_ops)
{
	uint32_t op = 0xdead;

	CHECK(eeh_option_op(EEH_OPT_DISABLE, &op) && op == VFIO_EEH_PE_DISABLE);
	CHECK(eeh_option_op(EEH_OPT_ENABLE, &op) && op == VFIO_EEH_PE_ENABLE);
	CHECK(eeh_option_op(EEH_OPT_THAW_MMIO, &op) && op == VFIO_EEH_PE_UNFREEZE_IO);
	CHECK(eeh_option_op(EEH_OPT_THAW_DMA, &op) && op == VFIO_EEH_PE_UNFREEZE_DMA);
	CHECK(!eeh_option_op(4, &op));
	CHECK(!eeh_option_op(0xffffffff, &op));
	CHECK(eeh_reset_op(EEH_RESET_DEACTIVATE, &op) && op == VFIO_EEH_PE_RESET_DEACTIVATE);
	CHECK(eeh_reset_op(EEH_RESET_HOT, &op) && op == VFIO_EEH_PE_RESET_HOT);
	CHECK(eeh_reset_op(EEH_RESET_FUNDAMENTAL, &op) && op == VFIO_EEH_PE_RESET_FUNDAMENTAL);
	CHECK(!eeh_reset_op(2, &op));
	CHECK(!eeh_reset_op(4, &op));
	CHECK(!eeh_reset_op(0x80000001, &op));
}

TEST(eeh_addresses_that_name_the_pe)
{
	setup(1);
	CHECK(eeh_addr_names_pe(&eeh, PE_ADDR));
	CHECK(eeh_addr_names_pe(&eeh, FN_ADDR));		/* Linux before 5.10 */
	CHECK(!eeh_addr_names_pe(&eeh, FN_ADDR | 0x10));	/* a register, not a function */
	CHECK(!eeh_addr_names_pe(&eeh, FN_ADDR | 0x01000000));	/* extended register bits */
	CHECK(!eeh_addr_names_pe(&eeh, 0x1000));		/* no function there */
	CHECK(!eeh_addr_names_pe(&eeh, 0x00010800));		/* bus 1 */
	CHECK(!eeh_addr_names_pe(&eeh, 0x00010001));		/* another bus's PE address */
	CHECK(!eeh_addr_names_pe(&eeh, 0));
	teardown();
}

TEST(eeh_call_shapes)
{
	static const struct { enum eeh_call k; uint32_t nargs, nret; } good[] = {
		{ EEH_CALL_SET_OPTION, 4, 1 }, { EEH_CALL_ADDR_INFO2, 4, 2 },
		{ EEH_CALL_READ_STATE2, 3, 4 }, { EEH_CALL_READ_STATE2, 3, 5 },
		{ EEH_CALL_SLOT_RESET, 4, 1 }, { EEH_CALL_CONFIGURE_PE, 3, 1 },
		{ EEH_CALL_CONFIGURE_BRIDGE, 3, 1 }, { EEH_CALL_ERROR_DETAIL, 8, 1 },
	};
	struct rtas_call c;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		memset(&c, 0, sizeof(c));
		c.nargs = good[i].nargs;
		c.nret = good[i].nret;
		CHECK(eeh_call_shape_ok(good[i].k, &c));
		c.nargs = good[i].nargs + 1;
		c.rets[0] = 0x1234;
		CHECK(!eeh_call_shape_ok(good[i].k, &c));
		CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_PARAM_ERROR);
		c.nargs = good[i].nargs;
		c.nret = good[i].nret + 2;
		CHECK(!eeh_call_shape_ok(good[i].k, &c));
		/* no return cell: nothing to say it in */
		c.nret = 0;
		c.rets[0] = 0x1234;
		CHECK(!eeh_call_shape_ok(good[i].k, &c));
		CHECK_EQ(c.rets[0], 0x1234);
	}
	memset(&c, 0, sizeof(c));
	c.nargs = 3;
	c.nret = 3;			/* state2 needs 4 */
	CHECK(!eeh_call_shape_ok(EEH_CALL_READ_STATE2, &c));
	CHECK(!strcmp(eeh_call_name(EEH_CALL_SLOT_RESET), "ibm,set-slot-reset"));
	CHECK(!strcmp(eeh_call_name(EEH_CALL_CONFIGURE_BRIDGE), "ibm,configure-bridge"));
}

TEST(eeh_set_option)
{
	struct rtas_call c;

	setup(1);
	/* Linux 5.10 on passes the PE address, before it a function's */
	CHECK_EQ(call(EEH_CALL_SET_OPTION, 1, &c, 4, PE_ADDR, HI, LO, EEH_OPT_ENABLE), 0);
	CHECK_EQ(call(EEH_CALL_SET_OPTION, 1, &c, 4, FN_ADDR, HI, LO, EEH_OPT_ENABLE), 0);
	CHECK_EQ(call(EEH_CALL_SET_OPTION, 1, &c, 4, PE_ADDR, HI, LO, EEH_OPT_THAW_MMIO), 0);
	CHECK_EQ(call(EEH_CALL_SET_OPTION, 1, &c, 4, PE_ADDR, HI, LO, EEH_OPT_THAW_DMA), 0);
	CHECK_EQ(call(EEH_CALL_SET_OPTION, 1, &c, 4, PE_ADDR, HI, LO, EEH_OPT_DISABLE), 0);
	CHECK_EQ(fk.nr_ops, 5);
	CHECK_EQ(fk.ops[0], VFIO_EEH_PE_ENABLE);
	CHECK_EQ(fk.ops[2], VFIO_EEH_PE_UNFREEZE_IO);
	CHECK_EQ(fk.ops[3], VFIO_EEH_PE_UNFREEZE_DMA);
	CHECK_EQ(fk.ops[4], VFIO_EEH_PE_DISABLE);
	CHECK_EQ(eeh.n.enables, 2);
	CHECK_EQ(eeh.n.thaws, 2);
	/* out of range, or naming no PE of this PHB: no op at all */
	CHECK_EQ(call(EEH_CALL_SET_OPTION, 1, &c, 4, PE_ADDR, HI, LO, 4), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(call(EEH_CALL_SET_OPTION, 1, &c, 4, PE_ADDR, HI, LO, 0xffffffff), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(call(EEH_CALL_SET_OPTION, 1, &c, 4, 0x1000, HI, LO, EEH_OPT_ENABLE), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(call(EEH_CALL_SET_OPTION, 1, &c, 4, PE_ADDR, HI, LO + 1, EEH_OPT_ENABLE),
		 RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(call(EEH_CALL_SET_OPTION, 1, &c, 4, PE_ADDR, HI + 1, LO, EEH_OPT_ENABLE),
		 RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(fk.nr_ops, 5);
	CHECK_EQ(eeh.n.param_errors, 3);	/* the other BUIDs name no PE of this PHB */
	/* the host refuses: hardware error */
	fk.fail = -EIO;
	CHECK_EQ(call(EEH_CALL_SET_OPTION, 1, &c, 4, PE_ADDR, HI, LO, EEH_OPT_ENABLE), RTAS_OUT_HW_ERROR);
	CHECK_EQ(eeh.n.host_errors, 1);
	CHECK_EQ(eeh.last_host_errno, EIO);
	teardown();
}

TEST(eeh_get_config_addr_info2)
{
	struct rtas_call c;

	setup(1);
	CHECK_EQ(call(EEH_CALL_ADDR_INFO2, 2, &c, 4, FN_ADDR, HI, LO, EEH_ADDR_INFO_MODE), 0);
	CHECK_EQ(c.rets[1], EEH_PE_MODE_NOT_SHARED);
	CHECK_EQ(call(EEH_CALL_ADDR_INFO2, 2, &c, 4, FN_ADDR, HI, LO, EEH_ADDR_INFO_PE_ADDR), 0);
	CHECK_EQ(c.rets[1], PE_ADDR);
	CHECK_EQ(call(EEH_CALL_ADDR_INFO2, 2, &c, 4, FN_ADDR, HI, LO, 2), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(c.rets[1], 0);
	/* a function's address only, of this PHB */
	CHECK_EQ(call(EEH_CALL_ADDR_INFO2, 2, &c, 4, PE_ADDR, HI, LO, 0), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(call(EEH_CALL_ADDR_INFO2, 2, &c, 4, 0x1000, HI, LO, 0), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(call(EEH_CALL_ADDR_INFO2, 2, &c, 4, FN_ADDR, 0, 0, 0), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(fk.nr_ops, 0);
	teardown();
	setup(3);
	CHECK_EQ(call(EEH_CALL_ADDR_INFO2, 2, &c, 4, FN_ADDR, HI, LO, EEH_ADDR_INFO_MODE), 0);
	CHECK_EQ(c.rets[1], EEH_PE_MODE_SHARED);
	teardown();
}

TEST(eeh_read_slot_reset_state2)
{
	struct rtas_call c;

	setup(1);
	fk.state = VFIO_EEH_PE_STATE_STOPPED;
	CHECK_EQ(call(EEH_CALL_READ_STATE2, 4, &c, 3, PE_ADDR, HI, LO), 0);
	CHECK_EQ(c.rets[1], 2);
	CHECK_EQ(c.rets[2], EEH_STATE_SUPPORTED);
	CHECK_EQ(c.rets[3], EEH_STATE_UNAVAIL_WAIT_MS);
	CHECK_EQ(fk.ops[0], VFIO_EEH_PE_GET_STATE);
	fk.state = VFIO_EEH_PE_STATE_NORMAL;
	c.rets[4] = 0x5555;
	CHECK_EQ(call(EEH_CALL_READ_STATE2, 5, &c, 3, FN_ADDR, HI, LO), 0);
	CHECK_EQ(c.rets[1], 0);
	CHECK_EQ(c.rets[4], 0);				/* no recovery information */
	CHECK_EQ(eeh.n.state_reads, 2);
	CHECK_EQ(eeh.last_state, 0);
	/* QEMU answers a failed read with a parameter error */
	fk.fail = -ENODEV;
	CHECK_EQ(call(EEH_CALL_READ_STATE2, 4, &c, 3, PE_ADDR, HI, LO), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(c.rets[1], 0);
	fk.fail = 0;
	CHECK_EQ(call(EEH_CALL_READ_STATE2, 4, &c, 3, 0x2000, HI, LO), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(fk.nr_ops, 3);
	teardown();
}

TEST(eeh_set_slot_reset_and_msi)
{
	struct rtas_call c;

	setup(1);
	CHECK_EQ(call(EEH_CALL_SLOT_RESET, 1, &c, 4, PE_ADDR, HI, LO, EEH_RESET_HOT), 0);
	CHECK_EQ(fk.ops[0], VFIO_EEH_PE_RESET_HOT);
	CHECK_EQ(fk.rearms, 0);
	CHECK_EQ(call(EEH_CALL_SLOT_RESET, 1, &c, 4, PE_ADDR, HI, LO, EEH_RESET_DEACTIVATE), 0);
	CHECK_EQ(fk.ops[1], VFIO_EEH_PE_RESET_DEACTIVATE);
	CHECK_EQ(fk.rearms, 1);				/* the MSIs are back */
	/* a deassert with no reset before it leaves the MSIs alone */
	CHECK_EQ(call(EEH_CALL_SLOT_RESET, 1, &c, 4, PE_ADDR, HI, LO, EEH_RESET_DEACTIVATE), 0);
	CHECK_EQ(fk.rearms, 1);
	CHECK_EQ(call(EEH_CALL_SLOT_RESET, 1, &c, 4, FN_ADDR, HI, LO, EEH_RESET_FUNDAMENTAL), 0);
	CHECK_EQ(fk.ops[3], VFIO_EEH_PE_RESET_FUNDAMENTAL);
	CHECK_EQ(call(EEH_CALL_SLOT_RESET, 1, &c, 4, PE_ADDR, HI, LO, EEH_RESET_HOT), 0);
	CHECK_EQ(call(EEH_CALL_SLOT_RESET, 1, &c, 4, PE_ADDR, HI, LO, EEH_RESET_DEACTIVATE), 0);
	CHECK_EQ(fk.rearms, 2);
	CHECK_EQ(eeh.n.resets, 3);
	/* 2 is no option; nothing reaches the host */
	CHECK_EQ(call(EEH_CALL_SLOT_RESET, 1, &c, 4, PE_ADDR, HI, LO, 2), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(call(EEH_CALL_SLOT_RESET, 1, &c, 4, PE_ADDR, HI, LO, 4), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(call(EEH_CALL_SLOT_RESET, 1, &c, 4, 0x00010001, HI, LO, 1), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(fk.nr_ops, 6);
	/* a reset the host refuses asserted nothing: no MSI re-arm after */
	fk.fail = -EIO;
	CHECK_EQ(call(EEH_CALL_SLOT_RESET, 1, &c, 4, PE_ADDR, HI, LO, EEH_RESET_HOT), RTAS_OUT_HW_ERROR);
	fk.fail = 0;
	CHECK_EQ(call(EEH_CALL_SLOT_RESET, 1, &c, 4, PE_ADDR, HI, LO, EEH_RESET_DEACTIVATE), 0);
	CHECK_EQ(fk.rearms, 2);
	teardown();
}

TEST(eeh_configure_pe_and_bridge)
{
	struct rtas_call c;

	setup(1);
	CHECK_EQ(call(EEH_CALL_CONFIGURE_PE, 1, &c, 3, PE_ADDR, HI, LO), 0);
	CHECK_EQ(call(EEH_CALL_CONFIGURE_BRIDGE, 1, &c, 3, FN_ADDR, HI, LO), 0);
	CHECK_EQ(fk.ops[0], VFIO_EEH_PE_CONFIGURE);
	CHECK_EQ(fk.ops[1], VFIO_EEH_PE_CONFIGURE);
	CHECK_EQ(eeh.n.configures, 2);
	fk.fail = -EIO;			/* QEMU: a parameter error */
	CHECK_EQ(call(EEH_CALL_CONFIGURE_PE, 1, &c, 3, PE_ADDR, HI, LO), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(call(EEH_CALL_CONFIGURE_PE, 1, &c, 3, 7, HI, LO), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(fk.nr_ops, 3);
	teardown();
}

TEST(eeh_slot_error_detail)
{
	struct rtas_call c;

	setup(1);
	CHECK_EQ(call(EEH_CALL_ERROR_DETAIL, 1, &c, 8, PE_ADDR, HI, LO, 0x1000, 4096, 0x3000, 2048,
		      EEH_LOG_TEMP), RTAS_OUT_NO_ERRORS_FOUND);
	CHECK_EQ(call(EEH_CALL_ERROR_DETAIL, 1, &c, 8, PE_ADDR, HI, LO, 0, 0, 0x3000, 1024,
		      EEH_LOG_PERM), RTAS_OUT_NO_ERRORS_FOUND);
	/* the log kind, the buffers: inside RAM, the error log no longer
	 * than rtas-error-log-max */
	CHECK_EQ(call(EEH_CALL_ERROR_DETAIL, 1, &c, 8, PE_ADDR, HI, LO, 0, 0, 0x3000, 1024, 3),
		 RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(call(EEH_CALL_ERROR_DETAIL, 1, &c, 8, PE_ADDR, HI, LO, 0, 0, 0x3000, 2049, 1),
		 RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(call(EEH_CALL_ERROR_DETAIL, 1, &c, 8, PE_ADDR, HI, LO, 0, 0, RAM - 16, 32, 1),
		 RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(call(EEH_CALL_ERROR_DETAIL, 1, &c, 8, PE_ADDR, HI, LO, 0xfffffff0, 0x100, 0x3000,
		      16, 1), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(call(EEH_CALL_ERROR_DETAIL, 1, &c, 8, 0x1800, HI, LO, 0, 0, 0x3000, 16, 1),
		 RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(fk.nr_ops, 0);
	teardown();
}

/* No PE at that BUID (NULL), or EEH not offered there: parameter error,
 * nothing reaches any host. */
TEST(eeh_no_pe_is_a_parameter_error)
{
	struct rtas_call c;

	setup(1);
	memset(&c, 0, sizeof(c));
	c.nargs = 4;
	c.nret = 1;
	c.args[0] = PE_ADDR;
	c.args[1] = HI;
	c.args[2] = LO;
	c.args[3] = EEH_OPT_ENABLE;
	eeh_call(NULL, EEH_CALL_SET_OPTION, &vm.mem, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_PARAM_ERROR);
	eeh_init(&eeh, "PHB 1", false, "2 IOMMU groups", BUID, 1, &fake_ops, NULL);
	CHECK_EQ(call(EEH_CALL_SET_OPTION, 1, &c, 4, PE_ADDR, HI, LO, EEH_OPT_ENABLE), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(call(EEH_CALL_READ_STATE2, 4, &c, 3, PE_ADDR, HI, LO), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(fk.nr_ops, 0);
	CHECK_EQ(eeh.n.calls, 0);
	teardown();
}

/* ---- error injection ---- */

TEST(eeh_errinjct_session)
{
	uint32_t session = 0, last = 0;
	struct rtas_call c = { .nargs = 0, .nret = 2 };

	eeh_errinjct_open(&session, &last, &c);
	CHECK_EQ((int32_t)c.rets[1], 0);		/* the status is the second return */
	CHECK(c.rets[0] != 0 && c.rets[0] == session);
	eeh_errinjct_open(&session, &last, &c);
	CHECK_EQ((int32_t)c.rets[1], RTAS_OUT_ERRINJCT_ALREADY_OPEN);
	CHECK_EQ(c.rets[0], 0);
	c = (struct rtas_call){ .nargs = 1, .nret = 1, .args = { session + 1 } };
	eeh_errinjct_close(&session, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_ERRINJCT_NOT_OPEN);
	CHECK(session != 0);
	c.args[0] = session;
	eeh_errinjct_close(&session, &c);
	CHECK_EQ((int32_t)c.rets[0], 0);
	CHECK_EQ(session, 0);
	eeh_errinjct_close(&session, &c);		/* closed twice */
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_ERRINJCT_NOT_OPEN);
	/* a new session gets a new token, never 0 */
	last = 0xffffffff;
	c = (struct rtas_call){ .nargs = 0, .nret = 2 };
	eeh_errinjct_open(&session, &last, &c);
	CHECK_EQ(c.rets[0], 1);
	/* wrong shapes */
	c = (struct rtas_call){ .nargs = 1, .nret = 2 };
	eeh_errinjct_open(&session, &last, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_PARAM_ERROR);
	c = (struct rtas_call){ .nargs = 2, .nret = 1 };
	eeh_errinjct_close(&session, &c);
	CHECK_EQ((int32_t)c.rets[0], RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(session, 1);
}

/* The work buffer at gpa: 32-bit or 64-bit layout. */
static void put_buf(uint64_t gpa, bool is64, uint64_t addr, uint64_t mask, uint32_t pe,
		    uint64_t buid, uint32_t func)
{
	uint8_t *b = vm.mem.host + gpa;

	memset(b, 0, ERRINJCT_BUF_SIZE);
	if (is64) {
		store_be64(b, addr);
		store_be64(b + 8, mask);
		b += 16;
	} else {
		store_be32(b, (uint32_t)addr);
		store_be32(b + 4, (uint32_t)mask);
		b += 8;
	}
	store_be32(b, pe);
	store_be64(b + 4, buid);
	store_be32(b + 12, func);
}

static int decode(uint32_t session, uint32_t type, uint32_t token, uint32_t buf, struct eeh_inject *inj)
{
	struct rtas_call c = { .nargs = 3, .nret = 1, .args = { type, token, buf } };

	return eeh_errinjct_decode(&vm.mem, session, &c, inj);
}

TEST(eeh_errinjct_work_buffer)
{
	struct eeh_inject inj;

	setup(1);
	put_buf(0x2000, false, 0x80001000, 0xfffff000, PE_ADDR, BUID, ERRINJCT_FUNC_LD_MEM_DATA);
	CHECK_EQ(decode(7, ERRINJCT_IOA_BUS_ERROR, 7, 0x2000, &inj), 0);
	CHECK_EQ(inj.type, EEH_INJECT_TYPE_32);
	CHECK_EQ(inj.addr, 0x80001000);
	CHECK_EQ(inj.mask, 0xfffff000);
	CHECK_EQ(inj.pe_addr, PE_ADDR);
	CHECK_EQ(inj.buid, BUID);
	CHECK_EQ(inj.func, ERRINJCT_FUNC_LD_MEM_DATA);
	put_buf(0x2400, true, 0x123456789000ULL, 0xfffffffffffff000ULL, FN_ADDR, BUID,
		ERRINJCT_FUNC_DMA_RD_ADDR);
	CHECK_EQ(decode(7, ERRINJCT_IOA_BUS_ERROR_64, 7, 0x2400, &inj), 0);
	CHECK_EQ(inj.type, EEH_INJECT_TYPE_64);
	CHECK_EQ(inj.addr, 0x123456789000ULL);
	CHECK_EQ(inj.mask, 0xfffffffffffff000ULL);
	CHECK_EQ(inj.pe_addr, FN_ADDR);
	CHECK_EQ(inj.func, ERRINJCT_FUNC_DMA_RD_ADDR);
	/* no session, another session's token, a type pvmm does not
	 * announce, a buffer not 1 KiB aligned or not in RAM, function 20 */
	CHECK_EQ(decode(0, ERRINJCT_IOA_BUS_ERROR, 0, 0x2000, &inj), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(decode(7, ERRINJCT_IOA_BUS_ERROR, 8, 0x2000, &inj), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(decode(7, 1, 7, 0x2000, &inj), RTAS_OUT_PARAM_ERROR);	/* fatal */
	CHECK_EQ(decode(7, 4, 7, 0x2000, &inj), RTAS_OUT_PARAM_ERROR);	/* corrupted-page */
	CHECK_EQ(decode(7, ERRINJCT_IOA_BUS_ERROR, 7, 0x2004, &inj), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(decode(7, ERRINJCT_IOA_BUS_ERROR, 7, RAM, &inj), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(decode(7, ERRINJCT_IOA_BUS_ERROR, 7, 0xfffffc00, &inj), RTAS_OUT_PARAM_ERROR);
	put_buf(0x2000, false, 0, 0, PE_ADDR, BUID, ERRINJCT_FUNC_MAX + 1);
	CHECK_EQ(decode(7, ERRINJCT_IOA_BUS_ERROR, 7, 0x2000, &inj), RTAS_OUT_PARAM_ERROR);
	put_buf(0x2000, false, 0, 0, PE_ADDR, BUID, ERRINJCT_FUNC_MAX);
	CHECK_EQ(decode(7, ERRINJCT_IOA_BUS_ERROR, 7, 0x2000, &inj), 0);
	teardown();
}

TEST(eeh_inject_reaches_only_this_pe)
{
	struct eeh_inject inj = { .buid = BUID, .pe_addr = PE_ADDR, .type = EEH_INJECT_TYPE_64,
				  .func = ERRINJCT_FUNC_LD_MEM_ADDR, .addr = 0x80001000, .mask = ~0ULL };

	setup(1);
	/* the guest's MMIO address means nothing to the host: any of the PE's */
	CHECK_EQ(eeh_inject(&eeh, &inj), 0);
	CHECK_EQ(fk.injected.addr, 0);
	CHECK_EQ(fk.injected.mask, 0);
	CHECK_EQ(fk.injected.func, ERRINJCT_FUNC_LD_MEM_ADDR);
	CHECK_EQ(fk.injected.type, EEH_INJECT_TYPE_64);
	inj.func = ERRINJCT_FUNC_ST_CFG_DATA;
	CHECK_EQ(eeh_inject(&eeh, &inj), 0);
	CHECK_EQ(fk.injected.addr, 0);
	/* a DMA address is a bus address of the PE's windows, the host's too */
	inj.func = ERRINJCT_FUNC_DMA_RD_ADDR;
	inj.addr = 0x8000000000000000ULL;
	inj.mask = 0xffffffffffff0000ULL;
	CHECK_EQ(eeh_inject(&eeh, &inj), 0);
	CHECK_EQ(fk.injected.addr, 0x8000000000000000ULL);
	CHECK_EQ(fk.injected.mask, 0xffffffffffff0000ULL);
	CHECK_EQ(eeh.n.injections, 3);
	/* another PHB's BUID or PE, or none */
	inj.buid = BUID + 1;
	CHECK_EQ(eeh_inject(&eeh, &inj), RTAS_OUT_PARAM_ERROR);
	inj.buid = BUID;
	inj.pe_addr = 0x00010001;
	CHECK_EQ(eeh_inject(&eeh, &inj), RTAS_OUT_PARAM_ERROR);
	inj.pe_addr = PE_ADDR;
	CHECK_EQ(eeh_inject(NULL, &inj), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(fk.injections, 3);
	/* the host cannot (no OPAL support, no such function on this PHB) */
	fk.fail = -ENXIO;
	CHECK_EQ(eeh_inject(&eeh, &inj), RTAS_OUT_HW_ERROR);
	CHECK_EQ(eeh.n.host_errors, 1);
	teardown();
}

/* ---- what the summary says ---- */

static const char *report_text(const struct spapr_eeh *e)
{
	static char buf[1024];
	struct report r;
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	report_init_text(&r, f);
	report_object_begin(&r, NULL);
	eeh_report(e, &r);
	report_object_end(&r);
	fclose(f);
	return buf;
}

TEST(eeh_summary)
{
	struct rtas_call c;

	setup(1);
	call(EEH_CALL_SET_OPTION, 1, &c, 4, PE_ADDR, HI, LO, EEH_OPT_ENABLE);
	call(EEH_CALL_SLOT_RESET, 1, &c, 4, PE_ADDR, HI, LO, EEH_RESET_HOT);
	call(EEH_CALL_SLOT_RESET, 1, &c, 4, PE_ADDR, HI, LO, 9);
	CHECK_STR_CONTAINS(report_text(&eeh), "EEH on PE 0x1: 3 call(s): 1 enable(s)");
	CHECK_STR_CONTAINS(report_text(&eeh), "1 reset(s)");
	CHECK_STR_CONTAINS(report_text(&eeh), "1 parameter error(s), 0 host error(s)");
	eeh_init(&eeh, "PHB 2", false, "2 IOMMU groups share its container", BUID, 2, &fake_ops, NULL);
	CHECK_STR_CONTAINS(report_text(&eeh), "EEH not offered: 2 IOMMU groups share its container");
	teardown();
}

/* /rtas carries the properties calls come with (ibm,errinjct-tokens). */
TEST(rtas_props_in_the_tree)
{
	static const char tokens[] = "ioa-bus-error\0" "\0\0\0\x07";
	static const struct rtas_prop prop = { "ibm,errinjct-tokens", tokens, sizeof(tokens) - 1 };
	static char buf[FDT_SIZE_MIN];
	struct guest_layout l = layout_for_ram(512 * MiB);
	struct fdt_params p = {
		.ram_size = 512 * MiB, .nr_vcpus = 1, .cmdline = "",
		.rtas_gpa = l.rtas_gpa, .rtas_size = RTAS_SIZE, .cpu = { .name = "POWER9" },
	};
	const uint8_t *v;
	int len;

	rtas_reset();
	CHECK_EQ(rtas_register_prop(&prop), 0);
	CHECK_EQ(rtas_prop_count(), 1);
	CHECK(rtas_prop_at(0) == &prop);
	CHECK(rtas_prop_at(1) == NULL);
	CHECK_EQ(fdt_build(buf, sizeof(buf), &p), 0);
	v = fdt_getprop(buf, fdt_path_offset(buf, "/rtas"), "ibm,errinjct-tokens", &len);
	CHECK_EQ(len, 18);
	CHECK(v && !memcmp(v, "ioa-bus-error", 14) && load_be32(v + 14) == 7);
	for (int i = 1; i < RTAS_PROPS_MAX; i++)
		CHECK_EQ(rtas_register_prop(&prop), 0);
	stderr_capture_begin();
	CHECK_EQ(rtas_register_prop(&prop), -ENOSPC);
	CHECK_STR_CONTAINS(stderr_capture_end(), "ibm,errinjct-tokens");
	rtas_reset();
	CHECK_EQ(rtas_prop_count(), 0);
	/* what the device tree's room does not count is refused */
	static const struct rtas_prop too_long = { "x", tokens, RTAS_PROP_VALUE_MAX + 1 };
	static const struct rtas_prop long_name = { "a-name-longer-than-the-room-counts", tokens, 4 };
	stderr_capture_begin();
	CHECK_EQ(rtas_register_prop(&too_long), -EINVAL);
	CHECK_EQ(rtas_register_prop(&long_name), -EINVAL);
	stderr_capture_end();
	CHECK_EQ(rtas_prop_count(), 0);
}
