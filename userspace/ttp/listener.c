// SPDX-License-Identifier: GPL-2.0
/* Bounded half-open table plus SYN cookies (see listener.h). */
#include "ttp/listener.h"

#include <stdlib.h>
#include <string.h>

struct ttp_half_open {
	struct ttp_syn_info si;
	uint16_t lport;
	uint64_t expires;		/* 0 = free slot */
};

#define TTP_LISTENER_REPLIES 64

struct ttp_reply {
	uint32_t daddr;
	struct ttp_seg seg;
};

struct ttp_listener {
	struct ttp_listener_cfg cfg;
	struct ttp_half_open *table;	/* cfg.backlog entries */
	struct ttp_reply replies[TTP_LISTENER_REPLIES];
	unsigned int rhead, rlen;
	struct ttp_listener_stats st;
};

/* The MSS values a cookie can encode (3 bits). */
static const uint16_t cookie_mss[8] = {
	536, 1200, 1360, 1440, 1460, 4000, 8960, 16000,
};

#define COOKIE_SLOT_US	(64ull * 1000000)	/* cookies live 1-2 slots */

struct ttp_listener *ttp_listener_new(const struct ttp_listener_cfg *cfg)
{
	struct ttp_listener *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->cfg = *cfg;
	if (!l->cfg.backlog)
		l->cfg.backlog = 1;
	if (!l->cfg.synack_timeout_us)
		l->cfg.synack_timeout_us = 30000000;
	l->table = calloc(l->cfg.backlog, sizeof(*l->table));
	if (!l->table) {
		free(l);
		return NULL;
	}
	return l;
}

const struct ttp_listener_stats *ttp_listener_stats(
	const struct ttp_listener *l)
{
	return &l->st;
}

void ttp_listener_free(struct ttp_listener *l)
{
	if (!l)
		return;
	free(l->table);
	free(l);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 29);
}

static uint32_t cookie_hash(const struct ttp_listener *l,
			    const struct ttp_syn_info *si, uint16_t lport,
			    uint32_t slot)
{
	uint64_t h = mix(l->cfg.secret, si->raddr);

	h = mix(h, (uint64_t)si->rport << 16 | lport);
	h = mix(h, l->cfg.laddr);
	h = mix(h, si->irs);
	h = mix(h, slot);
	return (uint32_t)(h >> 40);	/* 24 bits */
}

static uint32_t mss_index(uint16_t mss)
{
	uint32_t i = 0, k;

	for (k = 0; k < 8; k++)
		if (cookie_mss[k] <= (mss ? mss : 536))
			i = k;
	return i;
}

/* ISN = 24-bit keyed hash | 5-bit time slot | 3-bit MSS index */
uint32_t ttp_syn_cookie(const struct ttp_listener *l,
			const struct ttp_syn_info *si, uint16_t lport,
			uint64_t now)
{
	uint32_t slot = (uint32_t)(now / COOKIE_SLOT_US) & 31;

	return cookie_hash(l, si, lport, slot) << 8 | slot << 3 |
	       mss_index(si->mss);
}

/* Does @ack - 1 prove a cookie we sent for this peer?  Fills @si. */
static int cookie_check(const struct ttp_listener *l, uint16_t lport,
			uint64_t now, struct ttp_syn_info *si, uint32_t ack)
{
	uint32_t v = ack - 1, slot = v >> 3 & 31;
	uint32_t cur = (uint32_t)(now / COOKIE_SLOT_US) & 31;

	if (slot != cur && slot != ((cur + 31) & 31))
		return 0;
	if (cookie_hash(l, si, lport, slot) != v >> 8)
		return 0;
	si->iss = v;
	si->mss = cookie_mss[v & 7];
	si->wscale = -1;	/* a cookie cannot remember options */
	return 1;
}

static void reply(struct ttp_listener *l, uint32_t daddr,
		  const struct ttp_seg *s)
{
	struct ttp_reply *r;

	if (l->rlen == TTP_LISTENER_REPLIES) {
		l->st.replies_dropped++;
		return;
	}
	r = &l->replies[(l->rhead + l->rlen++) % TTP_LISTENER_REPLIES];
	r->daddr = daddr;
	r->seg = *s;
}

static void send_synack(struct ttp_listener *l, const struct ttp_syn_info *si,
			uint16_t lport, int with_wscale)
{
	struct ttp_seg s;

	memset(&s, 0, sizeof(s));
	s.sport = lport;
	s.dport = si->rport;
	s.seq = si->iss;
	s.ack = si->irs + 1;
	s.flags = TTP_SYN | TTP_ACK;
	s.wnd = (uint16_t)(l->cfg.rcvbuf < 65535 ? l->cfg.rcvbuf : 65535);
	s.mss = (uint16_t)l->cfg.mss;
	s.wscale = -1;
	if (with_wscale && si->wscale >= 0 && l->cfg.wscale >= 0)
		s.wscale = (int8_t)l->cfg.wscale;
	reply(l, si->raddr, &s);
}

static void send_rst(struct ttp_listener *l, uint32_t daddr,
		     const struct ttp_seg *in)
{
	struct ttp_seg s;

	if (ttp_seg_rst_for(in, &s))
		reply(l, daddr, &s);
}

static struct ttp_half_open *find(struct ttp_listener *l, uint32_t raddr,
				  uint16_t rport, uint16_t lport, uint64_t now)
{
	uint32_t i;

	for (i = 0; i < l->cfg.backlog; i++) {
		struct ttp_half_open *h = &l->table[i];

		if (!h->expires)
			continue;
		if (h->expires <= now) {	/* the client never answered */
			h->expires = 0;
			l->st.half_open--;
			l->st.expired++;
			continue;
		}
		if (h->si.raddr == raddr && h->si.rport == rport &&
		    h->lport == lport)
			return h;
	}
	return NULL;
}

static struct ttp_half_open *free_slot(struct ttp_listener *l)
{
	uint32_t i;

	for (i = 0; i < l->cfg.backlog; i++)
		if (!l->table[i].expires)
			return &l->table[i];
	return NULL;
}

int ttp_listener_input(struct ttp_listener *l, uint32_t saddr,
		       const uint8_t *buf, size_t len, uint64_t now,
		       struct ttp_syn_info *si)
{
	struct ttp_half_open *h;
	struct ttp_seg s;

	if (ttp_seg_decode(buf, len, saddr, l->cfg.laddr, &s)) {
		l->st.bad_segs++;
		return 0;
	}
	if (s.dport != l->cfg.lport || s.flags & TTP_RST)
		return 0;
	h = find(l, saddr, s.sport, s.dport, now);
	if (s.flags & TTP_SYN) {
		if (s.flags & TTP_ACK) {
			send_rst(l, saddr, &s);
			return 0;
		}
		l->st.syns++;
		if (h && h->si.irs == s.seq) {	/* SYN again: SYN-ACK again */
			h->expires = now + l->cfg.synack_timeout_us;
			l->st.synacks++;
			send_synack(l, &h->si, h->lport, 1);
			return 0;
		}
		memset(si, 0, sizeof(*si));
		si->raddr = saddr;
		si->rport = s.sport;
		si->irs = s.seq;
		si->mss = s.mss;
		si->wscale = s.wscale;
		si->wnd = s.wnd;
		if (!h)
			h = free_slot(l);
		if (!h) {
			/* table full: no state, the ISN remembers for us */
			si->iss = ttp_syn_cookie(l, si, s.dport, now);
			l->st.cookies_sent++;
			send_synack(l, si, s.dport, 0);
			return 0;
		}
		if (!h->expires)
			l->st.half_open++;
		if (l->st.half_open > l->st.half_open_max)
			l->st.half_open_max = l->st.half_open;
		si->iss = l->cfg.isn ? l->cfg.isn(l->cfg.isn_ctx) : 0;
		h->si = *si;
		h->lport = s.dport;
		h->expires = now + l->cfg.synack_timeout_us;
		if (!h->expires)
			h->expires = 1;
		l->st.synacks++;
		send_synack(l, si, s.dport, 1);
		return 0;
	}
	if (!(s.flags & TTP_ACK))
		return 0;
	/* the handshake's ACK, or a later segment if that one was lost */
	if (h && s.ack == h->si.iss + 1 && ttp_seq_le(h->si.irs + 1, s.seq) &&
	    ttp_seq_lt(s.seq, h->si.irs + 1 + 65536u * 256)) {
		*si = h->si;
		si->wnd = s.wnd;
		h->expires = 0;
		l->st.half_open--;
		l->st.accepted++;
		return 1;
	}
	memset(si, 0, sizeof(*si));
	si->raddr = saddr;
	si->rport = s.sport;
	si->irs = s.seq - 1;
	if (cookie_check(l, s.dport, now, si, s.ack)) {
		si->wnd = s.wnd;
		l->st.cookies_ok++;
		l->st.accepted++;
		return 1;
	}
	/*
	 * Not a cookie we sent -- or a later segment whose first ACK was
	 * lost (the cookie hashes the first sequence number).  Drop it
	 * quietly: the client retransmits from its first byte.
	 */
	l->st.cookies_bad++;
	return 0;
}

size_t ttp_listener_output(struct ttp_listener *l, uint32_t *daddr,
			   uint8_t *buf, size_t cap)
{
	struct ttp_reply *r;

	if (!l->rlen)
		return 0;
	r = &l->replies[l->rhead];
	l->rhead = (l->rhead + 1) % TTP_LISTENER_REPLIES;
	l->rlen--;
	*daddr = r->daddr;
	return ttp_seg_encode(&r->seg, l->cfg.laddr, r->daddr, buf, cap);
}
