#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `tcpteach run --cc ALGO -- CMD` puts an unmodified program's TCP sockets
# (socket()+connect(), listen(), accepted) on ALGO without touching the
# default.  Host version with the kernel's built-in reno (no module
# needed); selftests/kernel/cli_run.sh does the same with teach_tahoe.
# Exit 0 pass, 1 fail, 4 skip.
set -u
cd "$(dirname "$0")/../.." || exit 1
T=build/tcpteach
[ -x "$T" ] && [ -f build/libtcpteach_preload.so ] ||
	{ echo "SKIP: build/tcpteach not built (make userspace)"; exit 4; }
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 4; }
grep -qw reno /proc/sys/net/ipv4/tcp_available_congestion_control ||
	{ echo "SKIP: no reno"; exit 4; }
def=$(cat /proc/sys/net/ipv4/tcp_congestion_control)
ALGO=reno
[ "$def" = reno ] && ALGO=cubic
grep -qw $ALGO /proc/sys/net/ipv4/tcp_available_congestion_control ||
	{ echo "SKIP: default is reno and no cubic"; exit 4; }

probe='
import socket
def cc(s):
    return s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).split(b"\0")[0].decode()
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
c = socket.socket(); c.connect(l.getsockname())
a, _ = l.accept()
print(cc(l), cc(c), cc(a))
'
out=$($T run --cc $ALGO -- python3 -c "$probe") || { echo "FAIL: run exited $?"; exit 1; }
echo "run --cc $ALGO: listener, client, accepted = $out"
[ "$out" = "$ALGO $ALGO $ALGO" ] || { echo "FAIL: expected $ALGO everywhere"; exit 1; }
# without the shim the same program gets the default: the test can fail
out=$(python3 -c "$probe")
[ "$out" = "$def $def $def" ] || { echo "FAIL: default changed? ($out)"; exit 1; }
[ "$(cat /proc/sys/net/ipv4/tcp_congestion_control)" = "$def" ] ||
	{ echo "FAIL: the system default changed"; exit 1; }
# the exit status of the program is passed on
$T run --cc $ALGO -- sh -c 'exit 3'
[ $? -eq 3 ] || { echo "FAIL: exit status not passed on"; exit 1; }
$T run --cc $ALGO -- /nonexistent/prog 2>/dev/null
[ $? -eq 127 ] || { echo "FAIL: missing program should exit 127"; exit 1; }

# Not root and ALGO not allowed: refused before COMMAND runs (it used to
# run on the default algorithm after a warning, exit 0).
S=/proc/sys/net/ipv4
refused=
for a in $(cat $S/tcp_available_congestion_control); do
	grep -qw "$a" $S/tcp_allowed_congestion_control || { refused=$a; break; }
done
if [ -z "$refused" ]; then
	echo "note: every available algorithm is allowed here: refusal not checked"
elif ! command -v setpriv >/dev/null; then
	echo "note: no setpriv (util-linux): refusal not checked"
else
	marker=$(mktemp -u /tmp/cli-run-refused.XXXXXX)
	err=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		$T run --cc "$refused" -- sh -c "echo ran >$marker" 2>&1)
	rc=$?
	[ $rc -eq 1 ] || { echo "FAIL: not-allowed $refused as nobody: exit $rc ($err)"; rm -f "$marker"; exit 1; }
	[ ! -e "$marker" ] || { echo "FAIL: the program ran although $refused was refused"; rm -f "$marker"; exit 1; }
	grep -q "tcp_allowed_congestion_control" <<<"$err" ||
		{ echo "FAIL: the refusal does not say how to allow it: $err"; exit 1; }
	echo "run --cc $refused as nobody: refused before running (exit 1)"
fi
echo "PASS"
