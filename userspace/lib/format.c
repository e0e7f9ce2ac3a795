// SPDX-License-Identifier: GPL-2.0
#include "lib/format.h"

#include <string.h>

int fmt_split(const char *line, char sep, struct fmt_cols *c)
{
	const char *p = line;

	c->n = 0;
	while (*p && *p != '\n' && c->n < FMT_MAX_COLS) {
		size_t len = 0;

		while (sep == ' ' && *p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		while (p[len] && p[len] != sep && p[len] != '\n')
			len++;
		if (len >= FMT_NAME_LEN)
			len = FMT_NAME_LEN - 1;
		memcpy(c->name[c->n], p, len);
		c->name[c->n++][len] = '\0';
		while (*p && *p != sep && *p != '\n')
			p++;
		if (*p == sep)
			p++;
	}
	return c->n;
}

int fmt_find(const struct fmt_cols *c, const char *name)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->name[i], name) == 0)
			return i;
	return -1;
}

const struct fmt_cols *fmt_sock_cols(void)
{
	static struct fmt_cols c;

	if (!c.n)
		fmt_split(TEACH_FMT_SOCK_COLUMNS, ' ', &c);
	return &c;
}

const struct fmt_cols *fmt_trace_cols(void)
{
	static struct fmt_cols c;

	if (!c.n)
		fmt_split(TEACH_FMT_TRACE_COLUMNS, ',', &c);
	return &c;
}

const struct fmt_cols *fmt_event_cols(void)
{
	static struct fmt_cols c;
	struct fmt_cols extra;
	int i;

	if (c.n)
		return &c;
	c = *fmt_trace_cols();
	fmt_split(TEACH_FMT_EVENT_EXTRA_COLUMNS, ' ', &extra);
	for (i = 0; i < extra.n && c.n < FMT_MAX_COLS; i++)
		memcpy(c.name[c.n++], extra.name[i], FMT_NAME_LEN);
	return &c;
}
