/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The receiving side of a connection: reassembly of the byte stream
 * ("sort out segments, which arrived twice", keep early ones past a gap),
 * cumulative ACKs, and the advertised receive window with silly window
 * syndrome avoidance.  It knows nothing of connection states: the state
 * machine (conn.c) decides whether data may arrive and reacts to the FIN.
 */
#ifndef TTP_RECEIVER_H
#define TTP_RECEIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ttp/seq.h"
#include "ttp/stream.h"
#include "ttp/stats.h"

struct ttp_receiver {
	struct ttp_stream buf;		/* from the next byte the app reads */
	uint64_t *early;		/* bitmap by ring index: bytes past a gap */
	uint32_t irs;			/* the peer's initial sequence number */
	uint32_t rcv_nxt;		/* the next byte expected */
	uint32_t rcv_adv;		/* right edge last advertised */
	uint32_t mss;			/* ours: the SWS threshold */
	uint8_t wscale;			/* our window scale, 0 = none */
	bool fin_seen;			/* the peer's FIN, maybe out of order */
	uint32_t fin_seq;
	bool fin_rcvd;			/* the FIN reached in order */
	bool ack_pending;		/* one cumulative ACK owed */
	unsigned int ack_now;		/* immediate (duplicate) ACKs owed */
	uint32_t ack_every;		/* in-order segments per ACK */
	uint64_t delack_us;		/* the rest wait at most this long */
	uint32_t segs_unacked;		/* in-order segments not yet ACKed */
	uint64_t delack_deadline;	/* the delayed ACK is due */
	struct ttp_stats *st;
};

/* What a segment meant for the state machine. */
enum ttp_rcv_fin {
	TTP_RCV_NO_FIN,
	TTP_RCV_FIN_IN_ORDER,		/* the peer's FIN is ours now */
	TTP_RCV_FIN_AGAIN,		/* a FIN we had: our ACK was lost */
};

/*
 * @cap bytes of buffer; @mss ours.  0 on success, -1 out of memory.
 * It ACKs every in-order segment (the slides' receiver) until told
 * otherwise.
 */
int ttp_receiver_init(struct ttp_receiver *r, uint32_t cap, uint32_t mss,
		      struct ttp_stats *st);
/* One ACK per @every in-order segments, the rest after @delay_us. */
void ttp_receiver_delay_acks(struct ttp_receiver *r, uint32_t every,
			     uint64_t delay_us);
void ttp_receiver_destroy(struct ttp_receiver *r);

/*
 * The peer's SYN told us its ISN.  @wscale is ours when both sides
 * agreed on window scaling, else -1 (the buffer is then cut to what a
 * 16-bit window can announce).
 */
void ttp_receiver_start(struct ttp_receiver *r, uint32_t irs, int wscale);

/*
 * A segment's sequence space: @len bytes at @seq, then a FIN if @fin.
 * When @data_ok is false (after the peer's FIN) bytes are only ACKed.
 */
enum ttp_rcv_fin ttp_receiver_input(struct ttp_receiver *r, uint32_t seq,
				    const uint8_t *data, uint32_t len,
				    bool fin, bool data_ok, uint64_t now);

/* The delayed ACK's timer: when it is due (TTP_NEVER), and its run. */
uint64_t ttp_receiver_next_timer(const struct ttp_receiver *r);
void ttp_receiver_on_timer(struct ttp_receiver *r, uint64_t now);

/* The window we would advertise now (bytes). */
uint32_t ttp_receiver_window(const struct ttp_receiver *r);
/* The 16-bit window field of an outgoing segment; remembers its edge.
 * A SYN's window is never scaled. */
uint16_t ttp_receiver_advertise(struct ttp_receiver *r, bool syn);

/* The application's side. */
uint32_t ttp_receiver_readable(const struct ttp_receiver *r);
size_t ttp_receiver_read(struct ttp_receiver *r, void *p, size_t n);
bool ttp_receiver_eof(const struct ttp_receiver *r);

/* ACKs owed to the peer. */
bool ttp_receiver_ack_owed(const struct ttp_receiver *r);
void ttp_receiver_owe_ack(struct ttp_receiver *r);	/* at once */
void ttp_receiver_ack_sent(struct ttp_receiver *r);

/* Is @seq inside the window (to believe a RST)? */
bool ttp_receiver_in_window(const struct ttp_receiver *r, uint32_t seq);

/* Do the sequence numbers and the buffer agree (for the fuzzer)? */
bool ttp_receiver_consistent(const struct ttp_receiver *r);

static inline uint32_t ttp_receiver_ack(const struct ttp_receiver *r)
{
	return r->rcv_nxt;
}

/* Our window scale (0: none agreed). */
static inline uint8_t ttp_receiver_wscale(const struct ttp_receiver *r)
{
	return r->wscale;
}

static inline uint32_t ttp_receiver_irs(const struct ttp_receiver *r)
{
	return r->irs;
}

static inline uint32_t ttp_receiver_cap(const struct ttp_receiver *r)
{
	return ttp_stream_cap(&r->buf);
}

static inline bool ttp_receiver_fin_rcvd(const struct ttp_receiver *r)
{
	return r->fin_rcvd;
}

#endif
