// SPDX-License-Identifier: GPL-2.0
/* Simulated link and whole-transfer driver (see sim.h). */
#include "ttp/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ttp_pkt {
	struct ttp_pkt *next;
	uint64_t arrive, tx_done, order;
	size_t len;
	uint8_t *buf;
};

int ttp_link_init(struct ttp_link *l, const struct ttp_link_cfg *cfg,
		  uint64_t seed, size_t maxlen, size_t npkts)
{
	size_t i;

	memset(l, 0, sizeof(*l));
	l->cfg = *cfg;
	if (!l->cfg.queue_limit)
		l->cfg.queue_limit = 1000;
	l->rng.s = seed;
	l->maxlen = maxlen;
	l->pool = calloc(npkts, sizeof(*l->pool));
	if (!l->pool)
		return -1;
	for (i = 0; i < npkts; i++) {
		l->pool[i].buf = malloc(maxlen);
		if (!l->pool[i].buf)
			return -1;
		l->pool[i].next = l->free_list;
		l->free_list = &l->pool[i];
	}
	return 0;
}

void ttp_link_destroy(struct ttp_link *l)
{
	struct ttp_pkt *p;

	for (p = l->free_list; p; p = p->next)
		free(p->buf);
	for (p = l->queue; p; p = p->next)
		free(p->buf);
	free(l->pool);
	memset(l, 0, sizeof(*l));
}

static int is_data(const uint8_t *buf, size_t len)
{
	return len >= TTP_HDR_MIN && len > (size_t)(buf[12] >> 4) * 4;
}

static int scripted_drop(struct ttp_link *l)
{
	unsigned int i;

	for (i = 0; i < l->cfg.ndrops; i++)
		if (l->cfg.drops[i] == l->st.data_segs)
			return 1;
	return 0;
}

/* Packets still waiting for the bottleneck at @now. */
static uint32_t queued(const struct ttp_link *l, uint64_t now)
{
	const struct ttp_pkt *p;
	uint32_t n = 0;

	for (p = l->queue; p; p = p->next)
		if (p->tx_done > now)
			n++;
	return n;
}

static void enqueue(struct ttp_link *l, uint64_t now, const uint8_t *buf,
		    size_t len, uint64_t extra)
{
	struct ttp_pkt *p = l->free_list, **pp;
	uint64_t start;

	if (!p || len > l->maxlen) {
		l->st.queue_drops++;
		return;
	}
	if (l->cfg.rate_bps) {
		if (queued(l, now) >= l->cfg.queue_limit) {
			l->st.queue_drops++;	/* drop-tail router queue */
			return;
		}
		start = l->busy_until > now ? l->busy_until : now;
		/* serialisation of the IP packet: 20 more bytes of header */
		l->busy_until = start + ((len + 20) * 8 * 1000000ull +
					 l->cfg.rate_bps - 1) / l->cfg.rate_bps;
		p->tx_done = l->busy_until;
	} else {
		p->tx_done = now;
	}
	l->free_list = p->next;
	memcpy(p->buf, buf, len);
	p->len = len;
	p->arrive = p->tx_done + l->cfg.delay_us + extra;
	p->order = l->order++;
	if (l->cfg.corrupt > 0 && ttp_rng_unit(&l->rng) < l->cfg.corrupt) {
		uint32_t bit = ttp_rng_below(&l->rng, (uint32_t)len * 8);

		p->buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		l->st.corrupted++;
	}
	for (pp = &l->queue; *pp; pp = &(*pp)->next)
		if ((*pp)->arrive > p->arrive)
			break;
	p->next = *pp;
	*pp = p;
}

void ttp_link_send(struct ttp_link *l, uint64_t now, const uint8_t *buf,
		   size_t len)
{
	uint64_t extra = 0;

	l->st.sent++;
	if (is_data(buf, len)) {
		l->st.data_segs++;
		if (scripted_drop(l)) {
			l->st.scripted_drops++;
			return;
		}
	}
	if (l->cfg.loss > 0 && ttp_rng_unit(&l->rng) < l->cfg.loss) {
		l->st.lost++;
		return;
	}
	if (l->cfg.reorder > 0 && ttp_rng_unit(&l->rng) < l->cfg.reorder) {
		extra = l->cfg.reorder_us ? l->cfg.reorder_us :
			l->cfg.delay_us / 2 + 1;
		l->st.reordered++;
	}
	enqueue(l, now, buf, len, extra);
	if (l->cfg.dup > 0 && ttp_rng_unit(&l->rng) < l->cfg.dup) {
		l->st.duplicated++;
		enqueue(l, now, buf, len, extra + 1);
	}
}

uint64_t ttp_link_next(const struct ttp_link *l)
{
	return l->queue ? l->queue->arrive : TTP_NEVER;
}

size_t ttp_link_recv(struct ttp_link *l, uint64_t now, uint8_t *buf,
		     size_t cap)
{
	struct ttp_pkt *p = l->queue;
	size_t n;

	if (!p || p->arrive > now)
		return 0;
	l->queue = p->next;
	n = p->len < cap ? p->len : cap;
	memcpy(buf, p->buf, n);
	p->next = l->free_list;
	l->free_list = p;
	l->st.delivered++;
	return n;
}

/* ---- the whole-transfer driver --------------------------------------- */

void ttp_sim_cfg_default(struct ttp_sim_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	ttp_conn_cfg_default(&cfg->client);
	ttp_conn_cfg_default(&cfg->server);
	cfg->client.laddr = 0x0a000001;		/* 10.0.0.1 */
	cfg->client.raddr = 0x0a000002;		/* 10.0.0.2 */
	cfg->client.lport = 40000;
	cfg->client.rport = 5001;
	cfg->client.flow = 1;
	cfg->server.laddr = 0x0a000002;
	cfg->server.lport = 5001;
	cfg->server.flow = 2;
	cfg->fwd.delay_us = 50000;
	cfg->rev.delay_us = 50000;
	cfg->seed = 1;
	cfg->backlog = 16;
	cfg->flood_interval_us = 10;
	cfg->max_time_us = 3600ull * 1000000;
}

struct sim {
	const struct ttp_sim_cfg *cfg;
	struct ttp_sim_result *res;
	struct ttp_rng rng;
	struct ttp_link fwd, rev;
	struct ttp_conn *client, *server;
	struct ttp_listener *lis;
	uint8_t *buf, *rbuf;
	size_t bufcap;
	size_t fed;
	uint64_t readable_credit, last_read;
	uint64_t flood_sent, next_flood;
	uint64_t last_byte_at;
};

static uint32_t sim_isn(void *ctx)
{
	return (uint32_t)ttp_rng_next(&((struct sim *)ctx)->rng);
}

static void put_on(struct sim *s, struct ttp_link *l, uint64_t now,
		   uint32_t saddr, uint32_t daddr, size_t n)
{
	if (s->cfg->pcap)
		ttp_pcap_write(s->cfg->pcap, now, saddr, daddr, s->buf, n);
	ttp_link_send(l, now, s->buf, n);
}

static void flush(struct sim *s, uint64_t now)
{
	const struct ttp_sim_cfg *cfg = s->cfg;
	uint32_t daddr;
	size_t n;

	while ((n = ttp_conn_output(s->client, now, s->buf, s->bufcap)))
		put_on(s, &s->fwd, now, cfg->client.laddr, cfg->client.raddr,
		       n);
	while ((n = ttp_listener_output(s->lis, &daddr, s->buf, s->bufcap))) {
		/* replies to spoofed addresses go nowhere */
		if (daddr == cfg->client.laddr)
			put_on(s, &s->rev, now, cfg->server.laddr, daddr, n);
	}
	if (s->server)
		while ((n = ttp_conn_output(s->server, now, s->buf,
					    s->bufcap)))
			put_on(s, &s->rev, now, cfg->server.laddr,
			       cfg->client.laddr, n);
}

/* A spoofed SYN from a random address and port, valid checksum. */
static void flood_one(struct sim *s, uint64_t now)
{
	struct ttp_syn_info si;
	struct ttp_seg seg;
	uint32_t saddr = 0xc6120000 | ttp_rng_below(&s->rng, 0xfffe);
	size_t n;

	memset(&seg, 0, sizeof(seg));
	seg.sport = (uint16_t)(1024 + ttp_rng_below(&s->rng, 60000));
	seg.dport = s->cfg->server.lport;
	seg.seq = (uint32_t)ttp_rng_next(&s->rng);
	seg.flags = TTP_SYN;
	seg.wnd = 65535;
	seg.mss = 1460;
	seg.wscale = -1;
	n = ttp_seg_encode(&seg, saddr, s->cfg->server.laddr, s->buf,
			   s->bufcap);
	ttp_listener_input(s->lis, saddr, s->buf, n, now, &si);
	s->flood_sent++;
}

static void to_server(struct sim *s, uint64_t now, size_t n)
{
	const struct ttp_sim_cfg *cfg = s->cfg;
	struct ttp_syn_info si;
	struct ttp_conn_cfg cc;
	uint16_t sport = n >= 2 ? (uint16_t)(s->rbuf[0] << 8 | s->rbuf[1]) : 0;

	if (s->server && sport == cfg->client.lport) {
		ttp_conn_input(s->server, s->rbuf, n, now);
		return;
	}
	if (!ttp_listener_input(s->lis, cfg->client.laddr, s->rbuf, n, now,
				&si))
		return;
	if (s->server) {
		/* one transfer per run: a second connection is refused */
		return;
	}
	cc = cfg->server;
	cc.t0_us = 0;
	s->server = ttp_conn_new(&cc);
	if (!s->server)
		return;
	ttp_conn_accept_established(s->server, &si, now);
	ttp_conn_input(s->server, s->rbuf, n, now);
}

static void apps(struct sim *s, uint64_t now)
{
	const struct ttp_sim_cfg *cfg = s->cfg;
	uint8_t tmp[16384];
	size_t n, want;

	if (s->fed < cfg->size)
		s->fed += ttp_conn_write(s->client, cfg->data + s->fed,
					 cfg->size - s->fed);
	if (s->fed == cfg->size && ttp_conn_state(s->client) != TTP_CLOSED)
		ttp_conn_close(s->client);	/* once: it sends one FIN */
	if (!s->server || now < cfg->read_pause_until_us)
		return;
	if (cfg->read_bps) {
		uint64_t from = s->last_read > cfg->read_pause_until_us ?
				s->last_read : cfg->read_pause_until_us;

		s->readable_credit += (now - from) * cfg->read_bps / 8000000;
		s->last_read = now;
	}
	for (;;) {
		want = sizeof(tmp);
		if (cfg->read_bps && s->readable_credit < want)
			want = (size_t)s->readable_credit;
		n = ttp_conn_read(s->server, tmp, want, now);
		if (!n)
			break;
		if (cfg->read_bps)
			s->readable_credit -= n;
		s->res->delivered += n;
		s->last_byte_at = now;
		if (cfg->on_data)
			cfg->on_data(cfg->data_ctx, tmp, n);
	}
	if (ttp_conn_eof(s->server))
		ttp_conn_close(s->server);
}

static uint64_t min3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = a < b ? a : b;

	return m < c ? m : c;
}

int ttp_sim_run(const struct ttp_sim_cfg *cfg, struct ttp_sim_result *res)
{
	struct ttp_listener_cfg lc;
	struct sim s;
	uint64_t now = 0, next;
	size_t n, npkts;

	memset(res, 0, sizeof(*res));
	memset(&s, 0, sizeof(s));
	s.cfg = cfg;
	s.res = res;
	s.rng.s = cfg->seed ^ 0x5eed;
	s.bufcap = (cfg->client.mss > cfg->server.mss ? cfg->client.mss :
		    cfg->server.mss) + TTP_HDR_MAX;
	s.buf = malloc(s.bufcap);
	s.rbuf = malloc(s.bufcap);
	npkts = 4096 + (cfg->server.rcvbuf / 64 + cfg->client.sndbuf / 64);
	if (!s.buf || !s.rbuf ||
	    ttp_link_init(&s.fwd, &cfg->fwd, cfg->seed * 2 + 1, s.bufcap,
			  npkts) ||
	    ttp_link_init(&s.rev, &cfg->rev, cfg->seed * 2 + 2, s.bufcap,
			  npkts)) {
		snprintf(res->err, sizeof(res->err), "out of memory");
		goto out;
	}
	memset(&lc, 0, sizeof(lc));
	lc.laddr = cfg->server.laddr;
	lc.lport = cfg->server.lport;
	lc.backlog = cfg->backlog;
	lc.mss = cfg->server.mss;
	lc.wscale = cfg->server.wscale;
	lc.rcvbuf = cfg->server.rcvbuf;
	lc.secret = ttp_rng_next(&s.rng);
	lc.isn = sim_isn;
	lc.isn_ctx = &s;
	s.lis = ttp_listener_new(&lc);
	s.client = ttp_conn_new(&cfg->client);
	if (!s.lis || !s.client) {
		snprintf(res->err, sizeof(res->err), "out of memory");
		goto out;
	}
	ttp_conn_connect(s.client, now);
	for (;;) {
		apps(&s, now);
		while (s.flood_sent < cfg->syn_flood && s.next_flood <= now) {
			flood_one(&s, now);
			s.next_flood += cfg->flood_interval_us;
		}
		flush(&s, now);
		if (ttp_conn_state(s.client) == TTP_CLOSED &&
		    ttp_conn_error(s.client))
			break;
		if (s.server && ttp_conn_state(s.server) == TTP_CLOSED &&
		    ttp_conn_finished(s.client))
			break;
		next = min3(ttp_link_next(&s.fwd), ttp_link_next(&s.rev),
			    ttp_conn_next_timer(s.client));
		if (s.server)
			next = min3(next, ttp_conn_next_timer(s.server),
				    TTP_NEVER);
		if (s.flood_sent < cfg->syn_flood)
			next = min3(next, s.next_flood, TTP_NEVER);
		if (s.server && (cfg->read_bps || now <
				 cfg->read_pause_until_us) &&
		    ttp_conn_readable(s.server))
			next = min3(next, now + 1000, TTP_NEVER);
		if (next == TTP_NEVER) {
			snprintf(res->err, sizeof(res->err),
				 "stalled at t=%llu us: nothing in flight, "
				 "no timer", (unsigned long long)now);
			break;
		}
		if (next > cfg->max_time_us) {
			snprintf(res->err, sizeof(res->err),
				 "not done after %llu s of simulated time",
				 (unsigned long long)(cfg->max_time_us /
						      1000000));
			break;
		}
		now = next > now ? next : now;
		/* one segment at a time: the receiver ACKs every segment */
		while ((n = ttp_link_recv(&s.fwd, now, s.rbuf, s.bufcap))) {
			to_server(&s, now, n);
			apps(&s, now);
			flush(&s, now);
		}
		while ((n = ttp_link_recv(&s.rev, now, s.rbuf, s.bufcap))) {
			ttp_conn_input(s.client, s.rbuf, n, now);
			flush(&s, now);
		}
		if (ttp_conn_next_timer(s.client) <= now)
			ttp_conn_on_timer(s.client, now);
		if (s.server && ttp_conn_next_timer(s.server) <= now)
			ttp_conn_on_timer(s.server, now);
	}
	res->duration_us = s.last_byte_at;
	res->client = *ttp_conn_stats(s.client);
	if (s.server)
		res->server = *ttp_conn_stats(s.server);
	res->listener = *ttp_listener_stats(s.lis);
	res->connections = res->listener.accepted;
	res->fwd = s.fwd.st;
	res->rev = s.rev.st;
	if (!res->err[0] && ttp_conn_error(s.client))
		snprintf(res->err, sizeof(res->err), "sender: %s",
			 ttp_error_name(ttp_conn_error(s.client)));
	if (!res->err[0] && res->delivered != cfg->size)
		snprintf(res->err, sizeof(res->err),
			 "delivered %llu of %zu bytes",
			 (unsigned long long)res->delivered, cfg->size);
	res->ok = !res->err[0];
out:
	ttp_conn_free(s.client);
	ttp_conn_free(s.server);
	ttp_listener_free(s.lis);
	ttp_link_destroy(&s.fwd);
	ttp_link_destroy(&s.rev);
	free(s.buf);
	free(s.rbuf);
	return res->ok ? 0 : -1;
}
