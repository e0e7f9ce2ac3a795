#!/bin/bash
# Build tcp_teach.ko for one kernel of the matrix (selftests/vm/kernels.sh)
# into build/kernels/LABEL/, from a copy of the sources, so builds for
# different kernels never share objects.
#
#   selftests/vm/build-module.sh LABEL [MAKE ARGS...]    e.g. 7.x W=1
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
. "$REPO/selftests/vm/kernels.sh"

if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
	sed -n '2,6s/^# \{0,1\}//p' "$0"
	exit 2
fi
label=$1
shift
kernel_check "$label" || exit 2
dir=$(kernel_dir "$label")
if [ ! -f "$dir/complete" ]; then
	echo "build-module: kernel $label is not in $KCACHE; run 'make deps' first" >&2
	exit 1
fi
kdir=$(cat "$dir/kdir")
out=$REPO/build/kernels/$label
mkdir -p "$out/kmod"
# -p keeps the times, so an unchanged file is not rebuilt.
cp -p "$REPO/Kbuild" "$out/"
cp -p "$REPO"/kmod/*.c "$REPO"/kmod/*.h "$out/kmod/"

case $(kernel_field "$label" 2) in
host)
	# Headers made with a compiler this machine lacks (5.10's gcc-10)
	# build with the host's gcc-12.
	args=()
	want=$(sed -n 's/^CC = .*)\(gcc-[0-9]*\)$/\1/p' "$kdir/.kernelvariables" 2>/dev/null)
	if [ -n "$want" ] && ! command -v "x86_64-linux-gnu-$want" >/dev/null; then
		args=(CC=gcc)
	fi
	make -C "$kdir" M="$out" "${args[@]}" "$@" modules
	;;
trixie)
	if [ ! -f "$TRIXIE_ROOT/.complete" ]; then
		echo "build-module: no trixie chroot in $TRIXIE_ROOT; run 'make deps' first" >&2
		exit 1
	fi
	# The output directory appears at the same path inside the chroot;
	# the mounts live only as long as this private mount namespace.
	# shellcheck disable=SC2016
	# 7.x's objtool reads /proc/self.
	unshare -m /bin/sh -c 'mkdir -p "$1$2" && mount --bind "$2" "$1$2" &&
		mount -t proc proc "$1/proc" &&
		root=$1 && shift && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 chroot "$root" make -C "$2" M="$1" "$@" modules' \
		sh "$TRIXIE_ROOT" "$out" "$kdir" "$@"
	;;
esac
