/* What several unit tests share: a guest with RAM and no KVM, and the
 * golden-blob comparison. */
#ifndef PVMM_TEST_SUPPORT_H
#define PVMM_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

struct vm;

/* A struct vm with default settings, no console and ram bytes of zeroed
 * guest RAM (free vm->mem.host after). */
void test_vm_init(struct vm *vm, size_t ram);

/* CHECKs that the flattened tree at fdt is byte-for-byte
 * tests/unit/golden/<name>.dtb; UPDATE_GOLDEN=1 rewrites that file. */
void check_golden_dtb(const void *fdt, const char *name);

/* What pvmm prints on stderr between the two calls (a static buffer,
 * the first 4 KiB); the lines do not reach the terminal meanwhile. */
void stderr_capture_begin(void);
const char *stderr_capture_end(void);

/* jsonq's answer to PATH [FIELD] over TEXT (keys: -k), its lines joined by
 * '|'; "parse error: ..." or "bad path" when jsonq refuses. Static buffer. */
const char *json_query_text(const char *text, const char *path, const char *field, bool keys);

#endif
