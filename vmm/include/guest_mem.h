/*
 * Guest RAM and the one bounds-checked accessor through which pvmm reads or
 * writes it. Every guest-supplied address goes through guest_ptr(): it
 * returns NULL unless [gpa, gpa + len) lies wholly inside guest RAM.
 */
#ifndef PVMM_GUEST_MEM_H
#define PVMM_GUEST_MEM_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct guest_mem {
	uint8_t *host;		/* host mapping of guest physical 0 */
	uint64_t size;		/* bytes of guest RAM */
	uint64_t map_size;	/* of the mapping: size rounded up to whole pages */
	uint64_t page_size;	/* of the host pages backing it (huge or not) */
};

static inline bool guest_range_ok(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	return gpa <= m->size && len <= m->size - gpa;
}

static inline void *guest_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	if (!m->host || !guest_range_ok(m, gpa, len))
		return NULL;
	return m->host + gpa;
}

/* Anonymous memory, or huge pages (the host's default size, reserved in
 * /proc/sys/vm/nr_hugepages) when huge; -errno on failure. */
int guest_mem_alloc(struct guest_mem *m, uint64_t size, bool huge);
void guest_mem_free(struct guest_mem *m);

/*
 * Guest RAM is pinned for VFIO a piece at a time, each piece registered
 * on its own: a registration holds the host mm's lock throughout, and a
 * thread that maps memory meanwhile (or a guest page fault queued behind
 * it) waits for the whole registration. At most GUEST_PIN_PIECES_MAX
 * pieces, since the kernel looks a TCE's piece up in a list; each of at
 * least GUEST_PIN_PIECE_MIN and whole host pages, the last one shorter.
 */
#define GUEST_PIN_PIECES_MAX	16
#define GUEST_PIN_PIECE_MIN	(32ULL << 20)
uint64_t guest_mem_pin_piece(uint64_t size, uint64_t page_size);

#endif
