// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcp_teach (issue 3, test 6).
 *
 * While a connection is idle with all its data acknowledged, its line in
 * /proc/net/tcp_teach must agree with TCP_INFO of the same socket: the
 * kernel's snd_cwnd, ssthresh, mss, the peer's window, srtt, ca_state.
 * IPv6 sockets are listed like IPv4 ones; a socket is listed only in its
 * own network namespace.
 */
#include "kselftest_harness.h"
#include "teach_test.h"

#define PORT	5003

FIXTURE(proc) {
	struct tt_net net;
};

FIXTURE_VARIANT(proc) {
	const char *algo;
	int family;
	const char *local, *remote;	/* expected address prefixes */
};

FIXTURE_VARIANT_ADD(proc, ipv4_reno) {
	.algo = "teach_reno", .family = AF_INET,
	.local = TT_V4_A ":", .remote = TT_V4_B ":5003",
};

FIXTURE_VARIANT_ADD(proc, ipv6_tahoe) {
	.algo = "teach_tahoe", .family = AF_INET6,
	.local = "[" TT_V6_A "]:", .remote = "[" TT_V6_B "]:5003",
};

FIXTURE_SETUP(proc)
{
	ASSERT_EQ(0, tt_net_up(&self->net, "ttpr", 10));
}

FIXTURE_TEARDOWN(proc)
{
	tt_net_down(&self->net);
}

static const char *ca_state_name(unsigned int s)
{
	static const char *const names[] = {
		"open", "disorder", "cwr", "recovery", "loss",
	};

	return s < 5 ? names[s] : "?";
}

/* What the callback needs (each test runs in its own process). */
static struct __test_metadata *cur_metadata;
static const FIXTURE_VARIANT(proc) *cur_variant;
static int checked;

/* Runs with every byte acknowledged and the connection idle. */
static void check_line(struct tt_net *n, struct tt_xfer *x, int fd)
{
	struct __test_metadata *_metadata = cur_metadata;
	struct tt_sock_line l, other;
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	ASSERT_EQ(0, getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len));
	ASSERT_EQ(1, tt_proc_find(n, n->a, x->cookie, &l));

	TH_LOG("%s %s %llu %s %s %s cwnd %u snd_cwnd %u ssthresh %u mss %u rwnd %u wnd %llu srtt %u",
	       l.local, l.remote, l.cookie, l.algo, l.phase, l.ca_state,
	       l.cwnd, l.snd_cwnd, l.ssthresh, l.mss, l.rwnd, l.wnd,
	       l.srtt_us);
	ASSERT_STREQ(x->algo, l.algo);
	ASSERT_EQ(ti.tcpi_snd_cwnd, l.snd_cwnd);
	/* No loss, no recovery: the kernel uses the textbook window. */
	ASSERT_EQ(l.cwnd, l.snd_cwnd);
	ASSERT_EQ(ti.tcpi_snd_ssthresh, l.ssthresh);
	ASSERT_EQ(ti.tcpi_snd_mss, l.mss);
	ASSERT_EQ(ti.tcpi_snd_wnd, l.rwnd);
	ASSERT_EQ(ti.tcpi_rtt, l.srtt_us);
	ASSERT_STREQ(ca_state_name(ti.tcpi_ca_state), l.ca_state);
	ASSERT_EQ(0, l.inflight);
	ASSERT_EQ((unsigned long long)l.cwnd * l.mss < l.rwnd ?
		  (unsigned long long)l.cwnd * l.mss : l.rwnd, l.wnd);
	ASSERT_EQ(0, strncmp(l.local, cur_variant->local,
			     strlen(cur_variant->local)));
	ASSERT_STREQ(cur_variant->remote, l.remote);
	/* Counters: ACKs came, the window grew, nothing was lost. */
	ASSERT_LT(0, l.acks);
	ASSERT_EQ(l.cwnd - 1, l.ss_incr + l.ca_incr);
	ASSERT_EQ(0, l.fast_retransmits);
	ASSERT_EQ(0, l.timeouts);

	/* Other namespaces do not see it. */
	ASSERT_EQ(0, tt_proc_find(n, n->b, x->cookie, &other));
	ASSERT_EQ(0, tt_proc_find(n, NULL, x->cookie, &other));
	checked = 1;
}

TEST_F_TIMEOUT(proc, matches_tcp_info, 120)
{
	struct tt_xfer x = { .algo = variant->algo, .family = variant->family,
			     .bytes = 256 * 1024, .port = PORT,
			     .acked = check_line };
	struct tt_sock_line l;

	cur_metadata = _metadata;
	cur_variant = variant;
	ASSERT_EQ(0, tt_transfer(&self->net, &x));
	ASSERT_EQ(1, checked);
	/* Closed sockets leave the list. */
	ASSERT_EQ(0, tt_proc_find(&self->net, self->net.a, x.cookie, &l));
}

TEST_HARNESS_MAIN
