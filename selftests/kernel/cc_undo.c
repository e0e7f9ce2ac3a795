// SPDX-License-Identifier: GPL-2.0
/*
 * A spurious timeout, undone.
 *
 * In the middle of a transfer (after a fixed number of ACKs) the ACKs
 * stop coming back while every data segment still arrives, until the
 * retransmission timer fires and the sender cuts its window to 1 as for a
 * loss.  When the ACKs return,
 * Linux proves that nothing was lost (F-RTO: the ACKs cover data that was
 * never retransmitted; DSACK: the receiver reports the retransmission as
 * a duplicate) and asks the algorithm to undo the cut: cwnd and ssthresh
 * go back to at least what they were before the timeout.
 */
#include "kselftest_harness.h"
#include "teach_test.h"

#define PORT		5007
#define BYTES		(4 * 1024 * 1024)

FIXTURE(undo) {
	struct tt_net net;
	struct tt_events ev;
	int evfd;
};

FIXTURE_VARIANT(undo) {
	const char *algo;
};

FIXTURE_VARIANT_ADD(undo, reno) { .algo = "teach_reno" };
FIXTURE_VARIANT_ADD(undo, tahoe) { .algo = "teach_tahoe" };

FIXTURE_SETUP(undo)
{
	self->evfd = -1;
	ASSERT_EQ(0, tt_net_up(&self->net, "ttun", 15));
	self->evfd = tt_events_open(&self->net);
	ASSERT_LE(0, self->evfd);
}

FIXTURE_TEARDOWN(undo)
{
	tt_events_down(&self->net, &self->ev, self->evfd);
}

static int ack_hole_rc = -1;

/*
 * The ACK hole is in place before the connection starts, so it opens
 * after a fixed number of ACKs however fast or slow the kernel is: from
 * the ACK_HOLE_AT-th ACK on (congestion avoidance by then) the sender's
 * input drops them.  Starting nft takes seconds on the debug kernel; a
 * hole opened by a timer came after the transfer had ended there.
 */
#define ACK_HOLE_AT	300

static int ack_hole_on(struct tt_net *n)
{
	return tt_sh("ip netns exec %s nft -f - <<'EOF'\n"
		     "table inet tt_ackhole {\n"
		     " chain i {\n"
		     "  type filter hook prerouting priority -300;\n"
		     "  tcp sport %u numgen inc mod 1000000000 >= %u counter drop\n"
		     " }\n"
		     "}\n"
		     "EOF", n->a, PORT, ACK_HOLE_AT);
}

/*
 * The hole closes once the retransmission timer has fired (the sender is
 * in Loss), however long that takes; a slow nft only means more backed-off
 * timeouts, which the undo covers too.
 */
static void ack_hole_off_after_rto(struct tt_net *n, struct tt_xfer *x, int fd)
{
	struct tcp_info info;
	socklen_t len;
	int i;

	(void)x;
	ack_hole_rc = -1;
	for (i = 0; i < 9000; i++) {
		len = sizeof(info);
		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len))
			break;
		if (info.tcpi_ca_state == TCP_CA_Loss) {
			ack_hole_rc = 0;
			break;
		}
		tt_msleep(10);
	}
	if (ack_hole_rc)
		fprintf(stderr, "# no timeout within 90 s of the last write\n");
	if (tt_sh("ip netns exec %s nft delete table inet tt_ackhole", n->a))
		ack_hole_rc = -1;
}

TEST_F_TIMEOUT(undo, lost_acks, 240)
{
	struct tt_xfer x = { .algo = variant->algo, .bytes = BYTES,
			     .port = PORT, .rcvbuf = 4 << 20,
			     .during = ack_hole_off_after_rto };
	struct tt_events *t = &self->ev;
	const struct tt_event *before, *undo;
	long to, un;
	size_t i;

	ASSERT_EQ(0, ack_hole_on(&self->net));
	ASSERT_EQ(0, tt_transfer(&self->net, &x));
	ASSERT_EQ(0, ack_hole_rc);
	ASSERT_STREQ(variant->algo, x.algo_set);
	TT_ASSERT_OK(tt_events_of(self->evfd, t, x.cookie, 10));

	/* Timed out (once, or more with backoff), then one undo. */
	to = tt_events_find(t, 0, "timeout");
	ASSERT_LT(0, to);
	ASSERT_EQ(1, tt_events_count(t, "undo"));
	un = tt_events_find(t, to, "undo");
	ASSERT_LT(to, un);
	ASSERT_EQ(0, tt_events_count(t, "fast_retransmit"));
	tt_events_print(t, to > 2 ? to - 2 : 0, un + 3);

	before = &t->ev[to - 1];
	undo = &t->ev[un];
	TH_LOG("%s: cwnd %u ssthresh %u; timeout: %u/%u; undo: %u/%u",
	       variant->algo, before->cwnd, before->ssthresh, t->ev[to].cwnd,
	       t->ev[to].ssthresh, undo->cwnd, undo->ssthresh);
	ASSERT_LT(20, before->cwnd);	/* a large window was cut */
	ASSERT_EQ(1, t->ev[to].cwnd);
	/* Undo: the window before the cut, or more if it grew since. */
	ASSERT_LE(before->cwnd, undo->cwnd);
	ASSERT_LE(before->ssthresh, undo->ssthresh);
	/* Every timeout up to the undo was part of the same episode. */
	for (i = to; i < (size_t)un; i++)
		ASSERT_STRNE("cong_avoid", t->ev[i].event);
	ASSERT_STREQ("close", t->ev[t->n - 1].event);
}

TEST_HARNESS_MAIN
