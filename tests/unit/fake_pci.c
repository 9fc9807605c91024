/* The fake PCI function behind fake_pci.h. */
#include "fake_pci.h"

#include <string.h>

uint8_t fake_pci_cfg[4096];
int fake_pci_writes;

static int fake_read(void *o, uint32_t off, void *buf, uint32_t len)
{
	(void)o;
	memcpy(buf, fake_pci_cfg + off, len);
	return 0;
}

static int fake_write(void *o, uint32_t off, const void *buf, uint32_t len)
{
	(void)o;
	memcpy(fake_pci_cfg + off, buf, len);
	fake_pci_writes++;
	return 0;
}

const struct pci_config_ops fake_pci_ops = { fake_read, fake_write };

void fake_pci_reset(void)
{
	memset(fake_pci_cfg, 0, sizeof(fake_pci_cfg));
	fake_pci_writes = 0;
}

void fake_pci_put16(uint32_t off, uint16_t v)
{
	fake_pci_cfg[off] = v;
	fake_pci_cfg[off + 1] = v >> 8;
}

void fake_pci_put32(uint32_t off, uint32_t v)
{
	fake_pci_put16(off, v);
	fake_pci_put16(off + 2, v >> 16);
}
