/* The guest device tree (see fdt_builder.h). */
#include "fdt_builder.h"
#include "layout.h"
#include "spapr_hcall.h"
#include "spapr_rtas.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <libfdt.h>

#define ROOT_COMPATIBLE "pvmm,pseries\0qemu,pseries"
/* ibm,hypertas-functions: every set pvmm may offer fits */
#define HCALL_SETS_MAX 512
#define PA_FEATURES_BYTES (2 + 64)
#define CPU_NAME_MAX 64
/* What no VM shape changes: the header, the reservation map (RTAS and
 * its end), the nodes but /cpus' children with their single-valued
 * properties, and the strings block (each name once). About 1.8 KiB
 * today (the unit tests build every shape against the bound); the rest
 * is room for a few more properties before the bound needs a look. */
#define FDT_FIXED_BYTES (4 * KiB)

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

/* Room made in the tree and filled in place: no copy of the cells, so no
 * bound on how many (an interrupt-map of 256 functions is 1792). */
int fdt_setprop_cells_room(void *fdt, int node, const char *name, int n, uint8_t **cells)
{
	void *v = NULL;
	int r;

	if (n < 0 || n > INT_MAX / 4)
		return -FDT_ERR_BADVALUE;
	r = fdt_setprop_placeholder(fdt, node, name, n * 4, &v);
	*cells = v;
	return r;
}

int fdt_setprop_cells(void *fdt, int node, const char *name, const uint32_t *v, int n)
{
	uint8_t *cells;

	TRY(fdt_setprop_cells_room(fdt, node, name, n, &cells));
	for (int i = 0; i < n; i++)
		store_be32(cells + 4 * i, v[i]);
	return 0;
}

int fdt_error(size_t size, const char *what, int err)
{
	if (err == -FDT_ERR_NOSPACE) {
		pr_err("device tree: %s does not fit in %zu bytes", what, size);
		return -ENOSPC;
	}
	pr_err("device tree: %s: %s", what, fdt_strerror(err));
	return -EINVAL;
}

static int setprop_u64_pair(void *fdt, int node, const char *name, uint64_t a, uint64_t b)
{
	uint8_t v[16];

	store_be64(v, a);
	store_be64(v + 8, b);
	return fdt_setprop(fdt, node, name, v, sizeof(v));
}

/* A core's node at most: its name, 14 single cells, device_type, status,
 * 64-bit, ibm,pa-features, the radix AP encodings and a cell per thread
 * (emit_cpu). */
static size_t cpu_bytes(int threads)
{
	return FDT_NODE_BYTES(CPU_NAME_MAX - 1) + 14 * FDT_PROP_BYTES(4) +
	       FDT_PROP_BYTES(sizeof("cpu")) + FDT_PROP_BYTES(sizeof("okay")) + FDT_PROP_BYTES(0) +
	       FDT_PROP_BYTES(PA_FEATURES_BYTES) + FDT_PROP_BYTES(4 * FDT_RADIX_AP_MAX) +
	       FDT_PROP_BYTES(4 * (size_t)threads);
}

/* /rtas' lists: the hcall sets, a cell per call pvmm knows with the
 * call's name in the strings block (whichever calls are registered), and
 * the properties calls may come with, each at its largest. */
static size_t rtas_bytes(void)
{
	const char *const *names;
	size_t n = rtas_token_table(&names), bytes = FDT_PROP_BYTES(HCALL_SETS_MAX);

	for (size_t i = 0; i < n; i++)
		bytes += FDT_PROP_BYTES(4) + strlen(names[i]) + 1;
	return bytes + RTAS_PROPS_MAX * (FDT_PROP_BYTES(RTAS_PROP_VALUE_MAX) + RTAS_PROP_NAME_MAX);
}

size_t fdt_size_bound(const struct fdt_shape *s)
{
	size_t threads = s->threads > 1 ? (size_t)s->threads : 1;
	size_t vcpus = s->nr_vcpus > 0 ? (size_t)s->nr_vcpus : 0;
	size_t cores = (vcpus + threads - 1) / threads;
	size_t n = FDT_FIXED_BYTES + rtas_bytes() + cores * cpu_bytes((int)threads) +
		   FDT_PROP_BYTES(s->cmdline_len + 1) + s->devices;

	return n + n / 8;	/* a margin for what the sums above missed */
}

/*
 * ibm,pa-features: the processor attribute bytes Linux scans for radix,
 * little-endian support and the like. Two header bytes (length, type 0),
 * then one byte per attribute group, most significant bit first.
 */
static int emit_pa_features(void *fdt, int node)
{
	uint8_t pa[PA_FEATURES_BYTES] = { PA_FEATURES_BYTES - 2, 0 };
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
	uint8_t *ids;

	TRY(fdt_setprop_cells_room(fdt, node, "ibm,ppc-interrupt-server#s", threads, &ids));
	for (int t = 0; t < threads; t++)
		store_be32(ids + 4 * t, first + t);
	return 0;
}

static int emit_cpu(void *fdt, int cpus, const struct fdt_params *p, uint32_t id, int threads)
{
	const struct fdt_cpu_info *c = &p->cpu;
	char name[CPU_NAME_MAX];
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
	/* radix_ap holds FDT_RADIX_AP_MAX: never read past it */
	if (c->nr_radix_ap > 0)
		TRY(fdt_setprop_cells(fdt, node, "ibm,processor-radix-AP-encodings", c->radix_ap,
				      c->nr_radix_ap < FDT_RADIX_AP_MAX ? c->nr_radix_ap : FDT_RADIX_AP_MAX));
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
	char sets[HCALL_SETS_MAX];
	int node = fdt_add_subnode(fdt, 0, "rtas");
	int len;

	TRY(node);
	len = hcall_fdt_sets(sets, sizeof(sets));
	if (len < 0)
		return -FDT_ERR_BADVALUE;	/* more sets than HCALL_SETS_MAX: raise it */
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
	for (int i = 0; i < rtas_prop_count(); i++) {
		const struct rtas_prop *prop = rtas_prop_at(i);
		TRY(fdt_setprop(fdt, node, prop->name, prop->value, prop->len));
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

static int emit_vdevice(void *fdt, const struct fdt_params *p)
{
	int vdev = fdt_add_subnode(fdt, 0, "vdevice");
	int vty;

	(void)p;
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
static int emit_hypervisor(void *fdt, const struct fdt_params *p)
{
	int node = fdt_add_subnode(fdt, 0, "hypervisor");

	(void)p;
	TRY(node);
	return fdt_setprop_string(fdt, node, "compatible", "linux,kvm");
}

/* Linux's pseries-rng (and QEMU's spapr-rng) look for this node before
 * they call H_RANDOM. */
static int emit_hwrng(void *fdt, const struct fdt_params *p)
{
	int node;

	if (!p->hwrng)
		return 0;
	node = fdt_add_subnode(fdt, 0, "ibm,random-v1");
	TRY(node);
	TRY(fdt_setprop_string(fdt, node, "device_type", "ibm,random-number-generator"));
	return fdt_setprop_string(fdt, node, "compatible", "ibm,random-v1");
}

static int emit_root(void *fdt, const struct fdt_params *p)
{
	int root = fdt_path_offset(fdt, "/");

	TRY(root);
	TRY(fdt_setprop_string(fdt, root, "device_type", "chrp"));
	TRY(fdt_setprop_string(fdt, root, "model", "pvmm pseries"));
	/* pvmm's own name first; "qemu,pseries" (which kvmtool's pseries
	 * also gives) for guests that look for it to choose their pseries
	 * path over a bare-metal one. */
	TRY(fdt_setprop(fdt, root, "compatible", ROOT_COMPATIBLE, sizeof(ROOT_COMPATIBLE)));
	TRY(fdt_setprop_u32(fdt, root, "#address-cells", 2));
	TRY(fdt_setprop_u32(fdt, root, "#size-cells", 2));
	/* RTAS and the FDT itself must not be handed out by the guest's allocator. */
	return fdt_add_mem_rsv(fdt, p->rtas_gpa, p->rtas_size);
}

/* Nodes are inserted at the front of their parent: the blob lists these
 * in reverse (/chosen first), then the devices, emitted before them all. */
static const struct {
	const char *what;
	int (*emit)(void *fdt, const struct fdt_params *p);
} parts[] = {
	{ "/ibm,random-v1", emit_hwrng },
	{ "/interrupt-controller", emit_xics },
	{ "/vdevice", emit_vdevice },
	{ "/cpus", emit_cpus },
	{ "/memory@0", emit_memory },
	{ "/rtas", emit_rtas },
	{ "/hypervisor", emit_hypervisor },
	{ "/chosen", emit_chosen },
};

static bool params_ok(const struct fdt_params *p, size_t size)
{
	return p->nr_vcpus >= 1 && p->ram_size && p->threads <= 8 &&
	       (p->threads <= 1 || p->nr_vcpus % p->threads == 0) && size <= INT_MAX;
}

int fdt_build(void *buf, size_t size, const struct fdt_params *p)
{
	size_t used;
	int r;

	if (!params_ok(p, size)) {
		pr_err("device tree: %d vcpus in cores of %d threads, %llu bytes of RAM, "
		       "a %zu-byte buffer: not a VM pvmm builds", p->nr_vcpus, p->threads,
		       (unsigned long long)p->ram_size, size);
		return -EINVAL;
	}
	r = fdt_create_empty_tree(buf, (int)size);
	if (!r)
		r = emit_root(buf, p);
	if (r)
		return fdt_error(size, "/", r);
	if (p->devices_emit && (r = p->devices_emit(buf, 0, FDT_XICS_PHANDLE, p->devices_ctx)))
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if ((r = parts[i].emit(buf, p)))
			return fdt_error(size, parts[i].what, r);
	r = fdt_pack(buf);
	if (r)
		return fdt_error(size, "packing", r);
	/* Packing moves the blocks down and leaves their old bytes behind it:
	 * the buffer is guest RAM, which past the tree must read as zeros (the
	 * guest-fuzz payload found strings there). */
	used = fdt_totalsize(buf);
	memset((char *)buf + used, 0, size - used);
	return 0;
}
