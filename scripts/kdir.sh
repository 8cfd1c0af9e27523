#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the header tree of a test kernel ("6.1", "6.12") fetched by deps.sh.
set -e
[ $# = 1 ] || { echo "usage: $0 SERIES" >&2; exit 2; }
cache=${SPLICELB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/splicelb}
abi=$(cat "$cache/kernels/$1/abi" 2>/dev/null) || {
	echo "kdir.sh: kernel $1 not fetched: run scripts/deps.sh" >&2
	exit 1
}
echo "$cache/kernels/$1/usr/src/linux-headers-$abi"
