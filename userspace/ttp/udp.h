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

#include "ttp/io.h"

/* Send @path to host:port; 0 when the receiver acknowledged it all. */
int ttp_udp_send(const char *path, const char *host, uint16_t port,
		 const struct ttp_xfer_opts *o, struct ttp_xfer_result *r);

/* Receive one transfer on @port into @path ("-" = stdout). */
int ttp_udp_recv(uint16_t port, const char *path,
		 const struct ttp_xfer_opts *o, struct ttp_xfer_result *r,
		 void (*ready)(void *ctx, uint16_t port), void *ready_ctx);

#endif
