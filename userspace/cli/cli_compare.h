/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `tcpteach compare`: the parts that need no kernel (arguments, the
 * summary's arithmetic, run.json, reading a saved run back), apart so
 * host tests can call them.
 */
#ifndef TCPTEACH_CLI_COMPARE_H
#define TCPTEACH_CLI_COMPARE_H

#include <stdio.h>

#define CMP_MAX_FLOWS	8
#define CMP_ALGO_LEN	24

struct cmp_cfg {
	double rate_mbit;		/* the bottleneck's rate */
	unsigned long rtt_ms;		/* base round-trip time */
	double loss_pct;		/* random loss at the bottleneck */
	unsigned long queue;		/* packets; 0: one BDP */
	double seconds;			/* each flow sends this long */
	int together;			/* all flows at once, sharing the link */
	const char *dir;
	int nalgos;
	const char *algos[CMP_MAX_FLOWS];
};

struct cmp_flow {
	char algo[CMP_ALGO_LEN];
	char trace[64];			/* file name inside the run directory */
	unsigned long long cookie;	/* the socket's, as in the trace */
	unsigned int lport;
	unsigned int mss;		/* the sender's tcpi_snd_mss */
	unsigned long long bytes;	/* the receiver read */
	double seconds;			/* connect to the last byte read */
	unsigned int retransmits;	/* tcpi_total_retrans */
	unsigned long fast_retransmits;	/* events in the trace */
	unsigned long timeouts;
	unsigned long rows;
};

/*
 * Parse `compare` options and algorithms into @c: 0 to run, else the
 * exit code (EXIT_OK after --help, EXIT_USAGE with a message).
 */
int cmp_parse(int argc, char **argv, struct cmp_cfg *c, int *done);
/* One bandwidth-delay product in 1500-byte packets, at least 4. */
unsigned long cmp_bdp_packets(double rate_mbit, unsigned long rtt_ms);
double cmp_goodput_mbit(const struct cmp_flow *f);
/* Jain's fairness index (sum x)^2 / (n * sum x^2); 0 when all are 0. */
double cmp_jain(const double *x, int n);
/* Count the rows, fast retransmits and timeouts of a trace CSV. */
int cmp_count_trace(const char *path, struct cmp_flow *f);
/* The string value of "@key" in @json (the first); 0, or -1. */
int cmp_json_get_str(const char *json, const char *key, char *out,
		     size_t len);
/* run.json: parameters, kernel, module parameters, version, results. */
int cmp_write_run_json(FILE *f, const struct cmp_cfg *c,
		       const struct cmp_flow *fl, int n, const char *title,
		       int argc, char **argv);
int cmp_write_summary(FILE *f, const struct cmp_cfg *c,
		      const struct cmp_flow *fl, int n);
/* The figure's title from the parameters. */
void cmp_title(char *buf, size_t len, const struct cmp_cfg *c);
/* Draw DIR/compare.svg and .png from the run's files (summary, run.json). */
int cmp_plot_dir(const char *dir);

#endif
