/* Exit statistics (see stats.h). */
#include "stats.h"
#include "util.h"

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
}

int stats_write_json(const struct stats *s, FILE *out, const char *extra_json)
{
	fprintf(out, "{\n  \"exits_total\": %llu,\n  \"wall_ns\": %llu,\n  \"calls\": [",
		(unsigned long long)s->exits_total, (unsigned long long)(now_ns() - s->start_ns));
	for (int i = 0; i < stats_rows(s); i++) {
		const struct stat_entry *e = &s->e[i];
		fprintf(out, "%s\n    {\"kind\": \"%s\", \"name\": \"%s\", \"id\": %llu, "
			"\"count\": %llu, \"errors\": %llu, \"total_ns\": %llu, \"max_ns\": %llu}",
			i ? "," : "", kind_name(e->kind), e->name ? e->name : "?",
			(unsigned long long)e->id, (unsigned long long)e->count,
			(unsigned long long)e->errors, (unsigned long long)e->total_ns,
			(unsigned long long)e->max_ns);
	}
	fprintf(out, "\n  ]%s%s\n}\n", extra_json ? ",\n  " : "", extra_json ? extra_json : "");
	return ferror(out) ? -1 : 0;
}
