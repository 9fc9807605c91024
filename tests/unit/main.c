/* Runs every registered test case (see test.h). */
#include "test.h"

#include <stdlib.h>

struct test_case *test_list;
int test_failures_in_case;

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	struct test_case *rev = NULL, *t, *next;

	/* Constructors register in reverse order: run in file order. */
	for (t = test_list; t; t = next) {
		next = t->next;
		t->next = rev;
		rev = t;
	}
	for (t = rev; t; t = t->next) {
		if (argc > 1 && !strstr(t->name, argv[1]))
			continue;
		test_failures_in_case = 0;
		t->fn();
		if (test_failures_in_case) {
			printf("FAIL %s\n", t->name);
			failed++;
		} else {
			printf("ok   %s\n", t->name);
			passed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
