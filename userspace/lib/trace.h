/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shared CSV trace: one row per window event, the same columns for
 * the kernel module's event stream and the teaching transport, so one
 * plotter draws both (columns: kmod/teach_format.h).
 */
#ifndef TCPTEACH_TRACE_H
#define TCPTEACH_TRACE_H

#include <stddef.h>
#include <stdio.h>

#include "teach_format.h"

#define TRACE_CSV_HEADER TEACH_FMT_TRACE_COLUMNS

struct trace_row {
	unsigned long long time_us;	/* since the start of the trace */
	unsigned long long flow;	/* socket cookie or transport flow id */
	char algo[24];			/* teach_reno, teach_tahoe, reno, ... */
	int event;			/* enum teach_reason */
	int phase;			/* enum teach_phase */
	unsigned int cwnd;		/* textbook window, segments */
	unsigned int ssthresh;		/* segments; TEACH_SSTHRESH_INF = TEACH_FMT_INF */
	unsigned int snd_cwnd;		/* the kernel's window, segments */
	unsigned int inflight;		/* segments */
	unsigned int rwnd;		/* bytes */
	unsigned int mss;		/* bytes */
	unsigned int srtt_us;
	unsigned int prior_cwnd;	/* before the last cut; 0 = unknown */
};

void trace_write_header(FILE *f);
/* Returns 0, or -1 when the write failed (errno set). */
int trace_write_row(FILE *f, const struct trace_row *r);

/*
 * Parse one data line (no trailing newline needed).  Returns 0, or -1 with
 * a message in @err naming the column that is wrong.
 */
int trace_parse_row(const char *line, struct trace_row *r,
		    char *err, size_t errlen);

/*
 * True when @line is the header (extra columns allowed; an older trace
 * without prior_cwnd too).
 */
int trace_is_header(const char *line);

#endif
