// SPDX-License-Identifier: GPL-2.0
/*
 * The receiver as a script: a segment arrives, the application reads,
 * and we look at the ACK and the window it would send.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "ttp/receiver.h"

#define IRS 1000u		/* the peer's ISN: data starts at IRS + 1 */

static uint8_t payload[8000];

static struct ttp_stats st;

static int start(struct ttp_receiver *r, uint32_t cap, uint32_t mss)
{
	unsigned int i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 13 + 1);
	memset(&st, 0, sizeof(st));
	if (ttp_receiver_init(r, cap, mss, &st))
		return -1;
	ttp_receiver_start(r, IRS, -1);
	return 0;
}

/* Bytes [off, off + n) of the peer's stream arrive. */
static enum ttp_rcv_fin seg(struct ttp_receiver *r, uint32_t off, uint32_t n,
			    bool fin)
{
	return ttp_receiver_input(r, IRS + 1 + off, payload + off, n, fin,
				  true, 0);
}

/* How many ACK segments are owed now (each sent one clears one). */
static int acks_owed(struct ttp_receiver *r)
{
	int n = 0;

	while (ttp_receiver_ack_owed(r) && n < 100) {
		ttp_receiver_ack_sent(r);
		n++;
	}
	return n;
}

TEST(in_order_data_is_acked_cumulatively)
{
	struct ttp_receiver r;
	uint8_t out[3000];

	ASSERT_EQ(0, start(&r, 65535, 1000));
	EXPECT_EQ(IRS + 1, ttp_receiver_ack(&r));
	seg(&r, 0, 1000, false);
	seg(&r, 1000, 1000, false);
	EXPECT_EQ(IRS + 2001, ttp_receiver_ack(&r));
	EXPECT_EQ(1, acks_owed(&r));		/* one cumulative ACK */
	EXPECT_EQ(2000, ttp_receiver_readable(&r));
	EXPECT_EQ(2000, ttp_receiver_read(&r, out, sizeof(out)));
	EXPECT_EQ(0, memcmp(out, payload, 2000));
	EXPECT_EQ(2000, st.bytes_in);
	ttp_receiver_destroy(&r);
}

/* "sort out segments, which arrived twice", keep the early ones */
TEST(gap_then_fill_reassembles)
{
	struct ttp_receiver r;
	uint8_t out[4000];

	ASSERT_EQ(0, start(&r, 65535, 1000));
	seg(&r, 1000, 1000, false);		/* the 1st is missing */
	seg(&r, 3000, 1000, false);
	seg(&r, 3000, 1000, false);		/* early, twice */
	EXPECT_EQ(IRS + 1, ttp_receiver_ack(&r));
	EXPECT_EQ(3, acks_owed(&r));		/* a duplicate ACK each */
	EXPECT_EQ(0, ttp_receiver_readable(&r));
	EXPECT_EQ(2, st.ooo_segs_in);
	EXPECT_EQ(1, st.dup_segs_in);
	seg(&r, 0, 1000, false);		/* the hole: up to 2000 */
	EXPECT_EQ(IRS + 2001, ttp_receiver_ack(&r));
	EXPECT_EQ(1, acks_owed(&r));		/* at once */
	seg(&r, 2000, 1000, false);		/* and on over the 3rd */
	EXPECT_EQ(IRS + 4001, ttp_receiver_ack(&r));
	seg(&r, 500, 1000, false);		/* old: only an ACK */
	EXPECT_EQ(2, st.dup_segs_in);
	ASSERT_EQ(4000, ttp_receiver_read(&r, out, sizeof(out)));
	EXPECT_EQ(0, memcmp(out, payload, 4000));
	EXPECT_TRUE(ttp_receiver_consistent(&r));
	ttp_receiver_destroy(&r);
}

/* Flow control: a full buffer closes the window; SWS avoidance. */
TEST(window_closes_and_reopens_by_a_quarter_or_an_mss)
{
	struct ttp_receiver r;
	uint8_t out[4000];

	ASSERT_EQ(0, start(&r, 4000, 1000));
	EXPECT_EQ(4000, ttp_receiver_advertise(&r, true));	/* the SYN's */
	EXPECT_EQ(4000, ttp_receiver_advertise(&r, false));
	seg(&r, 0, 4000, false);
	acks_owed(&r);
	EXPECT_EQ(0, ttp_receiver_advertise(&r, false));	/* full */
	seg(&r, 4000, 100, false);		/* beyond the buffer */
	EXPECT_EQ(1, st.out_of_window);
	acks_owed(&r);
	ttp_receiver_read(&r, out, 500);	/* 500 < min(1000, 1000) */
	EXPECT_FALSE(ttp_receiver_ack_owed(&r));
	EXPECT_EQ(0, ttp_receiver_advertise(&r, false));
	ttp_receiver_read(&r, out, 500);	/* 1000 free: worth telling */
	EXPECT_TRUE(ttp_receiver_ack_owed(&r));
	EXPECT_EQ(1, st.window_updates);
	EXPECT_EQ(1000, ttp_receiver_advertise(&r, false));
	ttp_receiver_destroy(&r);
}

/* A zero-window probe (one byte below rcv_nxt, no data) gets an ACK. */
TEST(probe_is_answered)
{
	struct ttp_receiver r;

	ASSERT_EQ(0, start(&r, 1000, 1000));
	seg(&r, 0, 1000, false);
	acks_owed(&r);
	ttp_receiver_input(&r, IRS + 1000, NULL, 0, false, true, 0);
	EXPECT_EQ(1, acks_owed(&r));
	ttp_receiver_destroy(&r);
}

TEST(fin_counts_only_in_order)
{
	struct ttp_receiver r;
	uint8_t out[2000];

	ASSERT_EQ(0, start(&r, 65535, 1000));
	/* the FIN rides on the 2nd segment, which comes first */
	EXPECT_EQ(TTP_RCV_NO_FIN, seg(&r, 1000, 1000, true));
	EXPECT_FALSE(ttp_receiver_fin_rcvd(&r));
	EXPECT_EQ(TTP_RCV_FIN_IN_ORDER, seg(&r, 0, 1000, false));
	EXPECT_EQ(IRS + 2002, ttp_receiver_ack(&r));	/* FIN takes one */
	EXPECT_FALSE(ttp_receiver_eof(&r));	/* data still unread */
	EXPECT_EQ(2000, ttp_receiver_read(&r, out, sizeof(out)));
	EXPECT_TRUE(ttp_receiver_eof(&r));
	acks_owed(&r);
	EXPECT_EQ(TTP_RCV_FIN_AGAIN, seg(&r, 2000, 0, true));
	EXPECT_EQ(1, acks_owed(&r));		/* our ACK was lost: again */
	ttp_receiver_destroy(&r);
}

TEST(data_after_their_fin_is_only_acked)
{
	struct ttp_receiver r;

	ASSERT_EQ(0, start(&r, 65535, 1000));
	EXPECT_EQ(TTP_RCV_NO_FIN,
		  ttp_receiver_input(&r, IRS + 1, payload, 100, false, false,
				     0));
	EXPECT_EQ(0, ttp_receiver_readable(&r));
	EXPECT_EQ(1, acks_owed(&r));
	ttp_receiver_destroy(&r);
}

/* --ack-every 3: one ACK per three segments, a lone one after 40 ms. */
TEST(ack_every_n_segments_or_after_the_delay)
{
	struct ttp_receiver r;
	int i;

	ASSERT_EQ(0, start(&r, 65535, 1000));
	ttp_receiver_delay_acks(&r, 3, 40000);
	for (i = 0; i < 2; i++)
		ttp_receiver_input(&r, IRS + 1 + 1000 * i, payload, 1000,
				   false, true, 1000);
	EXPECT_FALSE(ttp_receiver_ack_owed(&r));	/* two: they wait */
	EXPECT_EQ(1000 + 40000, ttp_receiver_next_timer(&r));
	ttp_receiver_input(&r, IRS + 2001, payload, 1000, false, true, 2000);
	EXPECT_EQ(1, acks_owed(&r));			/* the third */
	EXPECT_EQ(TTP_NEVER, ttp_receiver_next_timer(&r));
	ttp_receiver_input(&r, IRS + 3001, payload, 1000, false, true, 5000);
	EXPECT_FALSE(ttp_receiver_ack_owed(&r));
	ttp_receiver_on_timer(&r, 5000 + 39999);
	EXPECT_FALSE(ttp_receiver_ack_owed(&r));	/* not yet */
	ttp_receiver_on_timer(&r, 5000 + 40000);
	EXPECT_EQ(1, acks_owed(&r));			/* the delayed one */
	EXPECT_EQ(IRS + 4001, ttp_receiver_ack(&r));
	/* a segment past a gap is ACKed at once, whatever N says */
	ttp_receiver_input(&r, IRS + 5001, payload, 1000, false, true, 6000);
	EXPECT_EQ(1, acks_owed(&r));
	ttp_receiver_destroy(&r);
}

TEST(rst_must_be_inside_the_window)
{
	struct ttp_receiver r;

	ASSERT_EQ(0, start(&r, 4000, 1000));
	ttp_receiver_advertise(&r, false);
	EXPECT_TRUE(ttp_receiver_in_window(&r, IRS + 1));
	EXPECT_TRUE(ttp_receiver_in_window(&r, IRS + 4000));
	EXPECT_FALSE(ttp_receiver_in_window(&r, IRS + 4001));
	EXPECT_FALSE(ttp_receiver_in_window(&r, IRS));
	ttp_receiver_destroy(&r);
}

/* Without window scaling the buffer is cut to a 16-bit window. */
TEST(no_window_scaling_cuts_the_buffer)
{
	struct ttp_receiver r;

	memset(&st, 0, sizeof(st));
	ASSERT_EQ(0, ttp_receiver_init(&r, 200000, 1460, &st));
	ttp_receiver_start(&r, IRS, -1);
	EXPECT_EQ(65535, ttp_receiver_cap(&r));
	ttp_receiver_destroy(&r);
	ASSERT_EQ(0, ttp_receiver_init(&r, 200000, 1460, &st));
	ttp_receiver_start(&r, IRS, 2);
	EXPECT_EQ(200000, ttp_receiver_cap(&r));
	EXPECT_EQ(200000 >> 2, ttp_receiver_advertise(&r, false));
	ttp_receiver_destroy(&r);
}

TEST_HARNESS_MAIN
