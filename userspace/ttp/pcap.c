// SPDX-License-Identifier: GPL-2.0
/* Classic pcap writer: IPv4 header + our TCP segment per record. */
#include "ttp/pcap.h"

#include <string.h>

#include "ttp/segment.h"

#define LINKTYPE_RAW	101	/* packets begin with the IP header */

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	be16(p, (uint16_t)(v >> 16));
	be16(p + 2, (uint16_t)v);
}

int ttp_pcap_open(struct ttp_pcap *p, const char *path)
{
	uint8_t h[24];

	memset(p, 0, sizeof(*p));
	p->f = fopen(path, "wb");
	if (!p->f)
		return -1;
	le32(h, 0xa1b2c3d4);	/* microsecond timestamps */
	le16(h + 4, 2);
	le16(h + 6, 4);
	le32(h + 8, 0);
	le32(h + 12, 0);
	le32(h + 16, 65535);
	le32(h + 20, LINKTYPE_RAW);
	if (fwrite(h, sizeof(h), 1, p->f) != 1)
		p->error = 1;
	return 0;
}

void ttp_pcap_write(struct ttp_pcap *p, uint64_t t_us, uint32_t saddr,
		    uint32_t daddr, const uint8_t *seg, size_t len)
{
	uint8_t rec[16], ip[20];
	uint32_t sum = 0;
	int i;

	if (!p->f || len > TTP_SEG_MAX)
		return;
	le32(rec, (uint32_t)(t_us / 1000000));
	le32(rec + 4, (uint32_t)(t_us % 1000000));
	le32(rec + 8, (uint32_t)(len + 20));
	le32(rec + 12, (uint32_t)(len + 20));
	memset(ip, 0, sizeof(ip));
	ip[0] = 0x45;		/* IPv4, 5 words */
	be16(ip + 2, (uint16_t)(len + 20));
	be16(ip + 4, p->ip_id++);
	be16(ip + 6, 0x4000);	/* don't fragment */
	ip[8] = 64;
	ip[9] = TTP_PROTO_TCP;
	be32(ip + 12, saddr);
	be32(ip + 16, daddr);
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	be16(ip + 10, (uint16_t)~sum);
	if (fwrite(rec, sizeof(rec), 1, p->f) != 1 ||
	    fwrite(ip, sizeof(ip), 1, p->f) != 1 ||
	    fwrite(seg, len, 1, p->f) != 1)
		p->error = 1;
	p->packets++;
}

int ttp_pcap_close(struct ttp_pcap *p)
{
	int err = p->error;

	if (!p->f)
		return 0;
	if (fclose(p->f))
		err = 1;
	p->f = NULL;
	return err ? -1 : 0;
}
