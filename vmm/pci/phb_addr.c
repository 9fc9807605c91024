/* A guest PHB's resources and addresses (see phb_addr.h). */
#include "phb_addr.h"
#include "layout.h"
#include "spapr.h"
#include "util.h"

#include <errno.h>
#include <stdbool.h>

struct phb_res phb_res_of(unsigned int index)
{
	uint64_t base = PHB_BASE + (uint64_t)index * PHB_STRIDE;
	struct phb_res r = {
		.buid = PHB_BUID + index,
		.mmio32_bus = PHB_MMIO32_BUS, .mmio32_cpu = base + PHB_MMIO32_BUS,
		.mmio32_size = PHB_MMIO32_SIZE,
		.mmio64_cpu = base + PHB_MMIO64_OFFSET, .mmio64_size = PHB_MMIO64_SIZE,
		.liobn = PHB_DMA_LIOBN | index << 8,
	};

	return r;
}

int phb_index_of_liobn(uint32_t liobn)
{
	if ((liobn & 0xffff0000u) != PHB_DMA_LIOBN || (liobn >> 8 & 0xff) >= PHB_MAX_INDEX)
		return -1;
	return (int)(liobn >> 8 & 0xff);
}

int pci_cfg_addr_decode(uint32_t addr, uint8_t *devfn, uint32_t *reg)
{
	if (addr >> 28)
		return RTAS_OUT_HW_ERROR;		/* reserved bits */
	if (addr >> 16 & 0xff)
		return RTAS_OUT_HW_ERROR;		/* only bus 0 */
	*devfn = (uint8_t)(addr >> 8);
	*reg = (addr & 0xff) | ((addr >> 24) & 0xf) << 8;
	return RTAS_OUT_SUCCESS;
}

uint64_t dma_window_size(uint64_t ram_size, uint64_t host_dma32_size)
{
	uint64_t want = 256 * MiB;

	while (want < ram_size && want < (1ULL << 40))
		want <<= 1;
	return want < host_dma32_size ? want : host_dma32_size;
}

unsigned int msi_vectors(uint32_t want, unsigned int dev_max)
{
	return want < dev_max ? want : dev_max;
}

int bar_place(uint64_t *next, uint64_t end, uint64_t size, uint64_t *addr)
{
	uint64_t a;

	if (!size || size & (size - 1))
		return -EINVAL;
	a = ALIGN_UP(*next, size);
	if (a < *next || a > end || size > end - a)
		return -ENOSPC;
	*addr = a;
	*next = a + size;
	return 0;
}
