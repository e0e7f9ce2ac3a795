// SPDX-License-Identifier: GPL-2.0
/*
 * `tcpteach show` (one snapshot of /proc/net/tcp_teach, ss-like) and
 * `tcpteach watch` (the same, refreshed, with a cwnd sparkline).
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/json.h"
#include "lib/num.h"

struct filter {
	long port;		/* -1: any */
	const char *addr;	/* NULL: any */
};

static int sock_match(const struct teach_sock *s, const struct filter *flt)
{
	char l[64], r[64];

	if (flt->port >= 0 && addr_port(s->field[SF_LOCAL]) != flt->port &&
	    addr_port(s->field[SF_REMOTE]) != flt->port)
		return 0;
	if (!flt->addr)
		return 1;
	addr_host(s->field[SF_LOCAL], l, sizeof(l));
	addr_host(s->field[SF_REMOTE], r, sizeof(r));
	return strcmp(l, flt->addr) == 0 || strcmp(r, flt->addr) == 0;
}

/* Read the table; on failure print why (with the fix) and return -1. */
static int read_socks(struct teach_sock **out)
{
	char path[PATH_MAX], err[PATH_MAX + 128];
	int n;

	cli_proc_path(path, sizeof(path), "tcp_teach");
	n = teach_sock_read(path, out, err, sizeof(err));
	if (n >= 0)
		return n;
	if (errno == ENOENT && access(path, F_OK) != 0)
		cli_err("%s does not exist: tcp_teach is not loaded; " LOAD_HINT,
			path);
	else
		cli_err("%s", err);
	return -1;
}

static int parse_filter_opt(const char *cmd, int c, struct filter *flt)
{
	if (c == 'p')
		return cli_parse_port(cmd, optarg, &flt->port);
	flt->addr = optarg;
	return 0;
}

/* Columns of the default view; -e shows every /proc column. */
static const int brief_cols[] = {
	SF_LOCAL, SF_REMOTE, SF_ALGO, SF_PHASE, SF_CWND, SF_SSTHRESH,
	SF_SND_CWND, SF_MSS, SF_RWND, SF_WND, SF_INFLIGHT, SF_SRTT_US,
};

static void print_json(const struct teach_sock *s, int n,
		       const struct filter *flt)
{
	struct json j;
	int i, k;

	json_init(&j, stdout);
	json_array_begin(&j);
	for (i = 0; i < n; i++) {
		if (!sock_match(&s[i], flt))
			continue;
		json_object_begin(&j);
		for (k = 0; k < SOCK_NFIELDS; k++) {
			json_key(&j, sock_field_name(k));
			json_text(&j, s[i].field[k]);
		}
		json_object_end(&j);
	}
	json_end(&j);
}

static void print_table(const struct teach_sock *s, int n,
			const struct filter *flt, int extended)
{
	int all[SOCK_NFIELDS], ncols, i, k, w[SOCK_NFIELDS];
	const int *cols;

	if (extended) {
		for (k = 0; k < SOCK_NFIELDS; k++)
			all[k] = k;
		cols = all;
		ncols = SOCK_NFIELDS;
	} else {
		cols = brief_cols;
		ncols = (int)(sizeof(brief_cols) / sizeof(brief_cols[0]));
	}
	for (k = 0; k < ncols; k++) {
		w[k] = (int)strlen(sock_field_name(cols[k]));
		for (i = 0; i < n; i++) {
			int l = (int)strlen(s[i].field[cols[k]]);

			if (sock_match(&s[i], flt) && l > w[k])
				w[k] = l;
		}
	}
	for (k = 0; k < ncols; k++) {
		if (k == ncols - 1)
			printf("%s\n", sock_field_name(cols[k]));
		else
			printf("%-*s ", w[k], sock_field_name(cols[k]));
	}
	for (i = 0; i < n; i++) {
		if (!sock_match(&s[i], flt))
			continue;
		for (k = 0; k < ncols; k++) {
			if (k == ncols - 1)
				printf("%s\n", s[i].field[cols[k]]);
			else
				printf("%-*s ", w[k], s[i].field[cols[k]]);
		}
	}
}

static void show_usage(FILE *f)
{
	fputs("usage: tcpteach show [--port P] [--addr A] [-e|--extended] [--json]\n"
	      "                     [--netns NAME]\n\n"
	      "One snapshot of the sockets using teach_reno/teach_tahoe in this\n"
	      "network namespace (/proc/net/tcp_teach), one line per socket.\n"
	      "  --port P     only sockets whose local or remote port is P\n"
	      "  --addr A     only sockets whose local or remote address is A\n"
	      "  -e           every column, counters included\n"
	      "  --json       a JSON array of objects with every column\n"
	      "  --netns NAME the sockets of that network namespace ('ip netns list')\n"
	      "cwnd and ssthresh are the textbook values in segments (ssthresh may\n"
	      "be 'inf'); snd_cwnd is the kernel's window; rwnd and wnd are bytes.\n",
	      f);
}

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "addr", required_argument, NULL, 'a' },
		{ "extended", no_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "netns", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct filter flt = { -1, NULL };
	int c, json = 0, ext = 0, n, i, shown = 0;
	const char *netns = NULL;
	struct teach_sock *s;

	optind = 0;
	while ((c = getopt_long(argc, argv, "p:a:ejh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
		case 'a':
			if (parse_filter_opt("show", c, &flt))
				return EXIT_USAGE;
			break;
		case 'e':
			ext = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'N':
			netns = optarg;
			break;
		case 'h':
			show_usage(stdout);
			return EXIT_OK;
		default:
			show_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("show: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (netns && cli_netns_enter("show", netns))
		return EXIT_FAIL;
	n = read_socks(&s);
	if (n < 0)
		return EXIT_FAIL;
	if (json)
		print_json(s, n, &flt);
	else
		print_table(s, n, &flt, ext);
	for (i = 0; i < n; i++)
		shown += sock_match(&s[i], &flt);
	if (!shown && !netns)
		cli_netns_hint("show");
	free(s);
	return EXIT_OK;
}

/* ---- watch ---- */

/*
 * The history is driven by the event stream when it can be read (every
 * window change, so a 20 ms sawtooth shows), else by the samples.  All
 * rows share one scale, printed above them; a row fits 80 columns.
 */
#define HIST 28			/* history cells per row */
#define MAX_FLOWS 64
#define PEER_W 21		/* remote address:port column */

struct flow_hist {
	unsigned long long cookie;
	unsigned int cwnd[HIST];
	int n;			/* values stored, <= HIST */
	int seen;		/* in the last snapshot */
};

static struct flow_hist *hist_get(struct flow_hist *h, int *nh,
				  unsigned long long cookie, int create)
{
	int i;

	for (i = 0; i < *nh; i++)
		if (h[i].cookie == cookie)
			return &h[i];
	if (!create)
		return NULL;
	if (*nh == MAX_FLOWS) {
		/* Forget flows that are gone to make room. */
		int k = 0;

		for (i = 0; i < *nh; i++)
			if (h[i].seen)
				h[k++] = h[i];
		*nh = k;
		if (k == MAX_FLOWS)
			return NULL;
	}
	memset(&h[*nh], 0, sizeof(h[*nh]));
	h[*nh].cookie = cookie;
	return &h[(*nh)++];
}

static void hist_push(struct flow_hist *h, unsigned int cwnd)
{
	if (h->n == HIST)
		memmove(h->cwnd, h->cwnd + 1, (HIST - 1) * sizeof(h->cwnd[0]));
	else
		h->n++;
	h->cwnd[h->n - 1] = cwnd;
}

static unsigned long long sock_cookie(const struct teach_sock *s)
{
	unsigned long long v = 0;

	parse_ull(s->field[SF_COOKIE], ~0ULL, &v);
	return v;
}

/* The event stream, non-blocking; -1 when it cannot be read. */
struct watch_events {
	int fd;
	char buf[16384];
	size_t used;
	struct event_map map;
	int have_map;
};

/* Feed every complete event line that is waiting into the histories. */
static void events_drain(struct watch_events *w, struct flow_hist *hist,
			 int *nh)
{
	for (;;) {
		ssize_t n = read(w->fd, w->buf + w->used,
				 sizeof(w->buf) - 1 - w->used);
		char *p, *nl, err[256];

		if (n <= 0) {
			if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
				close(w->fd);	/* a recorded file ends */
				w->fd = -1;
			}
			return;
		}
		w->used += (size_t)n;
		w->buf[w->used] = '\0';
		for (p = w->buf; (nl = strchr(p, '\n')); p = nl + 1) {
			struct teach_event ev;
			unsigned long long dropped;
			struct flow_hist *h;

			*nl = '\0';
			if (teach_event_header(p, &w->map, err, sizeof(err))) {
				w->have_map = 1;
				continue;
			}
			if (teach_event_parse(p, w->have_map ? &w->map : NULL,
					      &ev, &dropped, err, sizeof(err)))
				continue;
			h = hist_get(hist, nh, ev.row.flow, 1);
			if (h)
				hist_push(h, ev.row.cwnd);
		}
		w->used -= (size_t)(p - w->buf);
		memmove(w->buf, p, w->used);
		if (w->used == sizeof(w->buf) - 1)
			w->used = 0;	/* a line too long: skip it */
	}
}

static void sparkline(const struct flow_hist *h, unsigned int max, int utf8,
		      char *buf, size_t len)
{
	static const char *const blocks[] = {
		"\u2581", "\u2582", "\u2583", "\u2584",
		"\u2585", "\u2586", "\u2587", "\u2588",
	};
	static const char ascii[] = "_.-~=+*#";
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < h->n && off + 4 < len; i++) {
		unsigned int lvl = (unsigned int)((unsigned long long)h->cwnd[i] *
						  7 / max);

		if (lvl > 7)
			lvl = 7;
		if (utf8)
			off += (size_t)snprintf(buf + off, len - off, "%s",
						blocks[lvl]);
		else
			buf[off++] = ascii[lvl];
		buf[off] = '\0';
	}
}

static const char *phase_short(const char *phase)
{
	if (strcmp(phase, "slow_start") == 0)
		return "SS";
	if (strcmp(phase, "cong_avoid") == 0)
		return "CA";
	if (strcmp(phase, "fast_recovery") == 0)
		return "FR";
	return "?";
}

/* The last @w characters of @s: an address keeps its port. */
static const char *tail(const char *s, size_t w)
{
	size_t n = strlen(s);

	return n > w ? s + n - w : s;
}

static void draw_screen(const struct teach_sock *s, int n,
			const struct filter *flt, struct flow_hist *hist,
			int *nh, int utf8, double interval, double t,
			int from_events)
{
	unsigned int max = 1;
	int i, shown = 0;

	for (i = 0; i < n; i++) {
		const struct flow_hist *h;
		int k;

		if (!sock_match(&s[i], flt))
			continue;
		shown++;
		h = hist_get(hist, nh, sock_cookie(&s[i]), 0);
		for (k = 0; h && k < h->n; k++)
			if (h->cwnd[k] > max)
				max = h->cwnd[k];
	}
	printf("\033[H\033[2J"
	       "tcpteach watch  t=%.1fs  %d socket(s)  every %.1fs  Ctrl-C quits\n",
	       t, shown, interval);
	printf("history: cwnd %s, one scale for every row: 0..%u segments\n\n",
	       from_events ? "at each window event" : "at each sample", max);
	printf("%-*s %-5s %-2s %5s %5s %3s %3s  %s\n", PEER_W, "remote",
	       "algo", "ph", "cwnd", "ssth", "FR", "TO", "history");
	for (i = 0; i < n; i++) {
		char spark[HIST * 4 + 1];
		const struct flow_hist *h;
		const char *algo = s[i].field[SF_ALGO];

		if (!sock_match(&s[i], flt))
			continue;
		if (strncmp(algo, "teach_", 6) == 0)
			algo += 6;
		h = hist_get(hist, nh, sock_cookie(&s[i]), 0);
		spark[0] = '\0';
		if (h)
			sparkline(h, max, utf8, spark, sizeof(spark));
		printf("%-*s %-5.5s %-2s %5.5s %5.5s %3.3s %3.3s  %s\n", PEER_W,
		       tail(s[i].field[SF_REMOTE], PEER_W), algo,
		       phase_short(s[i].field[SF_PHASE]), s[i].field[SF_CWND],
		       s[i].field[SF_SSTHRESH],
		       s[i].field[SF_FAST_RETRANSMITS],
		       s[i].field[SF_TIMEOUTS], spark);
	}
	printf("\nph: SS slow start, CA congestion avoidance, FR fast recovery\n"
	       "FR: fast retransmits, TO: timeouts (counts since the start)\n");
}

static void watch_usage(FILE *f)
{
	fputs("usage: tcpteach watch [--interval S] [--count N] [--port P] [--addr A]\n"
	      "                      [--netns NAME]\n\n"
	      "Live view of the teach_* sockets in 80 columns: peer, algorithm,\n"
	      "phase, cwnd, ssthresh, fast retransmits, timeouts, and the history\n"
	      "of cwnd on one scale for every row.  The history follows the event\n"
	      "stream (every window change) when it can be read (root), else the\n"
	      "samples.  On a terminal the screen is redrawn every S seconds\n"
	      "(default 1); otherwise one plain line per socket and sample:\n"
	      "  time_s local remote algo phase cwnd ssthresh rwnd inflight\n"
	      "  fast_retransmits timeouts\n"
	      "Stops on Ctrl-C or SIGTERM, or after N samples.  --netns NAME watches\n"
	      "the sockets of that network namespace ('ip netns list').\n", f);
}

int cmd_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ "port", required_argument, NULL, 'p' },
		{ "addr", required_argument, NULL, 'a' },
		{ "netns", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct flow_hist hist[MAX_FLOWS];
	static struct watch_events ev;
	const char *netns = NULL;
	struct filter flt = { -1, NULL };
	double interval = 1.0;
	unsigned long count = 0, iter = 0;
	int c, tty, utf8, nh = 0, rc = EXIT_OK, from_events;
	char path[PATH_MAX];
	struct timespec t0, now;

	optind = 0;
	while ((c = getopt_long(argc, argv, "i:n:p:a:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (cli_parse_seconds(optarg, &interval)) {
				cli_err("watch: bad --interval '%s': expected seconds > 0, e.g. 0.5",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'n':
			if (cli_parse_uint(optarg, 1000000000, &count)) {
				cli_err("watch: bad --count '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'p':
		case 'a':
			if (parse_filter_opt("watch", c, &flt))
				return EXIT_USAGE;
			break;
		case 'N':
			netns = optarg;
			break;
		case 'h':
			watch_usage(stdout);
			return EXIT_OK;
		default:
			watch_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("watch: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (netns && cli_netns_enter("watch", netns))
		return EXIT_FAIL;
	tty = isatty(STDOUT_FILENO);
	setlocale(LC_CTYPE, "");
	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	memset(&ev, 0, sizeof(ev));
	ev.fd = -1;
	if (tty) {
		cli_proc_path(path, sizeof(path), "tcp_teach_events");
		ev.fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	}
	from_events = ev.fd >= 0;
	cli_catch_stop(1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!tty)
		printf("time_s local remote algo phase cwnd ssthresh rwnd inflight fast_retransmits timeouts\n");
	while (!cli_stop) {
		struct teach_sock *s;
		struct timespec ts;
		double t;
		int n, i;

		if (ev.fd >= 0)
			events_drain(&ev, hist, &nh);
		n = read_socks(&s);
		if (n < 0) {
			rc = EXIT_FAIL;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		t = (double)(now.tv_sec - t0.tv_sec) +
		    (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
		for (i = 0; i < nh; i++)
			hist[i].seen = 0;
		for (i = 0; i < n; i++) {
			struct flow_hist *h;
			unsigned long v = 0;

			if (!sock_match(&s[i], &flt))
				continue;
			h = hist_get(hist, &nh, sock_cookie(&s[i]), 1);
			if (!h)
				continue;
			h->seen = 1;
			if (from_events && h->n)
				continue;
			cli_parse_uint(s[i].field[SF_CWND], 0xffffffffUL, &v);
			hist_push(h, (unsigned int)v);
		}
		if (tty)
			draw_screen(s, n, &flt, hist, &nh, utf8, interval, t,
				    from_events);
		for (i = 0; !tty && i < n; i++) {
			if (!sock_match(&s[i], &flt))
				continue;
			printf("%.2f %s %s %s %s %s %s %s %s %s %s\n", t,
			       s[i].field[SF_LOCAL], s[i].field[SF_REMOTE],
			       s[i].field[SF_ALGO], s[i].field[SF_PHASE],
			       s[i].field[SF_CWND], s[i].field[SF_SSTHRESH],
			       s[i].field[SF_RWND], s[i].field[SF_INFLIGHT],
			       s[i].field[SF_FAST_RETRANSMITS],
			       s[i].field[SF_TIMEOUTS]);
		}
		free(s);
		fflush(stdout);
		if (count && ++iter >= count)
			break;
		ts.tv_sec = (time_t)interval;
		ts.tv_nsec = (long)((interval - (double)ts.tv_sec) * 1e9);
		/* A signal cuts the sleep short; the loop then ends. */
		nanosleep(&ts, NULL);
	}
	if (ev.fd >= 0)
		close(ev.fd);
	cli_release_stop();
	return rc;
}
