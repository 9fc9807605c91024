/* spapr_mem.c: H_PAGE_INIT zeroes and copies 4 KiB pages of guest RAM and
 * refuses unknown flags, unaligned pages and pages not wholly in RAM. */
#include "test.h"
#include "guest_mem.h"
#include "spapr.h"
#include "spapr_hcall.h"
#include "spapr_mem.h"
#include "util.h"
#include "vm.h"

#include <stdlib.h>

#define RAM (64 * KiB)

static bool all(const uint8_t *p, uint8_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

TEST(page_init_zero_and_copy)
{
	struct guest_mem m = { .host = malloc(RAM), .size = RAM };

	memset(m.host, 0xaa, RAM);
	memset(m.host + 0x3000, 0x5c, 0x1000);
	CHECK_EQ(page_init(&m, H_ZERO_PAGE, 0x1000, 0), H_SUCCESS);
	CHECK(all(m.host + 0x1000, 0, 0x1000));
	CHECK(all(m.host + 0x0fff, 0xaa, 1) && all(m.host + 0x2000, 0xaa, 1));
	CHECK_EQ(page_init(&m, H_COPY_PAGE | H_ICACHE_SYNCHRONIZE, 0x2000, 0x3000), H_SUCCESS);
	CHECK(all(m.host + 0x2000, 0x5c, 0x1000));
	/* copy wins over zero; the last page of RAM is a page like any */
	CHECK_EQ(page_init(&m, H_COPY_PAGE | H_ZERO_PAGE, RAM - 0x1000, 0x3000), H_SUCCESS);
	CHECK(all(m.host + RAM - 0x1000, 0x5c, 0x1000));
	/* no operation flag: nothing to do, success (the icache flags alone) */
	CHECK_EQ(page_init(&m, H_ICACHE_INVALIDATE, 0x1000, 0), H_SUCCESS);
	CHECK_EQ(page_init(&m, H_PAGE_SET_LOANED, 0x1000, 0), H_SUCCESS);
	free(m.host);
}

TEST(page_init_refuses_bad_pages)
{
	struct guest_mem m = { .host = calloc(1, RAM), .size = RAM };

	CHECK_EQ(page_init(&m, H_ZERO_PAGE, 0x1008, 0), H_PARAMETER);
	CHECK_EQ(page_init(&m, H_ZERO_PAGE, RAM, 0), H_PARAMETER);
	CHECK_EQ(page_init(&m, H_ZERO_PAGE, UINT64_MAX & ~0xfffULL, 0), H_PARAMETER);
	CHECK_EQ(page_init(&m, H_COPY_PAGE, 0x1000, 0x2010), H_PARAMETER);
	CHECK_EQ(page_init(&m, H_COPY_PAGE, 0x1000, RAM), H_PARAMETER);
	CHECK_EQ(page_init(&m, H_COPY_PAGE, RAM, 0x1000), H_PARAMETER);
	CHECK_EQ(page_init(&m, H_ZERO_PAGE | 1, 0x1000, 0), H_PARAMETER);
	CHECK_EQ(page_init(&m, 1ULL << 63, 0x1000, 0), H_PARAMETER);
	/* an unaligned source is only looked at when copying */
	CHECK_EQ(page_init(&m, H_ZERO_PAGE, 0x1000, 0x2010), H_SUCCESS);
	free(m.host);
}

TEST(page_init_hcall)
{
	static struct vm vm;
	struct vcpu cpu = { .vm = &vm, .fd = -1 };
	uint64_t args[9] = { H_ZERO_PAGE, 0x1000, 0 };

	vm_init_struct(&vm);
	vm.mem.host = malloc(RAM);
	vm.mem.size = RAM;
	memset(vm.mem.host, 0xee, RAM);
	hcall_reset();
	CHECK_EQ(spapr_mem_register_calls(), 0);
	CHECK(!strcmp(hcall_lookup(H_PAGE_INIT)->fdt_set, "hcall-copy"));
	CHECK_EQ(hcall_dispatch(&cpu, H_PAGE_INIT, args), H_SUCCESS);
	CHECK(all(vm.mem.host + 0x1000, 0, 0x1000));
	args[1] = 0x1001;
	CHECK_EQ(hcall_dispatch(&cpu, H_PAGE_INIT, args), H_PARAMETER);
	free(vm.mem.host);
}

/* Guest RAM pinned in pieces: whole host pages, at most
 * GUEST_PIN_PIECES_MAX of them, none under the minimum unless RAM is,
 * and together exactly RAM. */
TEST(pin_pieces_cover_ram)
{
	static const uint64_t sizes[] = { 16 << 20, 32 << 20, 100 << 20, 512 << 20,
					  (3ULL << 30) + (5 << 20), 64ULL << 30, 1ULL << 40 };
	static const uint64_t pages[] = { 0, 4096, 65536, 2 << 20, 1 << 30 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (size_t j = 0; j < sizeof(pages) / sizeof(pages[0]); j++) {
			uint64_t size = sizes[i], page = pages[j] ? pages[j] : 4096;
			uint64_t piece = guest_mem_pin_piece(size, pages[j]), n, covered = 0;

			CHECK(piece > 0 && piece <= size);
			CHECK(piece == size || piece % page == 0);
			CHECK(piece == size || piece >= GUEST_PIN_PIECE_MIN);
			for (n = 0; covered < size; n++)
				covered += size - covered < piece ? size - covered : piece;
			CHECK_EQ(covered, size);
			CHECK(n <= GUEST_PIN_PIECES_MAX);
		}
	CHECK_EQ(guest_mem_pin_piece(512 << 20, 4096), 32 << 20);	/* 16 pieces */
	CHECK_EQ(guest_mem_pin_piece(16 << 20, 4096), 16 << 20);	/* one */
}
