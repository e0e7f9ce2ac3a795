#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel-side examples of docs/cli.md and the man page have the shape
# of what the commands print today: docs/kernel-examples.py runs every
# example here (as `make docs-kernel` did) and compares each documented
# output's header, keys or JSON keys with the fresh one; and the check
# does fail on a copy with one column renamed.  Exit 0 pass, 1 fail,
# 4 skip.
set -u
cd "$(dirname "$0")/../.." || exit 1
[ -x build/tcpteach ] || { echo "SKIP: build/tcpteach not built"; exit 4; }
[ -d /sys/module/tcp_teach ] || { echo "SKIP: tcp_teach not loaded"; exit 4; }
for c in python3 iperf3 nft ethtool tc script; do
	command -v $c >/dev/null || { echo "SKIP: no $c"; exit 4; }
done
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

python3 docs/kernel-examples.py run "$W/fresh.json" || fail "an example did not run"
python3 docs/kernel-examples.py check "$W/fresh.json" ||
	fail "the docs' kernel examples drifted: run 'make docs-kernel'"

# the check can fail: the socket table's srtt_us renamed in a copy, and
# the CSV header's prior_cwnd in a copy of the man page
sed 's/ srtt_us$/ srtt/' docs/cli.md >"$W/cli.md"
cmp -s docs/cli.md "$W/cli.md" && fail "no socket table header to alter"
python3 docs/kernel-examples.py check "$W/fresh.json" "$W/cli.md" >"$W/out" &&
	fail "a renamed column passed the check"
grep -q "'\$ tcpteach show'" "$W/out" || fail "the report does not name the command: $(cat "$W/out")"
sed 's/,prior_cwnd$/,prior/' userspace/tcpteach.1 >"$W/tcpteach.1"
cmp -s userspace/tcpteach.1 "$W/tcpteach.1" && fail "no CSV header in the man page to alter"
python3 docs/kernel-examples.py check "$W/fresh.json" "$W/tcpteach.1" >/dev/null &&
	fail "a renamed CSV column in the man page passed the check"
echo "a renamed column is caught"
echo PASS
