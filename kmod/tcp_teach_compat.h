/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel API differences between the kernels tcp_teach.ko builds for
 * (Debian's 5.10, 6.1, 6.12 and 7.x).  Distributions backport API
 * changes, so a version number would mislead: Kbuild looks into the
 * target's headers and defines a TEACH_HAVE_* for each API it finds.
 * (.cong_control's 6.10 signature is handled in tcp_teach_main.c.)
 */
#ifndef TCP_TEACH_COMPAT_H
#define TCP_TEACH_COMPAT_H

#include <linux/proc_fs.h>
#include <net/tcp.h>

/* 5.19 wrapped tp->snd_cwnd in accessors. */
#ifndef TEACH_HAVE_TCP_SND_CWND
static inline u32 tcp_snd_cwnd(const struct tcp_sock *tp)
{
	return tp->snd_cwnd;
}

static inline void tcp_snd_cwnd_set(struct tcp_sock *tp, u32 val)
{
	tp->snd_cwnd = val;
}
#endif

/* 5.17 renamed PDE_DATA() to pde_data(). */
#ifndef TEACH_HAVE_PDE_DATA
static inline void *pde_data(const struct inode *inode)
{
	return PDE_DATA(inode);
}
#endif

#endif /* TCP_TEACH_COMPAT_H */
