# shellcheck shell=bash
# The kernel matrix: which kernels tcp_teach.ko is built and tested
# against, and where install-deps.sh caches each one.  Sourced by
# install-deps.sh, build-module.sh, run-vm.sh and run_all.sh.
#
# One line per kernel: LABEL SUITE BUILDER.  The kernel is whatever the
# suite's linux-image-amd64 metapackage depends on when install-deps.sh
# runs (Debian drops superseded kernel packages, so no ABI is pinned).
# BUILDER "host" builds with this machine's gcc-12; "trixie" in a trixie
# chroot (gcc-14), for headers whose flags and objtool gcc-12 and
# bookworm's glibc cannot handle.
KERNEL_MATRIX=(
	"5.10 bullseye host"
	"6.1 bookworm host"
	"6.12 bookworm-backports host"
	"7.x trixie-backports trixie"
)
# shellcheck disable=SC2034  # used by the scripts that source this
# The kernel a bare `make` and `run-vm.sh` without --kernel use.
KERNEL_DEFAULT=6.1

KCACHE=${TCPTEACH_CACHE:-/var/cache/tcpteach}
# shellcheck disable=SC2034
# The trixie build chroot (debootstrap minbase + gcc-14).
TRIXIE_ROOT=$KCACHE/chroot-trixie

kernel_labels() {
	local line
	for line in "${KERNEL_MATRIX[@]}"; do
		echo "${line%% *}"
	done
}

# kernel_field LABEL N: field N (1 = suite, 2 = builder) of LABEL's line;
# fails for a label that is not in the matrix.
kernel_field() {
	local line f
	for line in "${KERNEL_MATRIX[@]}"; do
		read -r -a f <<< "$line"
		if [ "${f[0]}" = "$1" ]; then
			echo "${f[$2]}"
			return 0
		fi
	done
	return 1
}

# kernel_check LABEL: a clear error for a label outside the matrix.
kernel_check() {
	if ! kernel_field "$1" 1 >/dev/null; then
		echo "unknown kernel '$1': the matrix has $(kernel_labels | tr '\n' ' ')(see selftests/vm/kernels.sh)" >&2
		return 1
	fi
}

# The cached kernel of LABEL: $KCACHE/kernels/LABEL/ holds
#   abi      the kernel release (e.g. 6.12.95+deb12-amd64)
#   vmlinuz  the kernel image
#   root/    the unpacked image and modules packages (lib/modules/ABI)
#   kdir     the headers' directory (inside the chroot for "trixie")
kernel_dir() {
	echo "$KCACHE/kernels/$1"
}

kernel_abi() {
	cat "$(kernel_dir "$1")/abi" 2>/dev/null
}

# kernel_ready LABEL WHO: LABEL is cached (and its builder made), or an
# error that names the fix, prefixed with WHO.
kernel_ready() {
	if [ ! -f "$(kernel_dir "$1")/complete" ]; then
		echo "$2: kernel $1 is not in $KCACHE; run 'make deps' first" >&2
		return 1
	fi
	if [ "$(kernel_field "$1" 2)" = trixie ] && [ ! -f "$TRIXIE_ROOT/.complete" ]; then
		echo "$2: no trixie chroot in $TRIXIE_ROOT; run 'make deps' first" >&2
		return 1
	fi
}

# in_builder LABEL DIR [NAME=VALUE...] CMD...: run CMD where LABEL's
# modules are built, with only PATH, HOME, LANG and the NAME=VALUEs in its
# environment: here, or in the trixie chroot with DIR (read-write) and
# /proc (7.x's objtool reads it) mounted at the same paths, mounts that
# live only as long as a private mount namespace.
in_builder() {
	local label=$1 dir=$2
	shift 2
	set -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
	if [ "$(kernel_field "$label" 2)" != trixie ]; then
		"$@"
		return
	fi
	# shellcheck disable=SC2016
	unshare -m /bin/sh -c 'mkdir -p "$1$2" && mount --bind "$2" "$1$2" &&
		mount -t proc proc "$1/proc" && root=$1 && shift 2 &&
		exec chroot "$root" "$@"' sh "$TRIXIE_ROOT" "$dir" "$@"
}
