/*
 * A VFIO PCI function as the guest sees it: BARs placed in its PHB's
 * windows and mapped into the guest from the VFIO mmap (but for the MSI-X
 * table and PBA pages, trapped, and what VFIO does not let be mmapped), the
 * config-space shadow, MSI/MSI-X (VFIO eventfds -> KVM_IRQFD -> XICS) and
 * INTx (a level XICS source ended by KVM's resample or by pvmm).
 */
#ifndef PVMM_VFIO_PCI_H
#define PVMM_VFIO_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bar_split.h"
#include "pci_config.h"
#include "phb_addr.h"
#include "report.h"
#include "vfio.h"

struct vm;

/* A piece of a BAR mapped into the guest: its own mmap of the VFIO region
 * and KVM memslot (bar_split.h decides the pieces). */
struct vfio_pci_map {
	uint64_t off, len;		/* in the BAR */
	void *host;
	uint32_t slot;			/* 0 (RAM's): none taken */
	bool slot_added;
};

/* A BAR: its mapped pieces; the rest of it (the MSI-X table and PBA
 * pages, or all of it) is trapped: vfio_pci_mmio. */
struct vfio_pci_bar {
	uint64_t gpa;
	struct vfio_pci_map maps[BAR_PIECES_MAX];
	unsigned int nr_maps;
};

struct vfio_pci {
	struct vm *vm;
	struct vfio_device dev;
	struct pci_config cfg;
	struct vfio_pci_bar bars[PCI_NUM_BARS];
	uint8_t devfn;
	/* MSIs: msi_n XICS sources from irq_msi, taken from the VM's pool
	 * while the guest has them enabled, an eventfd each (-1: none yet). */
	uint32_t irq_msi;
	unsigned int msi_n;
	int *msi_fds;
	uint32_t msi_index;		/* VFIO_PCI_MSI_IRQ_INDEX or _MSIX_ */
	uint32_t irq_intx;		/* the level source of its pin, taken at open */
	uint32_t seq_num;
	uint64_t msi_changes;		/* ibm,change-msi calls that enabled vectors */
	int intx_fd, intx_unmask_fd;	/* INTx: trigger, and KVM's resample */
	bool intx_offered, intx_on;
	/* INTx served by pvmm (no KVM_CAP_IRQFD_RESAMPLE): a thread asserts
	 * the line and ends it a moment later (vfio_pci.c, INTX_END_MS). */
	bool intx_user, intx_pending;
	int intx_stop_fd;
	pthread_t intx_thread;
	uint64_t intx_count;
	/* Memory decode off or not in D0: the BARs are out of KVM and their
	 * accesses read all ones (writes dropped), counted here. */
	bool decode_off;
	uint64_t decode_off_accesses;
	/* Guards the BARs' memslots, intx_pending and decode_off: the PHB's
	 * config writes, the INTx thread and trapped accesses from any vcpu
	 * change or read them. */
	pthread_mutex_t bar_lock;
};

/* Opens the function and places its BARs in the PHB's windows (bars
 * advances past them). */
int vfio_pci_open(struct vfio_pci *f, struct vm *vm, struct vfio_group *g, const char *bdf,
		  uint8_t devfn, struct bar_windows *bars);
/* A guest config write (under the PHB's lock): pci_config_write, with
 * the BARs taken out of KVM while the function does not decode them. */
int vfio_pci_config_write(struct vfio_pci *f, uint32_t off, uint32_t len, uint32_t val);
/* MSI (under the PHB's lock): up to want vectors of index
 * (VFIO_PCI_MSI/MSIX_IRQ_INDEX), 0 to disable. Returns how many are on:
 * want, or fewer when the XICS pool has no run of want sources free;
 * -ENOSPC if it has none, another -errno if the host refuses. */
int vfio_pci_set_msi(struct vfio_pci *f, uint32_t index, unsigned int want);
/* The vectors the guest has on, handed to VFIO anew (off, then on with the
 * same eventfds): after a PE reset, which cleared them in the device. */
int vfio_pci_msi_rearm(struct vfio_pci *f);
/* A trapped BAR access; -ENOENT if the address is not in its BARs. */
int vfio_pci_mmio(struct vfio_pci *f, uint64_t gpa, uint8_t *data, uint32_t len, int is_write);
uint8_t vfio_pci_intx_pin(const struct vfio_pci *f);
void vfio_pci_report(const struct vfio_pci *f, struct report *r);
void vfio_pci_close(struct vfio_pci *f);

#endif
