/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The RTT estimator and retransmission timeout of RFC 6298:
 *	first sample R:	SRTT = R, RTTVAR = R/2
 *	later samples:	RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|,
 *			SRTT = 7/8 SRTT + 1/8 R
 *	RTO = SRTT + max(G, 4 RTTVAR), clamped to [min, max],
 * doubled on every timeout (backoff) until an ACK brings progress.
 * One segment is timed at a time, and never a retransmitted one (Karn).
 * All times in microseconds.
 */
#ifndef TTP_RTT_H
#define TTP_RTT_H

#include <stdbool.h>
#include <stdint.h>

struct ttp_rtt {
	uint64_t srtt, rttvar, rto;	/* rto before backoff */
	uint64_t min_us, max_us;
	bool have_sample;
	bool timing;			/* a segment is being timed */
	uint32_t timed_seq;		/* its end: an ACK this high times it */
	uint64_t timed_at;
	unsigned int backoff;		/* RTO doublings */
};

void ttp_rtt_init(struct ttp_rtt *r, uint64_t initial_us, uint64_t min_us,
		  uint64_t max_us);
/* A measured round trip. */
void ttp_rtt_sample(struct ttp_rtt *r, uint64_t us);

/* Start timing the segment ending at @end_seq unless one is timed. */
void ttp_rtt_start(struct ttp_rtt *r, uint32_t end_seq, uint64_t now);
/* An ACK up to @ack: samples the timed segment if it covers it. */
void ttp_rtt_ack(struct ttp_rtt *r, uint32_t ack, uint64_t now);
/* The handshake's reply arrived: samples the timed SYN. */
void ttp_rtt_handshake_done(struct ttp_rtt *r, uint64_t now);
/* Stop timing without a sample (it was or will be retransmitted). */
void ttp_rtt_stop(struct ttp_rtt *r);

/* The RTO as the timer uses it, with backoff; @extra more doublings. */
uint64_t ttp_rtt_timeout(const struct ttp_rtt *r, unsigned int extra);
void ttp_rtt_backoff(struct ttp_rtt *r);
void ttp_rtt_reset_backoff(struct ttp_rtt *r);

static inline uint64_t ttp_rtt_srtt(const struct ttp_rtt *r)
{
	return r->srtt;
}

static inline uint64_t ttp_rtt_rttvar(const struct ttp_rtt *r)
{
	return r->rttvar;
}

static inline bool ttp_rtt_has_sample(const struct ttp_rtt *r)
{
	return r->have_sample;
}

/* A segment is being timed now. */
static inline bool ttp_rtt_timing(const struct ttp_rtt *r)
{
	return r->timing;
}

/* RTO without backoff. */
static inline uint64_t ttp_rtt_rto(const struct ttp_rtt *r)
{
	return r->rto;
}

#endif
