// SPDX-License-Identifier: GPL-2.0
/*
 * `tcpteach compare ALGO...`: one flow per algorithm through the same
 * bottleneck, one after another or all at once, each recorded the same
 * way (the tcp:tcp_probe tracepoint, so teach_* and Linux's own
 * algorithms are in the same columns), summed up and drawn.
 *
 * The link: three anonymous network namespaces, sender - router -
 * receiver, joined by veth pairs without offloads.  The router holds the
 * bottleneck (netem rate RATE, a drop-tail queue of QUEUE packets, random
 * loss) on its way to the receiver and the whole base RTT (netem delay)
 * on the ACK path.  The queue is in the router, not in the sender, so
 * TCP small queues cannot cap the sender below its window.  Only our
 * file descriptors and children hold the namespaces: however the run
 * ends, its links and qdiscs go with them.
 */
#include "cli/cli.h"
#include "cli/cli_compare.h"
#include "cli/cli_trace_tp.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/tcp.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/json.h"
#include "teach_cc.h"

#define CMP_PORT	5002
#define SND_NET		"10.79.0"
#define RCV_NET		"10.79.1"
#define RCV_ADDR	RCV_NET ".2"
#define SND_ADDR	SND_NET ".1"
#define CMP_SPORT	5100	/* flow i sends from port CMP_SPORT + i */
#define CMP_PKT		1500	/* bytes on the wire per full segment */

static void cmp_usage(FILE *f)
{
	fputs("usage: tcpteach compare [OPTIONS] ALGO [ALGO...]\n\n"
	      "Run one bulk flow per congestion control algorithm through the same\n"
	      "bottleneck and compare them: reno, cubic, bbr, ... (the kernel's\n"
	      "tcp_available_congestion_control) and teach_reno, teach_tahoe (module\n"
	      "tcp_teach).  Sender, router and receiver are network namespaces; the\n"
	      "router sends at RATE through a drop-tail queue of QUEUE packets with\n"
	      "random LOSS and delays the ACKs by the RTT.  Every flow is recorded\n"
	      "through the tcp:tcp_probe and tcp:tcp_cong_state_set tracepoints.\n"
	      "  --rate MBIT    bottleneck rate, Mbit/s (default 20)\n"
	      "  --rtt MS       base round-trip time (default 40)\n"
	      "  --loss PCT     random loss at the bottleneck, percent (default 0)\n"
	      "  --queue PKTS   bottleneck queue in packets (default: one BDP)\n"
	      "  --time SECS    how long each flow sends (default 10)\n"
	      "  --together     all flows at once, sharing the link (default: one\n"
	      "                 after another on the same link)\n"
	      "  -o DIR         the run directory (default ./tcpteach-compare):\n"
	      "                   run.json        parameters, kernel, module parameters\n"
	      "                   N-ALGO.csv      the trace of each flow ('tcpteach trace' columns)\n"
	      "                   summary.csv     goodput, retransmits, fast retransmits,\n"
	      "                                   timeouts (Jain's fairness index with --together)\n"
	      "                   compare.svg .png  cwnd over time per flow\n"
	      "'tcpteach plot DIR' draws the figure of a saved run again.\n"
	      "Needs root, iproute2, ethtool, tracefs, gnuplot-nox for the figure;\n"
	      "teach_* needs tcp_teach loaded (it is never loaded for you).\n", f);
}

/* A decimal number in [@min, @max]. */
static int parse_num(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int valid_algo_name(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n >= CMP_ALGO_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return 0;
	return 1;
}

int cmp_parse(int argc, char **argv, struct cmp_cfg *c, int *done)
{
	static const struct option opts[] = {
		{ "rate", required_argument, NULL, 'r' },
		{ "rtt", required_argument, NULL, 'R' },
		{ "loss", required_argument, NULL, 'l' },
		{ "queue", required_argument, NULL, 'q' },
		{ "time", required_argument, NULL, 't' },
		{ "together", no_argument, NULL, 'T' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double v;
	int ch;

	memset(c, 0, sizeof(*c));
	c->rate_mbit = 20;
	c->rtt_ms = 40;
	c->seconds = 10;
	c->dir = "tcpteach-compare";
	*done = 0;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (parse_num(optarg, 0.1, 10000, &c->rate_mbit)) {
				cli_err("compare: bad --rate '%s': expected Mbit/s from 0.1 to 10000, e.g. --rate 20",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'R':
			if (cli_parse_uint(optarg, 2000, &c->rtt_ms) ||
			    !c->rtt_ms) {
				cli_err("compare: bad --rtt '%s': expected milliseconds from 1 to 2000, e.g. --rtt 40",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'l':
			if (parse_num(optarg, 0, 50, &c->loss_pct)) {
				cli_err("compare: bad --loss '%s': expected a percentage from 0 to 50, e.g. --loss 0.5",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'q':
			if (cli_parse_uint(optarg, 100000, &c->queue) ||
			    c->queue < 2) {
				cli_err("compare: bad --queue '%s': expected packets from 2 to 100000 (default: one BDP)",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 't':
			if (parse_num(optarg, 0.5, 3600, &v)) {
				cli_err("compare: bad --time '%s': expected seconds from 0.5 to 3600, e.g. --time 10",
					optarg);
				return EXIT_USAGE;
			}
			c->seconds = v;
			break;
		case 'T':
			c->together = 1;
			break;
		case 'o':
			if (!*optarg) {
				cli_err("compare: bad -o '': name a directory");
				return EXIT_USAGE;
			}
			c->dir = optarg;
			break;
		case 'h':
			cmp_usage(stdout);
			*done = 1;
			return EXIT_OK;
		default:
			cmp_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_err("compare: name at least one algorithm, e.g. tcpteach compare teach_reno cubic");
		return EXIT_USAGE;
	}
	for (; optind < argc; optind++) {
		if (c->nalgos == CMP_MAX_FLOWS) {
			cli_err("compare: at most %d algorithms at a time",
				CMP_MAX_FLOWS);
			return EXIT_USAGE;
		}
		if (!valid_algo_name(argv[optind])) {
			cli_err("compare: bad algorithm name '%s': letters, digits, '_' and '-', at most %d characters",
				argv[optind], CMP_ALGO_LEN - 1);
			return EXIT_USAGE;
		}
		c->algos[c->nalgos++] = argv[optind];
	}
	if (c->together && c->nalgos < 2) {
		cli_err("compare: --together needs two algorithms or more to share the link");
		return EXIT_USAGE;
	}
	if (!c->queue)
		c->queue = cmp_bdp_packets(c->rate_mbit, c->rtt_ms);
	return 0;
}

unsigned long cmp_bdp_packets(double rate_mbit, unsigned long rtt_ms)
{
	double p = ceil(rate_mbit * 1e6 * (double)rtt_ms / 1000 /
			(8.0 * CMP_PKT));

	return p < 4 ? 4 : (unsigned long)p;
}

double cmp_goodput_mbit(const struct cmp_flow *f)
{
	return f->seconds > 0 ? (double)f->bytes * 8 / f->seconds / 1e6 : 0;
}

double cmp_jain(const double *x, int n)
{
	double s = 0, s2 = 0;
	int i;

	for (i = 0; i < n; i++) {
		s += x[i];
		s2 += x[i] * x[i];
	}
	return s2 > 0 ? s * s / ((double)n * s2) : 0;
}

int cmp_count_trace(const char *path, struct cmp_flow *f)
{
	FILE *in = fopen(path, "r");
	char line[1024], err[256];
	unsigned long lineno = 0;

	f->rows = f->fast_retransmits = f->timeouts = 0;
	if (!in) {
		cli_err("compare: %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), in)) {
		struct trace_row r;

		if (++lineno == 1 && trace_is_header(line))
			continue;
		if (trace_parse_row(line, &r, err, sizeof(err))) {
			cli_err("compare: %s:%lu: %s", path, lineno, err);
			fclose(in);
			return -1;
		}
		f->rows++;
		f->fast_retransmits += r.event == TEACH_EV_FAST_RETRANSMIT;
		f->timeouts += r.event == TEACH_EV_TIMEOUT;
	}
	fclose(in);
	return 0;
}

int cmp_json_get_str(const char *json, const char *key, char *out,
		     size_t len)
{
	char pat[80];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p || !len)
		return -1;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	if (*p++ != '"')
		return -1;
	for (; *p && *p != '"'; p++) {
		char ch = *p;

		if (ch == '\\') {
			unsigned int u;

			p++;
			if (*p == 'n')
				ch = '\n';
			else if (*p == 't')
				ch = '\t';
			else if (*p == 'u' && sscanf(p + 1, "%4x", &u) == 1 &&
				 u < 0x80) {
				ch = (char)u;
				p += 4;
			} else if (*p == '"' || *p == '\\' || *p == '/') {
				ch = *p;
			} else {
				return -1;
			}
		}
		if (n + 1 >= len)
			return -1;
		out[n++] = ch;
	}
	if (*p != '"')
		return -1;
	out[n] = '\0';
	return 0;
}

void cmp_title(char *buf, size_t len, const struct cmp_cfg *c)
{
	size_t off = 0;
	int i;

	/* short enough for the figure's width with four algorithms */
	buf[0] = '\0';
	if (c->together)
		off = (size_t)snprintf(buf, len, "together: ");
	for (i = 0; i < c->nalgos && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? ", " : "", c->algos[i]);
	if (off < len)
		snprintf(buf + off, len - off,
			 " | %g Mbit/s, RTT %lu ms, queue %lu pkts, loss %g%%",
			 c->rate_mbit, c->rtt_ms, c->queue, c->loss_pct);
}

/* The module's parameters as a JSON object, or null when not loaded. */
static void json_module_params(struct json *j)
{
	char dir[PATH_MAX], path[PATH_MAX + 256], val[256];
	struct dirent **ents;
	int n, i;

	cli_sys_path(dir, sizeof(dir), "parameters");
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir,
				 ents[i]->d_name);
			json_key(j, ents[i]->d_name);
			if (cli_read_file(path, val, sizeof(val)))
				json_null(j);
			else
				json_text(j, val);
		}
		free(ents[i]);
	}
	free(ents);
	json_object_end(j);
}

int cmp_write_run_json(FILE *f, const struct cmp_cfg *c,
		       const struct cmp_flow *fl, int n, const char *title,
		       int argc, char **argv)
{
	struct utsname u;
	double g[CMP_MAX_FLOWS];
	struct json j;
	int i;

	if (uname(&u))
		memset(&u, 0, sizeof(u));
	json_init(&j, f);
	json_object_begin(&j);
	json_key(&j, "tcpteach_version");
	json_str(&j, TCPTEACH_VERSION);
	json_key(&j, "command");
	json_array_begin(&j);
	for (i = 0; i < argc; i++)
		json_str(&j, argv[i]);
	json_array_end(&j);
	json_key(&j, "kernel");
	json_object_begin(&j);
	json_key(&j, "release");
	json_str(&j, u.release);
	json_key(&j, "version");
	json_str(&j, u.version);
	json_key(&j, "machine");
	json_str(&j, u.machine);
	json_object_end(&j);
	json_key(&j, "tcp_teach_parameters");
	json_module_params(&j);
	json_key(&j, "mode");
	json_str(&j, c->together ? "together" : "one after another");
	json_key(&j, "link");
	json_object_begin(&j);
	json_key(&j, "rate_mbit");
	json_double(&j, c->rate_mbit);
	json_key(&j, "rtt_ms");
	json_uint(&j, c->rtt_ms);
	json_key(&j, "loss_pct");
	json_double(&j, c->loss_pct);
	json_key(&j, "queue_packets");
	json_uint(&j, c->queue);
	json_key(&j, "bdp_packets");
	json_uint(&j, cmp_bdp_packets(c->rate_mbit, c->rtt_ms));
	json_key(&j, "topology");
	json_str(&j, "sender -> router (netem rate, drop-tail queue, loss) -> receiver; ACKs delayed by the RTT at the router; offloads off");
	json_object_end(&j);
	json_key(&j, "seconds_per_flow");
	json_double(&j, c->seconds);
	json_key(&j, "recorded_with");
	json_str(&j, "tracepoints tcp:tcp_probe and tcp:tcp_cong_state_set");
	json_key(&j, "title");
	json_str(&j, title);
	json_key(&j, "flows");
	json_array_begin(&j);
	for (i = 0; i < n; i++) {
		g[i] = cmp_goodput_mbit(&fl[i]);
		json_object_begin(&j);
		json_key(&j, "algo");
		json_str(&j, fl[i].algo);
		json_key(&j, "trace");
		json_str(&j, fl[i].trace);
		json_key(&j, "bytes");
		json_uint(&j, fl[i].bytes);
		json_key(&j, "seconds");
		json_double(&j, fl[i].seconds);
		json_key(&j, "goodput_mbit");
		json_double(&j, g[i]);
		json_key(&j, "retransmits");
		json_uint(&j, fl[i].retransmits);
		json_key(&j, "fast_retransmits");
		json_uint(&j, fl[i].fast_retransmits);
		json_key(&j, "timeouts");
		json_uint(&j, fl[i].timeouts);
		json_key(&j, "trace_rows");
		json_uint(&j, fl[i].rows);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "jain_index");
	if (c->together)
		json_double(&j, cmp_jain(g, n));
	else
		json_null(&j);
	json_key(&j, "figure");
	json_array_begin(&j);
	json_str(&j, "compare.svg");
	json_str(&j, "compare.png");
	json_array_end(&j);
	json_end(&j);
	return ferror(f) ? -1 : 0;
}

int cmp_write_summary(FILE *f, const struct cmp_cfg *c,
		      const struct cmp_flow *fl, int n)
{
	double g[CMP_MAX_FLOWS];
	char jain[32] = "";
	int i;

	for (i = 0; i < n; i++)
		g[i] = cmp_goodput_mbit(&fl[i]);
	if (c->together)
		snprintf(jain, sizeof(jain), "%.6f", cmp_jain(g, n));
	fputs("flow,algo,bytes,seconds,goodput_mbit,retransmits,fast_retransmits,timeouts,trace_rows,trace,jain_index\n",
	      f);
	for (i = 0; i < n; i++)
		fprintf(f, "%d,%s,%llu,%.6f,%.6f,%u,%lu,%lu,%lu,%s,%s\n",
			i + 1, fl[i].algo, fl[i].bytes, fl[i].seconds, g[i],
			fl[i].retransmits, fl[i].fast_retransmits,
			fl[i].timeouts, fl[i].rows, fl[i].trace, jain);
	return ferror(f) ? -1 : 0;
}

int cmp_plot_dir(const char *dir)
{
	char path[PATH_MAX], line[1024], json[65536] = "", title[512];
	char files[CMP_MAX_FLOWS][PATH_MAX], svg[PATH_MAX], png[PATH_MAX];
	const char *fp[CMP_MAX_FLOWS];
	struct plot_opts po = { 0 };
	int n = 0, fd;
	ssize_t got;
	FILE *f;

	snprintf(path, sizeof(path), "%s/run.json", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_err("plot: %s: %s (a run directory of 'tcpteach compare -o DIR' has it)",
			path, strerror(errno));
		return -1;
	}
	got = read(fd, json, sizeof(json) - 1);
	close(fd);
	json[got > 0 ? got : 0] = '\0';
	if (cmp_json_get_str(json, "title", title, sizeof(title)) ||
	    cmp_json_get_str(json, "mode", line, sizeof(line))) {
		cli_err("plot: %s has no \"title\" or \"mode\": not written by tcpteach compare",
			path);
		return -1;
	}
	po.overlay = strcmp(line, "together") == 0;
	po.title = title;
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	f = fopen(path, "r");
	if (!f) {
		cli_err("plot: %s: %s", path, strerror(errno));
		return -1;
	}
	/* the trace is the 10th column: flow,algo,...,trace_rows,trace */
	while (fgets(line, sizeof(line), f)) {
		char *p = line;
		int k;

		if (strncmp(line, "flow,", 5) == 0)
			continue;
		for (k = 0; k < 9 && p; k++) {
			p = strchr(p, ',');
			p = p ? p + 1 : NULL;
		}
		if (!p || n == CMP_MAX_FLOWS || !strchr(p, ',')) {
			cli_err("plot: %s: malformed row: %s", path, line);
			fclose(f);
			return -1;
		}
		*strchr(p, ',') = '\0';
		if (strchr(p, '/')) {
			cli_err("plot: %s: trace '%s' is not a file of the run directory",
				path, p);
			fclose(f);
			return -1;
		}
		snprintf(files[n], sizeof(files[n]), "%s/%s", dir, p);
		fp[n] = files[n];
		n++;
	}
	fclose(f);
	if (!n) {
		cli_err("plot: %s lists no flow", path);
		return -1;
	}
	snprintf(svg, sizeof(svg), "%s/compare.svg", dir);
	snprintf(png, sizeof(png), "%s/compare.png", dir);
	if (plot_files(fp, n, svg, &po) || plot_files(fp, n, png, &po))
		return -1;
	return 0;
}

/* ---- the live part ---- */

/* Is @algo one the kernel offers now?  Never loads a module. */
static int check_algos(const struct cmp_cfg *c)
{
	int i;

	for (i = 0; i < c->nalgos; i++) {
		const char *a = c->algos[i];

		if (cli_algo_available(a))
			continue;
		if (strncmp(a, "teach_", 6) == 0 &&
		    access("/sys/module/tcp_teach", F_OK) != 0)
			cli_err("compare: %s needs tcp_teach, which is not loaded: insmod build/tcp_teach.ko (in a clone), modprobe tcp_teach (installed), or 'make compare' (the VM loads it)",
				a);
		else if (strncmp(a, "teach_", 6) == 0)
			cli_err("compare: tcp_teach is loaded but has no '%s'",
				a);
		else
			cli_err("compare: '%s' is not available on this kernel; if it is a module, load it first: modprobe tcp_%s",
				a, a);
		cli_print_available();
		return -1;
	}
	return 0;
}

static int tracefs_ready(void)
{
	return access("/sys/kernel/tracing/events/tcp/tcp_probe", R_OK) == 0 ||
	       access("/sys/kernel/debug/tracing/events/tcp/tcp_probe",
		      R_OK) == 0;
}

struct bench {
	int orig, snd, rtr, rcv;	/* namespace fds */
};

static void bench_close(struct bench *b)
{
	if (b->snd >= 0)
		close(b->snd);
	if (b->rtr >= 0)
		close(b->rtr);
	if (b->rcv >= 0)
		close(b->rcv);
	if (b->orig >= 0)
		close(b->orig);
	b->snd = b->rtr = b->rcv = b->orig = -1;
}

static int bench_setup(struct bench *b, const struct cmp_cfg *c)
{
	char rate[32], queue[32], delay[32], loss[32];
	const char *const bottleneck[] = { "tc", "qdisc", "add", "dev",
		"cmp-rr", "root", "netem", "rate", rate, "limit", queue,
		c->loss_pct > 0 ? "loss" : NULL, loss, NULL };
	const char *const ackdelay[] = { "tc", "qdisc", "add", "dev",
		"cmp-rs", "root", "netem", "delay", delay, "limit", "100000",
		NULL };
	const char *const rt_snd[] = { "ip", "route", "add", "default", "via",
		SND_NET ".254", NULL };
	const char *const rt_rcv[] = { "ip", "route", "add", "default", "via",
		RCV_NET ".254", NULL };

	b->snd = b->rtr = b->rcv = -1;
	b->orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (b->orig < 0)
		return -1;
	b->snd = link_new_netns("compare", b->orig);
	b->rtr = link_new_netns("compare", b->orig);
	b->rcv = link_new_netns("compare", b->orig);
	if (b->snd < 0 || b->rtr < 0 || b->rcv < 0) {
		cli_err("compare: cannot create a network namespace: %s",
			strerror(errno));
		return -1;
	}
	snprintf(rate, sizeof(rate), "%.0fkbit", c->rate_mbit * 1000);
	snprintf(queue, sizeof(queue), "%lu", c->queue);
	snprintf(delay, sizeof(delay), "%lums", c->rtt_ms);
	snprintf(loss, sizeof(loss), "%g%%", c->loss_pct);
	if (link_veth("compare", b->snd, "cmp-snd", SND_NET ".1/24", b->rtr,
		      "cmp-rs", SND_NET ".254/24") ||
	    link_veth("compare", b->rtr, "cmp-rr", RCV_NET ".254/24", b->rcv,
		      "cmp-rcv", RCV_ADDR "/24") ||
	    link_sh("compare", b->snd, rt_snd) ||
	    link_sh("compare", b->rcv, rt_rcv) ||
	    link_sysctl("compare", b->rtr, b->orig, "ip_forward", "1") ||
	    link_sh("compare", b->rtr, bottleneck) ||
	    link_sh("compare", b->rtr, ackdelay))
		return -1;
	/* each flow starts fresh, not from the last one's ssthresh */
	link_sysctl("compare", b->snd, b->orig, "tcp_no_metrics_save", "1");
	return 0;
}

/*
 * Ours: a sender's socket, known by its port.  Not by sock_diag: a
 * starved tracer may read a short flow's lines after it closed.
 */
static int flow_lookup(const struct tp_rec *r, struct tp_flow *f, void *arg)
{
	const struct cmp_cfg *c = arg;
	unsigned int i = r->lport - CMP_SPORT;

	if (strcmp(r->laddr, SND_ADDR) || r->rport != CMP_PORT ||
	    r->lport < CMP_SPORT || i >= (unsigned int)c->nalgos)
		return -1;
	snprintf(f->algo, sizeof(f->algo), "%s", c->algos[i]);
	return 0;
}

/* The tracer: the tracepoints of port CMP_PORT, seen from the sender. */
static pid_t start_tracer(const struct bench *b, const struct cmp_cfg *c,
			  const char *csv)
{
	struct trace_opts o = { .port = CMP_PORT, .stop = &cli_stop,
				.lookup = flow_lookup,
				.lookup_arg = (void *)c };
	struct trace_result res;
	pid_t pid = link_child_in("compare", b->snd);
	FILE *out;

	if (pid)
		return pid;
	out = fopen(csv, "w");
	if (!out) {
		cli_err("compare: cannot write %s: %s", csv, strerror(errno));
		_exit(EXIT_FAIL);
	}
	if (tp_trace(out, &o, &res) || fclose(out))
		_exit(EXIT_FAIL);
	if (res.dropped)
		cli_err("compare: the trace lost %llu events", res.dropped);
	_exit(EXIT_OK);
}

/* tp_trace writes the header once the tracepoints are on. */
static int tracer_ready(const char *csv, pid_t tracer)
{
	double end = cli_now() + 30;
	struct stat st;

	while (cli_now() < end && !cli_stop) {
		if (stat(csv, &st) == 0 && st.st_size > 0)
			return 0;
		if (waitpid(tracer, NULL, WNOHANG) == tracer)
			return -1;
		usleep(20000);
	}
	return -1;
}

/* The receiver: @n connections, each read to its end by a child. */
static pid_t start_receiver(const struct bench *b, int n, int ready,
			    int report)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(CMP_PORT) };
	pid_t pid = link_child_in("compare", b->rcv);
	int l, one = 1, i;

	if (pid)
		return pid;
	inet_pton(AF_INET, RCV_ADDR, &sin.sin_addr);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one,
				sizeof(one)) ||
	    bind(l, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(l, CMP_MAX_FLOWS)) {
		cli_err("compare: receiver: %s", strerror(errno));
		_exit(EXIT_FAIL);
	}
	if (write(ready, "r", 1) != 1)
		_exit(EXIT_FAIL);
	for (i = 0; i < n; i++) {
		struct sockaddr_in peer;
		socklen_t plen = sizeof(peer);
		int s = accept(l, (struct sockaddr *)&peer, &plen);

		if (s < 0)
			_exit(EXIT_FAIL);
		if (link_child_in("compare", b->rcv) == 0) {
			static char buf[1 << 16];
			unsigned long long bytes = 0;
			char msg[128];
			ssize_t r;
			int len;

			while ((r = read(s, buf, sizeof(buf))) > 0)
				bytes += (unsigned long long)r;
			/* when the last byte came, on the clock all share */
			len = snprintf(msg, sizeof(msg), "R %u %llu %.6f\n",
				       ntohs(peer.sin_port), bytes, cli_now());
			close(s);
			_exit(r < 0 || write(report, msg, (size_t)len) != len ?
			      EXIT_FAIL : EXIT_OK);
		}
		close(s);
	}
	while (wait(NULL) > 0)
		;
	_exit(EXIT_OK);
}

/* A sender: @algo for @seconds, then the end of the stream; report. */
static pid_t start_sender(const struct bench *b, int idx, const char *algo,
			  double seconds, int report)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(CMP_PORT) };
	struct sockaddr_in src = { .sin_family = AF_INET,
				   .sin_port = htons(CMP_SPORT + idx) };
	struct timeval tmo = { .tv_sec = 1 };
	pid_t pid = link_child_in("compare", b->snd);
	static char buf[1 << 16];
	unsigned long long cookie = 0;
	struct tcp_info ti;
	socklen_t len = sizeof(ti), clen = sizeof(cookie);
	struct sockaddr_in me;
	socklen_t mlen = sizeof(me);
	double start, end, give_up;
	int s, n, lowat = 64 << 10, one = 1;
	char msg[128];

	if (pid)
		return pid;
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		_exit(EXIT_FAIL);
	if (setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, algo, strlen(algo))) {
		cli_err("compare: TCP_CONGESTION=%s: %s", algo, strerror(errno));
		_exit(EXIT_FAIL);
	}
	/*
	 * Little unsent data in the socket: the flow ends soon after
	 * --time, not after draining seconds of send buffer.
	 */
	setsockopt(s, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, sizeof(lowat));
	inet_pton(AF_INET, RCV_ADDR, &sin.sin_addr);
	inet_pton(AF_INET, SND_ADDR, &src.sin_addr);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&src, sizeof(src))) {
		cli_err("compare: bind %s:%d: %s", SND_ADDR, CMP_SPORT + idx,
			strerror(errno));
		_exit(EXIT_FAIL);
	}
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin))) {
		cli_err("compare: connect %s:%d: %s", RCV_ADDR, CMP_PORT,
			strerror(errno));
		_exit(EXIT_FAIL);
	}
	/* wake up at least once a second to look at the clock */
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo));
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	/*
	 * The flow's time starts here, not at accept(): a busy receiver
	 * may accept late, after data already arrived.
	 */
	start = cli_now();
	getsockopt(s, SOL_SOCKET, SO_COOKIE, &cookie, &clen);
	getsockname(s, (struct sockaddr *)&me, &mlen);
	memset(buf, 'x', sizeof(buf));
	end = cli_now() + seconds;
	while (cli_now() < end) {
		ssize_t w = send(s, buf, sizeof(buf), MSG_NOSIGNAL);

		if (w < 0 && errno != EAGAIN && errno != EINTR) {
			cli_err("compare: %s: send: %s", algo, strerror(errno));
			_exit(EXIT_FAIL);
		}
	}
	shutdown(s, SHUT_WR);
	/* the receiver closes after the last byte: then all is acked */
	give_up = cli_now() + 120;
	while (cli_now() < give_up) {
		ssize_t r = read(s, buf, sizeof(buf));

		if (r == 0)
			break;
		if (r < 0 && errno != EAGAIN && errno != EINTR)
			break;
	}
	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len))
		_exit(EXIT_FAIL);
	n = snprintf(msg, sizeof(msg), "S %d %u %llu %u %u %.6f\n", idx,
		     ntohs(me.sin_port), cookie, ti.tcpi_total_retrans,
		     ti.tcpi_snd_mss, start);
	_exit(write(report, msg, (size_t)n) == n ? EXIT_OK : EXIT_FAIL);
}

/* Wait until @path stops growing (the tracer caught up), at most 10 s. */
static void trace_settle(const char *path)
{
	double end = cli_now() + 10, still = cli_now();
	off_t last = -1;
	struct stat st;

	while (cli_now() < end && cli_now() - still < 1.0 && !cli_stop) {
		if (stat(path, &st) == 0 && st.st_size != last) {
			last = st.st_size;
			still = cli_now();
		}
		usleep(100000);
	}
}

/*
 * A row of flow @f: time from @t0 on, and the MSS the sender's socket
 * reported (TCP_INFO) where the tracepoint left it empty (11th column).
 */
static void put_row(FILE *out, const char *line, unsigned long long t0,
		    unsigned int mss)
{
	unsigned long long t = strtoull(line, NULL, 10);
	const char *rest = strchr(line, ','), *p = line;
	int k;

	for (k = 0; k < 10 && p; k++) {
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	if (!p || *p != ',' || !mss)
		fprintf(out, "%llu%s", t - t0, rest);
	else
		fprintf(out, "%llu%.*s%u%s", t - t0, (int)(p - rest), rest,
			mss, p);
}

/*
 * Split the tracer's CSV into one trace per flow, by socket cookie.  One
 * after another, each flow's time starts at its first row; together,
 * they share the clock.
 */
static int split_trace(const char *raw, const struct cmp_cfg *c,
		       const struct cmp_flow *fl, int n)
{
	FILE *in = fopen(raw, "r"), *out[CMP_MAX_FLOWS] = { NULL };
	unsigned long long t0[CMP_MAX_FLOWS] = { 0 };
	char line[1024], err[256], path[PATH_MAX];
	unsigned long lineno = 0, other = 0;
	int i, rc = 0, seen[CMP_MAX_FLOWS] = { 0 };

	if (!in) {
		cli_err("compare: %s: %s", raw, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", c->dir, fl[i].trace);
		out[i] = fopen(path, "w");
		if (!out[i]) {
			cli_err("compare: cannot write %s: %s", path,
				strerror(errno));
			rc = -1;
			goto out;
		}
		trace_write_header(out[i]);
	}
	while (fgets(line, sizeof(line), in)) {
		struct trace_row r;
		int k = -1;

		if (++lineno == 1)
			continue;
		if (trace_parse_row(line, &r, err, sizeof(err))) {
			cli_err("compare: %s:%lu: %s", raw, lineno, err);
			rc = -1;
			goto out;
		}
		for (i = 0; i < n; i++)
			if (fl[i].cookie == r.flow)
				k = i;
		/* a kernel without socket cookies: one flow is unambiguous */
		if (k < 0 && n == 1 && !r.flow)
			k = 0;
		if (k < 0) {
			other++;
			continue;
		}
		if (!seen[k]++ && !c->together)
			t0[k] = r.time_us;
		put_row(out[k], line, t0[k], fl[k].mss);
	}
	if (other)
		cli_err("compare: %lu trace rows of other sockets were left out",
			other);
out:
	for (i = 0; i < n; i++)
		if (out[i] && fclose(out[i]))
			rc = -1;
	fclose(in);
	return rc;
}

/* The run's children, and how many senders and receivers reported. */
struct kids {
	pid_t tracer, rcv, snd[CMP_MAX_FLOWS];
	int n;
	int got_s, got_r;
};

static void reap_all(struct kids *g)
{
	int i;

	for (i = 0; i < g->n; i++)
		if (g->snd[i] > 0) {
			kill(g->snd[i], SIGKILL);
			waitpid(g->snd[i], NULL, 0);
			g->snd[i] = -1;
		}
	if (g->rcv > 0) {
		kill(g->rcv, SIGKILL);
		waitpid(g->rcv, NULL, 0);
		g->rcv = -1;
	}
	if (g->tracer > 0) {
		/* SIGTERM: it removes its tracing instance */
		kill(g->tracer, SIGTERM);
		link_wait_child(g->tracer, 10);
		g->tracer = -1;
	}
}

/* A sender or the receiver ended without its report: say so at once. */
static int child_failed(struct kids *g)
{
	int i, status;

	for (i = 0; i <= g->n; i++) {
		pid_t *p = i < g->n ? &g->snd[i] : &g->rcv;

		if (*p > 0 && waitpid(*p, &status, WNOHANG) == *p) {
			*p = -1;
			if (!WIFEXITED(status) || WEXITSTATUS(status)) {
				cli_err("compare: a %s failed (see above)",
					i < g->n ? "sender" : "receiver");
				return 1;
			}
		}
	}
	return 0;
}

/* What the receiver's children said: per connection, in arrival order. */
struct reports {
	int n;
	unsigned int port[CMP_MAX_FLOWS];
	unsigned long long bytes[CMP_MAX_FLOWS];
	double end[CMP_MAX_FLOWS];
};

static int handle_report(char *line, struct cmp_flow *fl,
			 struct kids *g, struct reports *rs)
{
	unsigned long long a, c;
	unsigned int p, r, m;
	double s;
	int i;

	if (sscanf(line, "S %d %u %llu %u %u %lf", &i, &p, &c, &r, &m,
		   &s) == 6 && i >= 0 && i < CMP_MAX_FLOWS) {
		fl[i].lport = p;
		fl[i].cookie = c;
		fl[i].retransmits = r;
		fl[i].mss = m;
		fl[i].seconds = s;	/* its start, until the end is known */
		g->got_s++;
		return 0;
	}
	if (sscanf(line, "R %u %llu %lf", &p, &a, &s) == 3 &&
	    rs->n < CMP_MAX_FLOWS) {
		rs->port[rs->n] = p;
		rs->bytes[rs->n] = a;
		rs->end[rs->n] = s;
		rs->n++;
		g->got_r++;
		return 0;
	}
	cli_err("compare: a child said '%s'", line);
	return -1;
}

static void progress(int tty, const struct cmp_cfg *c, int first, int end,
		     const struct kids *g, double t)
{
	int i;

	if (!tty)
		return;
	printf("\r[%d/%d]", first + 1, g->n);
	for (i = first; i < end; i++)
		printf(" %s", c->algos[i]);
	if (t < c->seconds)
		printf("  %.0f/%.0f s sending ", t, c->seconds);
	else
		printf("  %.0f s, draining the queue ", t);
	fflush(stdout);
}


/* Run the flows @g->idx at once on bench @b; fill their results. */
/* Read the children's reports until @want senders and receivers said theirs. */
static int wait_reports(const struct cmp_cfg *c, struct cmp_flow *fl,
			struct kids *g, int rep, int want, int batch,
			int tty, struct reports *rs)
{
	double t0 = cli_now(), last = -1;
	char buf[1024];
	size_t used = 0;

	while (g->got_s < want || g->got_r < want) {
		struct pollfd p = { .fd = rep, .events = POLLIN };
		double t = cli_now() - t0;
		char *nl;
		ssize_t r;

		if (cli_stop)
			return -1;
		if (t > c->seconds + 120) {
			cli_err("compare: the flows did not end within %g s",
				c->seconds + 120);
			return -1;
		}
		if (t - last >= 1) {
			last = t;
			progress(tty, c, batch, want, g, t);
		}
		if (child_failed(g))
			return -1;
		if (poll(&p, 1, 200) <= 0)
			continue;
		r = read(rep, buf + used, sizeof(buf) - 1 - used);
		if (r <= 0)
			continue;
		used += (size_t)r;
		buf[used] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			*nl = '\0';
			if (handle_report(buf, fl, g, rs))
				return -1;
			used -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, used + 1);
		}
	}
	if (tty)
		printf("\r\033[K");
	return 0;
}

/*
 * Run every flow on bench @b: one tracer and one receiver for the run;
 * the senders one after another, or all at once with --together.
 */
static int run_flows(const struct bench *b, const struct cmp_cfg *c,
		     struct cmp_flow *fl, struct kids *g, int tty)
{
	char raw[PATH_MAX], path[PATH_MAX];
	struct reports rs = { 0 };
	int ready[2], rep[2], i, j, k, rc = -1;
	int per = c->together ? c->nalgos : 1;

	g->tracer = g->rcv = -1;
	g->n = c->nalgos;
	for (i = 0; i < g->n; i++)
		g->snd[i] = -1;
	g->got_s = g->got_r = 0;
	if (pipe2(ready, O_CLOEXEC))
		return -1;
	if (pipe2(rep, O_CLOEXEC)) {
		close(ready[0]);
		close(ready[1]);
		return -1;
	}
	snprintf(raw, sizeof(raw), "%s/.trace.csv", c->dir);
	g->tracer = start_tracer(b, c, raw);
	if (g->tracer < 0 || tracer_ready(raw, g->tracer)) {
		if (!cli_stop)
			cli_err("compare: the tracer did not start");
		g->tracer = g->tracer > 0 ? g->tracer : -1;
		goto out;
	}
	g->rcv = start_receiver(b, g->n, ready[1], rep[1]);
	if (g->rcv < 0 || link_wait_ready(ready[0])) {
		cli_err("compare: the receiver did not start");
		goto out;
	}
	for (i = 0; i < g->n; i += per) {
		if (!tty) {
			printf("compare: [%d/%d]", i + 1, g->n);
			for (k = i; k < i + per; k++)
				printf(" %s", c->algos[k]);
			printf(": sending for %g s\n", c->seconds);
			fflush(stdout);
		}
		for (k = i; k < i + per; k++) {
			g->snd[k] = start_sender(b, k, c->algos[k], c->seconds,
						 rep[1]);
			if (g->snd[k] < 0)
				goto out;
		}
		if (wait_reports(c, fl, g, rep[0], i + per, i, tty, &rs))
			goto out;
		for (k = i; k < i + per; k++) {
			struct cmp_flow *f = &fl[k];

			for (j = 0; j < rs.n; j++)
				if (rs.port[j] == f->lport) {
					f->bytes = rs.bytes[j];
					f->seconds = rs.end[j] - f->seconds;
				}
			printf("compare: [%d/%d] %-12s %7.2f Mbit/s (%llu bytes in %.2f s), %u retransmits\n",
			       k + 1, g->n, f->algo, cmp_goodput_mbit(f),
			       f->bytes, f->seconds, f->retransmits);
		}
		fflush(stdout);
	}
	trace_settle(raw);
	reap_all(g);
	if (cli_stop || split_trace(raw, c, fl, g->n))
		goto out;
	rc = 0;
	for (i = 0; i < g->n; i++) {
		snprintf(path, sizeof(path), "%s/%s", c->dir, fl[i].trace);
		if (cmp_count_trace(path, &fl[i]))
			rc = -1;
		else if (!fl[i].rows) {
			cli_err("compare: the trace of %s is empty", fl[i].algo);
			rc = -1;
		}
	}
out:
	reap_all(g);
	unlink(raw);
	close(ready[0]);
	close(ready[1]);
	close(rep[0]);
	close(rep[1]);
	return rc;
}

static int write_file(const char *dir, const char *name,
		      const struct cmp_cfg *c, const struct cmp_flow *fl,
		      const char *title, int argc, char **argv)
{
	char path[PATH_MAX];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		cli_err("compare: cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	rc = strcmp(name, "run.json") == 0 ?
		cmp_write_run_json(f, c, fl, c->nalgos, title, argc, argv) :
		cmp_write_summary(f, c, fl, c->nalgos);
	if (fclose(f) || rc) {
		cli_err("compare: writing %s failed", path);
		return -1;
	}
	return 0;
}

static void print_table(const struct cmp_cfg *c, const struct cmp_flow *fl)
{
	double g[CMP_MAX_FLOWS];
	int i;

	printf("\n%-14s %10s %8s %11s %9s %9s\n", "algo", "Mbit/s", "seconds",
	       "retransmits", "fast_rtx", "timeouts");
	for (i = 0; i < c->nalgos; i++) {
		g[i] = cmp_goodput_mbit(&fl[i]);
		printf("%-14s %10.2f %8.2f %11u %9lu %9lu\n", fl[i].algo, g[i],
		       fl[i].seconds, fl[i].retransmits,
		       fl[i].fast_retransmits, fl[i].timeouts);
	}
	if (c->together)
		printf("Jain's fairness index: %.3f (1 = equal shares)\n",
		       cmp_jain(g, c->nalgos));
}

int cmd_compare(int argc, char **argv)
{
	static const char *const tools[][2] = {
		{ "ip", "iproute2" }, { "tc", "iproute2" },
		{ "ethtool", "ethtool" },
	};
	struct cmp_flow fl[CMP_MAX_FLOWS];
	struct kids g;
	struct bench b = { -1, -1, -1, -1 };
	struct cmp_cfg c;
	char title[512];
	int rc, done, i, tty = isatty(1);

	rc = cmp_parse(argc, argv, &c, &done);
	if (rc || done)
		return rc;
	if (geteuid() != 0) {
		cli_err("compare: needs root (it creates network namespaces, veth links, qdiscs and reads tracepoints); try: sudo tcpteach compare ...");
		return EXIT_FAIL;
	}
	if (link_tools("compare", tools, (int)(sizeof(tools) / sizeof(tools[0]))) ||
	    check_algos(&c))
		return EXIT_FAIL;
	if (!tracefs_ready()) {
		cli_err("compare: no tcp:tcp_probe tracepoint under /sys/kernel/tracing: mount tracefs (mount -t tracefs nodev /sys/kernel/tracing)");
		return EXIT_FAIL;
	}
	if (mkdir(c.dir, 0755) && errno != EEXIST) {
		cli_err("compare: cannot create %s: %s", c.dir, strerror(errno));
		return EXIT_FAIL;
	}
	memset(fl, 0, sizeof(fl));
	for (i = 0; i < c.nalgos; i++) {
		snprintf(fl[i].algo, sizeof(fl[i].algo), "%s", c.algos[i]);
		snprintf(fl[i].trace, sizeof(fl[i].trace), "%d-%s.csv", i + 1,
			 c.algos[i]);
	}
	cmp_title(title, sizeof(title), &c);
	printf("compare: %s\n", title);
	fflush(stdout);
	/* from here on, an interrupt ends the run through the cleanup below */
	cli_catch_stop(1);
	rc = EXIT_FAIL;
	if (bench_setup(&b, &c))
		goto out;
	memset(&g, 0, sizeof(g));
	if (run_flows(&b, &c, fl, &g, tty))
		goto out;
	if (write_file(c.dir, "run.json", &c, fl, title, argc, argv) ||
	    write_file(c.dir, "summary.csv", &c, fl, title, argc, argv))
		goto out;
	print_table(&c, fl);
	if (cmp_plot_dir(c.dir))
		cli_err("compare: the figure failed; the traces and summary are in %s",
			c.dir);
	else
		rc = EXIT_OK;
	printf("\nrun directory: %s (run.json, summary.csv, N-ALGO.csv, compare.svg, compare.png)\n",
	       c.dir);
out:
	bench_close(&b);
	if (cli_stop) {
		if (tty)
			printf("\n");
		cli_err("compare: interrupted; its namespaces, links and qdiscs are gone with it");
		rc = EXIT_FAIL;
	}
	cli_release_stop();
	return rc;
}
