/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The byte stream: a fixed ring of bytes, the buffer on either side of a
 * connection.  The sender keeps what is not yet acknowledged, the
 * receiver what the application has not read yet (plus early bytes past
 * a gap).  Every copy into or out of the ring goes through one routine
 * that handles the wrap-around.
 */
#ifndef TTP_STREAM_H
#define TTP_STREAM_H

#include <stdint.h>

struct ttp_stream {
	uint8_t *buf;
	uint32_t cap;		/* bytes the ring may hold */
	uint32_t size;		/* bytes allocated (cap may shrink) */
	uint32_t head;		/* ring index of the first byte */
	uint32_t len;		/* bytes queued from the first one */
};

/* 0 on success, -1 when out of memory. */
int ttp_stream_init(struct ttp_stream *s, uint32_t cap);
void ttp_stream_destroy(struct ttp_stream *s);

/* Lower the capacity of an empty stream (never raises it). */
void ttp_stream_limit(struct ttp_stream *s, uint32_t cap);

/* Copy @n bytes at @off bytes after the first one, in or out.  The
 * range may lie beyond len (early bytes) but not beyond cap. */
void ttp_stream_put(struct ttp_stream *s, uint32_t off, const void *p,
		    uint32_t n);
void ttp_stream_get(const struct ttp_stream *s, uint32_t off, void *p,
		    uint32_t n);

/* Queue bytes at the end; returns how many fitted. */
uint32_t ttp_stream_append(struct ttp_stream *s, const void *p, uint32_t n);
/* Bytes already put past the end now count as queued. */
void ttp_stream_extend(struct ttp_stream *s, uint32_t n);
/* Drop @n bytes from the front (read or acknowledged). */
void ttp_stream_consume(struct ttp_stream *s, uint32_t n);

/* Ring index of the byte @off after the first one. */
uint32_t ttp_stream_index(const struct ttp_stream *s, uint32_t off);

static inline uint32_t ttp_stream_len(const struct ttp_stream *s)
{
	return s->len;
}

static inline uint32_t ttp_stream_space(const struct ttp_stream *s)
{
	return s->cap - s->len;
}

static inline uint32_t ttp_stream_cap(const struct ttp_stream *s)
{
	return s->cap;
}

#endif
