// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers for the module's /proc/net files (columns: kmod/teach_format.h):
 * the socket table /proc/net/tcp_teach and the event stream
 * /proc/net/tcp_teach_events.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/format.h"
#include "lib/num.h"

const char *sock_field_name(int k)
{
	return fmt_sock_cols()->name[k];
}

#define MAX_COLS FMT_MAX_COLS

/* Split @s in place at single spaces; returns the number of fields. */
static int split_spaces(char *s, char **f, int max)
{
	int n = 0;

	while (*s == ' ')
		s++;
	while (*s && n < max) {
		f[n++] = s;
		while (*s && *s != ' ')
			s++;
		while (*s == ' ')
			*s++ = '\0';
	}
	return *s ? max + 1 : n;
}

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

int teach_sock_read(const char *path, struct teach_sock **out,
		    char *err, size_t errlen)
{
	int map[MAX_COLS], ncols, n, i, lineno = 0, count = 0, cap = 0;
	struct teach_sock *socks = NULL;
	char line[2048], *f[MAX_COLS + 1];
	FILE *fp = fopen(path, "r");

	*out = NULL;
	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!fgets(line, sizeof(line), fp)) {
		snprintf(err, errlen, "%s:1: empty file, expected the header",
			 path);
		goto fail;
	}
	lineno = 1;
	chomp(line);
	ncols = split_spaces(line, f, MAX_COLS);
	if (ncols > MAX_COLS)
		ncols = MAX_COLS;
	for (i = 0; i < ncols; i++) {
		int k;

		map[i] = -1;
		for (k = 0; k < SOCK_NFIELDS; k++)
			if (strcmp(f[i], sock_field_name(k)) == 0)
				map[i] = k;
	}
	for (i = 0; i < SOCK_NFIELDS; i++) {
		int k, found = 0;

		for (k = 0; k < ncols; k++)
			found |= map[k] == i;
		if (!found) {
			snprintf(err, errlen,
				 "%s:1: header lacks column '%s' (module and tcpteach versions differ?)",
				 path, sock_field_name(i));
			goto fail;
		}
	}
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(fp)) {
			snprintf(err, errlen, "%s:%d: line too long", path,
				 lineno);
			goto fail;
		}
		chomp(line);
		if (!*line)
			continue;
		n = split_spaces(line, f, MAX_COLS);
		if (n != ncols) {
			snprintf(err, errlen,
				 "%s:%d: expected %d fields, found %d", path,
				 lineno, ncols, n);
			goto fail;
		}
		if (count == cap) {
			struct teach_sock *ns;

			cap = cap ? cap * 2 : 16;
			ns = realloc(socks, (size_t)cap * sizeof(*socks));
			if (!ns) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
			socks = ns;
		}
		memset(&socks[count], 0, sizeof(socks[count]));
		for (i = 0; i < ncols; i++) {
			if (map[i] < 0)
				continue;
			if (strlen(f[i]) >= sizeof(socks[count].field[0])) {
				snprintf(err, errlen,
					 "%s:%d: field '%s' too long", path,
					 lineno, sock_field_name(map[i]));
				goto fail;
			}
			strcpy(socks[count].field[map[i]], f[i]);
		}
		count++;
	}
	fclose(fp);
	*out = socks;
	return count;
fail:
	free(socks);
	fclose(fp);
	return -1;
}

long addr_port(const char *addrport)
{
	const char *colon = strrchr(addrport, ':');
	unsigned long v;

	if (!colon || cli_parse_uint(colon + 1, 65535, &v))
		return -1;
	return (long)v;
}

void addr_host(const char *addrport, char *buf, size_t len)
{
	const char *colon = strrchr(addrport, ':');
	size_t n = colon ? (size_t)(colon - addrport) : strlen(addrport);

	if (n >= 2 && addrport[0] == '[' && addrport[n - 1] == ']') {
		addrport++;
		n -= 2;
	}
	snprintf(buf, len, "%.*s", (int)n, addrport);
}

int teach_event_header(const char *line, struct event_map *m, char *err,
		       size_t errlen)
{
	const struct fmt_cols *want = fmt_event_cols();
	struct fmt_cols have;
	int k;

	if (strncmp(line, "time_us ", 8) != 0)
		return 0;
	fmt_split(line, ' ', &have);
	for (k = 0; k < want->n; k++) {
		m->pos[k] = fmt_find(&have, want->name[k]);
		if (m->pos[k] < 0) {
			snprintf(err, errlen,
				 "the event stream has no column '%s' (module and tcpteach versions differ?)",
				 want->name[k]);
			return -1;
		}
	}
	m->ncols = have.n;
	return 1;
}

int teach_event_parse(const char *line, const struct event_map *m,
		      struct teach_event *ev, unsigned long long *dropped,
		      char *err, size_t errlen)
{
	const struct fmt_cols *want = fmt_event_cols();
	int ntrace = fmt_trace_cols()->n, ncols = m ? m->ncols : want->n;
	char buf[1024], csv[1024], *f[FMT_MAX_COLS + 1], *local, *remote;
	char *recovery;
	int n, i;
	size_t off = 0;

	if (strncmp(line, "# dropped ", 10) == 0) {
		char num[32];

		snprintf(num, sizeof(num), "%s", line + 10);
		chomp(num);
		if (parse_ull(num, ~0ULL, dropped)) {
			snprintf(err, errlen, "bad '# dropped' line");
			return -1;
		}
		return 1;
	}
	if (strlen(line) >= sizeof(buf)) {
		snprintf(err, errlen, "line too long");
		return -1;
	}
	strcpy(buf, line);
	chomp(buf);
	n = split_spaces(buf, f, FMT_MAX_COLS);
	if (n != ncols) {
		snprintf(err, errlen, "expected %d fields, found %d", ncols,
			 n > FMT_MAX_COLS ? FMT_MAX_COLS + 1 : n);
		return -1;
	}
	/* The trace columns make the CSV row: validate them in one place. */
	for (i = 0; i < ntrace; i++)
		off += (size_t)snprintf(csv + off, sizeof(csv) - off, "%s%s",
					i ? "," : "", f[m ? m->pos[i] : i]);
	if (trace_parse_row(csv, &ev->row, err, errlen))
		return -1;
	local = f[m ? m->pos[ntrace] : ntrace];
	remote = f[m ? m->pos[ntrace + 1] : ntrace + 1];
	if (strlen(local) >= sizeof(ev->local) ||
	    strlen(remote) >= sizeof(ev->remote) || addr_port(local) < 0 ||
	    addr_port(remote) < 0) {
		snprintf(err, errlen, "bad address '%s' or '%s'", local,
			 remote);
		return -1;
	}
	strcpy(ev->local, local);
	strcpy(ev->remote, remote);
	recovery = f[m ? m->pos[ntrace + 2] : ntrace + 2];
	if (strcmp(recovery, "-") && strcmp(recovery, "dupacks") &&
	    strcmp(recovery, "dupthresh") && strcmp(recovery, "rack")) {
		snprintf(err, errlen, "bad recovery '%s'", recovery);
		return -1;
	}
	strcpy(ev->recovery, recovery);
	return 0;
}
