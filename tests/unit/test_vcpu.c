/* The vcpu start protocol (vm.c, spapr_cpu_rtas.c): RTAS start-cpu starts
 * a secondary big-endian whatever the boot cpu's entry, refuses a running
 * cpu and an unknown one; what each vcpu thread then applies. */
#include "test.h"
#include "support.h"
#include "console.h"
#include "spapr.h"
#include "spapr_cpu.h"
#include "spapr_hcall.h"
#include "spapr_rtas.h"
#include "util.h"
#include "vm.h"

#include <errno.h>
#include <stdlib.h>

#define RAM (64 * KiB)
#define BUF 0x8000

static struct vm vm;

static void setup_two_vcpus(void)
{
	test_vm_init(&vm, RAM);
	vm.vcpus = calloc(2, sizeof(*vm.vcpus));
	for (int i = 0; i < 2; i++) {
		vm.vcpus[i] = (struct vcpu){ .vm = &vm, .id = i, .fd = -1, .state = VCPU_STOPPED };
		pthread_cond_init(&vm.vcpus[i].wake, NULL);
	}
	vm.nr_vcpus = 2;
	/* a little-endian payload's boot cpu */
	vm.entry_msr = MSR_SF | MSR_ME | MSR_LE;
	vm.vcpus[0].state = VCPU_RUNNING;
	hcall_reset();
	rtas_reset();
	spapr_rtas_init();
	spapr_cpu_rtas_register();
}

static void teardown(void)
{
	free(vm.mem.host);
	free(vm.vcpus);
	vm.vcpus = NULL;
	vm.nr_vcpus = 0;
}

/* RTAS call from vcpu 0 with a buffer at BUF; the first return cell. */
static int32_t rtas(const char *name, uint32_t nargs, uint32_t nret, const uint32_t *args)
{
	uint8_t *b = vm.mem.host + BUF;
	uint64_t regs[9] = { BUF };

	store_be32(b, rtas_lookup_name(name)->token);
	store_be32(b + 4, nargs);
	store_be32(b + 8, nret);
	for (uint32_t i = 0; i < nargs; i++)
		store_be32(b + 12 + 4 * i, args[i]);
	CHECK_EQ(hcall_dispatch(&vm.vcpus[0], H_RTAS, regs), H_SUCCESS);
	return (int32_t)load_be32(b + 12 + 4 * nargs);
}

TEST(vcpu_start_cpu_big_endian)
{
	struct vcpu *c1;

	setup_two_vcpus();
	c1 = &vm.vcpus[1];
	CHECK_EQ(rtas("start-cpu", 3, 1, (uint32_t[]){ 1, 0x4000, 0x1234 }), RTAS_OUT_SUCCESS);
	CHECK(c1->start_pending);
	CHECK_EQ(c1->start_pc, 0x4000);
	CHECK_EQ(c1->start_r3, 0x1234);
	/* big-endian, 64-bit, machine checks: not the boot cpu's LE entry */
	CHECK_EQ(c1->start_msr, MSR_SF | MSR_ME);
	CHECK_EQ(c1->start_msr & MSR_LE, 0);
	/* being started counts as running for a second start-cpu and a query */
	CHECK_EQ(rtas("start-cpu", 3, 1, (uint32_t[]){ 1, 0x4000, 0 }), RTAS_OUT_HW_ERROR);
	CHECK_EQ(rtas("query-cpu-stopped-state", 1, 2, (uint32_t[]){ 1 }), RTAS_OUT_SUCCESS);
	CHECK_EQ(load_be32(vm.mem.host + BUF + 12 + 4 + 4), 2);
	teardown();
}

TEST(vcpu_start_cpu_refusals)
{
	setup_two_vcpus();
	CHECK_EQ(rtas("start-cpu", 3, 1, (uint32_t[]){ 7, 0x4000, 0 }), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(rtas("start-cpu", 3, 1, (uint32_t[]){ 1, RAM, 0 }), RTAS_OUT_PARAM_ERROR);
	CHECK_EQ(rtas("start-cpu", 3, 1, (uint32_t[]){ 0, 0x4000, 0 }), RTAS_OUT_HW_ERROR);
	CHECK(!vm.vcpus[1].start_pending);
	CHECK_EQ(vm_cpu_start_request(&vm, &vm.vcpus[1], 0x100, 0, vm.entry_msr), 0);
	CHECK_EQ(vm.vcpus[1].start_msr, vm.entry_msr);
	CHECK_EQ(vm_cpu_start_request(&vm, &vm.vcpus[1], 0x100, 0, vm.entry_msr), -EBUSY);
	teardown();
}
