/* Fuzz the device tree builder with arbitrary VM shapes; every blob that
 * builds must be a valid tree that libfdt can walk. */
#include "console.h"
#include "fdt_builder.h"
#include "layout.h"
#include "spapr_rtas.h"
#include "spapr_hcall.h"

#include <string.h>
#include <libfdt.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[FDT_SIZE_MIN];
	static int registered;
	struct fdt_params p;
	char cmdline[512];
	size_t n;

	if (size < 24)
		return 0;
	if (!registered) {
		spapr_rtas_init();
		console_register_calls();
		registered = 1;
	}
	memset(&p, 0, sizeof(p));
	p.nr_vcpus = 1 + data[0] % 64;
	p.ram_size = ((uint64_t)data[1] + 1) * 64 * MiB;
	p.initrd_size = data[2] ? (uint64_t)data[2] << 16 : 0;
	p.initrd_gpa = (uint64_t)data[3] << 20;
	p.rtas_gpa = layout_for_ram(p.ram_size).rtas_gpa;
	p.rtas_size = RTAS_SIZE;
	memcpy(&p.cpu.pvr, data + 4, 4);
	p.cpu.name = fdt_cpu_name(p.cpu.pvr);
	memcpy(&p.cpu.timebase_hz, data + 8, 4);
	p.cpu.nr_radix_ap = data[12] % (FDT_RADIX_AP_MAX + 1);
	for (int i = 0; i < p.cpu.nr_radix_ap; i++)
		p.cpu.radix_ap[i] = data[13] * (i + 1);
	n = size - 24 < sizeof(cmdline) - 1 ? size - 24 : sizeof(cmdline) - 1;
	memcpy(cmdline, data + 24, n);
	cmdline[n] = '\0';
	p.cmdline = cmdline;
	if (fdt_build(buf, (data[14] & 1) ? sizeof(buf) : 2048, &p) == 0) {
		int depth = 0, node = 0;
		if (fdt_check_header(buf))
			__builtin_trap();
		while (node >= 0) {
			int prop;
			fdt_for_each_property_offset(prop, buf, node) {
				int len;
				const char *name;
				fdt_getprop_by_offset(buf, prop, &name, &len);
			}
			node = fdt_next_node(buf, node, &depth);
		}
	}
	return 0;
}
