// SPDX-License-Identifier: GPL-2.0
/* Reassembly and the advertised window (see receiver.h). */
#include "ttp/receiver.h"

#include <stdlib.h>
#include <string.h>

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

int ttp_receiver_init(struct ttp_receiver *r, uint32_t cap, uint32_t mss,
		      struct ttp_stats *st)
{
	memset(r, 0, sizeof(*r));
	if (ttp_stream_init(&r->buf, cap))
		return -1;
	r->early = calloc((ttp_stream_cap(&r->buf) + 63) / 64,
			  sizeof(uint64_t));
	if (!r->early) {
		ttp_stream_destroy(&r->buf);
		return -1;
	}
	r->mss = mss;
	r->st = st;
	r->ack_every = 1;
	r->delack_deadline = TTP_NEVER;
	return 0;
}

void ttp_receiver_delay_acks(struct ttp_receiver *r, uint32_t every,
			     uint64_t delay_us)
{
	r->ack_every = every ? every : 1;
	r->delack_us = delay_us;
}

void ttp_receiver_destroy(struct ttp_receiver *r)
{
	ttp_stream_destroy(&r->buf);
	free(r->early);
	r->early = NULL;
}

void ttp_receiver_start(struct ttp_receiver *r, uint32_t irs, int wscale)
{
	r->irs = irs;
	r->rcv_nxt = r->rcv_adv = irs + 1;
	if (wscale >= 0) {
		r->wscale = (uint8_t)wscale;
	} else {
		r->wscale = 0;
		ttp_stream_limit(&r->buf, 65535);
	}
}

/* Sequence number of the first byte the application has not read. */
static uint32_t read_seq(const struct ttp_receiver *r)
{
	return r->rcv_nxt - (uint32_t)r->fin_rcvd - ttp_stream_len(&r->buf);
}

/* Ring index of @seq (within the buffer's reach). */
static uint32_t idx(const struct ttp_receiver *r, uint32_t seq)
{
	return ttp_stream_index(&r->buf, seq - read_seq(r));
}

static void map_linear(uint64_t *map, uint32_t i, uint32_t n, bool set)
{
	while (n) {
		uint32_t bit = i % 64, k = min32(64 - bit, n);
		uint64_t m = k == 64 ? ~0ull : ((1ull << k) - 1) << bit;

		if (set)
			map[i / 64] |= m;
		else
			map[i / 64] &= ~m;
		i += k;
		n -= k;
	}
}

/* Mark or clear early bytes [seq, seq + n). */
static void map_range(struct ttp_receiver *r, uint32_t seq, uint32_t n,
		      bool set)
{
	uint32_t i = idx(r, seq), first = min32(n, ttp_stream_cap(&r->buf) - i);

	map_linear(r->early, i, first, set);
	if (n > first)
		map_linear(r->early, 0, n - first, set);
}

static bool map_test(const struct ttp_receiver *r, uint32_t seq)
{
	uint32_t i = idx(r, seq);

	return (r->early[i / 64] >> (i % 64)) & 1;
}

/* Move rcv_nxt over early bytes that now follow in order. */
static void advance(struct ttp_receiver *r, uint32_t limit)
{
	uint32_t cap = ttp_stream_cap(&r->buf), k;

	while (r->rcv_nxt != limit && map_test(r, r->rcv_nxt)) {
		uint32_t i = idx(r, r->rcv_nxt);

		if (i % 64 == 0 && r->early[i / 64] == ~0ull &&
		    i + 64 <= cap && (uint32_t)(limit - r->rcv_nxt) >= 64) {
			r->early[i / 64] = 0;	/* a whole word at once */
			k = 64;
		} else {
			r->early[i / 64] &= ~(1ull << (i % 64));
			k = 1;
		}
		r->rcv_nxt += k;
		ttp_stream_extend(&r->buf, k);
	}
}

/*
 * An in-order segment arrived: one cumulative ACK per ack_every segments
 * (the slides' receiver ACKs each one), the rest wait at most delack_us.
 */
static void owe_ack(struct ttp_receiver *r, uint64_t now)
{
	if (++r->segs_unacked >= r->ack_every)
		r->ack_pending = true;
	else if (r->delack_deadline == TTP_NEVER)
		r->delack_deadline = now + r->delack_us;
}

/* Payload for us: the acceptability test of RFC 793, then reassembly. */
static void take_data(struct ttp_receiver *r, uint32_t seq,
		      const uint8_t *data, uint32_t len, uint64_t now)
{
	uint32_t end = seq + len, limit, off = 0, start;

	if (ttp_seq_le(end, r->rcv_nxt)) {
		/* "sort out segments, which arrived twice" */
		r->st->dup_segs_in++;
		r->ack_now++;
		return;
	}
	limit = read_seq(r) + ttp_stream_cap(&r->buf);
	if (!ttp_seq_lt(seq, limit)) {
		r->st->out_of_window++;
		r->ack_now++;
		return;
	}
	if (ttp_seq_lt(seq, r->rcv_nxt)) {
		off = r->rcv_nxt - seq;
		seq = r->rcv_nxt;
	}
	if (ttp_seq_lt(limit, end))
		end = limit;
	ttp_stream_put(&r->buf, seq - read_seq(r), data + off, end - seq);
	if (seq != r->rcv_nxt) {
		/* a gap before it: keep it, ACK what we have (a dupack) */
		if (map_test(r, seq) && map_test(r, end - 1))
			r->st->dup_segs_in++;	/* an early one, twice */
		else
			r->st->ooo_segs_in++;
		map_range(r, seq, end - seq, true);
		r->ack_now++;
		return;
	}
	start = r->rcv_nxt;
	map_range(r, seq, end - seq, false);
	r->rcv_nxt = end;
	ttp_stream_extend(&r->buf, end - seq);
	advance(r, limit);
	r->st->bytes_in += r->rcv_nxt - start;
	if (r->rcv_nxt != end)
		r->ack_now++;	/* a hole was filled: ACK at once */
	else
		owe_ack(r, now);
}

enum ttp_rcv_fin ttp_receiver_input(struct ttp_receiver *r, uint32_t seq,
				    const uint8_t *data, uint32_t len,
				    bool fin, bool data_ok, uint64_t now)
{
	if (fin && !r->fin_seen) {
		r->fin_seen = true;
		r->fin_seq = seq + len;
	}
	if (!len) {
		/* a zero-window probe (seq one below): answer with the window */
		if (!fin && seq == r->rcv_nxt - 1)
			r->ack_now++;
	} else if (!data_ok) {
		r->ack_now++;		/* after their FIN: just re-ACK */
		return TTP_RCV_NO_FIN;
	} else {
		take_data(r, seq, data, len, now);
	}
	if (r->fin_seen && !r->fin_rcvd && r->fin_seq == r->rcv_nxt) {
		r->rcv_nxt++;
		r->fin_rcvd = true;
		r->ack_now++;
		return TTP_RCV_FIN_IN_ORDER;
	}
	if (fin && r->fin_rcvd) {
		r->ack_now++;
		return TTP_RCV_FIN_AGAIN;
	}
	return TTP_RCV_NO_FIN;
}

/*
 * Silly window syndrome avoidance as the slides put it: new space is
 * announced "not before 25% of the reception buffer is free or a segment
 * of size MSS can be received"; until then the old right edge stays (a
 * window never shrinks).
 */
uint32_t ttp_receiver_window(const struct ttp_receiver *r)
{
	uint32_t cap = ttp_stream_cap(&r->buf);
	uint32_t free_b = cap - ttp_stream_len(&r->buf);
	uint32_t cur = ttp_seq_lt(r->rcv_nxt, r->rcv_adv) ?
		       r->rcv_adv - r->rcv_nxt : 0;
	uint32_t thr = min32(cap / 4, r->mss);
	uint32_t w = cur;

	if (thr < 1)
		thr = 1;
	if (free_b >= thr && free_b > cur)
		w = free_b;
	return min32(w, 65535u << r->wscale);
}

uint16_t ttp_receiver_advertise(struct ttp_receiver *r, bool syn)
{
	uint16_t field;
	uint32_t w;

	if (syn)
		return (uint16_t)min32(ttp_stream_cap(&r->buf), 65535);
	field = (uint16_t)(ttp_receiver_window(r) >> r->wscale);
	w = (uint32_t)field << r->wscale;
	if (ttp_seq_lt(r->rcv_adv, r->rcv_nxt + w))
		r->rcv_adv = r->rcv_nxt + w;
	return field;
}

uint32_t ttp_receiver_readable(const struct ttp_receiver *r)
{
	return ttp_stream_len(&r->buf);
}

size_t ttp_receiver_read(struct ttp_receiver *r, void *p, size_t n)
{
	uint32_t before = ttp_receiver_window(r), adv, now_w;

	if (n > ttp_receiver_readable(r))
		n = ttp_receiver_readable(r);
	if (!n)
		return 0;
	ttp_stream_get(&r->buf, 0, p, (uint32_t)n);
	ttp_stream_consume(&r->buf, (uint32_t)n);
	/*
	 * Tell the sender about the new space once it may be held back by
	 * the window it knows: that window is down to half the buffer or
	 * less, and the new one at least doubles it (as Linux does).  Not
	 * for every read: the ACKs themselves carry the window.
	 */
	adv = ttp_seq_lt(r->rcv_nxt, r->rcv_adv) ? r->rcv_adv - r->rcv_nxt : 0;
	now_w = ttp_receiver_window(r);
	if (now_w > adv && adv <= before &&
	    adv <= ttp_stream_cap(&r->buf) / 2 && now_w >= 2 * adv &&
	    now_w - adv >= min32(ttp_stream_cap(&r->buf) / 4, r->mss)) {
		r->ack_pending = true;
		r->st->window_updates++;
	}
	return n;
}

bool ttp_receiver_eof(const struct ttp_receiver *r)
{
	return r->fin_rcvd && ttp_stream_len(&r->buf) == 0;
}

bool ttp_receiver_ack_owed(const struct ttp_receiver *r)
{
	return r->ack_pending || r->ack_now;
}

void ttp_receiver_owe_ack(struct ttp_receiver *r)
{
	r->ack_now++;
}

/*
 * A segment went out: it carries our ACK, so nothing delayed is owed
 * any more.  An owed cumulative ACK and the duplicates after it: one
 * segment each.
 */
void ttp_receiver_ack_sent(struct ttp_receiver *r)
{
	r->segs_unacked = 0;
	r->delack_deadline = TTP_NEVER;
	if (r->ack_pending)
		r->ack_pending = false;
	else if (r->ack_now)
		r->ack_now--;
}

uint64_t ttp_receiver_next_timer(const struct ttp_receiver *r)
{
	return r->delack_deadline;
}

void ttp_receiver_on_timer(struct ttp_receiver *r, uint64_t now)
{
	if (now >= r->delack_deadline) {
		r->delack_deadline = TTP_NEVER;
		r->ack_pending = true;	/* output sends the delayed ACK */
	}
}

bool ttp_receiver_in_window(const struct ttp_receiver *r, uint32_t seq)
{
	uint32_t w = ttp_receiver_window(r);

	return ttp_seq_le(r->rcv_nxt, seq) &&
	       ttp_seq_lt(seq, r->rcv_nxt + (w ? w : 1));
}

bool ttp_receiver_consistent(const struct ttp_receiver *r)
{
	uint32_t cap = ttp_stream_cap(&r->buf), len = ttp_stream_len(&r->buf);

	if (len > cap || r->buf.head >= cap)
		return false;
	/* reassembly left no early byte at the next expected one */
	return r->fin_rcvd || len == cap || !map_test(r, r->rcv_nxt);
}
