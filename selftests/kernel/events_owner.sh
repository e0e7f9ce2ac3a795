#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Who may read what: /proc/net/tcp_teach_events is readable by everyone,
# but a reader without CAP_NET_ADMIN sees only the events of sockets its
# uid owns, while root sees every socket's.  In a fresh netns a user
# (uid 4242, no capabilities) and root each run a connection on
# teach_reno, read by a reader of each kind opened before them.
# Exit 0 pass, 1 fail, 4 skip.
set -u
cd "$(dirname "$0")/../.." || exit 1
. selftests/kernel/lib/check.sh
[ -d /sys/module/tcp_teach ] || { echo "SKIP: tcp_teach not loaded"; exit 4; }
for tool in python3 setpriv; do
	command -v $tool >/dev/null || { echo "SKIP: no $tool"; exit 4; }
done

NS=tt_owner_$$
U=4242
USER_PORT=5001
ROOT_PORT=5002
tmp=$(mktemp -d)
pids=()
cleanup() {
	[ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add $NS || exit 1
ip -n $NS link set lo up
ip netns exec $NS sysctl -qw net.ipv4.tcp_congestion_control=teach_reno
as_user() { ip netns exec $NS setpriv --reuid=$U --regid=$U --clear-groups "$@"; }
as_root() { ip netns exec $NS "$@"; }

# $1 opened the event stream (ip netns exec and setpriv exec the reader).
stream_open() {
	ls -l "/proc/$1/fd" 2>/dev/null | grep -q tcp_teach_events
}
# Not through the functions: $! must be the reader itself.
ip netns exec $NS cat /proc/net/tcp_teach_events > "$tmp/root" &
pids+=($!)
ip netns exec $NS setpriv --reuid=$U --regid=$U --clear-groups \
	cat /proc/net/tcp_teach_events > "$tmp/user" &
pids+=($!)
for _ in $(seq 300); do
	stream_open "${pids[0]}" && stream_open "${pids[1]}" && break
	sleep 0.1
done
check "root's reader opened the stream" stream_open "${pids[0]}"
check "the user's reader opened the stream" stream_open "${pids[1]}"

# One connection over loopback on PORT: 200 kB one way, then close.
xfer='
import socket, sys, threading
port = int(sys.argv[1])
l = socket.socket()
l.bind(("127.0.0.1", port))
l.listen()
c = socket.create_connection(("127.0.0.1", port))
a, _ = l.accept()
def send():
    c.sendall(b"x" * 200000)
    c.close()
t = threading.Thread(target=send)
t.start()
n = 0
while True:
    b = a.recv(65536)
    if not b:
        break
    n += len(b)
t.join()
a.close()
print(n)
'
check "the user's transfer" test "$(as_user python3 -c "$xfer" $USER_PORT)" = 200000
check "root's transfer" test "$(as_root python3 -c "$xfer" $ROOT_PORT)" = 200000

# count FILE PORT: events of connections on PORT (local or remote).
count() {
	grep -cE ":$2( |\$)" "$1"
}
closed() {
	[ "$(grep -E ":$2( |\$)" "$1" | grep -c ' close ')" -ge 2 ]
}
# Both ends of each connection end with a close event.
for _ in $(seq 300); do
	closed "$tmp/root" $USER_PORT && closed "$tmp/root" $ROOT_PORT &&
		closed "$tmp/user" $USER_PORT && break
	sleep 0.1
done
kill "${pids[@]}" 2>/dev/null
wait 2>/dev/null
pids=()
echo "root's reader: $(count "$tmp/root" $USER_PORT) events of the user's connection, $(count "$tmp/root" $ROOT_PORT) of root's"
echo "user's reader: $(count "$tmp/user" $USER_PORT) events of the user's connection, $(count "$tmp/user" $ROOT_PORT) of root's"
check "root sees the user's connection end to end" closed "$tmp/root" $USER_PORT
check "root sees its own connection end to end" closed "$tmp/root" $ROOT_PORT
check "the user sees its own connection end to end" closed "$tmp/user" $USER_PORT
check "the user sees none of root's events" test "$(count "$tmp/user" $ROOT_PORT)" -eq 0
check "the user sees every event of its own connection that root sees" \
	test "$(count "$tmp/user" $USER_PORT)" -eq "$(count "$tmp/root" $USER_PORT)"
check "no reader dropped events" \
	test "$(cat "$tmp/root" "$tmp/user" | grep -c '^# dropped')" -eq 0
exit $fail
