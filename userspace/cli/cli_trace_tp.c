// SPDX-License-Identifier: GPL-2.0
/*
 * `tcpteach trace --tracepoint`: any TCP socket (reno, cubic, bbr,
 * teach_*) through the kernel's own tracepoints, into the shared CSV.
 *
 * tcp:tcp_probe reports a socket's snd_cwnd, ssthresh, the peer's window
 * and srtt as each ACK arrives (before the ACK is processed), and
 * tcp:tcp_cong_state_set (where the kernel has it) every change of the
 * kernel's congestion state.  From those only what they show is written:
 *  - a rise of cwnd: slow_start below ssthresh, cong_avoid at or above;
 *  - entering Recovery: fast_retransmit; entering Loss: timeout; back to
 *    Open from either: recovery_exit; entering Disorder: dupack; CWR: cwr.
 *    The row carries the window of the next ACK (the cut is visible then)
 *    and the window before as prior_cwnd;
 *  - any other change (a cut without a state change, or any cut on a
 *    kernel without tcp_cong_state_set): an empty event.
 * The phase is fast_recovery while in Recovery, else cwnd against
 * ssthresh.  inflight is not in the tracepoints and stays empty; algo and
 * mss come from sock_diag, which also keeps the trace to the sockets of
 * this network namespace (tracepoints see every namespace).
 * The tracepoints' format files are read at run time: the fields differ
 * across kernels (5.10 has no family and no tcp_cong_state_set).
 */
#include "cli/cli.h"
#include "cli/cli_trace_tp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
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

/* The kernel's tcp_ca_state values (include/net/tcp.h). */
enum { CA_OPEN, CA_DISORDER, CA_CWR, CA_RECOVERY, CA_LOSS };

/* The value of "key=" among the space-separated words of @s. */
static int kv(const char *s, const char *key, char *val, size_t len)
{
	size_t k = strlen(key);
	const char *p = s;

	while ((p = strstr(p, key))) {
		if ((p == s || p[-1] == ' ') && p[k] == '=') {
			size_t n = strcspn(p + k + 1, " \n");

			if (n >= len)
				return -1;
			memcpy(val, p + k + 1, n);
			val[n] = '\0';
			return 0;
		}
		p += k;
	}
	return -1;
}

static int kv_ull(const char *s, const char *key, int base,
		  unsigned long long *v)
{
	char buf[32], *end;

	if (kv(s, key, buf, sizeof(buf)) || !*buf)
		return -1;
	errno = 0;
	*v = strtoull(buf, &end, base);
	return errno || *end ? -1 : 0;
}

/* "10.0.0.1:80" or "[fe80::1]:80" -> "10.0.0.1" / "fe80::1" and 80. */
static int split_addr(const char *s, char *host, size_t len,
		      unsigned int *port)
{
	const char *colon = strrchr(s, ':');
	const char *h = s;
	size_t n;

	if (!colon)
		return -1;
	n = (size_t)(colon - s);
	if (*h == '[') {
		h++;
		n = n >= 2 ? n - 2 : 0;
	}
	if (!n || n >= len)
		return -1;
	memcpy(host, h, n);
	host[n] = '\0';
	*port = (unsigned int)strtoul(colon + 1, NULL, 10);
	return 0;
}

int tp_parse_line(const char *line, struct tp_rec *r)
{
	const char *ev, *args, *ts;
	unsigned long long v;
	char buf[80];

	memset(r, 0, sizeof(*r));
	if (strstr(line, "[LOST ") && sscanf(strstr(line, "[LOST "),
					     "[LOST %llu", &r->lost) == 1)
		return TP_LOST;
	ev = strstr(line, ": tcp_probe: ");
	r->kind = TP_PROBE;
	if (!ev) {
		ev = strstr(line, ": tcp_cong_state_set: ");
		r->kind = TP_STATE;
	}
	if (!ev)
		return TP_OTHER;
	args = strchr(ev + 2, ':') + 2;
	/* the timestamp: the word before ": tcp_..." */
	for (ts = ev; ts > line && ts[-1] != ' '; ts--)
		;
	if (sscanf(ts, "%llu.%llu", &r->t_us, &v) != 2)
		return -1;
	r->t_us = r->t_us * 1000000 + v;
	if (r->kind == TP_STATE) {
		char fam[16] = "AF_INET";
		const char *sa = "saddr", *da = "daddr";

		kv(args, "family", fam, sizeof(fam));
		if (strcmp(fam, "AF_INET6") == 0) {
			sa = "saddrv6";
			da = "daddrv6";
		}
		if (kv(args, sa, r->laddr, sizeof(r->laddr)) ||
		    kv(args, da, r->raddr, sizeof(r->raddr)) ||
		    kv_ull(args, "sport", 10, &v))
			return -1;
		r->lport = (unsigned int)v;
		if (kv_ull(args, "dport", 10, &v))
			return -1;
		r->rport = (unsigned int)v;
		if (kv_ull(args, "cong_state", 10, &v))
			return -1;
		r->ca_state = (int)v;
		return TP_STATE;
	}
	if (kv(args, "src", buf, sizeof(buf)) ||
	    split_addr(buf, r->laddr, sizeof(r->laddr), &r->lport) ||
	    kv(args, "dest", buf, sizeof(buf)) ||
	    split_addr(buf, r->raddr, sizeof(r->raddr), &r->rport))
		return -1;
	if (kv_ull(args, "snd_cwnd", 10, &v))
		return -1;
	r->snd_cwnd = (unsigned int)v;
	if (kv_ull(args, "ssthresh", 10, &v))
		return -1;
	r->ssthresh = v >= TEACH_SSTHRESH_INF ? TEACH_SSTHRESH_INF :
		(unsigned int)v;
	if (kv_ull(args, "snd_wnd", 10, &v))
		return -1;
	r->snd_wnd = (unsigned int)v;
	if (kv_ull(args, "srtt", 10, &v))
		return -1;
	r->srtt_us = (unsigned int)v;
	if (kv_ull(args, "sock_cookie", 16, &r->cookie))
		r->cookie = 0;
	return TP_PROBE;
}

static struct tp_flow *find_flow(struct tp_state *st, const struct tp_rec *r)
{
	int i;

	for (i = 0; i < st->nflows; i++) {
		struct tp_flow *f = &st->flows[i];

		if (f->lport == r->lport && f->rport == r->rport &&
		    !strcmp(f->laddr, r->laddr) && !strcmp(f->raddr, r->raddr))
			return f;
	}
	return NULL;
}

static int phase_of(const struct tp_flow *f, unsigned int cwnd,
		    unsigned int ssthresh)
{
	if (f->ca_state == CA_RECOVERY)
		return TEACH_FAST_RECOVERY;
	return cwnd < ssthresh ? TEACH_SLOW_START : TEACH_CONG_AVOID;
}

/* What a change of the kernel's state means, in the slides' words. */
static int reason_of(int from, int to)
{
	if (to == CA_RECOVERY)
		return TEACH_EV_FAST_RETRANSMIT;
	if (to == CA_LOSS)
		return TEACH_EV_TIMEOUT;
	if (to == CA_OPEN && (from == CA_RECOVERY || from == CA_LOSS))
		return TEACH_EV_RECOVERY_EXIT;
	if (to == CA_DISORDER)
		return TEACH_EV_DUPACK;
	if (to == CA_CWR)
		return TEACH_EV_CWR;
	return TEACH_EV_NONE;
}

/* One CSV row; unknown numbers (0 here) and no event stay empty. */
static int write_row(FILE *out, const struct tp_state *st,
		     const struct tp_flow *f, unsigned long long t_us,
		     int event, const struct tp_rec *r)
{
	char ss[16], mss[16], prior[16];

	if (r->ssthresh >= TEACH_SSTHRESH_INF)
		snprintf(ss, sizeof(ss), TEACH_FMT_INF);
	else
		snprintf(ss, sizeof(ss), "%u", r->ssthresh);
	snprintf(mss, sizeof(mss), f->mss ? "%u" : "", f->mss);
	snprintf(prior, sizeof(prior), f->prior_cwnd ? "%u" : "",
		 f->prior_cwnd);
	return fprintf(out, "%llu,%llu,%s,%s,%s,%u,%s,%u,,%u,%s,%u,%s\n",
		       t_us >= st->t0 ? t_us - st->t0 : 0, f->cookie,
		       f->algo[0] ? f->algo : "unknown",
		       event == TEACH_EV_NONE ? "" :
		       teach_reason_name((unsigned int)event),
		       teach_phase_name((unsigned int)phase_of(f, r->snd_cwnd,
							       r->ssthresh)),
		       r->snd_cwnd, ss, r->snd_cwnd, r->snd_wnd, mss,
		       r->srtt_us, prior) < 0 ? -1 : 1;
}

static struct tp_flow *new_flow(struct tp_state *st, const struct tp_rec *r,
				tp_lookup_fn lookup, void *arg)
{
	struct tp_flow *f;

	if (st->nflows == TP_MAX_FLOWS) {
		/* forget the oldest: flows come and go */
		memmove(st->flows, st->flows + 1,
			sizeof(st->flows[0]) * (TP_MAX_FLOWS - 1));
		st->nflows--;
	}
	f = &st->flows[st->nflows++];
	memset(f, 0, sizeof(*f));
	strcpy(f->laddr, r->laddr);
	strcpy(f->raddr, r->raddr);
	f->lport = r->lport;
	f->rport = r->rport;
	f->cookie = r->cookie;
	f->ours = lookup(r, f, arg) == 0;
	return f;
}

int tp_feed(struct tp_state *st, const char *line, FILE *out,
	    tp_lookup_fn lookup, void *arg)
{
	struct tp_rec r;
	struct tp_flow *f;
	int kind = tp_parse_line(line, &r), ev;

	if (kind == TP_LOST) {
		st->lost += r.lost;
		return 0;
	}
	if (kind == TP_OTHER)
		return 0;
	if (kind < 0)
		return -1;
	if (st->port >= 0 && r.lport != (unsigned int)st->port &&
	    r.rport != (unsigned int)st->port)
		return 0;
	f = find_flow(st, &r);
	if (kind == TP_STATE) {
		/* a state change before any ACK: nothing to draw yet */
		if (!f || !f->ours || r.ca_state == f->ca_state)
			return 0;
		ev = reason_of(f->ca_state, r.ca_state);
		f->ca_state = r.ca_state;
		/* a dupack does not hide a cut not yet written */
		if (ev != TEACH_EV_NONE &&
		    !(ev == TEACH_EV_DUPACK && f->pending)) {
			f->pending = ev;
			f->pending_t = r.t_us;
		}
		return 0;
	}
	if (!f)
		f = new_flow(st, &r, lookup, arg);
	if (!f->ours)
		return 0;
	/* sock_diag may answer without algorithm or MSS at first: ask again */
	if ((!f->algo[0] || !f->mss) && f->retries < TP_LOOKUP_RETRIES) {
		f->retries++;
		lookup(&r, f, arg);
	}
	if (!st->have_t0) {
		st->t0 = r.t_us;
		st->have_t0 = 1;
	}
	ev = TEACH_EV_NONE;
	if (f->pending) {
		ev = f->pending;
		if (ev == TEACH_EV_FAST_RETRANSMIT || ev == TEACH_EV_TIMEOUT)
			f->prior_cwnd = f->cwnd;
		f->pending = 0;
	} else if (f->seen && r.snd_cwnd == f->cwnd &&
		   r.ssthresh == f->ssthresh) {
		return 0;	/* an ACK that changed nothing */
	} else if (f->seen && r.snd_cwnd > f->cwnd) {
		ev = f->cwnd < f->ssthresh ? TEACH_EV_SLOW_START :
			TEACH_EV_CONG_AVOID;
	}
	f->cwnd = r.snd_cwnd;
	f->ssthresh = r.ssthresh;
	f->seen = 1;
	if (write_row(out, st, f, ev != TEACH_EV_NONE && f->pending_t ?
		      f->pending_t : r.t_us, ev, &r) < 0)
		return -1;
	f->pending_t = 0;
	return 1;
}

/* ---- the live part: sock_diag and tracefs ---- */

/*
 * The sockets of this namespace as sock_diag last listed them.  The
 * trace is read in batches, so a short flow may be gone (or in
 * TIME_WAIT, which has no algorithm) when its first line is read: the
 * list is refreshed while tracing and remembers closed sockets.
 */
struct diag_sock {
	unsigned char src[16], dst[16];
	unsigned int sport, dport;	/* host order */
	char algo[24];
	unsigned int mss;
};

#define DIAG_MAX 256
static struct diag_sock diag_socks[DIAG_MAX];
static unsigned int diag_next;		/* ring: the oldest is replaced */

static struct diag_sock *diag_find(const unsigned char *src,
				   const unsigned char *dst,
				   unsigned int sport, unsigned int dport)
{
	unsigned int i;

	for (i = 0; i < DIAG_MAX; i++) {
		struct diag_sock *d = &diag_socks[i];

		if (d->sport == sport && d->dport == dport &&
		    !memcmp(d->src, src, 16) && !memcmp(d->dst, dst, 16))
			return d;
	}
	return NULL;
}

/* Remember the socket of one diag message (only one with an algorithm). */
static void diag_keep(const struct nlmsghdr *h)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*m));
	unsigned int sport = ntohs(m->id.idiag_sport);
	unsigned int dport = ntohs(m->id.idiag_dport);
	unsigned char src[16] = { 0 }, dst[16] = { 0 };
	size_t alen = m->idiag_family == AF_INET ? 4 : 16;
	struct diag_sock *d;
	struct rtattr *a;
	char algo[24] = "";
	unsigned int mss = 0;

	for (a = (struct rtattr *)(m + 1); RTA_OK(a, len);
	     a = RTA_NEXT(a, len)) {
		if (a->rta_type == INET_DIAG_CONG)
			snprintf(algo, sizeof(algo), "%s", (char *)RTA_DATA(a));
		if (a->rta_type == INET_DIAG_INFO &&
		    RTA_PAYLOAD(a) >= (int)offsetof(struct tcp_info, tcpi_rcv_mss))
			mss = ((struct tcp_info *)RTA_DATA(a))->tcpi_snd_mss;
	}
	if (!algo[0])
		return;
	memcpy(src, m->id.idiag_src, alen);
	memcpy(dst, m->id.idiag_dst, alen);
	d = diag_find(src, dst, sport, dport);
	if (!d) {
		d = &diag_socks[diag_next++ % DIAG_MAX];
		memcpy(d->src, src, 16);
		memcpy(d->dst, dst, 16);
		d->sport = sport;
		d->dport = dport;
	}
	snprintf(d->algo, sizeof(d->algo), "%s", algo);
	d->mss = mss;
}

/* List this namespace's TCP sockets of @family, as ss does. */
static void diag_refresh(int family)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} q = {
		.nlh = { .nlmsg_len = sizeof(q), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.req = { .sdiag_family = (unsigned char)family,
			 .sdiag_protocol = IPPROTO_TCP,
			 .idiag_states = ~0U,
			 .idiag_ext = (1 << (INET_DIAG_INFO - 1)) |
				      (1 << (INET_DIAG_CONG - 1)) },
	};
	union { struct nlmsghdr h; char b[32768]; } buf;
	int fd, done = 0;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return;
	if (send(fd, &q, sizeof(q), 0) != (ssize_t)sizeof(q))
		done = 1;
	while (!done) {
		int len = (int)recv(fd, &buf, sizeof(buf), 0);
		struct nlmsghdr *h = &buf.h;

		if (len <= 0)
			break;
		for (; NLMSG_OK(h, (unsigned int)len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE ||
			    h->nlmsg_type == NLMSG_ERROR) {
				done = 1;
				break;
			}
			diag_keep(h);
		}
	}
	close(fd);
}

/* Is the socket of @r in this network namespace?  Fill algo and mss. */
static int diag_lookup(const struct tp_rec *r, struct tp_flow *f, void *arg)
{
	unsigned char src[16] = { 0 }, dst[16] = { 0 };
	int family = strchr(r->laddr, ':') ? AF_INET6 : AF_INET;
	struct diag_sock *d;

	(void)arg;
	if (inet_pton(family, r->laddr, src) != 1 ||
	    inet_pton(family, r->raddr, dst) != 1)
		return -1;
	d = diag_find(src, dst, r->lport, r->rport);
	if (!d) {
		diag_refresh(family);
		d = diag_find(src, dst, r->lport, r->rport);
	}
	if (!d)
		return -1;
	snprintf(f->algo, sizeof(f->algo), "%s", d->algo);
	f->mss = d->mss;
	return 0;
}

static const char *tracefs_root(void)
{
	static const char *const roots[] = { "/sys/kernel/tracing",
		"/sys/kernel/debug/tracing" };
	char p[128];
	size_t i;

	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		snprintf(p, sizeof(p), "%s/events/tcp", roots[i]);
		if (access(p, R_OK) == 0)
			return roots[i];
	}
	/*
	 * `ip netns exec` mounts a fresh /sys in a private mount namespace,
	 * without tracefs: mount it there (only this namespace sees it).
	 */
	if (mount("nodev", roots[0], "tracefs", 0, NULL) == 0)
		return roots[0];
	return NULL;
}

/* The print format of tracepoint tcp:@name, or -1 when it is missing. */
static int tp_format(const char *root, const char *name, char *buf, size_t len)
{
	char path[256];
	char *fmt;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/events/tcp/%s/format", root, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	fmt = strstr(buf, "print fmt:");
	if (!fmt)
		return -1;
	memmove(buf, fmt, strlen(fmt) + 1);
	return 0;
}

static int tp_write(const char *dir, const char *name, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return cli_write_file(path, val);
}

int tp_trace(FILE *out, const struct trace_opts *o, struct trace_result *res)
{
	static const char *const need[] = { "src=", "dest=", "snd_cwnd=",
		"ssthresh=", "snd_wnd=", "srtt=" };
	const char *root = tracefs_root();
	char inst[160], fmt[4096], filt[64], path[256], buf[65536];
	struct tp_state *st = calloc(1, sizeof(*st));
	int fd = -1, rc = -1, has_state;
	size_t i, used = 0;
	double end = o->duration > 0 ? now_s() + o->duration : 0;
	unsigned long lineno = 0;
	double next_diag = 0;
	/* the caller's idea of which sockets are ours, else sock_diag's */
	tp_lookup_fn lookup = o->lookup ? o->lookup : diag_lookup;
	void *lookup_arg = o->lookup ? o->lookup_arg : NULL;

	memset(res, 0, sizeof(*res));
	if (!st)
		return -1;
	st->port = o->port;
	if (!root) {
		cli_err("trace: no tracefs with tcp events at /sys/kernel/tracing: mount it (mount -t tracefs nodev /sys/kernel/tracing) and run as root");
		goto free;
	}
	if (tp_format(root, "tcp_probe", fmt, sizeof(fmt))) {
		cli_err("trace: this kernel has no tcp:tcp_probe tracepoint (%s/events/tcp/tcp_probe)",
			root);
		goto free;
	}
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (!strstr(fmt, need[i])) {
			cli_err("trace: tcp:tcp_probe on this kernel has no '%.*s' field; its format: %s",
				(int)strlen(need[i]) - 1, need[i], fmt);
			goto free;
		}
	}
	has_state = tp_format(root, "tcp_cong_state_set", fmt, sizeof(fmt)) == 0 &&
		strstr(fmt, "cong_state=") && strstr(fmt, "sport=");
	if (!has_state)
		cli_err("trace: this kernel has no tcp:tcp_cong_state_set: fast retransmit and timeout cannot be told apart, their rows have an empty event");
	snprintf(inst, sizeof(inst), "%s/instances/tcpteach-%d", root,
		 (int)getpid());
	if (mkdir(inst, 0700)) {
		cli_err("trace: cannot create the tracing instance %s: %s%s",
			inst, strerror(errno),
			errno == EACCES || errno == EPERM ? " (needs root)" : "");
		goto free;
	}
	/* one clock for all CPUs; filter by port in the kernel */
	tp_write(inst, "trace_clock", "mono");
	tp_write(inst, "buffer_size_kb", "4096");
	snprintf(filt, sizeof(filt), "sport == %ld || dport == %ld", o->port,
		 o->port);
	if ((o->port >= 0 &&
	     tp_write(inst, "events/tcp/tcp_probe/filter", filt)) ||
	    tp_write(inst, "events/tcp/tcp_probe/enable", "1")) {
		cli_err("trace: cannot enable tcp:tcp_probe in %s: %s", inst,
			strerror(errno));
		goto rmdir;
	}
	if (has_state && ((o->port >= 0 &&
	     tp_write(inst, "events/tcp/tcp_cong_state_set/filter", filt)) ||
	    tp_write(inst, "events/tcp/tcp_cong_state_set/enable", "1"))) {
		cli_err("trace: cannot enable tcp:tcp_cong_state_set in %s: %s",
			inst, strerror(errno));
		goto rmdir;
	}
	snprintf(path, sizeof(path), "%s/trace_pipe", inst);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		cli_err("trace: %s: %s", path, strerror(errno));
		goto rmdir;
	}
	trace_write_header(out);
	fflush(out);
	rc = 0;
	while (!(o->stop && *o->stop)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char *p, *nl;
		ssize_t n;

		if (end && now_s() >= end)
			break;
		if (!o->lookup && now_s() >= next_diag) {
			diag_refresh(AF_INET);
			diag_refresh(AF_INET6);
			next_diag = now_s() + 0.05;
		}
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = read(fd, buf + used, sizeof(buf) - 1 - used);
		if (n <= 0)
			continue;
		used += (size_t)n;
		buf[used] = '\0';
		p = buf;
		while ((nl = strchr(p, '\n'))) {
			int k;

			*nl = '\0';
			lineno++;
			k = tp_feed(st, p, out, lookup, lookup_arg);
			if (k < 0)
				cli_err("trace: %s: line %lu not understood: %s",
					path, lineno, p);
			else
				res->events += (unsigned long long)k;
			p = nl + 1;
		}
		used -= (size_t)(p - buf);
		memmove(buf, p, used);
		if (used == sizeof(buf) - 1)
			used = 0;
		fflush(out);
		if (o->count && res->events >= o->count)
			break;
	}
	res->dropped = st->lost;
	close(fd);
rmdir:
	tp_write(inst, "events/tcp/tcp_probe/enable", "0");
	if (has_state)
		tp_write(inst, "events/tcp/tcp_cong_state_set/enable", "0");
	if (rmdir(inst))
		cli_err("trace: cannot remove %s: %s", inst, strerror(errno));
free:
	free(st);
	return rc;
}
