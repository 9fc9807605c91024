/* The set-up step walk (steps.c): forward in order, a failure at step k
 * unwinds k-1..0, a stop between steps unwinds what ran, a skipped or
 * never-run step is never undone, and each completed step is reported. */
#include "test.h"
#include "steps.h"

#include <errno.h>

struct log {
	char trail[64];		/* "+a" for a run, "-a" for an undo */
	int len;
	char fail_at;		/* the step that fails, or 0 */
	char skip_at;
	char stop_before;	/* stop() says yes before this step */
	char next;		/* the step about to run, for stop() */
	char completed[16];
	int nr_completed;
};

static struct log lg;

static void note(char sign, char name)
{
	lg.trail[lg.len++] = sign;
	lg.trail[lg.len++] = name;
	lg.trail[lg.len] = 0;
}

#define STEP_FNS(x)							\
	static int run_##x(void *ctx)					\
	{								\
		(void)ctx;						\
		note('+', #x[0]);					\
		if (lg.fail_at == #x[0])				\
			return -EIO;					\
		return lg.skip_at == #x[0] ? STEP_SKIPPED : 0;		\
	}								\
	__attribute__((unused)) static void undo_##x(void *ctx) { (void)ctx; note('-', #x[0]); }

STEP_FNS(a)
STEP_FNS(b)
STEP_FNS(c)
STEP_FNS(d)

static const struct step table[] = {
	{ "a", true, run_a, undo_a },
	{ "b", false, run_b, undo_b },
	{ "c", true, run_c, NULL },
	{ "d", true, run_d, undo_d },
};

static bool stop(void *ctx)
{
	struct steps *s = ctx;

	return lg.stop_before && table[s->next].name[0] == lg.stop_before;
}

static void completed(void *ctx, const struct step *s)
{
	(void)ctx;
	lg.completed[lg.nr_completed++] = s->name[0];
}

static int walk(char fail_at, char skip_at, char stop_before, struct steps *s)
{
	int r;

	lg = (struct log){ .fail_at = fail_at, .skip_at = skip_at, .stop_before = stop_before };
	*s = (struct steps){ .table = table, .n = 4, .stop = stop, .completed = completed };
	s->ctx = s;
	r = steps_forward(s);
	steps_unwind(s);
	return r;
}

TEST(steps_forward_then_unwind_all)
{
	struct steps s;

	CHECK_EQ(walk(0, 0, 0, &s), 0);
	CHECK(!strcmp(lg.trail, "+a+b+c+d-d-b-a"));	/* c has no undo */
	CHECK_EQ(lg.nr_completed, 4);
	CHECK(!memcmp(lg.completed, "abcd", 4));
	steps_unwind(&s);				/* again: nothing twice */
	CHECK(!strcmp(lg.trail, "+a+b+c+d-d-b-a"));
}

TEST(steps_failure_unwinds_the_ones_before)
{
	struct steps s;

	CHECK_EQ(walk('c', 0, 0, &s), -EIO);
	CHECK(!strcmp(lg.trail, "+a+b+c-b-a"));		/* d never ran, c failed */
	CHECK_EQ(lg.nr_completed, 2);
	CHECK_EQ(walk('a', 0, 0, &s), -EIO);
	CHECK(!strcmp(lg.trail, "+a"));
	CHECK_EQ(lg.nr_completed, 0);
	CHECK_EQ(walk('d', 0, 0, &s), -EIO);
	CHECK(!strcmp(lg.trail, "+a+b+c+d-b-a"));
}

TEST(steps_skipped_is_not_undone)
{
	struct steps s;

	CHECK_EQ(walk(0, 'b', 0, &s), 0);
	CHECK(!strcmp(lg.trail, "+a+b+c+d-d-a"));
	CHECK_EQ(lg.nr_completed, 3);
	CHECK(!memcmp(lg.completed, "acd", 3));
}

TEST(steps_stop_unwinds_what_ran)
{
	struct steps s;

	CHECK_EQ(walk(0, 0, 'c', &s), -EINTR);
	CHECK(!strcmp(lg.trail, "+a+b-b-a"));
	CHECK_EQ(walk(0, 0, 'a', &s), -EINTR);
	CHECK(!strcmp(lg.trail, ""));
}

/* A walk that stopped at a table's end goes on with the next table's
 * steps in their own walk, and unwinding runs in reverse across both,
 * as run() does with its set-up and boot tables. */
TEST(steps_two_tables_unwind_in_reverse)
{
	struct steps first, second;

	lg = (struct log){ 0 };
	first = (struct steps){ .table = table, .n = 2 };
	second = (struct steps){ .table = table + 2, .n = 2 };
	CHECK_EQ(steps_forward(&first), 0);
	CHECK_EQ(steps_forward(&second), 0);
	steps_unwind(&second);
	steps_unwind(&first);
	CHECK(!strcmp(lg.trail, "+a+b+c+d-d-b-a"));
}
