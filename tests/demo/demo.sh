#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What "make demo" shows, run inside the guest: the module loaded and what it
# exposes.

set -e

say() {
	printf '\n$ %s\n' "$*"
	"$@"
}

say uname -r
say modprobe splicelb
say lsmod
say cat /proc/net/splicelb/version
say ls -l /proc/net/splicelb/
say sh -c 'dmesg | grep splicelb'
say modprobe -r splicelb
