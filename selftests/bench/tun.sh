#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bench part "tun" (issue 16): goodput of the teaching transport over a
# TUN device against Linux's TCP, beside Linux's TCP to itself over a
# veth pair, both in network namespaces of their own, the same bytes,
# timed the same way: from the receiver's accept to the sender's FIN.
# Linux's side sends with reno.  Run by run.sh --parts tun.
#
#   selftests/bench/tun.sh [--quick] [--out DIR]
#
# Writes DIR/tun.csv (one row a run) and DIR/tun.md (medians, ratios).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
T=$REPO/build/tcpteach
OUT=$REPO/build/bench-tun
REPS=5
SIZE=50000000
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) REPS=1; SIZE=10000000 ;;
	--out) OUT=$2; shift ;;
	*) echo "tun bench: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
[ -x "$T" ] || { echo "tun bench: build/tcpteach missing (make)" >&2; exit 2; }
mkdir -p "$OUT"
A=bentun_a$$
B=bentun_b$$
W=$(mktemp -d)
cleanup() {
	local ns p
	for ns in $A $B; do
		for p in $(ip netns pids $ns 2>/dev/null); do kill "$p"; done
	done
	wait 2>/dev/null
	ip netns del $A 2>/dev/null
	ip netns del $B 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
ip netns add $A && ip netns add $B || exit 1
for ns in $A $B; do ip -n $ns link set lo up; done
ip link add vb0 netns $A type veth peer name vb1 netns $B || exit 1
ip -n $A addr add 10.74.0.1/24 dev vb0
ip -n $B addr add 10.74.0.2/24 dev vb1
ip -n $A link set vb0 up
ip -n $B link set vb1 up
head -c $SIZE /dev/urandom >"$W/data"

# A Linux receiver that times itself from accept to the sender's FIN
# (what ttp recv's summary measures too), and a Linux sender.
SINK='
import socket, sys, time
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("0.0.0.0", int(sys.argv[1]))); l.listen(1)
print("listening", flush=True)
c, _ = l.accept()
t0, n = time.monotonic(), 0
while True:
    b = c.recv(1 << 18)
    if not b:
        break
    n += len(b)
dt = time.monotonic() - t0
c.close()
print(f"bytes {n}\nmbit {n * 8 / dt / 1e6:.1f}", flush=True)
'
SOURCE='
import socket, sys
data = open(sys.argv[3], "rb").read()	# before the clock starts
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=120)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"reno")
s.sendall(data)
s.shutdown(socket.SHUT_WR)
s.recv(1)
'

wait_for() {
	local i
	for i in $(seq 600); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# Linux sends SIZE bytes: to Linux over veth, or to ttp recv over TUN.
linux_to() {	# veth|tun
	local rp
	if [ "$1" = veth ]; then
		ip netns exec $B python3 -c "$SINK" 5001 >"$W/r.out" &
		rp=$!
		wait_for "$W/r.out" listening || return 1
		ip netns exec $A python3 -c "$SOURCE" 10.74.0.2 5001 \
			"$W/data" || return 1
		wait $rp || return 1
		grep -q "^bytes $SIZE$" "$W/r.out" || return 1
		sed -n 's/^mbit //p' "$W/r.out"
	else
		ip netns exec $A "$T" ttp recv --link tun --port 5001 \
			-o /dev/null --timeout 60 2>"$W/r.out" &
		rp=$!
		wait_for "$W/r.out" "listening on" || return 1
		ip netns exec $A python3 -c "$SOURCE" 10.73.0.2 5001 \
			"$W/data" || return 1
		wait $rp || return 1
		grep -q "^ttp recv: $SIZE bytes" "$W/r.out" || return 1
		sed -n 's/.*goodput \([0-9.]*\) Mbit.*/\1/p' "$W/r.out"
	fi
}

# SIZE bytes to a Linux receiver: from Linux over veth, from ttp over TUN.
to_linux() {	# veth|tun
	local rp
	ip netns exec $B python3 -c "$SINK" 5002 >"$W/r.out" &
	rp=$!
	wait_for "$W/r.out" listening || return 1
	if [ "$1" = veth ]; then
		ip netns exec $A python3 -c "$SOURCE" 10.74.0.2 5002 \
			"$W/data" || return 1
	else
		# ttp's device lives in B, with the Linux receiver
		ip netns exec $B "$T" ttp send "$W/data" 10.73.0.1:5002 \
			--link tun --cc reno -q || return 1
	fi
	wait $rp || return 1
	grep -q "^bytes $SIZE$" "$W/r.out" || return 1
	sed -n 's/^mbit //p' "$W/r.out"
}

echo "direction,link,rep,mbit" >"$OUT/tun.csv"
for rep in $(seq $REPS); do
	for d in linux_to to_linux; do
		for l in veth tun; do
			r=$($d $l) || { echo "tun bench: $d $l failed" >&2; exit 1; }
			echo "$d,$l,$rep,$r" >>"$OUT/tun.csv"
			echo "tun bench: $d $l rep $rep: $r Mbit/s" >&2
		done
	done
done
python3 - "$OUT/tun.csv" "$SIZE" "$REPS" >"$OUT/tun.md" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def med(d, l):
    return statistics.median(float(r["mbit"]) for r in rows
                             if r["direction"] == d and r["link"] == l)
print(f"{int(sys.argv[2]) // 1000000} MB, median of {sys.argv[3]} runs, Mbit/s:\n")
print("| transfer | kernel TCP over veth | ttp over TUN | ratio |")
print("|---|---|---|---|")
for d, what in (("linux_to", "Linux sends (ttp recv)"),
                ("to_linux", "Linux receives (ttp send)")):
    v, t = med(d, "veth"), med(d, "tun")
    print(f"| {what} | {v:.1f} | {t:.1f} | {t / v:.2f} x |")
EOF
cat "$OUT/tun.md" >&2
