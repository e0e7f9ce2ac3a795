#!/bin/bash
# PID 1 of the test VM after switch_root (the host's tools, an overlay
# root): prepare the system, run the command, record its status and the
# kernel log for run-vm.sh, power off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
# Bash's process substitution and /dev/stdin need these links.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# /tmp and /run are tmpfs already (mounted before the repository).
mkdir -p /run/netns /run/lock
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
for arg in $(cat /proc/cmdline 2>/dev/null); do
	case "$arg" in
	tcpteach.repo=*) REPO=${arg#*=} ;;
	tcpteach.run=*) RUN=${arg#*=} ;;
	tcpteach.load=*) LOAD=${arg#*=} ;;
	tcpteach.kver=*) KVER=${arg#*=} ;;
	tcpteach.debug=*) DEBUG=${arg#*=} ;;
	tcpteach.shell=*) SHELL_MODE=${arg#*=} ;;
	tcpteach.term=*) SHELL_TERM=${arg#*=} ;;
	tcpteach.rows=*) ROWS=${arg#*=} ;;
	tcpteach.cols=*) COLS=${arg#*=} ;;
	esac
done

# The test output goes to the second serial port (the host's stdout).
exec </dev/null >/dev/ttyS1 2>&1
stty -F /dev/ttyS1 raw -echo 2>/dev/null

finish() {
	if [ "${DEBUG:-0}" = 1 ] && [ -e /sys/kernel/debug/kmemleak ]; then
		# Unreferenced objects are only reported after a scan; two
		# scans let young objects age past kmemleak's grace period.
		echo scan > /sys/kernel/debug/kmemleak
		sleep 6
		echo scan > /sys/kernel/debug/kmemleak
		cat /sys/kernel/debug/kmemleak > "$RUN/kmemleak"
	fi
	echo "$1" > "$RUN/status"
	dmesg > "$RUN/dmesg"
	cat /proc/sys/kernel/tainted > "$RUN/tainted"
	sync
	echo o > /proc/sysrq-trigger
	# PID 1 must not exit (the kernel would panic) and the root file
	# system is going away: spin in the shell until the power is off.
	while :; do :; done
}

rm -rf "/lib/modules/$KVER"
mkdir -p /lib/modules
ln -s "$RUN/modroot/lib/modules/$KVER" "/lib/modules/$KVER"
hostname tcpteach-vm
ip link set lo up
for m in veth sch_netem sch_tbf tun nf_tables nft_numgen \
	 nft_limit nft_quota nft_ct ifb act_mirred sch_ingress; do
	modprobe "$m" 2>/dev/null || echo "guest-init: modprobe $m failed"
done
if [ "$LOAD" = 1 ]; then
	insmod "/lib/modules/$KVER/extra/tcp_teach.ko" ||
		{ echo "guest-init: insmod tcp_teach.ko failed"; finish 1; }
fi

cd "$REPO" || finish 1
if [ "${SHELL_MODE:-0}" = 1 ]; then
	# The user's terminal is ttyS1: a line discipline that echoes and
	# turns Ctrl-C into SIGINT, and a new session whose controlling
	# terminal it is, so bash has job control.
	stty -F /dev/ttyS1 sane rows "${ROWS:-24}" cols "${COLS:-80}" 2>/dev/null
	echo "tcpteach VM: Linux $(uname -r), tcp_teach $(grep -q '^tcp_teach ' /proc/modules && echo loaded || echo 'not loaded'), the repository at $REPO (shared read-write), everything else scratch." >/dev/ttyS1
	echo "'exit' or Ctrl-D powers the VM off." >/dev/ttyS1
	TERM=${SHELL_TERM:-vt100} PS1='\h:\w# ' setsid --ctty --wait \
		bash --norc -i </dev/ttyS1 >/dev/ttyS1 2>&1
	finish $?
fi
bash "$RUN/cmd"
finish $?
