/*
 * tcecheck: an independent look at a running pvmm's KVM TCE tables, not
 * pvmm's word for itself. It takes a copy of each of the process's
 * kvm-spapr-tce fds (pidfd_getfd), maps the table as KVM exposes it (one
 * u64 per IOMMU page, host byte order, valid when a permission bit is set),
 * reads it up to its end (where KVM's fault handler answers SIGBUS) and
 * checks that every valid entry points inside guest RAM.
 *   tcecheck <pid> <guest RAM bytes>
 * Prints "TCECHECK table=N entries=E valid=V outside=O" per table and a
 * total line; exits 1 when an entry points outside RAM or nothing could be
 * read, 0 otherwise. A table whose fd closed between the listing and the
 * copy (a guest removing a DMA window meanwhile) is "gone", not an error.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

#define TCE_PERM_MASK	3ull		/* TCE_PCI_READ | TCE_PCI_WRITE */
#define TCE_ADDR_MASK	(~0xfffull)	/* any IOMMU page is a multiple of 4 KiB */
#define TABLE_MAX	(1ull << 32)	/* address space reserved per table */

static sigjmp_buf table_end;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(table_end, 1);
}

struct table_count { uint64_t entries, valid, outside; };

/* Count entries page by page until KVM says the table ends (SIGBUS). */
static void count_table(const volatile uint64_t *tbl, uint64_t ram, struct table_count *c)
{
	const uint64_t per_page = (uint64_t)sysconf(_SC_PAGESIZE) / sizeof(uint64_t);

	memset(c, 0, sizeof(*c));
	if (sigsetjmp(table_end, 1))
		return;
	for (uint64_t page = 0; page * per_page * sizeof(uint64_t) < TABLE_MAX; page++) {
		for (uint64_t i = page * per_page; i < (page + 1) * per_page; i++) {
			uint64_t tce = tbl[i];
			if (tce & TCE_PERM_MASK) {
				c->valid++;
				c->outside += (tce & TCE_ADDR_MASK) >= ram;
			}
		}
		c->entries += per_page;
	}
}

static int is_tce_table(int pid, const char *fd)
{
	char path[300], link[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fd/%s", pid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = '\0';
	return !strcmp(link, "anon_inode:kvm-spapr-tce");
}

/* The copy is a KVM TCE table still (the number may have been closed
 * and given to another file since it was listed). */
static int fd_is_tce_table(int fd)
{
	char self[32];

	snprintf(self, sizeof(self), "%d", fd);
	return is_tce_table(getpid(), self);
}

/* 1: the table was read; 0: it went away meanwhile (the guest removed a
 * DMA window while it was listed); -1: an error. */
static int check_fd(int pidfd, int target, uint64_t ram, int n, struct table_count *all)
{
	struct table_count c;
	int fd = (int)syscall(SYS_pidfd_getfd, pidfd, target, 0);
	void *map;

	if (fd < 0 && errno == EBADF) {
		printf("TCECHECK table=%d fd=%d gone\n", n, target);
		return 0;
	}
	if (fd < 0) {
		printf("TCECHECK error=\"pidfd_getfd(%d): %s\"\n", target, strerror(errno));
		return -1;
	}
	if (!fd_is_tce_table(fd)) {
		close(fd);
		printf("TCECHECK table=%d fd=%d gone\n", n, target);
		return 0;
	}
	map = mmap(NULL, TABLE_MAX, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		printf("TCECHECK error=\"mmap of table fd %d: %s\"\n", target, strerror(errno));
		return -1;
	}
	count_table(map, ram, &c);
	munmap(map, TABLE_MAX);
	printf("TCECHECK table=%d fd=%d entries=%llu valid=%llu outside=%llu\n", n, target,
	       (unsigned long long)c.entries, (unsigned long long)c.valid,
	       (unsigned long long)c.outside);
	all->entries += c.entries;
	all->valid += c.valid;
	all->outside += c.outside;
	return 1;
}

int main(int argc, char **argv)
{
	struct table_count all = { 0 };
	struct sigaction sa = { .sa_handler = on_sigbus };
	struct dirent *de;
	char path[64];
	int pid, pidfd, tables = 0, errors = 0;
	uint64_t ram;
	DIR *dir;

	if (argc != 3) {
		fprintf(stderr, "usage: tcecheck <pid> <guest RAM bytes>\n");
		return 2;
	}
	pid = atoi(argv[1]);
	ram = strtoull(argv[2], NULL, 0);
	sigaction(SIGBUS, &sa, NULL);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (pidfd < 0 || !dir) {
		printf("TCECHECK error=\"pid %d: %s\"\n", pid, strerror(errno));
		return 1;
	}
	while ((de = readdir(dir))) {
		int r;
		if (!is_tce_table(pid, de->d_name))
			continue;
		r = check_fd(pidfd, atoi(de->d_name), ram, tables, &all);
		errors += r < 0;
		tables += r > 0;
	}
	closedir(dir);
	printf("TCECHECK total tables=%d valid=%llu outside=%llu errors=%d\n", tables,
	       (unsigned long long)all.valid, (unsigned long long)all.outside, errors);
	return (tables == 0 || errors || all.outside) ? 1 : 0;
}
