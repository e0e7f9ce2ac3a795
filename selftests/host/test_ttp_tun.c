// SPDX-License-Identifier: GPL-2.0
/*
 * The TUN link's packets: real IPv4/TCP as Linux sends and takes them.
 * The known packets are from a capture of `tcpteach ttp recv --link tun`
 * against Linux 6.1's TCP (tshark: IP and TCP checksums "good"; Linux
 * completed the handshake with them).  Then the options Linux sends,
 * truncated and odd options, the RST for a port no one listens on, and
 * the packets the link refuses and counts.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "ttp/io.h"
#include "ttp/ipv4.h"
#include "ttp/segment.h"

#define KERNEL 0x0a490001	/* 10.73.0.1, the kernel's side */
#define TTP 0x0a490002		/* 10.73.0.2, ours */

/* Linux's SYN to a port with no listener: MSS, SACK_PERM, TS, NOP, WS. */
static const uint8_t linux_syn[60] = {
	0x45, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x40, 0x00,
	0x40, 0x06, 0x26, 0x28, 0x0a, 0x49, 0x00, 0x01,
	0x0a, 0x49, 0x00, 0x02, 0xe0, 0x2c, 0x17, 0x6f,
	0x4f, 0x68, 0x38, 0x10, 0x00, 0x00, 0x00, 0x00,
	0xa0, 0x02, 0xfa, 0xf0, 0x2b, 0x64, 0x00, 0x00,
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
	0xce, 0x80, 0xbf, 0x7e, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x03, 0x03, 0x0a,
};

/* Our answer to it, RST+ACK; Linux reported "Connection refused". */
static const uint8_t our_rst[40] = {
	0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x40, 0x00,
	0x40, 0x06, 0x26, 0x3b, 0x0a, 0x49, 0x00, 0x02,
	0x0a, 0x49, 0x00, 0x01, 0x17, 0x6f, 0xe0, 0x2c,
	0x00, 0x00, 0x00, 0x00, 0x4f, 0x68, 0x38, 0x11,
	0x50, 0x14, 0x00, 0x00, 0x1c, 0x27, 0x00, 0x00,
};

/* Our SYN-ACK on port 5001: MSS 1460, NOP, WS 7; Linux ACKed it. */
static const uint8_t our_synack[48] = {
	0x45, 0x00, 0x00, 0x30, 0x00, 0x03, 0x40, 0x00,
	0x40, 0x06, 0x26, 0x31, 0x0a, 0x49, 0x00, 0x02,
	0x0a, 0x49, 0x00, 0x01, 0x13, 0x89, 0x93, 0x10,
	0x76, 0x45, 0xc1, 0xac, 0x50, 0x58, 0x7d, 0x44,
	0x70, 0x12, 0xff, 0xff, 0xc3, 0x4b, 0x00, 0x00,
	0x02, 0x04, 0x05, 0xb4, 0x01, 0x03, 0x03, 0x07,
};

TEST(linux_syn_decodes_sack_and_timestamps_skipped)
{
	struct ttp_ipv4 ip;
	struct ttp_seg s;

	ASSERT_EQ(TTP_IPV4_OK, ttp_ipv4_decode(linux_syn, sizeof(linux_syn),
					       &ip));
	EXPECT_EQ(KERNEL, ip.saddr);
	EXPECT_EQ(TTP, ip.daddr);
	ASSERT_EQ(40, ip.len);
	ASSERT_EQ(TTP_SEG_OK, ttp_seg_decode(ip.payload, ip.len, ip.saddr,
					     ip.daddr, &s));
	EXPECT_EQ(57388, s.sport);
	EXPECT_EQ(5999, s.dport);
	EXPECT_EQ(0x4f683810, s.seq);
	EXPECT_EQ(TTP_SYN, s.flags);
	EXPECT_EQ(64240, s.wnd);
	EXPECT_EQ(1460, s.mss);
	EXPECT_EQ(10, s.wscale);
	EXPECT_EQ(0, s.len);
}

/* The pseudo-header is in the sum: the same bytes between other hosts fail. */
TEST(tcp_checksum_covers_the_pseudo_header)
{
	const uint8_t *t = linux_syn + TTP_IPV4_HDR;
	struct ttp_seg s;
	uint8_t copy[40];

	EXPECT_EQ(0, ttp_tcp_checksum(t, 40, KERNEL, TTP));
	EXPECT_EQ(TTP_SEG_BAD_CHECKSUM, ttp_seg_decode(t, 40, KERNEL,
						       TTP + 1, &s));
	EXPECT_EQ(TTP_SEG_BAD_CHECKSUM, ttp_seg_decode(t, 40, KERNEL + 256,
						       TTP, &s));
	/* one bit of the timestamp option flipped */
	memcpy(copy, t, sizeof(copy));
	copy[30] ^= 0x01;
	EXPECT_EQ(TTP_SEG_BAD_CHECKSUM, ttp_seg_decode(copy, 40, KERNEL, TTP,
						       &s));
}

TEST(our_synack_is_byte_for_byte_what_linux_accepted)
{
	struct ttp_seg s;
	uint8_t pkt[64];
	size_t n;

	memset(&s, 0, sizeof(s));
	s.sport = 5001;
	s.dport = 37648;
	s.seq = 0x7645c1ac;
	s.ack = 0x50587d44;
	s.flags = TTP_SYN | TTP_ACK;
	s.wnd = 65535;
	s.mss = 1460;
	s.wscale = 7;
	n = ttp_seg_encode(&s, TTP, KERNEL, pkt + TTP_IPV4_HDR,
			   sizeof(pkt) - TTP_IPV4_HDR);
	ASSERT_EQ(28, n);
	ASSERT_EQ(48, ttp_ipv4_write_hdr(pkt, TTP, KERNEL, 3, n));
	EXPECT_EQ(0, memcmp(pkt, our_synack, sizeof(our_synack)));
}

TEST(rst_for_a_port_no_one_listens_on)
{
	struct ttp_ipv4 ip;
	struct ttp_seg syn, rst, again;
	uint8_t pkt[64];
	size_t n;

	ASSERT_EQ(TTP_IPV4_OK, ttp_ipv4_decode(linux_syn, sizeof(linux_syn),
					       &ip));
	ASSERT_EQ(TTP_SEG_OK, ttp_seg_decode(ip.payload, ip.len, ip.saddr,
					     ip.daddr, &syn));
	ASSERT_TRUE(ttp_seg_rst_for(&syn, &rst));
	n = ttp_seg_encode(&rst, TTP, KERNEL, pkt + TTP_IPV4_HDR, 44);
	ASSERT_EQ(20, n);
	ASSERT_EQ(40, ttp_ipv4_write_hdr(pkt, TTP, KERNEL, 1, n));
	EXPECT_EQ(0, memcmp(pkt, our_rst, sizeof(our_rst)));
	/* a RST is never answered */
	ASSERT_EQ(TTP_SEG_OK, ttp_seg_decode(pkt + TTP_IPV4_HDR, n, TTP,
					     KERNEL, &again));
	EXPECT_FALSE(ttp_seg_rst_for(&again, &rst));
}

TEST(rst_takes_its_sequence_number_from_the_ack)
{
	struct ttp_seg in, rst;

	memset(&in, 0, sizeof(in));
	in.sport = 40000;
	in.dport = 80;
	in.seq = 1000;
	in.ack = 0xfffffff0;
	in.flags = TTP_ACK | TTP_FIN;
	in.len = 10;
	ASSERT_TRUE(ttp_seg_rst_for(&in, &rst));
	EXPECT_EQ(TTP_RST, rst.flags);		/* no ACK: seq says it */
	EXPECT_EQ(0xfffffff0, rst.seq);
	EXPECT_EQ(80, rst.sport);
	EXPECT_EQ(40000, rst.dport);
	/* without ACK: acknowledge data and FIN, across the wrap */
	in.flags = TTP_FIN;
	in.seq = 0xfffffffa;
	ASSERT_TRUE(ttp_seg_rst_for(&in, &rst));
	EXPECT_EQ(TTP_RST | TTP_ACK, rst.flags);
	EXPECT_EQ(0, rst.seq);
	EXPECT_EQ(5, rst.ack);			/* 0xfffffffa + 10 + 1 */
}

/* A 20-byte TCP header plus @olen option bytes, checksummed. */
static size_t with_options(uint8_t *t, const uint8_t *opt, size_t olen)
{
	size_t hl = TTP_HDR_MIN + ((olen + 3) & ~3u);
	uint16_t c;

	memset(t, 0, hl);
	t[1] = 1;
	t[3] = 2;
	t[12] = (uint8_t)(hl / 4 << 4);
	t[13] = TTP_SYN;
	memcpy(t + TTP_HDR_MIN, opt, olen);
	c = ttp_tcp_checksum(t, hl, KERNEL, TTP);
	t[16] = (uint8_t)(c >> 8);
	t[17] = (uint8_t)c;
	return hl;
}

TEST(odd_and_truncated_options)
{
	struct {
		uint8_t opt[12];
		size_t len;
		int err, mss, wscale;
	} cases[] = {
		/* MSS cut short by the header's end */
		{ { 1, 1, 1, 1, 1, 2, 4, 5 }, 8, TTP_SEG_BAD_OPTION, 0, -1 },
		/* a kind with no length byte left */
		{ { 1, 1, 1, 3 }, 4, TTP_SEG_BAD_OPTION, 0, -1 },
		/* length 1 can never be right */
		{ { 30, 1, 0, 0 }, 4, TTP_SEG_BAD_OPTION, 0, -1 },
		/* MSS with the wrong length */
		{ { 2, 3, 5, 0 }, 4, TTP_SEG_BAD_OPTION, 0, -1 },
		/* unknown kind 30, 6 bytes: skipped; then MSS */
		{ { 30, 6, 1, 2, 3, 4, 2, 4, 0x02, 0x18 }, 10, TTP_SEG_OK,
		  536, -1 },
		/* end of list: what follows is padding, not an option */
		{ { 0, 2, 4, 0x05, 0xb4 }, 5, TTP_SEG_OK, 0, -1 },
		/* a shift above 14 is taken as 14 (RFC 7323) */
		{ { 1, 3, 3, 15 }, 4, TTP_SEG_OK, 0, 14 },
		/* timestamps (Linux sends them): skipped whole */
		{ { 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 3, 3 }, 12,
		  TTP_SEG_BAD_OPTION, 0, -1 },
		{ { 1, 1, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0 }, 12, TTP_SEG_OK,
		  0, -1 },
	};
	uint8_t t[64];
	struct ttp_seg s;
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = with_options(t, cases[i].opt, cases[i].len);
		EXPECT_EQ(cases[i].err, ttp_seg_decode(t, n, KERNEL, TTP, &s))
			TH_LOG("case %zu", i);
		if (cases[i].err)
			continue;
		EXPECT_EQ(cases[i].mss, s.mss) TH_LOG("case %zu", i);
		EXPECT_EQ(cases[i].wscale, s.wscale) TH_LOG("case %zu", i);
	}
}

/* ---- the link's packet path, with a device that keeps what it gets ---- */

struct fake {
	uint8_t sent[4][128];
	size_t len[4];
	unsigned int n;
};

static void fake_flush(struct ttp_io *l)
{
	struct fake *f = l->priv;
	unsigned int i;

	for (i = 0; i < l->nout && f->n < 4; i++, f->n++) {
		f->len[f->n] = l->out_len[i];
		memcpy(f->sent[f->n], l->out[i], l->out_len[i]);
	}
}

static int fake_recv(struct ttp_io *l)
{
	(void)l;
	return 0;
}

static const struct ttp_io_ops fake_ops = { fake_flush, fake_recv };

FIXTURE(link) {
	struct ttp_io l;
	struct fake f;
};

FIXTURE_SETUP(link)
{
	memset(&self->f, 0, sizeof(self->f));
	ASSERT_EQ(0, ttp_io_init(&self->l, &fake_ops, TTP_IPV4_HDR, 1520));
	self->l.priv = &self->f;
	self->l.laddr = TTP;
	self->l.raddr = KERNEL;
	self->l.ip_host = true;
}

FIXTURE_TEARDOWN(link)
{
	ttp_io_free(&self->l);
}

TEST_F(link, refused_packets_are_counted_by_reason)
{
	struct ttp_io *l = &self->l;
	uint8_t p[60];
	uint16_t c;

	memcpy(p, linux_syn, sizeof(p));
	EXPECT_FALSE(ttp_io_unwrap(l, 0, p, 10));		/* truncated */
	EXPECT_FALSE(ttp_io_unwrap(l, 0, p, 59));		/* total > len */
	p[0] = 0x60;						/* IPv6 */
	EXPECT_FALSE(ttp_io_unwrap(l, 0, p, sizeof(p)));
	p[0] = 0x45;
	p[8] = 1;						/* TTL: sum */
	EXPECT_FALSE(ttp_io_unwrap(l, 0, p, sizeof(p)));
	memcpy(p, linux_syn, sizeof(p));
	p[16] = 11;					/* to 11.73.0.2 */
	p[10] = 0;
	p[11] = 0;
	c = ttp_ipv4_checksum(p, TTP_IPV4_HDR);
	p[10] = (uint8_t)(c >> 8);
	p[11] = (uint8_t)c;
	EXPECT_FALSE(ttp_io_unwrap(l, 0, p, sizeof(p)));
	EXPECT_EQ(2, l->st.ip_bad[TTP_IPV4_TRUNCATED]);
	EXPECT_EQ(1, l->st.ip_bad[TTP_IPV4_NOT_V4]);
	EXPECT_EQ(1, l->st.ip_bad[TTP_IPV4_BAD_CHECKSUM]);
	EXPECT_EQ(1, l->st.not_ours);
	EXPECT_EQ(5, l->st.packets_in);
	/* and the real one goes through, with its addresses */
	ASSERT_TRUE(ttp_io_unwrap(l, 3, linux_syn, sizeof(linux_syn)));
	EXPECT_EQ(KERNEL, l->pkt[3].saddr);
	EXPECT_EQ(TTP, l->pkt[3].daddr);
	EXPECT_EQ(40, l->pkt[3].len);
	EXPECT_EQ(linux_syn + TTP_IPV4_HDR, l->pkt[3].seg);
}

TEST_F(link, a_stray_syn_gets_the_rst_linux_accepted)
{
	struct ttp_io *l = &self->l;
	struct ttp_seg s;

	ASSERT_TRUE(ttp_io_unwrap(l, 0, linux_syn, sizeof(linux_syn)));
	ASSERT_EQ(TTP_SEG_OK, ttp_seg_decode(l->pkt[0].seg, l->pkt[0].len,
					     KERNEL, TTP, &s));
	l->st.packets_out = 1;		/* the capture's IP id */
	ASSERT_TRUE(ttp_io_answer_stray(l, &s, KERNEL, TTP, 0));
	ttp_io_flush(l);
	ASSERT_EQ(1, self->f.n);
	ASSERT_EQ(sizeof(our_rst), self->f.len[0]);
	EXPECT_EQ(0, memcmp(self->f.sent[0], our_rst, sizeof(our_rst)));
	EXPECT_EQ(1, l->st.rst_strays);
	/* a RST is not answered; a datagram link answers nothing */
	s.flags = TTP_RST;
	EXPECT_FALSE(ttp_io_answer_stray(l, &s, KERNEL, TTP, 0));
	s.flags = TTP_SYN;
	l->ip_host = false;
	EXPECT_FALSE(ttp_io_answer_stray(l, &s, KERNEL, TTP, 0));
	ttp_io_flush(l);
	EXPECT_EQ(1, self->f.n);
	EXPECT_EQ(1, l->st.rst_strays);
}

TEST_HARNESS_MAIN
