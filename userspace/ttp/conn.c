// SPDX-License-Identifier: GPL-2.0
/*
 * The connection state machine of the teaching transport, following the
 * slides: three-way handshake, byte-stream sequence numbers, segmentation
 * by MSS, cumulative ACKs, a receive buffer that reorders and discards
 * duplicates, retransmission on timeout (go-back-N: "the sender sends
 * everything again beginning from the last not acknowledged sequence
 * number") or stop-and-wait, fast retransmit after three duplicate ACKs,
 * flow control with the advertised receive window, silly window syndrome
 * avoidance, and the four-step FIN termination.
 *
 * The window the sender may use is min(cwnd * mss, rwnd); cwnd comes from
 * the shared congestion-control core (teach_cc.h) and nowhere else.
 */
#include "ttp/conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_PEER_MSS	536	/* RFC 1122 when no MSS option */
#define MIN_MSS			64

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

void ttp_conn_cfg_default(struct ttp_conn_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->algo = TEACH_RENO;
	cfg->mode = TTP_MODE_GBN;
	cfg->laddr = 0x0a000001;
	cfg->raddr = 0x0a000002;
	cfg->lport = 40000;
	cfg->rport = 5001;
	cfg->isn = 100;
	cfg->mss = 1460;
	cfg->sndbuf = 131072;
	cfg->rcvbuf = 65535;	/* the 16-bit window field's maximum */
	cfg->wscale = -1;
	cfg->initial_cwnd = TEACH_DEFAULT_INITIAL_CWND;
	cfg->ssthresh_bytes = TEACH_DEFAULT_SSTHRESH_BYTES;
	cfg->rto_initial_us = 1000000;
	cfg->rto_min_us = 200000;
	cfg->rto_max_us = 60000000;
	cfg->max_retries = 15;
	cfg->ack_every = 1;		/* the slides' receiver */
	cfg->delack_us = 40000;		/* Linux's TCP_DELACK_MIN */
	cfg->time_wait_us = 1000000;
}

struct ttp_conn *ttp_conn_new(const struct ttp_conn_cfg *cfg)
{
	struct ttp_conn *c = calloc(1, sizeof(*c));
	uint32_t maxwnd;

	if (!c)
		return NULL;
	c->cfg = *cfg;
	if (c->cfg.mss < MIN_MSS)
		c->cfg.mss = MIN_MSS;
	if (c->cfg.mss > TTP_SEG_MAX - TTP_HDR_MAX)
		c->cfg.mss = TTP_SEG_MAX - TTP_HDR_MAX;
	if (c->cfg.wscale > TTP_WSCALE_MAX)
		c->cfg.wscale = TTP_WSCALE_MAX;
	maxwnd = c->cfg.wscale > 0 ? 65535u << c->cfg.wscale : 65535u;
	if (c->cfg.rcvbuf < 1)
		c->cfg.rcvbuf = 1;
	if (c->cfg.rcvbuf > maxwnd)
		c->cfg.rcvbuf = maxwnd;
	if (c->cfg.sndbuf < c->cfg.mss)
		c->cfg.sndbuf = c->cfg.mss;
	if (c->cfg.rto_min_us < 1)
		c->cfg.rto_min_us = 1;
	if (c->cfg.rto_max_us < c->cfg.rto_min_us)
		c->cfg.rto_max_us = c->cfg.rto_min_us;
	if (c->cfg.ack_every < 1)
		c->cfg.ack_every = 1;
	c->sb_cap = c->cfg.sndbuf;
	c->rb_cap = c->cfg.rcvbuf;
	c->sb = malloc(c->sb_cap);
	c->rb = malloc(c->rb_cap);
	c->rb_map = calloc((c->rb_cap + 63) / 64, sizeof(uint64_t));
	if (!c->sb || !c->rb || !c->rb_map) {
		ttp_conn_free(c);
		return NULL;
	}
	snprintf(c->algo_name, sizeof(c->algo_name), "ttp_%s",
		 teach_algo_name(c->cfg.algo));
	teach_cc_init(&c->cc, c->cfg.algo, c->cfg.initial_cwnd,
		      c->cfg.ssthresh_bytes, c->cfg.mss);
	c->state = TTP_CLOSED;
	c->snd_mss = DEFAULT_PEER_MSS;
	c->rto = c->cfg.rto_initial_us;
	c->rtx_deadline = TTP_NEVER;
	c->persist_deadline = TTP_NEVER;
	c->tw_deadline = TTP_NEVER;
	c->delack_deadline = TTP_NEVER;
	return c;
}

void ttp_conn_free(struct ttp_conn *c)
{
	if (!c)
		return;
	free(c->sb);
	free(c->rb);
	free(c->rb_map);
	free(c);
}

/* ---- events ---------------------------------------------------------- */

static uint32_t flight_bytes(const struct ttp_conn *c)
{
	return c->snd_nxt - c->snd_una;
}

unsigned int ttp_conn_snd_cwnd(const struct ttp_conn *c)
{
	uint32_t rwnd_segs = c->snd_wnd / c->snd_mss;
	unsigned int w = min32(c->cc.cwnd, rwnd_segs);

	if (c->cfg.mode == TTP_MODE_SAW)
		w = min32(w, 1);
	return w;
}

/* Every window change from the core becomes one trace row. */
static void emit(struct ttp_conn *c, enum teach_reason r, uint64_t now)
{
	struct trace_row row;

	if (r == TEACH_EV_NONE)
		return;
	c->st.events++;
	if (!c->cfg.on_event)
		return;
	memset(&row, 0, sizeof(row));
	row.time_us = now >= c->cfg.t0_us ? now - c->cfg.t0_us : 0;
	row.flow = c->cfg.flow;
	snprintf(row.algo, sizeof(row.algo), "%s", c->algo_name);
	row.event = r;
	row.phase = c->cc.phase;
	row.cwnd = c->cc.cwnd;
	row.ssthresh = c->cc.ssthresh;
	row.snd_cwnd = ttp_conn_snd_cwnd(c);
	row.inflight = (flight_bytes(c) + c->snd_mss - 1) / c->snd_mss;
	row.rwnd = c->snd_wnd;
	row.mss = c->snd_mss;
	row.srtt_us = (unsigned int)min64(c->srtt, 0xffffffffu);
	c->cfg.on_event(c->cfg.event_ctx, &row);
}

/* ---- timers (RFC 6298) ----------------------------------------------- */

static uint64_t rto_now(const struct ttp_conn *c)
{
	uint64_t r = c->rto;
	unsigned int i;

	for (i = 0; i < c->backoff && r < c->cfg.rto_max_us; i++)
		r *= 2;
	return min64(r, c->cfg.rto_max_us);
}

static void rtt_sample(struct ttp_conn *c, uint64_t r)
{
	uint64_t d;

	if (r < 1)
		r = 1;
	if (!c->have_rtt) {
		c->srtt = r;
		c->rttvar = r / 2;
		c->have_rtt = 1;
	} else {
		d = c->srtt > r ? c->srtt - r : r - c->srtt;
		c->rttvar = (3 * c->rttvar + d) / 4;
		c->srtt = (7 * c->srtt + r) / 8;
	}
	c->rto = c->srtt + (4 * c->rttvar > 1 ? 4 * c->rttvar : 1);
	if (c->rto < c->cfg.rto_min_us)
		c->rto = c->cfg.rto_min_us;
	if (c->rto > c->cfg.rto_max_us)
		c->rto = c->cfg.rto_max_us;
}

static void arm_rtx(struct ttp_conn *c, uint64_t now)
{
	if (c->snd_una == c->snd_max)
		c->rtx_deadline = TTP_NEVER;
	else
		c->rtx_deadline = now + rto_now(c);
}

static void enter_closed(struct ttp_conn *c, uint64_t now)
{
	if (c->state == TTP_CLOSED)
		return;
	c->state = TTP_CLOSED;
	c->rtx_deadline = TTP_NEVER;
	c->persist_deadline = TTP_NEVER;
	c->tw_deadline = TTP_NEVER;
	emit(c, TEACH_EV_CLOSE, now);
}

static void enter_time_wait(struct ttp_conn *c, uint64_t now)
{
	c->state = TTP_TIME_WAIT;
	c->rtx_deadline = TTP_NEVER;
	c->persist_deadline = TTP_NEVER;
	c->tw_deadline = now + c->cfg.time_wait_us;
}

/* Give up: tell the peer with RST and report the error. */
static void fail(struct ttp_conn *c, enum ttp_error err, uint64_t now)
{
	c->error = err;
	c->rst_pending = 1;
	enter_closed(c, now);
}

/* ---- opening --------------------------------------------------------- */

static void init_send(struct ttp_conn *c, uint32_t iss)
{
	c->iss = iss;
	c->snd_una = c->snd_nxt = c->snd_max = iss;
	c->sb_seq = iss + 1;	/* the SYN takes one sequence number */
	c->syn_pending = 1;
}

void ttp_conn_connect(struct ttp_conn *c, uint64_t now)
{
	(void)now;
	init_send(c, c->cfg.isn);
	c->state = TTP_SYN_SENT;
}

static void established(struct ttp_conn *c, uint64_t now)
{
	c->state = c->fin_queued ? TTP_FIN_WAIT_1 : TTP_ESTABLISHED;
	c->retries = 0;
	c->backoff = 0;
	/* The window starts now: "initializes the congestion window to MSS" */
	emit(c, teach_cc_init(&c->cc, c->cfg.algo, c->cfg.initial_cwnd,
			      c->cfg.ssthresh_bytes, c->snd_mss), now);
	c->round_end = c->snd_nxt;
	arm_rtx(c, now);
}

static void set_peer(struct ttp_conn *c, uint16_t mss, int wscale)
{
	c->snd_mss = mss ? mss : DEFAULT_PEER_MSS;
	c->snd_mss = min32(c->snd_mss, c->cfg.mss);
	if (c->snd_mss < MIN_MSS)
		c->snd_mss = MIN_MSS;
	if (wscale >= 0 && c->cfg.wscale >= 0) {
		c->snd_wscale = (uint8_t)wscale;
		c->rcv_wscale = (uint8_t)c->cfg.wscale;
	} else {
		c->snd_wscale = c->rcv_wscale = 0;
		if (c->rb_cap > 65535)
			c->rb_cap = 65535;
	}
}

static void init_recv(struct ttp_conn *c, uint32_t irs)
{
	c->irs = irs;
	c->rcv_nxt = irs + 1;
	c->rb_seq = c->rcv_nxt;
	c->rcv_adv = c->rcv_nxt;
}

static void accept_common(struct ttp_conn *c, const struct ttp_syn_info *si)
{
	c->cfg.raddr = si->raddr;
	c->cfg.rport = si->rport;
	init_send(c, si->iss);
	init_recv(c, si->irs);
	set_peer(c, si->mss, si->wscale);
	c->snd_wnd = si->wnd;	/* a SYN's window is never scaled */
	c->snd_wl1 = si->irs;
	c->snd_wl2 = si->iss;
}

void ttp_conn_accept_syn(struct ttp_conn *c, const struct ttp_syn_info *si,
			 uint64_t now)
{
	(void)now;
	accept_common(c, si);
	c->state = TTP_SYN_RCVD;
}

void ttp_conn_accept_established(struct ttp_conn *c,
				 const struct ttp_syn_info *si, uint64_t now)
{
	accept_common(c, si);
	c->syn_pending = 0;
	c->snd_una = c->snd_nxt = c->snd_max = si->iss + 1;
	established(c, now);
}

/* ---- the receiver ---------------------------------------------------- */

static uint32_t rb_idx(const struct ttp_conn *c, uint32_t seq)
{
	return (uint32_t)((c->rb_head + (uint64_t)(seq - c->rb_seq)) %
			  c->rb_cap);
}

static void map_linear(uint64_t *map, uint32_t i, uint32_t n, int set)
{
	while (n) {
		uint32_t bit = i % 64, k = min32(64 - bit, n);
		uint64_t m = k == 64 ? ~0ull : ((1ull << k) - 1) << bit;

		if (set)
			map[i / 64] |= m;
		else
			map[i / 64] &= ~m;
		i += k;
		n -= k;
	}
}

/* Mark or clear the out-of-order map for [seq, seq + n). */
static void map_range(struct ttp_conn *c, uint32_t seq, uint32_t n, int set)
{
	uint32_t i = rb_idx(c, seq), first = min32(n, c->rb_cap - i);

	map_linear(c->rb_map, i, first, set);
	if (n > first)
		map_linear(c->rb_map, 0, n - first, set);
}

static int map_test(const struct ttp_conn *c, uint32_t seq)
{
	uint32_t i = rb_idx(c, seq);

	return (c->rb_map[i / 64] >> (i % 64)) & 1;
}

static void rb_store(struct ttp_conn *c, uint32_t seq, const uint8_t *p,
		     uint32_t n)
{
	uint32_t i = rb_idx(c, seq), first = min32(n, c->rb_cap - i);

	memcpy(c->rb + i, p, first);
	if (n > first)
		memcpy(c->rb, p + first, n - first);
}

/* Bytes in order but not yet read by the application. */
static uint32_t rcv_queued(const struct ttp_conn *c)
{
	return c->rcv_nxt - (uint32_t)c->fin_rcvd - c->rb_seq;
}

/*
 * The window we advertise.  Silly window syndrome avoidance as the slides
 * put it: new space is announced "not before 25% of the reception buffer
 * is free or a segment of size MSS can be received"; until then the old
 * right edge stays (a window never shrinks).
 */
uint32_t ttp_conn_rcv_wnd(struct ttp_conn *c)
{
	uint32_t free_b = c->rb_cap - rcv_queued(c);
	uint32_t cur = ttp_seq_lt(c->rcv_nxt, c->rcv_adv) ?
		       c->rcv_adv - c->rcv_nxt : 0;
	uint32_t thr = min32(c->rb_cap / 4, c->cfg.mss);
	uint32_t w = cur;

	if (thr < 1)
		thr = 1;
	if (free_b >= thr && free_b > cur)
		w = free_b;
	w = min32(w, 65535u << c->rcv_wscale);
	return w;
}

/*
 * An in-order segment arrived: one cumulative ACK per ack_every segments
 * (the slides' receiver ACKs each one), the rest wait at most delack_us.
 */
static void owe_ack(struct ttp_conn *c, uint64_t now)
{
	if (++c->segs_unacked >= c->cfg.ack_every)
		c->ack_pending = 1;
	else if (c->delack_deadline == TTP_NEVER)
		c->delack_deadline = now + c->cfg.delack_us;
}

/* A segment carrying data for us (the acceptability test of RFC 793). */
static void receive_data(struct ttp_conn *c, const struct ttp_seg *s,
			 uint64_t now)
{
	uint32_t seq = s->seq, end = s->seq + s->len, limit, off = 0;
	uint32_t start;

	if (s->flags & TTP_FIN && !c->peer_fin) {
		c->peer_fin = 1;
		c->peer_fin_seq = end;
	}
	if (!s->len) {
		/* a zero-window probe (seq one below): answer with the window */
		if (!(s->flags & TTP_FIN) && seq == c->rcv_nxt - 1)
			c->ack_now++;
		goto fin;
	}
	if (c->state != TTP_ESTABLISHED && c->state != TTP_FIN_WAIT_1 &&
	    c->state != TTP_FIN_WAIT_2) {
		c->ack_now++;		/* after their FIN: just re-ACK */
		return;
	}
	if (ttp_seq_le(end, c->rcv_nxt)) {
		/* "sort out segments, which arrived twice" */
		c->st.dup_segs_in++;
		c->ack_now++;
		goto fin;
	}
	limit = c->rb_seq + c->rb_cap;
	if (!ttp_seq_lt(seq, limit)) {
		c->st.out_of_window++;
		c->ack_now++;
		goto fin;
	}
	if (ttp_seq_lt(seq, c->rcv_nxt)) {
		off = c->rcv_nxt - seq;
		seq = c->rcv_nxt;
	}
	if (ttp_seq_lt(limit, end))
		end = limit;
	rb_store(c, seq, s->data + off, end - seq);
	if (seq != c->rcv_nxt) {
		/* a gap before it: keep it, ACK what we have (a dupack) */
		if (map_test(c, seq) && map_test(c, end - 1))
			c->st.dup_segs_in++;	/* an early one, twice */
		else
			c->st.ooo_segs_in++;
		map_range(c, seq, end - seq, 1);
		c->ack_now++;
		goto fin;
	}
	start = c->rcv_nxt;
	map_range(c, seq, end - seq, 0);
	c->rcv_nxt = end;
	/* segments that arrived early and now follow in order */
	while (c->rcv_nxt != limit && map_test(c, c->rcv_nxt)) {
		uint32_t i = rb_idx(c, c->rcv_nxt);

		if (i % 64 == 0 && c->rb_map[i / 64] == ~0ull &&
		    i + 64 <= c->rb_cap &&
		    (uint32_t)(limit - c->rcv_nxt) >= 64) {
			c->rb_map[i / 64] = 0;
			c->rcv_nxt += 64;
			continue;
		}
		c->rb_map[i / 64] &= ~(1ull << (i % 64));
		c->rcv_nxt++;
	}
	c->st.bytes_in += c->rcv_nxt - start;
	if (c->rcv_nxt != end)
		c->ack_now++;	/* a hole was filled: ACK at once */
	else
		owe_ack(c, now);
fin:
	if (c->peer_fin && !c->fin_rcvd && c->peer_fin_seq == c->rcv_nxt) {
		c->rcv_nxt++;
		c->fin_rcvd = 1;
		c->ack_now++;
		if (c->state == TTP_ESTABLISHED)
			c->state = TTP_CLOSE_WAIT;
		else if (c->state == TTP_FIN_WAIT_1)
			c->state = TTP_CLOSING;
		else if (c->state == TTP_FIN_WAIT_2)
			enter_time_wait(c, now);
	} else if (s->flags & TTP_FIN && c->fin_rcvd) {
		c->ack_now++;	/* their FIN again: our ACK was lost */
		if (c->state == TTP_TIME_WAIT)
			enter_time_wait(c, now);
	}
}

/* ---- the sender ------------------------------------------------------ */

static uint32_t data_end(const struct ttp_conn *c)
{
	return c->sb_seq + c->sb_len;
}

static void new_ack(struct ttp_conn *c, uint32_t ack, uint64_t now)
{
	uint32_t acked = ack - c->snd_una, n;
	uint32_t flight_segs = (flight_bytes(c) + c->snd_mss - 1) / c->snd_mss;
	struct teach_ack a;

	a.app_limited = ttp_seq_le(data_end(c), c->snd_nxt) &&
			flight_segs < c->cc.cwnd;
	if (ttp_seq_lt(c->sb_seq, ack)) {
		n = min32(ack - c->sb_seq, c->sb_len);
		c->sb_head = (c->sb_head + n) % c->sb_cap;
		c->sb_len -= n;
		c->sb_seq += n;
		c->st.bytes_acked += n;
	}
	c->snd_una = ack;
	if (ttp_seq_lt(c->snd_nxt, ack))
		c->snd_nxt = ack;
	if (c->rtt_active && ttp_seq_le(c->rtt_seq, ack)) {
		rtt_sample(c, now - c->rtt_start);
		c->rtt_active = 0;
	}
	c->backoff = 0;
	c->retries = 0;
	c->probes_unanswered = 0;

	if (c->in_recovery) {
		if (ttp_seq_le(c->recover, ack)) {
			c->in_recovery = 0;
			emit(c, teach_cc_recovery_exit(&c->cc), now);
		} else if (c->cc.algo != TEACH_TAHOE) {
			/* a partial ACK: the next hole is lost too (RFC 6582) */
			c->fast_rtx_pending = 1;
		}
	}
	if (c->after_timeout && ttp_seq_le(c->recover, ack))
		c->after_timeout = 0;
	a.acked = (acked + c->snd_mss - 1) / c->snd_mss;
	a.rwnd = c->snd_wnd / c->snd_mss ? c->snd_wnd / c->snd_mss : 1;
	/* It acknowledges data sent after the round began: a new round. */
	a.round_start = ttp_seq_lt(c->round_end, ack);
	if (a.round_start)
		c->round_end = c->snd_nxt;
	emit(c, teach_cc_on_ack(&c->cc, &a), now);
	arm_rtx(c, now);

	if (c->fin_queued && ttp_seq_lt(c->fin_seq, ack)) {
		if (c->state == TTP_FIN_WAIT_1)
			c->state = TTP_FIN_WAIT_2;
		else if (c->state == TTP_CLOSING)
			enter_time_wait(c, now);
		else if (c->state == TTP_LAST_ACK)
			enter_closed(c, now);
	}
}

static void dup_ack(struct ttp_conn *c, uint64_t now)
{
	enum teach_reason r;

	c->st.dupacks_in++;
	/*
	 * Duplicates caused by our own go-back-N resends, or more of them
	 * after a Tahoe fast retransmit, are not a new loss (RFC 6582).
	 */
	if (c->after_timeout ||
	    (c->in_recovery && c->cc.phase != TEACH_FAST_RECOVERY))
		return;
	r = teach_cc_on_dupack(&c->cc);
	if (r == TEACH_EV_FAST_RETRANSMIT) {
		c->st.fast_retransmits++;
		c->round_end = c->snd_una;	/* the cut begins a round */
		c->in_recovery = 1;
		c->recover = c->snd_max;
		c->rtt_active = 0;
		if (c->cc.algo == TEACH_TAHOE)
			c->snd_nxt = c->snd_una;	/* slow start again */
		else
			c->fast_rtx_pending = 1;
		c->rtx_deadline = now + rto_now(c);
	}
	emit(c, r, now);
}

/* Returns 0 when the rest of the segment may be processed. */
static int receive_ack(struct ttp_conn *c, const struct ttp_seg *s,
		       uint64_t now)
{
	uint32_t ack = s->ack, wnd;
	int wnd_changed = 0;

	if (ttp_seq_lt(c->snd_max, ack)) {
		c->ack_now++;	/* acknowledges what we never sent */
		return -1;
	}
	if (ttp_seq_lt(c->snd_wl1, s->seq) ||
	    (c->snd_wl1 == s->seq && ttp_seq_le(c->snd_wl2, ack))) {
		wnd = (uint32_t)s->wnd << c->snd_wscale;
		wnd_changed = wnd != c->snd_wnd;
		if (wnd_changed && wnd > c->snd_wnd)
			c->probes_unanswered = 0;
		c->snd_wnd = wnd;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = ack;
	}
	if (ttp_seq_lt(c->snd_una, ack))
		new_ack(c, ack, now);
	else if (ack == c->snd_una && !s->len && !(s->flags & TTP_FIN) &&
		 !wnd_changed && c->snd_max != c->snd_una)
		dup_ack(c, now);
	return 0;
}

static void handle_rst(struct ttp_conn *c, const struct ttp_seg *s,
		       uint64_t now)
{
	uint32_t w = ttp_conn_rcv_wnd(c);

	if (c->state == TTP_SYN_SENT) {
		if (!(s->flags & TTP_ACK) || s->ack != c->iss + 1)
			return;
		c->st.rst_in++;
		c->error = TTP_ERR_REFUSED;
		enter_closed(c, now);
		return;
	}
	/* only a RST inside our window is believed */
	if (ttp_seq_le(c->rcv_nxt, s->seq) &&
	    ttp_seq_lt(s->seq, c->rcv_nxt + (w ? w : 1))) {
		c->st.rst_in++;
		c->error = TTP_ERR_RESET;
		enter_closed(c, now);
	}
}

static void send_rst_for(struct ttp_conn *c, const struct ttp_seg *s)
{
	if (s->flags & TTP_RST)
		return;
	c->rst_pending = 2;	/* RST with seq = their ack, no ACK bit */
	c->snd_wl2 = s->ack;
}

void ttp_conn_input_seg(struct ttp_conn *c, const struct ttp_seg *s,
			uint64_t now)
{
	c->st.segs_in++;
	if (s->len > c->cfg.mss) {
		c->st.too_big++;	/* larger than we said we accept */
		c->st.dropped++;
		return;
	}
	switch (c->state) {
	case TTP_CLOSED:
		return;
	case TTP_SYN_SENT:
		if (s->flags & TTP_RST) {
			handle_rst(c, s, now);
			return;
		}
		/* it must acknowledge the SYN we really sent */
		if (s->flags & TTP_ACK &&
		    (s->ack != c->iss + 1 || c->snd_max != c->iss + 1)) {
			send_rst_for(c, s);
			return;
		}
		if (!(s->flags & TTP_SYN) || !(s->flags & TTP_ACK))
			return;
		init_recv(c, s->seq);
		set_peer(c, s->mss, s->wscale);
		c->snd_una = s->ack;
		c->snd_wnd = s->wnd;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = s->ack;
		if (c->rtt_active) {
			rtt_sample(c, now - c->rtt_start);
			c->rtt_active = 0;
		}
		c->ack_pending = 1;
		established(c, now);
		return;
	case TTP_SYN_RCVD:
		if (s->flags & TTP_RST) {
			if (s->seq == c->rcv_nxt) {
				c->st.rst_in++;
				c->error = TTP_ERR_RESET;
				enter_closed(c, now);
			}
			return;
		}
		if (s->flags & TTP_SYN && s->seq == c->irs) {
			c->syn_pending = 1;	/* our SYN-ACK was lost */
			c->snd_nxt = c->iss;
			return;
		}
		if (!(s->flags & TTP_ACK))
			return;
		if (s->ack != c->iss + 1) {
			send_rst_for(c, s);
			return;
		}
		c->snd_una = c->snd_nxt = c->snd_max = c->iss + 1;
		c->snd_wnd = (uint32_t)s->wnd << c->snd_wscale;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = s->ack;
		if (c->rtt_active) {
			rtt_sample(c, now - c->rtt_start);
			c->rtt_active = 0;
		}
		established(c, now);
		break;	/* the ACK may carry data: go on */
	default:
		break;
	}
	if (s->flags & TTP_RST) {
		handle_rst(c, s, now);
		return;
	}
	if (s->flags & TTP_SYN) {
		c->ack_now++;	/* a SYN-ACK again: our ACK was lost */
		return;
	}
	if (!(s->flags & TTP_ACK))
		return;
	if (receive_ack(c, s, now))
		return;
	if (c->state != TTP_CLOSED)
		receive_data(c, s, now);
}

void ttp_conn_input(struct ttp_conn *c, const uint8_t *buf, size_t len,
		    uint64_t now)
{
	struct ttp_seg s;
	int err = ttp_seg_decode(buf, len, c->cfg.raddr, c->cfg.laddr, &s);

	if (err) {
		c->st.bad_segs[err]++;
		c->st.dropped++;
		return;
	}
	if (s.sport != c->cfg.rport || s.dport != c->cfg.lport) {
		c->st.dropped++;
		return;
	}
	ttp_conn_input_seg(c, &s, now);
}

/* ---- output ---------------------------------------------------------- */

static size_t build(struct ttp_conn *c, struct ttp_seg *s, uint8_t *buf,
		    size_t cap, uint32_t data_seq)
{
	size_t hl;
	uint32_t w, i, first;

	s->sport = c->cfg.lport;
	s->dport = c->cfg.rport;
	if (c->state != TTP_SYN_SENT || !(s->flags & TTP_SYN)) {
		s->flags |= TTP_ACK;
		s->ack = c->rcv_nxt;
	}
	if (s->flags & TTP_SYN) {
		s->wnd = (uint16_t)min32(c->rb_cap, 65535);
	} else {
		w = ttp_conn_rcv_wnd(c);
		s->wnd = (uint16_t)(w >> c->rcv_wscale);
		w = (uint32_t)s->wnd << c->rcv_wscale;
		if (ttp_seq_lt(c->rcv_adv, c->rcv_nxt + w))
			c->rcv_adv = c->rcv_nxt + w;
	}
	hl = ttp_seg_hdr_len(s);
	if (hl + s->len > cap)
		return 0;
	if (s->len) {
		i = (uint32_t)((c->sb_head + (uint64_t)(data_seq - c->sb_seq)) %
			       c->sb_cap);
		first = min32(s->len, c->sb_cap - i);
		memcpy(buf + hl, c->sb + i, first);
		if (s->len > first)
			memcpy(buf + hl + first, c->sb, s->len - first);
		c->st.data_segs_out++;
		c->st.bytes_out += s->len;
	}
	ttp_seg_write_hdr(s, c->cfg.laddr, c->cfg.raddr, buf);
	c->st.segs_out++;
	/* every segment carries our ACK: nothing delayed is owed now */
	c->segs_unacked = 0;
	c->delack_deadline = TTP_NEVER;
	/* an owed cumulative ACK and the duplicates after it: one each */
	if (c->ack_pending)
		c->ack_pending = 0;
	else if (c->ack_now)
		c->ack_now--;
	return hl + s->len;
}

/* Send [seq, seq + len) (data, or the FIN when fin is set). */
static size_t send_at(struct ttp_conn *c, uint32_t seq, uint32_t len,
		      int fin, uint64_t now, uint8_t *buf, size_t cap)
{
	struct ttp_seg s;
	size_t n;
	uint32_t end = seq + len + (fin ? 1 : 0);

	memset(&s, 0, sizeof(s));
	s.wscale = -1;
	s.seq = seq;
	s.len = len;
	if (fin)
		s.flags |= TTP_FIN;
	else if (seq + len == data_end(c))
		s.flags |= TTP_PSH;
	n = build(c, &s, buf, cap, seq);
	if (!n)
		return 0;
	if (ttp_seq_lt(seq, c->snd_max)) {
		c->st.retransmits++;
	} else if (!c->rtt_active) {
		c->rtt_active = 1;	/* time one new segment (Karn) */
		c->rtt_seq = end;
		c->rtt_start = now;
	}
	if (ttp_seq_lt(c->snd_max, end))
		c->snd_max = end;
	if (c->rtx_deadline == TTP_NEVER)
		c->rtx_deadline = now + rto_now(c);
	return n;
}

/* How much new (or go-back-N) data the windows and SWS rules allow. */
static uint32_t sendable(const struct ttp_conn *c)
{
	uint32_t flight = flight_bytes(c), avail, wnd, usable, len;
	uint64_t cwnd_b = (uint64_t)c->cc.cwnd * c->snd_mss;

	if (!ttp_seq_lt(c->snd_nxt, data_end(c)))
		return 0;
	avail = data_end(c) - c->snd_nxt;
	wnd = (uint32_t)min64(cwnd_b, c->snd_wnd);
	if (c->cfg.mode == TTP_MODE_SAW) {
		if (flight)
			return 0;	/* wait for the ACK */
		wnd = min32(wnd, c->snd_mss);
	}
	usable = wnd > flight ? wnd - flight : 0;
	len = min32(min32(avail, usable), c->snd_mss);
	if (!len)
		return 0;
	/* no tiny segments unless nothing is outstanding or data ends here */
	if (len < c->snd_mss && flight && !(c->fin_queued && len == avail))
		return 0;
	return len;
}

static void update_persist(struct ttp_conn *c, uint64_t now)
{
	int blocked = c->snd_wnd == 0 && c->snd_una == c->snd_max &&
		      ttp_seq_lt(c->snd_nxt, data_end(c)) &&
		      c->state != TTP_CLOSED && c->state != TTP_SYN_SENT &&
		      c->state != TTP_SYN_RCVD;

	if (!blocked) {
		c->persist_deadline = TTP_NEVER;
		c->persist_backoff = 0;
	} else if (c->persist_deadline == TTP_NEVER) {
		uint64_t t = rto_now(c);
		unsigned int i;

		for (i = 0; i < c->persist_backoff; i++)
			t = min64(t * 2, c->cfg.rto_max_us);
		c->persist_deadline = now + t;
	}
}

size_t ttp_conn_output(struct ttp_conn *c, uint64_t now, uint8_t *buf,
		       size_t cap)
{
	struct ttp_seg s;
	uint32_t len;

	memset(&s, 0, sizeof(s));
	s.wscale = -1;
	if (c->rst_pending) {
		if (c->rst_pending == 2) {
			s.seq = c->snd_wl2;
			s.flags = TTP_RST;
			s.sport = c->cfg.lport;
			s.dport = c->cfg.rport;
			c->rst_pending = 0;
			c->st.rst_out++;
			return ttp_seg_encode(&s, c->cfg.laddr, c->cfg.raddr,
					      buf, cap);
		}
		s.seq = c->snd_nxt;
		s.flags = TTP_RST;
		c->rst_pending = 0;
		c->st.rst_out++;
		return build(c, &s, buf, cap, 0);
	}
	if (c->state == TTP_CLOSED)
		return 0;
	if (c->state == TTP_SYN_SENT || c->state == TTP_SYN_RCVD) {
		if (!c->syn_pending)
			return 0;
		c->syn_pending = 0;
		s.seq = c->iss;
		s.flags = TTP_SYN;
		s.mss = (uint16_t)c->cfg.mss;
		if (c->cfg.wscale >= 0 &&
		    (c->state == TTP_SYN_SENT || c->rcv_wscale))
			s.wscale = (int8_t)c->cfg.wscale;
		if (c->state == TTP_SYN_RCVD)
			s.flags |= TTP_ACK;
		if (ttp_seq_lt(c->iss, c->snd_max))
			c->st.retransmits++;
		else if (!c->rtt_active) {
			c->rtt_active = 1;
			c->rtt_seq = c->iss + 1;
			c->rtt_start = now;
		}
		c->snd_nxt = c->snd_max = c->iss + 1;
		if (c->rtx_deadline == TTP_NEVER)
			c->rtx_deadline = now + rto_now(c);
		return build(c, &s, buf, cap, 0);
	}
	if (c->fast_rtx_pending) {
		/* fast retransmit: the missing segment now, window or not */
		c->fast_rtx_pending = 0;
		if (ttp_seq_lt(c->snd_una, data_end(c))) {
			len = min32(data_end(c) - c->snd_una, c->snd_mss);
			return send_at(c, c->snd_una, len, 0, now, buf, cap);
		}
		if (c->fin_queued && c->snd_una == c->fin_seq &&
		    c->snd_max != c->snd_una)
			return send_at(c, c->fin_seq, 0, 1, now, buf, cap);
	}
	if (c->persist_deadline != TTP_NEVER && now >= c->persist_deadline) {
		/* a zero-window probe: an old sequence number, no data */
		c->persist_deadline = TTP_NEVER;
		c->st.probes++;
		s.seq = c->snd_una - 1;
		return build(c, &s, buf, cap, 0);
	}
	len = sendable(c);
	if (len) {
		size_t n = send_at(c, c->snd_nxt, len, 0, now, buf, cap);

		if (n)
			c->snd_nxt += len;
		return n;
	}
	if (c->fin_queued && c->snd_nxt == c->fin_seq &&
	    ttp_seq_le(data_end(c), c->fin_seq) &&
	    !(c->cfg.mode == TTP_MODE_SAW && flight_bytes(c))) {
		size_t n = send_at(c, c->fin_seq, 0, 1, now, buf, cap);

		if (n)
			c->snd_nxt = c->fin_seq + 1;
		return n;
	}
	if (c->ack_now || c->ack_pending) {
		s.seq = c->snd_nxt;
		return build(c, &s, buf, cap, 0);
	}
	update_persist(c, now);
	return 0;
}

/* ---- timers ---------------------------------------------------------- */

uint64_t ttp_conn_next_timer(const struct ttp_conn *c)
{
	return min64(min64(c->rtx_deadline, c->persist_deadline),
		     min64(c->tw_deadline, c->delack_deadline));
}

static void on_rtx_timeout(struct ttp_conn *c, uint64_t now)
{
	c->rtx_deadline = TTP_NEVER;
	if (c->snd_una == c->snd_max)
		return;
	if (++c->retries > c->cfg.max_retries) {
		fail(c, TTP_ERR_TIMEOUT, now);
		return;
	}
	c->st.timeouts++;
	c->backoff++;
	c->rtt_active = 0;	/* Karn: no samples from retransmissions */
	if (c->state == TTP_SYN_SENT || c->state == TTP_SYN_RCVD) {
		c->syn_pending = 1;
		c->snd_nxt = c->iss;
		c->rtx_deadline = now + rto_now(c);
		return;
	}
	emit(c, teach_cc_on_timeout(&c->cc), now);
	/* "sends everything again beginning from the last not acknowledged" */
	c->snd_nxt = c->snd_una;
	c->round_end = c->snd_una;
	c->in_recovery = 0;
	c->fast_rtx_pending = 0;
	c->after_timeout = 1;
	c->recover = c->snd_max;
	c->rtx_deadline = now + rto_now(c);
}

void ttp_conn_on_timer(struct ttp_conn *c, uint64_t now)
{
	if (now >= c->tw_deadline) {
		c->tw_deadline = TTP_NEVER;
		enter_closed(c, now);
		return;
	}
	if (now >= c->delack_deadline) {
		c->delack_deadline = TTP_NEVER;
		c->ack_pending = 1;	/* output() sends the delayed ACK */
	}
	if (now >= c->rtx_deadline)
		on_rtx_timeout(c, now);
	if (c->persist_deadline != TTP_NEVER && now >= c->persist_deadline) {
		/* output() sends the probe; back off for the next one */
		if (++c->probes_unanswered > c->cfg.max_retries) {
			fail(c, TTP_ERR_TIMEOUT, now);
			return;
		}
		if (c->persist_backoff < 16)
			c->persist_backoff++;
	}
}

/* ---- the application's side ------------------------------------------ */

size_t ttp_conn_send_space(const struct ttp_conn *c)
{
	if (c->fin_queued || c->state == TTP_CLOSED)
		return 0;
	return c->sb_cap - c->sb_len;
}

size_t ttp_conn_write(struct ttp_conn *c, const void *p, size_t n)
{
	uint32_t tail, first;

	n = min64(n, ttp_conn_send_space(c));
	if (!n)
		return 0;
	tail = (c->sb_head + c->sb_len) % c->sb_cap;
	first = min32((uint32_t)n, c->sb_cap - tail);
	memcpy(c->sb + tail, p, first);
	if (n > first)
		memcpy(c->sb, (const uint8_t *)p + first, n - first);
	c->sb_len += (uint32_t)n;
	return n;
}

void ttp_conn_close(struct ttp_conn *c)
{
	if (c->fin_queued)
		return;
	c->fin_queued = 1;
	c->fin_seq = data_end(c);
	if (c->state == TTP_ESTABLISHED)
		c->state = TTP_FIN_WAIT_1;
	else if (c->state == TTP_CLOSE_WAIT)
		c->state = TTP_LAST_ACK;
}

size_t ttp_conn_readable(const struct ttp_conn *c)
{
	if (c->state == TTP_SYN_SENT || c->state == TTP_SYN_RCVD)
		return 0;
	return rcv_queued(c);
}

size_t ttp_conn_read(struct ttp_conn *c, void *p, size_t n, uint64_t now)
{
	uint32_t before = ttp_conn_rcv_wnd(c), first, adv;

	(void)now;
	n = min64(n, ttp_conn_readable(c));
	if (!n)
		return 0;
	first = min32((uint32_t)n, c->rb_cap - c->rb_head);
	memcpy(p, c->rb + c->rb_head, first);
	if (n > first)
		memcpy((uint8_t *)p + first, c->rb, n - first);
	c->rb_head = (uint32_t)((c->rb_head + n) % c->rb_cap);
	c->rb_seq += (uint32_t)n;
	/*
	 * Tell the sender about the new space once it may be held back by
	 * the window it knows: that window is down to half the buffer or
	 * less, and the new one at least doubles it (as Linux does).  Not
	 * for every read: the ACKs themselves carry the window.
	 */
	adv = ttp_seq_lt(c->rcv_nxt, c->rcv_adv) ? c->rcv_adv - c->rcv_nxt : 0;
	if (ttp_conn_rcv_wnd(c) > adv && adv <= before &&
	    adv <= c->rb_cap / 2 && ttp_conn_rcv_wnd(c) >= 2 * adv &&
	    ttp_conn_rcv_wnd(c) - adv >= min32(c->rb_cap / 4, c->cfg.mss)) {
		c->ack_pending = 1;
		c->st.window_updates++;
	}
	return n;
}

int ttp_conn_eof(const struct ttp_conn *c)
{
	return c->fin_rcvd && rcv_queued(c) == 0;
}

void ttp_conn_abort(struct ttp_conn *c, uint64_t now)
{
	if (c->state == TTP_CLOSED)
		return;
	c->rst_pending = 1;
	enter_closed(c, now);
}

int ttp_conn_finished(const struct ttp_conn *c)
{
	return c->state == TTP_CLOSED || c->state == TTP_TIME_WAIT;
}

const char *ttp_state_name(unsigned int state)
{
	static const char *const names[TTP_NR_STATES] = {
		"CLOSED", "SYN_SENT", "SYN_RCVD", "ESTABLISHED",
		"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
		"LAST_ACK", "TIME_WAIT",
	};

	return state < TTP_NR_STATES ? names[state] : "?";
}

const char *ttp_error_name(unsigned int err)
{
	switch (err) {
	case TTP_ERR_NONE:
		return "none";
	case TTP_ERR_RESET:
		return "connection reset by peer";
	case TTP_ERR_REFUSED:
		return "connection refused";
	case TTP_ERR_TIMEOUT:
		return "peer not answering (too many retransmissions)";
	}
	return "?";
}

const char *ttp_mode_name(unsigned int mode)
{
	return mode == TTP_MODE_SAW ? "saw" : "gbn";
}
