/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated link and a whole-transfer driver.  Everything is seeded
 * and deterministic: the same configuration gives the same segments,
 * the same losses and the same trace, run after run.
 *
 * A link direction has a propagation delay, a bottleneck rate with a
 * drop-tail queue, random loss, duplication, reordering and bit
 * corruption, and scripted drops ("drop the 7th data segment").
 */
#ifndef TTP_SIM_H
#define TTP_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "ttp/conn.h"
#include "ttp/listener.h"
#include "ttp/pcap.h"
#include "ttp/rng.h"

#define TTP_SIM_MAX_DROPS 64

struct ttp_link_cfg {
	uint64_t delay_us;		/* one way */
	uint64_t rate_bps;		/* 0 = no bottleneck */
	uint32_t queue_limit;		/* packets waiting; 0 = 1000 */
	double loss, dup, reorder, corrupt;	/* probabilities 0..1 */
	uint64_t reorder_us;		/* extra delay of a reordered one */
	/* data segments (1 = the first one sent) to drop */
	uint32_t drops[TTP_SIM_MAX_DROPS];
	unsigned int ndrops;
};

struct ttp_link_stats {
	uint64_t sent, delivered, lost, queue_drops, scripted_drops;
	uint64_t duplicated, reordered, corrupted, data_segs;
};

struct ttp_pkt;

struct ttp_link {
	struct ttp_link_cfg cfg;
	struct ttp_rng rng;
	struct ttp_pkt *pool, *free_list, *queue; /* queue by arrival time */
	size_t maxlen;
	uint64_t busy_until;		/* bottleneck transmitter */
	uint64_t order;
	struct ttp_link_stats st;
};

int ttp_link_init(struct ttp_link *l, const struct ttp_link_cfg *cfg,
		  uint64_t seed, size_t maxlen, size_t npkts);
void ttp_link_destroy(struct ttp_link *l);
/* Put a segment on the link at @now (it may be lost, late, changed). */
void ttp_link_send(struct ttp_link *l, uint64_t now, const uint8_t *buf,
		   size_t len);
/* Arrival time of the next segment, TTP_NEVER if none. */
uint64_t ttp_link_next(const struct ttp_link *l);
/* Take a segment that has arrived by @now; 0 if none. */
size_t ttp_link_recv(struct ttp_link *l, uint64_t now, uint8_t *buf,
		     size_t cap);

struct ttp_sim_cfg {
	struct ttp_conn_cfg client;	/* the sender */
	struct ttp_conn_cfg server;	/* the receiver (template) */
	struct ttp_link_cfg fwd, rev;	/* client->server, server->client */
	uint64_t seed;
	const uint8_t *data;		/* what the client sends */
	size_t size;
	/* the receiving application reads this fast; 0 = at once */
	uint64_t read_bps;
	uint64_t read_pause_until_us;	/* ... and not before this time */
	uint32_t backlog;		/* half-open table */
	uint64_t syn_flood;		/* spoofed SYNs to inject */
	uint64_t flood_interval_us;
	uint64_t max_time_us;		/* give up (simulated time) */
	/* delivered bytes, in order, for integrity checks; may be NULL */
	void (*on_data)(void *ctx, const uint8_t *p, size_t n);
	void *data_ctx;
	struct ttp_pcap *pcap;		/* may be NULL */
};

/* Slide-style defaults: 100 ms RTT, no loss, Reno, go-back-N. */
void ttp_sim_cfg_default(struct ttp_sim_cfg *cfg);

struct ttp_sim_result {
	int ok;				/* all data delivered, both closed */
	char err[160];
	uint64_t delivered;
	uint64_t duration_us;		/* SYN to the last byte read */
	struct ttp_stats client, server;
	struct ttp_listener_stats listener;
	struct ttp_link_stats fwd, rev;
	uint64_t connections;		/* accepted by the listener */
};

int ttp_sim_run(const struct ttp_sim_cfg *cfg, struct ttp_sim_result *res);

#endif
