// SPDX-License-Identifier: GPL-2.0
/* RFC 6298 round-trip estimation (see rtt.h). */
#include "ttp/rtt.h"

#include <string.h>

#include "ttp/seq.h"

void ttp_rtt_init(struct ttp_rtt *r, uint64_t initial_us, uint64_t min_us,
		  uint64_t max_us)
{
	memset(r, 0, sizeof(*r));
	r->min_us = min_us ? min_us : 1;
	r->max_us = max_us < r->min_us ? r->min_us : max_us;
	r->rto = initial_us;
}

void ttp_rtt_sample(struct ttp_rtt *r, uint64_t us)
{
	uint64_t d;

	if (us < 1)
		us = 1;
	if (!r->have_sample) {
		r->srtt = us;
		r->rttvar = us / 2;
		r->have_sample = true;
	} else {
		d = r->srtt > us ? r->srtt - us : us - r->srtt;
		r->rttvar = (3 * r->rttvar + d) / 4;
		r->srtt = (7 * r->srtt + us) / 8;
	}
	/* the clock granularity G is 1 us */
	r->rto = r->srtt + (4 * r->rttvar > 1 ? 4 * r->rttvar : 1);
	if (r->rto < r->min_us)
		r->rto = r->min_us;
	if (r->rto > r->max_us)
		r->rto = r->max_us;
}

void ttp_rtt_start(struct ttp_rtt *r, uint32_t end_seq, uint64_t now)
{
	if (r->timing)
		return;
	r->timing = true;
	r->timed_seq = end_seq;
	r->timed_at = now;
}

void ttp_rtt_ack(struct ttp_rtt *r, uint32_t ack, uint64_t now)
{
	if (r->timing && ttp_seq_le(r->timed_seq, ack)) {
		ttp_rtt_sample(r, now - r->timed_at);
		r->timing = false;
	}
}

void ttp_rtt_handshake_done(struct ttp_rtt *r, uint64_t now)
{
	if (r->timing) {
		ttp_rtt_sample(r, now - r->timed_at);
		r->timing = false;
	}
}

void ttp_rtt_stop(struct ttp_rtt *r)
{
	r->timing = false;
}

uint64_t ttp_rtt_timeout(const struct ttp_rtt *r, unsigned int extra)
{
	uint64_t t = r->rto;
	unsigned int i, n = r->backoff + extra;

	for (i = 0; i < n && t < r->max_us; i++)
		t *= 2;
	return t < r->max_us ? t : r->max_us;
}

void ttp_rtt_backoff(struct ttp_rtt *r)
{
	r->backoff++;
}

void ttp_rtt_reset_backoff(struct ttp_rtt *r)
{
	r->backoff = 0;
}
