#!/bin/bash
# DKMS for one kernel of the matrix (selftests/vm/kernels.sh): dkms add,
# build and install tcp_teach against that kernel's headers, in private
# DKMS trees under build/dkms/LABEL (the system's /usr/src, /var/lib/dkms
# and /lib/modules are not touched), signed with a throwaway MOK key made
# there; the module's version must be dkms.conf's PACKAGE_VERSION.
#
#   selftests/check-dkms.sh [LABEL]
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/selftests/vm/kernels.sh"
label=${1:-$KERNEL_DEFAULT}
kernel_check "$label" || exit 2
kernel_ready "$label" check-dkms || exit 1
dir=$(kernel_dir "$label")
abi=$(cat "$dir/abi")
kdir=$(cat "$dir/kdir")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$REPO/dkms.conf")
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$REPO/dkms.conf")

# What `dkms add .` would copy: the module's sources and its build files.
t=$REPO/build/dkms/$label
rm -rf "$t"
src=$t/src/$name-$ver
# dkms install refuses a kernel without its modules directory.
mkdir -p "$src/kmod" "$t/tree" "$t/install/$abi"
cp "$REPO/Makefile" "$REPO/Kbuild" "$REPO/dkms.conf" "$src/"
cp "$REPO"/kmod/*.c "$REPO"/kmod/*.h "$src/kmod/"

# 7.x runs trixie's dkms in the chroot.
dk=(mok_signing_key="$t/mok.key" mok_certificate="$t/mok.pub"
    dkms --dkmstree "$t/tree" --sourcetree "$t/src" --installtree "$t/install")
log=$t/dkms.log
step() {
	echo "+ dkms $*" >> "$log"
	if ! in_builder "$label" "$t" "${dk[@]}" "$@" >> "$log" 2>&1; then
		cat "$log"
		echo "check-dkms: dkms $1 failed for $label ($abi)"
		exit 1
	fi
}
step add -m "$name" -v "$ver"
step build -m "$name" -v "$ver" -k "$abi" --kernelsourcedir "$kdir"
step install -m "$name" -v "$ver" -k "$abi" --kernelsourcedir "$kdir" --no-depmod
ko=$(find "$t/install/$abi" -name "$name.ko*" | head -n1)
if [ -z "$ko" ]; then
	cat "$log"
	echo "check-dkms: dkms install put no $name.ko under $t/install/$abi"
	exit 1
fi
case "$ko" in
*.xz) xz -dc "$ko" > "$t/$name.ko" ;;
*.zst) zstd -qdc "$ko" > "$t/$name.ko" ;;
*) cp "$ko" "$t/$name.ko" ;;
esac
got=$(modinfo -F version "$t/$name.ko")
if [ "$got" != "$ver" ]; then
	echo "check-dkms: the module says version '$got', dkms.conf '$ver'"
	exit 1
fi
echo "dkms built and installed $name $ver for $label ($abi); signer: $(modinfo -F signer "$t/$name.ko")"
