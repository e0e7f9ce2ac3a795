// SPDX-License-Identifier: GPL-2.0
/*
 * `tcpteach ttp recv|send` (the teaching transport over UDP, or over a
 * TUN device to the kernel's TCP) and `tcpteach sim` (a whole transfer
 * over the simulated link).
 */
#include "cli/ttp_cmd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "teach_cc.h"
#include "lib/num.h"
#include "lib/trace.h"
#include "ttp/pcap.h"
#include "ttp/sim.h"
#include "ttp/tun.h"
#include "ttp/udp.h"

#define EXIT_USAGE 2
#define LOOPBACK_MSS 32000
/*
 * Elsewhere a segment must fit one Ethernet frame inside UDP:
 * 1500 - 20 (IP) - 8 (UDP) - 20 (our TCP header) = 1452.  The slides'
 * MSS of 1460 would make every data datagram two IP fragments.
 */
#define UDP_ETHERNET_MSS 1452

static const char ttp_usage[] =
"usage: tcpteach ttp recv [--port P] [-o FILE] [--link udp|tun] [options]\n"
"       tcpteach ttp send FILE HOST:PORT [--link udp|tun] [--mode saw|gbn]\n"
"                         [--cc tahoe|reno|none] [--trace CSV] [--pcap FILE]\n"
"\n"
"The teaching transport: the slides' TCP (handshake, sliding window,\n"
"flow control, slow start, fast retransmit, FIN) in userspace, its\n"
"segments carried in UDP datagrams (--link udp, the default) or, as\n"
"real IPv4/TCP packets, through a TUN device to the kernel's own TCP\n"
"(--link tun, root): then the peer is Linux (nc, python, iperf3).\n"
"recv writes exactly the bytes it received; both sides exit non-zero\n"
"when the transfer cannot complete.\n"
"\n"
"options:\n"
"  --port P        recv: port to listen on (default 5001; 0 = any, UDP)\n"
"  -o FILE         recv: write the data here (default '-' = stdout)\n"
"  --mode M        saw (stop-and-wait) or gbn (sliding window, default)\n"
"  --cc ALGO       reno (default), tahoe or none\n"
"  --mss BYTES     largest segment payload (default: send 1452, to fit an\n"
"                  Ethernet frame inside UDP and keep 64 kB = 45 segments;\n"
"                  recv 32000; at most 65455; --mss 32000 is fast on loopback)\n"
"  --rwnd BYTES    receive/send buffer (default 4194304; TUN recv offers\n"
"                  at most the device's queue, txqueuelen x MSS)\n"
"  --ack-every N   recv: one ACK per N in-order segments, the rest after\n"
"                  40 ms (default 1: the slides' ACK per segment)\n"
"  --no-wscale     the slides' 16-bit window only (at most 65535 bytes)\n"
"  --trace CSV     window events as CSV (same columns as the kernel)\n"
"  --pcap FILE     record every segment as IPv4/TCP (tshark, wireshark)\n"
"  --timeout S     recv: give up when no sender came, or it went silent,\n"
"                  for S seconds (default: wait for a sender; 30 s silent)\n"
"  -q, --quiet     no summary\n"
"\n"
"TUN link (--link tun):\n"
"  --tun NAME      the device (default: the kernel names it, tun0 ...)\n"
"  --local ADDR    the transport's own IPv4 address (default 10.73.0.2)\n"
"  --peer ADDR     the kernel's address on the device (default 10.73.0.1;\n"
"                  send: HOST is this address)\n"
"  --mtu BYTES     the device's MTU (default 1500; the MSS defaults to\n"
"                  MTU - 40, so 1460)\n"
"  e.g.  tcpteach ttp send big.bin 10.73.0.1:5001 --link tun\n"
"        (with 'nc -l -p 5001 > copy.bin' started first)\n";

static const char sim_usage[] =
"usage: tcpteach sim [--loss R] [--rtt MS] [--rate MBIT] [--drop N,...]\n"
"                    [--cc tahoe|reno|none] [--mode saw|gbn] [--size BYTES]\n"
"                    [--ack-every N] [--seed N] [--trace CSV]\n"
"\n"
"One whole transfer through a simulated, deterministic link (same seed,\n"
"same result), using the same congestion-control core as the kernel\n"
"module.  Prints a summary; --trace writes the window events.\n"
"\n"
"options:\n"
"  --loss R        random loss per segment, 0..1 or a percentage (5%)\n"
"  --rtt MS        round-trip time in milliseconds (default 100)\n"
"  --rate MBIT     bottleneck rate in Mbit/s (default 0 = none)\n"
"  --queue N       bottleneck queue limit in packets (default 100)\n"
"  --drop N,...    drop exactly these data segments (1 = the first sent)\n"
"  --dup R --reorder R --corrupt R   duplication, reordering, bit errors\n"
"  --cc ALGO       reno (default), tahoe or none\n"
"  --mode M        gbn (default) or saw\n"
"  --size BYTES    bytes to transfer (default 200000; k/M suffixes)\n"
"  --mss BYTES     segment payload (default 1460)\n"
"  --rwnd BYTES    receiver buffer (default 65535, the 16-bit window)\n"
"  --ssthresh B    initial ssthresh in bytes (default 65536; 0 = none)\n"
"  --ack-every N   receiver ACKs every N segments, the rest after 40 ms\n"
"                  (default 1); slow start still doubles per round trip\n"
"  --seed N        random seed (default 1)\n"
"  --syn-flood N   also send N spoofed SYNs at the receiver\n"
"  --trace CSV     window events as CSV ('-' = stdout)\n"
"  --pcap FILE     record every segment as IPv4/TCP\n"
"  -q, --quiet     no summary\n";

static int usage_error(const char *cmd, const char *fmt, const char *arg,
		       const char *fix)
{
	fprintf(stderr, "tcpteach %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n  fix: %s (see 'tcpteach %s --help')\n", fix,
		cmd);
	return EXIT_USAGE;
}

static int parse_algo(const char *s, enum teach_algo *a)
{
	if (!strcmp(s, "reno"))
		*a = TEACH_RENO;
	else if (!strcmp(s, "tahoe"))
		*a = TEACH_TAHOE;
	else if (!strcmp(s, "none"))
		*a = TEACH_NONE;
	else
		return -1;
	return 0;
}

static int parse_mode(const char *s, enum ttp_mode *m)
{
	if (!strcmp(s, "gbn"))
		*m = TTP_MODE_GBN;
	else if (!strcmp(s, "saw"))
		*m = TTP_MODE_SAW;
	else
		return -1;
	return 0;
}

/* A non-negative integer with an optional k/M/G suffix (powers of 10). */
static int parse_size(const char *s, uint64_t max, uint64_t *v)
{
	static const struct { char c; unsigned long long mul; } sfx[] = {
		{ 'k', 1000 }, { 'K', 1000 }, { 'M', 1000000 },
		{ 'G', 1000000000 },
	};
	unsigned long long x, mul = 1;
	char digits[32];
	size_t n = strlen(s), i;

	for (i = 0; n > 1 && i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if (s[n - 1] == sfx[i].c) {
			mul = sfx[i].mul;
			n--;
		}
	if (n >= sizeof(digits))
		return -1;
	memcpy(digits, s, n);
	digits[n] = '\0';
	if (parse_ull(digits, max / mul, &x))
		return -1;
	*v = x * mul;
	return 0;
}

/* A probability: 0..1, or a percentage "5%". */
static int parse_prob(const char *s, double *p)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(s, &end);
	if (errno || end == s)
		return -1;
	if (*end == '%') {
		x /= 100;
		end++;
	}
	if (*end || !(x >= 0 && x <= 1))
		return -1;
	*p = x;
	return 0;
}

static void summary(FILE *f, const char *what, uint64_t bytes,
		    uint64_t dur_us, const struct ttp_stats *st)
{
	double secs = dur_us / 1e6;

	fprintf(f, "%s: %llu bytes in %.3f s, goodput %.2f Mbit/s\n", what,
		(unsigned long long)bytes, secs,
		secs > 0 ? bytes * 8 / secs / 1e6 : 0.0);
	/* "dropped" is the link's word (below); the endpoint refuses */
	fprintf(f, "  segments sent %llu (data %llu), received %llu, "
		"refused %llu\n",
		(unsigned long long)st->segs_out,
		(unsigned long long)st->data_segs_out,
		(unsigned long long)st->segs_in,
		(unsigned long long)st->dropped);
	fprintf(f, "  retransmissions %llu, timeouts %llu, "
		"fast retransmits %llu, dupacks %llu, window events %llu\n",
		(unsigned long long)st->retransmits,
		(unsigned long long)st->timeouts,
		(unsigned long long)st->fast_retransmits,
		(unsigned long long)st->dupacks_in,
		(unsigned long long)st->events);
}

static void cookies_summary(FILE *f, const struct ttp_listener_stats *l)
{
	fprintf(f, "  SYN cookies: %llu sent when the table was full, %llu proved "
		"by an ACK, %llu bad; %llu connection(s) accepted\n",
		(unsigned long long)l->cookies_sent,
		(unsigned long long)l->cookies_ok,
		(unsigned long long)l->cookies_bad,
		(unsigned long long)l->accepted);
}

/* The TUN link's own counters: what it refused, what it answered. */
static void tun_summary(FILE *f, const struct ttp_xfer_result *r)
{
	const struct ttp_io_stats *s = &r->link;
	int i;

	fprintf(f, "  tun: packets in %llu, out %llu, not for us %llu, "
		"RST to unknown ports %llu, write errors %llu; "
		"zero-window probes %llu, RST in %llu, out %llu\n",
		(unsigned long long)s->packets_in,
		(unsigned long long)s->packets_out,
		(unsigned long long)s->not_ours,
		(unsigned long long)s->rst_strays,
		(unsigned long long)s->send_errors,
		(unsigned long long)r->st.probes,
		(unsigned long long)r->st.rst_in,
		(unsigned long long)r->st.rst_out);
	fprintf(f, "  tun: refused IPv4");
	for (i = 1; i < TTP_IPV4_NR_ERRS; i++)
		fprintf(f, "%s %s %llu", i > 1 ? "," : "",
			ttp_ipv4_err_name(i), (unsigned long long)s->ip_bad[i]);
	fprintf(f, "; refused TCP");
	for (i = 1; i < TTP_SEG_NR_ERRS; i++)
		fprintf(f, "%s %s %llu", i > 1 ? "," : "",
			ttp_seg_err_name(i),
			(unsigned long long)r->st.bad_segs[i]);
	fputc('\n', f);
	if (!r->listened)
		return;
	fprintf(f, "  listener: %llu SYNs, %llu SYN-ACKs from the table, "
		"half-open entries now %u, at most %u, %llu expired, "
		"%llu refused, %llu replies dropped\n",
		(unsigned long long)r->lis.syns,
		(unsigned long long)r->lis.synacks, r->lis.half_open,
		r->lis.half_open_max, (unsigned long long)r->lis.expired,
		(unsigned long long)r->lis.bad_segs,
		(unsigned long long)r->lis.replies_dropped);
	cookies_summary(f, &r->lis);
}

static FILE *open_trace(const char *cmd, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;

	if (!f) {
		fprintf(stderr, "tcpteach %s: cannot write trace '%s': %s\n"
			"  fix: give a writable path to --trace\n", cmd, path,
			strerror(errno));
		return NULL;
	}
	trace_write_header(f);
	return f;
}

static int open_pcap(const char *cmd, struct ttp_pcap *pcap, const char *path)
{
	if (!ttp_pcap_open(pcap, path))
		return 0;
	fprintf(stderr, "tcpteach %s: cannot write '%s': %s\n"
		"  fix: give a writable path to --pcap\n", cmd, path,
		strerror(errno));
	return -1;
}

static int close_trace(FILE *f)
{
	if (!f)
		return 0;
	if (f == stdout)
		return fflush(f);
	return fclose(f);
}

enum {
	OPT_PORT = 256, OPT_MODE, OPT_CC, OPT_MSS, OPT_RWND, OPT_NOWS,
	OPT_TRACE, OPT_PCAP, OPT_TIMEOUT, OPT_LOSS, OPT_RTT, OPT_RATE,
	OPT_QUEUE, OPT_DROP, OPT_DUP, OPT_REORDER, OPT_CORRUPT, OPT_SIZE,
	OPT_SEED, OPT_FLOOD, OPT_SSTHRESH, OPT_ACK_EVERY, OPT_HELP,
	OPT_LINK, OPT_TUN, OPT_LOCAL, OPT_PEER, OPT_MTU,
};

/* --ack-every N: how many in-order segments one ACK may cover. */
static int parse_ack_every(const char *cmd, const char *arg, uint32_t *out)
{
	uint64_t v;

	if (parse_size(arg, 64, &v) || v < 1)
		return usage_error(cmd, "bad --ack-every '%s'", arg,
				   "give --ack-every 1..64 segments");
	*out = (uint32_t)v;
	return 0;
}

/* ---- tcpteach ttp ----------------------------------------------------- */

/* "HOST:PORT" into @buf (the host) and @port; @s stays as given. */
static int split_hostport(const char *s, char *buf, size_t len,
			  uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	unsigned long long p;

	if (!colon || colon == s || (size_t)(colon - s) >= len ||
	    parse_ull(colon + 1, 65535, &p) || p == 0)
		return -1;
	memcpy(buf, s, (size_t)(colon - s));
	buf[colon - s] = '\0';
	*port = (uint16_t)p;
	return 0;
}

static void announce(void *ctx, uint16_t port)
{
	(void)ctx;
	fprintf(stderr, "ttp recv: listening on UDP port %u\n", port);
}

struct tun_where {
	const struct ttp_xfer_opts *o;
	uint16_t port;
};

static void addr_str(uint32_t a, char *buf, size_t len)
{
	struct in_addr in = { .s_addr = htonl(a) };

	inet_ntop(AF_INET, &in, buf, (socklen_t)len);
}

static void announce_tun(void *ctx, const char *dev)
{
	const struct tun_where *w = ctx;
	char l[INET_ADDRSTRLEN], p[INET_ADDRSTRLEN];

	addr_str(w->o->local, l, sizeof(l));
	addr_str(w->o->peer, p, sizeof(p));
	fprintf(stderr, "ttp recv: listening on %s:%u (TUN %s; the kernel's "
		"side is %s)\n", l, w->port, dev, p);
}

/* A dotted IPv4 address in host order. */
static int parse_ipv4(const char *s, uint32_t *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return -1;
	*a = ntohl(in.s_addr);
	return 0;
}

int ttp_cmd_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, OPT_PORT },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "cc", required_argument, NULL, OPT_CC },
		{ "mss", required_argument, NULL, OPT_MSS },
		{ "rwnd", required_argument, NULL, OPT_RWND },
		{ "ack-every", required_argument, NULL, OPT_ACK_EVERY },
		{ "no-wscale", no_argument, NULL, OPT_NOWS },
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ "pcap", required_argument, NULL, OPT_PCAP },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "link", required_argument, NULL, OPT_LINK },
		{ "tun", required_argument, NULL, OPT_TUN },
		{ "local", required_argument, NULL, OPT_LOCAL },
		{ "peer", required_argument, NULL, OPT_PEER },
		{ "mtu", required_argument, NULL, OPT_MTU },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct ttp_xfer_opts o;
	struct ttp_xfer_result r;
	struct ttp_pcap pcap;
	const char *out = "-", *trace = NULL, *pcap_path = NULL, *host = "";
	char hostbuf[256];
	uint64_t port = 5001, v;
	uint16_t dport = 0;
	int ch, rc, recv, mss_given = 0, tun = 0, peer_given = 0;
	uint32_t host_addr;
	FILE *tf = NULL;

	ttp_xfer_opts_default(&o);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(ttp_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "send") && strcmp(argv[1], "recv"))
		return usage_error("ttp", "unknown subcommand '%s'", argv[1],
				   "use 'tcpteach ttp send' or "
				   "'tcpteach ttp recv'");
	recv = !strcmp(argv[1], "recv");
	argc--;
	argv++;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_PORT:
			if (parse_size(optarg, 65535, &port))
				return usage_error("ttp", "bad port '%s'",
						   optarg,
						   "give --port 0..65535");
			break;
		case 'o':
			out = optarg;
			break;
		case OPT_MODE:
			if (parse_mode(optarg, &o.mode))
				return usage_error("ttp", "unknown mode '%s'",
						   optarg,
						   "use --mode saw or gbn");
			break;
		case OPT_CC:
			if (parse_algo(optarg, &o.algo))
				return usage_error("ttp",
						   "unknown algorithm '%s'",
						   optarg, "use --cc tahoe, "
						   "reno or none");
			break;
		case OPT_MSS:
			if (parse_size(optarg, TTP_SEG_MAX - TTP_HDR_MAX, &v) ||
			    v < 64)
				return usage_error("ttp", "bad MSS '%s'",
						   optarg,
						   "give --mss 64..65455");
			o.mss = (uint32_t)v;
			mss_given = 1;
			break;
		case OPT_RWND:
			if (parse_size(optarg, 1u << 30, &v) || v < 1)
				return usage_error("ttp", "bad size '%s'",
						   optarg, "give --rwnd "
						   "1..1073741824 bytes");
			o.rcvbuf = o.sndbuf = (uint32_t)v;
			break;
		case OPT_ACK_EVERY:
			if (parse_ack_every("ttp", optarg, &o.ack_every))
				return EXIT_USAGE;
			break;
		case OPT_NOWS:
			o.wscale = -1;
			break;
		case OPT_TRACE:
			trace = optarg;
			break;
		case OPT_PCAP:
			pcap_path = optarg;
			break;
		case OPT_TIMEOUT:
			if (parse_size(optarg, 86400, &v) || v < 1)
				return usage_error("ttp", "bad timeout '%s'",
						   optarg, "give --timeout "
						   "1..86400 seconds");
			/* silent before the first segment counts too */
			o.idle_timeout_us = o.connect_timeout_us = v * 1000000;
			break;
		case OPT_LINK:
			if (strcmp(optarg, "udp") && strcmp(optarg, "tun"))
				return usage_error("ttp", "unknown link '%s'",
						   optarg,
						   "use --link udp or tun");
			tun = !strcmp(optarg, "tun");
			break;
		case OPT_TUN:
			if (!*optarg || strlen(optarg) >= 16 ||
			    strchr(optarg, '/') || strchr(optarg, ' '))
				return usage_error("ttp", "bad device name '%s'",
						   optarg, "give --tun NAME, "
						   "1..15 characters, no '/'");
			o.tun_name = optarg;
			break;
		case OPT_LOCAL:
		case OPT_PEER:
			if (parse_ipv4(optarg, ch == OPT_LOCAL ? &o.local :
							    &o.peer))
				return usage_error("ttp",
						   "bad IPv4 address '%s'",
						   optarg, "give --local/--peer "
						   "as a.b.c.d, e.g. 10.73.0.2");
			peer_given |= ch == OPT_PEER;
			break;
		case OPT_MTU:
			if (parse_size(optarg, 65535, &v) || v < 576)
				return usage_error("ttp", "bad MTU '%s'",
						   optarg,
						   "give --mtu 576..65535");
			o.mtu = (uint32_t)v;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'h':
		case OPT_HELP:
			fputs(ttp_usage, stdout);
			return 0;
		default:
			return usage_error("ttp", "unknown option '%s'",
					   argv[optind - 1],
					   "see the options below --help");
		}
	}
	if (recv && optind != argc)
		return usage_error("ttp", "unexpected argument '%s'",
				   argv[optind], "recv takes only options");
	if (!recv && argc - optind != 2)
		return usage_error("ttp", "send needs %s", "FILE HOST:PORT",
				   "tcpteach ttp send FILE HOST:PORT");
	if (!recv && split_hostport(argv[optind + 1], hostbuf,
				    sizeof(hostbuf), &dport))
		return usage_error("ttp", "bad destination '%s'",
				   argv[optind + 1],
				   "give HOST:PORT with PORT 1..65535, e.g. 127.0.0.1:5001");
	host = hostbuf;
	if (!tun && (o.tun_name[0] || o.local != 0x0a490002 ||
		     o.peer != 0x0a490001 || o.mtu != 1500))
		return usage_error("ttp", "%s", "--tun/--local/--peer/--mtu "
				   "without --link tun",
				   "add --link tun, or drop them for UDP");
	if (tun && !recv) {
		/* the kernel's address is where we send to */
		if (parse_ipv4(host, &host_addr) ||
		    (peer_given && host_addr != o.peer))
			return usage_error("ttp", "bad TUN destination '%s'",
					   host, "give the kernel's side of "
					   "the device as HOST, e.g. "
					   "10.73.0.1:5001 (the --peer)");
		o.peer = host_addr;
	}
	if (tun && o.local == o.peer)
		return usage_error("ttp", "%s", "--local equals --peer",
				   "give the two ends different addresses");
	if (tun && !port && recv)
		return usage_error("ttp", "%s", "--port 0 with --link tun",
				   "give the port to listen on, e.g. 5001");
	if (tun && mss_given && o.mss > o.mtu - 40)
		return usage_error("ttp", "%s", "--mss larger than the MTU "
				   "allows", "give --mss <= MTU - 40, or a "
				   "larger --mtu");
	/*
	 * The sender uses the Ethernet MSS everywhere, loopback included:
	 * with 32000-byte segments the slides' 64 kB ssthresh is 2 segments
	 * and the trace shows no slow start.  The receiver takes segments up
	 * to LOOPBACK_MSS, so a sender's --mss 32000 is fast on loopback.
	 */
	if (!mss_given)
		o.mss = tun ? o.mtu - 40 :
		        recv ? LOOPBACK_MSS : UDP_ETHERNET_MSS;
	if (o.wscale >= 0) {
		o.wscale = 0;
		while (o.wscale < TTP_WSCALE_MAX &&
		       (65535u << o.wscale) < o.rcvbuf)
			o.wscale++;
	}
	if (trace && !(tf = open_trace("ttp", trace)))
		return 1;
	o.trace = tf;
	if (pcap_path) {
		if (open_pcap("ttp", &pcap, pcap_path)) {
			close_trace(tf);
			return 1;
		}
		o.pcap = &pcap;
	}
	if (tun && recv) {
		struct tun_where w = { &o, (uint16_t)port };

		rc = ttp_tun_recv((uint16_t)port, out, &o, &r,
				  o.quiet ? NULL : announce_tun, &w);
	} else if (tun) {
		rc = ttp_tun_send(argv[optind], dport, &o, &r);
	} else if (recv) {
		rc = ttp_udp_recv((uint16_t)port, out, &o, &r,
				  o.quiet ? NULL : announce, NULL);
	} else {
		rc = ttp_udp_send(argv[optind], host, dport, &o, &r);
	}
	if (o.pcap && ttp_pcap_close(o.pcap) && !rc) {
		fprintf(stderr, "tcpteach ttp: writing '%s' failed\n",
			pcap_path);
		rc = -1;
	}
	if (close_trace(tf) && !rc) {
		fprintf(stderr, "tcpteach ttp: writing '%s' failed\n", trace);
		rc = -1;
	}
	/* A transfer that never started has nothing to summarise. */
	if (!o.quiet && (!rc || r.duration_us))
		summary(stderr, recv ? "ttp recv" : "ttp send", r.bytes,
			r.duration_us, &r.st);
	/* the refused packets are the point of a TUN run's summary */
	if (!o.quiet && tun && (!rc || r.link.packets_in))
		tun_summary(stderr, &r);
	if (rc) {
		fprintf(stderr, "tcpteach ttp %s: %s\n",
			recv ? "recv" : "send", r.err[0] ? r.err : "failed");
		return 1;
	}
	return 0;
}

/* ---- tcpteach sim ---------------------------------------------------- */

struct verify {
	const uint8_t *data;
	size_t off;
	int bad;
};

static void check_data(void *ctx, const uint8_t *p, size_t n)
{
	struct verify *v = ctx;

	if (memcmp(v->data + v->off, p, n))
		v->bad = 1;
	v->off += n;
}

static int parse_drops(const char *s, struct ttp_link_cfg *l)
{
	char item[32];
	unsigned long long x;
	size_t n;

	l->ndrops = 0;
	while (*s) {
		n = strcspn(s, ",");
		if (n >= sizeof(item) || l->ndrops == TTP_SIM_MAX_DROPS)
			return -1;
		memcpy(item, s, n);
		item[n] = '\0';
		if (parse_ull(item, 0xffffffffULL, &x) || x < 1)
			return -1;
		l->drops[l->ndrops++] = (uint32_t)x;
		s += n;
		if (*s == ',' && !*++s)
			return -1;	/* a trailing comma */
	}
	return l->ndrops ? 0 : -1;
}

/* What the spoofed SYNs did to the receiver's listener (the slides' SYN flood). */
static void syn_flood_summary(FILE *f, const struct ttp_sim_cfg *c,
			      const struct ttp_listener_stats *l)
{
	fprintf(f, "  syn flood: %llu spoofed SYNs, listener got %llu SYNs; "
		"half-open entries at most %u of %u (backlog), %llu expired\n",
		(unsigned long long)c->syn_flood, (unsigned long long)l->syns,
		l->half_open_max, c->backlog, (unsigned long long)l->expired);
	cookies_summary(f, l);
}

static void csv_row(void *ctx, const struct trace_row *row)
{
	trace_write_row(ctx, row);
}

int sim_cmd_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "loss", required_argument, NULL, OPT_LOSS },
		{ "rtt", required_argument, NULL, OPT_RTT },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "queue", required_argument, NULL, OPT_QUEUE },
		{ "drop", required_argument, NULL, OPT_DROP },
		{ "dup", required_argument, NULL, OPT_DUP },
		{ "reorder", required_argument, NULL, OPT_REORDER },
		{ "corrupt", required_argument, NULL, OPT_CORRUPT },
		{ "cc", required_argument, NULL, OPT_CC },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "mss", required_argument, NULL, OPT_MSS },
		{ "rwnd", required_argument, NULL, OPT_RWND },
		{ "ssthresh", required_argument, NULL, OPT_SSTHRESH },
		{ "ack-every", required_argument, NULL, OPT_ACK_EVERY },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "syn-flood", required_argument, NULL, OPT_FLOOD },
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ "pcap", required_argument, NULL, OPT_PCAP },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct ttp_sim_cfg c;
	struct ttp_sim_result r;
	struct ttp_pcap pcap;
	struct verify ver = { 0 };
	struct ttp_rng rng;
	const char *trace = NULL, *pcap_path = NULL;
	uint64_t v, size = 200000, rtt_ms = 100, rate = 0;
	double loss = 0;
	uint8_t *data;
	FILE *tf = NULL;
	int ch, quiet = 0, rc;
	size_t i;

	ttp_sim_cfg_default(&c);
	c.fwd.queue_limit = c.rev.queue_limit = 100;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_LOSS:
			if (parse_prob(optarg, &loss))
				return usage_error("sim", "bad loss rate '%s'",
						   optarg, "give --loss 0..1 "
						   "or a percentage like 5%");
			break;
		case OPT_RTT:
			/* 0 would make every transfer take no time at all */
			if (parse_size(optarg, 600000, &rtt_ms) || !rtt_ms)
				return usage_error("sim", "bad RTT '%s'",
						   optarg, "give --rtt "
						   "1..600000 milliseconds");
			break;
		case OPT_RATE:
			if (parse_size(optarg, 100000, &rate))
				return usage_error("sim", "bad rate '%s'",
						   optarg, "give --rate 0..100000 "
						   "Mbit/s (0 = unlimited)");
			break;
		case OPT_QUEUE:
			if (parse_size(optarg, 100000, &v) || v < 1)
				return usage_error("sim", "bad queue '%s'",
						   optarg, "give --queue "
						   "1..100000 packets");
			c.fwd.queue_limit = c.rev.queue_limit = (uint32_t)v;
			break;
		case OPT_DROP:
			if (parse_drops(optarg, &c.fwd))
				return usage_error("sim", "bad drop list '%s'",
						   optarg, "give data segment "
						   "numbers >= 1 like "
						   "--drop 7,20 (at most 64)");
			break;
		case OPT_DUP:
			if (parse_prob(optarg, &c.fwd.dup))
				return usage_error("sim", "bad rate '%s'",
						   optarg, "give --dup 0..1");
			c.rev.dup = c.fwd.dup;
			break;
		case OPT_REORDER:
			if (parse_prob(optarg, &c.fwd.reorder))
				return usage_error("sim", "bad rate '%s'",
						   optarg,
						   "give --reorder 0..1");
			break;
		case OPT_CORRUPT:
			if (parse_prob(optarg, &c.fwd.corrupt))
				return usage_error("sim", "bad rate '%s'",
						   optarg,
						   "give --corrupt 0..1");
			c.rev.corrupt = c.fwd.corrupt;
			break;
		case OPT_CC:
			if (parse_algo(optarg, &c.client.algo))
				return usage_error("sim",
						   "unknown algorithm '%s'",
						   optarg, "use --cc tahoe, "
						   "reno or none");
			break;
		case OPT_MODE:
			if (parse_mode(optarg, &c.client.mode))
				return usage_error("sim", "unknown mode '%s'",
						   optarg,
						   "use --mode saw or gbn");
			break;
		case OPT_SIZE:
			if (parse_size(optarg, 1ull << 31, &size))
				return usage_error("sim", "bad size '%s'",
						   optarg, "give --size 0..2G "
						   "bytes (k, M, G allowed)");
			break;
		case OPT_MSS:
			if (parse_size(optarg, 65000, &v) || v < 64)
				return usage_error("sim", "bad MSS '%s'",
						   optarg,
						   "give --mss 64..65000");
			c.client.mss = c.server.mss = (uint32_t)v;
			break;
		case OPT_RWND:
			if (parse_size(optarg, 65535, &v) || v < 1)
				return usage_error("sim", "bad window '%s'",
						   optarg, "give --rwnd "
						   "1..65535 bytes");
			c.server.rcvbuf = (uint32_t)v;
			break;
		case OPT_SSTHRESH:
			if (parse_size(optarg, 1u << 30, &v))
				return usage_error("sim", "bad ssthresh '%s'",
						   optarg, "give --ssthresh "
						   "bytes (0 = unlimited)");
			c.client.ssthresh_bytes = (uint32_t)v;
			break;
		case OPT_ACK_EVERY:
			if (parse_ack_every("sim", optarg,
					    &c.server.ack_every))
				return EXIT_USAGE;
			break;
		case OPT_SEED:
			if (parse_size(optarg, UINT64_MAX, &c.seed))
				return usage_error("sim", "bad seed '%s'",
						   optarg,
						   "give a non-negative number");
			break;
		case OPT_FLOOD:
			if (parse_size(optarg, 100000000, &c.syn_flood))
				return usage_error("sim", "bad count '%s'",
						   optarg, "give --syn-flood "
						   "0..100000000");
			break;
		case OPT_TRACE:
			trace = optarg;
			break;
		case OPT_PCAP:
			pcap_path = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
		case OPT_HELP:
			fputs(sim_usage, stdout);
			return 0;
		default:
			return usage_error("sim", "unknown option '%s'",
					   argv[optind - 1],
					   "see the options below --help");
		}
	}
	if (optind != argc)
		return usage_error("sim", "unexpected argument '%s'",
				   argv[optind], "sim takes only options");
	c.fwd.loss = c.rev.loss = loss;
	c.fwd.delay_us = c.rev.delay_us = rtt_ms * 1000 / 2;
	c.fwd.rate_bps = c.rev.rate_bps = rate * 1000000;
	data = malloc(size ? size : 1);
	if (!data) {
		fprintf(stderr, "tcpteach sim: out of memory for %llu bytes\n"
			"  fix: give a smaller --size\n",
			(unsigned long long)size);
		return 1;
	}
	rng.s = c.seed;
	for (i = 0; i < size; i++)
		data[i] = (uint8_t)ttp_rng_next(&rng);
	c.data = data;
	c.size = size;
	ver.data = data;
	c.on_data = check_data;
	c.data_ctx = &ver;
	if (trace) {
		tf = open_trace("sim", trace);
		if (!tf) {
			free(data);
			return 1;
		}
		c.client.on_event = csv_row;
		c.client.event_ctx = tf;
	}
	if (pcap_path) {
		if (open_pcap("sim", &pcap, pcap_path)) {
			close_trace(tf);
			free(data);
			return 1;
		}
		c.pcap = &pcap;
	}
	rc = ttp_sim_run(&c, &r);
	if (c.pcap)
		ttp_pcap_close(c.pcap);
	close_trace(tf);
	free(data);
	if (!quiet) {
		summary(trace && !strcmp(trace, "-") ? stderr : stdout,
			"sim", r.delivered, r.duration_us, &r.client);
		fprintf(trace && !strcmp(trace, "-") ? stderr : stdout,
			"  link: %llu lost, %llu dropped as scripted, "
			"%llu queue drops, %llu duplicated, %llu reordered, "
			"%llu corrupted; integrity %s\n",
			(unsigned long long)(r.fwd.lost + r.rev.lost),
			(unsigned long long)r.fwd.scripted_drops,
			(unsigned long long)(r.fwd.queue_drops +
					     r.rev.queue_drops),
			(unsigned long long)(r.fwd.duplicated +
					     r.rev.duplicated),
			(unsigned long long)r.fwd.reordered,
			(unsigned long long)(r.fwd.corrupted +
					     r.rev.corrupted),
			ver.bad ? "FAILED" : "ok (every byte as sent)");
		if (c.syn_flood)
			syn_flood_summary(trace && !strcmp(trace, "-") ?
					  stderr : stdout, &c, &r.listener);
	}
	if (rc || ver.bad) {
		fprintf(stderr, "tcpteach sim: %s\n",
			ver.bad ? "received data differs from sent data" :
			r.err);
		return 1;
	}
	return 0;
}
