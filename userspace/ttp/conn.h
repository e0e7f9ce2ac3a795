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
 * The parts, as the slides introduce them: the byte stream (stream.h),
 * the receiver with reassembly and the advertised window (receiver.h),
 * the sender with the sliding window, retransmissions and the shared
 * congestion-control core (sender.h), the RTT estimator (rtt.h).  This
 * file is the state machine around them: handshake, FIN and RST.
 */
#ifndef TTP_CONN_H
#define TTP_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "teach_cc.h"
#include "lib/trace.h"
#include "ttp/rtt.h"
#include "ttp/segment.h"
#include "ttp/sender.h"
#include "ttp/seq.h"
#include "ttp/stats.h"

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

struct ttp_conn;

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
bool ttp_conn_eof(const struct ttp_conn *c);	/* FIN and all data read */
/* The peer's FIN arrived in order: all its data is here. */
bool ttp_conn_peer_closed(const struct ttp_conn *c);
void ttp_conn_abort(struct ttp_conn *c, uint64_t now);	/* send RST */

/* All our data acknowledged and the peer's FIN received (or closed). */
bool ttp_conn_finished(const struct ttp_conn *c);

/* What the connection shows of itself (summaries, tests). */
enum ttp_state ttp_conn_state(const struct ttp_conn *c);
enum ttp_error ttp_conn_error(const struct ttp_conn *c);
const struct ttp_stats *ttp_conn_stats(const struct ttp_conn *c);
const struct teach_cc *ttp_conn_cc(const struct ttp_conn *c);
const struct ttp_rtt *ttp_conn_rtt(const struct ttp_conn *c);
/* Used window in segments: min(cwnd, rwnd), 1 in stop-and-wait. */
unsigned int ttp_conn_snd_cwnd(const struct ttp_conn *c);
/* The peer's receive window (bytes), as it last advertised it. */
uint32_t ttp_conn_snd_wnd(const struct ttp_conn *c);
/* Our receive window as advertised now (bytes). */
uint32_t ttp_conn_rcv_wnd(const struct ttp_conn *c);
/* Do the parts' invariants hold (for the fuzzer)? */
bool ttp_conn_consistent(const struct ttp_conn *c);

const char *ttp_state_name(unsigned int state);
const char *ttp_error_name(unsigned int err);

#endif
