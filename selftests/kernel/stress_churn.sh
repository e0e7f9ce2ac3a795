#!/bin/bash
# Churn: for CHURN_SECONDS (default 60), at the same time on every CPU:
#  - many short TCP connections on teach_reno/teach_tahoe open, move a
#    little data and close;
#  - live sockets switch algorithm by setsockopt (teach_* <-> reno/cubic);
#  - readers of /proc/net/tcp_teach and /proc/net/tcp_teach_events run;
#  - network namespaces with teach_reno as their default and a connection
#    inside are created and destroyed;
#  - rmmod tcp_teach is attempted and must be refused while in use.
# Afterwards no socket or reader may be left counted, rmmod must succeed
# (no leaked module reference) and the module loads again.  The VM runner fails the
# run on any kernel warning.  Exit codes follow kselftest (0 pass, 1 fail).
set -u
SECONDS_TO_RUN=${CHURN_SECONDS:-60}
NS=churn$$
fail() { echo "not ok: $*"; cleanup; exit 1; }
cleanup() {
	kill $(jobs -p) 2>/dev/null
	wait 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	for n in $(ip netns list | awk '/^churnns/ {print $1}'); do
		ip netns del "$n"
	done
}
trap cleanup EXIT

grep -q '^tcp_teach ' /proc/modules || fail "tcp_teach is not loaded"
ip netns add "$NS" || fail "ip netns add"
ip -n "$NS" link set lo up
WORK=$(mktemp -d)

# Connection churn: each worker opens connections in a loop.
ip netns exec "$NS" python3 "$(dirname "$0")/lib/churn.py" \
	--seconds "$SECONDS_TO_RUN" --workers 4 --out "$WORK/churn.json" &
churn=$!

for _ in $(seq 1 120); do
	[ -e "$WORK/churn.json.ready" ] && break
	sleep 1
done
[ -e "$WORK/churn.json.ready" ] || fail "the churn workers did not start"

# Readers of both /proc files (in the churn namespace, where the sockets are).
ip netns exec "$NS" bash -c 'while :; do cat /proc/net/tcp_teach >/dev/null; done' &
ip netns exec "$NS" bash -c 'while :; do timeout 2 cat /proc/net/tcp_teach_events >/dev/null; done' &

# Namespaces come and go with teach_reno as their default.
(
	i=0
	while :; do
		n=churnns$i
		ip netns add $n
		ip -n $n link set lo up
		ip netns exec $n sysctl -qw net.ipv4.tcp_congestion_control=teach_reno
		ip netns exec $n python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
c = socket.create_connection(s.getsockname()); a, _ = s.accept()
c.sendall(b"x" * 100000); a.recv(1 << 20)
' 2>/dev/null
		# Tear down with sockets possibly still closing.
		ip netns del $n
		i=$((i + 1))
	done
) &

# rmmod must be refused while anything uses the module.
refused=0
end=$((SECONDS + SECONDS_TO_RUN - 5))
while [ $SECONDS -lt $end ] && kill -0 $churn 2>/dev/null; do
	if rmmod tcp_teach 2>/dev/null; then
		fail "rmmod tcp_teach succeeded while sockets used it"
	fi
	refused=$((refused + 1))
	sleep 1
done
wait $churn || fail "the connection churn failed (see above)"
kill $(jobs -p) 2>/dev/null
wait 2>/dev/null
for n in $(ip netns list | awk '/^churnns/ {print $1}'); do ip netns del "$n"; done
echo "# $(cat "$WORK/churn.json")"
echo "# rmmod refused $refused times while in use"
[ "$refused" -gt 0 ] || fail "rmmod was never tried"

# The namespace's counters balance once everything has closed: every
# socket that started teach_* released it (switches included) and every
# reader is gone.  Closing is asynchronous, so wait for it.
counter() { ip netns exec "$NS" awk -v k="$1" '$1 == k { print $2 }' /proc/net/tcp_teach_stats; }
for _ in $(seq 1 60); do
	[ "$(counter sockets)" = 0 ] && [ "$(counter readers)" = 0 ] && break
	sleep 1
done
stats=$(ip netns exec "$NS" cat /proc/net/tcp_teach_stats)
echo "# churn netns stats: $(echo $stats)"
[ "$(counter sockets)" = 0 ] || fail "tcp_teach_stats still counts $(counter sockets) sockets 60 s after every connection closed"
[ "$(counter readers)" = 0 ] || fail "tcp_teach_stats still counts $(counter readers) readers after they exited"
[ "$(counter events)" -gt 0 ] || fail "no event was recorded while readers had the stream open"
[ "$(counter dropped)" -le "$(counter events)" ] || fail "more events dropped than recorded"
ip netns del "$NS"

# Sockets close asynchronously (TIME_WAIT does not hold the module, but
# namespace teardown and closing sockets take a moment under TCG).
ok=0
for _ in $(seq 1 120); do
	if rmmod tcp_teach 2>/dev/null; then
		ok=1
		break
	fi
	sleep 1
done
[ "$ok" = 1 ] || fail "rmmod tcp_teach still refused 120 s after the churn: a leaked module reference (refcnt $(cat /sys/module/tcp_teach/refcnt 2>/dev/null))"
modprobe tcp_teach || fail "modprobe tcp_teach after the churn"
python3 - "$WORK/churn.json" <<'PY' || fail "churn counters inconsistent"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["connections"] > 100, r
assert r["errors"] == 0, r
assert r["switches"] > 0, r
# The server counted every byte of every completed connection.
assert r["bytes_received"] >= r["connections"] * r["bytes_per_connection"], r
PY
rm -rf "$WORK"
echo "ok: churn passed"
exit 0
