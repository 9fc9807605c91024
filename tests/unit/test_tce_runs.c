/* tce_run_next and the batched TCE hcalls against the per-entry model
 * (tce_model.h): random lists from a fixed seed, calls counted, host
 * calls failed on purpose. */
#include "test.h"
#include "tce_model.h"
#include "util.h"

#include <stdlib.h>

#define RAM		(4 * 1024 * 1024)
#define LIST_GPA	(RAM - 4096)
#define WIN_START	(1ULL << 24)
#define N		256			/* window entries */

static struct guest_mem mem;
static uint64_t seed;

static uint64_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* A TCE granting access to a random page of guest RAM, or none. */
static uint64_t random_tce(uint32_t shift)
{
	uint64_t pages = RAM >> shift;

	return rnd() % 6 ? ((rnd() % pages) << shift) | (1 + rnd() % 3) : 0;
}

/* Lists with runs in them: mostly the next guest page after the entry
 * before, sometimes another permission, another page or no access. */
static void random_list(uint64_t *list, uint64_t n, uint32_t shift)
{
	uint64_t page = 1ULL << shift;

	for (uint64_t i = 0; i < n; i++) {
		uint64_t prev = i ? list[i - 1] : 0, next = (prev & ~(page - 1)) + page;
		unsigned int r = rnd() % 10;
		if (i && prev & TCE_PERM_MASK && next < RAM && r < 7)
			list[i] = next | (r ? prev & TCE_PERM_MASK : 1 + rnd() % 3);
		else
			list[i] = random_tce(shift);
	}
}

static void mem_init(void)
{
	if (!mem.host) {
		mem.host = calloc(1, RAM);
		mem.size = RAM;
	}
}

/* ---- the runs themselves ---- */

/* Does next extend a run ending with prev? The rule, restated here. */
static bool joins(uint64_t prev, uint64_t next, uint32_t shift, enum tce_run_kind kind)
{
	uint64_t page = 1ULL << shift;

	if (!(prev & TCE_PERM_MASK) || !(next & TCE_PERM_MASK))
		return false;
	return kind == TCE_RUN_UNMAP || ((prev & 3) == (next & 3) &&
					 (prev & ~(page - 1)) + page == (next & ~(page - 1)));
}

/* Runs cover every entry granting access once, in order; each is
 * contiguous, and as long as it can be (or one entry without coalescing). */
static const char *check_runs(const uint64_t *t, uint64_t n, uint32_t shift,
			      enum tce_run_kind kind, bool coalesce, uint64_t *nruns)
{
	uint64_t pos = 0, end = 0;
	struct tce_run r;

	*nruns = 0;
	while (tce_run_next(t, n, shift, kind, coalesce, &pos, &r)) {
		if (r.first < end || !r.count || r.first + r.count > n || pos != r.first + r.count)
			return "run out of order or out of range";
		for (uint64_t i = end; i < r.first; i++)
			if (t[i] & TCE_PERM_MASK)
				return "an entry granting access is in no run";
		for (uint64_t i = r.first + 1; i < r.first + r.count; i++)
			if (!joins(t[i - 1], t[i], shift, kind))
				return "a run is not contiguous";
		if (!(t[r.first] & TCE_PERM_MASK))
			return "a run starts without access";
		if (coalesce ? r.first + r.count < n && joins(t[pos - 1], t[pos], shift, kind) : r.count != 1)
			return coalesce ? "a run stops short" : "a run of several entries without coalescing";
		end = pos;
		(*nruns)++;
	}
	for (uint64_t i = end; i < n; i++)
		if (t[i] & TCE_PERM_MASK)
			return "an entry after the last run grants access";
	return pos == n ? NULL : "pos does not end at n";
}

TEST(tce_run_next_covers_each_entry_once)
{
	static uint64_t list[TCE_INDIRECT_MAX], zeros[TCE_INDIRECT_MAX];
	const char *why = NULL;

	seed = 0x9e3779b97f4a7c15ULL;
	for (int iter = 0; iter < 4000 && !why; iter++) {
		uint32_t shift = iter & 1 ? 16 : 12;
		uint64_t n = 1 + rnd() % TCE_INDIRECT_MAX, runs, entries = 0;
		random_list(list, n, shift);
		for (uint64_t i = 0; i < n; i++)
			entries += !!(list[i] & TCE_PERM_MASK);
		for (int k = 0; k < 4 && !why; k++) {
			enum tce_run_kind kind = k & 1 ? TCE_RUN_UNMAP : TCE_RUN_MAP;
			why = check_runs(list, n, shift, kind, k < 2, &runs);
			if (!why && k >= 2 && runs != entries)
				why = "per-entry runs != entries";
			if (!why && k < 2 && runs != (kind == TCE_RUN_MAP ?
			    model_min_calls(zeros, n, list, 0, shift) : model_min_calls(list, n, NULL, 0, shift)))
				why = "not the fewest runs";
		}
		if (why)
			printf("  iteration %d, %llu entries: %s\n", iter, (unsigned long long)n, why);
	}
	CHECK(!why);
}

TEST(tce_run_next_edges)
{
	/* page 0 would be "after" the last page if the sum wrapped */
	uint64_t t[3] = { (~0ULL << 12) | 1, 0x0001, 0x1001 };
	uint64_t pos = 0;
	struct tce_run r;

	/* the last page of the address space is followed by none */
	CHECK(tce_run_next(t, 3, 12, TCE_RUN_MAP, true, &pos, &r));
	CHECK_EQ(r.count, 1);
	CHECK(tce_run_next(t, 3, 12, TCE_RUN_MAP, true, &pos, &r));
	CHECK_EQ(r.first, 1);
	CHECK_EQ(r.count, 2);
	CHECK(!tce_run_next(t, 3, 12, TCE_RUN_MAP, true, &pos, &r));
	pos = 0;
	CHECK(tce_run_next(t, 3, 12, TCE_RUN_UNMAP, true, &pos, &r));
	CHECK_EQ(r.count, 3);
	pos = 0;
	CHECK(!tce_run_next(t, 0, 12, TCE_RUN_MAP, true, &pos, &r));
}

/* ---- batches against the per-entry model ---- */

struct rig {
	struct tce_window w;
	struct fake_iommu f;
};

static void rig_init(struct rig *g, uint32_t shift, bool coalesce)
{
	mem_init();
	fake_iommu_init(&g->f, WIN_START, N, shift, RAM);
	CHECK_EQ(tce_window_init(&g->w, 0x80000000, WIN_START, (uint64_t)N << shift, shift, &mem,
				 &fake_ops, &g->f, NULL), 0);
	g->w.coalesce = coalesce;
}

/* One random hcall: its kind, entries and list (in guest RAM too). */
struct op {
	int kind;			/* 0 put, 1 indirect, 2 stuff */
	uint64_t idx, n, value;
	uint64_t list[TCE_INDIRECT_MAX];
	bool bad;			/* an entry the hcall must refuse */
};

static void random_op(struct op *o, uint32_t shift)
{
	uint64_t room;

	o->kind = (int)(rnd() % 10);
	o->kind = o->kind < 2 ? 0 : o->kind < 7 ? 1 : 2;
	o->idx = rnd() % N;
	room = N - o->idx;
	o->n = o->kind == 0 ? 1 : 1 + rnd() % (o->kind == 1 && room > TCE_INDIRECT_MAX ? TCE_INDIRECT_MAX : room);
	o->value = rnd() % 4 ? 0 : (rnd() % (RAM >> shift)) << shift;	/* stuff: poison or 0 */
	random_list(o->list, o->n, shift);
	o->bad = o->kind != 2 && rnd() % 20 == 0;
	if (o->bad)
		o->list[rnd() % o->n] = (uint64_t)RAM | 3;		/* past guest RAM */
	for (uint64_t i = 0; i < o->n && o->kind == 1; i++)
		store_be64(mem.host + LIST_GPA + 8 * i, o->list[i]);
}

static long op_run(struct tce_window *w, const struct op *o)
{
	uint64_t ioba = w->start + (o->idx << w->page_shift);

	switch (o->kind) {
	case 0: return tce_put(w, ioba, o->list[0]);
	case 1: return tce_put_indirect(w, ioba, LIST_GPA, o->n);
	default: return tce_stuff(w, ioba, o->value, o->n);
	}
}

/* Run op on g: its answer, and its calls as many as expected. */
static const char *op_check(struct rig *g, const struct op *o, long want, uint64_t calls,
			    const uint64_t *ref)
{
	uint64_t before = g->f.calls;
	long rc = op_run(&g->w, o);

	if (rc != want)
		return "unexpected return code";
	if (g->f.calls - before != calls)
		return "not the expected number of host calls";
	if (g->f.calls != g->w.io.map_calls + g->w.io.unmap_calls)
		return "io counters miss calls";
	if (memcmp(g->w.table, ref, N * sizeof(*ref)))
		return "table differs from the per-entry model";
	return model_consistent(&g->w, &g->f);
}

static void batches_match_model(uint32_t shift)
{
	static struct rig co, pe;
	static struct op o;
	uint64_t ref[N] = { 0 }, entries = 0, calls = 0;
	const char *why = NULL;

	rig_init(&co, shift, true);
	rig_init(&pe, shift, false);
	for (int iter = 0; iter < 3000 && !why; iter++) {
		uint64_t min, per;
		random_op(&o, shift);
		/* a refused hcall makes no call and changes nothing */
		min = o.bad ? 0 : model_min_calls(ref + o.idx, o.n, o.kind == 2 ? NULL : o.list,
						  o.value, shift);
		per = o.bad ? 0 : model_apply(ref, o.idx, o.n, o.kind == 2 ? NULL : o.list, o.value);
		why = op_check(&pe, &o, o.bad ? H_PARAMETER : H_SUCCESS, per, ref);
		if (!why)
			why = op_check(&co, &o, o.bad ? H_PARAMETER : H_SUCCESS, min, ref);
		if (!why && min > per)
			why = "more calls than entries";
		entries += per;
		calls += min;
		if (why)
			printf("  shift %u, iteration %d, op %d at %llu x %llu: %s\n", shift, iter, o.kind,
			       (unsigned long long)o.idx, (unsigned long long)o.n, why);
	}
	CHECK(!why);
	CHECK(calls < entries / 2);	/* the lists are mostly runs */
	tce_window_free(&co.w);
	tce_window_free(&pe.w);
}

TEST(tce_batches_match_per_entry_model)
{
	seed = 0x2545f4914f6cdd1dULL;
	batches_match_model(12);
	batches_match_model(16);
}

/* ---- a host call failing part-way ---- */

struct snapshot {
	uint64_t table[N], host[N], valid;
};

static void snap(const struct rig *g, struct snapshot *s)
{
	memcpy(s->table, g->w.table, sizeof(s->table));
	memcpy(s->host, g->f.e, sizeof(s->host));
	s->valid = g->w.valid;
}

static bool same(const struct rig *g, const struct snapshot *s)
{
	return !memcmp(s->table, g->w.table, sizeof(s->table)) &&
	       !memcmp(s->host, g->f.e, sizeof(s->host)) && s->valid == g->w.valid;
}

/* Fail call k of op, for every k until op needs fewer calls: each time
 * the guest gets H_HARDWARE and the state from before. The undo's own
 * calls succeed. Returns how many k failed, or -1 on a mismatch. */
static int fail_each_call(struct rig *g, const struct op *o)
{
	static struct snapshot s;

	for (int k = 1;; k++) {
		long rc;
		snap(g, &s);
		g->f.fail_from = g->f.fail_to = g->f.calls + (uint64_t)k;
		rc = op_run(&g->w, o);
		g->f.fail_from = g->f.fail_to = 0;
		if (rc == H_SUCCESS)
			return k - 1;
		if (rc != H_HARDWARE || !same(g, &s) || model_consistent(&g->w, &g->f))
			return -1;
	}
}

TEST(tce_batch_failure_rolls_back)
{
	static struct rig g;
	static struct op o;
	int failed = 0, r = 0;

	seed = 0xda942042e4dd58b5ULL;
	for (int iter = 0; iter < 400 && r >= 0; iter++) {
		rig_init(&g, iter & 1 ? 16 : 12, iter % 3 != 0);
		for (int pre = 0; pre < 3; pre++) {		/* something to replace */
			random_op(&o, g.w.page_shift);
			op_run(&g.w, &o);
		}
		do
			random_op(&o, g.w.page_shift);
		while (o.bad);
		r = fail_each_call(&g, &o);
		if (r < 0)
			printf("  iteration %d, op %d at %llu x %llu: state not restored\n", iter, o.kind,
			       (unsigned long long)o.idx, (unsigned long long)o.n);
		CHECK(r >= 0);
		failed += r;
		tce_window_free(&g.w);
	}
	CHECK(failed > 400);
}

/* A known case: entries 0-7 mapped as two runs, replaced by three runs;
 * the second map fails: the first map is undone, both old runs mapped again. */
TEST(tce_batch_failure_midway_calls)
{
	static struct rig g;
	uint64_t list[8], v;

	rig_init(&g, 12, true);
	for (int i = 0; i < 8; i++)
		list[i] = (0x10000 + 0x1000 * i + (i >= 4 ? 0x10000 : 0)) | 3;
	for (int i = 0; i < 8; i++)
		store_be64(mem.host + LIST_GPA + 8 * i, list[i]);
	CHECK_EQ(tce_put_indirect(&g.w, WIN_START, LIST_GPA, 8), H_SUCCESS);
	CHECK_EQ(g.w.io.map_calls, 2);
	for (int i = 0; i < 8; i++)
		store_be64(mem.host + LIST_GPA + 8 * i, (0x80000 + 0x1000 * i) | (i < 3 ? 1 : i < 6 ? 2 : 1));
	g.f.fail_from = g.f.fail_to = g.f.calls + 3;	/* unmap, map, MAP */
	CHECK_EQ(tce_put_indirect(&g.w, WIN_START, LIST_GPA, 8), H_HARDWARE);
	CHECK_EQ(g.w.io.unmap_calls, 2);		/* the old run, the first new one */
	CHECK_EQ(g.w.io.map_calls, 2 + 2 + 2);		/* two new (one failed), two old again */
	CHECK(!model_consistent(&g.w, &g.f));
	CHECK_EQ(tce_get(&g.w, WIN_START + 0x5000, &v), H_SUCCESS);
	CHECK_EQ(v, list[5]);
	CHECK_EQ(g.w.valid, 8);
	tce_window_free(&g.w);
}

/* Every call from k on fails, the undo's too: the answer is H_HARDWARE
 * and the table still says what the host holds, so later hcalls work. */
TEST(tce_batch_failed_undo_stays_consistent)
{
	static struct rig g;
	static struct op o;
	const char *why = NULL;

	seed = 0x853c49e6748fea9bULL;
	rig_init(&g, 12, true);
	for (int iter = 0; iter < 3000 && !why; iter++) {
		uint64_t before = g.f.calls;
		long rc;
		random_op(&o, 12);
		if (iter % 2)
			g.f.fail_from = g.f.calls + 1 + rnd() % 4, g.f.fail_to = UINT64_MAX;
		rc = op_run(&g.w, &o);
		if (g.f.fail_from && g.f.calls >= g.f.fail_from && rc != H_HARDWARE)
			why = "a failed call did not give H_HARDWARE";
		g.f.fail_from = g.f.fail_to = 0;
		why = why ? why : model_consistent(&g.w, &g.f);
		if (why)
			printf("  iteration %d (%llu calls before): %s\n", iter, (unsigned long long)before, why);
	}
	CHECK(!why);
	tce_window_free(&g.w);
}
