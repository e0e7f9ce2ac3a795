#!/bin/bash
# Install everything the build, the VM and the tests need, from Debian's
# archive only. Idempotent: a second run finds everything and exits fast.
#
# The guest kernel image is unpacked into a cache instead of being
# installed, so the host never builds an initramfs for it.
set -euo pipefail

CACHE=${TCPTEACH_CACHE:-/var/cache/tcpteach}
. "$(dirname "$0")/kernels.sh"

PKGS=(
	build-essential make gcc clang llvm libclang-rt-14-dev
	qemu-system-x86 busybox-static kmod xz-utils cpio
	iproute2 nftables ethtool iperf3 netcat-openbsd procps
	gnuplot-nox tshark python3 dkms hping3
	linux-source-6.1
	flex bison bc libelf-dev libssl-dev
	linux-perf
	debootstrap dwarves
)

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "install-deps: must run as root (apt-get install); try: sudo $0" >&2
		exit 1
	fi
}

# The headers package that matches the kernel image the VM boots.
meta_abi() {
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
	abi=$(meta_abi)
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

# --- The kernel matrix (selftests/vm/kernels.sh) ---
# 6.1 is the system's own suite, set up above; the others come through a
# private apt configuration under the cache, so the host's apt sources,
# lists and package cache never see those suites.

# The Debian archive the system already uses (TCPTEACH_MIRROR overrides).
archive_url() {
	local url
	url=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null |
		sed -n -e 's/^URIs: *\([^ ]*\).*/\1/p' \
			-e 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) .*/\2/p' |
		grep -v -e security -e '^cdrom' | grep -m1 debian || true)
	echo "${TCPTEACH_MIRROR:-${url:-http://deb.debian.org/debian}}"
}

# private_apt SUITE: APT_OPTS for apt-get/apt-cache seeing only SUITE.
private_apt() {
	local d=$CACHE/apt/$1
	mkdir -p "$d/none" "$d/lists/partial" "$d/cache/archives/partial"
	[ -f "$d/status" ] || : > "$d/status"
	echo "deb $(archive_url) $1 main" > "$d/sources.list"
	APT_OPTS=(-o "Dir::Etc::SourceList=$d/sources.list"
		-o "Dir::Etc::SourceParts=$d/none"
		-o "Dir::Etc::Preferences=$d/none/preferences"
		-o "Dir::Etc::PreferencesParts=$d/none"
		-o "Dir::State::Lists=$d/lists" -o "Dir::State::status=$d/status"
		-o "Dir::Cache=$d/cache" -o "APT::Sandbox::User=root")
}

# deps_of PKG: the packages PKG depends on, one a line.
deps_of() {
	apt-cache "${APT_OPTS[@]}" depends "$1" |
		sed -n 's/^ *|\{0,1\}\(Pre\)\{0,1\}Depends: \([^<>]*\)$/\2/p'
}

# The trixie chroot that builds modules (and runs DKMS) for headers made
# with gcc-14; made again when this list changes.
TRIXIE_PKGS=gcc-14,libc6-dev,make,perl,pahole,libelf1t64,libssl3t64,zlib1g,dkms,kmod,xz-utils
trixie_current() {
	[ "$(cat "$TRIXIE_ROOT/.complete" 2>/dev/null)" = "$TRIXIE_PKGS" ]
}
trixie_chroot() {
	if trixie_current; then
		return 0
	fi
	echo "install-deps: debootstrap trixie (minbase, gcc-14) into $TRIXIE_ROOT"
	rm -rf "$TRIXIE_ROOT"
	debootstrap --variant=minbase \
		--include="$TRIXIE_PKGS" \
		trixie "$TRIXIE_ROOT" "$(archive_url)" > "$CACHE/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$CACHE/debootstrap.log" >&2
		  echo "install-deps: debootstrap trixie failed (log: $CACHE/debootstrap.log)" >&2
		  exit 1; }
	rm -f "$TRIXIE_ROOT"/var/cache/apt/archives/*.deb
	echo "$TRIXIE_PKGS" > "$TRIXIE_ROOT/.complete"
}

# fetch_kernel LABEL: download, unpack and index LABEL's kernel, once.
fetch_kernel() {
	local label=$1 suite builder dir abi p img hdr kdir
	suite=$(kernel_field "$label" 1)
	builder=$(kernel_field "$label" 2)
	dir=$(kernel_dir "$label")
	# A trixie-built kernel's headers live in the chroot: a new chroot
	# needs them again.
	if [ -f "$dir/complete" ] && { [ "$builder" != trixie ] ||
	   { trixie_current && [ -d "$TRIXIE_ROOT$(cat "$dir/kdir")" ]; }; }; then
		echo "install-deps: kernel $label cached ($(cat "$dir/abi"))"
		return 0
	fi
	need_root
	echo "install-deps: kernel $label from $suite"
	private_apt "$suite"
	apt-get "${APT_OPTS[@]}" update -qq
	abi=$(deps_of linux-image-amd64 | sed -n 's/^linux-image-//p' | head -n1)
	if [ -z "$abi" ]; then
		echo "install-deps: no linux-image-amd64 in $suite" >&2
		exit 1
	fi
	# From 7.x linux-image-ABI is itself a metapackage over the
	# kernel (linux-binary), its modules and linux-base-ABI.
	img=("linux-image-$abi")
	hdr=("linux-headers-$abi")
	while read -r p; do
		case "$p" in
		"linux-binary-$abi" | "linux-modules-$abi" | "linux-base-$abi")
			img+=("$p") ;;
		esac
	done < <(deps_of "linux-image-$abi")
	while read -r p; do
		case "$p" in
		linux-headers-*-common | linux-kbuild-* | "linux-base-$abi")
			hdr+=("$p") ;;
		esac
	done < <(deps_of "linux-headers-$abi")
	rm -rf "$dir"
	mkdir -p "$dir/debs"
	(cd "$dir/debs" && apt-get "${APT_OPTS[@]}" download -qq "${img[@]}" "${hdr[@]}")
	for p in "${img[@]}"; do
		dpkg -x "$dir/debs/${p}_"*.deb "$dir/root"
	done
	# trixie and later ship modules in usr/lib/modules, which
	# bookworm's depmod and modprobe do not search.
	if [ -d "$dir/root/usr/lib/modules" ] && [ ! -e "$dir/root/lib/modules" ]; then
		mkdir -p "$dir/root/lib"
		mv "$dir/root/usr/lib/modules" "$dir/root/lib/modules"
	fi
	# boot/vmlinuz-ABI, or from 7.x lib/modules/ABI/vmlinuz.
	p=$(find "$dir/root" -name "vmlinuz-$abi" -o -path "*/modules/$abi/vmlinuz" | head -n1)
	[ -n "$p" ] || { echo "install-deps: no vmlinuz-$abi in ${img[*]}" >&2; exit 1; }
	cp "$p" "$dir/vmlinuz"
	rm -rf "$dir/root/boot" "$dir/root/usr/share/doc"
	depmod -b "$dir/root" "$abi"
	if [ "$builder" = trixie ]; then
		trixie_chroot
		# Unpacked where their Makefiles expect them, in the chroot.
		for p in "${hdr[@]}"; do
			dpkg -x "$dir/debs/${p}_"*.deb "$TRIXIE_ROOT"
		done
		kdir=/usr/src/linux-headers-$abi
	else
		for p in "${hdr[@]}"; do
			dpkg -x "$dir/debs/${p}_"*.deb "$dir/hdr"
		done
		kdir=$dir/hdr/usr/src/linux-headers-$abi
		# The headers' Makefile includes the common part by its
		# installed path.
		sed -i "s|^include /usr/src/|include $dir/hdr/usr/src/|" "$kdir/Makefile"
	fi
	rm -rf "$dir/debs"
	echo "$kdir" > "$dir/kdir"
	echo "$abi" > "$dir/abi"
	touch "$dir/complete"
	echo "install-deps: kernel $label is $abi ($(du -sh "$dir" | cut -f1) in $dir)"
}

# 6.1: the kernel set up above, under the matrix's layout.
k=$(kernel_dir 6.1)
if [ "$(cat "$k/abi" 2>/dev/null)" != "$abi" ] || [ ! -f "$k/complete" ]; then
	rm -rf "$k"
	mkdir -p "$k"
	ln -s "../../vmlinuz-$abi" "$k/vmlinuz"
	ln -s "../../root-$abi" "$k/root"
	echo "/usr/src/linux-headers-$abi" > "$k/kdir"
	echo "$abi" > "$k/abi"
	touch "$k/complete"
fi
for label in $(kernel_labels); do
	[ "$label" = 6.1 ] || fetch_kernel "$label"
done

echo "install-deps: ok (guest kernel $abi, cache $CACHE)"
