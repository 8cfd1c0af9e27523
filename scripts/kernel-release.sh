#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the release a module built against KDIR must match.  Debian's 6.1
# headers answer "make kernelrelease" with the upstream version, so read the
# string the module's vermagic is made of instead.
set -e
[ $# = 1 ] || { echo "usage: $0 KDIR" >&2; exit 2; }
sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
	"$1/include/generated/utsrelease.h"
