#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `tcpteach compare` end to end.  Bad input stops it before anything is
# set up (no network namespace appears, no run directory).  Then
# `compare teach_reno teach_tahoe cubic` and `compare --together
# teach_reno reno` must leave complete run directories whose numbers
# agree with their traces, counted here independently: fast retransmits
# and timeouts in summary.csv = the events in each trace, goodput =
# bytes*8/seconds, the kernel's retransmission count at least the
# recoveries the trace saw, no flow faster than the bottleneck, Jain's
# index from the goodputs; run.json parses and names this kernel.  An
# interrupted run (SIGINT mid-flow) leaves no namespace, tracing
# instance or process behind; a killed one (SIGKILL) no namespace or
# process.  Exit 0 pass, 1 fail, 4 skip.
set -u
cd "$(dirname "$0")/../.." || exit 1
T=$PWD/build/tcpteach
[ -x "$T" ] || { echo "SKIP: build/tcpteach not built"; exit 4; }
[ -d /sys/module/tcp_teach ] || { echo "SKIP: tcp_teach not loaded"; exit 4; }
for c in ethtool tc gnuplot python3 setpriv; do
	command -v $c >/dev/null || { echo "SKIP: no $c"; exit 4; }
done
[ -e /sys/kernel/tracing/events/tcp/tcp_probe ] ||
	{ echo "SKIP: no tcp:tcp_probe in /sys/kernel/tracing"; exit 4; }
grep -qw cubic /proc/sys/net/ipv4/tcp_available_congestion_control ||
	modprobe tcp_cubic 2>/dev/null
D=$(mktemp -d)
chmod 755 "$D"
trap 'rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $* (${SECONDS}s)"; }
RATE=10
ARGS=(--rate $RATE --time 1 --loss 1)

# Every network namespace a process is in or holds open (our namespaces
# are anonymous: held only by tcpteach's descriptors and children).
netns_ids() {
	{ readlink /proc/[0-9]*/ns/net; readlink /proc/[0-9]*/fd/*; } 2>/dev/null |
		grep '^net:' | sort -u
}
instances() { ls /sys/kernel/tracing/instances 2>/dev/null | grep tcpteach; }
BEFORE=$(netns_ids)

# ---- bad input: a clear message, nothing set up ----
"$T" compare -o "$D/bad" "${ARGS[@]}" teach_reno nosuchcc >"$D/out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "unknown algorithm: exit $rc"
grep -q "'nosuchcc' is not available" "$D/out" &&
	grep -q 'available algorithms:.*cubic' "$D/out" ||
	{ cat "$D/out"; fail "unknown algorithm: message does not list the available ones"; }
[ ! -e "$D/bad" ] || fail "unknown algorithm: a run directory was made"
for r in abc 0 -5 1e9; do
	"$T" compare -o "$D/bad" --rate "$r" reno >"$D/out" 2>&1
	rc=$?
	[ $rc -eq 2 ] && grep -q "bad --rate '$r'" "$D/out" ||
		{ cat "$D/out"; fail "--rate $r: exit $rc"; }
done
"$T" compare --together reno >"$D/out" 2>&1
[ $? -eq 2 ] && grep -q 'together needs two' "$D/out" || fail "--together with one flow"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$T" compare -o "$D/bad" reno >"$D/out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q 'needs root' "$D/out" ||
	{ cat "$D/out"; fail "not root: exit $rc"; }
[ ! -e "$D/bad" ] || fail "a run directory was made"
[ "$(netns_ids)" = "$BEFORE" ] || fail "bad input left a network namespace"
ok "bad input refused before any setup"

# check_run DIR NFLOWS: the run directory is complete and agrees with itself
check_run() {
	local d=$1 n=$2 row f algo
	for f in run.json summary.csv compare.svg compare.png; do
		[ -s "$d/$f" ] || fail "$d: $f missing"
	done
	python3 -m json.tool "$d/run.json" >/dev/null || fail "$d/run.json does not parse"
	python3 - "$d/run.json" "$(uname -r)" "$n" "$RATE" <<'EOF' || fail "$d/run.json content"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["kernel"]["release"] == sys.argv[2], r["kernel"]
assert "initial_cwnd" in r["tcp_teach_parameters"], r["tcp_teach_parameters"]
assert r["tcpteach_version"]
assert r["link"]["rate_mbit"] == float(sys.argv[4]) and r["link"]["loss_pct"] == 1
assert len(r["flows"]) == int(sys.argv[3])
EOF
	head -c 8 "$d/compare.png" | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a' ||
		fail "$d: compare.png is not a PNG"
	tail -c 20 "$d/compare.svg" | grep -q '</svg>' || fail "$d: SVG not complete"
	[ "$(($(wc -l <"$d/summary.csv") - 1))" -eq "$n" ] || fail "$d: summary rows"
	tail -n +2 "$d/summary.csv" | while IFS=, read -r _ algo bytes secs good rtx fr to rows trace _; do
		f=$d/$trace
		[ -s "$f" ] || fail "$d: trace $trace missing"
		grep -qw "$algo" "$d/compare.svg" || fail "$d: figure lacks $algo"
		awk -F, -v a="$algo" 'NR > 1 && $3 != a { bad = 1 } END { exit bad }' "$f" ||
			fail "$trace: rows of another algorithm"
		[ "$(($(wc -l <"$f") - 1))" -eq "$rows" ] || fail "$trace: $rows rows in summary"
		[ "$(awk -F, '$4 == "fast_retransmit"' "$f" | wc -l)" -eq "$fr" ] ||
			fail "$trace: fast retransmits differ from summary ($fr)"
		[ "$(awk -F, '$4 == "timeout"' "$f" | wc -l)" -eq "$to" ] ||
			fail "$trace: timeouts differ from summary ($to)"
		[ "$rtx" -ge $((fr + to)) ] ||
			fail "$algo: $rtx retransmissions for $fr recoveries and $to timeouts"
		awk -v b="$bytes" -v s="$secs" -v g="$good" -v r=$RATE 'BEGIN {
			w = b * 8 / s / 1e6
			exit !(b > 0 && s > 0 && (w - g < 1e-4 && g - w < 1e-4) && g <= r * 1.02) }' ||
			fail "$algo: goodput $good for $bytes bytes in $secs s (bottleneck $RATE Mbit/s)"
	done || exit 1
	if [ -e /sys/kernel/tracing/events/tcp/tcp_cong_state_set ]; then
		[ "$(awk -F, 'NR > 1 { n += $7 } END { print n + 0 }' "$d/summary.csv")" -gt 0 ] ||
			fail "$d: no fast retransmit at 1% loss"
	else
		# 5.10: no state changes in the trace, so no reasons (never guessed)
		awk -F, 'NR > 1 && $7 + $8 > 0 { bad = 1 } END { exit bad }' "$d/summary.csv" ||
			fail "$d: reasons without tcp:tcp_cong_state_set"
		[ "$(awk -F, 'NR > 1 { n += $6 } END { print n + 0 }' "$d/summary.csv")" -gt 0 ] ||
			fail "$d: no retransmission at 1% loss"
	fi
}

# ---- one after another ----
"$T" compare -o "$D/seq" "${ARGS[@]}" teach_reno teach_tahoe cubic >"$D/out" 2>&1
rc=$?
cat "$D/out"
[ $rc -eq 0 ] || fail "compare exited $rc"
check_run "$D/seq" 3
grep -q "run directory: $D/seq" "$D/out" || fail "where the files are is not said"
awk -F, 'NR > 1 && $11 != "" { bad = 1 } END { exit bad }' "$D/seq/summary.csv" ||
	fail "a Jain index without --together"
# one after another: each flow's time starts at its own first row
for f in "$D"/seq/[123]-*.csv; do
	awk -F, 'NR == 2 { exit !($1 == 0) }' "$f" || fail "$f does not start at 0"
done
rm "$D/seq/compare.svg"
"$T" plot "$D/seq" || fail "plot DIR failed"
tail -c 20 "$D/seq/compare.svg" | grep -q '</svg>' || fail "plot DIR did not draw again"
ok "compare teach_reno teach_tahoe cubic"

# ---- together ----
"$T" compare --together -o "$D/tog" "${ARGS[@]}" teach_reno reno >"$D/out" 2>&1
rc=$?
cat "$D/out"
[ $rc -eq 0 ] || fail "compare --together exited $rc"
check_run "$D/tog" 2
awk -F, 'NR > 1 { s += $5; s2 += $5 * $5; n++; j = $11 }
	END { want = s * s / (n * s2); exit !(j - want < 1e-4 && want - j < 1e-4 && s <= '$RATE' * 1.02) }' \
	"$D/tog/summary.csv" || fail "Jain's index or the shared rate is wrong"
# sharing one clock: both flows start within the first second
for f in "$D"/tog/[12]-*.csv; do
	awk -F, 'NR == 2 { exit !($1 < 1000000) }' "$f" || fail "$f does not start with the run"
done
grep -q "Jain's fairness index" "$D/out" || fail "no Jain index in the table"
ok "compare --together teach_reno reno"

# ---- interrupted: SIGINT mid-flow removes everything ----
"$T" compare -o "$D/int" --rate $RATE --time 60 reno >"$D/out" 2>&1 &
P=$!
for _ in $(seq 300); do grep -q 'sending for' "$D/out" && break; sleep 0.1; done
grep -q 'sending for' "$D/out" || { kill -9 $P; cat "$D/out"; fail "the flow did not start"; }
sleep 1
DURING=$(netns_ids | wc -l)
[ "$DURING" -ge $(($(echo "$BEFORE" | wc -l) + 3)) ] ||
	{ kill -9 $P; fail "the check does not see the run's namespaces ($DURING)"; }
[ -n "$(instances)" ] || { kill -9 $P; fail "no tracing instance while running"; }
kill -INT $P
for _ in $(seq 200); do kill -0 $P 2>/dev/null || break; sleep 0.1; done
kill -0 $P 2>/dev/null && { kill -9 $P; fail "still running 20 s after SIGINT"; }
wait $P
rc=$?
cat "$D/out"
[ $rc -eq 1 ] && grep -q interrupted "$D/out" || fail "interrupted run: exit $rc"
for _ in $(seq 50); do [ "$(netns_ids)" = "$BEFORE" ] && break; sleep 0.1; done
[ "$(netns_ids)" = "$BEFORE" ] || fail "a network namespace is left after SIGINT"
[ -z "$(instances)" ] || fail "tracing instance left: $(instances)"
pgrep -f "tcpteach compare" >/dev/null && fail "a tcpteach compare process is left"
tc qdisc show | grep -q netem && fail "a netem qdisc is left in this namespace"
ok "SIGINT mid-run leaves no namespace, qdisc, tracing instance or process"

# ---- killed: the children die with it, so the namespaces go too ----
"$T" compare -o "$D/kill" --rate $RATE --time 60 reno >"$D/out" 2>&1 &
P=$!
for _ in $(seq 300); do grep -q 'sending for' "$D/out" && break; sleep 0.1; done
grep -q 'sending for' "$D/out" || { kill -9 $P; cat "$D/out"; fail "the flow did not start"; }
kill -9 $P
wait $P 2>/dev/null
for _ in $(seq 100); do [ "$(netns_ids)" = "$BEFORE" ] && break; sleep 0.1; done
[ "$(netns_ids)" = "$BEFORE" ] || fail "a network namespace is left after SIGKILL"
pgrep -f "tcpteach compare" >/dev/null && fail "a child outlived its SIGKILLed parent"
# what SIGKILL cannot clean (docs/cli.md says so): the tracing instance
for i in $(instances); do rmdir "/sys/kernel/tracing/instances/$i"; done
ok "SIGKILL mid-run leaves no namespace or process"
echo PASS
