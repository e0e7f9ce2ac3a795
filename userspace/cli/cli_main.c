// SPDX-License-Identifier: GPL-2.0
/*
 * The dispatcher: `tcpteach SUBCOMMAND [ARGS...]`, in the style of ip(8)
 * and git(1).  Unique prefixes of subcommands are not accepted on purpose:
 * scripts must keep working when a subcommand is added.
 */
#include "cli/cli.h"

#include <string.h>

#include "cli/ttp_cmd.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} cmds[] = {
	{ "list", cmd_list, "algorithms (available, allowed, default) and module parameters" },
	{ "use", cmd_use, "make ALGO the default congestion control (root)" },
	{ "run", cmd_run, "run a program with ALGO on its TCP sockets" },
	{ "show", cmd_show, "snapshot of the sockets using teach_* (/proc/net/tcp_teach)" },
	{ "watch", cmd_watch, "live view of those sockets with a cwnd sparkline" },
	{ "trace", cmd_trace, "record window events as the shared CSV trace" },
	{ "plot", cmd_plot, "draw cwnd/ssthresh/rwnd figures from CSV traces" },
	{ "demo", cmd_demo, "Tahoe vs Reno on a lossy veth link, figure + narration (root)" },
	{ "compare", cmd_compare, "one flow per algorithm through a bottleneck: traces, summary, figure (root)" },
	{ "ttp", cmd_ttp, "the teaching transport (userspace TCP over UDP)" },
	{ "sim", cmd_sim, "the teaching transport over a simulated link" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: tcpteach SUBCOMMAND [OPTIONS] [ARGS...]\n"
	      "       tcpteach SUBCOMMAND --help\n"
	      "       tcpteach --version\n\n"
	      "Learn TCP congestion control (teach_reno, teach_tahoe) on a real kernel.\n\n"
	      "subcommands:\n", f);
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-7s %s\n", cmds[i].name, cmds[i].help);
	fputs("\nexit status: 0 ok, 1 failure, 2 usage error.  See tcpteach(1).\n",
	      f);
}

int cmd_ttp(int argc, char **argv)
{
	return ttp_cmd_main(argc, argv);
}

int cmd_sim(int argc, char **argv)
{
	return sim_cmd_main(argc, argv);
}

int tcpteach_main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("tcpteach %s\n", TCPTEACH_VERSION);
		return EXIT_OK;
	}
	if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	for (i = 0; i < NCMDS; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	cli_err("unknown subcommand '%s'; try 'tcpteach --help'", argv[1]);
	fputs("subcommands:", stderr);
	for (i = 0; i < NCMDS; i++)
		fprintf(stderr, " %s", cmds[i].name);
	fputc('\n', stderr);
	return EXIT_USAGE;
}
