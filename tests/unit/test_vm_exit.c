/* The exit protocol (vm.c) under the threads that use it: vcpu threads
 * parked or running, requests from the pin and console threads and from a
 * vcpu itself, while main joins the vcpus and takes their array to destroy
 * it. Run under ThreadSanitizer by make unit-tsan (a kick that read a
 * vcpu's thread or kvm_run without the lock shows as a race), and under
 * ASan by make unit-asan (a kick into a freed kvm_run). */
#include "test.h"
#include "vm.h"

#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <linux/kvm.h>

#define ROUNDS		200
#define VCPUS		4
#define REQUESTERS	2
#define REQUESTS	50	/* each, overlapping main's joins */

static atomic_int kicks_seen;

static void count_kick(int sig)
{
	(void)sig;
	atomic_fetch_add(&kicks_seen, 1);
}

struct requester {
	struct vm *vm;
	int code;
	atomic_bool *go;
};

/* What vcpu_thread does around KVM_RUN: park until exiting, or ask for the
 * exit itself as a guest shutdown does. */
static void *fake_vcpu(void *arg)
{
	struct vcpu *c = arg;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, VM_SIG_KICK);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	if (c->id == 0 && c->start_pending)
		vm_request_exit(c->vm, EXIT_POWEROFF, NULL);
	pthread_mutex_lock(&c->vm->lock);
	while (!vm_exiting(c->vm))
		pthread_cond_wait(&c->wake, &c->vm->lock);
	pthread_mutex_unlock(&c->vm->lock);
	return NULL;
}

/* The pin thread's failure or the console's Ctrl-A x, again and again. */
static void *requester(void *arg)
{
	struct requester *q = arg;

	while (!atomic_load(q->go))
		sched_yield();
	for (int i = 0; i < REQUESTS; i++) {
		vm_request_exit(q->vm, q->code, NULL);
		sched_yield();
	}
	return NULL;
}

static void one_round(int round)
{
	static struct vm vm;
	struct requester q[REQUESTERS];
	pthread_t qt[REQUESTERS];
	atomic_bool go;
	struct vcpu *v;
	int n;

	vm_init_struct(&vm);
	atomic_init(&go, false);
	vm.vcpus = calloc(VCPUS, sizeof(*vm.vcpus));
	for (int i = 0; i < VCPUS; i++) {
		vm.vcpus[i] = (struct vcpu){ .vm = &vm, .id = i, .fd = -1 };
		vm.vcpus[i].run = calloc(1, sizeof(struct kvm_run));
		vm.vcpus[i].start_pending = i == 0 && round % 2;
		pthread_cond_init(&vm.vcpus[i].wake, NULL);
	}
	vm.nr_vcpus = VCPUS;
	/* the console thread exists before the vcpu threads, the pin thread after */
	for (int i = 0; i < REQUESTERS; i++) {
		q[i] = (struct requester){ &vm, 10 + i, &go };
		pthread_create(&qt[i], NULL, requester, &q[i]);
	}
	for (int i = 0; i < VCPUS; i++) {
		if (i == round % VCPUS)
			atomic_store(&go, true);	/* requests while threads are made */
		pthread_create(&vm.vcpus[i].thread, NULL, fake_vcpu, &vm.vcpus[i]);
		vm_vcpu_thread_published(&vm, &vm.vcpus[i]);
	}
	while (!vm_exiting(&vm))
		sched_yield();
	vm_join_vcpus(&vm);
	for (int i = 0; i < VCPUS; i++)
		CHECK(!vm.vcpus[i].thread_started);
	v = vm_take_vcpus(&vm, &n);
	CHECK_EQ(n, VCPUS);
	CHECK(vm.vcpus == NULL && vm.nr_vcpus == 0);
	for (int i = 0; i < n; i++) {
		CHECK_EQ(((struct kvm_run *)v[i].run)->immediate_exit, 1);
		free(v[i].run);
		pthread_cond_destroy(&v[i].wake);
	}
	free(v);
	for (int i = 0; i < REQUESTERS; i++)
		pthread_join(qt[i], NULL);
	CHECK(vm.exit_code == EXIT_POWEROFF || vm.exit_code == 10 || vm.exit_code == 11);
	if (!(round % 2))
		CHECK(vm.exit_code != EXIT_POWEROFF);
	stats_free(&vm.stats);
}

TEST(vm_exit_kick_join_race)
{
	struct sigaction sa = { .sa_handler = count_kick }, old;

	sigemptyset(&sa.sa_mask);
	sigaction(VM_SIG_KICK, &sa, &old);
	atomic_store(&kicks_seen, 0);
	for (int r = 0; r < ROUNDS; r++)
		one_round(r);
	/* at least the requests that came while threads were live kicked them */
	CHECK(atomic_load(&kicks_seen) > 0);
	sigaction(VM_SIG_KICK, &old, NULL);
}

/* A request after the array was taken touches no vcpu, and still stops. */
TEST(vm_exit_after_take)
{
	static struct vm vm;
	struct vcpu *v;
	int n;

	vm_init_struct(&vm);
	vm.vcpus = calloc(1, sizeof(*vm.vcpus));
	vm.vcpus[0] = (struct vcpu){ .vm = &vm, .fd = -1 };
	pthread_cond_init(&vm.vcpus[0].wake, NULL);
	vm.nr_vcpus = 1;
	v = vm_take_vcpus(&vm, &n);
	vm_request_exit(&vm, EXIT_SIGNAL, NULL);
	CHECK(vm_exiting(&vm));
	CHECK_EQ(vm.exit_code, EXIT_SIGNAL);
	CHECK_EQ(n, 1);
	free(v);
	stats_free(&vm.stats);
}
