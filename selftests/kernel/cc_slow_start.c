// SPDX-License-Identifier: GPL-2.0
/*
 * Slow start and congestion avoidance (issue 3, tests 2 and 3; issue 13).
 *
 * A clean path (no loss) with a 100 ms RTT.  The sender starts with
 * cwnd = initial_cwnd = 1 and ssthresh = 65536 bytes in segments of the
 * connection's MSS.  Slow start adds one segment per acknowledged segment
 * but never more than doubles the window of the round trip's start, so the
 * window after k round trips is exactly 2^k whatever each ACK covers: one
 * segment, two (delayed ACKs), or many (stretch ACKs, made by a reader
 * that is busy while segments arrive, and by GRO).  The receiver reads
 * normally.  At ssthresh the growth turns linear: +1 segment per round.
 *
 * Two link setups: every offload off (each segment its own packet), and
 * the offloads at a real NIC's defaults with GRO on at the receiving veth
 * (TSO/GSO at the sender, GRO at the receiver: stretch ACKs).
 *
 * With a small receive window the window stops growing at it
 * ("rwnd_limited"): the slides' "if the congestion window reaches the
 * size of the receive window, it stops growing".  That size is the
 * largest window the peer offered; the rwnd column of an event is the
 * window of that ACK, which may be smaller for a moment.
 *
 * Round trips are read from the event times: the sender sends a window in
 * a burst that takes a few ms, its ACKs come back one RTT (100 ms) later,
 * so events more than 60 ms apart belong to different rounds (a delayed
 * ACK, 40 ms late, still counts for its own round).
 */
#include "kselftest_harness.h"
#include "teach_test.h"

#define PORT		5002
#define DELAY_MS	50		/* each way: RTT 100 ms */
#define GAP_US		60000ULL
#define BYTES		(1024 * 1024)
#define MAX_ROUNDS	256

FIXTURE(ss) {
	struct tt_net net;
	struct tt_events ev;
	int evfd;
};

FIXTURE_VARIANT(ss) {
	const char *algo;
	bool offloads;		/* TSO/GSO at the sender, GRO at the receiver */
};

FIXTURE_VARIANT_ADD(ss, reno) { .algo = "teach_reno" };
FIXTURE_VARIANT_ADD(ss, tahoe) { .algo = "teach_tahoe" };
FIXTURE_VARIANT_ADD(ss, reno_gro) { .algo = "teach_reno", .offloads = true };
FIXTURE_VARIANT_ADD(ss, tahoe_gro) { .algo = "teach_tahoe", .offloads = true };

FIXTURE_SETUP(ss)
{
	unsigned int v;

	self->evfd = -1;
	ASSERT_EQ(0, tt_param_read("initial_cwnd", &v));
	ASSERT_EQ(1, v);
	ASSERT_EQ(0, tt_param_read("initial_ssthresh", &v));
	ASSERT_EQ(65536, v);
	ASSERT_EQ(0, tt_net_up(&self->net, "ttss", DELAY_MS));
	if (variant->offloads)
		ASSERT_EQ(0, tt_offloads_on(&self->net));
	/* Open the stream before connecting, so "init" is in it. */
	self->evfd = tt_events_open(&self->net);
	ASSERT_LE(0, self->evfd);
}

FIXTURE_TEARDOWN(ss)
{
	tt_events_down(&self->net, &self->ev, self->evfd);
}

TEST_F_TIMEOUT(ss, doubling_then_linear, 180)
{
	struct tt_xfer x = { .algo = variant->algo, .bytes = BYTES,
			     .port = PORT, .rcvbuf = 4 << 20 };
	struct tt_events *t = &self->ev;
	size_t start[MAX_ROUNDS], nr, r, i, j, first_ca, end, dups = 0;
	unsigned int ssthresh, want, prev;

	ASSERT_EQ(0, tt_transfer(&self->net, &x));
	TT_ASSERT_OK(tt_events_of(self->evfd, t, x.cookie, 10));

	/* No loss on this path. */
	ASSERT_EQ(0, tt_events_count(t, "fast_retransmit"));
	ASSERT_EQ(0, tt_events_count(t, "timeout"));
	ASSERT_EQ(0, tt_events_count(t, "rwnd_limited"));

	/*
	 * A duplicate ACK on this loss-free path (one segment overtaken by
	 * another on the busy VM, or a window update whose scaled window did
	 * not change) is reported as "dupack" but must not move the window;
	 * fewer than three never start a fast retransmit (checked above).
	 */
	for (i = j = 1; i < t->n; i++) {
		if (!strcmp(t->ev[i].event, "dupack")) {
			ASSERT_EQ(t->ev[j - 1].cwnd, t->ev[i].cwnd);
			ASSERT_EQ(t->ev[j - 1].ssthresh, t->ev[i].ssthresh);
			dups++;
			continue;
		}
		t->ev[j++] = t->ev[i];
	}
	t->n = j;

	/* init: cwnd 1, ssthresh = 65536 bytes in segments. */
	ASSERT_STREQ("init", t->ev[0].event);
	ASSERT_STREQ(variant->algo, t->ev[0].algo);
	ASSERT_EQ(1, t->ev[0].cwnd);
	ASSERT_EQ(1, t->ev[0].snd_cwnd);
	ASSERT_LT(500, t->ev[0].mss);
	ssthresh = 65536 / t->ev[0].mss;
	ASSERT_EQ(ssthresh, t->ev[0].ssthresh);
	ASSERT_STREQ("slow_start", t->ev[0].phase);

	/* Slow start: growth on every event, never past ssthresh. */
	for (i = 1; i < t->n && !strcmp(t->ev[i].event, "slow_start"); i++) {
		prev = t->ev[i - 1].cwnd;
		ASSERT_LT(prev, t->ev[i].cwnd);
		ASSERT_GE(ssthresh, t->ev[i].cwnd);
		ASSERT_EQ(t->ev[i].cwnd, t->ev[i].snd_cwnd);
	}
	first_ca = i;
	ASSERT_EQ(ssthresh, t->ev[first_ca - 1].cwnd);
	ASSERT_STREQ("cong_avoid", t->ev[first_ca - 1].phase);

	/*
	 * Round k of slow start ends with cwnd = 2^k (ssthresh at most),
	 * whatever the ACKs covered: logged per round with the ACK count.
	 */
	nr = tt_rounds(t, 1, first_ca, GAP_US, start, MAX_ROUNDS);
	for (r = 0, want = 2; r < nr; r++, want *= 2) {
		unsigned int from = t->ev[start[r] - 1].cwnd, to;

		end = r + 1 < nr ? start[r + 1] : first_ca;
		to = t->ev[end - 1].cwnd;
		TH_LOG("slow start round %zu: cwnd %u -> %u in %zu ACKs",
		       r + 1, from, to, end - start[r]);
		ASSERT_EQ(want < ssthresh ? want : ssthresh, to);
	}
	/* 1 -> ssthresh by doubling: ceil(log2(ssthresh)) round trips. */
	for (want = 0; (1u << want) < ssthresh; want++)
		;
	ASSERT_EQ(want, nr);

	/* Congestion avoidance: every step is +1 ... */
	end = t->n - 1;
	ASSERT_STREQ("close", t->ev[end].event);
	for (i = first_ca; i < end; i++) {
		ASSERT_STREQ("cong_avoid", t->ev[i].event);
		ASSERT_EQ(t->ev[i - 1].cwnd + 1, t->ev[i].cwnd);
		ASSERT_EQ(ssthresh, t->ev[i].ssthresh);
	}
	/* ... and there is one step per round trip. */
	nr = tt_rounds(t, first_ca, end, GAP_US, start, MAX_ROUNDS);
	TH_LOG("congestion avoidance: %zu steps in %zu rounds, cwnd %u -> %u"
	       " (%zu dupacks, no change)", end - first_ca, nr,
	       t->ev[first_ca - 1].cwnd, t->ev[end - 1].cwnd, dups);
	ASSERT_LT(5, end - first_ca);
	ASSERT_EQ(nr, end - first_ca);
}

TEST_F_TIMEOUT(ss, rwnd_limits_growth, 180)
{
	/* A 16 KB receive buffer: the peer advertises a few segments. */
	struct tt_xfer x = { .algo = variant->algo, .bytes = 256 * 1024,
			     .port = PORT, .rcvbuf = 16384 };
	struct tt_events *t = &self->ev;
	unsigned int max_rwnd = 0;
	size_t i;

	ASSERT_EQ(0, tt_transfer(&self->net, &x));
	tt_msleep(100);
	ASSERT_EQ(0, tt_events_drain(self->evfd, t));
	tt_events_filter(t, x.cookie);
	ASSERT_LT(2, t->n);
	ASSERT_LE(1, tt_events_count(t, "rwnd_limited"));
	for (i = 0; i < t->n; i++) {
		unsigned int rwnd = t->ev[i].rwnd / t->ev[i].mss;

		if (rwnd > max_rwnd)
			max_rwnd = rwnd;
	}
	for (i = 0; i < t->n; i++) {
		const struct tt_event *e = &t->ev[i];

		/* Growth happens only up to the receive window's size. */
		if (!strcmp(e->event, "slow_start") ||
		    !strcmp(e->event, "cong_avoid"))
			ASSERT_GE(max_rwnd, e->cwnd);
		if (!strcmp(e->event, "rwnd_limited"))
			ASSERT_LE(e->rwnd / e->mss, e->cwnd);
	}
	TH_LOG("rwnd at most %u segments, cwnd ended at %u, %zu rwnd_limited",
	       max_rwnd, t->ev[t->n - 1].cwnd,
	       tt_events_count(t, "rwnd_limited"));
	ASSERT_GE(max_rwnd, t->ev[t->n - 1].cwnd);
	ASSERT_GT(t->ev[0].ssthresh, t->ev[t->n - 1].cwnd);
}

/* x->during: the sender's TCP_INFO before any data was acknowledged. */
static void read_info(struct tt_net *n, struct tt_xfer *x, int fd)
{
	socklen_t len = sizeof(struct tcp_info);

	(void)n;
	getsockopt(fd, IPPROTO_TCP, TCP_INFO, x->arg, &len);
}

/*
 * The pacing rate (which sizes TSO bursts and the TSQ budget) is set when
 * the connection is set up, as Linux sets reno's from the SYN-ACK: 2 x
 * mss x cwnd / srtt in slow start.  Left unset, the first flight left in
 * larger bursts than reno's and drew other ACKs.
 */
TEST_F_TIMEOUT(ss, pacing_from_the_handshake, 60)
{
	struct tcp_info ti = { 0 };
	struct tt_xfer x = { .algo = variant->algo, .bytes = 0, .port = PORT,
			     .during = read_info, .arg = &ti };
	double want;

	ASSERT_EQ(0, tt_transfer(&self->net, &x));
	ASSERT_LT(0, ti.tcpi_rtt);
	ASSERT_GE(1ULL, (unsigned long long)ti.tcpi_bytes_acked); /* the SYN */
	want = 2.0 * ti.tcpi_snd_mss * ti.tcpi_snd_cwnd * 1e6 / ti.tcpi_rtt;
	TH_LOG("pacing rate %llu B/s after the handshake (mss %u, cwnd %u, srtt %u us: %.0f expected)",
	       (unsigned long long)ti.tcpi_pacing_rate, ti.tcpi_snd_mss,
	       ti.tcpi_snd_cwnd, ti.tcpi_rtt, want);
	/* ~0 is "unlimited": never set */
	ASSERT_NE(~0ULL, (unsigned long long)ti.tcpi_pacing_rate);
	ASSERT_LE(want * 0.95, (double)ti.tcpi_pacing_rate);
	ASSERT_GE(want * 1.05, (double)ti.tcpi_pacing_rate);
}

TEST_HARNESS_MAIN
