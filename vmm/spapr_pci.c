/* The PCI host bridge with the passthrough function (see spapr_pci.h). */
#include "spapr_pci.h"
#include "spapr_ddw.h"
#include "spapr_phb_fdt.h"
#include "fdt_builder.h"
#include "irq.h"
#include "kvm.h"
#include "layout.h"
#include "pci_config.h"
#include "spapr.h"
#include "spapr_rtas.h"
#include "tce.h"
#include "util.h"
#include "vfio.h"
#include "vm.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <libfdt.h>
#include <linux/kvm.h>

#define MSI_MAX			8	/* vectors per function (MSI: 1) */
#define MSI_MSG_ADDR		0xfee00000ULL	/* what the guest reads back; never used */
#define BAR_SLOT_BASE		1	/* KVM memslots: 0 is RAM */

struct phb_bar {
	uint64_t gpa;
	void *host;			/* mmap of the VFIO region, NULL if trapped */
	bool slot_added;
};

/* A DMA window: the host's VFIO window, its TCE table (KVM's in mode
 * kernel, pvmm's in mode user) and the LIOBN the hcalls find it by. */
struct phb_window {
	struct tce_window tce;
	bool vfio_created, ready, added;
	uint64_t vfio_start;
	int table_fd;			/* mode kernel: KVM's TCE table */
	void *table_map;
	size_t table_map_size;
};

struct spapr_phb {
	struct vm *vm;
	struct vfio_dev vfio;
	struct pci_config cfg;
	struct phb_bar bars[PCI_NUM_BARS];
	enum tce_mode mode;
	/* Mode kernel: which multi-TCE hcalls KVM serves, decided at the first
	 * window (KVM_CAP_PPC_ENABLE_HCALL is VM-wide). */
	bool kvm_hcalls_decided, kvm_indirect;
	struct phb_window win[DDW_WINDOWS_MAX];	/* slot 0: the default window */
	struct ddw ddw;
	int msi_fds[MSI_MAX];
	unsigned int msi_n;
	uint32_t msi_index;		/* VFIO_PCI_MSI_IRQ_INDEX or _MSIX_ */
	uint32_t seq_num;
	int intx_fd, intx_unmask_fd;	/* INTx: trigger, and KVM's resample */
	bool intx_offered, intx_on;
	/* INTx served by pvmm (no KVM_CAP_IRQFD_RESAMPLE): a thread asserts
	 * the line; the next trapped BAR access ends it. intx_lock guards
	 * intx_pending and the BAR memslots from then on. */
	bool intx_user, intx_pending;
	int intx_stop_fd;
	pthread_t intx_thread;
	pthread_mutex_t intx_lock;
	uint64_t intx_count;
	bool set_up;			/* spapr_pci_setup() succeeded */
};

static struct spapr_phb the_phb;

/* ---- config space through VFIO ---- */

static int cfg_read(void *opaque, uint32_t off, void *buf, uint32_t len)
{
	return vfio_config_read(opaque, off, buf, len);
}

static int cfg_write(void *opaque, uint32_t off, const void *buf, uint32_t len)
{
	return vfio_config_write(opaque, off, buf, len);
}

static const struct pci_config_ops cfg_ops = { cfg_read, cfg_write };

/* ---- TCE side effects: VFIO mappings of guest pages ---- */

static int tce_map(void *opaque, uint64_t iova, uint64_t gpa, uint64_t size, uint64_t perm)
{
	struct spapr_phb *phb = opaque;
	void *host = guest_ptr(&phb->vm->mem, gpa, size);

	return host ? vfio_dma_map(&phb->vfio, iova, host, size, perm) : -EFAULT;
}

static int tce_unmap(void *opaque, uint64_t iova, uint64_t size)
{
	struct spapr_phb *phb = opaque;

	return vfio_dma_unmap(&phb->vfio, iova, size);
}

static const struct tce_ops tce_vfio_ops = { tce_map, tce_unmap };

static uint64_t pow2_at_least(uint64_t v)
{
	uint64_t p = 1;

	while (p < v && p < (1ULL << 62))
		p <<= 1;
	return p;
}

/* The guest's window: big enough for all of RAM, never bigger than the
 * host's 32-bit window. */
static uint64_t window_size(const struct spapr_phb *phb)
{
	uint64_t want = 256 * MiB;

	while (want < phb->vm->mem.size && want < (1ULL << 40))
		want <<= 1;
	return want < phb->vfio.info.dma32_window_size ? want : phb->vfio.info.dma32_window_size;
}

/* Mode kernel: KVM's table for the window's LIOBN, attached to the group,
 * so that the TCE hcalls never leave the kernel. Each step names itself on
 * failure; window_close() undoes the ones before. */
static int window_kernel_table(struct spapr_phb *phb, struct phb_window *w, uint32_t liobn,
			       uint32_t page_shift, uint64_t start, uint64_t size)
{
	struct vm *vm = phb->vm;
	struct kvm_create_spapr_tce_64 args = {
		.liobn = liobn, .page_shift = page_shift,
		.offset = start >> page_shift, .size = size >> page_shift,
	};

	w->table_fd = ioctl(vm->vm_fd, KVM_CREATE_SPAPR_TCE_64, &args);
	if (w->table_fd < 0) {
		pr_err("mode kernel: KVM_CREATE_SPAPR_TCE_64(liobn 0x%x, page shift %u, %llu entries): %s",
		       liobn, page_shift, (unsigned long long)args.size, strerror(errno));
		return -errno;
	}
	pr_info("mode kernel: KVM TCE table for liobn 0x%x: page shift %u, offset 0x%llx, %llu entries",
		liobn, page_shift, (unsigned long long)args.offset, (unsigned long long)args.size);
	/* The table stays inspectable: its entries, host-endian, as KVM keeps them. */
	w->table_map_size = ALIGN_UP(args.size * 8, (uint64_t)sysconf(_SC_PAGESIZE));
	w->table_map = mmap(NULL, w->table_map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			    w->table_fd, 0);
	if (w->table_map == MAP_FAILED) {
		w->table_map = NULL;
		pr_err("mode kernel: mmap of the KVM TCE table: %s", strerror(errno));
		return -errno;
	}
	return vfio_kvm_attach_tce(&phb->vfio, w->table_fd);
}

/*
 * KVM (Linux 6.12, and upstream as of this writing) checks only the FIRST
 * entry of an H_PUT_TCE_INDIRECT or H_STUFF_TCE against the window
 * (iommu_tce_check_ioba ignores npages) and then writes every entry, into
 * its own table and the host IOMMU table: a guest asking for entries past
 * the window's end makes the host kernel write past both tables (seen
 * here: an oops in iommu_tce_xchg_no_kill from H_STUFF_TCE). So in mode
 * kernel every window's KVM and host tables get TCE_INDIRECT_MAX spare
 * entries past the guest's window, which is as far as an indirect list
 * (512 entries at most, that check KVM does make) can reach, and
 * H_STUFF_TCE, whose count has no bound, stays with pvmm unless the user
 * trusts the guest (kvm_stuff_tce). The pad's price: KVM answers H_SUCCESS
 * for an IOBA among the spare entries; kvm_indirect_tce = off keeps
 * H_PUT_TCE_INDIRECT with pvmm too, and every answer exact.
 */
static uint64_t kvm_pad(const struct spapr_phb *phb, uint32_t page_shift)
{
	if (phb->mode != TCE_KERNEL || !phb->vm->cfg.kvm_indirect_tce ||
	    (phb->kvm_hcalls_decided && !phb->kvm_indirect))
		return 0;
	return (uint64_t)TCE_INDIRECT_MAX << page_shift;
}

/* Append item to the comma-separated list in buf. */
static void list_add(char *buf, size_t len, const char *item)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n ? ", " : "", item);
}

/* After the first window: KVM serves H_PUT_TCE_INDIRECT if that window
 * could be padded, H_STUFF_TCE only if asked. */
static int kvm_hcalls_decide(struct spapr_phb *phb, bool padded)
{
	struct vm *vm = phb->vm;
	int r = 0;

	phb->kvm_hcalls_decided = true;
	phb->kvm_indirect = padded;
	if (padded)
		r = kvm_enable_hcall(vm, H_PUT_TCE_INDIRECT);
	if (!r && vm->cfg.kvm_stuff_tce)
		r = kvm_enable_hcall(vm, H_STUFF_TCE);
	/* Who serves what, in one line: each multi-TCE hcall joins one list. */
	char kvm[128] = "H_PUT_TCE, H_GET_TCE", own[128] = "";
	list_add(padded ? kvm : own, sizeof(kvm), padded ? "H_PUT_TCE_INDIRECT" :
		 vm->cfg.kvm_indirect_tce ? "H_PUT_TCE_INDIRECT (no room to pad the window)" :
		 "H_PUT_TCE_INDIRECT (kvm_indirect_tce off)");
	list_add(vm->cfg.kvm_stuff_tce ? kvm : own, sizeof(kvm), vm->cfg.kvm_stuff_tce ?
		 "H_STUFF_TCE (kvm_stuff_tce on)" : "H_STUFF_TCE (KVM does not bound its count)");
	pr_info("mode kernel: KVM serves %s; pvmm serves %s", kvm, own[0] ? own : "none");
	return r;
}

/* Release a window: pvmm stops finding it, KVM drops its table (the mmap
 * holds the file, so it goes first), then the host window goes unless
 * vfio_dev_close() is to remove it after the device (teardown). */
static void window_close(struct spapr_phb *phb, unsigned int slot, bool host_window)
{
	struct phb_window *w = &phb->win[slot];

	if (w->added)
		tce_window_remove(&w->tce);
	tce_window_free(&w->tce);
	if (w->table_map)
		munmap(w->table_map, w->table_map_size);
	if (w->table_fd >= 0)
		close(w->table_fd);
	if (host_window && w->vfio_created && vfio_window_remove(&phb->vfio, w->vfio_start))
		pr_warn("%s: window at 0x%llx stays with the container", phb->vfio.bdf,
			(unsigned long long)w->vfio_start);
	memset(w, 0, sizeof(*w));
	w->table_fd = -1;
}

static int window_open(struct spapr_phb *phb, unsigned int slot, uint32_t liobn,
		       uint32_t page_shift, uint64_t size, uint64_t *start)
{
	struct phb_window *w = &phb->win[slot];
	uint64_t pad = kvm_pad(phb, page_shift);
	int r;

	/* The host window's size is a power of two: the pad costs a window
	 * twice the guest's, whose table only has entries where mapped. */
	r = vfio_window_create(&phb->vfio, page_shift, pad ? pow2_at_least(size + pad) : size, start);
	if (r && pad && !phb->kvm_hcalls_decided) {
		pr_info("%s: no padded host window: H_PUT_TCE_INDIRECT stays with pvmm", phb->vfio.bdf);
		pad = 0;
		r = vfio_window_create(&phb->vfio, page_shift, size, start);
	}
	if (r)
		return r;
	w->vfio_created = true;
	w->vfio_start = *start;
	if (phb->mode == TCE_KERNEL) {
		r = window_kernel_table(phb, w, liobn, page_shift, *start, size + pad);
		if (!r && !phb->kvm_hcalls_decided)
			r = kvm_hcalls_decide(phb, pad != 0);
	}
	if (!r)
		r = tce_window_init(&w->tce, liobn, *start, size, page_shift, &phb->vm->mem,
				    &tce_vfio_ops, phb, w->table_map);
	if (!r)
		w->tce.spare_entries = pad >> page_shift;
	w->ready = !r;
	if (!r)
		r = tce_window_add(&w->tce);
	w->added = !r;
	if (r)
		window_close(phb, slot, true);
	return r;
}

/* ---- DDW host side ---- */

static int ddw_host_create(void *opaque, unsigned int slot, uint32_t liobn, uint32_t page_shift,
			   uint64_t size, uint64_t *start)
{
	struct spapr_phb *phb = opaque;
	int r = window_open(phb, slot, liobn, page_shift, size, start);

	if (!r)
		pr_info("guest created DMA window liobn 0x%x at 0x%llx, 0x%llx bytes, %u KiB pages",
			liobn, (unsigned long long)*start, (unsigned long long)size,
			1u << (page_shift - 10));
	return r;
}

static void ddw_host_remove(void *opaque, unsigned int slot, uint64_t *hcalls)
{
	struct spapr_phb *phb = opaque;

	*hcalls = phb->win[slot].tce.hcalls;
	pr_info("guest removed DMA window liobn 0x%x", phb->win[slot].tce.liobn);
	window_close(phb, slot, true);
}

static int decode_cfg_addr(uint32_t addr, uint64_t buid, uint32_t *reg);

static int ddw_check_addr(void *opaque, uint32_t cfg_addr, uint64_t buid)
{
	uint32_t reg;

	(void)opaque;
	return decode_cfg_addr(cfg_addr, buid, &reg);
}

static const struct ddw_ops ddw_host_ops = { ddw_host_create, ddw_host_remove, ddw_check_addr };

/* Which mode, and why: the user's choice, or what the kernel offers. */
static int tce_choose_mode(struct spapr_phb *phb)
{
	struct vm *vm = phb->vm;
	const char *missing = NULL;

	if (!kvm_check_extension(vm, KVM_CAP_SPAPR_TCE_VFIO))
		missing = "KVM lacks KVM_CAP_SPAPR_TCE_VFIO";
	else if (!kvm_check_extension(vm, KVM_CAP_SPAPR_TCE_64))
		missing = "KVM lacks KVM_CAP_SPAPR_TCE_64";
	else if (!phb->vfio.v2)
		missing = "the container is not sPAPR TCE v2 (no pre-registered memory)";
	if (vm->cfg.tce == TCE_KERNEL && missing) {
		pr_err("tce = kernel is impossible here: %s", missing);
		return -ENOTSUP;
	}
	if (vm->cfg.tce == TCE_USER) {
		phb->mode = TCE_USER;
		pr_info("TCE mode user (asked for): pvmm serves the TCE hcalls");
	} else if (missing) {
		phb->mode = TCE_USER;
		pr_info("TCE mode user (auto): %s", missing);
	} else {
		phb->mode = TCE_KERNEL;
		pr_info("TCE mode kernel (%s): KVM serves the TCE hcalls for the PHB's LIOBNs",
			vm->cfg.tce == TCE_KERNEL ? "asked for" : "auto, KVM_CAP_SPAPR_TCE_VFIO present");
	}
	return 0;
}

/* The default window, then what DDW may offer the guest: the host's page
 * sizes no larger than the pages backing guest RAM, windows no larger
 * than RAM needs (which bounds the host table's memory). */
static int tce_setup(struct spapr_phb *phb)
{
	struct vm *vm = phb->vm;
	uint64_t start, size = window_size(phb);
	uint32_t mask;
	int r;

	r = tce_choose_mode(phb);
	if (r)
		return r;
	r = window_open(phb, 0, PHB_DMA_LIOBN, 12, size, &start);
	if (r)
		return r;
	/* A TCE may not span more than one host page of guest RAM. */
	mask = ddw_page_mask(phb->vfio.info.ddw.pgsizes,
			     vm->mem.page_size ? vm->mem.page_size : (uint64_t)sysconf(_SC_PAGESIZE));
	ddw_init(&phb->ddw, vm->cfg.ddw && phb->vfio.v2,
		 phb->vfio.v2 ? phb->vfio.info.ddw.max_dynamic_windows_supported : 1, mask,
		 pow2_at_least(vm->mem.size), PHB_DMA_LIOBN, start, size, 12, &ddw_host_ops, phb);
	if (vm->cfg.ddw && !phb->ddw.enabled)
		pr_info("DDW off: the host offers %s", !phb->vfio.v2 ? "only the v1 IOMMU" :
			!mask ? "no TCE page size usable for guest RAM" : "a single DMA window");
	return 0;
}

/* ---- INTx: a level XICS source, ended by KVM's resample event or by pvmm ---- */

/*
 * Without KVM_CAP_IRQFD_RESAMPLE pvmm cannot see the guest's EOI (KVM's
 * XICS takes it), so it ends the interrupt at the guest's next access to
 * the device's registers, as QEMU's vfio does without KVM help: on each
 * interrupt the BARs leave KVM (their accesses trap to spapr_pci_mmio);
 * the first access is forwarded, then the line is deasserted, VFIO
 * unmasks it and the BARs are mapped again. A driver reads or acks its
 * interrupt cause in the handler, so the device has dropped the line by
 * then; if not, VFIO signals it again at once.
 */
/* Every mmapped BAR out of KVM (trap) or back in; tries them all, returns
 * the first error. */
static int bars_trap(struct spapr_phb *phb, bool trap)
{
	int first = 0;

	for (int i = 0; i < PCI_NUM_BARS; i++) {
		struct phb_bar *b = &phb->bars[i];
		int r;
		if (!b->host || b->slot_added == !trap)
			continue;
		if (trap)
			r = kvm_del_memslot(phb->vm, BAR_SLOT_BASE + i, b->gpa);
		else
			r = kvm_add_memslot(phb->vm, BAR_SLOT_BASE + i, b->gpa, phb->cfg.bars[i].size, b->host);
		if (r && !first)
			first = r;
		if (!r)
			b->slot_added = !trap;
	}
	return first;
}

/* Under intx_lock: end a pending interrupt (deassert, unmask, remap). */
static void intx_user_end(struct spapr_phb *phb)
{
	if (!phb->intx_pending)
		return;
	phb->intx_pending = false;
	irq_set_level(phb->vm, IRQ_PCI_INTX, 0);
	if (phb->intx_on)
		vfio_unmask_intx(&phb->vfio);
	bars_trap(phb, false);
}

static void *intx_thread_fn(void *opaque)
{
	struct spapr_phb *phb = opaque;
	struct pollfd p[2] = { { .fd = phb->intx_fd, .events = POLLIN },
			       { .fd = phb->intx_stop_fd, .events = POLLIN } };
	uint64_t n;

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			pr_err("%s: INTx poll: %s", phb->vfio.bdf, strerror(errno));
			return NULL;
		}
		if (p[1].revents)
			return NULL;
		if (read(phb->intx_fd, &n, sizeof(n)) != sizeof(n))
			continue;
		pthread_mutex_lock(&phb->intx_lock);
		if (!phb->intx_pending && phb->intx_on) {
			phb->intx_pending = true;
			phb->intx_count++;
			if (!bars_trap(phb, true))
				irq_set_level(phb->vm, IRQ_PCI_INTX, 1);
		}
		pthread_mutex_unlock(&phb->intx_lock);
	}
}

static int intx_user_start(struct spapr_phb *phb)
{
	int r;

	phb->intx_stop_fd = eventfd(0, EFD_CLOEXEC);
	if (phb->intx_stop_fd < 0) {
		pr_err("%s: INTx stop eventfd: %s", phb->vfio.bdf, strerror(errno));
		return -errno;
	}
	r = pthread_create(&phb->intx_thread, NULL, intx_thread_fn, phb);
	if (r) {
		pr_err("%s: pthread_create for INTx: %s", phb->vfio.bdf, strerror(r));
		return -r;
	}
	phb->intx_user = true;		/* the thread runs */
	return 0;
}

static void intx_user_stop(struct spapr_phb *phb)
{
	uint64_t one = 1;

	if (phb->intx_user) {	/* intx_teardown clears it once done with it */
		if (write(phb->intx_stop_fd, &one, sizeof(one)) != sizeof(one))
			pr_warn("%s: INTx thread stop: %s", phb->vfio.bdf, strerror(errno));
		pthread_join(phb->intx_thread, NULL);
	}
	if (phb->intx_stop_fd >= 0)
		close(phb->intx_stop_fd);
	phb->intx_stop_fd = -1;
}

static void intx_teardown(struct spapr_phb *phb);

static int intx_offer(struct spapr_phb *phb, uint8_t pin)
{
	struct vm *vm = phb->vm;
	bool resample = kvm_check_extension(vm, KVM_CAP_IRQFD_RESAMPLE) > 0;
	int r;

	r = irq_init_sources(vm, IRQ_PCI_INTX, 1, 1);
	if (r)
		return r;
	phb->intx_fd = eventfd(0, EFD_CLOEXEC);
	if (phb->intx_fd < 0) {
		pr_err("%s: INTx eventfd: %s", phb->vfio.bdf, strerror(errno));
		return -errno;
	}
	if (resample) {
		phb->intx_unmask_fd = eventfd(0, EFD_CLOEXEC);
		if (phb->intx_unmask_fd < 0) {
			pr_err("%s: INTx unmask eventfd: %s", phb->vfio.bdf, strerror(errno));
			return -errno;
		}
		r = irq_irqfd_resample(vm, phb->intx_fd, phb->intx_unmask_fd, IRQ_PCI_INTX, 1);
	} else {
		pr_info("%s: INTx served by pvmm (KVM lacks KVM_CAP_IRQFD_RESAMPLE)", phb->vfio.bdf);
		r = intx_user_start(phb);
	}
	if (r)
		return r;
	phb->intx_offered = true;
	r = vfio_set_intx(&phb->vfio, phb->intx_fd, phb->intx_unmask_fd);
	if (r)
		return r;
	phb->intx_on = true;
	pci_config_offer_intx(&phb->cfg, true);
	pr_debug("%s: INTx pin %u on XICS source %u", phb->vfio.bdf, pin, IRQ_PCI_INTX);
	return 0;
}

/* INTx is the fallback to MSI: if the host cannot give it, the device
 * goes to the guest without it (pin 0), not the whole run fails. */
static int intx_setup(struct spapr_phb *phb)
{
	uint8_t pin = pci_config_device_pin(&phb->cfg);

	if (!pin || !phb->vfio.intx_count)
		return 0;
	if (intx_offer(phb, pin)) {
		intx_teardown(phb);
		pr_warn("%s: INTx not offered (error above); MSI only", phb->vfio.bdf);
	}
	return 0;
}

/* VFIO takes one interrupt type at a time: INTx goes while MSIs are on. */
static void intx_switch(struct spapr_phb *phb, bool on)
{
	if (!phb->intx_offered || phb->intx_on == on)
		return;
	if (phb->intx_user)
		pthread_mutex_lock(&phb->intx_lock);
	if (!vfio_set_intx(&phb->vfio, on ? phb->intx_fd : -1, phb->intx_unmask_fd))
		phb->intx_on = on;
	if (phb->intx_user) {
		if (!on)
			intx_user_end(phb);	/* a line left pending would keep the BARs trapped */
		pthread_mutex_unlock(&phb->intx_lock);
	}
}

static void intx_teardown(struct spapr_phb *phb)
{
	intx_user_stop(phb);
	intx_switch(phb, false);
	if (phb->intx_offered && !phb->intx_user)
		irq_irqfd_resample(phb->vm, phb->intx_fd, -1, IRQ_PCI_INTX, 0);
	phb->intx_offered = false;
	if (phb->intx_fd >= 0)
		close(phb->intx_fd);
	if (phb->intx_unmask_fd >= 0)
		close(phb->intx_unmask_fd);
	phb->intx_fd = phb->intx_unmask_fd = -1;
	phb->intx_user = false;
}

/* ---- BARs: placed in the 32-bit window, largest first, mapped if VFIO allows ---- */

static int bars_setup(struct spapr_phb *phb)
{
	uint64_t next = PHB_MMIO32_BUS, end = PHB_MMIO32_BUS + PHB_MMIO32_SIZE;
	bool done[PCI_NUM_BARS] = { false };

	for (;;) {
		int pick = -1;
		for (int i = 0; i < PCI_NUM_BARS; i++)
			if (!done[i] && phb->cfg.bars[i].size &&
			    (pick < 0 || phb->cfg.bars[i].size > phb->cfg.bars[pick].size))
				pick = i;
		if (pick < 0)
			return 0;
		done[pick] = true;
		struct pci_bar *b = &phb->cfg.bars[pick];
		struct vfio_region_info *ri = &phb->vfio.regions[pick];
		uint64_t addr = ALIGN_UP(next, b->size);
		if (addr + b->size > end) {
			pr_err("%s: BAR %d (%llu bytes) does not fit the PHB window", phb->vfio.bdf,
			       pick, (unsigned long long)b->size);
			return -ENOSPC;
		}
		next = addr + b->size;
		pci_config_set_bar(&phb->cfg, pick, addr);
		phb->bars[pick].gpa = PHB_MMIO32_CPU + (addr - PHB_MMIO32_BUS);
		if (!(ri->flags & VFIO_REGION_INFO_FLAG_MMAP) || b->size % (uint64_t)sysconf(_SC_PAGESIZE))
			continue;	/* trapped: KVM_EXIT_MMIO -> spapr_pci_mmio */
		void *host = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED,
				  phb->vfio.device, ri->offset);
		if (host == MAP_FAILED) {
			pr_warn("%s: BAR %d: mmap: %s; trapping it instead", phb->vfio.bdf, pick, strerror(errno));
			continue;
		}
		phb->bars[pick].host = host;
		if (kvm_add_memslot(phb->vm, BAR_SLOT_BASE + pick, phb->bars[pick].gpa, b->size, host))
			return -EIO;
		phb->bars[pick].slot_added = true;
		pr_debug("%s: BAR %d at 0x%llx, %llu KiB, mapped", phb->vfio.bdf, pick,
			 (unsigned long long)phb->bars[pick].gpa, (unsigned long long)(b->size / KiB));
	}
}

int spapr_pci_setup(struct vm *vm)
{
	struct spapr_phb *phb = &the_phb;
	uint64_t sizes[PCI_NUM_BARS] = { 0 };
	int r;

	memset(phb, 0, sizeof(*phb));
	phb->vm = vm;
	for (int i = 0; i < DDW_WINDOWS_MAX; i++)
		phb->win[i].table_fd = -1;
	for (int i = 0; i < MSI_MAX; i++)
		phb->msi_fds[i] = -1;
	phb->intx_fd = phb->intx_unmask_fd = phb->intx_stop_fd = -1;
	pthread_mutex_init(&phb->intx_lock, NULL);
	vm->phb = phb;
	r = vfio_dev_open(&phb->vfio, vm, vm->cfg.pci_host);
	if (r)
		return r;
	r = tce_setup(phb);
	if (r)
		return r;
	for (int i = 0; i < PCI_NUM_BARS && (uint32_t)i < phb->vfio.num_regions; i++)
		sizes[i] = phb->vfio.regions[i].size;
	r = pci_config_init(&phb->cfg, &cfg_ops, &phb->vfio, sizes,
			    phb->vfio.regions[VFIO_PCI_CONFIG_REGION_INDEX].size >= PCI_CFG_SIZE ?
			    PCI_CFG_SIZE : 256);
	if (r) {
		pr_err("%s: reading config space: %s", vm->cfg.pci_host, strerror(-r));
		return r;
	}
	r = bars_setup(phb);
	if (!r)
		r = irq_init_sources(vm, IRQ_PCI_BASE, MSI_MAX, 0);
	if (!r)
		r = intx_setup(phb);
	phb->set_up = !r;
	if (!r)
		pr_info("%s: %04x:%04x on the PHB, DMA window 0x%llx+0x%llx (%llu KiB TCE pages), TCE mode %s, DDW %s",
			vm->cfg.pci_host, phb->cfg.vendor, phb->cfg.device,
			(unsigned long long)phb->win[0].tce.start, (unsigned long long)phb->win[0].tce.size,
			(unsigned long long)(1ULL << phb->win[0].tce.page_shift) / KiB,
			tce_mode_name(phb->mode), phb->ddw.enabled ? "on" : "off");
	return r;
}

/* ---- MSI ---- */

static void msi_disable(struct spapr_phb *phb)
{
	if (phb->msi_n)
		vfio_set_irqs(&phb->vfio, phb->msi_index, NULL, 0);
	for (unsigned int i = 0; i < MSI_MAX; i++) {
		if (phb->msi_fds[i] < 0)
			continue;
		irq_irqfd(phb->vm, phb->msi_fds[i], IRQ_PCI_BASE + i, 0);
		close(phb->msi_fds[i]);
		phb->msi_fds[i] = -1;
	}
	phb->msi_n = 0;
	pci_config_set_msi(&phb->cfg, 0, 0, 0);
	pci_config_set_msix(&phb->cfg, false);
	intx_switch(phb, true);
}

/* n vectors of MSI or MSI-X: an eventfd each, wired to consecutive XICS
 * sources with KVM_IRQFD, handed to VFIO as the device's triggers. */
static int msi_enable(struct spapr_phb *phb, uint32_t index, unsigned int n)
{
	intx_switch(phb, false);
	for (unsigned int i = 0; i < n; i++) {
		phb->msi_fds[i] = eventfd(0, EFD_CLOEXEC);
		if (phb->msi_fds[i] < 0 || irq_irqfd(phb->vm, phb->msi_fds[i], IRQ_PCI_BASE + i, 1)) {
			if (phb->msi_fds[i] >= 0)
				close(phb->msi_fds[i]);
			phb->msi_fds[i] = -1;
			msi_disable(phb);
			return -EIO;
		}
	}
	phb->msi_index = index;
	phb->msi_n = n;
	if (vfio_set_irqs(&phb->vfio, index, phb->msi_fds, n)) {
		msi_disable(phb);
		return -EIO;
	}
	if (index == VFIO_PCI_MSIX_IRQ_INDEX)
		pci_config_set_msix(&phb->cfg, true);
	else
		pci_config_set_msi(&phb->cfg, MSI_MSG_ADDR, IRQ_PCI_BASE & 0xffff, n);
	return 0;
}

/* ---- RTAS ---- */

/* Decode a PAPR config address (bus, devfn, register with its extended
 * bits) and check the BUID; returns the RTAS status to report. */
static int decode_cfg_addr(uint32_t addr, uint64_t buid, uint32_t *reg)
{
	if (buid != PHB_BUID)
		return RTAS_OUT_PARAM_ERROR;
	if (addr >> 28)
		return RTAS_OUT_HW_ERROR;		/* reserved bits */
	if ((addr >> 16 & 0xff) != 0 || (addr >> 8 & 0xff) != 0)
		return RTAS_OUT_HW_ERROR;		/* only bus 0, device 0, function 0 */
	*reg = (addr & 0xff) | ((addr >> 24) & 0xf) << 8;
	return RTAS_OUT_SUCCESS;
}

static void config_read(struct rtas_call *c, uint32_t addr, uint64_t buid, uint32_t size)
{
	uint32_t reg = 0, val = 0;
	int st = decode_cfg_addr(addr, buid, &reg);

	if (st == RTAS_OUT_SUCCESS && pci_config_read(&the_phb.cfg, reg, size, &val))
		st = RTAS_OUT_HW_ERROR;
	c->rets[0] = (uint32_t)st;
	c->rets[1] = st == RTAS_OUT_SUCCESS ? val : 0xffffffff;
	pr_debug("config read 0x%x/%u = 0x%x: %d", reg, size, val, st);
}

static void config_write(struct rtas_call *c, uint32_t addr, uint64_t buid, uint32_t size, uint32_t val)
{
	uint32_t reg = 0;
	int st = decode_cfg_addr(addr, buid, &reg);

	if (st == RTAS_OUT_SUCCESS && pci_config_write(&the_phb.cfg, reg, size, val))
		st = RTAS_OUT_HW_ERROR;
	pr_debug("config write 0x%x/%u = 0x%x: %d", reg, size, val, st);
	c->rets[0] = (uint32_t)st;
}

static uint64_t buid_of(const struct rtas_call *c)
{
	return (uint64_t)c->args[1] << 32 | c->args[2];
}

/* ibm,read-pci-config(addr, buid hi, buid lo, size) -> status, value */
static void rtas_ibm_read_pci_config(struct vcpu *cpu, struct rtas_call *c)
{
	(void)cpu;
	if (rtas_check(c, 4, 2))
		config_read(c, c->args[0], buid_of(c), c->args[3]);
}

/* ibm,write-pci-config(addr, buid hi, buid lo, size, value) -> status */
static void rtas_ibm_write_pci_config(struct vcpu *cpu, struct rtas_call *c)
{
	(void)cpu;
	if (rtas_check(c, 5, 1))
		config_write(c, c->args[0], buid_of(c), c->args[3], c->args[4]);
}

/* read-pci-config(addr, size) -> status, value: the one PHB */
static void rtas_read_pci_config(struct vcpu *cpu, struct rtas_call *c)
{
	(void)cpu;
	if (rtas_check(c, 2, 2))
		config_read(c, c->args[0], PHB_BUID, c->args[1]);
}

static void rtas_write_pci_config(struct vcpu *cpu, struct rtas_call *c)
{
	(void)cpu;
	if (rtas_check(c, 3, 1))
		config_write(c, c->args[0], PHB_BUID, c->args[1], c->args[2]);
}

#define RTAS_CHANGE_FN		1
#define RTAS_RESET_FN		2
#define RTAS_CHANGE_MSI_FN	3
#define RTAS_CHANGE_MSIX_FN	4
#define RTAS_CHANGE_32MSI_FN	5

/* ibm,change-msi(addr, buid hi, buid lo, function, count, seq) -> status, count, seq */
static void rtas_ibm_change_msi(struct vcpu *cpu, struct rtas_call *c)
{
	struct spapr_phb *phb = &the_phb;
	uint32_t reg, fn, want;
	int st;

	(void)cpu;
	if (c->nret < 3 || !rtas_check(c, 6, c->nret))
		return;
	st = decode_cfg_addr(c->args[0], buid_of(c), &reg);
	fn = c->args[3];
	want = c->args[4];
	/* The default function picks MSI when the device has it, as QEMU does. */
	if (fn == RTAS_CHANGE_FN)
		fn = phb->cfg.msi_cap ? RTAS_CHANGE_MSI_FN : RTAS_CHANGE_MSIX_FN;
	if (fn == RTAS_CHANGE_32MSI_FN)
		fn = RTAS_CHANGE_MSI_FN;
	if (st == RTAS_OUT_SUCCESS && fn != RTAS_RESET_FN && fn != RTAS_CHANGE_MSI_FN &&
	    fn != RTAS_CHANGE_MSIX_FN)
		st = RTAS_OUT_PARAM_ERROR;
	if (st == RTAS_OUT_SUCCESS && ((fn == RTAS_CHANGE_MSI_FN && !phb->cfg.msi_cap) ||
				       (fn == RTAS_CHANGE_MSIX_FN && !phb->cfg.msix_cap)))
		st = RTAS_OUT_HW_ERROR;
	if (st == RTAS_OUT_SUCCESS) {
		msi_disable(phb);
		if (fn != RTAS_RESET_FN && want) {
			bool msix = fn == RTAS_CHANGE_MSIX_FN;
			unsigned int max = msix ? pci_config_msix_size(&phb->cfg) : 1;
			unsigned int n = want < max ? want : max;
			if (n > MSI_MAX)
				n = MSI_MAX;
			if (msi_enable(phb, msix ? VFIO_PCI_MSIX_IRQ_INDEX : VFIO_PCI_MSI_IRQ_INDEX, n))
				st = RTAS_OUT_HW_ERROR;
		}
	}
	c->rets[0] = (uint32_t)st;
	c->rets[1] = st == RTAS_OUT_SUCCESS ? phb->msi_n : 0;
	c->rets[2] = ++phb->seq_num;
	if (c->nret > 3)
		c->rets[3] = 0;
}

/* ibm,query-interrupt-source-number(addr, buid hi, buid lo, n) -> status, source, type */
static void rtas_ibm_query_interrupt_source_number(struct vcpu *cpu, struct rtas_call *c)
{
	uint32_t reg = 0;
	int st;

	(void)cpu;
	if (c->nret < 2 || !rtas_check(c, 4, c->nret))
		return;
	st = decode_cfg_addr(c->args[0], buid_of(c), &reg);
	if (st == RTAS_OUT_SUCCESS && c->args[3] >= the_phb.msi_n)
		st = RTAS_OUT_PARAM_ERROR;
	c->rets[0] = (uint32_t)st;
	c->rets[1] = st == RTAS_OUT_SUCCESS ? IRQ_PCI_BASE + c->args[3] : 0;
	if (c->nret > 2)
		c->rets[2] = 1;			/* edge (message) interrupt */
}

/* DDW: the pure handlers in spapr_ddw.c, on this PHB's windows. */
static void rtas_ibm_query_pe_dma_window(struct vcpu *cpu, struct rtas_call *c)
{
	(void)cpu;
	ddw_rtas_query(&the_phb.ddw, c);
}

static void rtas_ibm_create_pe_dma_window(struct vcpu *cpu, struct rtas_call *c)
{
	(void)cpu;
	ddw_rtas_create(&the_phb.ddw, c);
}

static void rtas_ibm_remove_pe_dma_window(struct vcpu *cpu, struct rtas_call *c)
{
	(void)cpu;
	ddw_rtas_remove(&the_phb.ddw, c);
}

static void rtas_ibm_reset_pe_dma_window(struct vcpu *cpu, struct rtas_call *c)
{
	(void)cpu;
	ddw_rtas_reset(&the_phb.ddw, c);
}

static const struct rtas_def pci_rtas[] = {
	{ "ibm,read-pci-config", rtas_ibm_read_pci_config },
	{ "ibm,write-pci-config", rtas_ibm_write_pci_config },
	{ "read-pci-config", rtas_read_pci_config },
	{ "write-pci-config", rtas_write_pci_config },
	{ "ibm,change-msi", rtas_ibm_change_msi },
	{ "ibm,query-interrupt-source-number", rtas_ibm_query_interrupt_source_number },
	{ "ibm,query-pe-dma-window", rtas_ibm_query_pe_dma_window },
	{ "ibm,create-pe-dma-window", rtas_ibm_create_pe_dma_window },
	{ "ibm,remove-pe-dma-window", rtas_ibm_remove_pe_dma_window },
	{ "ibm,reset-pe-dma-windows", rtas_ibm_reset_pe_dma_window },
};

int spapr_pci_register_calls(void)
{
	int r = tce_register_calls();

	return r ? r : rtas_register(pci_rtas, ARRAY_SIZE(pci_rtas));
}

/* ---- device tree ---- */

static uint32_t rtas_token(const char *name)
{
	const struct rtas_entry *e = rtas_lookup_name(name);

	return e ? e->token : 0;
}

int spapr_pci_fdt_emit(void *fdt, int root, uint32_t xics_phandle, const void *ctx)
{
	struct spapr_phb *phb = &the_phb;
	const struct phb_fdt p = {
		.buid = PHB_BUID,
		.mmio32_bus = PHB_MMIO32_BUS, .mmio32_cpu = PHB_MMIO32_CPU, .mmio32_size = PHB_MMIO32_SIZE,
		.mmio64_cpu = PHB_MMIO64_CPU, .mmio64_size = PHB_MMIO64_SIZE,
		.msi_max = MSI_MAX,
		.dma_liobn = phb->win[0].tce.liobn,
		.dma_start = phb->win[0].tce.start, .dma_size = phb->win[0].tce.size,
		.ddw = phb->ddw.enabled,
		.ddw_query = rtas_token("ibm,query-pe-dma-window"),
		.ddw_create = rtas_token("ibm,create-pe-dma-window"),
		.ddw_remove = rtas_token("ibm,remove-pe-dma-window"),
		.ddw_reset = rtas_token("ibm,reset-pe-dma-windows"),
		.cfg = &phb->cfg,
		.intx_pin = phb->intx_offered ? pci_config_device_pin(&phb->cfg) : 0,
		.intx_irq = IRQ_PCI_INTX, .xics_phandle = xics_phandle,
	};

	(void)ctx;
	return phb_fdt_emit(fdt, root, &p);
}

/* ---- trapped BAR accesses ---- */

int spapr_pci_mmio(struct vm *vm, uint64_t gpa, uint8_t *data, uint32_t len, int is_write)
{
	struct spapr_phb *phb = vm->phb;

	if (!phb || len > 8)
		return -ENOENT;
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		const struct pci_bar *b = &phb->cfg.bars[i];
		if (!b->size || gpa < phb->bars[i].gpa || gpa + len > phb->bars[i].gpa + b->size)
			continue;
		int r = vfio_region_rw(&phb->vfio, i, gpa - phb->bars[i].gpa, data, len, is_write);
		if (phb->intx_user) {
			pthread_mutex_lock(&phb->intx_lock);
			intx_user_end(phb);
			pthread_mutex_unlock(&phb->intx_lock);
		}
		return r;
	}
	return -ENOENT;
}

static void report_window(const struct spapr_phb *phb, unsigned int slot, bool first, FILE *out,
			  int json)
{
	const struct tce_window *w = &phb->win[slot].tce;
	uint64_t valid = 0;
	bool inside = tce_window_inside_ram(w, &valid);

	if (json)
		fprintf(out, "%s{\"liobn\": %u, \"start\": %llu, \"size\": %llu, \"page_shift\": %u, "
			"\"valid_entries\": %llu, \"all_inside_ram\": %s, \"hcalls\": %llu}",
			first ? "" : ", ", w->liobn, (unsigned long long)w->start,
			(unsigned long long)w->size, w->page_shift, (unsigned long long)valid,
			inside ? "true" : "false", (unsigned long long)w->hcalls);
	else
		fprintf(out, "pvmm:   window liobn 0x%x 0x%llx+0x%llx, %u KiB pages: %llu valid entries, "
			"%s, %llu TCE hcalls in pvmm\n", w->liobn, (unsigned long long)w->start,
			(unsigned long long)w->size, 1u << (w->page_shift - 10),
			(unsigned long long)valid, inside ? "all inside guest RAM" : "SOME OUTSIDE GUEST RAM",
			(unsigned long long)w->hcalls);
}

/* What the guest did with DDW: every window it created, live or removed. */
static void report_ddw(const struct spapr_phb *phb, FILE *out, int json)
{
	const struct ddw *d = &phb->ddw;

	if (json)
		fprintf(out, ", \"ddw\": {\"enabled\": %s, \"rtas_errors\": %llu, \"created\": [",
			d->enabled ? "true" : "false", (unsigned long long)d->rtas_errors);
	else
		fprintf(out, "pvmm:   DDW %s, %u window(s) created by the guest\n",
			d->enabled ? "on" : "off", d->nlog);
	for (unsigned int i = 0; i < d->nlog; i++) {
		const struct ddw_log_entry *e = &d->log[i];
		uint64_t hcalls = e->removed ? e->hcalls : phb->win[e->slot].tce.hcalls;
		if (json)
			fprintf(out, "%s{\"liobn\": %u, \"start\": %llu, \"size\": %llu, "
				"\"page_shift\": %u, \"removed\": %s, \"hcalls\": %llu}", i ? ", " : "",
				e->liobn, (unsigned long long)e->start, (unsigned long long)e->size,
				e->page_shift, e->removed ? "true" : "false", (unsigned long long)hcalls);
		else
			fprintf(out, "pvmm:   DDW liobn 0x%x 0x%llx+0x%llx, %u KiB pages, %s, %llu TCE hcalls in pvmm\n",
				e->liobn, (unsigned long long)e->start, (unsigned long long)e->size,
				1u << (e->page_shift - 10), e->removed ? "removed" : "in use",
				(unsigned long long)hcalls);
	}
	if (json)
		fprintf(out, "]}");
}

void spapr_pci_report(struct vm *vm, FILE *out, int json)
{
	struct spapr_phb *phb = vm->phb;
	uint64_t valid_all = 0;
	bool inside_all = true;

	if (!phb)
		return;
	for (unsigned int i = 0; i < DDW_WINDOWS_MAX; i++) {
		uint64_t valid = 0;
		if (!phb->win[i].ready)
			continue;
		inside_all &= tce_window_inside_ram(&phb->win[i].tce, &valid);
		valid_all += valid;
	}
	if (json)
		fprintf(out, "\"tce\": {\"mode\": \"%s\", \"valid_entries\": %llu, "
			"\"all_inside_ram\": %s, \"windows\": [", tce_mode_name(phb->mode),
			(unsigned long long)valid_all, inside_all ? "true" : "false");
	else
		fprintf(out, "pvmm: TCE mode %s: %llu valid entries, %s\n", tce_mode_name(phb->mode),
			(unsigned long long)valid_all,
			inside_all ? "all inside guest RAM" : "SOME OUTSIDE GUEST RAM");
	for (unsigned int i = 0, n = 0; i < DDW_WINDOWS_MAX; i++)
		if (phb->win[i].ready)
			report_window(phb, i, !n++, out, json);
	if (json)
		fprintf(out, "]");
	report_ddw(phb, out, json);
	if (json)
		fprintf(out, "}");
	else if (phb->intx_user)
		fprintf(out, "pvmm: INTx served by pvmm: %llu interrupts\n",
			(unsigned long long)phb->intx_count);
}

/* Reverse order of set-up; safe on a partial one and when called twice. */
void spapr_pci_teardown(struct vm *vm)
{
	struct spapr_phb *phb = vm->phb;

	if (!phb)
		return;
	msi_disable(phb);
	intx_teardown(phb);
	bars_trap(phb, true);
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		if (phb->bars[i].host)
			munmap(phb->bars[i].host, phb->cfg.bars[i].size);
		phb->bars[i].slot_added = false;
		phb->bars[i].host = NULL;
	}
	/* design.md's order: the group leaves kvm-vfio, KVM's tables go,
	 * then the windows, the device, the memory registration, the container. */
	bool in_kvm = phb->vfio.kvm_group_added;
	vfio_kvm_detach(&phb->vfio);
	unsigned int windows = 0;
	for (unsigned int i = 0; i < DDW_WINDOWS_MAX; i++) {
		windows += phb->win[i].ready;
		window_close(phb, i, false);
	}
	vfio_dev_close(&phb->vfio);
	/* Said once it is all done, so that a run's log shows the teardown
	 * completed (the signals scenario looks for it); not after a failed
	 * set-up, whose error is the one line. */
	if (phb->set_up)
		pr_info("%s: released: %s%u TCE window(s), device, group and container",
			phb->vfio.bdf, in_kvm ? "group out of kvm-vfio, " : "", windows);
	vm->phb = NULL;
}
