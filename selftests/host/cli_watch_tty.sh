#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `tcpteach watch` on a terminal (script(1) gives it one), on the
# fixture table and event stream: every line fits 80 columns, one
# labelled scale for all rows, fast retransmit and timeout counts, and
# the history follows the event stream (one cell per event of the flow).
# Exit 0 pass, 1 fail, 4 skip.
set -u
cd "$(dirname "$0")/../.." || exit 1
T=build/tcpteach
[ -x "$T" ] || { echo "SKIP: build/tcpteach not built (make userspace)"; exit 4; }
command -v script >/dev/null || { echo "SKIP: no script (util-linux)"; exit 4; }
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 4; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
TCPTEACH_PROC_DIR=selftests/host/data LC_ALL=C.UTF-8 \
	script -q -c "$T watch --count 1" /dev/null >"$out" </dev/null
python3 - "$out" selftests/host/data/tcp_teach_events <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read().replace("\x1b[H\x1b[2J", "")
lines = [l.rstrip("\r") for l in text.split("\n")]
print("\n".join(lines))
fail = []
wide = [l for l in lines if len(l) > 80]
if wide:
    fail.append("lines wider than 80 columns: %r" % wide)
# the fixture's events: cwnd of each, per flow
events = {}
for l in open(sys.argv[2]):
    f = l.split()
    if f[0] not in ("#", "time_us"):
        events.setdefault(f[1], []).append(int(f[5]))
top = max(max(v) for v in events.values())
if "one scale for every row: 0..%d segments" % top not in text:
    fail.append("no single labelled scale 0..%d" % top)
rows = {l.split()[0]: l for l in lines if l[:1].isdigit() or l.startswith("[")}
r = rows.get("10.77.0.2:5201", "").split()
if r[:7] != ["10.77.0.2:5201", "tahoe", "SS", "1", "22", "0", "1"]:
    fail.append("5201 row (counters FR 0, TO 1): %r" % r)
r = rows.get("10.77.0.2:5001", "").split()
if r[5:7] != ["1", "0"]:
    fail.append("5001 row: FR 1, TO 0 expected: %r" % r)
elif len(r[7]) != len(events["4097"]):
    fail.append("history of flow 4097 has %d cells, %d events" % (len(r[7]), len(events["4097"])))
if fail:
    print("FAIL: " + "; ".join(fail))
    sys.exit(1)
print("PASS")
PY
