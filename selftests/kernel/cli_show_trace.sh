#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A controlled transfer between two namespaces (veth, offloads off, 10 ms
# netem each way, data segment 120 dropped by nftables): `tcpteach show`
# agrees with /proc/net/tcp_teach while the connection is open, and
# `tcpteach trace --port` records its events (show, watch and trace run
# from the initial namespace with --netns): init, slow start growth,
# the fast retransmit, close; time starts at 0; the flow is the socket
# cookie that show printed.  Exit 0 pass, 1 fail, 4 skip.
set -u
cd "$(dirname "$0")/../.." || exit 1
REPO=$(pwd)
T=$REPO/build/tcpteach
[ -x "$T" ] || { echo "SKIP: build/tcpteach not built"; exit 4; }
[ -d /sys/module/tcp_teach ] || { echo "SKIP: tcp_teach not loaded"; exit 4; }
for c in python3 nft ethtool tc; do
	command -v $c >/dev/null || { echo "SKIP: no $c"; exit 4; }
done
A=tt-cli-a-$$ B=tt-cli-b-$$ W=$(mktemp -d)
fail() { echo "FAIL: $*"; exit 1; }
cleanup() {
	[ -n "${TP:-}" ] && kill "$TP" 2>/dev/null
	ip netns del $A 2>/dev/null
	ip netns del $B 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
ip netns add $A && ip netns add $B || fail "ip netns add"
sysctl -qw net.core.netdev_max_backlog=10000
ip link add tt-a netns $A type veth peer name tt-b netns $B || fail "veth"
ip -n $A addr add 10.78.0.1/24 dev tt-a
ip -n $B addr add 10.78.0.2/24 dev tt-b
for n in "$A tt-a" "$B tt-b"; do
	set -- $n
	ip -n $1 link set lo up
	ip -n $1 link set $2 up
	ip netns exec $1 ethtool -K $2 tso off gso off gro off >/dev/null
	# receive on CPU 0 only (two backlogs would reorder segments), with
	# room in that backlog for netem's bursts
	ip netns exec $1 sh -c "echo 1 > /sys/class/net/$2/queues/rx-0/rps_cpus"
	ip netns exec $1 tc qdisc add dev $2 root netem delay 10ms limit 10000
done
ip netns exec $B nft add table inet t
ip netns exec $B nft add chain inet t pre "{ type filter hook prerouting priority -300 ; }"
ip netns exec $B nft add rule inet t pre tcp dport 5001 ip length \> 100 \
	numgen inc mod 1000000000 == 119 counter drop || fail "nft rule"

# from the initial namespace: --netns picks the flow's namespace
"$T" trace --netns $A -o "$W/t.csv" --port 5001 2>"$W/trace.err" & TP=$!
ip netns exec $B python3 -c '
import socket
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("10.78.0.2", 5001)); l.listen(); open("'"$W"'/ready", "w").close()
c, _ = l.accept()
n = 0
while True:
    b = c.recv(65536)
    if not b: break
    n += len(b)
open("'"$W"'/received", "w").write(str(n))
' & RP=$!
for _ in $(seq 100); do [ -e "$W/ready" ] && break; sleep 0.1; done
sleep 1	# the tracer is attached
ip netns exec $A python3 -c '
import socket, subprocess, time
s = socket.socket()
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"teach_reno")
s.connect(("10.78.0.2", 5001))
s.sendall(b"x" * 1500000)
time.sleep(3)	# all ACKed: the socket is idle, its line stable
open("'"$W"'/proc", "w").write(open("/proc/net/tcp_teach").read())
open("'"$W"'/show", "w").write(subprocess.run(["'"$T"'", "show", "-e"], capture_output=True, text=True).stdout)
open("'"$W"'/json", "w").write(subprocess.run(["nsenter", "--net=/proc/1/ns/net", "'"$T"'", "show", "--netns", "'"$A"'", "--json", "--port", "5001"], capture_output=True, text=True).stdout)
open("'"$W"'/watch", "w").write(subprocess.run(["nsenter", "--net=/proc/1/ns/net", "'"$T"'", "watch", "--netns", "'"$A"'", "--count", "1", "--port", "5001"], capture_output=True, text=True).stdout)
s.close()
' || fail "sender failed"
wait $RP
[ "$(cat "$W/received")" = 1500000 ] || fail "receiver got $(cat "$W/received")"
sleep 1
kill -TERM $TP; wait $TP; rc=$?; TP=
[ $rc -eq 0 ] || fail "trace exited $rc: $(cat "$W/trace.err")"
cat "$W/trace.err"

echo "--- /proc/net/tcp_teach"; cat "$W/proc"
echo "--- tcpteach show -e"; cat "$W/show"
# show -e prints every /proc column: the same words in the same order
tr -s ' ' <"$W/proc" >"$W/proc.sq"
tr -s ' ' <"$W/show" >"$W/show.sq"
diff "$W/proc.sq" "$W/show.sq" || fail "show differs from /proc"
cookie=$(awk 'NR==2 {print $3}' "$W/proc")
[ -n "$cookie" ] || fail "no socket in /proc/net/tcp_teach"
# show --json parses, with typed values
python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
assert [s["cookie"] for s in doc] == [int(sys.argv[2])], doc
assert doc[0]["algo"] == "teach_reno" and type(doc[0]["cwnd"]) is int, doc
assert doc[0]["ssthresh"] is None or type(doc[0]["ssthresh"]) is int, doc
' "$W/json" "$cookie" || fail "show --netns --json: $(cat "$W/json")"
grep -q "10.78.0.1:[0-9]* 10.78.0.2:5001 teach_reno" "$W/watch" ||
	fail "watch --netns: $(cat "$W/watch")"

echo "--- trace"; head -3 "$W/t.csv"; echo ...; grep -E 'fast_retransmit|timeout|close' "$W/t.csv"
head -1 "$W/t.csv" | grep -q '^time_us,flow,algo,event,phase,cwnd,ssthresh' || fail "no CSV header"
[ "$(sed -n 2p "$W/t.csv" | cut -d, -f1)" = 0 ] || fail "time does not start at 0"
rows=$(($(wc -l <"$W/t.csv") - 1))
[ $rows -ge 10 ] || fail "only $rows events"
[ "$(cut -d, -f2 "$W/t.csv" | sed 1d | sort -u)" = "$cookie" ] ||
	fail "flows in the trace: $(cut -d, -f2 "$W/t.csv" | sed 1d | sort -u | tr '\n' ' '), expected $cookie"
for ev in init slow_start fast_retransmit; do
	grep -q "^[0-9]*,$cookie,teach_reno,$ev," "$W/t.csv" || fail "no $ev event"
done
# Reno: the fast retransmit halves the window (cwnd = ssthresh)
line=$(grep -m1 ",fast_retransmit," "$W/t.csv")
IFS=, read -r _ _ _ _ phase cwnd ssth _ <<<"$line"
[ "$phase" = fast_recovery ] && [ "$cwnd" = "$ssth" ] ||
	fail "fast retransmit row: $line"
"$T" plot "$W/t.csv" -o "$W/t.svg" || fail "plot of the trace failed"
grep -q 'fast_retransmit' "$W/t.svg" || fail "figure lacks the fast retransmit"
echo PASS
