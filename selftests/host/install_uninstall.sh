#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make install / make uninstall with DESTDIR: everything lands under
# DESTDIR (the module under lib/modules/RELEASE/extra, with the version
# dkms.conf gives), nothing is printed about signing, and uninstall
# leaves no file and no directory of ours behind.
# Exit 0 pass, 1 fail, 4 skip.
set -u
cd "$(dirname "$0")/../.." || exit 1
. selftests/kernel/lib/check.sh
krel=$(make -s -f Makefile --eval 'print-krel: ; @echo $(KREL)' print-krel 2>/dev/null)
[ -n "$krel" ] || { echo "SKIP: no kernel headers to build against (make deps)"; exit 4; }
d=$(mktemp -d)
log=$d.log
trap 'rm -rf "$d" "$log"' EXIT

make -s install DESTDIR="$d" PREFIX=/usr/local >"$log" 2>&1
check "make install DESTDIR=... succeeds" test $? -eq 0 || cat "$log"
ko=$d/lib/modules/$krel/extra/tcp_teach.ko
check "the module is in DESTDIR" test -f "$ko"
check "the module's version is dkms.conf's" test "$(modinfo -F version "$ko" 2>/dev/null)" = \
	"$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)"
for f in bin/tcpteach lib/tcpteach/libtcpteach_preload.so share/man/man1/tcpteach.1; do
	check "$f is in DESTDIR" test -f "$d/usr/local/$f"
done
check "nothing outside DESTDIR's lib/modules and usr/local" \
	test -z "$(find "$d" -mindepth 1 -maxdepth 1 ! -name lib ! -name usr)"
check "no signing noise" sh -c "! grep -i -E 'sign|key' '$log'"
check "make uninstall DESTDIR=... succeeds" make -s uninstall DESTDIR="$d" PREFIX=/usr/local
left=$(find "$d" -type f -o -type l)
check "uninstall left no file behind" test -z "$left"
[ -z "$left" ] || echo "$left"
check "uninstall removed our directories" \
	test ! -e "$d/lib/modules/$krel/extra" -a ! -e "$d/usr/local/lib/tcpteach"
exit $fail
