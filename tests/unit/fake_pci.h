/*
 * A fake PCI function for the config-space and PHB tests: 4 KiB of config
 * space in fake_pci_cfg (little-endian, as on the bus) behind a
 * pci_config_ops that counts the writes reaching it.
 */
#ifndef PVMM_TEST_FAKE_PCI_H
#define PVMM_TEST_FAKE_PCI_H

#include <stdint.h>
#include "pci_config.h"

extern uint8_t fake_pci_cfg[4096];
extern int fake_pci_writes;
extern const struct pci_config_ops fake_pci_ops;

/* Zero the config space and the write count. */
void fake_pci_reset(void);
void fake_pci_put16(uint32_t off, uint16_t v);
void fake_pci_put32(uint32_t off, uint32_t v);

#endif
