/* What several unit tests share (see support.h). */
#include "support.h"
#include "test.h"
#include "config.h"
#include "vm.h"
#include "jsonq.h"

#include <libfdt.h>
#include <stdlib.h>
#include <unistd.h>

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
	size_t n = fdt_totalsize(fdt), got;
	char path[256];
	char *gold;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dtb", GOLDEN_DIR, name);
	if (getenv("UPDATE_GOLDEN") && (f = fopen(path, "wb"))) {
		fwrite(fdt, 1, n, f);
		fclose(f);
	}
	f = fopen(path, "rb");
	CHECK(f != NULL);
	if (!f)
		return;
	/* one byte more than the tree: a longer file shows as a size mismatch */
	gold = malloc(n + 1);
	got = gold ? fread(gold, 1, n + 1, f) : 0;
	fclose(f);
	CHECK_EQ(got, n);
	CHECK(gold && got == n && !memcmp(gold, fdt, n));
	free(gold);
}

/* fd 2 into a temporary file while captured: pvmm's pr_* lines write
 * there through stderr (unbuffered). */
static FILE *captured;
static int saved_stderr = -1;

void stderr_capture_begin(void)
{
	fflush(stderr);
	captured = tmpfile();
	saved_stderr = captured ? dup(2) : -1;
	if (saved_stderr >= 0)
		dup2(fileno(captured), 2);
}

const char *stderr_capture_end(void)
{
	static char text[4096];
	size_t n = 0;

	fflush(stderr);
	if (saved_stderr >= 0) {
		dup2(saved_stderr, 2);
		close(saved_stderr);
		saved_stderr = -1;
	}
	if (captured) {
		rewind(captured);
		n = fread(text, 1, sizeof(text) - 1, captured);
		fclose(captured);
		captured = NULL;
	}
	text[n] = '\0';
	return text;
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
