/* vfio_req.c's watcher: eventfds stand in for VFIO's request triggers (the
 * enable/disable ioctls are the system scenario's). The host asking for a
 * device stops the VM with EXIT_DEVICE_REQUEST, named once; the thread
 * stops and is joined on demand. */
#include "test.h"
#include "support.h"
#include "vfio.h"
#include "vfio_req.h"
#include "vm.h"

#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static void fake_device(struct vfio_device *d, const char *bdf, bool has_req)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	d->req_fd = has_req ? eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) : -1;
}

/* The host's request: vfio-pci signals the eventfd. */
static void host_asks(struct vfio_device *d)
{
	uint64_t one = 1;

	CHECK(write(d->req_fd, &one, sizeof(one)) == sizeof(one));
}

static bool wait_exiting(struct vm *vm)
{
	for (int i = 0; i < 2000 && !vm_exiting(vm); i++)
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	return vm_exiting(vm);
}

TEST(vfio_req_host_asks_for_a_device)
{
	static struct vm vm;
	struct vfio_device a, b, none;
	struct vfio_device *devs[] = { &a, &none, &b };
	struct vfio_req_watch w;
	const char *err;

	test_vm_init(&vm, 4096);
	fake_device(&a, "0000:01:00.0", true);
	fake_device(&none, "0000:02:00.0", false);
	fake_device(&b, "0000:03:00.0", true);
	stderr_capture_begin();
	CHECK_EQ(vfio_req_watch_start(&w, &vm, "PHB 0", devs, 3), 0);
	CHECK(w.running);
	host_asks(&b);
	CHECK(wait_exiting(&vm));
	/* vfio-pci asks again every few seconds until the device is let go */
	host_asks(&b);
	nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
	vfio_req_watch_stop(&w);
	err = stderr_capture_end();
	CHECK(!w.running);
	CHECK_EQ(vm.exit_code, EXIT_DEVICE_REQUEST);
	CHECK_STR_CONTAINS(err, "0000:03:00.0: the host asks for the device back");
	CHECK_STR_CONTAINS(err, "exit status 5");
	CHECK(strstr(err, "0000:01:00.0") == NULL);
	CHECK(strstr(strstr(err, "asks") + 1, "asks") == NULL);	/* said once */
	CHECK_EQ(atomic_load(&b.host_requests), 2);
	CHECK_EQ(atomic_load(&a.host_requests), 0);
	close(a.req_fd);
	close(b.req_fd);
	free(vm.mem.host);
}

/* The first exit request wins: a guest that powered off first keeps its
 * status; no request at all: the thread just stops. */
TEST(vfio_req_first_request_wins_and_stop_alone)
{
	static struct vm vm;
	struct vfio_device a;
	struct vfio_device *devs[] = { &a };
	struct vfio_req_watch w;

	test_vm_init(&vm, 4096);
	fake_device(&a, "0000:01:00.0", true);
	CHECK_EQ(vfio_req_watch_start(&w, &vm, "PHB 0", devs, 1), 0);
	vfio_req_watch_stop(&w);
	CHECK(!vm_exiting(&vm));
	vfio_req_watch_stop(&w);			/* twice: nothing */
	CHECK_EQ(vfio_req_watch_start(&w, &vm, "PHB 0", devs, 1), 0);
	vm_request_exit(&vm, EXIT_POWEROFF, NULL);
	stderr_capture_begin();
	host_asks(&a);
	nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
	vfio_req_watch_stop(&w);
	stderr_capture_end();
	CHECK_EQ(vm.exit_code, EXIT_POWEROFF);
	close(a.req_fd);
	free(vm.mem.host);
}

/* No function with a request trigger: no thread; a zeroed watch stops. */
TEST(vfio_req_no_trigger_no_thread)
{
	static struct vm vm;
	struct vfio_device none;
	struct vfio_device *devs[] = { &none };
	struct vfio_req_watch w, zeroed;

	memset(&zeroed, 0, sizeof(zeroed));
	vfio_req_watch_stop(&zeroed);
	test_vm_init(&vm, 4096);
	fake_device(&none, "0000:02:00.0", false);
	CHECK_EQ(vfio_req_watch_start(&w, &vm, "PHB 1", devs, 1), 0);
	CHECK(!w.running);
	vfio_req_watch_stop(&w);
	free(vm.mem.host);
}

/* The exit summary reads a function's request count while the watcher
 * still runs (the devices, and their watchers, go after the summary):
 * the count is an atomic, read here as the summary reads it (the TSan
 * build runs this). */
TEST(vfio_req_count_read_while_watching)
{
	static struct vm vm;
	struct vfio_device a;
	struct vfio_device *devs[] = { &a };
	struct vfio_req_watch w;
	uint64_t seen = 0;

	test_vm_init(&vm, 4096);
	fake_device(&a, "0000:01:00.0", true);
	stderr_capture_begin();
	CHECK_EQ(vfio_req_watch_start(&w, &vm, "PHB 0", devs, 1), 0);
	for (int i = 0; i < 2000 && seen < 3; i++) {
		if (i % 50 == 0)
			host_asks(&a);
		seen = atomic_load(&a.host_requests);
		nanosleep(&(struct timespec){ 0, 100000 }, NULL);
	}
	vfio_req_watch_stop(&w);
	stderr_capture_end();
	CHECK(seen >= 1);
	close(a.req_fd);
	free(vm.mem.host);
}
