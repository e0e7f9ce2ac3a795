// SPDX-License-Identifier: GPL-2.0
/*
 * The connection state machine of the teaching transport, following the
 * slides: the three-way handshake, the four-step FIN termination with
 * TIME_WAIT, and RST.  What happens to the bytes in between is the
 * sender's (sender.c) and the receiver's (receiver.c); this file decides
 * which segments they see and puts their answers into segments.
 */
#include "ttp/conn.h"

#include <stdlib.h>
#include <string.h>

#include "ttp/receiver.h"

#define MIN_MSS			64

/* A RST we owe. */
enum ttp_rst {
	TTP_RST_NONE,
	TTP_RST_ABORT,		/* we give up this connection: seq snd_nxt */
	TTP_RST_REPLY,		/* to a segment that acknowledged what we
				 * never sent: seq = its ACK, no ACK bit */
};

struct ttp_conn {
	struct ttp_conn_cfg cfg;
	enum ttp_state state;
	enum ttp_error error;
	enum ttp_rst rst;
	uint32_t rst_seq;		/* for TTP_RST_REPLY */
	uint64_t tw_deadline;
	struct ttp_sender snd;
	struct ttp_receiver rcv;
	struct ttp_stats st;
};

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

/* Bring a configuration into the ranges the header fields can carry. */
static void clamp_cfg(struct ttp_conn_cfg *cfg)
{
	uint32_t maxwnd;

	if (cfg->mss < MIN_MSS)
		cfg->mss = MIN_MSS;
	if (cfg->mss > TTP_SEG_MAX - TTP_HDR_MAX)
		cfg->mss = TTP_SEG_MAX - TTP_HDR_MAX;
	if (cfg->wscale > TTP_WSCALE_MAX)
		cfg->wscale = TTP_WSCALE_MAX;
	maxwnd = cfg->wscale > 0 ? 65535u << cfg->wscale : 65535u;
	if (cfg->rcvbuf < 1)
		cfg->rcvbuf = 1;
	if (cfg->rcvbuf > maxwnd)
		cfg->rcvbuf = maxwnd;
	if (cfg->sndbuf < cfg->mss)
		cfg->sndbuf = cfg->mss;
	if (cfg->rto_min_us < 1)
		cfg->rto_min_us = 1;
	if (cfg->rto_max_us < cfg->rto_min_us)
		cfg->rto_max_us = cfg->rto_min_us;
	if (cfg->ack_every < 1)
		cfg->ack_every = 1;
}

struct ttp_conn *ttp_conn_new(const struct ttp_conn_cfg *cfg)
{
	struct ttp_conn *c = calloc(1, sizeof(*c));
	struct ttp_sender_cfg sc;

	if (!c)
		return NULL;
	c->cfg = *cfg;
	clamp_cfg(&c->cfg);
	memset(&sc, 0, sizeof(sc));
	sc.algo = c->cfg.algo;
	sc.mode = c->cfg.mode;
	sc.sndbuf = c->cfg.sndbuf;
	sc.mss = c->cfg.mss;
	sc.initial_cwnd = c->cfg.initial_cwnd;
	sc.ssthresh_bytes = c->cfg.ssthresh_bytes;
	sc.rto_initial_us = c->cfg.rto_initial_us;
	sc.rto_min_us = c->cfg.rto_min_us;
	sc.rto_max_us = c->cfg.rto_max_us;
	sc.max_retries = c->cfg.max_retries;
	sc.on_event = c->cfg.on_event;
	sc.event_ctx = c->cfg.event_ctx;
	sc.flow = c->cfg.flow;
	sc.t0_us = c->cfg.t0_us;
	if (ttp_sender_init(&c->snd, &sc, &c->st)) {
		free(c);
		return NULL;
	}
	if (ttp_receiver_init(&c->rcv, c->cfg.rcvbuf, c->cfg.mss, &c->st)) {
		ttp_sender_destroy(&c->snd);
		free(c);
		return NULL;
	}
	ttp_receiver_delay_acks(&c->rcv, c->cfg.ack_every, c->cfg.delack_us);
	c->state = TTP_CLOSED;
	c->tw_deadline = TTP_NEVER;
	return c;
}

void ttp_conn_free(struct ttp_conn *c)
{
	if (!c)
		return;
	ttp_sender_destroy(&c->snd);
	ttp_receiver_destroy(&c->rcv);
	free(c);
}

/* ---- states ---------------------------------------------------------- */

static void enter_closed(struct ttp_conn *c, uint64_t now)
{
	if (c->state == TTP_CLOSED)
		return;
	c->state = TTP_CLOSED;
	ttp_sender_stop_timers(&c->snd);
	c->tw_deadline = TTP_NEVER;
	ttp_sender_emit(&c->snd, TEACH_EV_CLOSE, now);
}

static void enter_time_wait(struct ttp_conn *c, uint64_t now)
{
	c->state = TTP_TIME_WAIT;
	ttp_sender_stop_timers(&c->snd);
	c->tw_deadline = now + c->cfg.time_wait_us;
}

/* Give up: tell the peer with RST and report the error. */
static void fail(struct ttp_conn *c, enum ttp_error err, uint64_t now)
{
	c->error = err;
	c->rst = TTP_RST_ABORT;
	enter_closed(c, now);
}

static void reset_by_peer(struct ttp_conn *c, enum ttp_error err,
			  uint64_t now)
{
	c->st.rst_in++;
	c->error = err;
	enter_closed(c, now);
}

static void established(struct ttp_conn *c, uint64_t now)
{
	c->state = ttp_sender_fin_queued(&c->snd) ? TTP_FIN_WAIT_1 :
						      TTP_ESTABLISHED;
	ttp_sender_established(&c->snd, now);
}

/* ---- opening --------------------------------------------------------- */

/* The options of the peer's SYN: its MSS, and window scaling if both
 * sides offer it (else our buffer shrinks to a 16-bit window). */
static void set_peer(struct ttp_conn *c, uint32_t irs, uint16_t mss,
		     int wscale)
{
	bool scaling = wscale >= 0 && c->cfg.wscale >= 0;

	ttp_receiver_start(&c->rcv, irs, scaling ? c->cfg.wscale : -1);
	ttp_sender_set_peer(&c->snd, mss, scaling ? wscale : -1);
}

void ttp_conn_connect(struct ttp_conn *c, uint64_t now)
{
	(void)now;
	ttp_sender_start(&c->snd, c->cfg.isn);
	c->state = TTP_SYN_SENT;
}

static void accept_common(struct ttp_conn *c, const struct ttp_syn_info *si)
{
	c->cfg.raddr = si->raddr;
	c->cfg.rport = si->rport;
	ttp_sender_start(&c->snd, si->iss);
	set_peer(c, si->irs, si->mss, si->wscale);
	/* a SYN's window is never scaled */
	ttp_sender_set_window(&c->snd, si->wnd, si->irs, si->iss);
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
	established(c, now);
}

/* ---- input ----------------------------------------------------------- */

static void handle_rst(struct ttp_conn *c, const struct ttp_seg *s,
		       uint64_t now)
{
	if (c->state == TTP_SYN_SENT) {
		if (s->flags & TTP_ACK && ttp_sender_acks_syn(&c->snd, s->ack))
			reset_by_peer(c, TTP_ERR_REFUSED, now);
		return;
	}
	/* only a RST inside our window is believed */
	if (ttp_receiver_in_window(&c->rcv, s->seq))
		reset_by_peer(c, TTP_ERR_RESET, now);
}

static void send_rst_for(struct ttp_conn *c, const struct ttp_seg *s)
{
	if (s->flags & TTP_RST)
		return;
	c->rst = TTP_RST_REPLY;
	c->rst_seq = s->ack;
}

/* SYN_SENT: only a SYN-ACK for the SYN we really sent opens. */
static void input_syn_sent(struct ttp_conn *c, const struct ttp_seg *s,
			   uint64_t now)
{
	if (s->flags & TTP_RST) {
		handle_rst(c, s, now);
		return;
	}
	if (s->flags & TTP_ACK &&
	    (!ttp_sender_acks_syn(&c->snd, s->ack) ||
	     !ttp_sender_syn_sent(&c->snd))) {
		send_rst_for(c, s);
		return;
	}
	if (!(s->flags & TTP_SYN) || !(s->flags & TTP_ACK))
		return;
	set_peer(c, s->seq, s->mss, s->wscale);
	ttp_sender_set_window(&c->snd, s->wnd, s->seq, s->ack);
	ttp_sender_syn_acked(&c->snd, now);
	ttp_receiver_owe_ack(&c->rcv);		/* the handshake's third step */
	established(c, now);
}

/* SYN_RCVD: the ACK of our SYN-ACK; true when the rest may follow. */
static bool input_syn_rcvd(struct ttp_conn *c, const struct ttp_seg *s,
			   uint64_t now)
{
	if (s->flags & TTP_RST) {
		if (s->seq == ttp_receiver_ack(&c->rcv))
			reset_by_peer(c, TTP_ERR_RESET, now);
		return false;
	}
	if (s->flags & TTP_SYN && s->seq == ttp_receiver_irs(&c->rcv)) {
		ttp_sender_resend_syn(&c->snd);	/* our SYN-ACK was lost */
		return false;
	}
	if (!(s->flags & TTP_ACK))
		return false;
	if (!ttp_sender_acks_syn(&c->snd, s->ack)) {
		send_rst_for(c, s);
		return false;
	}
	ttp_sender_set_window(&c->snd, ttp_sender_scale(&c->snd, s->wnd),
			      s->seq, s->ack);
	ttp_sender_syn_acked(&c->snd, now);
	established(c, now);
	return true;	/* the ACK may carry data: go on */
}

/* Our FIN was acknowledged: the closing states move on. */
static void our_fin_acked(struct ttp_conn *c, uint64_t now)
{
	if (c->state == TTP_FIN_WAIT_1)
		c->state = TTP_FIN_WAIT_2;
	else if (c->state == TTP_CLOSING)
		enter_time_wait(c, now);
	else if (c->state == TTP_LAST_ACK)
		enter_closed(c, now);
}

/* The peer's FIN arrived in order: the slides' four steps. */
static void their_fin(struct ttp_conn *c, enum ttp_rcv_fin f, uint64_t now)
{
	if (f == TTP_RCV_FIN_IN_ORDER) {
		if (c->state == TTP_ESTABLISHED)
			c->state = TTP_CLOSE_WAIT;
		else if (c->state == TTP_FIN_WAIT_1)
			c->state = TTP_CLOSING;
		else if (c->state == TTP_FIN_WAIT_2)
			enter_time_wait(c, now);
	} else if (f == TTP_RCV_FIN_AGAIN && c->state == TTP_TIME_WAIT) {
		enter_time_wait(c, now);	/* our last ACK was lost */
	}
}

static bool may_receive_data(const struct ttp_conn *c)
{
	return c->state == TTP_ESTABLISHED || c->state == TTP_FIN_WAIT_1 ||
	       c->state == TTP_FIN_WAIT_2;
}

void ttp_conn_input_seg(struct ttp_conn *c, const struct ttp_seg *s,
			uint64_t now)
{
	enum ttp_ack_kind k;

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
		input_syn_sent(c, s, now);
		return;
	case TTP_SYN_RCVD:
		if (!input_syn_rcvd(c, s, now))
			return;
		break;
	default:
		break;
	}
	if (s->flags & TTP_RST) {
		handle_rst(c, s, now);
		return;
	}
	if (s->flags & TTP_SYN) {
		ttp_receiver_owe_ack(&c->rcv);	/* SYN-ACK again: ACK lost */
		return;
	}
	if (!(s->flags & TTP_ACK))
		return;
	k = ttp_sender_ack(&c->snd, s->seq, s->ack, s->wnd,
			   !s->len && !(s->flags & TTP_FIN), now);
	if (k == TTP_ACK_UNSENT) {
		ttp_receiver_owe_ack(&c->rcv);
		return;
	}
	if (k == TTP_ACK_NEW && ttp_sender_fin_acked(&c->snd))
		our_fin_acked(c, now);
	if (c->state != TTP_CLOSED)
		their_fin(c, ttp_receiver_input(&c->rcv, s->seq, s->data,
						s->len, s->flags & TTP_FIN,
						may_receive_data(c), now),
			  now);
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

/* Fill in ports, ACK and window, copy the payload, write the header. */
static size_t build(struct ttp_conn *c, struct ttp_seg *s, uint8_t *buf,
		    size_t cap)
{
	size_t hl;

	s->sport = c->cfg.lport;
	s->dport = c->cfg.rport;
	if (c->state != TTP_SYN_SENT || !(s->flags & TTP_SYN)) {
		s->flags |= TTP_ACK;
		s->ack = ttp_receiver_ack(&c->rcv);
	}
	s->wnd = ttp_receiver_advertise(&c->rcv, s->flags & TTP_SYN);
	hl = ttp_seg_hdr_len(s);
	if (hl + s->len > cap)
		return 0;
	if (s->len) {
		ttp_sender_copy(&c->snd, s->seq, buf + hl, s->len);
		c->st.data_segs_out++;
		c->st.bytes_out += s->len;
	}
	ttp_seg_write_hdr(s, c->cfg.laddr, c->cfg.raddr, buf);
	c->st.segs_out++;
	ttp_receiver_ack_sent(&c->rcv);
	return hl + s->len;
}

static size_t output_rst(struct ttp_conn *c, struct ttp_seg *s, uint8_t *buf,
			 size_t cap)
{
	enum ttp_rst kind = c->rst;

	c->rst = TTP_RST_NONE;
	c->st.rst_out++;
	s->flags = TTP_RST;
	if (kind == TTP_RST_REPLY) {
		s->seq = c->rst_seq;
		s->sport = c->cfg.lport;
		s->dport = c->cfg.rport;
		return ttp_seg_encode(s, c->cfg.laddr, c->cfg.raddr, buf, cap);
	}
	s->seq = ttp_sender_nxt(&c->snd);
	return build(c, s, buf, cap);
}

size_t ttp_conn_output(struct ttp_conn *c, uint64_t now, uint8_t *buf,
		       size_t cap)
{
	struct ttp_seg s;
	struct ttp_tx tx;

	memset(&s, 0, sizeof(s));
	s.wscale = -1;
	if (c->rst != TTP_RST_NONE)
		return output_rst(c, &s, buf, cap);
	if (c->state == TTP_CLOSED)
		return 0;
	/* whatever the sender picks must fit: it is sent once picked */
	if (cap < ttp_sender_max_seg(&c->snd))
		return 0;
	if (ttp_sender_next(&c->snd, now, &tx)) {
		s.seq = tx.seq;
		s.len = tx.len;
		s.flags = tx.flags;
		if (tx.flags & TTP_SYN) {
			s.mss = (uint16_t)c->cfg.mss;
			if (c->cfg.wscale >= 0 &&
			    (c->state == TTP_SYN_SENT ||
			     ttp_receiver_wscale(&c->rcv)))
				s.wscale = (int8_t)c->cfg.wscale;
			if (c->state == TTP_SYN_RCVD)
				s.flags |= TTP_ACK;
		}
		return build(c, &s, buf, cap);
	}
	if (c->state == TTP_SYN_SENT || c->state == TTP_SYN_RCVD)
		return 0;
	if (ttp_receiver_ack_owed(&c->rcv)) {
		s.seq = ttp_sender_nxt(&c->snd);
		return build(c, &s, buf, cap);
	}
	ttp_sender_idle(&c->snd, now);
	return 0;
}

/* ---- timers ---------------------------------------------------------- */

uint64_t ttp_conn_next_timer(const struct ttp_conn *c)
{
	uint64_t t = ttp_sender_next_timer(&c->snd);
	uint64_t r = ttp_receiver_next_timer(&c->rcv);

	if (r < t)
		t = r;
	return t < c->tw_deadline ? t : c->tw_deadline;
}

void ttp_conn_on_timer(struct ttp_conn *c, uint64_t now)
{
	if (now >= c->tw_deadline) {
		c->tw_deadline = TTP_NEVER;
		enter_closed(c, now);
		return;
	}
	ttp_receiver_on_timer(&c->rcv, now);	/* the delayed ACK */
	if (ttp_sender_on_timer(&c->snd, now) == TTP_TIMER_GIVE_UP)
		fail(c, TTP_ERR_TIMEOUT, now);
}

/* ---- the application's side ------------------------------------------ */

size_t ttp_conn_send_space(const struct ttp_conn *c)
{
	return c->state == TTP_CLOSED ? 0 : ttp_sender_space(&c->snd);
}

size_t ttp_conn_write(struct ttp_conn *c, const void *p, size_t n)
{
	size_t space = ttp_conn_send_space(c);

	return ttp_sender_write(&c->snd, p, (uint32_t)(n < space ? n : space));
}

void ttp_conn_close(struct ttp_conn *c)
{
	if (ttp_sender_fin_queued(&c->snd))
		return;
	ttp_sender_close(&c->snd);
	if (c->state == TTP_ESTABLISHED)
		c->state = TTP_FIN_WAIT_1;
	else if (c->state == TTP_CLOSE_WAIT)
		c->state = TTP_LAST_ACK;
}

size_t ttp_conn_readable(const struct ttp_conn *c)
{
	if (c->state == TTP_SYN_SENT || c->state == TTP_SYN_RCVD)
		return 0;
	return ttp_receiver_readable(&c->rcv);
}

size_t ttp_conn_read(struct ttp_conn *c, void *p, size_t n, uint64_t now)
{
	size_t avail = ttp_conn_readable(c);

	(void)now;
	return ttp_receiver_read(&c->rcv, p, n < avail ? n : avail);
}

bool ttp_conn_eof(const struct ttp_conn *c)
{
	return ttp_receiver_eof(&c->rcv);
}

bool ttp_conn_peer_closed(const struct ttp_conn *c)
{
	return ttp_receiver_fin_rcvd(&c->rcv);
}

void ttp_conn_abort(struct ttp_conn *c, uint64_t now)
{
	if (c->state == TTP_CLOSED)
		return;
	c->rst = TTP_RST_ABORT;
	enter_closed(c, now);
}

bool ttp_conn_finished(const struct ttp_conn *c)
{
	return c->state == TTP_CLOSED || c->state == TTP_TIME_WAIT;
}

/* ---- what it shows --------------------------------------------------- */

enum ttp_state ttp_conn_state(const struct ttp_conn *c)
{
	return c->state;
}

enum ttp_error ttp_conn_error(const struct ttp_conn *c)
{
	return c->error;
}

const struct ttp_stats *ttp_conn_stats(const struct ttp_conn *c)
{
	return &c->st;
}

const struct teach_cc *ttp_conn_cc(const struct ttp_conn *c)
{
	return ttp_sender_cc(&c->snd);
}

const struct ttp_rtt *ttp_conn_rtt(const struct ttp_conn *c)
{
	return ttp_sender_rtt(&c->snd);
}

unsigned int ttp_conn_snd_cwnd(const struct ttp_conn *c)
{
	return ttp_sender_window(&c->snd);
}

uint32_t ttp_conn_snd_wnd(const struct ttp_conn *c)
{
	return ttp_sender_peer_wnd(&c->snd);
}

uint32_t ttp_conn_rcv_wnd(const struct ttp_conn *c)
{
	return ttp_receiver_window(&c->rcv);
}

bool ttp_conn_consistent(const struct ttp_conn *c)
{
	if (c->state == TTP_CLOSED || c->state == TTP_SYN_SENT ||
	    c->state == TTP_SYN_RCVD)
		return true;
	return ttp_sender_consistent(&c->snd) &&
	       ttp_receiver_consistent(&c->rcv);
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
