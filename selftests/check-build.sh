#!/bin/bash
# The module must build with no compiler warning at all (W=1 included),
# for one kernel of the matrix (selftests/vm/kernels.sh; default 6.1).
#
#   selftests/check-build.sh [LABEL]
cd "$(dirname "$0")/.." || exit 1
label=${1:-6.1}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# A full rebuild: warnings of objects that are up to date are not printed.
rm -rf "build/kernels/$label"
if ! selftests/vm/build-module.sh "$label" -s W=1 >"$log" 2>&1; then
	cat "$log"
	echo "module build for $label failed"
	exit 1
fi
if grep -i 'warning' "$log"; then
	echo "module build for $label printed warnings (above)"
	exit 1
fi
echo "tcp_teach.ko for $label built with W=1 and no warnings"
