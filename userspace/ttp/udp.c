// SPDX-License-Identifier: GPL-2.0
/* UDP link for the teaching transport (see udp.h). */
#include "ttp/udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct udp {
	struct mmsghdr omsg[TTP_IO_BATCH], imsg[TTP_IO_BATCH];
	struct iovec oiov[TTP_IO_BATCH], iiov[TTP_IO_BATCH];
};

static void udp_flush(struct ttp_io *l)
{
	struct udp *u = l->priv;
	unsigned int done = 0, i;
	int n;

	for (i = 0; i < l->nout; i++)
		u->oiov[i].iov_len = l->out_len[i];
	while (done < l->nout) {
		n = sendmmsg(l->fd, u->omsg + done, l->nout - done, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* a full socket buffer or ICMP: the network lost it */
			l->st.send_errors++;
			break;
		}
		done += (unsigned int)n;
	}
}

static void udp_got(struct ttp_io *l, unsigned int i, size_t len)
{
	l->pkt[i].seg = l->in[i];
	l->pkt[i].len = len;
	l->pkt[i].saddr = l->raddr;
	l->pkt[i].daddr = l->laddr;
	l->st.packets_in++;
}

static int udp_recv(struct ttp_io *l)
{
	struct udp *u = l->priv;
	int n, i;

	for (i = 0; i < TTP_IO_BATCH; i++)
		u->imsg[i].msg_hdr.msg_namelen = 0;
	n = recvmmsg(l->fd, u->imsg, TTP_IO_BATCH, MSG_DONTWAIT, NULL);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR ||
		    errno == ECONNREFUSED)
			return 0;
		return -1;
	}
	for (i = 0; i < n; i++)
		udp_got(l, (unsigned int)i, u->imsg[i].msg_len);
	return n;
}

static const struct ttp_io_ops udp_ops = {
	.flush = udp_flush,
	.recv = udp_recv,
};

static int udp_init(struct ttp_io *l, struct udp *u, size_t cap)
{
	unsigned int i;

	memset(u, 0, sizeof(*u));
	if (ttp_io_init(l, &udp_ops, 0, cap))
		return -1;
	l->priv = u;
	for (i = 0; i < TTP_IO_BATCH; i++) {
		u->oiov[i].iov_base = l->out[i];
		u->iiov[i].iov_base = l->in[i];
		u->iiov[i].iov_len = cap;
		u->omsg[i].msg_hdr.msg_iov = &u->oiov[i];
		u->omsg[i].msg_hdr.msg_iovlen = 1;
		u->imsg[i].msg_hdr.msg_iov = &u->iiov[i];
		u->imsg[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

static int resolve(const char *host, uint16_t port, struct sockaddr_in *sa,
		   char *err, size_t errlen)
{
	struct addrinfo hints, *ai;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_DGRAM;
	rc = getaddrinfo(host, NULL, &hints, &ai);
	if (rc) {
		snprintf(err, errlen,
			 "cannot resolve '%s': %s; give an IPv4 address or a "
			 "host name", host, gai_strerror(rc));
		return -1;
	}
	memcpy(sa, ai->ai_addr, sizeof(*sa));
	sa->sin_port = htons(port);
	freeaddrinfo(ai);
	return 0;
}

static void big_socket_buffers(int fd)
{
	int sz = 8 << 20;

	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
}

int ttp_udp_send(const char *path, const char *host, uint16_t port,
		 const struct ttp_xfer_opts *o, struct ttp_xfer_result *r)
{
	struct sockaddr_in sa, la;
	socklen_t sl = sizeof(la);
	struct ttp_io l;
	struct udp u;
	char name[300];
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (udp_init(&l, &u, o->mss + TTP_HDR_MAX)) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		goto out;
	}
	if (resolve(host, port, &sa, r->err, sizeof(r->err)))
		goto out;
	l.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (l.fd < 0 || connect(l.fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(l.fd, (struct sockaddr *)&la, &sl)) {
		snprintf(r->err, sizeof(r->err), "UDP socket to %s:%u: %s",
			 host, port, strerror(errno));
		goto out;
	}
	big_socket_buffers(l.fd);
	l.laddr = ntohl(la.sin_addr.s_addr);
	l.raddr = ntohl(sa.sin_addr.s_addr);
	snprintf(name, sizeof(name), "%s:%u (UDP)", host, port);
	rc = ttp_io_send(&l, path, ntohs(la.sin_port), port, o, r, name);
out:
	ttp_io_free(&l);
	return rc;
}

int ttp_udp_recv(uint16_t port, const char *path,
		 const struct ttp_xfer_opts *o, struct ttp_xfer_result *r,
		 void (*ready)(void *ctx, uint16_t port), void *ready_ctx)
{
	struct sockaddr_in sa, peer, la;
	socklen_t sl;
	struct ttp_io l;
	struct udp u;
	FILE *out = NULL;
	ssize_t got;
	int rc = -1, one = 1;

	memset(r, 0, sizeof(*r));
	if (udp_init(&l, &u, o->mss + TTP_HDR_MAX)) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		goto out;
	}
	l.fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	setsockopt(l.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l.fd < 0 || bind(l.fd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(r->err, sizeof(r->err),
			 "cannot bind UDP port %u: %s; pick another with "
			 "--port", port, strerror(errno));
		goto out;
	}
	sl = sizeof(la);
	getsockname(l.fd, (struct sockaddr *)&la, &sl);
	port = ntohs(la.sin_port);
	big_socket_buffers(l.fd);
	out = ttp_io_open_out(path, r);
	if (!out)
		goto out;
	if (ready)
		ready(ready_ctx, port);
	/* the first datagram tells us who the sender is (recvfrom) */
	for (;;) {
		struct pollfd p = { .fd = l.fd, .events = POLLIN };
		int ms = o->connect_timeout_us ?
			 (int)(o->connect_timeout_us / 1000) : -1;

		if (poll(&p, 1, ms) == 0) {
			snprintf(r->err, sizeof(r->err),
				 "no sender came on UDP port %u", port);
			goto out;
		}
		sl = sizeof(peer);
		got = recvfrom(l.fd, l.in[0], l.cap, 0,
			       (struct sockaddr *)&peer, &sl);
		if (got > 0)
			break;
	}
	/* one transfer: from now on only this peer (connect) */
	sl = sizeof(la);
	if (connect(l.fd, (struct sockaddr *)&peer, sizeof(peer)) ||
	    getsockname(l.fd, (struct sockaddr *)&la, &sl)) {
		snprintf(r->err, sizeof(r->err), "connect to sender: %s",
			 strerror(errno));
		goto out;
	}
	fcntl(l.fd, F_SETFL, O_NONBLOCK);
	l.laddr = ntohl(la.sin_addr.s_addr);
	l.raddr = ntohl(peer.sin_addr.s_addr);
	udp_got(&l, 0, (size_t)got);	/* waiting in in[0] */
	rc = ttp_io_recv(&l, port, out, path, 1, o, r);
out:
	rc = ttp_io_close_out(out, path, rc, r);
	ttp_io_free(&l);
	return rc;
}
