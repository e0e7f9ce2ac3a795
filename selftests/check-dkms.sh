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
dir=$(kernel_dir "$label")
if [ ! -f "$dir/complete" ]; then
	echo "check-dkms: kernel $label is not in $KCACHE; run 'make deps' first" >&2
	exit 1
fi
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

# The builder of 7.x is the trixie chroot: its own dkms and gcc-14, with
# the private trees mounted at the same path.
run() {
	if [ "$(kernel_field "$label" 2)" = trixie ]; then
		# shellcheck disable=SC2016
		unshare -m /bin/sh -c 'mkdir -p "$1$2" && mount --bind "$2" "$1$2" &&
			mount -t proc proc "$1/proc" && root=$1 && shift 2 &&
			exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
			LANG=C.UTF-8 mok_signing_key="$mok_signing_key" \
			mok_certificate="$mok_certificate" chroot "$root" "$@"' \
			sh "$TRIXIE_ROOT" "$t" "$@"
	else
		"$@"
	fi
}

export mok_signing_key=$t/mok.key mok_certificate=$t/mok.pub
dk=(dkms --dkmstree "$t/tree" --sourcetree "$t/src" --installtree "$t/install")
log=$t/dkms.log
step() {
	echo "+ dkms $*" >> "$log"
	if ! run "${dk[@]}" "$@" >> "$log" 2>&1; then
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
