/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The UDP link: the connection's segments carried in UDP datagrams
 * between two processes (unprivileged; loopback or any host), with the
 * slides' socket calls (socket, bind, sendto/recvfrom) batched through
 * sendmmsg/recvmmsg so that a segment costs little more than a copy.
 */
#ifndef TTP_UDP_H
#define TTP_UDP_H

#include <stdint.h>

#include "ttp/conn.h"
#include "ttp/pcap.h"

struct ttp_udp_opts {
	enum teach_algo algo;
	enum ttp_mode mode;
	uint32_t mss;
	uint32_t sndbuf, rcvbuf;
	int wscale;
	uint32_t max_retries;
	uint32_t ack_every;		/* receiver: segments per ACK */
	uint64_t rto_max_us;
	uint64_t idle_timeout_us;	/* receiver: sender silent this long */
	uint64_t connect_timeout_us;	/* receiver: nobody came */
	FILE *trace;			/* CSV rows, may be NULL */
	struct ttp_pcap *pcap;		/* may be NULL */
	int quiet;
};

void ttp_udp_opts_default(struct ttp_udp_opts *o);

struct ttp_xfer_result {
	uint64_t bytes;			/* file bytes sent / written */
	uint64_t duration_us;
	struct ttp_stats st;
	char err[200];
};

/* Send @path to host:port; 0 when the receiver acknowledged it all. */
int ttp_udp_send(const char *path, const char *host, uint16_t port,
		 const struct ttp_udp_opts *o, struct ttp_xfer_result *r);

/* Receive one transfer on @port into @path ("-" = stdout). */
int ttp_udp_recv(uint16_t port, const char *path,
		 const struct ttp_udp_opts *o, struct ttp_xfer_result *r,
		 void (*ready)(void *ctx, uint16_t port), void *ready_ctx);

#endif
