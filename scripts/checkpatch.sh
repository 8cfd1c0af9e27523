#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make style: the kernel's checkpatch.pl over the module, lib/ and the uapi
# header.  checkpatch ships only in Debian's linux-source package: it is
# downloaded once (not installed) and the three files it needs are taken
# out of the source tarball into the cache.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${SPLICELB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/splicelb}/checkpatch
pkg=linux-source-6.1

fetch() {
	local tmp tarball

	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' RETURN
	echo "  FETCH   checkpatch.pl from $pkg" >&2
	(cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1) || {
		apt-get update -q >/dev/null && (cd "$tmp" && apt-get download -q "$pkg" >/dev/null)
	}
	dpkg-deb --fsys-tarfile "$tmp"/"$pkg"_*.deb |
		tar -x -C "$tmp" --wildcards './usr/src/linux-source-*.tar.xz'
	tarball=$(ls "$tmp"/usr/src/linux-source-*.tar.xz)
	mkdir -p "$cache"
	tar -xJf "$tarball" -C "$cache" --strip-components=2 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	chmod +x "$cache/checkpatch.pl"
}

[ -x "$cache/checkpatch.pl" ] || fetch
cd "$top"
# FILE_PATH_CHANGES and the like only make sense for patches to the kernel.
"$cache/checkpatch.pl" --no-tree --terse --show-types -f \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,LINUX_VERSION_CODE \
	module/*.c module/*.h module/compat/*.c lib/*.c lib/*.h \
	include/uapi/linux/*.h
