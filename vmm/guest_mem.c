/* Guest RAM allocation (see guest_mem.h). */
#include "guest_mem.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* The default huge page size (Hugepagesize in /proc/meminfo), 0 if none. */
static uint64_t default_huge_page(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Hugepagesize: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

int guest_mem_alloc(struct guest_mem *m, uint64_t size, bool huge)
{
	uint64_t page = huge ? default_huge_page() : (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t map_size;
	void *p;

	if (!page)
		return -ENOTSUP;
	map_size = (size + page - 1) / page * page;
	/* Huge pages are reserved at mmap time, so a shortage fails here and
	 * not at a guest fault; ordinary RAM is committed as the guest uses it. */
	p = mmap(NULL, map_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | (huge ? MAP_HUGETLB : MAP_NORESERVE), -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	m->host = p;
	m->size = size;
	m->map_size = map_size;
	m->page_size = page;
	return 0;
}

void guest_mem_free(struct guest_mem *m)
{
	if (m->host)
		munmap(m->host, m->map_size);
	m->host = NULL;
	m->size = m->map_size = 0;
}

uint64_t guest_mem_pin_piece(uint64_t size, uint64_t page_size)
{
	uint64_t piece = size / GUEST_PIN_PIECES_MAX;

	if (piece < GUEST_PIN_PIECE_MIN)
		piece = GUEST_PIN_PIECE_MIN;
	piece = ALIGN_UP(piece, page_size ? page_size : 4096);
	return piece < size ? piece : size;
}
