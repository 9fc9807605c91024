/* Fuzz the INI configuration: any file must parse or fail with one line. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct vm_config cfg;
	char err[CONFIG_ERR_LEN];
	FILE *f;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/pvmm-fuzz-%d.ini", (int)getpid());
	f = fopen(path, "w");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	config_defaults(&cfg);
	if (config_load_file(&cfg, path, err, sizeof(err)) == 0)
		config_validate(&cfg, path, err, sizeof(err));
	else if (strchr(err, '\n'))
		__builtin_trap();	/* errors are one line */
	/* and the same bytes as a command-line value for every key */
	{
		static const char *keys[] = { "vm:memory", "vm:vcpus", "vm:cmdline", "vm:console",
					      "pci:host", "pci:tce", "pci:ddw", "vm:kernel", "vm:rtc_base",
					      "vm:kernel_addr", "vm:threads" };
		char value[256];
		size_t n = size < sizeof(value) - 1 ? size : sizeof(value) - 1;
		memcpy(value, data, n);
		value[n] = '\0';
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			config_set(&cfg, "command line", keys[i], value, NULL, err, sizeof(err));
	}
	return 0;
}
