#!/bin/bash
# Install everything the build, the VM and the tests need, from Debian's
# archive only. Idempotent: a second run finds everything and exits fast.
#
# The guest kernel image is unpacked into a cache instead of being
# installed, so the host never builds an initramfs for it.
set -euo pipefail

CACHE=${TCPTEACH_CACHE:-/var/cache/tcpteach}

PKGS=(
	build-essential make gcc clang llvm libclang-rt-14-dev
	qemu-system-x86 busybox-static kmod xz-utils cpio
	iproute2 nftables ethtool iperf3 netcat-openbsd procps
	gnuplot-nox tshark python3 dkms
	linux-source-6.1
	flex bison bc libelf-dev libssl-dev
	linux-perf
)

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "install-deps: must run as root (apt-get install); try: sudo $0" >&2
		exit 1
	fi
}

# The headers package that matches the kernel image the VM boots.
kernel_abi() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\(.*\)$/\1/p' | head -n1
}

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done

abi=""
if [ -f "$CACHE/kernel-abi" ]; then
	abi=$(cat "$CACHE/kernel-abi")
fi

if [ ${#missing[@]} -gt 0 ] || [ -z "$abi" ] ||
   [ ! -d "/usr/src/linux-headers-$abi" ] || [ ! -f "$CACHE/vmlinuz-$abi" ]; then
	need_root
	export DEBIAN_FRONTEND=noninteractive
	echo "install-deps: apt-get update"
	apt-get update -qq
	abi=$(kernel_abi)
	if [ -z "$abi" ]; then
		echo "install-deps: cannot resolve linux-image-amd64 in the apt lists" >&2
		exit 1
	fi
	# tshark asks whether non-root users may capture; answer no.
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections
	echo "install-deps: installing ${missing[*]} linux-headers-$abi"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" \
		"linux-headers-$abi" >/dev/null

	# The guest kernel and its modules, unpacked, not installed.
	mkdir -p "$CACHE"
	tmp=$(mktemp -d)
	chmod 755 "$tmp"  # apt downloads as _apt
	(cd "$tmp" && apt-get download -qq "linux-image-$abi")
	rm -rf "$CACHE/root-$abi"
	dpkg -x "$tmp"/linux-image-"$abi"_*.deb "$CACHE/root-$abi"
	rm -rf "$tmp"
	cp "$CACHE/root-$abi/boot/vmlinuz-$abi" "$CACHE/vmlinuz-$abi"
	# The guest's modprobe (run with -d) needs modules.dep.
	depmod -b "$CACHE/root-$abi" "$abi"
	echo "$abi" > "$CACHE/kernel-abi"
fi

# kselftest headers and checkpatch come from the linux-source tarball.
src=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null || true)
if [ -z "$src" ]; then
	echo "install-deps: /usr/src/linux-source-6.1.tar.xz missing" >&2
	exit 1
fi
ksrc="$CACHE/linux-source-6.1"
if [ ! -f "$ksrc/.extracted" ] || [ "$src" -nt "$ksrc/.extracted" ]; then
	rm -rf "$ksrc"
	mkdir -p "$ksrc"
	tar -xJf "$src" -C "$ksrc" --strip-components=1 \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	touch "$ksrc/.extracted"
fi

echo "install-deps: ok (guest kernel $abi, cache $CACHE)"
