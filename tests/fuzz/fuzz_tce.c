/* Fuzz the user-mode TCE table: sequences of put/get/indirect/stuff with
 * guest-chosen arguments. Every mapping handed to the host side must be a
 * whole page inside guest RAM. */
#include "tce.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define RAM (256 * 1024)

static struct guest_mem mem;

static int check_map(void *o, uint64_t iova, uint64_t gpa, uint64_t size, uint64_t perm)
{
	(void)o; (void)iova;
	if (gpa >= RAM || size > RAM - gpa || !perm || perm & ~3ULL)
		__builtin_trap();
	return 0;
}

static int check_unmap(void *o, uint64_t iova, uint64_t size)
{
	(void)o; (void)iova; (void)size;
	return 0;
}

static const struct tce_ops ops = { check_map, check_unmap };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tce_window w;
	uint64_t v;

	if (!mem.host) {
		mem.host = malloc(RAM);
		mem.size = RAM;
	}
	if (size < 8)
		return 0;
	memset(mem.host, 0, RAM);
	memcpy(mem.host, data, size < RAM ? size : RAM);
	if (tce_window_init(&w, 1, (uint64_t)data[0] << 12, 64 << 12, 12, &mem, &ops, NULL, NULL))
		return 0;
	for (size_t off = 1; off + 25 <= size; off += 25) {
		uint64_t a, b, c;
		memcpy(&a, data + off + 1, 8);
		memcpy(&b, data + off + 9, 8);
		memcpy(&c, data + off + 17, 8);
		switch (data[off] % 4) {
		case 0: tce_put(&w, a, b); break;
		case 1: tce_get(&w, a, &v); break;
		case 2: tce_put_indirect(&w, a, b, c); break;
		case 3: tce_stuff(&w, a, b, c); break;
		}
	}
	if (!tce_window_inside_ram(&w, &v))
		__builtin_trap();
	tce_window_free(&w);
	return 0;
}
