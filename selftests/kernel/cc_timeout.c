// SPDX-License-Identifier: GPL-2.0
/*
 * Timeout (issue 3, test 4).
 *
 * In the middle of a transfer the path drops everything for 100 ms: no
 * ACK comes back, no duplicate ACK either, so only the retransmission
 * timer (>= 200 ms) can repair it.  Tail loss probes are off, or a probe
 * sent after the hole would turn this into a fast retransmit.  Every timeout must set
 *   ssthresh = max(cwnd / 2, 2), cwnd = 1, phase slow_start,
 * and afterwards the window slow-starts up to ssthresh, then grows by one
 * per round trip.
 */
#include "kselftest_harness.h"
#include "teach_test.h"

#define PORT		5004
#define BYTES		(3 * 1024 * 1024)

FIXTURE(to) {
	struct tt_net net;
	struct tt_events ev;
	int evfd;
};

FIXTURE_VARIANT(to) {
	const char *algo;
};

FIXTURE_VARIANT_ADD(to, reno) { .algo = "teach_reno" };
FIXTURE_VARIANT_ADD(to, tahoe) { .algo = "teach_tahoe" };

FIXTURE_SETUP(to)
{
	self->evfd = -1;
	/*
	 * All the delay on the data path, none on the ACK path: with vb down
	 * every data segment in flight or sent is lost, while every ACK of
	 * what arrived before is already back (with ACKs lost too, the RTO
	 * would be partly spurious and Linux would undo it).
	 */
	ASSERT_EQ(0, tt_net_up(&self->net, "ttto", 0));
	ASSERT_EQ(0, tt_sh("tc -n %s qdisc add dev va root netem delay 30ms limit 10000",
			   self->net.a));
	ASSERT_EQ(0, tt_sh("ip netns exec %s sysctl -qw net.ipv4.tcp_early_retrans=0",
			   self->net.a));
	/*
	 * The slides' timeout is never taken back.  Linux proves an RTO
	 * spurious with F-RTO, Eifel (timestamps) or DSACK and undoes it;
	 * under a loaded TCG host the blackhole's timing makes that happen
	 * often, so those detectors are off in both namespaces.
	 */
	ASSERT_EQ(0, tt_sh("for ns in %s %s; do ip netns exec $ns sysctl -qw net.ipv4.tcp_frto=0 net.ipv4.tcp_timestamps=0 net.ipv4.tcp_dsack=0 || exit 1; done",
			   self->net.a, self->net.b));
	self->evfd = tt_events_open(&self->net);
	ASSERT_LE(0, self->evfd);
}

FIXTURE_TEARDOWN(to)
{
	tt_events_down(&self->net, &self->ev, self->evfd);
}

static int hole_rc = -1;

/*
 * The data is queued; the connection is in congestion avoidance by now.
 * The receiver's link goes down for 100 ms, and the connection is silent
 * until the RTO (at least 200 ms).
 */
static void blackhole(struct tt_net *n, struct tt_xfer *x, int fd)
{
	(void)x;
	(void)fd;
	tt_msleep(500);
	hole_rc = tt_link_set(n, n->b, "vb", 0);
	tt_msleep(100);
	if (tt_link_set(n, n->b, "vb", 1))
		hole_rc = -1;
}

TEST_F_TIMEOUT(to, blackhole, 180)
{
	struct tt_xfer x = { .algo = variant->algo, .bytes = BYTES,
			     .port = PORT, .rcvbuf = 4 << 20,
			     .during = blackhole };
	struct tt_events *t = &self->ev;
	long first, last, i = 0;
	unsigned int ss, prev;
	const char *why;
	int attempt;

	/*
	 * When the blackhole ends just as the RTO fires, Linux may prove the
	 * timeout spurious (F-RTO) and undo it, after which the rest of the
	 * window can trigger a fast retransmit: correct, but not the slides'
	 * timeout story.  So is a run where a segment was lost before the
	 * blackhole (seen on a loaded host).  Such a run (rare with the
	 * detectors off, see the fixture) is repeated, at most 5 times; the
	 * run that is checked below is held to every rule.
	 */
	for (attempt = 1; attempt <= 5; attempt++) {
		ASSERT_EQ(0, tt_transfer(&self->net, &x));
		ASSERT_EQ(0, hole_rc);
		tt_msleep(100);
		ASSERT_EQ(0, tt_events_drain(self->evfd, t));
		ASSERT_EQ(0, t->dropped);
		tt_events_filter(t, x.cookie);
		if (!tt_events_count(t, "undo") &&
		    !tt_events_count(t, "fast_retransmit"))
			break;
		TH_LOG("run %d: a loss outside the blackhole or an undo; again",
		       attempt);
		if (attempt < 5)
			t->n = 0;
	}
	ASSERT_EQ(0, tt_events_count(t, "undo"));
	if (getenv("TT_DEBUG"))
		tt_events_print(t, 0, t->n);

	first = tt_events_find(t, 0, "timeout");
	ASSERT_LT(0, first);
	tt_events_print(t, first - 2, first + 6);
	ASSERT_EQ(0, tt_events_count(t, "fast_retransmit"));
	ASSERT_LE(1, x.info.tcpi_total_retrans);

	/*
	 * Each timeout: ssthresh = max(cwnd / 2, 2), cwnd = 1, slow start.
	 * One that follows a timeout with no ACK between (no event between:
	 * an ACK at cwnd 1 grows it) holds ssthresh instead, as RFC 5681
	 * does; a loaded host sometimes delays the retransmission that much.
	 */
	for (last = first; last >= 0; last = tt_events_find(t, last + 1, "timeout")) {
		prev = t->ev[last - 1].cwnd;
		ss = prev / 2 > 2 ? prev / 2 : 2;
		if (last > first && !strcmp(t->ev[last - 1].event, "timeout"))
			ss = t->ev[last - 1].ssthresh;
		TH_LOG("timeout: cwnd %u -> 1, ssthresh %u", prev,
		       t->ev[last].ssthresh);
		ASSERT_EQ(ss, t->ev[last].ssthresh);
		ASSERT_EQ(1, t->ev[last].cwnd);
		ASSERT_STREQ("slow_start", t->ev[last].phase);
		i = last;
	}
	last = i;
	/* The first one hit a large window (congestion avoidance). */
	ASSERT_LT(20, t->ev[first - 1].cwnd);
	ss = t->ev[last].ssthresh;

	/* Then slow start up to ssthresh, then +1 per step. */
	why = tt_check_slow_start_again(t, last + 1, ss);
	if (why)
		TH_LOG("%s", why);
	ASSERT_TRUE(why == NULL);
}

TEST_HARNESS_MAIN
