/* A VFIO PCI function in the guest (see vfio_pci.h). */
#include "vfio_pci.h"
#include "irq.h"
#include "kvm.h"
#include "pci_place.h"
#include "util.h"
#include "vm.h"

#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#define MSI_MSG_ADDR		0xfee00000ULL	/* what the guest reads back; never used */
#define REGION_INFO_MAX		(64 * KiB)	/* a region's info with its capabilities */

/* ---- config space through VFIO ---- */

static int cfg_read(void *opaque, uint32_t off, void *buf, uint32_t len)
{
	return vfio_config_read(opaque, off, buf, len);	/* a struct vfio_device */
}

static int cfg_write(void *opaque, uint32_t off, const void *buf, uint32_t len)
{
	return vfio_config_write(opaque, off, buf, len);
}

static const struct pci_config_ops cfg_ops = { cfg_read, cfg_write };

/* ---- INTx: a level XICS source, ended by KVM's resample event or by pvmm ---- */

/*
 * Without KVM_CAP_IRQFD_RESAMPLE pvmm cannot see the guest's EOI (KVM's
 * XICS takes it). QEMU's vfio then takes the BARs out of KVM on each
 * interrupt and ends it at the guest's next register access. pvmm did so
 * too until a CI run showed the cost: deleting a memslot while a vcpu
 * touches it lets KVM reflect a data storage interrupt into the guest
 * (book3s_64_mmu_radix.c: a fault with DSISR_SET_RC on a slot being
 * deleted), and the guest's e1000e oopsed on a register load. So the BARs
 * stay in KVM and pvmm ends each interrupt INTX_END_MS after asserting it:
 * it deasserts the line and VFIO unmasks it. A device the guest has not
 * served yet still asserts and interrupts again at once, and the line is
 * asserted anew: nothing is lost; a slow guest at worst sees one interrupt
 * twice, which Linux counts as unhandled and ignores.
 */
#define INTX_END_MS	1

/* Every mapped piece of every BAR out of KVM (trap) or back in; tries
 * them all, returns the first error. */
static int bars_trap(struct vfio_pci *f, bool trap)
{
	int first = 0;

	for (int i = 0; i < PCI_NUM_BARS; i++) {
		struct vfio_pci_bar *b = &f->bars[i];
		for (unsigned int k = 0; k < b->nr_maps; k++) {
			struct vfio_pci_map *m = &b->maps[k];
			int r;
			if (!m->host || m->slot_added == !trap)
				continue;
			if (trap)
				r = kvm_del_memslot(f->vm, m->slot, b->gpa + m->off);
			else
				r = kvm_add_memslot(f->vm, m->slot, b->gpa + m->off, m->len, m->host);
			if (r && !first)
				first = r;
			if (!r)
				m->slot_added = !trap;
		}
	}
	return first;
}

/* Under bar_lock: the BARs are in KVM exactly when the function decodes them. */
static int bars_sync(struct vfio_pci *f)
{
	return bars_trap(f, f->decode_off);
}

/* Under bar_lock: end a pending interrupt (deassert, unmask). */
static void intx_user_end(struct vfio_pci *f)
{
	if (!f->intx_pending)
		return;
	f->intx_pending = false;
	irq_set_level(f->vm, f->irq_intx, 0);
	if (f->intx_on)
		vfio_unmask_intx(&f->dev);
}

/* VFIO signalled (and masked) the line: assert it for the guest. Returns
 * whether an interrupt is now pending. */
static bool intx_user_assert(struct vfio_pci *f)
{
	bool pending;

	pthread_mutex_lock(&f->bar_lock);
	if (!f->intx_pending && f->intx_on) {
		f->intx_pending = true;
		f->intx_count++;
		irq_set_level(f->vm, f->irq_intx, 1);
	}
	pending = f->intx_pending;
	pthread_mutex_unlock(&f->bar_lock);
	return pending;
}

static void *intx_thread_fn(void *opaque)
{
	struct vfio_pci *f = opaque;
	struct pollfd p[2] = { { .fd = f->intx_fd, .events = POLLIN },
			       { .fd = f->intx_stop_fd, .events = POLLIN } };
	bool pending = false;
	uint64_t n;

	for (;;) {
		int ready = poll(p, 2, pending ? INTX_END_MS : -1);

		if (ready < 0) {
			if (errno == EINTR)
				continue;
			pr_err("%s: INTx poll: %s", f->dev.bdf, strerror(errno));
			return NULL;
		}
		if (ready == 0) {	/* INTX_END_MS went by: end it */
			pthread_mutex_lock(&f->bar_lock);
			intx_user_end(f);
			pthread_mutex_unlock(&f->bar_lock);
			pending = false;
			continue;
		}
		if (p[1].revents)
			return NULL;
		if (read(f->intx_fd, &n, sizeof(n)) == sizeof(n))
			pending = intx_user_assert(f);
	}
}

static int intx_user_start(struct vfio_pci *f)
{
	int r;

	f->intx_stop_fd = eventfd(0, EFD_CLOEXEC);
	if (f->intx_stop_fd < 0) {
		int err = errno;
		pr_err("%s: INTx stop eventfd: %s", f->dev.bdf, strerror(err));
		return -err;
	}
	r = pthread_create(&f->intx_thread, NULL, intx_thread_fn, f);
	if (r) {
		pr_err("%s: pthread_create for INTx: %s", f->dev.bdf, strerror(r));
		return -r;
	}
	f->intx_user = true;		/* the thread runs */
	return 0;
}

static void intx_user_stop(struct vfio_pci *f)
{
	uint64_t one = 1;

	if (f->intx_user) {	/* intx_teardown clears it once done with it */
		if (write(f->intx_stop_fd, &one, sizeof(one)) != sizeof(one))
			pr_warn("%s: INTx thread stop: %s", f->dev.bdf, strerror(errno));
		pthread_join(f->intx_thread, NULL);
	}
	if (f->intx_stop_fd >= 0)
		close(f->intx_stop_fd);
	f->intx_stop_fd = -1;
}

static void intx_teardown(struct vfio_pci *f);

static int intx_offer(struct vfio_pci *f, uint8_t pin)
{
	struct vm *vm = f->vm;
	bool resample = kvm_check_extension(vm, KVM_CAP_IRQFD_RESAMPLE) > 0;
	int r;

	r = irq_init_sources(vm, f->irq_intx, 1, 1);
	if (r)
		return r;
	f->intx_fd = eventfd(0, EFD_CLOEXEC);
	if (f->intx_fd < 0) {
		int err = errno;
		pr_err("%s: INTx eventfd: %s", f->dev.bdf, strerror(err));
		return -err;
	}
	if (resample) {
		f->intx_unmask_fd = eventfd(0, EFD_CLOEXEC);
		if (f->intx_unmask_fd < 0) {
			int err = errno;
			pr_err("%s: INTx unmask eventfd: %s", f->dev.bdf, strerror(err));
			return -err;
		}
		r = irq_irqfd_resample(vm, f->intx_fd, f->intx_unmask_fd, f->irq_intx, 1);
	} else {
		pr_info("%s: INTx served by pvmm (KVM lacks KVM_CAP_IRQFD_RESAMPLE)", f->dev.bdf);
		r = intx_user_start(f);
	}
	if (r)
		return r;
	f->intx_offered = true;
	r = vfio_set_intx(&f->dev, f->intx_fd, f->intx_unmask_fd);
	if (r)
		return r;
	f->intx_on = true;
	pci_config_offer_intx(&f->cfg, true);
	pr_debug("%s: INTx pin %u on XICS source %u", f->dev.bdf, pin, f->irq_intx);
	return 0;
}

/* INTx is the fallback to MSI: if the host cannot give it, the device
 * goes to the guest without it (pin 0), not the whole run fails. */
static int intx_setup(struct vfio_pci *f)
{
	uint8_t pin = pci_config_device_pin(&f->cfg);

	if (!pin || !f->dev.intx_count)
		return 0;
	if (intx_offer(f, pin)) {
		intx_teardown(f);
		pr_warn("%s: INTx not offered (error above); MSI only", f->dev.bdf);
	}
	return 0;
}

/* VFIO takes one interrupt type at a time: INTx goes while MSIs are on. */
static void intx_switch(struct vfio_pci *f, bool on)
{
	if (!f->intx_offered || f->intx_on == on)
		return;
	if (f->intx_user)
		pthread_mutex_lock(&f->bar_lock);
	if (!vfio_set_intx(&f->dev, on ? f->intx_fd : -1, f->intx_unmask_fd))
		f->intx_on = on;
	if (f->intx_user) {
		if (!on)
			intx_user_end(f);	/* MSIs take over: no line left asserted */
		pthread_mutex_unlock(&f->bar_lock);
	}
}

static void intx_teardown(struct vfio_pci *f)
{
	intx_user_stop(f);
	intx_switch(f, false);
	if (f->intx_offered && !f->intx_user)
		irq_irqfd_resample(f->vm, f->intx_fd, -1, f->irq_intx, 0);
	f->intx_offered = false;
	if (f->intx_fd >= 0)
		close(f->intx_fd);
	if (f->intx_unmask_fd >= 0)
		close(f->intx_unmask_fd);
	f->intx_fd = f->intx_unmask_fd = -1;
	f->intx_user = false;
}

/* ---- BARs: placed in the PHB's MMIO windows, largest first, mapped but
 * for what VFIO will not mmap and the MSI-X table and PBA pages ---- */

/* What VFIO lets be mmapped of BAR i: VFIO_DEVICE_GET_REGION_INFO again
 * with room for the capabilities the first answer announced. */
static int bar_mmap_info(struct vfio_pci *f, int i, struct bar_mmap_info *mi)
{
	const struct vfio_region_info *ri = &f->dev.regions[i];
	struct vfio_region_info *full;
	uint32_t size = ri->argsz;
	int r;

	if (!(ri->flags & VFIO_REGION_INFO_FLAG_CAPS) || size <= sizeof(*ri))
		return bar_mmap_info_parse(ri, sizeof(*ri), mi);
	if (size > REGION_INFO_MAX) {
		pr_warn("%s: BAR %d: VFIO's region capabilities take %u bytes, more than %u",
			f->dev.bdf, i, size, (unsigned int)REGION_INFO_MAX);
		return -E2BIG;
	}
	full = calloc(1, size);
	if (!full)
		return -ENOMEM;
	full->argsz = size;
	full->index = (uint32_t)i;
	if (ioctl(f->dev.fd, VFIO_DEVICE_GET_REGION_INFO, full) < 0) {
		int err = errno;
		pr_warn("%s: VFIO_DEVICE_GET_REGION_INFO(BAR %d, capabilities): %s", f->dev.bdf, i,
			strerror(err));
		free(full);
		return -err;
	}
	r = bar_mmap_info_parse(full, size, mi);
	free(full);
	return r;
}

/* Says how BAR i reaches the guest when not all of it is mapped. */
static void bar_note(const struct vfio_pci *f, int i, const struct bar_split *split,
		     const struct bar_mmap_info *mi, unsigned int traps, uint64_t page)
{
	uint64_t size = f->cfg.bars[i].size;
	const char *why = !mi->nr_areas ? "VFIO does not let it be mmapped" :
			  size < page ? "smaller than a host page" :
			  traps ? "the MSI-X table and PBA pages" : "what VFIO does not let be mmapped";

	if (!split->trapped)
		return;
	if (!split->nr_pieces)
		pr_info("%s: BAR %d (%llu KiB): trapped whole (%s)", f->dev.bdf, i,
			(unsigned long long)(size / KiB), why);
	else
		pr_info("%s: BAR %d: %llu KiB mapped in %u piece(s), %llu KiB trapped (%s)", f->dev.bdf,
			i, (unsigned long long)((size - split->trapped) / KiB), split->nr_pieces,
			(unsigned long long)(split->trapped / KiB), why);
}

/* BAR i's mapped pieces: what VFIO allows less the MSI-X pages. A BAR
 * pvmm cannot split is trapped whole (said why). */
static void bar_plan(struct vfio_pci *f, int i, struct bar_split *split)
{
	uint64_t size = f->cfg.bars[i].size, page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct bar_range traps[BAR_TRAPS_MAX];
	struct pci_msix_where w;
	struct bar_mmap_info mi;
	unsigned int nt = 0;
	int r;

	memset(split, 0, sizeof(*split));
	split->trapped = size;
	r = bar_mmap_info(f, i, &mi);
	if (r) {
		pr_info("%s: BAR %d: trapped whole (VFIO's mmap capabilities unreadable: %s)",
			f->dev.bdf, i, strerror(-r));
		return;
	}
	if (!pci_config_msix_where(&f->cfg, &w))
		nt = msix_traps(&w, i, size, traps);
	r = bar_split(size, page, mi.areas, mi.nr_areas, traps, nt, split);
	if (r)
		pr_info("%s: BAR %d: trapped whole (more than %d pieces to map around the MSI-X pages)",
			f->dev.bdf, i, BAR_PIECES_MAX);
	else
		bar_note(f, i, split, &mi, nt, page);
}

/* One piece: its mmap of the VFIO region and a memslot in KVM. A piece
 * VFIO will not mmap after all is trapped instead. */
static int map_piece(struct vfio_pci *f, int i, const struct bar_range *p)
{
	struct vfio_pci_bar *b = &f->bars[i];
	struct vfio_pci_map *m = &b->maps[b->nr_maps];
	void *host = mmap(NULL, p->len, PROT_READ | PROT_WRITE, MAP_SHARED, f->dev.fd,
			  (off_t)(f->dev.regions[i].offset + p->off));
	uint32_t slot;
	int r;

	if (host == MAP_FAILED) {
		pr_warn("%s: BAR %d: mmap of 0x%llx+0x%llx: %s; trapping it instead", f->dev.bdf, i,
			(unsigned long long)p->off, (unsigned long long)p->len, strerror(errno));
		return 0;
	}
	r = vm_alloc_memslot(f->vm, f->dev.bdf, &slot);
	if (r) {
		munmap(host, p->len);
		return r;
	}
	*m = (struct vfio_pci_map){ .off = p->off, .len = p->len, .host = host, .slot = slot };
	b->nr_maps++;
	r = kvm_add_memslot(f->vm, m->slot, b->gpa + p->off, p->len, host);
	if (r)
		return r;	/* the ioctl's errno, named in its line */
	m->slot_added = true;
	pr_debug("%s: BAR %d at 0x%llx: 0x%llx+0x%llx mapped", f->dev.bdf, i,
		 (unsigned long long)b->gpa, (unsigned long long)p->off, (unsigned long long)p->len);
	return 0;
}

static int bar_map(struct vfio_pci *f, int i)
{
	struct bar_split split;

	bar_plan(f, i, &split);
	for (unsigned int k = 0; k < split.nr_pieces; k++) {
		int r = map_piece(f, i, &split.pieces[k]);
		if (r)
			return r;
	}
	return 0;
}

/* Every BAR placed (bars_place: 64-bit ones above 4 GiB), then mapped. */
static int bars_setup(struct vfio_pci *f, struct bar_windows *w)
{
	struct bar_addr at[PCI_NUM_BARS];
	char err[160];
	int r = bars_place(w, f->cfg.bars, f->dev.bdf, at, err, sizeof(err));

	if (r) {
		pr_err("%s", err);
		return r;
	}
	for (int i = 0; i < PCI_NUM_BARS && !r; i++) {
		if (!f->cfg.bars[i].size)
			continue;
		pci_config_set_bar(&f->cfg, i, at[i].bus);
		f->bars[i].gpa = at[i].gpa;
		r = bar_map(f, i);
	}
	return r;
}

/* ---- memory decode: BARs out of the guest while the function ignores them ---- */

/* Under bar_lock: what the device says now; an unreadable state counts
 * as not decoding (accesses then read all ones rather than fault). */
static void decode_sync(struct vfio_pci *f)
{
	uint16_t cmd, pmcsr;

	f->decode_off = pci_config_decode_state(&f->cfg, &cmd, &pmcsr) || !pci_bars_decode(cmd, pmcsr);
	bars_sync(f);
}

/*
 * Memory space off, or a power state other than D0, makes VFIO revoke its
 * mmap of the BARs: a guest access through a memslot still in KVM would
 * then fail KVM_RUN (EFAULT) and end the run. So a write that may stop
 * decoding takes the BARs out of KVM before it reaches the device, and
 * the device's own answer afterwards decides whether they go back (a
 * power state it lacks leaves it in D0). Trapped accesses wait on
 * bar_lock meanwhile, so none reaches VFIO half-way.
 */
int vfio_pci_config_write(struct vfio_pci *f, uint32_t off, uint32_t len, uint32_t val)
{
	uint16_t cmd, pmcsr;
	int r;

	if (!pci_config_touches_decode(&f->cfg, off, len))
		return pci_config_write(&f->cfg, off, len, val);
	pthread_mutex_lock(&f->bar_lock);
	if (pci_config_decode_state(&f->cfg, &cmd, &pmcsr) ||
	    !pci_config_decode_after(&f->cfg, cmd, pmcsr, off, len, val)) {
		f->decode_off = true;
		bars_sync(f);
	}
	r = pci_config_write(&f->cfg, off, len, val);
	decode_sync(f);
	pthread_mutex_unlock(&f->bar_lock);
	return r;
}

/* ---- MSI: XICS sources from the VM's pool while the guest has them on ---- */

/*
 * VFIO_DEVICE_SET_IRQS on the MSI and MSI-X indexes turns the function's
 * memory space on for the while (vfio_pci_memory_lock_and_enable) and
 * holds VFIO's memory lock. A config write on another vcpu reading the
 * command register then would put the BARs back into KVM although VFIO,
 * once it restores the register, refuses their mmap: the next guest
 * access fails KVM_RUN (EFAULT) and ends the run (found by the guest-fuzz
 * payload, issue 27). And a vcpu faulting on a BAR's mmap meanwhile waits
 * on that lock inside KVM. So the call runs under bar_lock with the BARs
 * out of KVM (their accesses wait, trapped), and they come back after as
 * the decode state says.
 */
static int msi_set_irqs(struct vfio_pci *f, uint32_t index, const int *fds, unsigned int n)
{
	int r;

	pthread_mutex_lock(&f->bar_lock);
	bars_trap(f, true);
	r = vfio_set_irqs(&f->dev, index, fds, n);
	bars_sync(f);
	pthread_mutex_unlock(&f->bar_lock);
	return r;
}

/* Everything MSI holds goes: VFIO's triggers, the irqfds and eventfds,
 * the XICS sources (back to the pool); INTx comes back. */
static void msi_disable(struct vfio_pci *f)
{
	if (f->msi_n && f->dev.irq_index_enabled == (int)f->msi_index)
		msi_set_irqs(f, f->msi_index, NULL, 0);
	for (unsigned int i = 0; f->msi_fds && i < f->msi_n; i++) {
		if (f->msi_fds[i] < 0)
			continue;
		irq_irqfd(f->vm, f->msi_fds[i], f->irq_msi + i, 0);
		close(f->msi_fds[i]);
	}
	free(f->msi_fds);
	f->msi_fds = NULL;
	if (f->msi_n)
		vm_free_irqs(f->vm, f->irq_msi, f->msi_n);
	f->irq_msi = 0;
	f->msi_n = 0;
	pci_config_set_msi(&f->cfg, 0, 0, 0);
	pci_config_set_msix(&f->cfg, false);
	intx_switch(f, true);
}

/* Vector i's eventfd, wired to its XICS source with KVM_IRQFD. */
static int msi_wire(struct vfio_pci *f, unsigned int i)
{
	int fd = eventfd(0, EFD_CLOEXEC), r;

	if (fd < 0) {
		int err = errno;
		pr_err("%s: MSI vector %u eventfd: %s", f->dev.bdf, i, strerror(err));
		return -err;
	}
	r = irq_irqfd(f->vm, fd, f->irq_msi + i, 1);
	if (r) {
		close(fd);
		return r;
	}
	f->msi_fds[i] = fd;
	return 0;
}

/* Up to want vectors: consecutive XICS sources from the pool (fewer if
 * it has no run of want), an eventfd each, handed to VFIO as the
 * device's triggers. Returns the count, or -errno with nothing held. */
static int msi_enable(struct vfio_pci *f, uint32_t index, unsigned int want)
{
	int n = vm_alloc_irqs_upto(f->vm, f->dev.bdf, want, &f->irq_msi), r;

	if (n < 0)
		return n;
	f->msi_n = (unsigned int)n;
	f->msi_index = index;
	f->msi_fds = malloc(sizeof(int) * f->msi_n);
	if (!f->msi_fds) {
		pr_err("%s: out of memory for %u MSI eventfds", f->dev.bdf, f->msi_n);
		msi_disable(f);
		return -ENOMEM;
	}
	memset(f->msi_fds, 0xff, sizeof(int) * f->msi_n);	/* all -1 */
	intx_switch(f, false);
	r = irq_init_sources(f->vm, f->irq_msi, f->msi_n, 0);
	for (unsigned int i = 0; !r && i < f->msi_n; i++)
		r = msi_wire(f, i);
	if (!r)
		r = msi_set_irqs(f, index, f->msi_fds, f->msi_n);
	if (r) {
		msi_disable(f);
		return r;
	}
	if (index == VFIO_PCI_MSIX_IRQ_INDEX)
		pci_config_set_msix(&f->cfg, true);
	else
		pci_config_set_msi(&f->cfg, MSI_MSG_ADDR, f->irq_msi & 0xffff, f->msi_n);
	return n;
}

int vfio_pci_set_msi(struct vfio_pci *f, uint32_t index, unsigned int want)
{
	int n;

	msi_disable(f);
	if (!want)
		return 0;
	f->msi_changes++;
	n = msi_enable(f, index, want);
	if (n > 0 && (unsigned int)n < want)
		pr_warn("%s: %d of the %u MSI vectors asked for: the XICS pool has no %u free in a row",
			f->dev.bdf, n, want, want);
	return n;
}

int vfio_pci_msi_rearm(struct vfio_pci *f)
{
	if (!f->msi_n)
		return 0;
	if (f->dev.irq_index_enabled == (int)f->msi_index)
		msi_set_irqs(f, f->msi_index, NULL, 0);
	return msi_set_irqs(f, f->msi_index, f->msi_fds, f->msi_n);
}

/* ---- what the function has that the guest does not get: one line each ---- */

static void note_regions(const struct vfio_pci *f)
{
	const struct vfio_region_info *rom = &f->dev.regions[VFIO_PCI_ROM_REGION_INDEX];

	for (int i = 0; i < PCI_NUM_BARS; i++) {
		bool upper_half = i > 0 && f->cfg.bars[i - 1].is64;
		if (f->dev.regions[i].size && !f->cfg.bars[i].size && !upper_half)
			pr_info("%s: BAR %d (%llu bytes of I/O space) not offered: pseries guests use memory space",
				f->dev.bdf, i, (unsigned long long)f->dev.regions[i].size);
	}
	if (rom->size)
		pr_info("%s: expansion ROM (%llu KiB) not offered: the guest gets none", f->dev.bdf,
			(unsigned long long)(rom->size / KiB));
	if (f->dev.num_regions > VFIO_PCI_NUM_REGIONS)
		pr_info("%s: %u device-specific VFIO region(s) not offered", f->dev.bdf,
			f->dev.num_regions - VFIO_PCI_NUM_REGIONS);
}

static void note_msi(struct vfio_pci *f)
{
	struct pci_msix_where w;
	uint16_t ctrl;

	if (f->cfg.msi_cap && !vfio_config_read(&f->dev, f->cfg.msi_cap + 2u, &ctrl, 2) &&
	    (le16toh(ctrl) >> 1 & 7))
		pr_info("%s: MSI: %u vectors offered, the guest gets 1 (MSI-X: as many as it has)",
			f->dev.bdf, 1u << (le16toh(ctrl) >> 1 & 7));
	if (pci_config_msix_where(&f->cfg, &w))
		return;
	if (w.table_bar >= PCI_NUM_BARS || !f->cfg.bars[w.table_bar].size)
		pr_info("%s: MSI-X table in BAR %u, which the guest does not get: it cannot read "
			"the table (MSI-X works through ibm,change-msi)", f->dev.bdf, w.table_bar);
	if (w.entries > f->vm->xics_pool.count)
		pr_info("%s: %u MSI-X vectors, more than the %u XICS sources pvmm has: at most those",
			f->dev.bdf, w.entries, f->vm->xics_pool.count);
}

uint8_t vfio_pci_intx_pin(const struct vfio_pci *f)
{
	return f->intx_offered ? pci_config_device_pin(&f->cfg) : 0;
}

int vfio_pci_open(struct vfio_pci *f, struct vm *vm, struct vfio_group *g, const char *bdf,
		  uint8_t devfn, struct bar_windows *bars)
{
	uint64_t sizes[PCI_NUM_BARS] = { 0 };
	int r;

	memset(f, 0, sizeof(*f));
	f->vm = vm;
	f->devfn = devfn;
	f->dev.fd = -1;
	f->intx_fd = f->intx_unmask_fd = f->intx_stop_fd = -1;
	pthread_mutex_init(&f->bar_lock, NULL);
	/* INTx's source now, whether or not the function has a pin: the
	 * interrupt-map names it before the guest runs. */
	r = vm_alloc_irqs(vm, bdf, 1, &f->irq_intx);
	if (r)
		return r;
	r = vfio_device_open(&f->dev, g, bdf);
	if (r)
		return r;
	for (int i = 0; i < PCI_NUM_BARS && (uint32_t)i < f->dev.num_regions; i++)
		sizes[i] = f->dev.regions[i].size;
	r = pci_config_init(&f->cfg, &cfg_ops, &f->dev, sizes,
			    f->dev.regions[VFIO_PCI_CONFIG_REGION_INDEX].size >= PCI_CFG_SIZE ?
			    PCI_CFG_SIZE : 256);
	if (r) {
		pr_err("%s: reading config space: %s", bdf, strerror(-r));
		return r;
	}
	r = bars_setup(f, bars);
	if (!r) {
		/* Until the guest turns memory space on (if the host left it
		 * off), the BARs do not answer. */
		pthread_mutex_lock(&f->bar_lock);
		decode_sync(f);
		pthread_mutex_unlock(&f->bar_lock);
	}
	if (!r)
		r = intx_setup(f);
	if (!r) {
		note_regions(f);
		note_msi(f);
	}
	return r;
}

/* The BAR wholly holding [gpa, gpa + len), or -1. */
static int bar_at(const struct vfio_pci *f, uint64_t gpa, uint32_t len)
{
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		const struct pci_bar *b = &f->cfg.bars[i];
		if (b->size && gpa >= f->bars[i].gpa && gpa + len <= f->bars[i].gpa + b->size)
			return i;
	}
	return -1;
}

/* Under bar_lock, so that a config write on another vcpu cannot turn
 * decode off between the check and VFIO's access. */
int vfio_pci_mmio(struct vfio_pci *f, uint64_t gpa, uint8_t *data, uint32_t len, int is_write)
{
	int i = bar_at(f, gpa, len), r = 0;

	if (i < 0)
		return -ENOENT;
	pthread_mutex_lock(&f->bar_lock);
	if (f->decode_off) {
		/* as a bus cycle nobody claims: all ones, writes dropped */
		if (!is_write)
			memset(data, 0xff, len);
		f->decode_off_accesses++;
	} else {
		r = vfio_region_rw(&f->dev, i, gpa - f->bars[i].gpa, data, len, is_write);
	}
	pthread_mutex_unlock(&f->bar_lock);
	return r;
}

void vfio_pci_report(const struct vfio_pci *f, struct report *r)
{
	report_object_begin(r, NULL);
	report_str(r, "host", f->dev.bdf);
	report_i64(r, "group", f->dev.group ? f->dev.group->id : -1);
	report_u64(r, "devfn", f->devfn);
	report_u64(r, "vendor", f->cfg.vendor);
	report_u64(r, "device", f->cfg.device);
	report_u64(r, "msi_vectors", f->msi_n);
	report_str(r, "msi_type", !f->msi_n ? "none" :
		   f->msi_index == VFIO_PCI_MSIX_IRQ_INDEX ? "msix" : "msi");
	report_u64(r, "msi_changes", f->msi_changes);
	report_bool(r, "intx", f->intx_offered);
	report_u64(r, "intx_served_by_pvmm", f->intx_count);
	report_u64(r, "bar_accesses_decode_off", f->decode_off_accesses);
	report_line(r, "pvmm:   function {devfn:devfn} = {host} ({vendor:04x}:{device:04x}, group {group}): "
		    "{msi_vectors} {msi_type} vector(s){intx?, INTx offered|}");
	if (f->intx_user)
		report_line(r, "pvmm:   INTx served by pvmm: {intx_served_by_pvmm} interrupts");
	if (f->decode_off_accesses)
		report_line(r, "pvmm:   BAR accesses while memory decode was off or not in D0: "
			    "{bar_accesses_decode_off} (read all ones, writes dropped)");
	vfio_device_report(&f->dev, r);
	report_object_end(r);
}

/* Reverse order of set-up; safe on a partial one. */
void vfio_pci_close(struct vfio_pci *f)
{
	msi_disable(f);
	intx_teardown(f);
	bars_trap(f, true);
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		struct vfio_pci_bar *b = &f->bars[i];
		for (unsigned int k = 0; k < b->nr_maps; k++) {
			munmap(b->maps[k].host, b->maps[k].len);
			vm_free_memslot(f->vm, b->maps[k].slot);
		}
		b->nr_maps = 0;
	}
	vfio_device_close(&f->dev);
	if (f->irq_intx)
		vm_free_irqs(f->vm, f->irq_intx, 1);
	f->irq_intx = 0;
}
