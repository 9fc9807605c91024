/*
 * Exit statistics: how many hcalls and RTAS calls reached pvmm and how long
 * pvmm spent on them. Printed at exit and written as JSON. Pure.
 */
#ifndef PVMM_STATS_H
#define PVMM_STATS_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

/*
 * A guest must not be able to push a call out of the table: every hcall
 * number pvmm does not know is counted in one row (kind 'u', id
 * STATS_ID_UNKNOWN), and so is every RTAS token it does not know or buffer
 * it cannot decode (kind 'r', STATS_ID_UNKNOWN / STATS_ID_BAD_BUFFER; real
 * tokens start at 0x2000). The known calls (at most HCALL_MAX + RTAS_MAX
 * registered) and those rows fit; should the table still fill, the last
 * entry counts whatever is left (kind 'o', "other").
 */
#define STATS_MAX_ENTRIES 136
#define STATS_ID_UNKNOWN 0
#define STATS_ID_BAD_BUFFER 1

struct stat_entry {
	char kind;		/* 'h' hcall, 'r' RTAS call, 'u' unknown hcall, 'o' other */
	uint64_t id;		/* hcall opcode or RTAS token */
	const char *name;
	uint64_t count;
	uint64_t errors;	/* calls that returned an error code */
	uint64_t total_ns;
	uint64_t max_ns;
	uint64_t first_ns;	/* the first call, since stats_init (start-up's milestones) */
};

/*
 * Marks: the guest asks for a snapshot of the counters by writing a console
 * line that starts with STATS_MARK_PREFIX; the rest of the line is the
 * mark's label. The snapshot is taken in the H_PUT_TERM_CHAR that ends the
 * line, before the guest runs on, so the difference between two marks
 * counts exactly the calls that reached pvmm between them (make bench
 * marks the start and end of each timed transfer, and guest userspace).
 * A label names one mark: the same label again replaces its snapshot. At
 * most STATS_MARKS_MAX labels are kept (later ones are only counted): a
 * guest cannot make pvmm's memory grow. Allocated at the first mark.
 */
#define STATS_MARK_PREFIX "PVMM-MARK "
#define STATS_MARKS_MAX 32
#define STATS_MARK_LABEL 48	/* label bytes kept, NUL included */

struct stats_mark {
	char label[STATS_MARK_LABEL];	/* [A-Za-z0-9 =._:,-] only: JSON-safe */
	uint64_t ns;			/* since stats_init */
	uint64_t exits_total;
	int rows;			/* rows of e[] that existed then */
	uint64_t count[STATS_MAX_ENTRIES];
	uint64_t total_ns[STATS_MAX_ENTRIES];
};

/*
 * Set-up phases: run() notes the end of each step before the first KVM_RUN
 * (guest RAM, images, the KVM VM, devices and, per PHB, the container,
 * the functions' opening and the DMA windows...), so that the start-up's
 * share that is pvmm's own can be split. Names are static strings; at
 * most STATS_PHASES_MAX are kept.
 */
#define STATS_PHASES_MAX 24

struct stats_phase {
	const char *name;
	uint64_t end_ns;		/* since stats_init */
};

/*
 * Start-up work that runs beside the guest (the RAM pin): when it began
 * and ended, and how long vcpus waited for it, so that the start-up's
 * figures say what was moved out of pvmm's share and what it cost.
 */
#define STATS_TASKS_MAX 4

struct stats_task {
	const char *name;
	uint64_t start_ns, end_ns;	/* since stats_init; end_ns 0: running */
	uint64_t waited_ns;
	uint64_t waits;
};

struct ratelimit;

struct stats {
	pthread_mutex_t lock;
	/* The guest-driven log lines per kind (util.h's guest_log), if set:
	 * how many were asked for, printed and suppressed. */
	struct ratelimit *log_limit;
	struct stat_entry e[STATS_MAX_ENTRIES];
	int n;
	uint64_t exits_total;
	uint64_t start_ns;		/* stats_init: the start of pvmm's run() */
	uint64_t first_run_ns;		/* the first KVM_RUN, since start_ns; 0 before */
	struct stats_phase phases[STATS_PHASES_MAX];
	int nr_phases;
	struct stats_task tasks[STATS_TASKS_MAX];
	int nr_tasks;
	/* The console line being written, for marks. */
	char line[sizeof(STATS_MARK_PREFIX) + STATS_MARK_LABEL];
	size_t line_len;
	struct stats_mark *marks;
	int nr_marks;
	uint64_t marks_dropped;
};

void stats_init(struct stats *s);
void stats_record(struct stats *s, char kind, uint64_t id, const char *name,
		  uint64_t ns, int failed);
const struct stat_entry *stats_find(const struct stats *s, char kind, uint64_t id);
void stats_print(const struct stats *s, FILE *out);
/* The summary's members, into the JSON object J has open. */
void stats_write_json(const struct stats *s, struct json *j);
/* The first KVM_RUN is about to happen (later calls change nothing). */
void stats_note_first_run(struct stats *s);
/* Set-up step NAME (a static string) has just ended. */
void stats_note_phase(struct stats *s, const char *name);
/* Background task NAME (a static string) begins: its index, or -1 when
 * STATS_TASKS_MAX are kept already (the calls below then do nothing). */
int stats_task_begin(struct stats *s, const char *name);
void stats_task_end(struct stats *s, int task);
/* Someone waited ns for the task to end. */
void stats_task_waited(struct stats *s, int task, uint64_t ns);
/* Bytes the guest wrote to its console: snapshots at mark lines. */
void stats_console_feed(struct stats *s, const char *buf, size_t len);
void stats_free(struct stats *s);

#endif
