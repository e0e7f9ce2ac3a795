// SPDX-License-Identifier: GPL-2.0
/*
 * Congestion signalled without a loss: one ECN Congestion Experienced mark.
 *
 * Both ends negotiate ECN; nftables on the receiver's input sets CE on
 * exactly one data segment, as a congested router would.  The receiver
 * echoes it (ECE), and the sender cuts its window once (Linux's CWR
 * state): ssthresh = max(cwnd / 2, 2), cwnd = ssthresh, then +1 per RTT.
 * Nothing was lost, so nothing is retransmitted, and Tahoe does not go
 * back to slow start either: only a loss resets its window to 1.
 */
#include "kselftest_harness.h"
#include "teach_test.h"

#define PORT		5006
#define BYTES		(1536 * 1024)
#define MARK_NTH	150	/* in congestion avoidance at cwnd ~ 45 */

FIXTURE(cwr) {
	struct tt_net net;
	struct tt_events ev;
	int evfd;
};

FIXTURE_VARIANT(cwr) {
	const char *algo;
};

FIXTURE_VARIANT_ADD(cwr, reno) { .algo = "teach_reno" };
FIXTURE_VARIANT_ADD(cwr, tahoe) { .algo = "teach_tahoe" };

FIXTURE_SETUP(cwr)
{
	self->evfd = -1;
	ASSERT_EQ(0, tt_net_up(&self->net, "ttcw", 15));
	ASSERT_EQ(0, tt_sh("ip netns exec %s sysctl -qw net.ipv4.tcp_ecn=1",
			   self->net.a));
	ASSERT_EQ(0, tt_sh("ip netns exec %s sysctl -qw net.ipv4.tcp_ecn=1",
			   self->net.b));
	/* Linux sends new data as ECT(0); mark the MARK_NTH-th one CE. */
	ASSERT_EQ(0, tt_sh("ip netns exec %s nft -f - <<'EOF'\n"
			   "table inet tt_ce {\n"
			   " chain i {\n"
			   "  type filter hook prerouting priority -300;\n"
			   "  tcp dport %u ip ecn ect0 numgen inc mod 1000000000 == %u ip ecn set ce counter\n"
			   " }\n"
			   "}\n"
			   "EOF", self->net.b, PORT, MARK_NTH));
	self->evfd = tt_events_open(&self->net);
	ASSERT_LE(0, self->evfd);
}

FIXTURE_TEARDOWN(cwr)
{
	tt_events_down(&self->net, &self->ev, self->evfd);
}

TEST_F_TIMEOUT(cwr, one_ce_mark, 180)
{
	struct tt_xfer x = { .algo = variant->algo, .bytes = BYTES,
			     .port = PORT, .rcvbuf = 4 << 20 };
	struct tt_events *t = &self->ev;
	unsigned int old, ss, i;
	long cw;

	ASSERT_EQ(0, tt_transfer(&self->net, &x));
	ASSERT_STREQ(variant->algo, x.algo_set);
	/* ECN was negotiated, or no mark could ever reach the sender. */
	ASSERT_TRUE(x.info.tcpi_options & TCPI_OPT_ECN);
	TT_ASSERT_OK(tt_events_of(self->evfd, t, x.cookie, 10));

	/* One mark, one cut; no loss, so no loss reaction. */
	ASSERT_EQ(1, tt_nft_count(&self->net, "tt_ce"));
	ASSERT_EQ(1, tt_events_count(t, "cwr"));
	ASSERT_EQ(0, tt_events_count(t, "fast_retransmit"));
	ASSERT_EQ(0, tt_events_count(t, "timeout"));
	EXPECT_EQ(0, x.info.tcpi_total_retrans);

	cw = tt_events_find(t, 0, "cwr");
	ASSERT_LT(0, cw);
	tt_events_print(t, cw > 4 ? cw - 4 : 0, cw + 6);
	old = t->ev[cw - 1].cwnd;
	ss = old / 2 > 2 ? old / 2 : 2;
	TH_LOG("%s: cwnd %u at the echo -> ssthresh %u, cwnd %u", variant->algo,
	       old, t->ev[cw].ssthresh, t->ev[cw].cwnd);
	ASSERT_LT(20, old);	/* the mark came in a large window */
	ASSERT_EQ(ss, t->ev[cw].ssthresh);
	ASSERT_EQ(ss, t->ev[cw].cwnd);
	ASSERT_STREQ("cong_avoid", t->ev[cw].phase);

	/* From here on only linear growth, Tahoe included. */
	for (i = cw + 1; i < t->n; i++) {
		const struct tt_event *e = &t->ev[i];

		ASSERT_STRNE("slow_start", e->event);
		ASSERT_STREQ("cong_avoid", e->phase);
		ASSERT_EQ(ss, e->ssthresh);
		if (!strcmp(e->event, "cong_avoid")) {
			ASSERT_EQ(t->ev[i - 1].cwnd + 1, e->cwnd);
		} else {
			ASSERT_EQ(t->ev[i - 1].cwnd, e->cwnd);
		}
	}
	EXPECT_LT(0, tt_events_count(t, "cong_avoid"));
	ASSERT_STREQ("close", t->ev[t->n - 1].event);
}

TEST_HARNESS_MAIN
