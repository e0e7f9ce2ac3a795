/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The teaching transport's connection: the slides' TCP mechanics as a
 * sans-I/O state machine.  Segments (bytes) and time (microseconds) go
 * in; segments and window events come out.  No sockets, no clock, and
 * no allocation after ttp_conn_new() sets up the fixed buffers.
 *
 * Driving it:
 *	ttp_conn_input(c, bytes, len, now);	  a segment arrived
 *	while ((n = ttp_conn_output(c, now, buf, cap)))  send buf[0..n)
 *	if (now >= ttp_conn_next_timer(c)) ttp_conn_on_timer(c, now);
 * and ttp_conn_write()/ttp_conn_read()/ttp_conn_close() for the
 * application's side.
 *
 * Congestion control is the shared core (kmod/teach_cc.h); this file only
 * tells it about ACKs, duplicate ACKs and timeouts and obeys its window.
 */
#ifndef TTP_CONN_H
#define TTP_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "teach_cc.h"
#include "lib/trace.h"
#include "ttp/segment.h"

#define TTP_NEVER	UINT64_MAX

enum ttp_state {
	TTP_CLOSED,
	TTP_SYN_SENT,
	TTP_SYN_RCVD,
	TTP_ESTABLISHED,
	TTP_FIN_WAIT_1,
	TTP_FIN_WAIT_2,
	TTP_CLOSE_WAIT,
	TTP_CLOSING,
	TTP_LAST_ACK,
	TTP_TIME_WAIT,
	TTP_NR_STATES,
};

enum ttp_mode {
	TTP_MODE_GBN,		/* sliding window, go-back-N on timeout */
	TTP_MODE_SAW,		/* stop-and-wait: one segment in flight */
};

enum ttp_error {
	TTP_ERR_NONE,
	TTP_ERR_RESET,		/* the peer sent RST */
	TTP_ERR_REFUSED,	/* RST in answer to our SYN */
	TTP_ERR_TIMEOUT,	/* too many retransmissions: peer gone */
};

struct ttp_conn_cfg {
	enum teach_algo algo;
	enum ttp_mode mode;
	uint32_t laddr, raddr;		/* IPv4, host order: pseudo-header */
	uint16_t lport, rport;
	uint32_t isn;			/* initial sequence number */
	uint32_t mss;			/* the largest segment we accept */
	uint32_t sndbuf, rcvbuf;	/* bytes */
	int wscale;			/* window scale to offer; -1 = none */
	uint32_t initial_cwnd;		/* segments */
	uint32_t ssthresh_bytes;	/* 0 = unlimited */
	uint64_t rto_initial_us, rto_min_us, rto_max_us;
	uint32_t max_retries;		/* then give up: peer gone */
	uint32_t ack_every;		/* receiver: ACK every N segments */
	uint64_t delack_us;		/* ... or this long after the first */
	uint64_t time_wait_us;		/* 2 MSL */
	uint64_t flow;			/* flow id in the trace */
	/* every window event; may be NULL */
	void (*on_event)(void *ctx, const struct trace_row *row);
	void *event_ctx;
	uint64_t t0_us;			/* trace time zero */
};

/* Slide defaults: MSS 1460, 64 kB buffers, cwnd 1, ssthresh 64 kB. */
void ttp_conn_cfg_default(struct ttp_conn_cfg *cfg);

struct ttp_stats {
	uint64_t segs_in, segs_out;
	uint64_t data_segs_out;		/* with payload, incl. retransmits */
	uint64_t bytes_out;		/* payload bytes incl. retransmits */
	uint64_t bytes_acked;		/* our data the peer has */
	uint64_t bytes_in;		/* payload bytes received in order */
	uint64_t retransmits;		/* segments sent again */
	uint64_t timeouts;
	uint64_t fast_retransmits;
	uint64_t dupacks_in;
	uint64_t dup_segs_in;		/* already received: discarded */
	uint64_t ooo_segs_in;		/* out of order: buffered */
	uint64_t bad_segs[TTP_SEG_NR_ERRS];
	uint64_t dropped;		/* all segments refused (sum) */
	uint64_t too_big;		/* payload > our MSS */
	uint64_t out_of_window;
	uint64_t probes;		/* zero-window (persist) probes */
	uint64_t window_updates;
	uint64_t rst_in, rst_out;
	uint64_t events;
};

/* What the passive side learnt from the peer's SYN (see listener.h). */
struct ttp_syn_info {
	uint32_t raddr;
	uint16_t rport;
	uint32_t irs;			/* peer's initial sequence number */
	uint32_t iss;			/* ours */
	uint16_t mss;			/* peer's MSS option, 0 = absent */
	int8_t wscale;			/* peer's window scale, -1 = absent */
	uint16_t wnd;			/* peer's window from its SYN */
};

struct ttp_conn {
	struct ttp_conn_cfg cfg;
	enum ttp_state state;
	enum ttp_error error;
	struct teach_cc cc;
	char algo_name[24];		/* ttp_reno, ... */

	/* sender: [snd_una, snd_nxt) in flight, snd_max highest sent */
	uint32_t iss, snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd;		/* peer's receive window, bytes */
	uint32_t snd_wl1, snd_wl2;	/* segment that last set snd_wnd */
	uint32_t snd_mss;		/* peer's MSS */
	uint32_t round_end;		/* snd_nxt when this round trip began */
	uint8_t snd_wscale, rcv_wscale;
	uint8_t *sb;			/* send ring: bytes from snd_una */
	uint32_t sb_cap, sb_head, sb_len;
	uint32_t sb_seq;		/* sequence number of sb[sb_head] */
	int fin_queued;			/* app closed: FIN after the data */
	uint32_t fin_seq;
	int syn_pending;		/* (re)send SYN / SYN-ACK */

	/* loss recovery */
	int fast_rtx_pending;		/* resend snd_una now */
	int in_recovery;		/* fast retransmit episode */
	int after_timeout;		/* go-back-N episode */
	uint32_t recover;		/* snd_max when the loss was seen */

	/* RTT estimator (RFC 6298), microseconds */
	uint64_t srtt, rttvar, rto;
	int have_rtt;
	int rtt_active;			/* one segment timed at a time */
	uint32_t rtt_seq;
	uint64_t rtt_start;
	unsigned int backoff;		/* RTO doublings */
	unsigned int retries;		/* timeouts without progress */
	uint64_t rtx_deadline;
	uint64_t persist_deadline;
	unsigned int persist_backoff;
	unsigned int probes_unanswered;
	uint64_t tw_deadline;

	/* receiver */
	uint32_t irs, rcv_nxt;
	uint8_t *rb;			/* receive ring: bytes from rb_seq */
	uint64_t *rb_map;		/* out-of-order bytes present */
	uint32_t rb_cap, rb_head, rb_seq; /* rb_seq: next byte app reads */
	uint32_t rcv_adv;		/* right edge last advertised */
	int peer_fin;			/* FIN seen (maybe out of order) */
	uint32_t peer_fin_seq;
	int fin_rcvd;			/* FIN reached in order */
	int ack_pending;		/* one cumulative ACK owed */
	uint32_t segs_unacked;		/* in-order segments not yet ACKed */
	uint64_t delack_deadline;	/* the delayed ACK is due */
	unsigned int ack_now;		/* immediate (duplicate) ACKs owed */
	int rst_pending;

	struct ttp_stats st;
};

struct ttp_conn *ttp_conn_new(const struct ttp_conn_cfg *cfg);
void ttp_conn_free(struct ttp_conn *c);

/* Active open: send SYN. */
void ttp_conn_connect(struct ttp_conn *c, uint64_t now);
/* Passive open from a SYN: SYN_RCVD, SYN-ACK goes out next. */
void ttp_conn_accept_syn(struct ttp_conn *c, const struct ttp_syn_info *si,
			 uint64_t now);
/* Passive open whose handshake the listener completed: ESTABLISHED. */
void ttp_conn_accept_established(struct ttp_conn *c,
				 const struct ttp_syn_info *si, uint64_t now);

/* A segment arrived (wire bytes); bad ones are counted and dropped. */
void ttp_conn_input(struct ttp_conn *c, const uint8_t *buf, size_t len,
		    uint64_t now);
void ttp_conn_input_seg(struct ttp_conn *c, const struct ttp_seg *s,
			uint64_t now);

/* The next segment to send into @buf; 0 when there is none. */
size_t ttp_conn_output(struct ttp_conn *c, uint64_t now, uint8_t *buf,
		       size_t cap);

/* When ttp_conn_on_timer() wants to run; TTP_NEVER if no timer. */
uint64_t ttp_conn_next_timer(const struct ttp_conn *c);
void ttp_conn_on_timer(struct ttp_conn *c, uint64_t now);

/* Application side. */
size_t ttp_conn_write(struct ttp_conn *c, const void *p, size_t n);
size_t ttp_conn_send_space(const struct ttp_conn *c);
void ttp_conn_close(struct ttp_conn *c);	/* no more data: FIN */
size_t ttp_conn_read(struct ttp_conn *c, void *p, size_t n, uint64_t now);
size_t ttp_conn_readable(const struct ttp_conn *c);
int ttp_conn_eof(const struct ttp_conn *c);	/* FIN and all data read */
void ttp_conn_abort(struct ttp_conn *c, uint64_t now);	/* send RST */

/* All our data acknowledged and the peer's FIN received (or closed). */
int ttp_conn_finished(const struct ttp_conn *c);
/* Used window in segments: min(cwnd, rwnd), 1 in stop-and-wait. */
unsigned int ttp_conn_snd_cwnd(const struct ttp_conn *c);
/* Our receive window as advertised now (bytes). */
uint32_t ttp_conn_rcv_wnd(struct ttp_conn *c);

const char *ttp_state_name(unsigned int state);
const char *ttp_error_name(unsigned int err);
const char *ttp_mode_name(unsigned int mode);

/* Sequence space comparisons (modulo 2^32). */
static inline int ttp_seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline int ttp_seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

#endif
