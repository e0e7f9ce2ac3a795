#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo` writes under build/ and never into the tracked docs/;
# refreshing docs/demo/ is its own target.  Checked on the recipes
# (make -n), without booting the VM.
# Exit 0 pass, 1 fail.
set -u
cd "$(dirname "$0")/../.." || exit 1
fail=0
demo=$(make -n -o all demo 2>&1 | grep 'tcpteach demo')
echo "make demo: $demo"
grep -q -- "-o $PWD/build/demo\$" <<<"$demo" || { echo "FAIL: make demo does not write to build/demo"; fail=1; }
grep -q "docs/" <<<"$demo" && { echo "FAIL: make demo writes into docs/"; fail=1; }
docs=$(make -n -o all docs-demo 2>&1 | grep 'tcpteach demo')
echo "make docs-demo: $docs"
grep -q -- "-o $PWD/docs/demo\$" <<<"$docs" || { echo "FAIL: make docs-demo does not refresh docs/demo"; fail=1; }
[ $fail -eq 0 ] && echo PASS
exit $fail
