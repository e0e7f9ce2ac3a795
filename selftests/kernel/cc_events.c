// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcp_teach_events (issue 3, test 7).
 *
 *  - empty stream: O_NONBLOCK read is EAGAIN, poll() says not readable;
 *  - a blocked read() wakes up when a connection starts; poll() reports
 *    data; lines parse, times never go backwards, one flow goes from
 *    init to close;
 *  - a stalled reader with a tiny ring loses events: they are counted
 *    ("# dropped N" in the stream, "dropped" in tcp_teach_stats) and
 *    every recorded event is either read or counted, while the transfer
 *    itself finishes without a retransmission;
 *  - a reader blocked in read() returns when its netns goes away.
 */
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "teach_test.h"

#define PORT	5005

FIXTURE(ev) {
	struct tt_net net;
	struct tt_events ev;
	unsigned int old_size;
};

FIXTURE_SETUP(ev)
{
	ASSERT_EQ(0, tt_param_read("events_size", &self->old_size));
	ASSERT_EQ(0, tt_net_up(&self->net, "ttev", 10));
}

FIXTURE_TEARDOWN(ev)
{
	char v[16];

	snprintf(v, sizeof(v), "%u", self->old_size);
	tt_param_write("events_size", v);
	tt_events_free(&self->ev);
	tt_net_down(&self->net);
}

/* "key value" from tcp_teach_stats of namespace @ns, or -1. */
static long long stat_of(struct tt_net *n, const char *ns, const char *key)
{
	char line[128], k[64];
	long long v, found = -1;
	FILE *f;
	int fd;

	fd = tt_open_in(n, ns, "tcp_teach_stats", O_RDONLY);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -1;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", k, &v) == 2 && !strcmp(k, key))
			found = v;
	fclose(f);
	return found;
}

struct blocked {
	int fd;
	pid_t tid;
	ssize_t n;
	int err;
	char buf[4096];
};

static void *blocked_read(void *arg)
{
	struct blocked *b = arg;

	__atomic_store_n(&b->tid, gettid(), __ATOMIC_RELEASE);
	b->n = read(b->fd, b->buf, sizeof(b->buf) - 1);
	b->err = b->n < 0 ? errno : 0;
	return NULL;
}

/*
 * Wait until the reader thread sleeps inside read() (its current system
 * call, as /proc shows it): under a loaded emulator a thread can take
 * longer than any fixed pause to get there.
 */
static int wait_blocked_in_read(struct blocked *b)
{
	char path[64], line[128];
	int i;

	for (i = 0; i < 3000; i++, tt_msleep(10)) {
		pid_t tid = __atomic_load_n(&b->tid, __ATOMIC_ACQUIRE);
		FILE *f;
		long nr;

		if (!tid)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
		f = fopen(path, "r");
		if (!f)
			return -1;
		nr = -1;
		if (fgets(line, sizeof(line), f) && sscanf(line, "%ld", &nr) != 1)
			nr = -1;
		fclose(f);
		if (nr == SYS_read)
			return 0;
	}
	return -1;
}

TEST_F_TIMEOUT(ev, stream, 120)
{
	struct tt_xfer x = { .algo = "teach_reno", .bytes = 128 * 1024,
			     .port = PORT };
	struct tt_events *t = &self->ev;
	struct blocked b = { .fd = -1 };
	struct pollfd pfd;
	pthread_t th;
	char buf[64];
	size_t i;
	int nb;

	nb = tt_open_in(&self->net, self->net.a, "tcp_teach_events",
			O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, nb);
	b.fd = tt_open_in(&self->net, self->net.a, "tcp_teach_events",
			  O_RDONLY);
	ASSERT_LE(0, b.fd);
	ASSERT_EQ(2, stat_of(&self->net, self->net.a, "readers"));

	/* Nothing yet. */
	ASSERT_EQ(-1, read(nb, buf, sizeof(buf)));
	ASSERT_EQ(EAGAIN, errno);
	pfd = (struct pollfd){ .fd = nb, .events = POLLIN };
	ASSERT_EQ(0, poll(&pfd, 1, 0));

	/* A blocked reader wakes up with the first events. */
	ASSERT_EQ(0, pthread_create(&th, NULL, blocked_read, &b));
	tt_msleep(200);
	ASSERT_EQ(0, tt_transfer(&self->net, &x));
	ASSERT_EQ(0, pthread_join(th, NULL));
	ASSERT_LT(0, b.n);
	b.buf[b.n] = 0;
	TH_LOG("blocked read returned: %.*s", (int)strcspn(b.buf, "\n"),
	       b.buf);

	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	ASSERT_TRUE(pfd.revents & POLLIN);
	tt_msleep(100);
	ASSERT_EQ(0, tt_events_drain(nb, t));
	ASSERT_EQ(0, t->bad_lines);
	ASSERT_EQ(0, t->dropped_lines);
	for (i = 1; i < t->n; i++)
		ASSERT_LE(t->ev[i - 1].time_us, t->ev[i].time_us);
	/* Only our flow uses teach_* in this namespace. */
	ASSERT_EQ((long long)t->n, stat_of(&self->net, self->net.a, "events"));
	tt_events_filter(t, x.cookie);
	ASSERT_LT(4, t->n);
	ASSERT_STREQ("init", t->ev[0].event);
	ASSERT_STREQ("close", t->ev[t->n - 1].event);
	for (i = 0; i < t->n; i++) {
		ASSERT_STREQ("teach_reno", t->ev[i].algo);
		ASSERT_EQ(0, strncmp(t->ev[i].local, TT_V4_A ":", strlen(TT_V4_A) + 1));
		ASSERT_STREQ(TT_V4_B ":5005", t->ev[i].remote);
		ASSERT_EQ(1448, t->ev[i].mss);
		/* a loss-free flow: no event names a recovery rule */
		ASSERT_STREQ("-", t->ev[i].recovery);
	}
	/* The blocked reader got the header, then the same first event. */
	ASSERT_EQ(0, tt_first_event(b.buf, &t->ev[0]));
	ASSERT_STREQ("init", t->ev[0].event);
	ASSERT_EQ(x.cookie, t->ev[0].cookie);

	/* Empty again. */
	ASSERT_EQ(-1, read(nb, buf, sizeof(buf)));
	ASSERT_EQ(EAGAIN, errno);
	close(nb);
	close(b.fd);
	ASSERT_EQ(0, stat_of(&self->net, self->net.a, "readers"));
}

TEST_F_TIMEOUT(ev, overflow, 120)
{
	struct tt_xfer x = { .algo = "teach_tahoe", .bytes = 512 * 1024,
			     .port = PORT };
	struct tt_events *t = &self->ev;
	long long recorded, dropped;
	int fd, i;

	/* A tiny ring, allocated when this first reader opens. */
	ASSERT_EQ(0, tt_param_write("events_size", "64"));
	fd = tt_open_in(&self->net, self->net.a, "tcp_teach_events",
			O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);

	/*
	 * The reader stalls while connections run: each one records about
	 * 50 events (init, slow start to 45, a few +1 steps, close).
	 */
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, tt_transfer(&self->net, &x));
		EXPECT_EQ(0, x.info.tcpi_total_retrans);
	}
	tt_msleep(100);
	ASSERT_EQ(0, tt_events_drain(fd, t));
	ASSERT_EQ(0, t->bad_lines);
	recorded = stat_of(&self->net, self->net.a, "events");
	dropped = stat_of(&self->net, self->net.a, "dropped");
	TH_LOG("recorded %lld, read %zu, dropped %llu (%zu drop lines)",
	       recorded, t->n, t->dropped, t->dropped_lines);
	ASSERT_LT(0, t->dropped_lines);
	ASSERT_LT(0, t->dropped);
	ASSERT_EQ((long long)t->dropped, dropped);
	/* Nothing lost silently: every event was read or counted. */
	ASSERT_EQ(recorded, (long long)(t->n + t->dropped));
	/* At most one ring's worth per CPU survived. */
	ASSERT_GE(64 * sysconf(_SC_NPROCESSORS_CONF), (long)t->n);
	/* The newest events are there: the flow's close is the last one. */
	ASSERT_STREQ("close", t->ev[t->n - 1].event);
	close(fd);
}

TEST_F_TIMEOUT(ev, reader_woken_on_netns_exit, 60)
{
	struct blocked b = { .fd = -1 };
	pthread_t th;
	struct timespec ts;

	b.fd = tt_open_in(&self->net, self->net.b, "tcp_teach_events",
			  O_RDONLY);
	ASSERT_LE(0, b.fd);
	ASSERT_EQ(0, pthread_create(&th, NULL, blocked_read, &b));
	/* Blocked, not about to read: a read after the exit gets EIO. */
	ASSERT_EQ(0, wait_blocked_in_read(&b));
	/* The namespace has no process and no socket left: it goes away. */
	ASSERT_EQ(0, tt_sh("ip netns del %s", self->net.b));
	self->net.b[0] = 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 30;
	ASSERT_EQ(0, pthread_timedjoin_np(th, NULL, &ts));
	/* End of file: the stream is gone. */
	ASSERT_EQ(0, b.n) TH_LOG("read: %s", strerror(b.err));
	close(b.fd);
}

TEST_HARNESS_MAIN
