#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tcpteach benchmarks, run INSIDE the test VM (as root).

  bench.py matrix  --out DIR [--quick]   part 1-3: goodput matrix (netem)
  bench.py obscost --out DIR [--quick]   part 4: cost of observation
  bench.py ttp     --out DIR [--quick]   part 5: the teaching transport

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
Offloads are off on every veth: one netem loss is one MSS-sized segment.
"""
import argparse
import csv
import json
import os
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
    ("teach_reno_linux", "teach_reno", (10, 0)),
    ("teach_reno_slide", "teach_reno", (1, 65536)),
    ("teach_tahoe", "teach_tahoe", (10, 0)),
    ("cubic", "cubic", None),
    ("bbr", "bbr", None),
]

RUN_FIELDS = ["rep", "rtt_ms", "loss_pct", "algo", "cc", "initial_cwnd",
              "initial_ssthresh", "duration_s", "goodput_mbps",
              "steady_mbps", "sent_mbps", "retrans", "mean_rtt_ms",
              "max_cwnd_kb", "link_pkts", "queue_drops", "random_drops",
              "ok", "note", "when"]


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


def topo_up():
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
        sh(["ethtool", "-K", dev, "tso", "off", "gso", "off", "gro", "off"],
           ns=ns)
        sh(["ip", "link", "set", dev, "up"], ns=ns)
    sh(["ip", "route", "add", "default", "via", "10.9.1.2"], ns="bs")
    sh(["ip", "route", "add", "default", "via", "10.9.2.2"], ns="bc")
    sh(["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"], ns="br")
    for ns in ("bs", "bc"):
        netns_sysctls(ns)


def set_link(rtt_ms, loss_pct):
    """Configure the bottleneck for one cell."""
    half = "%.3fms" % (rtt_ms / 2.0)
    bdp = int(RATE_MBIT * 1e6 / 8 * rtt_ms / 1000)
    for dev in ("r0", "r1"):
        sh(["tc", "qdisc", "del", "dev", dev, "root"], ns="br", check=False)
    sh(["tc", "qdisc", "add", "dev", "r0", "root", "netem", "delay", half,
        "limit", "100000"], ns="br")
    netem = ["tc", "qdisc", "add", "dev", "r1", "root", "handle", "1:",
             "netem", "delay", half, "limit", "100000"]
    if loss_pct > 0:
        netem += ["loss", "random", "%g%%" % loss_pct]
    sh(netem, ns="br")
    # tbf: queue = one BDP in bytes; a 64 KiB bucket rides over the timer
    # slack of the emulated CPU (a late watchdog would otherwise cost
    # capacity) and is small next to a one-BDP queue.
    sh(["tc", "qdisc", "add", "dev", "r1", "parent", "1:", "handle", "2:",
        "tbf", "rate", "%dmbit" % RATE_MBIT, "burst", "64k",
        "limit", str(bdp)], ns="br")


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
        time.sleep(0.5)

    def stop(self):
        if self.p and self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.p = None


def iperf3(ns, dst, cc, secs, port=5201, extra=()):
    """One iperf3 client run; returns the parsed JSON (raises on error)."""
    cmd = ["ip", "netns", "exec", ns, "iperf3", "-c", dst, "-p", str(port),
           "-t", str(secs), "-C", cc, "-J", "--get-server-output"]
    cmd += list(extra)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=secs + 60)
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
        durs = {10: a.secs or 10, 50: a.secs or 12, 100: a.secs or 15}
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
    topo_up()
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
                        row = {"rep": rep, "rtt_ms": rtt, "loss_pct": loss,
                               "algo": name, "cc": cc,
                               "initial_cwnd": p[0] if p else "",
                               "initial_ssthresh": p[1] if p else "",
                               "duration_s": durs[rtt],
                               "when": time.strftime("%H:%M:%S")}
                        try:
                            set_link(rtt, loss)
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


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("part", choices=["matrix", "obscost", "ttp"])
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--quick", action="store_true", help="smoke run")
    ap.add_argument("--reps", type=int, default=0)
    ap.add_argument("--secs", type=int, default=0,
                    help="matrix: seconds per run (default 10/12/15)")
    ap.add_argument("--algos", default="", help="matrix: comma list")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    return {"matrix": cmd_matrix}[a.part](a)


if __name__ == "__main__":
    sys.exit(main())
