/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The `tcpteach` command: shared declarations of its subcommands and of
 * the small helpers they use.  Every subcommand is a function
 * `int cmd_X(int argc, char **argv)` with argv[0] = "X" that returns the
 * exit code: 0 ok, 1 runtime failure, 2 usage error.
 */
#ifndef TCPTEACH_CLI_H
#define TCPTEACH_CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "lib/format.h"
#include "lib/trace.h"

#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

/* The release of the command, module and trace format together. */
#define TCPTEACH_VERSION	"0.1"

#define TEACH_ALGOS	"teach_reno teach_tahoe"
#define LOAD_HINT	"load it: modprobe tcp_teach (or insmod tcp_teach.ko)"

/* The dispatcher: main() calls it; tests call it in a forked child. */
int tcpteach_main(int argc, char **argv);

int cmd_list(int argc, char **argv);
int cmd_use(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_compare(int argc, char **argv);

/* ---- cli_util.c ---- */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* True when argv[i] is -h or --help. */
int cli_is_help(const char *arg);
/*
 * Where /proc/net/tcp_teach* live: $TCPTEACH_PROC_DIR (tests point it at
 * fixture files) or /proc/net.  Writes "<dir>/<name>" into @buf.
 */
const char *cli_proc_path(char *buf, size_t len, const char *name);
/* Where the module parameters live: $TCPTEACH_SYS_DIR or /sys/module/tcp_teach. */
const char *cli_sys_path(char *buf, size_t len, const char *name);
/* Read a small file, strip the trailing newline.  -1 with errno on error. */
int cli_read_file(const char *path, char *buf, size_t len);
int cli_write_file(const char *path, const char *s);
/* Directory of the running binary (for the shim and tcp_teach.ko). */
int cli_self_dir(char *buf, size_t len);
/* Find an executable in $PATH; 1 when found, path in @buf. */
int cli_which(const char *prog, char *buf, size_t len);
/*
 * Run a program and wait; returns its exit status or -1.  When @netns_fd
 * is >= 0 the child enters that network namespace first.  When @quiet,
 * stdout and stderr go to /dev/null.
 */
int cli_run(int netns_fd, int quiet, const char *const argv[]);
/* Parse a positive number of seconds ("0.5", "2"). */
int cli_parse_seconds(const char *s, double *out);
/* A decimal number <= @max (lib/num.h's parse_ull); 0 or -1. */
int cli_parse_uint(const char *s, unsigned long max, unsigned long *out);
/*
 * Enter network namespace @netns (a name from 'ip netns list' or a path
 * such as /proc/PID/ns/net); on failure print why for @cmd and return -1.
 */
int cli_netns_enter(const char *cmd, const char *netns);
/* The two halves: open (fd or -1), then enter and close @fd. */
int cli_netns_open(const char *cmd, const char *netns);
int cli_netns_setns(const char *cmd, const char *netns, int fd);
/* After "0 events"/"no sockets": point at --netns when namespaces exist. */
void cli_netns_hint(const char *cmd);
/*
 * The one way tcpteach stops on a signal: cli_catch_stop() makes SIGTERM
 * (and SIGINT when @also_sigint) set cli_stop, which loops test; blocking
 * calls return with EINTR.  cli_release_stop() restores the defaults.
 */
extern volatile sig_atomic_t cli_stop;
void cli_catch_stop(int also_sigint);
void cli_release_stop(void);
/* --port P for @cmd: 1..65535, else a message and -1. */
int cli_parse_port(const char *cmd, const char *s, long *port);
/* Is @algo a name the kernel lists as available (optionally load module)? */
int cli_algo_available(const char *algo);
/* Print "available: ..." to stderr, for unknown-algorithm errors. */
void cli_print_available(void);
/* Load tcp_teach (modprobe, then insmod of tcp_teach.ko near the binary). */
int cli_load_module(void);

/* ---- cli_procfs.c: /proc/net/tcp_teach and the event stream ---- */
/* The columns are kmod/teach_format.h's TEACH_FMT_SOCK_COLUMNS. */
#define SOCK_NFIELDS 22
const char *sock_field_name(int k);

struct teach_sock {
	char field[SOCK_NFIELDS][64];	/* the text of each column */
};

/* Indexes into teach_sock.field, in TEACH_FMT_SOCK_COLUMNS order. */
enum {
	SF_LOCAL, SF_REMOTE, SF_COOKIE, SF_ALGO, SF_PHASE, SF_CA_STATE,
	SF_CWND, SF_SND_CWND, SF_SSTHRESH, SF_MSS, SF_RWND, SF_WND,
	SF_INFLIGHT, SF_SRTT_US, SF_ACKS, SF_SS_INCR, SF_CA_INCR,
	SF_DUPACKS, SF_FAST_RETRANSMITS, SF_TIMEOUTS, SF_UNDOS, SF_RECOVERY,
};

/*
 * Read the socket table from @path.  Returns the number of sockets
 * (*out is malloc'ed, caller frees) or -1 with a message in @err
 * ("path:line: ...").
 */
int teach_sock_read(const char *path, struct teach_sock **out,
		    char *err, size_t errlen);

/* Port of "a.b.c.d:p" or "[v6]:p"; -1 when malformed. */
long addr_port(const char *addrport);
/* Copy the address part (without brackets and port) of @addrport. */
void addr_host(const char *addrport, char *buf, size_t len);

struct teach_event {
	struct trace_row row;		/* time_us absolute, from the kernel */
	char local[64];
	char remote[64];
	char recovery[16];		/* why a fast retransmit began, or "-" */
};

/* Where each column of fmt_event_cols() is in the stream's lines. */
struct event_map {
	int ncols;			/* fields per line */
	int pos[FMT_MAX_COLS];
};

/*
 * A header line of the event stream ("time_us flow ..."): fill @m and
 * return 1; 0 when @line is no header; -1 when a column is missing
 * (@err names it).
 */
int teach_event_header(const char *line, struct event_map *m, char *err,
		       size_t errlen);

/*
 * Parse one line of /proc/net/tcp_teach_events, columns as @m says (NULL:
 * in TEACH_FMT order).  Returns 0 for an event, 1 for a "# dropped N"
 * line (*dropped set), -1 on error (@err says why).
 */
int teach_event_parse(const char *line, const struct event_map *m,
		      struct teach_event *ev, unsigned long long *dropped,
		      char *err, size_t errlen);

/* ---- cli_trace.c: stream -> CSV (also used by the demo) ---- */
struct tp_rec;
struct tp_flow;

struct trace_opts {
	long port;			/* -1 = every port */
	double duration;		/* seconds; 0 = until stopped */
	unsigned long count;		/* events; 0 = unlimited */
	volatile sig_atomic_t *stop;	/* set by a signal handler */
	int t0_after_init;		/* time 0 = the first event after init */
	/*
	 * --tracepoint: which sockets are ours (cli_trace_tp.h's
	 * tp_lookup_fn); NULL: those of this namespace, by sock_diag.
	 */
	int (*lookup)(const struct tp_rec *r, struct tp_flow *f, void *arg);
	void *lookup_arg;
};

struct trace_result {
	unsigned long long events;	/* rows written */
	unsigned long long dropped;	/* lost by the kernel ring */
};

/* Read events from @fd, write CSV rows to @out.  0, or -1 (message printed). */
int trace_stream(int fd, const char *name, FILE *out,
		 const struct trace_opts *o, struct trace_result *res);

/* ---- cli_link.c: namespaces, veth links, children (demo, compare) ---- */
/* Seconds on the monotonic clock (the same in every namespace). */
double cli_now(void);
/* Run @argv in namespace @ns (-1: ours); on failure name it and return -1. */
int link_sh(const char *cmd, int ns, const char *const argv[]);
/* A new anonymous network namespace: its fd, or -1; we stay in @orig. */
int link_new_netns(const char *cmd, int orig);
/* Write net.ipv4.@name in namespace @ns. */
int link_sysctl(const char *cmd, int ns, int orig, const char *name,
		const char *val);
/* A veth pair @name_a (in @a, @addr_a "ip/len") <-> @name_b (in @b), up. */
int link_veth(const char *cmd, int a, const char *name_a, const char *addr_a,
	      int b, const char *name_b, const char *addr_b);
/* fork(): the child (0) is in @ns and dies with its parent. */
pid_t link_child_in(const char *cmd, int ns);
/* A byte on @fd within 10 s: 0, else -1. */
int link_wait_ready(int fd);
/* The child's exit status; killed and -1 after @timeout seconds. */
int link_wait_child(pid_t pid, double timeout);
/* Each {program, Debian package} on $PATH, else name the package: -1. */
int link_tools(const char *cmd, const char *const tools[][2], int n);

/* ---- cli_plot.c ---- */
struct plot_opts {
	const char *title;
	int rounds;			/* also plot over transmission rounds */
	int overlay;			/* all flows on one chart */
	const unsigned long long *flows;	/* --flow IDs; NULL: every flow */
	int nflows;
};

/* Flows with fewer events are left out unless asked for (--flow). */
#define PLOT_TINY_FLOW_EVENTS 10

int plot_files(const char *const *files, int nfiles, const char *out,
	       const struct plot_opts *o);

/* ---- the teaching transport's entry points (cli_ttp.c) ---- */
int cmd_ttp(int argc, char **argv);
int cmd_sim(int argc, char **argv);

#endif
