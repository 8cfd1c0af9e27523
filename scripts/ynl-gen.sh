#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate what follows from the YNL spec of the family
# (Documentation/netlink/specs/splicelb.yaml) with the kernel's own
# generator, tools/net/ynl/ynl-gen-c.py of the linux-source that
# scripts/deps.sh unpacks for the debug kernel:
#
#   include/uapi/linux/splicelb.h   the uapi header
#
#   scripts/ynl-gen.sh           regenerate the files
#   scripts/ynl-gen.sh --check   fail, showing the difference, when a
#                                committed file is not what the spec gives
#
# The generator wants a kernel tree around the spec (it looks for
# MAINTAINERS, and for the schema beside specs/): it runs in a scratch one.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${SPLICELB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/splicelb}
spec=Documentation/netlink/specs/splicelb.yaml
check=0
[ "${1:-}" = --check ] && check=1

src=$(find "$cache/kernels/src" -mindepth 1 -maxdepth 1 -name 'linux-source-*' \
	2>/dev/null | sort | tail -n 1)
gen=$src/tools/net/ynl/ynl-gen-c.py
[ -n "$src" ] && [ -f "$gen" ] || {
	echo "ynl-gen.sh: no linux-source with tools/net/ynl: run scripts/deps.sh" >&2
	exit 1
}
protocol=$(sed -n 's/^protocol: *//p' "$top/$spec")

tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/Documentation/netlink/specs" "$tree/out"
: >"$tree/MAINTAINERS"
cp "$src/Documentation/netlink/$protocol.yaml" "$tree/Documentation/netlink/"
cp "$top/$spec" "$tree/$spec"

# generate MODE HEADER-OR-SOURCE FILE
generate() {
	local out=$tree/out/$(basename "$3") rc=0

	(cd "$tree" && /usr/bin/python3 "$gen" --mode "$1" "$2" --spec "$spec" \
		-o "$out") || return 1
	if [ $check = 1 ]; then
		diff -u "$top/$3" "$out" || rc=1
		[ $rc = 0 ] || echo "ynl-gen.sh: $3 is not what $spec gives;" \
			"run scripts/ynl-gen.sh" >&2
		return $rc
	fi
	cmp -s "$out" "$top/$3" || cp "$out" "$top/$3"
}

generate uapi --header include/uapi/linux/splicelb.h
