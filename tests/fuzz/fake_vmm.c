/*
 * The ioctl-issuing side of spapr_phb.c and spapr_cpu.c, faked, so that
 * fuzz_calls runs their real RTAS handlers (with the PHB lock, the BUID
 * and devfn routing, the MSI and DDW decoding) natively. Every function's
 * config space is the fake device of tests/unit/fake_pci.c, with MSI and an
 * 8-vector MSI-X; an MSI change only records its vector count; a DDW
 * window only exists in the bookkeeping of spapr_ddw.c.
 */
#include "fake_pci.h"
#include "irq.h"
#include "kvm.h"
#include "spapr_phb.h"
#include "spapr_rtas.h"
#include "util.h"
#include "vfio.h"
#include "vfio_eeh.h"
#include "vfio_pci.h"
#include "vm.h"

#include <errno.h>
#include <string.h>

#define FAKE_WINDOW_MAX (1ULL << 30)

int kvm_vcpu_update_lpcr(struct vcpu *cpu, uint64_t set, uint64_t clear)
{
	(void)cpu; (void)set; (void)clear;
	return 0;
}

int kvm_configure_radix(struct vm *vm, uint64_t process_table, bool gtse)
{
	(void)vm; (void)process_table; (void)gtse;
	return 0;
}

/* spapr_cpu.c's hcalls: no hardware RNG, SPRG0 taken as set. */
int kvm_check_extension(struct vm *vm, long cap)
{
	(void)vm; (void)cap;
	return 0;
}

int kvm_enable_hcall(struct vm *vm, uint64_t opcode)
{
	(void)vm; (void)opcode;
	return -EINVAL;
}

int kvm_vcpu_set_sprg0(struct vcpu *cpu, uint64_t value)
{
	(void)cpu; (void)value;
	return 0;
}

/* irq.c's RTAS calls (it needs the ppc64 KVM headers): served inside KVM,
 * so no handler, the same four names. */
int irq_register_calls(void)
{
	static const struct rtas_def xics_rtas[] = {
		{ "ibm,set-xive", NULL }, { "ibm,get-xive", NULL },
		{ "ibm,int-off", NULL }, { "ibm,int-on", NULL },
	};

	return rtas_register(xics_rtas, ARRAY_SIZE(xics_rtas));
}

/* Each function its own group: the BDF's function number. */
int vfio_group_of(const char *bdf)
{
	size_t n = strlen(bdf);

	return n ? bdf[n - 1] - '0' : 0;
}

/* The device behind every function: a 64-bit BAR 0, MSI (64-bit) at 0x40,
 * MSI-X with 8 vectors at 0x50. */
static void fake_device(void)
{
	fake_pci_reset();
	fake_pci_put32(0x00, 0x10421af4);
	fake_pci_put16(0x06, 0x10);		/* capability list */
	fake_pci_put32(0x10, 0x4);		/* 64-bit memory BAR */
	fake_pci_cfg[0x34] = 0x40;
	fake_pci_cfg[0x3d] = 1;
	fake_pci_put16(0x40, 0x5005);		/* MSI, next 0x50 */
	fake_pci_put16(0x42, 0x80);		/* 64-bit address */
	fake_pci_put16(0x50, 0x0011);		/* MSI-X, last */
	fake_pci_put16(0x52, 7);		/* 8 vectors */
}

int vfio_pci_open(struct vfio_pci *f, struct vm *vm, struct vfio_group *g, const char *bdf,
		  uint8_t devfn, struct bar_windows *bars)
{
	uint64_t sizes[PCI_NUM_BARS] = { 0x4000 };
	int r;

	(void)g;
	memset(f, 0, sizeof(*f));
	f->vm = vm;
	f->devfn = devfn;
	f->dev.req_fd = -1;		/* no request trigger: vfio_req starts no thread */
	snprintf(f->dev.bdf, sizeof(f->dev.bdf), "%s", bdf);
	r = vm_alloc_irqs(vm, bdf, 1, &f->irq_intx);
	if (r)
		return r;
	fake_device();
	r = pci_config_init(&f->cfg, &fake_pci_ops, NULL, sizes, PCI_CFG_SIZE);
	if (!r)
		pci_config_set_bar(&f->cfg, 0, bars->mem64.next);
	return r;
}

/* The real one's bookkeeping: sources back to the pool, then up to
 * want taken from it (vfio_pci.c's msi_enable, without the eventfds). */
int vfio_pci_set_msi(struct vfio_pci *f, uint32_t index, unsigned int want)
{
	int n;

	if (f->msi_n)
		vm_free_irqs(f->vm, f->irq_msi, f->msi_n);
	f->irq_msi = 0;
	f->msi_n = 0;
	if (!want)
		return 0;
	f->msi_changes++;
	n = vm_alloc_irqs_upto(f->vm, f->dev.bdf, want, &f->irq_msi);
	if (n < 0)
		return n;
	f->msi_index = index;
	f->msi_n = (unsigned int)n;
	return n;
}

/* No BARs to trap here: the config shadow alone, as the real one ends. */
int vfio_pci_config_write(struct vfio_pci *f, uint32_t off, uint32_t len, uint32_t val)
{
	return pci_config_write(&f->cfg, off, len, val);
}

int vfio_pci_mmio(struct vfio_pci *f, uint64_t gpa, uint8_t *data, uint32_t len, int is_write)
{
	(void)f; (void)gpa; (void)data; (void)len; (void)is_write;
	return -ENOENT;
}

uint8_t vfio_pci_intx_pin(const struct vfio_pci *f)
{
	(void)f;
	return 0;
}

void vfio_pci_report(const struct vfio_pci *f, struct report *r)
{
	(void)f; (void)r;
}

int vfio_pci_msi_rearm(struct vfio_pci *f)
{
	(void)f;
	return 0;
}

void vfio_pci_close(struct vfio_pci *f)
{
	vfio_pci_set_msi(f, 0, 0);
	if (f->irq_intx)
		vm_free_irqs(f->vm, f->irq_intx, 1);
	f->irq_intx = 0;
}

/* ---- the PHB's DMA: windows in the DDW bookkeeping only ---- */

static int fake_create(void *o, unsigned int slot, uint32_t liobn, uint32_t page_shift,
		       uint64_t size, uint64_t *start)
{
	(void)o; (void)liobn;
	/* What the real window_open() would be asked: PAPR's bounds. */
	if (slot >= DDW_WINDOWS_MAX || size > FAKE_WINDOW_MAX || size < (1ULL << page_shift))
		__builtin_trap();
	*start = slot ? 1ULL << 59 : 0;
	return 0;
}

static void fake_remove(void *o, unsigned int slot, uint64_t *hcalls)
{
	(void)o;
	if (slot >= DDW_WINDOWS_MAX)
		__builtin_trap();
	*hcalls = 0;
}

static int fake_check_addr(void *o, uint32_t cfg_addr, uint64_t buid)
{
	struct phb_dma *d = o;

	return d->check_addr(d->check_ctx, cfg_addr, buid);
}

static const struct ddw_ops fake_ddw_ops = { fake_create, fake_remove, fake_check_addr };

void phb_dma_init(struct phb_dma *d, struct vm *vm, unsigned int index, uint32_t liobn,
		  pthread_mutex_t *lock, phb_addr_check_fn check_addr, void *check_ctx)
{
	memset(d, 0, sizeof(*d));
	d->vm = vm;
	d->index = index;
	d->liobn = liobn;
	d->lock = lock;
	d->check_addr = check_addr;
	d->check_ctx = check_ctx;
}

int phb_dma_add_group(struct phb_dma *d, int group_id, struct vfio_group **out)
{
	(void)d; (void)group_id;
	*out = NULL;
	return 0;
}

/* Also what fuzz_calls calls to put DDW back to the boot-time state. */
int phb_dma_setup(struct phb_dma *d)
{
	ddw_init(&d->ddw, true, DDW_WINDOWS_MAX, DDW_PGSIZE_4K | DDW_PGSIZE_64K, FAKE_WINDOW_MAX,
		 d->liobn, FAKE_WINDOW_MAX, 12, &fake_ddw_ops, d);
	return 0;
}

void phb_dma_report(const struct phb_dma *d, struct report *r)
{
	(void)d; (void)r;
}

void phb_dma_teardown(struct phb_dma *d)
{
	(void)d;
}

/* ---- EEH: the host has none here, so no PHB offers it (spapr_eeh.c's
 * calls are unit-tested on a fake VFIO layer of their own) ---- */

bool vfio_eeh_supported(struct vfio_container *c)
{
	(void)c;
	return false;
}

int vfio_eeh_pe_op(struct vfio_container *c, uint32_t op)
{
	(void)c; (void)op;
	return -ENOTTY;
}

int vfio_eeh_inject(struct vfio_container *c, uint32_t type, uint32_t func, uint64_t addr,
		    uint64_t mask)
{
	(void)c; (void)type; (void)func; (void)addr; (void)mask;
	return -ENOTTY;
}
