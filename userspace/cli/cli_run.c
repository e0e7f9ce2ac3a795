// SPDX-License-Identifier: GPL-2.0
/*
 * `tcpteach run --cc ALGO -- COMMAND...`: run an unmodified program with
 * ALGO on its TCP sockets and leave the system default alone.  The
 * LD_PRELOAD shim libtcpteach_preload.so sets TCP_CONGESTION on each new
 * TCP socket; this command finds it, checks ALGO and execs COMMAND.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SHIM "libtcpteach_preload.so"

static void run_usage(FILE *f)
{
	fputs("usage: tcpteach run --cc ALGO [--] COMMAND [ARGS...]\n\n"
	      "Run COMMAND with congestion control ALGO on every TCP socket it\n"
	      "creates (an LD_PRELOAD shim calls setsockopt(TCP_CONGESTION)), e.g.\n"
	      "  tcpteach run --cc teach_tahoe -- iperf3 -c 10.0.0.2\n"
	      "Congestion control acts where data is sent: run the sender (iperf3 -c,\n"
	      "curl -T FILE URL); a program that only receives is not affected.\n"
	      "The shim is " SHIM " next to the tcpteach binary or in\n"
	      "/usr/local/lib/tcpteach/ ($TCPTEACH_PRELOAD overrides).  Statically\n"
	      "linked programs cannot be shimmed.  Without root, ALGO must be\n"
	      "listed in net.ipv4.tcp_allowed_congestion_control.\n", f);
}

static int find_shim(char *buf, size_t len)
{
	const char *env = getenv("TCPTEACH_PRELOAD");
	char dir[PATH_MAX / 2];

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return access(buf, R_OK);
	}
	if (cli_self_dir(dir, sizeof(dir)) == 0) {
		snprintf(buf, len, "%s/%s", dir, SHIM);
		if (access(buf, R_OK) == 0)
			return 0;
		snprintf(buf, len, "%s/../lib/tcpteach/%s", dir, SHIM);
		if (access(buf, R_OK) == 0)
			return 0;
	}
	snprintf(buf, len, "/usr/local/lib/tcpteach/%s", SHIM);
	return access(buf, R_OK);
}

/*
 * Ask the kernel on a throwaway socket whether this process may use
 * @algo: without CAP_NET_ADMIN it must be in tcp_allowed_congestion_control.
 * Failing here beats running the program on the default algorithm.
 */
static int cc_refused(const char *algo)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP), rc;

	if (fd < 0)
		return 0;	/* no IPv4 here: the shim reports per socket */
	rc = setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, algo,
			(socklen_t)strlen(algo));
	if (rc && errno == EPERM)
		cli_err("run: %s is not allowed for unprivileged programs: run as root, or add it to net.ipv4.tcp_allowed_congestion_control",
			algo);
	else if (rc)
		cli_err("run: the kernel refuses %s: %s", algo, strerror(errno));
	close(fd);
	return rc != 0;
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cc", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *algo = NULL, *old;
	char shim[PATH_MAX], *preload;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			algo = optarg;
			break;
		case 'h':
			run_usage(stdout);
			return EXIT_OK;
		default:
			run_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!algo) {
		cli_err("run: missing --cc ALGO (e.g. --cc teach_reno); see 'tcpteach run --help'");
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		cli_err("run: missing COMMAND to run (the sender), e.g. tcpteach run --cc %s -- iperf3 -c 10.0.0.2",
			algo);
		return EXIT_USAGE;
	}
	if (!cli_algo_available(algo)) {
		if (strcmp(algo, "teach_reno") && strcmp(algo, "teach_tahoe")) {
			cli_err("run: unknown algorithm '%s'", algo);
			cli_print_available();
			return EXIT_USAGE;
		}
		if (geteuid() != 0 || cli_load_module() ||
		    !cli_algo_available(algo)) {
			cli_err("run: %s needs the tcp_teach module, which is not loaded; "
				LOAD_HINT, algo);
			return EXIT_FAIL;
		}
	}
	if (cc_refused(algo))
		return EXIT_FAIL;
	if (find_shim(shim, sizeof(shim))) {
		cli_err("run: cannot find the shim %s (looked next to the tcpteach binary and in /usr/local/lib/tcpteach): build it with 'make userspace' or install with 'make install'",
			SHIM);
		return EXIT_FAIL;
	}
	old = getenv("LD_PRELOAD");
	if (old && *old) {
		size_t n = strlen(shim) + strlen(old) + 2;

		preload = malloc(n);
		if (!preload)
			return EXIT_FAIL;
		snprintf(preload, n, "%s:%s", shim, old);
	} else {
		preload = shim;
	}
	if (setenv("LD_PRELOAD", preload, 1) ||
	    setenv("TCPTEACH_CC", algo, 1)) {
		cli_err("run: setenv: %s", strerror(errno));
		return EXIT_FAIL;
	}
	execvp(argv[optind], argv + optind);
	cli_err("run: cannot run '%s': %s", argv[optind], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
