/* jsonq: see jsonq.h. Built static for the emulated host and with pvmm on
 * a POWER host (kernel/run-bench), and into the unit tests. */
#include "jsonq.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define JQ_DEPTH_MAX 64

struct parser {
	struct jq_doc *d;
	const char *p, *start, *end;
};

static int fail(struct parser *ps, const char *why)
{
	if (!ps->d->error) {
		ps->d->error = why;
		ps->d->error_at = (size_t)(ps->p - ps->start);
	}
	return -1;
}

static void skip_space(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int new_node(struct parser *ps, enum jq_type type)
{
	struct jq_doc *d = ps->d;

	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 64;
		struct jq_node *n = realloc(d->nodes, (size_t)cap * sizeof(*n));
		if (!n)
			return fail(ps, "out of memory");
		d->nodes = n;
		d->cap = cap;
	}
	d->nodes[d->n] = (struct jq_node){ .type = type, .first = -1, .next = -1 };
	return d->n++;
}

static int hex4(const char *p, unsigned int *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		*v <<= 4;
		if (c >= '0' && c <= '9') *v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f') *v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') *v |= (unsigned int)(c - 'A' + 10);
		else return -1;
	}
	return 0;
}

static size_t put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) { o[0] = (char)cp; return 1; }
	if (cp < 0x800) { o[0] = (char)(0xc0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3f)); return 2; }
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12); o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f)); return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18); o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f)); o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string at ps->p (the opening quote), decoded into the string arena. */
static int parse_string(struct parser *ps, const char **text, size_t *len)
{
	char *o = ps->d->strings + ps->d->strings_len, *o0 = o;

	ps->p++;
	for (;;) {
		unsigned char c;
		if (ps->p >= ps->end)
			return fail(ps, "unterminated string");
		c = (unsigned char)*ps->p++;
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(ps, "control character in a string");
		if (c != '\\') {
			*o++ = (char)c;
			continue;
		}
		if (ps->p >= ps->end)
			return fail(ps, "unterminated string");
		c = (unsigned char)*ps->p++;
		switch (c) {
		case '"': case '\\': case '/': *o++ = (char)c; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			unsigned int cp, lo;
			if (ps->end - ps->p < 4 || hex4(ps->p, &cp))
				return fail(ps, "bad \\u escape");
			ps->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' ||
				    hex4(ps->p + 2, &lo) || lo < 0xdc00 || lo >= 0xe000)
					return fail(ps, "unpaired surrogate");
				ps->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				return fail(ps, "unpaired surrogate");
			}
			o += put_utf8(o, cp);
			break;
		}
		default:
			return fail(ps, "bad escape");
		}
	}
	*o++ = 0;
	*text = o0;
	*len = (size_t)(o - o0 - 1);
	ps->d->strings_len += (size_t)(o - o0);
	return 0;
}

static int parse_number(struct parser *ps)
{
	const char *p = ps->p;

	if (p < ps->end && *p == '-')
		p++;
	if (p < ps->end && *p == '0')
		p++;
	else if (p < ps->end && *p >= '1' && *p <= '9')
		while (p < ps->end && *p >= '0' && *p <= '9')
			p++;
	else
		return fail(ps, "bad number");
	if (p < ps->end && *p == '.') {
		if (++p >= ps->end || *p < '0' || *p > '9')
			return fail(ps, "bad number");
		while (p < ps->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < ps->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < ps->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= ps->end || *p < '0' || *p > '9')
			return fail(ps, "bad number");
		while (p < ps->end && *p >= '0' && *p <= '9')
			p++;
	}
	ps->p = p;
	return 0;
}

static int parse_value(struct parser *ps, int depth);

/* An array's or object's members, after the opening bracket. */
static int parse_members(struct parser *ps, int self, bool object, int depth)
{
	char close = object ? '}' : ']';
	int last = -1;

	skip_space(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		const char *key = NULL;
		size_t key_len = 0;
		int child;

		skip_space(ps);
		if (object) {
			if (ps->p >= ps->end || *ps->p != '"')
				return fail(ps, "expected a member name");
			if (parse_string(ps, &key, &key_len))
				return -1;
			skip_space(ps);
			if (ps->p >= ps->end || *ps->p != ':')
				return fail(ps, "expected ':'");
			ps->p++;
		}
		child = parse_value(ps, depth + 1);
		if (child < 0)
			return -1;
		ps->d->nodes[child].key = key;
		ps->d->nodes[child].key_len = key_len;
		if (last < 0)
			ps->d->nodes[self].first = child;
		else
			ps->d->nodes[last].next = child;
		last = child;
		ps->d->nodes[self].count++;
		skip_space(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return 0;
		}
		return fail(ps, object ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int literal(struct parser *ps, const char *word, enum jq_type type)
{
	size_t n = strlen(word);
	int i;

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return fail(ps, "unexpected character");
	i = new_node(ps, type);
	if (i < 0)
		return -1;
	ps->d->nodes[i].text = ps->p;
	ps->d->nodes[i].len = n;
	ps->p += n;
	return i;
}

/* The node's index, or -1. */
static int parse_value(struct parser *ps, int depth)
{
	int i;

	if (depth > JQ_DEPTH_MAX)
		return fail(ps, "nested too deep");
	skip_space(ps);
	if (ps->p >= ps->end)
		return fail(ps, "unexpected end");
	switch (*ps->p) {
	case '{':
	case '[': {
		bool object = *ps->p == '{';
		i = new_node(ps, object ? JQ_OBJECT : JQ_ARRAY);
		if (i < 0)
			return -1;
		ps->p++;
		return parse_members(ps, i, object, depth) ? -1 : i;
	}
	case '"': {
		const char *text;
		size_t len;
		if (parse_string(ps, &text, &len))
			return -1;
		i = new_node(ps, JQ_STRING);
		if (i < 0)
			return -1;
		ps->d->nodes[i].text = text;
		ps->d->nodes[i].len = len;
		return i;
	}
	case 't': return literal(ps, "true", JQ_BOOL);
	case 'f': return literal(ps, "false", JQ_BOOL);
	case 'n': return literal(ps, "null", JQ_NULL);
	default: {
		const char *s = ps->p;
		if (parse_number(ps))
			return -1;
		i = new_node(ps, JQ_NUMBER);
		if (i < 0)
			return -1;
		ps->d->nodes[i].text = s;
		ps->d->nodes[i].len = (size_t)(ps->p - s);
		return i;
	}
	}
}

int jq_parse(struct jq_doc *d, const char *text, size_t len)
{
	struct parser ps = { d, text, text, text + len };

	memset(d, 0, sizeof(*d));
	d->strings = malloc(len + 1);	/* decoded strings are never longer */
	if (!d->strings)
		return fail(&ps, "out of memory");
	if (parse_value(&ps, 0) < 0)
		return -1;
	skip_space(&ps);
	if (ps.p != ps.end)
		return fail(&ps, "text after the value");
	return 0;
}

void jq_free(struct jq_doc *d)
{
	free(d->nodes);
	free(d->strings);
	memset(d, 0, sizeof(*d));
}

static void print_string(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void print_json(const struct jq_doc *d, int i, FILE *out)
{
	const struct jq_node *n = &d->nodes[i];
	bool object = n->type == JQ_OBJECT;

	if (n->type == JQ_STRING) {
		print_string(out, n->text, n->len);
		return;
	}
	if (!object && n->type != JQ_ARRAY) {
		fwrite(n->text, 1, n->len, out);
		return;
	}
	fputc(object ? '{' : '[', out);
	for (int c = n->first; c >= 0; c = d->nodes[c].next) {
		if (c != n->first)
			fputc(',', out);
		if (object) {
			print_string(out, d->nodes[c].key, d->nodes[c].key_len);
			fputc(':', out);
		}
		print_json(d, c, out);
	}
	fputc(object ? '}' : ']', out);
}

/* A value as a line's word: a string's text, anything else as JSON. */
static void print_value(const struct jq_doc *d, int i, FILE *out)
{
	if (d->nodes[i].type == JQ_STRING)
		fwrite(d->nodes[i].text, 1, d->nodes[i].len, out);
	else
		print_json(d, i, out);
}

static bool text_is(const char *t, size_t tlen, const char *s, size_t slen)
{
	return tlen == slen && !memcmp(t, s, slen);
}

static int child_by_key(const struct jq_doc *d, int i, const char *key, size_t len)
{
	if (d->nodes[i].type != JQ_OBJECT)
		return -1;
	for (int c = d->nodes[i].first; c >= 0; c = d->nodes[c].next)
		if (text_is(d->nodes[c].key, d->nodes[c].key_len, key, len))
			return c;
	return -1;
}

/* An object's member by name, or an array's element by index. */
static int child_named(const struct jq_doc *d, int i, const char *name, size_t len)
{
	const struct jq_node *n = &d->nodes[i];
	int c;

	if (n->type == JQ_OBJECT)
		return child_by_key(d, i, name, len);
	if (n->type != JQ_ARRAY || strspn(name, "0123456789") < len)
		return -1;
	c = n->first;
	for (long k = strtol(name, NULL, 10); c >= 0 && k > 0; k--)
		c = d->nodes[c].next;
	return c;
}

/* SEL is "key=value": whether element I matches. */
static bool selects(const struct jq_doc *d, int i, const char *sel, size_t len)
{
	const char *eq = memchr(sel, '=', len);
	int m;

	if (!eq)
		return false;
	m = child_by_key(d, i, sel, (size_t)(eq - sel));
	return m >= 0 && d->nodes[m].type != JQ_OBJECT && d->nodes[m].type != JQ_ARRAY &&
	       text_is(d->nodes[m].text, d->nodes[m].len, eq + 1, (size_t)(sel + len - eq - 1));
}

struct query {
	const struct jq_doc *d;
	const char *const *fields;
	int nfields;
	bool keys;
	FILE *out;
	int lines;
	bool bad;
};

static int walk(struct query *q, int i, const char *path, const char *label, size_t label_len);
static int first_match(const struct jq_doc *d, int i, const char *path);

static void emit(struct query *q, int i, const char *label, size_t label_len)
{
	if (q->keys) {
		fwrite(label, 1, label_len, q->out);
		fputc(' ', q->out);
	}
	if (!q->nfields) {
		print_value(q->d, i, q->out);
	} else {
		for (int f = 0; f < q->nfields; f++) {
			int m = first_match(q->d, i, q->fields[f]);
			if (f)
				fputc(' ', q->out);
			if (m >= 0)
				print_value(q->d, m, q->out);
			else
				fputs("null", q->out);
		}
	}
	fputc('\n', q->out);
	q->lines++;
}

/* PATH's next component of node I: its length (to the '.' or the end),
 * the name part's length, and where its selectors start. */
static size_t component(const char *path, size_t *name_len)
{
	size_t n = 0;

	*name_len = strcspn(path, ".[");
	n = *name_len;
	while (path[n] == '[') {
		const char *close = strchr(path + n, ']');
		if (!close)
			return (size_t)-1;
		n = (size_t)(close - path) + 1;
	}
	if (path[n] && path[n] != '.')
		return (size_t)-1;
	return n;
}

/* Whether element I matches every selector of SEL ("[k=v][k2=v2]", LEN bytes). */
static bool selects_all(const struct jq_doc *d, int i, const char *sel, size_t len)
{
	for (const char *p = sel; p < sel + len; ) {
		const char *close = memchr(p, ']', (size_t)(sel + len - p));
		if (!selects(d, i, p + 1, (size_t)(close - p - 1)))
			return false;
		p = close + 1;
	}
	return true;
}

/* Selectors SEL applied to node I, then the rest of the path: an array's
 * first element that matches them all, or (EACH: after '*') the element
 * itself, if it matches. */
static int apply_selectors(struct query *q, int i, const char *sel, size_t len, const char *rest,
			   const char *label, size_t label_len, bool each)
{
	const struct jq_doc *d = q->d;

	if (!len)
		return walk(q, i, rest, label, label_len);
	if (each)
		return selects_all(d, i, sel, len) ? walk(q, i, rest, label, label_len) : 0;
	if (d->nodes[i].type != JQ_ARRAY)
		return 0;
	for (int c = d->nodes[i].first; c >= 0; c = d->nodes[c].next)
		if (selects_all(d, c, sel, len))
			return walk(q, c, rest, label, label_len);
	return 0;
}

static int walk(struct query *q, int i, const char *path, const char *label, size_t label_len)
{
	const struct jq_doc *d = q->d;
	const struct jq_node *n = &d->nodes[i];
	size_t name_len, len;
	const char *rest;

	if (!*path) {
		emit(q, i, label, label_len);
		return 0;
	}
	len = component(path, &name_len);
	if (len == (size_t)-1) {
		q->bad = true;
		return -1;
	}
	rest = path[len] ? path + len + 1 : path + len;
	if (text_is(path, name_len, "#", 1)) {
		char count[16];
		if (n->type != JQ_ARRAY && n->type != JQ_OBJECT)
			return 0;
		snprintf(count, sizeof(count), "%d", n->count);
		if (*rest) {
			q->bad = true;
			return -1;
		}
		if (q->keys)
			fprintf(q->out, "%.*s ", (int)label_len, label);
		fprintf(q->out, "%s\n", count);
		q->lines++;
		return 0;
	}
	if (text_is(path, name_len, "*", 1)) {
		int idx = 0;
		if (n->type != JQ_ARRAY && n->type != JQ_OBJECT)
			return 0;
		for (int c = n->first; c >= 0; c = d->nodes[c].next, idx++) {
			char num[16];
			const char *l = d->nodes[c].key;
			size_t ll = d->nodes[c].key_len;
			if (n->type == JQ_ARRAY) {
				ll = (size_t)snprintf(num, sizeof(num), "%d", idx);
				l = num;
			}
			if (apply_selectors(q, c, path + name_len, len - name_len, rest, l, ll, true))
				return -1;
		}
		return 0;
	}
	if (name_len) {
		i = child_named(d, i, path, name_len);
		if (i < 0)
			return 0;
	}
	return apply_selectors(q, i, path + name_len, len - name_len, rest, label, label_len, false);
}

/* A FIELD names one value: names, indexes and selectors only. */
static int first_match(const struct jq_doc *d, int i, const char *path)
{
	const char *p = path;

	while (*p && i >= 0) {
		size_t name_len, len = component(p, &name_len);
		if (len == (size_t)-1 || (name_len == 1 && (*p == '*' || *p == '#')))
			return -1;
		if (name_len)
			i = child_named(d, i, p, name_len);
		if (i >= 0 && len > name_len) {
			int c = -1;
			if (d->nodes[i].type == JQ_ARRAY)
				for (c = d->nodes[i].first; c >= 0; c = d->nodes[c].next)
					if (selects_all(d, c, p + name_len, len - name_len))
						break;
			i = c;
		}
		p += len;
		if (*p == '.')
			p++;
	}
	return i;
}

int jq_query(const struct jq_doc *d, const char *path, const char *const *fields, int nfields,
	     bool keys, FILE *out)
{
	struct query q = { .d = d, .fields = fields, .nfields = nfields, .keys = keys, .out = out };

	if (!d->n)
		return 0;
	walk(&q, 0, path, "", 0);
	return q.bad ? -1 : q.lines;
}

#ifndef JSONQ_NO_MAIN
int main(int argc, char **argv)
{
	struct jq_doc d;
	bool keys = false;
	char *text = NULL;
	size_t len = 0, got;
	char buf[65536];
	FILE *f;
	int r;

	if (argc > 1 && !strcmp(argv[1], "-k")) {
		keys = true;
		argc--;
		argv++;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: jsonq [-k] FILE PATH [FIELD...]\n");
		return 2;
	}
	f = strcmp(argv[1], "-") ? fopen(argv[1], "r") : stdin;
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		char *t = realloc(text, len + got);
		if (!t) {
			fprintf(stderr, "jsonq: out of memory\n");
			return 2;
		}
		text = t;
		memcpy(text + len, buf, got);
		len += got;
	}
	if (f != stdin)
		fclose(f);
	if (jq_parse(&d, text ? text : "", len)) {
		fprintf(stderr, "jsonq: %s: %s at byte %zu\n", argv[1], d.error, d.error_at);
		return 2;
	}
	r = jq_query(&d, argv[2], (const char *const *)argv + 3, argc - 3, keys, stdout);
	if (r < 0)
		fprintf(stderr, "jsonq: bad path: %s\n", argv[2]);
	jq_free(&d);
	free(text);
	return r < 0 ? 2 : r > 0 ? 0 : 1;
}
#endif
