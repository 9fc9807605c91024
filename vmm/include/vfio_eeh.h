/*
 * EEH on a VFIO container (the sPAPR TCE IOMMU's VFIO_EEH_PE_OP): the
 * host's PE operations on every group the container holds. Each failed
 * ioctl is said with its op named; the callers count them.
 */
#ifndef PVMM_VFIO_EEH_H
#define PVMM_VFIO_EEH_H

#include <stdbool.h>
#include <stdint.h>

struct vfio_container;

/* Whether the host has EEH (VFIO_CHECK_EXTENSION(VFIO_EEH) on c). */
bool vfio_eeh_supported(struct vfio_container *c);
/* VFIO_EEH_PE_OP op (VFIO_EEH_PE_*): the ioctl's answer (>= 0: the PE
 * state for GET_STATE) or -errno. */
int vfio_eeh_pe_op(struct vfio_container *c, uint32_t op);
/* VFIO_EEH_PE_OP(VFIO_EEH_PE_INJECT_ERR): type 0/1 (32/64-bit bus error),
 * func the IOA bus error function, addr/mask as the host reads them. */
int vfio_eeh_inject(struct vfio_container *c, uint32_t type, uint32_t func, uint64_t addr,
		    uint64_t mask);

#endif
