/*
 * VFIO's request interrupt: when the host wants a device back (a hot
 * remove, an unbind from vfio-pci), vfio-pci signals the user through the
 * device's VFIO_PCI_REQ_IRQ_INDEX eventfd, again every few seconds until
 * the device fd is closed. pvmm has no PCI hotplug: it stops the guest in
 * an orderly way, naming the device, and its normal teardown releases the
 * groups, so the host's remove completes; it then exits with
 * EXIT_DEVICE_REQUEST. One watcher thread per guest PHB polls its
 * functions' eventfds.
 */
#ifndef PVMM_VFIO_REQ_H
#define PVMM_VFIO_REQ_H

#include <pthread.h>
#include <stdbool.h>

struct vm;
struct vfio_device;

#define VFIO_REQ_DEVS_MAX	32

struct vfio_req_watch {
	struct vm *vm;
	char name[32];			/* "PHB 0", for messages */
	struct vfio_device *devs[VFIO_REQ_DEVS_MAX];
	unsigned int n;
	int stop_fd;			/* while running: an eventfd that ends the thread */
	pthread_t thread;
	bool running;			/* the thread exists, not joined */
};

/* The device's request eventfd (d->req_fd), if VFIO offers the index
 * with one vector (VFIO_DEVICE_GET_IRQ_INFO); without it, or when setting
 * it up fails (a warning naming the call), d->req_fd stays -1 and 0 is
 * returned: the host's remove then waits for pvmm's exit. */
int vfio_req_enable(struct vfio_device *d);
/* Off and closed; safe when never enabled. */
void vfio_req_disable(struct vfio_device *d);
/* Watch the request eventfds of n devices (those without one are
 * skipped; with none, no thread). */
int vfio_req_watch_start(struct vfio_req_watch *w, struct vm *vm, const char *name,
			 struct vfio_device *const *devs, unsigned int n);
/* Stop and join the thread; safe when never started (a zeroed w too). */
void vfio_req_watch_stop(struct vfio_req_watch *w);

#endif
