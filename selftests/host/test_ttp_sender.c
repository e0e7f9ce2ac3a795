// SPDX-License-Identifier: GPL-2.0
/*
 * The sender as a script: the application writes, ACKs arrive, time
 * passes, and we look at the segment it picks next.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "ttp/sender.h"

#define ISS 100u		/* data starts at ISS + 1 */
#define PEER 7000u		/* the peer's sequence numbers */
#define MSS 1000u

static struct ttp_stats st;
static uint8_t data[20000];

/* A sender past the handshake: MSS 1000, a 64 kB window. */
static int open_sender(struct ttp_sender *s, unsigned int initial_cwnd,
		       enum teach_algo algo, enum ttp_mode mode)
{
	struct ttp_sender_cfg c = {
		.algo = algo, .mode = mode, .sndbuf = sizeof(data),
		.mss = MSS, .initial_cwnd = initial_cwnd,
		.ssthresh_bytes = 65536, .rto_initial_us = 1000000,
		.rto_min_us = 200000, .rto_max_us = 60000000,
		.max_retries = 3,
	};
	struct ttp_tx tx;

	memset(&st, 0, sizeof(st));
	if (ttp_sender_init(s, &c, &st))
		return -1;
	ttp_sender_start(s, ISS);
	if (!ttp_sender_next(s, 0, &tx) || tx.flags != TTP_SYN ||
	    tx.seq != ISS)
		return -1;
	ttp_sender_set_peer(s, MSS, -1);
	ttp_sender_set_window(s, 65535, PEER, ISS + 1);
	ttp_sender_syn_acked(s, 0);
	ttp_sender_established(s, 0);
	return 0;
}

/* An ACK up to byte @off of our data (window 65535). */
static enum ttp_ack_kind ack(struct ttp_sender *s, uint32_t off,
			     uint64_t now)
{
	return ttp_sender_ack(s, PEER, ISS + 1 + off, 65535, true, now);
}

/* The next segment: its offset in our data (-1: nothing to send). */
static long next_off(struct ttp_sender *s, uint64_t now, struct ttp_tx *tx)
{
	if (!ttp_sender_next(s, now, tx))
		return -1;
	return (long)(tx->seq - (ISS + 1));
}

TEST(window_of_cwnd_segments_slides_with_acks)
{
	struct ttp_sender s;
	struct ttp_tx tx;

	ASSERT_EQ(0, open_sender(&s, 2, TEACH_RENO, TTP_MODE_GBN));
	EXPECT_EQ(5000, ttp_sender_write(&s, data, 5000));
	EXPECT_EQ(0, next_off(&s, 0, &tx));
	EXPECT_EQ(MSS, tx.len);
	EXPECT_EQ(1000, next_off(&s, 0, &tx));
	EXPECT_EQ(-1, next_off(&s, 0, &tx));	/* cwnd 2: full */
	EXPECT_EQ(TTP_ACK_NEW, ack(&s, 1000, 100000));
	EXPECT_EQ(3, ttp_sender_window(&s));	/* slow start: +1 */
	EXPECT_EQ(2000, next_off(&s, 100000, &tx));
	EXPECT_EQ(3000, next_off(&s, 100000, &tx));
	EXPECT_EQ(-1, next_off(&s, 100000, &tx));
	EXPECT_EQ(TTP_ACK_OLD, ack(&s, 500, 100000));	/* behind snd_una */
	EXPECT_EQ(TTP_ACK_UNSENT, ack(&s, 4500, 100000));
	ttp_sender_destroy(&s);
}

/* Silly window avoidance: a short tail waits while data is in flight. */
TEST(short_tail_waits_unless_it_ends_the_data)
{
	struct ttp_sender s;
	struct ttp_tx tx;

	ASSERT_EQ(0, open_sender(&s, 10, TEACH_RENO, TTP_MODE_GBN));
	ttp_sender_write(&s, data, 2500);
	EXPECT_EQ(0, next_off(&s, 0, &tx));
	EXPECT_EQ(1000, next_off(&s, 0, &tx));
	EXPECT_EQ(-1, next_off(&s, 0, &tx));	/* 500 bytes: wait */
	ttp_sender_close(&s);			/* now they end the data */
	EXPECT_EQ(2000, next_off(&s, 0, &tx));
	EXPECT_EQ(500, tx.len);
	EXPECT_EQ(TTP_PSH, tx.flags);
	EXPECT_EQ(2500, next_off(&s, 0, &tx));
	EXPECT_EQ(TTP_FIN, tx.flags);
	EXPECT_FALSE(ttp_sender_fin_acked(&s));
	ack(&s, 2501, 1000);			/* the FIN too */
	EXPECT_TRUE(ttp_sender_fin_acked(&s));
	EXPECT_EQ(0, ttp_sender_space(&s));	/* closed: no more data */
	ttp_sender_destroy(&s);
}

TEST(timeout_goes_back_n_with_doubled_rto)
{
	struct ttp_sender s;
	struct ttp_tx tx;
	uint64_t t;

	ASSERT_EQ(0, open_sender(&s, 4, TEACH_RENO, TTP_MODE_GBN));
	ttp_sender_write(&s, data, 8000);
	while (next_off(&s, 0, &tx) >= 0)
		;
	t = ttp_sender_next_timer(&s);
	/* the scripted handshake took no time: the RTO is at its minimum */
	EXPECT_EQ(200000, t);
	EXPECT_EQ(TTP_TIMER_OK, ttp_sender_on_timer(&s, t));
	EXPECT_EQ(1, ttp_sender_cc(&s)->cwnd);
	EXPECT_EQ(0, next_off(&s, t, &tx));	/* from the first unacked */
	EXPECT_EQ(-1, next_off(&s, t, &tx));
	EXPECT_EQ(t + 400000, ttp_sender_next_timer(&s));	/* doubled */
	EXPECT_EQ(1, st.timeouts);
	EXPECT_EQ(1, st.retransmits);
	ttp_sender_destroy(&s);
}

TEST(gives_up_after_max_retries)
{
	struct ttp_sender s;
	struct ttp_tx tx;
	int i;

	ASSERT_EQ(0, open_sender(&s, 1, TEACH_RENO, TTP_MODE_GBN));
	ttp_sender_write(&s, data, 100);
	next_off(&s, 0, &tx);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(TTP_TIMER_OK,
			  ttp_sender_on_timer(&s, ttp_sender_next_timer(&s)));
		next_off(&s, 0, &tx);
	}
	EXPECT_EQ(TTP_TIMER_GIVE_UP,
		  ttp_sender_on_timer(&s, ttp_sender_next_timer(&s)));
	ttp_sender_destroy(&s);
}

/* Three duplicate ACKs: the missing segment at once, not after the RTO. */
TEST(fast_retransmit_on_the_third_duplicate)
{
	struct ttp_sender s;
	struct ttp_tx tx;
	int i;

	ASSERT_EQ(0, open_sender(&s, 8, TEACH_RENO, TTP_MODE_GBN));
	ttp_sender_write(&s, data, 8000);
	for (i = 0; i < 8; i++)
		EXPECT_EQ(1000 * i, next_off(&s, 0, &tx));
	ack(&s, 1000, 1000);			/* the 2nd is lost */
	next_off(&s, 1000, &tx);		/* the window slid: one more */
	ack(&s, 1000, 1000);
	ack(&s, 1000, 1000);
	EXPECT_EQ(-1, next_off(&s, 1000, &tx));	/* two: wait */
	ack(&s, 1000, 1000);
	EXPECT_EQ(1000, next_off(&s, 1000, &tx));	/* the third */
	EXPECT_EQ(1, st.fast_retransmits);
	EXPECT_EQ(3, st.dupacks_in);
	EXPECT_EQ(TEACH_FAST_RECOVERY, ttp_sender_cc(&s)->phase);
	EXPECT_EQ(0, st.timeouts);
	ttp_sender_destroy(&s);
}

/* A window update is not a duplicate ACK. */
TEST(window_update_is_no_duplicate)
{
	struct ttp_sender s;
	struct ttp_tx tx;

	ASSERT_EQ(0, open_sender(&s, 4, TEACH_RENO, TTP_MODE_GBN));
	ttp_sender_write(&s, data, 4000);
	next_off(&s, 0, &tx);
	ttp_sender_ack(&s, PEER, ISS + 1, 30000, true, 0);
	ttp_sender_ack(&s, PEER, ISS + 1, 20000, true, 0);
	ttp_sender_ack(&s, PEER, ISS + 1, 10000, true, 0);
	EXPECT_EQ(0, st.dupacks_in);
	ttp_sender_destroy(&s);
}

/* "If the receive window has no free capacity, the sender is blocked" */
TEST(zero_window_is_probed_with_backoff)
{
	struct ttp_sender s;
	struct ttp_tx tx;
	uint64_t t1, t2;

	ASSERT_EQ(0, open_sender(&s, 4, TEACH_RENO, TTP_MODE_GBN));
	ttp_sender_write(&s, data, 3000);
	next_off(&s, 0, &tx);
	ttp_sender_ack(&s, PEER, ISS + 1 + 1000, 0, true, 0);	/* closed */
	EXPECT_EQ(-1, next_off(&s, 0, &tx));
	ttp_sender_idle(&s, 0);
	t1 = ttp_sender_next_timer(&s);
	ASSERT_NE(TTP_NEVER, t1);
	EXPECT_EQ(TTP_TIMER_OK, ttp_sender_on_timer(&s, t1));
	EXPECT_EQ(999, next_off(&s, t1, &tx));	/* one below snd_una */
	EXPECT_EQ(0, tx.len);
	EXPECT_EQ(1, st.probes);
	ttp_sender_idle(&s, t1);
	t2 = ttp_sender_next_timer(&s);
	EXPECT_EQ(200000, t1);			/* one RTO */
	EXPECT_EQ(t1 + 2 * 200000, t2);		/* then backed off */
	ttp_sender_ack(&s, PEER, ISS + 1 + 1000, 4000, true, t1 + 1000);
	EXPECT_EQ(1000, next_off(&s, t1 + 1000, &tx));	/* open again */
	ttp_sender_idle(&s, t1 + 1000);
	/* no more probes: the retransmission timer runs instead */
	EXPECT_EQ(t1 + 1000 + 200000, ttp_sender_next_timer(&s));
	ttp_sender_destroy(&s);
}

/*
 * A window the peer keeps shut for long: every probe it answers keeps
 * the connection (max_retries 3 here); only unanswered probes end it.
 */
TEST(zero_window_answered_is_probed_forever)
{
	struct ttp_sender s;
	struct ttp_tx tx;
	uint64_t t = 0;
	int i;

	ASSERT_EQ(0, open_sender(&s, 4, TEACH_RENO, TTP_MODE_GBN));
	ttp_sender_write(&s, data, 3000);
	next_off(&s, 0, &tx);
	ttp_sender_ack(&s, PEER, ISS + 1 + 1000, 0, true, 0);	/* closed */
	for (i = 0; i < 10; i++) {
		ttp_sender_idle(&s, t);
		t = ttp_sender_next_timer(&s);
		ASSERT_EQ(TTP_TIMER_OK, ttp_sender_on_timer(&s, t));
		EXPECT_EQ(999, next_off(&s, t, &tx));	/* the probe */
		/* answered: still shut */
		ttp_sender_ack(&s, PEER, ISS + 1 + 1000, 0, true, t + 1000);
	}
	EXPECT_EQ(10, st.probes);
	/* now nobody answers: give up after max_retries more */
	for (i = 0; i < 3; i++) {
		ttp_sender_idle(&s, t);
		t = ttp_sender_next_timer(&s);
		ASSERT_EQ(TTP_TIMER_OK, ttp_sender_on_timer(&s, t));
		next_off(&s, t, &tx);
	}
	ttp_sender_idle(&s, t);
	t = ttp_sender_next_timer(&s);
	EXPECT_EQ(TTP_TIMER_GIVE_UP, ttp_sender_on_timer(&s, t));
	ttp_sender_destroy(&s);
}

TEST(stop_and_wait_keeps_one_segment_in_flight)
{
	struct ttp_sender s;
	struct ttp_tx tx;

	ASSERT_EQ(0, open_sender(&s, 10, TEACH_RENO, TTP_MODE_SAW));
	ttp_sender_write(&s, data, 3000);
	EXPECT_EQ(0, next_off(&s, 0, &tx));
	EXPECT_EQ(-1, next_off(&s, 0, &tx));
	EXPECT_EQ(1, ttp_sender_window(&s));
	ack(&s, 1000, 1000);
	EXPECT_EQ(1000, next_off(&s, 1000, &tx));
	EXPECT_EQ(-1, next_off(&s, 1000, &tx));
	ttp_sender_destroy(&s);
}

/* Before the handshake only the SYN goes out, again after a timeout. */
TEST(syn_is_resent_on_timeout)
{
	struct ttp_sender_cfg c = {
		.algo = TEACH_RENO, .sndbuf = 4000, .mss = MSS,
		.initial_cwnd = 1, .rto_initial_us = 1000000,
		.rto_min_us = 200000, .rto_max_us = 60000000,
		.max_retries = 3,
	};
	struct ttp_sender s;
	struct ttp_tx tx;

	ASSERT_EQ(0, ttp_sender_init(&s, &c, &st));
	ttp_sender_start(&s, ISS);
	ttp_sender_write(&s, data, 100);
	ASSERT_TRUE(ttp_sender_next(&s, 0, &tx));
	EXPECT_EQ(TTP_SYN, tx.flags);
	EXPECT_FALSE(ttp_sender_next(&s, 0, &tx));	/* no data yet */
	ttp_sender_on_timer(&s, 1000000);
	ASSERT_TRUE(ttp_sender_next(&s, 1000000, &tx));
	EXPECT_EQ(TTP_SYN, tx.flags);
	EXPECT_EQ(ISS, tx.seq);
	ttp_sender_destroy(&s);
}

TEST_HARNESS_MAIN
