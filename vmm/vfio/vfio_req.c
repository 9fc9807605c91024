/* VFIO's request interrupt: the host asking for a device back (see vfio_req.h). */
#include "vfio_req.h"
#include "util.h"
#include "vfio.h"
#include "vm.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>

/*
 * Without the request interrupt the device still works; only a host that
 * asks for it back (an unbind) waits on pvmm instead of ending the run.
 * So failing to set it up is a warning, as in QEMU, not a failed open.
 */
static int req_unavailable(struct vfio_device *d, const char *what, int err)
{
	pr_warn("%s: %s(request): %s; the host cannot ask for the device back while pvmm runs",
		d->bdf, what, strerror(err));
	return 0;
}

/* The request index's one trigger: fd, or -1 for none. */
static int set_trigger(struct vfio_device *d, int fd)
{
	_Alignas(struct vfio_irq_set) uint8_t buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;
	int32_t data = fd;

	*set = (struct vfio_irq_set){ .argsz = sizeof(buf), .index = VFIO_PCI_REQ_IRQ_INDEX,
				      .flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
				      .start = 0, .count = 1 };
	memcpy(set->data, &data, sizeof(data));
	if (ioctl(d->fd, VFIO_DEVICE_SET_IRQS, set) < 0) {
		int err = errno;
		if (fd >= 0) {
			req_unavailable(d, "VFIO_DEVICE_SET_IRQS", err);
			return -err;
		}
		pr_err("%s: VFIO_DEVICE_SET_IRQS(request, off): %s", d->bdf, strerror(err));
		return -err;
	}
	return 0;
}

int vfio_req_enable(struct vfio_device *d)
{
	struct vfio_irq_info info = { .argsz = sizeof(info), .index = VFIO_PCI_REQ_IRQ_INDEX };
	int fd;

	d->req_fd = -1;
	if (d->num_irqs <= VFIO_PCI_REQ_IRQ_INDEX)
		return 0;
	if (ioctl(d->fd, VFIO_DEVICE_GET_IRQ_INFO, &info) < 0)
		return req_unavailable(d, "VFIO_DEVICE_GET_IRQ_INFO", errno);
	if (info.count != 1)
		return 0;
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return req_unavailable(d, "eventfd", errno);
	if (set_trigger(d, fd)) {
		close(fd);
		return 0;	/* set_trigger gave the warning */
	}
	d->req_fd = fd;
	return 0;
}

void vfio_req_disable(struct vfio_device *d)
{
	if (d->req_fd < 0)
		return;
	set_trigger(d, -1);
	close(d->req_fd);
	d->req_fd = -1;
}

/* The host asked for d (vfio-pci asks again every few seconds until the
 * device is released): said once, and the VM stops. */
static void host_asks(struct vfio_req_watch *w, struct vfio_device *d)
{
	uint64_t count;

	if (read(d->req_fd, &count, sizeof(count)) != sizeof(count))
		return;			/* EAGAIN: another wake-up took it */
	if (atomic_fetch_add(&d->host_requests, 1) == 0)
		pr_warn("%s: the host asks for the device back (VFIO request interrupt): "
			"stopping the guest and releasing its IOMMU group; exit status %d",
			d->bdf, EXIT_DEVICE_REQUEST);
	vm_request_exit(w->vm, EXIT_DEVICE_REQUEST, NULL);
}

static void *watch_fn(void *opaque)
{
	struct vfio_req_watch *w = opaque;
	struct pollfd p[VFIO_REQ_DEVS_MAX + 1];
	struct vfio_device *dev[VFIO_REQ_DEVS_MAX];
	unsigned int n = 0;

	for (unsigned int i = 0; i < w->n; i++) {
		if (w->devs[i]->req_fd < 0)
			continue;
		dev[n] = w->devs[i];
		p[n++] = (struct pollfd){ .fd = w->devs[i]->req_fd, .events = POLLIN };
	}
	p[n] = (struct pollfd){ .fd = w->stop_fd, .events = POLLIN };
	for (;;) {
		if (poll(p, n + 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			pr_err("%s: device request poll: %s", w->name, strerror(errno));
			return NULL;
		}
		if (p[n].revents)
			return NULL;
		for (unsigned int k = 0; k < n; k++)
			if (p[k].revents & POLLIN)
				host_asks(w, dev[k]);
	}
}

int vfio_req_watch_start(struct vfio_req_watch *w, struct vm *vm, const char *name,
			 struct vfio_device *const *devs, unsigned int n)
{
	bool any = false;
	int r;

	memset(w, 0, sizeof(*w));
	w->stop_fd = -1;
	w->vm = vm;
	snprintf(w->name, sizeof(w->name), "%s", name);
	for (unsigned int i = 0; i < n && w->n < VFIO_REQ_DEVS_MAX; i++) {
		w->devs[w->n++] = devs[i];
		any |= devs[i]->req_fd >= 0;
	}
	if (!any)
		return 0;
	w->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (w->stop_fd < 0) {
		int err = errno;
		pr_err("%s: device request stop eventfd: %s", name, strerror(err));
		return -err;
	}
	r = pthread_create(&w->thread, NULL, watch_fn, w);
	if (r) {
		pr_err("%s: pthread_create for device requests: %s", name, strerror(r));
		close(w->stop_fd);
		w->stop_fd = -1;
		return -r;
	}
	w->running = true;
	return 0;
}

void vfio_req_watch_stop(struct vfio_req_watch *w)
{
	uint64_t one = 1;

	if (!w->running)
		return;
	if (write(w->stop_fd, &one, sizeof(one)) != sizeof(one))
		pr_warn("%s: device request thread stop: %s", w->name, strerror(errno));
	pthread_join(w->thread, NULL);
	w->running = false;
	close(w->stop_fd);
	w->stop_fd = -1;
}
