// SPDX-License-Identifier: GPL-2.0
/*
 * tcpteach's command line: --help everywhere, usage errors exit 2 with a
 * message that names the problem and the fix.
 */
#include "kselftest_harness.h"
#include "cli_test.h"

static const char *const subcommands[] = {
	"list", "use", "run", "show", "watch", "trace", "plot", "demo",
};

TEST(help_everywhere)
{
	struct cli_out *o = malloc(sizeof(*o));
	size_t i;

	ASSERT_NE(NULL, o);
	ASSERT_EQ(0, CLI(o, "--help"));
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		EXPECT_NE(NULL, strstr(o->out, subcommands[i]));
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		char want[64];

		snprintf(want, sizeof(want), "usage: tcpteach %s", subcommands[i]);
		EXPECT_EQ(0, CLI(o, subcommands[i], "--help"));
		EXPECT_NE(NULL, strstr(o->out, want)) TH_LOG("%s", want);
	}
	free(o);
}

TEST(version)
{
	struct cli_out *o = malloc(sizeof(*o));

	ASSERT_NE(NULL, o);
	EXPECT_EQ(0, CLI(o, "--version"));
	EXPECT_EQ(0, strcmp(o->out, "tcpteach " TCPTEACH_VERSION "\n"));
	EXPECT_EQ(0, CLI(o, "--help"));
	EXPECT_NE(NULL, strstr(o->out, "tcpteach --version"));
	free(o);
}

TEST(unknown_or_missing_subcommand)
{
	struct cli_out *o = malloc(sizeof(*o));
	const char *none[] = { NULL };

	ASSERT_NE(NULL, o);
	EXPECT_EQ(2, cli_call(o, none));
	EXPECT_NE(NULL, strstr(o->err, "usage: tcpteach"));
	EXPECT_EQ(2, CLI(o, "frobnicate"));
	EXPECT_NE(NULL, strstr(o->err, "unknown subcommand 'frobnicate'"));
	EXPECT_NE(NULL, strstr(o->err, "tcpteach --help"));
	EXPECT_EQ(2, CLI(o, "show", "--bogus-option"));
	free(o);
}

TEST(unknown_algorithm_lists_the_available_ones)
{
	struct cli_out *o = malloc(sizeof(*o));

	ASSERT_NE(NULL, o);
	EXPECT_EQ(2, CLI(o, "use", "vegas_nonexistent"));
	EXPECT_NE(NULL, strstr(o->err, "unknown algorithm 'vegas_nonexistent'"));
	EXPECT_NE(NULL, strstr(o->err, "available algorithms:"));
	EXPECT_NE(NULL, strstr(o->err, "teach_reno"));
	EXPECT_NE(NULL, strstr(o->err, "teach_tahoe"));
	EXPECT_EQ(2, CLI(o, "run", "--cc", "teach_nope", "--", "true"));
	EXPECT_NE(NULL, strstr(o->err, "unknown algorithm 'teach_nope'"));
	EXPECT_NE(NULL, strstr(o->err, "teach_tahoe"));
	free(o);
}

TEST(missing_arguments)
{
	struct cli_out *o = malloc(sizeof(*o));

	ASSERT_NE(NULL, o);
	EXPECT_EQ(2, CLI(o, "use"));
	EXPECT_NE(NULL, strstr(o->err, "exactly one ALGO"));
	EXPECT_EQ(2, CLI(o, "use", "reno", "cubic"));
	EXPECT_EQ(2, CLI(o, "run", "--", "true"));
	EXPECT_NE(NULL, strstr(o->err, "missing --cc"));
	EXPECT_EQ(2, CLI(o, "run", "--cc", "reno"));
	EXPECT_NE(NULL, strstr(o->err, "missing COMMAND"));
	EXPECT_EQ(2, CLI(o, "trace", "--port", "70000"));
	EXPECT_NE(NULL, strstr(o->err, "1..65535"));
	/* the module's 0 means every port: not a filter to ask for */
	EXPECT_EQ(2, CLI(o, "trace", "--port", "0"));
	EXPECT_NE(NULL, strstr(o->err, "bad --port '0': expected 1..65535"));
	EXPECT_EQ(2, CLI(o, "show", "--port", "0"));
	EXPECT_EQ(2, CLI(o, "watch", "--port", "0"));
	EXPECT_EQ(2, CLI(o, "trace", "--duration", "soon"));
	EXPECT_EQ(2, CLI(o, "trace", "--count", "0"));
	EXPECT_EQ(2, CLI(o, "watch", "--interval", "0"));
	EXPECT_NE(NULL, strstr(o->err, "seconds > 0"));
	EXPECT_EQ(2, CLI(o, "show", "--port", "http"));
	EXPECT_EQ(2, CLI(o, "list", "extra"));
	EXPECT_EQ(2, CLI(o, "demo", "--bytes", "10"));
	EXPECT_NE(NULL, strstr(o->err, "--bytes"));
	EXPECT_EQ(2, CLI(o, "demo", "--delay", "0"));
	free(o);
}

TEST(list_reads_this_namespace)
{
	struct cli_out *o = malloc(sizeof(*o));
	char avail[1024];
	FILE *f;

	ASSERT_NE(NULL, o);
	f = fopen("/proc/sys/net/ipv4/tcp_available_congestion_control", "r");
	if (!f)
		SKIP(free(o); return, "no /proc/sys/net");
	ASSERT_NE(NULL, fgets(avail, sizeof(avail), f));
	fclose(f);
	avail[strcspn(avail, "\n")] = '\0';
	ASSERT_EQ(0, CLI(o, "list"));
	EXPECT_NE(NULL, strstr(o->out, "default "));
	EXPECT_NE(NULL, strstr(o->out, avail));
	EXPECT_NE(NULL, strstr(o->out, "module "));
	ASSERT_EQ(0, CLI(o, "list", "--json"));
	EXPECT_EQ('{', o->out[0]);
	EXPECT_NE(NULL, strstr(o->out, "\"available\": ["));
	EXPECT_NE(NULL, strstr(o->out, "\"loaded\": "));
	/* parameters as the module shows them (fixture sysfs dir) */
	setenv("TCPTEACH_SYS_DIR", DATA "/sys_tcp_teach", 1);
	ASSERT_EQ(0, CLI(o, "list"));
	EXPECT_NE(NULL, strstr(o->out, "module loaded"));
	EXPECT_NE(NULL, strstr(o->out, "param initial_cwnd 1\n"));
	EXPECT_NE(NULL, strstr(o->out, "param initial_ssthresh 65536\n"));
	ASSERT_EQ(0, CLI(o, "list", "--json"));
	EXPECT_NE(NULL, strstr(o->out, "\"initial_ssthresh\": 65536"));
	unsetenv("TCPTEACH_SYS_DIR");
	free(o);
}

TEST(netns_not_found_is_named)
{
	static const char *const cmds[] = { "show", "watch", "trace", "use" };
	struct cli_out *o = malloc(sizeof(*o));
	size_t i;

	ASSERT_NE(NULL, o);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		int use = strcmp(cmds[i], "use") == 0;

		EXPECT_EQ(1, CLI(o, cmds[i], use ? "reno" : "--netns",
				 use ? "--netns" : "tt-no-such-ns",
				 use ? "tt-no-such-ns" : NULL));
		EXPECT_NE(NULL, strstr(o->err, "network namespace 'tt-no-such-ns' not found"))
			TH_LOG("%s: %s", cmds[i], o->err);
		EXPECT_NE(NULL, strstr(o->err, "ip netns list"));
	}
	free(o);
}

TEST(run_without_the_shim_says_how_to_build_it)
{
	struct cli_out *o = malloc(sizeof(*o));

	ASSERT_NE(NULL, o);
	setenv("TCPTEACH_PRELOAD", "/nonexistent/libtcpteach_preload.so", 1);
	EXPECT_EQ(1, CLI(o, "run", "--cc", "reno", "--", "true"));
	EXPECT_NE(NULL, strstr(o->err, "make userspace"));
	unsetenv("TCPTEACH_PRELOAD");
	free(o);
}

TEST_HARNESS_MAIN
