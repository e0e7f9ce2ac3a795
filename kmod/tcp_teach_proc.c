// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcp_teach: one line per socket of this network namespace whose
 * congestion control is teach_reno or teach_tahoe, IPv4 and IPv6.
 *
 * There is no list of our own: the reader walks TCP's established hash
 * (which holds both families), one bucket per seq_file record, and prints
 * a bucket's sockets while holding that bucket's lock, so a socket cannot
 * be unhashed and freed under us.  Connections never wait for a reader
 * except on that one bucket lock, briefly.  The values are read without
 * the socket lock, as /proc/net/tcp does: a line is a snapshot.
 */
#include <linux/math64.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/inet_hashtables.h>
#include <net/net_namespace.h>
#include "tcp_teach.h"

struct teach_iter {
	struct seq_net_private p;	/* must be first (seq_file_net) */
	unsigned int bucket;
};

static struct inet_hashinfo *teach_hashinfo(struct seq_file *seq)
{
	return seq_file_net(seq)->ipv4.tcp_death_row.hashinfo;
}

/* First bucket >= @b that has sockets, or ehash_mask + 1. */
static unsigned int teach_next_bucket(struct inet_hashinfo *h, unsigned int b)
{
	for (; b <= h->ehash_mask; b++)
		if (!hlist_nulls_empty(&h->ehash[b].chain))
			return b;
	return b;
}

/* *pos: 0 is the header, b + 1 is bucket b. */
static void *teach_seek(struct seq_file *seq, loff_t *pos)
{
	struct inet_hashinfo *h = teach_hashinfo(seq);
	struct teach_iter *it = seq->private;
	unsigned int b;

	if (*pos - 1 > h->ehash_mask) {
		*pos = (loff_t)h->ehash_mask + 2;
		return NULL;
	}
	b = teach_next_bucket(h, *pos - 1);
	*pos = (loff_t)b + 1;
	if (b > h->ehash_mask)
		return NULL;
	it->bucket = b;
	return it;
}

static void *teach_seq_start(struct seq_file *seq, loff_t *pos)
{
	if (*pos == 0)
		return SEQ_START_TOKEN;
	return teach_seek(seq, pos);
}

static void *teach_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return teach_seek(seq, pos);
}

static void teach_seq_stop(struct seq_file *seq, void *v)
{
}

/*
 * A line is built in a buffer on the stack and handed to seq_file in one
 * seq_write(): a 10,000-socket read is 10,000 lines of 22 fields, and a
 * format string parsed per field (or a seq_file call per field) was most
 * of a line's cost.
 */
#define TEACH_LINE_MAX	640	/* two IPv6 ends, 18 numbers, 3 names */

struct teach_line {
	char buf[TEACH_LINE_MAX];
	unsigned int len;
};

static void teach_put_char(struct teach_line *l, char c)
{
	if (l->len < TEACH_LINE_MAX)
		l->buf[l->len++] = c;
}

static void teach_put_str(struct teach_line *l, const char *s)
{
	while (*s)
		teach_put_char(l, *s++);
}

static void teach_put_u64(struct teach_line *l, char sep, u64 v)
{
	char digits[20];
	int n = 0;

	if (sep)
		teach_put_char(l, sep);
	do {
		digits[n++] = '0' + do_div(v, 10);
	} while (v);
	while (n)
		teach_put_char(l, digits[--n]);
}

static void teach_put_addr(struct teach_line *l, const struct sock *sk,
			   bool local)
{
	const struct inet_sock *inet = inet_sk(sk);
	__be16 port = local ? inet->inet_sport : inet->inet_dport;
	const u8 *a;

#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		l->len += scnprintf(l->buf + l->len, TEACH_LINE_MAX - l->len,
				    "[%pI6c]", local ? &sk->sk_v6_rcv_saddr :
				    &sk->sk_v6_daddr);
		teach_put_u64(l, ':', ntohs(port));
		return;
	}
#endif
	a = (const u8 *)(local ? &inet->inet_rcv_saddr : &inet->inet_daddr);
	teach_put_u64(l, 0, a[0]);
	teach_put_u64(l, '.', a[1]);
	teach_put_u64(l, '.', a[2]);
	teach_put_u64(l, '.', a[3]);
	teach_put_u64(l, ':', ntohs(port));
}

static void teach_show_sock(struct seq_file *seq, struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	const struct teach_sk *ca = inet_csk_ca(sk);
	const struct teach_cc *cc = &ca->cc;
	u32 mss = READ_ONCE(tp->mss_cache);
	u32 rwnd = READ_ONCE(tp->snd_wnd);
	struct teach_line l;

	l.len = 0;
	teach_put_addr(&l, sk, true);
	teach_put_char(&l, ' ');
	teach_put_addr(&l, sk, false);
	teach_put_u64(&l, ' ', ca->cookie);
	teach_put_char(&l, ' ');
	teach_put_str(&l, teach_ca_name(cc->algo));
	teach_put_char(&l, ' ');
	teach_put_str(&l, teach_phase_name(cc->phase));
	teach_put_char(&l, ' ');
	teach_put_str(&l, teach_ca_state_name(inet_csk(sk)->icsk_ca_state));
	teach_put_u64(&l, ' ', cc->cwnd);
	teach_put_u64(&l, ' ', tcp_snd_cwnd(tp));
	if (cc->ssthresh >= TEACH_SSTHRESH_INF)
		teach_put_str(&l, " " TEACH_FMT_INF);
	else
		teach_put_u64(&l, ' ', cc->ssthresh);
	teach_put_u64(&l, ' ', mss);
	teach_put_u64(&l, ' ', rwnd);
	teach_put_u64(&l, ' ', min_t(u64, (u64)cc->cwnd * mss, rwnd));
	teach_put_u64(&l, ' ', tcp_packets_in_flight(tp));
	teach_put_u64(&l, ' ', READ_ONCE(tp->srtt_us) >> 3);
	teach_put_u64(&l, ' ', cc->acks);
	teach_put_u64(&l, ' ', cc->ss_incr);
	teach_put_u64(&l, ' ', cc->ca_incr);
	teach_put_u64(&l, ' ', cc->dupacks);
	teach_put_u64(&l, ' ', cc->fast_retransmits);
	teach_put_u64(&l, ' ', cc->timeouts);
	teach_put_u64(&l, ' ', cc->undos);
	teach_put_char(&l, ' ');
	teach_put_str(&l, teach_recovery_name(ca->recovery));
	teach_put_char(&l, '\n');
	seq_write(seq, l.buf, l.len);
}

static bool teach_is_ours(const struct sock *sk, const struct net *net)
{
	const struct tcp_congestion_ops *ops;

	/* Time-wait and request sockets are not full sockets. */
	if ((1 << sk->sk_state) & (TCPF_TIME_WAIT | TCPF_NEW_SYN_RECV))
		return false;
	if (!net_eq(sock_net(sk), net))
		return false;
	ops = READ_ONCE(inet_csk(sk)->icsk_ca_ops);
	if (ops != &teach_reno && ops != &teach_tahoe)
		return false;
	/* Not yet connected: the window does not exist yet. */
	return ((const struct teach_sk *)inet_csk_ca(sk))->started;
}

static int teach_seq_show(struct seq_file *seq, void *v)
{
	struct inet_hashinfo *h = teach_hashinfo(seq);
	struct teach_iter *it = seq->private;
	struct net *net = seq_file_net(seq);
	struct hlist_nulls_node *node;
	spinlock_t *lock;	/* the bucket's, keeps its sockets hashed */
	struct sock *sk;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, TEACH_FMT_SOCK_COLUMNS "\n");
		return 0;
	}

	lock = inet_ehash_lockp(h, it->bucket);
	spin_lock_bh(lock);
	sk_nulls_for_each(sk, node, &h->ehash[it->bucket].chain)
		if (teach_is_ours(sk, net))
			teach_show_sock(seq, sk);
	spin_unlock_bh(lock);
	return 0;
}

static const struct seq_operations teach_seq_ops = {
	.start = teach_seq_start,
	.next  = teach_seq_next,
	.stop  = teach_seq_stop,
	.show  = teach_seq_show,
};

int teach_proc_net_init(struct net *net)
{
	if (!proc_create_net("tcp_teach", 0444, net->proc_net, &teach_seq_ops,
			     sizeof(struct teach_iter)))
		return -ENOMEM;
	return 0;
}

void teach_proc_net_exit(struct net *net)
{
	remove_proc_entry("tcp_teach", net->proc_net);
}
