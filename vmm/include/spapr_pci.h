/*
 * The PCI host bridge (PHB) carrying the passthrough function: VFIO device,
 * config space (RTAS ibm,read/write-pci-config), BARs mapped into the guest,
 * MSI through RTAS ibm,change-msi + VFIO eventfds + KVM_IRQFD to XICS, and
 * the DMA window with its TCE table in mode kernel or mode user.
 */
#ifndef PVMM_SPAPR_PCI_H
#define PVMM_SPAPR_PCI_H

#include <stdint.h>
#include <stdio.h>

struct vm;

int spapr_pci_register_calls(void);
int spapr_pci_setup(struct vm *vm);
int spapr_pci_fdt_emit(void *fdt, int root, uint32_t xics_phandle, const void *ctx);
/* A trapped access to a BAR that could not be mapped; 0 if it was ours. */
int spapr_pci_mmio(struct vm *vm, uint64_t gpa, uint8_t *data, uint32_t len, int is_write);
/* The window and TCE state for the exit summary (JSON object members). */
void spapr_pci_report(struct vm *vm, FILE *out, int json);
void spapr_pci_teardown(struct vm *vm);

#endif
