#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcp_teach module parameters (issue 3, test 8): the defaults; only root
# may write; every bad value (negative, zero where not allowed, too big,
# not a number, empty, not a power of two) is refused with EINVAL and
# changes nothing; a valid change applies to new connections only, and
# events_port filters the event stream.
# Exit: 0 pass, 1 fail, 4 skip.  Restores every parameter.

PY=/usr/bin/python3
P=/sys/module/tcp_teach/parameters
NS=ttpar$$

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 4; }
[ -d $P ] || { echo "SKIP: tcp_teach not loaded"; exit 4; }

declare -A saved
for p in initial_cwnd initial_ssthresh events_size events_port; do
	saved[$p]=$(cat $P/$p)
done

cleanup() {
	local p
	for p in "${!saved[@]}"; do
		echo "${saved[$p]}" > $P/$p
	done
	ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT

. "$(dirname "$0")/lib/check.sh"

# refuse PARAM VALUE: the write fails with EINVAL and the value stays.
refuse() {
	local p=$1 v=$2 before err
	before=$(cat $P/$p)
	err=$( { printf '%s\n' "$v" > $P/$p; } 2>&1 )
	if [ -z "$err" ]; then
		echo "FAIL: $p='$v' was accepted (now $(cat $P/$p))"
		fail=1
	elif [[ "$err" != *"Invalid argument"* ]]; then
		echo "FAIL: $p='$v' refused with '$err', expected EINVAL"
		fail=1
	elif [ "$(cat $P/$p)" != "$before" ]; then
		echo "FAIL: $p='$v' refused but changed to $(cat $P/$p)"
		fail=1
	else
		echo "ok: $p='$v' refused (EINVAL), still $before"
	fi
}

accept() {
	local p=$1 v=$2
	if echo "$v" > $P/$p && [ "$(cat $P/$p)" = "$v" ]; then
		echo "ok: $p=$v accepted"
	else
		echo "FAIL: $p=$v not accepted (now $(cat $P/$p))"
		fail=1
	fi
}

# Defaults (the runner loads the module without options).
check "initial_cwnd default 1" [ "$(cat $P/initial_cwnd)" = 1 ]
check "initial_ssthresh default 65536" [ "$(cat $P/initial_ssthresh)" = 65536 ]
check "events_size default 4096" [ "$(cat $P/events_size)" = 4096 ]
check "events_port default 0" [ "$(cat $P/events_port)" = 0 ]
for p in initial_cwnd initial_ssthresh events_size events_port; do
	check "$p is 0644" [ "$(stat -c %a $P/$p)" = 644 ]
	check "$p has a description" bash -c "modinfo -p tcp_teach | grep -q '^$p:'"
done

# Only root may write.
check "nobody cannot write initial_cwnd" bash -c \
	"! setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c 'echo 5 > $P/initial_cwnd' 2>/dev/null"
check "initial_cwnd unchanged" [ "$(cat $P/initial_cwnd)" = 1 ]

# Bad values.
for v in -1 0 1001 99999999999 abc "" "1 2" 0x10 4k; do
	refuse initial_cwnd "$v"
done
for v in -1 1 1073741825 99999999999 abc ""; do
	refuse initial_ssthresh "$v"
done
for v in -1 0 100 32 131072 99999999999 abc ""; do
	refuse events_size "$v"
done
for v in -1 65536 99999999999 abc ""; do
	refuse events_port "$v"
done

# Good values, at the edges.
accept initial_cwnd 1000
accept initial_cwnd 1
accept initial_ssthresh 0
accept initial_ssthresh 2
accept initial_ssthresh 1073741824
accept events_size 64
accept events_size 65536
accept events_port 65535
for p in initial_cwnd initial_ssthresh events_size events_port; do
	echo "${saved[$p]}" > $P/$p
done

# A change applies to new connections; existing ones keep their window.
ip netns add "$NS"
ip -n "$NS" link set lo up
cat > /tmp/ttpar$$.py <<'EOF'
import os, socket, sys, time

def proc_line(cookie):
    with open("/proc/net/tcp_teach") as f:
        for line in f:
            w = line.split()
            if w[2] == str(cookie):
                return w
    return None

def connect(algo, port):
    l = socket.socket()
    l.bind(("127.0.0.1", port))
    l.listen(1)
    s = socket.socket()
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, algo.encode())
    s.connect(("127.0.0.1", port))
    c, _ = l.accept()
    cookie = int.from_bytes(s.getsockopt(socket.SOL_SOCKET, 57, 8), "little")
    return l, s, c, cookie

cmd = sys.argv[1]
P = "/sys/module/tcp_teach/parameters/"
if cmd == "window":
    # line fields: 6 cwnd, 8 ssthresh
    open(P + "initial_cwnd", "w").write("4\n")
    open(P + "initial_ssthresh", "w").write("0\n")
    a = connect("teach_reno", 5101)
    la = proc_line(a[3])
    open(P + "initial_cwnd", "w").write("1\n")
    open(P + "initial_ssthresh", "w").write("65536\n")
    b = connect("teach_tahoe", 5102)
    lb = proc_line(b[3])
    la2 = proc_line(a[3])
    print(la[6], la[8], lb[6], lb[8], la2[6], la2[8])
elif cmd == "port":
    fd = os.open("/proc/net/tcp_teach_events", os.O_RDONLY | os.O_NONBLOCK)
    open(P + "events_port", "w").write("5104\n")
    other = connect("teach_reno", 5103)
    mine = connect("teach_reno", 5104)
    time.sleep(0.2)
    try:
        data = os.read(fd, 65536).decode()
    except BlockingIOError:
        data = ""
    flows = set(l.split()[1] for l in data.splitlines() if not l.startswith("#"))
    print(str(mine[3]) in flows, str(other[3]) in flows)
EOF
out=$(ip netns exec "$NS" $PY /tmp/ttpar$$.py window)
echo "  window: $out"
set -- $out
check "initial_cwnd=4: new connection starts at cwnd 4" [ "$1" = 4 ]
check "initial_ssthresh=0: new connection has ssthresh inf" [ "$2" = inf ]
check "back to 1: the next connection starts at cwnd 1" [ "$3" = 1 ]
check "back to 65536: ssthresh = max(65536/mss, 2)" [ -n "$4" ] && [ "$4" != inf ]
check "the first connection keeps cwnd 4" [ "$5" = 4 ]
check "the first connection keeps ssthresh inf" [ "$6" = inf ]

out=$(ip netns exec "$NS" $PY /tmp/ttpar$$.py port)
echo "  port filter: $out"
check "events_port: the matching connection is recorded" [ "${out% *}" = True ]
check "events_port: other connections are not" [ "${out#* }" = False ]
rm -f /tmp/ttpar$$.py

[ $fail = 0 ] && echo "PASS: module_params" || echo "FAIL: module_params"
exit $fail
