// SPDX-License-Identifier: GPL-2.0
/* The loops every link runs (see link.h). */
#include "ttp/io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1 << 20)		/* the application's read/write size */

uint64_t ttp_io_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t ttp_io_rand64(void)
{
	uint64_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = ttp_io_now_us() * 0x9e3779b97f4a7c15ull ^
		    (uint64_t)getpid();
	return v;
}

static uint32_t isn_source(void *ctx)
{
	(void)ctx;
	return (uint32_t)ttp_io_rand64();	/* "determined randomly" */
}

FILE *ttp_io_open_out(const char *path, struct ttp_xfer_result *r)
{
	FILE *out = strcmp(path, "-") ? fopen(path, "wb") : stdout;

	if (!out)
		snprintf(r->err, sizeof(r->err),
			 "cannot write '%s': %s; give a writable path with -o",
			 path, strerror(errno));
	return out;
}

int ttp_io_close_out(FILE *out, const char *path, int rc,
		     struct ttp_xfer_result *r)
{
	if (out == stdout) {
		fflush(stdout);
	} else if (out && fclose(out) && !rc) {
		snprintf(r->err, sizeof(r->err), "closing '%s': %s", path,
			 strerror(errno));
		rc = -1;
	}
	return rc;
}

void ttp_xfer_opts_default(struct ttp_xfer_opts *o)
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
	o->tun_name = "";
	o->local = 0x0a490002;		/* 10.73.0.2 */
	o->peer = 0x0a490001;		/* 10.73.0.1 */
	o->mtu = 1500;
}

int ttp_io_init(struct ttp_io *l, const struct ttp_io_ops *ops,
		  size_t head, size_t cap)
{
	unsigned int i;

	memset(l, 0, sizeof(*l));
	l->ops = ops;
	l->fd = -1;
	l->head = head;
	l->cap = cap;
	for (i = 0; i < TTP_IO_BATCH; i++) {
		l->out[i] = malloc(head + cap);
		l->in[i] = malloc(head + cap);
		if (!l->out[i] || !l->in[i])
			return -1;
	}
	return 0;
}

void ttp_io_free(struct ttp_io *l)
{
	unsigned int i;

	for (i = 0; i < TTP_IO_BATCH; i++) {
		free(l->out[i]);
		free(l->in[i]);
	}
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

void ttp_io_flush(struct ttp_io *l)
{
	if (l->nout)
		l->ops->flush(l);
	l->nout = 0;
}

void ttp_io_queue(struct ttp_io *l, size_t len, uint32_t saddr,
		    uint32_t daddr, uint64_t now)
{
	uint8_t *b = l->out[l->nout];

	if (l->pcap)
		ttp_pcap_write(l->pcap, now - l->t0, saddr, daddr,
			       b + l->head, len);
	if (l->head)
		len = ttp_ipv4_write_hdr(b, saddr, daddr,
					 (uint16_t)l->st.packets_out, len);
	l->st.packets_out++;
	l->out_len[l->nout++] = len;
	if (l->nout == TTP_IO_BATCH)
		ttp_io_flush(l);
}

bool ttp_io_unwrap(struct ttp_io *l, unsigned int i, const uint8_t *buf,
		     size_t len)
{
	struct ttp_ipv4 ip;
	int err = ttp_ipv4_decode(buf, len, &ip);

	l->st.packets_in++;
	if (err) {
		l->st.ip_bad[err]++;
		return false;
	}
	if (ip.daddr != l->laddr) {
		l->st.not_ours++;
		return false;
	}
	l->pkt[i].seg = ip.payload;
	l->pkt[i].len = ip.len;
	l->pkt[i].saddr = ip.saddr;
	l->pkt[i].daddr = ip.daddr;
	return true;
}

bool ttp_io_answer_stray(struct ttp_io *l, const struct ttp_seg *in,
			   uint32_t saddr, uint32_t daddr, uint64_t now)
{
	struct ttp_seg rst;
	size_t n;

	if (!l->ip_host || !ttp_seg_rst_for(in, &rst))
		return false;
	n = ttp_seg_encode(&rst, daddr, saddr, l->out[l->nout] + l->head,
			   l->cap);
	if (!n)
		return false;
	l->st.rst_strays++;
	ttp_io_queue(l, n, daddr, saddr, now);
	return true;
}

/* Take everything @c wants to send into the batch, and send it. */
static void drain_conn(struct ttp_io *l, struct ttp_conn *c, uint64_t now)
{
	size_t n;

	while ((n = ttp_conn_output(c, now, l->out[l->nout] + l->head,
				    l->cap)))
		ttp_io_queue(l, n, l->laddr, l->raddr, now);
	ttp_io_flush(l);
}

static void wait_input(struct ttp_io *l, uint64_t deadline, uint64_t now)
{
	struct pollfd p = { .fd = l->fd, .events = POLLIN };
	struct timespec ts;
	uint64_t d;

	d = deadline > now ? deadline - now : 0;
	if (d > 100000)
		d = 100000;	/* look at the clock now and then */
	ts.tv_sec = (time_t)(d / 1000000);
	ts.tv_nsec = (long)(d % 1000000) * 1000;
	ppoll(&p, 1, &ts, NULL);
}

static void csv_event(void *ctx, const struct trace_row *row)
{
	trace_write_row(ctx, row);
}

static void conn_cfg_from(struct ttp_conn_cfg *cc,
			  const struct ttp_xfer_opts *o)
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

/* Is @s (from @p) a segment of the connection laddr:lport-raddr:rport? */
static bool ours(const struct ttp_io *l, const struct ttp_pkt *p,
		 const struct ttp_seg *s, uint16_t lport, uint16_t rport)
{
	return p->saddr == l->raddr && s->sport == rport && s->dport == lport;
}

int ttp_io_send(struct ttp_io *l, const char *path, uint16_t lport,
		  uint16_t rport, const struct ttp_xfer_opts *o,
		  struct ttp_xfer_result *r, const char *peer_name)
{
	struct ttp_conn_cfg cc;
	struct ttp_conn *c = NULL;
	struct ttp_seg s;
	uint8_t *chunk = malloc(CHUNK);
	int file = -1, eof = 0, rc = -1, n, i, bad;
	uint64_t now, start;
	size_t space;
	ssize_t got;

	if (!chunk) {
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
	l->pcap = o->pcap;
	conn_cfg_from(&cc, o);
	cc.laddr = l->laddr;
	cc.raddr = l->raddr;
	cc.lport = lport;
	cc.rport = rport;
	cc.isn = isn_source(NULL);
	cc.flow = cc.lport;
	start = ttp_io_now_us();
	l->t0 = start;
	cc.t0_us = start;
	c = ttp_conn_new(&cc);
	if (!c) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		goto out;
	}
	ttp_conn_connect(c, start);
	for (;;) {
		now = ttp_io_now_us();
		/* the application: keep the send buffer full */
		while (!eof && (space = ttp_conn_send_space(c)) > 0) {
			got = read(file, chunk, space < CHUNK ? space : CHUNK);
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0) {
				snprintf(r->err, sizeof(r->err),
					 "reading '%s': %s", path,
					 strerror(errno));
				ttp_conn_abort(c, now);
				drain_conn(l, c, now);
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
		drain_conn(l, c, now);
		if (ttp_conn_finished(c))
			break;
		wait_input(l, ttp_conn_next_timer(c), now);
		while ((n = l->ops->recv(l)) > 0) {
			now = ttp_io_now_us();
			for (i = 0; i < n; i++) {
				const struct ttp_pkt *p = &l->pkt[i];

				if (l->pcap)
					ttp_pcap_write(l->pcap, now - l->t0,
						       p->saddr, p->daddr,
						       p->seg, p->len);
				bad = ttp_seg_decode(p->seg, p->len, p->saddr,
						     p->daddr, &s);
				if (!bad && ours(l, p, &s, lport, rport))
					ttp_conn_input_seg(c, &s, now);
				else if (bad ||
					 !ttp_io_answer_stray(l, &s,
								p->saddr,
								p->daddr, now))
					/* counted: a bad or stray segment */
					ttp_conn_input(c, p->seg, p->len, now);
			}
			drain_conn(l, c, now);
			if (n < TTP_IO_BATCH)
				break;
		}
		now = ttp_io_now_us();
		if (ttp_conn_next_timer(c) <= now) {
			ttp_conn_on_timer(c, now);
			drain_conn(l, c, now);
		}
	}
	r->duration_us = ttp_io_now_us() - start;
	if (ttp_conn_error(c)) {
		snprintf(r->err, sizeof(r->err),
			 "transfer to %s failed: %s (%llu of %llu bytes "
			 "acknowledged); is a receiver listening there?",
			 peer_name, ttp_error_name(ttp_conn_error(c)),
			 (unsigned long long)ttp_conn_stats(c)->bytes_acked,
			 (unsigned long long)r->bytes);
		goto out;
	}
	rc = 0;
out:
	if (c)
		r->st = *ttp_conn_stats(c);
	r->link = l->st;
	ttp_conn_free(c);
	if (file > 0)
		close(file);
	free(chunk);
	return rc;
}

/* The receiver's view of one packet: connection, listener or stray. */
struct rx {
	struct ttp_io *l;
	struct ttp_listener *lis;
	struct ttp_conn *c;
	struct ttp_conn_cfg cc;
	uint16_t port, rport;
	uint64_t since;			/* the connection's start */
};

static int rx_packet(struct rx *x, const struct ttp_pkt *p, uint64_t now,
		     struct ttp_xfer_result *r)
{
	struct ttp_syn_info si;
	struct ttp_seg s;
	int err = ttp_seg_decode(p->seg, p->len, p->saddr, p->daddr, &s);

	if (x->c && (err || ours(x->l, p, &s, x->port, x->rport))) {
		if (err)	/* counted there */
			ttp_conn_input(x->c, p->seg, p->len, now);
		else
			ttp_conn_input_seg(x->c, &s, now);
		return 0;
	}
	if (!err && s.dport != x->port &&
	    ttp_io_answer_stray(x->l, &s, p->saddr, p->daddr, now))
		return 0;
	if (x->c && !x->l->ip_host) {
		ttp_conn_input(x->c, p->seg, p->len, now);	/* dropped */
		return 0;
	}
	if (!ttp_listener_input(x->lis, p->saddr, p->seg, p->len, now, &si))
		return 0;
	if (x->c) {	/* one transfer at a time: the others are refused */
		ttp_io_answer_stray(x->l, &s, p->saddr, p->daddr, now);
		return 0;
	}
	x->cc.flow = si.rport;
	x->c = ttp_conn_new(&x->cc);
	if (!x->c) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		return -1;
	}
	x->l->raddr = si.raddr;
	x->rport = si.rport;
	x->since = now;
	ttp_conn_accept_established(x->c, &si, now);
	ttp_conn_input_seg(x->c, &s, now);
	return 0;
}

int ttp_io_recv(struct ttp_io *l, uint16_t port, FILE *out,
		  const char *path, int pending,
		  const struct ttp_xfer_opts *o, struct ttp_xfer_result *r)
{
	struct ttp_listener_cfg lc;
	struct rx x = { .l = l, .port = port };
	uint8_t *chunk = malloc(CHUNK);
	uint64_t now, start, last_rx, quiet_max;
	uint32_t daddr;
	size_t n;
	int rc = -1, i, k = pending;

	if (!chunk) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		goto out;
	}
	l->pcap = o->pcap;
	conn_cfg_from(&x.cc, o);
	x.cc.laddr = l->laddr;
	x.cc.lport = port;
	memset(&lc, 0, sizeof(lc));
	lc.laddr = l->laddr;
	lc.lport = port;
	lc.backlog = 64;
	lc.mss = o->mss;
	lc.wscale = o->wscale;
	lc.rcvbuf = o->rcvbuf;
	lc.secret = ttp_io_rand64();
	lc.isn = isn_source;
	x.lis = ttp_listener_new(&lc);
	if (!x.lis) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		goto out;
	}
	start = ttp_io_now_us();
	l->t0 = start;
	x.cc.t0_us = start;
	last_rx = start;
	for (;;) {
		now = ttp_io_now_us();
		for (i = 0; i < k; i++) {
			const struct ttp_pkt *p = &l->pkt[i];

			last_rx = now;
			if (l->pcap)
				ttp_pcap_write(l->pcap, now - l->t0, p->saddr,
					       p->daddr, p->seg, p->len);
			if (rx_packet(&x, p, now, r))
				goto out;
		}
		/* the application: write what arrived, in order */
		while (x.c && (n = ttp_conn_read(x.c, chunk, CHUNK, now))) {
			if (fwrite(chunk, 1, n, out) != n) {
				snprintf(r->err, sizeof(r->err),
					 "writing '%s': %s", path,
					 strerror(errno));
				ttp_conn_abort(x.c, now);
				drain_conn(l, x.c, now);
				goto out;
			}
			r->bytes += n;
		}
		if (x.c && ttp_conn_eof(x.c))
			ttp_conn_close(x.c);
		while ((n = ttp_listener_output(x.lis, &daddr,
						l->out[l->nout] + l->head,
						l->cap))) {
			/* a datagram socket talks to its one peer only */
			if (l->ip_host || daddr == l->raddr)
				ttp_io_queue(l, n, l->laddr, daddr, now);
		}
		ttp_io_flush(l);
		if (x.c) {
			drain_conn(l, x.c, now);
			if (ttp_conn_state(x.c) == TTP_CLOSED)
				break;
		}
		wait_input(l, x.c ? ttp_conn_next_timer(x.c) : TTP_NEVER, now);
		k = l->ops->recv(l);
		if (k < 0) {
			snprintf(r->err, sizeof(r->err), "receive: %s",
				 strerror(errno));
			goto out;
		}
		now = ttp_io_now_us();
		if (x.c && ttp_conn_next_timer(x.c) <= now)
			ttp_conn_on_timer(x.c, now);
		/* a datagram link's first packet came before the loop */
		quiet_max = x.c || pending ? o->idle_timeout_us :
					     o->connect_timeout_us;
		if (!k && quiet_max && now - last_rx > quiet_max) {
			if (!x.c)
				snprintf(r->err, sizeof(r->err),
					 "no sender came to port %u", port);
			else
				snprintf(r->err, sizeof(r->err),
					 "sender silent for %llu s; transfer "
					 "incomplete (%llu bytes written)",
					 (unsigned long long)(quiet_max /
							      1000000),
					 (unsigned long long)r->bytes);
			goto out;
		}
	}
	r->duration_us = ttp_io_now_us() - x.since;
	/* all data and their FIN arrived: the last ACK's fate is theirs */
	if (!ttp_conn_peer_closed(x.c)) {
		snprintf(r->err, sizeof(r->err),
			 "transfer incomplete (%s); %llu bytes written",
			 ttp_error_name(ttp_conn_error(x.c)),
			 (unsigned long long)r->bytes);
		goto out;
	}
	rc = 0;
out:
	if (x.c)
		r->st = *ttp_conn_stats(x.c);
	r->link = l->st;
	if (x.lis) {
		r->listened = true;
		r->lis = *ttp_listener_stats(x.lis);
	}
	ttp_conn_free(x.c);
	ttp_listener_free(x.lis);
	free(chunk);
	return rc;
}
