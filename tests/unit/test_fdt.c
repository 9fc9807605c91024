/* fdt.c: the guest device tree, parsed back with libfdt, and its golden blob. */
#include "test.h"
#include "support.h"
#include "console.h"
#include "fdt_builder.h"
#include "layout.h"
#include "spapr.h"
#include "spapr_hcall.h"
#include "spapr_mem.h"
#include "spapr_rtas.h"

#include <stdlib.h>
#include <libfdt.h>

static const struct hcall_def test_kernel_hcalls[] = {
	{ H_CEDE, "H_CEDE", "hcall-splpar", NULL },
	{ H_XIRR, "H_XIRR", "hcall-interrupt", NULL },
	{ H_EOI, "H_EOI", "hcall-interrupt", NULL },
};
static const struct rtas_def test_kernel_rtas[] = {
	{ "ibm,set-xive", NULL },
};

static void register_all(void)
{
	hcall_reset();
	rtas_reset();
	spapr_rtas_init();
	console_register_calls();
	spapr_mem_register_calls();
	hcall_register(test_kernel_hcalls, 3);
	rtas_register(test_kernel_rtas, 1);
}

static void build(void *buf, int vcpus)
{
	struct guest_layout l = layout_for_ram(512 * MiB);
	struct fdt_params p = {
		.ram_size = 512 * MiB, .nr_vcpus = vcpus, .cmdline = "console=hvc0 quiet",
		.initrd_gpa = 0x10000000, .initrd_size = 0x123456,
		.rtas_gpa = l.rtas_gpa, .rtas_size = RTAS_SIZE,
		.cpu = { .pvr = 0x004e1202, .name = "POWER9", .timebase_hz = 512000000,
			 .clock_hz = 2000000000, .dcache_block = 128, .icache_block = 128,
			 .dcache_size = 32768, .icache_size = 32768,
			 .radix_ap = { 0xc, 0xa0000010, 0x20000015, 0x4000001e }, .nr_radix_ap = 4 },
	};

	register_all();
	CHECK_EQ(fdt_build(buf, FDT_SIZE_MIN, &p), 0);
}

static uint32_t prop_u32(const void *fdt, const char *path, const char *name)
{
	int len, node = fdt_path_offset(fdt, path);
	const fdt32_t *v = node >= 0 ? fdt_getprop(fdt, node, name, &len) : NULL;

	return v && len >= 4 ? fdt32_ld(v) : 0xffffffffu;
}

TEST(fdt_root_memory_chosen)
{
	static char buf[FDT_SIZE_MIN];
	const fdt64_t *reg, *rs, *re;
	const uint8_t *vec5;
	int len;

	build(buf, 2);
	CHECK_EQ(fdt_check_header(buf), 0);
	CHECK(!strcmp(fdt_getprop(buf, 0, "device_type", NULL), "chrp"));
	/* pvmm's own string first, then the one guests written for QEMU key on */
	const char *compat = fdt_getprop(buf, 0, "compatible", &len);
	CHECK_EQ(len, (int)sizeof("pvmm,pseries\0qemu,pseries"));
	CHECK(compat && !memcmp(compat, "pvmm,pseries\0qemu,pseries", len));
	CHECK_EQ(fdt_node_check_compatible(buf, 0, "qemu,pseries"), 0);
	CHECK_EQ(prop_u32(buf, "/", "#address-cells"), 2);
	CHECK_EQ(prop_u32(buf, "/", "#size-cells"), 2);
	reg = fdt_getprop(buf, fdt_path_offset(buf, "/memory@0"), "reg", &len);
	CHECK_EQ(len, 16);
	CHECK_EQ(fdt64_ld(&reg[0]), 0);
	CHECK_EQ(fdt64_ld(&reg[1]), 512 * MiB);
	/* big-endian cells whatever the host: the size's high word is 0 */
	CHECK_EQ(((const uint8_t *)reg)[12], 0x20);
	int chosen = fdt_path_offset(buf, "/chosen");
	CHECK(!strcmp(fdt_getprop(buf, chosen, "bootargs", NULL), "console=hvc0 quiet"));
	rs = fdt_getprop(buf, chosen, "linux,initrd-start", &len);
	CHECK_EQ(len, 8);
	re = fdt_getprop(buf, chosen, "linux,initrd-end", &len);
	CHECK_EQ(fdt64_ld(rs), 0x10000000);
	CHECK_EQ(fdt64_ld(re), 0x10000000 + 0x123456);
	CHECK(!strcmp(fdt_getprop(buf, chosen, "stdout-path", NULL), "/vdevice/vty@30000000"));
	vec5 = fdt_getprop(buf, chosen, "ibm,architecture-vec-5", &len);
	CHECK(len > 26);
	CHECK_EQ(vec5[24], 0x40);	/* radix only */
	CHECK_EQ(vec5[26], 0x40);	/* radix GTSE */
	/* RTAS is reserved from the guest's allocator */
	uint64_t addr, size;
	CHECK_EQ(fdt_num_mem_rsv(buf), 1);
	fdt_get_mem_rsv(buf, 0, &addr, &size);
	CHECK_EQ(addr, layout_for_ram(512 * MiB).rtas_gpa);
	CHECK_EQ(size, RTAS_SIZE);
}

TEST(fdt_cpus)
{
	static char buf[FDT_SIZE_MIN];
	const uint8_t *pa;
	const fdt32_t *ap;
	int len, cpu;

	build(buf, 2);
	CHECK(fdt_path_offset(buf, "/cpus/PowerPC,POWER9@0") >= 0);
	CHECK(fdt_path_offset(buf, "/cpus/PowerPC,POWER9@1") >= 0);
	CHECK(fdt_path_offset(buf, "/cpus/PowerPC,POWER9@2") < 0);
	CHECK_EQ(prop_u32(buf, "/cpus/PowerPC,POWER9@1", "reg"), 1);
	CHECK_EQ(prop_u32(buf, "/cpus/PowerPC,POWER9@1", "ibm,ppc-interrupt-server#s"), 1);
	CHECK_EQ(prop_u32(buf, "/cpus/PowerPC,POWER9@0", "cpu-version"), 0x004e1202);
	CHECK_EQ(prop_u32(buf, "/cpus/PowerPC,POWER9@0", "timebase-frequency"), 512000000);
	cpu = fdt_path_offset(buf, "/cpus/PowerPC,POWER9@0");
	pa = fdt_getprop(buf, cpu, "ibm,pa-features", &len);
	CHECK(pa && len >= 2 + 41);
	CHECK_EQ(pa[0], len - 2);
	CHECK_EQ(pa[2 + 40] & 0x80, 0x80);	/* radix */
	ap = fdt_getprop(buf, cpu, "ibm,processor-radix-AP-encodings", &len);
	CHECK_EQ(len, 16);
	CHECK_EQ(fdt32_ld(&ap[1]), 0xa0000010);
	/* cpu 0 comes first in the blob */
	CHECK(fdt_path_offset(buf, "/cpus/PowerPC,POWER9@0") < fdt_path_offset(buf, "/cpus/PowerPC,POWER9@1"));
}

TEST(fdt_rtas_vdevice_xics)
{
	static char buf[FDT_SIZE_MIN];
	const char *sets;
	const fdt32_t *r;
	int len, rtas;

	build(buf, 2);
	rtas = fdt_path_offset(buf, "/rtas");
	sets = fdt_getprop(buf, rtas, "ibm,hypertas-functions", &len);
	/* registration order, each set once: term, copy, splpar, interrupt */
	CHECK_EQ(len, (int)sizeof("hcall-term\0hcall-copy\0hcall-splpar\0hcall-interrupt"));
	CHECK(sets && !memcmp(sets, "hcall-term\0hcall-copy\0hcall-splpar\0hcall-interrupt", len));
	CHECK_EQ(prop_u32(buf, "/rtas", "get-time-of-day"), rtas_lookup_name("get-time-of-day")->token);
	CHECK_EQ(prop_u32(buf, "/rtas", "ibm,set-xive"), rtas_lookup_name("ibm,set-xive")->token);
	CHECK_EQ(prop_u32(buf, "/rtas", "linux,rtas-base"), layout_for_ram(512 * MiB).rtas_gpa);
	CHECK_EQ(prop_u32(buf, "/rtas", "rtas-size"), RTAS_SIZE);
	CHECK(!strcmp(fdt_getprop(buf, fdt_path_offset(buf, "/vdevice/vty@30000000"), "compatible", NULL), "hvterm1"));
	CHECK_EQ(prop_u32(buf, "/vdevice/vty@30000000", "reg"), VTY_UNIT_ADDRESS);
	/* Linux's check_kvm_guest(): /hypervisor compatible with "linux,kvm" */
	int hyp = fdt_path_offset(buf, "/hypervisor");
	CHECK(hyp >= 0);
	CHECK_EQ(fdt_node_check_compatible(buf, hyp, "linux,kvm"), 0);
	int ic = fdt_path_offset(buf, "/interrupt-controller");
	CHECK(!strcmp(fdt_getprop(buf, ic, "compatible", NULL), "IBM,ppc-xicp"));
	r = fdt_getprop(buf, ic, "ibm,interrupt-server-ranges", &len);
	CHECK_EQ(len, 8);
	CHECK_EQ(fdt32_ld(&r[0]), 0);
	CHECK_EQ(fdt32_ld(&r[1]), 2);
}

/* --threads 2 with 4 vcpus: two cores, each listing its two threads */
TEST(fdt_smt_cores_list_their_threads)
{
	static char buf[FDT_SIZE_MIN];
	struct guest_layout l = layout_for_ram(512 * MiB);
	struct fdt_params p = { .ram_size = 512 * MiB, .nr_vcpus = 4, .threads = 2, .cmdline = "",
				.rtas_gpa = l.rtas_gpa, .rtas_size = RTAS_SIZE,
				.cpu = { .name = "POWER9" } };
	const fdt32_t *s;
	int len;

	register_all();
	CHECK_EQ(fdt_build(buf, sizeof(buf), &p), 0);
	CHECK(fdt_path_offset(buf, "/cpus/PowerPC,POWER9@0") >= 0);
	CHECK(fdt_path_offset(buf, "/cpus/PowerPC,POWER9@1") < 0);
	CHECK(fdt_path_offset(buf, "/cpus/PowerPC,POWER9@2") >= 0);
	CHECK_EQ(prop_u32(buf, "/cpus/PowerPC,POWER9@2", "reg"), 2);
	s = fdt_getprop(buf, fdt_path_offset(buf, "/cpus/PowerPC,POWER9@2"), "ibm,ppc-interrupt-server#s", &len);
	CHECK_EQ(len, 8);
	CHECK(s && fdt32_ld(&s[0]) == 2 && fdt32_ld(&s[1]) == 3);
	/* the interrupt servers still cover every vcpu */
	s = fdt_getprop(buf, fdt_path_offset(buf, "/interrupt-controller"), "ibm,interrupt-server-ranges", &len);
	CHECK(s && fdt32_ld(&s[1]) == 4);
	/* vcpus that do not fill whole cores, and more than 8 threads, are refused */
	p.nr_vcpus = 3;
	CHECK(fdt_build(buf, sizeof(buf), &p) < 0);
	p.nr_vcpus = 16;
	p.threads = 16;
	CHECK(fdt_build(buf, sizeof(buf), &p) < 0);
}

/* ibm,random-v1 only when H_RANDOM works (KVM_CAP_PPC_HWRNG) */
TEST(fdt_hwrng_node_only_when_offered)
{
	static char buf[FDT_SIZE_MIN];
	struct guest_layout l = layout_for_ram(512 * MiB);
	struct fdt_params p = { .ram_size = 512 * MiB, .nr_vcpus = 1, .cmdline = "",
				.rtas_gpa = l.rtas_gpa, .rtas_size = RTAS_SIZE,
				.cpu = { .name = "POWER9" } };
	int node;

	register_all();
	CHECK_EQ(fdt_build(buf, sizeof(buf), &p), 0);
	CHECK(fdt_path_offset(buf, "/ibm,random-v1") < 0);
	p.hwrng = true;
	CHECK_EQ(fdt_build(buf, sizeof(buf), &p), 0);
	node = fdt_path_offset(buf, "/ibm,random-v1");
	CHECK(node >= 0);
	CHECK_EQ(fdt_node_check_compatible(buf, node, "ibm,random-v1"), 0);
	CHECK(!strcmp(fdt_getprop(buf, node, "device_type", NULL), "ibm,random-number-generator"));
}

TEST(fdt_too_small_buffer_fails)
{
	static char buf[FDT_SIZE_MIN];
	struct fdt_params p = { .ram_size = 512 * MiB, .nr_vcpus = 64, .cmdline = "x",
				.rtas_gpa = 0x1000, .rtas_size = 0x1000, .cpu = { .name = "POWER9" } };

	register_all();
	CHECK(fdt_build(buf, 1024, &p) < 0);
	p.nr_vcpus = 0;
	CHECK(fdt_build(buf, sizeof(buf), &p) < 0);
}

/* The blob is byte-for-byte what tests/unit/golden/boot.dtb holds, on
 * x86 and under qemu-user alike. UPDATE_GOLDEN=1 rewrites it. */
TEST(fdt_matches_golden)
{
	static char buf[FDT_SIZE_MIN];

	build(buf, 2);
	check_golden_dtb(buf, "boot");
}

/* The buffer is guest RAM: past the packed tree it reads as zeros, not as
 * the bytes packing left behind (found by the guest-fuzz payload). */
TEST(fdt_tail_zeroed)
{
	static uint8_t buf[FDT_SIZE_MIN];
	uint32_t total;
	size_t nonzero = 0;

	memset(buf, 0xa5, sizeof(buf));
	build(buf, 4);
	total = fdt_totalsize(buf);
	CHECK(total < sizeof(buf));
	for (size_t i = total; i < sizeof(buf); i++)
		nonzero += buf[i] != 0;
	CHECK_EQ(nonzero, 0);
}
