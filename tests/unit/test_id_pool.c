/* The ID pools (id_pool.c), struct vm's pools over them, and the fixed
 * RTAS token table. */
#include "test.h"
#include "id_pool.h"
#include "layout.h"
#include "spapr_cpu.h"
#include "spapr_hcall.h"
#include "spapr_rtas.h"
#include "vm.h"

#include <errno.h>
#include <string.h>

TEST(id_pool_init_bounds)
{
	struct id_pool p;

	CHECK_EQ(id_pool_init(&p, "x", 10, 0), -EINVAL);
	CHECK_EQ(id_pool_init(&p, "x", 10, ID_POOL_MAX + 1), -EINVAL);
	CHECK_EQ(id_pool_init(&p, "x", 0xfffffff0u, 0x20), -EINVAL);
	CHECK_EQ(id_pool_init(&p, "x", 10, ID_POOL_MAX), 0);
	CHECK_EQ(p.nr_free, ID_POOL_MAX);
}

TEST(id_pool_exhaustion_free_and_reuse)
{
	struct id_pool p;
	uint32_t a, b, c;
	char msg[128];

	id_pool_init(&p, "widgets", 100, 10);
	CHECK_EQ(id_pool_alloc(&p, 4, 1, &a), 0);
	CHECK_EQ(a, 100);
	CHECK_EQ(id_pool_alloc(&p, 4, 1, &b), 0);
	CHECK_EQ(b, 104);
	CHECK_EQ(id_pool_alloc(&p, 3, 1, &c), -ENOSPC);	/* 2 left */
	CHECK_EQ(p.nr_free, 2);
	id_pool_exhausted(&p, 3, msg, sizeof(msg));
	CHECK_STR_CONTAINS(msg, "widgets exhausted: wanted 3, 2 free (of 10 from 100)");
	CHECK_EQ(id_pool_alloc(&p, 2, 1, &c), 0);
	CHECK_EQ(c, 108);
	CHECK_EQ(id_pool_alloc(&p, 1, 1, &c), -ENOSPC);
	/* freed IDs come back, lowest first */
	CHECK_EQ(id_pool_free(&p, a, 4), 0);
	CHECK_EQ(p.nr_free, 4);
	CHECK(!id_pool_taken(&p, 101));
	CHECK(id_pool_taken(&p, 104));
	CHECK_EQ(id_pool_alloc(&p, 2, 1, &c), 0);
	CHECK_EQ(c, 100);
	CHECK_EQ(id_pool_alloc(&p, 2, 1, &c), 0);
	CHECK_EQ(c, 102);
	CHECK_EQ(p.nr_free, 0);
}

TEST(id_pool_fragmented_run)
{
	struct id_pool p;
	uint32_t id;

	id_pool_init(&p, "x", 0, 8);
	CHECK_EQ(id_pool_reserve(&p, 2, 1), 0);
	CHECK_EQ(id_pool_reserve(&p, 5, 1), 0);
	/* 6 free but no 3 in a row before 6 */
	CHECK_EQ(id_pool_alloc(&p, 3, 1, &id), -ENOSPC);
	CHECK_EQ(id_pool_alloc(&p, 2, 1, &id), 0);
	CHECK_EQ(id, 0);
	CHECK_EQ(id_pool_alloc(&p, 2, 1, &id), 0);
	CHECK_EQ(id, 3);
	CHECK_EQ(id_pool_alloc(&p, 2, 1, &id), 0);
	CHECK_EQ(id, 6);
}

TEST(id_pool_alignment)
{
	struct id_pool p;
	uint32_t id;

	id_pool_init(&p, "x", 4101, 64);	/* 4101..4164 */
	CHECK_EQ(id_pool_alloc(&p, 1, 3, &id), -EINVAL);
	CHECK_EQ(id_pool_alloc(&p, 0, 1, &id), -EINVAL);
	CHECK_EQ(id_pool_alloc(&p, 4, 8, &id), 0);
	CHECK_EQ(id, 4104);			/* aligned on the ID, not the offset */
	CHECK_EQ(id_pool_alloc(&p, 1, 0, &id), 0);
	CHECK_EQ(id, 4101);
	CHECK_EQ(id_pool_alloc(&p, 8, 16, &id), 0);
	CHECK_EQ(id, 4112);
	CHECK_EQ(id_pool_alloc(&p, 16, 32, &id), 0);
	CHECK_EQ(id, 4128);
	/* the next 32-aligned run (4160) would end past 4164 */
	CHECK_EQ(id_pool_alloc(&p, 16, 32, &id), -ENOSPC);
	CHECK_EQ(id_pool_alloc(&p, 5, 32, &id), 0);
	CHECK_EQ(id, 4160);
}

TEST(id_pool_alloc_upto_takes_what_there_is)
{
	struct id_pool p;
	uint32_t id;

	id_pool_init(&p, "x", 100, 16);
	CHECK_EQ(id_pool_alloc_upto(&p, 0, &id), -EINVAL);
	CHECK_EQ(id_pool_alloc_upto(&p, 4, &id), 4);		/* a run of 4 is free */
	CHECK_EQ(id, 100);
	CHECK_EQ(id_pool_reserve(&p, 106, 1), 0);
	CHECK_EQ(id_pool_reserve(&p, 110, 1), 0);
	/* free: 104-105 (2), 107-109 (3), 111-115 (5): the first run of 3 */
	CHECK_EQ(id_pool_alloc_upto(&p, 3, &id), 3);
	CHECK_EQ(id, 107);
	/* no run of 8: the longest, 111-115 */
	CHECK_EQ(id_pool_alloc_upto(&p, 8, &id), 5);
	CHECK_EQ(id, 111);
	CHECK_EQ(p.nr_free, 2);
	/* more than the pool holds: what is left */
	CHECK_EQ(id_pool_alloc_upto(&p, 1000, &id), 2);
	CHECK_EQ(id, 104);
	CHECK_EQ(id_pool_alloc_upto(&p, 1, &id), -ENOSPC);
	/* given back, taken again (reuse) */
	CHECK_EQ(id_pool_free(&p, 111, 5), 0);
	CHECK_EQ(id_pool_alloc_upto(&p, 5, &id), 5);
	CHECK_EQ(id, 111);
	/* equal longest runs: the lowest */
	id_pool_init(&p, "x", 0, 9);
	CHECK_EQ(id_pool_reserve(&p, 2, 1), 0);
	CHECK_EQ(id_pool_reserve(&p, 5, 1), 0);
	CHECK_EQ(id_pool_reserve(&p, 8, 1), 0);
	CHECK_EQ(id_pool_alloc_upto(&p, 3, &id), 2);
	CHECK_EQ(id, 0);
}

/* The search skips past a taken ID: a big pool with a big run wanted
 * near its end is found, and in one pass. */
TEST(id_pool_alloc_big_run_in_big_pool)
{
	static struct id_pool p;
	uint32_t id;

	id_pool_init(&p, "x", 4112, ID_POOL_MAX);
	for (uint32_t i = 0; i < ID_POOL_MAX - 2048; i += 64)
		CHECK_EQ(id_pool_reserve(&p, 4112 + i + 63, 1), 0);
	CHECK_EQ(id_pool_alloc(&p, 2048, 1, &id), 0);
	CHECK_EQ(id, 4112 + ID_POOL_MAX - 2048);
	CHECK_EQ(id_pool_alloc(&p, 64, 1, &id), -ENOSPC);
	CHECK_EQ(id_pool_alloc(&p, 63, 1, &id), 0);
	CHECK_EQ(id, 4112);
}

TEST(id_pool_reserve_exact)
{
	struct id_pool p;
	uint32_t id;

	id_pool_init(&p, "x", 10, 4);
	CHECK_EQ(id_pool_reserve(&p, 9, 1), -ERANGE);
	CHECK_EQ(id_pool_reserve(&p, 14, 1), -ERANGE);
	CHECK_EQ(id_pool_reserve(&p, 12, 3), -ERANGE);	/* runs past the end */
	CHECK_EQ(id_pool_reserve(&p, 11, 0), -ERANGE);
	CHECK_EQ(id_pool_reserve(&p, 11, 2), 0);
	CHECK_EQ(id_pool_reserve(&p, 12, 2), -EBUSY);
	CHECK(!id_pool_taken(&p, 13));			/* the refused one took nothing */
	CHECK_EQ(p.nr_free, 2);
	CHECK_EQ(id_pool_alloc(&p, 1, 1, &id), 0);
	CHECK_EQ(id, 10);
	CHECK_EQ(id_pool_alloc(&p, 1, 1, &id), 0);
	CHECK_EQ(id, 13);
}

TEST(id_pool_double_free_refused)
{
	struct id_pool p;
	uint32_t id;

	id_pool_init(&p, "x", 0, 16);
	CHECK_EQ(id_pool_alloc(&p, 4, 1, &id), 0);
	CHECK_EQ(id_pool_free(&p, 0, 4), 0);
	CHECK_EQ(id_pool_free(&p, 0, 4), -EINVAL);
	CHECK_EQ(p.nr_free, 16);
	/* partly taken: refused whole, the taken part stays taken */
	CHECK_EQ(id_pool_alloc(&p, 2, 1, &id), 0);
	CHECK_EQ(id_pool_free(&p, 0, 3), -EINVAL);
	CHECK(id_pool_taken(&p, 1));
	CHECK_EQ(p.nr_free, 14);
	CHECK_EQ(id_pool_free(&p, 15, 2), -EINVAL);	/* past the end */
	CHECK_EQ(id_pool_free(&p, 0, 0), -EINVAL);
}

TEST(vm_pools_bounds)
{
	static struct vm vm;
	uint32_t first, slot, n = 0;

	vm_init_struct(&vm);
	/* XICS: IRQ_PCI_BASE up to the end of KVM's XICS range */
	CHECK_EQ(vm_alloc_irqs(&vm, "test", 9, &first), 0);
	CHECK_EQ(first, IRQ_PCI_BASE);
	while (vm_alloc_irqs(&vm, "test", 9, &first) == 0)
		n++;
	CHECK_EQ(n + 1, (XICS_IRQ_BASE + XICS_NR_IRQS - IRQ_PCI_BASE) / 9);
	CHECK(first + 9 <= XICS_IRQ_BASE + XICS_NR_IRQS);
	CHECK_EQ(vm_alloc_irqs(&vm, "test", 9, &first), -ENOSPC);
	CHECK_EQ(vm_free_irqs(&vm, IRQ_PCI_BASE + 9, 9), 0);
	CHECK_EQ(vm_free_irqs(&vm, IRQ_PCI_BASE + 9, 9), -EINVAL);
	CHECK_EQ(vm_alloc_irqs(&vm, "test", 9, &first), 0);
	CHECK_EQ(first, IRQ_PCI_BASE + 9);
	CHECK_EQ(vm_free_irqs(&vm, IRQ_VTY, 1), -EINVAL);	/* not the pool's */
	/* the last free sources: fewer than asked, then none */
	CHECK_EQ(vm_free_irqs(&vm, IRQ_PCI_BASE + 18, 9), 0);
	CHECK_EQ(vm_alloc_irqs_upto(&vm, "test", 256, &first), 9);
	CHECK_EQ(first, IRQ_PCI_BASE + 18);
	CHECK_EQ(vm_alloc_irqs_upto(&vm, "test", 256, &first),
		 (XICS_IRQ_BASE + XICS_NR_IRQS - IRQ_PCI_BASE) % 9);	/* the tail */
	CHECK_EQ(vm_alloc_irqs_upto(&vm, "test", 256, &first), -ENOSPC);

	/* memslots: never 0 (RAM), up to MEMSLOT_MAX - 1 */
	n = 0;
	while (vm_alloc_memslot(&vm, "test", &slot) == 0) {
		CHECK(slot >= MEMSLOT_FIRST_BAR && slot < MEMSLOT_MAX);
		n++;
	}
	CHECK_EQ(n, MEMSLOT_MAX - MEMSLOT_FIRST_BAR);
	CHECK_EQ(vm_free_memslot(&vm, 0), -EINVAL);
	CHECK_EQ(vm_free_memslot(&vm, 7), 0);
	CHECK_EQ(vm_alloc_memslot(&vm, "test", &slot), 0);
	CHECK_EQ(slot, 7);

	/* PHB indexes: each once, 0..PHB_MAX-1 */
	for (unsigned int i = 0; i < PHB_MAX; i++)
		CHECK_EQ(vm_take_phb(&vm, i), 0);
	CHECK_EQ(vm_take_phb(&vm, 3), -EBUSY);
	CHECK_EQ(vm_take_phb(&vm, PHB_MAX), -ERANGE);
	CHECK_EQ(vm_put_phb(&vm, 3), 0);
	CHECK_EQ(vm_put_phb(&vm, 3), -EINVAL);
	CHECK_EQ(vm_take_phb(&vm, 3), 0);
}

TEST(rtas_tokens_fixed_per_name)
{
	const char *const *names;
	size_t n = rtas_token_table(&names);

	CHECK(n > 0 && n <= RTAS_MAX);
	for (size_t i = 0; i < n; i++) {
		CHECK_EQ(rtas_token_of(names[i]), RTAS_TOKEN_BASE + i);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(names[i], names[j]));
	}
	CHECK_EQ(rtas_token_of("no-such-call"), 0);
	/* tokens guests have seen: they must never move */
	CHECK_EQ(rtas_token_of("display-character"), 0x2000);
	CHECK_EQ(rtas_token_of("event-scan"), 0x2006);
	CHECK_EQ(rtas_token_of("start-cpu"), 0x2007);
	CHECK_EQ(rtas_token_of("ibm,set-xive"), 0x200a);
	CHECK_EQ(rtas_token_of("ibm,read-pci-config"), 0x200e);
	CHECK_EQ(rtas_token_of("ibm,query-pe-dma-window"), 0x2014);
	CHECK_EQ(rtas_token_of("ibm,reset-pe-dma-windows"), 0x2017);
}

TEST(rtas_token_independent_of_registration)
{
	static const struct rtas_def defs[] = {
		{ "ibm,int-on", NULL }, { "ibm,set-xive", NULL },
	};
	static const struct rtas_def unknown[] = { { "ibm,no-such-call", NULL } };
	uint32_t tod, start;

	hcall_reset();
	rtas_reset();
	spapr_rtas_init();
	spapr_cpu_rtas_register();
	tod = rtas_lookup_name("get-time-of-day")->token;
	start = rtas_lookup_name("start-cpu")->token;
	/* the other order, and only some of the calls */
	hcall_reset();
	rtas_reset();
	CHECK_EQ(rtas_register(defs, 2), 0);
	CHECK_EQ(spapr_cpu_rtas_register(), 0);
	CHECK_EQ(spapr_rtas_init(), 0);
	CHECK_EQ(rtas_lookup_name("get-time-of-day")->token, tod);
	CHECK_EQ(rtas_lookup_name("start-cpu")->token, start);
	CHECK_EQ(rtas_lookup_name("ibm,set-xive")->token, rtas_token_of("ibm,set-xive"));
	CHECK_EQ(rtas_entry_at(0)->token, rtas_token_of("ibm,int-on"));	/* /rtas order */
	CHECK(!rtas_lookup_name("ibm,read-pci-config"));		/* known, not registered */
	CHECK_EQ(rtas_register(unknown, 1), -ENOENT);
	CHECK_EQ(rtas_register(defs + 1, 1), -EEXIST);
	CHECK_EQ(rtas_count(), 2 + 3 + 7);
}
