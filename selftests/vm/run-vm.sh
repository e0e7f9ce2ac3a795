#!/bin/bash
# Boot Debian's kernel under qemu (no KVM needed), give the guest the
# host's tools and this repository, load tcp_teach.ko, run one command and
# return its exit status.  Fails when the guest kernel warned, oopsed or
# was tainted by anything but the expected out-of-tree/unsigned module.
#
#   selftests/vm/run-vm.sh [--kernel LABEL] [--no-load] [--debug] [--timeout S]
#                          [--mem MB] -- CMD ARGS...
#   selftests/vm/run-vm.sh --shell [--kernel LABEL] [--no-load] ...
#
# --shell (`make shell`) gives an interactive bash in the guest instead of
# a command: on this terminal, with job control (Ctrl-C reaches the
# guest's foreground job, not qemu); `exit` or Ctrl-D powers the VM off.
# --kernel boots another kernel of the matrix (5.10, 6.1, 6.12, 7.x; see
# kernels.sh) with build/kernels/LABEL/tcp_teach.ko ('make module
# KVER=LABEL'); without it, Debian's 6.1 with ./tcp_teach.ko ('make').
# --debug boots the KASAN/lockdep/kmemleak/UBSAN kernel that
# build-debug-kernel.sh made (and build/debug-mod/tcp_teach.ko, built
# against it) and also fails on any kmemleak report after a final scan.
# A guest that has not reached its init within TCPTEACH_VM_BOOT_TIMEOUT
# seconds (300; 900 with --debug) fails the run at once.
#
# The guest's root is an overlay: the host's root file system (9p,
# read-only) below a tmpfs, so tests may write anywhere and nothing leaks
# back to the host; the repository itself is shared read-write at the same
# path, so builds and figures made in the guest are on the host after.
set -euo pipefail
# The whole script is one block, parsed before it runs: editing this file
# while a VM runs must not change what the running copy does.
{
REPO=$(cd "$(dirname "$0")/../.." && pwd)
. "$REPO/selftests/vm/kernels.sh"
CACHE=${TCPTEACH_CACHE:-/var/cache/tcpteach}
LOAD=1
KLABEL=
DEBUG=${TCPTEACH_VM_DEBUG:-0}
TIMEOUT=${TCPTEACH_VM_TIMEOUT:-1500}
BOOT_TIMEOUT=${TCPTEACH_VM_BOOT_TIMEOUT:-}
MEM=2048
SHELL_MODE=0
SMP=${TCPTEACH_VM_SMP:-2}

usage() {
	sed -n '2,23s/^# \{0,1\}//p' "$0"
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--no-load) LOAD=0 ;;
	--debug) DEBUG=1 ;;
	--kernel) KLABEL=$2; kernel_check "$KLABEL" || exit 2; shift ;;
	--timeout) TIMEOUT=$2; shift ;;
	--shell) SHELL_MODE=1 ;;
	--mem) MEM=$2; shift ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) echo "run-vm: unknown option $1 (see --help)" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
if [ "$SHELL_MODE" = 1 ]; then
	[ $# -eq 0 ] || { echo "run-vm: --shell takes no command (run it in the shell, or drop --shell)" >&2; exit 2; }
	[ -t 0 ] && [ -t 1 ] || {
		echo "run-vm: --shell needs a terminal on standard input and output (run it from an interactive terminal; for scripts use 'run-vm.sh -- CMD')" >&2
		exit 2
	}
	# A shell session lasts as long as the user wants, unless told.
	[ -n "${TCPTEACH_VM_TIMEOUT:-}" ] || TIMEOUT=0
	set -- bash -i
fi
[ $# -gt 0 ] || { echo "run-vm: no command given (see --help)" >&2; exit 2; }

if [ "$DEBUG" = 1 ]; then
	KVER=$(cat "$CACHE/debug/kernelrelease" 2>/dev/null || true)
	KROOT=$CACHE/debug/root
	KIMAGE=$CACHE/debug/bzImage
	TEACH_KO=$REPO/build/debug-mod/tcp_teach.ko
	HINT="make check-debug"
elif [ -n "$KLABEL" ]; then
	KVER=$(kernel_abi "$KLABEL" || true)
	KROOT=$(kernel_dir "$KLABEL")/root
	KIMAGE=$(kernel_dir "$KLABEL")/vmlinuz
	TEACH_KO=$REPO/build/kernels/$KLABEL/tcp_teach.ko
	HINT="make module KVER=$KLABEL"
else
	KVER=$(cat "$CACHE/kernel-abi" 2>/dev/null || true)
	KROOT=$CACHE/root-$KVER
	KIMAGE=$CACHE/vmlinuz-$KVER
	TEACH_KO=$REPO/tcp_teach.ko
	HINT="make"
fi
# Booting to init takes ~10 s (Debian's) or ~20 s (debug) on a quiet host,
# several times that on a busy one.
[ -n "$BOOT_TIMEOUT" ] || BOOT_TIMEOUT=$([ "$DEBUG" = 1 ] && echo 900 || echo 300)
if [ -z "$KVER" ] || [ ! -f "$KIMAGE" ]; then
	echo "run-vm: no guest kernel in $CACHE; run 'make deps' (or, for --debug, 'make debug-kernel') first" >&2
	exit 1
fi
if [ "$LOAD" = 1 ] && [ ! -f "$TEACH_KO" ]; then
	echo "run-vm: $TEACH_KO not built; run '$HINT' first" >&2
	exit 1
fi
for tool in qemu-system-x86_64 busybox cpio depmod; do
	command -v "$tool" >/dev/null ||
		{ echo "run-vm: $tool missing; run 'make deps'" >&2; exit 1; }
done

RUN=$REPO/build/vm/runs/$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$RUN"
cp "$REPO/selftests/vm/guest-init.sh" "$RUN/guest-init.sh"
printf '%q ' "$@" > "$RUN/cmd"
echo >> "$RUN/cmd"

# The guest's /lib/modules/$KVER: Debian's modules plus tcp_teach.ko as an
# "extra" module, indexed by depmod so modprobe and autoload by alias work.
MODS=$RUN/modroot/lib/modules/$KVER
mkdir -p "$MODS/extra"
ln -s "$KROOT/lib/modules/$KVER/kernel" "$MODS/kernel"
cp "$KROOT/lib/modules/$KVER"/modules.{order,builtin,builtin.modinfo} "$MODS/"
[ -f "$TEACH_KO" ] && cp "$TEACH_KO" "$MODS/extra/"
depmod -b "$RUN/modroot" "$KVER"

# A busybox initramfs that mounts the shares and switches root into them.
INITRD=$RUN/initramfs
mkdir -p "$INITRD"/{bin,proc,sys,dev,lower,rw,newroot,mods}
: > "$INITRD/mods/order"
cp "$(command -v busybox)" "$INITRD/bin/busybox"
for m in virtio_pci 9pnet_virtio 9p overlay; do
	modprobe -d "$KROOT" -S "$KVER" --show-depends "$m"
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' > "$RUN/initmods"
# Busybox's insmod takes plain .ko files; 6.12 and later ship .ko.xz.
while read -r ko; do
	name=$(basename "$ko")
	case "$ko" in
	*.xz) name=${name%.xz}; xz -dc "$ko" > "$INITRD/mods/$name" ;;
	*.zst) name=${name%.zst}; zstd -qdc "$ko" > "$INITRD/mods/$name" ;;
	*) cp "$ko" "$INITRD/mods/" ;;
	esac
	echo "$name" >> "$INITRD/mods/order"
done < "$RUN/initmods"
cp "$REPO/selftests/vm/initramfs-init" "$INITRD/init"
chmod +x "$INITRD/init"
(cd "$INITRD" && find . | cpio -o -H newc --quiet | gzip -1) > "$RUN/initrd.gz"
rm -rf "$INITRD"

APPEND="console=ttyS0 loglevel=4 panic_on_warn=1 oops=panic panic=-1"
APPEND+=" tcpteach.repo=$REPO tcpteach.run=$RUN tcpteach.load=$LOAD"
APPEND+=" tcpteach.kver=$KVER tcpteach.debug=$DEBUG"
SERIAL=(-serial stdio)
STDIN=/dev/null
if [ "$SHELL_MODE" = 1 ]; then
	# The guest's terminal: this one's type and size (a serial line
	# knows neither).
	read -r rows cols < <(stty size 2>/dev/null) || true
	term=${TERM:-vt100}
	[[ "$term" =~ ^[A-Za-z0-9._+-]+$ ]] || term=vt100
	APPEND+=" tcpteach.shell=1 tcpteach.term=$term"
	APPEND+=" tcpteach.rows=${rows:-24} tcpteach.cols=${cols:-80}"
	# signal=off: qemu passes Ctrl-C to the guest instead of quitting.
	SERIAL=(-chardev stdio,id=con,signal=off -serial chardev:con)
	STDIN=/dev/stdin
	# qemu puts the terminal in raw mode; put it back however qemu ends.
	TTY_SAVED=$(stty -g)
fi
# KASAN's shadow does not cover the 5-level direct map TCG offers.
[ "$DEBUG" = 1 ] && APPEND+=" kmemleak=on no5lvl"

fail() {
	echo "run-vm: FAIL: $*" >&2
	echo "run-vm: guest logs: $RUN (kernel.log, dmesg, status)" >&2
	tail -n 30 "$RUN/kernel.log" >&2 2>/dev/null || true
	exit 1
}

echo "run-vm: booting $KVER (logs in $RUN)" >&2
start=$(date +%s)
set +e
timeout --foreground -k 10 "$TIMEOUT" qemu-system-x86_64 \
	-accel tcg,thread=multi -cpu max -smp "$SMP" -m "$MEM" \
	-no-reboot -display none -monitor none -nodefaults \
	-kernel "$KIMAGE" -initrd "$RUN/initrd.gz" \
	-append "$APPEND" \
	-serial "file:$RUN/kernel.log" "${SERIAL[@]}" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$REPO",mount_tag=repo,security_model=none,multidevs=remap \
	-device virtio-rng-pci <"$STDIN" &
qpid=$!
# A background job ignores the terminal's Ctrl-C: take the guest down
# with this script.
trap 'kill "$qpid" 2>/dev/null; [ -z "${TTY_SAVED:-}" ] || stty "$TTY_SAVED"' EXIT
# A kernel that hangs while booting prints nothing at loglevel 4: give up
# after BOOT_TIMEOUT rather than the whole run's TIMEOUT.  The initramfs
# marks the run "booted" once the repository is mounted.
while kill -0 "$qpid" 2>/dev/null && [ ! -e "$RUN/booted" ]; do
	if [ $(( $(date +%s) - start )) -ge "$BOOT_TIMEOUT" ]; then
		kill "$qpid"
		wait "$qpid"
		fail "the guest did not reach its init in ${BOOT_TIMEOUT}s (a hang while booting)"
	fi
	sleep 1
done
# (In a shell the guest greets the user itself.)
[ -e "$RUN/booted" ] && [ "$SHELL_MODE" = 0 ] &&
	echo "run-vm: guest booted in $(( $(date +%s) - start ))s" >&2
wait "$qpid"
qrc=$?
trap - EXIT
[ -z "${TTY_SAVED:-}" ] || stty "$TTY_SAVED"
set -e
echo "run-vm: guest ran $(( $(date +%s) - start ))s" >&2

[ $qrc -eq 124 ] && fail "timed out after ${TIMEOUT}s"
[ -f "$RUN/status" ] || fail "guest died before the command finished (qemu exit $qrc)"
status=$(cat "$RUN/status")

# Kernel health: any warning, BUG, oops or unexpected taint fails the run.
if grep -E -n 'WARNING:|BUG:|Oops|general protection|Call Trace|UBSAN|KASAN|suspected memory leak|possible .*locking|sleeping function called' \
	"$RUN/dmesg" "$RUN/kernel.log" >&2; then
	fail "the guest kernel reported a problem (above)"
fi
if [ -s "$RUN/kmemleak" ]; then
	head -n 40 "$RUN/kmemleak" >&2
	fail "kmemleak reported leaks (above)"
fi
tainted=$(cat "$RUN/tainted" 2>/dev/null || echo missing)
# 4096 = O (out-of-tree module), 8192 = E (unsigned module): expected.
if [ "$tainted" = missing ] || [ $(( tainted & ~(4096 | 8192) )) -ne 0 ]; then
	fail "guest kernel tainted: $tainted"
fi
if [ "$status" = 0 ]; then
	rm -rf "$RUN"
fi
exit "$status"
}
