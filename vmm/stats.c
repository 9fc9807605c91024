/* Exit statistics (see stats.h). */
#include "stats.h"
#include "ratelimit.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void stats_init(struct stats *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->start_ns = now_ns();
}

static struct stat_entry *find_or_add(struct stats *s, char kind, uint64_t id, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (s->e[i].kind == kind && s->e[i].id == id)
			return &s->e[i];
	if (s->n == STATS_MAX_ENTRIES - 1) {	/* the last entry: "other" */
		kind = 'o';
		id = STATS_ID_UNKNOWN;
		name = "other";
		if (s->e[s->n].kind == 'o')
			return &s->e[s->n];
		s->e[s->n] = (struct stat_entry){ .kind = kind, .id = id, .name = name };
		return &s->e[s->n];
	}
	s->e[s->n] = (struct stat_entry){ .kind = kind, .id = id, .name = name };
	return &s->e[s->n++];
}

void stats_record(struct stats *s, char kind, uint64_t id, const char *name,
		  uint64_t ns, int failed)
{
	struct stat_entry *e;

	if (kind == 'u') {
		id = STATS_ID_UNKNOWN;
		name = "unknown";
	}
	pthread_mutex_lock(&s->lock);
	/* An RTAS call is also counted as the H_RTAS exit that carried it. */
	if (kind != 'r')
		s->exits_total++;
	e = find_or_add(s, kind, id, name);
	if (!e->count)
		e->first_ns = now_ns() - s->start_ns;
	e->count++;
	e->errors += failed != 0;
	e->total_ns += ns;
	if (ns > e->max_ns)
		e->max_ns = ns;
	pthread_mutex_unlock(&s->lock);
}

/* The rows in use: the first n, and the "other" row once it exists. */
static int stats_rows(const struct stats *s)
{
	return s->n == STATS_MAX_ENTRIES - 1 && s->e[s->n].kind == 'o' ? s->n + 1 : s->n;
}

const struct stat_entry *stats_find(const struct stats *s, char kind, uint64_t id)
{
	if (kind == 'u')
		id = STATS_ID_UNKNOWN;
	for (int i = 0; i < stats_rows(s); i++)
		if (s->e[i].kind == kind && s->e[i].id == id)
			return &s->e[i];
	return NULL;
}

static const char *kind_name(char kind)
{
	return kind == 'r' ? "rtas" : kind == 'u' ? "unknown-hcall" : kind == 'o' ? "other" : "hcall";
}

/* Guest-driven log lines per kind, when the stats have a limiter: the
 * text lists the kinds with lines. */
static void write_log_limit_text(const struct stats *s, FILE *out)
{
	struct ratelimit_kind k[RATELIMIT_KINDS_MAX];
	int n = s->log_limit ? ratelimit_snapshot(s->log_limit, k, RATELIMIT_KINDS_MAX) : 0;

	for (int i = 0; i < n; i++)
		if (k[i].lines)
			fprintf(out, "pvmm: guest-driven log lines, %s: %llu, %llu printed, %llu suppressed\n",
				k[i].name, (unsigned long long)k[i].lines,
				(unsigned long long)k[i].printed, (unsigned long long)k[i].suppressed);
}

/* The JSON lists every kind, so that a reader finds zeros. */
static void write_log_limit_json(const struct stats *s, struct json *j)
{
	struct ratelimit_kind k[RATELIMIT_KINDS_MAX];
	int n;

	if (!s->log_limit)
		return;
	n = ratelimit_snapshot(s->log_limit, k, RATELIMIT_KINDS_MAX);
	json_array_begin(j, "guest_log");
	for (int i = 0; i < n; i++) {
		json_object_begin(j, NULL);
		json_str(j, "kind", k[i].name);
		json_u64(j, "lines", k[i].lines);
		json_u64(j, "printed", k[i].printed);
		json_u64(j, "suppressed", k[i].suppressed);
		json_object_end(j);
	}
	json_array_end(j);
}

void stats_print(const struct stats *s, FILE *out)
{
	fprintf(out, "pvmm: exit summary: %llu hcall exits reached pvmm in %.3f s\n",
		(unsigned long long)s->exits_total, (now_ns() - s->start_ns) / 1e9);
	fprintf(out, "pvmm:   %-5s %-28s %6s %10s %6s %12s %10s\n",
		"kind", "name", "id", "count", "errors", "total_us", "avg_us");
	for (int i = 0; i < stats_rows(s); i++) {
		const struct stat_entry *e = &s->e[i];
		fprintf(out, "pvmm:   %-5s %-28s %6llx %10llu %6llu %12.1f %10.2f\n",
			e->kind == 'r' ? "rtas" : e->kind == 'u' ? "unkn" : e->kind == 'o' ? "other" : "hcall",
			e->name ? e->name : "?", (unsigned long long)e->id,
			(unsigned long long)e->count, (unsigned long long)e->errors,
			e->total_ns / 1e3, e->count ? e->total_ns / 1e3 / e->count : 0.0);
	}
	for (int i = 0; i < s->nr_tasks; i++)
		fprintf(out, "pvmm: beside the guest: %s from %.3f s to %.3f s; vcpus waited for it "
			"%llu times, %.3f s in all\n", s->tasks[i].name, s->tasks[i].start_ns / 1e9,
			s->tasks[i].end_ns / 1e9, (unsigned long long)s->tasks[i].waits,
			s->tasks[i].waited_ns / 1e9);
	write_log_limit_text(s, out);
}

/* One mark: the calls counted by then, as "kind:name": [count, total_ns]. */
static void write_mark_json(const struct stats *s, const struct stats_mark *m, struct json *j)
{
	json_object_begin(j, NULL);
	json_str(j, "label", m->label);
	json_u64(j, "ns", m->ns);
	json_u64(j, "exits_total", m->exits_total);
	json_object_begin(j, "calls");
	for (int i = 0; i < m->rows; i++) {
		char key[96];
		if (!m->count[i])
			continue;
		snprintf(key, sizeof(key), "%s:%s", kind_name(s->e[i].kind),
			 s->e[i].name ? s->e[i].name : "?");
		json_array_begin(j, key);
		json_u64(j, NULL, m->count[i]);
		json_u64(j, NULL, m->total_ns[i]);
		json_array_end(j);
	}
	json_object_end(j);
	json_object_end(j);
}

static void write_startup_json(const struct stats *s, struct json *j)
{
	json_object_begin(j, "startup");
	json_u64(j, "first_run_ns", s->first_run_ns);
	json_array_begin(j, "phases");
	for (int i = 0; i < s->nr_phases; i++) {
		json_object_begin(j, NULL);
		json_str(j, "name", s->phases[i].name);
		json_u64(j, "end_ns", s->phases[i].end_ns);
		json_object_end(j);
	}
	json_array_end(j);
	json_array_begin(j, "background");
	for (int i = 0; i < s->nr_tasks; i++) {
		const struct stats_task *t = &s->tasks[i];
		json_object_begin(j, NULL);
		json_str(j, "name", t->name);
		json_u64(j, "start_ns", t->start_ns);
		json_u64(j, "end_ns", t->end_ns);
		json_u64(j, "waits", t->waits);
		json_u64(j, "waited_ns", t->waited_ns);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

void stats_write_json(const struct stats *s, struct json *j)
{
	json_u64(j, "exits_total", s->exits_total);
	json_u64(j, "wall_ns", now_ns() - s->start_ns);
	json_array_begin(j, "calls");
	for (int i = 0; i < stats_rows(s); i++) {
		const struct stat_entry *e = &s->e[i];
		json_object_begin(j, NULL);
		json_str(j, "kind", kind_name(e->kind));
		json_str(j, "name", e->name ? e->name : "?");
		json_u64(j, "id", e->id);
		json_u64(j, "count", e->count);
		json_u64(j, "errors", e->errors);
		json_u64(j, "total_ns", e->total_ns);
		json_u64(j, "max_ns", e->max_ns);
		json_u64(j, "first_ns", e->first_ns);
		json_object_end(j);
	}
	json_array_end(j);
	write_startup_json(s, j);
	json_array_begin(j, "marks");
	for (int i = 0; i < s->nr_marks; i++)
		write_mark_json(s, &s->marks[i], j);
	json_array_end(j);
	json_u64(j, "marks_dropped", s->marks_dropped);
	write_log_limit_json(s, j);
}

void stats_note_first_run(struct stats *s)
{
	pthread_mutex_lock(&s->lock);
	if (!s->first_run_ns)
		s->first_run_ns = now_ns() - s->start_ns;
	pthread_mutex_unlock(&s->lock);
}

void stats_note_phase(struct stats *s, const char *name)
{
	pthread_mutex_lock(&s->lock);
	if (s->nr_phases < STATS_PHASES_MAX)
		s->phases[s->nr_phases++] = (struct stats_phase){ name, now_ns() - s->start_ns };
	pthread_mutex_unlock(&s->lock);
}

int stats_task_begin(struct stats *s, const char *name)
{
	int t = -1;

	pthread_mutex_lock(&s->lock);
	if (s->nr_tasks < STATS_TASKS_MAX) {
		t = s->nr_tasks++;
		s->tasks[t] = (struct stats_task){ .name = name, .start_ns = now_ns() - s->start_ns };
	}
	pthread_mutex_unlock(&s->lock);
	return t;
}

void stats_task_end(struct stats *s, int task)
{
	if (task < 0)
		return;
	pthread_mutex_lock(&s->lock);
	s->tasks[task].end_ns = now_ns() - s->start_ns;
	pthread_mutex_unlock(&s->lock);
}

void stats_task_waited(struct stats *s, int task, uint64_t ns)
{
	if (task < 0)
		return;
	pthread_mutex_lock(&s->lock);
	s->tasks[task].waits++;
	s->tasks[task].waited_ns += ns;
	pthread_mutex_unlock(&s->lock);
}

/* The label as JSON and a shell's word splitting take it: anything but
 * letters, digits and " =._:,-" becomes '_'. */
static void mark_label(char *dst, const char *src, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < STATS_MARK_LABEL - 1; i++) {
		char c = src[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			 (c && strchr(" =._:,-", c));
		dst[i] = ok ? c : '_';
	}
	dst[i] = 0;
}

/* Called with the lock held. A label names one mark: marking it again
 * replaces its snapshot (a guest retrying a step marks each try; the last
 * try is the one that counts), so only distinct labels take room. */
static void take_mark(struct stats *s, const char *label, size_t len)
{
	char name[STATS_MARK_LABEL];
	struct stats_mark *m = NULL;

	mark_label(name, label, len);
	if (!s->marks)
		s->marks = calloc(STATS_MARKS_MAX, sizeof(*s->marks));
	for (int i = 0; s->marks && i < s->nr_marks && !m; i++)
		if (!strcmp(s->marks[i].label, name))
			m = &s->marks[i];
	if (!m && (!s->marks || s->nr_marks == STATS_MARKS_MAX)) {
		s->marks_dropped++;
		return;
	}
	if (!m)
		m = &s->marks[s->nr_marks++];
	memcpy(m->label, name, sizeof(name));
	m->ns = now_ns() - s->start_ns;
	m->exits_total = s->exits_total;
	m->rows = stats_rows(s);
	for (int i = 0; i < m->rows; i++) {
		m->count[i] = s->e[i].count;
		m->total_ns[i] = s->e[i].total_ns;
	}
}

/* A line ended: a mark if it starts with the prefix. Longer lines keep
 * their first bytes only, enough for the prefix and a label. */
static void end_line(struct stats *s)
{
	size_t plen = strlen(STATS_MARK_PREFIX);

	if (s->line_len >= plen && !memcmp(s->line, STATS_MARK_PREFIX, plen))
		take_mark(s, s->line + plen, s->line_len - plen);
	s->line_len = 0;
}

void stats_console_feed(struct stats *s, const char *buf, size_t len)
{
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n' || buf[i] == '\r')
			end_line(s);
		else if (s->line_len < sizeof(s->line))
			s->line[s->line_len++] = buf[i];
	}
	pthread_mutex_unlock(&s->lock);
}

void stats_free(struct stats *s)
{
	free(s->marks);
	s->marks = NULL;
	s->nr_marks = 0;
}
