// SPDX-License-Identifier: GPL-2.0
/*
 * Three duplicate ACKs, one dropped segment (issue 3, test 5).
 *
 * nftables drops exactly one data segment on the sender's output.  The
 * segments behind it make the receiver send duplicate ACKs; at the third
 * one the sender retransmits at once (no timeout) and cuts the window:
 *   ssthresh = max(cwnd / 2, 2);
 *   teach_reno:  cwnd = ssthresh (fast recovery), then +1 per RTT;
 *   teach_tahoe: cwnd = 1, slow start up to the new ssthresh, then +1 per RTT.
 * The event stream of the connection must show exactly that.
 *
 * Why recovery began: without SACK, Linux counts duplicate ACKs like the
 * slides.  With SACK, RACK decides: it may mark the segment lost before
 * the third dupack (the first SACK can come on an ACK that also advances
 * snd_una, and RACK's reordering timer may fire with fewer SACKed
 * segments).  The fast_retransmit event's "recovery" column and
 * /proc/net/tcp_teach's say which rule fired; both must agree with the
 * dupacks the stream shows.
 */
#include "kselftest_harness.h"
#include "teach_test.h"

#define PORT		5001
#define BYTES		(1536 * 1024)
#define DROP_NTH	150	/* in congestion avoidance at cwnd ~ 45 */

FIXTURE(fr) {
	struct tt_net net;
	struct tt_events ev;
	int evfd;
};

FIXTURE_VARIANT(fr) {
	const char *algo;
	int sack;
};

/* Without SACK the kernel counts duplicate ACKs exactly as the slides. */
FIXTURE_VARIANT_ADD(fr, reno) { .algo = "teach_reno", .sack = 0 };
FIXTURE_VARIANT_ADD(fr, tahoe) { .algo = "teach_tahoe", .sack = 0 };
/* With SACK (Linux's default) each dupack reports one more segment. */
FIXTURE_VARIANT_ADD(fr, reno_sack) { .algo = "teach_reno", .sack = 1 };
FIXTURE_VARIANT_ADD(fr, tahoe_sack) { .algo = "teach_tahoe", .sack = 1 };

/* x->acked: the sender's /proc line, before the socket closes. */
static void read_recovery(struct tt_net *n, struct tt_xfer *x, int fd)
{
	struct tt_sock_line l;

	(void)fd;
	if (tt_proc_find(n, n->a, x->cookie, &l) == 1)
		snprintf(x->arg, 16, "%s", l.recovery);
}

FIXTURE_SETUP(fr)
{
	self->evfd = -1;
	ASSERT_EQ(0, tt_net_up(&self->net, "ttfr", 15));
	ASSERT_EQ(0, tt_sh("ip netns exec %s sysctl -qw net.ipv4.tcp_sack=%d",
			   self->net.a, variant->sack));
	self->evfd = tt_events_open(&self->net);
	ASSERT_LE(0, self->evfd);
}

FIXTURE_TEARDOWN(fr)
{
	tt_events_down(&self->net, &self->ev, self->evfd);
}

TEST_F_TIMEOUT(fr, one_drop, 180)
{
	char recovery[16] = "";
	struct tt_xfer x = { .algo = variant->algo, .bytes = BYTES,
			     .port = PORT, .rcvbuf = 4 << 20,
			     .acked = read_recovery, .arg = recovery };
	struct tt_events *t = &self->ev;
	unsigned int old, ss, i;
	long fr, ex;
	int dups;

	ASSERT_EQ(0, tt_drop_nth(&self->net, PORT, DROP_NTH));
	ASSERT_EQ(0, tt_transfer(&self->net, &x));
	ASSERT_STREQ(variant->algo, x.algo_set);
	TT_ASSERT_OK(tt_events_of(self->evfd, t, x.cookie, 10));
	/* One loss, repaired by one fast retransmit, no timeout. */
	ASSERT_EQ(1, tt_events_count(t, "fast_retransmit"));
	ASSERT_EQ(0, tt_events_count(t, "timeout"));
	EXPECT_EQ(1, x.info.tcpi_total_retrans);
	EXPECT_EQ(1, tt_nft_count(&self->net, "tt_drop"));
	fr = tt_events_find(t, 0, "fast_retransmit");
	tt_events_print(t, fr > 6 ? fr - 6 : 0, fr + 8);

	/*
	 * It came after (at least) three duplicate ACKs in a row; more only
	 * when several arrived while the sender was busy and were merged.
	 */
	for (dups = 0; fr - 1 - dups >= 0 &&
	     !strcmp(t->ev[fr - 1 - dups].event, "dupack"); dups++)
		;
	TH_LOG("%d dupacks before fast_retransmit; recovery began by: %s (event), %s (/proc)",
	       dups, t->ev[fr].recovery, recovery);
	/* The event names the rule; other events name none. */
	ASSERT_STREQ(recovery, t->ev[fr].recovery);
	for (i = 0; i < t->n; i++)
		if ((long)i != fr)
			ASSERT_STREQ("-", t->ev[i].recovery);
	if (!variant->sack) {
		/* Linux's rule is the slides' rule. */
		ASSERT_STREQ("dupacks", recovery);
		ASSERT_LE(3, dups);
	} else if (!strcmp(recovery, "dupacks")) {
		ASSERT_LE(3, dups);
	} else {
		/* RACK or the SACK scoreboard decided before a third dupack. */
		ASSERT_TRUE(!strcmp(recovery, "rack") ||
			    !strcmp(recovery, "dupthresh"));
		ASSERT_GT(3, dups);
	}

	/* ssthresh = max(cwnd / 2, 2) of the window at the loss. */
	old = t->ev[fr - 1].cwnd;
	ss = old / 2 > 2 ? old / 2 : 2;
	TH_LOG("%s: cwnd %u at the third dupack -> ssthresh %u", variant->algo,
	       old, t->ev[fr].ssthresh);
	ASSERT_LT(20, old);	/* the drop happened in a large window */
	ASSERT_EQ(ss, t->ev[fr].ssthresh);

	if (!strcmp(variant->algo, "teach_reno")) {
		/* Fast recovery: cwnd set directly to the threshold. */
		ASSERT_EQ(ss, t->ev[fr].cwnd);
		ASSERT_STREQ("fast_recovery", t->ev[fr].phase);
		ex = tt_events_find(t, fr, "recovery_exit");
		ASSERT_LT(fr, ex);
		/* From here on only linear growth: +1 per step. */
		for (i = fr + 1; i < t->n; i++) {
			const struct tt_event *e = &t->ev[i];

			ASSERT_STRNE("slow_start", e->event);
			ASSERT_LE(ss, e->cwnd);
			ASSERT_EQ(ss, e->ssthresh);
			if (!strcmp(e->event, "cong_avoid")) {
				ASSERT_EQ(t->ev[i - 1].cwnd + 1, e->cwnd);
			} else {
				ASSERT_EQ(t->ev[i - 1].cwnd, e->cwnd);
			}
		}
		EXPECT_LT(0, tt_events_count(t, "cong_avoid"));
	} else {
		const char *why;

		/* Tahoe: back to one segment and slow start. */
		ASSERT_EQ(1, t->ev[fr].cwnd);
		ASSERT_STREQ("slow_start", t->ev[fr].phase);
		EXPECT_EQ(-1, tt_events_find(t, fr, "recovery_exit"));
		why = tt_check_slow_start_again(t, fr + 1, ss);
		if (why)
			TH_LOG("%s", why);
		ASSERT_TRUE(why == NULL);
	}
	ASSERT_STREQ("close", t->ev[t->n - 1].event);
}

TEST_HARNESS_MAIN
