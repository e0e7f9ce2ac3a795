// SPDX-License-Identifier: GPL-2.0
/*
 * Scripted unit tests of the teaching transport's core: segments and time
 * in, segments and events out, one mechanic of the slides per test.
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "ttp/conn.h"
#include "ttp/listener.h"
#include "ttp/segment.h"
#include "ttp_sha256.h"

#define A_ADDR 0x0a000001
#define B_ADDR 0x0a000002
#define ISN_A 100	/* the client's initial sequence number */
#define MAXSEG 80

struct wire {
	struct ttp_seg seg[MAXSEG];
	uint8_t raw[MAXSEG][2048];
	size_t len[MAXSEG];
	int n;
};

struct evlog {
	int n;
	struct trace_row row[512];
};

static void log_event(void *ctx, const struct trace_row *r)
{
	struct evlog *l = ctx;

	if (l->n < 512)
		l->row[l->n++] = *r;
}

static struct ttp_conn_cfg cfg_for(uint32_t laddr, uint32_t raddr,
				   uint16_t lport, uint16_t rport, uint32_t isn,
				   uint32_t mss, uint32_t rcvbuf,
				   struct evlog *ev)
{
	struct ttp_conn_cfg c;

	ttp_conn_cfg_default(&c);
	c.laddr = laddr;
	c.raddr = raddr;
	c.lport = lport;
	c.rport = rport;
	c.isn = isn;
	c.mss = mss;
	c.rcvbuf = rcvbuf;
	if (ev) {
		c.on_event = log_event;
		c.event_ctx = ev;
	}
	return c;
}

static struct ttp_conn *mk(uint32_t laddr, uint32_t raddr, uint16_t lport,
			   uint16_t rport, uint32_t isn, uint32_t mss,
			   uint32_t rcvbuf, struct evlog *ev)
{
	struct ttp_conn_cfg c = cfg_for(laddr, raddr, lport, rport, isn, mss,
					rcvbuf, ev);

	return ttp_conn_new(&c);
}

/* The client of most tests, with its initial window in segments. */
static struct ttp_conn *mk_client(uint32_t mss, uint32_t initial_cwnd,
				  struct evlog *ev)
{
	struct ttp_conn_cfg c = cfg_for(A_ADDR, B_ADDR, 1000, 80, ISN_A, mss,
					65535, ev);

	c.initial_cwnd = initial_cwnd;
	return ttp_conn_new(&c);
}

/*
 * Everything @c wants to send now, decoded.  The pseudo-header's sum is
 * the same whichever way round the two addresses are.
 */
static int drain(struct ttp_conn *c, uint64_t now, struct wire *w)
{
	int k = 0;
	size_t n;

	w->n = 0;
	while (w->n < MAXSEG &&
	       (n = ttp_conn_output(c, now, w->raw[w->n], 2048))) {
		if (ttp_seg_decode(w->raw[w->n], n, A_ADDR, B_ADDR,
				   &w->seg[w->n]))
			return -1;
		w->len[w->n] = n;
		w->n++;
		k++;
	}
	return k;
}

static void deliver(struct ttp_conn *to, struct wire *w, int i, uint64_t now)
{
	ttp_conn_input(to, w->raw[i], w->len[i], now);
}

static void deliver_all(struct ttp_conn *to, struct wire *w, uint64_t now)
{
	int i;

	for (i = 0; i < w->n; i++)
		deliver(to, w, i, now);
}

/* Passive open of @b from the SYN in w->seg[0], as a listener would. */
static void accept_from(struct ttp_conn *b, const struct wire *w, uint32_t iss)
{
	struct ttp_syn_info si = {
		.raddr = A_ADDR, .rport = w->seg[0].sport,
		.irs = w->seg[0].seq, .iss = iss, .mss = w->seg[0].mss,
		.wscale = w->seg[0].wscale, .wnd = w->seg[0].wnd,
	};

	ttp_conn_accept_syn(b, &si, 0);
}

/* Handshake between a (client, isn x) and b (server, iss y). */
static void connect_pair(struct ttp_conn *a, struct ttp_conn *b, uint32_t y)
{
	struct wire w;

	ttp_conn_connect(a, 0);
	drain(a, 0, &w);
	accept_from(b, &w, y);
	drain(b, 0, &w);
	deliver_all(a, &w, 0);
	drain(a, 0, &w);
	deliver_all(b, &w, 0);
}

TEST(segment_roundtrip_and_rejects)
{
	uint8_t buf[200], payload[10] = "0123456789";
	struct ttp_seg s = { .sport = 1234, .dport = 80, .seq = 7, .ack = 9,
			     .flags = TTP_SYN | TTP_ACK, .wnd = 4000,
			     .urg = 3, .mss = 1460, .wscale = 7,
			     .data = payload, .len = 10 }, d;
	size_t n = ttp_seg_encode(&s, A_ADDR, B_ADDR, buf, sizeof(buf));

	ASSERT_EQ(20 + 4 + 4 + 10, n);
	ASSERT_EQ(TTP_SEG_OK, ttp_seg_decode(buf, n, A_ADDR, B_ADDR, &d));
	EXPECT_EQ(1234, d.sport);
	EXPECT_EQ(80, d.dport);
	EXPECT_EQ(7, d.seq);
	EXPECT_EQ(9, d.ack);
	EXPECT_EQ(TTP_SYN | TTP_ACK, d.flags);
	EXPECT_EQ(4000, d.wnd);
	EXPECT_EQ(3, d.urg);
	EXPECT_EQ(1460, d.mss);
	EXPECT_EQ(7, d.wscale);
	EXPECT_EQ(10, d.len);
	EXPECT_EQ(0, memcmp(d.data, payload, 10));
	/* the pseudo-header is covered: other addresses, bad checksum */
	EXPECT_EQ(TTP_SEG_BAD_CHECKSUM,
		  ttp_seg_decode(buf, n, A_ADDR, B_ADDR + 1, &d));
	buf[n - 1] ^= 1;
	EXPECT_EQ(TTP_SEG_BAD_CHECKSUM,
		  ttp_seg_decode(buf, n, A_ADDR, B_ADDR, &d));
	buf[n - 1] ^= 1;
	EXPECT_EQ(TTP_SEG_TRUNCATED, ttp_seg_decode(buf, 19, A_ADDR, B_ADDR,
						    &d));
	buf[12] = 4 << 4;	/* data offset below 5 words */
	EXPECT_EQ(TTP_SEG_BAD_OFFSET,
		  ttp_seg_decode(buf, n, A_ADDR, B_ADDR, &d));
	buf[12] = 15 << 4;	/* past the end */
	EXPECT_EQ(TTP_SEG_BAD_OFFSET,
		  ttp_seg_decode(buf, 40, A_ADDR, B_ADDR, &d));
	EXPECT_EQ(TTP_SEG_OVERSIZED,
		  ttp_seg_decode(buf, TTP_SEG_MAX + 1, A_ADDR, B_ADDR, &d));
	/* an option whose length runs past the header */
	s.mss = 0;
	s.wscale = 0;
	n = ttp_seg_encode(&s, A_ADDR, B_ADDR, buf, sizeof(buf));
	buf[20 + 1] = 2;	/* NOP */
	buf[20 + 2] = 9;	/* kind 9, length 9 > 2 bytes left */
	buf[16] = buf[17] = 0;
	{
		uint16_t c = ttp_tcp_checksum(buf, n, A_ADDR, B_ADDR);

		buf[16] = (uint8_t)(c >> 8);
		buf[17] = (uint8_t)c;
	}
	EXPECT_EQ(TTP_SEG_BAD_OPTION,
		  ttp_seg_decode(buf, n, A_ADDR, B_ADDR, &d));
}

TEST(bad_segments_are_counted_and_dropped)
{
	struct ttp_conn *a = mk(A_ADDR, B_ADDR, 1000, 80, 100, 1460, 65535,
				NULL);
	struct ttp_conn *b = mk(B_ADDR, A_ADDR, 80, 1000, 0, 1460, 65535,
				NULL);
	struct wire w;

	connect_pair(a, b, 500);
	ASSERT_EQ(TTP_ESTABLISHED, ttp_conn_state(b));
	ttp_conn_write(a, "hello", 5);
	drain(a, 0, &w);
	ASSERT_EQ(1, w.n);
	w.raw[0][w.len[0] - 1] ^= 0x40;		/* a bit error */
	deliver(b, &w, 0, 0);
	w.raw[0][w.len[0] - 1] ^= 0x40;
	ttp_conn_input(b, w.raw[0], 10, 0);	/* truncated */
	EXPECT_EQ(1, ttp_conn_stats(b)->bad_segs[TTP_SEG_BAD_CHECKSUM]);
	EXPECT_EQ(1, ttp_conn_stats(b)->bad_segs[TTP_SEG_TRUNCATED]);
	EXPECT_EQ(2, ttp_conn_stats(b)->dropped);
	EXPECT_EQ(0, ttp_conn_readable(b));
	deliver(b, &w, 0, 0);			/* the good copy */
	EXPECT_EQ(5, ttp_conn_readable(b));
	ttp_conn_free(a);
	ttp_conn_free(b);
}

/* The slides' example: x = 100, y = 500, then 2 x 1000 bytes. */
TEST(slides_handshake_and_data_example)
{
	struct ttp_conn *a = mk(A_ADDR, B_ADDR, 1000, 80, 100, 1460, 65535,
				NULL);
	struct ttp_conn *b = mk(B_ADDR, A_ADDR, 80, 1000, 0, 1460, 65535,
				NULL);
	uint8_t data[1000];
	struct wire w;

	memset(data, 'x', sizeof(data));
	ttp_conn_connect(a, 0);
	drain(a, 0, &w);
	ASSERT_EQ(1, w.n);
	EXPECT_EQ(TTP_SYN, w.seg[0].flags);
	EXPECT_EQ(100, w.seg[0].seq);
	EXPECT_EQ(0, w.seg[0].len);		/* no payload in the handshake */
	accept_from(b, &w, 500);
	drain(b, 0, &w);
	ASSERT_EQ(1, w.n);
	EXPECT_EQ(TTP_SYN | TTP_ACK, w.seg[0].flags);
	EXPECT_EQ(500, w.seg[0].seq);
	EXPECT_EQ(101, w.seg[0].ack);
	deliver_all(a, &w, 1000);
	EXPECT_EQ(TTP_ESTABLISHED, ttp_conn_state(a));
	drain(a, 1000, &w);
	ASSERT_EQ(1, w.n);
	EXPECT_EQ(TTP_ACK, w.seg[0].flags);
	EXPECT_EQ(101, w.seg[0].seq);
	EXPECT_EQ(501, w.seg[0].ack);
	deliver_all(b, &w, 1000);
	EXPECT_EQ(TTP_ESTABLISHED, ttp_conn_state(b));

	ASSERT_EQ(1000, ttp_conn_write(a, data, 1000));
	drain(a, 2000, &w);
	ASSERT_EQ(1, w.n);
	EXPECT_EQ(101, w.seg[0].seq);
	EXPECT_EQ(501, w.seg[0].ack);
	EXPECT_EQ(1000, w.seg[0].len);
	deliver_all(b, &w, 2000);
	drain(b, 2000, &w);
	ASSERT_EQ(1, w.n);
	EXPECT_EQ(TTP_ACK, w.seg[0].flags);
	EXPECT_EQ(501, w.seg[0].seq);	/* the server sends no payload */
	EXPECT_EQ(1101, w.seg[0].ack);
	deliver_all(a, &w, 3000);

	ASSERT_EQ(1000, ttp_conn_write(a, data, 1000));
	drain(a, 3000, &w);
	ASSERT_EQ(1, w.n);
	EXPECT_EQ(1101, w.seg[0].seq);
	deliver_all(b, &w, 3000);
	drain(b, 3000, &w);
	ASSERT_EQ(1, w.n);
	EXPECT_EQ(501, w.seg[0].seq);
	EXPECT_EQ(2101, w.seg[0].ack);
	ttp_conn_free(a);
	ttp_conn_free(b);
}

/* 5000 bytes, MSS 1460: segments at 0, 1460, 2920 and 4380. */
TEST(segmentation_by_mss)
{
	struct ttp_conn *a = mk_client(1460, 10, NULL);
	struct ttp_conn *b = mk(B_ADDR, A_ADDR, 80, 1000, 0, 1460, 65535,
				NULL);
	static const uint32_t at[] = { 0, 1460, 2920, 4380 };
	static const uint32_t len[] = { 1460, 1460, 1460, 620 };
	uint8_t data[5000] = { 0 };
	struct wire w, acks;
	uint64_t t;
	int i, k = 0, round;

	connect_pair(a, b, 500);
	ASSERT_EQ(5000, ttp_conn_write(a, data, 5000));
	drain(a, 0, &w);
	/* the 620-byte tail waits: data outstanding, not the end (SWS) */
	ASSERT_EQ(3, w.n);
	ttp_conn_close(a);	/* now it is the end of the data */
	drain(a, 0, &w);
	ASSERT_EQ(2, w.n);
	EXPECT_EQ(ISN_A + 1 + 4380, w.seg[0].seq);
	EXPECT_EQ(620, w.seg[0].len);
	EXPECT_EQ(TTP_FIN | TTP_ACK, w.seg[1].flags);
	EXPECT_EQ(0, w.seg[1].len);	/* FIN carries no payload */
	/* all lost: after the timeout the same four segments again, from
	 * the first unacknowledged, as the growing window lets them out */
	t = ttp_conn_next_timer(a);
	ttp_conn_on_timer(a, t);
	for (round = 0; round < 10 && k < 4; round++) {
		drain(a, t, &w);
		for (i = 0; i < w.n; i++) {
			if (!w.seg[i].len)
				continue;
			ASSERT_LT(k, 4);
			EXPECT_EQ(ISN_A + 1 + at[k], w.seg[i].seq);
			EXPECT_EQ(len[k], w.seg[i].len);
			k++;
		}
		deliver_all(b, &w, t);
		drain(b, t, &acks);
		deliver_all(a, &acks, t);
	}
	EXPECT_EQ(4, k);
	EXPECT_EQ(1, ttp_conn_stats(a)->timeouts);
	EXPECT_EQ(5, ttp_conn_stats(a)->retransmits);	/* 4 and the FIN */
	ttp_conn_free(a);
	ttp_conn_free(b);
}

TEST(receiver_reorders_and_discards_duplicates)
{
	struct ttp_conn *a = mk_client(1000, 4, NULL);
	struct ttp_conn *b = mk(B_ADDR, A_ADDR, 80, 1000, 0, 1000, 65535,
				NULL);
	uint8_t data[4000], got[4000];
	struct wire w, acks;
	int i;

	for (i = 0; i < 4000; i++)
		data[i] = (uint8_t)(i * 7);
	connect_pair(a, b, 500);
	ttp_conn_write(a, data, 4000);
	drain(a, 0, &w);
	ASSERT_EQ(4, w.n);
	deliver(b, &w, 3, 0);		/* 4th first */
	deliver(b, &w, 1, 0);
	deliver(b, &w, 1, 0);		/* arrived twice */
	EXPECT_EQ(0, ttp_conn_readable(b));
	drain(b, 0, &acks);		/* one ACK per early segment */
	ASSERT_EQ(3, acks.n);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(ISN_A + 1, acks.seg[i].ack);
	deliver(b, &w, 0, 0);
	EXPECT_EQ(2000, ttp_conn_readable(b));
	deliver(b, &w, 2, 0);
	EXPECT_EQ(4000, ttp_conn_readable(b));
	deliver(b, &w, 2, 0);		/* an old duplicate */
	EXPECT_EQ(4000, ttp_conn_readable(b));
	EXPECT_EQ(2, ttp_conn_stats(b)->dup_segs_in);
	EXPECT_EQ(2, ttp_conn_stats(b)->ooo_segs_in);
	drain(b, 0, &acks);
	ASSERT_GE(acks.n, 1);
	EXPECT_EQ(ISN_A + 1 + 4000, acks.seg[acks.n - 1].ack); /* cumulative */
	ASSERT_EQ(4000, ttp_conn_read(b, got, sizeof(got), 0));
	EXPECT_EQ(0, memcmp(got, data, 4000));
	ttp_conn_free(a);
	ttp_conn_free(b);
}

TEST(rto_estimate_backoff_and_give_up)
{
	struct ttp_conn_cfg ac = cfg_for(A_ADDR, B_ADDR, 1000, 80, ISN_A,
					 1000, 65535, NULL);
	struct ttp_conn *a, *b = mk(B_ADDR, A_ADDR, 80, 1000, 0, 1000, 65535,
				    NULL);
	const struct ttp_rtt *rtt;
	struct wire w, acks;
	uint64_t t, t1, t2;

	ac.max_retries = 3;
	a = ttp_conn_new(&ac);
	rtt = ttp_conn_rtt(a);
	ttp_conn_connect(a, 0);
	drain(a, 0, &w);
	accept_from(b, &w, 500);
	drain(b, 0, &w);
	deliver_all(a, &w, 100000);	/* the SYN-ACK after 100 ms */
	EXPECT_EQ(100000, ttp_rtt_srtt(rtt));	/* the first sample */
	EXPECT_EQ(50000, ttp_rtt_rttvar(rtt));
	EXPECT_EQ(300000, ttp_rtt_rto(rtt));	/* srtt + 4 rttvar */
	EXPECT_EQ(TTP_NEVER, ttp_conn_next_timer(a));	/* nothing in flight */
	drain(a, 100000, &w);
	deliver_all(b, &w, 100000);
	ttp_conn_write(a, "abc", 3);
	drain(a, 100000, &w);
	deliver_all(b, &w, 150000);
	drain(b, 150000, &acks);
	deliver_all(a, &acks, 200000);	/* again 100 ms (RFC 6298) */
	EXPECT_EQ(100000, ttp_rtt_srtt(rtt));
	EXPECT_EQ(37500, ttp_rtt_rttvar(rtt));	/* 3/4 * 50000 + 1/4 * 0 */
	EXPECT_EQ(250000, ttp_rtt_rto(rtt));
	ttp_conn_write(a, "def", 3);
	drain(a, 300000, &w);
	ASSERT_EQ(1, w.n);
	t = ttp_conn_next_timer(a);
	EXPECT_EQ(300000 + 250000, t);
	ttp_conn_on_timer(a, t);	/* lost: timeout, same segment again */
	drain(a, t, &w);
	ASSERT_EQ(1, w.n);
	EXPECT_EQ(ISN_A + 4, w.seg[0].seq);
	t1 = ttp_conn_next_timer(a);
	EXPECT_EQ(t + 500000, t1);	/* backoff: doubled */
	ttp_conn_on_timer(a, t1);
	drain(a, t1, &w);
	t2 = ttp_conn_next_timer(a);
	EXPECT_EQ(t1 + 1000000, t2);
	ttp_conn_on_timer(a, t2);
	drain(a, t2, &w);
	ttp_conn_on_timer(a, ttp_conn_next_timer(a));	/* 4th: give up */
	EXPECT_EQ(TTP_CLOSED, ttp_conn_state(a));
	EXPECT_EQ(TTP_ERR_TIMEOUT, ttp_conn_error(a));
	EXPECT_EQ(3, ttp_conn_stats(a)->timeouts);
	drain(a, t2, &w);
	ASSERT_EQ(1, w.n);
	EXPECT_TRUE(w.seg[0].flags & TTP_RST);	/* the peer is told */
	ttp_conn_free(a);
	ttp_conn_free(b);
}

TEST(go_back_n_after_a_timeout)
{
	struct ttp_conn *a = mk_client(1000, 4, NULL);
	struct ttp_conn *b = mk(B_ADDR, A_ADDR, 80, 1000, 0, 1000, 65535,
				NULL);
	uint8_t data[8000] = { 0 };
	struct wire w, acks;
	uint64_t t;

	connect_pair(a, b, 500);
	ttp_conn_write(a, data, 8000);
	drain(a, 0, &w);
	ASSERT_EQ(4, w.n);		/* a window of 4 segments */
	t = ttp_conn_next_timer(a);
	ttp_conn_on_timer(a, t);	/* all 4 lost */
	EXPECT_EQ(1, ttp_conn_cc(a)->cwnd);
	EXPECT_EQ(2, ttp_conn_cc(a)->ssthresh);
	drain(a, t, &w);
	ASSERT_EQ(1, w.n);		/* cwnd 1, from the first unacked */
	EXPECT_EQ(ISN_A + 1, w.seg[0].seq);
	deliver_all(b, &w, t);
	drain(b, t, &acks);
	deliver_all(a, &acks, t);
	drain(a, t, &w);
	ASSERT_EQ(2, w.n);		/* slow start: 2 */
	EXPECT_EQ(ISN_A + 1001, w.seg[0].seq);
	ttp_conn_free(a);
	ttp_conn_free(b);
}

/* Stop-and-wait: one segment in flight, whatever cwnd says. */
TEST(stop_and_wait_one_segment_at_a_time)
{
	struct ttp_conn_cfg ac = cfg_for(A_ADDR, B_ADDR, 1000, 80, ISN_A,
					 1000, 65535, NULL);
	struct ttp_conn *a, *b = mk(B_ADDR, A_ADDR, 80, 1000, 0, 1000, 65535,
				    NULL);
	uint8_t data[8000] = { 0 };
	struct wire w, acks, none;
	int k;

	ac.mode = TTP_MODE_SAW;
	ac.initial_cwnd = 10;
	a = ttp_conn_new(&ac);
	connect_pair(a, b, 500);
	ttp_conn_write(a, data, 8000);
	for (k = 0; k < 5; k++) {
		drain(a, 0, &w);
		ASSERT_EQ(1, w.n);
		EXPECT_EQ(ISN_A + 1 + 1000 * k, w.seg[0].seq);
		EXPECT_EQ(1000, w.seg[0].len);
		drain(a, 0, &none);
		EXPECT_EQ(0, none.n);	/* waits for the ACK */
		deliver_all(b, &w, 0);
		drain(b, 0, &acks);
		deliver_all(a, &acks, 0);
	}
	EXPECT_GT(ttp_conn_cc(a)->cwnd, 10);	/* the window says more */
	EXPECT_EQ(1, ttp_conn_snd_cwnd(a));
	ttp_conn_free(a);
	ttp_conn_free(b);
}

TEST(fast_retransmit_after_three_dupacks)
{
	struct evlog ev = { 0 };
	struct ttp_conn *a = mk_client(1000, 8, &ev);
	struct ttp_conn *b = mk(B_ADDR, A_ADDR, 80, 1000, 0, 1000, 65535,
				NULL);
	uint8_t data[8000] = { 0 };
	struct wire w, acks;
	int i, fr = -1;

	connect_pair(a, b, 500);
	ttp_conn_write(a, data, 8000);
	drain(a, 0, &w);
	ASSERT_EQ(8, w.n);
	for (i = 0; i < 8; i++)
		if (i != 1)		/* the 2nd segment is lost */
			deliver(b, &w, i, 1000);
	drain(b, 1000, &acks);
	ASSERT_EQ(7, acks.n);		/* 1 new ACK + 6 duplicates */
	deliver(a, &acks, 0, 2000);
	deliver(a, &acks, 1, 2000);
	deliver(a, &acks, 2, 2000);
	drain(a, 2000, &w);
	EXPECT_EQ(0, w.n);		/* two duplicates: wait */
	deliver(a, &acks, 3, 2000);	/* the third */
	drain(a, 2000, &w);
	ASSERT_EQ(1, w.n);		/* at once, no timeout */
	EXPECT_EQ(ISN_A + 1001, w.seg[0].seq);
	EXPECT_EQ(1, ttp_conn_stats(a)->fast_retransmits);
	EXPECT_EQ(0, ttp_conn_stats(a)->timeouts);
	for (i = 0; i < ev.n; i++)
		if (ev.row[i].event == TEACH_EV_FAST_RETRANSMIT)
			fr = i;
	ASSERT_GE(fr, 0);
	EXPECT_EQ(TEACH_FAST_RECOVERY, ev.row[fr].phase);	/* Reno */
	EXPECT_EQ(4, ev.row[fr].ssthresh);	/* cwnd 9 / 2 */
	EXPECT_EQ(4, ev.row[fr].cwnd);
	deliver_all(b, &w, 3000);
	drain(b, 3000, &acks);
	ASSERT_EQ(1, acks.n);
	EXPECT_EQ(ISN_A + 1 + 8000, acks.seg[0].ack);	/* the hole filled */
	deliver_all(a, &acks, 4000);
	EXPECT_EQ(TEACH_EV_CONG_AVOID == ev.row[ev.n - 1].event ||
		  TEACH_EV_RECOVERY_EXIT == ev.row[ev.n - 1].event, 1);
	EXPECT_NE(TEACH_FAST_RECOVERY, ttp_conn_cc(a)->phase);
	ttp_conn_free(a);
	ttp_conn_free(b);
}

/* "If the receive window has no free capacity, the sender is blocked" */
TEST(zero_window_blocks_then_resumes)
{
	struct ttp_conn *a = mk_client(1000, 10, NULL);
	struct ttp_conn *b = mk(B_ADDR, A_ADDR, 80, 1000, 0, 1000, 4000,
				NULL);
	uint8_t data[10000] = { 0 }, sink[10000];
	struct wire w, acks;
	uint64_t t = 0;
	int i;

	connect_pair(a, b, 500);
	EXPECT_EQ(4000, ttp_conn_snd_wnd(a));
	ttp_conn_write(a, data, 10000);
	drain(a, t, &w);
	ASSERT_EQ(4, w.n);		/* the receive window: 4000 bytes */
	deliver_all(b, &w, t);
	drain(b, t, &acks);
	deliver_all(a, &acks, t);
	EXPECT_EQ(0, ttp_conn_snd_wnd(a));	/* the application read nothing */
	drain(a, t, &w);
	EXPECT_EQ(0, w.n);		/* blocked */
	for (i = 0; i < 3; i++) {	/* persist probes, answered */
		t = ttp_conn_next_timer(a);
		ASSERT_NE(TTP_NEVER, t);
		ttp_conn_on_timer(a, t);
		drain(a, t, &w);
		ASSERT_EQ(1, w.n);
		EXPECT_EQ(0, w.seg[0].len);	/* a probe, no data */
		deliver_all(b, &w, t);
		drain(b, t, &acks);
		ASSERT_EQ(1, acks.n);
		EXPECT_EQ(0, acks.seg[0].wnd);
		deliver_all(a, &acks, t);
	}
	EXPECT_EQ(3, ttp_conn_stats(a)->probes);
	EXPECT_EQ(TTP_ESTABLISHED, ttp_conn_state(a));	/* answered: no give-up */
	/* SWS: 500 bytes free is < min(25% of 4000, MSS): no update */
	ASSERT_EQ(500, ttp_conn_read(b, sink, 500, t));
	drain(b, t, &acks);
	EXPECT_EQ(0, acks.n);
	ASSERT_EQ(500, ttp_conn_read(b, sink, 500, t));
	drain(b, t, &acks);		/* 1000 free: tell the sender */
	ASSERT_EQ(1, acks.n);
	EXPECT_EQ(1000, acks.seg[0].wnd);
	deliver_all(a, &acks, t);
	drain(a, t, &w);
	ASSERT_EQ(1, w.n);		/* resumes */
	EXPECT_EQ(ISN_A + 1 + 4000, w.seg[0].seq);
	EXPECT_EQ(1000, w.seg[0].len);
	ttp_conn_free(a);
	ttp_conn_free(b);
}

/* FIN in both directions: the slides' four steps, then TIME_WAIT. */
TEST(fin_four_steps)
{
	struct ttp_conn *a = mk(A_ADDR, B_ADDR, 1000, 80, 100, 1000, 65535,
				NULL);
	struct ttp_conn *b = mk(B_ADDR, A_ADDR, 80, 1000, 0, 1000, 65535,
				NULL);
	struct wire w;

	connect_pair(a, b, 500);
	ttp_conn_close(a);
	drain(a, 0, &w);		/* 1: FIN */
	ASSERT_EQ(1, w.n);
	EXPECT_EQ(TTP_FIN | TTP_ACK, w.seg[0].flags);
	EXPECT_EQ(TTP_FIN_WAIT_1, ttp_conn_state(a));
	deliver_all(b, &w, 0);
	EXPECT_EQ(TTP_CLOSE_WAIT, ttp_conn_state(b));
	EXPECT_TRUE(ttp_conn_eof(b));
	drain(b, 0, &w);		/* 2: ACK */
	ASSERT_EQ(1, w.n);
	EXPECT_EQ(TTP_ACK, w.seg[0].flags);
	EXPECT_EQ(ISN_A + 2, w.seg[0].ack);
	deliver_all(a, &w, 0);
	EXPECT_EQ(TTP_FIN_WAIT_2, ttp_conn_state(a));
	ttp_conn_close(b);
	drain(b, 0, &w);		/* 3: FIN */
	ASSERT_EQ(1, w.n);
	EXPECT_EQ(TTP_FIN | TTP_ACK, w.seg[0].flags);
	EXPECT_EQ(TTP_LAST_ACK, ttp_conn_state(b));
	deliver_all(a, &w, 0);
	EXPECT_EQ(TTP_TIME_WAIT, ttp_conn_state(a));
	drain(a, 0, &w);		/* 4: ACK */
	ASSERT_EQ(1, w.n);
	EXPECT_EQ(TTP_ACK, w.seg[0].flags);
	deliver_all(b, &w, 0);
	EXPECT_EQ(TTP_CLOSED, ttp_conn_state(b));
	EXPECT_EQ(TTP_ERR_NONE, ttp_conn_error(b));
	ttp_conn_on_timer(a, ttp_conn_next_timer(a));
	EXPECT_EQ(TTP_CLOSED, ttp_conn_state(a));
	ttp_conn_free(a);
	ttp_conn_free(b);
}

TEST(rst_resets_and_refuses)
{
	struct ttp_conn *a = mk(A_ADDR, B_ADDR, 1000, 80, 100, 1000, 65535,
				NULL);
	struct ttp_conn *b = mk(B_ADDR, A_ADDR, 80, 1000, 0, 1000, 65535,
				NULL);
	struct ttp_conn *c = mk(A_ADDR, B_ADDR, 1001, 80, 7, 1000, 65535,
				NULL);
	struct ttp_seg r = { .sport = 80, .dport = 1001, .ack = 8,
			     .flags = TTP_RST | TTP_ACK, .wscale = -1 };
	struct wire w;

	connect_pair(a, b, 500);
	ttp_conn_abort(b, 0);
	drain(b, 0, &w);
	ASSERT_EQ(1, w.n);
	EXPECT_TRUE(w.seg[0].flags & TTP_RST);
	deliver_all(a, &w, 0);
	EXPECT_EQ(TTP_CLOSED, ttp_conn_state(a));
	EXPECT_EQ(TTP_ERR_RESET, ttp_conn_error(a));

	ttp_conn_connect(c, 0);		/* nobody listens: RST answers */
	drain(c, 0, &w);
	ttp_conn_input_seg(c, &r, 0);
	EXPECT_EQ(TTP_CLOSED, ttp_conn_state(c));
	EXPECT_EQ(TTP_ERR_REFUSED, ttp_conn_error(c));
	ttp_conn_free(a);
	ttp_conn_free(b);
	ttp_conn_free(c);
}

/*
 * Regression test for what fuzz_conn found: a SYN-ACK that acknowledges
 * a SYN this side has not sent yet (connect() queued it, no output has
 * run) must not open the connection.
 */
TEST(syn_sent_refuses_ack_for_an_unsent_syn)
{
	struct ttp_conn *c = mk(A_ADDR, B_ADDR, 1002, 80, 7, 1000, 65535,
				NULL);
	struct ttp_seg sa = { .sport = 80, .dport = 1002, .seq = 500,
			      .ack = 8, .flags = TTP_SYN | TTP_ACK,
			      .wnd = 65535, .wscale = -1 };
	struct wire w;

	ttp_conn_connect(c, 0);		/* the SYN is queued, not sent */
	ttp_conn_input_seg(c, &sa, 0);
	EXPECT_EQ(TTP_SYN_SENT, ttp_conn_state(c));
	/* Once the SYN is out, the same SYN-ACK opens it. */
	drain(c, 0, &w);
	ASSERT_EQ(2, w.n);
	EXPECT_EQ(TTP_RST, w.seg[0].flags);	/* the bad SYN-ACK is refused */
	EXPECT_EQ(8, w.seg[0].seq);		/* at the ACK it carried */
	ASSERT_EQ(TTP_SYN, w.seg[1].flags);
	ASSERT_EQ(7, w.seg[1].seq);
	ttp_conn_input_seg(c, &sa, 0);
	EXPECT_EQ(TTP_ESTABLISHED, ttp_conn_state(c));
	ttp_conn_free(c);
}

static uint32_t fixed_isn(void *ctx)
{
	(void)ctx;
	return 777;
}

TEST(listener_bounded_table_then_cookies)
{
	struct ttp_listener_cfg lc = { .laddr = B_ADDR, .lport = 80,
				       .backlog = 4, .mss = 1460,
				       .wscale = -1, .rcvbuf = 65535,
				       .secret = 42, .isn = fixed_isn };
	struct ttp_listener *l = ttp_listener_new(&lc);
	struct ttp_syn_info si;
	struct ttp_seg syn = { .dport = 80, .flags = TTP_SYN, .wnd = 1000,
			       .mss = 1460, .wscale = -1 }, ack, out;
	uint8_t buf[100];
	uint32_t daddr;
	size_t n;
	int i;

	ASSERT_NE(NULL, l);
	for (i = 0; i < 10; i++) {	/* spoofed: never answered */
		syn.sport = (uint16_t)(2000 + i);
		syn.seq = (uint32_t)i * 1000;
		n = ttp_seg_encode(&syn, 0xc6120000 + i, B_ADDR, buf,
				   sizeof(buf));
		EXPECT_EQ(0, ttp_listener_input(l, 0xc6120000 + i, buf, n, 0,
						&si));
	}
	EXPECT_EQ(4, ttp_listener_stats(l)->half_open);		/* bounded */
	EXPECT_EQ(6, ttp_listener_stats(l)->cookies_sent);
	/* a real client while the table is full: a cookie ... */
	syn.sport = 3333;
	syn.seq = 41;
	n = ttp_seg_encode(&syn, A_ADDR, B_ADDR, buf, sizeof(buf));
	ttp_listener_input(l, A_ADDR, buf, n, 10, &si);
	EXPECT_EQ(7, ttp_listener_stats(l)->cookies_sent);
	while ((n = ttp_listener_output(l, &daddr, buf, sizeof(buf))))
		if (daddr == A_ADDR)
			break;
	ASSERT_EQ(A_ADDR, daddr);
	ASSERT_EQ(0, ttp_seg_decode(buf, n, B_ADDR, A_ADDR, &out));
	EXPECT_EQ(TTP_SYN | TTP_ACK, out.flags);
	EXPECT_EQ(42, out.ack);
	/* ... and its ACK opens the connection with no stored state */
	memset(&ack, 0, sizeof(ack));
	ack.sport = 3333;
	ack.dport = 80;
	ack.seq = 42;
	ack.ack = out.seq + 1;
	ack.flags = TTP_ACK;
	ack.wnd = 1000;
	ack.wscale = -1;
	n = ttp_seg_encode(&ack, A_ADDR, B_ADDR, buf, sizeof(buf));
	ASSERT_EQ(1, ttp_listener_input(l, A_ADDR, buf, n, 20, &si));
	EXPECT_EQ(41, si.irs);
	EXPECT_EQ(out.seq, si.iss);
	EXPECT_EQ(1460, si.mss);
	EXPECT_EQ(1, ttp_listener_stats(l)->cookies_ok);
	/* a forged ACK (wrong cookie) opens nothing */
	ack.ack += 256;
	n = ttp_seg_encode(&ack, A_ADDR, B_ADDR, buf, sizeof(buf));
	EXPECT_EQ(0, ttp_listener_input(l, A_ADDR, buf, n, 20, &si));
	EXPECT_EQ(1, ttp_listener_stats(l)->cookies_bad);
	EXPECT_EQ(4, ttp_listener_stats(l)->half_open_max);
	ttp_listener_free(l);
}

TEST(sha256_known_answer)
{
	struct sha256 s;
	uint8_t d[32];
	char hex[65];

	sha256_init(&s);
	sha256_update(&s, "abc", 3);
	sha256_final(&s, d);
	sha256_hex(d, hex);
	EXPECT_STREQ("ba7816bf8f01cfea414140de5dae2223"
		     "b00361a396177a9cb410ff61f20015ad", hex);
}

TEST_HARNESS_MAIN
