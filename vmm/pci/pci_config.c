/* Config space of a passthrough function (see pci_config.h). */
#include "pci_config.h"

#include <errno.h>
#include <string.h>

#define PCI_COMMAND		0x04
#define PCI_COMMAND_MEMORY	0x02
#define PCI_STATUS		0x06
#define PCI_STATUS_CAP_LIST	0x10
#define PCI_HEADER_TYPE		0x0e
#define PCI_BAR0		0x10
#define PCI_ROM			0x30
#define PCI_CAP_PTR		0x34
#define PCI_INT_LINE		0x3c
#define PCI_INT_PIN		0x3d
#define PCI_CAP_ID_PM		0x01
#define PCI_PM_CTRL		4u	/* PMCSR, from the PM capability */
#define PCI_PM_STATE_MASK	0x03	/* 0 = D0 ... 3 = D3hot */
#define PCI_CAP_ID_MSI		0x05
#define PCI_CAP_ID_MSIX		0x11
#define PCI_MSI_64BIT		0x80
#define PCI_MSI_PVM		0x100
#define PCI_MSIX_BIR		0x7u	/* table/PBA register: BAR index, offset above */

#define VIRT	1
#define VIRT_RO	2

static uint32_t get_le(const uint8_t *p, uint32_t len)
{
	uint32_t v = 0;

	for (uint32_t i = 0; i < len; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static void put_le(uint8_t *p, uint32_t v, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		p[i] = v >> (8 * i);
}

static void virtualize(struct pci_config *pc, uint32_t off, uint32_t len, int how)
{
	memset(pc->virt + off, how, len);
}

static int dev_read(struct pci_config *pc, uint32_t off, void *buf, uint32_t len)
{
	return pc->ops->read(pc->opaque, off, buf, len);
}

static uint32_t msi_len(uint16_t ctrl)
{
	uint32_t len = (ctrl & PCI_MSI_64BIT) ? 14 : 10;

	return (ctrl & PCI_MSI_PVM) ? len + 10 : len;
}

/* Walk the capability list for MSI and MSI-X. */
static void find_caps(struct pci_config *pc)
{
	uint8_t status[2], ptr, hdr[2];
	int guard = 48;

	if (dev_read(pc, PCI_STATUS, status, 2) || !(status[0] & PCI_STATUS_CAP_LIST))
		return;
	if (dev_read(pc, PCI_CAP_PTR, &ptr, 1))
		return;
	while (ptr >= 0x40 && guard--) {
		ptr &= ~3;
		if (dev_read(pc, ptr, hdr, 2))
			return;
		/* The first of each, as Linux's pci_find_capability: the one the
		 * guest programs must be the one pvmm virtualises. */
		if (hdr[0] == PCI_CAP_ID_PM && !pc->pm_cap)
			pc->pm_cap = ptr;
		if (hdr[0] == PCI_CAP_ID_MSI && !pc->msi_cap)
			pc->msi_cap = ptr;
		if (hdr[0] == PCI_CAP_ID_MSIX && !pc->msix_cap)
			pc->msix_cap = ptr;
		ptr = hdr[1];
	}
}

static void init_bars(struct pci_config *pc, const uint64_t bar_sizes[PCI_NUM_BARS])
{
	/* All six registers are pvmm's, the upper halves of 64-bit BARs too. */
	virtualize(pc, PCI_BAR0, 4 * PCI_NUM_BARS, VIRT);
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		struct pci_bar *b = &pc->bars[i];
		uint8_t raw[4];

		if (!bar_sizes[i] || dev_read(pc, PCI_BAR0 + 4 * i, raw, 4))
			continue;
		/* I/O BARs are not offered: pseries guests use memory space. */
		if (raw[0] & 1)
			continue;
		b->size = bar_sizes[i];
		b->flags = raw[0] & 0xf;
		/* BAR 5 has no register after it for an upper half: a device
		 * saying 64-bit there gets an address below 4 GiB, and the
		 * guest reads a 32-bit BAR (else it would take the CardBus
		 * CIS pointer for the upper half). */
		b->is64 = (raw[0] & 0x6) == PCI_BAR_MEM_TYPE_64 && i + 1 < PCI_NUM_BARS;
		if ((raw[0] & 0x6) == PCI_BAR_MEM_TYPE_64 && !b->is64)
			b->flags &= ~0x6u;
		if (b->is64)
			i++;	/* the upper half is part of this BAR */
	}
}

int pci_config_init(struct pci_config *pc, const struct pci_config_ops *ops, void *opaque,
		    const uint64_t bar_sizes[PCI_NUM_BARS], uint32_t size)
{
	uint8_t id[4];

	memset(pc, 0, sizeof(*pc));
	pc->ops = ops;
	pc->opaque = opaque;
	pc->size = size == PCI_CFG_SIZE ? PCI_CFG_SIZE : 256;
	if (dev_read(pc, 0, id, 4))
		return -EIO;
	pc->vendor = get_le(id, 2);
	pc->device = get_le(id + 2, 2);
	if (pc->vendor == 0xffff)
		return -ENODEV;
	init_bars(pc, bar_sizes);
	virtualize(pc, PCI_ROM, 4, VIRT_RO);			/* no expansion ROM */
	virtualize(pc, PCI_INT_LINE, 1, VIRT);
	if (dev_read(pc, PCI_INT_PIN, &pc->device_pin, 1))
		return -EIO;
	if (pc->device_pin > 4)
		pc->device_pin = 0;
	virtualize(pc, PCI_INT_PIN, 1, VIRT_RO);		/* 0 until INTx is offered */
	find_caps(pc);
	if (pc->msi_cap) {
		uint8_t cap[24];
		uint16_t ctrl;
		if (dev_read(pc, pc->msi_cap, cap, 4))
			return -EIO;
		ctrl = get_le(cap + 2, 2);
		memset(cap + 4, 0, sizeof(cap) - 4);
		virtualize(pc, pc->msi_cap, msi_len(ctrl), VIRT);
		virtualize(pc, pc->msi_cap, 2, VIRT_RO);	/* id, next */
		/* one vector is what pvmm grants: advertise multiple-message-capable 0 */
		ctrl &= ~(0x7e | 1);
		put_le(cap + 2, ctrl, 2);
		memcpy(pc->shadow + pc->msi_cap, cap, msi_len(ctrl));
	}
	if (pc->msix_cap) {
		/* The table and PBA live in a BAR the guest reaches directly; the
		 * message control word is pvmm's: ibm,change-msi enables MSI-X on
		 * the device (VFIO), the guest's enable/mask writes stay here. */
		uint8_t ctrl[2];
		if (dev_read(pc, pc->msix_cap + 2, ctrl, 2))
			return -EIO;
		ctrl[1] &= 0x07;		/* table size only: disabled, unmasked */
		memcpy(pc->shadow + pc->msix_cap + 2, ctrl, 2);
		virtualize(pc, pc->msix_cap + 2, 2, VIRT);
	}
	return 0;
}

void pci_config_set_bar(struct pci_config *pc, int i, uint64_t bus_addr)
{
	struct pci_bar *b = &pc->bars[i];

	b->addr = bus_addr;
	put_le(pc->shadow + PCI_BAR0 + 4 * i, (uint32_t)bus_addr | b->flags, 4);
	if (b->is64)
		put_le(pc->shadow + PCI_BAR0 + 4 * (i + 1), (uint32_t)(bus_addr >> 32), 4);
}

void pci_config_set_msix(struct pci_config *pc, bool enable)
{
	uint8_t *hi = pc->shadow + pc->msix_cap + 3;

	if (!pc->msix_cap)
		return;
	*hi = enable ? (*hi | 0x80) : (*hi & ~0x80);
}

uint8_t pci_config_device_pin(const struct pci_config *pc)
{
	return pc->device_pin;
}

void pci_config_offer_intx(struct pci_config *pc, bool offer)
{
	pc->shadow[PCI_INT_PIN] = offer ? pc->device_pin : 0;
}

unsigned int pci_config_msix_size(const struct pci_config *pc)
{
	return pc->msix_cap ? (get_le(pc->shadow + pc->msix_cap + 2, 2) & 0x7ff) + 1 : 0;
}

int pci_config_msix_where(struct pci_config *pc, struct pci_msix_where *w)
{
	uint8_t raw[8];
	uint32_t table, pba;

	memset(w, 0, sizeof(*w));
	if (!pc->msix_cap)
		return -ENOENT;
	if (dev_read(pc, pc->msix_cap + 4, raw, 8))
		return -EIO;
	table = get_le(raw, 4);
	pba = get_le(raw + 4, 4);
	w->table_bar = table & PCI_MSIX_BIR;
	w->table_off = table & ~PCI_MSIX_BIR;
	w->pba_bar = pba & PCI_MSIX_BIR;
	w->pba_off = pba & ~PCI_MSIX_BIR;
	w->entries = pci_config_msix_size(pc);
	return 0;
}

void pci_config_set_msi(struct pci_config *pc, uint64_t addr, uint16_t data, unsigned int n)
{
	uint8_t *cap = pc->shadow + pc->msi_cap;
	uint16_t ctrl;

	if (!pc->msi_cap)
		return;
	ctrl = get_le(cap + 2, 2) & ~(0x70 | 1);
	if (n)
		ctrl |= 1;		/* enabled, as firmware leaves it */
	put_le(cap + 2, ctrl, 2);
	put_le(cap + 4, (uint32_t)addr, 4);
	if (ctrl & PCI_MSI_64BIT) {
		put_le(cap + 8, (uint32_t)(addr >> 32), 4);
		put_le(cap + 12, data, 2);
	} else {
		put_le(cap + 8, data, 2);
	}
}

static bool access_ok(const struct pci_config *pc, uint32_t off, uint32_t len)
{
	return (len == 1 || len == 2 || len == 4) && !(off & (len - 1)) && off < pc->size &&
	       len <= pc->size - off;
}

/* ---- memory decode: whether the BARs answer (COMMAND and PMCSR) ---- */

bool pci_bars_decode(uint16_t command, uint16_t pmcsr)
{
	return (command & PCI_COMMAND_MEMORY) && !(pmcsr & PCI_PM_STATE_MASK);
}

static bool covers(uint32_t off, uint32_t len, uint32_t byte)
{
	return byte >= off && byte < off + len;
}

/* The memory-space bit and the power state each sit in one byte. */
bool pci_config_touches_decode(const struct pci_config *pc, uint32_t off, uint32_t len)
{
	return covers(off, len, PCI_COMMAND) ||
	       (pc->pm_cap && covers(off, len, pc->pm_cap + PCI_PM_CTRL));
}

int pci_config_decode_state(struct pci_config *pc, uint16_t *command, uint16_t *pmcsr)
{
	uint8_t b[2];

	if (dev_read(pc, PCI_COMMAND, b, 2))
		return -EIO;
	*command = get_le(b, 2);
	*pmcsr = 0;			/* no PM capability: always D0 */
	if (pc->pm_cap && dev_read(pc, pc->pm_cap + PCI_PM_CTRL, b, 2))
		return -EIO;
	if (pc->pm_cap)
		*pmcsr = get_le(b, 2);
	return 0;
}

bool pci_config_decode_after(const struct pci_config *pc, uint16_t command, uint16_t pmcsr,
			     uint32_t off, uint32_t len, uint32_t val)
{
	for (uint32_t i = 0; i < len; i++) {
		uint8_t b = val >> (8 * i);
		if (off + i == PCI_COMMAND)
			command = (command & 0xff00) | b;
		if (pc->pm_cap && off + i == pc->pm_cap + PCI_PM_CTRL)
			pmcsr = (pmcsr & 0xff00) | b;
	}
	return pci_bars_decode(command, pmcsr);
}

/* BAR i's register as the guest reads it (sizing answers the size mask). */
static void bar_write(struct pci_config *pc, uint32_t reg, uint32_t val)
{
	int i = (reg - PCI_BAR0) / 4;
	int base = i;
	bool hi = false;

	if (i > 0 && pc->bars[i - 1].is64) {
		base = i - 1;
		hi = true;
	}
	struct pci_bar *b = &pc->bars[base];
	if (!b->size) {
		put_le(pc->shadow + reg, 0, 4);
		return;
	}
	if (val == 0xffffffff) {
		uint64_t mask = ~(b->size - 1);
		put_le(pc->shadow + reg, hi ? (uint32_t)(mask >> 32) : ((uint32_t)mask | b->flags), 4);
		return;
	}
	/* Any other value puts the assigned address back: BARs stay where
	 * pvmm mapped them (the guest's firmware-assigned addresses). */
	put_le(pc->shadow + reg, hi ? (uint32_t)(b->addr >> 32) : ((uint32_t)b->addr | b->flags), 4);
}

int pci_config_read(struct pci_config *pc, uint32_t off, uint32_t len, uint32_t *val)
{
	uint8_t buf[4] = { 0 };
	bool any_dev = false;

	if (!access_ok(pc, off, len))
		return -EINVAL;
	for (uint32_t i = 0; i < len; i++)
		any_dev |= !pc->virt[off + i];
	if (any_dev && dev_read(pc, off, buf, len))
		memset(buf, 0xff, len);
	for (uint32_t i = 0; i < len; i++)
		if (pc->virt[off + i])
			buf[i] = pc->shadow[off + i];
	*val = get_le(buf, len);
	return 0;
}

/* The bits of pvmm's own byte o that a guest write may change, as the
 * PCI spec (and QEMU's emulation) makes them writable: of the MSI
 * message control only the enable bit (multiple-message enable can be
 * no more than the capable count pvmm advertises, 0; 64-bit, per-vector
 * masking and the count are read-only), of the MSI-X message control
 * only enable and function mask (the table size is the device's). */
static uint8_t virt_wmask(const struct pci_config *pc, uint32_t o)
{
	if (pc->msi_cap && o == pc->msi_cap + 2u)
		return 0x01;
	if (pc->msi_cap && o == pc->msi_cap + 3u)
		return 0x00;
	if (pc->msix_cap && o == pc->msix_cap + 2u)
		return 0x00;
	if (pc->msix_cap && o == pc->msix_cap + 3u)
		return 0xc0;
	return 0xff;
}

int pci_config_write(struct pci_config *pc, uint32_t off, uint32_t len, uint32_t val)
{
	uint8_t buf[4];

	if (!access_ok(pc, off, len))
		return -EINVAL;
	put_le(buf, val, len);
	if (off >= PCI_BAR0 && off < PCI_BAR0 + 4 * PCI_NUM_BARS) {
		/* Only whole-register BAR writes mean anything. */
		if (len == 4)
			bar_write(pc, off, val);
		return 0;
	}
	bool any_virt = false;
	for (uint32_t i = 0; i < len; i++)
		any_virt |= pc->virt[off + i] != 0;
	if (!any_virt)
		return pc->ops->write(pc->opaque, off, buf, len) ? -EIO : 0;
	for (uint32_t i = 0; i < len; i++) {
		uint32_t o = off + i;
		uint8_t m = virt_wmask(pc, o);
		if (pc->virt[o] == VIRT)
			pc->shadow[o] = (pc->shadow[o] & ~m) | (buf[i] & m);
		else if (!pc->virt[o] && pc->ops->write(pc->opaque, o, &buf[i], 1))
			return -EIO;
	}
	return 0;
}
