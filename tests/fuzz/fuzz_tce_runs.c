/*
 * Fuzz the batched TCE hcalls (tce_run_next and the batch in tce.c) with
 * the per-entry model of tests/unit/tce_model.h as the oracle. Every hcall
 * goes to three windows on fake sPAPR IOMMUs:
 *   co  coalescing; the input may fail one of its host calls: then the
 *       answer is H_HARDWARE and table and host are as before the hcall;
 *       otherwise it matches the model with the fewest calls;
 *   pe  per-entry calls, never failed: the model, one call per entry;
 *   ch  either, with every call failing from the k-th on (undo included):
 *       its table must still say what its host holds.
 * Input: byte 0 picks the page size and ch's coalescing, then records
 * [op][idx lo][idx hi][n lo][n hi][fail] followed by n entry bytes (fail:
 * low bits 1 fail co's call k = fail >> 2, 2 ch's from k on), each a
 * small instruction (next guest page, a new page, no access, a bad TCE)
 * so that lists hold runs.
 */
#include "../unit/tce_model.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define RAM		(4 * 1024 * 1024)
#define LIST_GPA	(RAM - 4096)
#define WIN_START	(1ULL << 24)
#define N		256

struct rig {
	struct tce_window w;
	struct fake_iommu f;
};

static struct guest_mem mem;
static struct rig co, pe, ch;
static uint64_t ref[N];

static void rig_init(struct rig *g, uint32_t shift, bool coalesce)
{
	fake_iommu_init(&g->f, WIN_START, N, shift, RAM);
	if (tce_window_init(&g->w, 1, WIN_START, (uint64_t)N << shift, shift, &mem, &fake_ops, &g->f, NULL))
		__builtin_trap();
	g->w.coalesce = coalesce;
}

static void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

/* One list entry from one input byte, after prev. */
static uint64_t entry_of(uint8_t b, uint64_t prev, uint32_t shift)
{
	uint64_t page = 1ULL << shift, next = (prev & ~(page - 1)) + page;
	uint64_t pages = RAM >> shift, arg = b >> 2;

	switch (b & 3) {
	case 0:
	case 1:			/* the next guest page, same permission (or a new one) */
		if (prev & TCE_PERM_MASK && next < RAM)
			return next | (b & 1 ? 1 + arg % 3 : prev & TCE_PERM_MASK);
		/* fall through */
	case 2:			/* a page of guest RAM */
		return ((arg * 37) % pages) << shift | (1 + arg % 3);
	default:		/* no access (maybe a poison value), or past guest RAM */
		return arg == 63 ? (uint64_t)RAM | 3 : (arg % pages) << shift;
	}
}

struct op {
	uint8_t kind, fail;
	uint64_t idx, n, value;
	uint64_t list[TCE_INDIRECT_MAX];
};

static long op_run(struct tce_window *w, const struct op *o)
{
	uint64_t ioba = w->start + (o->idx << w->page_shift);

	switch (o->kind % 3) {
	case 0: return tce_put(w, ioba, o->list[0]);
	case 1: return tce_put_indirect(w, ioba, LIST_GPA, o->n);
	default: return tce_stuff(w, ioba, o->value, o->n);
	}
}

/* co with call k failing, if fail says so: true if the failure struck
 * (then the hcall must have changed nothing). */
static bool co_run(const struct op *o, long *rc)
{
	static uint64_t table[N], host[N];
	uint64_t valid = co.w.valid, k = o->fail >> 2;

	memcpy(table, co.w.table, sizeof(table));
	memcpy(host, co.f.e, sizeof(host));
	co.f.fail_from = co.f.fail_to = (o->fail & 3) == 1 ? co.f.calls + 1 + k : 0;
	*rc = op_run(&co.w, o);
	if (!co.f.fail_from || co.f.calls < co.f.fail_from) {
		co.f.fail_from = co.f.fail_to = 0;
		return false;
	}
	co.f.fail_from = co.f.fail_to = 0;
	check(*rc == H_HARDWARE && valid == co.w.valid && !memcmp(table, co.w.table, sizeof(table)) &&
	      !memcmp(host, co.f.e, sizeof(host)));
	return true;
}

static void apply(const struct op *o)
{
	uint64_t co_before = co.f.calls, pe_before = pe.f.calls, min = 0, per = 0;
	const uint64_t *list = o->kind % 3 == 2 ? NULL : o->list;
	long rc_co, rc_pe, rc_ch;
	bool struck = co_run(o, &rc_co);

	if (!struck) {
		rc_pe = op_run(&pe.w, o);
		check(rc_pe == H_SUCCESS || rc_pe == H_PARAMETER);
		check(rc_co == rc_pe);
		if (rc_pe == H_SUCCESS) {
			min = model_min_calls(ref + o->idx, o->n, list, o->value, pe.w.page_shift);
			per = model_apply(ref, o->idx, o->n, list, o->value);
		}
		check(co.f.calls - co_before == min && pe.f.calls - pe_before == per && min <= per);
		check(!memcmp(ref, co.w.table, sizeof(ref)) && !memcmp(ref, pe.w.table, sizeof(ref)));
	}
	ch.f.fail_from = (o->fail & 3) == 2 ? ch.f.calls + 1 + (o->fail >> 2) : 0;
	ch.f.fail_to = UINT64_MAX;
	rc_ch = op_run(&ch.w, o);
	check(ch.f.calls < ch.f.fail_from || !ch.f.fail_from || rc_ch == H_HARDWARE);
	ch.f.fail_from = ch.f.fail_to = 0;
	check(!model_consistent(&co.w, &co.f) && !model_consistent(&pe.w, &pe.f) &&
	      !model_consistent(&ch.w, &ch.f));
}

/* The next record into o; the number of bytes it took, 0 at the end. */
static size_t op_parse(const uint8_t *d, size_t size, uint32_t shift, struct op *o)
{
	uint64_t prev = 0, take;

	if (size < 6)
		return 0;
	o->kind = d[0];
	o->idx = (d[1] | (uint64_t)d[2] << 8) % (N + 8);	/* a few past the window */
	o->n = o->kind % 3 == 0 ? 1 : (d[3] | (uint64_t)d[4] << 8) % (TCE_INDIRECT_MAX + 8) + 1;
	o->fail = d[5];
	o->value = (uint64_t)(d[0] >> 2) << shift;		/* stuff: 0 or poison */
	take = o->kind % 3 == 2 ? 0 : o->n;
	for (uint64_t i = 0; i < o->n && i < TCE_INDIRECT_MAX; i++) {
		o->list[i] = entry_of(6 + i < size ? d[6 + i] : (uint8_t)i, prev, shift);
		prev = o->list[i];
	}
	for (uint64_t i = 0; i < o->n && i < TCE_INDIRECT_MAX; i++)
		store_be64(mem.host + LIST_GPA + 8 * i, o->list[i]);
	return 6 + (take < size - 6 ? take : size - 6);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct op o;
	uint32_t shift;
	size_t used;

	if (!mem.host) {
		mem.host = calloc(1, RAM);
		mem.size = RAM;
	}
	if (size < 1)
		return 0;
	shift = data[0] & 1 ? 16 : 12;
	rig_init(&co, shift, true);
	rig_init(&pe, shift, false);
	rig_init(&ch, shift, data[0] & 2);
	memset(ref, 0, sizeof(ref));
	for (size_t off = 1; (used = op_parse(data + off, size - off, shift, &o)); off += used)
		apply(&o);
	check(co.w.io.map_calls + co.w.io.unmap_calls == co.f.calls);
	tce_window_free(&co.w);
	tce_window_free(&pe.w);
	tce_window_free(&ch.w);
	return 0;
}
