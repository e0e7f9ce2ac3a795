#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The benchmark suite (issue 6), run INSIDE the test VM by `make bench`:
#
#   selftests/bench/run.sh [--quick] [--out DIR] [--parts LIST] [-- ARGS]
#
#   --quick       smoke run of a few minutes (fewer cells, 1 repetition)
#   --out DIR     where CSVs, results.md and figures go
#                 (default docs/bench, or build/bench-quick with --quick)
#   --parts LIST  comma list of matrix,obscost,ttp,profile,fct,tun (default: all)
#   -- ARGS       passed to every bench.py part (e.g. --reps 5 --secs 20)
#
# Starts each part it runs from an empty CSV in DIR (other parts' results
# stay), writes every run as it ends, then report.py writes
# DIR/results.md and the SVG figures.
set -uo pipefail

ARGS="$*"
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
QUICK=0
OUT=
PARTS=matrix,obscost,ttp,profile,fct,tun
EXTRA=()
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) QUICK=1 ;;
	--out) OUT=$2; shift ;;
	--parts) PARTS=$2; shift ;;
	--) shift; EXTRA=("$@"); break ;;
	-h|--help) sed -n '3,17s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "bench: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$OUT" ] || { [ $QUICK = 1 ] && OUT=$REPO/build/bench-quick || OUT=$REPO/docs/bench; }
case "$OUT" in /*) ;; *) OUT=$REPO/$OUT ;; esac
if [ "$(id -u)" != 0 ] || [ ! -d /proc/net ] || ! command -v iperf3 >/dev/null; then
	echo "bench: run me as root inside the VM: make bench (needs iperf3)" >&2
	exit 2
fi
mkdir -p "$OUT"
for part in ${PARTS//,/ }; do
	case "$part" in
	matrix) rm -f "$OUT/runs.csv" ;;
	obscost | ttp | fct) rm -f "$OUT/$part.csv" ;;
	tun) rm -f "$OUT/tun.csv" "$OUT/tun.md" ;;
	profile) rm -f "$OUT"/profile-*.txt ;;
	*) echo "bench: unknown part $part (matrix,obscost,ttp,profile,fct,tun)" >&2; exit 2 ;;
	esac
done
rm -f "$OUT"/*.svg "$OUT/results.md"

# Several client processes and many sockets (part 4 opens 2 x 10,000).
ulimit -n 65536

Q=()
[ $QUICK = 1 ] && Q=(--quick)
{
	echo "date        $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "kernel      $(uname -r) (guest), qemu TCG, no KVM"
	echo "cpus        $(nproc) vCPU ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo))"
	echo "clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
	echo "command     selftests/bench/run.sh $ARGS  (make bench${ARGS:+ BENCH_ARGS=\"$ARGS\"})"
	echo "tools       $(iperf3 --version | head -1), $(tc -V)"
	echo "module      $(if [ -d /sys/module/tcp_teach ]; then echo "tcp_teach loaded ($(cat /proc/sys/net/ipv4/tcp_available_congestion_control))"; else echo 'tcp_teach NOT loaded'; fi)"
} > "$OUT/meta.txt"
cat "$OUT/meta.txt" >&2

rc=0
start=$(date +%s)
for part in ${PARTS//,/ }; do
	echo "bench: --- $part ($(( $(date +%s) - start ))s) ---" >&2
	if [ "$part" = tun ]; then	# ttp over TUN vs veth (issue 16)
		"$HERE/tun.sh" --out "$OUT" "${Q[@]}" ||
			{ echo "bench: part tun failed" >&2; rc=1; }
		continue
	fi
	python3 "$HERE/bench.py" "$part" --out "$OUT" "${Q[@]}" "${EXTRA[@]}" ||
		{ echo "bench: part $part failed" >&2; rc=1; }
done
echo "elapsed     $(( $(date +%s) - start ))s" >> "$OUT/meta.txt"
python3 "$HERE/report.py" "$OUT" || rc=1
# Part tun writes its own table (tun.sh); the report carries it.
if [ -f "$OUT/tun.md" ] && [[ ,$PARTS, == *,tun,* ]]; then
	printf '\n## ttp over TUN against kernel TCP over veth (issue 16)\n\n' >>"$OUT/results.md"
	cat "$OUT/tun.md" >>"$OUT/results.md"
fi
echo "bench: done in $(( $(date +%s) - start ))s; results in $OUT/results.md" >&2
exit $rc
