#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `tcpteach list` and `tcpteach use` round trip, system-wide and in
# another network namespace; the default is restored afterwards and the
# module's reference count comes back (no leak from a refused default).
# Exit 0 pass, 1 fail, 4 skip.
set -u
cd "$(dirname "$0")/../.." || exit 1
T=build/tcpteach
[ -x $T ] || { echo "SKIP: build/tcpteach not built"; exit 4; }
[ -d /sys/module/tcp_teach ] || { echo "SKIP: tcp_teach not loaded"; exit 4; }
S=/proc/sys/net/ipv4
orig=$(cat $S/tcp_congestion_control)
orig_allowed=$(cat $S/tcp_allowed_congestion_control)
NS=tcpteach-cli-$$
fail() { echo "FAIL: $*"; exit 1; }
cleanup() {
	echo "$orig" > $S/tcp_congestion_control
	echo "$orig_allowed" > $S/tcp_allowed_congestion_control
	ip netns del $NS 2>/dev/null
}
trap cleanup EXIT

out=$($T list) || fail "list exited $?"
echo "$out"
grep -q '^available .*teach_reno' <<<"$out" || fail "teach_reno not listed"
grep -q '^available .*teach_tahoe' <<<"$out" || fail "teach_tahoe not listed"
grep -qx 'module loaded' <<<"$out" || fail "module not reported loaded"
grep -qx "default $orig" <<<"$out" || fail "default is not $orig"
grep -qx "param initial_cwnd $(cat /sys/module/tcp_teach/parameters/initial_cwnd)" \
	<<<"$out" || fail "initial_cwnd not shown"
$T list --json | python3 -c '
import json, sys
doc = json.load(sys.stdin)
assert doc["module"]["loaded"] is True, doc
assert "teach_reno" in doc["available"], doc
assert type(doc["module"]["params"]["initial_cwnd"]) is int, doc
' || fail "list --json"

$T use teach_tahoe || fail "use teach_tahoe exited $?"
[ "$(cat $S/tcp_congestion_control)" = teach_tahoe ] || fail "default not teach_tahoe"
$T list | grep -qx 'default teach_tahoe' || fail "list does not show the new default"
$T use "$orig" >/dev/null || fail "use $orig exited $?"
[ "$(cat $S/tcp_congestion_control)" = "$orig" ] || fail "default not restored"

# unknown algorithm: usage error, nothing changes
$T use teach_vegas 2>/tmp/cli-use.err; rc=$?
[ $rc -eq 2 ] || fail "unknown algorithm exited $rc, expected 2"
grep -q 'available algorithms:.*teach_reno' /tmp/cli-use.err || fail "no list of algorithms"
[ "$(cat $S/tcp_congestion_control)" = "$orig" ] || fail "default changed by a bad call"

# not root: refused with a message that says so
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups $T use teach_reno \
		2>/tmp/cli-use.err; rc=$?
	[ $rc -eq 1 ] || fail "non-root use exited $rc, expected 1"
	grep -q 'needs root' /tmp/cli-use.err || fail "non-root message: $(cat /tmp/cli-use.err)"
fi

# another namespace: only there; the module reference comes back
ref0=$(cat /sys/module/tcp_teach/refcnt)
ip netns add $NS || fail "ip netns add"
$T use teach_reno --netns $NS || fail "use --netns exited $?"
got=$(ip netns exec $NS cat $S/tcp_congestion_control)
[ "$got" = teach_reno ] || fail "netns default is $got"
[ "$(cat $S/tcp_congestion_control)" = "$orig" ] || fail "init netns default changed"
grep -qw teach_reno $S/tcp_allowed_congestion_control || fail "teach_reno not allowed"
$T use teach_reno --netns no-such-ns-$$ 2>/tmp/cli-use.err; rc=$?
[ $rc -eq 1 ] || fail "missing netns exited $rc"
grep -q "ip netns list" /tmp/cli-use.err || fail "missing netns message"
ip netns del $NS
for _ in $(seq 50); do
	[ "$(cat /sys/module/tcp_teach/refcnt)" = "$ref0" ] && break
	sleep 0.1
done
[ "$(cat /sys/module/tcp_teach/refcnt)" = "$ref0" ] ||
	fail "module refcnt $(cat /sys/module/tcp_teach/refcnt) != $ref0 after the netns is gone"
echo PASS
