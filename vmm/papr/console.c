/* The hvterm console (see console.h). */
#include "console.h"
#include "layout.h"
#include "spapr.h"
#include "spapr_hcall.h"
#include "util.h"
#include "vm.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define INPUT_RING 4096
#define ESCAPE_CHAR 0x01	/* Ctrl-A */

static struct {
	pthread_mutex_t lock;
	char ring[INPUT_RING];
	size_t head, count;
	struct termios saved;
	bool raw;
	struct vm *vm;
	pthread_t thread;
	bool thread_live;		/* made and not joined yet (main only) */
	int stop_pipe[2];		/* console_stop writes, the thread polls */
} con = { .lock = PTHREAD_MUTEX_INITIALIZER, .stop_pipe = { -1, -1 } };

size_t console_unpack(uint64_t len, uint64_t hi, uint64_t lo, char *out)
{
	if (len > 16)
		return 0;
	for (uint64_t i = 0; i < len; i++) {
		uint64_t reg = i < 8 ? hi : lo;
		out[i] = (char)(reg >> (56 - 8 * (i % 8)));
	}
	return len;
}

void console_pack(const char *in, size_t len, uint64_t *hi, uint64_t *lo)
{
	*hi = *lo = 0;
	for (size_t i = 0; i < len && i < 16; i++) {
		uint64_t *reg = i < 8 ? hi : lo;
		*reg |= (uint64_t)(uint8_t)in[i] << (56 - 8 * (i % 8));
	}
}

void console_push_input(const char *buf, size_t len)
{
	pthread_mutex_lock(&con.lock);
	for (size_t i = 0; i < len && con.count < INPUT_RING; i++) {
		con.ring[(con.head + con.count) % INPUT_RING] = buf[i];
		con.count++;
	}
	pthread_mutex_unlock(&con.lock);
}

static size_t console_pop_input(char *buf, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&con.lock);
	while (n < max && con.count) {
		buf[n++] = con.ring[con.head];
		con.head = (con.head + 1) % INPUT_RING;
		con.count--;
	}
	pthread_mutex_unlock(&con.lock);
	return n;
}

/* termno 0 is the default vty, as QEMU's spapr-vty has it: Linux's early
 * debug console (udbg on hvc) and small guests write there before (or
 * without) reading the device tree. */
static bool console_termno_ok(uint64_t termno)
{
	return termno == 0 || termno == VTY_UNIT_ADDRESS;
}

/* args: termno, len, chars 0-7, chars 8-15 */
static long h_put_term_char(struct vcpu *cpu, uint64_t opcode, uint64_t *args)
{
	char buf[16] = { 0 };
	size_t n;

	(void)opcode;
	if (!console_termno_ok(args[0]) || args[1] > 16)
		return H_PARAMETER;
	n = console_unpack(args[1], args[2], args[3], buf);
	/* Before the guest runs on: a mark line counts what came before it. */
	stats_console_feed(&cpu->vm->stats, buf, n);
	if (cpu->vm->cfg.console == CONSOLE_STDIO && n) {
		ssize_t w = write(STDOUT_FILENO, buf, n);
		(void)w;	/* a closed stdout must not stop the guest */
	}
	return H_SUCCESS;
}

/* args: termno -> len, chars 0-7, chars 8-15 */
static long h_get_term_char(struct vcpu *cpu, uint64_t opcode, uint64_t *args)
{
	char buf[16] = { 0 };
	size_t n = 0;

	(void)opcode;
	if (!console_termno_ok(args[0]))
		return H_PARAMETER;
	if (cpu->vm->cfg.console == CONSOLE_STDIO)
		n = console_pop_input(buf, sizeof(buf));
	args[0] = n;
	console_pack(buf, n, &args[1], &args[2]);
	return H_SUCCESS;
}

static const struct hcall_def console_hcalls[] = {
	{ H_PUT_TERM_CHAR, "H_PUT_TERM_CHAR", "hcall-term", h_put_term_char },
	{ H_GET_TERM_CHAR, "H_GET_TERM_CHAR", "hcall-term", h_get_term_char },
};

int console_register_calls(void)
{
	return hcall_register(console_hcalls, ARRAY_SIZE(console_hcalls));
}

void console_restore(void)
{
	if (con.raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &con.saved);
		con.raw = false;
	}
}

/* stdin has input (or EOF); false when console_stop asks the thread to end. */
static bool console_wait_input(void)
{
	struct pollfd p[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
			       { .fd = con.stop_pipe[0], .events = POLLIN } };

	for (;;) {
		int n = poll(p, 2, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || p[1].revents)
			return false;
		if (p[0].revents)
			return true;
	}
}

static void *console_input_thread(void *arg)
{
	bool escape = false, tty = isatty(STDIN_FILENO);
	struct vm *vm = arg;
	char buf[256];

	while (console_wait_input()) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return NULL;	/* EOF: the guest just sees no more input */
		for (ssize_t i = 0; i < n; i++) {
			if (tty && escape) {
				escape = false;
				if (buf[i] == 'x' || buf[i] == 'X') {
					vm_request_exit(vm, EXIT_POWEROFF, "quit from the console (Ctrl-A x)");
					return NULL;
				}
				if (buf[i] != ESCAPE_CHAR)
					continue;
			} else if (tty && buf[i] == ESCAPE_CHAR) {
				escape = true;
				continue;
			}
			console_push_input(&buf[i], 1);
		}
	}
	return NULL;
}

static void close_stop_pipe(void)
{
	for (int i = 0; i < 2; i++) {
		if (con.stop_pipe[i] >= 0)
			close(con.stop_pipe[i]);
		con.stop_pipe[i] = -1;
	}
}

int console_start(struct vm *vm)
{
	int r;

	con.vm = vm;
	if (vm->cfg.console != CONSOLE_STDIO)
		return 0;
	if (pipe(con.stop_pipe) < 0) {
		r = -errno;
		pr_err("console: pipe: %s", strerror(-r));
		return r;
	}
	if (isatty(STDIN_FILENO)) {
		struct termios raw;
		if (tcgetattr(STDIN_FILENO, &con.saved) == 0) {
			raw = con.saved;
			cfmakeraw(&raw);
			if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
				con.raw = true;
		}
	}
	r = pthread_create(&con.thread, NULL, console_input_thread, vm);
	if (r) {
		console_restore();
		pr_err("console: pthread_create: %s", strerror(r));
		close_stop_pipe();
		return -r;
	}
	con.thread_live = true;
	if (isatty(STDIN_FILENO))
		pr_info("console: Ctrl-A x quits");
	return 0;
}

void console_stop(void)
{
	if (con.thread_live) {
		ssize_t w = write(con.stop_pipe[1], "", 1);
		(void)w;	/* a pipe with room: only fails if closed, and it is not */
		pthread_join(con.thread, NULL);
		con.thread_live = false;
	}
	close_stop_pipe();
	console_restore();
}
