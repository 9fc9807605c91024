/*
 * Exit statistics: how many hcalls and RTAS calls reached pvmm and how long
 * pvmm spent on them. Printed at exit and written as JSON. Pure.
 */
#ifndef PVMM_STATS_H
#define PVMM_STATS_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define STATS_MAX_ENTRIES 128

struct stat_entry {
	char kind;		/* 'h' hcall, 'r' RTAS call, 'u' unknown hcall */
	uint64_t id;		/* hcall opcode or RTAS token */
	const char *name;
	uint64_t count;
	uint64_t errors;	/* calls that returned an error code */
	uint64_t total_ns;
	uint64_t max_ns;
};

struct stats {
	pthread_mutex_t lock;
	struct stat_entry e[STATS_MAX_ENTRIES];
	int n;
	uint64_t exits_total;
	uint64_t start_ns;
};

void stats_init(struct stats *s);
void stats_record(struct stats *s, char kind, uint64_t id, const char *name,
		  uint64_t ns, int failed);
const struct stat_entry *stats_find(const struct stats *s, char kind, uint64_t id);
void stats_print(const struct stats *s, FILE *out);
int stats_write_json(const struct stats *s, FILE *out, const char *extra_json);

#endif
