/* Fuzz the config-space shadow: a device with fuzzed header and
 * capability list, then guest reads and writes at fuzzed offsets/sizes. */
#include "pci_config.h"

#include <string.h>

static uint8_t dev[4096];

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
