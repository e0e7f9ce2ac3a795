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
kernel_ready "$label" build-module || exit 1
kdir=$(cat "$(kernel_dir "$label")/kdir")
out=$REPO/build/kernels/$label
mkdir -p "$out/kmod"
# -p keeps the times, so an unchanged file is not rebuilt.
cp -p "$REPO/Kbuild" "$out/"
cp -p "$REPO"/kmod/*.c "$REPO"/kmod/*.h "$out/kmod/"

# Headers made with a compiler this machine lacks (5.10's gcc-10) build
# with the host's gcc-12; the trixie chroot has the gcc-14 they need.
args=()
want=$(sed -n 's/^CC = .*)\(gcc-[0-9]*\)$/\1/p' "$kdir/.kernelvariables" 2>/dev/null || true)
if [ "$(kernel_field "$label" 2)" = host ] && [ -n "$want" ] &&
   ! command -v "x86_64-linux-gnu-$want" >/dev/null; then
	args=(CC=gcc)
fi
in_builder "$label" "$out" make -C "$kdir" M="$out" "${args[@]}" "$@" modules
