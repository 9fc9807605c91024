/* ratelimit.c: the per-kind token bucket; util.c's guest-log scopes; the
 * counts in the exit summary and the JSON. */
#include "test.h"
#include "json.h"
#include "support.h"
#include "ratelimit.h"
#include "spapr.h"
#include "spapr_ddw.h"
#include "stats.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>

#define MS 1000000ULL

static const char *const names[] = { "a", "b" };

TEST(ratelimit_burst_then_suppressed)
{
	struct ratelimit rl;
	uint64_t rep;

	ratelimit_init(&rl, 3, 1000 * MS, names, 2);
	for (int i = 0; i < 3; i++) {
		CHECK(ratelimit_take(&rl, 0, 5 * MS, &rep));
		CHECK_EQ(rep, 0);
	}
	CHECK(!ratelimit_take(&rl, 0, 5 * MS, &rep));
	CHECK(!ratelimit_take(&rl, 0, 6 * MS, &rep));
	CHECK_EQ(rl.kinds[0].lines, 5);
	CHECK_EQ(rl.kinds[0].printed, 3);
	CHECK_EQ(rl.kinds[0].suppressed, 2);
	/* Kinds are independent: b still has its whole burst. */
	CHECK(ratelimit_take(&rl, 1, 6 * MS, &rep));
	CHECK_EQ(rl.kinds[1].printed, 1);
	/* A kind out of range is never limited nor counted. */
	CHECK(ratelimit_take(&rl, 2, 6 * MS, &rep));
	CHECK(ratelimit_take(&rl, -1, 6 * MS, &rep));
}

TEST(ratelimit_refill_reports_the_suppressed_first)
{
	struct ratelimit rl;
	uint64_t rep;

	ratelimit_init(&rl, 2, 1000 * MS, names, 2);
	CHECK(ratelimit_take(&rl, 0, 0, &rep));
	CHECK(ratelimit_take(&rl, 0, 0, &rep));
	for (int i = 0; i < 7; i++)
		CHECK(!ratelimit_take(&rl, 0, 10 * MS, &rep));
	CHECK(!ratelimit_take(&rl, 0, 999 * MS, &rep));		/* one line's credit not earned yet */
	CHECK(ratelimit_take(&rl, 0, 1000 * MS, &rep));		/* earned: prints, after the 8 before it */
	CHECK_EQ(rep, 8);
	CHECK(!ratelimit_take(&rl, 0, 1000 * MS, &rep));
	CHECK_EQ(rep, 0);
	/* A long quiet time refills the bucket, never past the burst. */
	CHECK(ratelimit_take(&rl, 0, 100000 * MS, &rep));
	CHECK_EQ(rep, 1);
	CHECK(ratelimit_take(&rl, 0, 100000 * MS, &rep));
	CHECK_EQ(rep, 0);
	CHECK(!ratelimit_take(&rl, 0, 100000 * MS, &rep));
	/* A clock read earlier by another thread earns nothing. */
	CHECK(!ratelimit_take(&rl, 0, 50000 * MS, &rep));
	CHECK_EQ(rl.kinds[0].lines, 16);
	CHECK_EQ(rl.kinds[0].printed, 5);
	CHECK_EQ(rl.kinds[0].suppressed, 11);
}

TEST(ratelimit_flush_and_summary_line)
{
	struct ratelimit rl;
	char line[128];
	uint64_t rep;

	ratelimit_init(&rl, 1, 1000 * MS, names, 2);
	CHECK(ratelimit_take(&rl, 1, 0, &rep));
	for (int i = 0; i < 41; i++)
		ratelimit_take(&rl, 1, 0, &rep);
	CHECK_EQ(ratelimit_flush(&rl, 0), 0);
	CHECK_EQ(ratelimit_flush(&rl, 1), 41);
	CHECK_EQ(ratelimit_flush(&rl, 1), 0);		/* reported once */
	CHECK_EQ(rl.kinds[1].suppressed, 41);		/* still counted */
	/* Reported at exit: the next line that gets through reports none. */
	CHECK(ratelimit_take(&rl, 1, 1000 * MS, &rep));
	CHECK_EQ(rep, 0);
	ratelimit_format(line, sizeof(line), "ddw", 41);
	CHECK(!strcmp(line, "41 more ddw lines suppressed (guest-driven, rate-limited)"));
}

struct flood {
	struct ratelimit *rl;
	int kind;
	uint64_t printed;
};

static void *flood_thread(void *arg)
{
	struct flood *f = arg;
	uint64_t rep;

	for (int i = 0; i < 20000; i++)
		f->printed += ratelimit_take(f->rl, f->kind, (uint64_t)i * MS / 10, &rep);
	return NULL;
}

/* Four vcpus at once on one kind: every line counted once, and no more
 * printed than the burst and the refill allow (20000 lines over 2 s). */
TEST(ratelimit_threads_count_every_line)
{
	struct ratelimit rl;
	struct flood f[4];
	pthread_t t[4];
	uint64_t printed = 0;

	ratelimit_init(&rl, 5, 1000 * MS, names, 2);
	for (int i = 0; i < 4; i++) {
		f[i] = (struct flood){ &rl, 0, 0 };
		CHECK_EQ(pthread_create(&t[i], NULL, flood_thread, &f[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		printed += f[i].printed;
	}
	CHECK_EQ(rl.kinds[0].lines, 80000);
	CHECK_EQ(rl.kinds[0].printed, printed);
	CHECK_EQ(rl.kinds[0].printed + rl.kinds[0].suppressed, 80000);
	CHECK(printed >= 5 && printed <= 5 + 2);
}

static uint64_t guest_lines(int kind)
{
	struct ratelimit_kind k[RATELIMIT_KINDS_MAX];

	ratelimit_snapshot(&guest_log, k, RATELIMIT_KINDS_MAX);
	return k[kind].lines;
}

/* A scope makes every pr_* line of the thread its kind's; the innermost
 * wins; outside any scope nothing is counted. */
TEST(guest_log_scope_counts_every_line)
{
	uint64_t pci = guest_lines(GUEST_LOG_PCI), mmio = guest_lines(GUEST_LOG_MMIO_NO_DEVICE);

	pr_info("unit test: a line outside any scope");
	CHECK_EQ(guest_lines(GUEST_LOG_PCI), pci);
	{
		GUEST_LOG_SCOPE(GUEST_LOG_PCI);
		pr_warn("unit test: a line in the pci scope");
		pr_guest(GUEST_LOG_MMIO_NO_DEVICE, pr_err, "unit test: %s", "an mmio line inside it");
		pr_err("unit test: the pci scope again");
	}
	pr_info("unit test: after the scope");
	CHECK_EQ(guest_lines(GUEST_LOG_PCI), pci + 2);
	CHECK_EQ(guest_lines(GUEST_LOG_MMIO_NO_DEVICE), mmio + 1);
}

static int noisy_create(void *o, unsigned int slot, uint32_t liobn, uint32_t page_shift,
			uint64_t size, uint64_t *start)
{
	(void)o; (void)slot; (void)page_shift; (void)size;
	pr_info("unit test: host side of liobn 0x%x created", liobn);
	*start = 1ULL << 59;
	return 0;
}

static void noisy_remove(void *o, unsigned int slot, uint64_t *hcalls)
{
	(void)o; (void)slot;
	pr_err("unit test: host side removed");
	*hcalls = 0;
}

static int any_addr(void *o, uint32_t cfg_addr, uint64_t buid)
{
	(void)o; (void)cfg_addr; (void)buid;
	return RTAS_OUT_SUCCESS;
}

/* Whatever the host side of a DDW create or remove prints is ddw's. */
TEST(guest_log_ddw_host_side_is_ddw)
{
	static const struct ddw_ops ops = { noisy_create, noisy_remove, any_addr };
	uint64_t before = guest_lines(GUEST_LOG_DDW), start;
	struct ddw d;
	uint32_t liobn;

	ddw_init(&d, true, 2, DDW_PGSIZE_4K, 1ULL << 30, 0x80000000u, 1ULL << 28, 12, &ops, NULL);
	CHECK_EQ(ddw_create(&d, 12, 20, &liobn, &start), RTAS_OUT_SUCCESS);
	CHECK_EQ(ddw_remove(&d, liobn), RTAS_OUT_SUCCESS);
	CHECK_EQ(guest_lines(GUEST_LOG_DDW), before + 2);
}

/* The counts per kind in the text summary and the JSON. */
TEST(stats_report_guest_log)
{
	struct ratelimit rl;
	struct stats s;
	char buf[8192];
	uint64_t rep;
	FILE *f;

	ratelimit_init(&rl, 3, 1000 * MS, names, 2);
	for (int i = 0; i < 5; i++)
		ratelimit_take(&rl, 0, 0, &rep);
	stats_init(&s);
	s.log_limit = &rl;
	{
		struct json j;
		f = fmemopen(buf, sizeof(buf), "w");
		json_init(&j, f, 2);
		json_object_begin(&j, NULL);
		stats_write_json(&s, &j);
		json_object_end(&j);
		CHECK_EQ(json_finish(&j), 0);
		fclose(f);
	}
	CHECK(!strcmp(json_query_text(buf, "guest_log[kind=a]", "lines", false), "5"));
	CHECK(!strcmp(json_query_text(buf, "guest_log[kind=a]", "printed", false), "3"));
	CHECK(!strcmp(json_query_text(buf, "guest_log[kind=a]", "suppressed", false), "2"));
	CHECK(!strcmp(json_query_text(buf, "guest_log[kind=b]", "lines", false), "0"));
	f = fmemopen(buf, sizeof(buf), "w");
	stats_print(&s, f);
	fclose(f);
	CHECK_STR_CONTAINS(buf, "pvmm: guest-driven log lines, a: 5, 3 printed, 2 suppressed\n");
	CHECK(!strstr(buf, "log lines, b"));		/* text: only kinds with lines */
	stats_free(&s);
}
