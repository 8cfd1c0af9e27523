#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: set up, build, boot a test kernel and show splicelb at work.
# KERNEL=6.1 picks the other kernel of the matrix.

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kernel=${KERNEL:-6.12}

scripts/deps.sh
make -s userspace
scripts/build-module.sh "$(scripts/kdir.sh "$kernel")" \
	"$(sed -n 's/^VERSION := //p' Makefile)"
echo "  BOOT    Debian $kernel kernel in QEMU"
scripts/vm -k "$kernel" tests/demo/demo.sh |
	sed -n 's/^    //p' | grep -vE '^(TAP version|1\.\.[0-9]+)$'
