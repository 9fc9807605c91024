/* The reports' two backends (see report.h). */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void report_init_json(struct report *r, struct json *j)
{
	memset(r, 0, sizeof(*r));
	r->json = j;
}

void report_init_text(struct report *r, FILE *out)
{
	memset(r, 0, sizeof(*r));
	r->text = out;
}

static void open_level(struct report *r)
{
	r->depth++;
}

/* The fields of the object that ends go with it. */
static void close_level(struct report *r)
{
	while (r->nr_fields && r->fields[r->nr_fields - 1].depth >= r->depth)
		r->nr_fields--;
	if (r->depth)
		r->depth--;
}

void report_object_begin(struct report *r, const char *key)
{
	if (r->json)
		json_object_begin(r->json, key);
	open_level(r);
}

void report_object_end(struct report *r)
{
	if (r->json)
		json_object_end(r->json);
	close_level(r);
}

void report_array_begin(struct report *r, const char *key)
{
	if (r->json)
		json_array_begin(r->json, key);
	open_level(r);
}

void report_array_end(struct report *r)
{
	if (r->json)
		json_array_end(r->json);
	close_level(r);
}

static void keep(struct report *r, struct report_field f)
{
	if (r->json)
		return;
	if (r->nr_fields == REPORT_FIELDS_MAX) {
		r->dropped = true;
		return;
	}
	f.depth = r->depth;
	r->fields[r->nr_fields++] = f;
}

void report_u64(struct report *r, const char *key, uint64_t v)
{
	if (r->json)
		json_u64(r->json, key, v);
	keep(r, (struct report_field){ .key = key, .type = FIELD_U64, .u = v });
}

void report_i64(struct report *r, const char *key, int64_t v)
{
	if (r->json)
		json_i64(r->json, key, v);
	keep(r, (struct report_field){ .key = key, .type = FIELD_I64, .i = v });
}

void report_bool(struct report *r, const char *key, bool v)
{
	if (r->json)
		json_bool(r->json, key, v);
	keep(r, (struct report_field){ .key = key, .type = FIELD_BOOL, .b = v });
}

void report_str(struct report *r, const char *key, const char *v)
{
	if (r->json)
		json_str(r->json, key, v);
	keep(r, (struct report_field){ .key = key, .type = FIELD_STR, .s = v });
}

static const struct report_field *find(const struct report *r, const char *key, size_t len)
{
	for (int i = r->nr_fields - 1; i >= 0; i--)
		if (r->fields[i].key && strlen(r->fields[i].key) == len &&
		    !memcmp(r->fields[i].key, key, len))
			return &r->fields[i];
	return NULL;
}

static bool truth(const struct report_field *f)
{
	switch (f->type) {
	case FIELD_U64: return f->u != 0;
	case FIELD_I64: return f->i != 0;
	case FIELD_BOOL: return f->b;
	default: return f->s && *f->s;
	}
}

static uint64_t number(const struct report_field *f)
{
	return f->type == FIELD_U64 ? f->u : f->type == FIELD_I64 ? (uint64_t)f->i :
	       f->type == FIELD_BOOL ? f->b : 0;
}

/* {key?A|B}: SPEC is "A|B". */
static void render_choice(FILE *out, const struct report_field *f, const char *spec, size_t len)
{
	const char *bar = memchr(spec, '|', len);
	size_t alen = bar ? (size_t)(bar - spec) : len;

	if (!f)
		fputc('?', out);
	else if (truth(f))
		fwrite(spec, 1, alen, out);
	else if (bar)
		fwrite(bar + 1, 1, len - alen - 1, out);
}

/* {key:SPEC}, or {key} with len 0. */
static void render_value(FILE *out, const struct report_field *f, const char *spec, size_t len)
{
	uint64_t v;

	if (!f) {
		fputc('?', out);
		return;
	}
	if (!len) {
		switch (f->type) {
		case FIELD_U64: fprintf(out, "%" PRIu64, f->u); break;
		case FIELD_I64: fprintf(out, "%" PRId64, f->i); break;
		case FIELD_BOOL: fputs(f->b ? "true" : "false", out); break;
		default: fputs(f->s ? f->s : "?", out);
		}
		return;
	}
	v = number(f);
	if (len == 3 && !memcmp(spec, "kib", 3)) {
		fprintf(out, "%llu", v >= 10 && v < 74 ? 1ULL << (v - 10) : 0ULL);
	} else if (len == 5 && !memcmp(spec, "devfn", 5)) {
		fprintf(out, "%02x.%x", (unsigned int)(v >> 3 & 0x1f), (unsigned int)(v & 7));
	} else if (spec[len - 1] == 'x') {
		bool zero = spec[0] == '0';
		int width = (int)strtol(spec, NULL, 10);
		fprintf(out, zero ? "%0*" PRIx64 : "%*" PRIx64, width, v);
	} else {
		fputc('?', out);
	}
}

void report_line(struct report *r, const char *tmpl)
{
	const char *p = tmpl;

	if (!r->text)
		return;
	while (*p) {
		const char *close, *key, *mark;
		size_t klen;

		if (*p != '{' || !(close = strchr(p, '}'))) {
			fputc(*p++, r->text);
			continue;
		}
		key = p + 1;
		klen = strcspn(key, ":?}");
		mark = key + klen;
		if (*mark == '?')
			render_choice(r->text, find(r, key, klen), mark + 1, (size_t)(close - mark - 1));
		else
			render_value(r->text, find(r, key, klen), mark + 1,
				     *mark == ':' ? (size_t)(close - mark - 1) : 0);
		p = close + 1;
	}
	fputc('\n', r->text);
}
