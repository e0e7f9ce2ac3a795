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
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ttp/listener.h"

#define BATCH 64

struct io {
	int fd;
	uint32_t laddr, raddr;
	struct ttp_pcap *pcap;
	size_t cap;
	uint8_t *out[BATCH], *in[BATCH];
	struct mmsghdr omsg[BATCH], imsg[BATCH];
	struct iovec oiov[BATCH], iiov[BATCH];
	unsigned int nout;
	uint64_t t0;
	uint64_t send_errors;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t rand64(void)
{
	uint64_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = now_us() * 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	return v;
}

static uint32_t isn_source(void *ctx)
{
	(void)ctx;
	return (uint32_t)rand64();	/* "determined randomly" */
}

void ttp_udp_opts_default(struct ttp_udp_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->algo = TEACH_RENO;
	o->mode = TTP_MODE_GBN;
	o->mss = 1460;
	o->sndbuf = 4u << 20;
	o->rcvbuf = 4u << 20;
	o->wscale = 7;
	o->max_retries = 8;
	o->ack_every = 1;
	o->rto_max_us = 2000000;
	o->idle_timeout_us = 30000000;
	o->connect_timeout_us = 0;
}

static int io_init(struct io *io, size_t cap)
{
	unsigned int i;

	memset(io, 0, sizeof(*io));
	io->fd = -1;
	io->cap = cap;
	for (i = 0; i < BATCH; i++) {
		io->out[i] = malloc(cap);
		io->in[i] = malloc(cap);
		if (!io->out[i] || !io->in[i])
			return -1;
		io->oiov[i].iov_base = io->out[i];
		io->iiov[i].iov_base = io->in[i];
		io->iiov[i].iov_len = cap;
		io->omsg[i].msg_hdr.msg_iov = &io->oiov[i];
		io->omsg[i].msg_hdr.msg_iovlen = 1;
		io->imsg[i].msg_hdr.msg_iov = &io->iiov[i];
		io->imsg[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

static void io_free(struct io *io)
{
	unsigned int i;

	for (i = 0; i < BATCH; i++) {
		free(io->out[i]);
		free(io->in[i]);
	}
}

static void io_flush(struct io *io)
{
	unsigned int done = 0;
	int n;

	while (done < io->nout) {
		n = sendmmsg(io->fd, io->omsg + done, io->nout - done, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* a full socket buffer or ICMP: the network lost it */
			io->send_errors++;
			break;
		}
		done += (unsigned int)n;
	}
	io->nout = 0;
}

/* Take everything @c wants to send into the batch. */
static void io_drain_conn(struct io *io, struct ttp_conn *c, uint64_t now)
{
	size_t n;

	for (;;) {
		if (io->nout == BATCH)
			io_flush(io);
		n = ttp_conn_output(c, now, io->out[io->nout], io->cap);
		if (!n)
			break;
		if (io->pcap)
			ttp_pcap_write(io->pcap, now - io->t0, io->laddr,
				       io->raddr, io->out[io->nout], n);
		io->oiov[io->nout].iov_len = n;
		io->nout++;
	}
	io_flush(io);
}

static void io_wait(struct io *io, uint64_t deadline, uint64_t now)
{
	struct pollfd p = { .fd = io->fd, .events = POLLIN };
	struct timespec ts;
	uint64_t d;

	d = deadline > now ? deadline - now : 0;
	if (d > 100000)
		d = 100000;	/* look at the clock now and then */
	ts.tv_sec = (time_t)(d / 1000000);
	ts.tv_nsec = (long)(d % 1000000) * 1000;
	ppoll(&p, 1, &ts, NULL);
}

/* Returns datagrams received (0 if none, -1 on a hard error). */
static int io_recv(struct io *io)
{
	int n, i;

	for (i = 0; i < BATCH; i++)
		io->imsg[i].msg_hdr.msg_namelen = 0;
	n = recvmmsg(io->fd, io->imsg, BATCH, MSG_DONTWAIT, NULL);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR ||
		    errno == ECONNREFUSED)
			return 0;
		return -1;
	}
	return n;
}

static void csv_event(void *ctx, const struct trace_row *row)
{
	trace_write_row(ctx, row);
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

static void conn_cfg_from(struct ttp_conn_cfg *cc,
			  const struct ttp_udp_opts *o)
{
	ttp_conn_cfg_default(cc);
	cc->algo = o->algo;
	cc->mode = o->mode;
	cc->mss = o->mss;
	cc->sndbuf = o->sndbuf;
	cc->rcvbuf = o->rcvbuf;
	cc->wscale = o->wscale;
	cc->max_retries = o->max_retries;
	cc->ack_every = o->ack_every;
	cc->rto_max_us = o->rto_max_us;
	cc->time_wait_us = 200000;
	if (o->trace) {
		cc->on_event = csv_event;
		cc->event_ctx = o->trace;
	}
}

static void big_socket_buffers(int fd)
{
	int sz = 8 << 20;

	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
}

int ttp_udp_send(const char *path, const char *host, uint16_t port,
		 const struct ttp_udp_opts *o, struct ttp_xfer_result *r)
{
	struct sockaddr_in sa, la;
	socklen_t sl = sizeof(la);
	struct ttp_conn_cfg cc;
	struct ttp_conn *c = NULL;
	struct io io;
	uint8_t *chunk = NULL;
	int file = -1, eof = 0, rc = -1, n, i;
	uint64_t now, start;
	size_t space;
	ssize_t got;

	memset(r, 0, sizeof(*r));
	if (io_init(&io, o->mss + TTP_HDR_MAX) || !(chunk = malloc(1 << 20))) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		goto out;
	}
	file = strcmp(path, "-") ? open(path, O_RDONLY) : 0;
	if (file < 0) {
		snprintf(r->err, sizeof(r->err),
			 "cannot open '%s': %s; give a readable file",
			 path, strerror(errno));
		goto out;
	}
	if (resolve(host, port, &sa, r->err, sizeof(r->err)))
		goto out;
	io.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (io.fd < 0 || connect(io.fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(io.fd, (struct sockaddr *)&la, &sl)) {
		snprintf(r->err, sizeof(r->err), "UDP socket to %s:%u: %s",
			 host, port, strerror(errno));
		goto out;
	}
	big_socket_buffers(io.fd);
	io.laddr = ntohl(la.sin_addr.s_addr);
	io.raddr = ntohl(sa.sin_addr.s_addr);
	io.pcap = o->pcap;
	conn_cfg_from(&cc, o);
	cc.laddr = io.laddr;
	cc.raddr = io.raddr;
	cc.lport = ntohs(la.sin_port);
	cc.rport = port;
	cc.isn = isn_source(NULL);
	cc.flow = cc.lport;
	start = now_us();
	io.t0 = start;
	cc.t0_us = start;
	c = ttp_conn_new(&cc);
	if (!c) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		goto out;
	}
	ttp_conn_connect(c, start);
	for (;;) {
		now = now_us();
		/* the application: keep the send buffer full */
		while (!eof && (space = ttp_conn_send_space(c)) > 0) {
			got = read(file, chunk, space < (1 << 20) ? space :
				   (1 << 20));
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0) {
				snprintf(r->err, sizeof(r->err),
					 "reading '%s': %s", path,
					 strerror(errno));
				ttp_conn_abort(c, now);
				io_drain_conn(&io, c, now);
				goto out;
			}
			if (got == 0) {
				eof = 1;
				ttp_conn_close(c);
				break;
			}
			ttp_conn_write(c, chunk, (size_t)got);
			r->bytes += (uint64_t)got;
		}
		io_drain_conn(&io, c, now);
		if (ttp_conn_finished(c))
			break;
		io_wait(&io, ttp_conn_next_timer(c), now);
		while ((n = io_recv(&io)) > 0) {
			now = now_us();
			for (i = 0; i < n; i++) {
				if (io.pcap)
					ttp_pcap_write(io.pcap, now - io.t0,
						       io.raddr, io.laddr,
						       io.in[i],
						       io.imsg[i].msg_len);
				ttp_conn_input(c, io.in[i], io.imsg[i].msg_len,
					       now);
			}
			io_drain_conn(&io, c, now);
			if (n < BATCH)
				break;
		}
		now = now_us();
		if (ttp_conn_next_timer(c) <= now) {
			ttp_conn_on_timer(c, now);
			io_drain_conn(&io, c, now);
		}
	}
	r->duration_us = now_us() - start;
	if (ttp_conn_error(c)) {
		snprintf(r->err, sizeof(r->err),
			 "transfer to %s:%u failed: %s (%llu of %llu bytes "
			 "acknowledged); is 'tcpteach ttp recv' running there?",
			 host, port, ttp_error_name(ttp_conn_error(c)),
			 (unsigned long long)ttp_conn_stats(c)->bytes_acked,
			 (unsigned long long)r->bytes);
		goto out;
	}
	rc = 0;
out:
	if (c)
		r->st = *ttp_conn_stats(c);
	ttp_conn_free(c);
	if (io.fd >= 0)
		close(io.fd);
	if (file > 0)
		close(file);
	io_free(&io);
	free(chunk);
	return rc;
}

int ttp_udp_recv(uint16_t port, const char *path,
		 const struct ttp_udp_opts *o, struct ttp_xfer_result *r,
		 void (*ready)(void *ctx, uint16_t port), void *ready_ctx)
{
	struct sockaddr_in sa, peer, la;
	socklen_t sl;
	struct ttp_listener_cfg lc;
	struct ttp_listener *lis = NULL;
	struct ttp_conn_cfg cc;
	struct ttp_conn *c = NULL;
	struct ttp_syn_info si;
	struct io io;
	FILE *out = NULL;
	uint8_t *chunk = NULL;
	uint64_t now, start = 0, last_rx;
	uint32_t daddr;
	size_t n;
	ssize_t got;
	int rc = -1, i, k, one = 1;

	memset(r, 0, sizeof(*r));
	if (io_init(&io, o->mss + TTP_HDR_MAX) || !(chunk = malloc(1 << 20))) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		goto out;
	}
	io.fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	setsockopt(io.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (io.fd < 0 || bind(io.fd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(r->err, sizeof(r->err),
			 "cannot bind UDP port %u: %s; pick another with "
			 "--port", port, strerror(errno));
		goto out;
	}
	sl = sizeof(la);
	getsockname(io.fd, (struct sockaddr *)&la, &sl);
	port = ntohs(la.sin_port);
	big_socket_buffers(io.fd);
	out = strcmp(path, "-") ? fopen(path, "wb") : stdout;
	if (!out) {
		snprintf(r->err, sizeof(r->err),
			 "cannot write '%s': %s; give a writable path with -o",
			 path, strerror(errno));
		goto out;
	}
	if (ready)
		ready(ready_ctx, port);
	/* the first datagram tells us who the sender is (recvfrom) */
	for (;;) {
		struct pollfd p = { .fd = io.fd, .events = POLLIN };
		int ms = o->connect_timeout_us ?
			 (int)(o->connect_timeout_us / 1000) : -1;

		if (poll(&p, 1, ms) == 0) {
			snprintf(r->err, sizeof(r->err),
				 "no sender came on UDP port %u", port);
			goto out;
		}
		sl = sizeof(peer);
		got = recvfrom(io.fd, io.in[0], io.cap, 0,
			       (struct sockaddr *)&peer, &sl);
		if (got > 0)
			break;
	}
	/* one transfer: from now on only this peer (connect) */
	sl = sizeof(la);
	if (connect(io.fd, (struct sockaddr *)&peer, sizeof(peer)) ||
	    getsockname(io.fd, (struct sockaddr *)&la, &sl)) {
		snprintf(r->err, sizeof(r->err), "connect to sender: %s",
			 strerror(errno));
		goto out;
	}
	fcntl(io.fd, F_SETFL, O_NONBLOCK);
	io.laddr = ntohl(la.sin_addr.s_addr);
	io.raddr = ntohl(peer.sin_addr.s_addr);
	io.pcap = o->pcap;
	conn_cfg_from(&cc, o);
	cc.laddr = io.laddr;
	cc.lport = port;
	memset(&lc, 0, sizeof(lc));
	lc.laddr = io.laddr;
	lc.lport = port;
	lc.backlog = 64;
	lc.mss = o->mss;
	lc.wscale = o->wscale;
	lc.rcvbuf = o->rcvbuf;
	lc.secret = rand64();
	lc.isn = isn_source;
	lis = ttp_listener_new(&lc);
	if (!lis) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		goto out;
	}
	start = now_us();
	io.t0 = start;
	cc.t0_us = start;
	last_rx = start;
	io.imsg[0].msg_len = (unsigned int)got;
	k = 1;		/* the first datagram is waiting in io.in[0] */
	for (;;) {
		now = now_us();
		for (i = 0; i < k; i++) {
			const uint8_t *b = io.in[i];
			size_t len = io.imsg[i].msg_len;

			last_rx = now;
			if (io.pcap)
				ttp_pcap_write(io.pcap, now - io.t0, io.raddr,
					       io.laddr, b, len);
			if (c) {
				ttp_conn_input(c, b, len, now);
				continue;
			}
			if (!ttp_listener_input(lis, io.raddr, b, len, now,
						&si))
				continue;
			cc.flow = si.rport;
			c = ttp_conn_new(&cc);
			if (!c) {
				snprintf(r->err, sizeof(r->err),
					 "out of memory");
				goto out;
			}
			ttp_conn_accept_established(c, &si, now);
			ttp_conn_input(c, b, len, now);
		}
		/* the application: write what arrived, in order */
		while (c && (n = ttp_conn_read(c, chunk, 1 << 20, now))) {
			if (fwrite(chunk, 1, n, out) != n) {
				snprintf(r->err, sizeof(r->err),
					 "writing '%s': %s", path,
					 strerror(errno));
				ttp_conn_abort(c, now);
				io_drain_conn(&io, c, now);
				goto out;
			}
			r->bytes += n;
		}
		if (c && ttp_conn_eof(c))
			ttp_conn_close(c);
		while (io.nout < BATCH &&
		       (n = ttp_listener_output(lis, &daddr, io.out[io.nout],
						io.cap))) {
			if (daddr != io.raddr)
				continue;
			if (io.pcap)
				ttp_pcap_write(io.pcap, now - io.t0, io.laddr,
					       daddr, io.out[io.nout], n);
			io.oiov[io.nout++].iov_len = n;
		}
		io_flush(&io);
		if (c) {
			io_drain_conn(&io, c, now);
			if (ttp_conn_state(c) == TTP_CLOSED)
				break;
		}
		io_wait(&io, c ? ttp_conn_next_timer(c) : TTP_NEVER, now);
		k = io_recv(&io);
		if (k < 0) {
			snprintf(r->err, sizeof(r->err), "receive: %s",
				 strerror(errno));
			goto out;
		}
		now = now_us();
		if (c && ttp_conn_next_timer(c) <= now)
			ttp_conn_on_timer(c, now);
		if (!k && now - last_rx > o->idle_timeout_us) {
			snprintf(r->err, sizeof(r->err),
				 "sender silent for %llu s; transfer "
				 "incomplete (%llu bytes written)",
				 (unsigned long long)(o->idle_timeout_us /
						      1000000),
				 (unsigned long long)r->bytes);
			goto out;
		}
	}
	r->duration_us = now_us() - start;
	/* all data and their FIN arrived: the last ACK's fate is theirs */
	if (!ttp_conn_peer_closed(c)) {
		snprintf(r->err, sizeof(r->err),
			 "transfer incomplete (%s); %llu bytes written",
			 ttp_error_name(ttp_conn_error(c)),
			 (unsigned long long)r->bytes);
		goto out;
	}
	rc = 0;
out:
	if (c)
		r->st = *ttp_conn_stats(c);
	if (out && out != stdout && fclose(out) && !rc) {
		snprintf(r->err, sizeof(r->err), "closing '%s': %s", path,
			 strerror(errno));
		rc = -1;
	} else if (out == stdout) {
		fflush(stdout);
	}
	ttp_conn_free(c);
	ttp_listener_free(lis);
	if (io.fd >= 0)
		close(io.fd);
	io_free(&io);
	free(chunk);
	return rc;
}
