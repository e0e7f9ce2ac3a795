/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `tcpteach trace --tracepoint`: the text of tcp:tcp_probe and
 * tcp:tcp_cong_state_set (trace_pipe lines) turned into the shared CSV.
 * The parsing and the reasons are plain functions, so host tests feed
 * them recorded lines; tp_trace() is the live part.
 */
#ifndef TCPTEACH_CLI_TRACE_TP_H
#define TCPTEACH_CLI_TRACE_TP_H

#include <stdio.h>

struct trace_opts;
struct trace_result;

enum { TP_OTHER, TP_PROBE, TP_STATE, TP_LOST };

/* One trace_pipe line. */
struct tp_rec {
	int kind;
	unsigned long long t_us;	/* trace clock */
	char laddr[48], raddr[48];	/* without brackets or port */
	unsigned int lport, rport;
	/* tcp_probe */
	unsigned int snd_cwnd, ssthresh, snd_wnd, srtt_us;
	unsigned long long cookie;	/* 0: the kernel has none */
	/* tcp_cong_state_set */
	int ca_state;
	/* "[LOST N EVENTS]" */
	unsigned long long lost;
};

struct tp_flow {
	char laddr[48], raddr[48];
	unsigned int lport, rport;
	unsigned long long cookie;
	char algo[24];
	unsigned int mss;		/* 0: unknown */
	int ours;			/* in this network namespace */
	int retries;			/* lookups for algo and mss */
	int seen;			/* a row was written */
	int ca_state;
	unsigned int cwnd, ssthresh;	/* of the last row */
	unsigned int prior_cwnd;	/* before the last cut; 0 unknown */
	int pending;			/* a state change's reason */
	unsigned long long pending_t;
};

#define TP_MAX_FLOWS 64
#define TP_LOOKUP_RETRIES 20

struct tp_state {
	long port;			/* -1: every port */
	unsigned long long t0;
	int have_t0;
	unsigned long long lost;	/* events the trace buffer lost */
	int nflows;
	struct tp_flow flows[TP_MAX_FLOWS];
};

/*
 * Parse one trace_pipe line: TP_PROBE, TP_STATE, TP_LOST, TP_OTHER (not
 * ours), -1 for a tcp line that cannot be read.
 */
int tp_parse_line(const char *line, struct tp_rec *r);

/*
 * Called once per new flow: 0 when the socket is ours (fill f->algo,
 * f->mss and, when 0, f->cookie), -1 to leave the flow out.
 */
typedef int (*tp_lookup_fn)(const struct tp_rec *r, struct tp_flow *f,
			    void *arg);

/* Feed a line: 1 when a CSV row was written, 0 when none, -1 on error. */
int tp_feed(struct tp_state *st, const char *line, FILE *out,
	    tp_lookup_fn lookup, void *arg);

/* Record until stopped (trace_opts' port, duration, count, stop). */
int tp_trace(FILE *out, const struct trace_opts *o, struct trace_result *res);

#endif
