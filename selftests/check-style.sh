#!/bin/bash
# checkpatch.pl --strict (from linux-source-6.1) on every kernel source.
cd "$(dirname "$0")/.." || exit 1
KSRC=${KSRC:-/var/cache/tcpteach/linux-source-6.1}
cp=$KSRC/scripts/checkpatch.pl
[ -x "$cp" ] || { echo "checkpatch.pl missing at $cp; run 'make deps'"; exit 1; }
out=$("$cp" --strict --no-tree --terse --show-types -f kmod/*.c kmod/*.h 2>&1)
if [ -n "$out" ]; then
	echo "$out"
	exit 1
fi
echo "checkpatch --strict: kmod/*.c kmod/*.h clean"
