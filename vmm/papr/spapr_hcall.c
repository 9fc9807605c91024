/* The hcall registry and dispatcher (see spapr_hcall.h). */
#include "spapr_hcall.h"
#include "spapr.h"
#include "util.h"
#include "vm.h"

#include <errno.h>
#include <string.h>

static const struct hcall_def *registry[HCALL_MAX];
static int registered;

void hcall_reset(void)
{
	registered = 0;
}

int hcall_register(const struct hcall_def *defs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (hcall_lookup(defs[i].opcode)) {
			pr_err("hcall 0x%llx (%s) registered twice",
			       (unsigned long long)defs[i].opcode, defs[i].name);
			return -EEXIST;
		}
		if (registered == HCALL_MAX)
			return -ENOSPC;
		registry[registered++] = &defs[i];
	}
	return 0;
}

const struct hcall_def *hcall_lookup(uint64_t opcode)
{
	for (int i = 0; i < registered; i++)
		if (registry[i]->opcode == opcode)
			return registry[i];
	return NULL;
}

long hcall_dispatch(struct vcpu *cpu, uint64_t opcode, uint64_t *args)
{
	const struct hcall_def *def = hcall_lookup(opcode);
	uint64_t t0 = now_ns();
	long ret;

	if (!def || !def->fn) {
		/* Unknown, or one KVM should have served: the PAPR answer for a
		 * function this platform does not provide. */
		ret = H_FUNCTION;
		stats_record(&cpu->vm->stats, def ? 'h' : 'u', opcode,
			     def ? def->name : "unknown", now_ns() - t0, 1);
		pr_guest(GUEST_LOG_HCALL_REFUSED, pr_debug, "hcall 0x%llx: H_FUNCTION",
			 (unsigned long long)opcode);
		return ret;
	}
	ret = def->fn(cpu, opcode, args);
	stats_record(&cpu->vm->stats, 'h', opcode, def->name, now_ns() - t0, ret != H_SUCCESS);
	return ret;
}

int hcall_fdt_sets(char *buf, size_t len)
{
	size_t used = 0;

	for (int i = 0; i < registered; i++) {
		const char *set = registry[i]->fdt_set;
		bool seen = false;
		size_t l;

		if (!set)
			continue;
		for (size_t off = 0; off < used; off += strlen(buf + off) + 1)
			if (!strcmp(buf + off, set))
				seen = true;
		if (seen)
			continue;
		l = strlen(set) + 1;
		if (used + l > len)
			return -ENOSPC;
		memcpy(buf + used, set, l);
		used += l;
	}
	return (int)used;
}
