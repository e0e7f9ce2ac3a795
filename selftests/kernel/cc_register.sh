#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Registration and selection of teach_reno / teach_tahoe (issue 3, test 1):
# both are registered and allowed (TCP_CONG_NON_RESTRICTED), selectable per
# socket (also unprivileged) and read back, as the default of the init
# netns and of a child netns (a netns default holds a module reference that
# is released when the netns goes away: none leaks), and autoloaded by name
# (request_module("tcp_teach_reno")) when a privileged user asks for one.
# Exit: 0 pass, 1 fail, 4 skip.  Leaves tcp_teach loaded.

PY=/usr/bin/python3
NS=ttreg$$

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 4; }
grep -q '^tcp_teach ' /proc/modules || { echo "SKIP: tcp_teach not loaded"; exit 4; }
orig=$(sysctl -n net.ipv4.tcp_congestion_control)

cleanup() {
	ip netns del "$NS" 2>/dev/null
	sysctl -qw net.ipv4.tcp_congestion_control="$orig"
	grep -q '^tcp_teach ' /proc/modules || modprobe tcp_teach
}
trap cleanup EXIT

. "$(dirname "$0")/lib/check.sh"

refcnt() { cat /sys/module/tcp_teach/refcnt 2>/dev/null || echo none; }

# Wait up to 20 s for the module's reference count to become $1
# (netns cleanup runs asynchronously).
refcnt_becomes() {
	local i
	for i in $(seq 200); do
		[ "$(refcnt)" = "$1" ] && return 0
		sleep 0.1
	done
	echo "  refcnt is $(refcnt), expected $1"
	return 1
}

# sock_cc [ALGO]: a new TCP socket's congestion control after selecting ALGO
sock_cc() {
	$PY - "$@" <<'EOF'
import socket, sys
s = socket.socket()
if len(sys.argv) > 1:
    try:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, sys.argv[1].encode())
    except OSError as e:
        print("error", e.errno)
        sys.exit(0)
print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b"\0").decode())
EOF
}

has_word() { [[ " $1 " == *" $2 "* ]]; }

avail=$(cat /proc/sys/net/ipv4/tcp_available_congestion_control)
allowed=$(cat /proc/sys/net/ipv4/tcp_allowed_congestion_control)
echo "available: $avail"
echo "allowed:   $allowed"
check "teach_reno registered" has_word "$avail" teach_reno
check "teach_tahoe registered" has_word "$avail" teach_tahoe
check "teach_reno allowed (non-restricted)" has_word "$allowed" teach_reno
check "teach_tahoe allowed (non-restricted)" has_word "$allowed" teach_tahoe

base=$(refcnt)
echo "module refcnt at start: $base"

# Per socket, read back; unprivileged too (the algorithms are not restricted).
check "per-socket teach_reno" [ "$(sock_cc teach_reno)" = teach_reno ]
check "per-socket teach_tahoe" [ "$(sock_cc teach_tahoe)" = teach_tahoe ]
check "per-socket as nobody" [ "$(setpriv --reuid=nobody --regid=nogroup \
	--clear-groups $PY -c '
import socket
s = socket.socket()
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"teach_tahoe")
print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b"\0").decode())')" = teach_tahoe ]
check "unknown name refused (ENOENT)" [ "$(sock_cc teach_nope)" = "error 2" ]
check "sockets closed: no reference left" refcnt_becomes "$base"

# Default of the init netns.
check "sysctl default teach_reno" sysctl -qw net.ipv4.tcp_congestion_control=teach_reno
check "sysctl reads back teach_reno" [ "$(sysctl -n net.ipv4.tcp_congestion_control)" = teach_reno ]
check "new sockets get teach_reno" [ "$(sock_cc)" = teach_reno ]
sysctl -qw net.ipv4.tcp_congestion_control="$orig"
check "default restored: no reference left" refcnt_becomes "$base"

# Default of a child netns.
ip netns add "$NS"
check "child netns: sysctl default teach_tahoe" \
	ip netns exec "$NS" sysctl -qw net.ipv4.tcp_congestion_control=teach_tahoe
check "child netns reads back teach_tahoe" \
	[ "$(ip netns exec "$NS" sysctl -n net.ipv4.tcp_congestion_control)" = teach_tahoe ]
check "child netns: new sockets get teach_tahoe" \
	[ "$(ip netns exec "$NS" $PY -c '
import socket
s = socket.socket()
print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b"\0").decode())')" = teach_tahoe ]
check "init netns default unchanged" [ "$(sysctl -n net.ipv4.tcp_congestion_control)" = "$orig" ]
check "child netns default holds one reference" refcnt_becomes $((base + 1))
ip netns del "$NS"
check "child netns gone: reference released" refcnt_becomes "$base"

# Autoload by name.
if ! rmmod tcp_teach; then
	echo "FAIL: cannot unload tcp_teach to test autoload (refcnt $(refcnt))"
	exit 1
fi
check "unprivileged user cannot autoload" [ "$(setpriv --reuid=nobody \
	--regid=nogroup --clear-groups $PY -c '
import socket
s = socket.socket()
try:
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"teach_reno")
    print("loaded")
except OSError as e:
    print("error", e.errno)')" = "error 2" ]
check "still unloaded" bash -c "! grep -q '^tcp_teach ' /proc/modules"
check "setsockopt(teach_reno) as root autoloads tcp_teach" [ "$(sock_cc teach_reno)" = teach_reno ]
check "tcp_teach is loaded" grep -q '^tcp_teach ' /proc/modules
check "autoload left no reference" refcnt_becomes 0
rmmod tcp_teach
check "sysctl teach_tahoe autoloads tcp_teach" sysctl -qw net.ipv4.tcp_congestion_control=teach_tahoe
check "tcp_teach is loaded again" grep -q '^tcp_teach ' /proc/modules
sysctl -qw net.ipv4.tcp_congestion_control="$orig"
check "default restored: no reference left" refcnt_becomes 0

[ $fail = 0 ] && echo "PASS: cc_register" || echo "FAIL: cc_register"
exit $fail
