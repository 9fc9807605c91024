/* The set-up step walk (see steps.h). */
#include "steps.h"

#include <errno.h>

int steps_forward(struct steps *s)
{
	if (s->n > STEPS_MAX)
		return -E2BIG;
	for (; s->next < s->n; s->next++) {
		const struct step *st = &s->table[s->next];
		int r;

		if (s->stop && s->stop(s->ctx))
			return -EINTR;
		r = st->run(s->ctx);
		if (r < 0)
			return r;
		if (r == STEP_SKIPPED)
			continue;
		s->ran[s->next] = true;
		if (s->completed)
			s->completed(s->ctx, st);
	}
	return 0;
}

void steps_unwind(struct steps *s)
{
	for (int i = s->next < s->n ? s->next : s->n; i-- > 0;) {
		if (!s->ran[i])
			continue;
		s->ran[i] = false;
		if (s->table[i].undo)
			s->table[i].undo(s->ctx);
	}
}
