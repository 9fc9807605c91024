/*
 * Builds the guest's flattened device tree (libfdt) from plain values: the
 * VM's RAM, vcpus, boot data, the host CPU facts KVM reported, and the
 * hcall/RTAS registries. Pure: no ioctls, so it is tested natively against
 * a golden blob.
 */
#ifndef PVMM_FDT_BUILDER_H
#define PVMM_FDT_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_RADIX_AP_MAX 8

struct fdt_cpu_info {
	uint32_t pvr;
	const char *name;		/* "POWER9" */
	uint32_t timebase_hz;
	uint32_t clock_hz;
	uint32_t dcache_block, icache_block;
	uint32_t dcache_size, icache_size;
	uint32_t radix_ap[FDT_RADIX_AP_MAX];	/* ibm,processor-radix-AP-encodings */
	int nr_radix_ap;
};


struct fdt_params {
	uint64_t ram_size;
	int nr_vcpus;
	const char *cmdline;
	uint64_t initrd_gpa, initrd_size;	/* size 0: no initrd */
	uint64_t rtas_gpa, rtas_size;
	struct fdt_cpu_info cpu;
	bool hwrng;				/* H_RANDOM works: ibm,random-v1 node */
	int threads;				/* per core (0 or 1: a core per vcpu) */
	/* Optional: the VM's devices add their nodes (PHBs and their children). */
	int (*devices_emit)(void *fdt, int root, uint32_t xics_phandle, const void *ctx);
	const void *devices_ctx;
};

#define FDT_XICS_PHANDLE 0x1111

/* Name of a CPU family from its PVR ("POWER9"...), NULL if unknown. */
const char *fdt_cpu_name(uint32_t pvr);
/* A property of n (at most 16) big-endian cells. */
int fdt_setprop_cells(void *fdt, int node, const char *name, const uint32_t *v, int n);
/* Build into buf (size bytes). Returns 0 or a negative libfdt/errno code. */
int fdt_build(void *buf, size_t size, const struct fdt_params *p);

#endif
