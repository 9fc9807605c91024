/* Guest RAM allocation (see guest_mem.h). */
#include "guest_mem.h"

#include <errno.h>
#include <sys/mman.h>

int guest_mem_alloc(struct guest_mem *m, uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	m->host = p;
	m->size = size;
	return 0;
}

void guest_mem_free(struct guest_mem *m)
{
	if (m->host)
		munmap(m->host, m->size);
	m->host = NULL;
	m->size = 0;
}
