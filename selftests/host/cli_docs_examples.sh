#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The sim examples in docs/ttp.md and README.md are what the code prints today
# (docs/examples.sh --check), and the check does catch a drifted number.
# Exit 0 pass, 1 fail, 4 skip.
set -u
cd "$(dirname "$0")/../.." || exit 1
[ -x build/tcpteach ] || { echo "SKIP: build/tcpteach not built (make userspace)"; exit 4; }
docs/examples.sh --check docs/ttp.md README.md ||
	{ echo "FAIL: the examples drifted: run 'make docs'"; exit 1; }
echo "docs/ttp.md, README.md: every example matches a fresh run"
# the check can fail: an example with one number changed
copy=$(mktemp --suffix=.md)
trap 'rm -f "$copy"' EXIT
sed 's/window events \([0-9]*\)/window events 1\1/' docs/ttp.md >"$copy"
cmp -s docs/ttp.md "$copy" && { echo "FAIL: no 'window events' figure to alter"; exit 1; }
if docs/examples.sh --check "$copy" >/dev/null; then
	echo "FAIL: a drifted example passed the check"
	exit 1
fi
echo "a drifted example is caught"
echo PASS
