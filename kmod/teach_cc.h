/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The textbook congestion-control core: slow start, congestion avoidance,
 * fast retransmit and fast recovery exactly as the lecture slides state
 * them, for TCP Tahoe and TCP Reno.
 *
 * This file and teach_cc.c include nothing: no kernel and no libc headers,
 * no allocation, no clock.  The same two files are compiled into the
 * kernel module (kmod/tcp_teach_main.c drives them from tcp_congestion_ops
 * callbacks) and into userspace (the teaching transport and the host unit
 * tests), so there is one source of truth for the algorithm.
 *
 * All windows are counted in segments of MSS.  Every call that changes
 * the window returns the reason it changed (an event), or TEACH_EV_NONE.
 */
#ifndef TEACH_CC_H
#define TEACH_CC_H

/* "At the beginning the threshold is 2^16 bytes = 64 kB" */
#define TEACH_DEFAULT_SSTHRESH_BYTES	65536u
/* "The sender initializes the congestion window to MSS" */
#define TEACH_DEFAULT_INITIAL_CWND	1u
/* "After 3 duplicate ACKs arrived" */
#define TEACH_DUPACK_THRESHOLD		3u
/* Unlimited ssthresh (Linux's TCP_INFINITE_SSTHRESH). */
#define TEACH_SSTHRESH_INF		0x7fffffffu
/* Windows never grow past this (Linux's snd_cwnd_clamp default). */
#define TEACH_CWND_MAX			0xffffu

enum teach_algo {
	TEACH_RENO,
	TEACH_TAHOE,
	TEACH_NONE,		/* teaching transport only: no congestion control */
	TEACH_NR_ALGOS,
};

enum teach_phase {
	TEACH_SLOW_START,
	TEACH_CONG_AVOID,
	TEACH_FAST_RECOVERY,
	TEACH_NR_PHASES,
};

/* Why the window changed: one vocabulary for the kernel and userspace. */
enum teach_reason {
	TEACH_EV_NONE,		/* nothing changed, no event */
	TEACH_EV_INIT,
	TEACH_EV_SLOW_START,
	TEACH_EV_CONG_AVOID,
	TEACH_EV_RWND_LIMITED,
	TEACH_EV_DUPACK,
	TEACH_EV_FAST_RETRANSMIT,
	TEACH_EV_RECOVERY_EXIT,
	TEACH_EV_TIMEOUT,
	TEACH_EV_UNDO,
	TEACH_EV_CWR,		/* window cut without a loss (ECN, local drop) */
	TEACH_EV_CLOSE,
	TEACH_NR_REASONS,
};

/* Per-connection state.  Kept small: it lives in icsk_ca_priv. */
struct teach_cc {
	unsigned int cwnd;		/* congestion window, segments */
	unsigned int ssthresh;		/* slow-start threshold, segments */
	unsigned int cwnd_cnt;		/* ACKed segments towards next +1 */
	unsigned int round_cwnd;	/* cwnd when this round trip began */
	unsigned int prior_cwnd;	/* before the last cut, for undo */
	unsigned int prior_ssthresh;
	/* counters, as /proc/net/tcp_teach shows them */
	unsigned int acks;
	unsigned int ss_incr;		/* +1 steps in slow start */
	unsigned int ca_incr;		/* +1 steps in congestion avoidance */
	unsigned int dupacks;
	unsigned int fast_retransmits;
	unsigned int timeouts;
	unsigned int undos;
	unsigned char algo;		/* enum teach_algo */
	unsigned char phase;		/* enum teach_phase */
	unsigned char dupack_run;	/* consecutive duplicate ACKs */
	unsigned char rwnd_limited;	/* last ACK found cwnd >= rwnd */
	unsigned char timed_out;	/* a timeout, and no new ACK since */
	unsigned char round_grew;	/* avoidance gave its +1 this round */
};

/*
 * What the sender knows when an ACK that acknowledges new data arrives.
 *
 * Rounds: the core has no clock, so the caller says when a round trip
 * begins.  A new round begins with the first ACK for data sent after the
 * current round began (the kernel: its delivered counter, as tcp_bbr.c
 * counts rounds; the teaching transport: its sequence numbers).  A cut
 * (fast retransmit, timeout, ECN) also begins a round: the caller should
 * then wait for data sent after the cut before it says round_start again.
 */
struct teach_ack {
	unsigned int acked;		/* segments newly acknowledged */
	unsigned int rwnd;		/* receive window, segments */
	int app_limited;		/* sender did not fill cwnd */
	int round_start;		/* this ACK begins a new round trip */
};

/*
 * Start a connection.  @ssthresh_bytes of 0 means unlimited; @mss turns it
 * into segments (at least 2).
 */
enum teach_reason teach_cc_init(struct teach_cc *cc, enum teach_algo algo,
				unsigned int initial_cwnd,
				unsigned int ssthresh_bytes, unsigned int mss);

/*
 * An ACK for new data.  Slow start: +1 per acknowledged segment, never
 * past twice the window the round began with, so the window doubles once
 * per round trip whatever the ACKs cover (one segment each, delayed ACKs,
 * stretch ACKs, the cumulative ACK after a cut).  Congestion avoidance:
 * +1 per cwnd's worth of acknowledged segments, at most +1 per round.
 */
enum teach_reason teach_cc_on_ack(struct teach_cc *cc,
				  const struct teach_ack *ack);

/*
 * A duplicate ACK.  The third one in a row (outside fast recovery)
 * performs the fast retransmit transition and returns
 * TEACH_EV_FAST_RETRANSMIT: the caller must resend the missing segment
 * now, not after the timeout.
 */
enum teach_reason teach_cc_on_dupack(struct teach_cc *cc);

/*
 * Count a duplicate ACK and never change the window: for a sender (the
 * kernel) that decides on its own when to fast retransmit and then calls
 * teach_cc_fast_retransmit().  Returns TEACH_EV_DUPACK.
 */
enum teach_reason teach_cc_count_dupack(struct teach_cc *cc);

/*
 * The fast retransmit transition by itself, for a sender (the kernel) that
 * decides on its own when a segment is lost: ssthresh = max(cwnd/2, 2);
 * Tahoe: cwnd = 1, slow start; Reno: cwnd = ssthresh, fast recovery.
 */
enum teach_reason teach_cc_fast_retransmit(struct teach_cc *cc);

/* The retransmission was acknowledged: fast recovery ends. */
enum teach_reason teach_cc_recovery_exit(struct teach_cc *cc);

/* Timeout: ssthresh = max(cwnd/2, 2), cwnd = 1, slow start again. */
enum teach_reason teach_cc_on_timeout(struct teach_cc *cc);

/* A window cut without a loss (ECN echo, local congestion): as Reno. */
enum teach_reason teach_cc_on_cwr(struct teach_cc *cc);

/* The last cut was spurious: restore the window from before it. */
enum teach_reason teach_cc_undo(struct teach_cc *cc);

/* The ssthresh a loss would set now, without changing anything. */
unsigned int teach_cc_loss_ssthresh(const struct teach_cc *cc);

/* Names for printing, the same strings in /proc, CSV and the docs. */
const char *teach_algo_name(unsigned int algo);
const char *teach_phase_name(unsigned int phase);
const char *teach_reason_name(unsigned int reason);

/* Parse a name back; return -1 when unknown. */
int teach_reason_from_name(const char *name);
int teach_phase_from_name(const char *name);

#endif /* TEACH_CC_H */
