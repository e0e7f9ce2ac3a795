// SPDX-License-Identifier: GPL-2.0
/*
 * `tcpteach plot` on traces recorded by `tcpteach demo` in the VM: the
 * SVG is well formed enough and has the expected series and labels, the
 * PNG has the right signature and size, and a malformed or truncated
 * trace, a missing gnuplot or a bad name write no figure at all.
 */
#include "kselftest_harness.h"
#include "cli_test.h"

#include <arpa/inet.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
	return buf;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay++;
	}
	return n;
}

FIXTURE(plot)
{
	char dir[64];
	char out[128];
	struct cli_out *o;
};

FIXTURE_SETUP(plot)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/cli-plot.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	self->o = malloc(sizeof(*self->o));
	ASSERT_NE(NULL, self->o);
	unsetenv("TCPTEACH_GNUPLOT");
}

FIXTURE_TEARDOWN(plot)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->dir);
	free(self->o);
}

TEST_F(plot, svg_has_the_series_and_labels)
{
	size_t len;
	char *svg;

	snprintf(self->out, sizeof(self->out), "%s/fig.svg", self->dir);
	ASSERT_EQ(0, CLI(self->o, "plot", DATA "/tahoe.csv", DATA "/reno.csv",
			 "-o", self->out, "--title", "Tahoe & Reno <test>"))
		TH_LOG("%s", self->o->err);
	svg = slurp(self->out, &len);
	ASSERT_NE(NULL, svg);
	EXPECT_NE(NULL, strstr(svg, "<svg"));
	EXPECT_EQ(1, count(svg, "<svg"));
	EXPECT_NE(NULL, strstr(svg + len - 16, "</svg>"));
	/* every group closed */
	EXPECT_EQ(count(svg, "<g "), count(svg, "</g>"));
	/* XML-escaped title */
	EXPECT_NE(NULL, strstr(svg, "Tahoe &amp; Reno &lt;test"));
	/* one panel per flow, the series in the key, events labelled */
	EXPECT_NE(NULL, strstr(svg, "teach_tahoe  flow 1"));
	EXPECT_NE(NULL, strstr(svg, "teach_reno  flow 4097"));
	EXPECT_EQ(2, count(svg, ">cwnd<"));
	EXPECT_EQ(2, count(svg, ">ssthresh<"));
	EXPECT_EQ(2, count(svg, ">rwnd/mss<"));
	EXPECT_EQ(2, count(svg, ">slow start<"));
	EXPECT_EQ(2, count(svg, ">congestion avoidance<"));
	EXPECT_EQ(2, count(svg, ">fast recovery<"));
	EXPECT_NE(NULL, strstr(svg, ">fast_retransmit 49->24<"));
	EXPECT_NE(NULL, strstr(svg, ">fast_retransmit 50->1<"));
	EXPECT_NE(NULL, strstr(svg, ">timeout 45->1<"));
	EXPECT_NE(NULL, strstr(svg, ">time (s)<"));
	free(svg);
}

TEST_F(plot, rounds_and_overlay)
{
	size_t len;
	char *svg;

	snprintf(self->out, sizeof(self->out), "%s/r.svg", self->dir);
	ASSERT_EQ(0, CLI(self->o, "plot", DATA "/reno.csv", "--rounds", "-o",
			 self->out));
	svg = slurp(self->out, &len);
	ASSERT_NE(NULL, svg);
	EXPECT_NE(NULL, strstr(svg, "transmission round"));
	EXPECT_NE(NULL, strstr(svg, ">time (s)<"));
	free(svg);
	ASSERT_EQ(0, CLI(self->o, "plot", DATA "/reno.csv", DATA "/tahoe.csv",
			 "--overlay", "-o", self->out));
	svg = slurp(self->out, &len);
	ASSERT_NE(NULL, svg);
	EXPECT_NE(NULL, strstr(svg, ">teach_reno 4097 cwnd<"));
	EXPECT_NE(NULL, strstr(svg, ">teach_tahoe 1 cwnd<"));
	EXPECT_NE(NULL, strstr(svg, "2 flows"));
	free(svg);
}

/* The gnuplot script of the last run (TCPTEACH_KEEP_TMP keeps it). */
static char *kept_script(const char *err)
{
	const char *p = strstr(err, "plot: kept ");
	char path[256], cmd[300];
	size_t len;
	char *gp;
	int n;

	if (!p)
		return NULL;
	n = (int)strcspn(p + 11, "\n");
	snprintf(path, sizeof(path), "%.*s/plot.gp", n, p + 11);
	gp = slurp(path, &len);
	snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", n, p + 11);
	if (system(cmd))
		fprintf(stderr, "# cannot remove %.*s\n", n, p + 11);
	return gp;
}

TEST_F(plot, rounds_draw_ssthresh_as_a_step)
{
	char *gp;

	snprintf(self->out, sizeof(self->out), "%s/r.svg", self->dir);
	setenv("TCPTEACH_KEEP_TMP", "1", 1);
	ASSERT_EQ(0, CLI(self->o, "plot", DATA "/reno.csv", "--rounds", "-o",
			 self->out));
	unsetenv("TCPTEACH_KEEP_TMP");
	gp = kept_script(self->o->err);
	ASSERT_NE(NULL, gp) TH_LOG("%s", self->o->err);
	/* both panels (time, rounds): ssthresh holds until it changes */
	EXPECT_EQ(2, count(gp, "using 1:3 with steps"));
	EXPECT_EQ(0, count(gp, "using 1:3 with lines"));
	EXPECT_NE(NULL, strstr(gp, "r.dat' using 1:3 with steps"));
	free(gp);
}

TEST_F(plot, overlay_labels_each_flow_apart)
{
	size_t len;
	char *gp, *svg;

	snprintf(self->out, sizeof(self->out), "%s/o.svg", self->dir);
	setenv("TCPTEACH_KEEP_TMP", "1", 1);
	ASSERT_EQ(0, CLI(self->o, "plot", DATA "/reno.csv", DATA "/tahoe.csv",
			 "--overlay", "-o", self->out));
	unsetenv("TCPTEACH_KEEP_TMP");
	gp = kept_script(self->o->err);
	ASSERT_NE(NULL, gp) TH_LOG("%s", self->o->err);
	/* each flow's labels at their own height and in its colour */
	EXPECT_NE(NULL, strstr(gp, "with labels offset 0,1.2 font ',9' tc rgb '#1f4e9c'"));
	EXPECT_NE(NULL, strstr(gp, "with labels offset 0,2.6 font ',9' tc rgb '#c0392b'"));
	free(gp);
	svg = slurp(self->out, &len);
	ASSERT_NE(NULL, svg);
	EXPECT_NE(NULL, strstr(svg, ">teach_reno: fast_retransmit 49->24<"));
	EXPECT_NE(NULL, strstr(svg, ">teach_tahoe: fast_retransmit 50->1<"));
	free(svg);
}

TEST_F(plot, tiny_flows_left_out_and_said_so_or_picked_with_flow)
{
	char trace[128], cmd[512];
	size_t len;
	char *svg;

	/* reno.csv plus a 3-event flow, like iperf3's control connection */
	snprintf(trace, sizeof(trace), "%s/two.csv", self->dir);
	snprintf(cmd, sizeof(cmd),
		 "cp %s %s && printf '%%s\\n' "
		 "'5,77,teach_reno,init,slow_start,1,inf,1,0,65535,1448,0' "
		 "'9,77,teach_reno,slow_start,slow_start,2,inf,2,1,65535,1448,100' "
		 "'20,77,teach_reno,close,slow_start,2,inf,2,0,65535,1448,100' >>%s",
		 DATA "/reno.csv", trace, trace);
	ASSERT_EQ(0, system(cmd));
	snprintf(self->out, sizeof(self->out), "%s/t.svg", self->dir);
	ASSERT_EQ(0, CLI(self->o, "plot", trace, "-o", self->out))
		TH_LOG("%s", self->o->err);
	EXPECT_NE(NULL, strstr(self->o->err, "left out flow 77"));
	EXPECT_NE(NULL, strstr(self->o->err, "--flow 77"));
	svg = slurp(self->out, &len);
	ASSERT_NE(NULL, svg);
	EXPECT_NE(NULL, strstr(svg, "flow 4097"));
	EXPECT_EQ(NULL, strstr(svg, "flow 77"));
	free(svg);
	/* --flow: exactly that one */
	ASSERT_EQ(0, CLI(self->o, "plot", trace, "--flow", "77", "-o",
			 self->out));
	EXPECT_EQ(NULL, strstr(self->o->err, "left out"));
	svg = slurp(self->out, &len);
	ASSERT_NE(NULL, svg);
	EXPECT_NE(NULL, strstr(svg, "flow 77"));
	EXPECT_EQ(NULL, strstr(svg, "flow 4097"));
	free(svg);
	EXPECT_EQ(1, CLI(self->o, "plot", trace, "--flow", "12345", "-o",
			 self->out));
	EXPECT_NE(NULL, strstr(self->o->err, "no flow 12345"));
	EXPECT_EQ(2, CLI(self->o, "plot", trace, "--flow", "x", "-o",
			 self->out));
}

TEST_F(plot, the_trace_says_the_window_before_the_cut)
{
	char trace[128];
	size_t len;
	char *svg;
	FILE *f;

	/* the row before says 30, but the sender cut from 40 */
	snprintf(trace, sizeof(trace), "%s/p.csv", self->dir);
	f = fopen(trace, "w");
	ASSERT_NE(NULL, f);
	fputs(TRACE_CSV_HEADER "\n"
	      "0,5,teach_reno,init,slow_start,1,45,1,0,65535,1448,0,1\n"
	      "1000,5,teach_reno,slow_start,slow_start,30,45,30,29,65535,1448,900,1\n"
	      "2000,5,teach_reno,fast_retransmit,fast_recovery,20,20,21,29,65535,1448,900,40\n"
	      "3000,5,teach_reno,recovery_exit,cong_avoid,20,20,20,10,65535,1448,900,40\n",
	      f);
	fclose(f);
	snprintf(self->out, sizeof(self->out), "%s/p.svg", self->dir);
	ASSERT_EQ(0, CLI(self->o, "plot", trace, "-o", self->out))
		TH_LOG("%s", self->o->err);
	svg = slurp(self->out, &len);
	ASSERT_NE(NULL, svg);
	EXPECT_NE(NULL, strstr(svg, ">fast_retransmit 40->20<"));
	EXPECT_EQ(NULL, strstr(svg, ">fast_retransmit 30->20<"));
	free(svg);
}

TEST_F(plot, png_signature_and_size)
{
	static const unsigned char magic[8] = { 0x89, 'P', 'N', 'G', '\r',
						'\n', 0x1a, '\n' };
	unsigned int w, h;
	size_t len;
	char *png;

	snprintf(self->out, sizeof(self->out), "%s/fig.png", self->dir);
	ASSERT_EQ(0, CLI(self->o, "plot", DATA "/tahoe.csv", DATA "/reno.csv",
			 "-o", self->out));
	png = slurp(self->out, &len);
	ASSERT_NE(NULL, png);
	ASSERT_GT(len, 1000);
	EXPECT_EQ(0, memcmp(png, magic, 8));
	EXPECT_EQ(0, memcmp(png + 12, "IHDR", 4));
	memcpy(&w, png + 16, 4);
	memcpy(&h, png + 20, 4);
	EXPECT_EQ(900U, ntohl(w));
	EXPECT_EQ(120U + 2 * 340U, ntohl(h));	/* two panels */
	EXPECT_EQ(0, memcmp(png + len - 8, "IEND", 4));
	free(png);
}

/* Copy the recorded trace, damaged at line @bad (1-based) or cut short. */
static void damaged_copy(const char *src, const char *dst, int bad, int cut)
{
	FILE *in = fopen(src, "r"), *out = fopen(dst, "w");
	char line[512];
	int n = 0;

	while (in && out && fgets(line, sizeof(line), in)) {
		if (++n == bad)
			fputs("1234,4097,teach_reno,cong_avoid,cong_avoid,12,x,12,3,1000,1448,40000\n",
			      out);
		else
			fputs(line, out);
		if (cut && n == cut) {
			fputs("1999999,4097,teach_reno,cong_av", out);
			break;
		}
	}
	if (in)
		fclose(in);
	if (out)
		fclose(out);
}

TEST_F(plot, bad_trace_names_file_line_and_writes_nothing)
{
	char bad[160], cut[160];

	snprintf(bad, sizeof(bad), "%s/bad.csv", self->dir);
	snprintf(cut, sizeof(cut), "%s/cut.csv", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/fig.svg", self->dir);
	damaged_copy(DATA "/reno.csv", bad, 10, 0);
	damaged_copy(DATA "/reno.csv", cut, 0, 20);

	EXPECT_EQ(1, CLI(self->o, "plot", DATA "/tahoe.csv", bad, "-o",
			 self->out));
	EXPECT_NE(NULL, strstr(self->o->err, "bad.csv:10:"));
	EXPECT_NE(NULL, strstr(self->o->err, "ssthresh"));
	EXPECT_FALSE(file_exists(self->out));

	EXPECT_EQ(1, CLI(self->o, "plot", cut, "-o", self->out));
	EXPECT_NE(NULL, strstr(self->o->err, "cut.csv:21:"));
	EXPECT_NE(NULL, strstr(self->o->err, "truncated"));
	EXPECT_FALSE(file_exists(self->out));

	/* not a trace at all */
	EXPECT_EQ(1, CLI(self->o, "plot", DATA "/tcp_teach", "-o", self->out));
	EXPECT_NE(NULL, strstr(self->o->err, "tcp_teach:1:"));
	EXPECT_FALSE(file_exists(self->out));

	/* an existing figure survives a failed run untouched */
	ASSERT_EQ(0, CLI(self->o, "plot", DATA "/reno.csv", "-o", self->out));
	EXPECT_EQ(1, CLI(self->o, "plot", bad, "-o", self->out));
	EXPECT_TRUE(file_exists(self->out));
}

/* A trace without any loss (the first rows): nothing to mark. */
TEST_F(plot, trace_without_losses)
{
	char small[160];
	FILE *in, *out;
	char line[512];
	int n = 0;

	snprintf(small, sizeof(small), "%s/small.csv", self->dir);
	snprintf(self->out, sizeof(self->out), "%s/small.svg", self->dir);
	in = fopen(DATA "/reno.csv", "r");
	out = fopen(small, "w");
	ASSERT_NE(NULL, in);
	ASSERT_NE(NULL, out);
	while (n++ < 6 && fgets(line, sizeof(line), in))
		fputs(line, out);
	fclose(in);
	fclose(out);
	ASSERT_EQ(0, CLI(self->o, "plot", small, "-o", self->out, "--rounds"))
		TH_LOG("%s", self->o->err);
	EXPECT_TRUE(file_exists(self->out));
}

TEST_F(plot, missing_gnuplot_names_the_package)
{
	snprintf(self->out, sizeof(self->out), "%s/fig.png", self->dir);
	setenv("TCPTEACH_GNUPLOT", "no-such-gnuplot-here", 1);
	EXPECT_EQ(1, CLI(self->o, "plot", DATA "/reno.csv", "-o", self->out));
	unsetenv("TCPTEACH_GNUPLOT");
	EXPECT_NE(NULL, strstr(self->o->err, "gnuplot-nox"));
	EXPECT_FALSE(file_exists(self->out));
}

TEST_F(plot, usage_errors)
{
	snprintf(self->out, sizeof(self->out), "%s/fig.pdf", self->dir);
	EXPECT_EQ(2, CLI(self->o, "plot", DATA "/reno.csv", "-o", self->out));
	EXPECT_NE(NULL, strstr(self->o->err, "FIG.svg or FIG.png"));
	EXPECT_EQ(2, CLI(self->o, "plot", DATA "/reno.csv"));
	EXPECT_NE(NULL, strstr(self->o->err, "missing -o"));
	EXPECT_EQ(2, CLI(self->o, "plot", "-o", "x.svg"));
	EXPECT_NE(NULL, strstr(self->o->err, "missing TRACE.csv"));
	EXPECT_EQ(1, CLI(self->o, "plot", "/nonexistent.csv", "-o", "x.svg"));
	EXPECT_NE(NULL, strstr(self->o->err, "/nonexistent.csv"));
}

TEST_F(plot, dash_is_standard_input)
{
	size_t len = 0;
	char *svg;

	snprintf(self->out, sizeof(self->out), "%s/fig.svg", self->dir);
	cli_stdin_path = DATA "/reno.csv";
	EXPECT_EQ(0, CLI(self->o, "plot", "-", "-o", self->out))
		TH_LOG("%s", self->o->err);
	EXPECT_EQ(2, CLI(self->o, "plot", "-", "-", "-o", self->out));
	EXPECT_NE(NULL, strstr(self->o->err, "only once"));
	cli_stdin_path = NULL;
	svg = slurp(self->out, &len);
	ASSERT_NE(NULL, svg);
	EXPECT_NE(NULL, strstr(svg, "</svg>"));
	EXPECT_NE(NULL, strstr(svg, "teach_reno"));
	free(svg);
}

TEST_F(plot, unwritable_figure_is_named_before_gnuplot_runs)
{
	/* gnuplot is never reached: a missing one would be named instead */
	setenv("TCPTEACH_GNUPLOT", "no-such-gnuplot-here", 1);
	EXPECT_EQ(1, CLI(self->o, "plot", DATA "/reno.csv", "-o",
			 "/nonexistent/dir/fig.png"));
	unsetenv("TCPTEACH_GNUPLOT");
	EXPECT_NE(NULL, strstr(self->o->err,
			       "cannot write /nonexistent/dir/fig.png: No such file or directory"))
		TH_LOG("%s", self->o->err);
	EXPECT_EQ(NULL, strstr(self->o->err, "gnuplot"));
}

TEST_HARNESS_MAIN
