#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The command examples in the docs come from real runs.  A block
#
#   <!-- run: tcpteach sim --drop 20 --cc reno --trace reno.csv -->
#   ...
#   <!-- end -->
#
# is replaced by "    $ COMMAND" and the command's output (stdout and
# stderr, indented four spaces).  Commands run with bash in one scratch
# directory per file, in order (a later one may read an earlier one's
# trace), with build/tcpteach first in PATH.
#
#   docs/examples.sh FILE...          rewrite FILE's blocks (make docs)
#   docs/examples.sh --check FILE...  exit 1 and show the diff if a block
#                                     differs from a fresh run (make check)
set -u
cd "$(dirname "$0")/.." || exit 1
check=0
[ "${1:-}" = --check ] && { check=1; shift; }
[ $# -gt 0 ] || { sed -n '3,17s/^# \{0,1\}//p' "$0"; exit 2; }
[ -x build/tcpteach ] || { echo "examples: build/tcpteach missing (make userspace)" >&2; exit 2; }
root=$PWD
rc=0
for f in "$@"; do
	[ -f "$f" ] || { echo "examples: no file $f" >&2; exit 2; }
	work=$(mktemp -d)
	out=$(mktemp)
	in_block=0
	while IFS= read -r line || [ -n "$line" ]; do
		if [ $in_block -eq 1 ]; then
			[[ "$line" == "<!-- end -->" ]] || continue
			in_block=0
		fi
		printf '%s\n' "$line" >>"$out"
		if [[ "$line" =~ ^\<\!--\ run:\ (.*)\ --\>$ ]]; then
			cmd=${BASH_REMATCH[1]}
			in_block=1
			printf '\n    $ %s\n' "$cmd" >>"$out"
			(cd "$work" && PATH="$root/build:$PATH" bash -c "$cmd" 2>&1) |
				sed 's/^/    /; s/[[:space:]]*$//' >>"$out"
			printf '\n' >>"$out"
		fi
	done <"$f"
	[ $in_block -eq 0 ] || { echo "examples: $f: a 'run:' block has no '<!-- end -->'" >&2; rc=2; }
	if [ $check -eq 1 ]; then
		if ! diff -u "$f" "$out" >"$work/diff"; then
			echo "examples: $f differs from a fresh run (regenerate with 'make docs'):"
			cat "$work/diff"
			rc=1
		fi
	elif ! cmp -s "$f" "$out"; then
		cp "$out" "$f"
		echo "examples: rewrote $f"
	fi
	rm -rf "$work" "$out"
done
exit $rc
