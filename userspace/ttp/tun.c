// SPDX-License-Identifier: GPL-2.0
/* TUN link for the teaching transport (see tun.h). */
#include "ttp/tun.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* One write per packet: a TUN device takes no batches. */
static void tun_flush(struct ttp_io *l)
{
	unsigned int i;

	for (i = 0; i < l->nout; i++)
		if (write(l->fd, l->out[i], l->out_len[i]) < 0)
			l->st.send_errors++;	/* the kernel dropped it */
}

/* Up to a batch of packets; those not for us are counted and dropped. */
static int tun_recv(struct ttp_io *l)
{
	unsigned int n = 0, tries;
	ssize_t got;

	for (tries = 0; tries < TTP_IO_BATCH; tries++) {
		got = read(l->fd, l->in[n], l->head + l->cap);
		if (got < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return n ? (int)n : -1;
		}
		if (ttp_io_unwrap(l, n, l->in[n], (size_t)got))
			n++;
	}
	return (int)n;
}

static const struct ttp_io_ops tun_ops = {
	.flush = tun_flush,
	.recv = tun_recv,
};

static int ifreq_ioctl(int sock, unsigned long req, struct ifreq *ifr,
		       const char *what, struct ttp_xfer_result *r)
{
	if (!ioctl(sock, req, ifr))
		return 0;
	snprintf(r->err, sizeof(r->err), "%s on %s: %s%s", what,
		 ifr->ifr_name, strerror(errno),
		 errno == EPERM ? "; run as root (CAP_NET_ADMIN)" :
		 errno == EEXIST || errno == EBUSY ?
		 "; pick another --tun name or --local/--peer" : "");
	return -1;
}

static void set_addr(struct sockaddr *sa, uint32_t a)
{
	struct sockaddr_in *in = (struct sockaddr_in *)sa;

	memset(sa, 0, sizeof(*sa));
	in->sin_family = AF_INET;
	in->sin_addr.s_addr = htonl(a);
}

/*
 * Ready means reachable: right after the device is up, the kernel may
 * for a moment refuse to route to us (connect gave ENETUNREACH on 6.1),
 * so wait until a route lookup to --local works.
 */
static int wait_routable(uint32_t local, struct ttp_xfer_result *r)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(9),
				  .sin_addr.s_addr = htonl(local) };
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int i, s, ok;

	for (i = 0; i < 300; i++) {
		s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s < 0)
			break;
		ok = !connect(s, (struct sockaddr *)&sa, sizeof(sa));
		close(s);
		if (ok)
			return 0;
		nanosleep(&pause, NULL);
	}
	snprintf(r->err, sizeof(r->err), "the kernel has no route to --local "
		 "after 3 s: %s; is another device using these addresses?",
		 strerror(errno));
	return -1;
}

/*
 * Create the device and give the kernel's side its address, a route to
 * ours (point to point), the MTU, and bring it up.
 */
static int tun_open(struct ttp_io *l, const struct ttp_xfer_opts *o,
		    struct ttp_xfer_result *r, char *dev, size_t devlen)
{
	struct ifreq ifr;
	int sock = -1, rc = -1;

	l->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (l->fd < 0) {
		snprintf(r->err, sizeof(r->err),
			 "cannot open /dev/net/tun: %s; %s", strerror(errno),
			 errno == ENOENT ? "load the tun module (modprobe tun)"
					 : "run as root (CAP_NET_ADMIN)");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", o->tun_name);
	if (ifreq_ioctl(l->fd, TUNSETIFF, &ifr, "creating TUN device", r))
		goto out;
	snprintf(dev, devlen, "%s", ifr.ifr_name);
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		snprintf(r->err, sizeof(r->err), "socket: %s",
			 strerror(errno));
		goto out;
	}
	set_addr(&ifr.ifr_addr, o->peer);
	if (ifreq_ioctl(sock, SIOCSIFADDR, &ifr, "setting --peer address", r))
		goto out;
	set_addr(&ifr.ifr_dstaddr, o->local);
	if (ifreq_ioctl(sock, SIOCSIFDSTADDR, &ifr, "setting --local address",
			r))
		goto out;
	ifr.ifr_mtu = (int)o->mtu;
	if (ifreq_ioctl(sock, SIOCSIFMTU, &ifr, "setting --mtu", r))
		goto out;
	if (ifreq_ioctl(sock, SIOCGIFFLAGS, &ifr, "reading flags", r))
		goto out;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ifreq_ioctl(sock, SIOCSIFFLAGS, &ifr, "bringing up", r))
		goto out;
	l->laddr = o->local;
	l->raddr = o->peer;
	l->ip_host = true;
	rc = wait_routable(o->local, r);
out:
	if (sock >= 0)
		close(sock);
	return rc;
}

/*
 * Buffers for a whole IPv4 packet of the device's MTU, and for the
 * largest segment the connection may build (its MSS and all options).
 */
static int tun_init(struct ttp_io *l, const struct ttp_xfer_opts *o,
		    struct ttp_xfer_result *r)
{
	size_t cap = o->mtu - TTP_IPV4_HDR;

	if (cap < o->mss + TTP_HDR_MAX)
		cap = o->mss + TTP_HDR_MAX;
	memset(r, 0, sizeof(*r));
	if (ttp_io_init(l, &tun_ops, TTP_IPV4_HDR, cap)) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		return -1;
	}
	return 0;
}

/* The device's transmit queue (packets the kernel holds for us); 0 if unknown. */
static uint32_t tun_queue_len(const char *dev)
{
	struct ifreq ifr;
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ok;

	if (sock < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", dev);
	ok = !ioctl(sock, SIOCGIFTXQLEN, &ifr) && ifr.ifr_qlen > 0;
	close(sock);
	return ok ? (uint32_t)ifr.ifr_qlen : 0;
}

static void addr_str(uint32_t a, char *buf, size_t len)
{
	struct in_addr in = { .s_addr = htonl(a) };

	inet_ntop(AF_INET, &in, buf, (socklen_t)len);
}

int ttp_tun_send(const char *path, uint16_t port,
		 const struct ttp_xfer_opts *o, struct ttp_xfer_result *r)
{
	struct ttp_io l;
	char dev[IFNAMSIZ], name[64];
	int rc = -1;

	if (!tun_init(&l, o, r) && !tun_open(&l, o, r, dev, sizeof(dev))) {
		addr_str(o->peer, name, sizeof(name));
		snprintf(name + strlen(name), sizeof(name) - strlen(name),
			 ":%u (TUN %s)", port, dev);
		/* a port of our own, as the kernel would pick one */
		rc = ttp_io_send(&l, path,
				 (uint16_t)(32768 + ttp_io_rand64() % 28000),
				 port, o, r, name);
	}
	ttp_io_free(&l);
	return rc;
}

int ttp_tun_recv(uint16_t port, const char *path,
		 const struct ttp_xfer_opts *o, struct ttp_xfer_result *r,
		 void (*ready)(void *ctx, const char *dev), void *ready_ctx)
{
	struct ttp_xfer_opts fit;
	struct ttp_io l;
	char dev[IFNAMSIZ];
	FILE *out = NULL;
	uint32_t qlen;
	int rc = -1;

	if (tun_init(&l, o, r) || tun_open(&l, o, r, dev, sizeof(dev)))
		goto out;
	/*
	 * The window we offer is what Linux may send in one burst, and the
	 * device queues only txqueuelen packets of it for us: the rest is
	 * lost, and without SACK each loss costs Linux a round of recovery
	 * (20 MB took 6x as long with a 4 MB window and a 500-packet queue).
	 */
	fit = *o;
	qlen = tun_queue_len(dev);
	if (qlen && fit.rcvbuf / fit.mss > qlen)
		fit.rcvbuf = qlen * fit.mss;
	out = ttp_io_open_out(path, r);
	if (!out)
		goto out;
	if (ready)
		ready(ready_ctx, dev);
	rc = ttp_io_recv(&l, port, out, path, 0, &fit, r);
out:
	rc = ttp_io_close_out(out, path, rc, r);
	ttp_io_free(&l);
	return rc;
}
