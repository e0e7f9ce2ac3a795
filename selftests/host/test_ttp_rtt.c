// SPDX-License-Identifier: GPL-2.0
/* The RTT estimator and retransmission timeout of RFC 6298. */
#include "kselftest_harness.h"
#include "ttp/rtt.h"

TEST(first_and_later_samples)
{
	struct ttp_rtt r;

	ttp_rtt_init(&r, 1000000, 200000, 60000000);
	EXPECT_EQ(1000000, ttp_rtt_timeout(&r, 0));	/* before a sample */
	ttp_rtt_sample(&r, 100000);
	EXPECT_EQ(100000, ttp_rtt_srtt(&r));		/* R */
	EXPECT_EQ(50000, ttp_rtt_rttvar(&r));		/* R / 2 */
	EXPECT_EQ(300000, ttp_rtt_rto(&r));		/* SRTT + 4 RTTVAR */
	ttp_rtt_sample(&r, 300000);
	/* RTTVAR = 3/4 50000 + 1/4 |100000 - 300000| = 87500 */
	EXPECT_EQ(87500, ttp_rtt_rttvar(&r));
	/* SRTT = 7/8 100000 + 1/8 300000 = 125000 */
	EXPECT_EQ(125000, ttp_rtt_srtt(&r));
	EXPECT_EQ(125000 + 4 * 87500, ttp_rtt_rto(&r));
}

TEST(rto_is_clamped_to_min_and_max)
{
	struct ttp_rtt r;

	ttp_rtt_init(&r, 1000000, 200000, 2000000);
	ttp_rtt_sample(&r, 1000);		/* 1 ms: RTO 3 ms < min */
	EXPECT_EQ(200000, ttp_rtt_rto(&r));
	ttp_rtt_init(&r, 1000000, 200000, 2000000);
	ttp_rtt_sample(&r, 5000000);		/* 5 s: RTO 15 s > max */
	EXPECT_EQ(2000000, ttp_rtt_rto(&r));
}

TEST(backoff_doubles_up_to_the_max)
{
	struct ttp_rtt r;

	ttp_rtt_init(&r, 300000, 200000, 1000000);
	ttp_rtt_backoff(&r);
	EXPECT_EQ(600000, ttp_rtt_timeout(&r, 0));
	ttp_rtt_backoff(&r);
	EXPECT_EQ(1000000, ttp_rtt_timeout(&r, 0));	/* 1.2 s > max */
	EXPECT_EQ(1000000, ttp_rtt_timeout(&r, 40));	/* no overflow */
	EXPECT_EQ(300000, ttp_rtt_rto(&r));		/* the base stays */
	ttp_rtt_reset_backoff(&r);
	EXPECT_EQ(300000, ttp_rtt_timeout(&r, 0));
	EXPECT_EQ(600000, ttp_rtt_timeout(&r, 1));	/* persist: one more */
}

/* One segment timed at a time; a retransmitted one gives no sample. */
TEST(karn_times_one_segment_and_no_retransmission)
{
	struct ttp_rtt r;

	ttp_rtt_init(&r, 1000000, 1, 60000000);
	ttp_rtt_start(&r, 1100, 0);		/* segment ending at 1100 */
	ttp_rtt_start(&r, 2100, 50000);		/* ignored: one at a time */
	ttp_rtt_ack(&r, 1000, 70000);		/* does not cover it */
	EXPECT_FALSE(ttp_rtt_has_sample(&r));
	ttp_rtt_ack(&r, 2100, 80000);		/* covers 1100: 80 ms */
	EXPECT_EQ(80000, ttp_rtt_srtt(&r));
	ttp_rtt_start(&r, 3100, 100000);
	ttp_rtt_stop(&r);			/* it was retransmitted */
	ttp_rtt_ack(&r, 3100, 900000);
	EXPECT_EQ(80000, ttp_rtt_srtt(&r));	/* no 800 ms sample */
	ttp_rtt_start(&r, 4100, 1000000);	/* sequence numbers wrap */
	ttp_rtt_ack(&r, 4100, 1080000);
	EXPECT_EQ(80000, ttp_rtt_srtt(&r));
	ttp_rtt_start(&r, 0xfffffff0u, 2000000);
	ttp_rtt_ack(&r, 0x10, 2080000);		/* past the wrap: covered */
	EXPECT_FALSE(ttp_rtt_timing(&r));
}

TEST_HARNESS_MAIN
