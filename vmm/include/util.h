/* Small helpers shared by every pvmm module: byte order, logging, rounding. */
#ifndef PVMM_UTIL_H
#define PVMM_UTIL_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define KiB (1024ULL)
#define MiB (1024ULL * KiB)
#define GiB (1024ULL * MiB)

/* The device tree and RTAS buffers are big-endian whatever the host is:
 * always go through these byte-wise accessors. */
static inline uint32_t load_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}
static inline void store_be32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = v >> 24; b[1] = v >> 16; b[2] = v >> 8; b[3] = v;
}
static inline uint64_t load_be64(const void *p)
{
	return (uint64_t)load_be32(p) << 32 | load_be32((const uint8_t *)p + 4);
}
static inline void store_be64(void *p, uint64_t v)
{
	store_be32(p, v >> 32);
	store_be32((uint8_t *)p + 4, (uint32_t)v);
}

/* Messages go to stderr so that the guest console on stdout stays clean. */
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int log_verbose;

uint64_t now_ns(void);

#endif
