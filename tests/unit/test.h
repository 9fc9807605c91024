/*
 * A minimal unit-test harness: tests register themselves, CHECK records a
 * failure with file:line and goes on, main() runs everything and prints
 * "N passed, M failed" as its last line (exit status 1 if M > 0).
 */
#ifndef PVMM_TEST_H
#define PVMM_TEST_H

#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
	struct test_case *next;
};

extern struct test_case *test_list;
extern int test_failures_in_case;

#define TEST(name)							\
	static void test_##name(void);					\
	static struct test_case tc_##name = { #name, test_##name, NULL };	\
	__attribute__((constructor)) static void reg_##name(void)	\
	{ tc_##name.next = test_list; test_list = &tc_##name; }		\
	static void test_##name(void)

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
		test_failures_in_case++;				\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b) {							\
		printf("  %s:%d: %s == %s failed: %lld != %lld\n",	\
		       __FILE__, __LINE__, #a, #b, _a, _b);		\
		test_failures_in_case++;				\
	}								\
} while (0)

#define CHECK_STR_CONTAINS(s, sub) do {					\
	if (!strstr((s), (sub))) {					\
		printf("  %s:%d: \"%s\" does not contain \"%s\"\n",	\
		       __FILE__, __LINE__, (s), (sub));			\
		test_failures_in_case++;				\
	}								\
} while (0)

#define CHECK_STR_EQ(s, want) do {					\
	if (strcmp((s), (want))) {					\
		printf("  %s:%d: \"%s\" != \"%s\"\n",		\
		       __FILE__, __LINE__, (s), (want));		\
		test_failures_in_case++;				\
	}								\
} while (0)

#endif
