// SPDX-License-Identifier: GPL-2.0
/*
 * `tcpteach list` and `tcpteach use`: which congestion controls the kernel
 * has, which unprivileged sockets may pick, which one new sockets get, and
 * changing that default (system-wide or in one network namespace).
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "lib/json.h"

#define SYSCTL "/proc/sys/net/ipv4/"
#define AVAILABLE SYSCTL "tcp_available_congestion_control"
#define ALLOWED SYSCTL "tcp_allowed_congestion_control"
#define DEFAULT SYSCTL "tcp_congestion_control"

static const char *const params[] = {
	"initial_cwnd", "initial_ssthresh", "events_size", "events_port",
};

#define NPARAMS (sizeof(params) / sizeof(params[0]))

static void json_words(struct json *j, const char *list)
{
	char buf[1024], *w, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	json_array_begin(j);
	for (w = strtok_r(buf, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save))
		json_str(j, w);
	json_array_end(j);
}

static void list_usage(FILE *f)
{
	fputs("usage: tcpteach list [--json]\n\n"
	      "Show the congestion controls of this network namespace: the\n"
	      "default for new sockets, the available ones, the ones allowed\n"
	      "for unprivileged sockets, and whether tcp_teach is loaded with\n"
	      "its module parameters.  Output lines are 'key value...'.\n", f);
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char avail[1024] = "", allowed[1024] = "", def[128] = "";
	char path[PATH_MAX], val[64];
	int json = 0, c, loaded;
	size_t i;

	optind = 0;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			list_usage(stdout);
			return EXIT_OK;
		default:
			list_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("list: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (cli_read_file(AVAILABLE, avail, sizeof(avail)) ||
	    cli_read_file(DEFAULT, def, sizeof(def))) {
		cli_err("list: cannot read %s: %s (is /proc mounted?)",
			AVAILABLE, strerror(errno));
		return EXIT_FAIL;
	}
	cli_read_file(ALLOWED, allowed, sizeof(allowed));
	loaded = access(cli_sys_path(path, sizeof(path), "parameters"),
			F_OK) == 0;

	if (json) {
		struct json j;

		json_init(&j, stdout);
		json_object_begin(&j);
		json_key(&j, "default");
		json_str(&j, def);
		json_key(&j, "available");
		json_words(&j, avail);
		json_key(&j, "allowed");
		json_words(&j, allowed);
		json_key(&j, "module");
		json_object_begin(&j);
		json_key(&j, "loaded");
		json_bool(&j, loaded);
		json_key(&j, "params");
		json_object_begin(&j);
		for (i = 0; loaded && i < NPARAMS; i++) {
			char p[64];

			snprintf(p, sizeof(p), "parameters/%s", params[i]);
			json_key(&j, params[i]);
			/* unreadable: the key stays, its value is unknown */
			if (cli_read_file(cli_sys_path(path, sizeof(path), p),
					  val, sizeof(val)))
				json_null(&j);
			else
				json_text(&j, val);
		}
		json_end(&j);
		return EXIT_OK;
	}
	printf("default %s\n", def);
	printf("available %s\n", avail);
	printf("allowed %s\n", allowed);
	printf("module %s\n", loaded ? "loaded" : "not-loaded");
	for (i = 0; loaded && i < NPARAMS; i++) {
		char p[64];

		snprintf(p, sizeof(p), "parameters/%s", params[i]);
		if (cli_read_file(cli_sys_path(path, sizeof(path), p), val,
				  sizeof(val)) == 0)
			printf("param %s %s\n", params[i], val);
	}
	if (!loaded)
		cli_err("tcp_teach is not loaded (teach_reno, teach_tahoe are missing); "
			LOAD_HINT);
	return EXIT_OK;
}

static void use_usage(FILE *f)
{
	fputs("usage: tcpteach use ALGO [--netns NAME]\n\n"
	      "Make ALGO the default congestion control for new TCP sockets\n"
	      "(net.ipv4.tcp_congestion_control).  A teach_* ALGO loads tcp_teach\n"
	      "if needed.  With --netns, only in that network namespace (a name\n"
	      "from 'ip netns list' or a path such as /proc/PID/ns/net); ALGO is\n"
	      "then also added to net.ipv4.tcp_allowed_congestion_control,\n"
	      "because the kernel lets another namespace default only to an\n"
	      "allowed algorithm.  Needs root.\n", f);
}

static int is_teach(const char *algo)
{
	return strcmp(algo, "teach_reno") == 0 ||
	       strcmp(algo, "teach_tahoe") == 0;
}

/* Add @algo to the init netns' allowed list unless it is there already. */
static int allow_algo(const char *algo)
{
	char allowed[1024], buf[1100], *w, *save = NULL, copy[1024];

	if (cli_read_file(ALLOWED, allowed, sizeof(allowed)))
		return -1;
	snprintf(copy, sizeof(copy), "%s", allowed);
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (strcmp(w, algo) == 0)
			return 0;
	snprintf(buf, sizeof(buf), "%s %s", allowed, algo);
	return cli_write_file(ALLOWED, buf);
}

int cmd_use(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *netns = NULL, *algo;
	char old[128] = "";
	int c, fd;

	optind = 0;
	while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			netns = optarg;
			break;
		case 'h':
			use_usage(stdout);
			return EXIT_OK;
		default:
			use_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		cli_err("use: expected exactly one ALGO (e.g. teach_reno); see 'tcpteach use --help'");
		return EXIT_USAGE;
	}
	algo = argv[optind];
	if (!cli_algo_available(algo) && !is_teach(algo)) {
		cli_err("use: unknown algorithm '%s'", algo);
		cli_print_available();
		return EXIT_USAGE;
	}
	if (geteuid() != 0) {
		cli_err("use: changing the default congestion control needs root (try: sudo tcpteach use %s)",
			algo);
		return EXIT_FAIL;
	}
	if (is_teach(algo) && !cli_algo_available(algo)) {
		if (cli_load_module() || !cli_algo_available(algo)) {
			cli_err("use: %s needs the tcp_teach module, which did not load; "
				LOAD_HINT, algo);
			return EXIT_FAIL;
		}
	}
	if (netns) {
		fd = cli_netns_open("use", netns);
		if (fd < 0)
			return EXIT_FAIL;
		/* allowed in the initial namespace, before leaving it */
		if (allow_algo(algo)) {
			cli_err("use: cannot allow %s in %s: %s", algo, ALLOWED,
				strerror(errno));
			close(fd);
			return EXIT_FAIL;
		}
		if (cli_netns_setns("use", netns, fd))
			return EXIT_FAIL;
	}
	cli_read_file(DEFAULT, old, sizeof(old));
	if (cli_write_file(DEFAULT, algo)) {
		cli_err("use: cannot set %s to %s: %s", DEFAULT, algo,
			strerror(errno));
		if (errno == EPERM)
			cli_err("use: add it to %s first (in the initial namespace)",
				ALLOWED);
		return EXIT_FAIL;
	}
	printf("default %s\nprevious %s\n", algo, old);
	return EXIT_OK;
}
