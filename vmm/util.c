/* Logging and time (see util.h). */
#include "util.h"
#include "ratelimit.h"

#include <stdarg.h>
#include <time.h>

int log_verbose;

struct ratelimit guest_log = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.burst = GUEST_LOG_BURST,
	.interval_ns = GUEST_LOG_INTERVAL_NS,
	.nr_kinds = GUEST_LOG_KINDS,
	.kinds = {
		[GUEST_LOG_DDW] = { .name = "ddw" },
		[GUEST_LOG_MMIO_NO_DEVICE] = { .name = "mmio-no-device" },
		[GUEST_LOG_HCALL_REFUSED] = { .name = "hcall-refused" },
		[GUEST_LOG_RTAS_REFUSED] = { .name = "rtas-refused" },
		[GUEST_LOG_PCI] = { .name = "pci" },
		[GUEST_LOG_EEH] = { .name = "eeh" },
	},
};

static _Thread_local int guest_log_kind = GUEST_LOG_NONE;

int guest_log_enter(int kind)
{
	int prev = guest_log_kind;

	guest_log_kind = kind;
	return prev;
}

void guest_log_restore(int *prev)
{
	guest_log_kind = *prev;
}

static void report_suppressed(int kind, uint64_t n)
{
	char line[128];

	ratelimit_format(line, sizeof(line), guest_log.kinds[kind].name, n);
	fprintf(stderr, "pvmm: %s\n", line);
}

void guest_log_flush(void)
{
	for (int k = 0; k < GUEST_LOG_KINDS; k++) {
		uint64_t n = ratelimit_flush(&guest_log, k);
		if (n)
			report_suppressed(k, n);
	}
}

static void vlog(const char *prefix, const char *fmt, va_list ap)
{
	char line[1024];
	uint64_t dropped = 0;

	if (guest_log_kind != GUEST_LOG_NONE &&
	    !ratelimit_take(&guest_log, guest_log_kind, now_ns(), &dropped))
		return;
	if (dropped)
		report_suppressed(guest_log_kind, dropped);
	vsnprintf(line, sizeof(line), fmt, ap);
	/* One write per message: vcpu threads log concurrently. */
	fprintf(stderr, "pvmm: %s%s\n", prefix, line);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("error: ", fmt, ap);
	va_end(ap);
}

void pr_debug(const char *fmt, ...)
{
	va_list ap;
	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vlog("debug: ", fmt, ap);
	va_end(ap);
}

uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}
