#!/bin/bash
# Inside the VM: run every kernel-side kselftest (build/kselftests/* and
# selftests/kernel/*.sh), one "RESULT" line each for run_all.sh.
# Optional arguments: name patterns (shell globs) to run only some tests.
cd "$(dirname "$0")/../.." || exit 1
. selftests/lib/suite.sh

want() {
	local name=$1 pat
	[ $# -eq 1 ] && return 0
	shift
	for pat in "$@"; do
		# shellcheck disable=SC2254
		case "$name" in $pat) return 0 ;; esac
	done
	return 1
}

for t in build/kselftests/* selftests/kernel/*.sh; do
	[ -e "$t" ] || continue
	[ -x "$t" ] || [ "${t%.sh}" != "$t" ] || continue
	name=kernel/$(basename "$t")
	want "$(basename "$t")" "$@" || continue
	t0=$SECONDS
	run_any "$name" "$t"
	# the suite has a time budget (README): say where it goes
	echo "# $name took $((SECONDS - t0)) s"
	# Every test finds the module loaded: one that unloads it must load
	# it again, or it fails here and the tests after it still run.
	if ! grep -q '^tcp_teach ' /proc/modules; then
		suite_result fail "$name: left tcp_teach unloaded"
		modprobe tcp_teach
	fi
done
exit 0
