/* The bare-metal payload library (see lib.h). */
#include "lib.h"

void payload_main(void);
void payload_start(const void *fdt, long entered_be);

void *memset(void *d, int c, size_t n)
{
	volatile unsigned char *p = d;	/* volatile: keep gcc from calling memset */
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	volatile unsigned char *dp = d;
	const unsigned char *sp = s;
	while (n--)
		*dp++ = *sp++;
	return d;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

long hcall(unsigned long opcode, unsigned long a0, unsigned long a1, unsigned long a2,
	   unsigned long a3, unsigned long *out)
{
	unsigned long r[9] = { a0, a1, a2, a3 };
	long ret = hcall9(opcode, r);

	if (out)
		memcpy(out, r, sizeof(r));
	return ret;
}

/* ---- console ---- */

static void put_chunk(const char *s, size_t n)
{
	unsigned long hi = 0, lo = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned long *reg = i < 8 ? &hi : &lo;
		*reg |= (unsigned long)(unsigned char)s[i] << (56 - 8 * (i % 8));
	}
	hcall(H_PUT_TERM_CHAR, VTY, n, hi, lo, NULL);
}

void putstr(const char *s)
{
	size_t n = strlen(s);

	while (n) {
		size_t c = n > 16 ? 16 : n;
		put_chunk(s, c);
		s += c;
		n -= c;
	}
}

static size_t fmt_num(char *b, unsigned long long v, int base, int neg)
{
	char t[24];
	size_t n = 0, o = 0;

	do {
		t[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		b[o++] = '-';
	while (n)
		b[o++] = t[--n];
	return o;
}

int vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
	size_t o = 0;

	for (; *fmt && o + 24 < len; fmt++) {
		int longs = 0;
		if (*fmt != '%') {
			buf[o++] = *fmt;
			continue;
		}
		fmt++;
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 'd': {
			long long v = longs ? va_arg(ap, long) : va_arg(ap, int);
			o += fmt_num(buf + o, v < 0 ? -(unsigned long long)v : (unsigned long long)v, 10, v < 0);
			break;
		}
		case 'u':
			o += fmt_num(buf + o, longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int), 10, 0);
			break;
		case 'x':
			o += fmt_num(buf + o, longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int), 16, 0);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			while (*s && o + 24 < len)
				buf[o++] = *s++;
			break;
		}
		case '%':
			buf[o++] = '%';
			break;
		default:
			buf[o++] = '?';
		}
	}
	buf[o] = '\0';
	return (int)o;
}

int snprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

int printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	putstr(buf);
	return n;
}

/* ---- device tree ---- */

#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9

static const uint8_t *dt, *dt_struct;
static const char *dt_strings;

uint32_t be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t be64(const void *p)
{
	return (uint64_t)be32(p) << 32 | be32((const uint8_t *)p + 4);
}

void fdt_set(const void *fdt)
{
	dt = fdt;
	dt_struct = dt + be32(dt + 8);
	dt_strings = (const char *)dt + be32(dt + 12);
}

const void *fdt_base(void)
{
	return dt;
}

static int align4(int off)
{
	return (off + 3) & ~3;
}

/* Walk from a BEGIN_NODE at off: call back for each direct child; returns
 * the offset after the node's END_NODE. */
static int skip_node(int off)
{
	int depth = 0;

	for (;;) {
		uint32_t tag = be32(dt_struct + off);
		off += 4;
		switch (tag) {
		case FDT_BEGIN_NODE:
			depth++;
			off = align4(off + strlen((const char *)dt_struct + off) + 1);
			break;
		case FDT_END_NODE:
			if (--depth == 0)
				return off;
			break;
		case FDT_PROP:
			off = align4(off + 8 + be32(dt_struct + off));
			break;
		case FDT_NOP:
			break;
		default:
			return -1;
		}
	}
}

/* From the tag at off on, the first node whose name matches name (exact,
 * or prefix when prefix is set), among siblings. */
static int sibling(int off, const char *name, int prefix)
{
	for (;;) {
		uint32_t tag = be32(dt_struct + off);
		if (tag == FDT_PROP) {
			off = align4(off + 12 + be32(dt_struct + off + 4));
		} else if (tag == FDT_NOP) {
			off += 4;
		} else if (tag == FDT_BEGIN_NODE) {
			const char *n = (const char *)dt_struct + off + 4;
			size_t l = strlen(name);
			if (prefix ? !strncmp(n, name, l) : !strcmp(n, name))
				return off;
			off = skip_node(off);
			if (off < 0)
				return -1;
		} else {
			return -1;
		}
	}
}

/* First child of the node at 'parent' whose name matches name. */
static int child(int parent, const char *name, int prefix)
{
	return sibling(align4(parent + 4 + strlen((const char *)dt_struct + parent + 4) + 1),
		       name, prefix);
}

int fdt_cpu_threads(uint32_t *ids, int max, int *cores)
{
	int cpus = fdt_node("/cpus"), n = 0, nodes = 0;

	for (int c = cpus < 0 ? -1 : child(cpus, "PowerPC,", 1); c >= 0;
	     c = skip_node(c) < 0 ? -1 : sibling(skip_node(c), "PowerPC,", 1)) {
		int len;
		const uint8_t *servers = fdt_prop(c, "ibm,ppc-interrupt-server#s", &len);

		if (!servers || len < 4 || len % 4)
			servers = fdt_prop(c, "reg", &len);
		if (!servers || len < 4)
			continue;
		nodes++;
		for (int i = 0; i < len / 4; i++, n++)
			if (n < max)
				ids[n] = be32(servers + 4 * i);
	}
	if (cores)
		*cores = nodes;
	return n;
}

int fdt_cpu_ids(uint32_t *ids, int max)
{
	return fdt_cpu_threads(ids, max, 0);
}

int fdt_node(const char *path)
{
	char part[64];
	int node = 0;

	while (*path == '/')
		path++;
	while (*path && node >= 0) {
		size_t n = 0;
		while (path[n] && path[n] != '/' && n < sizeof(part) - 1) {
			part[n] = path[n];
			n++;
		}
		part[n] = '\0';
		node = child(node, part, 0);
		path += n;
		while (*path == '/')
			path++;
	}
	return node;
}

int fdt_child_prefix(int parent, const char *prefix)
{
	return child(parent, prefix, 1);
}

int fdt_sibling_prefix(int node, const char *prefix)
{
	int next = node < 0 ? -1 : skip_node(node);

	return next < 0 ? -1 : sibling(next, prefix, 1);
}

const void *fdt_prop(int node, const char *name, int *len)
{
	int off;

	if (node < 0)
		return 0;
	off = align4(node + 4 + strlen((const char *)dt_struct + node + 4) + 1);
	while (be32(dt_struct + off) == FDT_PROP || be32(dt_struct + off) == FDT_NOP) {
		if (be32(dt_struct + off) == FDT_NOP) {
			off += 4;
			continue;
		}
		if (!strcmp(dt_strings + be32(dt_struct + off + 8), name)) {
			if (len)
				*len = be32(dt_struct + off + 4);
			return dt_struct + off + 12;
		}
		off = align4(off + 12 + be32(dt_struct + off + 4));
	}
	return 0;
}

int fdt_prop_next(int node, int prev, const char **name, const void **val, int *len)
{
	int off;

	if (node < 0)
		return -1;
	off = prev < 0 ? align4(node + 4 + strlen((const char *)dt_struct + node + 4) + 1) :
	      align4(prev + 12 + be32(dt_struct + prev + 4));
	while (be32(dt_struct + off) == FDT_NOP)
		off += 4;
	if (be32(dt_struct + off) != FDT_PROP)
		return -1;
	*name = dt_strings + be32(dt_struct + off + 8);
	*val = dt_struct + off + 12;
	*len = be32(dt_struct + off + 4);
	return off;
}

/* ---- RTAS ---- */

static void put_be32(uint32_t *p, uint32_t v)
{
	uint8_t *b = (uint8_t *)p;
	b[0] = v >> 24; b[1] = v >> 16; b[2] = v >> 8; b[3] = v;
}

int rtas_token(const char *name)
{
	int len;
	const void *p = fdt_prop(fdt_node("/rtas"), name, &len);

	return p && len == 4 ? (int)be32(p) : -1;
}

long rtas_raw(uint64_t buffer_gpa)
{
	return hcall(H_RTAS, buffer_gpa, 0, 0, 0, 0);
}

/* The buffer is on the caller's stack: each cpu has its own. */
int rtas_call(int token, int nargs, int nret, const uint32_t *args, uint32_t *rets)
{
	uint32_t rtas_buf[3 + 16] __attribute__((aligned(16)));

	put_be32(&rtas_buf[0], token);
	put_be32(&rtas_buf[1], nargs);
	put_be32(&rtas_buf[2], nret);
	for (int i = 0; i < nargs; i++)
		put_be32(&rtas_buf[3 + i], args[i]);
	for (int i = 0; i < nret; i++)
		put_be32(&rtas_buf[3 + nargs + i], 0xdeadbeef);
	if (rtas_raw((uint64_t)(uintptr_t)rtas_buf) != H_SUCCESS)
		return -99;
	for (int i = 0; i < nret; i++)
		rets[i] = be32(&rtas_buf[3 + nargs + i]);
	return nret ? (int)rets[0] : 0;
}

void power_off(void)
{
	uint32_t args[2] = { 0, 0 }, ret[1];

	rtas_call(rtas_token("power-off"), 2, 1, args, ret);
	for (;;)
		;
}

/* ---- a second cpu ---- */

void secondary_start(long entered_be);
static void (*volatile secondary_fn)(void);
volatile int secondary_entered_big_endian = -1;
static uint8_t secondary_stack[65536] __attribute__((aligned(16)));

void secondary_start(long entered_be)
{
	secondary_entered_big_endian = entered_be != 0;
	secondary_fn();
	cpu_stop_self();
}

void cpu_entry_set(void (*fn)(void))
{
	secondary_fn = fn;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

int cpu_start(uint32_t id, void (*fn)(void))
{
	uint32_t args[3] = { id, (uint32_t)(uintptr_t)secondary_entry,
			     (uint32_t)(uintptr_t)(secondary_stack + sizeof(secondary_stack)) };
	uint32_t ret[1];

	cpu_entry_set(fn);
	return rtas_call(rtas_token("start-cpu"), 3, 1, args, ret);
}

void cpu_stop_self(void)
{
	uint32_t ret[1];

	rtas_call(rtas_token("stop-self"), 0, 1, 0, ret);
	for (;;)
		;
}

int cpu_state(uint32_t id)
{
	uint32_t args[1] = { id }, rets[2];
	int st = rtas_call(rtas_token("query-cpu-stopped-state"), 1, 2, args, rets);

	return st ? st : (int)rets[1];
}

uint64_t tb_hz(void)
{
	int cpus = fdt_node("/cpus");
	int cpu = fdt_child_prefix(cpus, "PowerPC,");
	const void *p = fdt_prop(cpu, "timebase-frequency", 0);

	return p ? be32(p) : 512000000;
}

uint64_t ram_size(void)
{
	int len;
	const void *p = fdt_prop(fdt_node("/memory@0"), "reg", &len);

	return p && len == 16 ? be64((const uint8_t *)p + 8) : 0;
}

int boot_entered_big_endian;

void payload_start(const void *fdt, long entered_be)
{
	/* No .bss clearing: pvmm hands the payload fresh, zeroed RAM. */
	boot_entered_big_endian = entered_be != 0;
	fdt_set(fdt);
	payload_main();
	power_off();
}
