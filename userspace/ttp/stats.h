/* SPDX-License-Identifier: GPL-2.0 */
/* A connection's counters: what the summaries and tests report. */
#ifndef TTP_STATS_H
#define TTP_STATS_H

#include <stdint.h>

#include "ttp/segment.h"

struct ttp_stats {
	uint64_t segs_in, segs_out;
	uint64_t data_segs_out;		/* with payload, incl. retransmits */
	uint64_t bytes_out;		/* payload bytes incl. retransmits */
	uint64_t bytes_acked;		/* our data the peer has */
	uint64_t bytes_in;		/* payload bytes received in order */
	uint64_t retransmits;		/* segments sent again */
	uint64_t timeouts;
	uint64_t fast_retransmits;
	uint64_t dupacks_in;
	uint64_t dup_segs_in;		/* already received: discarded */
	uint64_t ooo_segs_in;		/* out of order: buffered */
	uint64_t bad_segs[TTP_SEG_NR_ERRS];
	uint64_t dropped;		/* all segments refused (sum) */
	uint64_t too_big;		/* payload > our MSS */
	uint64_t out_of_window;
	uint64_t probes;		/* zero-window (persist) probes */
	uint64_t window_updates;
	uint64_t rst_in, rst_out;
	uint64_t events;
};

#endif
