// SPDX-License-Identifier: GPL-2.0
/*
 * `tcpteach plot`: the slide figures from real traces.  cwnd and ssthresh
 * over time (and over transmission rounds), rwnd/mss as a line in
 * segments, the phases shaded (slow start, congestion avoidance, fast
 * recovery), timeouts and fast retransmits marked and labelled.
 *
 * Drawing is gnuplot's job (Debian's gnuplot-nox): this file parses and
 * checks every input first, writes data files and a script into a
 * temporary directory, runs gnuplot on them and renames the finished
 * figure into place, so a bad trace never leaves a partial figure.
 */
#include "cli/cli.h"
#include "cli/cli_compare.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/num.h"
#include "teach_cc.h"

struct flow {
	int file;			/* index into the file list */
	unsigned long long id;
	char algo[24];
	struct trace_row *rows;
	size_t n, cap;
};

struct plot_data {
	const char *const *files;
	int nfiles;
	struct flow *flows;
	int nflows;
	double xmax;		/* the same time axis for every panel */
};

static void free_data(struct plot_data *d)
{
	int i;

	for (i = 0; i < d->nflows; i++)
		free(d->flows[i].rows);
	free(d->flows);
	d->flows = NULL;
	d->nflows = 0;
}

static struct flow *flow_get(struct plot_data *d, int file,
			     const struct trace_row *r)
{
	struct flow *f;
	int i;

	for (i = 0; i < d->nflows; i++)
		if (d->flows[i].file == file && d->flows[i].id == r->flow)
			return &d->flows[i];
	f = realloc(d->flows, (size_t)(d->nflows + 1) * sizeof(*f));
	if (!f)
		return NULL;
	d->flows = f;
	f = &d->flows[d->nflows++];
	memset(f, 0, sizeof(*f));
	f->file = file;
	f->id = r->flow;
	snprintf(f->algo, sizeof(f->algo), "%s", r->algo);
	return f;
}

/* Parse one trace; on error print "file:line: why" and return -1. */
static int load_file(struct plot_data *d, int idx)
{
	const char *name = d->files[idx];
	int std_in = strcmp(name, "-") == 0;
	FILE *fp = std_in ? stdin : fopen(name, "r");
	char line[1024], err[256];
	unsigned long lineno = 0;
	size_t rows = 0;

	if (!fp) {
		cli_err("plot: cannot read %s: %s", name, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp)) {
		struct trace_row r;
		struct flow *f;
		size_t len = strlen(line);

		lineno++;
		if (len && line[len - 1] != '\n') {
			if (len == sizeof(line) - 1)
				cli_err("%s:%lu: line too long", name, lineno);
			else
				cli_err("%s:%lu: truncated line (no newline at the end): the trace is incomplete",
					name, lineno);
			goto fail;
		}
		if (lineno == 1) {
			if (!trace_is_header(line)) {
				cli_err("%s:1: not a tcpteach trace: expected the header '%s' (record one with 'tcpteach trace')",
					name, TRACE_CSV_HEADER);
				goto fail;
			}
			continue;
		}
		if (trace_parse_row(line, &r, err, sizeof(err))) {
			cli_err("%s:%lu: %s", name, lineno, err);
			goto fail;
		}
		f = flow_get(d, idx, &r);
		if (!f)
			goto oom;
		if (f->n && r.time_us < f->rows[f->n - 1].time_us) {
			cli_err("%s:%lu: time_us %llu goes backwards (previous %llu)",
				name, lineno, r.time_us,
				f->rows[f->n - 1].time_us);
			goto fail;
		}
		if (f->n == f->cap) {
			struct trace_row *nr;

			f->cap = f->cap ? f->cap * 2 : 256;
			nr = realloc(f->rows, f->cap * sizeof(*nr));
			if (!nr)
				goto oom;
			f->rows = nr;
		}
		f->rows[f->n++] = r;
		rows++;
	}
	if (ferror(fp)) {
		cli_err("plot: reading %s: %s", name, strerror(errno));
		goto fail;
	}
	if (lineno == 0) {
		cli_err("%s:1: empty file, expected the header '%s'", name,
			TRACE_CSV_HEADER);
		goto fail;
	}
	if (rows == 0) {
		cli_err("%s:%lu: the trace has no events (was the transfer traced? start 'tcpteach trace' first)",
			name, lineno);
		goto fail;
	}
	if (!std_in)
		fclose(fp);
	return 0;
oom:
	cli_err("plot: out of memory");
fail:
	if (!std_in)
		fclose(fp);
	return -1;
}

/* A gnuplot single-quoted string: no escapes, '' is a quote. */
static void gp_str(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		if (*s != '\n')
			fputc(*s, f);
	}
	fputc('\'', f);
}

static double secs(unsigned long long us)
{
	return (double)us / 1e6;
}

static int ssthresh_finite(const struct trace_row *r)
{
	return r->ssthresh < TEACH_SSTHRESH_INF;
}

static const char *const phase_color[] = {
	"#d8f0d8",	/* slow_start */
	"#dce6f5",	/* cong_avoid */
	"#fbe0c4",	/* fast_recovery */
};

static const char *const phase_label[] = {
	"slow start", "congestion avoidance", "fast recovery",
};

static const char *const flow_color[] = {
	"#1f4e9c", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#555555",
};

/* The highest window value worth showing (rwnd may be far above). */
static double flow_ymax(const struct flow *f)
{
	unsigned int m = 4;
	size_t i;

	for (i = 0; i < f->n; i++) {
		const struct trace_row *r = &f->rows[i];

		if (r->cwnd > m)
			m = r->cwnd;
		if (r->snd_cwnd > m)
			m = r->snd_cwnd;
		if (ssthresh_finite(r) && r->ssthresh > m)
			m = r->ssthresh;
	}
	return m * 1.25 + 1;
}

/*
 * Transmission rounds: a round lasts one smoothed RTT.  Returns the
 * round of each row in @round (caller's array of f->n entries).
 */
static int flow_rounds(const struct flow *f, unsigned int *round)
{
	unsigned long long start = f->rows[0].time_us, srtt = 0;
	unsigned int r = 0;
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (f->rows[i].srtt_us)
			srtt = f->rows[i].srtt_us;
		while (srtt && f->rows[i].time_us >= start + srtt) {
			start += srtt;
			r++;
		}
		round[i] = r;
	}
	return srtt ? 0 : -1;
}

/*
 * Data file columns: 1 x, 2 cwnd, 3 ssthresh (NaN = inf), 4 snd_cwnd,
 * 5 rwnd in segments.  In rounds mode x is the round and each round
 * shows the window the sender started it with.
 */
static int write_flow_data(const char *path, const struct flow *f,
			   const unsigned int *round)
{
	FILE *fp = fopen(path, "w");
	size_t i;

	if (!fp)
		return -1;
	for (i = 0; i < f->n; i++) {
		const struct trace_row *r = &f->rows[i];
		double rw = r->mss ? (double)r->rwnd / r->mss : 0;

		if (round) {
			/* the first event of each round; and the last row */
			if (i && round[i] == round[i - 1] && i != f->n - 1)
				continue;
			r = i ? &f->rows[i - 1] : r;
			rw = r->mss ? (double)r->rwnd / r->mss : 0;
			fprintf(fp, "%u", round[i]);
		} else {
			fprintf(fp, "%.6f", secs(r->time_us));
		}
		fprintf(fp, " %u ", r->cwnd);
		if (ssthresh_finite(r))
			fprintf(fp, "%u", r->ssthresh);
		else
			fputs("NaN", fp);
		fprintf(fp, " %u %.2f\n", r->snd_cwnd, rw);
	}
	return fclose(fp);
}

/*
 * The window a cut started from: the trace's prior_cwnd.  A trace from
 * before that column: the previous row's cwnd, or, when rows already
 * carrying the cut value precede the event, the last value before them
 * (a few rows back at most).
 */
static unsigned int cwnd_before(const struct flow *f, size_t i)
{
	size_t j;

	if (f->rows[i].prior_cwnd)
		return f->rows[i].prior_cwnd;
	for (j = i; j-- > 0 && i - j <= 8;) {
		int ev = f->rows[j].event;

		if (ev == TEACH_EV_FAST_RETRANSMIT || ev == TEACH_EV_TIMEOUT)
			break;
		if (f->rows[j].cwnd != f->rows[i].cwnd)
			return f->rows[j].cwnd;
	}
	return i ? f->rows[i - 1].cwnd : f->rows[i].cwnd;
}

/*
 * Events worth a label: timeouts and fast retransmits.  Columns: x, the
 * cwnd before the cut, label.  Returns how many were written.
 */
static int write_events(const char *path, const struct flow *f, int reason,
			const unsigned int *round, const char *who)
{
	FILE *fp = fopen(path, "w");
	int count = 0;
	size_t i;

	if (!fp)
		return -1;
	for (i = 0; i < f->n; i++) {
		const struct trace_row *r = &f->rows[i];
		unsigned int before;

		if (r->event != reason)
			continue;
		before = cwnd_before(f, i);
		if (round)
			fprintf(fp, "%u", round[i]);
		else
			fprintf(fp, "%.6f", secs(r->time_us));
		fprintf(fp, " %u \"%s%s %u->%u\"\n", before, who,
			teach_reason_name((unsigned int)reason), before,
			r->cwnd);
		count++;
	}
	if (fclose(fp))
		return -1;
	return count;
}

/* Shade the phases of one flow with rectangles behind the lines. */
static void shade_phases(FILE *s, const struct flow *f,
			 const unsigned int *round)
{
	size_t i, start = 0;
	int obj = 1;

	for (i = 1; i <= f->n; i++) {
		double x1, x2;
		int ph = f->rows[start].phase;

		if (i < f->n && f->rows[i].phase == ph)
			continue;
		if (ph < 0 || ph >= TEACH_NR_PHASES)
			ph = 0;
		if (round) {
			x1 = round[start];
			x2 = i < f->n ? round[i] : round[f->n - 1] + 1;
		} else {
			x1 = secs(f->rows[start].time_us);
			x2 = secs(f->rows[i < f->n ? i : f->n - 1].time_us);
		}
		if (x2 > x1)
			fprintf(s, "set object %d rect from first %.6f, graph 0 to first %.6f, graph 1 back fc rgb '%s' fs solid 1.0 noborder\n",
				obj++, x1, x2, phase_color[ph]);
		start = i;
	}
}

static void flow_title(FILE *s, const struct plot_data *d,
		       const struct flow *f, const char *suffix)
{
	const char *file = d->files[f->file], *base = strrchr(file, '/');
	char t[512];

	snprintf(t, sizeof(t), "%s  flow %llu  (%s)%s", f->algo, f->id,
		 base ? base + 1 : file, suffix);
	fputs("set title ", s);
	gp_str(s, t);
	fputc('\n', s);
}

/* One panel: one flow (phases shaded) or, when @nf > 1, several. */
static int panel(FILE *s, FILE *pl, const char *dir,
		 const struct plot_data *d, const struct flow *const *fl,
		 int nf, int rounds, int fidx)
{
	char path[PATH_MAX], evto[PATH_MAX], evfr[PATH_MAX];
	unsigned int *round = NULL;
	double ymax = 4;
	int k;

	fputs("unset object\nunset label\n", s);
	fprintf(s, "set xlabel '%s'\n",
		rounds ? "transmission round (one smoothed RTT each)" :
		"time (s)");
	fputs("set ylabel 'segments'\n", s);
	for (k = 0; k < nf; k++)
		if (flow_ymax(fl[k]) > ymax)
			ymax = flow_ymax(fl[k]);
	/* room for each overlaid flow's row of labels */
	fprintf(s, "set yrange [0:%.0f]\n", ymax * (1 + 0.08 * (nf - 1)));
	if (rounds)
		fputs("set xrange [0:*]\n", s);
	else
		fprintf(s, "set xrange [0:%.3f]\n", d->xmax);
	if (nf == 1)
		flow_title(s, d, fl[0], rounds ? "  over rounds" : "");
	else
		fprintf(s, "set title '%d flows%s'\n", nf,
			rounds ? " over rounds" : "");
	for (k = 0; k < nf; k++) {
		const struct flow *f = fl[k];
		const char *col = nf == 1 ? flow_color[0] :
				  flow_color[k % 6];
		char name[128];
		int nto, nfr;

		free(round);
		round = NULL;
		if (rounds) {
			round = calloc(f->n, sizeof(*round));
			if (!round)
				return -1;
			if (flow_rounds(f, round)) {
				cli_err("%s: flow %llu has no srtt_us: --rounds needs the smoothed RTT",
					d->files[f->file], f->id);
				free(round);
				return -1;
			}
		}
		snprintf(path, sizeof(path), "%s/f%d_%d%s.dat", dir, fidx, k,
			 rounds ? "r" : "t");
		snprintf(evto, sizeof(evto), "%s/f%d_%d%s.to", dir, fidx, k,
			 rounds ? "r" : "t");
		snprintf(evfr, sizeof(evfr), "%s/f%d_%d%s.fr", dir, fidx, k,
			 rounds ? "r" : "t");
		if (write_flow_data(path, f, round))
			goto io;
		snprintf(name, sizeof(name), "%s: ", f->algo);
		nto = write_events(evto, f, TEACH_EV_TIMEOUT, round,
				   nf == 1 ? "" : name);
		nfr = write_events(evfr, f, TEACH_EV_FAST_RETRANSMIT, round,
				   nf == 1 ? "" : name);
		if (nto < 0 || nfr < 0)
			goto io;
		if (nf == 1)
			shade_phases(s, f, round);
		if (nf == 1)
			snprintf(name, sizeof(name), "%s", "");
		else
			snprintf(name, sizeof(name), "%s %llu ", f->algo,
				 f->id);
		if (k)
			fputs(", \\\n     ", pl);
		fprintf(pl, "'%s' using 1:2 with %s lw 2.5 lc rgb '%s' title '%scwnd'",
			path, rounds ? "linespoints pt 7 ps 0.6" : "steps",
			col, name);
		/* ssthresh holds until the next change: a step, also per round */
		fprintf(pl, ", \\\n     '%s' using 1:3 with steps lw 1.8 dt 2 lc rgb '%s' title '%sssthresh'",
			path,
			nf == 1 ? "#c0392b" : col, name);
		if (nf == 1)
			fprintf(pl, ", \\\n     '%s' using 1:4 with steps lw 1 lc rgb '#999999' title 'kernel snd_cwnd'",
				path);
		if (nf == 1 || k == 0)
			fprintf(pl, ", \\\n     '%s' using 1:5 with steps lw 1.5 dt 3 lc rgb '#2e7d32' title '%srwnd/mss'",
				path, name);
		/* Empty files are left out: gnuplot cannot plot them. */
		if (nto)
			fprintf(pl, ", \\\n     '%s' using 1:2 with points pt 7 ps 1.4 lc rgb '#d62728' title '%s'",
				evto, nf == 1 || k == 0 ? "timeout" : "");
		if (nfr)
			fprintf(pl, ", \\\n     '%s' using 1:2 with points pt 9 ps 1.4 lc rgb '#ff7f0e' title '%s'",
				evfr, nf == 1 || k == 0 ? "fast retransmit" : "");
		/* Labels only while they stay readable. */
		/*
		 * Overlaid flows cut at nearly the same points: each flow's
		 * labels get their own height and its colour.
		 */
		if (nto && nto + nfr <= 12)
			fprintf(pl, ", \\\n     '%s' using 1:2:3 with labels offset 0,%.1f font ',9' tc rgb '%s' notitle",
				evto, 1.2 + 1.4 * k, nf == 1 ? "#d62728" : col);
		if (nfr && nto + nfr <= 12)
			fprintf(pl, ", \\\n     '%s' using 1:2:3 with labels offset 0,%.1f font ',9' tc rgb '%s' notitle",
				evfr, 1.2 + 1.4 * k, nf == 1 ? "#b35900" : col);
	}
	if (nf == 1) {
		int ph;

		for (ph = 0; ph < TEACH_NR_PHASES; ph++)
			fprintf(pl, ", \\\n     keyentry with boxes fs solid 1.0 fc rgb '%s' title '%s'",
				phase_color[ph], phase_label[ph]);
	}
	fputc('\n', pl);
	free(round);
	return 0;
io:
	cli_err("plot: cannot write %s: %s", path, strerror(errno));
	free(round);
	return -1;
}

static int write_panel(FILE *s, const char *dir, const struct plot_data *d,
		       const struct flow *const *fl, int nf, int rounds,
		       int fidx)
{
	char *plot = NULL;
	size_t plen = 0;
	FILE *pl;
	int rc;

	/* The shading must precede "plot": collect the plot clauses apart. */
	pl = open_memstream(&plot, &plen);
	if (!pl)
		return -1;
	rc = panel(s, pl, dir, d, fl, nf, rounds, fidx);
	if (fclose(pl))
		rc = -1;
	if (!rc) {
		fputs("plot ", s);
		fwrite(plot, 1, plen, s);
	}
	free(plot);
	return rc;
}

static int flow_wanted(const struct plot_opts *o, unsigned long long id)
{
	int i;

	for (i = 0; i < o->nflows; i++)
		if (o->flows[i] == id)
			return 1;
	return 0;
}

/*
 * Keep the flows asked for with --flow; without it, leave out the tiny
 * ones (iperf3's control connection, a probe) when a real transfer is
 * there, and say so.  -1 when nothing is left to draw.
 */
static int pick_flows(struct plot_data *d, const struct plot_opts *o)
{
	int i, k = 0, big = 0;

	for (i = 0; i < d->nflows; i++)
		big += d->flows[i].n >= PLOT_TINY_FLOW_EVENTS;
	for (i = 0; i < d->nflows; i++) {
		struct flow *f = &d->flows[i];
		int keep = o->nflows ? flow_wanted(o, f->id) :
			   !big || f->n >= PLOT_TINY_FLOW_EVENTS;

		if (!keep) {
			if (!o->nflows)
				fprintf(stderr, "tcpteach: plot: left out flow %llu of %s (%zu events, fewer than %d; --flow %llu draws it)\n",
					f->id, d->files[f->file], f->n,
					PLOT_TINY_FLOW_EVENTS, f->id);
			free(f->rows);
			continue;
		}
		d->flows[k++] = *f;
	}
	d->nflows = k;
	for (i = 0; i < o->nflows; i++) {
		int found = 0;

		for (k = 0; k < d->nflows; k++)
			found |= d->flows[k].id == o->flows[i];
		if (!found) {
			cli_err("plot: no flow %llu in the traces (the flow column)",
				o->flows[i]);
			return -1;
		}
	}
	return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int is_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);

	return n > e && strcasecmp(name + n - e, ext) == 0;
}

int plot_files(const char *const *files, int nfiles, const char *out,
	       const struct plot_opts *o)
{
	struct plot_data d = { files, nfiles, NULL, 0, 0 };
	char dir[] = "/tmp/tcpteach-plot.XXXXXX";
	char gp[PATH_MAX], script[PATH_MAX], errf[PATH_MAX], tmp[PATH_MAX];
	const char *argv[] = { gp, script, NULL };
	int png = is_ext(out, ".png"), i, rows, cols, rc = -1, status;
	const struct flow **fl = NULL;
	struct stat st;
	FILE *s;

	snprintf(tmp, sizeof(tmp), "%s.tmp%d", out, (int)getpid());
	/* A figure that cannot be written is said so now, not by gnuplot. */
	i = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (i < 0) {
		cli_err("plot: cannot write %s: %s", out, strerror(errno));
		return -1;
	}
	close(i);
	for (i = 0; i < nfiles; i++)
		if (load_file(&d, i))
			goto out;
	if (pick_flows(&d, o))
		goto out;
	{
		const char *env = getenv("TCPTEACH_GNUPLOT");

		if (!cli_which(env && *env ? env : "gnuplot", gp, sizeof(gp))) {
			cli_err("plot: gnuplot not found: install gnuplot-nox (apt-get install gnuplot-nox)");
			goto out;
		}
	}
	if (!mkdtemp(dir)) {
		cli_err("plot: mkdtemp: %s", strerror(errno));
		goto out;
	}
	snprintf(script, sizeof(script), "%s/plot.gp", dir);
	snprintf(errf, sizeof(errf), "%s/gnuplot.err", dir);
	s = fopen(script, "w");
	if (!s) {
		cli_err("plot: cannot write %s: %s", script, strerror(errno));
		goto clean;
	}
	rows = o->overlay ? 1 : d.nflows;
	cols = o->rounds ? 2 : 1;
	if (png)
		fprintf(s, "set terminal pngcairo size %d,%d noenhanced font 'sans,10'\n",
			cols * 900, 120 + rows * 340);
	else
		fprintf(s, "set terminal svg size %d,%d noenhanced font 'sans,11' background '#ffffff'\n",
			cols * 900, 120 + rows * 340);
	fputs("set output ", s);
	gp_str(s, tmp);
	fputs("\nset key outside right top vertical font ',9'\n"
	      "set grid back lc rgb '#cccccc'\n"
	      "set border lc rgb '#444444'\n"
	      "set style fill solid 1.0\n", s);
	fprintf(s, "set multiplot layout %d,%d title ", rows, cols);
	gp_str(s, o->title ? o->title :
	       "cwnd and ssthresh (segments): slow start, congestion avoidance, fast recovery");
	fputs(" font ',13'\n", s);
	fl = calloc((size_t)d.nflows, sizeof(*fl));
	if (!fl) {
		fclose(s);
		goto clean;
	}
	for (i = 0; i < d.nflows; i++) {
		const struct flow *f = &d.flows[i];

		fl[i] = f;
		if (secs(f->rows[f->n - 1].time_us) > d.xmax)
			d.xmax = secs(f->rows[f->n - 1].time_us);
	}
	d.xmax = d.xmax * 1.02 + 0.001;
	for (i = 0; i < rows; i++) {
		const struct flow *const *p = o->overlay ? fl : &fl[i];
		int nf = o->overlay ? d.nflows : 1;

		if (write_panel(s, dir, &d, p, nf, 0, i) ||
		    (o->rounds && write_panel(s, dir, &d, p, nf, 1, i))) {
			fclose(s);
			goto clean;
		}
	}
	fputs("unset multiplot\nset output\n", s);
	if (fclose(s)) {
		cli_err("plot: cannot write %s: %s", script, strerror(errno));
		goto clean;
	}
	{
		/* gnuplot's messages go to a file: shown only on failure. */
		FILE *saved = fopen(errf, "w");
		int fd2 = dup(2);

		if (saved)
			dup2(fileno(saved), 2);
		status = cli_run(-1, 0, argv);
		if (fd2 >= 0) {
			dup2(fd2, 2);
			close(fd2);
		}
		if (saved)
			fclose(saved);
	}
	/* the file exists from the start: gnuplot must have filled it */
	if (status != 0 || stat(tmp, &st) || st.st_size == 0) {
		char msg[2048] = "";

		cli_read_file(errf, msg, sizeof(msg));
		cli_err("plot: gnuplot failed (status %d): %s", status, msg);
		unlink(tmp);
		goto clean;
	}
	if (rename(tmp, out)) {
		cli_err("plot: cannot write %s: %s", out, strerror(errno));
		unlink(tmp);
		goto clean;
	}
	rc = 0;
clean:
	if (!getenv("TCPTEACH_KEEP_TMP"))
		nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	else
		fprintf(stderr, "tcpteach: plot: kept %s\n", dir);
out:
	if (rc)
		unlink(tmp);
	free(fl);
	free_data(&d);
	return rc;
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void plot_usage(FILE *f)
{
	fputs("usage: tcpteach plot TRACE.csv [TRACE2.csv...] -o FIG.svg|FIG.png\n"
	      "                     [--title T] [--rounds] [--overlay] [--flow ID]...\n"
	      "       tcpteach plot DIR  (a run of 'tcpteach compare -o DIR': its figure again)\n\n"
	      "Draw the slide figures from CSV traces ('tcpteach trace', 'tcpteach\n"
	      "ttp'): cwnd and ssthresh in segments over time, the kernel's\n"
	      "snd_cwnd, rwnd/mss, phases shaded (slow start, congestion\n"
	      "avoidance, fast recovery), timeouts and fast retransmits marked\n"
	      "with the window change.  One panel per flow; --overlay puts all\n"
	      "flows on one chart; --rounds adds a panel over transmission rounds\n"
	      "(one smoothed RTT each).  The format follows the extension.\n"
	      "A TRACE of '-' is standard input: tcpteach sim --trace - | tcpteach plot - -o x.svg\n"
	      "Flows with fewer than 10 events (iperf3's control connection) are left\n"
	      "out when a bigger one is there, and named on standard error;\n"
	      "--flow ID (repeatable) draws exactly the flows given.\n"
	      "Needs gnuplot (Debian package gnuplot-nox).  A malformed trace is\n"
	      "reported as FILE:LINE and no figure is written.\n", f);
}

int cmd_plot(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "title", required_argument, NULL, 't' },
		{ "rounds", no_argument, NULL, 'r' },
		{ "overlay", no_argument, NULL, 'O' },
		{ "flow", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct plot_opts o = { 0 };
	unsigned long long flows[16];
	const char *out = NULL;
	int c, stdins = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:t:rh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 't':
			o.title = optarg;
			break;
		case 'r':
			o.rounds = 1;
			break;
		case 'O':
			o.overlay = 1;
			break;
		case 'f':
			if (o.nflows == (int)(sizeof(flows) / sizeof(flows[0])) ||
			    parse_ull(optarg, ~0ULL, &flows[o.nflows])) {
				cli_err("plot: bad --flow '%s': expected a flow id from the trace's flow column (at most 16)",
					optarg);
				return EXIT_USAGE;
			}
			o.flows = flows;
			o.nflows++;
			break;
		case 'h':
			plot_usage(stdout);
			return EXIT_OK;
		default:
			plot_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_err("plot: missing TRACE.csv (record one with 'tcpteach trace -o TRACE.csv')");
		return EXIT_USAGE;
	}
	if (argc - optind == 1 && !out && is_dir(argv[optind]))
		return cmp_plot_dir(argv[optind]) ? EXIT_FAIL : EXIT_OK;
	if (!out) {
		cli_err("plot: missing -o FIG.svg or -o FIG.png");
		return EXIT_USAGE;
	}
	if (!is_ext(out, ".svg") && !is_ext(out, ".png")) {
		cli_err("plot: cannot tell the format of '%s': name it FIG.svg or FIG.png",
			out);
		return EXIT_USAGE;
	}
	for (c = optind; c < argc; c++)
		if (strcmp(argv[c], "-") == 0 && ++stdins > 1) {
			cli_err("plot: standard input ('-') can be read only once");
			return EXIT_USAGE;
		}
	return plot_files((const char *const *)argv + optind, argc - optind,
			  out, &o) ? EXIT_FAIL : EXIT_OK;
}
