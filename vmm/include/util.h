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

/*
 * Lines a guest can cause at will (a loop of DDW calls, of loads where no
 * device is, of refused calls) are rate-limited per kind (ratelimit.h:
 * GUEST_LOG_BURST lines, then one per GUEST_LOG_INTERVAL_NS) and counted
 * in the exit summary and the JSON. Inside a guest-log scope every pr_*
 * line of the thread, from whichever file, counts as that kind: DDW's
 * host side prints from the DMA, VFIO and KVM layers. The innermost scope
 * wins. pr_guest(kind, pr_warn, fmt, ...) is one line in a scope of its own.
 */
enum guest_log_kind {
	GUEST_LOG_NONE = -1,
	GUEST_LOG_DDW,			/* creating, removing, resetting a DMA window */
	GUEST_LOG_MMIO_NO_DEVICE,	/* an MMIO exit no device claims */
	GUEST_LOG_HCALL_REFUSED,	/* H_FUNCTION */
	GUEST_LOG_RTAS_REFUSED,		/* unknown token, bad buffer */
	GUEST_LOG_PCI,			/* config space, MSI changes, trapped BARs */
	GUEST_LOG_EEH,			/* EEH's RTAS calls and the PE operations they ask for */
	GUEST_LOG_KINDS
};
#define GUEST_LOG_BURST 10
#define GUEST_LOG_INTERVAL_NS (5 * 1000000000ULL)

struct ratelimit;
extern struct ratelimit guest_log;
/* Enter a scope of `kind`: returns the scope it replaces. */
int guest_log_enter(int kind);
void guest_log_restore(int *prev);
#define GUEST_LOG_CAT_(a, b) a##b
#define GUEST_LOG_NAME_(n) GUEST_LOG_CAT_(guest_log_prev_, n)	/* scopes may nest */
#define GUEST_LOG_SCOPE(kind) \
	int GUEST_LOG_NAME_(__COUNTER__) __attribute__((cleanup(guest_log_restore), unused)) = \
		guest_log_enter(kind)
#define pr_guest(kind, pr, ...) do { GUEST_LOG_SCOPE(kind); pr(__VA_ARGS__); } while (0)
/* At exit: one line per kind with lines suppressed since its last one. */
void guest_log_flush(void);

uint64_t now_ns(void);

#endif
