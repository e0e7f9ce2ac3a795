/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Record segments as IPv4/TCP packets in a classic pcap file
 * (LINKTYPE_RAW), so Wireshark and tshark dissect them as real TCP.
 */
#ifndef TTP_PCAP_H
#define TTP_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ttp_pcap {
	FILE *f;
	uint16_t ip_id;
	uint64_t packets;
	int error;
};

/* Returns 0, or -1 with errno set. */
int ttp_pcap_open(struct ttp_pcap *p, const char *path);
/* One segment from @saddr to @daddr (host order) at @t_us. */
void ttp_pcap_write(struct ttp_pcap *p, uint64_t t_us, uint32_t saddr,
		    uint32_t daddr, const uint8_t *seg, size_t len);
/* Returns 0, or -1 when a write failed. */
int ttp_pcap_close(struct ttp_pcap *p);

#endif
