// SPDX-License-Identifier: GPL-2.0
/*
 * `tcpteach trace --tracepoint` without a kernel: trace_pipe lines in the
 * print formats of tcp:tcp_probe (5.10 without family=, 6.1 and later
 * with it) and tcp:tcp_cong_state_set, parsed and turned into CSV rows
 * whose reasons come only from what the lines show.
 */
#include "kselftest_harness.h"
#include "cli_test.h"

#include "cli/cli_trace_tp.h"
#include "teach_cc.h"

#define SRC "src=10.0.0.1:40000 dest=10.0.0.2:5001 mark=0x0 data_len=0 snd_nxt=0x10 snd_una=0x10"

/* A tcp_probe line as 6.1's trace_pipe prints it. */
static void probe(char *buf, size_t len, const char *t, unsigned int cwnd,
		  const char *ssthresh)
{
	snprintf(buf, len,
		 "  python3-123 [001] ..s1.  %s: tcp_probe: family=AF_INET " SRC
		 " snd_cwnd=%u ssthresh=%s snd_wnd=64128 srtt=20500 rcv_wnd=65160 sock_cookie=2a",
		 t, cwnd, ssthresh);
}

static void state(char *buf, size_t len, const char *t, int ca)
{
	snprintf(buf, len,
		 "  <idle>-0 [000] ..s1.  %s: tcp_cong_state_set: family=AF_INET sport=40000 dport=5001 saddr=10.0.0.1 daddr=10.0.0.2 saddrv6=::ffff:10.0.0.1 daddrv6=::ffff:10.0.0.2 cong_state=%d",
		 t, ca);
}

static int lookups;

static int ours(const struct tp_rec *r, struct tp_flow *f, void *arg)
{
	(void)arg;
	lookups++;
	if (r->lport != 40000)
		return -1;	/* another namespace */
	strcpy(f->algo, "cubic");
	f->mss = 1448;
	return 0;
}

/* Feed @lines, return the CSV rows parsed back. */
static int run(const char *const *lines, int n, struct trace_row *rows,
	       int max, long port)
{
	static struct tp_state st;
	char *buf = NULL, *line, *save = NULL, err[128];
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int i, nrows = 0;

	memset(&st, 0, sizeof(st));
	st.port = port;
	for (i = 0; i < n; i++)
		if (tp_feed(&st, lines[i], out, ours, NULL) < 0)
			return -1;
	fclose(out);
	for (line = strtok_r(buf, "\n", &save); line && nrows < max;
	     line = strtok_r(NULL, "\n", &save)) {
		if (trace_parse_row(line, &rows[nrows], err, sizeof(err))) {
			fprintf(stderr, "%s: %s\n", line, err);
			free(buf);
			return -1;
		}
		nrows++;
	}
	free(buf);
	return nrows;
}

TEST(probe_line_6_1)
{
	struct tp_rec r;
	char l[512];

	probe(l, sizeof(l), "123.000100", 10, "2147483647");
	ASSERT_EQ(TP_PROBE, tp_parse_line(l, &r));
	EXPECT_EQ(123000100ULL, r.t_us);
	EXPECT_STREQ("10.0.0.1", r.laddr);
	EXPECT_EQ(40000U, r.lport);
	EXPECT_STREQ("10.0.0.2", r.raddr);
	EXPECT_EQ(5001U, r.rport);
	EXPECT_EQ(10U, r.snd_cwnd);
	EXPECT_EQ(TEACH_SSTHRESH_INF, r.ssthresh);
	EXPECT_EQ(64128U, r.snd_wnd);
	EXPECT_EQ(20500U, r.srtt_us);
	EXPECT_EQ(0x2aULL, r.cookie);
}

TEST(probe_line_5_10_and_ipv6)
{
	struct tp_rec r;
	const char *v510 = "  iperf3-9 [000] ..s.  7.500000: tcp_probe: src=10.0.0.1:40000 dest=10.0.0.2:5001 mark=0x0 data_len=0 snd_nxt=0x1 snd_una=0x1 snd_cwnd=4 ssthresh=7 snd_wnd=100 srtt=9 rcv_wnd=100 sock_cookie=3";
	const char *v6 = "  x-1 [000] .....  8.000001: tcp_probe: family=AF_INET6 src=[fd00::1]:40000 dest=[fd00::2]:5001 mark=0x0 data_len=0 snd_nxt=0x1 snd_una=0x1 snd_cwnd=5 ssthresh=7 snd_wnd=100 srtt=9 rcv_wnd=100 sock_cookie=4 skbaddr=0000 skaddr=0000";

	ASSERT_EQ(TP_PROBE, tp_parse_line(v510, &r));
	EXPECT_EQ(4U, r.snd_cwnd);
	EXPECT_EQ(7U, r.ssthresh);
	ASSERT_EQ(TP_PROBE, tp_parse_line(v6, &r));
	EXPECT_STREQ("fd00::1", r.laddr);
	EXPECT_STREQ("fd00::2", r.raddr);
	EXPECT_EQ(5001U, r.rport);
	EXPECT_EQ(4ULL, r.cookie);
}

TEST(state_lost_and_other_lines)
{
	struct tp_rec r;
	char l[512];

	state(l, sizeof(l), "5.25", 3);
	ASSERT_EQ(TP_STATE, tp_parse_line(l, &r));
	EXPECT_EQ(3, r.ca_state);
	EXPECT_STREQ("10.0.0.1", r.laddr);
	EXPECT_EQ(40000U, r.lport);
	ASSERT_EQ(TP_LOST, tp_parse_line("CPU:1 [LOST 17 EVENTS]", &r));
	EXPECT_EQ(17ULL, r.lost);
	EXPECT_EQ(TP_OTHER, tp_parse_line("  a-1 [000] ..... 1.0: tcp_send_reset: x", &r));
	EXPECT_EQ(-1, tp_parse_line("  a-1 [000] ..... 1.0: tcp_probe: family=AF_INET src=bad", &r));
}

/*
 * Slow start below ssthresh, an ACK that changes nothing (no row), the
 * kernel entering Recovery (the next ACK's window, with the one before
 * as prior_cwnd, at the state change's time), a PRR cut in Recovery
 * (no reason: empty), growth in fast recovery's phase, Open again
 * (recovery_exit), then congestion avoidance.
 */
TEST(reasons_from_state_changes)
{
	char l[12][512];
	const char *lines[12];
	struct trace_row r[12];
	int i, n;

	probe(l[0], sizeof(l[0]), "1.000000", 10, "2147483647");
	probe(l[1], sizeof(l[1]), "1.020000", 11, "2147483647");
	probe(l[2], sizeof(l[2]), "1.020500", 11, "2147483647");
	state(l[3], sizeof(l[3]), "1.030000", 1);	/* Disorder */
	state(l[4], sizeof(l[4]), "1.040000", 3);	/* Recovery */
	probe(l[5], sizeof(l[5]), "1.050000", 9, "7");
	probe(l[6], sizeof(l[6]), "1.060000", 7, "7");
	state(l[7], sizeof(l[7]), "1.070000", 0);	/* Open */
	probe(l[8], sizeof(l[8]), "1.080000", 7, "7");
	probe(l[9], sizeof(l[9]), "1.090000", 8, "7");
	for (i = 0; i < 10; i++)
		lines[i] = l[i];
	n = run(lines, 10, r, 12, -1);
	ASSERT_EQ(6, n);
	EXPECT_EQ(TEACH_EV_NONE, r[0].event);	/* first sight: no reason */
	EXPECT_EQ(0ULL, r[0].time_us);
	EXPECT_EQ(0x2aULL, r[0].flow);
	EXPECT_STREQ("cubic", r[0].algo);
	EXPECT_EQ(1448U, r[0].mss);
	EXPECT_EQ(0U, r[0].inflight);
	EXPECT_EQ(TEACH_SLOW_START, r[0].phase);
	EXPECT_EQ(TEACH_EV_SLOW_START, r[1].event);
	EXPECT_EQ(11U, r[1].cwnd);
	EXPECT_EQ(20000ULL, r[1].time_us);
	/* Disorder's dupack is overtaken by Recovery before the next ACK */
	EXPECT_EQ(TEACH_EV_FAST_RETRANSMIT, r[2].event);
	EXPECT_EQ(40000ULL, r[2].time_us);
	EXPECT_EQ(9U, r[2].cwnd);
	EXPECT_EQ(7U, r[2].ssthresh);
	EXPECT_EQ(11U, r[2].prior_cwnd);
	EXPECT_EQ(TEACH_FAST_RECOVERY, r[2].phase);
	EXPECT_EQ(TEACH_EV_NONE, r[3].event);	/* PRR: not explained */
	EXPECT_EQ(7U, r[3].cwnd);
	EXPECT_EQ(TEACH_EV_RECOVERY_EXIT, r[4].event);
	EXPECT_EQ(TEACH_CONG_AVOID, r[4].phase);
	EXPECT_EQ(TEACH_EV_CONG_AVOID, r[5].event);
	EXPECT_EQ(8U, r[5].cwnd);
	EXPECT_EQ(11U, r[5].prior_cwnd);
}

/* 5.10: no tcp_cong_state_set, so a cut has no reason. */
TEST(cut_without_state_changes_is_not_named)
{
	char l[3][512];
	const char *lines[3] = { l[0], l[1], l[2] };
	struct trace_row r[4];

	probe(l[0], sizeof(l[0]), "2.0", 20, "2147483647");
	probe(l[1], sizeof(l[1]), "2.1", 1, "10");
	probe(l[2], sizeof(l[2]), "2.2", 2, "10");
	ASSERT_EQ(3, run(lines, 3, r, 4, -1));
	EXPECT_EQ(TEACH_EV_NONE, r[1].event);
	EXPECT_EQ(0U, r[1].prior_cwnd);
	EXPECT_EQ(TEACH_SLOW_START, r[1].phase);
	EXPECT_EQ(TEACH_EV_SLOW_START, r[2].event);
}

/* Sockets of other namespaces (lookup fails) and other ports: no rows. */
TEST(other_namespaces_and_ports_left_out)
{
	const char *other = "  x-1 [000] ..... 3.0: tcp_probe: family=AF_INET src=10.0.0.9:40001 dest=10.0.0.2:5001 mark=0x0 data_len=0 snd_nxt=0x1 snd_una=0x1 snd_cwnd=5 ssthresh=7 snd_wnd=100 srtt=9 rcv_wnd=100 sock_cookie=9";
	char l[512];
	const char *lines[3] = { other, other, l };
	struct trace_row r[4];

	probe(l, sizeof(l), "3.1", 3, "7");
	lookups = 0;
	ASSERT_EQ(1, run(lines, 3, r, 4, -1));
	EXPECT_EQ(2, lookups);	/* once per flow, not per line */
	EXPECT_EQ(0x2aULL, r[0].flow);
	ASSERT_EQ(0, run(lines, 3, r, 4, 80));
}

TEST_HARNESS_MAIN
