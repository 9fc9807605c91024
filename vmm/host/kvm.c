/* KVM-HV set-up and ioctls (see kvm.h). */
#include "kvm.h"
#include "layout.h"
#include "util.h"
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

/* errno first: pr_err may change it. */
static int kvm_fail_errno(const char *what)
{
	int err = errno;

	pr_err("%s: %s", what, strerror(err));
	return -err;
}
#define KVM_FAIL(what) kvm_fail_errno(what)

int kvm_check_extension(struct vm *vm, long cap)
{
	int fd = vm->vm_fd >= 0 ? vm->vm_fd : vm->kvm_fd;
	int r;

	/* --mask-cap: behave as on a host without it (fallback testing). */
	for (int i = 0; i < vm->cfg.nr_masked_caps; i++)
		if (vm->cfg.masked_caps[i] == cap)
			return 0;
	r = ioctl(fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

/* What pvmm cannot run without, checked up front so that a host that lacks
 * one fails with its name rather than with an obscure later error. */
static const struct { long cap; const char *name; } required_caps[] = {
	{ KVM_CAP_PPC_PAPR, "KVM_CAP_PPC_PAPR (PAPR guests)" },
	{ KVM_CAP_PPC_MMU_RADIX, "KVM_CAP_PPC_MMU_RADIX (radix guests)" },
	{ KVM_CAP_IRQ_XICS, "KVM_CAP_IRQ_XICS (in-kernel XICS)" },
	{ KVM_CAP_PPC_RTAS, "KVM_CAP_PPC_RTAS (in-kernel RTAS tokens)" },
	{ KVM_CAP_PPC_ENABLE_HCALL, "KVM_CAP_PPC_ENABLE_HCALL" },
	{ KVM_CAP_ONE_REG, "KVM_CAP_ONE_REG" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
};

int kvm_open_vm(struct vm *vm)
{
	int r;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return KVM_FAIL("open /dev/kvm (is kvm-hv loaded?)");
	r = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (r != KVM_API_VERSION) {
		pr_err("KVM_GET_API_VERSION: %d, expected %d", r, KVM_API_VERSION);
		return -EINVAL;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, KVM_VM_PPC_HV);
	if (vm->vm_fd < 0)
		return KVM_FAIL("KVM_CREATE_VM(KVM_VM_PPC_HV) (KVM-HV needed: is kvm-hv loaded, "
				"or a nesting-capable parent hypervisor present?)");
	for (size_t i = 0; i < ARRAY_SIZE(required_caps); i++) {
		if (kvm_check_extension(vm, required_caps[i].cap) <= 0) {
			pr_err("KVM_CHECK_EXTENSION: %s is not available on this host",
			       required_caps[i].name);
			return -ENOTSUP;
		}
	}
	return 0;
}

int kvm_add_memslot(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, void *host)
{
	struct kvm_userspace_memory_region mr = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (uintptr_t)host,
	};

	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &mr) < 0)
		return KVM_FAIL("KVM_SET_USER_MEMORY_REGION");
	return 0;
}

int kvm_del_memslot(struct vm *vm, uint32_t slot, uint64_t gpa)
{
	return kvm_add_memslot(vm, slot, gpa, 0, NULL);
}

static uint32_t read_pvr(void)
{
#if defined(__powerpc64__)
	uint32_t pvr;
	__asm__ volatile("mfpvr %0" : "=r"(pvr));
	return pvr;
#else
	return 0;
#endif
}

/* "timebase : 512000000" and "clock : 2250.000000MHz" from /proc/cpuinfo. */
static void cpuinfo_freqs(uint32_t *tb, uint32_t *clock)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	*tb = 512000000;
	*clock = 1000000000;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long v;
		double mhz;
		if (sscanf(line, "timebase : %lu", &v) == 1)
			*tb = v;
		else if (sscanf(line, "clock : %lfMHz", &mhz) == 1 && mhz > 0 && mhz < 4294)
			*clock = (uint32_t)(mhz * 1e6);
	}
	fclose(f);
}

int kvm_host_cpu_info(struct vm *vm, struct fdt_cpu_info *info)
{
	struct kvm_ppc_rmmu_info rmmu;

	memset(info, 0, sizeof(*info));
	info->pvr = read_pvr();
	info->name = fdt_cpu_name(info->pvr);
	if (!info->name) {
		pr_err("host PVR 0x%08x is not a POWER8/9/10/11 processor", info->pvr);
		return -ENODEV;
	}
	cpuinfo_freqs(&info->timebase_hz, &info->clock_hz);
	info->dcache_block = info->icache_block = 128;
	info->dcache_size = info->icache_size = 32 * 1024;
	if (ioctl(vm->vm_fd, KVM_PPC_GET_RMMU_INFO, &rmmu) < 0)
		return KVM_FAIL("KVM_PPC_GET_RMMU_INFO");
	for (int i = 0; i < 8 && rmmu.ap_encodings[i]; i++)
		info->radix_ap[info->nr_radix_ap++] = rmmu.ap_encodings[i];
	return 0;
}

int kvm_configure_radix(struct vm *vm, uint64_t process_table, bool gtse)
{
	struct kvm_ppc_mmuv3_cfg cfg = {
		.flags = KVM_PPC_MMUV3_RADIX | (gtse ? KVM_PPC_MMUV3_GTSE : 0),
		/* PATB_GR: the partition-table entry says "guest radix"; KVM
		 * insists that it matches the RADIX flag. */
		.process_table = process_table | (1ULL << 63),
	};

	if (ioctl(vm->vm_fd, KVM_PPC_CONFIGURE_V3_MMU, &cfg) < 0)
		return KVM_FAIL("KVM_PPC_CONFIGURE_V3_MMU");
	return 0;
}

/*
 * Virtual SMT: threads vcpus per virtual core, vcpu ids core * threads +
 * thread (contiguous), as QEMU's -smp threads=T. KVM must offer the mode
 * (KVM_CAP_PPC_SMT_POSSIBLE, a bit per mode) and take it before the first
 * vcpu exists. One thread per core needs nothing.
 */
int kvm_set_smt(struct vm *vm, unsigned int threads)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_PPC_SMT, .args = { threads, 0 } };
	char what[64];
	int possible;

	if (threads <= 1)
		return 0;
	possible = kvm_check_extension(vm, KVM_CAP_PPC_SMT_POSSIBLE);
	if (!(possible & threads)) {
		pr_err("--threads %u: KVM on this host does not offer that SMT mode "
		       "(KVM_CAP_PPC_SMT_POSSIBLE = 0x%x, KVM_CAP_PPC_SMT = %d)", threads,
		       possible, kvm_check_extension(vm, KVM_CAP_PPC_SMT));
		return -ENOTSUP;
	}
	snprintf(what, sizeof(what), "KVM_ENABLE_CAP(KVM_CAP_PPC_SMT, %u)", threads);
	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) < 0)
		return KVM_FAIL(what);
	return 0;
}

int kvm_enable_hcall(struct vm *vm, uint64_t opcode)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_PPC_ENABLE_HCALL, .args = { opcode, 1 },
	};
	char what[80];

	snprintf(what, sizeof(what), "KVM_ENABLE_CAP(KVM_CAP_PPC_ENABLE_HCALL, 0x%llx)",
		 (unsigned long long)opcode);
	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) < 0)
		return KVM_FAIL(what);
	return 0;
}

int kvm_define_rtas_token(struct vm *vm, const char *name, uint32_t token)
{
	struct kvm_rtas_token_args t = { .token = token };
	char what[160];

	snprintf(t.name, sizeof(t.name), "%s", name);
	snprintf(what, sizeof(what), "KVM_PPC_RTAS_DEFINE_TOKEN(%s)", name);
	if (ioctl(vm->vm_fd, KVM_PPC_RTAS_DEFINE_TOKEN, &t) < 0)
		return KVM_FAIL(what);
	return 0;
}

void kvm_close_vm(struct vm *vm)
{
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->vm_fd = vm->kvm_fd = -1;
}

int kvm_vcpu_create(struct vm *vm, struct vcpu *cpu)
{
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };
	int size;

	cpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, cpu->id);
	if (cpu->fd < 0)
		return KVM_FAIL("KVM_CREATE_VCPU");
	size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		return KVM_FAIL("KVM_GET_VCPU_MMAP_SIZE");
	cpu->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, cpu->fd, 0);
	if (cpu->run == MAP_FAILED) {
		cpu->run = NULL;
		return KVM_FAIL("mmap of the vcpu's kvm_run");
	}
	cpu->run_size = size;
	/* PAPR mode: hcalls exit to us instead of raising program checks. */
	if (ioctl(cpu->fd, KVM_ENABLE_CAP, &papr) < 0)
		return KVM_FAIL("KVM_ENABLE_CAP(KVM_CAP_PPC_PAPR)");
	return 0;
}

void kvm_vcpu_destroy(struct vcpu *cpu)
{
	if (cpu->run)
		munmap(cpu->run, cpu->run_size);
	if (cpu->fd >= 0)
		close(cpu->fd);
	cpu->run = NULL;
	cpu->fd = -1;
}

int kvm_vcpu_set_entry(struct vcpu *cpu, uint64_t pc, uint64_t msr, uint64_t r3,
		       uint64_t r4, uint64_t r5)
{
	struct kvm_run *run = cpu->run;
	struct kvm_regs regs;

	if (ioctl(cpu->fd, KVM_GET_REGS, &regs) < 0)
		return KVM_FAIL("KVM_GET_REGS");
	memset(regs.gpr, 0, sizeof(regs.gpr));
	regs.pc = pc;
	regs.msr = msr;
	regs.gpr[3] = r3;
	regs.gpr[4] = r4;
	regs.gpr[5] = r5;
	regs.lr = regs.ctr = regs.cr = regs.xer = 0;
	if (ioctl(cpu->fd, KVM_SET_REGS, &regs) < 0)
		return KVM_FAIL("KVM_SET_REGS");
	/* A vcpu that stopped itself inside an hcall (RTAS stop-self) still has
	 * that hcall's completion pending: KVM writes papr_hcall.ret/args into
	 * r3..r12 at the next KVM_RUN. Make that write the entry state too. */
	run->papr_hcall.ret = r3;
	memset(run->papr_hcall.args, 0, sizeof(run->papr_hcall.args));
	run->papr_hcall.args[0] = r4;
	run->papr_hcall.args[1] = r5;
	return 0;
}

/* SPRG0 is in struct kvm_regs (there is no ONE_REG id for it on Book3S).
 * Inside an hcall exit the GPRs read back unchanged; KVM then loads r3..r12
 * from run->papr_hcall at the next KVM_RUN as usual. */
int kvm_vcpu_set_sprg0(struct vcpu *cpu, uint64_t value)
{
	struct kvm_regs regs;

	if (ioctl(cpu->fd, KVM_GET_REGS, &regs) < 0)
		return KVM_FAIL("KVM_GET_REGS (for SPRG0)");
	regs.sprg0 = value;
	if (ioctl(cpu->fd, KVM_SET_REGS, &regs) < 0)
		return KVM_FAIL("KVM_SET_REGS (SPRG0)");
	return 0;
}

int kvm_vcpu_update_lpcr(struct vcpu *cpu, uint64_t set, uint64_t clear)
{
	uint64_t lpcr;
	struct kvm_one_reg reg = { .id = KVM_REG_PPC_LPCR_64, .addr = (uintptr_t)&lpcr };

	if (ioctl(cpu->fd, KVM_GET_ONE_REG, &reg) < 0)
		return KVM_FAIL("KVM_GET_ONE_REG(LPCR)");
	lpcr = (lpcr & ~clear) | set;
	if (ioctl(cpu->fd, KVM_SET_ONE_REG, &reg) < 0)
		return KVM_FAIL("KVM_SET_ONE_REG(LPCR)");
	return 0;
}

int kvm_vcpu_enable_xics(struct vcpu *cpu, int xics_fd)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_IRQ_XICS, .args = { (uint64_t)xics_fd, (uint64_t)cpu->id },
	};

	if (ioctl(cpu->fd, KVM_ENABLE_CAP, &cap) < 0)
		return KVM_FAIL("KVM_ENABLE_CAP(KVM_CAP_IRQ_XICS)");
	return 0;
}
