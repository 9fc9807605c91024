/*
 * The guest's hvterm console (vty@30000000, hvc0) on pvmm's stdin/stdout:
 * H_PUT_TERM_CHAR / H_GET_TERM_CHAR. A terminal on stdin is put in raw mode
 * and restored on every exit path; Ctrl-A x quits, Ctrl-A Ctrl-A sends a
 * Ctrl-A. A non-terminal stdin (scripts, /dev/null) is read as it is.
 */
#ifndef PVMM_CONSOLE_H
#define PVMM_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

struct vm;

int console_register_calls(void);
/* The stdin thread (console stdio), joined by console_stop; a thread that
 * cannot be made is a one-line error. */
int console_start(struct vm *vm);
void console_stop(void);
void console_restore(void);
/* Pack/unpack up to 16 console bytes into/from two registers (big-endian
 * byte order within each register, as PAPR defines). Pure, for tests. */
size_t console_unpack(uint64_t len, uint64_t hi, uint64_t lo, char *out);
void console_pack(const char *in, size_t len, uint64_t *hi, uint64_t *lo);
/* Queue guest input (what the stdin thread does; tests use it). */
void console_push_input(const char *buf, size_t len);

#endif
