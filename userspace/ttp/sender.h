/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sending side of a connection: the sliding window over the byte
 * stream, min(cwnd * MSS, rwnd) wide, with cwnd from the shared
 * congestion-control core (kmod/teach_cc.h) and nowhere else; the
 * retransmission timer (go-back-N: "the sender sends everything again
 * beginning from the last not acknowledged sequence number"), or
 * stop-and-wait; fast retransmit after three duplicate ACKs; the persist
 * timer that probes a zero window.  It knows nothing of connection
 * states: the state machine (conn.c) says when the handshake is done and
 * reacts when our FIN is acknowledged or the peer is gone.
 */
#ifndef TTP_SENDER_H
#define TTP_SENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "teach_cc.h"
#include "lib/trace.h"
#include "ttp/rtt.h"
#include "ttp/segment.h"
#include "ttp/seq.h"
#include "ttp/stats.h"
#include "ttp/stream.h"

enum ttp_mode {
	TTP_MODE_GBN,		/* sliding window, go-back-N on timeout */
	TTP_MODE_SAW,		/* stop-and-wait: one segment in flight */
};

struct ttp_sender_cfg {
	enum teach_algo algo;
	enum ttp_mode mode;
	uint32_t sndbuf;		/* bytes */
	uint32_t mss;			/* ours: the peer's is at most this */
	uint32_t initial_cwnd;		/* segments */
	uint32_t ssthresh_bytes;	/* 0 = unlimited */
	uint64_t rto_initial_us, rto_min_us, rto_max_us;
	uint32_t max_retries;		/* then give up: peer gone */
	/* every window event becomes a trace row; on_event may be NULL */
	void (*on_event)(void *ctx, const struct trace_row *row);
	void *event_ctx;
	uint64_t flow;
	uint64_t t0_us;
};

struct ttp_sender {
	struct ttp_sender_cfg cfg;
	char algo_name[24];		/* ttp_reno, ... */
	struct teach_cc cc;
	struct ttp_rtt rtt;
	struct ttp_stream buf;		/* bytes from buf_seq, not yet ACKed */
	uint32_t buf_seq;
	/* [snd_una, snd_nxt) in flight, snd_max the highest sent */
	uint32_t iss, snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd;		/* the peer's receive window, bytes */
	uint32_t snd_wl1, snd_wl2;	/* segment that last set snd_wnd */
	uint32_t mss;			/* the peer's MSS */
	uint8_t wscale;			/* the peer's window scale */
	uint32_t round_end;		/* snd_nxt when this round trip began */
	bool syn_pending;		/* (re)send SYN / SYN-ACK */
	bool syn_acked;			/* handshake done */
	bool fin_queued;		/* app closed: FIN after the data */
	uint32_t fin_seq;
	/* loss recovery */
	bool fast_rtx_pending;		/* resend snd_una now */
	bool in_recovery;		/* a fast retransmit episode */
	bool after_timeout;		/* a go-back-N episode */
	uint32_t recover;		/* snd_max when the loss was seen */
	unsigned int retries;		/* timeouts without progress */
	uint64_t rtx_deadline;
	uint64_t persist_deadline;
	unsigned int persist_backoff;
	unsigned int probes_unanswered;
	struct ttp_stats *st;
};

/* What to send next: [seq, seq + len) and flags (SYN, FIN, PSH). */
struct ttp_tx {
	uint32_t seq, len;
	uint8_t flags;
};

/* What an incoming ACK meant. */
enum ttp_ack_kind {
	TTP_ACK_UNSENT,			/* acknowledges what we never sent */
	TTP_ACK_OLD,			/* nothing new (maybe a duplicate) */
	TTP_ACK_NEW,			/* new data acknowledged */
};

enum ttp_timer_result {
	TTP_TIMER_OK,
	TTP_TIMER_GIVE_UP,		/* too many tries: the peer is gone */
};

/* 0 on success, -1 out of memory. */
int ttp_sender_init(struct ttp_sender *s, const struct ttp_sender_cfg *cfg,
		    struct ttp_stats *st);
void ttp_sender_destroy(struct ttp_sender *s);

/* Our ISN; the SYN goes out next. */
void ttp_sender_start(struct ttp_sender *s, uint32_t iss);
/* What the peer's SYN said: its MSS (0 = none) and window scale. */
void ttp_sender_set_peer(struct ttp_sender *s, uint16_t mss, int wscale);
/* The window from the peer's SYN or first ACK, and that segment. */
void ttp_sender_set_window(struct ttp_sender *s, uint32_t wnd_bytes,
			   uint32_t seq, uint32_t ack);
/* Our SYN was acknowledged (an RTT sample if it was timed). */
void ttp_sender_syn_acked(struct ttp_sender *s, uint64_t now);
/* The handshake is done: the congestion window starts. */
void ttp_sender_established(struct ttp_sender *s, uint64_t now);
/* The SYN again (the peer did not get ours). */
void ttp_sender_resend_syn(struct ttp_sender *s);

/* An ACK and the window of a segment from the peer. */
enum ttp_ack_kind ttp_sender_ack(struct ttp_sender *s, uint32_t seq,
				 uint32_t ack, uint16_t wnd, bool dup_candidate,
				 uint64_t now);

/*
 * The next segment to send; false when the windows allow none.
 * Commits: the caller must send it.
 */
bool ttp_sender_next(struct ttp_sender *s, uint64_t now, struct ttp_tx *tx);
/* Nothing to send: arm the persist timer if a zero window blocks us. */
void ttp_sender_idle(struct ttp_sender *s, uint64_t now);
/* Copy [seq, seq + len) of the stream into @p. */
void ttp_sender_copy(const struct ttp_sender *s, uint32_t seq, void *p,
		     uint32_t len);

uint64_t ttp_sender_next_timer(const struct ttp_sender *s);
enum ttp_timer_result ttp_sender_on_timer(struct ttp_sender *s,
					  uint64_t now);
void ttp_sender_stop_timers(struct ttp_sender *s);

/* The application's side. */
uint32_t ttp_sender_space(const struct ttp_sender *s);
uint32_t ttp_sender_write(struct ttp_sender *s, const void *p, uint32_t n);
void ttp_sender_close(struct ttp_sender *s);	/* FIN after the data */
/* Our FIN has been acknowledged. */
bool ttp_sender_fin_acked(const struct ttp_sender *s);

/* Used window in segments: min(cwnd, rwnd), 1 in stop-and-wait. */
unsigned int ttp_sender_window(const struct ttp_sender *s);
/* One trace row for a window event (none for TEACH_EV_NONE). */
void ttp_sender_emit(struct ttp_sender *s, enum teach_reason r, uint64_t now);

/* Do the sequence numbers and the buffer agree (for the fuzzer)? */
bool ttp_sender_consistent(const struct ttp_sender *s);

/* The largest segment next() may pick: the header and one MSS. */
static inline uint32_t ttp_sender_max_seg(const struct ttp_sender *s)
{
	return TTP_HDR_MAX + (s->syn_acked ? s->mss : 0);
}

/* Our SYN's sequence number is acknowledged by this ACK. */
static inline bool ttp_sender_acks_syn(const struct ttp_sender *s,
				       uint32_t ack)
{
	return ack == s->iss + 1;
}

/* The SYN has gone out (connect() only queues it). */
static inline bool ttp_sender_syn_sent(const struct ttp_sender *s)
{
	return s->snd_max == s->iss + 1;
}

static inline bool ttp_sender_fin_queued(const struct ttp_sender *s)
{
	return s->fin_queued;
}

/* A window field from the peer, in bytes. */
static inline uint32_t ttp_sender_scale(const struct ttp_sender *s,
					uint16_t wnd)
{
	return (uint32_t)wnd << s->wscale;
}

static inline uint32_t ttp_sender_peer_wnd(const struct ttp_sender *s)
{
	return s->snd_wnd;
}

static inline const struct ttp_rtt *ttp_sender_rtt(const struct ttp_sender *s)
{
	return &s->rtt;
}

static inline const struct teach_cc *ttp_sender_cc(const struct ttp_sender *s)
{
	return &s->cc;
}

static inline uint32_t ttp_sender_nxt(const struct ttp_sender *s)
{
	return s->snd_nxt;
}

const char *ttp_mode_name(unsigned int mode);

#endif
