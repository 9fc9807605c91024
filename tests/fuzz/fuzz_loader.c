/* Fuzz the ELF loader: any image must load inside guest RAM or be refused. */
#include "guest_mem.h"
#include "layout.h"
#include "loader.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct guest_mem mem;
	struct load_result r;
	char err[256];

	if (!mem.host) {
		mem.host = malloc(4 << 20);
		mem.size = 4 << 20;
	}
	if (load_elf(&mem, data, size, KERNEL_ADDR_DEFAULT, &r, err, sizeof(err)) == 0 && (r.end > mem.size || r.entry >= r.end))
		__builtin_trap();
	return 0;
}
