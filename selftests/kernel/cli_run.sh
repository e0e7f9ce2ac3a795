#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `tcpteach run --cc teach_tahoe -- python3 ...`: an unmodified program's
# sockets use teach_tahoe (seen by the program, by `ss -ti` and in
# /proc/net/tcp_teach) while the system default stays as it was.
# Exit 0 pass, 1 fail, 4 skip.
set -u
cd "$(dirname "$0")/../.." || exit 1
T=build/tcpteach
[ -x $T ] && [ -f build/libtcpteach_preload.so ] || { echo "SKIP: not built"; exit 4; }
[ -d /sys/module/tcp_teach ] || { echo "SKIP: tcp_teach not loaded"; exit 4; }
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 4; }
fail() { echo "FAIL: $*"; exit 1; }
def=$(cat /proc/sys/net/ipv4/tcp_congestion_control)
[ "$def" != teach_tahoe ] || fail "default is already teach_tahoe"

probe='
import socket, subprocess
def cc(s):
    return s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).split(b"\0")[0].decode()
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
c = socket.socket(); c.connect(l.getsockname())
a, _ = l.accept()
print("cc", cc(l), cc(c), cc(a))
print("port", c.getsockname()[1])
print(subprocess.run(["ss", "-tin", "sport", "= :%d" % c.getsockname()[1]], capture_output=True, text=True).stdout)
print(open("/proc/net/tcp_teach").read())
'
out=$($T run --cc teach_tahoe -- python3 -c "$probe") || fail "run exited $?"
echo "$out"
grep -qx 'cc teach_tahoe teach_tahoe teach_tahoe' <<<"$out" || fail "sockets not on teach_tahoe"
port=$(sed -n 's/^port //p' <<<"$out")
grep -q "teach_tahoe" <<<"$(sed -n '/^State/,/^$/p' <<<"$out")" || fail "ss -ti does not show teach_tahoe"
grep -q "^127.0.0.1:$port 127.0.0.1:[0-9]* [0-9]* teach_tahoe " <<<"$out" ||
	fail "/proc/net/tcp_teach has no teach_tahoe line for port $port"
[ "$(cat /proc/sys/net/ipv4/tcp_congestion_control)" = "$def" ] || fail "default changed"
echo PASS
