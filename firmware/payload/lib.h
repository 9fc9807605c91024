/* The bare-metal payload library: hcalls, console, RTAS, device tree. */
#ifndef PAYLOAD_LIB_H
#define PAYLOAD_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define H_SUCCESS	0
#define H_FUNCTION	-2
#define H_PARAMETER	-4
#define H_GET_TCE	0x1c
#define H_PUT_TCE	0x20
#define H_PUT_TERM_CHAR	0x58
#define H_PROD		0xe8
#define H_CONFER	0xe4
#define H_PUT_TCE_INDIRECT 0x13c
#define H_STUFF_TCE	0x138
#define H_RTAS		0xf000
#define VTY		0x30000000UL

long hcall9(unsigned long opcode, unsigned long regs[9]);
uint64_t read_tb(void);
/* hcall with up to 7 inputs; outputs (r4..) go to out[] when not NULL. */
long hcall(unsigned long opcode, unsigned long a0, unsigned long a1, unsigned long a2,
	   unsigned long a3, unsigned long *out);

void putstr(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vsnprintf(char *buf, size_t len, const char *fmt, va_list ap);
int snprintf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* Device tree (big-endian): find a node by path, or the first child of a
 * node whose name starts with prefix; read a property. Offsets are byte
 * offsets into the structure block, -1 when absent. */
void fdt_set(const void *fdt);
const void *fdt_base(void);		/* totalsize is its second cell */
int fdt_node(const char *path);
int fdt_child_prefix(int parent, const char *prefix);
/* The next sibling after the node at node whose name starts with prefix. */
int fdt_sibling_prefix(int node, const char *prefix);
const void *fdt_prop(int node, const char *name, int *len);
/* The node's properties one at a time: prev -1 for the first, then what
 * the previous call returned; -1 after the last. */
int fdt_prop_next(int node, int prev, const char **name, const void **val, int *len);
/* The cpu ids (every thread of every /cpus/PowerPC,* node, from
 * ibm,ppc-interrupt-server#s, or the node's reg), up to max; returns how
 * many there are. fdt_cpu_threads also counts the nodes (cores). */
int fdt_cpu_ids(uint32_t *ids, int max);
int fdt_cpu_threads(uint32_t *ids, int max, int *cores);
uint32_t be32(const void *p);
uint64_t be64(const void *p);

/* RTAS through H_RTAS; returns the first return cell (status). */
int rtas_token(const char *name);
int rtas_call(int token, int nargs, int nret, const uint32_t *args, uint32_t *rets);
/* Raw RTAS: hand H_RTAS any buffer (for hostile tests). */
long rtas_raw(uint64_t buffer_gpa);
void power_off(void) __attribute__((noreturn));

/* A second cpu: start cpu id (RTAS start-cpu) on the one spare stack; it
 * runs fn, then stops itself (stop-self). Returns the RTAS status. Only one
 * started cpu at a time. */
int cpu_start(uint32_t id, void (*fn)(void));
/* What a cpu started at secondary_entry (crt0.S) runs, on the stack whose
 * top start-cpu's third argument gives it: for cpus started with stacks
 * of their own (several at once). */
void cpu_entry_set(void (*fn)(void));
extern char secondary_entry[];
/* How the boot cpu and the last started cpu came in (crt0.S's endianness
 * fix-up): 1 big-endian, 0 little-endian; -1 no cpu started yet. */
extern int boot_entered_big_endian;
extern volatile int secondary_entered_big_endian;
/* stop-self: does not return. */
void cpu_stop_self(void) __attribute__((noreturn));
/* query-cpu-stopped-state: 0 stopped, 2 running; a negative RTAS status. */
int cpu_state(uint32_t id);

uint64_t tb_hz(void);
uint64_t ram_size(void);

#endif
