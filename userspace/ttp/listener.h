/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The passive side of the handshake, hardened against the slides' SYN
 * flood: "the table, which stores the TCP connections ... is completely
 * filled".  Half-open connections live in a fixed table; when it is full,
 * SYN cookies take over: the SYN-ACK's sequence number encodes what we
 * would have stored, so a legitimate client's ACK still opens the
 * connection and a spoofed SYN costs no memory at all.
 */
#ifndef TTP_LISTENER_H
#define TTP_LISTENER_H

#include <stddef.h>
#include <stdint.h>

#include "ttp/conn.h"

struct ttp_listener_cfg {
	uint32_t laddr;
	uint16_t lport;
	uint32_t backlog;		/* half-open table entries */
	uint64_t synack_timeout_us;	/* a half-open entry expires */
	uint32_t mss;			/* our MSS option */
	int wscale;			/* offered to clients that ask; -1 no */
	uint32_t rcvbuf;		/* window in the SYN-ACK */
	uint64_t secret;		/* SYN cookie key */
	uint32_t (*isn)(void *ctx);	/* initial sequence numbers */
	void *isn_ctx;
};

struct ttp_listener_stats {
	uint64_t syns;			/* SYNs received */
	uint64_t synacks;		/* SYN-ACKs sent from the table */
	uint64_t cookies_sent;		/* SYN-ACKs sent as cookies */
	uint64_t cookies_ok;		/* ACKs that proved a cookie */
	uint64_t cookies_bad;
	uint64_t accepted;		/* connections handed out */
	uint64_t expired;		/* half-open entries timed out */
	uint64_t bad_segs;		/* failed to decode */
	uint64_t replies_dropped;	/* reply queue full */
	uint32_t half_open;		/* entries in use now */
	uint32_t half_open_max;		/* never above backlog */
};

struct ttp_listener;

struct ttp_listener *ttp_listener_new(const struct ttp_listener_cfg *cfg);
void ttp_listener_free(struct ttp_listener *l);

/*
 * A segment for the listening port from @saddr.  Returns 1 when it
 * completes a handshake: @si describes the new connection, which the
 * caller opens with ttp_conn_accept_established() and then feeds the
 * same segment (it may carry data).
 */
int ttp_listener_input(struct ttp_listener *l, uint32_t saddr,
		       const uint8_t *buf, size_t len, uint64_t now,
		       struct ttp_syn_info *si);

/* The next reply (SYN-ACK or RST) and its destination; 0 if none. */
size_t ttp_listener_output(struct ttp_listener *l, uint32_t *daddr,
			   uint8_t *buf, size_t cap);

const struct ttp_listener_stats *ttp_listener_stats(
	const struct ttp_listener *l);

/* Exposed for tests: the cookie an ISN would be for this SYN. */
uint32_t ttp_syn_cookie(const struct ttp_listener *l,
			const struct ttp_syn_info *si, uint16_t lport,
			uint64_t now);

#endif
