// SPDX-License-Identifier: GPL-2.0
#include "lib/trace.h"

#include <string.h>

#include "lib/format.h"
#include "lib/num.h"
#include "teach_cc.h"

void trace_write_header(FILE *f)
{
	fputs(TRACE_CSV_HEADER "\n", f);
}

int trace_write_row(FILE *f, const struct trace_row *r)
{
	char ssthresh[16];

	if (r->ssthresh >= TEACH_SSTHRESH_INF)
		snprintf(ssthresh, sizeof(ssthresh), TEACH_FMT_INF);
	else
		snprintf(ssthresh, sizeof(ssthresh), "%u", r->ssthresh);
	if (fprintf(f, "%llu,%llu,%s,%s,%s,%u,%s,%u,%u,%u,%u,%u,%u\n",
		    r->time_us, r->flow, r->algo,
		    teach_reason_name((unsigned int)r->event),
		    teach_phase_name((unsigned int)r->phase), r->cwnd,
		    ssthresh, r->snd_cwnd, r->inflight, r->rwnd, r->mss,
		    r->srtt_us, r->prior_cwnd) < 0)
		return -1;
	return 0;
}

int trace_is_header(const char *line)
{
	size_t n = strlen(TEACH_FMT_TRACE_BASE_COLUMNS);

	return strncmp(line, TEACH_FMT_TRACE_BASE_COLUMNS, n) == 0 &&
	       (line[n] == '\0' || line[n] == ',' || line[n] == '\n' ||
		line[n] == '\r');
}

static int parse_u64(const char *s, unsigned long long *v)
{
	return parse_ull(s, ~0ULL, v);
}

static int parse_u32(const char *s, unsigned int *v)
{
	unsigned long long x;

	if (parse_ull(s, 0xffffffffull, &x))
		return -1;
	*v = (unsigned int)x;
	return 0;
}

int trace_parse_row(const char *line, struct trace_row *r,
		    char *err, size_t errlen)
{
	const struct fmt_cols *cols = fmt_trace_cols();
	char buf[512], *field[FMT_MAX_COLS + 1], *p;
	unsigned int *u32s[] = {
		&r->cwnd, NULL, &r->snd_cwnd, &r->inflight, &r->rwnd, &r->mss,
		&r->srtt_us, &r->prior_cwnd,
	};
	size_t n = 0, len = strlen(line), i, ncols = (size_t)cols->n;
	/* the columns up to srtt_us; prior_cwnd came later */
	size_t nbase = (size_t)cols->n - 1;

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len >= sizeof(buf)) {
		snprintf(err, errlen, "line too long (%zu bytes)", len);
		return -1;
	}
	memcpy(buf, line, len);
	buf[len] = '\0';
	/* strtok_r would merge empty fields; split by hand. */
	p = buf;
	while (n < ncols + 1) {
		field[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = '\0';
	}
	if (n < nbase) {
		snprintf(err, errlen, "expected %zu columns, found %zu",
			 ncols, n);
		return -1;
	}
	memset(r, 0, sizeof(*r));
	if (parse_u64(field[0], &r->time_us)) {
		snprintf(err, errlen, "column time_us: '%s' is not a number",
			 field[0]);
		return -1;
	}
	if (parse_u64(field[1], &r->flow)) {
		snprintf(err, errlen, "column flow: '%s' is not a number",
			 field[1]);
		return -1;
	}
	if (!*field[2] || strlen(field[2]) >= sizeof(r->algo)) {
		snprintf(err, errlen, "column algo: bad name '%s'", field[2]);
		return -1;
	}
	strcpy(r->algo, field[2]);
	/* empty: a tracepoint trace that cannot say why (TEACH_EV_NONE) */
	r->event = *field[3] ? teach_reason_from_name(field[3]) : TEACH_EV_NONE;
	if (r->event < TEACH_EV_NONE || (*field[3] && !r->event)) {
		snprintf(err, errlen, "column event: unknown reason '%s'",
			 field[3]);
		return -1;
	}
	r->phase = teach_phase_from_name(field[4]);
	if (r->phase < 0) {
		snprintf(err, errlen, "column phase: unknown phase '%s'",
			 field[4]);
		return -1;
	}
	for (i = 0; i < sizeof(u32s) / sizeof(u32s[0]) && 5 + i < n; i++) {
		const char *s = field[5 + i];

		if (!*s && u32s[i] && i != 0)	/* not known: 0 */
			continue;
		if (!u32s[i]) {	/* ssthresh */
			if (strcmp(s, TEACH_FMT_INF) == 0)
				r->ssthresh = TEACH_SSTHRESH_INF;
			else if (parse_u32(s, &r->ssthresh))
				goto bad;
			continue;
		}
		if (parse_u32(s, u32s[i]))
			goto bad;
		continue;
bad:
		snprintf(err, errlen, "column %s: '%s' is not a number",
			 cols->name[5 + i], s);
		return -1;
	}
	return 0;
}
