/* RTAS buffer decoding and handlers, the hcall registry, H_SET_MODE and
 * H_REGISTER_PROC_TBL decoding, the console hcalls, guest_ptr, stats. */
#include "test.h"
#include "support.h"
#include "console.h"
#include "guest_mem.h"
#include "layout.h"
#include "spapr.h"
#include "spapr_cpu.h"
#include "spapr_hcall.h"
#include "spapr_rtas.h"
#include "util.h"
#include "vm.h"

#include <errno.h>
#include <stdlib.h>

#define RAM (64 * KiB)

static struct vm vm;
static struct vcpu cpu;

static void setup(void)
{
	test_vm_init(&vm, RAM);
	cpu.vm = &vm;
	cpu.fd = -1;
	hcall_reset();
	rtas_reset();
	spapr_rtas_init();
	console_register_calls();
}

static void teardown(void)
{
	free(vm.mem.host);
	vm.mem.host = NULL;
}

/* Write an RTAS buffer at gpa; return H_RTAS's answer. */
static long rtas(uint64_t gpa, const char *name, uint32_t nargs, uint32_t nret, const uint32_t *args)
{
	const struct rtas_entry *e = rtas_lookup_name(name);
	uint8_t *b = guest_ptr(&vm.mem, gpa, 12 + 4 * (nargs + nret));
	uint64_t regs[9] = { gpa };

	store_be32(b, e ? e->token : 0x7777);
	store_be32(b + 4, nargs);
	store_be32(b + 8, nret);
	for (uint32_t i = 0; i < nargs; i++)
		store_be32(b + 12 + 4 * i, args[i]);
	for (uint32_t i = 0; i < nret; i++)
		store_be32(b + 12 + 4 * (nargs + i), 0xdeadbeef);
	return hcall_dispatch(&cpu, H_RTAS, regs);
}

static int32_t ret_cell(uint64_t gpa, uint32_t nargs, uint32_t i)
{
	return (int32_t)load_be32(vm.mem.host + gpa + 12 + 4 * (nargs + i));
}

TEST(guest_ptr_bounds)
{
	struct guest_mem m = { .host = (uint8_t *)0x1000, .size = 4096 };

	CHECK(guest_ptr(&m, 0, 4096) != NULL);
	CHECK(guest_ptr(&m, 4096, 0) != NULL);
	CHECK(guest_ptr(&m, 4095, 1) != NULL);
	CHECK(guest_ptr(&m, 4095, 2) == NULL);
	CHECK(guest_ptr(&m, 4097, 0) == NULL);
	CHECK(guest_ptr(&m, UINT64_MAX, 2) == NULL);
	CHECK(guest_ptr(&m, 8, UINT64_MAX - 4) == NULL);
}

TEST(rtas_get_time_of_day)
{
	setup();
	CHECK_EQ(rtas(0x100, "get-time-of-day", 0, 8, NULL), H_SUCCESS);
	CHECK_EQ(ret_cell(0x100, 0, 0), 0);
	CHECK(ret_cell(0x100, 0, 1) >= 2024);
	CHECK(ret_cell(0x100, 0, 2) >= 1 && ret_cell(0x100, 0, 2) <= 12);
	teardown();
}

TEST(rtas_set_time_moves_clock)
{
	uint32_t t[7] = { 2031, 7, 4, 12, 30, 0, 0 };

	setup();
	CHECK_EQ(rtas(0x100, "set-time-of-day", 7, 1, t), H_SUCCESS);
	CHECK_EQ(ret_cell(0x100, 7, 0), 0);
	CHECK_EQ(rtas(0x200, "get-time-of-day", 0, 8, NULL), H_SUCCESS);
	CHECK_EQ(ret_cell(0x200, 0, 1), 2031);
	CHECK_EQ(ret_cell(0x200, 0, 2), 7);
	t[1] = 13;
	CHECK_EQ(rtas(0x100, "set-time-of-day", 7, 1, t), H_SUCCESS);
	CHECK_EQ(ret_cell(0x100, 7, 0), RTAS_OUT_PARAM_ERROR);
	teardown();
}

TEST(rtas_bad_buffers)
{
	uint64_t regs[9];
	uint8_t *b;

	setup();
	regs[0] = RAM;				/* outside RAM */
	CHECK_EQ(hcall_dispatch(&cpu, H_RTAS, regs), H_PARAMETER);
	regs[0] = RAM - 8;			/* header straddles the end */
	CHECK_EQ(hcall_dispatch(&cpu, H_RTAS, regs), H_PARAMETER);
	regs[0] = UINT64_MAX - 4;
	CHECK_EQ(hcall_dispatch(&cpu, H_RTAS, regs), H_PARAMETER);
	/* cells run past the end of RAM */
	b = vm.mem.host + RAM - 16;
	store_be32(b, rtas_lookup_name("get-time-of-day")->token);
	store_be32(b + 4, 0);
	store_be32(b + 8, 8);
	regs[0] = RAM - 16;
	CHECK_EQ(hcall_dispatch(&cpu, H_RTAS, regs), H_PARAMETER);
	/* nargs + nret > 16: parameter error in the first return cell */
	CHECK_EQ(rtas(0x100, "get-time-of-day", 9, 8, (uint32_t[9]){ 0 }), H_SUCCESS);
	CHECK_EQ(ret_cell(0x100, 9, 0), RTAS_OUT_PARAM_ERROR);
	/* unknown token */
	CHECK_EQ(rtas(0x100, "no-such-call", 0, 1, NULL), H_SUCCESS);
	CHECK_EQ(ret_cell(0x100, 0, 0), RTAS_OUT_PARAM_ERROR);
	/* known call, wrong shape */
	CHECK_EQ(rtas(0x100, "get-time-of-day", 0, 1, NULL), H_SUCCESS);
	CHECK_EQ(ret_cell(0x100, 0, 0), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(rtas(0x100, "event-scan", 4, 1, (uint32_t[4]){ 0 }), H_SUCCESS);
	CHECK_EQ(ret_cell(0x100, 4, 0), RTAS_OUT_NO_ERRORS_FOUND);
	teardown();
}

/* Finding 1: the shapes KVM's in-kernel RTAS refuses, answered by pvmm. */
TEST(rtas_kvm_refused_shapes)
{
	uint64_t regs[9];
	uint8_t *b;

	setup();
	/* nargs 16 and 255: the status cell after the arguments */
	CHECK_EQ(rtas(0x100, "get-time-of-day", 16, 1, (uint32_t[16]){ 0 }), H_SUCCESS);
	CHECK_EQ(ret_cell(0x100, 16, 0), RTAS_OUT_PARAM_ERROR);
	b = vm.mem.host + 0x1000;
	store_be32(b, rtas_lookup_name("get-time-of-day")->token);
	store_be32(b + 4, 255);
	store_be32(b + 8, 1);
	regs[0] = 0x1000;
	CHECK_EQ(hcall_dispatch(&cpu, H_RTAS, regs), H_SUCCESS);
	CHECK_EQ(ret_cell(0x1000, 255, 0), RTAS_OUT_PARAM_ERROR);
	/* the status cell itself past the end of RAM: nothing written */
	store_be32(b + 4, 0x40000000);
	CHECK_EQ(hcall_dispatch(&cpu, H_RTAS, regs), H_SUCCESS);
	/* the top 4 bits of the address are dropped, as KVM and QEMU do */
	regs[0] = 0xc000000000000100ULL;
	CHECK_EQ(rtas(0x100, "get-time-of-day", 0, 8, NULL), H_SUCCESS);
	store_be32(vm.mem.host + 0x100 + 12, 0xdeadbeef);
	CHECK_EQ(hcall_dispatch(&cpu, H_RTAS, regs), H_SUCCESS);
	CHECK_EQ(ret_cell(0x100, 0, 0), RTAS_OUT_SUCCESS);
	/* a valid buffer in the last 84 bytes of RAM works */
	CHECK_EQ(rtas(RAM - 48, "get-time-of-day", 0, 8, NULL), H_SUCCESS);
	CHECK_EQ(ret_cell(RAM - 48, 0, 0), RTAS_OUT_SUCCESS);
	/* which KVM_RUN failures pvmm answers */
	CHECK(rtas_kvm_refused(&vm.mem, RAM - 48, EFAULT));
	CHECK(rtas_kvm_refused(&vm.mem, RAM - 86, EFAULT));	/* 84 fit, KVM's 88 do not */
	CHECK(!rtas_kvm_refused(&vm.mem, RAM - 88, EFAULT));
	CHECK(rtas_kvm_refused(&vm.mem, RAM + 4096, EFAULT));
	CHECK(!rtas_kvm_refused(&vm.mem, 0x100, EFAULT));	/* KVM could read it */
	CHECK(rtas_kvm_refused(&vm.mem, 0x1000, EINVAL));	/* nargs 0x40000000 */
	/* nargs 0 now: rewritten since KVM read it (never read twice) */
	CHECK(rtas_kvm_refused(&vm.mem, 0x100, EINVAL));
	CHECK(rtas_kvm_refused(&vm.mem, 0xf000000000001000ULL, EINVAL));
	CHECK(!rtas_kvm_refused(&vm.mem, 0x1000, EIO));
	teardown();
}

TEST(rtas_power_reboot_osterm)
{
	static const char msg[] = "kernel panic";

	setup();
	CHECK_EQ(rtas(0x100, "power-off", 2, 1, (uint32_t[2]){ 0, 0 }), H_SUCCESS);
	CHECK(vm_exiting(&vm));
	CHECK_EQ(vm.exit_code, EXIT_POWEROFF);
	teardown();

	setup();
	CHECK_EQ(rtas(0x100, "system-reboot", 0, 1, NULL), H_SUCCESS);
	CHECK_EQ(vm.exit_code, EXIT_REBOOT);
	teardown();

	setup();
	memcpy(vm.mem.host + 0x800, msg, sizeof(msg));
	CHECK_EQ(rtas(0x100, "ibm,os-term", 1, 1, (uint32_t[1]){ 0x800 }), H_SUCCESS);
	CHECK_EQ(vm.exit_code, EXIT_OSTERM);
	teardown();

	/* an os-term string running off the end of RAM is cut, not followed */
	setup();
	memset(vm.mem.host + RAM - 4, 'A', 4);
	CHECK_EQ(rtas(0x100, "ibm,os-term", 1, 1, (uint32_t[1]){ RAM - 4 }), H_SUCCESS);
	CHECK_EQ(rtas(0x200, "ibm,os-term", 1, 1, (uint32_t[1]){ 0xffffffff }), H_SUCCESS);
	CHECK_EQ(vm.exit_code, EXIT_OSTERM);
	teardown();
}

static long dummy(struct vcpu *c, uint64_t op, uint64_t *a)
{
	(void)c; (void)op; (void)a;
	return 42;
}

TEST(hcall_registry)
{
	static const struct hcall_def defs[] = {
		{ 0x1000, "A", "hcall-a", dummy },
		{ 0x1004, "B", "hcall-b", NULL },
		{ 0x1008, "C", "hcall-a", dummy },
	};
	uint64_t regs[9] = { 0 };
	char buf[64];

	setup();
	hcall_reset();
	CHECK_EQ(hcall_register(defs, 3), 0);
	CHECK_EQ(hcall_register(defs, 1), -EEXIST);
	CHECK_EQ(hcall_dispatch(&cpu, 0x1000, regs), 42);
	CHECK_EQ(hcall_dispatch(&cpu, 0x1004, regs), H_FUNCTION);	/* KVM's */
	CHECK_EQ(hcall_dispatch(&cpu, 0x7777, regs), H_FUNCTION);
	CHECK(stats_find(&vm.stats, 'u', 0x7777) != NULL);
	CHECK_EQ(stats_find(&vm.stats, 'h', 0x1000)->count, 1);
	CHECK_EQ(hcall_fdt_sets(buf, sizeof(buf)), (int)sizeof("hcall-a\0hcall-b"));
	CHECK(!memcmp(buf, "hcall-a\0hcall-b", sizeof("hcall-a\0hcall-b")));
	CHECK_EQ(hcall_fdt_sets(buf, 10), -ENOSPC);
	teardown();
}

TEST(set_mode_decode)
{
	struct set_mode_req r;

	CHECK_EQ(set_mode_decode((uint64_t[4]){ 1, H_SET_MODE_RESOURCE_LE, 0, 0 }, &r), H_SUCCESS);
	CHECK_EQ(r.lpcr_set, LPCR_ILE);
	CHECK_EQ(set_mode_decode((uint64_t[4]){ 0, H_SET_MODE_RESOURCE_LE, 0, 0 }, &r), H_SUCCESS);
	CHECK_EQ(r.lpcr_clear, LPCR_ILE);
	CHECK_EQ(set_mode_decode((uint64_t[4]){ 2, H_SET_MODE_RESOURCE_LE, 0, 0 }, &r), H_UNSUPPORTED_FLAG_START);
	CHECK_EQ(set_mode_decode((uint64_t[4]){ 1, H_SET_MODE_RESOURCE_LE, 1, 0 }, &r), H_P3);
	CHECK_EQ(set_mode_decode((uint64_t[4]){ 1, H_SET_MODE_RESOURCE_LE, 0, 1 }, &r), H_P4);
	CHECK_EQ(set_mode_decode((uint64_t[4]){ 3, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0 }, &r), H_SUCCESS);
	CHECK_EQ(r.lpcr_set, LPCR_AIL_3);
	CHECK_EQ(set_mode_decode((uint64_t[4]){ 1, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0 }, &r), H_UNSUPPORTED_FLAG_START);
	CHECK_EQ(set_mode_decode((uint64_t[4]){ 0, 99, 0, 0 }, &r), H_P2);
}

TEST(proc_tbl_decode)
{
	struct proc_tbl_req r;
	uint64_t ram = 512 * MiB;

	CHECK_EQ(proc_tbl_decode((uint64_t[4]){ PROC_TABLE_NEW | PROC_TABLE_RADIX | PROC_TABLE_GTSE, 0x100000, 0, 4 }, ram, &r), H_SUCCESS);
	CHECK_EQ(r.process_table, 0x100000 | 4);
	CHECK(r.gtse);
	CHECK_EQ(proc_tbl_decode((uint64_t[4]){ PROC_TABLE_DEREG, 0, 0, 0 }, ram, &r), H_SUCCESS);
	CHECK(r.deregister);
	CHECK_EQ(proc_tbl_decode((uint64_t[4]){ PROC_TABLE_NEW, 0x100000, 0, 4 }, ram, &r), H_PARAMETER);	/* hash */
	CHECK_EQ(proc_tbl_decode((uint64_t[4]){ PROC_TABLE_NEW | PROC_TABLE_RADIX, 0x100000, 0, 25 }, ram, &r), H_PARAMETER);
	CHECK_EQ(proc_tbl_decode((uint64_t[4]){ PROC_TABLE_NEW | PROC_TABLE_RADIX, 0x100800, 0, 0 }, ram, &r), H_PARAMETER);
	CHECK_EQ(proc_tbl_decode((uint64_t[4]){ PROC_TABLE_NEW | PROC_TABLE_RADIX, ram, 0, 0 }, ram, &r), H_PARAMETER);
	CHECK_EQ(proc_tbl_decode((uint64_t[4]){ PROC_TABLE_NEW | PROC_TABLE_RADIX, ram - 4096, 0, 1 }, ram, &r), H_PARAMETER);
	CHECK_EQ(proc_tbl_decode((uint64_t[4]){ PROC_TABLE_NEW | PROC_TABLE_RADIX | 0x100, 0, 0, 0 }, ram, &r), H_PARAMETER);
	CHECK_EQ(proc_tbl_decode((uint64_t[4]){ PROC_TABLE_NEW | PROC_TABLE_RADIX, 0, 1, 0 }, ram, &r), H_PARAMETER);
	CHECK_EQ(proc_tbl_decode((uint64_t[4]){ 0, 0, 0, 0 }, ram, &r), H_PARAMETER);
}

TEST(console_pack_roundtrip)
{
	const char *text = "0123456789abcdef";
	char out[16];
	uint64_t hi, lo;

	for (size_t n = 0; n <= 16; n++) {
		console_pack(text, n, &hi, &lo);
		CHECK_EQ(console_unpack(n, hi, lo, out), n);
		CHECK(!memcmp(out, text, n));
	}
	console_pack("AB", 2, &hi, &lo);
	CHECK_EQ(hi, 0x4142000000000000ULL);	/* first byte most significant */
	CHECK_EQ(console_unpack(17, hi, lo, out), 0);
}

TEST(console_hcalls)
{
	uint64_t regs[9];
	char out[16];

	setup();
	memcpy(regs, (uint64_t[9]){ 0x1234, 1, 0 }, sizeof(regs));
	CHECK_EQ(hcall_dispatch(&cpu, H_PUT_TERM_CHAR, regs), H_PARAMETER);
	memcpy(regs, (uint64_t[9]){ VTY_UNIT_ADDRESS, 17, 0 }, sizeof(regs));
	CHECK_EQ(hcall_dispatch(&cpu, H_PUT_TERM_CHAR, regs), H_PARAMETER);
	memcpy(regs, (uint64_t[9]){ VTY_UNIT_ADDRESS, 3, 0x414243ULL << 40 }, sizeof(regs));
	CHECK_EQ(hcall_dispatch(&cpu, H_PUT_TERM_CHAR, regs), H_SUCCESS);
	memcpy(regs, (uint64_t[9]){ 7 }, sizeof(regs));
	CHECK_EQ(hcall_dispatch(&cpu, H_GET_TERM_CHAR, regs), H_PARAMETER);
	/* termno 0: the default vty, for output and input alike */
	memcpy(regs, (uint64_t[9]){ 0, 2, 0x4f4bULL << 48 }, sizeof(regs));
	CHECK_EQ(hcall_dispatch(&cpu, H_PUT_TERM_CHAR, regs), H_SUCCESS);
	memcpy(regs, (uint64_t[9]){ 0, 17, 0 }, sizeof(regs));
	CHECK_EQ(hcall_dispatch(&cpu, H_PUT_TERM_CHAR, regs), H_PARAMETER);
	memcpy(regs, (uint64_t[9]){ 0 }, sizeof(regs));
	CHECK_EQ(hcall_dispatch(&cpu, H_GET_TERM_CHAR, regs), H_SUCCESS);
	CHECK_EQ(regs[0], 0);
	vm.cfg.console = CONSOLE_STDIO;
	console_push_input("hello, console! more", 20);
	memcpy(regs, (uint64_t[9]){ VTY_UNIT_ADDRESS }, sizeof(regs));
	CHECK_EQ(hcall_dispatch(&cpu, H_GET_TERM_CHAR, regs), H_SUCCESS);
	CHECK_EQ(regs[0], 16);
	console_unpack(regs[0], regs[1], regs[2], out);
	CHECK(!memcmp(out, "hello, console! ", 16));
	memcpy(regs, (uint64_t[9]){ VTY_UNIT_ADDRESS }, sizeof(regs));
	CHECK_EQ(hcall_dispatch(&cpu, H_GET_TERM_CHAR, regs), H_SUCCESS);
	CHECK_EQ(regs[0], 4);
	console_unpack(regs[0], regs[1], regs[2], out);
	CHECK(!memcmp(out, "more", 4));
	memcpy(regs, (uint64_t[9]){ VTY_UNIT_ADDRESS }, sizeof(regs));
	CHECK_EQ(hcall_dispatch(&cpu, H_GET_TERM_CHAR, regs), H_SUCCESS);
	CHECK_EQ(regs[0], 0);
	teardown();
}

/* The summary's stats members as pvmm writes them (main.c write_stats). */
static int write_json(const struct stats *s, char *out, size_t len)
{
	FILE *f = fmemopen(out, len, "w");
	struct json j;
	int r;

	json_init(&j, f, 2);
	json_object_begin(&j, NULL);
	stats_write_json(s, &j);
	json_object_end(&j);
	r = json_finish(&j);
	fclose(f);
	return r;
}

TEST(stats_json)
{
	struct stats s;
	char buf[4096];

	stats_init(&s);
	stats_record(&s, 'h', 0x58, "H_PUT_TERM_CHAR", 1000, 0);
	stats_record(&s, 'h', 0x58, "H_PUT_TERM_CHAR", 3000, 1);
	stats_record(&s, 'r', 0x2001, "get-time-of-day", 500, 0);
	CHECK_EQ(s.exits_total, 2);		/* RTAS rides on an H_RTAS exit */
	CHECK_EQ(stats_find(&s, 'h', 0x58)->count, 2);
	CHECK_EQ(stats_find(&s, 'h', 0x58)->errors, 1);
	CHECK_EQ(stats_find(&s, 'h', 0x58)->max_ns, 3000);
	CHECK_EQ(write_json(&s, buf, sizeof(buf)), 0);
	CHECK(!strcmp(json_query_text(buf, "exits_total", NULL, false), "2"));
	CHECK(!strcmp(json_query_text(buf, "calls[name=H_PUT_TERM_CHAR]", "kind", false), "hcall"));
	CHECK(!strcmp(json_query_text(buf, "calls[name=H_PUT_TERM_CHAR]", "id", false), "88"));
	CHECK(!strcmp(json_query_text(buf, "calls[name=H_PUT_TERM_CHAR]", "count", false), "2"));
	CHECK(!strcmp(json_query_text(buf, "calls[name=H_PUT_TERM_CHAR]", "errors", false), "1"));
	CHECK(!strcmp(json_query_text(buf, "calls[name=H_PUT_TERM_CHAR]", "max_ns", false), "3000"));
	CHECK(!strcmp(json_query_text(buf, "calls[name=get-time-of-day]", "kind", false), "rtas"));
	/* first_ns is the first call's time: later calls do not move it. */
	CHECK(stats_find(&s, 'h', 0x58)->first_ns <= stats_find(&s, 'r', 0x2001)->first_ns);
	CHECK(!strcmp(json_query_text(buf, "startup", NULL, false),
		      "{\"first_run_ns\":0,\"phases\":[],\"background\":[]}"));
	CHECK(!strcmp(json_query_text(buf, "marks", NULL, false), "[]"));
	CHECK(!strcmp(json_query_text(buf, "marks_dropped", NULL, false), "0"));
	CHECK(!strcmp(json_query_text(buf, "#", NULL, false), "6"));
}

/* Marks: a console line "PVMM-MARK label" snapshots the counters, however
 * the guest splits it over H_PUT_TERM_CHARs; other lines do not. */
TEST(stats_marks_snapshot_at_line_end)
{
	struct stats s;
	const char *out = "boot text\r\nPVMM-MARK xfer-start run=1\r\nPVMM-MARKno\n";

	stats_init(&s);
	stats_record(&s, 'h', 0x20, "H_PUT_TCE", 100, 0);
	for (size_t i = 0; out[i]; i += 3)	/* split mid-prefix and mid-label */
		stats_console_feed(&s, out + i, strlen(out + i) < 3 ? strlen(out + i) : 3);
	CHECK_EQ(s.nr_marks, 1);
	CHECK(!strcmp(s.marks[0].label, "xfer-start run=1"));
	CHECK_EQ(s.marks[0].rows, 1);
	CHECK_EQ(s.marks[0].count[0], 1);
	CHECK_EQ(s.marks[0].total_ns[0], 100);
	CHECK_EQ(s.marks[0].exits_total, 1);
	/* Calls after a mark are not in it. */
	stats_record(&s, 'h', 0x20, "H_PUT_TCE", 100, 0);
	stats_record(&s, 'h', 0x138, "H_STUFF_TCE", 50, 0);
	stats_console_feed(&s, "PVMM-MARK end\n", 14);
	CHECK_EQ(s.nr_marks, 2);
	CHECK_EQ(s.marks[0].count[0], 1);
	CHECK_EQ(s.marks[1].count[0], 2);
	CHECK_EQ(s.marks[1].rows, 2);
	CHECK_EQ(s.marks[1].count[1], 1);
	stats_free(&s);
}

TEST(stats_marks_bounded_and_json_safe)
{
	struct stats s;
	char line[160], buf[8192];
	FILE *f;

	stats_init(&s);
	stats_record(&s, 'h', 0x58, "H_PUT_TERM_CHAR", 7, 0);
	stats_console_feed(&s, "PVMM-MARK a\"b\\c{}\n", 18);
	CHECK(!strcmp(s.marks[0].label, "a_b_c__"));
	/* A label longer than kept is cut, not spilled. */
	memset(line, 'x', sizeof(line));
	memcpy(line, "PVMM-MARK ", 10);
	line[sizeof(line) - 1] = '\n';
	stats_console_feed(&s, line, sizeof(line));
	CHECK_EQ(strlen(s.marks[1].label), STATS_MARK_LABEL - 1);
	/* The same label again replaces its snapshot, in its place. */
	stats_record(&s, 'h', 0x58, "H_PUT_TERM_CHAR", 7, 0);
	stats_console_feed(&s, "PVMM-MARK a\"b\\c{}\n", 18);
	CHECK_EQ(s.nr_marks, 2);
	CHECK_EQ(s.marks[0].count[0], 2);
	for (int i = 0; i < STATS_MARKS_MAX + 5; i++) {
		char m[32];
		int n = snprintf(m, sizeof(m), "PVMM-MARK m%d\n", i);
		stats_console_feed(&s, m, (size_t)n);
	}
	CHECK_EQ(s.nr_marks, STATS_MARKS_MAX);
	CHECK_EQ(s.marks_dropped, 7);
	stats_free(&s);

	stats_init(&s);
	stats_note_phase(&s, "guest-ram");
	stats_note_phase(&s, "images");
	for (int i = 0; i < STATS_PHASES_MAX; i++)	/* the rest are not kept */
		stats_note_phase(&s, "more");
	CHECK_EQ(s.nr_phases, STATS_PHASES_MAX);
	CHECK(s.phases[1].end_ns >= s.phases[0].end_ns);
	/* A background task: begun, waited for twice, ended; the ones past
	 * STATS_TASKS_MAX are not kept and their calls do nothing. */
	int t = stats_task_begin(&s, "ram-pin");
	CHECK_EQ(t, 0);
	stats_task_waited(&s, t, 40);
	stats_task_waited(&s, t, 2);
	stats_task_end(&s, t);
	CHECK(s.tasks[0].end_ns >= s.tasks[0].start_ns);
	for (int i = 1; i < STATS_TASKS_MAX; i++)
		CHECK_EQ(stats_task_begin(&s, "more"), i);
	CHECK_EQ(stats_task_begin(&s, "more"), -1);
	stats_task_waited(&s, -1, 5);
	stats_task_end(&s, -1);
	CHECK_EQ(s.nr_tasks, STATS_TASKS_MAX);
	f = fmemopen(buf, sizeof(buf), "w");
	stats_print(&s, f);
	fclose(f);
	CHECK_STR_CONTAINS(buf, "pvmm: beside the guest: ram-pin from ");
	CHECK_STR_CONTAINS(buf, "; vcpus waited for it 2 times, 0.000 s in all\n");
	stats_note_first_run(&s);
	stats_record(&s, 'h', 0x58, "H_PUT_TERM_CHAR", 7, 0);
	stats_record(&s, 'r', 0x2001, "get-time-of-day", 5, 0);
	stats_console_feed(&s, "PVMM-MARK guest-up\n", 19);
	CHECK_EQ(write_json(&s, buf, sizeof(buf)), 0);
	CHECK(strcmp(json_query_text(buf, "startup.first_run_ns", NULL, false), "0"));
	CHECK(!strcmp(json_query_text(buf, "startup.phases.*", "name", false), "guest-ram|images|"
		      "more|more|more|more|more|more|more|more|more|more|more|more|more|more|more|more|"
		      "more|more|more|more|more|more"));
	CHECK(!strcmp(json_query_text(buf, "startup.background.#", NULL, false), "4"));
	CHECK(!strcmp(json_query_text(buf, "startup.background[name=ram-pin].waits", NULL, false), "2"));
	CHECK(!strcmp(json_query_text(buf, "startup.background[name=ram-pin].waited_ns", NULL, false), "42"));
	CHECK(!strcmp(json_query_text(buf, "marks.*.label", NULL, false), "guest-up"));
	CHECK(!strcmp(json_query_text(buf, "marks[label=guest-up].calls.*", "0", true),
		      "hcall:H_PUT_TERM_CHAR 1|rtas:get-time-of-day 1"));
	CHECK(!strcmp(json_query_text(buf, "marks[label=guest-up].calls.*", "1", true),
		      "hcall:H_PUT_TERM_CHAR 7|rtas:get-time-of-day 5"));
	CHECK(!strcmp(json_query_text(buf, "marks_dropped", NULL, false), "0"));
	stats_free(&s);
}

/* Finding 6: a guest cannot push a known call out of the statistics. */
TEST(stats_unknown_calls_aggregated)
{
	static const struct hcall_def stuff = { H_STUFF_TCE, "H_STUFF_TCE", NULL, dummy };
	uint64_t regs[9] = { 0 };
	int rows;

	setup();
	CHECK_EQ(hcall_register(&stuff, 1), 0);
	for (uint64_t i = 0; i < 1000; i++) {
		CHECK_EQ(hcall_dispatch(&cpu, 0x10000 + 4 * i, regs), H_FUNCTION);
		store_be32(vm.mem.host + 0x100, 0x3000 + (uint32_t)i);	/* unknown token */
		store_be32(vm.mem.host + 0x104, 0);
		store_be32(vm.mem.host + 0x108, 1);
		regs[0] = 0x100;
		CHECK_EQ(hcall_dispatch(&cpu, H_RTAS, regs), H_SUCCESS);
		regs[0] = 0;
	}
	rows = vm.stats.n;
	CHECK_EQ(hcall_dispatch(&cpu, H_STUFF_TCE, regs), 42);
	CHECK(stats_find(&vm.stats, 'h', H_STUFF_TCE) != NULL);
	CHECK_EQ(stats_find(&vm.stats, 'h', H_STUFF_TCE)->count, 1);
	CHECK_EQ(stats_find(&vm.stats, 'u', 0x10000)->count, 1000);
	CHECK_EQ(stats_find(&vm.stats, 'r', STATS_ID_UNKNOWN)->count, 1000);
	CHECK_EQ(stats_find(&vm.stats, 'h', H_RTAS)->count, 1000);
	CHECK(rows <= 3);
	teardown();
}

/* Should the table fill all the same, the last row counts the rest. */
TEST(stats_full_table_keeps_counting)
{
	struct stats s;
	uint64_t total = 0;

	stats_init(&s);
	for (uint64_t i = 0; i < 1000; i++)
		stats_record(&s, 'h', 0x10000 + 4 * i, "H_X", 1, 0);
	CHECK_EQ(s.exits_total, 1000);
	CHECK_EQ(stats_find(&s, 'o', STATS_ID_UNKNOWN)->count, 1000 - (STATS_MAX_ENTRIES - 1));
	for (int i = 0; i < STATS_MAX_ENTRIES; i++)
		total += s.e[i].count;
	CHECK_EQ(total, 1000);
}
