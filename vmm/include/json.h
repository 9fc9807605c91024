/*
 * A JSON emitter: objects, arrays, keys, integers, booleans and strings,
 * with the commas and the nesting tracked here, so that a caller only says
 * what comes next. Members of the outer `wrap` levels each go on a line of
 * their own (indented two spaces per level); deeper ones stay on one line,
 * "key": value separated by ", ". Pure: it writes to a FILE only.
 */
#ifndef PVMM_JSON_H
#define PVMM_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_DEPTH_MAX 16

struct json {
	FILE *out;
	int depth;			/* containers open */
	int wrap;			/* levels whose members go on lines of their own */
	bool has_member[JSON_DEPTH_MAX];/* per open container: a member written already */
	bool in_array[JSON_DEPTH_MAX];
	bool misused;			/* a key in an array, none in an object, too deep... */
};

void json_init(struct json *j, FILE *out, int wrap);
/* KEY names the member inside an object; NULL inside an array or at the top. */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, bool v);
/* NULL is written as null. */
void json_str(struct json *j, const char *key, const char *v);
/* 0, or -1 if the writer was misused or every container is not closed yet,
 * or the FILE had an error. A newline ends the document. */
int json_finish(struct json *j);
/* S as a JSON string literal, quotes included. */
void json_write_string(FILE *out, const char *s);

#endif
