// SPDX-License-Identifier: GPL-2.0
/* The byte stream ring (see stream.h). */
#include "ttp/stream.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int ttp_stream_init(struct ttp_stream *s, uint32_t cap)
{
	memset(s, 0, sizeof(*s));
	if (cap < 1)
		cap = 1;
	s->buf = malloc(cap);
	if (!s->buf)
		return -1;
	s->cap = s->size = cap;
	return 0;
}

void ttp_stream_destroy(struct ttp_stream *s)
{
	free(s->buf);
	s->buf = NULL;
	s->cap = s->size = s->len = s->head = 0;
}

void ttp_stream_limit(struct ttp_stream *s, uint32_t cap)
{
	if (!s->len && cap >= 1 && cap < s->cap) {
		s->cap = cap;
		s->head = 0;
	}
}

uint32_t ttp_stream_index(const struct ttp_stream *s, uint32_t off)
{
	return (uint32_t)(((uint64_t)s->head + off) % s->cap);
}

/* The one copy routine: at most two pieces, before and after the wrap. */
static void copy(const struct ttp_stream *s, uint32_t off, uint8_t *p,
		 uint32_t n, bool into_ring)
{
	uint32_t i = ttp_stream_index(s, off);
	uint32_t first = n < s->cap - i ? n : s->cap - i;

	if (!n)
		return;
	if (into_ring) {
		memcpy(s->buf + i, p, first);
		memcpy(s->buf, p + first, n - first);
	} else {
		memcpy(p, s->buf + i, first);
		memcpy(p + first, s->buf, n - first);
	}
}

void ttp_stream_put(struct ttp_stream *s, uint32_t off, const void *p,
		    uint32_t n)
{
	copy(s, off, (uint8_t *)p, n, true);
}

void ttp_stream_get(const struct ttp_stream *s, uint32_t off, void *p,
		    uint32_t n)
{
	copy(s, off, p, n, false);
}

uint32_t ttp_stream_append(struct ttp_stream *s, const void *p, uint32_t n)
{
	if (n > ttp_stream_space(s))
		n = ttp_stream_space(s);
	ttp_stream_put(s, s->len, p, n);
	s->len += n;
	return n;
}

void ttp_stream_extend(struct ttp_stream *s, uint32_t n)
{
	s->len += n;
}

void ttp_stream_consume(struct ttp_stream *s, uint32_t n)
{
	if (n > s->len)
		n = s->len;
	s->head = ttp_stream_index(s, n);
	s->len -= n;
}
