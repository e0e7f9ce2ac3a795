#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tcpteach benchmarks, run INSIDE the test VM (as root).

  bench.py matrix  --out DIR [--quick]   part 1-3: goodput matrix (netem)
  bench.py obscost --out DIR [--quick]   part 4: cost of observation
  bench.py ttp     --out DIR [--quick]   part 5: the teaching transport
  bench.py profile --out DIR [--quick]   perf profiles of parts 4's loads
  bench.py fct     --out DIR [--quick]   part 6: flow completion time

Every run appends one row to DIR/runs.csv (matrix), DIR/obscost.csv or
DIR/ttp.csv as soon as it ends, so a run cut short keeps what it measured.
report.py turns the CSVs into DIR/results.md and the figures.

Topology of the matrix (three network namespaces, so every drop is a real
loss in the network and never a local qdisc drop, which the sender's
kernel would treat as CWR instead of loss):

  bs (sender) s0 ==veth== r0 [br router] r1 ==veth== c0 (receiver) bc
                        ACKs: netem delay RTT/2
                                     data: netem delay RTT/2 + loss p
                                           -> tbf 100 Mbit/s, queue 1 BDP

netem is the root on r1 and tbf its child, so the one-BDP queue holds only
packets waiting for the bottleneck, not the ones in netem's delay line.
Offloads are off on every veth (one netem loss is one MSS-sized segment),
or with --offloads on at a real NIC's defaults: TSO, GSO and GRO on.

Part 6 (fct) uses the same namespaces with no bottleneck and no loss, only
netem delay, offloads on: how long a transfer of 100 kB, 1 MB or 10 MB
takes, teach_reno with Linux-like parameters against reno.
"""
import argparse
import csv
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time

RATE_MBIT = 100
NS = ("bs", "br", "bc")
SENDER_IP = "10.9.1.1"
RECEIVER_IP = "10.9.2.1"
PARAMS = "/sys/module/tcp_teach/parameters"

# name, congestion control, (initial_cwnd, initial_ssthresh) or None
ALGOS = [
    ("reno", "reno", None),
    # reno again in the same cell: how far reno is from itself is the
    # noise floor any teach_reno / reno ratio has to be read against.
    ("reno_control", "reno", None),
    ("teach_reno_linux", "teach_reno", (10, 0)),
    ("teach_reno_slide", "teach_reno", (1, 65536)),
    ("teach_tahoe", "teach_tahoe", (10, 0)),
    ("cubic", "cubic", None),
    ("bbr", "bbr", None),
]

RUN_FIELDS = ["rep", "rate_mbit", "rtt_ms", "loss_pct", "algo", "cc",
              "initial_cwnd", "initial_ssthresh", "duration_s", "goodput_mbps",
              "steady_mbps", "sent_mbps", "retrans", "mean_rtt_ms",
              "max_cwnd_kb", "link_pkts", "queue_drops", "random_drops",
              "offloads", "ok", "note", "when"]


def log(*a):
    print("bench:", *a, file=sys.stderr, flush=True)


def sh(cmd, check=True, ns=None, **kw):
    """Run a command (list), optionally inside a netns; return stdout."""
    if ns:
        cmd = ["ip", "netns", "exec", ns] + cmd
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, **kw)
    if check and r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" %
                           (" ".join(cmd), r.returncode, r.stderr.strip()))
    return r.stdout


def write(path, value):
    with open(path, "w") as f:
        f.write(str(value))


def read(path):
    with open(path) as f:
        return f.read().strip()


class CsvLog:
    """Append rows to a CSV, header once, flushed per row."""

    def __init__(self, path, fields):
        self.fields = fields
        new = not os.path.exists(path) or os.path.getsize(path) == 0
        self.f = open(path, "a", newline="")
        self.w = csv.DictWriter(self.f, fieldnames=fields)
        if new:
            self.w.writeheader()
            self.f.flush()

    def row(self, d):
        self.w.writerow({k: d.get(k, "") for k in self.fields})
        self.f.flush()


def available_cc():
    return read("/proc/sys/net/ipv4/tcp_available_congestion_control").split()


def ensure_cc(names):
    """Load what is loadable; return the subset that is available."""
    for cc in names:
        if cc not in available_cc():
            mod = "tcp_teach" if cc.startswith("teach_") else "tcp_" + cc
            subprocess.run(["modprobe", mod], stderr=subprocess.DEVNULL)
    have = available_cc()
    return [c for c in names if c in have]


def set_teach_params(p):
    if p is None:
        return
    write(os.path.join(PARAMS, "initial_cwnd"), p[0])
    write(os.path.join(PARAMS, "initial_ssthresh"), p[1])


def teach_params_now():
    try:
        return (read(os.path.join(PARAMS, "initial_cwnd")),
                read(os.path.join(PARAMS, "initial_ssthresh")))
    except OSError:
        return None


# --- topology ---------------------------------------------------------

def topo_down():
    for ns in NS:
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)


def netns_sysctls(ns):
    # Big enough buffers for 2 BDP at 100 ms; no cached ssthresh between
    # runs (tcp metrics would carry one run's ssthresh into the next).
    for k, v in (("net.ipv4.tcp_rmem", "4096 131072 33554432"),
                 ("net.ipv4.tcp_wmem", "4096 65536 33554432"),
                 ("net.ipv4.tcp_no_metrics_save", "1"),
                 ("net.ipv4.tcp_moderate_rcvbuf", "1")):
        sh(["sysctl", "-q", "-w", "%s=%s" % (k, v)], ns=ns)


def topo_up(offloads=False):
    topo_down()
    for ns in NS:
        sh(["ip", "netns", "add", ns])
        sh(["ip", "link", "set", "lo", "up"], ns=ns)
    sh(["ip", "link", "add", "s0", "netns", "bs", "type", "veth",
        "peer", "name", "r0", "netns", "br"])
    sh(["ip", "link", "add", "r1", "netns", "br", "type", "veth",
        "peer", "name", "c0", "netns", "bc"])
    for ns, dev, addr in (("bs", "s0", SENDER_IP + "/24"),
                          ("br", "r0", "10.9.1.2/24"),
                          ("br", "r1", "10.9.2.2/24"),
                          ("bc", "c0", RECEIVER_IP + "/24")):
        sh(["ip", "addr", "add", addr, "dev", dev], ns=ns)
        onoff = "on" if offloads else "off"
        sh(["ethtool", "-K", dev, "tso", onoff, "gso", onoff, "gro", onoff],
           ns=ns)
        sh(["ip", "link", "set", dev, "up"], ns=ns)
    sh(["ip", "route", "add", "default", "via", "10.9.1.2"], ns="bs")
    sh(["ip", "route", "add", "default", "via", "10.9.2.2"], ns="bc")
    sh(["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"], ns="br")
    for ns in ("bs", "bc"):
        netns_sysctls(ns)


def set_link(rtt_ms, loss_pct, rate=RATE_MBIT):
    """Configure the bottleneck for one run (fresh qdiscs: zero stats)."""
    half = "%.3fms" % (rtt_ms / 2.0)
    bdp = int(rate * 1e6 / 8 * rtt_ms / 1000)
    for dev in ("r0", "r1"):
        sh(["tc", "qdisc", "del", "dev", dev, "root"], ns="br", check=False)
    loss = " loss random %g%%" % loss_pct if loss_pct > 0 else ""
    # netem root, tbf child: the tbf queue (one BDP, bytes) holds only what
    # waits for the bottleneck, not netem's delay line.  A 64 KiB bucket
    # rides over the timer slack of the emulated CPU (a late watchdog
    # would otherwise cost capacity) and is small next to a one-BDP queue.
    batch = "\n".join([
        "qdisc add dev r0 root netem delay %s limit 100000" % half,
        "qdisc add dev r1 root handle 1: netem delay %s limit 100000%s"
        % (half, loss),
        "qdisc add dev r1 parent 1: handle 2: tbf rate %dmbit burst 64k "
        "limit %d" % (rate, bdp)]) + "\n"
    sh(["tc", "-batch", "-"], ns="br", input=batch)


def link_stats():
    """Packets through the bottleneck, drops by the full queue (tbf) and
    random drops (netem counts both: its own and its child's)."""
    j = json.loads(sh(["tc", "-s", "-j", "qdisc", "show", "dev", "r1"],
                      ns="br"))
    by = {q["kind"]: q for q in j}
    tbf, netem = by.get("tbf", {}), by.get("netem", {})
    return {"link_pkts": tbf.get("packets", ""),
            "queue_drops": tbf.get("drops", ""),
            "random_drops": netem.get("drops", 0) - tbf.get("drops", 0)}


# --- iperf3 -----------------------------------------------------------

class Server:
    def __init__(self, ns, port=5201):
        self.ns, self.port, self.p = ns, port, None

    def start(self):
        self.stop()
        self.p = subprocess.Popen(["ip", "netns", "exec", self.ns, "iperf3",
                                   "-s", "-J", "-p", str(self.port)],
                                  stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        # A loaded TCG guest can take seconds to start iperf3: wait until
        # it listens, else the first client gets "connection refused".
        for _ in range(100):
            if ":%d " % self.port in sh(["ss", "-Hltn"], ns=self.ns,
                                        check=False):
                break
            time.sleep(0.1)

    def stop(self):
        if self.p and self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.p = None


def iperf3(ns, dst, cc, secs, port=5201, extra=(), wrap=()):
    """One iperf3 client run (under the command prefix @wrap, if any);
    returns the parsed JSON (raises on error)."""
    cmd = list(wrap) + [
           "ip", "netns", "exec", ns, "iperf3", "-c", dst, "-p", str(port),
           "-C", cc, "-J", "--get-server-output"]
    if secs:
        cmd += ["-t", str(secs)]
    cmd += list(extra)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=(secs or 240) + 60)
    try:
        j = json.loads(r.stdout)
    except ValueError:
        raise RuntimeError("iperf3 gave no JSON: %s" % r.stderr.strip())
    if "error" in j:
        raise RuntimeError("iperf3: %s" % j["error"])
    return j


def steady_mbps(j):
    """Receiver-side goodput over the second half of the run."""
    try:
        ivs = j["server_output_json"]["intervals"]
    except (KeyError, TypeError):
        return None
    ivs = [iv["sum"] for iv in ivs]
    ivs = ivs[len(ivs) // 2:]
    secs = sum(iv["seconds"] for iv in ivs)
    if secs <= 0:
        return None
    return sum(iv["bytes"] for iv in ivs) * 8 / secs / 1e6


def summarize(j):
    end = j["end"]
    out = {
        "goodput_mbps": end["sum_received"]["bits_per_second"] / 1e6,
        "sent_mbps": end["sum_sent"]["bits_per_second"] / 1e6,
        "retrans": end["sum_sent"].get("retransmits", ""),
    }
    st = steady_mbps(j)
    out["steady_mbps"] = "" if st is None else round(st, 3)
    try:
        snd = end["streams"][0]["sender"]
        out["mean_rtt_ms"] = round(snd["mean_rtt"] / 1000.0, 2)
        out["max_cwnd_kb"] = round(snd["max_snd_cwnd"] / 1024.0, 1)
    except (KeyError, IndexError, TypeError):
        pass
    out["goodput_mbps"] = round(out["goodput_mbps"], 3)
    out["sent_mbps"] = round(out["sent_mbps"], 3)
    return out


# --- part 1-3: the matrix ---------------------------------------------

def cmd_matrix(a):
    rtts = [10, 50, 100]
    losses = [0.0, 0.1, 1.0]
    reps = a.reps or (1 if a.quick else 3)
    if a.quick:
        durs = {10: 4, 50: 5, 100: 6}
        rtts, losses = [10, 50], [0.0, 1.0]
    else:
        # ~35 min for 3 x 9 cells x 6 algorithms on the 2-vCPU TCG guest.
        durs = {10: a.secs or 8, 50: a.secs or 10, 100: a.secs or 12}
    if a.rtts:
        rtts = [int(x) for x in a.rtts.split(",")]
        durs.update({r: a.secs or 12 for r in rtts if r not in durs})
    if a.losses:
        losses = [float(x) for x in a.losses.split(",")]
    want = [x for x in ALGOS if not a.algos or x[0] in a.algos.split(",")]
    have = ensure_cc(sorted({cc for _, cc, _ in want}))
    algos = [x for x in want if x[1] in have]
    for name, cc, _ in want:
        if cc not in have:
            log("skipping %s: %s is not available (%s)" %
                (name, cc, " ".join(available_cc())))
    saved = teach_params_now()
    log("matrix: rtts %s loss %s reps %d algos %s" %
        (rtts, losses, reps, [x[0] for x in algos]))
    out = CsvLog(os.path.join(a.out, "runs.csv"), RUN_FIELDS)
    topo_up(a.offloads == "on")
    srv = Server("bc")
    srv.start()
    t0 = time.time()
    try:
        # Interleaved: one repetition visits every cell, and every
        # algorithm runs back to back in a cell, so machine noise (other
        # jobs on the 2 CPUs) hits all algorithms alike.
        for rep in range(1, reps + 1):
            for rtt in rtts:
                for loss in losses:
                    order = algos if rep % 2 else list(reversed(algos))
                    for name, cc, p in order:
                        set_teach_params(p)
                        row = {"rep": rep, "rate_mbit": a.rate,
                               "rtt_ms": rtt, "loss_pct": loss,
                               "algo": name, "cc": cc,
                               "initial_cwnd": p[0] if p else "",
                               "initial_ssthresh": p[1] if p else "",
                               "duration_s": durs[rtt],
                               "offloads": a.offloads,
                               "when": time.strftime("%H:%M:%S")}
                        try:
                            set_link(rtt, loss, a.rate)
                            j = iperf3("bs", RECEIVER_IP, cc, durs[rtt])
                            row.update(summarize(j))
                            row.update(link_stats())
                            row["ok"] = 1
                        except Exception as e:  # keep going, record it
                            row["ok"] = 0
                            row["note"] = str(e)[:200]
                            srv.start()
                        out.row(row)
                        log("rep %d rtt %3d loss %4.1f%% %-17s %8s Mbit/s "
                            "retrans %s (%.0fs)" %
                            (rep, rtt, loss, name, row.get("goodput_mbps"),
                             row.get("retrans"), time.time() - t0))
    finally:
        srv.stop()
        topo_down()
        if saved:
            set_teach_params(saved)
    return 0


# --- part 4: observation cost -----------------------------------------

OBS_FIELDS = ["kind", "rep", "n", "lines", "reads", "median_ms", "min_ms",
              "max_ms", "tcp_ms", "load", "mode", "secs", "mbps", "retrans", "events",
              "dropped", "lines_read", "events_per_s", "note", "when"]

# Runs inside netns "bo": holds N connected loopback sockets whose client
# side uses teach_reno and times whole reads of /proc/net/tcp_teach.
PROC_READER = r"""
import os, socket, sys, time
ns = [int(x) for x in sys.argv[1].split(",")]
reads_for = lambda n: 30 if n <= 100 else (15 if n <= 1000 else 7)
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0)); ls.listen(4096); addr = ls.getsockname()
keep = []
def one_read(path="/proc/net/tcp_teach"):
    t = time.perf_counter()
    fd = os.open(path, os.O_RDONLY)
    lines = 0
    while True:
        b = os.read(fd, 65536)
        if not b:
            break
        lines += b.count(b"\n")
    os.close(fd)
    return (time.perf_counter() - t) * 1000, lines - 1
for n in ns:
    while len(keep) < 2 * n:
        batch = min(500, n - len(keep) // 2)
        cs = []
        for _ in range(batch):
            c = socket.socket()
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION,
                         b"teach_reno")
            c.connect(addr); cs.append(c)
        for c in cs:
            keep.append(c); keep.append(ls.accept()[0])
    one_read()
    if len(sys.argv) > 2:       # profile mode: perf record over 20 reads
        import subprocess
        subprocess.run(["perf", "record", "-q", "-e", "cpu-clock",
                        "-o", sys.argv[2], "--", "sh", "-c",
                        "for i in $(seq 20); do "
                        "cat /proc/net/tcp_teach >/dev/null; done"],
                       check=True)
        continue
    ts, lines = [], 0
    for _ in range(reads_for(n)):
        ms, lines = one_read(); ts.append(ms)
    ts.sort()
    # Baseline: the kernel's own /proc/net/tcp over the same sockets.
    bs = sorted(one_read("/proc/net/tcp")[0] for _ in range(len(ts)))
    print(n, lines, len(ts), ts[len(ts) // 2], ts[0], ts[-1],
          bs[len(bs) // 2], flush=True)
"""


def ns_cat(ns, path):
    return sh(["cat", path], ns=ns)


def teach_stats(ns):
    out = {}
    for line in ns_cat(ns, "/proc/net/tcp_teach_stats").splitlines():
        k, _, v = line.partition(" ")
        out[k] = int(v) if v.strip().isdigit() else v
    return out


def stream_run(out, srv, rep, load, mode, secs, extra):
    row = {"kind": "stream", "rep": rep, "load": load, "mode": mode,
           "secs": secs, "when": time.strftime("%H:%M:%S")}
    rd = wc = None
    if mode == "reader":
        rd = subprocess.Popen(["ip", "netns", "exec", "bo", "cat",
                               "/proc/net/tcp_teach_events"],
                              stdout=subprocess.PIPE)
        wc = subprocess.Popen(["wc", "-l"], stdin=rd.stdout,
                              stdout=subprocess.PIPE, text=True)
        rd.stdout.close()
    elif mode == "stalled":
        # Opens the stream and never reads: the ring fills, events drop.
        rd = subprocess.Popen(["ip", "netns", "exec", "bo", "sh", "-c",
                               "exec sleep 1000 < /proc/net/tcp_teach_events"])
    time.sleep(0.5)
    before = teach_stats("bo")
    try:
        j = iperf3("bo", "127.0.0.1", "teach_reno", secs, extra=extra)
        sm = summarize(j)
        row.update({"mbps": sm["goodput_mbps"], "retrans": sm["retrans"]})
    except Exception as e:
        row["note"] = str(e)[:200]
        srv.start()
    after = teach_stats("bo")
    if rd:
        rd.terminate()
        rd.wait()
    if wc:
        row["lines_read"] = int(wc.communicate()[0].split()[0])
    ev = after.get("events", 0) - before.get("events", 0)
    row["events"] = ev
    row["dropped"] = after.get("dropped", 0) - before.get("dropped", 0)
    row["events_per_s"] = round(ev / secs)
    out.row(row)
    log("stream %s %-7s rep %d: %s Mbit/s, events %s (%s/s), dropped %s, "
        "read %s" % (load, mode, rep, row.get("mbps"), ev,
                     row["events_per_s"], row["dropped"],
                     row.get("lines_read", "-")))


def cmd_obscost(a):
    if "teach_reno" not in ensure_cc(["teach_reno"]):
        log("obscost: teach_reno is not available; tcp_teach.ko not loaded?")
        return 1
    out = CsvLog(os.path.join(a.out, "obscost.csv"), OBS_FIELDS)
    subprocess.run(["ip", "netns", "del", "bo"], stderr=subprocess.DEVNULL)
    sh(["ip", "netns", "add", "bo"])
    sh(["ip", "link", "set", "lo", "up"], ns="bo")
    saved = teach_params_now()
    try:
        # 1. /proc/net/tcp_teach read time against the number of sockets.
        ns = [1, 100, 1000] if a.quick else [1, 100, 1000, 10000]
        r = subprocess.run(["ip", "netns", "exec", "bo", "python3", "-c",
                            PROC_READER, ",".join(map(str, ns))],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=900)
        for line in r.stdout.splitlines():
            n, lines, reads, md, mn, mx, base = line.split()
            out.row({"kind": "proc_read", "n": n, "lines": lines,
                     "reads": reads, "median_ms": "%.3f" % float(md),
                     "min_ms": "%.3f" % float(mn),
                     "max_ms": "%.3f" % float(mx),
                     "tcp_ms": "%.3f" % float(base),
                     "when": time.strftime("%H:%M:%S")})
            log("proc read: %s sockets, %s lines: median %.2f ms "
                "(/proc/net/tcp, %d lines: %.2f ms)" %
                (n, lines, float(md), 2 * int(n) + 1, float(base)))
        if r.returncode != 0:
            log("proc read helper failed: %s" % r.stderr.strip()[-500:])

        # 2. Loopback transfer with the event stream off / read / stalled,
        # two loads: "clean" = one flow on plain loopback (64 KiB MTU, few
        # window events once the window stops growing), "lossy" = lo at
        # MTU 1500 with 1% netem loss and 4 flows (an event every few
        # ACKs: the stream's stress test).
        secs = a.secs or (3 if a.quick else 6)
        reps = a.reps or (2 if a.quick else 3)
        set_teach_params((1, 65536))    # the module's (slide) defaults
        srv = Server("bo")
        srv.start()
        try:
            for rep in range(1, reps + 1):
                for load in ("clean", "lossy"):
                    if load == "clean":
                        sh(["ip", "link", "set", "lo", "mtu", "65536"],
                           ns="bo")
                        sh(["tc", "qdisc", "del", "dev", "lo", "root"],
                           ns="bo", check=False)
                        extra = ()
                    else:
                        sh(["ip", "link", "set", "lo", "mtu", "1500"],
                           ns="bo")
                        sh(["tc", "qdisc", "replace", "dev", "lo", "root",
                            "netem", "loss", "random", "1%", "limit",
                            "10000"], ns="bo")
                        extra = ("-P", "4")
                    # Rotated each repetition: a drift within a
                    # repetition must not fall on one mode.
                    modes = ("off", "reader", "stalled")
                    k = (rep - 1) % len(modes)
                    for mode in modes[k:] + modes[:k]:
                        stream_run(out, srv, rep, load, mode, secs, extra)
        finally:
            srv.stop()
    finally:
        if saved:
            set_teach_params(saved)
        subprocess.run(["ip", "netns", "del", "bo"],
                       stderr=subprocess.DEVNULL)
    return 0


# --- profile: where the time goes (perf, cpu-clock: no PMU under TCG) --

def perf_report(data, path, title):
    """The hottest symbols and the module's share, as text."""
    rep = ["perf", "report", "-i", data, "--stdio", "--no-children", "-q",
           "-g", "none"]
    dso = sh(rep + ["--sort", "dso"], check=False)
    sym = sh(rep + ["--sort", "dso,sym", "--percent-limit", "0.7"],
             check=False)
    # The module's symbols are reported under [kernel.kallsyms]: add up
    # every teach_* function (the shared core's and the glue's).
    allsym = sh(rep + ["--sort", "sym"], check=False)
    mod = [ln.split() for ln in allsym.splitlines()
           if " teach_" in ln and ln.strip().endswith(ln.split()[-1])]
    share = sum(float(w[0].rstrip("%")) for w in mod if w[0].endswith("%"))
    with open(path, "w") as f:
        f.write("# %s\n# command: make bench BENCH_ARGS='--parts profile' "
                "(selftests/bench/bench.py profile)\n\n"
                "## samples in tcp_teach.ko (teach_* functions): %.2f%%\n%s\n\n"
                "## share of samples per object\n%s\n\n"
                "## hottest symbols (>= 0.7%% of samples)\n%s\n" %
                (title, share, "\n".join("    %s  %s" % (w[0], w[-1])
                                          for w in mod), dso.rstrip(),
                 sym.rstrip()))
    log("profile: %s: %.2f%% of samples in tcp_teach.ko; wrote %s" %
        (title, share, path))


def cmd_profile(a):
    if not shutil.which("perf"):
        log("profile: perf missing; apt-get install linux-perf")
        return 1
    if "teach_reno" not in ensure_cc(["teach_reno"]):
        log("profile: teach_reno is not available; tcp_teach.ko not loaded?")
        return 1
    subprocess.run(["ip", "netns", "del", "bo"], stderr=subprocess.DEVNULL)
    sh(["ip", "netns", "add", "bo"])
    sh(["ip", "link", "set", "lo", "up"], ns="bo")
    # Not in a.out: that is the 9p share, and writing it would be profiled.
    data = "/tmp/tcpteach-perf.data"
    saved = teach_params_now()
    try:
        # 1. Twenty reads of /proc/net/tcp_teach over 10,000 sockets.
        n = 1000 if a.quick else 10000
        sh(["python3", "-c", PROC_READER, str(n), data], ns="bo",
           timeout=900)
        # (the cat processes only: perf follows the children it starts)
        perf_report(data, os.path.join(a.out, "profile-proc.txt"),
                    "20 reads of /proc/net/tcp_teach, %d sockets" % n)
        # 2. The event stream's stress load (obscost: lossy) with a reader.
        set_teach_params((1, 65536))
        sh(["ip", "link", "set", "lo", "mtu", "1500"], ns="bo")
        sh(["tc", "qdisc", "replace", "dev", "lo", "root", "netem", "loss",
            "random", "1%", "limit", "10000"], ns="bo")
        srv = Server("bo")
        srv.start()
        rd = subprocess.Popen(["ip", "netns", "exec", "bo", "sh", "-c",
                               "cat /proc/net/tcp_teach_events >/dev/null"])
        try:
            secs = 4 if a.quick else 10
            # perf starts the client, so it records the whole transfer.
            j = iperf3("bo", "127.0.0.1", "teach_reno", secs,
                       extra=("-P", "4"),
                       wrap=("perf", "record", "-q", "-e", "cpu-clock",
                             "-a", "-o", data, "--"))
            sm = summarize(j)
            log("profile: transfer %s Mbit/s, %s retransmissions" %
                (sm["goodput_mbps"], sm["retrans"]))
        finally:
            rd.terminate()
            rd.wait()
            srv.stop()
        perf_report(data, os.path.join(a.out, "profile-stream.txt"),
                    "lossy loopback transfer (1%% loss, 4 flows, %d s) "
                    "with a reader of /proc/net/tcp_teach_events" % secs)
    finally:
        if saved:
            set_teach_params(saved)
        subprocess.run(["ip", "netns", "del", "bo"],
                       stderr=subprocess.DEVNULL)
        for f in (data, data + ".old"):
            if os.path.exists(f):
                os.unlink(f)
    return 0


# --- part 5: the teaching transport ------------------------------------

TTP_FIELDS = ["what", "rep", "value", "unit", "bytes", "secs", "note",
              "when"]
TCPTEACH = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "..", "..", "build", "tcpteach")


def parse_goodput(text, who):
    """'ttp recv: N bytes in T s, goodput G Mbit/s' -> (N, T, G)."""
    for line in text.splitlines():
        if line.startswith(who + ":") and "goodput" in line:
            w = line.replace(",", " ").split()
            return (int(w[w.index("bytes") - 1]), float(w[w.index("in") + 1]),
                    float(w[w.index("goodput") + 1]))
    raise RuntimeError("no goodput line from %s: %s" % (who, text[-300:]))


def ttp_transfer(send_ns, recv_ns, dst, path, extra=(), port=5601,
                 timeout=120):
    rcv = subprocess.Popen(["ip", "netns", "exec", recv_ns, TCPTEACH, "ttp",
                            "recv", "--port", str(port), "-o", "/dev/null",
                            "--timeout", "20"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
    time.sleep(0.3)
    snd = subprocess.run(["ip", "netns", "exec", send_ns, TCPTEACH, "ttp",
                          "send"] + list(extra) + [path, "%s:%d" % (dst, port)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, timeout=timeout)
    try:
        rout = rcv.communicate(timeout=30)[0]
    except subprocess.TimeoutExpired:
        rcv.kill()
        rout = rcv.communicate()[0]
    if snd.returncode != 0 or rcv.returncode != 0:
        raise RuntimeError("ttp failed (send %d, recv %d): %s %s" % (
            snd.returncode, rcv.returncode, snd.stdout[-200:], rout[-200:]))
    return parse_goodput(rout, "ttp recv")


def make_file(path, size):
    with open("/dev/urandom", "rb") as r, open(path, "wb") as w:
        left = size
        while left > 0:
            b = r.read(min(left, 1 << 20))
            w.write(b)
            left -= len(b)


def cmd_ttp(a):
    if not os.access(TCPTEACH, os.X_OK):
        log("ttp: %s missing; run make first" % TCPTEACH)
        return 1
    r = subprocess.run([TCPTEACH, "ttp", "--help"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if "send" not in r.stdout:
        log("ttp: tcpteach has no 'ttp send' yet; part 5 not run")
        return 1
    out = CsvLog(os.path.join(a.out, "ttp.csv"), TTP_FIELDS)
    reps = 2 if a.quick else 3
    size = (50 if a.quick else 200) << 20
    blob = "/tmp/tcpteach-bench.bin"
    make_file(blob, size)
    have_teach = "teach_reno" in ensure_cc(["teach_reno"])
    saved = teach_params_now()

    def rec(what, rep, value, unit, **kw):
        d = {"what": what, "rep": rep, "value": value, "unit": unit,
             "when": time.strftime("%H:%M:%S")}
        d.update(kw)
        out.row(d)
        log("ttp: %s rep %d: %s %s %s" % (what, rep, value, unit,
                                          kw.get("note", "")))

    subprocess.run(["ip", "netns", "del", "bt"], stderr=subprocess.DEVNULL)
    sh(["ip", "netns", "add", "bt"])
    sh(["ip", "link", "set", "lo", "up"], ns="bt")
    srv = Server("bt")
    srv.start()
    try:
        # 1. Loopback: the same file through kernel TCP (iperf3 -F, cubic)
        # and through the teaching transport (UDP, its default loopback
        # MSS), interleaved.
        for rep in range(1, reps + 1):
            try:
                j = iperf3("bt", "127.0.0.1", "cubic", 0,
                           extra=("-F", blob, "-n", str(size)))
                rec("tcp_loopback_mbps", rep,
                    summarize(j)["goodput_mbps"], "Mbit/s", bytes=size,
                    note="iperf3 -F file, cubic")
            except Exception as e:
                rec("tcp_loopback_mbps", rep, "", "Mbit/s", note=str(e)[:150])
                srv.start()
            try:
                # the sender's default MSS is now 1452 everywhere
                n, t, g = ttp_transfer("bt", "bt", "127.0.0.1", blob,
                                       extra=("--mss", "32000"))
                rec("ttp_loopback_mbps", rep, g, "Mbit/s", bytes=n, secs=t,
                    note="ttp send/recv, reno, UDP")
            except Exception as e:
                rec("ttp_loopback_mbps", rep, "", "Mbit/s", note=str(e)[:150])
    finally:
        srv.stop()
        subprocess.run(["ip", "netns", "del", "bt"],
                       stderr=subprocess.DEVNULL)

    # 2. The simulator's speed: data segments simulated per wall second.
    for rep in range(1, reps + 1):
        t = time.perf_counter()
        r = subprocess.run([TCPTEACH, "sim", "--size", "50M", "--rtt", "10",
                            "--loss", "0.1%", "--seed", str(rep)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
        wall = time.perf_counter() - t
        segs = None
        for line in r.stdout.splitlines():
            w = line.replace(",", " ").replace("(", " ").split()
            if "segments" in w and "sent" in w:
                segs = int(w[w.index("sent") + 1]) + \
                    int(w[w.index("received") + 1])
        rec("sim_segments_per_s", rep,
            round(segs / wall) if segs and r.returncode == 0 else "",
            "segments/s", secs=round(wall, 3),
            note="sim 50 MB, 10 ms, 0.1%% loss (sent+received %s)" % segs)

    # 3. Through the matrix's bottleneck, next to teach_reno in the
    # kernel with the same (slide) parameters and the same file size.
    cells = [(10, 0.1, 40 << 20)] if a.quick else \
        [(10, 0.1, 40 << 20), (50, 1.0, 4 << 20)]
    topo_up()
    srv = Server("bc")
    srv.start()
    try:
        for rep in range(1, reps + 1):
            for rtt, loss, nbytes in cells:
                cell = "%d ms %g%%" % (rtt, loss)
                if have_teach:
                    set_teach_params((1, 65536))
                    try:
                        set_link(rtt, loss)
                        j = iperf3("bs", RECEIVER_IP, "teach_reno", 0,
                                   extra=("-F", blob, "-n", str(nbytes)))
                        rec("kernel_teach_reno_mbps " + cell, rep,
                            summarize(j)["goodput_mbps"], "Mbit/s",
                            bytes=nbytes, note="slide defaults")
                    except Exception as e:
                        rec("kernel_teach_reno_mbps " + cell, rep, "",
                            "Mbit/s", note=str(e)[:150])
                        srv.start()
                try:
                    set_link(rtt, loss)
                    with open(blob, "rb") as f, \
                            open(blob + ".cell", "wb") as w:
                        w.write(f.read(nbytes))
                    n, t, g = ttp_transfer("bs", "bc", RECEIVER_IP,
                                           blob + ".cell",
                                           extra=("--mss", "1448",
                                                  "--cc", "reno"),
                                           timeout=300)
                    rec("ttp_mbps " + cell, rep, g, "Mbit/s", bytes=n,
                        secs=t, note="ttp reno, --mss 1448")
                except Exception as e:
                    rec("ttp_mbps " + cell, rep, "", "Mbit/s",
                        note=str(e)[:150])
    finally:
        srv.stop()
        topo_down()
        if saved:
            set_teach_params(saved)
        for f in (blob, blob + ".cell"):
            if os.path.exists(f):
                os.unlink(f)
    return 0

# --- part 6: flow completion time ---------------------------------------

FCT_FIELDS = ["rep", "rtt_ms", "size", "algo", "cc", "initial_cwnd",
              "initial_ssthresh", "offloads", "fct_ms", "retrans", "ok",
              "note", "when"]

# Runs in netns bc: reads every connection to its end, then closes it.
FCT_SERVER = r"""
import socket, sys, threading
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("0.0.0.0", int(sys.argv[1])))
ls.listen(64)
def serve(c):
    while c.recv(1 << 20):
        pass
    c.close()
while True:
    c = ls.accept()[0]
    threading.Thread(target=serve, args=(c,), daemon=True).start()
"""

# Runs in netns bs: for each repetition, size and algorithm (interleaved,
# the order reversed every other repetition), connect, send, half-close
# and wait for the receiver's FIN: the time from connect() to that FIN.
FCT_CLIENT = r"""
import socket, struct, sys, time
dst, port, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sizes = [int(x) for x in sys.argv[4].split(",")]
ccs = sys.argv[5].split(",")
buf = memoryview(bytes(1 << 20))
for rep in range(1, reps + 1):
    for size in sizes:
        for cc in (ccs if rep % 2 else ccs[::-1]):
            s = socket.socket()
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION,
                         cc.encode())
            t = time.perf_counter()
            s.connect((dst, port))
            left = size
            while left:
                left -= s.send(buf[:min(left, len(buf))])
            s.shutdown(socket.SHUT_WR)
            s.recv(1)
            ms = (time.perf_counter() - t) * 1000
            info = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
            s.close()
            # tcpi_total_retrans is the u32 at offset 100
            print(rep, size, cc, "%.3f" % ms, struct.unpack_from("I", info,
                  100)[0], flush=True)
            time.sleep(0.2)
"""


def set_delay(rtt_ms):
    """No bottleneck, no loss: only the delay, half each way."""
    half = "%.3fms" % (rtt_ms / 2.0)
    for dev in ("r0", "r1"):
        sh(["tc", "qdisc", "del", "dev", dev, "root"], ns="br", check=False)
        sh(["tc", "qdisc", "add", "dev", dev, "root", "netem", "delay", half,
            "limit", "100000"], ns="br")


def cmd_fct(a):
    rtts = [int(x) for x in a.rtts.split(",")] if a.rtts else [10, 50, 100]
    sizes = [100000, 1000000, 10000000]
    reps = a.reps or (2 if a.quick else 7)
    if a.quick:
        rtts = rtts[:2]
    names = {"reno": "reno", "teach_reno": "teach_reno_linux"}
    have = ensure_cc(["reno", "teach_reno"])
    if have != ["reno", "teach_reno"]:
        log("fct: needs reno and teach_reno (have %s)" % " ".join(have))
        return 1
    saved = teach_params_now()
    params = (10, 0)            # Linux-like: IW10, no initial threshold
    set_teach_params(params)
    out = CsvLog(os.path.join(a.out, "fct.csv"), FCT_FIELDS)
    topo_up(offloads=True)
    srv = subprocess.Popen(["ip", "netns", "exec", "bc", "python3", "-c",
                            FCT_SERVER, "5301"])
    rc = 0
    try:
        time.sleep(1)
        for rtt in rtts:
            set_delay(rtt)
            log("fct: rtt %d ms, sizes %s, %d reps" % (rtt, sizes, reps))
            p = subprocess.run(
                ["ip", "netns", "exec", "bs", "python3", "-c", FCT_CLIENT,
                 RECEIVER_IP, "5301", str(reps),
                 ",".join(map(str, sizes)), "reno,teach_reno"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                timeout=1800)
            for line in p.stdout.splitlines():
                rep, size, cc, ms, retrans = line.split()
                out.row({"rep": rep, "rtt_ms": rtt, "size": size,
                         "algo": names[cc], "cc": cc,
                         "initial_cwnd": params[0] if cc != "reno" else "",
                         "initial_ssthresh": params[1] if cc != "reno"
                         else "", "offloads": "on", "fct_ms": ms,
                         "retrans": retrans, "ok": 1,
                         "when": time.strftime("%H:%M:%S")})
            if p.returncode != 0:
                log("fct client failed: %s" % p.stderr.strip()[-500:])
                rc = 1
    finally:
        srv.terminate()
        srv.wait()
        topo_down()
        if saved:
            set_teach_params(saved)
    return rc


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("part", choices=["matrix", "obscost", "ttp", "profile",
                                     "fct"])
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--quick", action="store_true", help="smoke run")
    ap.add_argument("--reps", type=int, default=0)
    ap.add_argument("--secs", type=int, default=0,
                    help="seconds per run (matrix: default 8/10/12 s at "
                    "10/50/100 ms; obscost stream: 6 s)")
    ap.add_argument("--algos", default="", help="matrix: comma list")
    ap.add_argument("--rtts", default="", help="matrix: comma list of ms "
                    "(default 10,50,100)")
    ap.add_argument("--losses", default="", help="matrix: comma list of "
                    "percent (default 0,0.1,1)")
    ap.add_argument("--rate", type=int, default=RATE_MBIT,
                    help="matrix: bottleneck Mbit/s (default %d)" % RATE_MBIT)
    ap.add_argument("--offloads", choices=["on", "off"], default="off",
                    help="matrix: TSO/GSO/GRO on every veth (default off)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    return {"matrix": cmd_matrix, "obscost": cmd_obscost,
            "ttp": cmd_ttp, "profile": cmd_profile, "fct": cmd_fct}[a.part](a)


if __name__ == "__main__":
    sys.exit(main())
