/*
 * Loading guest images into guest RAM: a ppc64 vmlinux (ELF, PT_LOAD
 * segments at their physical addresses), another ELF image (at kernel-addr,
 * as QEMU's pseries), a raw bare-metal payload, an initrd. Pure apart from reading files; every failure names the file.
 */
#ifndef PVMM_LOADER_H
#define PVMM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"

/* Non-Linux ELF images go where QEMU's pseries puts -kernel: the low 28
 * bits of each segment's address plus kernel-addr (KERNEL_ADDR_DEFAULT,
 * 0x400000: clear of the exception vectors the image may copy to 0x100). */
#define LOADER_ADDR_MASK	0x0fffffffULL

struct load_result {
	uint64_t entry;		/* guest physical entry point */
	uint64_t start;		/* lowest guest address loaded */
	uint64_t end;		/* first byte above the image */
	int little_endian;
	bool linux_kernel;	/* a vmlinux: gets the default command line */
};

/* Load an ELF image already in memory: a Linux kernel at its physical
 * addresses, anything else relative to kernel_addr (see above). err gets
 * the reason on failure. */
int load_elf(struct guest_mem *mem, const void *img, size_t len, uint64_t kernel_addr,
	     struct load_result *res, char *err, size_t errlen);
/* Read a file and load it as an ELF kernel. */
int load_kernel_file(struct guest_mem *mem, const char *path, uint64_t kernel_addr,
		     struct load_result *res, char *err, size_t errlen);
/* Read a raw payload to guest physical 0 (entry 0). */
int load_payload_file(struct guest_mem *mem, const char *path,
		      struct load_result *res, char *err, size_t errlen);
/* Read the initrd just below 'top', above 'floor'; returns its address. */
int load_initrd_file(struct guest_mem *mem, const char *path, uint64_t floor,
		     uint64_t top, uint64_t *gpa, uint64_t *size, char *err, size_t errlen);
/* A whole file mapped read-only (the loaders copy from it once; a file
 * truncated while it is mapped would fault: pvmm maps only for the copy). */
int map_whole_file(const char *path, const void **buf, size_t *len, size_t max);
void unmap_whole_file(const void *buf, size_t len);

#endif
