#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build splicelb.ko against KDIR in build/module/<release>/.
#
# Kbuild writes objects next to their sources, so each kernel gets a tree of
# symlinks to the sources of its own: building for 6.1 and 6.12 in turn then
# rebuilds nothing that did not change.  The compat probes run from Kbuild
# itself, as in a plain "make -C KDIR M=$PWD".

set -euo pipefail

[ $# -ge 2 ] || { echo "usage: $0 KDIR VERSION [make args]" >&2; exit 2; }
kdir=$1
version=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$kdir/Makefile" ] || {
	echo "build-module.sh: no kernel build tree at '$kdir'" >&2
	echo "build-module.sh: run scripts/deps.sh, or pass KDIR=" >&2
	exit 1
}
release=$("$top/scripts/kernel-release.sh" "$kdir")
out=$top/build/module/$release
quiet=${V:+}
[ "${V:-0}" = 1 ] || quiet=-s

mirror() {
	local d
	mkdir -p "$out"
	# Drop links whose source is gone, then link anything new.
	find "$out" -xtype l -delete
	for d in module lib include; do
		cp -rsf "$top/$d" "$out/"
	done
	ln -sf "$top/Kbuild" "$out/Kbuild"
}

mirror
[ "${V:-0}" = 1 ] || echo "  MODULE  $release"
make -C "$kdir" M="$out" $quiet SLB_VERSION="$version" "$@" modules
