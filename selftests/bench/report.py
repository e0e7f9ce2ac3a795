#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the benchmark CSVs in DIR into DIR/results.md and DIR/*.svg.

  report.py DIR [--rate MBIT]

Runs on the host or in the VM (python3 stdlib + gnuplot).  Missing CSVs
are reported as "not run"; nothing here measures anything.
"""
import csv
import math
import os
import statistics
import shutil
import subprocess
import sys
import tempfile

RATE_MBIT = 100.0
MSS = 1448          # payload per segment with timestamps (1500 MTU)
FRAME = 1514        # bytes the bottleneck counts per full segment
ORDER = ["reno", "reno_control", "teach_reno_linux", "teach_reno_slide", "teach_tahoe",
         "cubic", "bbr"]
RENO_FAMILY = ["reno", "teach_reno_linux", "teach_reno_slide"]
LABEL = {
    "reno": "reno",
    "reno_control": "reno again (control)",
    "teach_reno_linux": "teach_reno (IW10, ssthresh inf)",
    "teach_reno_slide": "teach_reno (slides: IW1, ssthresh 64K)",
    "teach_tahoe": "teach_tahoe (IW10, ssthresh inf)",
    "cubic": "cubic",
    "bbr": "bbr",
}


def load(path):
    if not os.path.exists(path):
        return None
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def fnum(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def med(v):
    return statistics.median(v) if v else None


def fmt(x, nd=1):
    if x is None:
        return "–"
    if abs(x) >= 100 or nd == 0:
        return "%.0f" % x
    return ("%%.%df" % nd) % x


def spread(v, nd=1):
    if not v:
        return "–"
    if len(v) == 1:
        return fmt(v[0], nd)
    return "%s [%s–%s]" % (fmt(med(v), nd), fmt(min(v), nd), fmt(max(v), nd))


def mathis_mbps(rtt_ms, loss_pct):
    p = loss_pct / 100.0
    return MSS * 8 / (rtt_ms / 1000.0) * 1.22 / math.sqrt(p) / 1e6


def verdict(ok):
    return "**met**" if ok else "**missed**"


def gnuplot(script, tmp):
    path = os.path.join(tmp, "plot.gp")
    with open(path, "w") as f:
        f.write(script)
    r = subprocess.run(["gnuplot", path], stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        print("report: gnuplot failed: %s" % r.stderr.strip(), file=sys.stderr)
        return False
    return True


def bars(path, title, ylabel, groups, series, tmp, log=False,
         yrange="[0:*]", extra="", size="1000,560"):
    """Grouped bars: series = [(label, [(median, lo, hi) or None per
    group])]; lo/hi None = no error bar.  Returns True when drawn."""
    n = len(series)
    w = 0.8 / max(n, 1)
    dat = os.path.join(tmp, os.path.basename(path) + ".dat")
    with open(dat, "w") as f:
        for i, (_, vals) in enumerate(series):
            for g, v in enumerate(vals):
                if v is None or v[0] is None:
                    continue
                m, lo, hi = v
                x = g + (i - (n - 1) / 2.0) * w
                f.write("%d %g %g %g %g\n" % (i, x, m, m if lo is None else lo,
                                              m if hi is None else hi))
            f.write("\n\n")
    # Tic labels are format strings to gnuplot: double the percent signs.
    xt = ", ".join('"%s" %d' % (gname.replace("%", "%%"), g)
                   for g, gname in enumerate(groups))
    plots = []
    for i, (label, _) in enumerate(series):
        plots.append("'%s' index %d using 2:3 with boxes lc %d title '%s'"
                     % (dat, i, i + 1, label.replace("'", "")))
        plots.append("'%s' index %d using 2:3:4:5 with yerrorbars lc "
                     "rgb 'black' pt -1 notitle" % (dat, i))
    return gnuplot("""set terminal svg size %s font 'sans,11'
set termoption noenhanced
set output '%s'
set title '%s'
set style fill solid 0.85 border -1
set boxwidth %g absolute
set xtics (%s) rotate by -20
set xrange [-0.6:%g]
set yrange %s
%s
set ylabel '%s'
set key below
set grid ytics
%s
plot %s
""" % (size, path, title, w, xt, len(groups) - 0.4, yrange,
       "set logscale y" if log else "", ylabel, extra, ", ".join(plots)), tmp)


class Matrix:
    def __init__(self, rows):
        self.rows = [r for r in rows if r.get("ok") == "1"]
        self.failed = [r for r in rows if r.get("ok") != "1"]
        self.cells = sorted({(int(r["rtt_ms"]), float(r["loss_pct"]))
                             for r in self.rows})
        present = {r["algo"] for r in self.rows}
        self.algos = [a for a in ORDER if a in present]
        # One bottleneck rate per CSV (older CSVs have no column: 100).
        self.rate = fnum(self.rows[0].get("rate_mbit")) if self.rows else None
        self.rate = self.rate or RATE_MBIT
        self.reps = max([int(r["rep"]) for r in self.rows] or [0])

    def vals(self, cell, algo, key="goodput_mbps"):
        return [v for v in (fnum(r[key]) for r in self.rows
                            if (int(r["rtt_ms"]), float(r["loss_pct"])) == cell
                            and r["algo"] == algo) if v is not None]

    def m(self, cell, algo, key="goodput_mbps"):
        return med(self.vals(cell, algo, key))

    def ratio(self, cell, algo, base="reno"):
        a, b = self.m(cell, algo), self.m(cell, base)
        if a is None or not b:
            return None
        return a / b

    def paired_ratios(self, cell, algo, base="reno"):
        """Ratios within one repetition (runs back to back)."""
        out = []
        for rep in range(1, self.reps + 1):
            a = [fnum(r["goodput_mbps"]) for r in self.rows
                 if (int(r["rtt_ms"]), float(r["loss_pct"])) == cell
                 and r["algo"] == algo and int(r["rep"]) == rep]
            b = [fnum(r["goodput_mbps"]) for r in self.rows
                 if (int(r["rtt_ms"]), float(r["loss_pct"])) == cell
                 and r["algo"] == base and int(r["rep"]) == rep]
            if a and b and b[0]:
                out.append(a[0] / b[0])
        return out

    def pooled_ratio(self, algo, base="reno"):
        """Geometric mean of every paired ratio over all cells, with a
        95% interval (normal approximation on the logs); a cell's noise
        averages out here where one cell's median cannot."""
        logs = [math.log(r) for c in self.cells
                for r in self.paired_ratios(c, algo, base) if r > 0]
        if len(logs) < 2:
            return None
        m = statistics.mean(logs)
        h = 1.96 * statistics.stdev(logs) / math.sqrt(len(logs))
        return math.exp(m), math.exp(m - h), math.exp(m + h)

    def measured_p(self, cell, algo):
        ps = []
        for r in self.rows:
            if (int(r["rtt_ms"]), float(r["loss_pct"])) != cell or \
                    r["algo"] != algo:
                continue
            pk, qd, rd = (fnum(r.get("link_pkts")), fnum(r.get("queue_drops")),
                          fnum(r.get("random_drops")))
            if pk:
                ps.append((qd + rd) / (pk + qd + rd))
        return med(ps)


def cellname(c):
    return "%d ms, %g%%" % c


def matrix_md(mx, out, tmp):
    L = []
    if not mx.rows:
        L.append("Matrix: not run.\n")
        return L, {}, []
    L.append("### Goodput (Mbit/s, receiver side, whole transfer): "
             "median [min–max] of %d run(s)\n" % mx.reps)
    L.append("| RTT, loss | " + " | ".join(LABEL[a] for a in mx.algos) + " |")
    L.append("|---" * (len(mx.algos) + 1) + "|")
    for c in mx.cells:
        L.append("| %s | " % cellname(c) + " | ".join(
            spread(mx.vals(c, a)) for a in mx.algos) + " |")
    L.append("")
    L.append("### Ratio to Linux reno (median / median; in brackets the "
             "range of the per-repetition ratios)\n")
    others = [a for a in mx.algos if a != "reno"]
    L.append("| RTT, loss | " + " | ".join(LABEL[a] for a in others) + " |")
    L.append("|---" * (len(others) + 1) + "|")
    for c in mx.cells:
        cells = []
        for a in others:
            r, pr = mx.ratio(c, a), mx.paired_ratios(c, a)
            s = fmt(r, 2)
            if len(pr) > 1:
                s += " [%s–%s]" % (fmt(min(pr), 2), fmt(max(pr), 2))
            cells.append(s)
        L.append("| %s | " % cellname(c) + " | ".join(cells) + " |")
    pooled = {a: mx.pooled_ratio(a) for a in others}
    L.append("| all cells: geometric mean of the per-repetition ratios "
             "[95% CI] | " + " | ".join(
                 "%.3f [%.3f–%.3f]" % pooled[a] if pooled[a] else "–"
                 for a in others) + " |")
    L.append("")
    L.append("### Steady-state ratio to Linux reno (second half of each "
             "run, receiver side; median / median)\n")
    L.append("| RTT, loss | " + " | ".join(LABEL[a] for a in others) + " |")
    L.append("|---" * (len(others) + 1) + "|")
    for c in mx.cells:
        b = mx.m(c, "reno", "steady_mbps")
        L.append("| %s | " % cellname(c) + " | ".join(
            fmt(mx.m(c, a, "steady_mbps") / b
                if b and mx.m(c, a, "steady_mbps") else None, 2)
            for a in others) + " |")
    L.append("")
    L.append("### Retransmitted segments per run (median)\n")
    L.append("| RTT, loss | " + " | ".join(LABEL[a] for a in mx.algos) + " |")
    L.append("|---" * (len(mx.algos) + 1) + "|")
    for c in mx.cells:
        L.append("| %s | " % cellname(c) + " | ".join(
            fmt(mx.m(c, a, "retrans"), 0) for a in mx.algos) + " |")
    L.append("")

    lossy = [c for c in mx.cells if c[1] > 0]
    fam = [a for a in RENO_FAMILY + ["teach_tahoe"] if a in mx.algos]
    if lossy:
        L.append("### Against theory: Mathis et al. MSS/RTT · 1.22/√p "
                 "(p = configured random loss)\n")
        L.append("Mathis models the steady state, so the measured value is "
                 "the *steady* goodput (receiver side, second half of each "
                 "run; median), with the ratio to Mathis in brackets; "
                 "measured p counts every drop at the bottleneck (random + "
                 "full queue) over reno's runs.\n")
        L.append("| RTT, loss | Mathis | measured p (reno) | " +
                 " | ".join("%s (× Mathis)" % LABEL[a] for a in fam) + " |")
        L.append("|---" * (len(fam) + 3) + "|")
        for c in lossy:
            mt = mathis_mbps(*c)
            mp = mx.measured_p(c, "reno")
            L.append("| %s | %s | %s | " % (
                cellname(c), fmt(mt), "–" if mp is None else
                "%.3f%%" % (mp * 100)) + " | ".join(
                "%s (%s)" % (fmt(mx.m(c, a, "steady_mbps")),
                             fmt(mx.m(c, a, "steady_mbps") / mt
                                 if mx.m(c, a, "steady_mbps") else None, 2))
                for a in fam) + " |")
        L.append("")
    noloss = [c for c in mx.cells if c[1] == 0]
    rate = mx.rate
    cap = rate * MSS / FRAME
    if noloss:
        L.append("### Link utilisation with no loss (goodput / %g Mbit/s; "
                 "the payload ceiling is %.1f Mbit/s = %.3f)\n"
                 % (rate, cap, cap / rate))
        L.append("Whole transfer (steady = second half of the run, "
                 "receiver side).\n")
        L.append("| RTT | " + " | ".join(LABEL[a] for a in mx.algos) + " |")
        L.append("|---" * (len(mx.algos) + 1) + "|")
        for c in noloss:
            L.append("| %d ms | " % c[0] + " | ".join(
                "%s (steady %s)" % (
                    fmt(mx.m(c, a) / rate if mx.m(c, a) else None, 2),
                    fmt(mx.m(c, a, "steady_mbps") / rate
                        if mx.m(c, a, "steady_mbps") else None, 2))
                for a in mx.algos) + " |")
        L.append("")

    # Targets of the matrix.
    t = {}
    if "teach_reno_linux" in mx.algos and "reno" in mx.algos:
        rs = [(c, mx.ratio(c, "teach_reno_linux")) for c in mx.cells]
        rs = [(c, r) for c, r in rs if r is not None]
        worst = min(rs, key=lambda x: x[1]) if rs else None
        if worst:
            what = "worst %.2f at %s; %d of %d cells ≥ 0.97" % (
                worst[1], cellname(worst[0]),
                sum(r >= 0.97 for _, r in rs), len(rs))
            pt = mx.pooled_ratio("teach_reno_linux")
            if pt:
                what += "; all cells pooled %.3f [95%% CI %.3f–%.3f]" % pt
            cs = [r for r in (mx.ratio(c, "reno_control") for c in mx.cells)
                  if r is not None]
            if cs:
                what += ("; reno against itself: %.2f–%.2f, %d of %d "
                         "cells ≥ 0.97" % (min(cs), max(cs),
                                           sum(r >= 0.97 for r in cs),
                                           len(cs)))
            t["linux"] = (all(r >= 0.97 for _, r in rs), what)
    if "teach_reno_slide" in mx.algos and "reno" in mx.algos:
        rs = [(c, mx.ratio(c, "teach_reno_slide")) for c in mx.cells]
        rs = [(c, r) for c, r in rs if r is not None]
        if rs:
            worst = min(rs, key=lambda x: x[1])
            t["slide"] = (all(r >= 0.90 for _, r in rs),
                          "worst %.2f at %s; %d of %d cells ≥ 0.90" % (
                              worst[1], cellname(worst[0]),
                              sum(r >= 0.90 for _, r in rs), len(rs)))
    if "teach_reno_linux" in mx.algos and noloss:
        # The link is busy with frames, not payload: utilisation is the
        # goodput over the payload ceiling (goodput / rate shown too).
        us = [(c, mx.m(c, "teach_reno_linux")) for c in noloss
              if mx.m(c, "teach_reno_linux")]
        if us:
            t["util"] = (all(g / cap >= 0.95 for _, g in us),
                         "link busy at %g Mbit/s: " % rate + ", ".join(
                             "%d ms: %.3f (goodput/rate %.3f)" % (
                                 c[0], g / cap, g / rate) for c, g in us))
    if lossy:
        devs = []
        for c in lossy:
            for a in fam:
                if a == "teach_tahoe":
                    continue
                v = mx.m(c, a, "steady_mbps")
                if v:
                    devs.append((v / mathis_mbps(*c), a, c))
        if devs:
            inside = [d for d in devs if 0.7 <= d[0] <= 1.3]
            far = max(devs, key=lambda d: abs(math.log(d[0])))
            t["mathis"] = (len(inside) == len(devs),
                           "steady goodput: %d of %d Reno-family cells "
                           "within ±30%%; "
                           "farthest %.2f× (%s, %s)" % (
                               len(inside), len(devs), far[0], LABEL[far[1]],
                               cellname(far[2])))

    # Figures.
    figs = []
    groups = [cellname(c) for c in mx.cells]
    ser = []
    for a in mx.algos:
        row = []
        for c in mx.cells:
            v = mx.vals(c, a)
            row.append((med(v), min(v), max(v)) if v else None)
        ser.append((LABEL[a], row))
    if bars(os.path.join(out, "goodput.svg"),
            "Goodput per algorithm per cell (median, bars min-max), "
            "100 Mbit/s bottleneck, 1 BDP queue", "goodput, Mbit/s (log)",
            groups, ser, tmp, log=True, yrange="[0.5:150]"):
        figs.append("goodput.svg")
    teach = [a for a in others if a.startswith("teach_")]
    ser = []
    for a in teach:
        row = []
        for c in mx.cells:
            pr = mx.paired_ratios(c, a)
            r = mx.ratio(c, a)
            row.append((r, min(pr) if pr else None, max(pr) if pr else None)
                       if r is not None else None)
        ser.append((LABEL[a] + " / reno", row))
    if ser and bars(os.path.join(out, "ratio.svg"),
                    "Goodput ratio to Linux reno (median/median; bars: "
                    "range of per-repetition ratios)", "ratio to reno",
                    groups, ser, tmp, yrange="[0:2]",
                    extra="set arrow from graph 0, first 0.97 to graph 1, "
                    "first 0.97 nohead dt 2 lw 2 lc rgb 'red'\n"
                    "set arrow from graph 0, first 0.90 to graph 1, first "
                    "0.90 nohead dt 3 lw 2 lc rgb 'blue'\n"
                    "set label 'targets: 0.97 (red, Linux-like), 0.90 "
                    "(blue, slides)' at graph 0.01, graph 0.95"):
        figs.append("ratio.svg")
    if lossy:
        ser = [("Mathis 1.22/sqrt(p)", [(mathis_mbps(*c), None, None)
                                        for c in lossy])]
        for a in fam:
            row = []
            for c in lossy:
                v = mx.vals(c, a, "steady_mbps")
                row.append((med(v), min(v), max(v)) if v else None)
            ser.append((LABEL[a], row))
        if bars(os.path.join(out, "mathis.svg"),
                "Lossy cells: steady goodput (2nd half of each run; median, "
                "bars min-max) next to the Mathis estimate",
                "goodput, Mbit/s (log)", [cellname(c) for c in lossy], ser,
                tmp, log=True, yrange="[0.3:100]"):
            figs.append("mathis.svg")
    return L, t, figs


def obscost_md(rows, out, tmp):
    L, t, figs = [], {}, []
    if rows is None:
        return ["Observation cost: not run.\n"], t, figs
    reads = [r for r in rows if r["kind"] == "proc_read"]
    if reads:
        L.append("### /proc/net/tcp_teach read time\n")
        L.append("Baseline: the kernel's own /proc/net/tcp read in the same "
                 "process over the same connections (it lists both ends "
                 "and the listener: 2N+1 lines).\n")
        L.append("| sockets | lines read | reads | median ms "
                 "[min–max] | per line µs | /proc/net/tcp ms (2N+1 lines) |")
        L.append("|---|---|---|---|---|---|")
        for r in reads:
            n = int(r["n"])
            L.append("| %d | %s | %s | %s [%s–%s] | %s | %s |" % (
                n, r["lines"], r["reads"], fmt(fnum(r["median_ms"]), 2),
                fmt(fnum(r["min_ms"]), 2), fmt(fnum(r["max_ms"]), 2),
                fmt(fnum(r["median_ms"]) * 1000 / max(int(r["lines"]), 1), 2),
                fmt(fnum(r.get("tcp_ms")), 2)))
        L.append("")
        big = [r for r in reads if int(r["n"]) == 10000]
        if big:
            v = fnum(big[0]["median_ms"])
            t["procread"] = (v < 50, "%.1f ms for %s lines" % (
                v, big[0]["lines"]))
        dat = os.path.join(tmp, "read.dat")
        with open(dat, "w") as f:
            for r in reads:
                f.write("%s %s %s %s %s\n" % (max(int(r["lines"]), 1),
                                              r["median_ms"], r["min_ms"],
                                              r["max_ms"],
                                              r.get("tcp_ms") or "NaN"))
        if gnuplot("""set terminal svg size 700,450 font 'sans,11'
set termoption noenhanced
set output '%s'
set title 'Time to read /proc/net/tcp_teach (dashed: 50 ms target)'
set logscale xy
set xlabel 'sockets listed'
set ylabel 'ms per read (median, bars min-max)'
set grid
set arrow from graph 0, first 50 to graph 1, first 50 nohead dt 2 lc rgb 'red'
plot '%s' using 1:2:3:4 with yerrorlines title '/proc/net/tcp_teach', \\
     '%s' using 1:5 with linespoints title '/proc/net/tcp (same sockets, 2N+1 lines)'
""" % (os.path.join(out, "proc_read.svg"), dat, dat), tmp):
            figs.append("proc_read.svg")
    tp = [r for r in rows if r["kind"] == "stream"]
    if tp:
        L.append("### Loopback transfer (teach_reno) with the event stream "
                 "off / on with a reader / on with a stalled reader\n")
        L.append("clean = one flow on plain loopback; lossy = lo at MTU "
                 "1500, 1% netem loss, 4 flows (many window events).\n")
        loads, modes = [], []
        for r in tp:
            if r.get("load", "clean") not in loads:
                loads.append(r.get("load", "clean"))
            if r["mode"] not in modes:
                modes.append(r["mode"])
        L.append("| load | event stream | goodput Mbit/s median [min–max] "
                 "| ratio to off | events/s (median) | events recorded | "
                 "dropped | lines read |")
        L.append("|---|---|---|---|---|---|---|---|")
        res, keys = [], []
        for ld in loads:
            sel = [r for r in tp if r.get("load", "clean") == ld]
            base = med([fnum(r["mbps"]) for r in sel if r["mode"] == "off"
                        and fnum(r["mbps"]) is not None])
            for mo in modes:
                rs = [r for r in sel if r["mode"] == mo]
                v = [fnum(r["mbps"]) for r in rs if fnum(r["mbps"])
                     is not None]
                if not v:
                    continue
                ratio = med(v) / base if base else None
                L.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    ld, mo, spread(v), fmt(ratio, 2),
                    fmt(med([fnum(r["events_per_s"]) for r in rs]), 0),
                    fmt(med([fnum(r["events"]) for r in rs]), 0),
                    fmt(med([fnum(r["dropped"]) for r in rs]), 0),
                    fmt(med([fnum(r["lines_read"]) for r in rs
                             if fnum(r["lines_read"]) is not None]), 0)))
                keys.append("%s, %s" % (ld, mo))
                res.append((med(v), min(v), max(v)))
                if mo == "reader" and ratio is not None:
                    t.setdefault("stream", [])
                    t["stream"].append((ld, ratio))
        L.append("")
        if "stream" in t:
            rs = t["stream"]
            t["stream"] = (all(r >= 0.95 for _, r in rs), ", ".join(
                "%s %.2f× off" % (ld, r) for ld, r in rs))
        dat = os.path.join(tmp, "stream.dat")
        with open(dat, "w") as f:
            for k, (m, lo, hi) in zip(keys, res):
                f.write('"%s" %s %s %s\n' % (k, m, lo, hi))
        if gnuplot("""set terminal svg size 800,450 font 'sans,11'
set termoption noenhanced
set output '%s'
set title 'Loopback goodput, teach_reno, event stream off/on'
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.8 border -1
set yrange [0:*]
set xtics rotate by -20
set ylabel 'Mbit/s (median, bars min-max)'
set grid ytics
plot '%s' using 2:3:4:xtic(1) notitle
""" % (os.path.join(out, "stream.svg"), dat), tmp):
            figs.append("stream.svg")
    return L, t, figs


def ttp_md(rows, out, tmp):
    L, t, figs = [], {}, []
    if rows is None:
        return ["Teaching transport: not run.\n"], t, figs
    L.append("| measurement | value (median [min–max]) | unit | note |")
    L.append("|---|---|---|---|")
    kinds = []
    for r in rows:
        if r["what"] not in kinds:
            kinds.append(r["what"])
    for k in kinds:
        rs = [r for r in rows if r["what"] == k]
        v = [fnum(r["value"]) for r in rs if fnum(r["value"]) is not None]
        note = " ".join((rs[-1].get("note") or "").split()).replace("|", "/")
        L.append("| %s | %s | %s | %s |" % (k, spread(v, 2), rs[0]["unit"],
                                            note))
    L.append("")
    kv = {k: med([fnum(r["value"]) for r in rows if r["what"] == k and
                  fnum(r["value"]) is not None]) for k in kinds}
    if kv.get("ttp_loopback_mbps") and kv.get("tcp_loopback_mbps"):
        ratio = kv["ttp_loopback_mbps"] / kv["tcp_loopback_mbps"]
        t["ttp"] = (ratio >= 0.25, "%.2f× kernel TCP" % ratio)
    return L, t, figs


def fct_md(rows):
    """Part 6: flow completion time, teach_reno (Linux-like) against reno."""
    L, t = [], {}
    if rows is None:
        return ["Flow completion time: not run.\n"], t
    rows = [r for r in rows if r.get("ok") == "1"]
    cells = sorted({(int(r["rtt_ms"]), int(r["size"])) for r in rows})
    reps = max([int(r["rep"]) for r in rows] or [0])

    def vals(c, algo, key="fct_ms", rep=None):
        return [fnum(r[key]) for r in rows
                if (int(r["rtt_ms"]), int(r["size"])) == c and
                r["algo"] == algo and (rep is None or int(r["rep"]) == rep)]

    L.append("Completion time in ms (connect() to the receiver's FIN), "
             "median [min–max] of %d run(s); no loss, no bottleneck, "
             "offloads on (TSO/GSO/GRO).\n" % reps)
    L.append("| RTT, size | reno | teach_reno (IW10, no ssthresh) | "
             "ratio (median / median) | ratio (mean / mean) | "
             "per-repetition ratios | retransmits (reno / teach) |")
    L.append("|---|---|---|---|---|---|---|")
    worst = None
    for c in cells:
        a, b = vals(c, "teach_reno_linux"), vals(c, "reno")
        r = med(a) / med(b) if a and b and med(b) else None
        # Short transfers end after 3 or 4 round trips, a bimodal time:
        # the mean ratio says what a user waits on average.
        rm = (statistics.mean(a) / statistics.mean(b)
              if a and b and statistics.mean(b) else None)
        pr = []
        for rep in range(1, reps + 1):
            ta, tb = vals(c, "teach_reno_linux", rep=rep), vals(c, "reno",
                                                                rep=rep)
            if ta and tb and tb[0]:
                pr.append(ta[0] / tb[0])
        rt = "%s / %s" % (fmt(med(vals(c, "reno", "retrans")), 0),
                          fmt(med(vals(c, "teach_reno_linux", "retrans")), 0))
        L.append("| %d ms, %s | %s | %s | %s | %s | %s | %s |" % (
            c[0], "%g kB" % (c[1] / 1000) if c[1] < 1000000 else
            "%g MB" % (c[1] / 1e6), spread(b), spread(a), fmt(r, 3),
            fmt(rm, 3),
            "%s–%s" % (fmt(min(pr), 2), fmt(max(pr), 2)) if pr else "–",
            rt))
        if r is not None:
            worst = r if worst is None else max(worst, r)
    L.append("")
    if worst is not None:
        t["fct"] = (worst <= 1.05, "worst cell %.3f" % worst)
    return L, t


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    d = sys.argv[1]
    if not os.path.isdir(d):
        print("report: %s is not a directory; give the --out DIR of a "
              "bench run" % d, file=sys.stderr)
        return 2
    tmp = tempfile.mkdtemp(prefix="tcpteach-bench-")
    try:
        return write_report(d, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_report(d, tmp):
    L = ["# tcpteach benchmark results", ""]
    meta = os.path.join(d, "meta.txt")
    if os.path.exists(meta):
        with open(meta) as f:
            L += ["```", f.read().rstrip(), "```", ""]
    targets = {}
    figs = []
    rows = load(os.path.join(d, "runs.csv"))
    L.append("## Parts 1–3: goodput matrix, theory, utilisation\n")
    if rows is None:
        L.append("Not run.\n")
    else:
        mx = Matrix(rows)
        md, t, f = matrix_md(mx, d, tmp)
        L += md
        targets.update(t)
        figs += f
        if mx.failed:
            L.append("%d run(s) failed and are left out (see runs.csv, "
                     "column note).\n" % len(mx.failed))
    L.append("## Part 4: observation cost\n")
    md, t, f = obscost_md(load(os.path.join(d, "obscost.csv")), d, tmp)
    L += md
    targets.update(t)
    figs += f
    L.append("## Part 5: teaching transport\n")
    md, t, f = ttp_md(load(os.path.join(d, "ttp.csv")), d, tmp)
    L += md
    targets.update(t)
    figs += f

    L.append("## Part 6: flow completion time\n")
    md, t = fct_md(load(os.path.join(d, "fct.csv")))
    L += md
    targets.update(t)

    profs = sorted(f for f in os.listdir(d)
                   if f.startswith("profile-") and f.endswith(".txt"))
    if profs:
        L.append("## Profiles (perf record -e cpu-clock)\n")
        for f in profs:
            with open(os.path.join(d, f)) as fh:
                text = fh.read().splitlines()
            share = [ln.split(":")[-1].strip() for ln in text
                     if ln.startswith("## samples in tcp_teach.ko")]
            L.append("- [%s](%s): %s; samples in tcp_teach.ko: %s" % (
                f, f, text[0].lstrip("# ") if text else "",
                share[0] if share else "–"))
        L.append("")

    names = [
        ("linux", "teach_reno Linux-like ≥ 0.97 × reno in every cell"),
        ("slide", "teach_reno slide defaults ≥ 0.90 × reno"),
        ("util", "no-loss utilisation ≥ 0.95 (teach_reno Linux-like)"),
        ("mathis", "lossy cells within ±30% of Mathis (Reno family)"),
        ("stream", "event stream on with a reader ≥ 0.95 × off"),
        ("procread", "/proc read of 10,000 sockets < 50 ms"),
        ("ttp", "teaching transport on loopback ≥ 0.25 × kernel TCP"),
        ("fct", "completion time teach_reno / reno ≤ 1.05 in every cell"),
    ]
    L.append("## Targets\n")
    L.append("| target | result | measured |")
    L.append("|---|---|---|")
    for k, name in names:
        if k in targets:
            ok, what = targets[k]
            L.append("| %s | %s | %s |" % (name, verdict(ok), what))
        else:
            L.append("| %s | not measured | – |" % name)
    L.append("")
    if figs:
        L.append("## Figures\n")
        for f in figs:
            L.append("![%s](%s)" % (f, f))
        L.append("")
    with open(os.path.join(d, "results.md"), "w") as f:
        f.write("\n".join(L))
    print("report: wrote %s (%d figures)" %
          (os.path.join(d, "results.md"), len(figs)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
