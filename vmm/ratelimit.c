/* Per-kind token buckets for guest-driven log lines (see ratelimit.h). */
#include "ratelimit.h"

#include <stdio.h>
#include <string.h>

void ratelimit_init(struct ratelimit *rl, unsigned int burst, uint64_t interval_ns,
		    const char *const *names, int nr_kinds)
{
	memset(rl, 0, sizeof(*rl));
	pthread_mutex_init(&rl->lock, NULL);
	rl->burst = burst;
	rl->interval_ns = interval_ns;
	rl->nr_kinds = nr_kinds < RATELIMIT_KINDS_MAX ? nr_kinds : RATELIMIT_KINDS_MAX;
	for (int i = 0; i < rl->nr_kinds; i++)
		rl->kinds[i].name = names[i];
}

/* Under the lock: the credit earned since the last refill, capped at a
 * full bucket. The clock may step back (another thread read it first):
 * that earns nothing. */
static void refill(const struct ratelimit *rl, struct ratelimit_kind *k, uint64_t now)
{
	uint64_t full = (uint64_t)rl->burst * rl->interval_ns, gain;

	if (!k->used) {
		k->used = true;
		k->credit_ns = full;
		k->last_ns = now;
		return;
	}
	if (now <= k->last_ns)
		return;
	gain = now - k->last_ns;
	k->credit_ns = gain >= full - k->credit_ns ? full : k->credit_ns + gain;
	k->last_ns = now;
}

bool ratelimit_take(struct ratelimit *rl, int kind, uint64_t now, uint64_t *reported)
{
	struct ratelimit_kind *k;
	bool ok;

	*reported = 0;
	if (kind < 0 || kind >= rl->nr_kinds)
		return true;
	k = &rl->kinds[kind];
	pthread_mutex_lock(&rl->lock);
	refill(rl, k, now);
	k->lines++;
	ok = k->credit_ns >= rl->interval_ns;
	if (ok) {
		k->credit_ns -= rl->interval_ns;
		k->printed++;
		*reported = k->pending;
		k->pending = 0;
	} else {
		k->suppressed++;
		k->pending++;
	}
	pthread_mutex_unlock(&rl->lock);
	return ok;
}

uint64_t ratelimit_flush(struct ratelimit *rl, int kind)
{
	uint64_t n = 0;

	if (kind < 0 || kind >= rl->nr_kinds)
		return 0;
	pthread_mutex_lock(&rl->lock);
	n = rl->kinds[kind].pending;
	rl->kinds[kind].pending = 0;
	pthread_mutex_unlock(&rl->lock);
	return n;
}

int ratelimit_snapshot(struct ratelimit *rl, struct ratelimit_kind *out, int max)
{
	int n;

	pthread_mutex_lock(&rl->lock);
	n = rl->nr_kinds < max ? rl->nr_kinds : max;
	memcpy(out, rl->kinds, n * sizeof(*out));
	pthread_mutex_unlock(&rl->lock);
	return n;
}

int ratelimit_format(char *buf, size_t len, const char *name, uint64_t n)
{
	return snprintf(buf, len, "%llu more %s lines suppressed (guest-driven, rate-limited)",
			(unsigned long long)n, name);
}
