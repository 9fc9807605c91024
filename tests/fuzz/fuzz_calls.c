/* Fuzz what a guest controls in hcalls and RTAS: the RTAS buffer (anywhere
 * in or out of a small guest RAM), console hcalls, H_SET_MODE and
 * H_REGISTER_PROC_TBL arguments, and the DDW RTAS calls' arguments against
 * their window bookkeeping. Nothing may crash or touch memory outside guest
 * RAM (ASan watches the RAM allocation's bounds), and no window may exceed
 * what DDW offers. */
#include "console.h"
#include "spapr.h"
#include "spapr_ddw.h"
#include "spapr_cpu.h"
#include "spapr_hcall.h"
#include "spapr_rtas.h"
#include "util.h"
#include "vm.h"

#include <stdlib.h>
#include <string.h>

#define RAM (64 * 1024)

static int ddw_create_ok(void *o, unsigned int slot, uint32_t liobn, uint32_t page_shift,
			 uint64_t size, uint64_t *start)
{
	(void)o; (void)liobn;
	if (slot >= DDW_WINDOWS_MAX || size > (1ULL << 29) || page_shift < 12 || size < (1ULL << page_shift))
		abort();
	*start = slot ? 0x0800000000000000ULL : 0;
	return 0;
}

static void ddw_remove_ok(void *o, unsigned int slot, uint64_t *hcalls)
{
	(void)o;
	if (slot >= DDW_WINDOWS_MAX)
		abort();
	*hcalls = 0;
}

static int ddw_addr_ok(void *o, uint32_t cfg_addr, uint64_t buid)
{
	(void)o;
	return cfg_addr == 0 && buid == 1 ? 0 : -3;
}

static const struct ddw_ops ddw_fuzz_ops = { ddw_create_ok, ddw_remove_ok, ddw_addr_ok };

/* One DDW RTAS call decoded from the input, on a state that persists. */
static void fuzz_ddw(const uint64_t *regs)
{
	static struct ddw d;
	static int ready;
	static void (*const fns[])(struct ddw *, struct rtas_call *) = {
		ddw_rtas_query, ddw_rtas_create, ddw_rtas_remove, ddw_rtas_reset,
	};
	struct rtas_call c;
	unsigned int active = 0;

	if (!ready || (regs[7] & 0xff) == 0) {
		ddw_init(&d, true, 2, DDW_PGSIZE_4K | DDW_PGSIZE_64K, 1ULL << 29, 0x80000000u, 0,
			 1ULL << 29, 12, &ddw_fuzz_ops, NULL);
		ready = 1;
	}
	memset(&c, 0, sizeof(c));
	c.nargs = regs[5] % 8;
	c.nret = regs[6] % 8;
	for (unsigned int i = 0; i < c.nargs; i++)
		c.args[i] = (uint32_t)(regs[i / 2] >> (32 * (i % 2)));
	if (regs[7] & 0x100) {		/* a well-formed address, so the checks go deeper */
		c.args[0] = 0;
		c.args[1] = 0;
		c.args[2] = 1;
	}
	fns[(regs[7] >> 9) % 4](&d, &c);
	for (unsigned int i = 0; i < DDW_WINDOWS_MAX; i++)
		active += d.win[i].active;
	if (active > d.max_windows || d.nlog > DDW_LOG_MAX)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vm vm;
	static struct vcpu cpu;
	static int ready;
	uint64_t regs[9];
	struct set_mode_req sm;
	struct proc_tbl_req pt;

	if (size < 8 * 9)
		return 0;
	if (!ready) {
		vm_init_struct(&vm);
		config_defaults(&vm.cfg);
		vm.cfg.console = CONSOLE_NONE;
		vm.mem.host = malloc(RAM);
		vm.mem.size = RAM;
		cpu.vm = &vm;
		cpu.fd = -1;
		spapr_rtas_init();
		console_register_calls();
		ready = 1;
	}
	memcpy(regs, data, sizeof(regs));
	memset(vm.mem.host, 0, RAM);
	memcpy(vm.mem.host + (regs[0] % RAM), data + 72,
	       size - 72 < RAM - regs[0] % RAM ? size - 72 : RAM - regs[0] % RAM);
	/* Put a registered token at the buffer sometimes, so handlers run. */
	if ((regs[1] & 1) && regs[0] % RAM + 4 <= RAM) {
		const struct rtas_entry *e = rtas_entry_at((regs[1] >> 1) % rtas_count());
		store_be32(vm.mem.host + regs[0] % RAM, e->token);
	}
	uint64_t r[9];
	memcpy(r, regs, sizeof(r));
	r[0] = (regs[1] & 2) ? regs[0] % RAM : regs[0];
	hcall_dispatch(&cpu, H_RTAS, r);
	memcpy(r, regs, sizeof(r));
	hcall_dispatch(&cpu, H_PUT_TERM_CHAR, r);
	memcpy(r, regs, sizeof(r));
	r[0] = VTY_UNIT_ADDRESS;
	hcall_dispatch(&cpu, H_PUT_TERM_CHAR, r);
	hcall_dispatch(&cpu, H_GET_TERM_CHAR, r);
	hcall_dispatch(&cpu, regs[8], r);
	set_mode_decode(regs, &sm);
	proc_tbl_decode(regs + 4, RAM, &pt);
	fuzz_ddw(regs);
	atomic_store(&vm.exiting, false);
	return 0;
}
