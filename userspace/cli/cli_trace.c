// SPDX-License-Identifier: GPL-2.0
/*
 * `tcpteach trace`: follow /proc/net/tcp_teach_events and write the
 * shared CSV trace (userspace/lib/trace.h), time relative to the first
 * event written.  The kernel records events only while a reader has the
 * file open, so start the trace before the transfer.
 */
#include "cli/cli.h"
#include "cli/cli_trace_tp.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "teach_cc.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct stream_state {
	unsigned long long t0;		/* time of the first event written */
	int have_t0;
	struct event_map map;		/* from the stream's header line */
	int have_map;
};

/* Handle one complete line; 1 when the count is reached, -1 on error. */
static int trace_line(const char *line, const char *name,
		      unsigned long lineno, FILE *out,
		      const struct trace_opts *o, struct trace_result *res,
		      struct stream_state *st)
{
	struct teach_event ev;
	unsigned long long dropped = 0;
	char err[256];
	int rc;

	if (!*line)
		return 0;
	rc = teach_event_header(line, &st->map, err, sizeof(err));
	if (rc) {
		if (rc < 0) {
			cli_err("%s:%lu: %s", name, lineno, err);
			return -1;
		}
		st->have_map = 1;
		return 0;
	}
	rc = teach_event_parse(line, st->have_map ? &st->map : NULL, &ev,
			       &dropped, err, sizeof(err));
	if (rc < 0) {
		cli_err("%s:%lu: %s", name, lineno, err);
		return -1;
	}
	if (rc == 1) {
		res->dropped += dropped;
		return 0;
	}
	if (o->port >= 0 && addr_port(ev.local) != o->port &&
	    addr_port(ev.remote) != o->port)
		return 0;
	if (!st->have_t0 &&
	    !(o->t0_after_init && ev.row.event == TEACH_EV_INIT)) {
		st->t0 = ev.row.time_us;
		st->have_t0 = 1;
	}
	ev.row.time_us = st->have_t0 && ev.row.time_us >= st->t0 ?
		ev.row.time_us - st->t0 : 0;
	if (trace_write_row(out, &ev.row)) {
		cli_err("trace: write failed: %s", strerror(errno));
		return -1;
	}
	res->events++;
	return o->count && res->events >= o->count ? 1 : 0;
}

int trace_stream(int fd, const char *name, FILE *out,
		 const struct trace_opts *o, struct trace_result *res)
{
	char buf[65536];
	size_t used = 0;
	unsigned long lineno = 0;
	struct stream_state st = { 0 };
	int rc = 0, drained = 0;
	double end = o->duration > 0 ? now_s() + o->duration : 0;
	const struct timespec batch = { .tv_nsec = 10 * 1000 * 1000 };

	memset(res, 0, sizeof(*res));
	trace_write_header(out);
	fflush(out);
	while (!(o->stop && *o->stop)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int timeout = 200;
		ssize_t n;
		char *p, *nl;

		if (end) {
			double left = end - now_s();

			if (left <= 0)
				break;
			if (left < 0.2)
				timeout = (int)(left * 1000) + 1;
		}
		n = poll(&pfd, 1, timeout);
		if (n < 0 && errno != EINTR) {
			cli_err("trace: poll %s: %s", name, strerror(errno));
			return -1;
		}
		if (n <= 0)
			continue;
		/*
		 * The last read emptied the stream: let a burst gather, so a
		 * busy connection costs a read per ~10 ms, not one per event.
		 */
		if (drained)
			nanosleep(&batch, NULL);
		n = read(fd, buf + used, sizeof(buf) - 1 - used);
		drained = n < (ssize_t)(sizeof(buf) - 1 - used);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			cli_err("trace: read %s: %s", name, strerror(errno));
			return -1;
		}
		if (n == 0)	/* a recorded file: its end */
			break;
		used += (size_t)n;
		buf[used] = '\0';
		p = buf;
		while ((nl = strchr(p, '\n'))) {
			*nl = '\0';
			rc = trace_line(p, name, ++lineno, out, o, res, &st);
			p = nl + 1;
			if (rc)
				break;
		}
		used -= (size_t)(p - buf);
		memmove(buf, p, used);
		fflush(out);
		if (rc < 0)
			return -1;
		if (rc > 0)
			return 0;
		if (used == sizeof(buf) - 1) {
			cli_err("%s:%lu: line too long", name, lineno + 1);
			return -1;
		}
	}
	if (used) {	/* a last line without newline (recorded files) */
		buf[used] = '\0';
		if (trace_line(buf, name, ++lineno, out, o, res, &st) < 0)
			return -1;
	}
	fflush(out);
	return 0;
}

static void trace_usage(FILE *f)
{
	fputs("usage: tcpteach trace [-o FILE] [--port P] [--duration S] [--count N]\n"
	      "                      [--netns NAME] [--tracepoint]\n\n"
	      "Record the window events of the teach_* sockets in this network\n"
	      "namespace (/proc/net/tcp_teach_events) as the shared CSV trace:\n"
	      "  " TRACE_CSV_HEADER "\n"
	      "time_us is relative to the first event written.  Events are only\n"
	      "recorded while a reader is attached: start the trace first.\n"
	      "  -o FILE        write to FILE (default: standard output)\n"
	      "  --port P       only connections with local or remote port P\n"
	      "  --duration S   stop after S seconds (default: Ctrl-C/SIGTERM)\n"
	      "  --count N      stop after N events\n"
	      "  --netns NAME   the sockets of that network namespace ('ip netns list')\n"
	      "  --tracepoint   any TCP socket (reno, cubic, bbr, teach_*...) through\n"
	      "                 the kernel's tcp:tcp_probe and tcp:tcp_cong_state_set\n"
	      "                 tracepoints (tracefs, root; no tcp_teach needed).  A row\n"
	      "                 per window change; event from the kernel's state changes\n"
	      "                 (Recovery: fast_retransmit, Loss: timeout, back to Open:\n"
	      "                 recovery_exit) or a rise of cwnd, else empty; inflight\n"
	      "                 empty: the tracepoints do not show it\n"
	      "At the end, the number of events and of events the kernel dropped\n"
	      "(reader too slow) is printed on standard error.\n", f);
}

int cmd_trace(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "port", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "netns", required_argument, NULL, 'N' },
		{ "tracepoint", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct trace_opts o = { .port = -1, .stop = &cli_stop };
	const char *outname = NULL, *netns = NULL;
	char path[PATH_MAX];
	struct trace_result res;
	FILE *out = stdout;
	int c, fd, rc, tp = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:p:d:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			outname = optarg;
			break;
		case 'p':
			if (cli_parse_port("trace", optarg, &o.port))
				return EXIT_USAGE;
			break;
		case 'd':
			if (cli_parse_seconds(optarg, &o.duration)) {
				cli_err("trace: bad --duration '%s': expected seconds > 0",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'n':
			if (cli_parse_uint(optarg, 0xffffffffUL, &o.count) ||
			    !o.count) {
				cli_err("trace: bad --count '%s': expected a number > 0",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'N':
			netns = optarg;
			break;
		case 'T':
			tp = 1;
			break;
		case 'h':
			trace_usage(stdout);
			return EXIT_OK;
		default:
			trace_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("trace: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (netns && cli_netns_enter("trace", netns))
		return EXIT_FAIL;
	cli_proc_path(path, sizeof(path), "tcp_teach_events");
	fd = tp ? -1 : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (!tp && fd < 0) {
		if (errno == ENOENT)
			cli_err("trace: %s does not exist: tcp_teach is not loaded; "
				LOAD_HINT, path);
		else if (errno == EACCES || errno == EPERM)
			cli_err("trace: %s: %s: reading the event stream needs root (try sudo)",
				path, strerror(errno));
		else
			cli_err("trace: %s: %s", path, strerror(errno));
		return EXIT_FAIL;
	}
	if (outname) {
		out = fopen(outname, "w");
		if (!out) {
			cli_err("trace: cannot write %s: %s", outname,
				strerror(errno));
			close(fd);
			return EXIT_FAIL;
		}
	}
	cli_catch_stop(1);
	rc = tp ? tp_trace(out, &o, &res) :
		trace_stream(fd, path, out, &o, &res);
	cli_release_stop();
	if (fd >= 0)
		close(fd);
	if (out != stdout && fclose(out)) {
		cli_err("trace: writing %s: %s", outname, strerror(errno));
		rc = -1;
	}
	fprintf(stderr, "tcpteach: trace: %llu events written to %s, %llu dropped%s\n",
		res.events, outname ? outname : "stdout", res.dropped,
		!res.dropped ? "" : tp ? " (trace buffer overrun: use --port)" :
		" (reader too slow: raise events_size or use --port)");
	if (!rc && !res.events && !netns)
		cli_netns_hint("trace");
	return rc ? EXIT_FAIL : EXIT_OK;
}
