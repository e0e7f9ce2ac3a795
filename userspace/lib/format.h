/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The column lists of kmod/teach_format.h, split into names, so readers
 * map columns by name and report a missing one by name.
 */
#ifndef TCPTEACH_FORMAT_H
#define TCPTEACH_FORMAT_H

#include "teach_format.h"

#define FMT_MAX_COLS 48
#define FMT_NAME_LEN 24

struct fmt_cols {
	int n;
	char name[FMT_MAX_COLS][FMT_NAME_LEN];
};

/* /proc/net/tcp_teach, the CSV trace, /proc/net/tcp_teach_events. */
const struct fmt_cols *fmt_sock_cols(void);
const struct fmt_cols *fmt_trace_cols(void);
const struct fmt_cols *fmt_event_cols(void);

/* Split @line at @sep (runs of spaces count once); returns the count. */
int fmt_split(const char *line, char sep, struct fmt_cols *c);
/* Index of @name in @c, or -1. */
int fmt_find(const struct fmt_cols *c, const char *name);

#endif
