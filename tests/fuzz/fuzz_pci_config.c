/* Fuzz the config-space shadow: a device with fuzzed header and
 * capability list, then guest reads and writes at fuzzed offsets/sizes.
 * Oracle: no write reaching the device touches a register pvmm
 * virtualises - the BARs, the ROM BAR, the interrupt line and pin, the
 * MSI capability and the MSI-X message control - worked out here from the
 * device's own header, independently of pci_config.c's bookkeeping. */
#include "pci_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t dev[4096];
static uint8_t pvmms[4096];	/* 1: a byte the device must never see written */

static void mark(uint32_t off, uint32_t len)
{
	memset(pvmms + off, 1, off + len <= sizeof(pvmms) ? len : sizeof(pvmms) - off);
}

/* What pvmm owns in this device's space: the header registers, and the
 * first MSI and MSI-X capabilities, as the guest's Linux finds them. */
static void model_virtualised(void)
{
	uint8_t ptr = dev[0x34];
	int msi = 0, msix = 0;

	memset(pvmms, 0, sizeof(pvmms));
	mark(0x10, 24);			/* BAR0-5 */
	mark(0x30, 4);			/* ROM BAR */
	mark(0x3c, 2);			/* interrupt line, pin */
	for (int guard = 48; (dev[0x06] & 0x10) && ptr >= 0x40 && guard--; ptr = dev[ptr + 1]) {
		ptr &= ~3;
		if (dev[ptr] == 0x05 && !msi++) {
			uint16_t ctrl = dev[ptr + 2] | dev[ptr + 3] << 8;
			mark(ptr, ((ctrl & 0x80) ? 14 : 10) + ((ctrl & 0x100) ? 10 : 0));
		}
		if (dev[ptr] == 0x11 && !msix++)
			mark(ptr + 2, 2);
	}
}

static int dev_read(void *o, uint32_t off, void *buf, uint32_t len)
{
	(void)o;
	if (off >= sizeof(dev) || len > sizeof(dev) - off)
		__builtin_trap();	/* the shadow must never ask past the space */
	memcpy(buf, dev + off, len);
	return 0;
}

static int dev_write(void *o, uint32_t off, const void *buf, uint32_t len)
{
	(void)o;
	if (off >= sizeof(dev) || len > sizeof(dev) - off)
		__builtin_trap();
	for (uint32_t i = 0; i < len; i++)
		if (pvmms[off + i]) {
			fprintf(stderr, "oracle: a write of %u byte(s) at 0x%x reached the device: "
				"0x%x is pvmm's\n", len, off, off + i);
			abort();
		}
	memcpy(dev + off, buf, len);
	return 0;
}

static const struct pci_config_ops ops = { dev_read, dev_write };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pci_config pc;
	uint64_t sizes[6] = { 0x20000, 0x1000, 0, 0x4000, 0, 0 };
	size_t hdr = size < 256 ? size : 256;

	memset(dev, 0, sizeof(dev));
	memcpy(dev, data, hdr);
	dev[0] = 0x86;
	model_virtualised();
	if (pci_config_init(&pc, &ops, NULL, sizes, (size > 0 && data[0] & 1) ? 4096 : 256))
		return 0;
	for (int i = 0; i < 6; i++)
		if (pc.bars[i].size)
			pci_config_set_bar(&pc, i, 0x80000000ULL + 0x100000ULL * i);
	pci_config_set_msi(&pc, 0xfee00000, 0x1010, 1);
	pci_config_set_msix(&pc, true);
	for (size_t off = hdr; off + 7 <= size; off += 7) {
		uint32_t reg = data[off] | data[off + 1] << 8;
		uint32_t len = data[off + 2] % 9;
		uint32_t val;
		memcpy(&val, data + off + 3, 4);
		if (data[off + 2] & 0x80)
			pci_config_write(&pc, reg, len, val);
		else
			pci_config_read(&pc, reg, len, &val);
	}
	return 0;
}
