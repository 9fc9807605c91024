/*
 * Exit statistics: how many hcalls and RTAS calls reached pvmm and how long
 * pvmm spent on them. Printed at exit and written as JSON. Pure.
 */
#ifndef PVMM_STATS_H
#define PVMM_STATS_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

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
