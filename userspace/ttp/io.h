/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A link under the teaching transport: what carries its segments between
 * two hosts.  The UDP link (udp.h) puts each segment in a datagram; the
 * TUN link (tun.h) puts it in a real IPv4 packet for the kernel's own
 * TCP.  Both run the same loops here: keep the connection fed with the
 * file (send) or write out what arrived (recv), pass packets in and out
 * in batches, run the timers, write the trace and the pcap.
 */
#ifndef TTP_IO_H
#define TTP_IO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ttp/conn.h"
#include "ttp/ipv4.h"
#include "ttp/listener.h"
#include "ttp/pcap.h"

#define TTP_IO_BATCH 64

struct ttp_xfer_opts {
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
	/* TUN link only (tun.h) */
	const char *tun_name;		/* device; "" = the kernel picks */
	uint32_t local, peer;		/* IPv4, host order */
	uint32_t mtu;
};

void ttp_xfer_opts_default(struct ttp_xfer_opts *o);

/* What the link itself refused or answered (the TUN link's packets). */
struct ttp_io_stats {
	uint64_t packets_in, packets_out;
	uint64_t ip_bad[TTP_IPV4_NR_ERRS];	/* refused IPv4, by reason */
	uint64_t not_ours;			/* to another address */
	uint64_t rst_strays;			/* RST to unknown ports */
	uint64_t send_errors;
};

struct ttp_xfer_result {
	uint64_t bytes;			/* file bytes sent / written */
	uint64_t duration_us;
	struct ttp_stats st;
	struct ttp_io_stats link;
	bool listened;			/* recv: lis is filled in */
	struct ttp_listener_stats lis;
	char err[200];
};

/* One packet that arrived: its segment and the addresses around it. */
struct ttp_pkt {
	const uint8_t *seg;
	size_t len;
	uint32_t saddr, daddr;
};

struct ttp_io;

/* What a link does with its file descriptor. */
struct ttp_io_ops {
	/* Send out[0..nout) (their lengths in out_len). */
	void (*flush)(struct ttp_io *l);
	/* Fill in[] with up to TTP_IO_BATCH packets, without waiting:
	 * the count, 0 if none, -1 on a hard error (errno set). */
	int (*recv)(struct ttp_io *l);
};

struct ttp_io {
	const struct ttp_io_ops *ops;
	int fd;
	uint32_t laddr, raddr;		/* host order */
	size_t head;			/* bytes in front of a segment */
	size_t cap;			/* segment bytes a buffer holds */
	/*
	 * The link carries whole IPv4 packets and we are a host on it: we
	 * reach any address, and answer segments for no one with RST.
	 */
	bool ip_host;
	struct ttp_pcap *pcap;
	uint8_t *out[TTP_IO_BATCH], *in[TTP_IO_BATCH];
	size_t out_len[TTP_IO_BATCH];
	struct ttp_pkt pkt[TTP_IO_BATCH];
	unsigned int nout;
	uint64_t t0;
	struct ttp_io_stats st;
	void *priv;			/* the link's own state */
};

int ttp_io_init(struct ttp_io *l, const struct ttp_io_ops *ops,
		  size_t head, size_t cap);
void ttp_io_free(struct ttp_io *l);

/*
 * Queue one segment (already at out[nout] + head, @len bytes) from
 * @saddr to @daddr; a link with IPv4 around its segments (head != 0)
 * writes that header here.  Flushes a full batch.
 */
void ttp_io_queue(struct ttp_io *l, size_t len, uint32_t saddr,
		    uint32_t daddr, uint64_t now);
void ttp_io_flush(struct ttp_io *l);

/*
 * Unwrap an IPv4 packet that arrived into pkt[i]: refused ones are
 * counted by reason and give false.
 */
bool ttp_io_unwrap(struct ttp_io *l, unsigned int i,
		     const uint8_t *buf, size_t len);

/* The RST (if any) that answers @in, a segment for no connection. */
bool ttp_io_answer_stray(struct ttp_io *l, const struct ttp_seg *in,
			   uint32_t saddr, uint32_t daddr, uint64_t now);

/* The receiver's output file ("-" = stdout); NULL with r->err set. */
FILE *ttp_io_open_out(const char *path, struct ttp_xfer_result *r);
/* Close it (NULL is fine); returns @rc, or -1 when closing failed. */
int ttp_io_close_out(FILE *out, const char *path, int rc,
		     struct ttp_xfer_result *r);

uint64_t ttp_io_now_us(void);
uint64_t ttp_io_rand64(void);

/*
 * The loops.  The link is set up (fd, addresses, ops); the sender's
 * @rport is the receiver's port; the receiver starts with @pending
 * packets already in pkt[] (the UDP link reads one to learn its peer).
 */
int ttp_io_send(struct ttp_io *l, const char *path, uint16_t lport,
		  uint16_t rport, const struct ttp_xfer_opts *o,
		  struct ttp_xfer_result *r, const char *peer_name);
int ttp_io_recv(struct ttp_io *l, uint16_t port, FILE *out,
		  const char *path, int pending,
		  const struct ttp_xfer_opts *o, struct ttp_xfer_result *r);

#endif
