/* tce.c: the TCE table, its host side effects and every invalid argument. */
#include "test.h"
#include "guest_mem.h"
#include "spapr.h"
#include "spapr_hcall.h"
#include "tce.h"
#include "util.h"
#include "vm.h"

#include <stdlib.h>

#define RAM (1024 * 1024)
#define WIN_START 0
#define WIN_SIZE (64 * 4096)

static struct guest_mem mem;
static int maps, unmaps, fail_map;
static uint64_t last_iova, last_gpa, last_perm;

static int fake_map(void *o, uint64_t iova, uint64_t gpa, uint64_t size, uint64_t perm)
{
	(void)o;
	CHECK(size && size % 4096 == 0);	/* a run of whole pages */
	CHECK(gpa + size <= RAM);
	if (fail_map)
		return -5;
	maps++;
	last_iova = iova;
	last_gpa = gpa;
	last_perm = perm;
	return 0;
}

static int fake_unmap(void *o, uint64_t iova, uint64_t size)
{
	(void)o; (void)iova; (void)size;
	unmaps++;
	return 0;
}

static const struct tce_ops ops = { fake_map, fake_unmap };

static void setup(struct tce_window *w)
{
	if (!mem.host) {
		mem.host = calloc(1, RAM);
		mem.size = RAM;
	}
	maps = unmaps = fail_map = 0;
	CHECK_EQ(tce_window_init(w, 0x80000000, WIN_START, WIN_SIZE, 12, &mem, &ops, NULL, NULL), 0);
}

TEST(tce_put_get_unmap)
{
	struct tce_window w;
	uint64_t v;

	setup(&w);
	CHECK_EQ(tce_put(&w, 0x3000, 0x5000 | TCE_READ | TCE_WRITE), H_SUCCESS);
	CHECK_EQ(maps, 1);
	CHECK_EQ(last_iova, 0x3000);
	CHECK_EQ(last_gpa, 0x5000);
	CHECK_EQ(last_perm, 3);
	CHECK_EQ(w.valid, 1);
	CHECK_EQ(tce_get(&w, 0x3000, &v), H_SUCCESS);
	CHECK_EQ(v, 0x5003);
	/* replacing unmaps the old page first */
	CHECK_EQ(tce_put(&w, 0x3000, 0x6000 | TCE_READ), H_SUCCESS);
	CHECK_EQ(unmaps, 1);
	CHECK_EQ(maps, 2);
	CHECK_EQ(tce_put(&w, 0x3000, 0), H_SUCCESS);
	CHECK_EQ(unmaps, 2);
	CHECK_EQ(w.valid, 0);
	tce_window_free(&w);
}

TEST(tce_put_rejects_bad_arguments)
{
	struct tce_window w;
	uint64_t v;

	setup(&w);
	CHECK_EQ(tce_put(&w, 0x3008, 0x5003), H_PARAMETER);		/* unaligned ioba */
	CHECK_EQ(tce_put(&w, WIN_SIZE, 0x5003), H_PARAMETER);		/* past the window */
	CHECK_EQ(tce_put(&w, ~0xfffULL, 0x5003), H_PARAMETER);
	CHECK_EQ(tce_put(&w, 0, RAM | 3), H_PARAMETER);			/* past guest RAM */
	CHECK_EQ(tce_put(&w, 0, (RAM - 4096) | 3), H_SUCCESS);		/* last page is fine */
	CHECK_EQ(tce_put(&w, 0, 0x10000000000ULL | 3), H_PARAMETER);	/* PHB MMIO */
	CHECK_EQ(tce_put(&w, 0, 0x7ff0000000000000ULL | 3), H_PARAMETER);
	CHECK_EQ(tce_put(&w, 0, 0x5000 | 0x7c | 3), H_PARAMETER);	/* reserved bits */
	CHECK_EQ(tce_get(&w, WIN_SIZE, &v), H_PARAMETER);
	CHECK_EQ(tce_get(&w, 0x10, &v), H_PARAMETER);
	fail_map = 1;
	CHECK_EQ(tce_put(&w, 0x1000, 0x5003), H_HARDWARE);		/* host refused */
	CHECK_EQ(tce_get(&w, 0x1000, &v), H_SUCCESS);
	CHECK_EQ(v, 0);							/* not recorded */
	tce_window_free(&w);
}

static void put_be64_at(uint64_t gpa, uint64_t v)
{
	store_be64(mem.host + gpa, v);
}

TEST(tce_indirect)
{
	struct tce_window w;
	uint64_t v;

	setup(&w);
	for (int i = 0; i < 16; i++)
		put_be64_at(0x8000 + 8 * i, (0x10000 + 4096 * i) | 1);
	CHECK_EQ(tce_put_indirect(&w, 0x2000, 0x8000, 16), H_SUCCESS);
	CHECK_EQ(maps, 1);					/* one run */
	CHECK_EQ(w.io.map_entries, 16);
	w.coalesce = false;					/* user_coalesce = off */
	CHECK_EQ(tce_put_indirect(&w, 0x2000, 0x8000, 16), H_SUCCESS);
	CHECK_EQ(unmaps, 16);
	CHECK_EQ(maps, 17);
	w.coalesce = true;
	CHECK_EQ(tce_get(&w, 0x2000 + 15 * 4096, &v), H_SUCCESS);
	CHECK_EQ(v, (0x10000 + 4096 * 15) | 1);
	CHECK_EQ(tce_put_indirect(&w, 0, 0x8008, 1), H_PARAMETER);	/* unaligned list */
	CHECK_EQ(tce_put_indirect(&w, 0, RAM, 1), H_PARAMETER);		/* list outside RAM */
	CHECK_EQ(tce_put_indirect(&w, 0, RAM - 4096, 513), H_PARAMETER);	/* > 512 */
	CHECK_EQ(tce_put_indirect(&w, 0, 0x8000, 0), H_PARAMETER);
	CHECK_EQ(tce_put_indirect(&w, WIN_SIZE - 4096, 0x8000, 2), H_PARAMETER);	/* past window */
	/* one bad entry: nothing at all is changed */
	put_be64_at(0x8000 + 8 * 3, RAM | 3);
	maps = 0;
	CHECK_EQ(tce_put_indirect(&w, 0x30000, 0x8000, 16), H_PARAMETER);
	CHECK_EQ(maps, 0);
	CHECK_EQ(tce_get(&w, 0x30000, &v), H_SUCCESS);
	CHECK_EQ(v, 0);
	tce_window_free(&w);
}

TEST(tce_stuff)
{
	struct tce_window w;
	uint64_t v;

	setup(&w);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(tce_put(&w, 4096 * i, 0x5003), H_SUCCESS);
	CHECK_EQ(tce_stuff(&w, 0, 0, 8), H_SUCCESS);
	CHECK_EQ(unmaps, 1);			/* one IOVA run, whatever the pages */
	CHECK_EQ(w.io.unmap_entries, 8);
	CHECK_EQ(w.valid, 0);
	CHECK_EQ(tce_stuff(&w, 0, 0x5003, 1), H_PARAMETER);		/* R/W in the value */
	CHECK_EQ(tce_stuff(&w, 0, 0, 65), H_PARAMETER);			/* overflows window */
	CHECK_EQ(tce_stuff(&w, 4096, 0, ~0ULL), H_PARAMETER);
	CHECK_EQ(tce_stuff(&w, 0, 0, 0), H_PARAMETER);
	CHECK_EQ(tce_stuff(&w, 0, 0x5000, 64), H_SUCCESS);		/* poison, no access */
	CHECK_EQ(tce_get(&w, 63 * 4096, &v), H_SUCCESS);
	CHECK_EQ(v, 0x5000);
	CHECK(tce_window_inside_ram(&w, &v));
	CHECK_EQ(v, 0);
	tce_window_free(&w);
}

TEST(tce_window_init_checks)
{
	struct tce_window w;

	CHECK(tce_window_init(&w, 1, 0, 4096, 11, &mem, &ops, NULL, NULL) < 0);
	CHECK(tce_window_init(&w, 1, 0, 4097, 12, &mem, &ops, NULL, NULL) < 0);
	CHECK(tce_window_init(&w, 1, 0x800, 4096, 12, &mem, &ops, NULL, NULL) < 0);
	CHECK(tce_window_init(&w, 1, 0, 0, 12, &mem, &ops, NULL, NULL) < 0);
}

/* The RAM check reads every entry, whoever wrote it (KVM, in mode kernel). */
TEST(tce_inside_ram_reads_every_entry)
{
	static uint64_t table[64];
	struct tce_window w;
	uint64_t v;

	setup(&w);
	tce_window_free(&w);
	CHECK_EQ(tce_window_init(&w, 0x80000000, WIN_START, WIN_SIZE, 12, &mem, &ops, NULL, table), 0);
	table[3] = 0x5003;				/* KVM wrote an entry: RAM */
	CHECK(tce_window_inside_ram(&w, &v));
	CHECK_EQ(v, 1);
	table[63] = (uint64_t)RAM | 3;			/* one past RAM */
	CHECK(!tce_window_inside_ram(&w, &v));
	CHECK_EQ(v, 2);
	tce_window_free(&w);
}
