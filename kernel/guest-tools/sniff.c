/*
 * sniff IFACE [PORT]: print one line per frame seen on IFACE (both ways):
 * time, direction, length, and for TCP on PORT the flags, sequence, ack,
 * window and payload length. For stalled-transfer diagnostics in the
 * emulated host and the guest (busybox has no tcpdump). Runs until killed.
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static unsigned int be16(const uint8_t *p) { return (unsigned int)p[0] << 8 | p[1]; }
static uint32_t be32(const uint8_t *p) { return (uint32_t)be16(p) << 16 | be16(p + 2); }

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	unsigned int port = argc > 2 ? (unsigned int)atoi(argv[2]) : 5000;
	uint8_t buf[65536];
	int fd;

	if (argc < 2) {
		fprintf(stderr, "usage: sniff IFACE [PORT]\n");
		return 1;
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (fd < 0 || !sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("sniff");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		struct timespec ts;
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		const char *dir = from.sll_pkttype == PACKET_OUTGOING ? "out" : "in ";

		if (n < 14)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		printf("%ld.%03ld %s len=%zd type=%04x", (long)ts.tv_sec, ts.tv_nsec / 1000000, dir, n,
		       be16(buf + 12));
		if (be16(buf + 12) == 0x0800 && n >= 34 && buf[23] == 6) {
			const uint8_t *ip = buf + 14, *tcp = ip + (ip[0] & 15) * 4;
			unsigned int iplen = be16(ip + 2), thl = (tcp[12] >> 4) * 4;
			if (tcp + 20 <= buf + n && (be16(tcp) == port || be16(tcp + 2) == port))
				printf(" tcp %u>%u flags=%02x seq=%u ack=%u win=%u data=%d iplen=%u",
				       be16(tcp), be16(tcp + 2), tcp[13], be32(tcp + 4), be32(tcp + 8),
				       be16(tcp + 14), (int)iplen - (int)((ip[0] & 15) * 4) - (int)thl, iplen);
		}
		printf("\n");
	}
}
