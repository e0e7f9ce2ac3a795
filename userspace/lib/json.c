// SPDX-License-Identifier: GPL-2.0
#include "lib/json.h"

#include <math.h>
#include <string.h>

#include "lib/num.h"
#include "teach_format.h"

void json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* Before any value: the comma (in an array) unless a key was just put. */
static void value_prefix(struct json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->count[j->depth]++)
		fputs(", ", j->f);
}

static void begin(struct json *j, char c)
{
	value_prefix(j);
	fputc(c, j->f);
	if (j->depth < JSON_MAX_DEPTH - 1) {
		j->count[++j->depth] = 0;
		j->close[j->depth] = c == '{' ? '}' : ']';
	}
}

static void end(struct json *j)
{
	if (!j->depth)
		return;
	fputc(j->close[j->depth--], j->f);
}

void json_object_begin(struct json *j)
{
	begin(j, '{');
}

void json_object_end(struct json *j)
{
	end(j);
}

void json_array_begin(struct json *j)
{
	begin(j, '[');
}

void json_array_end(struct json *j)
{
	end(j);
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void json_key(struct json *j, const char *key)
{
	value_prefix(j);
	put_string(j->f, key);
	fputs(": ", j->f);
	j->after_key = 1;
}

void json_str(struct json *j, const char *s)
{
	value_prefix(j);
	put_string(j->f, s);
}

void json_uint(struct json *j, unsigned long long v)
{
	value_prefix(j);
	fprintf(j->f, "%llu", v);
}

void json_bool(struct json *j, int v)
{
	value_prefix(j);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
	value_prefix(j);
	fputs("null", j->f);
}

void json_double(struct json *j, double v)
{
	value_prefix(j);
	if (isfinite(v))
		fprintf(j->f, "%.10g", v);
	else
		fputs("null", j->f);
}

void json_text(struct json *j, const char *s)
{
	unsigned long long v;

	if (parse_ull(s, ~0ULL, &v) == 0)
		json_uint(j, v);
	else if (strcmp(s, TEACH_FMT_INF) == 0)
		json_null(j);
	else
		json_str(j, s);
}

void json_end(struct json *j)
{
	while (j->depth)
		end(j);
	fputc('\n', j->f);
}
