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

#include "util.h"

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
	/* Optional: the VM's devices add their nodes (PHBs and their children);
	 * 0 or a negative errno, said in one line (fdt_error). */
	int (*devices_emit)(void *fdt, int root, uint32_t xics_phandle, const void *ctx);
	const void *devices_ctx;
};

#define FDT_XICS_PHANDLE 0x1111

/* What a node and a property take in a tree (libfdt's structure block:
 * begin and end tags around the name padded to 4; a tag, the length and
 * the name's offset before the value padded to 4), so that the buffer
 * can be sized before anything is built. */
#define FDT_NODE_BYTES(name_len)	(8 + ALIGN_UP((name_len) + 1, 4))
#define FDT_PROP_BYTES(len)		(12 + ALIGN_UP((len), 4))

/* What the tree's size depends on, known from the configuration before
 * the VM exists (the layout places the buffer below RTAS). */
struct fdt_shape {
	int nr_vcpus;
	int threads;				/* per core (0 or 1: a core per vcpu) */
	size_t cmdline_len;
	size_t devices;				/* at most what devices_emit adds */
};

/* Name of a CPU family from its PVR ("POWER9"...), NULL if unknown. */
const char *fdt_cpu_name(uint32_t pvr);
/* A property of n big-endian cells, any n. */
int fdt_setprop_cells(void *fdt, int node, const char *name, const uint32_t *v, int n);
/* Room for a property of n cells, to be filled in place with store_be32
 * before the tree changes again. Returns 0 or a negative libfdt code. */
int fdt_setprop_cells_room(void *fdt, int node, const char *name, int n, uint8_t **cells);
/* A libfdt error while building `what` ("/cpus", "PHB 2 function ...") in
 * a buffer of size bytes, said in one line; returns -ENOSPC if the tree
 * did not fit, else -EINVAL. */
int fdt_error(size_t size, const char *what, int err);
/* Bytes enough for any tree of that shape, with a margin. */
size_t fdt_size_bound(const struct fdt_shape *s);
/* Build into buf (size bytes). Returns 0 or a negative errno, said in one
 * line (-ENOSPC: the tree does not fit). devices_emit returns the same. */
int fdt_build(void *buf, size_t size, const struct fdt_params *p);

#endif
