/* The guest device tree (see fdt_builder.h). */
#include "fdt_builder.h"
#include "layout.h"
#include "spapr_hcall.h"
#include "spapr_rtas.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libfdt.h>

#define ROOT_COMPATIBLE "pvmm,pseries\0qemu,pseries"

#define TRY(x) do { int _r = (x); if (_r < 0) return _r; } while (0)

const char *fdt_cpu_name(uint32_t pvr)
{
	switch (pvr >> 16) {
	case 0x004b: case 0x004c: case 0x004d: return "POWER8";
	case 0x004e: return "POWER9";
	case 0x0080: return "POWER10";
	case 0x0082: return "POWER11";
	default: return NULL;
	}
}

int fdt_setprop_cells(void *fdt, int node, const char *name, const uint32_t *v, int n)
{
	fdt32_t cells[16];

	if (n < 0 || n > 16)
		return -FDT_ERR_BADVALUE;
	for (int i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(v[i]);
	return fdt_setprop(fdt, node, name, cells, n * sizeof(fdt32_t));
}

static int setprop_u64_pair(void *fdt, int node, const char *name, uint64_t a, uint64_t b)
{
	uint8_t v[16];

	store_be64(v, a);
	store_be64(v + 8, b);
	return fdt_setprop(fdt, node, name, v, sizeof(v));
}

/*
 * ibm,pa-features: the processor attribute bytes Linux scans for radix,
 * little-endian support and the like. Two header bytes (length, type 0),
 * then one byte per attribute group, most significant bit first.
 */
static int emit_pa_features(void *fdt, int node)
{
	uint8_t pa[2 + 64] = { 64, 0 };
	uint8_t *b = pa + 2;

	b[0] = 0xf6;	/* MMU, FPU, SLB, RUN, DABR, NX */
	b[1] = 0x1f;	/* fri[nzpm], DABRX, SPRG3, SLB0, PP110 */
	b[2] = 0xc7;	/* VPM, DS205, PPR, DS202, DS206 */
	b[3] = 0xc0;	/* LSD, URG */
	b[5] = 0xf0;	/* LE, CFAR, EB, LSQ */
	b[6] = 0x80;	/* DS207 */
	b[16] = 0x80;	/* vector */
	b[18] = 0x80;	/* vector-scalar */
	b[20] = 0x80;	/* vector crypto / XOR */
	b[24] = 0x80;	/* large decrementer */
	b[26] = 0x80;	/* 64-bit features */
	b[28] = 0x80;	/* PM features */
	b[32] = 0x80;	/* LE atomics */
	b[34] = 0xc0;	/* EBB, extended EBB */
	b[40] = 0x80;	/* radix MMU */
	b[42] = 0x80;	/* PM */
	b[44] = 0x80;	/* PC relative addressing */
	b[46] = 0x80;	/* system call vectored */
	b[48] = 0x80;	/* SIMD */
	b[50] = 0x80;	/* quad-precision BFP */
	b[52] = 0x80;	/* string instructions */
	return fdt_setprop(fdt, node, "ibm,pa-features", pa, sizeof(pa));
}

/* A core's threads: their vcpu ids, first..first + threads - 1. The guest
 * starts each one (the first too, but for the boot cpu) through RTAS
 * start-cpu with these ids. */
static int emit_threads(void *fdt, int node, uint32_t first, int threads)
{
	uint32_t ids[8];

	for (int t = 0; t < threads && t < 8; t++)
		ids[t] = first + t;
	return fdt_setprop_cells(fdt, node, "ibm,ppc-interrupt-server#s", ids, threads);
}

static int emit_cpu(void *fdt, int cpus, const struct fdt_params *p, uint32_t id, int threads)
{
	const struct fdt_cpu_info *c = &p->cpu;
	char name[64];
	int node;

	snprintf(name, sizeof(name), "PowerPC,%s@%x", c->name ? c->name : "POWER", id);
	node = fdt_add_subnode(fdt, cpus, name);
	TRY(node);
	TRY(fdt_setprop_string(fdt, node, "device_type", "cpu"));
	TRY(fdt_setprop_u32(fdt, node, "reg", id));
	TRY(emit_threads(fdt, node, id, threads));
	TRY(fdt_setprop_u32(fdt, node, "cpu-version", c->pvr));
	TRY(fdt_setprop_u32(fdt, node, "timebase-frequency", c->timebase_hz));
	TRY(fdt_setprop_u32(fdt, node, "clock-frequency", c->clock_hz));
	TRY(fdt_setprop_u32(fdt, node, "d-cache-block-size", c->dcache_block));
	TRY(fdt_setprop_u32(fdt, node, "d-cache-line-size", c->dcache_block));
	TRY(fdt_setprop_u32(fdt, node, "i-cache-block-size", c->icache_block));
	TRY(fdt_setprop_u32(fdt, node, "i-cache-line-size", c->icache_block));
	TRY(fdt_setprop_u32(fdt, node, "d-cache-size", c->dcache_size));
	TRY(fdt_setprop_u32(fdt, node, "i-cache-size", c->icache_size));
	TRY(fdt_setprop_u32(fdt, node, "ibm,vmx", 2));	/* VMX and VSX */
	TRY(fdt_setprop_u32(fdt, node, "ibm,dfp", 1));
	TRY(fdt_setprop_u32(fdt, node, "ibm,purr", 1));
	TRY(fdt_setprop_u32(fdt, node, "ibm,spurr", 1));
	TRY(fdt_setprop(fdt, node, "64-bit", NULL, 0));
	TRY(fdt_setprop_string(fdt, node, "status", "okay"));
	TRY(emit_pa_features(fdt, node));
	if (c->nr_radix_ap > 0) {
		fdt32_t ap[FDT_RADIX_AP_MAX];
		for (int i = 0; i < c->nr_radix_ap && i < FDT_RADIX_AP_MAX; i++)
			ap[i] = cpu_to_fdt32(c->radix_ap[i]);
		TRY(fdt_setprop(fdt, node, "ibm,processor-radix-AP-encodings", ap,
				sizeof(ap[0]) * c->nr_radix_ap));
	}
	return 0;
}

static int emit_cpus(void *fdt, const struct fdt_params *p)
{
	int threads = p->threads > 1 ? p->threads : 1;
	int cpus = fdt_add_subnode(fdt, 0, "cpus");

	TRY(cpus);
	TRY(fdt_setprop_u32(fdt, cpus, "#address-cells", 1));
	TRY(fdt_setprop_u32(fdt, cpus, "#size-cells", 0));
	/* A node per core, named by its first thread's id; fdt_add_subnode
	 * inserts at the front: add in reverse for core 0 first. */
	for (int core = p->nr_vcpus / threads - 1; core >= 0; core--)
		TRY(emit_cpu(fdt, cpus, p, core * threads, threads));
	return 0;
}

static int emit_rtas(void *fdt, const struct fdt_params *p)
{
	char sets[512];
	int node = fdt_add_subnode(fdt, 0, "rtas");
	int len;

	TRY(node);
	len = hcall_fdt_sets(sets, sizeof(sets));
	if (len < 0)
		return len;
	/* Its presence is what tells Linux it runs in an LPAR. */
	TRY(fdt_setprop(fdt, node, "ibm,hypertas-functions", sets, len));
	TRY(fdt_setprop_u32(fdt, node, "linux,rtas-base", (uint32_t)p->rtas_gpa));
	TRY(fdt_setprop_u32(fdt, node, "linux,rtas-entry", (uint32_t)p->rtas_gpa));
	TRY(fdt_setprop_u32(fdt, node, "rtas-size", (uint32_t)p->rtas_size));
	TRY(fdt_setprop_u32(fdt, node, "rtas-version", 1));
	TRY(fdt_setprop_u32(fdt, node, "rtas-error-log-max", 2048));
	TRY(fdt_setprop_u32(fdt, node, "rtas-event-scan-rate", 1));
	TRY(fdt_setprop(fdt, node, "ibm,extended-os-term", NULL, 0));
	/* Highest address memory may reach (no hotplug: the end of RAM), the
	 * block size and the vcpus. Linux sizes a DDW window that maps all of
	 * RAM from the first two cells; without them it asks for none. */
	TRY(fdt_setprop_cells(fdt, node, "ibm,lrdr-capacity", (uint32_t[5]){
		(uint32_t)(p->ram_size >> 32), (uint32_t)p->ram_size,
		0, (uint32_t)(256 * MiB), (uint32_t)p->nr_vcpus }, 5));
	for (int i = 0; i < rtas_count(); i++) {
		const struct rtas_entry *e = rtas_entry_at(i);
		TRY(fdt_setprop_u32(fdt, node, e->def->name, e->token));
	}
	return 0;
}

static int emit_chosen(void *fdt, const struct fdt_params *p)
{
	/* ibm,architecture-vec-5 as a hypervisor would leave it after
	 * client-architecture-support: Linux reads byte 24 (MMU: radix only)
	 * and byte 26 (radix GTSE) to choose radix, byte 23 to stay on XICS. */
	uint8_t vec5[32] = { 0 };
	int node = fdt_add_subnode(fdt, 0, "chosen");

	TRY(node);
	vec5[0] = sizeof(vec5) - 1;
	vec5[24] = 0x40;
	vec5[26] = 0x40;
	TRY(fdt_setprop_string(fdt, node, "bootargs", p->cmdline ? p->cmdline : ""));
	if (p->initrd_size) {
		fdt64_t v = cpu_to_fdt64(p->initrd_gpa);
		TRY(fdt_setprop(fdt, node, "linux,initrd-start", &v, sizeof(v)));
		v = cpu_to_fdt64(p->initrd_gpa + p->initrd_size);
		TRY(fdt_setprop(fdt, node, "linux,initrd-end", &v, sizeof(v)));
	}
	TRY(fdt_setprop_string(fdt, node, "stdout-path", "/vdevice/vty@30000000"));
	TRY(fdt_setprop_string(fdt, node, "linux,stdout-path", "/vdevice/vty@30000000"));
	TRY(fdt_setprop(fdt, node, "ibm,architecture-vec-5", vec5, sizeof(vec5)));
	return 0;
}

static int emit_vdevice(void *fdt)
{
	int vdev = fdt_add_subnode(fdt, 0, "vdevice");
	int vty;

	TRY(vdev);
	TRY(fdt_setprop_string(fdt, vdev, "device_type", "vdevice"));
	TRY(fdt_setprop_string(fdt, vdev, "compatible", "IBM,vdevice"));
	TRY(fdt_setprop_u32(fdt, vdev, "#address-cells", 1));
	TRY(fdt_setprop_u32(fdt, vdev, "#size-cells", 0));
	vty = fdt_add_subnode(fdt, vdev, "vty@30000000");
	TRY(vty);
	TRY(fdt_setprop_string(fdt, vty, "name", "vty"));
	TRY(fdt_setprop_string(fdt, vty, "device_type", "serial"));
	TRY(fdt_setprop_string(fdt, vty, "compatible", "hvterm1"));
	TRY(fdt_setprop_u32(fdt, vty, "reg", VTY_UNIT_ADDRESS));
	return 0;
}

/* The in-kernel XICS presentation controller, served by KVM's hcalls. */
static int emit_xics(void *fdt, const struct fdt_params *p)
{
	fdt32_t ranges[2] = { cpu_to_fdt32(0), cpu_to_fdt32(p->nr_vcpus) };
	int node = fdt_add_subnode(fdt, 0, "interrupt-controller");

	TRY(node);
	TRY(fdt_setprop_string(fdt, node, "device_type", "PowerPC-External-Interrupt-Presentation"));
	TRY(fdt_setprop_string(fdt, node, "compatible", "IBM,ppc-xicp"));
	TRY(fdt_setprop(fdt, node, "interrupt-controller", NULL, 0));
	TRY(fdt_setprop(fdt, node, "ibm,interrupt-server-ranges", ranges, sizeof(ranges)));
	TRY(fdt_setprop_u32(fdt, node, "#interrupt-cells", 2));
	/* interrupt-map entries that name this controller carry no address */
	TRY(fdt_setprop_u32(fdt, node, "#address-cells", 0));
	TRY(fdt_setprop_u32(fdt, node, "phandle", FDT_XICS_PHANDLE));
	return 0;
}

static int emit_memory(void *fdt, const struct fdt_params *p)
{
	int node = fdt_add_subnode(fdt, 0, "memory@0");

	TRY(node);
	TRY(fdt_setprop_string(fdt, node, "device_type", "memory"));
	return setprop_u64_pair(fdt, node, "reg", 0, p->ram_size);
}

/*
 * /hypervisor, compatible "linux,kvm": what Linux's check_kvm_guest()
 * looks for (is_kvm_guest() then picks paravirt spinlocks, vcpu preemption
 * checks, doorbell IPIs, and disables the hard lockup detector). QEMU adds
 * "hcall-instructions" from KVM_PPC_GET_PVINFO; those are PR KVM's magic
 * "sc" (ePAPR hypercalls) that KVM-HV does not serve, so pvmm leaves them
 * out and Linux stays off that path.
 */
static int emit_hypervisor(void *fdt)
{
	int node = fdt_add_subnode(fdt, 0, "hypervisor");

	TRY(node);
	return fdt_setprop_string(fdt, node, "compatible", "linux,kvm");
}

/* Linux's pseries-rng (and QEMU's spapr-rng) look for this node before
 * they call H_RANDOM. */
static int emit_hwrng(void *fdt)
{
	int node = fdt_add_subnode(fdt, 0, "ibm,random-v1");

	TRY(node);
	TRY(fdt_setprop_string(fdt, node, "device_type", "ibm,random-number-generator"));
	return fdt_setprop_string(fdt, node, "compatible", "ibm,random-v1");
}

int fdt_build(void *buf, size_t size, const struct fdt_params *p)
{
	int root;

	if (p->nr_vcpus < 1 || !p->ram_size || p->threads > 8 ||
	    (p->threads > 1 && p->nr_vcpus % p->threads))
		return -EINVAL;
	TRY(fdt_create_empty_tree(buf, (int)size));
	root = fdt_path_offset(buf, "/");
	TRY(root);
	TRY(fdt_setprop_string(buf, root, "device_type", "chrp"));
	TRY(fdt_setprop_string(buf, root, "model", "pvmm pseries"));
	/* pvmm's own name first; "qemu,pseries" (which kvmtool's pseries
	 * also gives) for guests that look for it to choose their pseries
	 * path over a bare-metal one. */
	TRY(fdt_setprop(buf, root, "compatible", ROOT_COMPATIBLE, sizeof(ROOT_COMPATIBLE)));
	TRY(fdt_setprop_u32(buf, root, "#address-cells", 2));
	TRY(fdt_setprop_u32(buf, root, "#size-cells", 2));
	/* RTAS and the FDT itself must not be handed out by the guest's allocator. */
	TRY(fdt_add_mem_rsv(buf, p->rtas_gpa, p->rtas_size));

	/* Nodes are inserted at the front of their parent: emit in reverse
	 * order so that the blob reads top-down like the list below. */
	if (p->devices_emit)
		TRY(p->devices_emit(buf, root, FDT_XICS_PHANDLE, p->devices_ctx));
	if (p->hwrng)
		TRY(emit_hwrng(buf));
	TRY(emit_xics(buf, p));
	TRY(emit_vdevice(buf));
	TRY(emit_cpus(buf, p));
	TRY(emit_memory(buf, p));
	TRY(emit_rtas(buf, p));
	TRY(emit_hypervisor(buf));
	TRY(emit_chosen(buf, p));
	return fdt_pack(buf);
}
