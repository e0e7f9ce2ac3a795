#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every --json output of tcpteach is parsed as JSON, with its types
# checked: numbers are numbers, an unlimited ssthresh is null, and a
# module parameter that cannot be read is null (the key stays).
# Exit 0 pass, 1 fail, 4 skip.
set -u
cd "$(dirname "$0")/../.." || exit 1
T=build/tcpteach
[ -x "$T" ] || { echo "SKIP: build/tcpteach not built (make userspace)"; exit 4; }
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 4; }
D=selftests/host/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# check NAME PYTHON-ASSERTIONS -- COMMAND...: the output parses, then
# the assertions (on `doc`) hold.
check() {
	local name=$1 asserts=$2
	shift 3
	if ! "$@" >"$tmp/out" 2>"$tmp/err"; then
		echo "FAIL: $name: exit $?: $(cat "$tmp/err")"
		fail=1
		return
	fi
	if python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
'"$asserts" "$tmp/out" 2>"$tmp/py"; then
		echo "ok: $name"
	else
		echo "FAIL: $name: $(tail -1 "$tmp/py")"
		sed 's/^/    /' "$tmp/out"
		fail=1
	fi
}

check "list --json" '
assert isinstance(doc["available"], list) and doc["available"]
assert isinstance(doc["module"]["loaded"], bool)
' -- $T list --json

check "list --json, module parameters typed" '
p = doc["module"]["params"]
assert doc["module"]["loaded"] is True
assert p["initial_cwnd"] == 1 and p["initial_ssthresh"] == 65536, p
' -- env TCPTEACH_SYS_DIR=$D/sys_tcp_teach $T list --json

# A parameter file that cannot be read (a directory: even root fails).
cp -r $D/sys_tcp_teach "$tmp/sys"
rm "$tmp/sys/parameters/events_size"
mkdir "$tmp/sys/parameters/events_size"
check "list --json, a parameter unreadable" '
p = doc["module"]["params"]
assert p["events_size"] is None and p["initial_cwnd"] == 1, p
' -- env TCPTEACH_SYS_DIR="$tmp/sys" $T list --json

check "show --json" '
assert len(doc) == 3, len(doc)
for s in doc:
    for k in ("cookie", "cwnd", "snd_cwnd", "mss", "rwnd", "srtt_us", "timeouts"):
        assert type(s[k]) is int, (k, s[k])
    assert type(s["algo"]) is str and type(s["local"]) is str
assert doc[0]["ssthresh"] == 24
assert doc[2]["ssthresh"] is None, doc[2]["ssthresh"]
' -- env TCPTEACH_PROC_DIR=$D $T show --json

check "show --json --port (filter, still an array)" '
assert [s["cookie"] for s in doc] == [4098], doc
' -- env TCPTEACH_PROC_DIR=$D $T show --json --port 5201

check "show --json, nothing matches" '
assert doc == [], doc
' -- env TCPTEACH_PROC_DIR=$D $T show --json --port 1

exit $fail
