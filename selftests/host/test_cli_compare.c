// SPDX-License-Identifier: GPL-2.0
/*
 * `tcpteach compare` without a kernel: its arguments (and the messages
 * for bad ones, before anything is made), the summary's arithmetic
 * (Jain's index against values worked out by hand), run.json (parses,
 * escapes what it must, reads back), and `tcpteach plot DIR` on a run
 * directory built from the recorded traces in selftests/host/data.
 */
#include "kselftest_harness.h"
#include "cli_test.h"

#include <math.h>

#include "cli/cli_compare.h"

static int parse(struct cmp_cfg *c, const char *const *args)
{
	const char *argv[32];
	int argc = 0, done;

	argv[argc++] = "compare";
	while (*args)
		argv[argc++] = *args++;
	argv[argc] = NULL;
	return cmp_parse(argc, (char **)argv, c, &done);
}

#define PARSE(c, ...) ({ const char *const _a[] = { __VA_ARGS__, NULL }; \
			 parse(c, _a); })

TEST(defaults_show_a_sawtooth_link)
{
	struct cmp_cfg c;

	ASSERT_EQ(0, PARSE(&c, "reno"));
	EXPECT_EQ(20, c.rate_mbit);
	EXPECT_EQ(40, c.rtt_ms);
	EXPECT_EQ(0, c.loss_pct);
	EXPECT_EQ(10, c.seconds);
	EXPECT_EQ(0, c.together);
	/* one BDP: 20 Mbit/s * 40 ms / (8 * 1500 bytes) = 66.7 -> 67 */
	EXPECT_EQ(67, c.queue);
	EXPECT_EQ(1, c.nalgos);
	EXPECT_STREQ("tcpteach-compare", c.dir);
}

TEST(every_option)
{
	struct cmp_cfg c;

	ASSERT_EQ(0, PARSE(&c, "--rate", "5.5", "--rtt", "100", "--loss", "0.5",
			   "--queue", "30", "--time", "2.5", "--together",
			   "-o", "out", "teach_reno", "cubic", "bbr"));
	EXPECT_EQ(5.5, c.rate_mbit);
	EXPECT_EQ(100, c.rtt_ms);
	EXPECT_EQ(0.5, c.loss_pct);
	EXPECT_EQ(30, c.queue);
	EXPECT_EQ(2.5, c.seconds);
	EXPECT_EQ(1, c.together);
	EXPECT_STREQ("out", c.dir);
	ASSERT_EQ(3, c.nalgos);
	EXPECT_STREQ("teach_reno", c.algos[0]);
	EXPECT_STREQ("bbr", c.algos[2]);
}

TEST(bdp_in_packets)
{
	EXPECT_EQ(67, cmp_bdp_packets(20, 40));
	EXPECT_EQ(34, cmp_bdp_packets(10, 40));	/* 33.3 */
	EXPECT_EQ(834, cmp_bdp_packets(100, 100));	/* 833.3 */
	EXPECT_EQ(4, cmp_bdp_packets(0.1, 1));	/* the floor */
}

/* Each bad argument: exit 2, a message naming it, no run directory. */
TEST(bad_arguments_named_nothing_made)
{
	static const char *const bad[][3] = {
		{ "--rate", "abc", "bad --rate 'abc'" },
		{ "--rate", "0", "bad --rate '0'" },
		{ "--rate", "20000", "bad --rate '20000'" },
		{ "--rate", "nan", "bad --rate 'nan'" },
		{ "--rtt", "0", "bad --rtt '0'" },
		{ "--rtt", "3000", "bad --rtt '3000'" },
		{ "--loss", "60", "bad --loss '60'" },
		{ "--loss", "-1", "bad --loss '-1'" },
		{ "--queue", "1", "bad --queue '1'" },
		{ "--time", "0.1", "bad --time '0.1'" },
		{ "--time", "10s", "bad --time '10s'" },
	};
	char dir[] = "/tmp/cmp-bad.XXXXXX", out[64];
	struct cli_out *o = malloc(sizeof(*o));
	size_t i;

	ASSERT_NE(NULL, o);
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/run", dir);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(EXIT_USAGE, CLI(o, "compare", "-o", out, bad[i][0],
					  bad[i][1], "reno"));
		EXPECT_NE(NULL, strstr(o->err, bad[i][2])) {
			TH_LOG("%s %s: %s", bad[i][0], bad[i][1], o->err);
		}
		EXPECT_NE(NULL, strstr(o->err, "expected"));
		EXPECT_FALSE(file_exists(out));
	}
	EXPECT_EQ(EXIT_USAGE, CLI(o, "compare", "-o", out));
	EXPECT_NE(NULL, strstr(o->err, "name at least one algorithm"));
	EXPECT_EQ(EXIT_USAGE, CLI(o, "compare", "-o", out, "re no"));
	EXPECT_NE(NULL, strstr(o->err, "bad algorithm name 're no'"));
	EXPECT_EQ(EXIT_USAGE, CLI(o, "compare", "-o", out, "x;rm"));
	EXPECT_EQ(EXIT_USAGE, CLI(o, "compare", "-o", out, "--together",
				  "reno"));
	EXPECT_NE(NULL, strstr(o->err, "--together needs two"));
	EXPECT_EQ(EXIT_USAGE, CLI(o, "compare", "-o", out, "a", "b", "c", "d",
				  "e", "f", "g", "h", "i"));
	EXPECT_NE(NULL, strstr(o->err, "at most 8"));
	EXPECT_FALSE(file_exists(out));
	EXPECT_EQ(EXIT_OK, CLI(o, "compare", "--help"));
	EXPECT_NE(NULL, strstr(o->out, "--together"));
	EXPECT_NE(NULL, strstr(o->out, "summary.csv"));
	rmdir(dir);
	free(o);
}

TEST(jain_index_by_hand)
{
	const double eq[] = { 4, 4, 4 }, one[] = { 1, 0 }, two[] = { 10, 5 };
	const double three[] = { 1, 2, 3 }, zero[] = { 0, 0 };

	EXPECT_EQ(1.0, cmp_jain(eq, 3));
	EXPECT_EQ(0.5, cmp_jain(one, 2));	/* one flow has it all: 1/n */
	EXPECT_EQ(0.9, cmp_jain(two, 2));	/* 15^2 / (2 * 125) */
	/* 6^2 / (3 * 14) = 6/7 */
	EXPECT_LT(fabs(cmp_jain(three, 3) - 6.0 / 7.0), 1e-12);
	EXPECT_EQ(0, cmp_jain(zero, 2));
}

TEST(goodput_is_bytes_over_time)
{
	struct cmp_flow f = { .bytes = 1250000, .seconds = 1 };

	EXPECT_EQ(10.0, cmp_goodput_mbit(&f));	/* 1.25 MB/s */
	f.seconds = 4;
	EXPECT_EQ(2.5, cmp_goodput_mbit(&f));
	f.seconds = 0;
	EXPECT_EQ(0, cmp_goodput_mbit(&f));
}

TEST(events_counted_from_the_trace)
{
	struct cmp_flow f;
	char path[] = "/tmp/cmp-trace.XXXXXX";
	int fd = mkstemp(path);
	FILE *w = fdopen(fd, "w");

	ASSERT_NE(NULL, w);
	fputs(TRACE_CSV_HEADER "\n"
	      "0,7,reno,,slow_start,10,2147483647,10,,64000,1448,40000,\n"
	      "10,7,reno,fast_retransmit,fast_recovery,5,5,5,,64000,1448,40000,10\n"
	      "20,7,reno,recovery_exit,cong_avoid,5,5,5,,64000,1448,40000,\n"
	      "30,7,reno,timeout,slow_start,1,2,1,,64000,1448,40000,5\n"
	      "40,7,reno,fast_retransmit,fast_recovery,2,2,2,,64000,1448,40000,4\n",
	      w);
	fclose(w);
	ASSERT_EQ(0, cmp_count_trace(path, &f));
	EXPECT_EQ(5, f.rows);
	EXPECT_EQ(2, f.fast_retransmits);
	EXPECT_EQ(1, f.timeouts);
	w = fopen(path, "a");
	fputs("50,7,reno,nonsense,slow_start,1,2,1,,64000,1448,40000,\n", w);
	fclose(w);
	EXPECT_EQ(-1, cmp_count_trace(path, &f));
	unlink(path);
}

/* A run with two flows from the recorded traces, in @dir. */
static void fake_run(const char *dir, int together, const char *title)
{
	static const char *const srcs[] = { DATA "/reno.csv", DATA "/tahoe.csv" };
	const char *argv[] = { "compare", "-o", "dir \"q\"\\n\nx", "teach_reno",
		"teach_tahoe" };
	struct cmp_cfg c = { .rate_mbit = 20, .rtt_ms = 40, .queue = 67,
			     .seconds = 10, .together = together, .dir = dir,
			     .nalgos = 2,
			     .algos = { "teach_reno", "teach_tahoe" } };
	struct cmp_flow fl[2] = {
		{ .algo = "teach_reno", .trace = "1-teach_reno.csv",
		  .bytes = 12500000, .seconds = 10, .retransmits = 3 },
		{ .algo = "teach_tahoe", .trace = "2-teach_tahoe.csv",
		  .bytes = 6250000, .seconds = 10, .retransmits = 4 },
	};
	char path[256], cmd[600];
	FILE *f;
	int i;

	for (i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd), "cp %s %s/%s", srcs[i], dir,
			 fl[i].trace);
		if (system(cmd))
			abort();
		snprintf(path, sizeof(path), "%s/%s", dir, fl[i].trace);
		cmp_count_trace(path, &fl[i]);
	}
	snprintf(path, sizeof(path), "%s/run.json", dir);
	f = fopen(path, "w");
	cmp_write_run_json(f, &c, fl, 2, title, 5, (char **)argv);
	fclose(f);
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	f = fopen(path, "w");
	cmp_write_summary(f, &c, fl, 2);
	fclose(f);
}

/* DIR/NAME into @buf ("" when it cannot be read). */
static void read_in(const char *dir, const char *name, char *buf, size_t len)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	buf[0] = '\0';
	if (fd >= 0)
		cli_slurp(fd, buf, len);
}

static int rm_rf(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

TEST(run_json_parses_escapes_and_reads_back)
{
	char dir[] = "/tmp/cmp-json.XXXXXX", path[128], cmd[256];
	static char json[16384];
	char title[256];
	const char *t = "a \"quoted\" title\\ with\ttab\nand newline";

	ASSERT_NE(NULL, mkdtemp(dir));
	setenv("TCPTEACH_SYS_DIR", DATA "/sys_tcp_teach", 1);
	fake_run(dir, 1, t);
	unsetenv("TCPTEACH_SYS_DIR");
	snprintf(path, sizeof(path), "%s/run.json", dir);
	snprintf(cmd, sizeof(cmd), "python3 -m json.tool %s >/dev/null", path);
	EXPECT_EQ(0, system(cmd));
	read_in(dir, "run.json", json, sizeof(json));
	EXPECT_NE(NULL, strstr(json, "\"dir \\\"q\\\"\\\\n\\u000ax\""));
	EXPECT_NE(NULL, strstr(json, "\"initial_cwnd\": 1"));
	EXPECT_NE(NULL, strstr(json, "\"mode\": \"together\""));
	EXPECT_NE(NULL, strstr(json, "\"rate_mbit\": 20"));
	EXPECT_NE(NULL, strstr(json, "\"goodput_mbit\": 10,"));
	/* 10 and 5 Mbit/s: 0.9 */
	EXPECT_NE(NULL, strstr(json, "\"jain_index\": 0.9,"));
	ASSERT_EQ(0, cmp_json_get_str(json, "title", title, sizeof(title)));
	EXPECT_STREQ(t, title);
	EXPECT_EQ(-1, cmp_json_get_str(json, "no_such_key", title,
				       sizeof(title)));
	EXPECT_EQ(-1, cmp_json_get_str(json, "title", title, 8));
	/* without the module: parameters null, and still valid JSON */
	setenv("TCPTEACH_SYS_DIR", "/nonexistent", 1);
	fake_run(dir, 0, "t");
	unsetenv("TCPTEACH_SYS_DIR");
	EXPECT_EQ(0, system(cmd));
	read_in(dir, "run.json", json, sizeof(json));
	EXPECT_NE(NULL, strstr(json, "\"tcp_teach_parameters\": null"));
	EXPECT_NE(NULL, strstr(json, "\"jain_index\": null"));
	EXPECT_EQ(0, rm_rf(dir));
}

TEST(summary_columns_and_jain)
{
	char dir[] = "/tmp/cmp-sum.XXXXXX";
	static char sum[4096];

	ASSERT_NE(NULL, mkdtemp(dir));
	fake_run(dir, 1, "t");
	read_in(dir, "summary.csv", sum, sizeof(sum));
	EXPECT_EQ(0, strncmp(sum, "flow,algo,bytes,seconds,goodput_mbit,retransmits,fast_retransmits,timeouts,trace_rows,trace,jain_index\n", 103));
	/* reno.csv has 2 fast retransmits and 136 rows */
	EXPECT_NE(NULL, strstr(sum, "\n1,teach_reno,12500000,10.000000,10.000000,3,2,"));
	EXPECT_NE(NULL, strstr(sum, ",136,1-teach_reno.csv,0.900000\n"));
	EXPECT_NE(NULL, strstr(sum, "\n2,teach_tahoe,6250000,10.000000,5.000000,4,"));
	EXPECT_EQ(0, rm_rf(dir));
}

TEST(plot_dir_draws_a_saved_run)
{
	char dir[] = "/tmp/cmp-plot.XXXXXX", path[128], cmd[256];
	struct cli_out *o = malloc(sizeof(*o));
	static char svg[1 << 18];

	ASSERT_NE(NULL, o);
	ASSERT_NE(NULL, mkdtemp(dir));
	fake_run(dir, 0, "compare: two flows");
	ASSERT_EQ(EXIT_OK, CLI(o, "plot", dir)) {
		TH_LOG("%s", o->err);
	}
	snprintf(path, sizeof(path), "%s/compare.png", dir);
	EXPECT_TRUE(file_exists(path));
	read_in(dir, "compare.svg", svg, sizeof(svg));
	EXPECT_NE(NULL, strstr(svg, "</svg>"));
	EXPECT_NE(NULL, strstr(svg, "compare: two flows"));
	EXPECT_NE(NULL, strstr(svg, "teach_tahoe"));
	/* a trace outside the run directory is refused */
	snprintf(cmd, sizeof(cmd), "sed -i 's|,1-teach_reno.csv,|,../x.csv,|' %s/summary.csv",
		 dir);
	ASSERT_EQ(0, system(cmd));
	EXPECT_EQ(EXIT_FAIL, CLI(o, "plot", dir));
	EXPECT_NE(NULL, strstr(o->err, "not a file of the run directory"));
	/* not a run directory */
	snprintf(path, sizeof(path), "%s/run.json", dir);
	unlink(path);
	EXPECT_EQ(EXIT_FAIL, CLI(o, "plot", dir));
	EXPECT_NE(NULL, strstr(o->err, "run.json"));
	EXPECT_EQ(0, rm_rf(dir));
	free(o);
}

TEST_HARNESS_MAIN
