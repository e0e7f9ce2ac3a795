#!/bin/bash
# Build a small x86_64 debug kernel from Debian's linux-source-6.1 with the
# checkers the kernel community trusts: KASAN, lockdep (PROVE_LOCKING),
# kmemleak, DEBUG_ATOMIC_SLEEP, UBSAN and KFENCE, plus everything the test
# VM needs built in (virtio, 9p, overlayfs, veth, netem, tbf, tun,
# nftables, tracefs).  The tree doubles as KDIR for building tcp_teach.ko
# against it.  Output is cached: a second run with the same source and
# config is a no-op.
#
#   selftests/vm/build-debug-kernel.sh
#       -> $CACHE/debug/bzImage, $CACHE/debug/root (modules), KDIR $CACHE/debug/src
set -euo pipefail

CACHE=${TCPTEACH_CACHE:-/var/cache/tcpteach}
OUT=$CACHE/debug
SRC_TAR=/usr/src/linux-source-6.1.tar.xz
JOBS=${JOBS:-$(nproc)}
HERE=$(cd "$(dirname "$0")" && pwd)

[ -f "$SRC_TAR" ] || { echo "build-debug-kernel: $SRC_TAR missing; run 'make deps'" >&2; exit 1; }
for p in flex bison bc libelf-dev libssl-dev; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || {
		echo "build-debug-kernel: package $p missing; run 'make deps'" >&2
		exit 1
	}
done

stamp="$(stat -c %Y "$SRC_TAR")-$(sha256sum "$HERE/debug-kernel.config" | cut -c1-16)"
if [ -f "$OUT/bzImage" ] && [ "$(cat "$OUT/stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "build-debug-kernel: cached ($OUT/bzImage)"
	exit 0
fi

mkdir -p "$OUT"
if [ ! -f "$OUT/src/Makefile" ]; then
	echo "build-debug-kernel: extracting the source"
	rm -rf "$OUT/src"
	mkdir -p "$OUT/src"
	tar -xJf "$SRC_TAR" -C "$OUT/src" --strip-components=1
fi
cd "$OUT/src"
make -s x86_64_defconfig
./scripts/kconfig/merge_config.sh -m .config "$HERE/debug-kernel.config" >/dev/null
make -s olddefconfig
# merge_config warns about options olddefconfig dropped; fail if one of
# ours did not stick (set, or left unset), so the kernel is what this
# script says it is.
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qx "$line" .config ||
			{ echo "build-debug-kernel: $line did not stick" >&2; exit 1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		! grep -q "^$opt=" .config ||
			{ echo "build-debug-kernel: $opt is set, the fragment says not" >&2; exit 1; } ;;
	esac
done < "$HERE/debug-kernel.config"
start=$(date +%s)
make -s -j"$JOBS" bzImage modules
make -s modules_prepare
echo "build-debug-kernel: built in $(( $(date +%s) - start ))s"
cp arch/x86/boot/bzImage "$OUT/bzImage"
make -s kernelrelease > "$OUT/kernelrelease"
rm -rf "$OUT/root"
make -s modules_install INSTALL_MOD_PATH="$OUT/root"
echo "$stamp" > "$OUT/stamp"
echo "build-debug-kernel: ok ($OUT/bzImage, KDIR=$OUT/src)"
