/* Fuzz what a guest controls in hcalls and RTAS: the RTAS buffer (anywhere
 * in or out of a small guest RAM), console hcalls, H_SET_MODE and
 * H_REGISTER_PROC_TBL arguments. Nothing may crash or touch memory
 * outside guest RAM (ASan watches the RAM allocation's bounds). */
#include "console.h"
#include "spapr.h"
#include "spapr_cpu.h"
#include "spapr_hcall.h"
#include "spapr_rtas.h"
#include "util.h"
#include "vm.h"

#include <stdlib.h>
#include <string.h>

#define RAM (64 * 1024)

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
	atomic_store(&vm.exiting, false);
	return 0;
}
