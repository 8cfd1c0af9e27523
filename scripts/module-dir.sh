#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the build directory of the module for KDIR, relative to the tree.
set -e
[ $# = 1 ] || { echo "usage: $0 KDIR" >&2; exit 2; }
echo "build/module/$("$(dirname "$0")/kernel-release.sh" "$1")"
