/*
 * jsonq: the scenarios' and kernel/run-bench's JSON reader (pvmm's
 * --stats-json), a strict RFC 8259 parser and a small path query:
 *
 *   jsonq [-k] FILE PATH [FIELD...]
 *
 * PATH is components joined by '.': a member's name, an array index
 * (digits), '#' (the length of an array or object), '*' (each element or
 * member in turn), or a selector [key=value]: the first element of an
 * array (or, after '*', each one) whose member KEY is VALUE (a string's
 * text, or a number's or literal's as written). A name may carry
 * selectors: "phbs[index=1].tce.mode". Each value the path selects prints
 * one line: a string's text, a number or literal as written, an object or
 * array as compact JSON; with FIELDs, each FIELD (a path from that value)
 * instead, separated by spaces ("null" where it is missing); with -k the
 * line starts with the member's key (or the element's index) '*' took.
 * Exit status: 0 if something was printed, 1 if the path selects nothing,
 * 2 for a bad file or usage.
 */
#ifndef PVMM_JSONQ_H
#define PVMM_JSONQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum jq_type { JQ_NULL, JQ_BOOL, JQ_NUMBER, JQ_STRING, JQ_ARRAY, JQ_OBJECT };

struct jq_node {
	enum jq_type type;
	const char *text;	/* a string's decoded text, a number's or literal's token */
	size_t len;
	const char *key;	/* as an object's member: its decoded name */
	size_t key_len;
	int first, next;	/* children and siblings, by index; -1: none */
	int count;		/* children */
};

struct jq_doc {
	struct jq_node *nodes;
	int n, cap;
	char *strings;		/* decoded strings and keys */
	size_t strings_len;
	const char *error;	/* why jq_parse failed */
	size_t error_at;	/* byte offset */
};

/* 0, or -1 with error and error_at set. The text need not end in NUL. */
int jq_parse(struct jq_doc *d, const char *text, size_t len);
void jq_free(struct jq_doc *d);
/* Prints what PATH selects (see above); the lines printed, or -1 if the path is malformed. */
int jq_query(const struct jq_doc *d, const char *path, const char *const *fields, int nfields,
	     bool keys, FILE *out);

#endif
