#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The docs' own example over loopback UDP: `ttp send FILE HOST:PORT
# --cc reno --trace run.csv` (options after the arguments) copies the
# file, and the default MSS keeps the slides' 64 kB ssthresh at 45
# segments, so the trace shows slow start (with 32000-byte segments it
# was 2).  Exit 0 pass, 1 fail, 4 skip.
set -u
cd "$(dirname "$0")/../.." || exit 1
T=$PWD/build/tcpteach
[ -x "$T" ] || { echo "SKIP: build/tcpteach not built (make userspace)"; exit 4; }
W=$(mktemp -d)
RP=
cleanup() { [ -n "$RP" ] && kill "$RP" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
head -c 300000 /dev/urandom >"$W/file.bin"
port=$((20000 + $$ % 20000))
"$T" ttp recv --port $port -o "$W/copy.bin" --timeout 30 2>"$W/recv.err" & RP=$!
# the receiver says when it listens
for _ in $(seq 100); do grep -q listening "$W/recv.err" && break; sleep 0.1; done
grep -q listening "$W/recv.err" || fail "receiver did not start: $(cat "$W/recv.err")"
(cd "$W" && "$T" ttp send file.bin 127.0.0.1:$port --cc reno --trace run.csv) \
	2>"$W/send.err" || fail "send exited $?: $(cat "$W/send.err")"
wait $RP || fail "recv exited $?: $(cat "$W/recv.err")"
RP=
cmp -s "$W/file.bin" "$W/copy.bin" || fail "the copy differs"
init=$(grep -m1 ',init,' "$W/run.csv")
echo "first row: $init"
IFS=, read -r _ _ _ _ _ cwnd ssthresh _ _ _ mss _ <<<"$init"
[ "$mss" = 1452 ] || fail "default MSS $mss, expected 1452"
[ "$ssthresh" = 45 ] || fail "ssthresh $ssthresh segments, expected 45 (65536/1452)"
# how far slow start got depends on how ACKs batch on a busy host; with
# ssthresh 2 it could never pass 2
top=$(awk -F, '$4 == "slow_start" && $6 > m { m = $6 } END { print m + 0 }' "$W/run.csv")
echo "slow start reached cwnd $top"
[ "$top" -ge 4 ] || fail "slow start reached only cwnd $top"
echo PASS
