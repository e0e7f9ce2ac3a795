// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcp_teach_events: the window events of one network namespace
 * as a blocking, pollable stream (like the old /proc/net/tcpprobe).
 *
 * Writers (the ACK path, timers) append to the ring of their own CPU under
 * that ring's lock; nothing is shared between CPUs, nothing sleeps, and a
 * full ring overwrites its oldest entry, so a slow reader loses events but
 * never slows a connection.  The rings exist only while somebody reads:
 * the first open allocates them (events_size entries per CPU), the last
 * close frees them after an RCU grace period.  With no reader the cost is
 * one RCU pointer load per event.
 *
 * Like /proc/net/tcp, the file is readable by all, but a reader without
 * CAP_NET_ADMIN in the namespace's user namespace (checked at open) sees
 * only the events of sockets its fsuid owns; the others are skipped as
 * its position moves past them.
 *
 * Every reader keeps its own position in every ring and merges the rings
 * by timestamp.  The timestamp is taken under the ring lock, so an event
 * older than the moment a reader started scanning is already visible to
 * that scan: emitting only such events keeps the stream in time order.
 */
#include <linux/slab.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/poll.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "tcp_teach.h"

#define TEACH_LINE_MAX	256
/*
 * A reader woken by a new event naps this long before reading, so a busy
 * connection wakes it ~100 times a second with a batch of lines, not
 * once per ACK with one (and a napping reader is not on the wait queue,
 * so writers skip the wake-up altogether).
 */
#define TEACH_READ_BATCH_MS	10

struct teach_reader {
	struct teach_net *tn;
	struct mutex lock;		/* one read() at a time */
	struct teach_rings *rings;	/* stable while this reader is open */
	u64 *pos;			/* per CPU: next event to read */
	struct teach_event *staged;	/* per CPU: taken, not yet printed */
	unsigned long *has_staged;	/* bitmap over CPUs */
	u64 lost;			/* not yet reported as "# dropped" */
	bool all;			/* CAP_NET_ADMIN: every socket's events */
	bool header_sent;		/* the column names precede the events */
	kuid_t uid;			/* else only those of this owner */
	char line[TEACH_LINE_MAX];
	size_t len, off;		/* unread part of line */
};

/* ---- writer -------------------------------------------------------------- */

static bool teach_port_match(const struct sock *sk)
{
	unsigned int port = teach_events_port();

	return !port || ntohs(inet_sk(sk)->inet_sport) == port ||
	       ntohs(inet_sk(sk)->inet_dport) == port;
}

static void teach_event_fill(struct teach_event *e, struct sock *sk,
			     const struct teach_sk *ca,
			     enum teach_reason reason)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	const struct inet_sock *inet = inet_sk(sk);

	e->cookie = ca->cookie;
	e->uid = sock_net_uid(sock_net(sk), sk);
	e->cwnd = ca->cc.cwnd;
	e->ssthresh = ca->cc.ssthresh;
	e->snd_cwnd = tcp_snd_cwnd(tp);
	e->inflight = tcp_packets_in_flight(tp);
	e->rwnd = tp->snd_wnd;
	e->mss = tp->mss_cache;
	e->srtt_us = tp->srtt_us >> 3;
	e->prior_cwnd = ca->cc.prior_cwnd;
	e->sport = inet->inet_sport;
	e->dport = inet->inet_dport;
	e->family = sk->sk_family;
	e->algo = ca->cc.algo;
	e->reason = reason;
	e->phase = ca->cc.phase;
	e->recovery = reason == TEACH_EV_FAST_RETRANSMIT ?
		      ca->recovery : TEACH_RECOVERY_NONE;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		e->saddr.v6 = sk->sk_v6_rcv_saddr;
		e->daddr.v6 = sk->sk_v6_daddr;
		return;
	}
#endif
	e->saddr.v4 = inet->inet_rcv_saddr;
	e->daddr.v4 = inet->inet_daddr;
}

void teach_event_record(struct sock *sk, const struct teach_sk *ca,
			enum teach_reason reason)
{
	struct teach_rings *rings;
	struct teach_ring *ring;
	struct teach_net *tn;
	struct teach_event *e;

	rcu_read_lock();
	tn = net_generic(sock_net(sk), teach_net_id);
	rings = rcu_dereference(tn->rings);
	if (!rings || !teach_port_match(sk))
		goto out;

	local_bh_disable();
	ring = this_cpu_ptr(rings->cpu);
	spin_lock(&ring->lock);
	e = &ring->ev[ring->head & rings->mask];
	teach_event_fill(e, sk, ca, reason);
	e->time_ns = ktime_get_ns();
	WRITE_ONCE(ring->head, ring->head + 1);
	ring->recorded++;
	spin_unlock(&ring->lock);
	local_bh_enable();

	if (wq_has_sleeper(&tn->wq))
		wake_up_interruptible(&tn->wq);
out:
	rcu_read_unlock();
}

/* ---- rings ------------------------------------------------------------- */

static void teach_rings_free(struct teach_rings *rings)
{
	int cpu;

	if (!rings)
		return;
	for_each_possible_cpu(cpu)
		kvfree(per_cpu_ptr(rings->cpu, cpu)->ev);
	free_percpu(rings->cpu);
	kfree(rings);
}

static struct teach_rings *teach_rings_alloc(unsigned int size)
{
	struct teach_rings *rings;
	int cpu;

	rings = kzalloc(sizeof(*rings), GFP_KERNEL);
	if (!rings)
		return NULL;
	rings->mask = size - 1;
	rings->cpu = alloc_percpu(struct teach_ring);
	if (!rings->cpu) {
		kfree(rings);
		return NULL;
	}
	for_each_possible_cpu(cpu) {
		struct teach_ring *ring = per_cpu_ptr(rings->cpu, cpu);

		spin_lock_init(&ring->lock);
		ring->ev = kvcalloc(size, sizeof(*ring->ev), GFP_KERNEL);
		if (!ring->ev) {
			teach_rings_free(rings);
			return NULL;
		}
	}
	return rings;
}

static u64 teach_rings_recorded(struct teach_rings *rings)
{
	u64 n = 0;
	int cpu;

	if (!rings)
		return 0;
	for_each_possible_cpu(cpu) {
		struct teach_ring *ring = per_cpu_ptr(rings->cpu, cpu);

		spin_lock_bh(&ring->lock);
		n += ring->recorded;
		spin_unlock_bh(&ring->lock);
	}
	return n;
}

/* ---- reader ------------------------------------------------------------ */

static void teach_reader_free(struct teach_reader *r)
{
	kfree(r->pos);
	kfree(r->staged);
	bitmap_free(r->has_staged);
	kfree(r);
}

static int teach_events_open(struct inode *inode, struct file *file)
{
	struct teach_net *tn = pde_data(inode);
	struct teach_reader *r;
	int cpu, err = 0;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->tn = tn;
	r->all = file_ns_capable(file, tn->net->user_ns, CAP_NET_ADMIN);
	r->uid = file->f_cred->fsuid;
	mutex_init(&r->lock);
	r->pos = kcalloc(nr_cpu_ids, sizeof(*r->pos), GFP_KERNEL);
	r->staged = kcalloc(nr_cpu_ids, sizeof(*r->staged), GFP_KERNEL);
	r->has_staged = bitmap_zalloc(nr_cpu_ids, GFP_KERNEL);
	if (!r->pos || !r->staged || !r->has_staged) {
		teach_reader_free(r);
		return -ENOMEM;
	}

	mutex_lock(&tn->lock);
	if (tn->dead) {
		err = -ENODEV;
		goto out;
	}
	if (!tn->readers) {
		struct teach_rings *rings;

		rings = teach_rings_alloc(teach_events_size());
		if (!rings) {
			err = -ENOMEM;
			goto out;
		}
		rcu_assign_pointer(tn->rings, rings);
	}
	tn->readers++;
	r->rings = rcu_dereference_protected(tn->rings,
					     lockdep_is_held(&tn->lock));
	/* A new reader sees the events recorded from now on. */
	for_each_possible_cpu(cpu)
		r->pos[cpu] = READ_ONCE(per_cpu_ptr(r->rings->cpu, cpu)->head);
out:
	mutex_unlock(&tn->lock);
	if (err) {
		teach_reader_free(r);
		return err;
	}
	file->private_data = r;
	return nonseekable_open(inode, file);
}

static int teach_events_release(struct inode *inode, struct file *file)
{
	struct teach_reader *r = file->private_data;
	struct teach_net *tn = r->tn;
	struct teach_rings *rings = NULL;

	mutex_lock(&tn->lock);
	if (!--tn->readers) {
		rings = rcu_dereference_protected(tn->rings,
						  lockdep_is_held(&tn->lock));
		RCU_INIT_POINTER(tn->rings, NULL);
	}
	mutex_unlock(&tn->lock);

	if (rings) {
		/* Writers that saw the rings are done after a grace period. */
		synchronize_rcu();
		mutex_lock(&tn->lock);
		tn->recorded_before += teach_rings_recorded(rings);
		mutex_unlock(&tn->lock);
		teach_rings_free(rings);
	}
	teach_reader_free(r);
	return 0;
}

static bool teach_may_see(const struct teach_reader *r,
			  const struct teach_event *e)
{
	return r->all || uid_eq(e->uid, r->uid);
}

/*
 * Take the next unread event of @cpu's ring that this reader may see into
 * its slot.
 */
static void teach_stage(struct teach_reader *r, int cpu)
{
	struct teach_ring *ring = per_cpu_ptr(r->rings->cpu, cpu);
	u64 size = (u64)r->rings->mask + 1;
	u64 head;

	spin_lock_bh(&ring->lock);
	head = ring->head;
	if (head - r->pos[cpu] > size) {
		/* Overwritten before we read them: a slow reader loses. */
		r->lost += head - size - r->pos[cpu];
		atomic64_add(head - size - r->pos[cpu], &r->tn->dropped);
		r->pos[cpu] = head - size;
	}
	while (r->pos[cpu] != head) {
		const struct teach_event *e;

		e = &ring->ev[r->pos[cpu] & r->rings->mask];
		r->pos[cpu]++;
		if (teach_may_see(r, e)) {
			r->staged[cpu] = *e;
			__set_bit(cpu, r->has_staged);
			break;
		}
	}
	spin_unlock_bh(&ring->lock);
}

/* The oldest event of all rings, if it is older than the scan; or -1. */
static int teach_next_cpu(struct teach_reader *r)
{
	u64 now = ktime_get_ns();
	int cpu, best = -1;

	for_each_possible_cpu(cpu) {
		if (!test_bit(cpu, r->has_staged))
			teach_stage(r, cpu);
		if (!test_bit(cpu, r->has_staged) ||
		    r->staged[cpu].time_ns >= now)
			continue;
		if (best < 0 ||
		    r->staged[cpu].time_ns < r->staged[best].time_ns)
			best = cpu;
	}
	return best;
}

static bool teach_reader_ready(struct teach_reader *r)
{
	int cpu;

	if (r->lost || r->len > r->off)
		return true;
	for_each_possible_cpu(cpu) {
		if (test_bit(cpu, r->has_staged) ||
		    READ_ONCE(per_cpu_ptr(r->rings->cpu, cpu)->head) !=
		    r->pos[cpu])
			return true;
	}
	return false;
}

static size_t teach_format_addr(char *buf, size_t n, const struct teach_event *e,
				bool local)
{
	__be16 port = local ? e->sport : e->dport;

#if IS_ENABLED(CONFIG_IPV6)
	if (e->family == AF_INET6)
		return scnprintf(buf, n, "[%pI6c]:%u",
				 local ? &e->saddr.v6 : &e->daddr.v6,
				 ntohs(port));
#endif
	return scnprintf(buf, n, "%pI4:%u",
			 local ? &e->saddr.v4 : &e->daddr.v4, ntohs(port));
}

static size_t teach_format_event(char *buf, size_t n,
				 const struct teach_event *e)
{
	size_t len;

	len = scnprintf(buf, n, "%llu %llu %s %s %s %u ",
			e->time_ns / NSEC_PER_USEC, e->cookie,
			teach_ca_name(e->algo), teach_reason_name(e->reason),
			teach_phase_name(e->phase), e->cwnd);
	if (e->ssthresh >= TEACH_SSTHRESH_INF)
		len += scnprintf(buf + len, n - len, TEACH_FMT_INF " ");
	else
		len += scnprintf(buf + len, n - len, "%u ", e->ssthresh);
	len += scnprintf(buf + len, n - len, "%u %u %u %u %u %u ",
			 e->snd_cwnd, e->inflight, e->rwnd, e->mss,
			 e->srtt_us, e->prior_cwnd);
	len += teach_format_addr(buf + len, n - len, e, true);
	len += scnprintf(buf + len, n - len, " ");
	len += teach_format_addr(buf + len, n - len, e, false);
	len += scnprintf(buf + len, n - len, " %s\n",
			 teach_recovery_name(e->recovery));
	return len;
}

/* The names of the columns, in teach_format.h's order, space-separated. */
static size_t teach_format_header(char *buf, size_t n)
{
	static const char cols[] = TEACH_FMT_TRACE_COLUMNS;
	size_t i, len = 0;

	for (i = 0; i < sizeof(cols) - 1 && len + 1 < n; i++)
		buf[len++] = cols[i] == ',' ? ' ' : cols[i];
	buf[len] = '\0';
	return len + scnprintf(buf + len, n - len, " %s\n",
			       TEACH_FMT_EVENT_EXTRA_COLUMNS);
}

/* Fill r->line with the next line to hand out; false if nothing is ready. */
static bool teach_next_line(struct teach_reader *r)
{
	int cpu;

	if (r->lost) {
		r->len = scnprintf(r->line, sizeof(r->line), "# dropped %llu\n",
				   r->lost);
		r->off = 0;
		r->lost = 0;
		return true;
	}
	cpu = teach_next_cpu(r);
	if (r->lost)		/* staging found an overrun: report it first */
		return teach_next_line(r);
	if (cpu < 0)
		return false;
	/*
	 * The header goes before the first event (the event stays staged),
	 * so a stream without events stays empty and unreadable.
	 */
	if (!r->header_sent) {
		r->len = teach_format_header(r->line, sizeof(r->line));
		r->off = 0;
		r->header_sent = true;
		return true;
	}
	r->len = teach_format_event(r->line, sizeof(r->line), &r->staged[cpu]);
	r->off = 0;
	__clear_bit(cpu, r->has_staged);
	return true;
}

static ssize_t teach_events_read(struct file *file, char __user *buf,
				 size_t count, loff_t *ppos)
{
	struct teach_reader *r = file->private_data;
	struct teach_net *tn = r->tn;
	ssize_t copied = 0;

	if (mutex_lock_interruptible(&r->lock))
		return -ERESTARTSYS;
	while ((size_t)copied < count) {
		size_t n;

		if (r->off < r->len) {
			n = min_t(size_t, count - copied, r->len - r->off);
			if (copy_to_user(buf + copied, r->line + r->off, n)) {
				copied = copied ? copied : -EFAULT;
				break;
			}
			r->off += n;
			copied += n;
			continue;
		}
		if (teach_next_line(r))
			continue;
		if (copied || READ_ONCE(tn->dead))
			break;		/* dead: end of file */
		if (file->f_flags & O_NONBLOCK) {
			copied = -EAGAIN;
			break;
		}
		if (wait_event_interruptible(tn->wq, teach_reader_ready(r) ||
					     READ_ONCE(tn->dead))) {
			copied = -ERESTARTSYS;
			break;
		}
		if (!READ_ONCE(tn->dead))
			schedule_timeout_interruptible(msecs_to_jiffies(TEACH_READ_BATCH_MS));
	}
	mutex_unlock(&r->lock);
	return copied;
}

static __poll_t teach_events_poll(struct file *file, poll_table *wait)
{
	struct teach_reader *r = file->private_data;
	struct teach_net *tn = r->tn;

	poll_wait(file, &tn->wq, wait);
	if (READ_ONCE(tn->dead))
		return EPOLLIN | EPOLLRDNORM | EPOLLHUP;
	/*
	 * Stage past the events this reader may not see, so they do not
	 * make it readable; a read() in progress does that itself.
	 */
	if (!r->all && mutex_trylock(&r->lock)) {
		int cpu;

		for_each_possible_cpu(cpu)
			if (!test_bit(cpu, r->has_staged))
				teach_stage(r, cpu);
		mutex_unlock(&r->lock);
	}
	if (teach_reader_ready(r))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

static const struct proc_ops teach_events_ops = {
	.proc_open	= teach_events_open,
	.proc_read	= teach_events_read,
	.proc_poll	= teach_events_poll,
	.proc_release	= teach_events_release,
};

/* ---- /proc/net/tcp_teach_stats -------------------------------------------- */

static int teach_stats_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct teach_net *tn = net_generic(net, teach_net_id);
	struct teach_rings *rings;
	unsigned int readers;
	u64 recorded;

	mutex_lock(&tn->lock);
	rings = rcu_dereference_protected(tn->rings,
					  lockdep_is_held(&tn->lock));
	recorded = tn->recorded_before + teach_rings_recorded(rings);
	readers = tn->readers;
	mutex_unlock(&tn->lock);

	seq_printf(seq, "sockets %d\n", atomic_read(&tn->sockets));
	seq_printf(seq, "events %llu\n", recorded);
	seq_printf(seq, "dropped %lld\n", atomic64_read(&tn->dropped));
	seq_printf(seq, "readers %u\n", readers);
	return 0;
}

/* ---- per netns ------------------------------------------------------------ */

int teach_events_net_init(struct net *net, struct teach_net *tn)
{
	tn->net = net;
	mutex_init(&tn->lock);
	init_waitqueue_head(&tn->wq);
	atomic_set(&tn->sockets, 0);
	atomic64_set(&tn->dropped, 0);
	if (!proc_create_data("tcp_teach_events", 0444, net->proc_net,
			      &teach_events_ops, tn))
		return -ENOMEM;
	if (!proc_create_net_single("tcp_teach_stats", 0444, net->proc_net,
				    teach_stats_show, NULL)) {
		remove_proc_entry("tcp_teach_events", net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Netns exit or module unload: wake blocked readers so they return, then
 * remove the files; remove_proc_entry() waits for calls still running and
 * releases the files still open, which frees the rings.
 */
void teach_events_net_exit(struct net *net, struct teach_net *tn)
{
	mutex_lock(&tn->lock);
	tn->dead = true;
	mutex_unlock(&tn->lock);
	wake_up_interruptible_all(&tn->wq);
	remove_proc_entry("tcp_teach_stats", net->proc_net);
	remove_proc_entry("tcp_teach_events", net->proc_net);
	/* epoll may still hold entries on tn->wq: detach them. */
	wake_up_pollfree(&tn->wq);
	WARN_ON_ONCE(rcu_access_pointer(tn->rings));
}
