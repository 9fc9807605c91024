/* What several unit tests share (see support.h). */
#include "support.h"
#include "test.h"
#include "config.h"
#include "vm.h"
#include "jsonq.h"

#include <libfdt.h>
#include <stdlib.h>

void test_vm_init(struct vm *vm, size_t ram)
{
	vm_init_struct(vm);
	config_defaults(&vm->cfg);
	vm->cfg.console = CONSOLE_NONE;
	vm->mem.host = calloc(1, ram);
	vm->mem.size = ram;
}

void check_golden_dtb(const void *fdt, const char *name)
{
	static char gold[65536];
	char path[256];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dtb", GOLDEN_DIR, name);
	if (getenv("UPDATE_GOLDEN") && (f = fopen(path, "wb"))) {
		fwrite(fdt, 1, fdt_totalsize(fdt), f);
		fclose(f);
	}
	f = fopen(path, "rb");
	CHECK(f != NULL);
	if (!f)
		return;
	n = fread(gold, 1, sizeof(gold), f);
	fclose(f);
	CHECK_EQ(n, fdt_totalsize(fdt));
	CHECK(n == fdt_totalsize(fdt) && !memcmp(gold, fdt, n));
}

const char *json_query_text(const char *text, const char *path, const char *field, bool keys)
{
	static char out[2048];
	struct jq_doc d;
	FILE *f;
	int n;

	memset(out, 0, sizeof(out));
	if (jq_parse(&d, text, strlen(text))) {
		snprintf(out, sizeof(out), "parse error: %s at %zu", d.error, d.error_at);
		jq_free(&d);
		return out;
	}
	f = fmemopen(out, sizeof(out) - 1, "w");
	n = jq_query(&d, path, field ? &field : NULL, field ? 1 : 0, keys, f);
	fclose(f);
	jq_free(&d);
	for (char *p = out; *p; p++)
		if (*p == '\n')
			*p = p[1] ? '|' : 0;
	return n < 0 ? "bad path" : out;
}
