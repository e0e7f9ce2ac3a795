// SPDX-License-Identifier: GPL-2.0
/*
 * `tcpteach demo`: Tahoe against Reno on the same lossy link.
 *
 * Two fresh network namespaces joined by a veth pair (offloads off, so
 * one drop is one segment; netem delay on the ACK path) carry a bulk
 * transfer from our own sender to our own receiver, once with teach_tahoe
 * and once with teach_reno.  Both runs meet the same losses:
 *  - nftables drops data segments number DROP1 and DROP2 (counted by a
 *    numgen rule at the receiver): 3 duplicate ACKs -> fast retransmit;
 *  - once HOLE_AT segments are acknowledged, a blackhole for data lasts
 *    until no ACK has come back for a while, so the retransmission timer
 *    expires: timeout.
 * The window events are traced from /proc/net/tcp_teach_events, one
 * comparison figure is drawn and a narration is derived from the traces.
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "teach_cc.h"

#define PORT		5001
#define SND_ADDR	"10.77.0.1"
#define RCV_ADDR	"10.77.0.2"
#define DROP1		300	/* data segments seen by the receiver */
#define DROP2		1600
#define HOLE_AT		900	/* segments ACKed when the blackhole starts */
#define HOLE_MIN_S	0.3	/* it lasts at least this long ... */
#define HOLE_QUIET_MS	500	/* ... and until no ACK for this long, */
#define RTO_MIN		"1000ms" /* ... well below the timeout */

struct demo_cfg {
	const char *dir;
	unsigned long bytes;
	unsigned long delay_ms;
};

struct run_result {
	double seconds;		/* connect to last byte received */
	int hole_done;		/* the blackhole was installed and removed */
	int hole_backoff;	/* ... but only after the first RTO */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run a command in a namespace; print it when it fails. */
static int sh(int ns, const char *const argv[])
{
	int rc = cli_run(ns, 1, argv);

	if (rc != 0) {
		char line[512] = "";
		size_t off = 0;
		int i;

		for (i = 0; argv[i] && off < sizeof(line) - 1; i++)
			off += (size_t)snprintf(line + off, sizeof(line) - off,
						"%s%s", i ? " " : "", argv[i]);
		cli_err("demo: '%s' failed (exit %d)", line, rc);
		return -1;
	}
	return 0;
}

static int new_netns(int orig)
{
	int fd;

	if (unshare(CLONE_NEWNET))
		return -1;
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (setns(orig, CLONE_NEWNET)) {
		cli_err("demo: cannot return to the original namespace: %s",
			strerror(errno));
		exit(EXIT_FAIL);
	}
	return fd;
}

static int write_sysctl(int ns, int orig, const char *name, const char *val)
{
	char path[256];
	int rc;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/%s", name);
	if (setns(ns, CLONE_NEWNET))
		return -1;
	rc = cli_write_file(path, val);
	if (setns(orig, CLONE_NEWNET)) {
		cli_err("demo: cannot return to the original namespace: %s",
			strerror(errno));
		exit(EXIT_FAIL);
	}
	return rc;
}

static int setup_link(int a, int b, int orig, const struct demo_cfg *c)
{
	char peer[64], delay[32], d1[16], d2[16];
	const char *const link[] = { "ip", "link", "add", "tt-snd", "type",
		"veth", "peer", "name", "tt-rcv", "netns", peer, NULL };
	const char *const addr_a[] = { "ip", "addr", "add", SND_ADDR "/24",
		"dev", "tt-snd", NULL };
	const char *const addr_b[] = { "ip", "addr", "add", RCV_ADDR "/24",
		"dev", "tt-rcv", NULL };
	const char *const up_a[] = { "ip", "link", "set", "tt-snd", "up", NULL };
	const char *const up_b[] = { "ip", "link", "set", "tt-rcv", "up", NULL };
	const char *const lo[] = { "ip", "link", "set", "lo", "up", NULL };
	const char *const off_a[] = { "ethtool", "-K", "tt-snd", "tso", "off",
		"gso", "off", "gro", "off", NULL };
	const char *const off_b[] = { "ethtool", "-K", "tt-rcv", "tso", "off",
		"gso", "off", "gro", "off", NULL };
	const char *const netem_b[] = { "tc", "qdisc", "add", "dev", "tt-rcv",
		"root", "netem", "delay", delay, "limit", "10000", NULL };
	/* A long minimum RTO leaves time to lift the blackhole first. */
	const char *const route[] = { "ip", "route", "replace",
		"10.77.0.0/24", "dev", "tt-snd", "rto_min", RTO_MIN, NULL };
	const char *const tbl[] = { "nft", "add", "table", "inet",
		"tcpteach_demo", NULL };
	const char *const chain[] = { "nft", "add", "chain", "inet",
		"tcpteach_demo", "pre", "{ type filter hook prerouting priority -300 ; }",
		NULL };
	const char *const drop1[] = { "nft", "add", "rule", "inet",
		"tcpteach_demo", "pre", "tcp", "dport", "5001", "ip", "length",
		">", "100", "numgen", "inc", "mod", "1000000000", "==", d1,
		"counter", "drop", NULL };
	const char *const drop2[] = { "nft", "add", "rule", "inet",
		"tcpteach_demo", "pre", "tcp", "dport", "5001", "ip", "length",
		">", "100", "numgen", "inc", "mod", "1000000000", "==", d2,
		"counter", "drop", NULL };

	snprintf(peer, sizeof(peer), "/proc/%d/fd/%d", (int)getpid(), b);
	/*
	 * The whole delay on the receiver's side (the ACK path): segments
	 * queued in a delaying qdisc on the sender would count against TCP
	 * small queues and cap the sender below its window.
	 */
	snprintf(delay, sizeof(delay), "%lums", 2 * c->delay_ms);
	/* numgen inc counts from 0. */
	snprintf(d1, sizeof(d1), "%d", DROP1 - 1);
	snprintf(d2, sizeof(d2), "%d", DROP2 - 1);
	if (sh(a, link) || sh(a, addr_a) || sh(b, addr_b) || sh(a, lo) ||
	    sh(b, lo) || sh(a, off_a) || sh(b, off_b) || sh(a, up_a) ||
	    sh(b, up_b) || sh(b, netem_b) ||
	    sh(a, route) || sh(b, tbl) || sh(b, chain) || sh(b, drop1) ||
	    sh(b, drop2))
		return -1;
	/* The timeout must come from the RTO, not a tail loss probe. */
	write_sysctl(a, orig, "tcp_early_retrans", "0");
	write_sysctl(a, orig, "tcp_no_metrics_save", "1");
	return 0;
}

/* A child in namespace @ns; the parent gets its pid. */
static pid_t child_in(int ns)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0 && setns(ns, CLONE_NEWNET)) {
		cli_err("demo: setns: %s", strerror(errno));
		_exit(EXIT_FAIL);
	}
	return pid;
}

/* The tracer: events of port PORT in the sender's namespace -> CSV. */
static pid_t start_tracer(int ns, const char *csv, int ready)
{
	pid_t pid = child_in(ns);
	struct trace_opts o = { .port = PORT, .stop = &cli_stop };
	struct trace_result res;
	char path[PATH_MAX];
	FILE *out;
	int fd;

	if (pid)
		return pid;
	cli_catch_stop(0);
	cli_proc_path(path, sizeof(path), "tcp_teach_events");
	fd = open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		cli_err("demo: %s: %s; " LOAD_HINT, path, strerror(errno));
		_exit(EXIT_FAIL);
	}
	out = fopen(csv, "w");
	if (!out) {
		cli_err("demo: cannot write %s: %s", csv, strerror(errno));
		_exit(EXIT_FAIL);
	}
	if (write(ready, "r", 1) != 1)
		_exit(EXIT_FAIL);
	close(ready);
	if (trace_stream(fd, path, out, &o, &res) || fclose(out))
		_exit(EXIT_FAIL);
	if (res.dropped)
		cli_err("demo: the trace lost %llu events", res.dropped);
	_exit(EXIT_OK);
}

/* The receiver: accept one connection and read it to the end. */
static pid_t start_receiver(int ns, int ready)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(PORT) };
	pid_t pid = child_in(ns);
	static char buf[1 << 16];
	int l, c, one = 1;

	if (pid)
		return pid;
	inet_pton(AF_INET, RCV_ADDR, &sin.sin_addr);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one,
				sizeof(one)) ||
	    bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, 1)) {
		cli_err("demo: receiver: %s", strerror(errno));
		_exit(EXIT_FAIL);
	}
	if (write(ready, "r", 1) != 1)
		_exit(EXIT_FAIL);
	close(ready);
	c = accept(l, NULL, NULL);
	if (c < 0)
		_exit(EXIT_FAIL);
	while (read(c, buf, sizeof(buf)) > 0)
		;
	close(c);
	_exit(EXIT_OK);
}

static int wait_ready(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char ch;

	if (poll(&p, 1, 10000) != 1 || read(fd, &ch, 1) != 1)
		return -1;
	return 0;
}

static int wait_child(pid_t pid, double timeout)
{
	double end = now_s() + timeout;
	int status;

	while (now_s() < end) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (r < 0)
			return -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static int hole(int b, int on)
{
	/*
	 * Nothing reaches the receiver; what it already got is ACKed as
	 * usual.  Dropping those ACKs too would leave data the sender does
	 * not know arrived: an ACK for it after the hole lets new data
	 * through, whose SACK starts a fast retransmit instead of the timeout.
	 */
	static const char *const add[] = { "nft", "add", "table", "inet",
		"tcpteach_hole",
		"{ chain in { type filter hook prerouting priority -310 ; policy drop ; } ; }",
		NULL };
	static const char *const del[] = { "nft", "delete", "table", "inet",
		"tcpteach_hole", NULL };

	return sh(b, on ? add : del);
}

/* The sender: connect with @algo, send, lay the blackhole on the way. */
static int send_bulk(int a, int b, int orig, const char *algo,
		     const struct demo_cfg *c, struct run_result *res)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(PORT) };
	static char buf[1 << 16];
	unsigned long sent = 0;
	double t0, hole_t = 0;
	int s, rc = -1, hole_state = 0, sndbuf = 4 << 20;

	if (setns(a, CLONE_NEWNET))
		return -1;
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (setns(orig, CLONE_NEWNET)) {
		cli_err("demo: cannot return to the original namespace");
		exit(EXIT_FAIL);
	}
	if (s < 0)
		return -1;
	/* A fixed, large send buffer: the window, not the buffer, limits. */
	if (setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)))
		setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, algo, strlen(algo))) {
		cli_err("demo: TCP_CONGESTION=%s: %s; " LOAD_HINT, algo,
			strerror(errno));
		goto out;
	}
	inet_pton(AF_INET, RCV_ADDR, &sin.sin_addr);
	memset(buf, 'x', sizeof(buf));
	t0 = now_s();
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin))) {
		cli_err("demo: connect %s:%d: %s", RCV_ADDR, PORT,
			strerror(errno));
		goto out;
	}
	fcntl(s, F_SETFL, O_NONBLOCK);
	/* Keep watching after the last write: the buffer holds a lot. */
	while (sent < c->bytes || hole_state != 2) {
		struct pollfd p = { .fd = s, .events = POLLOUT };
		struct tcp_info ti;
		socklen_t len = sizeof(ti);

		if (now_s() - t0 > 120) {
			cli_err("demo: the transfer did not finish in 120 s");
			goto out;
		}
		poll(&p, 1, 5);
		if (sent < c->bytes && (p.revents & POLLOUT)) {
			size_t n = sizeof(buf);
			ssize_t w;

			if (c->bytes - sent < n)
				n = c->bytes - sent;
			w = send(s, buf, n, MSG_NOSIGNAL);
			if (w > 0)
				sent += (unsigned long)w;
			else if (w < 0 && errno != EAGAIN) {
				cli_err("demo: send: %s", strerror(errno));
				goto out;
			}
		}
		if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len))
			continue;
		if (sent == c->bytes && hole_state == 0 && !ti.tcpi_unacked &&
		    !ti.tcpi_notsent_bytes) {
			cli_err("demo: the transfer ended before the blackhole (%u segments sent)",
				ti.tcpi_segs_out);
			break;
		}
		if (hole_state == 0 &&
		    ti.tcpi_bytes_acked >= (unsigned long long)HOLE_AT * ti.tcpi_snd_mss) {
			if (hole(b, 1))
				goto out;
			hole_state = 1;
			hole_t = now_s();
		} else if (hole_state == 1 && now_s() - hole_t >= HOLE_MIN_S &&
			   ti.tcpi_last_ack_recv >= HOLE_QUIET_MS) {
			/* Stalled: everything in flight is lost, even a
			 * delayed ACK (<= 200 ms) has come; the RTO
			 * (>= rto_min) has not expired yet.
			 */
			if (hole(b, 0))
				goto out;
			hole_state = 2;
			res->hole_done = 1;
			res->hole_backoff = ti.tcpi_retransmits != 0;
		}
	}
	shutdown(s, SHUT_WR);
	rc = 0;
out:
	if (hole_state == 1)
		hole(b, 0);
	if (rc)
		close(s);
	else
		res->seconds = -t0;	/* finished by the caller */
	return rc ? -1 : s;
}

static int run_once(const char *algo, const char *csv,
		    const struct demo_cfg *c, struct run_result *res)
{
	int orig, a = -1, b = -1, p1[2], p2[2], s = -1, rc = -1;
	pid_t tracer = -1, rcv = -1;

	memset(res, 0, sizeof(*res));
	orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (orig < 0 || pipe(p1) || pipe(p2))
		return -1;
	a = new_netns(orig);
	b = new_netns(orig);
	if (a < 0 || b < 0) {
		cli_err("demo: cannot create a network namespace: %s",
			strerror(errno));
		goto out;
	}
	if (setup_link(a, b, orig, c))
		goto out;
	tracer = start_tracer(a, csv, p1[1]);
	if (tracer < 0 || wait_ready(p1[0])) {
		cli_err("demo: the tracer did not start");
		goto out;
	}
	rcv = start_receiver(b, p2[1]);
	if (rcv < 0 || wait_ready(p2[0])) {
		cli_err("demo: the receiver did not start");
		goto out;
	}
	s = send_bulk(a, b, orig, algo, c, res);
	if (s < 0)
		goto out;
	if (wait_child(rcv, 120)) {
		cli_err("demo: the receiver did not get all data");
		rcv = -1;
		goto out;
	}
	rcv = -1;
	res->seconds += now_s();
	close(s);
	s = -1;
	usleep(300000);	/* let the tracer read the last events */
	rc = 0;
out:
	if (s >= 0)
		close(s);
	if (rcv > 0) {
		kill(rcv, SIGKILL);
		waitpid(rcv, NULL, 0);
	}
	if (tracer > 0) {
		kill(tracer, SIGTERM);
		if (wait_child(tracer, 10) && rc == 0) {
			cli_err("demo: the tracer failed");
			rc = -1;
		}
	}
	close(p1[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
	/* Closing the last references deletes namespaces, veth and rules. */
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	close(orig);
	return rc;
}

/* ---- narration: read the traces back and tell what happened ---- */

struct loss {
	int reason;
	double t;
	unsigned int before, after, ssthresh;
};

#define MAX_LOSSES 16

struct story {
	struct loss loss[MAX_LOSSES];
	int nloss;
	double ss_end;		/* first slow_start -> cong_avoid */
	unsigned int ss_end_cwnd;
	unsigned long long events;
};

static int read_story(const char *csv, struct story *st)
{
	FILE *f = fopen(csv, "r");
	char line[1024], err[256];
	unsigned int last[8] = { 0 };	/* the last cwnds, newest first */
	int prev_phase = -1, lineno = 0, nlast = 0;

	memset(st, 0, sizeof(*st));
	st->ss_end = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct trace_row r;

		if (++lineno == 1)
			continue;
		if (trace_parse_row(line, &r, err, sizeof(err))) {
			cli_err("%s:%d: %s", csv, lineno, err);
			fclose(f);
			return -1;
		}
		st->events++;
		if (st->ss_end < 0 && prev_phase == TEACH_SLOW_START &&
		    r.phase == TEACH_CONG_AVOID &&
		    r.event == TEACH_EV_SLOW_START) {
			st->ss_end = (double)r.time_us / 1e6;
			st->ss_end_cwnd = r.cwnd;
		}
		if ((r.event == TEACH_EV_FAST_RETRANSMIT ||
		     r.event == TEACH_EV_TIMEOUT) && st->nloss < MAX_LOSSES) {
			struct loss *l = &st->loss[st->nloss++];

			int k;

			l->reason = r.event;
			l->t = (double)r.time_us / 1e6;
			l->after = r.cwnd;
			l->ssthresh = r.ssthresh;
			/*
			 * The trace says the window before the cut; an older
			 * one without prior_cwnd is read backwards (rows
			 * already showing the cut may precede it).
			 */
			l->before = nlast ? last[0] : r.cwnd;
			for (k = 0; k < nlast; k++) {
				if (last[k] != r.cwnd) {
					l->before = last[k];
					break;
				}
			}
			if (r.prior_cwnd)
				l->before = r.prior_cwnd;
			nlast = 0;
		}
		memmove(last + 1, last, sizeof(last) - sizeof(last[0]));
		last[0] = r.cwnd;
		if (nlast < 8)
			nlast++;
		prev_phase = r.phase;
	}
	fclose(f);
	return 0;
}

static void narrate_loss(FILE *o, const struct loss *t, const struct loss *r)
{
	const struct loss *any = r ? r : t;
	const char *what = any->reason == TEACH_EV_TIMEOUT ?
		"no ACK before the retransmission timer expired -> timeout" :
		"3 duplicate ACKs -> fast retransmit";

	if (t && r && (t->t - r->t > 0.05 || r->t - t->t > 0.05))
		fprintf(o, "t=%.2fs (Reno) / %.2fs (Tahoe): %s;", r->t, t->t,
			what);
	else
		fprintf(o, "t=%.2fs: %s;", any->t, what);
	if (r)
		fprintf(o, " Reno: cwnd %u -> %u (ssthresh %u)", r->before,
			r->after, r->ssthresh);
	if (r && t)
		fputc(',', o);
	if (t)
		fprintf(o, " Tahoe: cwnd %u -> %u (ssthresh %u)", t->before,
			t->after, t->ssthresh);
	fputc('\n', o);
}

static void narrate(FILE *o, const struct story *tahoe,
		    const struct story *reno, const struct run_result *rt,
		    const struct run_result *rr, const struct demo_cfg *c)
{
	int i, j, n;

	fprintf(o, "Tahoe vs Reno: %lu bytes over a veth pair, RTT %lu ms, the same drops (segments %d and %d) and a blackhole once %d segments are acknowledged.\n",
		c->bytes, 2 * c->delay_ms, DROP1, DROP2, HOLE_AT);
	if (reno->ss_end >= 0)
		fprintf(o, "t=%.2fs: cwnd reached ssthresh (%u segments): slow start ends, congestion avoidance (+1 segment per RTT) begins\n",
			reno->ss_end, reno->ss_end_cwnd);
	/* Pair the n-th loss of one kind in both runs. */
	n = tahoe->nloss > reno->nloss ? tahoe->nloss : reno->nloss;
	for (i = 0, j = 0; i < n || j < n;) {
		const struct loss *t = i < tahoe->nloss ? &tahoe->loss[i] : NULL;
		const struct loss *r = j < reno->nloss ? &reno->loss[j] : NULL;

		if (!t && !r)
			break;
		if (t && r && t->reason != r->reason) {
			/* Tell the earlier one alone. */
			if (t->t <= r->t)
				r = NULL;
			else
				t = NULL;
		}
		narrate_loss(o, t, r);
		i += t != NULL;
		j += r != NULL;
	}
	fprintf(o, "Reno kept half its window after each fast retransmit (fast recovery); Tahoe went back to slow start from 1 segment every time.\n");
	fprintf(o, "Transfer time: Reno %.2f s, Tahoe %.2f s (%llu and %llu window events).\n",
		rr->seconds, rt->seconds, reno->events, tahoe->events);
	if (!rt->hole_done || !rr->hole_done)
		fprintf(o, "note: a transfer ended before the blackhole: no timeout in that run (use a larger --bytes).\n");
	if (rt->hole_backoff || rr->hole_backoff)
		fprintf(o, "note: the blackhole outlasted the first retransmission timer in one run, so the timeout backed off and repeated.\n");
}

static void demo_usage(FILE *f)
{
	fputs("usage: tcpteach demo [-o DIR] [--bytes N] [--delay MS]\n\n"
	      "Compare teach_tahoe and teach_reno on a real kernel: two network\n"
	      "namespaces joined by a veth pair (offloads off, RTT 2*MS by netem on\n"
	      "the ACK path, MS default 20), a bulk transfer of N bytes (default 3000000)\n"
	      "with each algorithm through the same deterministic losses (nftables\n"
	      "drops data segments 300 and 1600: fast retransmit; a blackhole after\n"
	      "900 segments are acknowledged: timeout).  Writes into DIR (default ./tcpteach-demo):\n"
	      "  tahoe.csv reno.csv         the traces\n"
	      "  tcpteach-demo.png .svg     the comparison figure\n"
	      "  narration.txt              what happened and when (also printed)\n"
	      "Needs root, tcp_teach, iproute2, nftables, ethtool (and gnuplot-nox\n"
	      "for the figure).\n", f);
}

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "bytes", required_argument, NULL, 'b' },
		{ "delay", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const tools[][2] = {
		{ "ip", "iproute2" }, { "tc", "iproute2" },
		{ "nft", "nftables" }, { "ethtool", "ethtool" },
	};
	struct demo_cfg c = { "tcpteach-demo", 3000000, 20 };
	char tcsv[PATH_MAX], rcsv[PATH_MAX], svg[PATH_MAX], png[PATH_MAX];
	char txt[PATH_MAX], tool[PATH_MAX];
	struct run_result rt, rr;
	struct story st, sr;
	struct plot_opts po = { .title =
		"tcpteach demo: TCP Tahoe vs TCP Reno, same drops and one timeout" };
	const char *files[2];
	size_t i;
	FILE *nf;
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "o:b:d:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			c.dir = optarg;
			break;
		case 'b':
			if (cli_parse_uint(optarg, 1UL << 30, &c.bytes) ||
			    c.bytes < 2000000) {
				cli_err("demo: bad --bytes '%s': expected 2000000..1073741824 (the drops need that much)",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'd':
			if (cli_parse_uint(optarg, 500, &c.delay_ms) ||
			    !c.delay_ms) {
				cli_err("demo: bad --delay '%s': expected 1..500 ms",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			demo_usage(stdout);
			return EXIT_OK;
		default:
			demo_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("demo: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (geteuid() != 0) {
		cli_err("demo: needs root (it creates network namespaces, a veth pair and nftables rules); try: sudo tcpteach demo");
		return EXIT_FAIL;
	}
	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		if (!cli_which(tools[i][0], tool, sizeof(tool))) {
			cli_err("demo: '%s' not found: install %s", tools[i][0],
				tools[i][1]);
			return EXIT_FAIL;
		}
	}
	if (cli_load_module() || !cli_algo_available("teach_reno")) {
		cli_err("demo: tcp_teach is not loaded and could not be loaded; "
			LOAD_HINT);
		return EXIT_FAIL;
	}
	if (mkdir(c.dir, 0755) && errno != EEXIST) {
		cli_err("demo: cannot create %s: %s", c.dir, strerror(errno));
		return EXIT_FAIL;
	}
	snprintf(tcsv, sizeof(tcsv), "%s/tahoe.csv", c.dir);
	snprintf(rcsv, sizeof(rcsv), "%s/reno.csv", c.dir);
	snprintf(svg, sizeof(svg), "%s/tcpteach-demo.svg", c.dir);
	snprintf(png, sizeof(png), "%s/tcpteach-demo.png", c.dir);
	snprintf(txt, sizeof(txt), "%s/narration.txt", c.dir);
	printf("tcpteach demo: teach_tahoe ...\n");
	fflush(stdout);
	if (run_once("teach_tahoe", tcsv, &c, &rt))
		return EXIT_FAIL;
	printf("tcpteach demo: teach_reno ...\n");
	fflush(stdout);
	if (run_once("teach_reno", rcsv, &c, &rr))
		return EXIT_FAIL;
	if (read_story(tcsv, &st) || read_story(rcsv, &sr))
		return EXIT_FAIL;
	if (!st.events || !sr.events) {
		cli_err("demo: no window events were recorded (%s: %llu, %s: %llu)",
			tcsv, st.events, rcsv, sr.events);
		return EXIT_FAIL;
	}
	printf("\n");
	narrate(stdout, &st, &sr, &rt, &rr, &c);
	nf = fopen(txt, "w");
	if (nf) {
		narrate(nf, &st, &sr, &rt, &rr, &c);
		fclose(nf);
	}
	files[0] = tcsv;
	files[1] = rcsv;
	if (plot_files(files, 2, png, &po) || plot_files(files, 2, svg, &po)) {
		cli_err("demo: the traces are in %s; the figure failed", c.dir);
		return EXIT_FAIL;
	}
	printf("\nfigure: %s and %s\ntraces: %s %s\n", png, svg, tcsv, rcsv);
	return EXIT_OK;
}
