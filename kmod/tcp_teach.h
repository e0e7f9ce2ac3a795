/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcp_teach.ko internals shared by its files: the per-socket private
 * state, the per-netns state and the event stream.
 */
#ifndef TCP_TEACH_H
#define TCP_TEACH_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/rcupdate.h>
#include <net/tcp.h>
#include "tcp_teach_compat.h"
#include "teach_cc.h"
#include "teach_format.h"

/* Per-socket state, kept in icsk_ca_priv. */
struct teach_sk {
	struct teach_cc cc;	/* the textbook window (shared core) */
	u64 cookie;		/* socket cookie, as ss -e shows it */
	u32 prev_una;		/* snd_una at the previous ACK */
	u32 prev_wnd;		/* snd_wnd at the previous ACK */
	u32 prev_sacked;	/* sacked_out at the previous ACK */
	u32 round_delivered;	/* a round ends when data sent at this
				 * tp->delivered count is acknowledged
				 */
	u8 started;		/* init ran, release has work to do */
	u8 dupack_seen;		/* this ACK's dupack is already counted */
	u8 recovery;		/* enum teach_recovery of the last one */
};

/* Why the kernel began the last fast retransmit (/proc's "recovery"). */
enum teach_recovery {
	TEACH_RECOVERY_NONE,
	TEACH_RECOVERY_DUPACKS,		/* three duplicate ACKs in a row */
	TEACH_RECOVERY_DUPTHRESH,	/* fewer ACKs, >= reordering segments
					 * SACKed (or dupacks merged)
					 */
	TEACH_RECOVERY_RACK,		/* RACK: a later segment arrived and
					 * the missing one is older than
					 * RTT + reordering window
					 */
};

/* One window event, as /proc/net/tcp_teach_events prints it. */
struct teach_event {
	u64 time_ns;		/* ktime_get_ns(), taken under the ring lock */
	u64 cookie;
	kuid_t uid;		/* the socket's owner: who may read it */
	u32 cwnd;
	u32 ssthresh;
	u32 snd_cwnd;
	u32 inflight;
	u32 rwnd;		/* bytes */
	u32 mss;
	u32 srtt_us;
	u32 prior_cwnd;		/* the window before the last cut */
	__be16 sport;
	__be16 dport;
	u8 family;
	u8 algo;		/* enum teach_algo */
	u8 reason;		/* enum teach_reason */
	u8 phase;		/* enum teach_phase */
	u8 recovery;		/* enum teach_recovery, fast_retransmit only */
	union {
		__be32 v4;
		struct in6_addr v6;
	} saddr, daddr;
};

/* One CPU's ring: written only by that CPU, under its own lock. */
struct teach_ring {
	spinlock_t lock;	/* this CPU's writer vs. readers */
	u64 head;		/* events ever written; slot = head & mask */
	u64 recorded;
	struct teach_event *ev;
};

/* The rings of one netns; exist while at least one reader is open. */
struct teach_rings {
	u32 mask;		/* entries per CPU - 1 (a power of two) */
	struct teach_ring __percpu *cpu;
};

struct teach_net {
	struct net *net;
	struct mutex lock;	/* readers, rings allocation, dead */
	unsigned int readers;
	bool dead;		/* netns exiting or module unloading */
	struct teach_rings __rcu *rings;
	wait_queue_head_t wq;
	atomic_t sockets;	/* teach_* sockets whose cc started */
	u64 recorded_before;	/* events of rings already freed */
	atomic64_t dropped;	/* events readers lost */
};

extern unsigned int teach_net_id;
extern struct tcp_congestion_ops teach_reno;
extern struct tcp_congestion_ops teach_tahoe;

/* Module parameters (tcp_teach_main.c). */
unsigned int teach_events_size(void);
unsigned int teach_events_port(void);

const char *teach_ca_name(unsigned int algo);
const char *teach_ca_state_name(u8 ca_state);
const char *teach_recovery_name(u8 recovery);

/* tcp_teach_events.c */
void teach_event_record(struct sock *sk, const struct teach_sk *ca,
			enum teach_reason reason);
int teach_events_net_init(struct net *net, struct teach_net *tn);
void teach_events_net_exit(struct net *net, struct teach_net *tn);

/* tcp_teach_proc.c */
int teach_proc_net_init(struct net *net);
void teach_proc_net_exit(struct net *net);

#endif /* TCP_TEACH_H */
