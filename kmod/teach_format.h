/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The text formats of tcp_teach, declared once: the columns of
 * /proc/net/tcp_teach (the socket table), of the shared CSV trace and of
 * /proc/net/tcp_teach_events.  No includes: the module, the tcpteach
 * command and the tests all use this file.
 *
 * Readers map columns by the names in the header line, so a newer module
 * may add columns and an older tcpteach names the one it misses.
 */
#ifndef TEACH_FORMAT_H
#define TEACH_FORMAT_H

/* An unlimited ssthresh in every text format (JSON says null). */
#define TEACH_FMT_INF "inf"

/*
 * /proc/net/tcp_teach: this header line, then one line per socket.
 * recovery: what began the last fast retransmit (dupacks, dupthresh,
 * rack; "-" before any).
 */
#define TEACH_FMT_SOCK_COLUMNS \
	"local remote cookie algo phase ca_state cwnd snd_cwnd ssthresh " \
	"mss rwnd wnd inflight srtt_us acks ss_incr ca_incr dupacks " \
	"fast_retransmits timeouts undos recovery"

/*
 * The shared CSV trace (kernel and teaching transport alike).  prior_cwnd
 * is the window before the last cut (what an undo restores), so readers
 * need not guess it; traces recorded before it existed end at srtt_us.
 */
#define TEACH_FMT_TRACE_BASE_COLUMNS \
	"time_us,flow,algo,event,phase,cwnd,ssthresh,snd_cwnd,inflight," \
	"rwnd,mss,srtt_us"
#define TEACH_FMT_TRACE_COLUMNS TEACH_FMT_TRACE_BASE_COLUMNS ",prior_cwnd"

/*
 * /proc/net/tcp_teach_events: a header line before the first event, then
 * one line per event: the trace columns space-separated (time_us
 * absolute), then these.  recovery: on a fast_retransmit event, the rule
 * that began it (as the socket table's column); "-" on every other event.
 */
#define TEACH_FMT_EVENT_EXTRA_COLUMNS "local remote recovery"

#endif
