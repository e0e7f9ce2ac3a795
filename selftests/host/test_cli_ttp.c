// SPDX-License-Identifier: GPL-2.0
/*
 * The command lines of `tcpteach ttp` and `tcpteach sim`: options
 * anywhere, clear errors that quote what was given, the summary's words,
 * the SYN-flood figures.
 */
#include "kselftest_harness.h"
#include "cli_test.h"

FIXTURE(ttp)
{
	struct cli_out *o;
};

FIXTURE_SETUP(ttp)
{
	self->o = malloc(sizeof(*self->o));
	ASSERT_NE(NULL, self->o);
}

FIXTURE_TEARDOWN(ttp)
{
	free(self->o);
}

TEST_F(ttp, options_after_the_arguments)
{
	/* the docs' order: FILE HOST:PORT, then options */
	EXPECT_EQ(1, CLI(self->o, "ttp", "send", "/nonexistent/file.bin",
			 "127.0.0.1:5001", "--cc", "reno", "--trace",
			 "/nonexistent/run.csv"));
	EXPECT_EQ(NULL, strstr(self->o->err, "send needs")) TH_LOG("%s", self->o->err);
	EXPECT_NE(NULL, strstr(self->o->err, "/nonexistent/run.csv"));
	/* options are still checked there */
	EXPECT_EQ(2, CLI(self->o, "ttp", "send", "f", "127.0.0.1:5001", "--cc",
			 "vegas"));
	EXPECT_NE(NULL, strstr(self->o->err, "unknown algorithm 'vegas'"));
	/* "--" ends the options */
	EXPECT_EQ(2, CLI(self->o, "sim", "--", "--loss"));
	EXPECT_NE(NULL, strstr(self->o->err, "unexpected argument '--loss'"));
	EXPECT_EQ(0, CLI(self->o, "sim", "--size", "20k", "-q"));
}

TEST_F(ttp, errors_quote_the_whole_argument)
{
	EXPECT_EQ(2, CLI(self->o, "ttp", "send", "f", "127.0.0.1:99999"));
	EXPECT_NE(NULL, strstr(self->o->err, "bad destination '127.0.0.1:99999'"))
		TH_LOG("%s", self->o->err);
	EXPECT_EQ(2, CLI(self->o, "ttp", "send", "f", "127.0.0.1:0"));
	EXPECT_NE(NULL, strstr(self->o->err, "'127.0.0.1:0'"));
	EXPECT_EQ(2, CLI(self->o, "sim", "--rtt", "0"));
	EXPECT_NE(NULL, strstr(self->o->err, "bad RTT '0'"));
	EXPECT_NE(NULL, strstr(self->o->err, "1..600000"));
	EXPECT_EQ(2, CLI(self->o, "sim", "--drop", "3,"));
	EXPECT_EQ(2, CLI(self->o, "sim", "--drop", "-3"));
	EXPECT_EQ(2, CLI(self->o, "sim", "--size", "k"));
	EXPECT_EQ(2, CLI(self->o, "sim", "--size", "3G"));
	EXPECT_EQ(0, CLI(self->o, "sim", "--size", "2k", "--drop", "1,2", "-q"));
}

TEST_F(ttp, help_prints_a_plain_percent)
{
	EXPECT_EQ(0, CLI(self->o, "sim", "--help"));
	EXPECT_NE(NULL, strstr(self->o->out, "a percentage (5%)"));
	EXPECT_EQ(NULL, strstr(self->o->out, "%%"));
}

TEST_F(ttp, summary_says_refused_and_dropped_apart)
{
	EXPECT_EQ(0, CLI(self->o, "sim", "--drop", "20"));
	EXPECT_NE(NULL, strstr(self->o->out, "refused 0\n")) TH_LOG("%s", self->o->out);
	EXPECT_NE(NULL, strstr(self->o->out, "1 dropped as scripted"));
	EXPECT_EQ(1, count_of(self->o->out, "dropped"));
}

TEST_F(ttp, syn_flood_shows_the_half_open_table_and_cookies)
{
	unsigned long long spoofed, syns, sent, ok;
	unsigned int max, backlog;
	const char *p;

	EXPECT_EQ(0, CLI(self->o, "sim", "--syn-flood", "5000"));
	p = strstr(self->o->out, "syn flood: ");
	ASSERT_NE(NULL, p) TH_LOG("%s", self->o->out);
	ASSERT_EQ(4, sscanf(p, "syn flood: %llu spoofed SYNs, listener got %llu SYNs; half-open entries at most %u of %u",
			    &spoofed, &syns, &max, &backlog));
	EXPECT_EQ(5000ULL, spoofed);
	EXPECT_GT(syns, 100ULL);
	/* the table fills up and never grows past the backlog */
	EXPECT_EQ(backlog, max);
	p = strstr(self->o->out, "SYN cookies: ");
	ASSERT_NE(NULL, p);
	ASSERT_EQ(2, sscanf(p, "SYN cookies: %llu sent when the table was full, %llu proved",
			    &sent, &ok));
	EXPECT_GT(sent, 0ULL);
	/* the real client got through */
	EXPECT_NE(NULL, strstr(self->o->out, "integrity ok"));
	EXPECT_EQ(0, CLI(self->o, "sim", "--size", "20k"));
	EXPECT_EQ(NULL, strstr(self->o->out, "syn flood"));
}

TEST_F(ttp, recv_timeout_without_a_sender)
{
	/* used to wait forever; the harness' own timeout would fail it */
	EXPECT_EQ(1, CLI(self->o, "ttp", "recv", "--port", "0", "--timeout",
			 "1", "-o", "/dev/null"));
	EXPECT_NE(NULL, strstr(self->o->err, "no sender came")) TH_LOG("%s", self->o->err);
}

TEST_HARNESS_MAIN
