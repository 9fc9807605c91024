/* Guest memory hcalls (see spapr_mem.h). */
#include "spapr_mem.h"
#include "guest_mem.h"
#include "spapr.h"
#include "spapr_hcall.h"
#include "util.h"
#include "vm.h"

#include <string.h>

/* The page at gpa, or NULL when it is unaligned or not all guest RAM. */
static uint8_t *ram_page(const struct guest_mem *mem, uint64_t gpa)
{
	if (gpa % PAGE_INIT_SIZE)
		return NULL;
	return guest_ptr(mem, gpa, PAGE_INIT_SIZE);
}

long page_init(const struct guest_mem *mem, uint64_t flags, uint64_t dst, uint64_t src)
{
	const uint64_t known = H_ICACHE_INVALIDATE | H_ICACHE_SYNCHRONIZE | H_ZERO_PAGE |
			       H_COPY_PAGE | H_PAGE_SET_LOANED;
	uint8_t *to = ram_page(mem, dst);
	const uint8_t *from = NULL;

	if ((flags & ~known) || !to)
		return H_PARAMETER;
	/* Copy wins over zero when both are asked, as in QEMU. */
	if (flags & H_COPY_PAGE) {
		from = ram_page(mem, src);
		if (!from)
			return H_PARAMETER;
		memmove(to, from, PAGE_INIT_SIZE);
	} else if (flags & H_ZERO_PAGE) {
		memset(to, 0, PAGE_INIT_SIZE);
	}
	/* The guest may run what it just wrote: pvmm's stores went through
	 * its own data cache, so make them visible to instruction fetch. */
	if (flags & (H_ICACHE_INVALIDATE | H_ICACHE_SYNCHRONIZE))
		__builtin___clear_cache((char *)to, (char *)to + PAGE_INIT_SIZE);
	return H_SUCCESS;
}

/* args: flags, destination, source */
static long h_page_init(struct vcpu *cpu, uint64_t opcode, uint64_t *args)
{
	(void)opcode;
	return page_init(&cpu->vm->mem, args[0], args[1], args[2]);
}

static const struct hcall_def mem_hcalls[] = {
	{ H_PAGE_INIT, "H_PAGE_INIT", "hcall-copy", h_page_init },
};

int spapr_mem_register_calls(void)
{
	return hcall_register(mem_hcalls, ARRAY_SIZE(mem_hcalls));
}
