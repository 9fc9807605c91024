/*
 * Set-up as a table of steps, each with its undo (kvmtool's init/exit
 * tables): walked forward while nothing asks to stop, unwound backward on
 * an error, an exit request or a signal. Pure: the steps do the work.
 */
#ifndef PVMM_STEPS_H
#define PVMM_STEPS_H

#include <stdbool.h>

#define STEPS_MAX	32
/* A step's run() that had nothing to do: not noted, nothing to undo. */
#define STEP_SKIPPED	1

struct step {
	const char *name;
	bool phase;			/* its end is a start-up phase (stats) */
	/* 0, STEP_SKIPPED, or -errno having released what it took */
	int (*run)(void *ctx);
	void (*undo)(void *ctx);	/* NULL: nothing to give back */
};

struct steps {
	const struct step *table;
	int n;
	void *ctx;
	/* checked before each step: true stops the walk (a signal, an exit) */
	bool (*stop)(void *ctx);
	/* after each step that ran (not skipped) */
	void (*completed)(void *ctx, const struct step *s);
	int next;			/* the first step not walked yet */
	bool ran[STEPS_MAX];		/* ran and not undone */
};

/* Walk forward from where the walk stands: 0 when every step ran, the
 * failing step's -errno, or -EINTR when stop() said so. */
int steps_forward(struct steps *s);
/* Undo every step that ran, last first; safe to call again. */
void steps_unwind(struct steps *s);

#endif
