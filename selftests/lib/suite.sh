# shellcheck shell=bash
# Run tests and report each as one line "RESULT pass|fail|skip NAME".
# Sourced by selftests/run_all.sh (host) and selftests/vm/run-kselftests.sh
# (guest).  Two kinds of test:
#  - kselftest_harness.h programs: TAP; every "ok"/"not ok" line is a
#    result, "# SKIP" marks a skip, and results the plan promised but the
#    program never printed (it crashed) count as failures;
#  - shell tests: one result from the exit code (0 pass, 4 skip, else fail).

SUITE_TIMEOUT=${SUITE_TIMEOUT:-900}

suite_result() {
	echo "RESULT $1 $2"
}

# run_tap NAME CMD...
run_tap() {
	local name=$1 out rc plan=0 seen=0 failed=0 line
	shift
	out=$(mktemp)
	echo "=== $name"
	timeout -k 5 "$SUITE_TIMEOUT" "$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	while IFS= read -r line; do
		case "$line" in
		1..*) plan=${line#1..}; plan=${plan%% *} ;;
		"not ok "*)
			seen=$((seen + 1)); failed=$((failed + 1))
			suite_result fail "$name: ${line#not ok }" ;;
		"ok "*"# SKIP"*)
			seen=$((seen + 1))
			suite_result skip "$name: ${line#ok }" ;;
		"ok "*)
			seen=$((seen + 1))
			suite_result pass "$name: ${line#ok }" ;;
		esac
	done < <(grep -E '^(1\.\.[0-9]+|(not )?ok [0-9]+)' "$out")
	rm -f "$out"
	if [ "$seen" -lt "$plan" ]; then
		suite_result fail "$name: $((plan - seen)) planned tests never ran (exit $rc)"
	elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && [ "$rc" -ne 4 ]; then
		suite_result fail "$name: exit status $rc"
	elif [ "$seen" -eq 0 ] && [ "$rc" -eq 0 ]; then
		suite_result fail "$name: printed no TAP results"
	fi
}

# run_exit NAME CMD...
run_exit() {
	local name=$1 rc
	shift
	echo "=== $name"
	timeout -k 5 "$SUITE_TIMEOUT" "$@" 2>&1
	rc=$?
	case $rc in
	0) suite_result pass "$name" ;;
	4) suite_result skip "$name" ;;
	*) suite_result fail "$name (exit $rc)" ;;
	esac
}

# run_any NAME PATH: TAP for programs, exit code for *.sh
run_any() {
	case "$2" in
	*.sh) run_exit "$1" bash "$2" ;;
	*) run_tap "$1" "$2" ;;
	esac
}
