#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `tcpteach demo` end to end: both runs traced, both met the fast
# retransmits and the timeout, Tahoe fell back to cwnd 1 where Reno
# halved, the narration says so, and the figure (PNG + SVG) is written.
# Exit 0 pass, 1 fail, 4 skip.
set -u
cd "$(dirname "$0")/../.." || exit 1
T=build/tcpteach
[ -x $T ] || { echo "SKIP: build/tcpteach not built"; exit 4; }
[ -d /sys/module/tcp_teach ] || { echo "SKIP: tcp_teach not loaded"; exit 4; }
for c in nft ethtool tc gnuplot; do
	command -v $c >/dev/null || { echo "SKIP: no $c"; exit 4; }
done
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
$T demo -o "$D" >"$D/out" 2>&1; rc=$?
cat "$D/out"
[ $rc -eq 0 ] || fail "demo exited $rc"
for f in tahoe.csv reno.csv narration.txt tcpteach-demo.png tcpteach-demo.svg; do
	[ -s "$D/$f" ] || fail "$f missing"
done
head -c 8 "$D/tcpteach-demo.png" | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a' ||
	fail "not a PNG"
tail -c 20 "$D/tcpteach-demo.svg" | grep -q '</svg>' || fail "SVG not complete"
for a in tahoe reno; do
	for ev in fast_retransmit timeout; do
		grep -q ",teach_$a,$ev," "$D/$a.csv" || fail "$a: no $ev"
	done
done
# after each fast retransmit: Tahoe cwnd 1 in slow start, Reno cwnd = ssthresh
awk -F, '$4 == "fast_retransmit" && !($6 == 1 && $5 == "slow_start") { bad = 1 }
	END { exit bad }' "$D/tahoe.csv" || fail "Tahoe did not restart from cwnd 1"
awk -F, '$4 == "fast_retransmit" && !($6 == $7 && $6 > 1 && $5 == "fast_recovery") { bad = 1 }
	END { exit bad }' "$D/reno.csv" || fail "Reno did not halve into fast recovery"
grep -q '3 duplicate ACKs -> fast retransmit; Reno: cwnd [0-9]* -> [0-9]*.*Tahoe: cwnd [0-9]* -> 1 ' \
	"$D/narration.txt" || fail "narration lacks the fast retransmit comparison"
grep -q 'timeout' "$D/narration.txt" || fail "narration lacks the timeout"
grep -q 'teach_tahoe' "$D/tcpteach-demo.svg" && grep -q 'teach_reno' "$D/tcpteach-demo.svg" ||
	fail "figure lacks a panel"
echo PASS
