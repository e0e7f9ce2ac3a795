#!/bin/bash
# Run every test: host unit tests (plain and under ASan+UBSan), static
# checks (checkpatch --strict, a warning-free module build), and the
# kernel-side kselftests in one VM boot.  Ends with "N passed, N failed".
#
#   selftests/run_all.sh [--host-only | --vm-only] [PATTERN...]
#
# PATTERNs (shell globs on test file names) pick tests, e.g. 'cc_*'.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. selftests/lib/suite.sh

HOST=1
VM=1
while [ $# -gt 0 ]; do
	case "$1" in
	--host-only) VM=0 ;;
	--vm-only) HOST=0 ;;
	-h|--help) sed -n '2,8s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "run_all: unknown option $1 (see --help)" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
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
	if want module-build; then
		run_exit "module builds without warnings" selftests/check-build.sh
	fi
}

vm_suite() {
	local rc
	echo "=== VM: kselftests"
	# run-kselftests.sh always exits 0 (its results are RESULT lines), so
	# a failing run-vm.sh means the guest kernel warned, oopsed, was
	# tainted, died or timed out.
	selftests/vm/run-vm.sh -- selftests/vm/run-kselftests.sh "$@"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		suite_result pass "vm: kernel stayed healthy (no warning, oops, taint)"
	else
		suite_result fail "vm: run-vm.sh failed (exit $rc); see its message above"
	fi
}

{
	[ "$HOST" = 1 ] && host_suite
	[ "$VM" = 1 ] && vm_suite "$@"
} 2>&1 | tee -a "$LOG"

pass=$(grep -acE '^RESULT pass' "$LOG")
fail=$(grep -acE '^RESULT fail' "$LOG")
skip=$(grep -acE '^RESULT skip' "$LOG")
if [ "$fail" -gt 0 ]; then
	echo
	echo "Failed:"
	grep -aE '^RESULT fail' "$LOG" | sed 's/^RESULT fail /  /'
fi
if [ $((pass + fail)) -eq 0 ]; then
	echo "run_all: no test ran" >&2
	fail=1
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
