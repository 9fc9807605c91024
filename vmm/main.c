/*
 * pvmm: a tiny PPC64 pseries VMM for KVM-HV.
 *
 *   pvmm run [--config FILE] [-k vmlinux] [-i initrd] [-p "cmdline"] [-c N] [-m MiB] ...
 *   pvmm unbind BDF...      give back what a killed pvmm --bind took
 *
 * main() wires the modules together as a table of set-up steps, in the
 * order KVM needs them, each with its undo: walked forward, and unwound
 * backward on an error, the guest's exit or a signal. Each step's failure
 * is reported by the module that failed.
 */
#include "config.h"
#include "console.h"
#include "fdt_builder.h"
#include "host_bind.h"
#include "irq.h"
#include "kvm.h"
#include "kvm_vfio.h"
#include "loader.h"
#include "ram_pin.h"
#include "report.h"
#include "spapr.h"
#include "spapr_cpu.h"
#include "spapr_hcall.h"
#include "spapr_mem.h"
#include "spapr_phb.h"
#include "spapr_rtas.h"
#include "steps.h"
#include "util.h"
#include "vcpu.h"
#include "vfio.h"
#include "vm.h"

#include <errno.h>
#include <getopt.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

extern const unsigned char rtas_blob[], rtas_blob_end[];

struct run_opts {
	const char *config_file;
	const char *dump_dtb;
};

static const struct option long_opts[] = {
	{ "config", required_argument, NULL, 'f' },
	{ "kernel", required_argument, NULL, 'k' },
	{ "payload", required_argument, NULL, 'P' },
	{ "kernel-addr", required_argument, NULL, 'K' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "params", required_argument, NULL, 'p' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "mem", required_argument, NULL, 'm' },
	{ "console", required_argument, NULL, 'C' },
	{ "stats-json", required_argument, NULL, 'j' },
	{ "rtc-base", required_argument, NULL, 'R' },
	{ "threads", required_argument, NULL, 'N' },
	{ "dump-dtb", required_argument, NULL, 'd' },
	{ "pci", required_argument, NULL, 'D' },
	{ "tce", required_argument, NULL, 't' },
	{ "ddw", required_argument, NULL, 'w' },
	{ "ddw-max-size", required_argument, NULL, 'W' },
	{ "kvm-stuff-tce", required_argument, NULL, 'S' },
	{ "kvm-indirect-tce", required_argument, NULL, 'I' },
	{ "user-coalesce", required_argument, NULL, 'U' },
	{ "trusted-guest", no_argument, NULL, 'T' },
	{ "hugepages", required_argument, NULL, 'H' },
	{ "pin-before-boot", required_argument, NULL, 'G' },
	{ "mask-cap", required_argument, NULL, 'M' },
	{ "bind", no_argument, NULL, 'B' },
	{ "force", no_argument, NULL, 'F' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: pvmm run [options]\n"
		"  -f, --config FILE      INI configuration (options below override it)\n"
		"  -k, --kernel ELF       ppc64 Linux kernel (vmlinux: loaded at its physical\n"
		"                         addresses from 0) or another ppc64 ELF image\n"
		"      --kernel-addr ADDR where an ELF that is not Linux goes (default 0x400000,\n"
		"                         as QEMU's pseries: each address's low 28 bits + ADDR)\n"
		"      --payload BIN      bare-metal payload instead of a kernel (entry at 0)\n"
		"  -i, --initrd FILE      initial ramdisk\n"
		"  -p, --params CMDLINE   kernel command line (a Linux kernel gets \"" CONFIG_DEFAULT_CMDLINE "\"\n"
		"                         without one; other images get none)\n"
		"  -c, --cpus N           vcpus\n"
		"      --threads T        vcpus per virtual core (1, 2, 4, 8; N a multiple of T),\n"
		"                         if KVM offers that SMT mode (KVM_CAP_PPC_SMT_POSSIBLE)\n"
		"  -m, --mem MIB          guest RAM (MiB, or with K/M/G)\n"
		"      --console stdio|none\n"
		"      --rtc-base utc|localtime|DATE  the guest's time of day starts at DATE\n"
		"                         (2006-06-17T16:01:21 or 2006-06-17, UTC), or at the\n"
		"                         host's local time, or UTC (the default)\n"
		"      --pci BDF[,phb=N]  pass a host PCI function through (bound to vfio-pci);\n"
		"                         repeatable; by default one guest PHB per IOMMU group\n"
		"      --bind             managed devices: move every function of each device's\n"
		"                         IOMMU group from its host driver to vfio-pci, and back\n"
		"                         at exit (after a SIGKILL: pvmm unbind BDF)\n"
		"      --force            with --bind: take a device even if the host's default\n"
		"                         route or a mounted filesystem runs through it\n"
		"      --tce kernel|user|auto  TCE (DMA) handling for the passthrough device\n"
		"      --ddw on|off       offer dynamic DMA windows\n"
		"      --ddw-max-size SIZE  the largest DDW window (a power of two, MiB or with\n"
		"                         K/M/G); below guest RAM the guest maps pages as it\n"
		"                         uses them, in the window (default: RAM's size)\n"
		"      --kvm-stuff-tce on|off  mode kernel: KVM serves H_STUFF_TCE too (unsafe:\n"
		"                         the host kernel checks only its first entry)\n"
		"      --kvm-indirect-tce on|off  mode kernel: KVM serves H_PUT_TCE_INDIRECT\n"
		"                         (unsafe: a guest racing its list crashes the host)\n"
		"      --trusted-guest    both of the above on: every TCE hcall in KVM\n"
		"      --user-coalesce on|off  TCE hcalls pvmm serves: one VFIO map/unmap per\n"
		"                         run of contiguous entries (on, default) or per entry\n"
		"      --hugepages on|off guest RAM on the host's default huge pages (hugetlbfs)\n"
		"      --pin-before-boot on|off  pin guest RAM for VFIO before the guest runs, as\n"
		"                         QEMU does (off, default: while it boots; the first DMA\n"
		"                         mapping waits for the pin)\n"
		"      --stats-json FILE  write the exit summary as JSON\n"
		"      --dump-dtb FILE    write the guest device tree and exit\n"
		"      --mask-cap CAP     testing: act as if KVM lacked CAP (spapr_tce_vfio,\n"
		"                         spapr_tce_64) to exercise the TCE mode fallback\n"
		"  -v, --verbose\n"
		"usage: pvmm unbind BDF...  give back the functions a killed pvmm --bind took\n"
		"                         (every function of BDF's IOMMU group it recorded)\n"
		"exit status: 0 guest powered off, 1 error, 2 guest reboot, 3 guest os-term,\n"
		"             4 stopped by a signal\n");
}

/* Map a command-line option to its INI key, so both go through config_set. */
static const char *opt_key(int c)
{
	switch (c) {
	case 'k': return "vm:kernel";
	case 'P': return "vm:payload";
	case 'K': return "vm:kernel_addr";
	case 'i': return "vm:initrd";
	case 'p': return "vm:cmdline";
	case 'c': return "vm:vcpus";
	case 'm': return "vm:memory";
	case 'C': return "vm:console";
	case 'j': return "vm:stats_json";
	case 'R': return "vm:rtc_base";
	case 'N': return "vm:threads";
	case 'D': return "pci:host";
	case 't': return "pci:tce";
	case 'w': return "pci:ddw";
	case 'W': return "pci:ddw_max_size";
	case 'S': return "pci:kvm_stuff_tce";
	case 'I': return "pci:kvm_indirect_tce";
	case 'U': return "pci:user_coalesce";
	case 'T': return "pci:trusted_guest";
	case 'H': return "vm:hugepages";
	case 'G': return "vm:pin_before_boot";
	case 'B': return "pci:bind";
	case 'F': return "pci:bind_force";
	default: return NULL;
	}
}

static int mask_cap(struct vm_config *cfg, const char *name)
{
	static const struct { const char *name; long cap; } caps[] = {
		{ "spapr_tce_vfio", KVM_CAP_SPAPR_TCE_VFIO },
		{ "spapr_tce_64", KVM_CAP_SPAPR_TCE_64 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(caps); i++) {
		if (strcmp(name, caps[i].name))
			continue;
		if (cfg->nr_masked_caps == (int)ARRAY_SIZE(cfg->masked_caps))
			break;
		cfg->masked_caps[cfg->nr_masked_caps++] = caps[i].cap;
		return 0;
	}
	fprintf(stderr, "pvmm: command line: --mask-cap: unknown or too many capabilities: \"%s\"\n", name);
	return -EINVAL;
}

static int parse_args(int argc, char **argv, struct vm_config *cfg, struct run_opts *o,
		      const char **source)
{
	char err[CONFIG_ERR_LEN];
	int c;

	/* Pass 1: the config file, so that options override it whatever their order. */
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:k:i:p:c:m:vh", long_opts, NULL)) != -1)
		if (c == 'f')
			o->config_file = optarg;
	if (o->config_file) {
		if (config_load_file(cfg, o->config_file, err, sizeof(err))) {
			fprintf(stderr, "pvmm: %s\n", err);
			return -EINVAL;
		}
		*source = o->config_file;
	}
	opterr = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:k:i:p:c:m:vh", long_opts, NULL)) != -1) {
		const char *key = opt_key(c);
		if (key) {
			if (config_set(cfg, "command line", key, optarg ? optarg : "on", NULL, err, sizeof(err))) {
				fprintf(stderr, "pvmm: %s\n", err);
				return -EINVAL;
			}
			continue;
		}
		switch (c) {
		case 'f': break;
		case 'd': o->dump_dtb = optarg; break;
		case 'M':
			if (mask_cap(cfg, optarg))
				return -EINVAL;
			break;
		case 'v': log_verbose = 1; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "pvmm: command line: unexpected argument \"%s\"\n", argv[optind]);
		return -EINVAL;
	}
	if (config_validate(cfg, *source, err, sizeof(err))) {
		fprintf(stderr, "pvmm: %s\n", err);
		return -EINVAL;
	}
	return 0;
}

static int register_calls(const struct vm_config *cfg)
{
	int r;

	hcall_reset();
	rtas_reset();
	if ((r = spapr_rtas_init()) || (r = console_register_calls()) ||
	    (r = spapr_cpu_init()) || (r = spapr_mem_register_calls()) || (r = irq_register_calls()) ||
	    (cfg->nr_devs && (r = spapr_phb_register_calls())))
		pr_err("registering hcalls/RTAS calls: %s", strerror(-r));
	return r;
}

/* One line on what pvmm made of the image: the three kinds load and start
 * differently, and a guest that prints nothing is easier to place. */
static void say_what_was_loaded(const struct vm *vm, const struct load_result *res)
{
	const char *path = vm->cfg.payload[0] ? vm->cfg.payload : vm->cfg.kernel;
	const char *kind = vm->cfg.payload[0] ? "raw payload, as it is" :
			   res->linux_kernel ? "Linux kernel (ELF), segments at their physical addresses" :
			   "ELF image, not Linux: segments at kernel-addr + their addresses' low 28 bits";

	pr_info("%s: %s: 0x%llx..0x%llx, entered %s-endian at 0x%llx with r3 = device tree; "
		"command line: %s%s%s", path, kind, (unsigned long long)res->start,
		(unsigned long long)res->end, (vm->entry_msr & MSR_LE) ? "little" : "big",
		(unsigned long long)res->entry, vm->cfg.cmdline[0] ? "\"" : "none",
		vm->cfg.cmdline, vm->cfg.cmdline[0] ? "\"" : "");
}

/* The image in guest RAM; *res says where (reported once set-up is done). */
static int load_images(struct vm *vm, struct load_result *res)
{
	char err[512];
	int r;

	if (vm->cfg.payload[0])
		r = load_payload_file(&vm->mem, vm->cfg.payload, res, err, sizeof(err));
	else
		r = load_kernel_file(&vm->mem, vm->cfg.kernel, vm->cfg.kernel_addr, res, err, sizeof(err));
	if (r) {
		fprintf(stderr, "pvmm: %s\n", err);
		return r;
	}
	if (res->end > vm->layout.initrd_top) {
		fprintf(stderr, "pvmm: %s: image ends at 0x%llx, above the firmware area at 0x%llx; "
			"give the guest more memory\n", vm->cfg.payload[0] ? vm->cfg.payload : vm->cfg.kernel,
			(unsigned long long)res->end, (unsigned long long)vm->layout.initrd_top);
		return -EFBIG;
	}
	vm->entry = res->entry;
	config_default_cmdline(&vm->cfg, res->linux_kernel);
	vm->entry_msr = MSR_SF | MSR_ME | (vm->cfg.payload[0] ? MSR_LE : 0);
	if (vm->cfg.initrd[0]) {
		r = load_initrd_file(&vm->mem, vm->cfg.initrd, ALIGN_UP(res->end, INITRD_ALIGN),
				     vm->layout.initrd_top, &vm->initrd_gpa, &vm->initrd_size,
				     err, sizeof(err));
		if (r) {
			fprintf(stderr, "pvmm: %s\n", err);
			return r;
		}
	}
	memcpy(guest_ptr(&vm->mem, vm->layout.rtas_gpa, RTAS_SIZE), rtas_blob,
	       rtas_blob_end - rtas_blob);
	return 0;
}

static int write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int bad;

	if (!f) {
		int err = errno;
		pr_err("%s: cannot create: %s", path, strerror(err));
		return -err;
	}
	bad = fwrite(buf, 1, len, f) != len;
	bad |= fclose(f) != 0;
	if (bad) {
		pr_err("%s: write failed", path);
		return -EIO;
	}
	return 0;
}

static int devices_fdt(void *fdt, int root, uint32_t xics_phandle, const void *ctx)
{
	const struct vm *vm = ctx;

	for (int i = 0; i < vm->nr_devices; i++) {
		const struct vm_device *d = &vm->devices[i];
		int r = d->ops->fdt ? d->ops->fdt(d->ctx, fdt, root, xics_phandle) : 0;
		if (r)
			return r;
	}
	return 0;
}

/* The exit summary's device part; in JSON the "phbs" member. */
static void devices_report(struct vm *vm, struct report *r)
{
	if (!vm->nr_devices)
		return;
	report_array_begin(r, "phbs");
	for (int i = 0; i < vm->nr_devices; i++) {
		const struct vm_device *d = &vm->devices[i];
		if (d->ops->report)
			d->ops->report(d->ctx, r);
	}
	report_array_end(r);
}

/* Reverse order of registration, so later devices go first. */
static void devices_teardown(struct vm *vm)
{
	while (vm->nr_devices) {
		struct vm_device *d = &vm->devices[--vm->nr_devices];
		if (d->ops->teardown)
			d->ops->teardown(d->ctx);
	}
	kvm_vfio_close(vm);
}

static int build_fdt(struct vm *vm, const char *dump_path)
{
	struct fdt_params p = {
		.ram_size = vm->mem.size,
		.nr_vcpus = vm->nr_vcpus,
		.cmdline = vm->cfg.cmdline,
		.initrd_gpa = vm->initrd_gpa,
		.initrd_size = vm->initrd_size,
		.rtas_gpa = vm->layout.rtas_gpa,
		.rtas_size = RTAS_SIZE,
		.hwrng = vm->hwrng,
		.threads = (int)vm->cfg.threads,
		.devices_emit = devices_fdt,
		.devices_ctx = vm,
	};
	void *dst = guest_ptr(&vm->mem, vm->layout.fdt_gpa, vm->layout.fdt_size);
	int r;

	r = kvm_host_cpu_info(vm, &p.cpu);
	if (r)
		return r;
	r = fdt_build(dst, vm->layout.fdt_size, &p);	/* an error is said there */
	if (r)
		return r;
	if (dump_path) {
		uint32_t size = load_be32((uint8_t *)dst + 4);	/* fdt totalsize */
		return write_file(dump_path, dst, size);
	}
	return 0;
}

/* The exit summary: the text on stderr, and --stats-json's file. */
static void write_stats(struct vm *vm)
{
	struct report r;
	struct json j;
	FILE *f;

	guest_log_flush();	/* the vcpus are joined: no guest-driven line comes after */
	stats_print(&vm->stats, stderr);
	report_init_text(&r, stderr);
	devices_report(vm, &r);
	if (!vm->cfg.stats_json[0])
		return;
	f = fopen(vm->cfg.stats_json, "w");
	if (!f) {
		pr_err("%s: cannot create: %s", vm->cfg.stats_json, strerror(errno));
		return;
	}
	json_init(&j, f, 2);
	json_object_begin(&j, NULL);
	stats_write_json(&vm->stats, &j);
	report_init_json(&r, &j);
	devices_report(vm, &r);
	json_object_end(&j);
	if (json_finish(&j) | fclose(f))
		pr_err("%s: write failed", vm->cfg.stats_json);
}

/* --bind: what pvmm took, given back by the "bind" step's undo, after the
 * VFIO groups are closed (vfio-pci's unbind waits for the device's user to
 * let go). */
static struct host_bind binds;

/* pvmm unbind BDF...: give back what a pvmm --bind that died recorded. */
static int unbind(int argc, char **argv)
{
	char err[CONFIG_ERR_LEN];
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "pvmm: unbind: name the device(s): pvmm unbind 0000:01:00.0\n");
		return EXIT_ERROR;
	}
	for (int i = 1; i < argc; i++) {
		struct pci_dev_config dev;
		if (config_parse_dev(&dev, "command line", "unbind", argv[i], err, sizeof(err))) {
			fprintf(stderr, "pvmm: %s\n", err);
			status = EXIT_ERROR;
		} else if (host_unbind("", dev.host)) {
			status = EXIT_ERROR;
		}
	}
	return status;
}

/*
 * Every MSI vector a guest enables is an eventfd, and a function may have
 * hundreds: the usual soft limit of 1024 open files would end MSI-X for
 * the whole function long before the XICS pool runs out. So the soft
 * limit goes up to the hard one, as QEMU does; a failure only means fewer.
 */
static void raise_open_files_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		pr_warn("setrlimit(RLIMIT_NOFILE, %llu): %s; MSI vectors may run out of file descriptors",
			(unsigned long long)rl.rlim_max, strerror(errno));
}

/* What the steps of run() share. */
struct run_state {
	struct vm vm;
	struct run_opts o;
	struct load_result loaded;
	sigset_t sigs;			/* the ones that stop pvmm */
	bool restore_failed;		/* a --bind device not given back */
};

/* Signals: vcpu threads and the console block them; main takes them here
 * and between set-up steps, so that handlers never run in the middle of
 * VM state changes. */
static void take_signal(struct run_state *st, const struct timespec *wait)
{
	int sig = sigtimedwait(&st->sigs, NULL, wait);

	if (sig > 0) {
		char why[64];
		snprintf(why, sizeof(why), "stopping: %s", strsignal(sig));
		vm_request_exit(&st->vm, EXIT_SIGNAL, why);
	}
}

static void wait_for_exit(struct run_state *st)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };

	while (!vm_exiting(&st->vm))
		take_signal(st, &tick);
}

/* Before each step: a signal or an exit request unwinds what is set up. */
static bool stop_requested(void *ctx)
{
	struct run_state *st = ctx;
	struct timespec none = { 0, 0 };

	take_signal(st, &none);
	return vm_exiting(&st->vm);
}

/* A step that succeeded has its end noted in the start-up phases
 * (--stats-json "startup"), if it is one. */
static void step_completed(void *ctx, const struct step *s)
{
	struct run_state *st = ctx;

	if (s->phase)
		stats_note_phase(&st->vm.stats, s->name);
}

/* ---- the set-up steps, in the order KVM needs them ---- */

static int step_bind(void *ctx)
{
	const struct vm_config *cfg = &((struct run_state *)ctx)->vm.cfg;
	int r = 0;

	host_bind_init(&binds, "");
	binds.force = cfg->bind_force;
	if (!cfg->bind)
		return 0;
	for (unsigned int i = 0; i < cfg->nr_devs && !r; i++)
		r = host_bind_device(&binds, cfg->devs[i].host);
	if (r)
		host_bind_restore_all(&binds);
	return r;
}

static void undo_bind(void *ctx)
{
	if (host_bind_restore_all(&binds))
		((struct run_state *)ctx)->restore_failed = true;
}

static int step_calls(void *ctx)
{
	return register_calls(&((struct run_state *)ctx)->vm.cfg);
}

static int step_guest_ram(void *ctx)
{
	struct vm *vm = &((struct run_state *)ctx)->vm;
	int r = guest_mem_alloc(&vm->mem, vm->cfg.ram_size, vm->cfg.hugepages);

	if (r)
		pr_err("allocating %llu MiB of guest RAM%s: %s%s",
		       (unsigned long long)(vm->cfg.ram_size / MiB),
		       vm->cfg.hugepages ? " on huge pages" : "", strerror(-r),
		       vm->cfg.hugepages ? " (reserve them: /proc/sys/vm/nr_hugepages)" : "");
	return r;
}

static void undo_guest_ram(void *ctx)
{
	guest_mem_free(&((struct run_state *)ctx)->vm.mem);
}

static int step_images(void *ctx)
{
	struct run_state *st = ctx;

	return load_images(&st->vm, &st->loaded);
}

static int step_kvm_open(void *ctx)
{
	struct vm *vm = &((struct run_state *)ctx)->vm;
	int r = kvm_open_vm(vm);

	if (r)
		kvm_close_vm(vm);
	return r;
}

static void undo_kvm_open(void *ctx)
{
	kvm_close_vm(&((struct run_state *)ctx)->vm);
}

/* What lives in the VM fd: closing it takes them all. H_SET_MODE's LE/AIL
 * resources still exit to us; enabling it in KVM lets KVM serve the debug
 * (DAWR) resources itself. */
static int step_kvm_vm(void *ctx)
{
	struct vm *vm = &((struct run_state *)ctx)->vm;
	int r = kvm_add_memslot(vm, 0, 0, vm->mem.size, vm->mem.host);

	if (!r)
		r = kvm_enable_hcall(vm, H_SET_MODE);
	if (!r)
		r = spapr_cpu_offer_hwrng(vm);
	if (!r)
		r = kvm_set_smt(vm, vm->cfg.threads);
	return r;
}

static int step_vcpus(void *ctx)
{
	struct vm *vm = &((struct run_state *)ctx)->vm;
	int r = vcpus_create(vm);

	if (r)
		vcpus_destroy(vm);
	return r;
}

static void undo_vcpus(void *ctx)
{
	vcpus_destroy(&((struct run_state *)ctx)->vm);
}

static int step_irq(void *ctx)
{
	struct vm *vm = &((struct run_state *)ctx)->vm;
	int r = irq_create(vm);

	if (r)
		irq_destroy(vm);
	return r;
}

static void undo_irq(void *ctx)
{
	irq_destroy(&((struct run_state *)ctx)->vm);
}

static int step_devices(void *ctx)
{
	struct vm *vm = &((struct run_state *)ctx)->vm;
	int r;

	if (!vm->cfg.nr_devs)
		return STEP_SKIPPED;
	r = spapr_phbs_create(vm);
	if (r)
		devices_teardown(vm);
	return r;
}

static void undo_devices(void *ctx)
{
	devices_teardown(&((struct run_state *)ctx)->vm);
}

static int step_fdt(void *ctx)
{
	struct run_state *st = ctx;

	return build_fdt(&st->vm, st->o.dump_dtb);
}

static const struct step setup_steps[] = {
	{ "bind", true, step_bind, undo_bind },
	{ "calls", false, step_calls, NULL },
	{ "guest-ram", true, step_guest_ram, undo_guest_ram },
	{ "images", true, step_images, NULL },
	{ "kvm-open", false, step_kvm_open, undo_kvm_open },
	{ "kvm-vm", true, step_kvm_vm, NULL },
	{ "vcpus", true, step_vcpus, undo_vcpus },
	{ "irq", true, step_irq, undo_irq },
	{ "devices", true, step_devices, undo_devices },
	{ "fdt", true, step_fdt, NULL },
};

/* ---- the boot steps (not with --dump-dtb); their undos are the exit ---- */

static int step_pin_prepare(void *ctx)
{
	return vfio_ram_pin_prepare(&((struct run_state *)ctx)->vm);
}

/* The guest never started, or has stopped: nothing will pin, and nobody
 * may wait. */
static void undo_pin_prepare(void *ctx)
{
	vfio_ram_pin_cancel(&((struct run_state *)ctx)->vm);
}

/* Said after every set-up error could have come, so that an error stays
 * the one line pvmm prints; the exit summary is its undo, once every
 * thread is joined and while the devices still exist. */
static int step_report(void *ctx)
{
	struct run_state *st = ctx;
	struct vm *vm = &st->vm;

	say_what_was_loaded(vm, &st->loaded);
	pr_info("booting %s: %d vcpu(s), %llu MiB, %s%s", vm->cfg.payload[0] ? vm->cfg.payload : vm->cfg.kernel,
		vm->nr_vcpus, (unsigned long long)(vm->mem.size / MiB),
		vm->initrd_size ? "initrd " : "", vm->initrd_size ? vm->cfg.initrd : "no initrd");
	/* Just before the guest runs, so that a DATE base is that date at
	 * the guest's first instruction. */
	vm->tod_offset_s = config_rtc_offset(&vm->cfg, (int64_t)time(NULL));
	return 0;
}

static void undo_report(void *ctx)
{
	write_stats(&((struct run_state *)ctx)->vm);
}

static int step_console(void *ctx)
{
	return console_start(&((struct run_state *)ctx)->vm);
}

static void undo_console(void *ctx)
{
	(void)ctx;
	console_stop();
}

static int step_vcpu_threads(void *ctx)
{
	struct vm *vm = &((struct run_state *)ctx)->vm;

	return vcpus_start(vm, vm->entry, vm->layout.fdt_gpa);
}

/* On an error after it the VM is not stopping yet: the first request's
 * code wins, so a guest's own exit keeps its status. */
static void undo_vcpu_threads(void *ctx)
{
	struct vm *vm = &((struct run_state *)ctx)->vm;

	vm_request_exit(vm, EXIT_ERROR, NULL);
	vcpus_join(vm);
}

/* After the threads are made: see vfio_ram_pin_start. */
static int step_pin_thread(void *ctx)
{
	return vfio_ram_pin_start(&((struct run_state *)ctx)->vm);
}

static void undo_pin_thread(void *ctx)
{
	vfio_ram_pin_join(&((struct run_state *)ctx)->vm);	/* its end is in the summary */
}

static const struct step boot_steps[] = {
	{ "ram-pin-prepare", false, step_pin_prepare, undo_pin_prepare },
	{ "report", false, step_report, undo_report },
	{ "console", true, step_console, undo_console },
	{ "vcpu-threads", false, step_vcpu_threads, undo_vcpu_threads },
	{ "ram-pin-thread", false, step_pin_thread, undo_pin_thread },
};

static int run(int argc, char **argv)
{
	static struct run_state st;
	const char *source = "command line";
	struct steps setup = { .table = setup_steps, .n = ARRAY_SIZE(setup_steps), .ctx = &st,
			       .stop = stop_requested, .completed = step_completed };
	struct steps boot = { .table = boot_steps, .n = ARRAY_SIZE(boot_steps), .ctx = &st,
			      .stop = stop_requested, .completed = step_completed };
	int r, status;

	/* Blocked first: a signal during the parse is taken before the
	 * first step, and ends pvmm with status 4 like any other. */
	sigemptyset(&st.sigs);
	sigaddset(&st.sigs, SIGINT);
	sigaddset(&st.sigs, SIGTERM);
	sigaddset(&st.sigs, SIGHUP);
	sigaddset(&st.sigs, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &st.sigs, NULL);	/* inherited by every thread */
	sigdelset(&st.sigs, SIGUSR1);
	signal(SIGPIPE, SIG_IGN);

	raise_open_files_limit();
	vm_init_struct(&st.vm);
	config_defaults(&st.vm.cfg);
	if (parse_args(argc, argv, &st.vm.cfg, &st.o, &source))
		return EXIT_ERROR;
	st.vm.cfg_source = source;
	st.vm.layout = layout_for(st.vm.cfg.ram_size, vm_fdt_room(&st.vm.cfg));

	/* From here on every path unwinds what was set up (the devices given
	 * back last); signals are blocked, so they end here too. */
	r = steps_forward(&setup);
	if (!r && !st.o.dump_dtb) {
		r = steps_forward(&boot);
		if (!r)
			wait_for_exit(&st);
	}
	status = r == -EINTR || (!r && !st.o.dump_dtb) ? st.vm.exit_code : r ? EXIT_ERROR : 0;
	steps_unwind(&boot);
	steps_unwind(&setup);
	stats_free(&st.vm.stats);
	return st.restore_failed && status != EXIT_ERROR ? EXIT_ERROR : status;
}

int main(int argc, char **argv)
{
	atexit(console_restore);
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return run(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "unbind"))
		return unbind(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && argv[1][0] == '-')
		return run(argc, argv);		/* "pvmm --dump-dtb f.dtb -k ..." */
	usage(stderr);
	return EXIT_ERROR;
}
