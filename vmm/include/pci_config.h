/*
 * The config space the guest sees for a passthrough function: most bytes
 * come from (and go to) the device through VFIO, some are pvmm's own:
 * the BARs (pvmm places them in the PHB's windows, a 64-bit BAR's upper
 * half in the next register; sizing either half by writing all ones
 * works, other addresses are kept as assigned), the expansion ROM
 * (none), the interrupt pin (0 unless INTx is offered), the MSI capability (its
 * message is set by RTAS ibm,change-msi) and the MSI-X message control
 * word (ibm,change-msi enables MSI-X on the device through VFIO).
 * Pure: the device is reached through two callbacks.
 */
#ifndef PVMM_PCI_CONFIG_H
#define PVMM_PCI_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_CFG_SIZE		4096
#define PCI_NUM_BARS		6
/* A memory BAR register's low bits (pci_bar.flags). */
#define PCI_BAR_MEM_TYPE_64	0x4
#define PCI_BAR_MEM_PREFETCH	0x8

struct pci_config_ops {
	int (*read)(void *opaque, uint32_t off, void *buf, uint32_t len);
	int (*write)(void *opaque, uint32_t off, const void *buf, uint32_t len);
};

struct pci_bar {
	uint64_t size;			/* 0: not implemented (or hidden) */
	uint64_t addr;			/* bus address pvmm assigned */
	uint32_t flags;			/* low 4 bits of the BAR register */
	bool is64;			/* the next register holds the upper 32 bits */
};

struct pci_config {
	const struct pci_config_ops *ops;
	void *opaque;
	uint32_t size;			/* 256 (conventional) or 4096 (PCIe) */
	uint8_t shadow[PCI_CFG_SIZE];	/* pvmm's own bytes */
	uint8_t virt[PCI_CFG_SIZE];	/* 1: byte is pvmm's; 2: and read-only */
	struct pci_bar bars[PCI_NUM_BARS];
	uint8_t pm_cap, msi_cap, msix_cap;
	uint8_t device_pin;		/* what the device's pin register says */
	uint16_t vendor, device;
};

/* Read the header and capability list through ops; bar_sizes[i] are the
 * region sizes VFIO reports (0 for none). */
int pci_config_init(struct pci_config *pc, const struct pci_config_ops *ops, void *opaque,
		    const uint64_t bar_sizes[PCI_NUM_BARS], uint32_t size);
/* Give BAR i its bus address (before the guest runs). */
void pci_config_set_bar(struct pci_config *pc, int i, uint64_t bus_addr);
/* Guest accesses: len 1, 2 or 4, naturally aligned, inside the space;
 * -EINVAL otherwise (the caller answers with the RTAS error). */
int pci_config_read(struct pci_config *pc, uint32_t off, uint32_t len, uint32_t *val);
int pci_config_write(struct pci_config *pc, uint32_t off, uint32_t len, uint32_t val);
/* MSI as programmed by ibm,change-msi: n vectors (0 disables). */
void pci_config_set_msi(struct pci_config *pc, uint64_t addr, uint16_t data, unsigned int n);
/* MSI-X as enabled by ibm,change-msi, and the table size the device has. */
void pci_config_set_msix(struct pci_config *pc, bool enable);
unsigned int pci_config_msix_size(const struct pci_config *pc);
/* Where the MSI-X table and PBA are: the BAR each is in (BIR; 6 and 7
 * name none) and its offset there, and the table's entries. */
struct pci_msix_where {
	uint8_t table_bar, pba_bar;
	uint32_t table_off, pba_off;
	unsigned int entries;
};
/* From the device's MSI-X capability: -ENOENT without one, -EIO. */
int pci_config_msix_where(struct pci_config *pc, struct pci_msix_where *w);
/* The interrupt pin the device reports (1 = INTA ... 4; 0 none), and
 * whether the guest sees it (INTx offered) or 0. */
uint8_t pci_config_device_pin(const struct pci_config *pc);
void pci_config_offer_intx(struct pci_config *pc, bool offer);

/*
 * Memory decode. A function's BARs answer only while memory space is on
 * (COMMAND bit 1) and it is in D0 (PMCSR power state 0, or no PM
 * capability); otherwise VFIO revokes their mmap and they must leave the
 * guest's memory map.
 */
bool pci_bars_decode(uint16_t command, uint16_t pmcsr);
/* Does a guest write at off/len reach COMMAND's low byte or PMCSR's? */
bool pci_config_touches_decode(const struct pci_config *pc, uint32_t off, uint32_t len);
/* COMMAND and PMCSR as the device has them (PMCSR 0 without PM); -EIO. */
int pci_config_decode_state(struct pci_config *pc, uint16_t *command, uint16_t *pmcsr);
/* Whether the BARs decode once val is written at off/len, given the
 * registers' values now. */
bool pci_config_decode_after(const struct pci_config *pc, uint16_t command, uint16_t pmcsr,
			     uint32_t off, uint32_t len, uint32_t val);

#endif
