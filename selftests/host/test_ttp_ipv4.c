// SPDX-License-Identifier: GPL-2.0
/*
 * The IPv4 layer of the TUN link: a packet in, the segment out, and a
 * reason for every packet it refuses.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "ttp/ipv4.h"
#include "ttp/segment.h"

#define A_ADDR 0x0a000001
#define B_ADDR 0x0a000002

/* The header checksum's textbook example (192.168.0.1 -> .199, UDP). */
TEST(header_checksum_known_answer)
{
	uint8_t h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
			  0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01,
			  0xc0, 0xa8, 0x00, 0xc7 };
	uint8_t pkt[0x73] = { 0 };
	struct ttp_ipv4 ip;

	EXPECT_EQ(0xb861, ttp_ipv4_checksum(h, sizeof(h)));
	h[10] = 0xb8;
	h[11] = 0x61;
	EXPECT_EQ(0, ttp_ipv4_checksum(h, sizeof(h)));	/* it verifies */
	memcpy(pkt, h, sizeof(h));
	/* a good packet, but UDP: refused by name, addresses read */
	EXPECT_EQ(TTP_IPV4_NOT_TCP, ttp_ipv4_decode(pkt, sizeof(pkt), &ip));
	EXPECT_EQ(0xc0a80001, ip.saddr);
	EXPECT_EQ(0xc0a800c7, ip.daddr);
}

/* What Linux puts in a SYN: MSS, SACK permitted, timestamps, NOP, WS. */
static const uint8_t linux_syn_opts[20] = {
	2, 4, 0x05, 0xb4,		/* MSS 1460 */
	4, 2,				/* SACK permitted */
	8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0,	/* timestamps */
	1,				/* NOP */
	3, 3, 7,			/* window scale 7 */
};

static size_t linux_syn(uint8_t *pkt)
{
	uint8_t *t = pkt + TTP_IPV4_HDR;
	uint16_t c;

	memset(t, 0, 40);
	t[0] = 0xa0;			/* port 41000 */
	t[1] = 0x28;
	t[3] = 80;
	t[7] = 42;			/* seq 42 */
	t[12] = 10 << 4;		/* 40-byte header */
	t[13] = TTP_SYN;
	t[14] = 0xfa;			/* window 64240 */
	t[15] = 0xf0;
	memcpy(t + 20, linux_syn_opts, sizeof(linux_syn_opts));
	c = ttp_tcp_checksum(t, 40, A_ADDR, B_ADDR);
	t[16] = (uint8_t)(c >> 8);
	t[17] = (uint8_t)c;
	return ttp_ipv4_write_hdr(pkt, A_ADDR, B_ADDR, 7, 40);
}

TEST(a_linux_syn_decodes_and_unknown_options_are_skipped)
{
	uint8_t pkt[100];
	size_t n = linux_syn(pkt);
	struct ttp_ipv4 ip;
	struct ttp_seg s;

	ASSERT_EQ(60, n);
	ASSERT_EQ(TTP_IPV4_OK, ttp_ipv4_decode(pkt, n, &ip));
	EXPECT_EQ(A_ADDR, ip.saddr);
	EXPECT_EQ(B_ADDR, ip.daddr);
	EXPECT_EQ(TTP_IPV4_TTL, ip.ttl);
	EXPECT_EQ(7, ip.id);
	ASSERT_EQ(40, ip.len);
	ASSERT_EQ(TTP_SEG_OK,
		  ttp_seg_decode(ip.payload, ip.len, ip.saddr, ip.daddr, &s));
	EXPECT_EQ(41000, s.sport);
	EXPECT_EQ(80, s.dport);
	EXPECT_EQ(42, s.seq);
	EXPECT_EQ(TTP_SYN, s.flags);
	EXPECT_EQ(64240, s.wnd);
	EXPECT_EQ(1460, s.mss);
	EXPECT_EQ(7, s.wscale);
	EXPECT_EQ(0, s.len);
}

TEST(bad_packets_are_refused_with_their_reason)
{
	uint8_t pkt[100], bad[100];
	size_t n = linux_syn(pkt);
	struct ttp_ipv4 ip;

	EXPECT_EQ(TTP_IPV4_TRUNCATED, ttp_ipv4_decode(pkt, 19, &ip));
	EXPECT_EQ(TTP_IPV4_TRUNCATED, ttp_ipv4_decode(pkt, n - 1, &ip));
	memcpy(bad, pkt, n);
	bad[0] = 0x65;			/* version 6 */
	EXPECT_EQ(TTP_IPV4_NOT_V4, ttp_ipv4_decode(bad, n, &ip));
	memcpy(bad, pkt, n);
	bad[0] = 0x44;			/* IHL 16 bytes */
	EXPECT_EQ(TTP_IPV4_BAD_IHL, ttp_ipv4_decode(bad, n, &ip));
	memcpy(bad, pkt, n);
	bad[0] = 0x4f;			/* IHL 60 bytes: past a 40-byte copy */
	EXPECT_EQ(TTP_IPV4_BAD_IHL, ttp_ipv4_decode(bad, 40, &ip));
	memcpy(bad, pkt, n);
	bad[15] ^= 1;			/* a bit error in the source address */
	EXPECT_EQ(TTP_IPV4_BAD_CHECKSUM, ttp_ipv4_decode(bad, n, &ip));
	memcpy(bad, pkt, n);
	bad[6] = 0x20;			/* more fragments */
	bad[10] = bad[11] = 0;
	{
		uint16_t c = ttp_ipv4_checksum(bad, TTP_IPV4_HDR);

		bad[10] = (uint8_t)(c >> 8);
		bad[11] = (uint8_t)c;
	}
	EXPECT_EQ(TTP_IPV4_FRAGMENT, ttp_ipv4_decode(bad, n, &ip));
	/* bytes after the total length are not part of the packet */
	memcpy(bad, pkt, n);
	bad[n] = 0xee;
	ASSERT_EQ(TTP_IPV4_OK, ttp_ipv4_decode(bad, n + 1, &ip));
	EXPECT_EQ(40, ip.len);
	EXPECT_STREQ("bad_checksum", ttp_ipv4_err_name(TTP_IPV4_BAD_CHECKSUM));
}

TEST(no_packet_larger_than_ipv4_allows)
{
	static uint8_t big[65536 + 40];

	EXPECT_EQ(65535, ttp_ipv4_write_hdr(big, A_ADDR, B_ADDR, 1, 65515));
	EXPECT_EQ(0, ttp_ipv4_write_hdr(big, A_ADDR, B_ADDR, 1, 65516));
}

TEST_HARNESS_MAIN
