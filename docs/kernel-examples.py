#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The kernel-side examples of docs/cli.md and the man page, from a real run.

  docs/kernel-examples.py run OUT.json      in the VM, as root: set up the
                                            lab, run every example (make
                                            docs-kernel does this)
  docs/kernel-examples.py write OUT.json    put the outputs into the docs
  docs/kernel-examples.py check OUT.json [DOC...]
                                            the docs' examples have the
                                            shape of today's output

A block in docs/cli.md

  <!-- kernel: NAME -->
  ...
  <!-- end -->

is replaced by a code block of the commands of EXAMPLES[NAME] and what
they printed.  In the man page, the line after `.\\" kernel: NAME` and
`.EX` is the first line NAME printed.  Values change from run to run
(ports, cookies, windows, times), so `check` compares shapes: for each
command the header line (tables, CSV), the keys (`key value` lines,
with numbers masked) or the JSON keys, by the command's kind.
"""
import json
import os
import re
import select
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI_MD = os.path.join(REPO, "docs", "cli.md")
MAN = os.path.join(REPO, "userspace", "tcpteach.1")
DOCS = [CLI_MD, MAN]

# The lab: this (the initial) namespace is the sender's, 10.78.0.1; the
# receivers (iperf3 servers on 5201 and 5001) are in ttdoc-b, 10.78.0.2,
# 10 ms away each way; nftables there drops data segment 120 to port 5001
# (one fast retransmit for the trace).
LAB_UP = r"""
set -e
ip netns add ttdoc-b
ip link add tt-a type veth peer name tt-b netns ttdoc-b
ip addr add 10.78.0.1/24 dev tt-a
ip -n ttdoc-b addr add 10.78.0.2/24 dev tt-b
ip -n ttdoc-b link set lo up
ip link set tt-a up
ip -n ttdoc-b link set tt-b up
ethtool -K tt-a tso off gso off gro off >/dev/null
ip netns exec ttdoc-b ethtool -K tt-b tso off gso off gro off >/dev/null
echo 1 > /sys/class/net/tt-a/queues/rx-0/rps_cpus
ip netns exec ttdoc-b sh -c 'echo 1 > /sys/class/net/tt-b/queues/rx-0/rps_cpus'
tc qdisc add dev tt-a root netem delay 10ms limit 10000
ip netns exec ttdoc-b tc qdisc add dev tt-b root netem delay 10ms limit 10000
ip netns exec ttdoc-b nft add table inet t
ip netns exec ttdoc-b nft add chain inet t pre '{ type filter hook prerouting priority -300 ; }'
ip netns exec ttdoc-b nft add rule inet t pre tcp dport 5001 ip length \> 100 \
	numgen inc mod 1000000000 == 119 counter drop
"""

# name: [(kind, shown command, command run if different[, exit status
# if not 0])].  Kinds:
#   head      the first line has the same words (a table's or a CSV's
#             header; column widths follow the values)
#   head:RE   the same for the first line matching RE
#   keys      every line, numbers masked
#   json      the same keys (every path) in the JSON document
#   none      only the command is compared
# The commands run in order, in one bash, in one scratch directory.
EXAMPLES = {
    "list": [
        ("keys", "tcpteach list", None),
        ("json", "tcpteach list --json", None),
    ],
    "use": [
        ("keys", "tcpteach use teach_tahoe", None),
        ("keys", "tcpteach use cubic            # back to what it was",
         "tcpteach use cubic >/dev/null"),
        ("none", "ip netns add lab1", None),
        ("keys", "tcpteach use teach_reno --netns lab1", None),
        ("keys", "tcpteach use teach_vegas", None, 2),
    ],
    "run": [
        ("none", "tcpteach run --cc teach_tahoe -- iperf3 -c 10.78.0.2 -t 12 >/dev/null &",
         "tcpteach run --cc teach_tahoe -- iperf3 -c 10.78.0.2 -t 12 >/dev/null & IPERF=$!"),
        ("head", "sleep 3; tcpteach show --port 5201    # iperf3's two connections",
         None),
    ],
    "show": [
        ("head", "tcpteach show", None),
        ("head", "tcpteach show -e --port 5201        # every /proc column, same order",
         "tcpteach show -e --port 5201"),
        ("json", "tcpteach show --json --addr 10.78.0.2", None),
    ],
    "watch": [
        ("head:^remote ", "tcpteach watch --interval 0.5",
         "script -q -c 'tcpteach watch --interval 0.5 --count 6' /dev/null"
         " </dev/null | last-frame"),
        ("head", "tcpteach watch --count 1 | cat      # not a terminal: plain lines",
         "tcpteach watch --count 1 | cat; wait $IPERF"),
    ],
    "trace": [
        ("none", "tcpteach trace -o reno.csv --port 5001 &      # start before the transfer",
         "tcpteach trace -o reno.csv --port 5001 2>trace.err & TRACE=$!; sleep 1"),
        ("none", "tcpteach run --cc teach_reno -- iperf3 -c 10.78.0.2 -p 5001 -n 1500000 >/dev/null",
         None),
        ("keys", "kill %1",
         "sleep 1; kill $TRACE; wait $TRACE; cat trace.err"),
        ("head", "head -3 reno.csv", None),
        ("none", "grep fast_retransmit reno.csv", None),
    ],
}

# The last screen of a terminal program: after the last clear-screen,
# escapes and carriage returns gone.
LAST_FRAME = r"""last-frame() {
	python3 -c '
import re, sys
t = sys.stdin.read().split("\x1b[2J")[-1]
t = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", t).replace("\r", "")
sys.stdout.write(t.strip("\n") + "\n")'
}
"""


def sh(script, **kw):
    return subprocess.run(["bash", "-c", script], **kw)


def run_examples(out_path):
    if os.geteuid() != 0 or not os.path.isdir("/sys/module/tcp_teach"):
        sys.exit("kernel-examples: run needs root and tcp_teach loaded"
                 " (in the VM: make docs-kernel)")
    allowed = open("/proc/sys/net/ipv4/tcp_allowed_congestion_control").read().strip()
    default = open("/proc/sys/net/ipv4/tcp_congestion_control").read().strip()
    work = tempfile.mkdtemp(prefix="ttdoc.")
    servers = []
    shell = None
    try:
        sh(LAB_UP, check=True)
        for port in (5201, 5001):
            servers.append(subprocess.Popen(
                ["ip", "netns", "exec", "ttdoc-b", "iperf3", "-s", "-p", str(port)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(1)
        env = dict(os.environ, PATH=os.path.join(REPO, "build") + ":" + os.environ["PATH"],
                   LC_ALL="C.UTF-8", TERM="xterm", COLUMNS="80", LINES="24")
        shell = subprocess.Popen(["bash", "--norc", "--noprofile"], cwd=work, env=env,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        shell.stdin.write(LAST_FRAME)
        result = {}
        n = 0
        for name, cmds in EXAMPLES.items():
            result[name] = []
            for kind, shown, actual, *status in cmds:
                n += 1
                outf = os.path.join(work, f".out{n}")
                shell.stdin.write(f"{{ {actual or shown}\n}} >{outf} 2>&1 </dev/null\n"
                                  f"echo \"@@done {n} $?\"\n")
                shell.stdin.flush()
                r, _, _ = select.select([shell.stdout], [], [], 300)
                line = shell.stdout.readline() if r else ""
                if not line.startswith(f"@@done {n} "):
                    raise SystemExit(f"kernel-examples: '{shown}' did not finish")
                out = open(outf).read()
                if int(line.split()[2]) != (status or [0])[0]:
                    raise SystemExit(f"kernel-examples: '{shown}' exited {line.split()[2]}:\n{out}")
                # the scratch directory is not the reader's
                out = out.replace(work + "/", "")
                result[name].append({"kind": kind, "cmd": shown, "out": out})
        with open(out_path, "w") as f:
            json.dump(result, f, indent=1)
    finally:
        if shell:
            shell.stdin.close()
            shell.wait()
        for s in servers:
            s.terminate()
            s.wait()
        sh("ip netns del ttdoc-b; ip netns del lab1; ip link del tt-a",
           stderr=subprocess.DEVNULL)
        with open("/proc/sys/net/ipv4/tcp_congestion_control", "w") as f:
            f.write(default)
        with open("/proc/sys/net/ipv4/tcp_allowed_congestion_control", "w") as f:
            f.write(allowed)
        sh(f"rm -rf '{work}'")


def block_text(entries):
    lines = ["```"]
    for e in entries:
        lines.append("$ " + e["cmd"])
        lines += [ln.rstrip() for ln in e["out"].splitlines()]
    lines.append("```")
    return "\n".join(lines) + "\n"


BLOCK_RE = re.compile(r"(<!-- kernel: (\S+) -->\n)(.*?)(<!-- end -->)", re.S)
MAN_RE = re.compile(r'(\.\\" kernel: (\S+)\n\.EX\n)([^\n]*)(\n)')


def man_escape(s):
    return s.replace("\\", "\\e").replace("-", "\\-")


def first_lines(result):
    """NAME -> the first line of the last command's output with a 'head'
    kind: what the man page quotes."""
    firsts = {}
    for name, entries in result.items():
        for e in entries:
            if e["kind"] == "head" and e["out"]:
                firsts[name] = e["out"].splitlines()[0]
    return firsts


def fill(text, result, path):
    def block(m):
        if m.group(2) not in result:
            raise SystemExit(f"kernel-examples: {path}: no example named {m.group(2)}")
        return m.group(1) + block_text(result[m.group(2)]) + m.group(4)
    firsts = first_lines(result)

    def man(m):
        return m.group(1) + man_escape(firsts[m.group(2)]) + m.group(4)
    return MAN_RE.sub(man, BLOCK_RE.sub(block, text))


def write(result_path):
    result = json.load(open(result_path))
    for path in DOCS:
        text = open(path).read()
        new = fill(text, result, path)
        if new != text:
            open(path, "w").write(new)
            print(f"kernel-examples: rewrote {os.path.relpath(path, REPO)}")


def parse_block(body):
    """A filled block back into [(command, output)]."""
    entries = []
    for line in body.strip("\n").split("\n")[1:-1]:
        if line.startswith("$ "):
            entries.append([line[2:], []])
        elif entries:
            entries[-1][1].append(line)
    return [(c, "\n".join(o)) for c, o in entries]


def json_paths(text, prefix=""):
    try:
        doc = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return {"(not JSON)"}
    paths = set()
    if isinstance(doc, dict):
        for k, v in doc.items():
            paths.add(prefix + "." + k)
            paths |= json_paths(v, prefix + "." + k)
    elif isinstance(doc, list):
        for v in doc:
            paths |= json_paths(v, prefix + "[]")
    return paths


def shape(kind, out):
    lines = out.splitlines()
    if kind == "head":
        return lines[0].split() if lines else []
    if kind.startswith("head:"):
        return ([ln for ln in lines if re.search(kind[5:], ln)] or [""])[0].split()
    if kind == "keys":
        return [re.sub(r"\S*\d\S*", "#", ln) for ln in lines]
    if kind == "json":
        return sorted(json_paths(out))
    return []


def check(result_path, docs):
    result = json.load(open(result_path))
    bad = 0
    for path in docs:
        text = open(path).read()
        rel = os.path.relpath(path, REPO)
        names = set()
        for m in BLOCK_RE.finditer(text):
            name = m.group(2)
            names.add(name)
            fresh = result.get(name)
            if fresh is None:
                print(f"{rel}: block '{name}' is no example (see EXAMPLES)")
                bad += 1
                continue
            doc = parse_block(m.group(3))
            if [c for c, _ in doc] != [e["cmd"] for e in fresh]:
                print(f"{rel}: block '{name}': the commands differ from a fresh run:"
                      f"\n  doc:   {[c for c, _ in doc]}\n  fresh: {[e['cmd'] for e in fresh]}")
                bad += 1
                continue
            for (cmd, out), e in zip(doc, fresh):
                a, b = shape(e["kind"], out), shape(e["kind"], e["out"])
                if a != b:
                    print(f"{rel}: block '{name}', '$ {cmd}' ({e['kind']}):"
                          f"\n  doc:   {a}\n  fresh: {b}")
                    bad += 1
        firsts = first_lines(result)
        for m in MAN_RE.finditer(text):
            names.add(m.group(2))
            want = man_escape(firsts.get(m.group(2), "(no such example)"))
            if m.group(3) != want:
                print(f"{rel}: '{m.group(2)}' line:\n  doc:   {m.group(3)}\n  fresh: {want}")
                bad += 1
        if not names:
            print(f"{rel}: no kernel example marked")
            bad += 1
    if bad:
        print(f"kernel-examples: {bad} example(s) drifted: run 'make docs-kernel'")
        return 1
    print("kernel-examples: every kernel example has today's shape")
    return 0


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("run", "write", "check"):
        sys.stderr.write(__doc__)
        return 2
    if sys.argv[1] == "run":
        run_examples(sys.argv[2])
    elif sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        return check(sys.argv[2], sys.argv[3:] or DOCS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
