/*
 * hostile: a guest that attacks pvmm through every guest-controlled input
 * and checks the PAPR/RTAS error code of each attempt, then checks that
 * valid calls still work. One line per case:
 *   HOSTILE <case> PASS|FAIL got=<rc> want=<rc>
 * and finally HOSTILE-DONE pass=<n> fail=<m>. With no passthrough device in
 * the device tree the TCE and PCI cases are skipped (and say so). The PCI
 * cases find the function from the device tree and its config space (its
 * BARs, 32 or 64-bit, their sizes, the MSI-X table, PBA and vectors), so
 * they run on any passthrough function; hostile.only=pci runs them alone.
 */
#include "lib.h"

#define PAGE		4096UL
#define RTAS_PARAM	-3
#define RTAS_HW		-1

#define TCE_OK		(0x100000UL | 3)
#define RACE_CALLS	200
#define RACE_ENTRIES	16

static int pass, fail, kvm_accepts, mode_kernel, race_off, only_pci;
static unsigned long flood;	/* hostile.flood=N: the flood's rounds (0: none) */
static uint64_t list[1024] __attribute__((aligned(4096)));
static uint64_t race_list[512] __attribute__((aligned(4096)));
static uint32_t rbuf[512] __attribute__((aligned(16)));
/* The passthrough window, once tce_cases found it. */
static uint32_t tce_liobn;
static uint64_t tce_start;
static int have_tce;

static void expect(const char *name, long got, long want)
{
	int ok = got == want;

	printf("HOSTILE %s %s got=%d want=%d\n", name, ok ? "PASS" : "FAIL", (int)got, (int)want);
	ok ? pass++ : fail++;
}

/*
 * An access just past the end of the window. In mode kernel KVM serves
 * H_PUT_TCE and H_GET_TCE, whose one entry it checks against its table
 * (the guest's window, no larger): a KVM that took one anyway is named as
 * KVM-ACCEPTS, and the hostile scenario fails on any. H_PUT_TCE_INDIRECT
 * and H_STUFF_TCE, whose ranges KVM does not bound, are pvmm's in both
 * modes.
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
	for (int i = 3; i < 512; i++)
		put32(&rbuf[i], 0x5a5a5a5a);
	return rtas_raw((uint64_t)(uintptr_t)rbuf);
}

/* The FDT sits at the top of RAM (pvmm's layout): true if [gpa, end of
 * RAM) is clear of it, so that a case may write there. */
static int top_of_ram_free(uint64_t gpa)
{
	const uint8_t *fdt = fdt_base();

	return (uint64_t)(uintptr_t)fdt + be32(fdt + 4) <= gpa;
}

/* A valid get-time-of-day buffer (44 bytes) starting back bytes before the
 * end of RAM, back < 88: KVM cannot read its fixed struct rtas_args (88
 * bytes with its pointer's alignment) and fails KVM_RUN with EFAULT; pvmm
 * serves the call. back 86: the 84 bytes pvmm once took KVM's copy for fit,
 * so pvmm took the EFAULT for its own failure and exited (found by the
 * guest-fuzz payload, issue 27). */
static void rtas_last_bytes_case(int tod, uint64_t back, const char *name)
{
	uint64_t gpa = ram_size() - back;
	uint32_t *b = (uint32_t *)(uintptr_t)gpa;
	char what[64];

	if (!top_of_ram_free(gpa)) {
		printf("HOSTILE %s SKIP the FDT is there\n", name);
		return;
	}
	put32(&b[0], tod);
	put32(&b[1], 0);
	put32(&b[2], 8);
	put32(&b[3], 0xdeadbeef);
	put32(&b[4], 0);
	snprintf(what, sizeof(what), "%s-hcall", name);
	expect(what, rtas_raw(gpa), H_SUCCESS);
	snprintf(what, sizeof(what), "%s-status", name);
	expect(what, (int32_t)be32(&b[3]), 0);
	snprintf(what, sizeof(what), "%s-year", name);
	expect(what, be32(&b[4]) >= 2024 && be32(&b[4]) < 2200, 1);
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
	/* nargs >= 16: KVM's in-kernel RTAS fails KVM_RUN (EINVAL), pvmm answers */
	expect("rtas-nargs-16-hcall", rtas_buffer(tod, 16, 1), H_SUCCESS);
	expect("rtas-nargs-16-status", (int32_t)be32(&rbuf[3 + 16]), RTAS_PARAM);
	expect("rtas-nargs-255-hcall", rtas_buffer(tod, 255, 1), H_SUCCESS);
	expect("rtas-nargs-255-status", (int32_t)be32(&rbuf[3 + 255]), RTAS_PARAM);
	/* the top 4 bits of the buffer address are dropped (a real address) */
	rtas_buffer(tod, 0, 8);
	put32(&rbuf[3], 0x5a5a5a5a);
	expect("rtas-buffer-top-bits-hcall", rtas_raw(0xc000000000000000UL | (uintptr_t)rbuf), H_SUCCESS);
	expect("rtas-buffer-top-bits-status", (int32_t)be32(&rbuf[3]), 0);
	rtas_last_bytes_case(tod, 48, "rtas-buffer-last-84-bytes");
	rtas_last_bytes_case(tod, 86, "rtas-buffer-last-88-bytes");
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

/* Read-only and write-only TCEs: H_GET_TCE gives back the permission bits. */
static void tce_permission_cases(uint32_t liobn, uint64_t start)
{
	unsigned long out[9];

	expect("tce-read-only-map", hcall(H_PUT_TCE, liobn, start, 0x100000 | 1, 0, 0), H_SUCCESS);
	expect("tce-read-only-get", hcall(H_GET_TCE, liobn, start, 0, 0, out), H_SUCCESS);
	expect("tce-read-only-value", (long)out[0], 0x100000 | 1);
	expect("tce-write-only-map", hcall(H_PUT_TCE, liobn, start + PAGE, 0x200000 | 2, 0, 0), H_SUCCESS);
	expect("tce-write-only-get", hcall(H_GET_TCE, liobn, start + PAGE, 0, 0, out), H_SUCCESS);
	expect("tce-write-only-value", (long)out[0], 0x200000 | 2);
	expect("tce-read-only-to-rw", hcall(H_PUT_TCE, liobn, start, 0x100000 | 3, 0, 0), H_SUCCESS);
	expect("tce-read-only-to-rw-value", hcall(H_GET_TCE, liobn, start, 0, 0, out) ? -1 : (long)out[0],
	       0x100000 | 3);
	expect("tce-permission-clear", hcall(H_STUFF_TCE, liobn, start, 0, 2, 0), H_SUCCESS);
	expect("tce-permission-cleared", hcall(H_GET_TCE, liobn, start + PAGE, 0, 0, out) ? -1 : (long)out[0], 0);
}

/* An indirect list in the last page of RAM (where pvmm's FDT area ends). */
static void tce_list_last_page_cases(uint32_t liobn, uint64_t start)
{
	uint64_t gpa = ram_size() - PAGE;
	uint64_t *l = (uint64_t *)(uintptr_t)gpa;
	unsigned long out[9];

	if (!top_of_ram_free(gpa)) {
		printf("HOSTILE indirect-list-last-page SKIP the FDT is there\n");
		return;
	}
	for (int i = 0; i < 512; i++)
		put_be64(&l[i], (0x100000 + i * PAGE) | 3);
	expect("indirect-list-last-page-of-ram", hcall(H_PUT_TCE_INDIRECT, liobn, start, gpa, 512, 0), H_SUCCESS);
	expect("indirect-list-last-page-last-entry",
	       hcall(H_GET_TCE, liobn, start + 511 * PAGE, 0, 0, out) ? -1 : (long)out[0],
	       (0x100000 + 511 * PAGE) | 3);
	expect("indirect-list-at-ram-end", hcall(H_PUT_TCE_INDIRECT, liobn, start, gpa + PAGE, 1, 0), H_PARAMETER);
	expect("indirect-list-last-page-clear", hcall(H_STUFF_TCE, liobn, start, 0, 512, 0), H_SUCCESS);
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
	tce_liobn = liobn;
	tce_start = start;
	have_tce = 1;
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

	tce_permission_cases(liobn, start);
	tce_list_last_page_cases(liobn, start);

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

/*
 * ibm,set-xive on a source pvmm never used, in the block of 1024 sources
 * of one it did (the first function's INTx line, 4112): KVM (Linux 6.12,
 * XICS on XIVE) unmasked it by EOIing an ESB page that was never mapped,
 * a NULL dereference that killed the host, until pvmm set whole blocks
 * (irq.c). Found by the guest-fuzz payload (seed 27). Now an answer.
 */
static void xive_cases(void)
{
	int set = rtas_token("ibm,set-xive"), off = rtas_token("ibm,int-off");
	uint32_t ids[8], args[3] = { 4096 + 1000, 0, 5 }, rets[1];

	if (!have_tce || set < 0 || off < 0 || fdt_cpu_ids(ids, 8) < 1) {
		printf("HOSTILE xive SKIP no passthrough device\n");
		return;
	}
	args[1] = ids[0];
	expect("xive-set-unused-source-of-a-block", rtas_call(set, 3, 1, args, rets), 0);
	args[2] = 0xff;
	expect("xive-mask-unused-source-of-a-block", rtas_call(set, 3, 1, args, rets), 0);
	expect("xive-int-off-unused-source-of-a-block", rtas_call(off, 1, 1, args, rets), 0);
	args[0] = 1 << 19;		/* a block nobody made: no such source */
	args[2] = 5;
	expect("xive-set-source-of-no-block", rtas_call(set, 3, 1, args, rets), RTAS_PARAM);
}

/* ---- config space writes, BAR accesses and MSIs, as a driver or a hostile guest makes them ---- */

/*
 * The function under test is found, not assumed (e1000e, NVMe, virtio
 * alike): its BARs from the device tree (assigned-addresses, reached
 * through the PHB's ranges entry holding each), checked against its config
 * space; its MSI-X table and PBA from the capability; and a register to
 * watch: the first word of a BAR, away from the MSI-X table and PBA (VFIO
 * answers those all ones), that reads neither all ones nor 0 while the
 * function decodes (offset 8 first: e1000e's STATUS, NVMe's version).
 */
#define ALL_ONES	0xffffffffU
#define NR_BAR_REGS	6
#define MSI_ASK		32		/* MSI-X vectors asked for: more than e1000e's 5 */
#define MSI_FIRST_SOURCE 4112		/* pvmm's first PCI source (4096 + 16) */

struct bar {
	uint32_t reg;			/* its config register, 0x10 + 4 * index */
	int is64, pref;
	uint64_t bus, gpa, size;
};

static int cfg_rd, cfg_wr;
static uint32_t cfg_buid[2];
static const uint8_t *ranges_fdt;
static int ranges_len;
static struct bar fn_bars[NR_BAR_REGS];
static int nr_fn_bars;
/* The PHB's 32-bit window and its 64-bit one (size 0 if none): CPU address, size. */
static uint64_t win_cpu, win_size, win64_cpu, win64_size;
/* MSI-X: the capability, its vectors, the table and PBA registers (BIR | offset). */
static uint32_t msix_cap, msix_n, msix_tbl, msix_pba;
/* The watched register: its BAR register, offset and guest address (0: none). */
static uint32_t watch_reg, watch_off;
static uint64_t watch;

/* Guest physical address of a bus address in space ss (2: 32-bit memory,
 * 3: 64-bit), through the ranges entry holding it; 0 if none does. */
static uint64_t bus_gpa(uint32_t ss, uint64_t bus)
{
	for (int i = 0; i + 28 <= ranges_len; i += 28) {
		uint64_t rbus = be64(ranges_fdt + i + 4), size = be64(ranges_fdt + i + 20);
		if ((be32(ranges_fdt + i) >> 24 & 3) == ss && bus >= rbus && bus - rbus < size)
			return be64(ranges_fdt + i + 12) + (bus - rbus);
	}
	return 0;
}

/* The BAR of config register reg, NULL if the function has none there. */
static const struct bar *bar_at(uint32_t reg)
{
	for (int i = 0; i < nr_fn_bars; i++)
		if (fn_bars[i].reg == reg)
			return &fn_bars[i];
	return NULL;
}

/* Whether config register reg is a BAR's, or the upper half of a 64-bit one's. */
static int reg_assigned(uint32_t reg)
{
	const struct bar *below = reg >= 0x14 ? bar_at(reg - 4) : NULL;

	return bar_at(reg) || (below && below->is64);
}

/* Config register reg (function 0 of bus 0) of size bytes; all ones on error. */
static uint32_t cfg_read(uint32_t reg, uint32_t size)
{
	uint32_t args[4] = { reg, cfg_buid[0], cfg_buid[1], size }, rets[2];

	return rtas_call(cfg_rd, 4, 2, args, rets) ? ALL_ONES : rets[1];
}

static int cfg_write(uint32_t reg, uint32_t size, uint32_t val)
{
	uint32_t args[5] = { reg, cfg_buid[0], cfg_buid[1], size, val }, rets[1];

	return rtas_call(cfg_wr, 5, 1, args, rets);
}

/* The config offset of capability id, 0 if the function has none. */
static uint32_t cfg_find_cap(uint8_t id)
{
	uint32_t ptr = cfg_read(0x34, 1);

	for (int guard = 48; ptr >= 0x40 && ptr < 0x100 && guard--; ptr = cfg_read(ptr + 1, 1))
		if (cfg_read(ptr & ~3U, 1) == id)
			return ptr & ~3U;
	return 0;
}

static uint32_t mmio_read32(uint64_t gpa)
{
	return *(volatile uint32_t *)(uintptr_t)gpa;
}

static uint64_t mmio_read64(uint64_t gpa)
{
	return *(volatile uint64_t *)(uintptr_t)gpa;
}

static void mmio_write32(uint64_t gpa, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)gpa = v;
	__asm__ volatile("sync" ::: "memory");
}

static uint32_t msix_pba_len(void)
{
	return 8 * ((msix_n + 63) / 64);
}

/* Where the MSI-X table is (BIR's BAR + offset), 0 without MSI-X. */
static uint64_t msix_table_gpa(void)
{
	const struct bar *b = msix_cap ? bar_at(0x10 + 4 * (msix_tbl & 7)) : NULL;

	return b ? b->gpa + (msix_tbl & ~7U) : 0;
}

/* Whether the word at off of BAR b touches the MSI-X table or PBA. */
static int in_msix(const struct bar *b, uint32_t off)
{
	uint32_t idx = (b->reg - 0x10) / 4, t = msix_tbl & ~7U, p = msix_pba & ~7U;

	if (!msix_cap)
		return 0;
	if ((msix_tbl & 7) == idx && off + 4 > t && off < t + 16 * msix_n)
		return 1;
	return (msix_pba & 7) == idx && off + 4 > p && off < p + msix_pba_len();
}

/* The first address past every BAR of the function. */
static uint64_t bars_end(void)
{
	uint64_t end = 0;

	for (int i = 0; i < nr_fn_bars; i++)
		if (fn_bars[i].gpa + fn_bars[i].size > end)
			end = fn_bars[i].gpa + fn_bars[i].size;
	return end;
}

/* With memory decode on: the register to watch (see above), 0 if no BAR has one. */
static uint64_t watch_find(void)
{
	static const uint32_t offs[] = { 8, 0, 4, 0xc, 0x10, 0x14, 0x18, 0x1c };

	for (int i = 0; i < nr_fn_bars; i++)
		for (unsigned int k = 0; k < sizeof(offs) / sizeof(offs[0]); k++) {
			const struct bar *b = &fn_bars[i];
			uint32_t v;
			if (offs[k] + 4 > b->size || in_msix(b, offs[k]))
				continue;
			v = mmio_read32(b->gpa + offs[k]);
			if (v != ALL_ONES && v) {
				watch_reg = b->reg;
				watch_off = offs[k];
				return b->gpa + offs[k];
			}
		}
	return 0;
}

/* One BAR's registers: as the device tree says (address, 64-bit,
 * prefetchable), its size probed in both halves of a 64-bit BAR and equal
 * to the device tree's, moves and partial writes pvmm keeps out. */
static void cfg_bar_case(const struct bar *b)
{
	int i = (int)(b->reg - 0x10) / 4;
	uint32_t lo = cfg_read(b->reg, 4), hi = b->is64 ? cfg_read(b->reg + 4, 4) : 0, mlo, mhi = ALL_ONES;
	uint64_t size;
	char n[64];

#define BAR_CASE(what) (snprintf(n, sizeof(n), "cfg-bar%d-%s", i, what), n)
	expect(BAR_CASE("address-as-device-tree"), ((uint64_t)hi << 32 | (lo & ~0xfU)) == b->bus, 1);
	expect(BAR_CASE("memory-type"), lo & 7, b->is64 ? 4 : 0);
	expect(BAR_CASE("prefetchable-as-device-tree"), lo >> 3 & 1, b->pref);
	expect(BAR_CASE("size-probe-write"), cfg_write(b->reg, 4, ALL_ONES), 0);
	if (b->is64)
		expect(BAR_CASE("size-probe-write-upper"), cfg_write(b->reg + 4, 4, ALL_ONES), 0);
	mlo = cfg_read(b->reg, 4);
	if (b->is64)
		mhi = cfg_read(b->reg + 4, 4);
	size = ~((uint64_t)mhi << 32 | (mlo & ~0xfU)) + 1;
	printf("HOSTILE cfg-bar%d-size-probe mask=0x%x:%x size=0x%lx device-tree=0x%lx\n", i, mhi, mlo,
	       (unsigned long)size, (unsigned long)b->size);
	expect(BAR_CASE("size-probe-flags"), mlo & 0xf, lo & 0xf);
	expect(BAR_CASE("size-probe-size"), size == b->size, 1);
	expect(BAR_CASE("size-probe-pow2"), size >= 4096 && !(size & (size - 1)), 1);
	expect(BAR_CASE("size-probe-restore"), cfg_write(b->reg, 4, lo), 0);
	if (b->is64)
		expect(BAR_CASE("size-probe-restore-upper"), cfg_write(b->reg + 4, 4, hi), 0);
	expect(BAR_CASE("restored"), cfg_read(b->reg, 4) == lo && (!b->is64 || cfg_read(b->reg + 4, 4) == hi), 1);
	/* PAPR: firmware assigned the BARs; pvmm keeps them where they are mapped */
	cfg_write(b->reg, 4, 0x12345000);
	if (b->is64)
		cfg_write(b->reg + 4, 4, 0x1);
	expect(BAR_CASE("move-ignored"), cfg_read(b->reg, 4) == lo && (!b->is64 || cfg_read(b->reg + 4, 4) == hi), 1);
	cfg_write(b->reg + 2, 2, 0xffff);
	expect(BAR_CASE("partial-write-ignored"), cfg_read(b->reg, 4), lo);
	if (b->is64) {
		cfg_write(b->reg + 6, 2, 0xffff);
		expect(BAR_CASE("upper-partial-write-ignored"), cfg_read(b->reg + 4, 4), hi);
		/* pvmm places 64-bit BARs in the 64-bit window: above 4 GiB on the
		 * bus (the upper register) and for the cpu */
		expect(BAR_CASE("64bit-above-4g"), hi && hi == b->bus >> 32 && b->gpa >> 32, 1);
	}
#undef BAR_CASE
}

/* The BAR registers, every one: the function's BARs, then those it has
 * none at (an I/O BAR, hidden, is one), which read 0, probed or not; the ROM. */
static void cfg_bar_cases(void)
{
	char n[64];

	for (int i = 0; i < nr_fn_bars; i++)
		cfg_bar_case(&fn_bars[i]);
	for (uint32_t reg = 0x10; reg < 0x10 + 4 * NR_BAR_REGS; reg += 4) {
		if (reg_assigned(reg))
			continue;
		snprintf(n, sizeof(n), "cfg-bar%u-unassigned-reads-0", (reg - 0x10) / 4);
		expect(n, cfg_read(reg, 4), 0);
		cfg_write(reg, 4, ALL_ONES);
		snprintf(n, sizeof(n), "cfg-bar%u-unassigned-probe", (reg - 0x10) / 4);
		expect(n, cfg_read(reg, 4), 0);
	}
	cfg_write(0x30, 4, 0xfffff801);
	expect("cfg-rom-bar-none", cfg_read(0x30, 4), 0);
}

/* Interrupt pin read-only, line a scratch register; MSI and MSI-X message
 * control keep their read-only bits; capability ids are read-only. */
static void cfg_irq_cases(void)
{
	uint32_t pin = cfg_read(0x3d, 1), line = cfg_read(0x3c, 1), msi = cfg_find_cap(0x05);

	cfg_write(0x3d, 1, pin ^ 3);
	expect("cfg-int-pin-read-only", cfg_read(0x3d, 1), pin);
	cfg_write(0x3c, 2, 0xff5a);
	expect("cfg-int-line-writable", cfg_read(0x3c, 1), 0x5a);
	expect("cfg-int-pin-after-word-write", cfg_read(0x3d, 1), pin);
	cfg_write(0x3c, 1, line);
	if (msi) {
		uint32_t ctrl = cfg_read(msi + 2, 2);
		cfg_write(msi + 2, 2, 0xffff);
		/* only enable sticks: multiple-message enable cannot pass capable (0) */
		expect("cfg-msi-control-read-only-bits", cfg_read(msi + 2, 2), (ctrl & ~0x71U) | 1);
		cfg_write(msi + 2, 2, ctrl);
		expect("cfg-msi-control-restored", cfg_read(msi + 2, 2), ctrl);
		cfg_write(msi, 1, 0x99);
		expect("cfg-msi-cap-id-read-only", cfg_read(msi, 1), 0x05);
	}
	if (msix_cap) {
		uint32_t ctrl = cfg_read(msix_cap + 2, 2);
		cfg_write(msix_cap + 2, 2, 0xffff);
		expect("cfg-msix-control-table-size-kept", cfg_read(msix_cap + 2, 2), (ctrl & 0x7ff) | 0xc000);
		cfg_write(msix_cap + 2, 2, ctrl);
		expect("cfg-msix-control-restored", cfg_read(msix_cap + 2, 2), ctrl);
	}
}

/* The MSI-X table and PBA: in BARs the function has, inside them, apart;
 * the PHB offers the table's vectors (ibm,pe-total-#msi: this one function's). */
static void msix_where_cases(void)
{
	int phb = fdt_child_prefix(0, "pci@"), len = 0;
	const uint8_t *total = phb < 0 ? NULL : fdt_prop(phb, "ibm,pe-total-#msi", &len);
	const struct bar *tb = bar_at(0x10 + 4 * (msix_tbl & 7)), *pb = bar_at(0x10 + 4 * (msix_pba & 7));
	uint32_t t = msix_tbl & ~7U, p = msix_pba & ~7U;

	if (!msix_cap) {
		printf("HOSTILE msix SKIP no MSI-X capability\n");
		return;
	}
	printf("HOSTILE-MSIX vectors=%u table=bar%u+0x%x pba=bar%u+0x%x\n", msix_n, msix_tbl & 7, t,
	       msix_pba & 7, p);
	expect("msix-table-in-a-bar", tb != NULL, 1);
	expect("msix-pba-in-a-bar", pb != NULL, 1);
	if (tb)
		expect("msix-table-fits-its-bar", t + 16 * msix_n <= tb->size, 1);
	if (pb)
		expect("msix-pba-fits-its-bar", p + msix_pba_len() <= pb->size, 1);
	if (tb && tb == pb)
		expect("msix-table-pba-apart", t + 16 * msix_n <= p || p + msix_pba_len() <= t, 1);
	expect("msix-pe-total-msi-is-table", total && len == 4 ? (long)be32(total) : -1, msix_n);
}

/* Decode off: every BAR access answered (all ones, writes dropped), also
 * past the end of a BAR and into the MSI-X table; back on, the BAR works. */
static void decode_off_cases(uint32_t cmd)
{
	uint64_t end = bars_end(), tbl = msix_table_gpa();

	expect("bar-decode-off-command", cfg_write(0x04, 2, cmd & ~2U), 0);
	expect("bar-decode-off-command-reads-back", cfg_read(0x04, 2) & 2, 0);
	expect("bar-decode-off-read-all-ones", mmio_read32(watch), ALL_ONES);
	expect("bar-decode-off-read64-all-ones", mmio_read64(watch & ~7UL) == ~0UL, 1);
	mmio_write32(watch, 0);
	expect("bar-decode-off-write-dropped", mmio_read32(watch), ALL_ONES);
	expect("bar-decode-off-past-bar-end", mmio_read32(end), ALL_ONES);
	expect("bar-decode-off-straddles-bar-end", mmio_read32(end - 2), ALL_ONES);
	if (tbl)
		expect("bar-decode-off-msix-table", mmio_read32(tbl + 12), ALL_ONES);
	expect("bar-decode-on-command", cfg_write(0x04, 2, cmd), 0);
	expect("bar-decode-on-again", mmio_read32(watch) != ALL_ONES, 1);
}

/* D3hot: the BARs do not answer; back in D0 they do. */
static void d3hot_cases(void)
{
	uint32_t pm = cfg_find_cap(0x01), pmcsr;

	if (!pm) {
		printf("HOSTILE pm-d3hot SKIP no PM capability\n");
		return;
	}
	pmcsr = cfg_read(pm + 4, 2);
	expect("pm-d0-at-start", pmcsr & 3, 0);
	expect("pm-d3hot-write", cfg_write(pm + 4, 2, (pmcsr & ~3U) | 3), 0);
	if ((cfg_read(pm + 4, 2) & 3) == 3) {
		expect("pm-d3hot-bar-read-all-ones", mmio_read32(watch), ALL_ONES);
		mmio_write32(watch, 0);
		expect("pm-d3hot-write-dropped", mmio_read32(watch), ALL_ONES);
	} else {
		/* The host's PCI core could not put it in D3hot ("refused to
		 * change power state"): it still decodes, so its BAR must stay
		 * the device's, not read all ones. */
		printf("HOSTILE pm-d3hot-refused the device stayed in D0\n");
		expect("pm-d3hot-refused-bar-works", mmio_read32(watch) != ALL_ONES, 1);
	}
	expect("pm-d0-write", cfg_write(pm + 4, 2, pmcsr & ~3U), 0);
	expect("pm-d0-state", cfg_read(pm + 4, 2) & 3, 0);
	expect("pm-d0-bar-works", mmio_read32(watch) != ALL_ONES, 1);
}

/* MMIO to holes of the PHB's windows, past the BARs, into the MSI-X table. */
static void mmio_hole_cases(void)
{
	uint64_t hole = win_cpu + win_size - 8, end = bars_end(), tbl = msix_table_gpa();

	expect("mmio-window-hole-read", mmio_read32(hole), ALL_ONES);
	mmio_write32(hole, 0x12345678);
	expect("mmio-window-hole-write-dropped", mmio_read32(hole), ALL_ONES);
	if (win64_size) {
		hole = win64_cpu + win64_size - 8;
		expect("mmio-window64-hole-read", mmio_read32(hole), ALL_ONES);
		mmio_write32(hole, 0x12345678);
		expect("mmio-window64-hole-write-dropped", mmio_read32(hole), ALL_ONES);
	}
	expect("mmio-past-bar-end-read", mmio_read32(end), ALL_ONES);
	mmio_write32(end, 0x12345678);
	expect("mmio-past-bar-end-write-dropped", mmio_read32(end), ALL_ONES);
	if (tbl) {
		/* Vector control of entry 0: masked since reset (MSI-X is off) */
		expect("mmio-msix-table-read", mmio_read32(tbl + 12) & 1, 1);
		mmio_write32(tbl + 8, 0x5a5a);
		expect("mmio-msix-table-write-then-bar", mmio_read32(watch) != ALL_ONES, 1);
	}
}

/* ---- ibm,change-msi and ibm,query-interrupt-source-number ---- */

#define MSI_FN_CHANGE	1		/* MSI where the function has it, else MSI-X */
#define MSI_FN_RESET	2
#define MSI_FN_MSI	3
#define MSI_FN_MSIX	4
#define MSI_FN_MSI32	5
#define MSI_TYPE_MSI	1		/* change-msi's fourth return */
#define MSI_TYPE_MSIX	2

static int msi_tok, msi_src_tok;

/* change-msi(function 0, fn, n) with four returns: the status; r[1] the
 * vectors given, r[2] the sequence number, r[3] their type. */
static int msi_change(uint32_t fn, uint32_t n, uint32_t r[4])
{
	uint32_t args[6] = { 0, cfg_buid[0], cfg_buid[1], fn, n, 0 };

	r[1] = r[2] = r[3] = 0x5a5a5a5a;
	return rtas_call(msi_tok, 6, 4, args, r);
}

/* query-interrupt-source-number(function 0, i): the status (-100 if its
 * type is not edge, 1); the source in *src. */
static int msi_source(uint32_t i, uint32_t *src)
{
	uint32_t args[4] = { 0, cfg_buid[0], cfg_buid[1], i }, rets[3] = { 0, 0x5a5a5a5a, 0 };
	int st = rtas_call(msi_src_tok, 4, 3, args, rets);

	*src = rets[1];
	return st == 0 && rets[2] != 1 ? -100 : st;
}

/* After a change to n vectors: indexes 0..n-1 each have a source, pvmm's
 * consecutive ones from its pool; index n has none (a parameter error,
 * source 0). The count of what is not so; the first source in *first. */
static int msi_sources_bad(uint32_t n, uint32_t *first)
{
	uint32_t src, s0 = 0;
	int bad = 0;

	for (uint32_t i = 0; i < n; i++) {
		if (msi_source(i, &src) != 0 || (i ? src != s0 + i : src < MSI_FIRST_SOURCE))
			bad++;
		if (!i)
			s0 = src;
	}
	if (msi_source(n, &src) != RTAS_PARAM || src != 0)
		bad++;
	*first = s0;
	return bad;
}

/* The MSI-X enable bit of the message control, as the guest reads it. */
static uint32_t msix_enabled(void)
{
	return cfg_read(msix_cap + 2, 2) >> 15 & 1;
}

/* MSI: pvmm grants one vector (it advertises multiple-message-capable 0). */
static void msi_msi_cases(uint32_t msi)
{
	uint32_t r[4], first;

	if (!msi) {
		expect("msi-msi-none", msi_change(MSI_FN_MSI, 1, r), RTAS_HW);
		expect("msi-msi32-none", msi_change(MSI_FN_MSI32, 1, r), RTAS_HW);
		return;
	}
	expect("msi-msi-4-status", msi_change(MSI_FN_MSI, 4, r), 0);
	expect("msi-msi-4-count", r[1], 1);
	expect("msi-msi-4-type", r[3], MSI_TYPE_MSI);
	expect("msi-msi-enabled", cfg_read(msi + 2, 2) & 1, 1);
	expect("msi-msi-sources", msi_sources_bad(r[1], &first), 0);
	expect("msi-msi32-status", msi_change(MSI_FN_MSI32, 1, r), 0);
	expect("msi-msi32-count-type", r[1] == 1 && r[3] == MSI_TYPE_MSI, 1);
	expect("msi-msi-off", msi_change(MSI_FN_MSI, 0, r) == 0 && r[1] == 0 && r[3] == 0, 1);
	expect("msi-msi-disabled", cfg_read(msi + 2, 2) & 1, 0);
}

/* MSI-X: MSI_ASK vectors (the table's if fewer), then more than the
 * table (what it has), then one; every answer's sources. */
static void msi_msix_cases(void)
{
	uint32_t r[4], first, seq, want = MSI_ASK < msix_n ? MSI_ASK : msix_n;
	int st;

	if (!msix_cap) {
		expect("msi-msix-none", msi_change(MSI_FN_MSIX, 1, r), RTAS_HW);
		return;
	}
	st = msi_change(MSI_FN_MSIX, MSI_ASK, r);
	seq = r[2];
	printf("HOSTILE msi-msix asked=%u got=%u table=%u status=%d\n", MSI_ASK, r[1], msix_n, st);
	expect("msi-msix-ask-status", st, 0);
	expect("msi-msix-ask-count", r[1], want);
	expect("msi-msix-ask-type", r[3], MSI_TYPE_MSIX);
	expect("msi-msix-ask-enabled", msix_enabled(), 1);
	expect("msi-msix-ask-sources", msi_sources_bad(want, &first), 0);
	printf("HOSTILE msi-msix sources=%u-%u\n", first, first + want - 1);
	st = msi_change(MSI_FN_MSIX, msix_n + 1, r);
	printf("HOSTILE msi-msix asked=%u got=%u table=%u status=%d\n", msix_n + 1, r[1], msix_n, st);
	expect("msi-msix-more-than-table-status", st, 0);
	expect("msi-msix-more-than-table-count", r[1], msix_n);
	expect("msi-msix-seq-counts-calls", r[2], seq + 1);
	expect("msi-msix-more-than-table-sources", msi_sources_bad(msix_n, &first), 0);
	expect("msi-msix-1", msi_change(MSI_FN_MSIX, 1, r) == 0 && r[1] == 1 && r[3] == MSI_TYPE_MSIX, 1);
	expect("msi-msix-1-sources", msi_sources_bad(1, &first), 0);
	expect("msi-msix-0", msi_change(MSI_FN_MSIX, 0, r) == 0 && r[1] == 0 && r[3] == 0, 1);
	expect("msi-msix-0-disabled", msix_enabled(), 0);
	expect("msi-msix-0-no-source", msi_source(0, &first), RTAS_PARAM);
}

static void msi_cases(void)
{
	uint32_t r[4], src, msi = cfg_find_cap(0x05), two = msix_n < 2 ? msix_n : 2;
	uint32_t args[6] = { 0, cfg_buid[0], cfg_buid[1], MSI_FN_MSIX, 1, 0 };
	static const uint32_t bad_fn[] = { 0, 6, 0x80000004, 0xffffffff };
	char n[64];

	msi_tok = rtas_token("ibm,change-msi");
	msi_src_tok = rtas_token("ibm,query-interrupt-source-number");
	if (msi_tok < 0 || msi_src_tok < 0) {
		printf("HOSTILE msi SKIP no ibm,change-msi\n");
		return;
	}
	expect("msi-change-nargs-5", rtas_call(msi_tok, 5, 4, args, r), RTAS_PARAM);
	expect("msi-change-nret-2", rtas_call(msi_tok, 6, 2, args, r), RTAS_PARAM);
	args[2] ^= 0x1234;
	expect("msi-change-bad-buid", rtas_call(msi_tok, 6, 3, args, r), RTAS_PARAM);
	args[2] ^= 0x1234;
	args[0] = 2 << 11;
	expect("msi-change-no-device", rtas_call(msi_tok, 6, 3, args, r), RTAS_HW);
	args[0] = 1 << 16;
	expect("msi-change-no-bus", rtas_call(msi_tok, 6, 3, args, r), RTAS_HW);
	expect("msi-query-before-any", msi_source(0, &src), RTAS_PARAM);
	for (unsigned int i = 0; i < sizeof(bad_fn) / sizeof(bad_fn[0]); i++) {
		snprintf(n, sizeof(n), "msi-change-function-0x%x", bad_fn[i]);
		expect(n, msi_change(bad_fn[i], 1, r) == RTAS_PARAM && r[1] == 0, 1);
	}
	msi_msi_cases(msi);
	msi_msix_cases();
	/* the default function: MSI where the function has it, else MSI-X */
	if (msi || msix_cap) {
		expect("msi-default-2-status", msi_change(MSI_FN_CHANGE, 2, r), 0);
		expect("msi-default-2-count", r[1], msi ? 1 : two);
		expect("msi-default-2-type", r[3], msi ? MSI_TYPE_MSI : MSI_TYPE_MSIX);
	}
	/* reset: whatever is on goes */
	expect("msi-reset-status", msi_change(MSI_FN_RESET, 0, r), 0);
	expect("msi-reset-count-type", r[1] == 0 && r[3] == 0, 1);
	if (msix_cap)
		expect("msi-reset-msix-disabled", msix_enabled(), 0);
	expect("msi-reset-no-source", msi_source(0, &src), RTAS_PARAM);
}

static int bar_setup(void)
{
	int phb = fdt_child_prefix(0, "pci@"), len, blen, fn = phb < 0 ? -1 : fdt_child_prefix(phb, "");
	const uint8_t *reg = phb < 0 ? NULL : fdt_prop(phb, "reg", &len), *bars;

	ranges_fdt = phb < 0 ? NULL : fdt_prop(phb, "ranges", &ranges_len);
	cfg_rd = rtas_token("ibm,read-pci-config");
	cfg_wr = rtas_token("ibm,write-pci-config");
	if (!reg || !ranges_fdt || ranges_len < 28 || fn < 0 || cfg_rd < 0 || cfg_wr < 0)
		return 0;
	bars = fdt_prop(fn, "assigned-addresses", &blen);
	cfg_buid[0] = be64(reg) >> 32;
	cfg_buid[1] = (uint32_t)be64(reg);
	for (int i = 0; i + 28 <= ranges_len; i += 28) {
		uint32_t ss = be32(ranges_fdt + i) >> 24 & 3;
		if (ss == 2 && !win_size) {
			win_cpu = be64(ranges_fdt + i + 12);
			win_size = be64(ranges_fdt + i + 20);
		} else if (ss == 3 && !win64_size) {
			win64_cpu = be64(ranges_fdt + i + 12);
			win64_size = be64(ranges_fdt + i + 20);
		}
	}
	nr_fn_bars = 0;
	for (int i = 0; bars && i + 20 <= blen && nr_fn_bars < NR_BAR_REGS; i += 20) {
		uint32_t hi = be32(bars + i);
		struct bar *b = &fn_bars[nr_fn_bars];
		if ((hi & 0xff) < 0x10 || (hi & 0xff) >= 0x10 + 4 * NR_BAR_REGS)
			continue;		/* the ROM's, if any */
		b->reg = hi & 0xff;
		b->is64 = (hi >> 24 & 3) == 3;
		b->pref = hi >> 30 & 1;
		b->bus = be64(bars + i + 4);
		b->size = be64(bars + i + 12);
		b->gpa = bus_gpa(hi >> 24 & 3, b->bus);
		nr_fn_bars++;
	}
	msix_cap = cfg_find_cap(0x11);
	if (msix_cap) {
		msix_n = (cfg_read(msix_cap + 2, 2) & 0x7ff) + 1;
		msix_tbl = cfg_read(msix_cap + 4, 4);
		msix_pba = cfg_read(msix_cap + 8, 4);
	}
	printf("HOSTILE-DEVICE id=0x%x class=0x%x bars=%d msix=%u window32=0x%lx+0x%lx window64=0x%lx+0x%lx\n",
	       cfg_read(0, 4), cfg_read(8, 4) >> 8, nr_fn_bars, msix_n, (unsigned long)win_cpu,
	       (unsigned long)win_size, (unsigned long)win64_cpu, (unsigned long)win64_size);
	for (int i = 0; i < nr_fn_bars; i++)
		printf("HOSTILE-BAR bar%d reg=0x%x %s%s bus=0x%lx gpa=0x%lx size=0x%lx\n",
		       (int)(fn_bars[i].reg - 0x10) / 4, fn_bars[i].reg, fn_bars[i].is64 ? "mem64" : "mem32",
		       fn_bars[i].pref ? " prefetchable" : "", (unsigned long)fn_bars[i].bus,
		       (unsigned long)fn_bars[i].gpa, (unsigned long)fn_bars[i].size);
	return nr_fn_bars > 0 && win_size;
}

static void bar_cases(void)
{
	uint32_t cmd;
	int gpas = 1;

	if (!bar_setup()) {
		printf("HOSTILE bar SKIP no passthrough device\n");
		return;
	}
	for (int i = 0; i < nr_fn_bars; i++)
		gpas &= fn_bars[i].gpa != 0;
	expect("bar-every-bar-in-a-window", gpas, 1);
	cfg_bar_cases();
	cfg_irq_cases();
	msix_where_cases();
	/* Memory space on, as a driver's pci_enable_device leaves it. */
	cmd = cfg_read(0x04, 2) | 2;
	expect("bar-memory-on", cfg_write(0x04, 2, cmd), 0);
	watch = gpas ? watch_find() : 0;
	if (!watch) {
		expect("bar-decodes", 0, 1);
		return;
	}
	printf("HOSTILE bar-watch bar%u+0x%x gpa=0x%lx value=0x%x\n", (watch_reg - 0x10) / 4, watch_off,
	       (unsigned long)watch, mmio_read32(watch));
	expect("bar-decodes", mmio_read32(watch) != ALL_ONES, 1);
	decode_off_cases(cmd);
	d3hot_cases();
	mmio_hole_cases();
	msi_cases();
}

/* ---- a second vcpu ---- */

static volatile int cpu1_alive, cpu1_release, flip_stop;
static volatile unsigned long flips;

/* Wait up to 5 s for *flag to become want; 1 if it did. */
static int wait_for(volatile int *flag, int want)
{
	uint64_t end = read_tb() + 5 * tb_hz();

	while (read_tb() < end) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (*flag == want)
			return 1;
	}
	return 0;
}

/* Wait up to 5 s for cpu id's query-cpu-stopped-state to be want. */
static int wait_state(uint32_t id, int want)
{
	uint64_t end = read_tb() + 5 * tb_hz();

	while (read_tb() < end)
		if (cpu_state(id) == want)
			return 1;
	return 0;
}

/* Runs on vcpu 1: say so, wait to be released, return (stop-self). */
static void cpu1_park(void)
{
	cpu1_alive = 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	while (!cpu1_release)
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* One 8-byte store, so that pvmm never sees half of an entry. */
static void store_tce(uint64_t *p, uint64_t v)
{
	*(volatile uint64_t *)p = __builtin_bswap64(v);
}

static void spin(int n)
{
	for (volatile int i = 0; i < n; i++)
		;
}

/* Runs on vcpu 1: keep turning one entry of race_list at a time into a
 * TCE that must be refused (bits below the 4K page, reserved bits, past
 * RAM) and back, until flip_stop. */
static void cpu1_flip_list(void)
{
	uint64_t bad[3] = { TCE_OK | 0x800, TCE_OK | 0x7c, ram_size() | 3 };

	cpu1_alive = 1;
	for (unsigned long n = 0; !flip_stop; n++) {
		uint64_t *e = &race_list[n % RACE_ENTRIES];
		store_tce(e, bad[n % 3]);
		spin(200);
		store_tce(e, TCE_OK);
		spin(200);
		flips = n;
	}
}

/* After one H_PUT_TCE_INDIRECT: all entries the exact valid TCE (it
 * succeeded, from one validated copy) or all still clear (refused). */
static int race_check(long rc)
{
	unsigned long out[9];
	int bad = 0;

	for (int i = 0; i < RACE_ENTRIES; i++) {
		long r = hcall(H_GET_TCE, tce_liobn, tce_start + i * PAGE, 0, 0, out);
		uint64_t want = rc == H_SUCCESS ? TCE_OK : 0;
		if (r != H_SUCCESS || out[0] != want) {
			if (bad++ < 3)
				printf("HOSTILE indirect-list-race entry %d rc=%d tce=0x%lx\n", i, (int)rc, out[0]);
		}
	}
	return bad;
}

static void race_indirect_list(uint32_t cpu1)
{
	int bad = 0, ok = 0, refused = 0, other = 0;

	for (int i = 0; i < RACE_ENTRIES; i++)
		store_tce(&race_list[i], TCE_OK);
	cpu1_alive = 0;
	flip_stop = 0;
	expect("indirect-list-race-cpu1-start", cpu_start(cpu1, cpu1_flip_list), 0);
	expect("indirect-list-race-cpu1-runs", wait_for(&cpu1_alive, 1), 1);
	for (int n = 0; n < RACE_CALLS; n++) {
		long rc;
		hcall(H_STUFF_TCE, tce_liobn, tce_start, 0, RACE_ENTRIES, 0);
		rc = hcall(H_PUT_TCE_INDIRECT, tce_liobn, tce_start, (unsigned long)race_list, RACE_ENTRIES, 0);
		rc == H_SUCCESS ? ok++ : rc == H_PARAMETER ? refused++ : other++;
		bad += race_check(rc);
	}
	flip_stop = 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	printf("HOSTILE indirect-list-race calls=%d success=%d refused=%d other=%d flips=%lu\n",
	       RACE_CALLS, ok, refused, other, flips);
	expect("indirect-list-race", bad, 0);
	expect("indirect-list-race-answers", other, 0);
	expect("indirect-list-race-cpu1-stopped", wait_state(cpu1, 0), 1);
	hcall(H_STUFF_TCE, tce_liobn, tce_start, 0, RACE_ENTRIES, 0);
}

/* The second cpu's id, 0 if there is none. */
static uint32_t second_cpu(void)
{
	uint32_t ids[8];
	int n = fdt_cpu_ids(ids, 8);

	return n > 1 ? (ids[0] ? ids[0] : ids[1]) : 0;
}

/* start-cpu, query, stop-self and a restart of vcpu 1. */
static void cpu_cases(void)
{
	uint32_t args[3], rets[1], cpu1 = second_cpu();
	int start = rtas_token("start-cpu");

	args[0] = 0xffffffff; args[1] = 0x100; args[2] = 0;
	expect("cpu-start-invalid-id", rtas_call(start, 3, 1, args, rets), RTAS_PARAM);
	if (!cpu1) {
		printf("HOSTILE cpu SKIP one cpu in the device tree\n");
		return;
	}
	expect("cpu1-stopped-at-boot", cpu_state(cpu1), 0);
	cpu1_alive = cpu1_release = 0;
	expect("cpu1-start", cpu_start(cpu1, cpu1_park), 0);
	expect("cpu1-runs", wait_for(&cpu1_alive, 1), 1);
	expect("cpu1-query-running", cpu_state(cpu1), 2);
	args[0] = cpu1; args[1] = 0x100; args[2] = 0;
	expect("cpu-start-already-running", rtas_call(start, 3, 1, args, rets), RTAS_HW);
	cpu1_release = 1;
	expect("cpu1-stop-self", wait_state(cpu1, 0), 1);
	cpu1_alive = cpu1_release = 0;
	expect("cpu1-restart", cpu_start(cpu1, cpu1_park), 0);
	expect("cpu1-restart-runs", wait_for(&cpu1_alive, 1), 1);
	cpu1_release = 1;
	expect("cpu1-restart-stop-self", wait_state(cpu1, 0), 1);
	if (!have_tce)
		printf("HOSTILE indirect-list-race SKIP no passthrough device\n");
	else if (race_off)
		printf("HOSTILE indirect-list-race SKIP hostile.race=off\n");
	else
		race_indirect_list(cpu1);
}

/* ---- dynamic DMA windows ---- */

#define H_GET_TERM_CHAR	0x54
#define DDW_CYCLES	1000
#define DDW_RACE_ROUNDS	50

struct ddw_pe {
	int query, create, remove;
	uint32_t addr[3];	/* config address, BUID high, BUID low */
	uint32_t window_shift;	/* all of RAM, a power of two */
};

static int ddw_pe_find(struct ddw_pe *pe)
{
	int phb = fdt_child_prefix(0, "pci@"), len;
	const uint8_t *reg = fdt_prop(phb, "reg", &len);
	uint64_t buid;

	pe->query = rtas_token("ibm,query-pe-dma-window");
	pe->create = rtas_token("ibm,create-pe-dma-window");
	pe->remove = rtas_token("ibm,remove-pe-dma-window");
	if (!reg || pe->query < 0 || pe->create < 0 || pe->remove < 0)
		return -1;
	buid = be64(reg);
	pe->addr[0] = 0;
	pe->addr[1] = buid >> 32;
	pe->addr[2] = (uint32_t)buid;
	for (pe->window_shift = 12; (1UL << pe->window_shift) < ram_size(); pe->window_shift++)
		;
	return 0;
}

/* Query, then a window of 4 KiB pages over all of RAM: its LIOBN, 0 if
 * refused (*st says why). */
static uint32_t ddw_open(const struct ddw_pe *pe, long *st)
{
	uint32_t args[5] = { pe->addr[0], pe->addr[1], pe->addr[2], 12, pe->window_shift }, rets[5];

	*st = rtas_call(pe->query, 3, 5, args, rets);
	if (*st)
		return 0;
	if (!rets[1] || !(rets[3] & 1)) {	/* no window free, or no 4 KiB pages */
		*st = -98;
		return 0;
	}
	*st = rtas_call(pe->create, 5, 4, args, rets);
	return *st ? 0 : rets[1];
}

static long ddw_close(const struct ddw_pe *pe, uint32_t liobn)
{
	uint32_t args[1] = { liobn }, rets[1];

	return rtas_call(pe->remove, 1, 1, args, rets);
}

/* A checkpoint the scenario acts on (it counts pvmm's fds and reads KVM's
 * tables), then waits up to 60 s for it to answer with a byte on the
 * console; without an answer the payload goes on. */
static void checkpoint(const char *name)
{
	uint64_t end = read_tb() + 60 * tb_hz();
	unsigned long out[9];

	printf("HOSTILE-CHECKPOINT %s\n", name);
	while (read_tb() < end) {
		if (hcall(H_GET_TERM_CHAR, VTY, 0, 0, 0, out) == H_SUCCESS && out[0]) {
			printf("HOSTILE-CHECKPOINT %s answered\n", name);
			return;
		}
	}
	printf("HOSTILE-CHECKPOINT %s not answered\n", name);
}

static void ddw_shape_cases(const struct ddw_pe *pe)
{
	uint32_t args[5] = { pe->addr[0], pe->addr[1], pe->addr[2], 13, pe->window_shift }, rets[5];

	expect("ddw-remove-unknown-liobn", ddw_close(pe, 0x8000ff01), RTAS_PARAM);
	expect("ddw-query", rtas_call(pe->query, 3, 5, args, rets), 0);
	expect("ddw-create-page-shift-13", rtas_call(pe->create, 5, 4, args, rets), RTAS_PARAM);
	args[3] = 12; args[4] = 63;
	expect("ddw-create-window-shift-63", rtas_call(pe->create, 5, 4, args, rets), RTAS_PARAM);
	args[4] = 11;
	expect("ddw-create-window-below-page", rtas_call(pe->create, 5, 4, args, rets), RTAS_PARAM);
	args[2] ^= 0x1234; args[4] = pe->window_shift;
	expect("ddw-create-bad-buid", rtas_call(pe->create, 5, 4, args, rets), RTAS_PARAM);
	expect("ddw-create-nret-2", rtas_call(pe->create, 5, 2, args, rets), RTAS_PARAM);
}

/* DDW_CYCLES windows created and removed: every call answers, and the
 * scenario compares pvmm's fds before and after. */
static void ddw_cycles(const struct ddw_pe *pe)
{
	int failed = 0;
	long st = 0;

	checkpoint("ddw-cycles-before");
	for (int i = 0; i < DDW_CYCLES; i++) {
		uint32_t liobn = ddw_open(pe, &st);
		if (!liobn || (st = ddw_close(pe, liobn)) != 0) {
			if (failed++ < 3)
				printf("HOSTILE ddw-cycles cycle %d liobn 0x%x status %d\n", i, liobn, (int)st);
		}
	}
	printf("HOSTILE ddw-cycles cycles=%d failed=%d\n", DDW_CYCLES, failed);
	expect("ddw-cycles", failed, 0);
	checkpoint("ddw-cycles-after");
}

/* Two vcpus remove the same window at once: exactly one may succeed. */
static volatile int race_round, race_done;
static volatile uint32_t race_liobn;
static volatile long race_st;
static struct ddw_pe race_pe;

static void cpu1_ddw_remover(void)
{
	for (int r = 1; r <= DDW_RACE_ROUNDS; r++) {
		while (race_round < r)
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
		race_st = ddw_close(&race_pe, race_liobn);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		race_done = r;
	}
	cpu_stop_self();
}

static void ddw_remove_race(const struct ddw_pe *pe, uint32_t cpu1)
{
	int both = 0, none = 0, other = 0, started = 0;
	long st;

	race_pe = *pe;
	race_round = race_done = 0;
	expect("ddw-remove-race-cpu1-start", cpu_start(cpu1, cpu1_ddw_remover), 0);
	for (int r = 1; r <= DDW_RACE_ROUNDS; r++) {
		race_liobn = ddw_open(pe, &st);
		if (!race_liobn) {
			other++;
			break;
		}
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		race_round = r;
		st = ddw_close(pe, race_liobn);
		if (!wait_for(&race_done, r))
			break;
		started++;
		if (st == 0 && race_st == 0)
			both++;
		else if (st != 0 && race_st != 0)
			none++;
		else if ((st ? st : race_st) != RTAS_PARAM)
			other++;
	}
	printf("HOSTILE ddw-remove-race rounds=%d both-succeeded=%d none=%d other=%d\n",
	       started, both, none, other);
	expect("ddw-remove-race-rounds", started, DDW_RACE_ROUNDS);
	expect("ddw-remove-race-one-winner", both + none + other, 0);
	expect("ddw-remove-race-cpu1-stopped", wait_state(cpu1, 0), 1);
}

/*
 * A guest looping on what makes pvmm log: `flood` DDW create/remove pairs
 * (a window of 1 MiB: a small host table, so that a pair is cheap), then
 * `flood` loads from a hole of the PHB window, where no device is. Every
 * call must answer; the scenario counts pvmm's lines between the two
 * checkpoints (a few: they are rate-limited) and reads the counts in the
 * JSON (every one).
 */
static void flood_cases(const struct ddw_pe *pe)
{
	uint32_t args[5] = { pe->addr[0], pe->addr[1], pe->addr[2], 12, 20 }, rets[4];
	uint64_t hole = win_cpu + win_size - 8;
	unsigned long failed = 0, loads = 0;

	if (!flood)
		return;
	checkpoint("flood-before");
	for (unsigned long i = 0; i < flood; i++) {
		uint32_t rm[1];
		if (rtas_call(pe->create, 5, 4, args, rets)) {
			failed++;
			continue;
		}
		rm[0] = rets[1];
		failed += rtas_call(pe->remove, 1, 1, rm, rets) != 0;
	}
	for (unsigned long i = 0; i < flood; i++)
		loads += mmio_read32(hole) == ALL_ONES;
	checkpoint("flood-after");
	printf("HOSTILE flood pairs=%lu failed=%lu loads=%lu all-ones=%lu\n", flood, failed, flood, loads);
	expect("flood-ddw-pairs", failed, 0);
	expect("flood-loads-all-ones", loads == flood, 1);
}

static void ddw_cases(uint32_t cpu1)
{
	struct ddw_pe pe;

	if (!have_tce || ddw_pe_find(&pe)) {
		printf("HOSTILE ddw SKIP no PHB with DDW\n");
		return;
	}
	ddw_shape_cases(&pe);
	ddw_cycles(&pe);
	flood_cases(&pe);
	if (cpu1)
		ddw_remove_race(&pe, cpu1);
	else
		printf("HOSTILE ddw-remove-race SKIP one cpu\n");
}

/* ---- EEH ---- */

/*
 * pvmm's EEH calls on the PHB's PE (README, "EEH"): each call checks its
 * shape (-3, not counted), that its BUID is a PHB's with EEH (-3, not
 * counted) and then, counted, that its address names the PE (0x1) or a
 * function of it and its option is in range (-3, a parameter error). The
 * payload counts what pvmm must count, the same way, and prints it for the
 * scenario to compare with pvmm's JSON.
 */
enum { EEH_SET_OPTION, EEH_ADDR_INFO2, EEH_STATE2, EEH_RESET, EEH_CONFIGURE_PE,
       EEH_CONFIGURE_BRIDGE, EEH_DETAIL, EEH_KINDS };
enum { N_CALLS, N_ENABLES, N_STATE_READS, N_RESETS, N_CONFIGURES, N_THAWS, N_PARAM, N_HOST, N_COUNTS };

static const struct {
	const char *name, *tag;
	int nargs, nret_min, nret_max;
} eeh_calls[EEH_KINDS] = {
	[EEH_SET_OPTION] = { "ibm,set-eeh-option", "set-option", 4, 1, 1 },
	[EEH_ADDR_INFO2] = { "ibm,get-config-addr-info2", "addr-info2", 4, 2, 2 },
	[EEH_STATE2] = { "ibm,read-slot-reset-state2", "state2", 3, 4, 5 },
	[EEH_RESET] = { "ibm,set-slot-reset", "slot-reset", 4, 1, 1 },
	[EEH_CONFIGURE_PE] = { "ibm,configure-pe", "configure-pe", 3, 1, 1 },
	[EEH_CONFIGURE_BRIDGE] = { "ibm,configure-bridge", "configure-bridge", 3, 1, 1 },
	[EEH_DETAIL] = { "ibm,slot-error-detail", "error-detail", 8, 1, 1 },
};
static const char *const eeh_count_names[N_COUNTS] = {
	"calls", "enables", "state_reads", "resets", "configures", "thaws", "param_errors", "host_errors",
};

#define EEH_PE		0x1		/* pvmm's PE address: (bus 0 << 16) + 1 */
#define EEH_NO_ERRORS	1		/* slot-error-detail: NO_ERRORS_FOUND */
#define EEH_LOG_MAX	2048		/* /rtas rtas-error-log-max */
#define ERRINJCT_NOT_OPEN	-5
#define ERRINJCT_ALREADY_OPEN	-4

static int eeh_tok[EEH_KINDS], einj_open, einj, einj_close;
static uint64_t eeh_buid;
static uint32_t eeh_fn;			/* the function's config address */
static volatile unsigned long eeh_n[N_COUNTS];
static uint8_t eeh_log[EEH_LOG_MAX] __attribute__((aligned(16)));
static uint32_t einj_buf[512] __attribute__((aligned(1024)));

static void eeh_count(int i)
{
	__atomic_fetch_add(&eeh_n[i], 1, __ATOMIC_SEQ_CST);
}

/* A call of kind k; counted as pvmm counts it. */
static int eeh_raw(int k, int nargs, int nret, const uint32_t *args, uint32_t *rets)
{
	int st = rtas_call(eeh_tok[k], nargs, nret, args, rets);

	if (nargs != eeh_calls[k].nargs || nret < eeh_calls[k].nret_min || nret > eeh_calls[k].nret_max ||
	    ((uint64_t)args[1] << 32 | args[2]) != eeh_buid)
		return st;
	eeh_count(N_CALLS);
	if (st == RTAS_PARAM)
		eeh_count(N_PARAM);
	else if (st == RTAS_HW)
		eeh_count(N_HOST);
	else if (st == 0 && k == EEH_SET_OPTION && args[3] == 1)
		eeh_count(N_ENABLES);
	else if (st == 0 && k == EEH_SET_OPTION && args[3] != 0)
		eeh_count(N_THAWS);
	else if (st == 0 && k == EEH_STATE2)
		eeh_count(N_STATE_READS);
	else if (st == 0 && k == EEH_RESET && args[3] != 0)
		eeh_count(N_RESETS);
	else if (st == 0 && (k == EEH_CONFIGURE_PE || k == EEH_CONFIGURE_BRIDGE))
		eeh_count(N_CONFIGURES);
	return st;
}

/* Kind k on addr at buid with its own shape (the fewest returns); arg3 the
 * option or function; slot-error-detail with no driver log, the error log
 * in eeh_log, kind 1. */
static int eeh_at(int k, uint32_t addr, uint64_t buid, uint32_t arg3, uint32_t *rets)
{
	uint32_t args[8] = { addr, buid >> 32, (uint32_t)buid, arg3, 0, 0, 0, 0 };

	if (k == EEH_DETAIL) {
		args[3] = 0; args[4] = 0;
		args[5] = (uint32_t)(uintptr_t)eeh_log; args[6] = EEH_LOG_MAX; args[7] = 1;
	}
	return eeh_raw(k, eeh_calls[k].nargs, eeh_calls[k].nret_min, args, rets);
}

/*
 * A hot or fundamental reset: 0, or -1 where the host refused it (its
 * VFIO_EEH_PE_OP failed: the emulated PHB4's firmware fails slot resets,
 * "Error -6 on hot reset", and its kernel then answers EIO, but for the
 * first hot reset, whose device comes back); pvmm counts a host error,
 * and so does eeh_raw.
 */
static void expect_host(const char *name, long got)
{
	int ok = got == 0 || got == RTAS_HW;

	printf("HOSTILE %s %s got=%d want=0|-1%s\n", name, ok ? "PASS" : "FAIL", (int)got,
	       got == RTAS_HW ? " host-refused" : "");
	ok ? pass++ : fail++;
}

static int eeh_call(int k, uint32_t addr, uint32_t arg3, uint32_t *rets)
{
	return eeh_at(k, addr, eeh_buid, arg3, rets);
}

/* slot-error-detail with these buffers and log kind. */
static int eeh_detail(uint32_t drv, uint32_t drv_len, uint32_t log, uint32_t log_len, uint32_t kind)
{
	uint32_t args[8] = { EEH_PE, eeh_buid >> 32, (uint32_t)eeh_buid, drv, drv_len, log, log_len, kind };
	uint32_t rets[1];

	return eeh_raw(EEH_DETAIL, 8, 1, args, rets);
}

/* The PE's state (read-slot-reset-state2), -100 + status if the call
 * failed, -200 if its other returns are not "supported, 1000 ms". */
static int eeh_state(void)
{
	uint32_t rets[4];
	int st = eeh_call(EEH_STATE2, EEH_PE, 0, rets);

	if (st)
		return -100 + st;
	return rets[2] == 1 && rets[3] == 1000 ? (int)rets[1] : -200;
}

static int eeh_setup(void)
{
	int phb = fdt_child_prefix(0, "pci@"), fn = phb < 0 ? -1 : fdt_child_prefix(phb, ""), len;
	const uint8_t *reg = fdt_prop(phb, "reg", &len), *freg = fn < 0 ? 0 : fdt_prop(fn, "reg", &len);

	for (int k = 0; k < EEH_KINDS; k++)
		if ((eeh_tok[k] = rtas_token(eeh_calls[k].name)) < 0)
			return 0;
	einj_open = rtas_token("ibm,open-errinjct");
	einj = rtas_token("ibm,errinjct");
	einj_close = rtas_token("ibm,close-errinjct");
	if (!reg || !freg || einj_open < 0 || einj < 0 || einj_close < 0)
		return 0;
	eeh_buid = be64(reg);
	eeh_fn = be32(freg) & 0x00ffff00;
	return 1;
}

static int eeh_bad_buids(uint64_t *b, const char **names)
{
	static const char *const n[] = { "next-phb", "previous", "zero", "random", "tb-random",
					 "halves-swapped", "all-ones" };
	uint64_t tb = read_tb() * 0x9e3779b97f4a7c15UL;

	b[0] = eeh_buid + 1;		/* PHB 1's: this VM has none */
	b[1] = eeh_buid - 1;
	b[2] = 0;
	b[3] = 0x5a17c3e9d2b4f681UL;
	b[4] = tb == eeh_buid ? tb + 2 : tb;
	b[5] = eeh_buid << 32 | eeh_buid >> 32;
	b[6] = ~0UL;
	for (int i = 0; i < 7; i++)
		names[i] = n[i];
	printf("HOSTILE eeh buid=0x%lx function=0x%x tb-random=0x%lx\n", (unsigned long)eeh_buid, eeh_fn,
	       (unsigned long)b[4]);
	return 7;
}

/* Every call at BUIDs that are not the PHB's, and at addresses that name
 * no function of it: parameter errors. */
static void eeh_address_cases(void)
{
	uint64_t bad[8];
	const char *bn[8];
	int nb = eeh_bad_buids(bad, bn);
	const struct { const char *name; uint32_t addr; } addrs[] = {
		{ "function-1", eeh_fn | 0x100 }, { "slot-1", eeh_fn + 0x800 }, { "slot-31", 0xf800 },
		{ "bus-1", eeh_fn | 0x10000 }, { "pe-of-bus-1", 0x10001 }, { "reserved-bits", eeh_fn | 0x10000000 },
		{ "register-0x10", eeh_fn | 0x10 }, { "ext-register", eeh_fn | 0x01000000 },
		{ "pe-plus-1", EEH_PE + 1 }, { "all-ones", 0xffffffff },
	};
	char name[96];
	uint32_t rets[8];

	for (int i = 0; i < nb; i++)
		for (int k = 0; k < EEH_KINDS; k++) {
			/* a valid address and option: only the BUID is wrong */
			uint32_t addr = k == EEH_ADDR_INFO2 ? eeh_fn : EEH_PE, arg = k == EEH_SET_OPTION ? 1 : 0;
			snprintf(name, sizeof(name), "eeh-buid-%s-%s", bn[i], eeh_calls[k].tag);
			expect(name, eeh_at(k, addr, bad[i], arg, rets), RTAS_PARAM);
		}
	for (unsigned int i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
		for (int k = 0; k < EEH_KINDS; k++) {
			snprintf(name, sizeof(name), "eeh-addr-%s-%s", addrs[i].name, eeh_calls[k].tag);
			expect(name, eeh_call(k, addrs[i].addr, k == EEH_SET_OPTION ? 1 : 0, rets), RTAS_PARAM);
		}
	/* the PE address is not a function's */
	expect("eeh-addr-info2-pe-address", eeh_call(EEH_ADDR_INFO2, EEH_PE, 0, rets), RTAS_PARAM);
}

/* Shapes: not counted by pvmm, answered -3. */
static void eeh_shape_cases(void)
{
	uint32_t args[8] = { EEH_PE, eeh_buid >> 32, (uint32_t)eeh_buid, 1, 0, 0, 0, 0 }, rets[8];

	expect("eeh-set-option-nargs-3", eeh_raw(EEH_SET_OPTION, 3, 1, args, rets), RTAS_PARAM);
	expect("eeh-set-option-nret-2", eeh_raw(EEH_SET_OPTION, 4, 2, args, rets), RTAS_PARAM);
	expect("eeh-state2-nret-3", eeh_raw(EEH_STATE2, 3, 3, args, rets), RTAS_PARAM);
	expect("eeh-state2-nret-6", eeh_raw(EEH_STATE2, 3, 6, args, rets), RTAS_PARAM);
	rets[4] = 0x5a5a;
	expect("eeh-state2-nret-5", eeh_raw(EEH_STATE2, 3, 5, args, rets), 0);
	expect("eeh-state2-nret-5-recovery-info", rets[4], 0);
	expect("eeh-configure-pe-nargs-4", eeh_raw(EEH_CONFIGURE_PE, 4, 1, args, rets), RTAS_PARAM);
	expect("eeh-error-detail-nargs-7", eeh_raw(EEH_DETAIL, 7, 1, args, rets), RTAS_PARAM);
	expect("eeh-addr-info2-nret-1", eeh_raw(EEH_ADDR_INFO2, 4, 1, args, rets), RTAS_PARAM);
}

/* set-eeh-option: every option, on the PE's and the function's address. */
static void eeh_option_cases(void)
{
	uint32_t rets[8];
	static const uint32_t bad[] = { 4, 5, 0x100, 0x80000001, 0xffffffff };
	char name[96];

	expect("eeh-state-at-start-normal", eeh_state(), 0);
	for (uint32_t o = 0; o < 4; o++) {
		snprintf(name, sizeof(name), "eeh-set-option-%u", o);
		expect(name, eeh_call(EEH_SET_OPTION, EEH_PE, o, rets), 0);
		snprintf(name, sizeof(name), "eeh-set-option-%u-state-normal", o);
		expect(name, eeh_state(), 0);
	}
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "eeh-set-option-0x%x", bad[i]);
		expect(name, eeh_call(EEH_SET_OPTION, EEH_PE, bad[i], rets), RTAS_PARAM);
	}
	/* before Linux 5.10: a function's config address */
	expect("eeh-set-option-function-address-enable", eeh_call(EEH_SET_OPTION, eeh_fn, 1, rets), 0);
	expect("eeh-set-option-function-address-0x4", eeh_call(EEH_SET_OPTION, eeh_fn, 4, rets), RTAS_PARAM);
	expect("eeh-set-option-enable-again", eeh_call(EEH_SET_OPTION, EEH_PE, 1, rets), 0);
}

static void eeh_addr_info_cases(void)
{
	uint32_t rets[8];

	rets[1] = 0x5a5a;
	expect("eeh-addr-info2-function-0", eeh_call(EEH_ADDR_INFO2, eeh_fn, 0, rets), 0);
	expect("eeh-addr-info2-pe-address-value", rets[1], EEH_PE);
	rets[1] = 0x5a5a;
	expect("eeh-addr-info2-function-1", eeh_call(EEH_ADDR_INFO2, eeh_fn, 1, rets), 0);
	/* one function on the PHB (the scenario passes NIC A alone): not shared */
	expect("eeh-addr-info2-mode-not-shared", rets[1], 1);
	expect("eeh-addr-info2-function-2", eeh_call(EEH_ADDR_INFO2, eeh_fn, 2, rets), RTAS_PARAM);
	expect("eeh-addr-info2-function-2-value-cleared", rets[1], 0);
	expect("eeh-addr-info2-function-3", eeh_call(EEH_ADDR_INFO2, eeh_fn, 3, rets), RTAS_PARAM);
	expect("eeh-addr-info2-function-huge", eeh_call(EEH_ADDR_INFO2, eeh_fn, 0xffffffff, rets), RTAS_PARAM);
}

/* set-slot-reset: deactivate, hot, fundamental, bad values; the state after each. */
static void eeh_reset_cases(void)
{
	uint32_t rets[8];
	int st;

	expect("eeh-reset-deactivate-unasserted", eeh_call(EEH_RESET, EEH_PE, 0, rets), 0);
	expect("eeh-reset-deactivate-unasserted-state", eeh_state(), 0);
	expect_host("eeh-reset-hot", eeh_call(EEH_RESET, EEH_PE, 1, rets));
	st = eeh_state();
	printf("HOSTILE eeh-reset-hot state=%d\n", st);
	/* the host's: PAPR's 0 normal, 1 reset, 2 stopped, 4 DMA stopped, 5 unavailable */
	expect("eeh-reset-hot-state-papr", st == 0 || st == 1 || st == 2 || st == 4 || st == 5, 1);
	expect("eeh-reset-2", eeh_call(EEH_RESET, EEH_PE, 2, rets), RTAS_PARAM);
	expect("eeh-reset-4", eeh_call(EEH_RESET, EEH_PE, 4, rets), RTAS_PARAM);
	expect("eeh-reset-huge", eeh_call(EEH_RESET, EEH_PE, 0xffffffff, rets), RTAS_PARAM);
	expect("eeh-reset-0x80000001", eeh_call(EEH_RESET, EEH_PE, 0x80000001, rets), RTAS_PARAM);
	expect("eeh-reset-hot-deactivate", eeh_call(EEH_RESET, EEH_PE, 0, rets), 0);
	expect("eeh-reset-hot-deactivate-state", eeh_state(), 0);
	expect_host("eeh-reset-fundamental", eeh_call(EEH_RESET, EEH_PE, 3, rets));
	st = eeh_state();
	printf("HOSTILE eeh-reset-fundamental state=%d\n", st);
	expect("eeh-reset-fundamental-state-papr", st == 0 || st == 1 || st == 2 || st == 4 || st == 5, 1);
	expect("eeh-reset-fundamental-deactivate", eeh_call(EEH_RESET, EEH_PE, 0, rets), 0);
	expect("eeh-reset-fundamental-deactivate-state", eeh_state(), 0);
	/* a function's address names the PE too */
	expect_host("eeh-reset-function-address-hot", eeh_call(EEH_RESET, eeh_fn, 1, rets));
	expect("eeh-reset-function-address-deactivate", eeh_call(EEH_RESET, eeh_fn, 0, rets), 0);
	expect("eeh-reset-function-address-state", eeh_state(), 0);
	expect("eeh-configure-pe", eeh_call(EEH_CONFIGURE_PE, EEH_PE, 0, rets), 0);
	expect("eeh-configure-bridge", eeh_call(EEH_CONFIGURE_BRIDGE, EEH_PE, 0, rets), 0);
	expect("eeh-configure-pe-function-address", eeh_call(EEH_CONFIGURE_PE, eeh_fn, 0, rets), 0);
	expect("eeh-configure-state", eeh_state(), 0);
}

/* slot-error-detail: log kinds, buffers at and across the end of RAM. */
static void eeh_detail_cases(void)
{
	uint32_t ram = (uint32_t)ram_size(), log = (uint32_t)(uintptr_t)eeh_log;

	expect("eeh-detail-temp", eeh_detail(0, 0, log, EEH_LOG_MAX, 1), EEH_NO_ERRORS);
	expect("eeh-detail-perm", eeh_detail(0, 0, log, EEH_LOG_MAX, 2), EEH_NO_ERRORS);
	expect("eeh-detail-kind-0", eeh_detail(0, 0, log, EEH_LOG_MAX, 0), RTAS_PARAM);
	expect("eeh-detail-kind-3", eeh_detail(0, 0, log, EEH_LOG_MAX, 3), RTAS_PARAM);
	expect("eeh-detail-kind-huge", eeh_detail(0, 0, log, EEH_LOG_MAX, 0xffffffff), RTAS_PARAM);
	expect("eeh-detail-log-2049", eeh_detail(0, 0, log, EEH_LOG_MAX + 1, 1), RTAS_PARAM);
	expect("eeh-detail-log-huge", eeh_detail(0, 0, log, 0xffffffff, 1), RTAS_PARAM);
	/* pvmm writes neither buffer (NO_ERRORS_FOUND): the FDT may be there */
	expect("eeh-detail-log-last-bytes-of-ram", eeh_detail(0, 0, ram - EEH_LOG_MAX, EEH_LOG_MAX, 1), EEH_NO_ERRORS);
	expect("eeh-detail-log-across-ram-end", eeh_detail(0, 0, ram - 1024, EEH_LOG_MAX, 1), RTAS_PARAM);
	expect("eeh-detail-log-one-past-ram-end", eeh_detail(0, 0, ram - EEH_LOG_MAX + 1, EEH_LOG_MAX, 1), RTAS_PARAM);
	expect("eeh-detail-log-past-ram", eeh_detail(0, 0, ram, 16, 1), RTAS_PARAM);
	expect("eeh-detail-log-wraps", eeh_detail(0, 0, 0xfffffff0, 0x20, 1), RTAS_PARAM);
	expect("eeh-detail-log-len-0-anywhere", eeh_detail(0, 0, 0xfffffff0, 0, 1), EEH_NO_ERRORS);
	expect("eeh-detail-driver-log-last-bytes", eeh_detail(ram - 16, 16, log, EEH_LOG_MAX, 1), EEH_NO_ERRORS);
	expect("eeh-detail-driver-log-across-ram-end", eeh_detail(ram - 8, 16, log, EEH_LOG_MAX, 1), RTAS_PARAM);
	expect("eeh-detail-driver-log-huge", eeh_detail(log, 0xffffffff, log, EEH_LOG_MAX, 1), RTAS_PARAM);
	expect("eeh-detail-driver-log-past-ram", eeh_detail(ram + 4096, 8, log, EEH_LOG_MAX, 1), RTAS_PARAM);
	/* no log at all (PAPR allows a zero length) */
	expect("eeh-detail-no-logs", eeh_detail(0, 0, 0, 0, 1), EEH_NO_ERRORS);
}

/* ibm,errinjct's work buffer: 32-bit (type 7) or 64-bit (type 15). */
static void einj_fill(int is64, uint32_t pe_addr, uint64_t buid, uint32_t func)
{
	uint32_t *b = einj_buf;

	memset(einj_buf, 0, sizeof(einj_buf));
	if (is64)
		b += 2;
	b += 2;
	put32(&b[0], pe_addr);
	put32(&b[1], buid >> 32);
	put32(&b[2], (uint32_t)buid);
	put32(&b[3], func);
}

/* ibm,errinjct; a parameter error on the PHB's BUID counted as pvmm counts it. */
static int einj_call(uint32_t type, uint32_t token, uint32_t buf, int counted)
{
	uint32_t args[3] = { type, token, buf }, rets[1];
	int st = rtas_call(einj, 3, 1, args, rets);

	if (counted && st == RTAS_PARAM)
		eeh_count(N_PARAM);
	return st;
}

static int einj_close_call(uint32_t token)
{
	uint32_t args[1] = { token }, rets[1];

	return rtas_call(einj_close, 1, 1, args, rets);
}

/* open/close with wrong tokens, and ibm,errinjct's refusals; nothing is
 * injected (the eeh scenario does that). */
static void eeh_errinjct_cases(void)
{
	uint32_t rets[2], args[1] = { 0 }, t, t2, buf = (uint32_t)(uintptr_t)einj_buf, ram = (uint32_t)ram_size();
	uint64_t bad[8];
	const char *bn[8];
	int nb = eeh_bad_buids(bad, bn);
	char name[96];

	expect("errinjct-close-none-open", einj_close_call(0), ERRINJCT_NOT_OPEN);
	expect("errinjct-close-none-open-1", einj_close_call(1), ERRINJCT_NOT_OPEN);
	einj_fill(0, EEH_PE, bad[0], 4);
	expect("errinjct-no-session", einj_call(7, 0, buf, 0), RTAS_PARAM);
	expect("errinjct-open-nargs-1", rtas_call(einj_open, 1, 2, args, rets), RTAS_PARAM);
	expect("errinjct-open-nret-1", rtas_call(einj_open, 0, 1, args, rets), RTAS_PARAM);
	rets[0] = 0;
	rtas_call(einj_open, 0, 2, args, rets);
	t = rets[0];
	expect("errinjct-open-status", (int32_t)rets[1], 0);
	expect("errinjct-open-token-nonzero", t != 0, 1);
	expect("errinjct-open-again-token", rtas_call(einj_open, 0, 2, args, rets), 0);
	expect("errinjct-open-again-status", (int32_t)rets[1], ERRINJCT_ALREADY_OPEN);
	expect("errinjct-close-wrong-token", einj_close_call(t + 1), ERRINJCT_NOT_OPEN);
	expect("errinjct-close-token-0", einj_close_call(0), ERRINJCT_NOT_OPEN);
	expect("errinjct-close-token-inverted", einj_close_call(~t), ERRINJCT_NOT_OPEN);
	args[0] = t;
	expect("errinjct-close-nret-2", rtas_call(einj_close, 1, 2, args, rets), RTAS_PARAM);
	/* refused before the buffer is read: the token, the type, the buffer */
	einj_fill(0, EEH_PE, eeh_buid, 4);
	expect("errinjct-wrong-token", einj_call(7, t + 1, buf, 0), RTAS_PARAM);
	expect("errinjct-token-0", einj_call(7, 0, buf, 0), RTAS_PARAM);
	expect("errinjct-type-1", einj_call(1, t, buf, 0), RTAS_PARAM);
	expect("errinjct-type-8", einj_call(8, t, buf, 0), RTAS_PARAM);
	expect("errinjct-type-huge", einj_call(0xffffffff, t, buf, 0), RTAS_PARAM);
	expect("errinjct-buffer-unaligned", einj_call(7, t, buf + 8, 0), RTAS_PARAM);
	expect("errinjct-buffer-past-ram", einj_call(7, t, ram, 0), RTAS_PARAM);
	expect("errinjct-buffer-across-ram-end", einj_call(15, t, ram - 512, 0), RTAS_PARAM);
	expect("errinjct-buffer-huge", einj_call(7, t, 0xfffffc00, 0), RTAS_PARAM);
	{
		uint32_t a3[3] = { 7, t, buf }, r2[2];
		expect("errinjct-nret-2", rtas_call(einj, 3, 2, a3, r2), RTAS_PARAM);
		expect("errinjct-nargs-2", rtas_call(einj, 2, 1, a3, r2), RTAS_PARAM);
	}
	/* the buffer's function: 0-19 */
	einj_fill(0, EEH_PE, eeh_buid, 20);
	expect("errinjct-function-20", einj_call(7, t, buf, 0), RTAS_PARAM);
	einj_fill(1, EEH_PE, eeh_buid, 0xffffffff);
	expect("errinjct-64-function-huge", einj_call(15, t, buf, 0), RTAS_PARAM);
	/* the buffer's BUID another PHB's, random: no PE there */
	for (int i = 0; i < nb; i++) {
		snprintf(name, sizeof(name), "errinjct-buid-%s", bn[i]);
		einj_fill(0, EEH_PE, bad[i], 4);
		expect(name, einj_call(7, t, buf, 0), RTAS_PARAM);
		snprintf(name, sizeof(name), "errinjct-64-buid-%s", bn[i]);
		einj_fill(1, EEH_PE, bad[i], 12);
		expect(name, einj_call(15, t, buf, 0), RTAS_PARAM);
	}
	/* the PHB's BUID, an address that names nothing of it: counted */
	einj_fill(0, eeh_fn | 0x100, eeh_buid, 4);
	expect("errinjct-addr-function-1", einj_call(7, t, buf, 1), RTAS_PARAM);
	einj_fill(0, eeh_fn | 0x10000, eeh_buid, 4);
	expect("errinjct-addr-bus-1", einj_call(7, t, buf, 1), RTAS_PARAM);
	einj_fill(1, 0x10001, eeh_buid, 12);
	expect("errinjct-64-addr-pe-of-bus-1", einj_call(15, t, buf, 1), RTAS_PARAM);
	expect("errinjct-close", einj_close_call(t), 0);
	expect("errinjct-close-again", einj_close_call(t), ERRINJCT_NOT_OPEN);
	einj_fill(0, EEH_PE, eeh_buid, 4);
	expect("errinjct-closed-session-token", einj_call(7, t, buf, 0), RTAS_PARAM);
	rets[0] = 0;
	rtas_call(einj_open, 0, 2, args, rets);
	t2 = rets[0];
	expect("errinjct-reopen-status", (int32_t)rets[1], 0);
	expect("errinjct-reopen-new-token", t2 != 0 && t2 != t, 1);
	expect("errinjct-close-old-token", einj_close_call(t), ERRINJCT_NOT_OPEN);
	expect("errinjct-close-new-token", einj_close_call(t2), 0);
}

/* A reset while DMA is mapped and vcpu 1 maps, reads back and clears
 * entries of the same window: every TCE call answers exactly, the
 * mappings survive the reset. */
#define EEH_DMA_ENTRIES	16
static volatile int eeh_stop;
static volatile unsigned long eeh_tce_rounds, eeh_tce_bad;

static void cpu1_tce_loop(void)
{
	unsigned long out[9];

	cpu1_alive = 1;
	for (unsigned long n = 0; !eeh_stop; n++) {
		uint64_t ioba = tce_start + (EEH_DMA_ENTRIES + n % EEH_DMA_ENTRIES) * PAGE;
		uint64_t tce = (0x200000 + (n % EEH_DMA_ENTRIES) * PAGE) | 3;
		if (hcall(H_PUT_TCE, tce_liobn, ioba, tce, 0, 0) != H_SUCCESS ||
		    hcall(H_GET_TCE, tce_liobn, ioba, 0, 0, out) != H_SUCCESS || out[0] != tce ||
		    hcall(H_PUT_TCE, tce_liobn, ioba, 0, 0, 0) != H_SUCCESS)
			eeh_tce_bad++;
		eeh_tce_rounds = n + 1;
	}
}

static void eeh_reset_dma_case(uint32_t cpu1)
{
	unsigned long out[9], before;
	uint32_t rets[8];
	int lost = 0, st;

	for (int i = 0; i < EEH_DMA_ENTRIES; i++)
		put_be64(&list[i], (0x100000 + i * PAGE) | 3);
	expect("eeh-dma-map", hcall(H_PUT_TCE_INDIRECT, tce_liobn, tce_start, (unsigned long)list,
				    EEH_DMA_ENTRIES, 0), H_SUCCESS);
	cpu1_alive = eeh_stop = 0;
	eeh_tce_rounds = eeh_tce_bad = 0;
	expect("eeh-dma-cpu1-start", cpu_start(cpu1, cpu1_tce_loop), 0);
	expect("eeh-dma-cpu1-runs", wait_for(&cpu1_alive, 1), 1);
	before = eeh_tce_rounds;
	expect_host("eeh-dma-reset-hot", eeh_call(EEH_RESET, EEH_PE, 1, rets));
	st = eeh_state();
	printf("HOSTILE eeh-dma-reset-hot state=%d\n", st);
	/* read, not only shown: a state the host fails to give is pvmm's
	 * parameter error and host error, which the counts must not hide */
	expect("eeh-dma-reset-hot-state-papr", st == 0 || st == 1 || st == 2 || st == 4 || st == 5, 1);
	expect("eeh-dma-reset-deactivate", eeh_call(EEH_RESET, EEH_PE, 0, rets), 0);
	expect("eeh-dma-reset-state", eeh_state(), 0);
	expect("eeh-dma-configure-pe", eeh_call(EEH_CONFIGURE_PE, EEH_PE, 0, rets), 0);
	eeh_stop = 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	expect("eeh-dma-cpu1-stopped", wait_state(cpu1, 0), 1);
	printf("HOSTILE eeh-dma rounds=%lu during-reset=%lu bad=%lu\n", eeh_tce_rounds,
	       eeh_tce_rounds - before, eeh_tce_bad);
	expect("eeh-dma-cpu1-tce-calls-during-reset", eeh_tce_rounds > before, 1);
	expect("eeh-dma-cpu1-tce-answers", eeh_tce_bad, 0);
	for (int i = 0; i < EEH_DMA_ENTRIES; i++)
		if (hcall(H_GET_TCE, tce_liobn, tce_start + i * PAGE, 0, 0, out) != H_SUCCESS ||
		    out[0] != ((0x100000 + i * PAGE) | 3))
			lost++;
	expect("eeh-dma-mappings-kept", lost, 0);
	expect("eeh-dma-clear", hcall(H_STUFF_TCE, tce_liobn, tce_start, 0, 2 * EEH_DMA_ENTRIES, 0), H_SUCCESS);
}

/* Two vcpus issue EEH calls at once: every answer exact. */
#define EEH_RACE_ROUNDS	200
static volatile unsigned long eeh_race_bad0, eeh_race_bad1;

static void cpu1_eeh_loop(void)
{
	uint32_t rets[8];

	cpu1_alive = 1;
	for (int i = 0; i < EEH_RACE_ROUNDS; i++) {
		eeh_race_bad1 += eeh_state() != 0;
		rets[1] = 0;
		eeh_race_bad1 += eeh_call(EEH_ADDR_INFO2, eeh_fn, 0, rets) != 0 || rets[1] != EEH_PE;
		eeh_race_bad1 += eeh_call(EEH_SET_OPTION, EEH_PE, 7, rets) != RTAS_PARAM;
		eeh_race_bad1 += eeh_call(EEH_SET_OPTION, EEH_PE, 1, rets) != 0;
	}
}

static void eeh_race_case(uint32_t cpu1)
{
	uint32_t rets[8], log = (uint32_t)(uintptr_t)eeh_log;

	cpu1_alive = 0;
	eeh_race_bad0 = eeh_race_bad1 = 0;
	expect("eeh-race-cpu1-start", cpu_start(cpu1, cpu1_eeh_loop), 0);
	expect("eeh-race-cpu1-runs", wait_for(&cpu1_alive, 1), 1);
	for (int i = 0; i < EEH_RACE_ROUNDS; i++) {
		eeh_race_bad0 += eeh_call(EEH_SET_OPTION, EEH_PE, 2 + i % 2, rets) != 0;
		eeh_race_bad0 += eeh_state() != 0;
		eeh_race_bad0 += eeh_detail(0, 0, log, EEH_LOG_MAX, 1) != EEH_NO_ERRORS;
		eeh_race_bad0 += eeh_call(EEH_RESET, EEH_PE, 2, rets) != RTAS_PARAM;
	}
	expect("eeh-race-cpu1-stopped", wait_state(cpu1, 0), 1);
	printf("HOSTILE eeh-race rounds=%d cpu0-bad=%lu cpu1-bad=%lu\n", EEH_RACE_ROUNDS, eeh_race_bad0,
	       eeh_race_bad1);
	expect("eeh-race-cpu0-answers", eeh_race_bad0, 0);
	expect("eeh-race-cpu1-answers", eeh_race_bad1, 0);
}

/* After it all the device works: enabled, reset ended, configured, memory
 * decode on (as a driver's recovery restores it), BAR0 answers; DMA maps. */
static void eeh_after_cases(void)
{
	uint32_t rets[8];
	unsigned long out[9];

	expect("eeh-after-enable", eeh_call(EEH_SET_OPTION, EEH_PE, 1, rets), 0);
	expect("eeh-after-deactivate", eeh_call(EEH_RESET, EEH_PE, 0, rets), 0);
	expect("eeh-after-configure-pe", eeh_call(EEH_CONFIGURE_PE, EEH_PE, 0, rets), 0);
	expect("eeh-after-state-normal", eeh_state(), 0);
	if (watch) {
		expect("eeh-after-memory-on", cfg_write(0x04, 2, cfg_read(0x04, 2) | 2), 0);
		expect("eeh-after-bar-works", mmio_read32(watch) != ALL_ONES, 1);
	}
	expect("eeh-after-tce-map", hcall(H_PUT_TCE, tce_liobn, tce_start, TCE_OK, 0, 0), H_SUCCESS);
	expect("eeh-after-tce-get", hcall(H_GET_TCE, tce_liobn, tce_start, 0, 0, out) ? -1 : (long)out[0],
	       (long)TCE_OK);
	expect("eeh-after-tce-clear", hcall(H_PUT_TCE, tce_liobn, tce_start, 0, 0, 0), H_SUCCESS);
}

static void eeh_cases(uint32_t cpu1)
{
	if (!have_tce || !eeh_setup()) {
		printf("HOSTILE eeh SKIP no PHB with EEH\n");
		return;
	}
	eeh_shape_cases();
	eeh_address_cases();
	eeh_option_cases();
	eeh_addr_info_cases();
	eeh_reset_cases();
	eeh_detail_cases();
	eeh_errinjct_cases();
	if (cpu1) {
		eeh_reset_dma_case(cpu1);
		eeh_race_case(cpu1);
	} else {
		printf("HOSTILE eeh-dma eeh-race SKIP one cpu\n");
	}
	eeh_after_cases();
	/* what pvmm's summary must count (its JSON's eeh object) */
	printf("HOSTILE-EEH-COUNTS");
	for (int i = 0; i < N_COUNTS; i++)
		printf(" %s=%lu", eeh_count_names[i], eeh_n[i]);
	printf("\n");
}

void payload_main(void);
void payload_main(void)
{
	uint32_t args[1], rets[8];

	const char *bootargs = fdt_prop(fdt_node("/chosen"), "bootargs", 0);

	for (const char *p = bootargs; p && *p; p++) {
		if (!strncmp(p, "hostile.tce=kernel", 18))
			mode_kernel = 1;
		if (!strncmp(p, "hostile.race=off", 16))
			race_off = 1;
		if (!strncmp(p, "hostile.only=pci", 16))
			only_pci = 1;
		if (!strncmp(p, "hostile.flood=", 14))
			for (const char *d = p + 14; *d >= '0' && *d <= '9'; d++)
				flood = flood * 10 + (unsigned long)(*d - '0');
	}
	printf("HOSTILE-START ram=0x%lx tce=%s%s\n", (unsigned long)ram_size(), mode_kernel ? "kernel" : "user",
	       only_pci ? " only=pci" : "");
	if (only_pci) {
		/* hostile.only=pci: the PCI config, BAR and MSI cases alone */
		pci_cases();
		bar_cases();
	} else {
		rtas_cases();
		hcall_cases();
		tce_cases();
		pci_cases();
		xive_cases();
		bar_cases();
		cpu_cases();
		ddw_cases(second_cpu());
		eeh_cases(second_cpu());
	}
	/* pvmm is still healthy: valid calls answer. */
	expect("valid-get-time-of-day", rtas_call(rtas_token("get-time-of-day"), 0, 8, args, rets), 0);
	expect("valid-year-plausible", rets[1] >= 2024 && rets[1] < 2200, 1);
	printf("HOSTILE-DONE pass=%d fail=%d kvm_accepts=%d\n", pass, fail, kvm_accepts);
	/* The last running cpu stops itself: pvmm must end the run (power-off)
	 * rather than wait for ever. */
	printf("HOSTILE-STOP-SELF-LAST\n");
	cpu_stop_self();
}
