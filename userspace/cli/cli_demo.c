// SPDX-License-Identifier: GPL-2.0
/*
 * `tcpteach demo`: Tahoe against Reno on the same lossy link.
 *
 * Two fresh network namespaces joined by a veth pair (offloads off, so
 * one drop is one segment; netem delay on the ACK path) carry a bulk
 * transfer from our own sender to our own receiver, once with teach_tahoe
 * and once with teach_reno.  Both runs follow the same plan, carried out
 * by nftables at the receiver by sequence number alone, so a slow or
 * starved machine cannot change it:
 *  - the first transmission of data segments DROP1 and DROP2 is dropped:
 *    3 duplicate ACKs -> fast retransmit;
 *  - from segment HOLE_AT on, every new segment is dropped until the
 *    first of them comes again (a blackhole only the retransmission
 *    timer can end): timeout.
 * A set learns the flow's initial sequence number from the SYN; the
 * sender installs the rules after the handshake, before its first byte.
 * The window events are traced from /proc/net/tcp_teach_events, one
 * comparison figure is drawn, and the narration and the figure's title
 * are derived from the traces alone: a run that left the plan is told
 * as it happened.
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
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "teach_cc.h"

#define PORT		5001
#define SND_ADDR	"10.77.0.1"
#define RCV_ADDR	"10.77.0.2"
#define NFT_TABLE	"tcpteach_demo"
#define DROP1		300	/* data segments, counted from 1 */
#define DROP2		1600
#define HOLE_AT		900	/* the blackhole's first segment */
#define RTO_MIN		"1000ms" /* a timeout well apart from the RTT */
/* What the plan makes each run meet, in this order. */
static const int plan[] = {
	TEACH_EV_FAST_RETRANSMIT, TEACH_EV_TIMEOUT, TEACH_EV_FAST_RETRANSMIT,
};
#define PLAN_LEN	((int)(sizeof(plan) / sizeof(plan[0])))

struct demo_cfg {
	const char *dir;
	unsigned long bytes;
	unsigned long delay_ms;
	unsigned long perturb;	/* an unplanned drop in the Reno run; 0 none */
};

struct run_result {
	double seconds;		/* first byte sent to last received */
};

static int setup_link(int a, int b, int orig, const struct demo_cfg *c)
{
	char delay[32];
	const char *const netem_b[] = { "tc", "qdisc", "add", "dev", "tt-rcv",
		"root", "netem", "delay", delay, "limit", "10000", NULL };
	const char *const route[] = { "ip", "route", "replace",
		"10.77.0.0/24", "dev", "tt-snd", "rto_min", RTO_MIN, NULL };
	/* The SYN's sequence number is the flow's ISN: keep it. */
	const char *const tbl[] = { "nft", "add", "table", "inet", NFT_TABLE,
		"{ set isn { typeof tcp sequence ; flags dynamic ; } ; "
		"chain pre { type filter hook prerouting priority -300 ; "
		"tcp dport " "5001" " tcp flags & (syn | ack) == syn "
		"add @isn { tcp sequence } ; } ; }", NULL };

	/*
	 * The whole delay on the receiver's side (the ACK path): segments
	 * queued in a delaying qdisc on the sender would count against TCP
	 * small queues and cap the sender below its window.
	 */
	snprintf(delay, sizeof(delay), "%lums", 2 * c->delay_ms);
	if (link_veth("demo", a, "tt-snd", SND_ADDR "/24", b, "tt-rcv",
		      RCV_ADDR "/24") ||
	    link_sh("demo", b, netem_b) || link_sh("demo", a, route) ||
	    link_sh("demo", b, tbl))
		return -1;
	/* The timeout must come from the RTO, not a tail loss probe. */
	link_sysctl("demo", a, orig, "tcp_early_retrans", "0");
	link_sysctl("demo", a, orig, "tcp_no_metrics_save", "1");
	return 0;
}

/* The tracer: events of port PORT in the sender's namespace -> CSV. */
static pid_t start_tracer(int ns, const char *csv, int ready)
{
	pid_t pid = link_child_in("demo", ns);
	/*
	 * The handshake and the plan's installation take a while on a busy
	 * machine; the figure starts with the data, as in every run.
	 */
	struct trace_opts o = { .port = PORT, .stop = &cli_stop,
				.t0_after_init = 1 };
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
	pid_t pid = link_child_in("demo", ns);
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

/* The ISN the SYN left in the set: `nft list set` in the receiver's netns. */
static int read_isn(int b, unsigned int *isn)
{
	static const char *const argv[] = { "nft", "list", "set", "inet",
		NFT_TABLE, "isn", NULL };
	char out[4096], *e;
	size_t used = 0;
	int p[2], status, rc = -1;
	unsigned long long v;
	pid_t pid;
	ssize_t n;

	if (pipe(p))
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(p[1], 1);
		if (setns(b, CLONE_NEWNET) == 0)
			execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	while (used < sizeof(out) - 1 &&
	       (n = read(p[0], out + used, sizeof(out) - 1 - used)) > 0)
		used += (size_t)n;
	out[used] = '\0';
	close(p[0]);
	waitpid(pid, &status, 0);
	e = strstr(out, "elements = {");
	if (e && WIFEXITED(status) && !WEXITSTATUS(status)) {
		v = strtoull(e + strlen("elements = {"), &e, 10);
		rc = v <= 0xffffffffULL && (*e == ' ' || *e == '}') ? 0 : -1;
		*isn = (unsigned int)v;
	}
	if (rc)
		cli_err("demo: no SYN was seen by the nftables set (nft list set says: %s)",
			out);
	return rc;
}

/* "a-b" for @len sequence numbers from @from, in two parts if they wrap. */
static void seq_range(char *buf, size_t len, unsigned int from,
		      unsigned int n)
{
	unsigned int to = from + (n - 1);

	if (to >= from)
		snprintf(buf, len, "%u-%u", from, to);
	else
		snprintf(buf, len, "%u-4294967295, 0-%u", from, to);
}

/* Drop the first transmission that starts within data segment @seg. */
static void rule_drop_once(FILE *f, const char *set, unsigned int isn,
			   unsigned int mss, unsigned long seg)
{
	char r[64];

	seq_range(r, sizeof(r), isn + 1 + (unsigned int)((seg - 1) * mss), mss);
	fprintf(f, "add set inet %s %s { typeof ip saddr ; flags dynamic ; }\n"
		"add rule inet %s pre tcp dport %d ip saddr != @%s tcp sequence { %s } add @%s { ip saddr } counter drop\n",
		NFT_TABLE, set, NFT_TABLE, PORT, set, r, set);
}

/*
 * The plan as nftables rules, in DIR/<algo>.nft (kept for the curious).
 * A segment not aligned to the MSS (the sender ran dry for a moment)
 * still starts within the slot of its number, so slots, not exact
 * numbers, are matched.  The sets hold the sender's address once a rule
 * has fired: each drop happens once; the blackhole ends for good when
 * its first segment comes again.
 */
static int install_plan(int b, unsigned int isn, unsigned int mss,
			const char *path, const struct demo_cfg *c, int perturb)
{
	const char *const argv[] = { "nft", "-f", path, NULL };
	char hole[64];
	FILE *f = fopen(path, "w");

	if (!f) {
		cli_err("demo: cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	seq_range(hole, sizeof(hole),
		  isn + 1 + (unsigned int)((HOLE_AT - 1) * mss),
		  (unsigned int)c->bytes);
	fprintf(f, "# tcpteach demo: ISN %u, MSS %u\n", isn, mss);
	rule_drop_once(f, "drop1", isn, mss, DROP1);
	rule_drop_once(f, "drop2", isn, mss, DROP2);
	if (perturb)
		rule_drop_once(f, "perturb", isn, mss, c->perturb);
	fprintf(f, "add set inet %s hole_first { typeof tcp sequence ; flags dynamic ; }\n"
		"add set inet %s hole_on { typeof ip saddr ; flags dynamic ; }\n"
		"add set inet %s hole_off { typeof ip saddr ; flags dynamic ; }\n"
		"add rule inet %s pre tcp dport %d tcp sequence @hole_first add @hole_off { ip saddr }\n"
		"add rule inet %s pre tcp dport %d ip saddr != @hole_on tcp sequence { %s } add @hole_on { ip saddr } add @hole_first { tcp sequence }\n"
		"add rule inet %s pre tcp dport %d ip saddr != @hole_off tcp sequence { %s } counter drop\n",
		NFT_TABLE, NFT_TABLE, NFT_TABLE, NFT_TABLE, PORT,
		NFT_TABLE, PORT, hole, NFT_TABLE, PORT, hole);
	if (fclose(f)) {
		cli_err("demo: cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return link_sh("demo", b, argv);
}

/* The sender: connect with @algo, install the plan, send everything. */
static int send_bulk(int a, int b, int orig, const char *algo,
		     const char *rules, const struct demo_cfg *c, int perturb,
		     struct run_result *res)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(PORT) };
	struct timeval tmo = { .tv_sec = 120 };
	static char buf[1 << 16];
	unsigned long sent = 0;
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	unsigned int isn;
	int s, rc = -1, sndbuf = 64 << 20;
	double t0;

	if (setns(a, CLONE_NEWNET))
		return -1;
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (setns(orig, CLONE_NEWNET)) {
		cli_err("demo: cannot return to the original namespace");
		exit(EXIT_FAIL);
	}
	if (s < 0)
		return -1;
	/*
	 * A send buffer that holds the whole transfer: the window, not the
	 * buffer, limits, and the sender never runs dry mid-stream.
	 */
	if (setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)))
		setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo));
	if (setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, algo, strlen(algo))) {
		cli_err("demo: TCP_CONGESTION=%s: %s; " LOAD_HINT, algo,
			strerror(errno));
		goto out;
	}
	inet_pton(AF_INET, RCV_ADDR, &sin.sin_addr);
	memset(buf, 'x', sizeof(buf));
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin))) {
		cli_err("demo: connect %s:%d: %s", RCV_ADDR, PORT,
			strerror(errno));
		goto out;
	}
	/* No data has left yet: the plan is in place before the first byte. */
	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len) ||
	    read_isn(b, &isn) ||
	    install_plan(b, isn, ti.tcpi_snd_mss, rules, c, perturb))
		goto out;
	t0 = cli_now();
	while (sent < c->bytes) {
		size_t n = sizeof(buf);
		ssize_t w;

		if (c->bytes - sent < n)
			n = c->bytes - sent;
		w = send(s, buf, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			cli_err("demo: send: %s", w < 0 && errno == EAGAIN ?
				"no progress for 120 s" : strerror(errno));
			goto out;
		}
		sent += (unsigned long)w;
	}
	shutdown(s, SHUT_WR);
	rc = 0;
out:
	if (rc)
		close(s);
	else
		res->seconds = -t0;	/* finished by the caller */
	return rc ? -1 : s;
}

/* @argv in namespace @ns, its output appended to @out. */
static void run_into(int ns, FILE *out, const char *const argv[])
{
	pid_t pid;

	fflush(out);
	pid = link_child_in("demo", ns);
	if (pid == 0) {
		dup2(fileno(out), 1);
		dup2(fileno(out), 2);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (pid > 0)
		link_wait_child(pid, 30);
}

/*
 * What the network did, next to the rules: the rules with their drop
 * counters and the kernel's counters of both ends (DIR/<algo>.net), so
 * a run that left the plan can be explained.
 */
static void record_network(int a, int b, const char *path)
{
	const char *const nft[] = { "nft", "list", "table", "inet", NFT_TABLE,
		NULL };
	const char *const nstat[] = { "nstat", "-az", NULL };
	FILE *f = fopen(path, "w");

	if (!f) {
		cli_err("demo: cannot write %s: %s", path, strerror(errno));
		return;
	}
	fputs("# receiver: nftables\n", f);
	run_into(b, f, nft);
	fputs("# receiver: nstat\n", f);
	run_into(b, f, nstat);
	fputs("# sender: nstat\n", f);
	run_into(a, f, nstat);
	fclose(f);
}

static int run_once(const char *algo, const char *csv, const char *rules,
		    const char *net, const struct demo_cfg *c, int perturb,
		    struct run_result *res)
{
	int orig, a = -1, b = -1, p1[2], p2[2], s = -1, rc = -1;
	pid_t tracer = -1, rcv = -1;

	memset(res, 0, sizeof(*res));
	orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (orig < 0 || pipe(p1) || pipe(p2))
		return -1;
	a = link_new_netns("demo", orig);
	b = link_new_netns("demo", orig);
	if (a < 0 || b < 0) {
		cli_err("demo: cannot create a network namespace: %s",
			strerror(errno));
		goto out;
	}
	if (setup_link(a, b, orig, c))
		goto out;
	tracer = start_tracer(a, csv, p1[1]);
	if (tracer < 0 || link_wait_ready(p1[0])) {
		cli_err("demo: the tracer did not start");
		goto out;
	}
	rcv = start_receiver(b, p2[1]);
	if (rcv < 0 || link_wait_ready(p2[0])) {
		cli_err("demo: the receiver did not start");
		goto out;
	}
	s = send_bulk(a, b, orig, algo, rules, c, perturb, res);
	if (s < 0)
		goto out;
	if (link_wait_child(rcv, 120)) {
		cli_err("demo: the receiver did not get all data");
		rcv = -1;
		goto out;
	}
	rcv = -1;
	res->seconds += cli_now();
	record_network(a, b, net);
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
		if (link_wait_child(tracer, 10) && rc == 0) {
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

/* A cut of the window, or the undo of one. */
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
		     r.event == TEACH_EV_TIMEOUT ||
		     r.event == TEACH_EV_UNDO) && st->nloss < MAX_LOSSES) {
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
		any->reason == TEACH_EV_UNDO ?
		"the last cut was spurious (the segment had only been delayed, said a DSACK or timestamp) -> undone" :
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
	if (!r || !t)
		fprintf(o, " (%s only)", r ? "Reno" : "Tahoe");
	fputc('\n', o);
}

static int count_losses(const struct story *st, int reason)
{
	int i, n = 0;

	for (i = 0; i < st->nloss; i++)
		n += st->loss[i].reason == reason;
	return n;
}

/* Did the run meet exactly the planned losses, in the planned order? */
static int followed_plan(const struct story *st)
{
	int i;

	if (st->nloss != PLAN_LEN)
		return 0;
	for (i = 0; i < PLAN_LEN; i++)
		if (st->loss[i].reason != plan[i])
			return 0;
	return 1;
}

/* "2 fast retransmits and 1 timeout", from the trace. */
static void loss_counts(char *buf, size_t len, const struct story *st)
{
	int fr = count_losses(st, TEACH_EV_FAST_RETRANSMIT);
	int to = count_losses(st, TEACH_EV_TIMEOUT);
	int un = count_losses(st, TEACH_EV_UNDO);
	int n;

	n = snprintf(buf, len, "%d fast retransmit%s and %d timeout%s", fr,
		     fr == 1 ? "" : "s", to, to == 1 ? "" : "s");
	if (un && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ", %d undone", un);
}

/* True when every fast retransmit of @st left cwnd as @want says. */
static int each_fast_retransmit(const struct story *st, int halved)
{
	int i, n = 0;

	for (i = 0; i < st->nloss; i++) {
		const struct loss *l = &st->loss[i];

		if (l->reason != TEACH_EV_FAST_RETRANSMIT)
			continue;
		n++;
		if (halved ? l->after != l->ssthresh || l->after <= 1 :
			     l->after != 1)
			return 0;
	}
	return n > 0;
}

/* The figure's title: the plan's words only when both runs kept to it. */
static void demo_title(char *buf, size_t len, const struct story *tahoe,
		       const struct story *reno)
{
	char t[64], r[64];

	if (followed_plan(tahoe) && followed_plan(reno)) {
		snprintf(buf, len, "tcpteach demo: TCP Tahoe vs TCP Reno, same drops and one timeout");
		return;
	}
	loss_counts(t, sizeof(t), tahoe);
	loss_counts(r, sizeof(r), reno);
	snprintf(buf, len, "tcpteach demo: TCP Tahoe (%s) vs TCP Reno (%s)",
		 t, r);
}

static void narrate_plan(FILE *o, const char *name, const struct story *st)
{
	char n[64];

	loss_counts(n, sizeof(n), st);
	if (followed_plan(st))
		fprintf(o, "%s followed the plan: %s.\n", name, n);
	else
		fprintf(o, "%s left the plan: %s (planned: fast retransmit, timeout, fast retransmit).\n",
			name, n);
}

static void narrate(FILE *o, const struct story *tahoe,
		    const struct story *reno, const struct run_result *rt,
		    const struct run_result *rr, const struct demo_cfg *c)
{
	int i, j, n;

	fprintf(o, "Tahoe vs Reno: %lu bytes over a veth pair, RTT %lu ms. The plan, the same for both: nftables drops the first transmission of data segments %d and %d, and from segment %d on every new segment until that one is sent again (a blackhole only the retransmission timer ends).\n",
		c->bytes, 2 * c->delay_ms, DROP1, DROP2, HOLE_AT);
	if (c->perturb)
		fprintf(o, "Perturbed on purpose: the Reno run also loses the first transmission of segment %lu, outside the plan.\n",
			c->perturb);
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
	if (each_fast_retransmit(reno, 1))
		fprintf(o, "Reno kept half its window after each fast retransmit (fast recovery)");
	else
		fprintf(o, "Reno did not halve into fast recovery at every fast retransmit (see above)");
	if (each_fast_retransmit(tahoe, 0))
		fprintf(o, "; Tahoe went back to slow start from 1 segment every time.\n");
	else
		fprintf(o, "; Tahoe did not restart from 1 segment at every fast retransmit (see above).\n");
	narrate_plan(o, "Tahoe", tahoe);
	narrate_plan(o, "Reno", reno);
	fprintf(o, "Transfer time: Reno %.2f s, Tahoe %.2f s (%llu and %llu window events).\n",
		rr->seconds, rt->seconds, reno->events, tahoe->events);
}

static void demo_usage(FILE *f)
{
	fputs("usage: tcpteach demo [-o DIR] [--bytes N] [--delay MS] [--perturb SEG]\n\n"
	      "Compare teach_tahoe and teach_reno on a real kernel: two network\n"
	      "namespaces joined by a veth pair (offloads off, RTT 2*MS by netem on\n"
	      "the ACK path, MS default 20), a bulk transfer of N bytes (default 3000000)\n"
	      "with each algorithm through the same plan of losses, carried out by\n"
	      "nftables on TCP sequence numbers (no timers, so a busy machine cannot\n"
	      "change it): the first transmission of data segments 300 and 1600 is\n"
	      "dropped (fast retransmit); from segment 900 on every new segment is\n"
	      "dropped until that one is sent again (timeout).  The narration and the\n"
	      "figure's title come from the recorded events only: a run that left\n"
	      "the plan is told as it happened.\n"
	      "  --perturb SEG  also drop segment SEG in the Reno run, outside the plan\n"
	      "                 (to see the narration tell a run that left its script)\n"
	      "Writes into DIR (default ./tcpteach-demo):\n"
	      "  tahoe.csv reno.csv         the traces\n"
	      "  tahoe.nft reno.nft         the nftables rules of each run\n"
	      "  tahoe.net reno.net         what the network did: the rules with their\n"
	      "                             drop counters, and both ends' nstat counters\n"
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
		{ "perturb", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const tools[][2] = {
		{ "ip", "iproute2" }, { "tc", "iproute2" },
		{ "nft", "nftables" }, { "ethtool", "ethtool" },
	};
	struct demo_cfg c = { "tcpteach-demo", 3000000, 20, 0 };
	char tcsv[PATH_MAX], rcsv[PATH_MAX], svg[PATH_MAX], png[PATH_MAX];
	char txt[PATH_MAX], tnft[PATH_MAX], rnft[PATH_MAX];
	char tnet[PATH_MAX], rnet[PATH_MAX];
	char title[256];
	struct run_result rt, rr;
	struct story st, sr;
	struct plot_opts po = { .title = title };
	const char *files[2];
	FILE *nf;
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "o:b:d:P:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			c.dir = optarg;
			break;
		case 'b':
			if (cli_parse_uint(optarg, 1UL << 30, &c.bytes) ||
			    c.bytes < 2500000) {
				cli_err("demo: bad --bytes '%s': expected 2500000..1073741824 (the plan's last drop is at segment %d)",
					optarg, DROP2);
				return EXIT_USAGE;
			}
			break;
		case 'P':
			if (cli_parse_uint(optarg, 100000, &c.perturb) ||
			    !c.perturb || c.perturb == DROP1 ||
			    c.perturb == DROP2 || c.perturb >= HOLE_AT) {
				cli_err("demo: bad --perturb '%s': expected a data segment 1..%d other than %d (the blackhole begins at %d)",
					optarg, HOLE_AT - 1, DROP1, HOLE_AT);
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
	if (link_tools("demo", tools, (int)(sizeof(tools) / sizeof(tools[0]))))
		return EXIT_FAIL;
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
	snprintf(tnft, sizeof(tnft), "%s/tahoe.nft", c.dir);
	snprintf(rnft, sizeof(rnft), "%s/reno.nft", c.dir);
	snprintf(tnet, sizeof(tnet), "%s/tahoe.net", c.dir);
	snprintf(rnet, sizeof(rnet), "%s/reno.net", c.dir);
	printf("tcpteach demo: teach_tahoe ...\n");
	fflush(stdout);
	if (run_once("teach_tahoe", tcsv, tnft, tnet, &c, 0, &rt))
		return EXIT_FAIL;
	printf("tcpteach demo: teach_reno ...\n");
	fflush(stdout);
	if (run_once("teach_reno", rcsv, rnft, rnet, &c, c.perturb != 0,
		     &rr))
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
	demo_title(title, sizeof(title), &st, &sr);
	files[0] = tcsv;
	files[1] = rcsv;
	if (plot_files(files, 2, png, &po) || plot_files(files, 2, svg, &po)) {
		cli_err("demo: the traces are in %s; the figure failed", c.dir);
		return EXIT_FAIL;
	}
	printf("\nfigure: %s and %s\ntraces: %s %s\n", png, svg, tcsv, rcsv);
	return EXIT_OK;
}
