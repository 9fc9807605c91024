// SPDX-License-Identifier: GPL-2.0
/*
 * ptyrun: run a command on a fresh pseudo-terminal, as a user's shell would,
 * and report what it did to that terminal. Used by the `signals` scenario to
 * check that pvmm puts a terminal in raw mode while it runs and restores it
 * on every way out (SIGINT, SIGTERM, the Ctrl-A x escape).
 *
 *   ptyrun [-t SECS] [-w TEXT] [-s SIGNUM | -k BYTES] -- command [args...]
 *
 * The command's output is copied to stdout. Once TEXT has appeared in it,
 * ptyrun samples the terminal's mode, then sends signal SIGNUM to the
 * command or types BYTES (C escapes \xHH allowed) on the terminal. When the
 * command has ended it prints one line:
 *   PTYRUN exit=N|signal=N|timeout raw_while_running=0|1 restored=0|1
 * restored=1 means the terminal's modes are exactly those it had before the
 * command started. Exit status 0 when that line could be printed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static bool same_modes(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	       a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
	       !memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc));
}

/* Raw as cfmakeraw() means it: no line editing, no echo, no signals. */
static bool is_raw(const struct termios *t)
{
	return !(t->c_lflag & (ICANON | ECHO | ISIG));
}

static size_t unescape(const char *s, char *out, size_t max)
{
	size_t n = 0;

	while (*s && n < max) {
		if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = { s[2], s[3], 0 };
			out[n++] = (char)strtol(hex, NULL, 16);
			s += 4;
		} else {
			out[n++] = *s++;
		}
	}
	return n;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void drain(int master)
{
	struct pollfd p = { .fd = master, .events = POLLIN };
	char buf[1024];
	ssize_t n;

	while (poll(&p, 1, 200) > 0 && (p.revents & POLLIN) && (n = read(master, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	fflush(stdout);
}

static int usage(void)
{
	fprintf(stderr, "usage: ptyrun [-t SECS] [-w TEXT] [-s SIGNUM | -k BYTES] -- command [args...]\n");
	return 2;
}

static pid_t start_on_pty(const char *slave_name, char **argv)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	setsid();
	int fd = open(slave_name, O_RDWR);
	if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0) {
		perror("ptyrun: controlling terminal");
		_exit(127);
	}
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	execvp(argv[0], argv);
	perror("ptyrun: exec");
	_exit(127);
}

int main(int argc, char **argv)
{
	const char *wait_for = NULL, *keys = NULL;
	double timeout = 300;
	int sig = 0, opt;

	while ((opt = getopt(argc, argv, "t:w:s:k:")) != -1) {
		switch (opt) {
		case 't': timeout = atof(optarg); break;
		case 'w': wait_for = optarg; break;
		case 's': sig = atoi(optarg); break;
		case 'k': keys = optarg; break;
		default: return usage();
		}
	}
	if (optind >= argc)
		return usage();

	int master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) {
		perror("ptyrun: posix_openpt");
		return 1;
	}
	const char *slave_name = ptsname(master);
	/* Held open so the modes can be read after the command has gone. */
	int slave = slave_name ? open(slave_name, O_RDWR | O_NOCTTY) : -1;
	struct termios before, during, after;
	if (slave < 0 || tcgetattr(slave, &before) < 0) {
		perror("ptyrun: slave");
		return 1;
	}
	during = before;

	pid_t pid = start_on_pty(slave_name, &argv[optind]);
	if (pid < 0) {
		perror("ptyrun: fork");
		return 1;
	}

	/* The tail of the output, enough to find TEXT across reads. */
	char seen[4096] = "";
	size_t seen_len = 0;
	bool fired = !wait_for, timed_out = false;
	int status = 0;
	double deadline = now() + timeout;

	for (;;) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		if (poll(&p, 1, 100) > 0 && (p.revents & POLLIN)) {
			char buf[1024];
			ssize_t n = read(master, buf, sizeof(buf));
			if (n > 0) {
				fwrite(buf, 1, n, stdout);
				fflush(stdout);
				if (seen_len + n >= sizeof(seen)) {
					size_t keep = sizeof(seen) / 2;
					memmove(seen, seen + seen_len - keep, keep);
					seen_len = keep;
				}
				if ((size_t)n < sizeof(seen) - seen_len) {
					memcpy(seen + seen_len, buf, n);
					seen_len += n;
					seen[seen_len] = 0;
				}
			}
		}
		if (!fired && memmem(seen, seen_len, wait_for, strlen(wait_for))) {
			fired = true;
			tcgetattr(slave, &during);
			if (sig)
				kill(pid, sig);
			if (keys) {
				char k[256];
				size_t n = unescape(keys, k, sizeof(k));
				if (write(master, k, n) != (ssize_t)n)
					perror("ptyrun: typing");
			}
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			drain(master);		/* what it wrote just before it ended */
			break;
		}
		if (now() > deadline && !timed_out) {
			timed_out = true;
			kill(pid, SIGKILL);
		}
	}
	tcgetattr(slave, &after);
	printf("\nPTYRUN ");
	if (timed_out)
		printf("timeout");
	else if (WIFSIGNALED(status))
		printf("signal=%d", WTERMSIG(status));
	else
		printf("exit=%d", WEXITSTATUS(status));
	printf(" raw_while_running=%d restored=%d\n", fired && wait_for ? is_raw(&during) : 0,
	       same_modes(&before, &after));
	return 0;
}
