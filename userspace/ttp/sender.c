// SPDX-License-Identifier: GPL-2.0
/* The sliding window, retransmissions and fast retransmit (see sender.h). */
#include "ttp/sender.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_PEER_MSS	536	/* RFC 1122 when no MSS option */
#define MIN_MSS			64
#define PERSIST_BACKOFF_MAX	16

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

int ttp_sender_init(struct ttp_sender *s, const struct ttp_sender_cfg *cfg,
		    struct ttp_stats *st)
{
	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	if (ttp_stream_init(&s->buf, cfg->sndbuf))
		return -1;
	snprintf(s->algo_name, sizeof(s->algo_name), "ttp_%s",
		 teach_algo_name(cfg->algo));
	teach_cc_init(&s->cc, cfg->algo, cfg->initial_cwnd,
		      cfg->ssthresh_bytes, cfg->mss);
	ttp_rtt_init(&s->rtt, cfg->rto_initial_us, cfg->rto_min_us,
		     cfg->rto_max_us);
	s->mss = DEFAULT_PEER_MSS;
	s->rtx_deadline = TTP_NEVER;
	s->persist_deadline = TTP_NEVER;
	s->st = st;
	return 0;
}

void ttp_sender_destroy(struct ttp_sender *s)
{
	ttp_stream_destroy(&s->buf);
}

static uint32_t flight_bytes(const struct ttp_sender *s)
{
	return s->snd_nxt - s->snd_una;
}

/* Sequence number just past the last byte the application wrote. */
static uint32_t data_end(const struct ttp_sender *s)
{
	return s->buf_seq + ttp_stream_len(&s->buf);
}

unsigned int ttp_sender_window(const struct ttp_sender *s)
{
	unsigned int w = min32(s->cc.cwnd, s->snd_wnd / s->mss);

	if (s->cfg.mode == TTP_MODE_SAW)
		w = min32(w, 1);
	return w;
}

void ttp_sender_emit(struct ttp_sender *s, enum teach_reason r, uint64_t now)
{
	struct trace_row row;

	if (r == TEACH_EV_NONE)
		return;
	s->st->events++;
	if (!s->cfg.on_event)
		return;
	memset(&row, 0, sizeof(row));
	row.time_us = now >= s->cfg.t0_us ? now - s->cfg.t0_us : 0;
	row.flow = s->cfg.flow;
	snprintf(row.algo, sizeof(row.algo), "%s", s->algo_name);
	row.event = r;
	row.phase = s->cc.phase;
	row.cwnd = s->cc.cwnd;
	row.ssthresh = s->cc.ssthresh;
	row.snd_cwnd = ttp_sender_window(s);
	row.inflight = (flight_bytes(s) + s->mss - 1) / s->mss;
	row.rwnd = s->snd_wnd;
	row.mss = s->mss;
	row.srtt_us = (unsigned int)min64(ttp_rtt_srtt(&s->rtt), 0xffffffffu);
	row.prior_cwnd = s->cc.prior_cwnd;
	s->cfg.on_event(s->cfg.event_ctx, &row);
}

/* The retransmission timer runs while anything is unacknowledged. */
static void arm_rtx(struct ttp_sender *s, uint64_t now)
{
	if (s->snd_una == s->snd_max)
		s->rtx_deadline = TTP_NEVER;
	else
		s->rtx_deadline = now + ttp_rtt_timeout(&s->rtt, 0);
}

/* ---- the handshake's part ------------------------------------------- */

void ttp_sender_start(struct ttp_sender *s, uint32_t iss)
{
	s->iss = iss;
	s->snd_una = s->snd_nxt = s->snd_max = iss;
	s->buf_seq = iss + 1;	/* the SYN takes one sequence number */
	s->syn_pending = true;
}

void ttp_sender_set_peer(struct ttp_sender *s, uint16_t mss, int wscale)
{
	s->mss = mss ? mss : DEFAULT_PEER_MSS;
	s->mss = min32(s->mss, s->cfg.mss);
	if (s->mss < MIN_MSS)
		s->mss = MIN_MSS;
	s->wscale = wscale >= 0 ? (uint8_t)wscale : 0;
}

void ttp_sender_set_window(struct ttp_sender *s, uint32_t wnd_bytes,
			   uint32_t seq, uint32_t ack)
{
	s->snd_wnd = wnd_bytes;
	s->snd_wl1 = seq;
	s->snd_wl2 = ack;
}

void ttp_sender_syn_acked(struct ttp_sender *s, uint64_t now)
{
	s->snd_una = s->snd_nxt = s->snd_max = s->iss + 1;
	s->syn_pending = false;
	ttp_rtt_handshake_done(&s->rtt, now);
}

void ttp_sender_established(struct ttp_sender *s, uint64_t now)
{
	s->syn_acked = true;
	s->syn_pending = false;
	s->snd_una = s->snd_nxt = s->snd_max = s->iss + 1;
	s->retries = 0;
	ttp_rtt_reset_backoff(&s->rtt);
	/* The window starts now: "initializes the congestion window to MSS" */
	ttp_sender_emit(s, teach_cc_init(&s->cc, s->cfg.algo,
					 s->cfg.initial_cwnd,
					 s->cfg.ssthresh_bytes, s->mss), now);
	s->round_end = s->snd_nxt;
	arm_rtx(s, now);
}

void ttp_sender_resend_syn(struct ttp_sender *s)
{
	s->syn_pending = true;
	s->snd_nxt = s->iss;
}

/* ---- ACKs ------------------------------------------------------------ */

static void new_ack(struct ttp_sender *s, uint32_t ack, uint64_t now)
{
	uint32_t acked = ack - s->snd_una, n;
	uint32_t flight_segs = (flight_bytes(s) + s->mss - 1) / s->mss;
	struct teach_ack a;

	a.app_limited = ttp_seq_le(data_end(s), s->snd_nxt) &&
			flight_segs < s->cc.cwnd;
	if (ttp_seq_lt(s->buf_seq, ack)) {
		n = min32(ack - s->buf_seq, ttp_stream_len(&s->buf));
		ttp_stream_consume(&s->buf, n);
		s->buf_seq += n;
		s->st->bytes_acked += n;
	}
	s->snd_una = ack;
	if (ttp_seq_lt(s->snd_nxt, ack))
		s->snd_nxt = ack;
	ttp_rtt_ack(&s->rtt, ack, now);
	ttp_rtt_reset_backoff(&s->rtt);
	s->retries = 0;

	if (s->in_recovery) {
		if (ttp_seq_le(s->recover, ack)) {
			s->in_recovery = false;
			ttp_sender_emit(s, teach_cc_recovery_exit(&s->cc), now);
		} else if (s->cc.algo != TEACH_TAHOE) {
			/* a partial ACK: the next hole is lost too (RFC 6582) */
			s->fast_rtx_pending = true;
		}
	}
	if (s->after_timeout && ttp_seq_le(s->recover, ack))
		s->after_timeout = false;
	a.acked = (acked + s->mss - 1) / s->mss;
	a.rwnd = s->snd_wnd / s->mss ? s->snd_wnd / s->mss : 1;
	/* It acknowledges data sent after the round began: a new round. */
	a.round_start = ttp_seq_lt(s->round_end, ack);
	if (a.round_start)
		s->round_end = s->snd_nxt;
	ttp_sender_emit(s, teach_cc_on_ack(&s->cc, &a), now);
	arm_rtx(s, now);
}

static void dup_ack(struct ttp_sender *s, uint64_t now)
{
	enum teach_reason r;

	s->st->dupacks_in++;
	/*
	 * Duplicates caused by our own go-back-N resends, or more of them
	 * after a Tahoe fast retransmit, are not a new loss (RFC 6582).
	 */
	if (s->after_timeout ||
	    (s->in_recovery && s->cc.phase != TEACH_FAST_RECOVERY))
		return;
	r = teach_cc_on_dupack(&s->cc);
	if (r == TEACH_EV_FAST_RETRANSMIT) {
		s->st->fast_retransmits++;
		s->round_end = s->snd_una;	/* the cut begins a round */
		s->in_recovery = true;
		s->recover = s->snd_max;
		ttp_rtt_stop(&s->rtt);
		if (s->cc.algo == TEACH_TAHOE)
			s->snd_nxt = s->snd_una;	/* slow start again */
		else
			s->fast_rtx_pending = true;
		s->rtx_deadline = now + ttp_rtt_timeout(&s->rtt, 0);
	}
	ttp_sender_emit(s, r, now);
}

enum ttp_ack_kind ttp_sender_ack(struct ttp_sender *s, uint32_t seq,
				 uint32_t ack, uint16_t wnd, bool dup_candidate,
				 uint64_t now)
{
	bool wnd_changed = false;
	uint32_t w;

	if (ttp_seq_lt(s->snd_max, ack))
		return TTP_ACK_UNSENT;
	/*
	 * The peer answers: a window kept shut is probed for as long as
	 * that goes on (RFC 1122 4.2.2.17); only silence gives up.
	 */
	s->probes_unanswered = 0;
	if (ttp_seq_lt(s->snd_wl1, seq) ||
	    (s->snd_wl1 == seq && ttp_seq_le(s->snd_wl2, ack))) {
		w = (uint32_t)wnd << s->wscale;
		wnd_changed = w != s->snd_wnd;
		ttp_sender_set_window(s, w, seq, ack);
	}
	if (ttp_seq_lt(s->snd_una, ack)) {
		new_ack(s, ack, now);
		return TTP_ACK_NEW;
	}
	if (ack == s->snd_una && dup_candidate && !wnd_changed &&
	    s->snd_max != s->snd_una)
		dup_ack(s, now);
	return TTP_ACK_OLD;
}

/* ---- what to send ---------------------------------------------------- */

/* Note [seq, seq + len (+ FIN)) as sent: Karn's timing, the timer. */
static void sent(struct ttp_sender *s, const struct ttp_tx *tx, uint64_t now)
{
	uint32_t end = tx->seq + tx->len +
		       ((tx->flags & (TTP_SYN | TTP_FIN)) ? 1 : 0);

	if (ttp_seq_lt(tx->seq, s->snd_max))
		s->st->retransmits++;
	else
		ttp_rtt_start(&s->rtt, end, now); /* one new segment (Karn) */
	if (ttp_seq_lt(s->snd_max, end))
		s->snd_max = end;
	if (s->rtx_deadline == TTP_NEVER)
		s->rtx_deadline = now + ttp_rtt_timeout(&s->rtt, 0);
}

static void data_at(const struct ttp_sender *s, uint32_t seq, uint32_t len,
		    struct ttp_tx *tx)
{
	tx->seq = seq;
	tx->len = len;
	tx->flags = seq + len == data_end(s) ? TTP_PSH : 0;
}

static void fin_at(uint32_t seq, struct ttp_tx *tx)
{
	tx->seq = seq;
	tx->len = 0;
	tx->flags = TTP_FIN;
}

/* How much new (or go-back-N) data the windows and SWS rules allow. */
static uint32_t sendable(const struct ttp_sender *s)
{
	uint32_t flight = flight_bytes(s), avail, wnd, usable, len;
	uint64_t cwnd_b = (uint64_t)s->cc.cwnd * s->mss;

	if (!ttp_seq_lt(s->snd_nxt, data_end(s)))
		return 0;
	avail = data_end(s) - s->snd_nxt;
	wnd = (uint32_t)min64(cwnd_b, s->snd_wnd);
	if (s->cfg.mode == TTP_MODE_SAW) {
		if (flight)
			return 0;	/* wait for the ACK */
		wnd = min32(wnd, s->mss);
	}
	usable = wnd > flight ? wnd - flight : 0;
	len = min32(min32(avail, usable), s->mss);
	if (!len)
		return 0;
	/* no tiny segments unless nothing is outstanding or data ends here */
	if (len < s->mss && flight && !(s->fin_queued && len == avail))
		return 0;
	return len;
}

bool ttp_sender_next(struct ttp_sender *s, uint64_t now, struct ttp_tx *tx)
{
	uint32_t len;

	if (!s->syn_acked) {
		if (!s->syn_pending)
			return false;
		s->syn_pending = false;
		tx->seq = s->iss;
		tx->len = 0;
		tx->flags = TTP_SYN;
		sent(s, tx, now);
		s->snd_nxt = s->iss + 1;
		return true;
	}
	if (s->fast_rtx_pending) {
		/* fast retransmit: the missing segment now, window or not */
		s->fast_rtx_pending = false;
		if (ttp_seq_lt(s->snd_una, data_end(s))) {
			len = min32(data_end(s) - s->snd_una, s->mss);
			data_at(s, s->snd_una, len, tx);
			sent(s, tx, now);
			return true;
		}
		if (s->fin_queued && s->snd_una == s->fin_seq &&
		    s->snd_max != s->snd_una) {
			fin_at(s->fin_seq, tx);
			sent(s, tx, now);
			return true;
		}
	}
	if (s->persist_deadline != TTP_NEVER && now >= s->persist_deadline) {
		/* a zero-window probe: an old sequence number, no data */
		s->persist_deadline = TTP_NEVER;
		s->st->probes++;
		tx->seq = s->snd_una - 1;
		tx->len = 0;
		tx->flags = 0;
		return true;
	}
	len = sendable(s);
	if (len) {
		data_at(s, s->snd_nxt, len, tx);
		sent(s, tx, now);
		s->snd_nxt += len;
		return true;
	}
	if (s->fin_queued && s->snd_nxt == s->fin_seq &&
	    ttp_seq_le(data_end(s), s->fin_seq) &&
	    !(s->cfg.mode == TTP_MODE_SAW && flight_bytes(s))) {
		fin_at(s->fin_seq, tx);
		sent(s, tx, now);
		s->snd_nxt = s->fin_seq + 1;
		return true;
	}
	return false;
}

void ttp_sender_idle(struct ttp_sender *s, uint64_t now)
{
	bool blocked = s->syn_acked && s->snd_wnd == 0 &&
		       s->snd_una == s->snd_max &&
		       ttp_seq_lt(s->snd_nxt, data_end(s));

	if (!blocked) {
		s->persist_deadline = TTP_NEVER;
		s->persist_backoff = 0;
	} else if (s->persist_deadline == TTP_NEVER) {
		s->persist_deadline = now + ttp_rtt_timeout(&s->rtt,
							    s->persist_backoff);
	}
}

void ttp_sender_copy(const struct ttp_sender *s, uint32_t seq, void *p,
		     uint32_t len)
{
	ttp_stream_get(&s->buf, seq - s->buf_seq, p, len);
}

/* ---- timers ---------------------------------------------------------- */

uint64_t ttp_sender_next_timer(const struct ttp_sender *s)
{
	return min64(s->rtx_deadline, s->persist_deadline);
}

static enum ttp_timer_result rtx_timeout(struct ttp_sender *s, uint64_t now)
{
	s->rtx_deadline = TTP_NEVER;
	if (s->snd_una == s->snd_max)
		return TTP_TIMER_OK;
	if (++s->retries > s->cfg.max_retries)
		return TTP_TIMER_GIVE_UP;
	s->st->timeouts++;
	ttp_rtt_backoff(&s->rtt);
	ttp_rtt_stop(&s->rtt);	/* Karn: no samples from retransmissions */
	if (!s->syn_acked) {
		ttp_sender_resend_syn(s);
		s->rtx_deadline = now + ttp_rtt_timeout(&s->rtt, 0);
		return TTP_TIMER_OK;
	}
	ttp_sender_emit(s, teach_cc_on_timeout(&s->cc), now);
	/* "sends everything again beginning from the last not acknowledged" */
	s->snd_nxt = s->snd_una;
	s->round_end = s->snd_una;
	s->in_recovery = false;
	s->fast_rtx_pending = false;
	s->after_timeout = true;
	s->recover = s->snd_max;
	s->rtx_deadline = now + ttp_rtt_timeout(&s->rtt, 0);
	return TTP_TIMER_OK;
}

enum ttp_timer_result ttp_sender_on_timer(struct ttp_sender *s, uint64_t now)
{
	if (now >= s->rtx_deadline && rtx_timeout(s, now) == TTP_TIMER_GIVE_UP)
		return TTP_TIMER_GIVE_UP;
	if (s->persist_deadline != TTP_NEVER && now >= s->persist_deadline) {
		/* next() sends the probe; back off for the next one */
		if (++s->probes_unanswered > s->cfg.max_retries)
			return TTP_TIMER_GIVE_UP;
		if (s->persist_backoff < PERSIST_BACKOFF_MAX)
			s->persist_backoff++;
	}
	return TTP_TIMER_OK;
}

void ttp_sender_stop_timers(struct ttp_sender *s)
{
	s->rtx_deadline = TTP_NEVER;
	s->persist_deadline = TTP_NEVER;
}

/* ---- the application's side ------------------------------------------ */

uint32_t ttp_sender_space(const struct ttp_sender *s)
{
	return s->fin_queued ? 0 : ttp_stream_space(&s->buf);
}

uint32_t ttp_sender_write(struct ttp_sender *s, const void *p, uint32_t n)
{
	if (s->fin_queued)
		return 0;
	return ttp_stream_append(&s->buf, p, n);
}

void ttp_sender_close(struct ttp_sender *s)
{
	if (s->fin_queued)
		return;
	s->fin_queued = true;
	s->fin_seq = data_end(s);
}

bool ttp_sender_fin_acked(const struct ttp_sender *s)
{
	return s->fin_queued && ttp_seq_lt(s->fin_seq, s->snd_una);
}

bool ttp_sender_consistent(const struct ttp_sender *s)
{
	return ttp_seq_le(s->snd_una, s->snd_nxt) &&
	       ttp_seq_le(s->snd_nxt, s->snd_max) &&
	       ttp_stream_len(&s->buf) <= ttp_stream_cap(&s->buf) &&
	       s->buf.head < ttp_stream_cap(&s->buf) &&
	       ttp_seq_le(s->buf_seq, s->snd_una + 1) &&
	       ttp_seq_le(s->snd_max, data_end(s) + 1);
}

const char *ttp_mode_name(unsigned int mode)
{
	return mode == TTP_MODE_SAW ? "saw" : "gbn";
}
