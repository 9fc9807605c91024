/*
 * Log lines a guest can cause, rate-limited per kind: a token bucket of
 * `burst` lines that refills one line per `interval_ns`. A line that finds
 * the bucket empty is suppressed and counted; the next line of its kind
 * that gets through is preceded by one "N more ... suppressed" line, and
 * so is the exit (ratelimit_flush). Pure and thread-safe: the caller
 * passes the time, so tests drive the clock.
 */
#ifndef PVMM_RATELIMIT_H
#define PVMM_RATELIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_KINDS_MAX 8

struct ratelimit_kind {
	const char *name;
	uint64_t lines;		/* asked to print, suppressed or not */
	uint64_t printed;
	uint64_t suppressed;	/* in all */
	uint64_t pending;	/* suppressed since the last one printed, not reported yet */
	uint64_t credit_ns;	/* burst * interval_ns when full; a line costs interval_ns */
	uint64_t last_ns;	/* when credit_ns was last refilled */
	bool used;		/* credit_ns is meaningful (full before the first line) */
};

struct ratelimit {
	pthread_mutex_t lock;
	unsigned int burst;
	uint64_t interval_ns;
	int nr_kinds;
	struct ratelimit_kind kinds[RATELIMIT_KINDS_MAX];
};

void ratelimit_init(struct ratelimit *rl, unsigned int burst, uint64_t interval_ns,
		    const char *const *names, int nr_kinds);
/* A line of `kind` at time now: whether it may print. *reported: the lines
 * of that kind suppressed before it, to report first (0: none). A kind out
 * of range is never limited. */
bool ratelimit_take(struct ratelimit *rl, int kind, uint64_t now, uint64_t *reported);
/* The suppressed lines of `kind` not reported yet, now reported. */
uint64_t ratelimit_flush(struct ratelimit *rl, int kind);
/* The counters of every kind, copied under the lock; returns nr_kinds. */
int ratelimit_snapshot(struct ratelimit *rl, struct ratelimit_kind *out, int max);
/* The line that reports n suppressed lines of `name` (no "pvmm: " prefix). */
int ratelimit_format(char *buf, size_t len, const char *name, uint64_t n);

#endif
