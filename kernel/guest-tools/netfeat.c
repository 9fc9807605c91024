/*
 * netfeat IFACE FEATURE on|off: the ethtool calls the scenarios need
 * (busybox has no ethtool): switch a segmentation offload of a NIC.
 * FEATURE is tso, gso or sg. netfeat IFACE itr N: the NIC's interrupt
 * rate, N interrupts/s, as e1000e's InterruptThrottleRate=N (ethtool -C
 * rx-usecs 1000000/N; N of 0-4: that rx-usecs, the driver's modes). Prints
 * the new state; exit 1 on any error.
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int ethtool_value(int fd, const char *ifname, unsigned int cmd, unsigned int *data)
{
	struct ethtool_value ev = { .cmd = cmd, .data = *data };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		return -errno;
	*data = ev.data;
	return 0;
}

static int ifreq_call(int fd, const char *ifname, void *data)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = data;
	return ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
}

/* The interrupt rate through the coalescing parameters (e1000e's
 * set_coalesce: rx-usecs above 4 is 1000000/rate). */
static int set_itr(int fd, const char *ifname, const char *arg)
{
	struct ethtool_coalesce ec = { .cmd = ETHTOOL_GCOALESCE };
	char *end;
	unsigned long rate = strtoul(arg, &end, 10);
	int r;

	if (!*arg || *end || rate > 100000) {
		fprintf(stderr, "netfeat: itr: not a rate 0..100000: %s\n", arg);
		return 1;
	}
	r = ifreq_call(fd, ifname, &ec);
	if (!r) {
		ec.cmd = ETHTOOL_SCOALESCE;
		ec.rx_coalesce_usecs = rate <= 4 ? rate : 1000000 / rate;
		r = ifreq_call(fd, ifname, &ec);
	}
	if (!r) {
		ec.cmd = ETHTOOL_GCOALESCE;
		r = ifreq_call(fd, ifname, &ec);
	}
	if (r) {
		fprintf(stderr, "netfeat: %s itr: %s\n", ifname, strerror(-r));
		return 1;
	}
	printf("%s itr rx-usecs %u\n", ifname, ec.rx_coalesce_usecs);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct { const char *name; unsigned int get, set; } feats[] = {
		{ "tso", ETHTOOL_GTSO, ETHTOOL_STSO },
		{ "gso", ETHTOOL_GGSO, ETHTOOL_SGSO },
		{ "sg", ETHTOOL_GSG, ETHTOOL_SSG },
	};
	unsigned int on, i;
	int fd, r;

	if (argc == 4 && !strcmp(argv[2], "itr")) {
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0) {
			perror("netfeat: socket");
			return 1;
		}
		r = set_itr(fd, argv[1], argv[3]);
		close(fd);
		return r;
	}
	if (argc != 4 || (strcmp(argv[3], "on") && strcmp(argv[3], "off"))) {
		fprintf(stderr, "usage: netfeat IFACE tso|gso|sg on|off, or netfeat IFACE itr N\n");
		return 1;
	}
	for (i = 0; i < sizeof(feats) / sizeof(feats[0]) && strcmp(feats[i].name, argv[2]); i++)
		;
	if (i == sizeof(feats) / sizeof(feats[0])) {
		fprintf(stderr, "netfeat: unknown feature %s\n", argv[2]);
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("netfeat: socket");
		return 1;
	}
	on = !strcmp(argv[3], "on");
	r = ethtool_value(fd, argv[1], feats[i].set, &on);
	if (!r)
		r = ethtool_value(fd, argv[1], feats[i].get, &on);
	close(fd);
	if (r) {
		fprintf(stderr, "netfeat: %s %s: %s\n", argv[1], argv[2], strerror(-r));
		return 1;
	}
	printf("%s %s %s\n", argv[1], argv[2], on ? "on" : "off");
	return 0;
}
