/*
 * hostile: a guest that attacks pvmm through every guest-controlled input
 * and checks the PAPR/RTAS error code of each attempt, then checks that
 * valid calls still work. One line per case:
 *   HOSTILE <case> PASS|FAIL got=<rc> want=<rc>
 * and finally HOSTILE-DONE pass=<n> fail=<m>. With no passthrough device in
 * the device tree the TCE and PCI cases are skipped (and say so).
 */
#include "lib.h"

#define PAGE		4096UL
#define RTAS_PARAM	-3
#define RTAS_HW		-1

static int pass, fail, kvm_accepts, mode_kernel;
static uint64_t list[1024] __attribute__((aligned(4096)));
static uint32_t rbuf[64] __attribute__((aligned(16)));

static void expect(const char *name, long got, long want)
{
	int ok = got == want;

	printf("HOSTILE %s %s got=%d want=%d\n", name, ok ? "PASS" : "FAIL", (int)got, (int)want);
	ok ? pass++ : fail++;
}

/*
 * An access just past the end of the window. In mode kernel KVM serves
 * H_PUT_TCE, H_GET_TCE and H_PUT_TCE_INDIRECT, and checks only a list's
 * first entry (Linux 6.12): so that a list running past the end cannot make
 * the host kernel write past its tables, pvmm gives KVM's and the host's
 * tables 512 spare entries past the guest's window (vmm/spapr_pci.c,
 * kvm_pad). KVM then answers H_SUCCESS for IOBAs in those spare entries
 * (mapping guest RAM only): reported as KVM-ACCEPTS, which the hostile
 * scenario allows for these cases only. H_STUFF_TCE, whose count KVM
 * would not bound at all, is pvmm's in both modes.
 */
static void expect_range(const char *name, long got, long want)
{
	if (mode_kernel && got == H_SUCCESS && want != H_SUCCESS) {
		printf("HOSTILE %s KVM-ACCEPTS got=%d want=%d\n", name, (int)got, (int)want);
		kvm_accepts++;
		return;
	}
	expect(name, got, want);
}

static void put32(uint32_t *p, uint32_t v)
{
	uint8_t *b = (uint8_t *)p;
	b[0] = v >> 24; b[1] = v >> 16; b[2] = v >> 8; b[3] = v;
}

static void put_be64(uint64_t *p, uint64_t v)
{
	uint8_t *b = (uint8_t *)p;
	for (int i = 0; i < 8; i++)
		b[i] = v >> (56 - 8 * i);
}

/* A raw RTAS buffer: token, nargs, nret, then cells (status preset). */
static long rtas_buffer(uint32_t token, uint32_t nargs, uint32_t nret)
{
	put32(&rbuf[0], token);
	put32(&rbuf[1], nargs);
	put32(&rbuf[2], nret);
	for (int i = 3; i < 64; i++)
		put32(&rbuf[i], 0x5a5a5a5a);
	return rtas_raw((uint64_t)(uintptr_t)rbuf);
}

static void rtas_cases(void)
{
	uint64_t ram = ram_size();
	uint32_t rets[8], args[8] = { 0 };
	int tod = rtas_token("get-time-of-day");

	expect("rtas-buffer-outside-ram", rtas_raw(ram + 4096), H_PARAMETER);
	expect("rtas-buffer-straddles-ram-end", rtas_raw(ram - 8), H_PARAMETER);
	expect("rtas-buffer-huge-address", rtas_raw(0xfffffffffffff000UL), H_PARAMETER);
	/* nargs + nret beyond the 16 cells of an RTAS buffer */
	expect("rtas-nargs-too-big-hcall", rtas_buffer(tod, 15, 2), H_SUCCESS);
	expect("rtas-nargs-too-big-status", (int32_t)be32(&rbuf[3 + 15]), RTAS_PARAM);
	expect("rtas-nret-huge", rtas_buffer(tod, 0, 0xffffffff), H_SUCCESS);
	expect("rtas-unknown-token", rtas_call(0x7777, 0, 1, args, rets), RTAS_PARAM);
	expect("rtas-token-zero", rtas_call(0, 0, 1, args, rets), RTAS_PARAM);
	expect("rtas-wrong-nret", rtas_call(tod, 0, 1, args, rets), RTAS_PARAM);
	expect("rtas-wrong-nargs", rtas_call(tod, 3, 8, args, rets), RTAS_PARAM);
	args[0] = 2024; args[1] = 13; args[2] = 1;
	expect("rtas-set-time-bad-month", rtas_call(rtas_token("set-time-of-day"), 7, 1, args, rets), RTAS_PARAM);
	args[0] = 99; args[1] = 0; args[2] = 0;
	expect("rtas-start-cpu-no-such-cpu", rtas_call(rtas_token("start-cpu"), 3, 1, args, rets), RTAS_PARAM);
	/* A valid PC, so that only the "already running" check can refuse it. */
	args[0] = 0; args[1] = 0x100;
	expect("rtas-start-cpu-self-running", rtas_call(rtas_token("start-cpu"), 3, 1, args, rets), RTAS_HW);
	args[0] = 0; args[1] = (uint32_t)ram + 4096;
	expect("rtas-start-cpu-pc-past-ram", rtas_call(rtas_token("start-cpu"), 3, 1, args, rets), RTAS_PARAM);
	args[0] = 4096;
	expect("rtas-query-cpu-no-such-cpu", rtas_call(rtas_token("query-cpu-stopped-state"), 1, 2, args, rets), RTAS_PARAM);
}

static void hcall_cases(void)
{
	unsigned long out[9];

	expect("hcall-unknown-0x7ffc", hcall(0x7ffc, 0, 0, 0, 0, 0), H_FUNCTION);
	expect("hcall-unknown-odd", hcall(0x3, 0, 0, 0, 0, 0), H_FUNCTION);
	expect("hcall-unknown-huge", hcall(0xfffffffffffffff0UL, 0, 0, 0, 0, 0), H_FUNCTION);
	expect("hcall-unknown-0xeffc", hcall(0xeffc, 1, 2, 3, 4, 0), H_FUNCTION);
	expect("put-term-char-bad-termno", hcall(H_PUT_TERM_CHAR, 0x1234, 1, 0x41UL << 56, 0, 0), H_PARAMETER);
	expect("put-term-char-len-17", hcall(H_PUT_TERM_CHAR, VTY, 17, 0, 0, 0), H_PARAMETER);
	expect("put-term-char-len-huge", hcall(H_PUT_TERM_CHAR, VTY, ~0UL, 0, 0, 0), H_PARAMETER);
	expect("get-term-char-bad-termno", hcall(0x54, 7, 0, 0, 0, out), H_PARAMETER);
	expect("set-mode-unknown-resource", hcall(0x31c, 0, 99, 0, 0, 0), -55);
	expect("set-mode-le-bad-flags", hcall(0x31c, 7, 4, 0, 0, 0), -256);
	expect("proc-tbl-hash", hcall(0x37c, 0x18, 0, 0, 0, 0), H_PARAMETER);
	expect("proc-tbl-outside-ram", hcall(0x37c, 0x18 | 0x4, ram_size(), 0, 0, 0), H_PARAMETER);
	expect("proc-tbl-size-too-big", hcall(0x37c, 0x18 | 0x4, 0, 0, 25, 0), H_PARAMETER);
}

/* TCE cases on the passthrough window (both TCE modes must agree). */
static void tce_cases(void)
{
	int phb = fdt_child_prefix(0, "pci@"), len;
	const uint8_t *win = fdt_prop(phb, "ibm,dma-window", &len);
	uint64_t ram = ram_size(), start, size;
	const uint8_t *ranges;
	uint64_t mmio = 0;
	unsigned long out[9];
	uint32_t liobn;

	if (!win || len != 20) {
		printf("HOSTILE tce SKIP no passthrough device\n");
		return;
	}
	liobn = be32(win);
	start = be64(win + 4);
	size = be64(win + 12);
	ranges = fdt_prop(phb, "ranges", &len);
	if (ranges && len >= 28)
		mmio = be64(ranges + 12);	/* CPU address of the first window */

	expect("tce-unknown-liobn", hcall(H_PUT_TCE, liobn ^ 0x5555, start, 0x100000 | 3, 0, 0), H_PARAMETER);
	expect("tce-unaligned-ioba", hcall(H_PUT_TCE, liobn, start + 8, 0x100000 | 3, 0, 0), H_PARAMETER);
	expect_range("tce-ioba-past-window", hcall(H_PUT_TCE, liobn, start + size, 0x100000 | 3, 0, 0), H_PARAMETER);
	expect("tce-ioba-past-spare-entries", hcall(H_PUT_TCE, liobn, start + size + 1024 * PAGE, 0x100000 | 3, 0, 0), H_PARAMETER);
	expect("tce-ioba-huge", hcall(H_PUT_TCE, liobn, ~0UL & ~0xfffUL, 0x100000 | 3, 0, 0), H_PARAMETER);
	expect("tce-target-past-ram", hcall(H_PUT_TCE, liobn, start, ram | 3, 0, 0), H_PARAMETER);
	expect("tce-target-far-past-ram", hcall(H_PUT_TCE, liobn, start, 0x7ff0000000000000UL | 3, 0, 0), H_PARAMETER);
	if (mmio)
		expect("tce-target-phb-mmio", hcall(H_PUT_TCE, liobn, start, mmio | 3, 0, 0), H_PARAMETER);
	expect("tce-reserved-bits", hcall(H_PUT_TCE, liobn, start, 0x100000 | 0x7c | 3, 0, 0), H_PARAMETER);
	expect_range("tce-get-past-window", hcall(H_GET_TCE, liobn, start + size, 0, 0, out), H_PARAMETER);
	expect("tce-get-unknown-liobn", hcall(H_GET_TCE, liobn + 1, start, 0, 0, out), H_PARAMETER);
	for (int i = 0; i < 1024; i++)
		put_be64(&list[i], 0x100000 | 3);
	expect("indirect-list-outside-ram", hcall(H_PUT_TCE_INDIRECT, liobn, start, ram + PAGE, 1, 0), H_PARAMETER);
	expect("indirect-list-unaligned", hcall(H_PUT_TCE_INDIRECT, liobn, start, (unsigned long)list + 8, 1, 0), H_PARAMETER);
	expect("indirect-too-many", hcall(H_PUT_TCE_INDIRECT, liobn, start, (unsigned long)list, 513, 0), H_PARAMETER);
	expect_range("indirect-past-window", hcall(H_PUT_TCE_INDIRECT, liobn, start + size - PAGE, (unsigned long)list, 2, 0), H_PARAMETER);
	expect("indirect-last-page-only", hcall(H_PUT_TCE_INDIRECT, liobn, start + size - PAGE, (unsigned long)list, 1, 0), H_SUCCESS);
	expect("tce-get-last-entry", hcall(H_GET_TCE, liobn, start + size - PAGE, 0, 0, out), H_SUCCESS);
	expect_range("tce-get-first-past-end", hcall(H_GET_TCE, liobn, start + size, 0, 0, out), H_PARAMETER);
	expect("stuff-last-page", hcall(H_STUFF_TCE, liobn, start + size - PAGE, 0, 1, 0), H_SUCCESS);
	put_be64(&list[1], ram | 3);
	expect("indirect-entry-past-ram", hcall(H_PUT_TCE_INDIRECT, liobn, start, (unsigned long)list, 2, 0), H_PARAMETER);
	put_be64(&list[1], 0x100000 | 3);
	/* From the last page, so that a KVM that accepts it has little to do. */
	expect("stuff-count-overflows-window", hcall(H_STUFF_TCE, liobn, start + size - PAGE, 0, 2, 0), H_PARAMETER);
	expect("stuff-count-huge", hcall(H_STUFF_TCE, liobn, start + PAGE, 0, ~0UL, 0), H_PARAMETER);
	/* What crashed a Linux 6.12 host in mode kernel when KVM served it. */
	expect("stuff-count-far-past-window", hcall(H_STUFF_TCE, liobn, start + size - PAGE, 0, 1UL << 24, 0), H_PARAMETER);
	expect_range("indirect-512-past-window", hcall(H_PUT_TCE_INDIRECT, liobn, start + size - PAGE, (unsigned long)list, 512, 0), H_PARAMETER);
	expect("stuff-value-with-rw", hcall(H_STUFF_TCE, liobn, start, 0x100000 | 3, 1, 0), H_PARAMETER);

	/* Valid calls still work after all of that. */
	expect("tce-valid-map", hcall(H_PUT_TCE, liobn, start, 0x100000 | 3, 0, 0), H_SUCCESS);
	expect("tce-valid-get", hcall(H_GET_TCE, liobn, start, 0, 0, out), H_SUCCESS);
	expect("tce-valid-get-value", (long)(out[0] & ~0xfffUL), 0x100000);
	expect("tce-valid-unmap", hcall(H_PUT_TCE, liobn, start, 0, 0, 0), H_SUCCESS);
	expect("indirect-valid", hcall(H_PUT_TCE_INDIRECT, liobn, start, (unsigned long)list, 512, 0), H_SUCCESS);
	expect("stuff-valid-clear", hcall(H_STUFF_TCE, liobn, start, 0, 512, 0), H_SUCCESS);
}

/* PCI config space through RTAS: bad sizes, offsets, devices and BUIDs. */
static void pci_cases(void)
{
	int phb = fdt_child_prefix(0, "pci@"), len;
	const uint8_t *reg = fdt_prop(phb, "reg", &len);
	int rd = rtas_token("ibm,read-pci-config"), wr = rtas_token("ibm,write-pci-config");
	uint32_t args[5], rets[2];
	uint64_t buid;

	if (!reg || rd < 0 || wr < 0) {
		printf("HOSTILE pci SKIP no PCI host bridge\n");
		return;
	}
	buid = be64(reg);
	/* config address: bus << 16 | devfn << 8 | register; device 0 exists */
	args[1] = buid >> 32; args[2] = (uint32_t)buid;
	args[0] = 0; args[3] = 4;
	expect("pci-read-vendor-valid", rtas_call(rd, 4, 2, args, rets), 0);
	args[0] = 1; args[3] = 4;
	expect("pci-read-unaligned", rtas_call(rd, 4, 2, args, rets), RTAS_HW);
	args[0] = 0; args[3] = 3;
	expect("pci-read-size-3", rtas_call(rd, 4, 2, args, rets), RTAS_HW);
	args[0] = 0; args[3] = 8;
	expect("pci-read-size-8", rtas_call(rd, 4, 2, args, rets), RTAS_HW);
	args[0] = 0x1000; args[3] = 4;
	expect("pci-read-offset-4096", rtas_call(rd, 4, 2, args, rets), RTAS_HW);
	args[0] = 0x0f000ffc; args[3] = 4;
	expect("pci-read-offset-ext-huge", rtas_call(rd, 4, 2, args, rets), RTAS_HW);
	args[0] = 2 << 11; args[3] = 4;		/* device 2 */
	expect("pci-read-no-device", rtas_call(rd, 4, 2, args, rets), RTAS_HW);
	args[0] = 5 << 16; args[3] = 4;		/* bus 5 */
	expect("pci-read-no-bus", rtas_call(rd, 4, 2, args, rets), RTAS_HW);
	args[0] = 0; args[1] ^= 0x1234; args[3] = 4;
	expect("pci-read-bad-buid", rtas_call(rd, 4, 2, args, rets), RTAS_PARAM);
	args[1] = buid >> 32; args[2] = (uint32_t)buid;
	args[0] = 0x40; args[3] = 3; args[4] = 0;
	expect("pci-write-size-3", rtas_call(wr, 5, 1, args, rets), RTAS_HW);
	args[0] = 0x1001; args[3] = 1;
	expect("pci-write-offset-4097", rtas_call(wr, 5, 1, args, rets), RTAS_HW);
	args[0] = 2 << 11; args[3] = 4;
	expect("pci-write-no-device", rtas_call(wr, 5, 1, args, rets), RTAS_HW);
	args[0] = 0; args[3] = 4;
	expect("pci-read-after-attacks", rtas_call(rd, 4, 2, args, rets), 0);
}

void payload_main(void);
void payload_main(void)
{
	uint32_t args[1], rets[8];

	const char *bootargs = fdt_prop(fdt_node("/chosen"), "bootargs", 0);

	for (const char *p = bootargs; p && *p; p++)
		if (!strncmp(p, "hostile.tce=kernel", 18))
			mode_kernel = 1;
	printf("HOSTILE-START ram=0x%lx tce=%s\n", (unsigned long)ram_size(), mode_kernel ? "kernel" : "user");
	rtas_cases();
	hcall_cases();
	tce_cases();
	pci_cases();
	/* pvmm is still healthy: valid calls answer. */
	expect("valid-get-time-of-day", rtas_call(rtas_token("get-time-of-day"), 0, 8, args, rets), 0);
	expect("valid-year-plausible", rets[1] >= 2024 && rets[1] < 2200, 1);
	printf("HOSTILE-DONE pass=%d fail=%d kvm_accepts=%d\n", pass, fail, kvm_accepts);
}
