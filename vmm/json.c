/* The JSON emitter (see json.h). */
#include "json.h"

#include <inttypes.h>

void json_init(struct json *j, FILE *out, int wrap)
{
	*j = (struct json){ .out = out, .wrap = wrap };
}

void json_write_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		case '\b': fputs("\\b", out); break;
		case '\f': fputs("\\f", out); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

/* Before any value: the comma, the line break at the outer levels, and
 * the key, which an object's member must have and an array's must not. */
static void begin_value(struct json *j, const char *key)
{
	int d = j->depth;

	if (!d) {
		if (key || j->has_member[0])
			j->misused = true;	/* one value, no key, at the top */
		j->has_member[0] = true;
		return;
	}
	if (key ? j->in_array[d] : !j->in_array[d])
		j->misused = true;
	if (j->has_member[d])
		fputc(',', j->out);
	if (d <= j->wrap)
		fprintf(j->out, "\n%*s", 2 * d, "");
	else if (j->has_member[d])
		fputc(' ', j->out);
	j->has_member[d] = true;
	if (key) {
		json_write_string(j->out, key);
		fputs(": ", j->out);
	}
}

static void open_container(struct json *j, const char *key, bool array)
{
	begin_value(j, key);
	fputc(array ? '[' : '{', j->out);
	if (j->depth == JSON_DEPTH_MAX - 1) {
		j->misused = true;
		return;
	}
	j->depth++;
	j->has_member[j->depth] = false;
	j->in_array[j->depth] = array;
}

static void close_container(struct json *j, bool array)
{
	int d = j->depth;

	if (!d || j->in_array[d] != array) {
		j->misused = true;
		return;
	}
	if (d <= j->wrap && j->has_member[d])
		fprintf(j->out, "\n%*s", 2 * (d - 1), "");
	fputc(array ? ']' : '}', j->out);
	j->depth--;
}

void json_object_begin(struct json *j, const char *key) { open_container(j, key, false); }
void json_object_end(struct json *j) { close_container(j, false); }
void json_array_begin(struct json *j, const char *key) { open_container(j, key, true); }
void json_array_end(struct json *j) { close_container(j, true); }

void json_u64(struct json *j, const char *key, uint64_t v)
{
	begin_value(j, key);
	fprintf(j->out, "%" PRIu64, v);
}

void json_i64(struct json *j, const char *key, int64_t v)
{
	begin_value(j, key);
	fprintf(j->out, "%" PRId64, v);
}

void json_bool(struct json *j, const char *key, bool v)
{
	begin_value(j, key);
	fputs(v ? "true" : "false", j->out);
}

void json_str(struct json *j, const char *key, const char *v)
{
	begin_value(j, key);
	if (v)
		json_write_string(j->out, v);
	else
		fputs("null", j->out);
}

int json_finish(struct json *j)
{
	fputc('\n', j->out);
	return j->misused || j->depth || ferror(j->out) ? -1 : 0;
}
