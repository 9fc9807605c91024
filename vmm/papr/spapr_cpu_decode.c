/* Pure decoding of H_SET_MODE and H_REGISTER_PROC_TBL arguments (see spapr_cpu.h). */
#include "spapr_cpu.h"
#include "spapr.h"

/* args: mflags, resource, value1, value2 */
long set_mode_decode(const uint64_t *args, struct set_mode_req *req)
{
	uint64_t mflags = args[0], resource = args[1];

	req->lpcr_set = req->lpcr_clear = 0;
	switch (resource) {
	case H_SET_MODE_RESOURCE_LE:
		if (args[2])
			return H_P3;
		if (args[3])
			return H_P4;
		if (mflags == 0)
			req->lpcr_clear = LPCR_ILE;
		else if (mflags == 1)
			req->lpcr_set = LPCR_ILE;
		else
			return H_UNSUPPORTED_FLAG_START;
		return H_SUCCESS;
	case H_SET_MODE_RESOURCE_ADDR_TRANS_MODE:
		if (args[2])
			return H_P3;
		if (args[3])
			return H_P4;
		/* AIL 0 (off) or 3 (0xc000000000004000); 1 and 2 are reserved
		 * since POWER9. */
		if (mflags == 0)
			req->lpcr_clear = LPCR_AIL_MASK;
		else if (mflags == 3)
			req->lpcr_set = LPCR_AIL_3;
		else
			return H_UNSUPPORTED_FLAG_START;
		if (req->lpcr_set)
			req->lpcr_clear = LPCR_AIL_MASK;
		return H_SUCCESS;
	default:
		/* DAWR and the like are served by KVM; anything else is not. */
		return H_P2;
	}
}

/* args: flags, proc_tbl base, page_size, table_size */
long proc_tbl_decode(const uint64_t *args, uint64_t ram_size, struct proc_tbl_req *req)
{
	uint64_t flags = args[0], base = args[1], page_size = args[2], table_size = args[3];
	uint64_t bytes;

	req->deregister = false;
	req->process_table = 0;
	req->gtse = false;
	if (flags & ~(uint64_t)(PROC_TABLE_OP_MASK | PROC_TABLE_TYPE_MASK | PROC_TABLE_GTSE))
		return H_PARAMETER;
	switch (flags & PROC_TABLE_OP_MASK) {
	case PROC_TABLE_DEREG:
		req->deregister = true;
		return H_SUCCESS;
	case PROC_TABLE_NEW:
		break;
	default:
		return H_PARAMETER;
	}
	/* Only radix: nested KVM and pvmm's guests run radix. */
	if ((flags & PROC_TABLE_TYPE_MASK) != PROC_TABLE_RADIX)
		return H_PARAMETER;
	if (page_size != 0 || table_size > 24)
		return H_PARAMETER;
	bytes = 1ULL << (12 + table_size);
	/* The process table must be naturally aligned and inside guest RAM. */
	if (base & (bytes - 1) || base >= ram_size || bytes > ram_size - base)
		return H_PARAMETER;
	req->process_table = base | table_size;
	req->gtse = flags & PROC_TABLE_GTSE;
	return H_SUCCESS;
}
