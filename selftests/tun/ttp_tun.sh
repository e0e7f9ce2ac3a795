#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The teaching transport against Linux's own TCP, over a TUN device in a
# network namespace of its own: files intact (SHA-256 at both ends) in
# both directions with the kernel on reno and on cubic; the same through
# netem loss, reordering and duplication on the kernel's side; a zero
# window from Linux probed; RST for a port nobody listens on; a Linux
# client served by SYN cookie while hping3 floods 100,000 SYNs; malformed
# packets written into the device dropped and counted.
#
# Not (yet) in the kselftest suite: on 2026-12-03, with the host at load
# 11, 13 of the first 14 checks passed in the 6.1 VM (the other: Linux's
# first connect refused with ENETUNREACH, since retried) but the whole
# did not fit the suite's 15 minutes (every Python start costs seconds
# under TCG).  Run it by hand, on the host as root or in the VM:
#   selftests/vm/run-vm.sh -- selftests/tun/ttp_tun.sh
# Exit 0 pass, 1 fail, 4 skip.
set -u
cd "$(dirname "$0")/../.." || exit 1
T=$PWD/build/tcpteach
XFER=$PWD/selftests/kernel/lib/xfer.py
[ -x "$T" ] || { echo "SKIP: build/tcpteach not built"; exit 4; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 4; }
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 4; }
for c in python3 hping3 tc; do
	command -v $c >/dev/null || { echo "SKIP: no $c (make deps)"; exit 4; }
done
. selftests/kernel/lib/check.sh

NS=ttptun$$
W=$(mktemp -d)
# Each transfer gets a device of its own name (tt1, tt2, ...): the one a
# run before let go of is torn down while the next is set up, and a
# device of the same name, or the same one kept, loses its route or its
# first packets for a while after (seen on 6.1).
n=0
newdev() { n=$((n + 1)); DEV=tt$n; }
IMPAIR=0
# Whatever a failed step left running in the namespace (a ttp still
# holding its device and addresses would take the next one's packets).
reap() {
	local p
	for p in $(ip netns pids $NS 2>/dev/null); do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
}
cleanup() {
	reap
	ip netns del $NS 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
nsx() { ip netns exec $NS "$@"; }

ip netns add $NS || { echo "FAIL: ip netns add"; exit 1; }
nsx ip link set lo up

head -c 1 /dev/urandom >"$W/f1"
: >"$W/f0"
head -c 1000000 /dev/urandom >"$W/f1M"
head -c 20000000 /dev/urandom >"$W/f20M"

sha() { sha256sum "$1" | cut -d' ' -f1; }

# wait_for FILE PATTERN: until a line appears (the other side is ready).
wait_for() {
	local i
	for i in $(seq 600); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "  never saw '$2' in $1:"; sed 's/^/  | /' "$1"
	return 1
}

# With IMPAIR=1, netem on the kernel's side of the device as soon as it
# exists: the kernel's packets to us are lost, reordered, duplicated.
impair() {
	local i
	[ $IMPAIR = 1 ] || return 0
	for i in $(seq 600); do
		nsx ip link show $DEV >/dev/null 2>&1 && break
		sleep 0.05
	done
	nsx tc qdisc add dev $DEV root netem delay 2ms loss 2% duplicate 2% \
		reorder 10% 50%
}

# ttp recv on a new device into OUT (port 5001); its pid in rp once it
# is listening, 1 if it never was.
start_recv() {	# OUT TIMEOUT
	rm -f "$W/recv.log"
	newdev
	ip netns exec $NS "$T" ttp recv --link tun --tun $DEV --port 5001 \
		-o "$1" --timeout "$2" 2>"$W/recv.log" &
	rp=$!
	wait_for "$W/recv.log" "listening on" || { kill $rp; return 1; }
}

# xfer.py send ARGS..., from the namespace.  Right after a device comes
# up, 6.1 now and then refuses the first TCP connect to it with
# ENETUNREACH (a route lookup of the same address works): that is said
# and tried again, the ttp on the other end waits meanwhile.
linux_send() {
	local i
	for i in 1 2 3; do
		nsx python3 "$XFER" send "$@" && return 0
		grep -q "Network is unreachable" "$W/xfer.out" || return 1
		echo "  (Linux's connect: ENETUNREACH right after the device came up; again)" >&2
		sleep 1
	done
	return 1
}

# Linux -> ttp: xfer.py sends SIZE bytes on CC, ttp recv writes them.
to_ttp() {	# CC SIZE
	reap
	local cc=$1 size=$2 rc rp
	rm -f "$W/out"
	start_recv "$W/out" 60 || return 1
	impair || { kill $rp; return 1; }
	linux_send --host 10.73.0.2 --port 5001 --cc "$cc" \
		--size "$size" --user-timeout-ms 60000 >"$W/xfer.out"
	rc=$?
	wait $rp || { echo "  ttp recv failed:"; sed 's/^/  | /' "$W/recv.log"
		      echo "  xfer send ($rc): $(cat "$W/xfer.out")"; return 1; }
	[ $rc = 0 ] || { echo "  xfer send: $(cat "$W/xfer.out")"; return 1; }
	grep -q "^ttp recv: $size bytes" "$W/recv.log" &&
		[ "$(sed -n 's/^sha256 //p' "$W/xfer.out")" = "$(sha "$W/out")" ] ||
		{ echo "  sizes or SHA-256 differ"; sed 's/^/  | /' "$W/recv.log"; return 1; }
	echo "  $cc -> ttp: $(sed -n 's/^ttp recv: \(.* bytes in .*\)/\1/p' "$W/recv.log");" \
		"Linux $(grep stats "$W/xfer.out")"
	grep -o "retransmitted=[0-9]*" "$W/xfer.out" >>"$W/linux_retrans"
}

# ttp -> Linux: ttp send FILE, xfer.py receives (its socket on CC).
from_ttp() {	# CC FILE
	reap
	local cc=$1 f=$2 rp
	rm -f "$W/send.log" "$W/xfer.out"
	nsx sysctl -qw net.ipv4.tcp_congestion_control="$cc" || return 1
	ip netns exec $NS python3 "$XFER" recv --port 5002 --timeout 60 >"$W/xfer.out" &
	rp=$!
	wait_for "$W/xfer.out" listening || { kill $rp; return 1; }
	newdev
	ip netns exec $NS "$T" ttp send "$f" 10.73.0.1:5002 --link tun --tun $DEV \
		2>"$W/send.log" &
	local sp=$!
	impair
	if ! wait $sp; then
		echo "  ttp send failed:"; sed 's/^/  | /' "$W/send.log"
		kill $rp
		return 1
	fi
	wait $rp
	[ "$(sed -n 's/^bytes //p' "$W/xfer.out")" = "$(stat -c %s "$f")" ] &&
		[ "$(sed -n 's/^sha256 //p' "$W/xfer.out")" = "$(sha "$f")" ] ||
		{ echo "  sizes or SHA-256 differ: $(cat "$W/xfer.out")"; return 1; }
	echo "  ttp -> $cc: $(sed -n 's/^ttp send: //p' "$W/send.log")"
	sed -n 's/^  \(retransmissions.*\)/    \1/p' "$W/send.log"
	sed -n 's/^  retransmissions \([0-9]*\),.*/\1/p' "$W/send.log" >>"$W/ttp_retrans"
}

# The kernel's own counters of the device (packets it sent into it).
tx_packets() {
	echo $(( $(nsx cat /sys/class/net/$DEV/statistics/tx_packets) +
		 $(nsx cat /sys/class/net/$DEV/statistics/tx_dropped) ))
}

for cc in reno cubic; do
	for s in 0 1 1000000; do
		check "Linux ($cc) -> ttp, $s bytes" to_ttp $cc $s
	done
	for f in f0 f1 f1M; do
		check "ttp -> Linux ($cc), $f" from_ttp $cc "$W/$f"
	done
done
# One big transfer each way: most of the run time under TCG.
check "Linux (cubic) -> ttp, 20 MB" to_ttp cubic 20000000
check "ttp -> Linux (reno), 20 MB" from_ttp reno "$W/f20M"

# netem on the kernel's side of the device (its data, Linux -> ttp, and
# its ACKs, ttp -> Linux, lost, reordered, duplicated) and nftables
# dropping 2% of ttp's data as the kernel takes it in.  The first
# packets of a transfer may pass before netem is on: it goes on the
# device as soon as the device exists.
nsx nft add table inet ttptun &&
	nsx nft add chain inet ttptun in '{ type filter hook input priority 0; }' &&
	nsx nft add rule inet ttptun in iifname '"tt*"' tcp dport 5002 \
		numgen random mod 100 '<' 2 counter drop ||
	{ echo "FAIL: nft"; fail=1; }
: >"$W/linux_retrans"
: >"$W/ttp_retrans"
IMPAIR=1
for cc in reno cubic; do
	check "netem: Linux ($cc) -> ttp, 1 MB" to_ttp $cc 1000000
	check "netem: ttp -> Linux ($cc), 1 MB" from_ttp $cc "$W/f1M"
done
IMPAIR=0
impaired() {
	local d
	d=$(nsx nft list ruleset | grep -o 'packets [0-9]*')
	echo "  nft dropped $d of ttp's data; Linux retransmitted" \
		"$(tr '\n' ' ' <"$W/linux_retrans"); ttp retransmitted" \
		"$(tr '\n' ' ' <"$W/ttp_retrans")"
	! grep -q "packets 0" <<<"$d" &&
		grep -q "retransmitted=[1-9]" "$W/linux_retrans" &&
		grep -q "^[1-9]" "$W/ttp_retrans"
}
check "netem/nft: losses really happened, both ways" impaired
nsx nft delete table inet ttptun

# Zero window: a Linux receiver with a small buffer that does not read
# for a while; the sender's persist timer probes until it opens.
zero_window() {
	reap
	ip netns exec $NS python3 -c '
import hashlib, socket, sys, time
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
l.bind(("0.0.0.0", 5003)); l.listen(1)
print("listening", flush=True)
c, _ = l.accept()
time.sleep(3)
h = hashlib.sha256()
while True:
    b = c.recv(65536)
    if not b:
        break
    h.update(b)
print("sha256", h.hexdigest(), flush=True)
' >"$W/zw.out" &
	local rp=$!
	wait_for "$W/zw.out" listening || return 1
	newdev
	nsx "$T" ttp send "$W/f1M" 10.73.0.1:5003 --link tun --tun $DEV \
		2>"$W/zw.log" || { sed 's/^/  | /' "$W/zw.log"; return 1; }
	wait $rp
	sed -n 's/^  tun: \(.*\)/  \1/p' "$W/zw.log" | head -1
	[ "$(sed -n 's/^sha256 //p' "$W/zw.out")" = "$(sha "$W/f1M")" ] ||
		{ echo "  SHA-256 differs"; return 1; }
	grep -Eq "zero-window probes [1-9]" "$W/zw.log" ||
		{ echo "  no zero-window probe"; return 1; }
}
check "zero window from Linux: probed, then all 1 MB" zero_window

# Malformed packets written into the device (a packet socket on it sends
# bytes as they are) before a transfer: each refused and counted by
# reason, and the transfer after them intact.
malformed() {
	reap
	rm -f "$W/out"
	start_recv "$W/out" 60 || return 1
	nsx python3 - $DEV <<'EOF' || { kill $rp; return 1; }
import socket, struct, sys

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def ip(payload, proto=6, frag=0x4000, ihl=5, total=None, bad=False):
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total or 20 + len(payload),
                    1, frag, 64, proto, 0, socket.inet_aton("10.73.0.1"),
                    socket.inet_aton("10.73.0.2"))
    c = csum(h) ^ (0x1111 if bad else 0)
    return h[:10] + struct.pack("!H", c) + h[12:] + payload

syn = struct.pack("!HHIIBBHHH", 40000, 5001, 7, 0, 5 << 4, 0x02, 65535, 0, 0)
bad_tcp = syn[:16] + b"\x12\x34" + syn[18:]   # wrong TCP checksum
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0x0800))
for p in [ip(syn)[:10],                 # truncated header
          ip(syn, total=1000),          # total length past the end
          ip(syn, bad=True),            # bad IP checksum
          ip(syn, ihl=3),               # bad header length
          ip(syn, frag=0x2000),         # a fragment
          ip(b"\0" * 8, proto=17),      # UDP
          b"\x60" + b"\0" * 39,         # IPv6
          ip(bad_tcp)]:                 # bad TCP checksum
    s.send(p)
EOF
	linux_send --host 10.73.0.2 --port 5001 --cc reno \
		--size 100000 >"$W/xfer.out" || { kill $rp; return 1; }
	wait $rp || { sed 's/^/  | /' "$W/recv.log"; return 1; }
	grep '^  tun: refused' "$W/recv.log" | sed 's/^ /  /'
	grep '^  listener' "$W/recv.log" | sed 's/^ /  /'
	[ "$(sed -n 's/^sha256 //p' "$W/xfer.out")" = "$(sha "$W/out")" ] &&
		grep -q "truncated 2, not_ipv4 [1-9][0-9]*, bad_header_length 1, bad_checksum 1, fragment 1, not_tcp 1;" "$W/recv.log" &&
		grep -q "^  listener: .* 1 refused" "$W/recv.log"
}
check "malformed packets into the device: dropped, counted, transfer intact" malformed

# A port nobody listens on: Linux's connect is refused by our RST.
refused() {
	reap
	start_recv /dev/null 60 || return 1
	nsx python3 -c '
import socket, time
for i in range(3):
    try:
        socket.create_connection(("10.73.0.2", 5999), timeout=20)
        print("connected to 5999?!")
    except ConnectionRefusedError:
        print("refused")
    except OSError as e:	# ENETUNREACH: see linux_send
        print(e)
        time.sleep(1)
        continue
    break
' >"$W/rst.out"
	linux_send --host 10.73.0.2 --port 5001 --size 1000 \
		--cc reno >"$W/xfer.out"
	wait $rp
	cat "$W/rst.out"
	grep -q '^refused$' "$W/rst.out" && ! grep -q connected "$W/rst.out" &&
		grep -q "RST to unknown ports 1," "$W/recv.log"
}
check "RST for a port nobody listens on" refused

# SYN flood: hping3 sends 100,000 SYNs from random sources; once 1,000
# have gone into the device, a Linux client connects (its SYN queues
# behind them: the 64-entry half-open table is full) and sends 200 kB.
flood() {
	reap
	rm -f "$W/out"
	start_recv "$W/out" 120 || return 1
	local hp i n0 n
	n0=$(tx_packets)
	ip netns exec $NS hping3 -q -S -p 5001 --rand-source --flood 10.73.0.2 \
		>/dev/null 2>&1 &
	hp=$!
	for i in $(seq 600); do
		[ $(( $(tx_packets) - n0 )) -ge 1000 ] && break
		sleep 0.1
	done
	linux_send --host 10.73.0.2 --port 5001 --cc cubic \
		--size 200000 --user-timeout-ms 120000 >"$W/xfer.out" &
	local xp=$!
	for i in $(seq 1200); do
		[ $(( $(tx_packets) - n0 )) -ge 100000 ] && break
		sleep 0.1
	done
	n=$(( $(tx_packets) - n0 ))
	kill $hp
	wait $xp || { echo "  client: $(cat "$W/xfer.out")"; kill $rp; return 1; }
	wait $rp || { sed 's/^/  | /' "$W/recv.log"; return 1; }
	echo "  $n packets into the device during the flood"
	grep -E '^  (listener|SYN cookies)' "$W/recv.log" | sed 's/^ /  /'
	[ "$n" -ge 100000 ] &&
		[ "$(sed -n 's/^sha256 //p' "$W/xfer.out")" = "$(sha "$W/out")" ] &&
		grep -Eq "at most (6[0-4]|[1-5]?[0-9]), " "$W/recv.log" &&
		grep -Eq "SYN cookies: [1-9][0-9]* sent .*, [1-9][0-9]* proved by an ACK" "$W/recv.log" &&
		grep -Eq "[1-9][0-9]* connection\(s\) accepted" "$W/recv.log"
}
check "SYN flood: half-open table bounded, client in by SYN cookie" flood

exit $fail
