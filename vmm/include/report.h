/*
 * The exit summary's reports: a report walks its data once, saying each
 * field (and object or array) once; the JSON backend writes them as JSON
 * (--stats-json), the text backend keeps them and prints the summary lines
 * the report asks for, each rendered from the fields said so far, so that
 * both say the same thing. Pure.
 *
 * A line is a template: text, and {key} for a field's value, looked up in
 * the open objects innermost first, latest first:
 *   {key}       decimal (a boolean true/false, a string as it is)
 *   {key:x}     hexadecimal; a width and zero may come first: {key:04x}
 *   {key:kib}   a page shift as KiB (16 -> 64)
 *   {key:devfn} a devfn as slot.function (0x09 -> 01.1)
 *   {key?A|B}   A if the field is true (or non-zero), else B
 * A key no open object holds renders as "?".
 */
#ifndef PVMM_REPORT_H
#define PVMM_REPORT_H

#include "json.h"

#define REPORT_FIELDS_MAX 64

struct report_field {
	const char *key;
	int depth;
	enum { FIELD_U64, FIELD_I64, FIELD_BOOL, FIELD_STR } type;
	union {
		uint64_t u;
		int64_t i;
		bool b;
		const char *s;	/* the caller's: lives until the object ends */
	};
};

struct report {
	struct json *json;	/* the JSON backend, or NULL */
	FILE *text;		/* the text backend's summary lines */
	int depth;
	struct report_field fields[REPORT_FIELDS_MAX];
	int nr_fields;
	bool dropped;		/* more fields open at once than kept */
};

void report_init_json(struct report *r, struct json *j);
void report_init_text(struct report *r, FILE *out);
void report_object_begin(struct report *r, const char *key);
void report_object_end(struct report *r);
void report_array_begin(struct report *r, const char *key);
void report_array_end(struct report *r);
void report_u64(struct report *r, const char *key, uint64_t v);
void report_i64(struct report *r, const char *key, int64_t v);
void report_bool(struct report *r, const char *key, bool v);
void report_str(struct report *r, const char *key, const char *v);
/* A summary line (newline added): the text backend's only. */
void report_line(struct report *r, const char *tmpl);

#endif
