// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_teach: textbook TCP Tahoe and TCP Reno for the real kernel stack.
 *
 * Two congestion controls, "teach_reno" and "teach_tahoe", drive the
 * shared textbook core (teach_cc.c) from tcp_congestion_ops callbacks:
 *
 *  - .cong_control owns the window completely.  Linux would otherwise run
 *    PRR while in recovery and only call .cong_avoid outside it; the
 *    slides' rules (Tahoe: cwnd = 1 after a fast retransmit, Reno:
 *    cwnd = ssthresh) need the whole window.
 *  - The kernel decides when a segment is lost (dupacks, SACK, RACK, RTO)
 *    and tells us through .set_state: Recovery = fast retransmit, Loss =
 *    timeout, CWR = a cut without loss.  The glue counts dupacks but never
 *    lets the core fast-retransmit on its own, so one loss is one event.
 *  - Round trips, for slow start's "double once per round", are counted
 *    the way tcp_bbr.c counts them: a round ends when an ACK acknowledges
 *    data sent after it began (the delivered count stamped on each skb).
 *    A cut begins a round of its own.
 *  - The textbook window (cwnd) is what /proc and the events report.  The
 *    kernel's snd_cwnd equals it, except in Recovery/Loss while a
 *    retransmission is waiting: then snd_cwnd = in_flight + 1 so the
 *    retransmission leaves at once instead of after an RTO (Linux counts
 *    segments still in flight against snd_cwnd; Tahoe's cwnd = 1 would
 *    block it).  Both values are reported.
 *
 * Both algorithms are TCP_CONG_NON_RESTRICTED, like reno: any socket and
 * any network namespace may select them without raising privileges or
 * editing net.ipv4.tcp_allowed_congestion_control.  A restricted
 * algorithm cannot be a child netns' default (EPERM), and on 6.1 every
 * such refused attempt leaks a module reference, making rmmod impossible.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/sock_diag.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/tcp.h>
#include "tcp_teach.h"

/* ---- module parameters ------------------------------------------------ */

static unsigned int initial_cwnd = TEACH_DEFAULT_INITIAL_CWND;
static unsigned int initial_ssthresh = TEACH_DEFAULT_SSTHRESH_BYTES;
static unsigned int events_size = 4096;
static unsigned int events_port;

/* Parse an unsigned decimal; any malformed or out-of-range text is EINVAL. */
static int teach_param_uint(const char *val, unsigned int *out)
{
	return kstrtouint(val, 10, out) ? -EINVAL : 0;
}

static int initial_cwnd_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (teach_param_uint(val, &v) || v < 1 || v > 1000)
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static int initial_ssthresh_set(const char *val,
				const struct kernel_param *kp)
{
	unsigned int v;

	if (teach_param_uint(val, &v))
		return -EINVAL;
	if (v != 0 && (v < 2 || v > 1073741824))
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static int events_size_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (teach_param_uint(val, &v) || v < 64 || v > 65536 ||
	    !is_power_of_2(v))
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static int events_port_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (teach_param_uint(val, &v) || v > 65535)
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static const struct kernel_param_ops initial_cwnd_ops = {
	.set = initial_cwnd_set,
	.get = param_get_uint,
};

static const struct kernel_param_ops initial_ssthresh_ops = {
	.set = initial_ssthresh_set,
	.get = param_get_uint,
};

static const struct kernel_param_ops events_size_ops = {
	.set = events_size_set,
	.get = param_get_uint,
};

static const struct kernel_param_ops events_port_ops = {
	.set = events_port_set,
	.get = param_get_uint,
};

module_param_cb(initial_cwnd, &initial_cwnd_ops, &initial_cwnd, 0644);
MODULE_PARM_DESC(initial_cwnd,
		 "cwnd of a new connection, segments (1..1000, default 1)");
module_param_cb(initial_ssthresh, &initial_ssthresh_ops, &initial_ssthresh,
		0644);
MODULE_PARM_DESC(initial_ssthresh,
		 "ssthresh of a new connection, bytes (0 = unlimited, else 2..1073741824, default 65536)");
module_param_cb(events_size, &events_size_ops, &events_size, 0644);
MODULE_PARM_DESC(events_size,
		 "event ring entries per CPU per netns (power of two, 64..65536, default 4096)");
module_param_cb(events_port, &events_port_ops, &events_port, 0644);
MODULE_PARM_DESC(events_port,
		 "record events only for this local or remote port (0 = all, default 0)");

unsigned int teach_events_size(void)
{
	return READ_ONCE(events_size);
}

unsigned int teach_events_port(void)
{
	return READ_ONCE(events_port);
}

/* ---- names -------------------------------------------------------------- */

const char *teach_ca_name(unsigned int algo)
{
	return algo == TEACH_TAHOE ? "teach_tahoe" : "teach_reno";
}

const char *teach_ca_state_name(u8 ca_state)
{
	switch (ca_state) {
	case TCP_CA_Open:
		return "open";
	case TCP_CA_Disorder:
		return "disorder";
	case TCP_CA_CWR:
		return "cwr";
	case TCP_CA_Recovery:
		return "recovery";
	case TCP_CA_Loss:
		return "loss";
	}
	return "?";
}

const char *teach_recovery_name(u8 recovery)
{
	switch (recovery) {
	case TEACH_RECOVERY_DUPACKS:
		return "dupacks";
	case TEACH_RECOVERY_DUPTHRESH:
		return "dupthresh";
	case TEACH_RECOVERY_RACK:
		return "rack";
	}
	return "-";
}

/* ---- the window the kernel uses ---------------------------------------- */

static struct teach_sk *teach_sk(const struct sock *sk)
{
	return inet_csk_ca(sk);
}

/*
 * snd_cwnd = the textbook cwnd, except that a retransmission that is due
 * must not wait: Linux only sends while in_flight < snd_cwnd, and after a
 * cut the segments still in flight can exceed the new cwnd.
 */
static void teach_set_snd_cwnd(struct sock *sk, struct teach_sk *ca, u8 state)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 cwnd = ca->cc.cwnd;

	if ((state == TCP_CA_Recovery || state == TCP_CA_Loss) &&
	    tp->lost_out > tp->retrans_out)
		cwnd = max(cwnd, tcp_packets_in_flight(tp) + 1);
	cwnd = clamp(cwnd, 1U, max(tp->snd_cwnd_clamp, 1U));
	tcp_snd_cwnd_set(tp, cwnd);
	tp->snd_ssthresh = ca->cc.ssthresh;
}

/*
 * tcp_input.c's pacing update is skipped when .cong_control is set, so
 * do it here: rate = mss * snd_cwnd / srtt, times 200% in slow start and
 * 120% otherwise (sysctl tcp_pacing_ss_ratio / tcp_pacing_ca_ratio).
 * Only sch_fq or internal pacing enforce it; TSQ and TSO sizing read it.
 */
static void teach_update_pacing_rate(struct sock *sk, struct teach_sk *ca)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	const struct net *net = sock_net(sk);
	u32 ratio;
	u64 rate;

	if (!tp->srtt_us)
		return;
	if (ca->cc.phase == TEACH_SLOW_START)
		ratio = READ_ONCE(net->ipv4.sysctl_tcp_pacing_ss_ratio);
	else
		ratio = READ_ONCE(net->ipv4.sysctl_tcp_pacing_ca_ratio);

	/* srtt_us holds 8 * srtt in microseconds. */
	rate = (u64)tp->mss_cache * ((USEC_PER_SEC / 100) << 3);
	rate *= ratio;
	rate *= max(tcp_snd_cwnd(tp), tp->packets_out);
	rate = div_u64(rate, tp->srtt_us);
	WRITE_ONCE(sk->sk_pacing_rate, min_t(u64, rate, sk->sk_max_pacing_rate));
}

static void teach_event(struct sock *sk, struct teach_sk *ca,
			enum teach_reason reason)
{
	if (reason != TEACH_EV_NONE)
		teach_event_record(sk, ca, reason);
}

/*
 * Count the duplicate ACKs this ACK stands for: one per segment it newly
 * reports as received beyond the hole (sacked_out grows by one per
 * dupack, with SACK and without), at least one.  ACKs that queue up while
 * the socket is busy are merged into one by tcp_add_backlog(); this keeps
 * each of them counted.
 */
static u32 teach_count_dupacks(struct sock *sk, struct teach_sk *ca)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 i, n = 1;

	if (tp->sacked_out > ca->prev_sacked)
		n = tp->sacked_out - ca->prev_sacked;
	ca->prev_sacked = tp->sacked_out;
	ca->dupack_seen = 1;
	for (i = 0; i < n; i++)
		teach_cc_count_dupack(&ca->cc);
	return n;
}

/* One event per duplicate ACK, as the receiver sent them. */
static void teach_dupack_events(struct sock *sk, struct teach_sk *ca, u32 n)
{
	while (n--)
		teach_event(sk, ca, TEACH_EV_DUPACK);
}

/* ---- tcp_congestion_ops callbacks --------------------------------------- */

static void teach_init(struct sock *sk, enum teach_algo algo)
{
	struct teach_net *tn = net_generic(sock_net(sk), teach_net_id);
	struct tcp_sock *tp = tcp_sk(sk);
	struct teach_sk *ca = teach_sk(sk);
	unsigned int mss = tp->mss_cache ? tp->mss_cache : TCP_MSS_DEFAULT;
	enum teach_reason r;
	u32 cookie[2];

	BUILD_BUG_ON(sizeof(struct teach_sk) > ICSK_CA_PRIV_SIZE);

	if (!ca->started)
		atomic_inc(&tn->sockets);
	r = teach_cc_init(&ca->cc, algo, READ_ONCE(initial_cwnd),
			  READ_ONCE(initial_ssthresh), mss);
	sock_diag_save_cookie(sk, cookie);
	ca->cookie = (u64)cookie[1] << 32 | cookie[0];
	ca->prev_una = tp->snd_una;
	ca->prev_wnd = tp->snd_wnd;
	ca->prev_sacked = tp->sacked_out;
	ca->round_delivered = tp->delivered;
	ca->started = 1;
	ca->dupack_seen = 0;
	ca->recovery = TEACH_RECOVERY_NONE;
	teach_set_snd_cwnd(sk, ca, inet_csk(sk)->icsk_ca_state);
	tp->snd_cwnd_cnt = 0;
	/*
	 * A connecting socket is set up after the SYN-ACK's ACK ran, and
	 * reno had its pacing rate set there: without one the first flight
	 * goes out in larger TSO bursts and draws other ACKs than reno's.
	 */
	teach_update_pacing_rate(sk, ca);
	teach_event(sk, ca, r);
}

static void teach_reno_init(struct sock *sk)
{
	teach_init(sk, TEACH_RENO);
}

static void teach_tahoe_init(struct sock *sk)
{
	teach_init(sk, TEACH_TAHOE);
}

static void teach_release(struct sock *sk)
{
	struct teach_sk *ca = teach_sk(sk);
	struct teach_net *tn;

	if (!ca->started)
		return;
	teach_event(sk, ca, TEACH_EV_CLOSE);
	ca->started = 0;
	tn = net_generic(sock_net(sk), teach_net_id);
	atomic_dec(&tn->sockets);
}

/* Pure: the kernel calls it right before Recovery, CWR or Loss. */
static u32 teach_ssthresh(struct sock *sk)
{
	struct teach_sk *ca = teach_sk(sk);

	if (!ca->started)
		return tcp_sk(sk)->snd_ssthresh;
	return teach_cc_loss_ssthresh(&ca->cc);
}

/*
 * Why the kernel enters Recovery now.  The slides' rule is three duplicate
 * ACKs, and without SACK that is Linux's rule too (it counts dupacks in
 * sacked_out).  With SACK, RACK decides (net.ipv4.tcp_recovery): a
 * segment is lost once one sent after it was delivered and it is older
 * than RTT + a reordering window, a window that is zero once reordering
 * (3) segments are SACKed.  So recovery may begin before the third
 * dupack, on an ACK that also advances snd_una, or from RACK's timer
 * with no ACK at all.
 */
static u8 teach_recovery_cause(const struct sock *sk,
			       const struct teach_sk *ca)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	if (ca->cc.dupack_run >= TEACH_DUPACK_THRESHOLD)
		return TEACH_RECOVERY_DUPACKS;
	if (!tcp_is_sack(tp) || tp->sacked_out >= tp->reordering)
		return TEACH_RECOVERY_DUPTHRESH;
	return TEACH_RECOVERY_RACK;
}

/* Called before icsk_ca_state changes: it still holds the old state. */
static void teach_set_state(struct sock *sk, u8 new_state)
{
	struct teach_sk *ca = teach_sk(sk);
	u8 old_state = inet_csk(sk)->icsk_ca_state;
	enum teach_reason r = TEACH_EV_NONE;

	if (!ca->started ||
	    (new_state == old_state && new_state != TCP_CA_Loss))
		return;

	switch (new_state) {
	case TCP_CA_Recovery:
		/* The ACK that triggers it is the third dupack: count it first. */
		if (tcp_sk(sk)->snd_una == ca->prev_una && !ca->dupack_seen)
			teach_dupack_events(sk, ca,
					    teach_count_dupacks(sk, ca));
		ca->recovery = teach_recovery_cause(sk, ca);
		r = teach_cc_fast_retransmit(&ca->cc);
		break;
	case TCP_CA_Loss:
		/* Every RTO, backed-off ones included, is a timeout. */
		r = teach_cc_on_timeout(&ca->cc);
		break;
	case TCP_CA_CWR:
		r = teach_cc_on_cwr(&ca->cc);
		break;
	case TCP_CA_Open:
	case TCP_CA_Disorder:
		if (old_state == TCP_CA_Recovery || old_state == TCP_CA_Loss)
			r = teach_cc_recovery_exit(&ca->cc);
		break;
	}
	if (r == TEACH_EV_NONE)
		return;
	/*
	 * A cut begins a round: only data sent after it, which the next
	 * delivery stamps with a higher count, can end that round.
	 */
	if (new_state != TCP_CA_Open && new_state != TCP_CA_Disorder)
		ca->round_delivered = tcp_sk(sk)->delivered + 1;
	/* Show the window this state gets; cong_control refines it. */
	teach_set_snd_cwnd(sk, ca, new_state);
	teach_event(sk, ca, r);
}

static u32 teach_undo_cwnd(struct sock *sk)
{
	struct teach_sk *ca = teach_sk(sk);
	enum teach_reason r;

	if (!ca->started)
		return tcp_snd_cwnd(tcp_sk(sk));
	r = teach_cc_undo(&ca->cc);
	/* The kernel sets snd_cwnd to what we return; show it already. */
	teach_set_snd_cwnd(sk, ca, inet_csk(sk)->icsk_ca_state);
	teach_event(sk, ca, r);
	return tcp_snd_cwnd(tcp_sk(sk));
}

/*
 * Does this ACK begin a new round trip?  It does when it acknowledges
 * data sent after the current round began: that skb was stamped with a
 * delivered count at or past the one the round started at.
 */
static bool teach_round_start(struct sock *sk, struct teach_sk *ca,
			      const struct rate_sample *rs)
{
	if (!rs->acked_sacked ||
	    before(rs->prior_delivered, ca->round_delivered))
		return false;
	ca->round_delivered = tcp_sk(sk)->delivered;
	return true;
}

/*
 * Every ACK, after the kernel's loss detection and before it sends:
 * a duplicate ACK is counted, an ACK for new data grows the window.
 */
static void teach_cong_control(struct sock *sk, const struct rate_sample *rs)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct teach_sk *ca = teach_sk(sk);
	u8 state = inet_csk(sk)->icsk_ca_state;
	unsigned int mss = tp->mss_cache ? tp->mss_cache : TCP_MSS_DEFAULT;
	enum teach_reason r = TEACH_EV_NONE;
	u32 dupacks = 0;

	if (!ca->started)
		return;

	if (after(tp->snd_una, ca->prev_una)) {
		bool round_start = teach_round_start(sk, ca, rs);
		/*
		 * "The size of the receive window" is the largest the peer
		 * offered: the current one dips while its reader catches up,
		 * and a dip must not take the growth this ACK earned.
		 */
		struct teach_ack ack = {
			.acked = rs->acked_sacked,
			.rwnd = tp->max_window / mss,
			.app_limited = !tcp_is_cwnd_limited(sk),
			.round_start = round_start,
		};

		r = teach_cc_on_ack(&ca->cc, &ack);
	} else if (!ca->dupack_seen && tp->packets_out &&
		   state != TCP_CA_Loss && state != TCP_CA_CWR &&
		   (tp->snd_wnd == ca->prev_wnd ||
		    tp->sacked_out > ca->prev_sacked)) {
		/* Same ACK number, same window (or new SACK info): dupacks. */
		dupacks = teach_count_dupacks(sk, ca);
	}
	ca->prev_una = tp->snd_una;
	ca->prev_wnd = tp->snd_wnd;
	ca->prev_sacked = tp->sacked_out;
	ca->dupack_seen = 0;

	teach_set_snd_cwnd(sk, ca, state);
	teach_update_pacing_rate(sk, ca);
	teach_dupack_events(sk, ca, dupacks);
	teach_event(sk, ca, r);
}

#ifdef TEACH_HAVE_CONG_CONTROL_ACK_FLAG
/* 6.10 added the ACK's sequence number and tcp_input.c's FLAG_* bits. */
static void teach_cong_control_hook(struct sock *sk, u32 ack, int flag,
				    const struct rate_sample *rs)
{
	teach_cong_control(sk, rs);
}
#else
#define teach_cong_control_hook teach_cong_control
#endif

/*
 * No .cwnd_event: with .cong_control set, Linux skips the idle restart
 * (tcp_slow_start_after_idle_check), and CA_EVENT_LOSS duplicates
 * set_state(TCP_CA_Loss), which is where a timeout is counted.
 */
struct tcp_congestion_ops teach_reno __read_mostly = {
	.flags		= TCP_CONG_NON_RESTRICTED,
	.init		= teach_reno_init,
	.release	= teach_release,
	.ssthresh	= teach_ssthresh,
	.cong_control	= teach_cong_control_hook,
	.set_state	= teach_set_state,
	.undo_cwnd	= teach_undo_cwnd,
	.owner		= THIS_MODULE,
	.name		= "teach_reno",
};

struct tcp_congestion_ops teach_tahoe __read_mostly = {
	.flags		= TCP_CONG_NON_RESTRICTED,
	.init		= teach_tahoe_init,
	.release	= teach_release,
	.ssthresh	= teach_ssthresh,
	.cong_control	= teach_cong_control_hook,
	.set_state	= teach_set_state,
	.undo_cwnd	= teach_undo_cwnd,
	.owner		= THIS_MODULE,
	.name		= "teach_tahoe",
};

/* ---- per network namespace --------------------------------------------- */

unsigned int teach_net_id __read_mostly;

static int __net_init teach_net_init(struct net *net)
{
	struct teach_net *tn = net_generic(net, teach_net_id);
	int err;

	err = teach_events_net_init(net, tn);
	if (err)
		return err;
	err = teach_proc_net_init(net);
	if (err)
		teach_events_net_exit(net, tn);
	return err;
}

static void __net_exit teach_net_exit(struct net *net)
{
	struct teach_net *tn = net_generic(net, teach_net_id);

	teach_proc_net_exit(net);
	teach_events_net_exit(net, tn);
}

static struct pernet_operations teach_net_ops = {
	.init = teach_net_init,
	.exit = teach_net_exit,
	.id   = &teach_net_id,
	.size = sizeof(struct teach_net),
};

static int __init tcp_teach_init(void)
{
	int err;

	err = register_pernet_subsys(&teach_net_ops);
	if (err)
		return err;
	err = tcp_register_congestion_control(&teach_reno);
	if (err)
		goto out_pernet;
	err = tcp_register_congestion_control(&teach_tahoe);
	if (err)
		goto out_reno;
	return 0;

out_reno:
	tcp_unregister_congestion_control(&teach_reno);
out_pernet:
	unregister_pernet_subsys(&teach_net_ops);
	return err;
}

static void __exit tcp_teach_exit(void)
{
	tcp_unregister_congestion_control(&teach_tahoe);
	tcp_unregister_congestion_control(&teach_reno);
	unregister_pernet_subsys(&teach_net_ops);
}

module_init(tcp_teach_init);
module_exit(tcp_teach_exit);

MODULE_ALIAS("tcp_teach_reno");
MODULE_ALIAS("tcp_teach_tahoe");
MODULE_AUTHOR("tcpteach");
MODULE_LICENSE("GPL");
/* dkms.conf's PACKAGE_VERSION too: selftests/check-dkms.sh compares them. */
MODULE_VERSION("0.1");
MODULE_DESCRIPTION("Textbook TCP Tahoe and Reno congestion control, observable through /proc");
