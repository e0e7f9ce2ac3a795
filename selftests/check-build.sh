#!/bin/bash
# The module must build with no compiler warning at all (W=1 included).
cd "$(dirname "$0")/.." || exit 1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rm -f kmod/*.o tcp_teach.o tcp_teach.mod.o tcp_teach.ko
if ! make -s module W=1 >"$log" 2>&1; then
	cat "$log"
	echo "module build failed"
	exit 1
fi
if grep -i 'warning' "$log"; then
	echo "module build printed warnings (above)"
	exit 1
fi
echo "tcp_teach.ko built with W=1 and no warnings"
