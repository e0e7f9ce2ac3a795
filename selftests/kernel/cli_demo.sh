#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `tcpteach demo` end to end: both runs traced, both met exactly the
# planned losses in the planned order (fast retransmit, timeout, fast
# retransmit), Tahoe fell back to cwnd 1 where Reno halved, the narration
# says so, and the figure (PNG + SVG) is written.  Then a run perturbed
# on purpose (--perturb: one more drop in the Reno run): the narration
# and the title must tell what the trace recorded, not the plan.
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
# the losses of a trace, in order: "fast_retransmit timeout ..."
# (an undo says a cut was spurious: that too leaves the plan)
losses() { awk -F, '$4 == "fast_retransmit" || $4 == "timeout" || $4 == "undo" { printf "%s ", $4 }' "$1"; }
plan="fast_retransmit timeout fast_retransmit "
for a in tahoe reno; do
	got=$(losses "$D/$a.csv")
	[ "$got" = "$plan" ] || fail "$a left the plan: $got"
done
grep -q '^Tahoe followed the plan: 2 fast retransmits and 1 timeout' "$D/narration.txt" &&
	grep -q '^Reno followed the plan: 2 fast retransmits and 1 timeout' "$D/narration.txt" ||
	fail "narration does not say both runs followed the plan"
grep -q 'same drops and one timeout' "$D/tcpteach-demo.svg" || fail "title lacks the plan"
grep -q 'dport 5001 .*tcp sequence' "$D/reno.nft" || fail "reno.nft lacks the drop rules"
# what the network did: each single drop fired exactly once
drops() { grep -c "@$2 { ip saddr } counter packets 1 bytes [0-9]* drop" "$1"; }
for a in tahoe reno; do
	[ -s "$D/$a.net" ] || fail "$a.net missing"
	[ "$(drops "$D/$a.net" drop1)$(drops "$D/$a.net" drop2)" = 11 ] ||
		fail "$a.net: nftables did not drop segments 300 and 1600 once each"
	grep -q '^TcpExtTCPOrigDataSent' "$D/$a.net" || fail "$a.net lacks the sender's counters"
done

# Perturbed: one more drop (segment 600) in the Reno run only.
P="$D/perturbed"
$T demo -o "$P" --perturb 600 >"$D/out2" 2>&1; rc=$?
cat "$D/out2"
[ $rc -eq 0 ] || fail "perturbed demo exited $rc"
rfr=$(awk -F, '$4 == "fast_retransmit"' "$P/reno.csv" | wc -l)
rto=$(awk -F, '$4 == "timeout"' "$P/reno.csv" | wc -l)
[ "$rfr" -ge 3 ] || fail "the perturbed Reno run had $rfr fast retransmits, expected the extra one"
[ "$(drops "$P/reno.net" perturb)" = 1 ] || fail "reno.net: nftables did not drop segment 600 once"
want="Reno left the plan: $rfr fast retransmits and $rto timeout"
grep -q "^$want" "$P/narration.txt" || fail "narration does not say: $want"
grep -q '^Tahoe followed the plan' "$P/narration.txt" || fail "narration lost the Tahoe run"
grep -q 'Perturbed on purpose: .*segment 600' "$P/narration.txt" || fail "narration hides the perturbation"
grep -q 'same drops and one timeout' "$P/tcpteach-demo.svg" && fail "title still tells the plan"
grep -q "TCP Reno ($rfr fast retransmits and $rto timeout" "$P/tcpteach-demo.svg" ||
	fail "title does not count Reno's losses"
echo PASS
