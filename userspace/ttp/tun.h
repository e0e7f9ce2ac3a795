/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TUN link: the transport becomes a host of its own behind a TUN
 * device (IFF_TUN | IFF_NO_PI: one read or write is one IPv4 packet).
 * The kernel's side of the device has the address o->peer and a route to
 * o->local, ours; segments travel as real IPv4/TCP packets with both
 * checksums, so the peer is the kernel's own TCP: nc, python, iperf3.
 * Root (CAP_NET_ADMIN) is needed to create and configure the device.
 */
#ifndef TTP_TUN_H
#define TTP_TUN_H

#include <stdint.h>

#include "ttp/io.h"

/* Send @path to the kernel's TCP listening on @port at o->peer. */
int ttp_tun_send(const char *path, uint16_t port,
		 const struct ttp_xfer_opts *o, struct ttp_xfer_result *r);

/* Listen on o->local:@port and receive one transfer into @path. */
int ttp_tun_recv(uint16_t port, const char *path,
		 const struct ttp_xfer_opts *o, struct ttp_xfer_result *r,
		 void (*ready)(void *ctx, const char *dev), void *ready_ctx);

#endif
