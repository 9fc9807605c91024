/* A guest PHB's resources and addresses (see phb_addr.h). */
#include "phb_addr.h"
#include "layout.h"
#include "spapr.h"
#include "util.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

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

struct bar_windows bar_windows_of(const struct phb_res *r)
{
	struct bar_windows w = {
		.mem32 = { r->mmio32_bus, r->mmio32_bus + r->mmio32_size, r->mmio32_cpu - r->mmio32_bus },
		.mem64 = { r->mmio64_cpu, r->mmio64_cpu + r->mmio64_size, 0 },
	};

	return w;
}

bool phb_mmio_contains(const struct phb_res *r, uint64_t gpa)
{
	return (gpa >= r->mmio32_cpu && gpa - r->mmio32_cpu < r->mmio32_size) ||
	       (gpa >= r->mmio64_cpu && gpa - r->mmio64_cpu < r->mmio64_size);
}

/* A BAR size in the largest unit that says it exactly ("16 KiB", "8 GiB"). */
static void size_text(char *buf, size_t len, uint64_t size)
{
	static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	while (u + 1 < ARRAY_SIZE(unit) && size && !(size % KiB)) {
		size /= KiB;
		u++;
	}
	snprintf(buf, len, "%llu %s", (unsigned long long)size, unit[u]);
}

/*
 * Every 64-bit BAR goes in the 64-bit window, prefetchable or not, as SLOF
 * places them on QEMU's pseries: that window is a non-prefetchable range
 * (0x03000000, as QEMU's), which may hold either kind, and bus 0 has no
 * bridge whose non-prefetchable window would be 32-bit only. The 32-bit
 * window is the fallback a 64-bit register may also take.
 */
static int bar_place_one(struct bar_windows *w, const struct pci_bar *b, struct bar_addr *at)
{
	struct mmio_window *win = b->is64 ? &w->mem64 : &w->mem32;
	int r = bar_place(&win->next, win->end, b->size, &at->bus);

	if (r == -ENOSPC && b->is64) {
		win = &w->mem32;
		r = bar_place(&win->next, win->end, b->size, &at->bus);
	}
	if (!r)
		at->gpa = at->bus + win->cpu_minus_bus;
	return r;
}

static void bar_place_error(char *err, size_t errlen, const char *name, int i, const struct pci_bar *b,
			    int r)
{
	char size[32];

	size_text(size, sizeof(size), b->size);
	if (r == -EINVAL)
		snprintf(err, errlen, "%s: BAR %d: size %s is not a power of two", name, i, size);
	else if (b->is64)
		snprintf(err, errlen, "%s: BAR %d (64-bit, %s) fits neither the PHB's 64-bit MMIO window "
			 "nor its 32-bit one", name, i, size);
	else
		snprintf(err, errlen, "%s: BAR %d (32-bit, %s) does not fit the PHB's 32-bit MMIO window",
			 name, i, size);
}

int bars_place(struct bar_windows *w, const struct pci_bar bars[PCI_NUM_BARS], const char *name,
	       struct bar_addr at[PCI_NUM_BARS], char *err, size_t errlen)
{
	struct bar_windows next = *w;
	bool done[PCI_NUM_BARS] = { false };

	for (;;) {
		int pick = -1, r;
		for (int i = 0; i < PCI_NUM_BARS; i++)
			if (!done[i] && bars[i].size && (pick < 0 || bars[i].size > bars[pick].size))
				pick = i;
		if (pick < 0)
			break;
		done[pick] = true;
		r = bar_place_one(&next, &bars[pick], &at[pick]);
		if (r) {
			bar_place_error(err, errlen, name, pick, &bars[pick], r);
			return r;
		}
	}
	*w = next;
	return 0;
}
