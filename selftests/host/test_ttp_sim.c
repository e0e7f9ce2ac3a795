// SPDX-License-Identifier: GPL-2.0
/*
 * Whole transfers through the simulated link: integrity (SHA-256) under
 * loss, duplication, reordering and corruption in every mode and
 * algorithm; the Tahoe and Reno shapes after the same scripted drop; a
 * SYN flood; and tshark reading our pcap as real TCP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ttp/sim.h"
#include "ttp_sha256.h"

struct sink {
	struct sha256 sha;
	size_t n;
};

static void to_sha(void *ctx, const uint8_t *p, size_t n)
{
	struct sink *s = ctx;

	sha256_update(&s->sha, p, n);
	s->n += n;
}

struct evlog {
	int n;
	struct trace_row row[4096];
};

static void log_event(void *ctx, const struct trace_row *r)
{
	struct evlog *l = ctx;

	if (l->n < 4096)
		l->row[l->n++] = *r;
}

static uint8_t *make_data(size_t n, uint64_t seed)
{
	struct ttp_rng r = { seed };
	uint8_t *d = malloc(n ? n : 1);
	size_t i;

	for (i = 0; d && i < n; i++)
		d[i] = (uint8_t)ttp_rng_next(&r);
	return d;
}

/* One transfer; returns 0 when the receiver's SHA-256 matches. */
static int transfer(struct __test_metadata *_metadata, size_t size,
		    double loss, enum teach_algo algo, enum ttp_mode mode,
		    uint64_t seed, struct ttp_sim_result *res)
{
	struct ttp_sim_cfg c;
	struct sink sink;
	struct sha256 want;
	uint8_t a[32], b[32];
	uint8_t *data = make_data(size, seed);

	ttp_sim_cfg_default(&c);
	c.seed = seed;
	c.data = data;
	c.size = size;
	c.client.algo = algo;
	c.client.mode = mode;
	c.fwd.loss = c.rev.loss = loss;
	c.fwd.dup = c.rev.dup = 0.02;
	c.fwd.reorder = c.rev.reorder = 0.02;
	c.fwd.corrupt = c.rev.corrupt = 0.01;
	c.fwd.rate_bps = c.rev.rate_bps = 10000000;
	c.fwd.queue_limit = c.rev.queue_limit = 100;
	c.fwd.delay_us = c.rev.delay_us = 10000;
	sha256_init(&sink.sha);
	sink.n = 0;
	c.on_data = to_sha;
	c.data_ctx = &sink;
	ttp_sim_run(&c, res);
	sha256_init(&want);
	sha256_update(&want, data, size);
	sha256_final(&want, a);
	sha256_final(&sink.sha, b);
	free(data);
	if (!res->ok)
		TH_LOG("size %zu loss %.2f %s %s seed %llu: %s", size, loss,
		       teach_algo_name(algo), ttp_mode_name(mode),
		       (unsigned long long)seed, res->err);
	return res->ok && sink.n == size && !memcmp(a, b, 32) ? 0 : -1;
}

TEST(integrity_every_size_mode_algorithm_and_loss)
{
	static const size_t sizes[] = { 0, 1, 1459, 1460, 1461, 100000 };
	static const double losses[] = { 0, 0.05, 0.2 };
	struct ttp_sim_result r;
	unsigned int s, l, a, m, runs = 0;
	uint64_t corrupted = 0, dups = 0, rtx = 0;

	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (l = 0; l < 3; l++)
			for (a = 0; a < TEACH_NR_ALGOS; a++)
				for (m = 0; m < 2; m++) {
					ASSERT_EQ(0, transfer(_metadata,
							      sizes[s],
							      losses[l], a, m,
							      runs + 1, &r));
					corrupted += r.server.bad_segs
						[TTP_SEG_BAD_CHECKSUM] +
						r.client.bad_segs
						[TTP_SEG_BAD_CHECKSUM];
					dups += r.server.dup_segs_in;
					rtx += r.client.retransmits;
					runs++;
				}
	/* the link really did damage, and the transport repaired it */
	EXPECT_GT(corrupted, 0);
	EXPECT_GT(dups, 0);
	EXPECT_GT(rtx, 0);
	TH_LOG("%u transfers, %llu corrupt segments dropped, %llu "
	       "duplicates discarded, %llu retransmissions", runs,
	       (unsigned long long)corrupted, (unsigned long long)dups,
	       (unsigned long long)rtx);
}

TEST(integrity_several_megabytes)
{
	static const double losses[] = { 0, 0.01, 0.05, 0.1, 0.2 };
	struct ttp_sim_result r;
	unsigned int l, a;

	for (l = 0; l < 5; l++)
		for (a = 0; a < TEACH_NR_ALGOS; a++) {
			ASSERT_EQ(0, transfer(_metadata, 3u << 20, losses[l],
					      a, TTP_MODE_GBN, 100 + l, &r));
			TH_LOG("3 MiB loss %2.0f%% %-5s: sha256 ok, %5.2f "
			       "simulated s, %llu rtx, %llu timeouts, %llu "
			       "fast rtx", losses[l] * 100,
			       teach_algo_name(a), r.duration_us / 1e6,
			       (unsigned long long)r.client.retransmits,
			       (unsigned long long)r.client.timeouts,
			       (unsigned long long)r.client.fast_retransmits);
		}
	ASSERT_EQ(0, transfer(_metadata, 1u << 20, 0.05, TEACH_RENO,
			      TTP_MODE_SAW, 7, &r));
}

static int run_drop(enum teach_algo algo, uint32_t drop, struct evlog *ev,
		    struct ttp_sim_result *r)
{
	struct ttp_sim_cfg c;
	uint8_t *data = make_data(300000, 1);
	int rc;

	ttp_sim_cfg_default(&c);
	c.data = data;
	c.size = 300000;
	c.client.algo = algo;
	c.fwd.drops[0] = drop;
	c.fwd.ndrops = 1;
	c.client.on_event = log_event;
	c.client.event_ctx = ev;
	ev->n = 0;
	rc = ttp_sim_run(&c, r);
	free(data);
	return rc;
}

static int find(const struct evlog *ev, int from, int event)
{
	int i;

	for (i = from; i < ev->n; i++)
		if (ev->row[i].event == event)
			return i;
	return -1;
}

/*
 * A receiver that ACKs every N segments (stretch ACKs, as GRO makes
 * them) and a delayed ACK for the rest: slow start still doubles the
 * window once per round trip, 1, 2, 4, ... up to ssthresh.  Rounds are
 * told apart by time: a window leaves in one burst and its ACKs come
 * back one RTT (200 ms) later, within the 40 ms delayed-ACK timer.
 */
TEST(slow_start_doubles_per_round_with_stretch_acks)
{
	static const uint32_t every[] = { 1, 2, 4, 8 };
	static struct evlog ev;
	struct ttp_sim_result r;
	struct ttp_sim_cfg c;
	uint8_t *data = make_data(400000, 3);
	unsigned int e, round, want, ssthresh;
	uint64_t last;
	int i;

	ASSERT_NE(NULL, data);
	for (e = 0; e < sizeof(every) / sizeof(every[0]); e++) {
		ttp_sim_cfg_default(&c);
		c.data = data;
		c.size = 400000;
		c.fwd.delay_us = c.rev.delay_us = 100000;
		c.server.ack_every = every[e];
		c.client.on_event = log_event;
		c.client.event_ctx = &ev;
		ev.n = 0;
		ASSERT_EQ(0, ttp_sim_run(&c, &r));
		ASSERT_EQ(TEACH_EV_INIT, ev.row[0].event);
		ASSERT_EQ(1, ev.row[0].cwnd);
		ssthresh = ev.row[0].ssthresh;
		ASSERT_EQ(65536 / 1460, ssthresh);
		round = 0;
		want = 1;
		last = 0;
		for (i = 1; i < ev.n && ev.row[i].event == TEACH_EV_SLOW_START;
		     i++) {
			if (ev.row[i].time_us - last > 100000) {
				/* a new round: the last one ended doubled */
				ASSERT_EQ(want, ev.row[i - 1].cwnd);
				round++;
				want = 1u << round < ssthresh ? 1u << round :
								ssthresh;
			}
			last = ev.row[i].time_us;
			ASSERT_GE(want, ev.row[i].cwnd);
		}
		ASSERT_EQ(ssthresh, ev.row[i - 1].cwnd);
		ASSERT_EQ(want, ev.row[i - 1].cwnd);
		TH_LOG("ACK every %u segments: cwnd 1 -> %u in %u rounds, "
		       "%u slow-start ACKs", every[e], ev.row[i - 1].cwnd,
		       round, i - 1);
		/* 1 -> 44 by doubling: 6 rounds (the last one capped) */
		ASSERT_EQ(6, round);
		EXPECT_EQ(0, r.client.timeouts);
	}
	free(data);
}

/*
 * The slide figures: slow start doubles, 3 dupacks halve ssthresh; Tahoe
 * falls to 1 MSS and slow-starts, Reno sets cwnd to the threshold and
 * grows linearly.  The same scripted drop for both.
 */
TEST(tahoe_and_reno_shapes_after_the_same_drop)
{
	static struct evlog t, r;
	struct ttp_sim_result tr, rr;
	int ft, fr, i, before;
	unsigned int w;

	ASSERT_EQ(0, run_drop(TEACH_TAHOE, 20, &t, &tr));
	ASSERT_EQ(0, run_drop(TEACH_RENO, 20, &r, &rr));
	ft = find(&t, 0, TEACH_EV_FAST_RETRANSMIT);
	fr = find(&r, 0, TEACH_EV_FAST_RETRANSMIT);
	ASSERT_GT(ft, 3);
	ASSERT_EQ(ft, fr);		/* identical until the loss */
	EXPECT_EQ(1, tr.client.fast_retransmits);
	EXPECT_EQ(0, tr.client.timeouts);
	EXPECT_EQ(1, rr.client.fast_retransmits);
	EXPECT_EQ(0, rr.client.timeouts);
	/* init, then slow start +1 per ACK, then dupack, dupack */
	EXPECT_EQ(TEACH_EV_INIT, t.row[0].event);
	EXPECT_EQ(1, t.row[0].cwnd);
	for (i = 1; i < ft - 2; i++) {
		EXPECT_EQ(TEACH_EV_SLOW_START, t.row[i].event);
		EXPECT_EQ(t.row[i - 1].cwnd + 1, t.row[i].cwnd);
		EXPECT_EQ(t.row[i].event, r.row[i].event);
		EXPECT_EQ(t.row[i].cwnd, r.row[i].cwnd);
	}
	EXPECT_EQ(TEACH_EV_DUPACK, t.row[ft - 2].event);
	EXPECT_EQ(TEACH_EV_DUPACK, t.row[ft - 1].event);
	before = t.row[ft - 1].cwnd;
	w = before / 2 > 2 ? before / 2 : 2;
	/* Tahoe: ssthresh = cwnd/2, cwnd = 1, slow start again */
	EXPECT_EQ(w, t.row[ft].ssthresh);
	EXPECT_EQ(1, t.row[ft].cwnd);
	EXPECT_EQ(TEACH_SLOW_START, t.row[ft].phase);
	i = find(&t, ft + 1, TEACH_EV_SLOW_START);
	ASSERT_GT(i, ft);
	/*
	 * The ACK of the retransmission covers the whole old window; slow
	 * start still only doubles the round's window: 1 -> 2.
	 */
	EXPECT_EQ(2, t.row[i].cwnd);
	EXPECT_EQ(-1, find(&t, ft + 1, TEACH_EV_RECOVERY_EXIT));
	/* ... up to the threshold, then linear */
	i = find(&t, ft + 1, TEACH_EV_CONG_AVOID);
	ASSERT_GT(i, ft);
	EXPECT_GE(t.row[i - 1].cwnd, w);
	/* Reno: cwnd = ssthresh, fast recovery, exit, then linear only */
	EXPECT_EQ(w, r.row[fr].ssthresh);
	EXPECT_EQ(w, r.row[fr].cwnd);
	EXPECT_EQ(TEACH_FAST_RECOVERY, r.row[fr].phase);
	i = find(&r, fr + 1, TEACH_EV_RECOVERY_EXIT);
	ASSERT_GT(i, fr);
	for (fr++; fr < i; fr++)
		EXPECT_EQ(TEACH_EV_DUPACK, r.row[fr].event);
	EXPECT_EQ(w, r.row[i].cwnd);
	EXPECT_EQ(TEACH_CONG_AVOID, r.row[i].phase);
	EXPECT_EQ(-1, find(&r, i + 1, TEACH_EV_SLOW_START));
	for (i++; i < r.n && r.row[i].event == TEACH_EV_CONG_AVOID; i++)
		EXPECT_GT(r.row[i].cwnd, r.row[i - 1].cwnd);
	/* the trace carries the transport's own name */
	EXPECT_STREQ("ttp_tahoe", t.row[0].algo);
	EXPECT_STREQ("ttp_reno", r.row[0].algo);
}

TEST(syn_flood_bounded_and_client_succeeds)
{
	struct ttp_sim_cfg c;
	struct ttp_sim_result r;
	uint8_t *data = make_data(1000000, 3);

	ttp_sim_cfg_default(&c);
	c.data = data;
	c.size = 1000000;
	c.backlog = 64;
	c.syn_flood = 100000;
	c.flood_interval_us = 5;	/* 200,000 SYNs per second */
	ASSERT_EQ(0, ttp_sim_run(&c, &r));
	free(data);
	EXPECT_EQ(1000000, r.delivered);
	EXPECT_GE(r.listener.syns, 100001);
	EXPECT_LE(r.listener.half_open_max, 64);	/* memory bounded */
	EXPECT_EQ(64, r.listener.half_open_max);	/* it did fill */
	EXPECT_GT(r.listener.cookies_sent, 90000);
	EXPECT_EQ(1, r.listener.cookies_ok);	/* the client, by cookie */
	EXPECT_EQ(1, r.connections);
	TH_LOG("%llu SYNs, %u half-open at most, %llu cookies, client "
	       "got its %llu bytes", (unsigned long long)r.listener.syns,
	       r.listener.half_open_max,
	       (unsigned long long)r.listener.cookies_sent,
	       (unsigned long long)r.delivered);
}

TEST(tshark_reads_valid_tcp)
{
	char path[] = "/tmp/ttp_pcap_XXXXXX", cmd[512], line[256];
	struct ttp_sim_cfg c;
	struct ttp_sim_result r;
	struct ttp_pcap pcap;
	uint8_t *data = make_data(20000, 5);
	int fd = mkstemp(path), n = 0, good = 0, bad = 0;
	FILE *p;

	ASSERT_GE(fd, 0);
	close(fd);
	if (system("command -v tshark >/dev/null 2>&1")) {
		unlink(path);
		SKIP(return, "tshark not installed");
	}
	ttp_sim_cfg_default(&c);
	c.data = data;
	c.size = 20000;
	c.client.isn = 100;
	ASSERT_EQ(0, ttp_pcap_open(&pcap, path));
	c.pcap = &pcap;
	ASSERT_EQ(0, ttp_sim_run(&c, &r));
	ASSERT_EQ(0, ttp_pcap_close(&pcap));
	free(data);
	snprintf(cmd, sizeof(cmd),
		 "tshark -r %s -o tcp.check_checksum:TRUE -o "
		 "tcp.relative_sequence_numbers:FALSE -T fields "
		 "-e tcp.flags.syn -e tcp.flags.ack -e tcp.seq "
		 "-e tcp.checksum.status -e tcp.len 2>/dev/null", path);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	while (fgets(line, sizeof(line), p)) {
		unsigned int syn, ack, st, len;
		unsigned long seq;

		if (sscanf(line, "%u %u %lu %u %u", &syn, &ack, &seq, &st,
			   &len) != 5)
			continue;
		if (n == 0) {		/* SYN, seq x = 100 */
			EXPECT_EQ(1, syn);
			EXPECT_EQ(0, ack);
			EXPECT_EQ(100, seq);
		} else if (n == 1) {	/* SYN-ACK */
			EXPECT_EQ(1, syn);
			EXPECT_EQ(1, ack);
		} else if (n == 2) {	/* ACK */
			EXPECT_EQ(0, syn);
			EXPECT_EQ(1, ack);
			EXPECT_EQ(101, seq);
		}
		if (st == 1)		/* tshark: checksum "Good" */
			good++;
		else
			bad++;
		n++;
	}
	pclose(p);
	unlink(path);
	EXPECT_EQ((int)pcap.packets, n);
	EXPECT_GT(n, 20);
	EXPECT_EQ(n, good);
	EXPECT_EQ(0, bad);
}

TEST_HARNESS_MAIN
