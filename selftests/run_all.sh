#!/bin/bash
# Run every test: host unit tests (plain and under ASan+UBSan), static
# checks (checkpatch --strict), and for each kernel of the matrix a
# warning-free W=1 module build, a DKMS build and the kernel-side
# kselftests in one VM boot.  Ends with per-kernel counts and
# "N passed, N failed, N skipped".
#
#   [KERNELS="6.1 7.x"] selftests/run_all.sh [--host-only | --vm-only] [PATTERN...]
#
# PATTERNs (shell globs on test file names) pick tests, e.g. 'cc_*'.
# KERNELS (labels of selftests/vm/kernels.sh) picks kernels; default all.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. selftests/lib/suite.sh
. selftests/vm/kernels.sh

HOST=1
VM=1
while [ $# -gt 0 ]; do
	case "$1" in
	--host-only) VM=0 ;;
	--vm-only) HOST=0 ;;
	-h|--help) sed -n '2,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "run_all: unknown option $1 (see --help)" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done

# shellcheck disable=SC2207
KLIST=($(echo "${KERNELS:-$(kernel_labels)}" | tr ',' ' '))
for k in "${KLIST[@]}"; do
	kernel_check "$k" || exit 2
done

mkdir -p build
LOG=build/test-results.log
: > "$LOG"

want() {
	local name=$1 pat
	[ ${#PATTERNS[@]} -eq 0 ] && return 0
	for pat in "${PATTERNS[@]}"; do
		# shellcheck disable=SC2254
		case "$name" in $pat) return 0 ;; esac
	done
	return 1
}
PATTERNS=("$@")

host_suite() {
	local t name
	for t in build/tests/test_* build/tests-san/test_*; do
		[ -x "$t" ] || continue
		want "$(basename "$t")" || continue
		name=${t#build/}
		run_tap "$name" "$t"
	done
	for t in selftests/host/*.sh; do
		[ -f "$t" ] || continue
		want "$(basename "$t")" || continue
		run_exit "host/$(basename "$t")" bash "$t"
	done
	if want checkpatch; then
		run_exit "checkpatch --strict kmod/" selftests/check-style.sh
	fi
	if want fuzz; then
		run_exit "fuzz: segment parser and state machine (short run)" make -s fuzz
	fi
}

# Results of one kernel carry its label: "RESULT pass [6.12] kernel/...".
label_results() {
	sed -u "s/^RESULT \([a-z]*\) /RESULT \1 [$1] /"
}

kernel_suite() {
	local k=$1 rc
	shift
	if [ "$HOST" = 1 ] && want module-build; then
		run_exit "module builds with W=1 and no warning" \
			selftests/check-build.sh "$k" | label_results "$k"
	fi
	if [ "$HOST" = 1 ] && want dkms; then
		run_exit "dkms add, build and install" \
			selftests/check-dkms.sh "$k" | label_results "$k"
	fi
	[ "$VM" = 1 ] || return 0
	echo "=== VM: kselftests on $k ($(kernel_abi "$k"))"
	if ! selftests/vm/build-module.sh "$k" -s >/dev/null; then
		suite_result fail "[$k] vm: tcp_teach.ko does not build"
		return
	fi
	# run-kselftests.sh always exits 0 (its results are RESULT lines), so
	# a failing run-vm.sh means the guest kernel warned, oopsed, was
	# tainted, died or timed out.
	selftests/vm/run-vm.sh --kernel "$k" -- selftests/vm/run-kselftests.sh "$@" |
		label_results "$k"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 0 ]; then
		suite_result pass "[$k] vm: kernel stayed healthy (no warning, oops, taint)"
	else
		suite_result fail "[$k] vm: run-vm.sh failed (exit $rc); see its message above"
	fi
	# The interactive guest shell (make shell), once: on the first kernel.
	if [ "$k" = "${KLIST[0]}" ] && want vm-shell; then
		run_exit "vm: make shell typed at through a terminal" \
			selftests/vm/test-shell.py --kernel "$k" | label_results "$k"
	fi
}

# How long each part took, for the summary ("TIME part seconds").
timed() {
	local part=$1 start=$SECONDS
	shift
	"$@"
	echo "TIME $part $((SECONDS - start))"
}

{
	[ "$HOST" = 1 ] && timed host host_suite
	for k in "${KLIST[@]}"; do
		timed "$k" kernel_suite "$k" "$@"
	done
} 2>&1 | tee -a "$LOG"

pass=$(grep -acE '^RESULT pass' "$LOG")
fail=$(grep -acE '^RESULT fail' "$LOG")
skip=$(grep -acE '^RESULT skip' "$LOG")
if [ "$fail" -gt 0 ]; then
	echo
	echo "Failed:"
	grep -aE '^RESULT fail' "$LOG" | sed 's/^RESULT fail /  /'
fi
for k in "${KLIST[@]}"; do
	echo "kernel $k ($(kernel_abi "$k")):" \
		"$(grep -acF "RESULT pass [$k] " "$LOG") passed," \
		"$(grep -acF "RESULT fail [$k] " "$LOG") failed," \
		"$(grep -acF "RESULT skip [$k] " "$LOG") skipped" \
		"in $(sed -n "s/^TIME $k //p" "$LOG")s"
done
[ "$HOST" = 1 ] && echo "host tests in $(sed -n 's/^TIME host //p' "$LOG")s"
if [ $((pass + fail)) -eq 0 ]; then
	echo "run_all: no test ran" >&2
	fail=1
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
