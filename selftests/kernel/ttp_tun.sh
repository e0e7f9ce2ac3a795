#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The teaching transport against Linux's own TCP, over a TUN device in a
# network namespace of its own: files of 0 B, 1 B, 1 MB intact (SHA-256
# at both ends) in both directions with the kernel on reno and on cubic,
# 20 MB once each way; 1 MB each way through netem loss, reordering and
# duplication on the kernel's side; a zero window from Linux probed; RST
# for a port nobody listens on; malformed packets written into the device
# dropped and counted; a Linux client served by SYN cookie while hping3
# floods 100,000 SYNs.
#
# Linux's side is nc (netcat-openbsd) and the namespace's default
# congestion control: a Python start costs seconds under TCG, nc does
# not.  The whole test runs inside the namespace (one `ip netns exec`).
# Exit 0 pass, 1 fail, 4 skip.
set -u
cd "$(dirname "$0")/../.." || exit 1
T=$PWD/build/tcpteach
[ -x "$T" ] || { echo "SKIP: build/tcpteach not built"; exit 4; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 4; }
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 4; }
for c in nc hping3 tc nft python3 sha256sum; do
	command -v $c >/dev/null || { echo "SKIP: no $c (make deps)"; exit 4; }
done

if [ "${1:-}" != --inside ]; then
	NS=ttptun$$
	ip netns add $NS || { echo "FAIL: ip netns add"; exit 1; }
	ip netns exec $NS bash selftests/kernel/ttp_tun.sh --inside
	rc=$?
	for p in $(ip netns pids $NS 2>/dev/null); do kill "$p" 2>/dev/null; done
	ip netns del $NS
	exit $rc
fi

. selftests/kernel/lib/check.sh
# check, and when it ended (the whole must fit 90 s per kernel under TCG)
step() {
	check "$@"
	echo "  [at ${SECONDS} s]"
}
ip link set lo up
W=$(mktemp -d)
# Under TCG every program started costs a fraction of a second (its
# binary and libraries come over 9p): the helpers below use bash's own
# read, wait and [[ ]] where they can, and nap without starting sleep.
mkfifo "$W/nap"
exec 9<>"$W/nap"
nap() { read -r -t "${1:-0.1}" -u 9; }
# Each ttp gets a device of its own name (tt1, tt2, ...): a device of the
# same name as the one just torn down loses its first packets (seen on
# 6.1).
n=0
newdev() { n=$((n + 1)); DEV=tt$n; }
IMPAIR=0
# Whatever a failed step left running (a ttp still holding its device and
# addresses would take the next one's packets), but the packet writer.
malp=
reap() {
	local p
	for p in $(jobs -p); do
		[ "$p" = "$malp" ] || kill "$p" 2>/dev/null
	done
	for p in $(jobs -p); do
		[ "$p" = "$malp" ] || wait "$p" 2>/dev/null
	done
}
trap 'malp=; reap; rm -rf "$W"' EXIT

: >"$W/f0"
head -c 1 /dev/urandom >"$W/f1"
head -c 1000000 /dev/urandom >"$W/f1M"
head -c 20000000 /dev/urandom >"$W/f20M"
head -c 200000 /dev/urandom >"$W/f200k"
# The malformed packets' writer (a packet socket on ttp's device sends
# bytes as they are) starts now, for Python's start to overlap the
# transfers; it writes when told the device's name.
mkfifo "$W/mal.in"
python3 -c '
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
s.bind((sys.stdin.readline().strip(), 0x0800))
for p in [ip(syn)[:10],                 # truncated header
          ip(syn, total=1000),          # total length past the end
          ip(syn, bad=True),            # bad IP checksum
          ip(syn, ihl=3),               # bad header length
          ip(syn, frag=0x2000),         # a fragment
          ip(b"\0" * 8, proto=17),      # UDP
          b"\x60" + b"\0" * 39,         # IPv6
          ip(bad_tcp)]:                 # bad TCP checksum
    s.send(p)
print("sent 8")
' <>"$W/mal.in" >"$W/mal.out" 2>&1 &
malp=$!
exec 8<>"$W/mal.in"	# writing its name never blocks, even if it died
declare -A SHA SIZE=([f0]=0 [f1]=1 [f1M]=1000000 [f20M]=20000000 [f200k]=200000)
while read -r h f; do SHA[${f##*/}]=$h; done < <(cd "$W" && sha256sum f0 f1 f1M f20M f200k)

# sha_is FILE NAME: FILE holds the bytes of $W/NAME.
sha_is() {
	local h
	read -r h _ < <(sha256sum "$1")
	[ "$h" = "${SHA[$2]}" ] || { echo "  SHA-256 of what arrived differs"; return 1; }
}

# slurp VAR FILE: the file's text in VAR.
slurp() {
	local -a l=()
	mapfile -t l <"$2" 2>/dev/null
	printf -v "$1" '%s\n' "${l[@]}"
}

# wait_for FILE PATTERN: until a line matches (the other side is ready).
wait_for() {
	local i t
	for i in $(seq 600); do
		slurp t "$1"
		[[ $t == *$2* ]] && return 0
		nap
	done
	echo "  never saw '$2' in $1:"; sed 's/^/  | /' "$1"
	return 1
}

# listening PORT: a TCP socket of this namespace listens on PORT.
listening() {
	local hex i local_addr st
	printf -v hex ':%04X' "$1"
	for i in $(seq 300); do
		while read -r _ local_addr _ st _; do
			[[ $local_addr == *$hex && $st == 0A ]] && return 0
		done </proc/net/tcp
		nap 0.05
	done
	echo "  nobody listens on port $1"
	return 1
}

# A counter of the namespace's TCP: counter FILE GROUP NAME reads
# /proc/net/FILE (snmp: Tcp RetransSegs; netstat: TcpExt ...).
counter() {
	local -a h=() v=()
	local g i
	while read -r g rest; do
		[ "$g" = "$2:" ] || continue
		if [ ${#h[@]} = 0 ]; then
			read -r -a h <<<"$rest"
		else
			read -r -a v <<<"$rest"
			for i in "${!h[@]}"; do
				[ "${h[$i]}" = "$3" ] && echo "${v[$i]}"
			done
			return
		fi
	done <"/proc/net/$1"
}

# Packets ttp wrote into the device DEV (the kernel received them).
dev_rx() {
	local name rest f
	while read -r name rest; do
		[ "$name" = "$1:" ] || continue
		read -r -a f <<<"$rest"
		echo "${f[1]}"
	done </proc/net/dev
}

# Packets the kernel handed to the device DEV for ttp: what its queueing
# discipline passed on or dropped (a full TUN queue drops in the driver
# on some kernels and holds the qdisc back on others).
dev_tx() {
	tc -s qdisc show dev "$1" | awk '$1 == "Sent" { n += $4 + $7 } END { print n + 0 }'
}

# A new device name in DEV; with IMPAIR=1 the device is made first
# (persistent, for ttp to take over) with netem on the kernel's side, so
# all the kernel's packets to us may be lost, reordered, duplicated.
prepare_dev() {
	newdev
	[ $IMPAIR = 1 ] || return 0
	ip tuntap add dev "$DEV" mode tun &&
		tc qdisc add dev "$DEV" root netem delay 2ms loss 5% \
			duplicate 2% reorder 10% 50%
}
drop_dev() {
	[ $IMPAIR = 1 ] || return 0
	ip link del "$DEV"
}

# ttp recv on a new device into OUT (port 5001), in the background; its
# pid in rp once it is listening.
start_recv() {	# OUT TIMEOUT
	rm -f "$W/recv.log"
	prepare_dev || return 1
	"$T" ttp recv --link tun --tun $DEV --port 5001 -o "$1" \
		--timeout "$2" 2>"$W/recv.log" &
	rp=$!
	wait_for "$W/recv.log" "listening on" || { kill $rp; return 1; }
}

# nc sends FILE to ttp recv (10.73.0.2:5001) and waits for its FIN.
linux_send() {	# FILE
	nc -N -w 60 10.73.0.2 5001 <"$1" 2>"$W/nc.err" && return 0
	echo "  nc: $(cat "$W/nc.err")"
	return 1
}

retrans0=0
LINUX_RETRANS=()
TTP_RETRANS=()
retrans_mark() { retrans0=$(counter snmp Tcp RetransSegs); }
retrans_since() { echo $(($(counter snmp Tcp RetransSegs) - retrans0)); }

set_cc() { echo "$1" >/proc/sys/net/ipv4/tcp_congestion_control; }

# Linux -> ttp: nc sends $W/NAME on CC, ttp recv writes it.
to_ttp() {	# CC NAME
	reap
	local log rc r
	set_cc "$1" || return 1
	retrans_mark
	start_recv "$W/out" 60 || return 1
	linux_send "$W/$2"
	rc=$?
	wait $rp
	r=$?
	drop_dev
	slurp log "$W/recv.log"
	[ $r = 0 ] || { echo "  ttp recv failed:"; echo "$log"; return 1; }
	[ $rc = 0 ] || return 1
	[[ $log == *"ttp recv: ${SIZE[$2]} bytes"* ]] ||
		{ echo "  ttp recv got another size:"; echo "$log"; return 1; }
	sha_is "$W/out" "$2" || return 1
	r=$(retrans_since)
	echo "  $1 -> ttp: ${SIZE[$2]} bytes; Linux retransmitted $r"
	LINUX_RETRANS+=("$r")
}

# ttp -> Linux: ttp send $W/NAME, nc -l receives it (its socket on CC).
from_ttp() {	# CC NAME
	reap
	local log rp r
	set_cc "$1" || return 1
	nc -l -w 60 5002 </dev/null >"$W/out" 2>"$W/nc.err" &
	rp=$!
	listening 5002 || return 1
	prepare_dev || return 1
	"$T" ttp send "$W/$2" 10.73.0.1:5002 --link tun --tun $DEV \
		2>"$W/send.log"
	r=$?
	drop_dev
	slurp log "$W/send.log"
	[ $r = 0 ] || { echo "  ttp send failed:"; echo "$log"; return 1; }
	wait $rp || { echo "  nc -l: $(cat "$W/nc.err")"; return 1; }
	sha_is "$W/out" "$2" || return 1
	[[ $log =~ retransmissions\ ([0-9]+) ]] || { echo "$log"; return 1; }
	echo "  ttp -> $1: ${SIZE[$2]} bytes; ttp retransmitted ${BASH_REMATCH[1]}"
	TTP_RETRANS+=("${BASH_REMATCH[1]}")
}

echo "  [files made at ${SECONDS} s]"
for cc in reno cubic; do
	for f in f0 f1 f1M; do
		step "Linux ($cc) -> ttp, $f" to_ttp $cc $f
		step "ttp -> Linux ($cc), $f" from_ttp $cc $f
	done
done
step "Linux (cubic) -> ttp, 20 MB" to_ttp cubic f20M
step "ttp -> Linux (reno), 20 MB" from_ttp reno f20M

# netem on the kernel's side of the device (its data, Linux -> ttp, and
# its ACKs, ttp -> Linux, lost, reordered, duplicated) and nftables
# dropping 2% of ttp's data as the kernel takes it in.  netem sees
# Linux's data before GSO cuts it into segments, so 5% of its packets,
# not 2%: each may carry many segments, and a 1 MB transfer only some
# tens of them (with 2%, one of ten runs of a transfer lost none).
nft -f - <<'EOF' || { echo "FAIL: nft"; fail=1; }
table inet ttptun {
	chain in {
		type filter hook input priority 0;
		iifname "tt*" tcp dport 5002 numgen random mod 100 < 2 counter drop
	}
}
EOF
LINUX_RETRANS=()
TTP_RETRANS=()
IMPAIR=1
for cc in reno cubic; do
	step "netem: Linux ($cc) -> ttp, 1 MB" to_ttp $cc f1M
	step "netem: ttp -> Linux ($cc), 1 MB" from_ttp $cc f1M
done
IMPAIR=0
impaired() {
	local d
	[[ $(nft list table inet ttptun) =~ packets\ ([0-9]+) ]] || return 1
	d=${BASH_REMATCH[1]}
	echo "  nft dropped $d packets of ttp's data; Linux retransmitted" \
		"${LINUX_RETRANS[*]}; ttp retransmitted ${TTP_RETRANS[*]}"
	[ "$d" -gt 0 ] && [[ " ${LINUX_RETRANS[*]}" == *\ [1-9]* ]] &&
		[[ " ${TTP_RETRANS[*]}" == *\ [1-9]* ]]
}
step "netem/nft: losses really happened, both ways" impaired
nft delete table inet ttptun

# Zero window: a Linux receiver with a 4 kB buffer whose reader stops
# (nc writes into a pipe nobody reads); once Linux has advertised a zero
# window and ttp has written two packets more (its probes: nothing else
# may go while the window is shut), the reader starts.
zero_window() {
	reap
	local i z0 z rx0 sp zp log
	rm -f "$W/go"
	z0=$(counter netstat TcpExt TCPToZeroWindowAdv)
	nc -l -w 60 -I 4096 5003 </dev/null 2>"$W/nc.err" |
		{ until [ -e "$W/go" ]; do nap; done; cat >"$W/out"; } &
	zp=$!
	listening 5003 || return 1
	newdev
	"$T" ttp send "$W/f1M" 10.73.0.1:5003 --link tun --tun $DEV \
		2>"$W/zw.log" &
	sp=$!
	for i in $(seq 300); do
		kill -0 $sp 2>/dev/null || break
		[ "$(counter netstat TcpExt TCPToZeroWindowAdv)" -gt "$z0" ] && break
		nap
	done
	rx0=$(dev_rx $DEV)
	for i in $(seq 300); do
		kill -0 $sp 2>/dev/null || break
		[ "$(dev_rx $DEV)" -ge $((${rx0:-0} + 2)) ] && break
		nap
	done
	: >"$W/go"
	wait $sp || { cat "$W/zw.log"; return 1; }
	wait $zp
	z=$(counter netstat TcpExt TCPToZeroWindowAdv)
	slurp log "$W/zw.log"
	[[ $log =~ zero-window\ probes\ ([0-9]+) ]] || { echo "$log"; return 1; }
	echo "  Linux advertised a zero window $((z - z0)) time(s);" \
		"ttp sent ${BASH_REMATCH[1]} zero-window probes"
	sha_is "$W/out" f1M || return 1
	[ "${BASH_REMATCH[1]}" -ge 1 ] || { echo "  no zero-window probe"; return 1; }
}
step "zero window from Linux: probed, then all 1 MB" zero_window

# One ttp recv for two checks: malformed packets written into its device
# (a packet socket sends bytes as they are), then a connect to a port
# nobody listens on, then a transfer that must arrive intact.
reap
rm -f "$W/out"
start_recv "$W/out" 60 && echo $DEV >&8 && wait $malp
nc -zv -w 60 10.73.0.2 5999 >"$W/rst.out" 2>&1
echo "exit $?" >>"$W/rst.out"
linux_send "$W/f200k"
wait $rp
slurp log "$W/recv.log"
echo "${log//$'\n'/$'\n'  | }"
malformed() {
	cat "$W/mal.out"
	[[ $(<"$W/mal.out") == "sent 8" ]] &&
		[[ $log == *"ttp recv: 200000 bytes"* ]] &&
		sha_is "$W/out" f200k &&
		[[ $log =~ truncated\ 2,\ not_ipv4\ [1-9][0-9]*,\ bad_header_length\ 1,\ bad_checksum\ 1,\ fragment\ 1,\ not_tcp\ 1\; ]] &&
		[[ $log =~ listener:\ [^$'\n']*\ 1\ refused ]]
}
step "malformed packets into the device: dropped, counted, transfer intact" malformed
refused() {
	local r
	slurp r "$W/rst.out"
	echo "  nc -z 5999:" $r
	[[ $r == *"Connection refused"*"exit 1"* ]] &&
		[[ $log == *"RST to unknown ports 1,"* ]]
}
step "RST for a port nobody listens on" refused

# SYN flood: hping3 floods SYNs from random sources; once 1,000 have gone
# into the device a Linux client connects (its SYN queues behind them:
# the 64-entry half-open table is full) and sends 200 kB, and keeps the
# connection open until 100,000 SYNs went into the device (queued for
# ttp or dropped at its full queue); then hping3 stops and the client
# closes.
flood() {
	reap
	rm -f "$W/out" "$W/done"
	start_recv "$W/out" 120 || return 1
	local hp xp i n0 n log
	n0=$(dev_tx $DEV)
	hping3 -q -S -p 5001 --rand-source --flood 10.73.0.2 \
		>"$W/hping.out" 2>&1 &
	hp=$!
	for i in $(seq 1200); do
		[ $(($(dev_tx $DEV) - n0)) -ge 1000 ] && break
		nap
	done
	{ cat "$W/f200k"; until [ -e "$W/done" ]; do nap; done; } |
		nc -N -w 120 10.73.0.2 5001 2>"$W/nc.err" &
	xp=$!
	for i in $(seq 1800); do
		[ $(($(dev_tx $DEV) - n0)) -ge 100000 ] && break
		nap
	done
	n=$(($(dev_tx $DEV) - n0))
	kill -INT $hp
	wait $hp
	: >"$W/done"
	wait $xp || { echo "  nc: $(<"$W/nc.err")"; kill $rp; return 1; }
	wait $rp || { cat "$W/recv.log"; return 1; }
	slurp log "$W/recv.log"
	[[ $(<"$W/hping.out") =~ [0-9]+\ packets\ transmitted ]]
	echo "  hping3: ${BASH_REMATCH[0]}; $n SYNs went into the device"
	[[ $log =~ listener[^$'\n']*$'\n'[^$'\n']* ]]
	echo "  ${BASH_REMATCH[0]}"
	[ "$n" -ge 100000 ] && sha_is "$W/out" f200k &&
		[[ $log =~ at\ most\ (6[0-4]|[1-5]?[0-9]),\  ]] &&
		[[ $log =~ SYN\ cookies:\ [1-9][0-9]*\ sent\ [^$'\n']*,\ [1-9][0-9]*\ proved\ by\ an\ ACK ]] &&
		[[ $log =~ [1-9][0-9]*\ connection\(s\)\ accepted ]]
}
step "SYN flood: half-open table bounded, client in by SYN cookie" flood

exit $fail
