/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the tcp_teach kselftests (run inside the VM as root, with
 * tcp_teach.ko loaded): two network namespaces joined by a veth pair with
 * netem delay and offloads off, a bulk transfer between them with kernel
 * TCP sockets, and parsers for /proc/net/tcp_teach and the event stream.
 *
 * Include after kselftest_harness.h.  Everything is static: each test
 * program compiles its own copy.
 */
#ifndef TEACH_TEST_H
#define TEACH_TEST_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/tcp.h>	/* struct tcp_info with tcpi_snd_wnd */
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "teach_format.h"

#define TT_PARAMS	"/sys/module/tcp_teach/parameters/"
#define TT_V4_A		"10.71.0.1"
#define TT_V4_B		"10.71.0.2"
#define TT_V6_A		"fd71::1"
#define TT_V6_B		"fd71::2"
#define TT_INF		UINT_MAX	/* ssthresh "inf" */
/* Not every test uses every helper. */
#define TT_FN		static __attribute__((unused))

/* ---- small utilities ----------------------------------------------- */

static int tt_sh(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Run a shell command; returns its exit status (or -1). */
TT_FN int tt_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc == -1 || !WIFEXITED(rc)) {
		fprintf(stderr, "# command failed: %s\n", cmd);
		return -1;
	}
	if (WEXITSTATUS(rc))
		fprintf(stderr, "# exit %d: %s\n", WEXITSTATUS(rc), cmd);
	return WEXITSTATUS(rc);
}

TT_FN void tt_msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* CLOCK_MONOTONIC in microseconds, the clock of the event stream. */
TT_FN unsigned long long tt_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

TT_FN int tt_param_read(const char *name, unsigned int *val)
{
	char path[256];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), TT_PARAMS "%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fscanf(f, "%u", val);
	fclose(f);
	return n == 1 ? 0 : -1;
}

/* Write a parameter; returns 0 or the errno of the write. */
TT_FN int tt_param_write(const char *name, const char *val)
{
	char path[256];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), TT_PARAMS "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = errno;
	close(fd);
	return err;
}

/* ---- network namespaces ---------------------------------------------- */

struct tt_net {
	char a[32];		/* sender side */
	char b[32];		/* receiver side */
	int self;		/* fd of the namespace we started in */
};

TT_FN void tt_net_down(struct tt_net *n)
{
	if (n->a[0])
		tt_sh("ip netns del %s 2>/dev/null; true", n->a);
	if (n->b[0])
		tt_sh("ip netns del %s 2>/dev/null; true", n->b);
	if (n->self > 0)
		close(n->self);
	n->self = 0;
}

/*
 * Namespaces <tag>a and <tag>b, veth va (10.71.0.1, fd71::1) <-> vb
 * (10.71.0.2, fd71::2), @delay_ms netem delay on each side (RTT is twice
 * that), TSO/GSO/GRO off so every segment is one MSS on the wire.
 */
TT_FN int tt_net_up(struct tt_net *n, const char *tag, unsigned int delay_ms)
{
	memset(n, 0, sizeof(*n));
	snprintf(n->a, sizeof(n->a), "%s%da", tag, getpid());
	snprintf(n->b, sizeof(n->b), "%s%db", tag, getpid());
	n->self = open("/proc/thread-self/ns/net", O_RDONLY);
	if (n->self < 0)
		return -1;
	tt_sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null; true",
	      n->a, n->b);
	if (tt_sh("ip netns add %s && ip netns add %s", n->a, n->b) ||
	    tt_sh("ip link add va netns %s type veth peer name vb netns %s",
		  n->a, n->b))
		return -1;
	if (tt_sh("ip -n %s link set lo up && ip -n %s link set lo up",
		  n->a, n->b) ||
	    tt_sh("ip -n %s addr add " TT_V4_A "/24 dev va && "
		  "ip -n %s addr add " TT_V6_A "/64 dev va nodad && "
		  "ip -n %s link set va up", n->a, n->a, n->a) ||
	    tt_sh("ip -n %s addr add " TT_V4_B "/24 dev vb && "
		  "ip -n %s addr add " TT_V6_B "/64 dev vb nodad && "
		  "ip -n %s link set vb up", n->b, n->b, n->b))
		return -1;
	if (tt_sh("ip netns exec %s ethtool -K va tso off gso off gro off >/dev/null",
		  n->a) ||
	    tt_sh("ip netns exec %s ethtool -K vb tso off gso off gro off >/dev/null",
		  n->b))
		return -1;
	/*
	 * Receive processing for both ends on CPU 0 (RPS): with each CPU
	 * draining its own backlog, a slow kernel reorders segments, and
	 * three dupacks from reordering would start a fast retransmit on a
	 * path that lost nothing.  One backlog then takes netem's bursts, so
	 * it gets room for them (the sysctl is global; the VM is ours).
	 */
	if (tt_sh("sysctl -qw net.core.netdev_max_backlog=10000") ||
	    tt_sh("ip netns exec %s sh -c 'echo 1 > /sys/class/net/va/queues/rx-0/rps_cpus'",
		  n->a) ||
	    tt_sh("ip netns exec %s sh -c 'echo 1 > /sys/class/net/vb/queues/rx-0/rps_cpus'",
		  n->b))
		return -1;
	if (delay_ms &&
	    (tt_sh("tc -n %s qdisc add dev va root netem delay %ums limit 10000",
		   n->a, delay_ms) ||
	     tt_sh("tc -n %s qdisc add dev vb root netem delay %ums limit 10000",
		   n->b, delay_ms)))
		return -1;
	/* Each test starts clean: no cached ssthresh/cwnd from a previous run. */
	tt_sh("ip netns exec %s sysctl -qw net.ipv4.tcp_no_metrics_save=1", n->a);
	return 0;
}

/*
 * The offloads a real NIC runs with: TSO/GSO at the sender's veth, GRO at
 * the receiver's (veth's GRO is off by default).  One packet on the wire
 * then carries several segments, and the receiver sends stretch ACKs.
 */
TT_FN int tt_offloads_on(struct tt_net *n)
{
	return tt_sh("ip netns exec %s ethtool -K va tso on gso on >/dev/null",
		     n->a) ||
	       tt_sh("ip netns exec %s ethtool -K vb gro on >/dev/null", n->b);
}

/* Switch this thread into namespace @name (NULL: back home). */
TT_FN int tt_enter(struct tt_net *n, const char *name)
{
	char path[128];
	int fd, rc;

	if (!name)
		return setns(n->self, CLONE_NEWNET);
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	rc = setns(fd, CLONE_NEWNET);
	close(fd);
	return rc;
}

/* open() a /proc/net file as seen from namespace @name. */
TT_FN int tt_open_in(struct tt_net *n, const char *name, const char *file,
		      int flags)
{
	char path[128];
	int fd;

	if (tt_enter(n, name))
		return -1;
	snprintf(path, sizeof(path), "/proc/thread-self/net/%s", file);
	fd = open(path, flags);
	tt_enter(n, NULL);
	return fd;
}

TT_FN int tt_socket_in(struct tt_net *n, const char *name, int family)
{
	int fd;

	if (tt_enter(n, name))
		return -1;
	fd = socket(family, SOCK_STREAM, 0);
	tt_enter(n, NULL);
	return fd;
}

/* ---- a bulk transfer a -> b ------------------------------------------- */

struct tt_xfer {
	/* in */
	const char *algo;	/* TCP_CONGESTION of the sender, or NULL */
	int family;		/* AF_INET (default) or AF_INET6 */
	unsigned short port;	/* default 5001 */
	size_t bytes;
	int rcvbuf;		/* receiver SO_RCVBUFFORCE, 0 = default */
	/*
	 * Sender SO_SNDBUFFORCE, 0 = 8 MB: the whole transfer is copied into
	 * the socket before the first ACK, so the sender never holds the
	 * socket lock while ACKs arrive (they would be merged in the backlog).
	 */
	int sndbuf;
	/* called once the data is sent, before waiting for the ACKs */
	void (*during)(struct tt_net *n, struct tt_xfer *x, int fd);
	/* called when every byte is acknowledged, before the FIN */
	void (*acked)(struct tt_net *n, struct tt_xfer *x, int fd);
	void *arg;
	/* out */
	uint64_t cookie;
	char algo_set[32];	/* TCP_CONGESTION read back */
	struct tcp_info info;	/* sender, all data acknowledged */
	size_t received;
};

struct tt_rx {
	int lfd;
	size_t got;
};

TT_FN void *tt_receiver(void *arg)
{
	struct tt_rx *rx = arg;
	char buf[65536];
	ssize_t n;
	int fd;

	fd = accept(rx->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		rx->got += n;
	close(fd);
	return NULL;
}

TT_FN void tt_addr(struct sockaddr_storage *ss, socklen_t *len, int family,
		    const char *v4, const char *v6, unsigned short port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		inet_pton(AF_INET6, v6, &s6->sin6_addr);
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		inet_pton(AF_INET, v4, &s4->sin_addr);
		*len = sizeof(*s4);
	}
}

/* Wait until the send queue is empty: every byte acknowledged. */
TT_FN int tt_wait_acked(int fd, unsigned int timeout_ms)
{
	unsigned int waited = 0;
	int outq;

	for (;;) {
		if (ioctl(fd, SIOCOUTQ, &outq))
			return -1;
		if (outq == 0)
			return 0;
		if (waited >= timeout_ms)
			return -1;
		tt_msleep(10);
		waited += 10;
	}
}

/* Returns 0 when every byte arrived; fills x's out fields. */
TT_FN int tt_transfer(struct tt_net *n, struct tt_xfer *x)
{
	struct sockaddr_storage ss;
	struct tt_rx rx = { .lfd = -1 };
	int family = x->family ? x->family : AF_INET;
	unsigned short port = x->port ? x->port : 5001;
	socklen_t len, olen;
	pthread_t th;
	char *buf = NULL, c;
	int fd = -1, one = 1, err = -1;
	size_t left;

	rx.lfd = tt_socket_in(n, n->b, family);
	if (rx.lfd < 0)
		return -1;
	setsockopt(rx.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (x->rcvbuf)
		setsockopt(rx.lfd, SOL_SOCKET, SO_RCVBUFFORCE, &x->rcvbuf,
			   sizeof(x->rcvbuf));
	tt_addr(&ss, &len, family, TT_V4_B, TT_V6_B, port);
	if (bind(rx.lfd, (struct sockaddr *)&ss, len) || listen(rx.lfd, 4)) {
		close(rx.lfd);
		return -1;
	}
	if (pthread_create(&th, NULL, tt_receiver, &rx)) {
		close(rx.lfd);
		return -1;
	}

	fd = tt_socket_in(n, n->a, family);
	if (fd < 0)
		goto out;
	if (x->algo && setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, x->algo,
				  strlen(x->algo))) {
		fprintf(stderr, "# TCP_CONGESTION %s: %s\n", x->algo,
			strerror(errno));
		goto out;
	}
	one = x->sndbuf ? x->sndbuf : 8 << 20;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&ss, len)) {
		fprintf(stderr, "# connect: %s\n", strerror(errno));
		goto out;
	}
	olen = sizeof(x->cookie);
	getsockopt(fd, SOL_SOCKET, SO_COOKIE, &x->cookie, &olen);
	olen = sizeof(x->algo_set) - 1;
	getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, x->algo_set, &olen);

	buf = calloc(1, 65536);
	if (!buf)
		goto out;
	for (left = x->bytes; left; ) {
		ssize_t w = write(fd, buf, left < 65536 ? left : 65536);

		if (w <= 0) {
			fprintf(stderr, "# write: %s\n", strerror(errno));
			goto out;
		}
		left -= w;
	}
	if (x->during)
		x->during(n, x, fd);
	if (tt_wait_acked(fd, 60000)) {
		fprintf(stderr, "# data not acknowledged in 60 s\n");
		goto out;
	}
	olen = sizeof(x->info);
	getsockopt(fd, IPPROTO_TCP, TCP_INFO, &x->info, &olen);
	if (x->acked)
		x->acked(n, x, fd);
	shutdown(fd, SHUT_WR);
	while (read(fd, &c, 1) > 0)	/* the receiver's FIN */
		;
	err = 0;
out:
	if (fd >= 0)
		close(fd);
	if (err)
		shutdown(rx.lfd, SHUT_RDWR);
	pthread_join(th, NULL);
	close(rx.lfd);
	free(buf);
	x->received = rx.got;
	if (!err && rx.got != x->bytes) {
		fprintf(stderr, "# received %zu of %zu bytes\n", rx.got,
			x->bytes);
		err = -1;
	}
	return err;
}

/*
 * ---- nftables on the receiver's input --------------------------------
 * Drops happen where the segment arrives: on the sender's own output a
 * netfilter drop is a local send error (TCP keeps the skb and sends it
 * again, no loss), and TCP may still hand 2-segment GSO skbs to it; after
 * the veth (GSO off) every packet is exactly one segment.
 */

/* Drop the @nth (0-based) data segment sent to @port, exactly once. */
TT_FN int tt_drop_nth(struct tt_net *n, unsigned short port, unsigned int nth)
{
	return tt_sh("ip netns exec %s nft -f - <<'EOF'\n"
		     "table inet tt_drop {\n"
		     " chain i {\n"
		     "  type filter hook prerouting priority -300;\n"
		     "  tcp dport %u meta length > 100 numgen inc mod 1000000000 == %u counter drop\n"
		     " }\n"
		     "}\n"
		     "EOF", n->b, port, nth);
}

/* Drop every segment to @port until tt_blackhole_off(). */
TT_FN int tt_blackhole_on(struct tt_net *n, unsigned short port)
{
	return tt_sh("ip netns exec %s nft -f - <<'EOF'\n"
		     "table inet tt_hole {\n"
		     " chain i {\n"
		     "  type filter hook prerouting priority -300;\n"
		     "  tcp dport %u counter drop\n"
		     " }\n"
		     "}\n"
		     "EOF", n->b, port);
}

TT_FN int tt_blackhole_off(struct tt_net *n)
{
	return tt_sh("ip netns exec %s nft delete table inet tt_hole", n->b);
}

/*
 * Take a link of namespace @ns down or up at once (an ioctl, not a
 * command: under TCG starting nft or ip takes a few hundred ms).  With vb
 * down, every segment va sends is lost on the wire.
 */
TT_FN int tt_link_set(struct tt_net *n, const char *ns, const char *dev,
		      int up)
{
	struct ifreq ifr;
	int fd, rc = -1;

	fd = tt_socket_in(n, ns, AF_INET);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		if (up)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return rc;
}

/* Packets the counter of table @table in the receiver's namespace saw, or -1. */
TT_FN long tt_nft_count(struct tt_net *n, const char *table)
{
	char cmd[256];
	long v = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "ip netns exec %s nft list table inet %s | sed -n 's/.*counter packets \\([0-9]*\\).*/\\1/p'",
		 n->b, table);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (fscanf(p, "%ld", &v) != 1)
		v = -1;
	pclose(p);
	return v;
}

/* ---- /proc/net/tcp_teach_events ------------------------------------------ */

struct tt_event {
	unsigned long long time_us, cookie;
	char algo[16], event[20], phase[16];
	unsigned int cwnd, ssthresh, snd_cwnd, inflight, rwnd, mss, srtt_us;
	unsigned int prior_cwnd;
	char local[64], remote[64];
	char recovery[16];	/* fast_retransmit: the rule that began it */
};

struct tt_events {
	struct tt_event *ev;
	size_t n, cap;
	unsigned long long dropped;	/* sum of "# dropped N" lines */
	size_t dropped_lines;
	size_t bad_lines;
	size_t header_lines;		/* the column names, before the events */
	char partial[512];		/* a line split across reads */
};

TT_FN int tt_parse_event(const char *line, struct tt_event *e)
{
	char ss[16];

	memset(e, 0, sizeof(*e));
	/* the columns of teach_format.h; tt_events_line checks the header */
	if (sscanf(line, "%llu %llu %15s %19s %15s %u %15s %u %u %u %u %u %u %63s %63s %15s",
		   &e->time_us, &e->cookie, e->algo, e->event, e->phase,
		   &e->cwnd, ss, &e->snd_cwnd, &e->inflight, &e->rwnd,
		   &e->mss, &e->srtt_us, &e->prior_cwnd, e->local,
		   e->remote, e->recovery) != 16)
		return -1;
	if (!strcmp(ss, TEACH_FMT_INF))
		e->ssthresh = TT_INF;
	else if (sscanf(ss, "%u", &e->ssthresh) != 1)
		return -1;
	return 0;
}

/* The stream's header line, as teach_format.h spells the columns. */
TT_FN void tt_events_header(char *buf, size_t len)
{
	size_t i;

	snprintf(buf, len, "%s %s", TEACH_FMT_TRACE_COLUMNS,
		 TEACH_FMT_EVENT_EXTRA_COLUMNS);
	for (i = 0; buf[i]; i++)
		if (buf[i] == ',')
			buf[i] = ' ';
}

/*
 * The first event of what a fresh reader got in @buf: the header line
 * comes first and must be exactly the expected one.
 */
TT_FN int tt_first_event(const char *buf, struct tt_event *e)
{
	char want[256];
	size_t n = strcspn(buf, "\n");

	tt_events_header(want, sizeof(want));
	if (n != strlen(want) || strncmp(buf, want, n) || !buf[n])
		return -1;
	return tt_parse_event(buf + n + 1, e);
}

TT_FN void tt_events_line(struct tt_events *t, const char *line)
{
	unsigned long long d;

	if (!*line)
		return;
	if (getenv("TT_RAW"))		/* debugging: show the stream as is */
		fprintf(stderr, "# raw: %s\n", line);
	if (sscanf(line, "# dropped %llu", &d) == 1) {
		t->dropped += d;
		t->dropped_lines++;
		return;
	}
	if (!strncmp(line, "time_us ", 8)) {
		char want[256];

		tt_events_header(want, sizeof(want));
		if (strcmp(line, want) || t->n || t->header_lines) {
			fprintf(stderr, "# bad header line: %s\n", line);
			t->bad_lines++;
			return;
		}
		t->header_lines++;
		return;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->ev = realloc(t->ev, t->cap * sizeof(*t->ev));
		if (!t->ev)
			abort();
	}
	if (tt_parse_event(line, &t->ev[t->n])) {
		fprintf(stderr, "# bad event line: %s\n", line);
		t->bad_lines++;
		return;
	}
	t->n++;
}

TT_FN void tt_append(char *dst, size_t size, const char *src)
{
	size_t len = strlen(dst), n = strlen(src);

	if (n > size - 1 - len)
		n = size - 1 - len;
	memcpy(dst + len, src, n);
	dst[len + n] = 0;
}

/* Read what is there (fd is O_NONBLOCK) and append it to @t. */
TT_FN int tt_events_drain(int fd, struct tt_events *t)
{
	char buf[8192];
	ssize_t r;

	for (;;) {
		char *p, *nl;

		r = read(fd, buf, sizeof(buf) - 1);
		if (r < 0)
			return errno == EAGAIN ? 0 : -1;
		if (r == 0)
			return 0;
		buf[r] = 0;
		for (p = buf; (nl = strchr(p, '\n')); p = nl + 1) {
			*nl = 0;
			if (t->partial[0]) {
				tt_append(t->partial, sizeof(t->partial), p);
				tt_events_line(t, t->partial);
				t->partial[0] = 0;
			} else {
				tt_events_line(t, p);
			}
		}
		tt_append(t->partial, sizeof(t->partial), p);
	}
}

/* Keep only the events of one flow (in place). */
TT_FN void tt_events_filter(struct tt_events *t, unsigned long long cookie)
{
	size_t i, k = 0;

	for (i = 0; i < t->n; i++)
		if (t->ev[i].cookie == cookie)
			t->ev[k++] = t->ev[i];
	t->n = k;
}

TT_FN size_t tt_events_count(const struct tt_events *t, const char *event)
{
	size_t i, c = 0;

	for (i = 0; i < t->n; i++)
		c += !strcmp(t->ev[i].event, event);
	return c;
}

/* Index of the first @event at or after @from, or -1. */
TT_FN long tt_events_find(const struct tt_events *t, size_t from,
			   const char *event)
{
	size_t i;

	for (i = from; i < t->n; i++)
		if (!strcmp(t->ev[i].event, event))
			return i;
	return -1;
}

/*
 * After a cut to cwnd 1 at event @from - 1: slow start, then congestion
 * avoidance (+1 per event) once cwnd reached @ss; other events leave cwnd
 * alone and every event carries @ss.  Slow start doubles per round trip
 * whatever an ACK covers, so one event may add several segments (a
 * stretch ACK, or the cumulative ACK that repairs the hole), but the
 * first growth after the cut is exactly 1 -> 2 (the round began at 1),
 * no event more than doubles the window, and none passes @ss.  Returns
 * NULL when the events from @from on follow that, else what is wrong
 * (at which event).
 */
TT_FN const char *tt_check_slow_start_again(const struct tt_events *t,
					    size_t from, unsigned int ss)
{
	static char why[160];
	int reached = 0, grown = 0;
	size_t i;

	for (i = from; i < t->n; i++) {
		const struct tt_event *e = &t->ev[i];
		unsigned int prev = t->ev[i - 1].cwnd;
		const char *bad = NULL;

		if (e->ssthresh != ss)
			bad = "ssthresh changed";
		else if (!strcmp(e->event, "slow_start")) {
			if (reached)
				bad = "slow start after reaching ssthresh";
			else if (!grown && (prev != 1 || e->cwnd != 2))
				bad = "first growth after the cut is not 1 -> 2";
			else if (e->cwnd <= prev || e->cwnd > 2 * prev)
				bad = "slow start step shrinks or more than doubles";
			else if (e->cwnd > ss)
				bad = "slow start past ssthresh";
			reached = e->cwnd == ss;
			grown = 1;
		} else if (!strcmp(e->event, "cong_avoid")) {
			if (!reached)
				bad = "congestion avoidance below ssthresh";
			else if (e->cwnd != prev + 1)
				bad = "congestion avoidance step not +1";
		} else if (e->cwnd != prev) {
			bad = "window changed by another event";
		}
		if (bad) {
			snprintf(why, sizeof(why), "event %zu (%s, cwnd %u -> %u): %s",
				 i, e->event, prev, e->cwnd, bad);
			return why;
		}
	}
	if (!reached)
		return "slow start never reached ssthresh";
	if (!tt_events_count(t, "cong_avoid"))
		return "no congestion avoidance step";
	return NULL;
}

TT_FN void tt_events_print(const struct tt_events *t, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to && i < t->n; i++)
		fprintf(stderr, "#  %llu %s %s cwnd=%u ssthresh=%d snd_cwnd=%u inflight=%u\n",
			t->ev[i].time_us, t->ev[i].event, t->ev[i].phase,
			t->ev[i].cwnd, (int)t->ev[i].ssthresh,
			t->ev[i].snd_cwnd, t->ev[i].inflight);
}

/*
 * Split events [from, to) into round trips: a new round starts where two
 * events are more than @gap_us apart.  Fills @start (first index of each
 * round, at most @max) and returns the number of rounds.
 */
TT_FN size_t tt_rounds(const struct tt_events *t, size_t from, size_t to,
		       unsigned long long gap_us, size_t *start, size_t max)
{
	size_t i, n = 0;

	for (i = from; i < to && i < t->n; i++) {
		if (i == from || t->ev[i].time_us - t->ev[i - 1].time_us > gap_us) {
			if (n == max)
				break;
			start[n++] = i;
		}
	}
	return n;
}

/*
 * After a transfer: read what the stream holds and keep connection
 * @cookie's events.  NULL when they are complete (none dropped, every
 * line parsed, more than @min of them), else what is wrong.
 */
TT_FN const char *tt_events_of(int fd, struct tt_events *t,
			       unsigned long long cookie, size_t min)
{
	tt_msleep(100);		/* the last events (close) are recorded */
	if (tt_events_drain(fd, t))
		return "reading /proc/net/tcp_teach_events failed";
	if (t->dropped)
		return "events were dropped";
	if (t->bad_lines)
		return "an event line did not parse";
	tt_events_filter(t, cookie);
	if (t->n <= min)
		return "too few events for the connection";
	if (getenv("TT_DEBUG"))
		tt_events_print(t, 0, t->n);
	return NULL;
}

/* In a test: a check returning NULL or why it failed, logged. */
#define TT_ASSERT_OK(check) do {					\
	const char *tt_why_ = (check);					\
									\
	if (tt_why_)							\
		TH_LOG("%s", tt_why_);					\
	ASSERT_TRUE(tt_why_ == NULL);					\
} while (0)

TT_FN void tt_events_free(struct tt_events *t)
{
	free(t->ev);
	memset(t, 0, sizeof(*t));
}

/*
 * The sender's event stream, non-blocking (open it before connecting, so
 * the connection's "init" is in it), and the teardown of a test that
 * used one.
 */
TT_FN int tt_events_open(struct tt_net *n)
{
	return tt_open_in(n, n->a, "tcp_teach_events", O_RDONLY | O_NONBLOCK);
}

TT_FN void tt_events_down(struct tt_net *n, struct tt_events *t, int fd)
{
	if (fd >= 0)
		close(fd);
	tt_events_free(t);
	tt_net_down(n);
}

/* ---- /proc/net/tcp_teach ------------------------------------------------ */

struct tt_sock_line {
	char local[64], remote[64];
	unsigned long long cookie;
	char algo[16], phase[16], ca_state[16];
	unsigned int cwnd, snd_cwnd, ssthresh, mss, rwnd;
	unsigned long long wnd;
	unsigned int inflight, srtt_us, acks, ss_incr, ca_incr, dupacks;
	unsigned int fast_retransmits, timeouts, undos;
	char recovery[16];	/* why the last fast retransmit began */
};

/*
 * Find @cookie's line in /proc/net/tcp_teach of namespace @ns.
 * Returns 1 found, 0 not found, -1 on a malformed file.
 */
TT_FN int tt_proc_find(struct tt_net *n, const char *ns,
			unsigned long long cookie, struct tt_sock_line *out)
{
	char line[1024], ss[16];
	int fd, found = 0, first = 1;
	FILE *f;

	fd = tt_open_in(n, ns, "tcp_teach", O_RDONLY);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct tt_sock_line l;

		line[strcspn(line, "\n")] = 0;
		if (getenv("TT_RAW"))
			fprintf(stderr, "# raw: %s\n", line);
		if (first) {
			first = 0;
			if (strcmp(line, TEACH_FMT_SOCK_COLUMNS)) {
				fprintf(stderr, "# bad header: %s\n", line);
				found = -1;
				break;
			}
			continue;
		}
		memset(&l, 0, sizeof(l));
		if (sscanf(line, "%63s %63s %llu %15s %15s %15s %u %u %15s %u %u %llu %u %u %u %u %u %u %u %u %u %15s",
			   l.local, l.remote, &l.cookie, l.algo, l.phase,
			   l.ca_state, &l.cwnd, &l.snd_cwnd, ss, &l.mss,
			   &l.rwnd, &l.wnd, &l.inflight, &l.srtt_us, &l.acks,
			   &l.ss_incr, &l.ca_incr, &l.dupacks,
			   &l.fast_retransmits, &l.timeouts, &l.undos,
			   l.recovery) != 22) {
			fprintf(stderr, "# bad line: %s\n", line);
			found = -1;
			break;
		}
		l.ssthresh = strcmp(ss, "inf") ? (unsigned int)atoi(ss) : TT_INF;
		if (l.cookie == cookie) {
			*out = l;
			found = 1;
		}
	}
	fclose(f);
	return found;
}

#endif /* TEACH_TEST_H */
