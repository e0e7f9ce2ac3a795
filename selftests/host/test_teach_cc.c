// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the shared congestion-control core (kmod/teach_cc.c):
 * scripted event sequences, every transition checked against the
 * numbers the lecture slides give.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "teach_cc.h"

#define MSS 1460u

/* ACK @acked segments within the current round, plenty of receive window. */
static enum teach_reason ack(struct teach_cc *cc, unsigned int acked)
{
	struct teach_ack a = { .acked = acked, .rwnd = 100000 };

	return teach_cc_on_ack(cc, &a);
}

/* The first ACK for data sent after the round began: a new round trip. */
static enum teach_reason ack_new_round(struct teach_cc *cc,
				       unsigned int acked)
{
	struct teach_ack a = { .acked = acked, .rwnd = 100000,
			       .round_start = 1 };

	return teach_cc_on_ack(cc, &a);
}

/*
 * One round trip: the window the round starts with is in flight, and the
 * receiver ACKs every @every segments (the last ACK covers what is left).
 */
static void round_trip_acking(struct teach_cc *cc, unsigned int every)
{
	unsigned int left = cc->cwnd, n;

	n = left < every ? left : every;
	ack_new_round(cc, n);
	for (left -= n; left; left -= n) {
		n = left < every ? left : every;
		ack(cc, n);
	}
}

/* One round trip, one ACK per segment (the slides' receiver). */
static void round_trip(struct teach_cc *cc)
{
	round_trip_acking(cc, 1);
}

TEST(slide_defaults)
{
	struct teach_cc cc;

	/* "the sender initializes the congestion window to MSS" and "the
	 * threshold value is 2^16 bytes = 64 kB"
	 */
	ASSERT_EQ(TEACH_EV_INIT, teach_cc_init(&cc, TEACH_RENO,
			TEACH_DEFAULT_INITIAL_CWND,
			TEACH_DEFAULT_SSTHRESH_BYTES, MSS));
	EXPECT_EQ(1u, cc.cwnd);
	EXPECT_EQ(65536u / MSS, cc.ssthresh);	/* 44 segments */
	EXPECT_EQ(TEACH_SLOW_START, cc.phase);
	EXPECT_STREQ("slow_start", teach_phase_name(cc.phase));
}

TEST(unlimited_and_tiny_ssthresh)
{
	struct teach_cc cc;

	teach_cc_init(&cc, TEACH_RENO, 10, 0, MSS);
	EXPECT_EQ(TEACH_SSTHRESH_INF, cc.ssthresh);
	EXPECT_EQ(10u, cc.cwnd);
	/* A threshold below 2 segments is raised to 2. */
	teach_cc_init(&cc, TEACH_RENO, 1, 100, MSS);
	EXPECT_EQ(2u, cc.ssthresh);
	/* A zero cwnd would never send: at least 1. */
	teach_cc_init(&cc, TEACH_TAHOE, 0, 65536, MSS);
	EXPECT_EQ(1u, cc.cwnd);
}

TEST(slow_start_doubles_every_round_trip)
{
	struct teach_cc cc;
	unsigned int k;

	teach_cc_init(&cc, TEACH_RENO, 1, 65536, MSS);
	/* 1, 2, 4, 8, 16, 32 segments: doubling per RTT. */
	for (k = 0; k < 5; k++) {
		EXPECT_EQ(1u << k, cc.cwnd);
		round_trip(&cc);
	}
	EXPECT_EQ(32u, cc.cwnd);
	EXPECT_EQ(31u, cc.ss_incr);
	EXPECT_EQ(TEACH_SLOW_START, cc.phase);
}

TEST(delayed_acks_still_double)
{
	struct teach_cc cc;

	teach_cc_init(&cc, TEACH_RENO, 2, 65536, MSS);
	/* One ACK per two segments: +2 per ACK, still x2 per RTT. */
	EXPECT_EQ(TEACH_EV_SLOW_START, ack_new_round(&cc, 2));
	EXPECT_EQ(4u, cc.cwnd);
	ack_new_round(&cc, 2);
	ack(&cc, 2);
	EXPECT_EQ(8u, cc.cwnd);
}

/*
 * The slides' rule is about round trips: whatever each ACK covers (one
 * segment, two, a stretch ACK after GRO, or the whole window at once),
 * the window at the end of round k is 2^k, until ssthresh.
 */
TEST(slow_start_doubles_per_round_whatever_the_acks_cover)
{
	static const unsigned int every[] = { 1, 2, 4, 8, 16, 1000 };
	unsigned int i, k, want;
	struct teach_cc cc;

	for (i = 0; i < sizeof(every) / sizeof(every[0]); i++) {
		teach_cc_init(&cc, TEACH_RENO, 1, 65536, MSS);	/* 44 */
		for (k = 1, want = 2; k <= 6; k++, want *= 2) {
			round_trip_acking(&cc, every[i]);
			TH_LOG("ACK every %u: round %u ends at cwnd %u",
			       every[i], k, cc.cwnd);
			ASSERT_EQ(want < 44 ? want : 44, cc.cwnd);
		}
		EXPECT_EQ(TEACH_CONG_AVOID, cc.phase);
		/* Then linear: +1 per round, whatever the ACKs cover. */
		round_trip_acking(&cc, every[i]);
		EXPECT_EQ(45u, cc.cwnd);
		round_trip_acking(&cc, every[i]);
		EXPECT_EQ(46u, cc.cwnd);
	}
}

TEST(linux_like_start_doubles_from_ten)
{
	struct teach_cc cc;
	unsigned int k;

	/* initial_cwnd=10 initial_ssthresh=0, acked 8 segments at a time */
	teach_cc_init(&cc, TEACH_RENO, 10, 0, MSS);
	for (k = 1; k <= 8; k++) {
		round_trip_acking(&cc, 8);
		ASSERT_EQ(10u << k, cc.cwnd);
	}
	EXPECT_EQ(TEACH_SLOW_START, cc.phase);
}

TEST(stretch_ack_cannot_pass_twice_the_round)
{
	struct teach_cc cc;

	teach_cc_init(&cc, TEACH_TAHOE, 1, 65536, MSS);
	/* A cumulative ACK of 20 segments must not jump to ssthresh. */
	EXPECT_EQ(TEACH_EV_SLOW_START, ack_new_round(&cc, 20));
	EXPECT_EQ(2u, cc.cwnd);
	/* More ACKs in the same round: nothing to add. */
	EXPECT_EQ(TEACH_EV_NONE, ack(&cc, 5));
	EXPECT_EQ(2u, cc.cwnd);
	EXPECT_EQ(TEACH_EV_SLOW_START, ack_new_round(&cc, 1));
	EXPECT_EQ(3u, cc.cwnd);
}

/*
 * After a cut to 1 (Tahoe's fast retransmit, or a timeout) the ACK of the
 * retransmission may cover the whole old window: 1 -> 2, then 4, 8, ...
 * Whether or not the caller already counts that ACK as a new round.
 */
TEST(cut_to_one_then_doubling_again)
{
	unsigned int c, first_is_new_round;
	struct teach_cc cc;

	for (c = 0; c < 4; c++) {
		first_is_new_round = c & 1;
		teach_cc_init(&cc, TEACH_TAHOE, 24, 65536, MSS);
		if (c & 2)
			teach_cc_on_timeout(&cc);
		else
			teach_cc_fast_retransmit(&cc);
		ASSERT_EQ(1u, cc.cwnd);
		ASSERT_EQ(12u, cc.ssthresh);
		if (first_is_new_round)
			ack_new_round(&cc, 23);
		else
			ack(&cc, 23);
		ASSERT_EQ(2u, cc.cwnd);
		round_trip_acking(&cc, 1000);
		ASSERT_EQ(4u, cc.cwnd);
		round_trip_acking(&cc, 2);
		ASSERT_EQ(8u, cc.cwnd);
		round_trip(&cc);
		ASSERT_EQ(12u, cc.cwnd);	/* ssthresh: linear from here */
		ASSERT_EQ(TEACH_CONG_AVOID, cc.phase);
		round_trip_acking(&cc, 1000);
		ASSERT_EQ(13u, cc.cwnd);
	}
}

TEST(reno_recovery_exit_then_linear_per_round)
{
	struct teach_cc cc;
	unsigned int k;

	teach_cc_init(&cc, TEACH_RENO, 24, 24 * MSS, MSS);
	teach_cc_fast_retransmit(&cc);
	EXPECT_EQ(12u, cc.cwnd);
	EXPECT_EQ(TEACH_EV_RECOVERY_EXIT, teach_cc_recovery_exit(&cc));
	/* The cumulative ACK that ends the recovery covers two windows. */
	EXPECT_EQ(TEACH_EV_CONG_AVOID, ack_new_round(&cc, 24));
	EXPECT_EQ(13u, cc.cwnd);
	for (k = 1; k <= 4; k++) {
		round_trip_acking(&cc, k == 4 ? 1000 : k);
		EXPECT_EQ(13u + k, cc.cwnd);
	}
	EXPECT_EQ(5u, cc.ca_incr);
}

TEST(cong_avoid_never_more_than_one_per_round)
{
	struct teach_cc cc;
	unsigned int i, events = 0;

	teach_cc_init(&cc, TEACH_RENO, 10, 10 * MSS, MSS);
	/* Three windows' worth of ACKs inside one round: still +1. */
	for (i = 0; i < 30; i++)
		if (ack(&cc, 1) == TEACH_EV_CONG_AVOID)
			events++;
	EXPECT_EQ(1u, events);
	EXPECT_EQ(11u, cc.cwnd);
	/* The step that was due comes with the next round. */
	EXPECT_EQ(TEACH_EV_CONG_AVOID, ack_new_round(&cc, 1));
	EXPECT_EQ(12u, cc.cwnd);
}

TEST(threshold_switches_to_linear_growth)
{
	struct teach_cc cc;
	unsigned int rtt;

	teach_cc_init(&cc, TEACH_RENO, 1, 65536, MSS);	/* ssthresh 44 */
	while (cc.cwnd < 44)
		round_trip(&cc);
	EXPECT_EQ(44u, cc.cwnd);
	EXPECT_EQ(TEACH_CONG_AVOID, cc.phase);
	EXPECT_STREQ("cong_avoid", teach_phase_name(cc.phase));
	/* Congestion avoidance: +1 per RTT. */
	for (rtt = 1; rtt <= 5; rtt++) {
		round_trip(&cc);
		EXPECT_EQ(44u + rtt, cc.cwnd);
	}
	EXPECT_EQ(5u, cc.ca_incr);
}

TEST(cong_avoid_event_once_per_round_trip)
{
	struct teach_cc cc;
	unsigned int i, events = 0;

	teach_cc_init(&cc, TEACH_RENO, 10, 10 * MSS, MSS);
	ASSERT_EQ(TEACH_CONG_AVOID, cc.phase);
	for (i = 0; i < 10; i++)
		if (ack(&cc, 1) == TEACH_EV_CONG_AVOID)
			events++;
	EXPECT_EQ(1u, events);
	EXPECT_EQ(11u, cc.cwnd);
}

TEST(one_ack_is_at_most_one_round_trip)
{
	struct teach_cc cc;

	teach_cc_init(&cc, TEACH_RENO, 10, 10 * MSS, MSS);
	/* The cumulative ACK that ends a recovery covers two windows. */
	EXPECT_EQ(TEACH_EV_CONG_AVOID, ack(&cc, 25));
	EXPECT_EQ(11u, cc.cwnd);
	EXPECT_EQ(0u, cc.cwnd_cnt);
	EXPECT_EQ(1u, cc.ca_incr);
}

TEST(receive_window_stops_growth)
{
	struct teach_cc cc;
	/* One segment in flight at a time: every ACK begins a round. */
	struct teach_ack a = { .acked = 1, .rwnd = 8, .round_start = 1 };

	teach_cc_init(&cc, TEACH_RENO, 1, 65536, MSS);
	while (cc.cwnd < 8)
		ASSERT_EQ(TEACH_EV_SLOW_START, teach_cc_on_ack(&cc, &a));
	/* "If the congestion window reaches the size of the receive
	 * window, it stops growing": one event, then silence.
	 */
	EXPECT_EQ(TEACH_EV_RWND_LIMITED, teach_cc_on_ack(&cc, &a));
	EXPECT_EQ(TEACH_EV_NONE, teach_cc_on_ack(&cc, &a));
	EXPECT_EQ(8u, cc.cwnd);
	/* A larger window lets it grow again. */
	a.rwnd = 100;
	EXPECT_EQ(TEACH_EV_SLOW_START, teach_cc_on_ack(&cc, &a));
	EXPECT_EQ(9u, cc.cwnd);
}

TEST(stretch_ack_stops_at_the_receive_window)
{
	struct teach_cc cc;
	struct teach_ack a = { .acked = 8, .rwnd = 10, .round_start = 1 };

	teach_cc_init(&cc, TEACH_RENO, 8, 65536, MSS);
	/* +8 would give 16; the receive window says 10. */
	EXPECT_EQ(TEACH_EV_SLOW_START, teach_cc_on_ack(&cc, &a));
	EXPECT_EQ(10u, cc.cwnd);
	EXPECT_EQ(TEACH_EV_RWND_LIMITED, teach_cc_on_ack(&cc, &a));
	EXPECT_EQ(10u, cc.cwnd);
}

TEST(application_limited_does_not_grow)
{
	struct teach_cc cc;
	struct teach_ack a = { .acked = 1, .rwnd = 100, .app_limited = 1 };

	teach_cc_init(&cc, TEACH_RENO, 4, 65536, MSS);
	EXPECT_EQ(TEACH_EV_NONE, teach_cc_on_ack(&cc, &a));
	EXPECT_EQ(4u, cc.cwnd);
	EXPECT_EQ(1u, cc.acks);
}

TEST(timeout_halves_threshold_and_restarts)
{
	struct teach_cc cc;

	teach_cc_init(&cc, TEACH_RENO, 24, 65536, MSS);
	EXPECT_EQ(TEACH_EV_TIMEOUT, teach_cc_on_timeout(&cc));
	EXPECT_EQ(12u, cc.ssthresh);	/* half the congestion window */
	EXPECT_EQ(1u, cc.cwnd);		/* "reduced to the size 1 MSS" */
	EXPECT_EQ(TEACH_SLOW_START, cc.phase);
	EXPECT_EQ(1u, cc.timeouts);
	/* Slow start again up to the new threshold, then linear. */
	round_trip(&cc);
	round_trip(&cc);
	round_trip(&cc);
	EXPECT_EQ(8u, cc.cwnd);
	round_trip(&cc);
	EXPECT_EQ(12u, cc.cwnd);
	EXPECT_EQ(TEACH_CONG_AVOID, cc.phase);
	round_trip(&cc);
	EXPECT_EQ(13u, cc.cwnd);
}

TEST(timeout_threshold_floor_is_two)
{
	struct teach_cc cc;

	teach_cc_init(&cc, TEACH_TAHOE, 3, 65536, MSS);
	teach_cc_on_timeout(&cc);
	EXPECT_EQ(2u, cc.ssthresh);
	teach_cc_on_timeout(&cc);	/* timed out again: held */
	EXPECT_EQ(2u, cc.ssthresh);
	EXPECT_EQ(2u, cc.timeouts);
}

TEST(repeated_timeout_holds_threshold_and_undo_restores)
{
	struct teach_cc cc;

	teach_cc_init(&cc, TEACH_RENO, 24, 65536, MSS);
	teach_cc_on_timeout(&cc);
	EXPECT_EQ(12u, cc.ssthresh);
	/* The retransmission times out too (backoff), no ACK between. */
	teach_cc_on_timeout(&cc);
	teach_cc_on_timeout(&cc);
	EXPECT_EQ(12u, cc.ssthresh);	/* not 2: the threshold is held */
	EXPECT_EQ(1u, cc.cwnd);
	EXPECT_EQ(3u, cc.timeouts);
	/* All spurious: undo goes back to before the first timeout. */
	EXPECT_EQ(TEACH_EV_UNDO, teach_cc_undo(&cc));
	EXPECT_EQ(24u, cc.cwnd);
	EXPECT_EQ(44u, cc.ssthresh);	/* 64 KiB at MSS 1460 */
	/* An ACK ends the episode: the next timeout halves again. */
	ack(&cc, 1);
	teach_cc_on_timeout(&cc);
	EXPECT_EQ(12u, cc.ssthresh);
	ack_new_round(&cc, 1);
	ack_new_round(&cc, 1);
	EXPECT_EQ(3u, cc.cwnd);
	teach_cc_on_timeout(&cc);
	EXPECT_EQ(2u, cc.ssthresh);	/* max(cwnd 3 / 2, 2) */
}

/* Grow a connection to @w segments in congestion avoidance. */
static void grow_to(struct teach_cc *cc, enum teach_algo algo, unsigned int w)
{
	teach_cc_init(cc, algo, w, w * MSS, MSS);
}

TEST(three_dupacks_reno_fast_recovery)
{
	struct teach_cc cc;

	grow_to(&cc, TEACH_RENO, 24);
	EXPECT_EQ(TEACH_EV_DUPACK, teach_cc_on_dupack(&cc));
	EXPECT_EQ(TEACH_EV_DUPACK, teach_cc_on_dupack(&cc));
	EXPECT_EQ(24u, cc.cwnd);
	/* The third duplicate ACK: fast retransmit, no timeout. */
	EXPECT_EQ(TEACH_EV_FAST_RETRANSMIT, teach_cc_on_dupack(&cc));
	EXPECT_EQ(12u, cc.ssthresh);
	/* "set directly to the threshold value" */
	EXPECT_EQ(12u, cc.cwnd);
	EXPECT_EQ(TEACH_FAST_RECOVERY, cc.phase);
	EXPECT_STREQ("fast_recovery", teach_phase_name(cc.phase));
	/* More dupacks while repairing do not cut again. */
	EXPECT_EQ(TEACH_EV_DUPACK, teach_cc_on_dupack(&cc));
	EXPECT_EQ(TEACH_EV_DUPACK, teach_cc_on_dupack(&cc));
	EXPECT_EQ(TEACH_EV_DUPACK, teach_cc_on_dupack(&cc));
	EXPECT_EQ(12u, cc.cwnd);
	EXPECT_EQ(1u, cc.fast_retransmits);
	EXPECT_EQ(6u, cc.dupacks);
	EXPECT_EQ(0u, cc.timeouts);
	/* The retransmission is ACKed: linear growth from the threshold. */
	EXPECT_EQ(TEACH_EV_RECOVERY_EXIT, teach_cc_recovery_exit(&cc));
	EXPECT_EQ(TEACH_CONG_AVOID, cc.phase);
	round_trip(&cc);
	EXPECT_EQ(13u, cc.cwnd);
	round_trip(&cc);
	EXPECT_EQ(14u, cc.cwnd);
}

TEST(three_dupacks_tahoe_restarts_slow_start)
{
	struct teach_cc cc;

	grow_to(&cc, TEACH_TAHOE, 24);
	teach_cc_on_dupack(&cc);
	teach_cc_on_dupack(&cc);
	EXPECT_EQ(TEACH_EV_FAST_RETRANSMIT, teach_cc_on_dupack(&cc));
	EXPECT_EQ(12u, cc.ssthresh);
	EXPECT_EQ(1u, cc.cwnd);		/* each loss -> 1 MSS in Tahoe */
	EXPECT_EQ(TEACH_SLOW_START, cc.phase);
	/* The rest of the old window keeps arriving as dupacks. */
	EXPECT_EQ(TEACH_EV_DUPACK, teach_cc_on_dupack(&cc));
	EXPECT_EQ(1u, cc.fast_retransmits);
	/* Tahoe never was in fast recovery: nothing to exit. */
	EXPECT_EQ(TEACH_EV_NONE, teach_cc_recovery_exit(&cc));
	round_trip(&cc);
	round_trip(&cc);
	round_trip(&cc);
	EXPECT_EQ(8u, cc.cwnd);
	round_trip(&cc);
	EXPECT_EQ(12u, cc.cwnd);
	EXPECT_EQ(TEACH_CONG_AVOID, cc.phase);
}

TEST(reno_and_tahoe_differ_only_after_the_loss)
{
	struct teach_cc reno, tahoe;
	unsigned int i;

	teach_cc_init(&reno, TEACH_RENO, 1, 65536, MSS);
	teach_cc_init(&tahoe, TEACH_TAHOE, 1, 65536, MSS);
	for (i = 0; i < 7; i++) {
		round_trip(&reno);
		round_trip(&tahoe);
		ASSERT_EQ(reno.cwnd, tahoe.cwnd);
	}
	for (i = 0; i < 3; i++) {
		teach_cc_on_dupack(&reno);
		teach_cc_on_dupack(&tahoe);
	}
	EXPECT_EQ(reno.ssthresh, tahoe.ssthresh);
	EXPECT_EQ(reno.ssthresh, reno.cwnd);
	EXPECT_EQ(1u, tahoe.cwnd);
}

TEST(new_ack_resets_the_dupack_run)
{
	struct teach_cc cc;

	grow_to(&cc, TEACH_RENO, 20);
	teach_cc_on_dupack(&cc);
	teach_cc_on_dupack(&cc);
	ack(&cc, 1);
	EXPECT_EQ(TEACH_EV_DUPACK, teach_cc_on_dupack(&cc));
	EXPECT_EQ(TEACH_EV_DUPACK, teach_cc_on_dupack(&cc));
	EXPECT_EQ(20u, cc.cwnd);
	EXPECT_EQ(TEACH_EV_FAST_RETRANSMIT, teach_cc_on_dupack(&cc));
}

TEST(undo_restores_the_window)
{
	struct teach_cc cc;

	grow_to(&cc, TEACH_TAHOE, 30);
	teach_cc_fast_retransmit(&cc);
	EXPECT_EQ(1u, cc.cwnd);
	EXPECT_EQ(TEACH_EV_UNDO, teach_cc_undo(&cc));
	EXPECT_EQ(30u, cc.cwnd);
	EXPECT_EQ(30u, cc.ssthresh);
	EXPECT_EQ(1u, cc.undos);
	EXPECT_EQ(TEACH_CONG_AVOID, cc.phase);
}

TEST(cwr_cuts_like_reno_without_retransmit)
{
	struct teach_cc cc;

	grow_to(&cc, TEACH_TAHOE, 20);
	EXPECT_EQ(TEACH_EV_CWR, teach_cc_on_cwr(&cc));
	EXPECT_EQ(10u, cc.cwnd);
	EXPECT_EQ(10u, cc.ssthresh);
	EXPECT_EQ(0u, cc.fast_retransmits);
}

TEST(none_never_limits)
{
	struct teach_cc cc;
	unsigned int i;

	teach_cc_init(&cc, TEACH_NONE, 1, 65536, MSS);
	EXPECT_EQ(TEACH_CWND_MAX, cc.cwnd);
	EXPECT_EQ(TEACH_EV_NONE, ack(&cc, 5));
	for (i = 0; i < 2; i++)
		EXPECT_EQ(TEACH_EV_DUPACK, teach_cc_on_dupack(&cc));
	/* The retransmission still happens at the third dupack. */
	EXPECT_EQ(TEACH_EV_FAST_RETRANSMIT, teach_cc_on_dupack(&cc));
	EXPECT_EQ(TEACH_CWND_MAX, cc.cwnd);
	teach_cc_on_timeout(&cc);
	EXPECT_EQ(TEACH_CWND_MAX, cc.cwnd);
}

TEST(window_is_capped)
{
	struct teach_cc cc;
	struct teach_ack a = { .acked = 0xffff, .rwnd = 0 };

	teach_cc_init(&cc, TEACH_RENO, TEACH_CWND_MAX, 0, MSS);
	teach_cc_on_ack(&cc, &a);
	teach_cc_on_ack(&cc, &a);
	EXPECT_EQ(TEACH_CWND_MAX, cc.cwnd);
}

TEST(names_round_trip)
{
	unsigned int r;

	for (r = TEACH_EV_INIT; r < TEACH_NR_REASONS; r++)
		EXPECT_EQ((int)r, teach_reason_from_name(teach_reason_name(r)));
	for (r = 0; r < TEACH_NR_PHASES; r++)
		EXPECT_EQ((int)r, teach_phase_from_name(teach_phase_name(r)));
	EXPECT_EQ(-1, teach_reason_from_name("slow"));
	EXPECT_EQ(-1, teach_phase_from_name(""));
	EXPECT_STREQ("?", teach_reason_name(TEACH_NR_REASONS));
	EXPECT_STREQ("tahoe", teach_algo_name(TEACH_TAHOE));
}

TEST_HARNESS_MAIN
