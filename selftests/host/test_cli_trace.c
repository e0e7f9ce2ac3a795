// SPDX-License-Identifier: GPL-2.0
/*
 * The trace side of tcpteach: parsing CSV rows and event-stream lines
 * (good and malformed), `tcpteach trace` on a recorded event stream
 * (relative time, port filter, count, dropped events), and `show` on a
 * recorded /proc/net/tcp_teach.
 */
#include "kselftest_harness.h"
#include "cli_test.h"

#include "teach_cc.h"

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[1 << 16];
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

TEST(csv_recorded_trace_parses)
{
	FILE *f = fopen(DATA "/reno.csv", "r");
	char line[512], err[256];
	int lineno = 0, fr = 0, to = 0;

	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		struct trace_row r;

		if (++lineno == 1) {
			ASSERT_TRUE(trace_is_header(line));
			continue;
		}
		ASSERT_EQ(0, trace_parse_row(line, &r, err, sizeof(err)))
			TH_LOG("line %d: %s", lineno, err);
		ASSERT_STREQ("teach_reno", r.algo);
		fr += r.event == TEACH_EV_FAST_RETRANSMIT;
		to += r.event == TEACH_EV_TIMEOUT;
	}
	fclose(f);
	EXPECT_GT(lineno, 10);
	EXPECT_GE(fr, 1);
	EXPECT_GE(to, 1);
}

TEST(csv_malformed_rows_say_which_column)
{
	static const struct {
		const char *line, *want;
	} bad[] = {
		{ "1,2,teach_reno,bogus,slow_start,1,2,1,0,100,1448,10", "event" },
		{ "1,2,teach_reno,init,warp,1,2,1,0,100,1448,10", "phase" },
		{ "1,2,teach_reno,init,slow_start,x,2,1,0,100,1448,10", "cwnd" },
		{ "1,2,teach_reno,init,slow_start,1,-2,1,0,100,1448,10", "ssthresh" },
		{ "1,2,teach_reno,init,slow_start,1,2,1,0,100", "columns" },
		{ "abc,2,teach_reno,init,slow_start,1,2,1,0,100,1448,10", "time_us" },
	};
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct trace_row r;

		err[0] = '\0';
		EXPECT_EQ(-1, trace_parse_row(bad[i].line, &r, err,
					      sizeof(err)));
		EXPECT_NE(NULL, strstr(err, bad[i].want))
			TH_LOG("'%s' -> '%s'", bad[i].line, err);
	}
}

TEST(event_lines)
{
	struct teach_event ev;
	unsigned long long dropped = 0;
	char err[256];

	ASSERT_EQ(0, teach_event_parse("1501000 4097 teach_reno fast_retransmit fast_recovery 24 24 25 47 326912 1448 41200 48 10.77.0.1:40312 10.77.0.2:5001 rack\n", NULL,
				       &ev, &dropped, err, sizeof(err)));
	EXPECT_EQ(1501000ULL, ev.row.time_us);
	EXPECT_EQ(4097ULL, ev.row.flow);
	EXPECT_EQ(TEACH_EV_FAST_RETRANSMIT, ev.row.event);
	EXPECT_EQ(TEACH_FAST_RECOVERY, ev.row.phase);
	EXPECT_EQ(24U, ev.row.cwnd);
	EXPECT_EQ(25U, ev.row.snd_cwnd);
	EXPECT_EQ(48U, ev.row.prior_cwnd);
	EXPECT_STREQ("rack", ev.recovery);
	EXPECT_EQ(5001, addr_port(ev.remote));
	ASSERT_EQ(0, teach_event_parse("5 1 teach_tahoe init slow_start 10 inf 10 0 65536 1428 0 10 [fd00::1]:5001 [fd00::2]:37720 -", NULL,
				       &ev, &dropped, err, sizeof(err)));
	EXPECT_EQ(TEACH_SSTHRESH_INF, ev.row.ssthresh);
	EXPECT_EQ(37720, addr_port(ev.remote));
	EXPECT_EQ(1, teach_event_parse("# dropped 17\n", NULL, &ev, &dropped, err,
				       sizeof(err)));
	EXPECT_EQ(17ULL, dropped);
	EXPECT_EQ(-1, teach_event_parse("1 2 teach_reno init slow_start 1 2", NULL, &ev,
					&dropped, err, sizeof(err)));
	EXPECT_EQ(-1, teach_event_parse("1 2 teach_reno init slow_start 1 2 1 0 9 1448 0 1 nowhere 10.0.0.1:80 -", NULL,
					&ev, &dropped, err, sizeof(err)));
	/* a recovery rule the module never names */
	EXPECT_EQ(-1, teach_event_parse("1 2 teach_reno fast_retransmit fast_recovery 2 2 2 0 9 1448 0 4 10.0.0.2:9 10.0.0.1:80 sack", NULL,
					&ev, &dropped, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "bad recovery 'sack'")) TH_LOG("%s", err);
}

TEST(event_stream_header_maps_columns_by_name)
{
	struct teach_event ev;
	struct event_map m;
	unsigned long long dropped = 0;
	char err[256];

	EXPECT_EQ(0, teach_event_header("1 2 teach_reno init", &m, err,
					sizeof(err)));
	/* a newer module: one more column, in the middle */
	ASSERT_EQ(1, teach_event_header("time_us flow algo event phase cwnd future ssthresh snd_cwnd inflight rwnd mss srtt_us prior_cwnd local remote recovery\n",
					&m, err, sizeof(err)));
	ASSERT_EQ(0, teach_event_parse("1501000 4097 teach_reno fast_retransmit fast_recovery 24 7 24 25 47 326912 1448 41200 49 10.77.0.1:40312 10.77.0.2:5001 dupacks",
				       &m, &ev, &dropped, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(49U, ev.row.prior_cwnd);
	EXPECT_EQ(24U, ev.row.cwnd);
	EXPECT_EQ(24U, ev.row.ssthresh);
	EXPECT_EQ(25U, ev.row.snd_cwnd);
	EXPECT_EQ(41200U, ev.row.srtt_us);
	EXPECT_EQ(5001, addr_port(ev.remote));
	EXPECT_STREQ("dupacks", ev.recovery);
	/* an older one: the missing column is named */
	EXPECT_EQ(-1, teach_event_header("time_us flow algo event phase cwnd ssthresh snd_cwnd inflight rwnd mss prior_cwnd local remote recovery",
					 &m, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "no column 'srtt_us'")) TH_LOG("%s", err);
}

TEST(socket_columns_are_the_format_header)
{
	char err[256];
	struct teach_sock *s;

	EXPECT_EQ(SOCK_NFIELDS, fmt_sock_cols()->n);
	EXPECT_STREQ("ssthresh", sock_field_name(SF_SSTHRESH));
	EXPECT_STREQ("srtt_us", sock_field_name(SF_SRTT_US));
	EXPECT_STREQ("undos", sock_field_name(SF_UNDOS));
	EXPECT_STREQ("recovery", sock_field_name(SF_RECOVERY));
	/* the fixture's header is the format's */
	EXPECT_EQ(3, teach_sock_read(DATA "/tcp_teach", &s, err, sizeof(err)))
		TH_LOG("%s", err);
	free(s);
	EXPECT_EQ(13, fmt_trace_cols()->n);
	EXPECT_STREQ("prior_cwnd", fmt_trace_cols()->name[12]);
	EXPECT_EQ(16, fmt_event_cols()->n);
	EXPECT_STREQ("remote", fmt_event_cols()->name[14]);
	EXPECT_STREQ("recovery", fmt_event_cols()->name[15]);
}

TEST(trace_converts_the_stream)
{
	struct cli_out *o = malloc(sizeof(*o));
	char out[] = "/tmp/cli-trace.XXXXXX";
	char *csv, *line, *save = NULL;
	int fd = mkstemp(out), rows = 0;
	unsigned long long first = 1;

	ASSERT_NE(NULL, o);
	ASSERT_GE(fd, 0);
	close(fd);
	setenv("TCPTEACH_PROC_DIR", DATA, 1);
	ASSERT_EQ(0, CLI(o, "trace", "-o", out));
	EXPECT_NE(NULL, strstr(o->err, "9 events"));
	EXPECT_NE(NULL, strstr(o->err, "5 dropped"));
	csv = read_all(out);
	ASSERT_NE(NULL, csv);
	for (line = strtok_r(csv, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct trace_row r;
		char err[256];

		if (!rows++) {
			EXPECT_TRUE(trace_is_header(line));
			continue;
		}
		ASSERT_EQ(0, trace_parse_row(line, &r, err, sizeof(err)));
		if (rows == 2)
			first = r.time_us;
	}
	EXPECT_EQ(10, rows);
	EXPECT_EQ(0ULL, first);	/* relative to the first event */

	/* --port keeps the connections with that port on either side */
	ASSERT_EQ(0, CLI(o, "trace", "--port", "5201"));
	EXPECT_NE(NULL, strstr(o->out, "0,4098,teach_tahoe,init"));
	EXPECT_NE(NULL, strstr(o->out, "558000,4098,teach_tahoe,timeout"));
	EXPECT_EQ(NULL, strstr(o->out, "4097"));
	EXPECT_NE(NULL, strstr(o->err, "2 events"));
	ASSERT_EQ(0, CLI(o, "trace", "--count", "3"));
	EXPECT_NE(NULL, strstr(o->err, "3 events"));
	unlink(out);
	free(o);
}

TEST(trace_malformed_stream_names_the_line)
{
	struct cli_out *o = malloc(sizeof(*o));
	char dir[] = "/tmp/cli-proc.XXXXXX", path[128];
	FILE *f;

	ASSERT_NE(NULL, o);
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tcp_teach_events", dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("1 4097 teach_reno init slow_start 1 45 1 0 65160 1448 0 1 10.0.0.1:1 10.0.0.2:2 -\n"
	      "2 4097 teach_reno jump slow_start 1 45 1 0 65160 1448 0 1 10.0.0.1:1 10.0.0.2:2 -\n",
	      f);
	fclose(f);
	setenv("TCPTEACH_PROC_DIR", dir, 1);
	EXPECT_EQ(1, CLI(o, "trace"));
	EXPECT_NE(NULL, strstr(o->err, "tcp_teach_events:2:"));
	EXPECT_NE(NULL, strstr(o->err, "jump"));
	unlink(path);
	/* no module: says how to load it */
	EXPECT_EQ(1, CLI(o, "trace"));
	EXPECT_NE(NULL, strstr(o->err, "modprobe tcp_teach"));
	EXPECT_EQ(1, CLI(o, "show"));
	EXPECT_NE(NULL, strstr(o->err, "modprobe tcp_teach"));
	rmdir(dir);
	free(o);
}

TEST(show_matches_the_table)
{
	struct cli_out *o = malloc(sizeof(*o));

	ASSERT_NE(NULL, o);
	setenv("TCPTEACH_PROC_DIR", DATA, 1);
	ASSERT_EQ(0, CLI(o, "show"));
	EXPECT_NE(NULL, strstr(o->out, "local"));
	EXPECT_NE(NULL, strstr(o->out, "10.77.0.1:40312"));
	EXPECT_NE(NULL, strstr(o->out, "[fd00::1]:5001"));
	ASSERT_EQ(0, CLI(o, "show", "--port", "5201"));
	EXPECT_NE(NULL, strstr(o->out, "teach_tahoe"));
	EXPECT_EQ(NULL, strstr(o->out, "teach_reno"));
	ASSERT_EQ(0, CLI(o, "show", "--addr", "fd00::2"));
	EXPECT_NE(NULL, strstr(o->out, "[fd00::2]:37720"));
	EXPECT_EQ(NULL, strstr(o->out, "10.77.0.1"));
	ASSERT_EQ(0, CLI(o, "show", "--json"));
	EXPECT_NE(NULL, strstr(o->out, "\"cookie\": 4097"));
	EXPECT_NE(NULL, strstr(o->out, "\"ssthresh\": null"));
	EXPECT_NE(NULL, strstr(o->out, "\"fast_retransmits\": 1"));
	EXPECT_EQ('[', o->out[0]);
	ASSERT_EQ(0, CLI(o, "show", "-e"));
	EXPECT_NE(NULL, strstr(o->out, "timeouts"));
	/* watch without a tty: plain lines, N samples */
	ASSERT_EQ(0, CLI(o, "watch", "--count", "2", "--interval", "0.01"));
	EXPECT_NE(NULL, strstr(o->out, "time_s local remote"));
	EXPECT_NE(NULL, strstr(o->out, "10.77.0.1:40314 10.77.0.2:5201 teach_tahoe slow_start 1 22"));
	free(o);
}

TEST(show_rejects_a_bad_table)
{
	struct cli_out *o = malloc(sizeof(*o));
	char dir[] = "/tmp/cli-proc.XXXXXX", path[128];
	FILE *f;

	ASSERT_NE(NULL, o);
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tcp_teach", dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs(TEACH_FMT_SOCK_COLUMNS "\n"
	      "10.0.0.1:1 10.0.0.2:2 1 teach_reno slow_start open 1 1 2\n", f);
	fclose(f);
	setenv("TCPTEACH_PROC_DIR", dir, 1);
	EXPECT_EQ(1, CLI(o, "show"));
	EXPECT_NE(NULL, strstr(o->err, "tcp_teach:2:"));
	unlink(path);
	rmdir(dir);
	free(o);
}

TEST_HARNESS_MAIN
