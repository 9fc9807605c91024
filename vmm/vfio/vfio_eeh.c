/* EEH on a VFIO container (see vfio_eeh.h). */
#include "vfio_eeh.h"
#include "util.h"
#include "vfio.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/vfio.h>

static const char *op_name(uint32_t op)
{
	static const char *const names[] = {
		[VFIO_EEH_PE_DISABLE] = "DISABLE", [VFIO_EEH_PE_ENABLE] = "ENABLE",
		[VFIO_EEH_PE_UNFREEZE_IO] = "UNFREEZE_IO", [VFIO_EEH_PE_UNFREEZE_DMA] = "UNFREEZE_DMA",
		[VFIO_EEH_PE_GET_STATE] = "GET_STATE", [VFIO_EEH_PE_RESET_DEACTIVATE] = "RESET_DEACTIVATE",
		[VFIO_EEH_PE_RESET_HOT] = "RESET_HOT", [VFIO_EEH_PE_RESET_FUNDAMENTAL] = "RESET_FUNDAMENTAL",
		[VFIO_EEH_PE_CONFIGURE] = "CONFIGURE", [VFIO_EEH_PE_INJECT_ERR] = "INJECT_ERR",
	};

	return op < ARRAY_SIZE(names) && names[op] ? names[op] : "?";
}

bool vfio_eeh_supported(struct vfio_container *c)
{
	return ioctl(c->fd, VFIO_CHECK_EXTENSION, VFIO_EEH) == 1;
}

/* errno read before pr_warn may change it; the guest's calls cause these
 * lines, so they are rate-limited (the caller's GUEST_LOG_EEH scope). */
static int op_failed(struct vfio_container *c, uint32_t op)
{
	int err = errno;

	pr_warn("%s: VFIO_EEH_PE_OP(VFIO_EEH_PE_%s): %s", c->name, op_name(op), strerror(err));
	return -err;
}

int vfio_eeh_pe_op(struct vfio_container *c, uint32_t op)
{
	struct vfio_eeh_pe_op pe_op = { .argsz = sizeof(pe_op), .op = op };
	int r = ioctl(c->fd, VFIO_EEH_PE_OP, &pe_op);

	return r < 0 ? op_failed(c, op) : r;
}

int vfio_eeh_inject(struct vfio_container *c, uint32_t type, uint32_t func, uint64_t addr,
		    uint64_t mask)
{
	struct vfio_eeh_pe_op pe_op = {
		.argsz = sizeof(pe_op), .op = VFIO_EEH_PE_INJECT_ERR,
		.err = { .type = type, .func = func, .addr = addr, .mask = mask },
	};

	return ioctl(c->fd, VFIO_EEH_PE_OP, &pe_op) < 0 ? op_failed(c, VFIO_EEH_PE_INJECT_ERR) : 0;
}
