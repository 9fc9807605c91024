/*
 * The guest physical memory layout, in one place.
 *
 *   0                      kernel (vmlinux PT_LOAD segments, physical 0), or
 *                          a raw payload (--payload)
 *   KERNEL_ADDR_DEFAULT    any other ELF image (kernel-addr, as QEMU's pseries)
 *   ...                    free RAM
 *   initrd                 below the RTAS blob, 64 KiB aligned
 *   RTAS                   RTAS_SIZE bytes, below the FDT
 *   FDT                    sized from the configuration (fdt_size_bound, at
 *                          least FDT_SIZE_MIN), ends at the low limit
 *   low limit              min(RAM, 1 GiB): early Linux reaches RTAS and the
 *                          FDT in real mode and names them in 32-bit cells
 *   RAM end
 *   PHB_BASE ...           PCI host bridge windows, far above any RAM
 */
#ifndef PVMM_LAYOUT_H
#define PVMM_LAYOUT_H

#include "util.h"

#define LAYOUT_LOW_LIMIT_MAX	(1 * GiB)
/* The FDT's room: at least this, and in steps of it, so that RTAS and the
 * initrd below stay 64 KiB aligned and a VM without devices keeps the
 * addresses it always had. */
#define FDT_SIZE_MIN		(64 * KiB)
#define RTAS_SIZE		(64 * KiB)
#define INITRD_ALIGN		(64 * KiB)

#define KERNEL_ADDR_DEFAULT	0x400000ULL

#define RAM_MIN			(64 * MiB)
#define RAM_MAX			(256 * GiB)
#define VCPUS_MAX		64

/* The hvterm console's unit address: the vty's reg and its hcall termno
 * (termno 0 also names it: the default vty). */
#define VTY_UNIT_ADDRESS	0x30000000u

/* Guest PCI host bridges (PHBs) for passthrough devices: PHB n has BUID
 * PHB_BUID + n, its windows PHB_STRIDE apart from PHB_BASE, and LIOBNs
 * PHB_DMA_LIOBN | n << 8 | window (pci_place.c). */
#define PHB_BUID		0x800000020000000ULL
#define PHB_BASE		0x10000000000ULL		/* 1 TiB */
#define PHB_STRIDE		0x2000000000ULL			/* 128 GiB per PHB */
#define PHB_MAX_INDEX		8
#define PHB_MMIO32_BUS		0x80000000ULL
#define PHB_MMIO32_SIZE		0x80000000ULL		/* 2 GiB */
#define PHB_MMIO32_CPU		(PHB_BASE + PHB_MMIO32_BUS)	/* PHB 0's */
#define PHB_MMIO64_OFFSET	0x1000000000ULL		/* +64 GiB */
#define PHB_MMIO64_SIZE		0x1000000000ULL		/* 64 GiB */
#define PHB_DMA_LIOBN		0x80000000u
/* XICS interrupt sources: hvterm, then from IRQ_PCI_BASE a pool (struct
 * vm's irq allocator) for each passthrough function's INTx line (taken at
 * open) and MSIs (taken while the guest has them enabled: ibm,change-msi).
 * KVM's XICS numbers sources up to 2^20 and makes their state in blocks
 * of 1024 as they are first set: 8192 leave every one of PCI_DEVS_MAX
 * functions 256 vectors at once, and one function the 2048 MSI-X allows. */
#define XICS_IRQ_BASE		4096
#define XICS_NR_IRQS		8192
#define IRQ_VTY			(XICS_IRQ_BASE + 0)
#define IRQ_PCI_BASE		(XICS_IRQ_BASE + 16)
/* KVM memslots: 0 is RAM, BARs from 1 (struct vm's memslot allocator). */
#define MEMSLOT_FIRST_BAR	1
#define MEMSLOT_MAX		512

struct guest_layout {
	uint64_t ram_size;
	uint64_t fdt_gpa;
	uint64_t fdt_size;	/* the room fdt_build gets */
	uint64_t rtas_gpa;
	uint64_t initrd_top;	/* the initrd ends at or below this */
};

/* fdt_bytes: what the tree may need (fdt_size_bound). */
static inline struct guest_layout layout_for(uint64_t ram_size, uint64_t fdt_bytes)
{
	struct guest_layout l;
	uint64_t low = ram_size < LAYOUT_LOW_LIMIT_MAX ? ram_size : LAYOUT_LOW_LIMIT_MAX;

	l.ram_size = ram_size;
	l.fdt_size = fdt_bytes > FDT_SIZE_MIN ? ALIGN_UP(fdt_bytes, FDT_SIZE_MIN) : FDT_SIZE_MIN;
	l.fdt_gpa = low - l.fdt_size;
	l.rtas_gpa = l.fdt_gpa - RTAS_SIZE;
	l.initrd_top = l.rtas_gpa;
	return l;
}

/* A VM whose tree fits the minimum (no devices). */
static inline struct guest_layout layout_for_ram(uint64_t ram_size)
{
	return layout_for(ram_size, 0);
}

#endif
