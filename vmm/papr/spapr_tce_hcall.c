/* The TCE hcalls, routed by LIOBN (see spapr_tce_hcall.h). */
#include "spapr_tce_hcall.h"
#include "pci_place.h"
#include "spapr.h"
#include "spapr_hcall.h"
#include "spapr_phb_dma.h"
#include "util.h"
#include "vm.h"

#include <pthread.h>

struct phb_dma *spapr_tce_phb_of(struct vm *vm, uint64_t liobn)
{
	int index = liobn >> 32 ? -1 : phb_index_of_liobn((uint32_t)liobn);

	return index < 0 ? NULL : vm->dma[index];
}

/* H_PUT_TCE, H_GET_TCE, H_PUT_TCE_INDIRECT, H_STUFF_TCE: args[0] is the
 * LIOBN; one naming no open window is a parameter error. */
static long h_tce(struct vcpu *cpu, uint64_t opcode, uint64_t *args)
{
	struct phb_dma *d = spapr_tce_phb_of(cpu->vm, args[0]);
	struct tce_window *w;
	long rc;

	if (!d)
		return H_PARAMETER;
	pthread_mutex_lock(d->lock);
	w = phb_dma_window(d, (uint32_t)args[0]);
	rc = w ? tce_hcall(w, opcode, args) : H_PARAMETER;
	pthread_mutex_unlock(d->lock);
	return rc;
}

static const struct hcall_def tce_hcalls[] = {
	{ H_PUT_TCE, "H_PUT_TCE", "hcall-tce", h_tce },
	{ H_GET_TCE, "H_GET_TCE", "hcall-tce", h_tce },
	{ H_PUT_TCE_INDIRECT, "H_PUT_TCE_INDIRECT", "hcall-multi-tce", h_tce },
	{ H_STUFF_TCE, "H_STUFF_TCE", "hcall-multi-tce", h_tce },
};

int spapr_tce_register_calls(void)
{
	return hcall_register(tce_hcalls, ARRAY_SIZE(tce_hcalls));
}
