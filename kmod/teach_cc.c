// SPDX-License-Identifier: GPL-2.0
/*
 * The textbook congestion-control core.  See teach_cc.h for the contract:
 * no includes, no allocation, no clock; compiled into the kernel module
 * and into userspace alike.
 *
 * The rules, per the lecture slides:
 *  - slow start: +1 segment per acknowledged segment while cwnd < ssthresh,
 *    but never past twice the window the round trip began with, so the
 *    window doubles once per round trip whatever the ACK pattern;
 *  - congestion avoidance: +1 segment per round trip, i.e. per cwnd's worth
 *    of acknowledged segments, never more than +1 in one round;
 *  - the window stops growing when it reaches the receive window;
 *  - timeout: ssthresh = max(cwnd/2, 2), cwnd = 1, slow start again;
 *  - 3 duplicate ACKs: fast retransmit, ssthresh = max(cwnd/2, 2);
 *    Tahoe: cwnd = 1 and slow start; Reno: fast recovery, cwnd is "set
 *    directly to the threshold value" and grows linearly from there.
 */
#include "teach_cc.h"

static const char *const algo_names[TEACH_NR_ALGOS] = {
	[TEACH_RENO] = "reno",
	[TEACH_TAHOE] = "tahoe",
	[TEACH_NONE] = "none",
};

static const char *const phase_names[TEACH_NR_PHASES] = {
	[TEACH_SLOW_START] = "slow_start",
	[TEACH_CONG_AVOID] = "cong_avoid",
	[TEACH_FAST_RECOVERY] = "fast_recovery",
};

static const char *const reason_names[TEACH_NR_REASONS] = {
	[TEACH_EV_NONE] = "none",
	[TEACH_EV_INIT] = "init",
	[TEACH_EV_SLOW_START] = "slow_start",
	[TEACH_EV_CONG_AVOID] = "cong_avoid",
	[TEACH_EV_RWND_LIMITED] = "rwnd_limited",
	[TEACH_EV_DUPACK] = "dupack",
	[TEACH_EV_FAST_RETRANSMIT] = "fast_retransmit",
	[TEACH_EV_RECOVERY_EXIT] = "recovery_exit",
	[TEACH_EV_TIMEOUT] = "timeout",
	[TEACH_EV_UNDO] = "undo",
	[TEACH_EV_CWR] = "cwr",
	[TEACH_EV_CLOSE] = "close",
};

static unsigned int min_u(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

static unsigned int max_u(unsigned int a, unsigned int b)
{
	return a > b ? a : b;
}

/* Slow start while below the threshold, linear growth above it. */
static unsigned char phase_for_window(const struct teach_cc *cc)
{
	return cc->cwnd < cc->ssthresh ? TEACH_SLOW_START : TEACH_CONG_AVOID;
}

/*
 * A round trip begins: remember the window it starts with (the cap of
 * slow start) and allow avoidance its +1 again.
 */
static void begin_round(struct teach_cc *cc)
{
	cc->round_cwnd = cc->cwnd;
	cc->round_grew = 0;
}

enum teach_reason teach_cc_init(struct teach_cc *cc, enum teach_algo algo,
				unsigned int initial_cwnd,
				unsigned int ssthresh_bytes, unsigned int mss)
{
	*cc = (struct teach_cc){ 0 };
	cc->algo = algo < TEACH_NR_ALGOS ? algo : TEACH_RENO;
	if (cc->algo == TEACH_NONE) {
		/* No congestion control: only the receive window limits. */
		cc->cwnd = TEACH_CWND_MAX;
		cc->ssthresh = TEACH_SSTHRESH_INF;
		cc->phase = TEACH_CONG_AVOID;
		return TEACH_EV_INIT;
	}
	cc->cwnd = min_u(max_u(initial_cwnd, 1), TEACH_CWND_MAX);
	if (ssthresh_bytes == 0)
		cc->ssthresh = TEACH_SSTHRESH_INF;
	else
		cc->ssthresh = max_u(ssthresh_bytes / max_u(mss, 1), 2);
	cc->prior_cwnd = cc->cwnd;
	cc->prior_ssthresh = cc->ssthresh;
	cc->phase = phase_for_window(cc);
	begin_round(cc);
	return TEACH_EV_INIT;
}

unsigned int teach_cc_loss_ssthresh(const struct teach_cc *cc)
{
	if (cc->algo == TEACH_NONE)
		return cc->ssthresh;
	return max_u(cc->cwnd / 2, 2);
}

/*
 * Slow start: +1 per acknowledged segment, never past ssthresh or the
 * receive window, and never past twice the window of the round's start.  The cap is what keeps one
 * cumulative ACK after a cut to 1 from jumping straight to ssthresh; a
 * round's own ACKs, however few and however large, never reach it.
 */
static enum teach_reason slow_start(struct teach_cc *cc, unsigned int acked,
				    unsigned int rwnd)
{
	unsigned int limit, n;

	limit = min_u(min_u(cc->ssthresh, TEACH_CWND_MAX),
		      2 * max_u(cc->round_cwnd, 1));
	if (rwnd)
		limit = min_u(limit, rwnd);
	if (cc->cwnd >= limit)
		return TEACH_EV_NONE;
	n = min_u(acked, limit - cc->cwnd);
	cc->cwnd += n;
	cc->ss_incr += n;
	if (cc->cwnd >= cc->ssthresh) {
		cc->phase = TEACH_CONG_AVOID;
		cc->cwnd_cnt = 0;
	}
	return TEACH_EV_SLOW_START;
}

/*
 * Congestion avoidance: +1 per cwnd's worth of acknowledged segments, and
 * at most +1 per round trip: one ACK cannot stand for more than one round,
 * even the cumulative ACK that ends a recovery and covers a whole window.
 */
static enum teach_reason cong_avoid(struct teach_cc *cc, unsigned int acked)
{
	cc->cwnd_cnt += min_u(acked, cc->cwnd);
	if (cc->cwnd_cnt < cc->cwnd)
		return TEACH_EV_NONE;
	if (cc->round_grew) {
		/* The step is due; it waits for the next round. */
		cc->cwnd_cnt = cc->cwnd;
		return TEACH_EV_NONE;
	}
	cc->cwnd_cnt -= cc->cwnd;
	if (cc->cwnd_cnt >= cc->cwnd)
		cc->cwnd_cnt = 0;
	if (cc->cwnd >= TEACH_CWND_MAX)
		return TEACH_EV_NONE;
	cc->cwnd++;
	cc->ca_incr++;
	cc->round_grew = 1;
	return TEACH_EV_CONG_AVOID;
}

enum teach_reason teach_cc_on_ack(struct teach_cc *cc,
				  const struct teach_ack *ack)
{
	cc->acks++;
	cc->dupack_run = 0;
	cc->timed_out = 0;
	if (cc->algo == TEACH_NONE || ack->acked == 0)
		return TEACH_EV_NONE;
	if (ack->round_start)
		begin_round(cc);

	/* "If the congestion window reaches the size of the receive window,
	 * it stops growing."
	 */
	if (ack->rwnd && cc->cwnd >= ack->rwnd) {
		if (cc->rwnd_limited)
			return TEACH_EV_NONE;
		cc->rwnd_limited = 1;
		return TEACH_EV_RWND_LIMITED;
	}
	cc->rwnd_limited = 0;
	/* A window the sender does not use has not been probed: keep it. */
	if (ack->app_limited)
		return TEACH_EV_NONE;

	if (cc->phase == TEACH_SLOW_START && cc->cwnd < cc->ssthresh)
		return slow_start(cc, ack->acked, ack->rwnd);
	/* Reno's fast recovery grows linearly, like congestion avoidance. */
	if (cc->phase == TEACH_SLOW_START)
		cc->phase = TEACH_CONG_AVOID;
	return cong_avoid(cc, ack->acked);
}

enum teach_reason teach_cc_fast_retransmit(struct teach_cc *cc)
{
	cc->fast_retransmits++;
	if (cc->algo == TEACH_NONE)
		return TEACH_EV_FAST_RETRANSMIT;
	cc->prior_cwnd = cc->cwnd;
	cc->prior_ssthresh = cc->ssthresh;
	cc->ssthresh = teach_cc_loss_ssthresh(cc);
	cc->cwnd_cnt = 0;
	if (cc->algo == TEACH_TAHOE) {
		cc->cwnd = 1;
		cc->phase = TEACH_SLOW_START;
	} else {
		cc->cwnd = cc->ssthresh;
		cc->phase = TEACH_FAST_RECOVERY;
	}
	begin_round(cc);
	return TEACH_EV_FAST_RETRANSMIT;
}

enum teach_reason teach_cc_count_dupack(struct teach_cc *cc)
{
	cc->dupacks++;
	if (cc->dupack_run < 255)
		cc->dupack_run++;
	return TEACH_EV_DUPACK;
}

enum teach_reason teach_cc_on_dupack(struct teach_cc *cc)
{
	teach_cc_count_dupack(cc);
	/* Already repairing this loss: the rest of the window arriving. */
	if (cc->phase == TEACH_FAST_RECOVERY)
		return TEACH_EV_DUPACK;
	if (cc->dupack_run == TEACH_DUPACK_THRESHOLD)
		return teach_cc_fast_retransmit(cc);
	return TEACH_EV_DUPACK;
}

enum teach_reason teach_cc_recovery_exit(struct teach_cc *cc)
{
	cc->dupack_run = 0;
	if (cc->phase != TEACH_FAST_RECOVERY)
		return TEACH_EV_NONE;
	cc->phase = phase_for_window(cc);
	return TEACH_EV_RECOVERY_EXIT;
}

enum teach_reason teach_cc_on_timeout(struct teach_cc *cc)
{
	cc->timeouts++;
	cc->dupack_run = 0;
	if (cc->algo == TEACH_NONE)
		return TEACH_EV_TIMEOUT;
	/*
	 * The retransmission timed out again, with no ACK since: halving
	 * the window of 1 would throw the threshold away, so it is held,
	 * and an undo goes back to the window before the first timeout
	 * (RFC 5681, section 3.1; Linux does the same).
	 */
	if (!cc->timed_out) {
		cc->prior_cwnd = cc->cwnd;
		cc->prior_ssthresh = cc->ssthresh;
		cc->ssthresh = teach_cc_loss_ssthresh(cc);
	}
	cc->timed_out = 1;
	cc->cwnd = 1;
	cc->cwnd_cnt = 0;
	cc->phase = TEACH_SLOW_START;
	begin_round(cc);
	return TEACH_EV_TIMEOUT;
}

enum teach_reason teach_cc_on_cwr(struct teach_cc *cc)
{
	if (cc->algo == TEACH_NONE)
		return TEACH_EV_NONE;
	cc->prior_cwnd = cc->cwnd;
	cc->prior_ssthresh = cc->ssthresh;
	cc->ssthresh = teach_cc_loss_ssthresh(cc);
	cc->cwnd = cc->ssthresh;
	cc->cwnd_cnt = 0;
	cc->phase = TEACH_CONG_AVOID;
	begin_round(cc);
	return TEACH_EV_CWR;
}

enum teach_reason teach_cc_undo(struct teach_cc *cc)
{
	cc->undos++;
	cc->timed_out = 0;
	if (cc->algo == TEACH_NONE)
		return TEACH_EV_UNDO;
	cc->cwnd = max_u(cc->cwnd, cc->prior_cwnd);
	cc->ssthresh = max_u(cc->ssthresh, cc->prior_ssthresh);
	cc->cwnd_cnt = 0;
	cc->phase = phase_for_window(cc);
	begin_round(cc);
	return TEACH_EV_UNDO;
}

static const char *name_of(const char *const *names, unsigned int n,
			   unsigned int i)
{
	return i < n && names[i] ? names[i] : "?";
}

const char *teach_algo_name(unsigned int algo)
{
	return name_of(algo_names, TEACH_NR_ALGOS, algo);
}

const char *teach_phase_name(unsigned int phase)
{
	return name_of(phase_names, TEACH_NR_PHASES, phase);
}

const char *teach_reason_name(unsigned int reason)
{
	return name_of(reason_names, TEACH_NR_REASONS, reason);
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static int index_of(const char *const *names, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (names[i] && same(names[i], name))
			return i;
	return -1;
}

int teach_reason_from_name(const char *name)
{
	return index_of(reason_names, TEACH_NR_REASONS, name);
}

int teach_phase_from_name(const char *name)
{
	return index_of(phase_names, TEACH_NR_PHASES, name);
}
