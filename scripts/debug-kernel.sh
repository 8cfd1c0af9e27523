#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug test kernel from Debian's linux-source package.
#
#   scripts/debug-kernel.sh SOURCE.deb VERSION DIR
#   scripts/debug-kernel.sh --stamp VERSION
#
# SOURCE.deb is linux-source-<series> at Debian version VERSION (the same
# version as the series' cloud test kernel); DIR is the kernel's place in
# the cache (~/.cache/splicelb/kernels/6.12-debug), laid out like an
# unpacked Debian kernel so that scripts/vm and scripts/kdir.sh need no
# special case:
#
#   DIR/abi                              the kernel release
#   DIR/boot/vmlinuz-<release>, DIR/boot/config-<release>
#   DIR/lib/modules/<release>/           modules.builtin & co. (no modules)
#   DIR/usr/src/linux-headers-<release>  -> DIR/build, the object tree that
#                                           splicelb.ko is built against
#
# The configuration is the kernel's way of making a small debug guest, as
# WireGuard's and the net selftests' QEMU harnesses do: allnoconfig, then
# kernel/configs/kvm_guest.config, kernel/configs/debug.config and
# scripts/debug-kernel/guest.config merged by scripts/kconfig/merge_config.sh.
# Every option the tests rely on is then checked in the result.
#
# DIR/stamp records what the build came from (the fragment, this script and
# VERSION); scripts/deps.sh compares it with what --stamp prints and rebuilds
# only when they differ.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
fragment=$top/scripts/debug-kernel/guest.config
jobs=$(($(nproc) + 1))

# What the tests and the kernel-log scan need: a build where merge_config
# dropped one of these (a dependency missing in a newer source) must fail
# here, not pass tests that checked nothing.
REQUIRED="MODULES MODULE_UNLOAD SMP PREEMPT ACPI SERIAL_8250_CONSOLE
	BLK_DEV_INITRD DEVTMPFS TMPFS DEBUG_FS IKCONFIG_PROC NET_NS USER_NS
	MEMCG IPV6 IP_MULTIPLE_TABLES IPV6_MULTIPLE_TABLES VETH DUMMY INET_DIAG INET_TCP_DIAG NET_SCH_NETEM
	KASAN KASAN_GENERIC PROVE_LOCKING PROVE_RCU DEBUG_ATOMIC_SLEEP
	DEBUG_OBJECTS DEBUG_OBJECTS_TIMERS DEBUG_OBJECTS_WORK
	DEBUG_OBJECTS_RCU_HEAD DEBUG_OBJECTS_FREE DEBUG_KMEMLEAK UBSAN
	UBSAN_BOUNDS DEBUG_LIST DEBUG_NET SLUB_DEBUG SOFTLOCKUP_DETECTOR
	DETECT_HUNG_TASK"

log() {
	printf '  %-7s %s\n' "$1" "$2" >&2
}
die() { echo "debug-kernel.sh: $*" >&2; exit 1; }

stamp() {
	echo "$version $(cat "$fragment" "$0" | sha256sum | cut -c1-16)"
}

unpack_source() {
	local tmp

	[ -f "$src/Makefile" ] && return 0
	log UNPACK "linux-source $version"
	tmp=$(mktemp -d "$(dirname "$src")/.unpack.XXXXXX")
	dpkg -x "$deb" "$tmp/deb"
	tar -C "$tmp" -xaf "$tmp"/deb/usr/src/linux-source-*.tar.*
	# One source tree at a time: a new version retires the old one.
	rm -rf "$(dirname "$src")"/linux-source-*
	mv "$tmp"/linux-source-*/ "$src"
	rm -rf "$tmp"
}

configure() {
	local o missing=

	mkdir -p "$obj"
	(cd "$src" && scripts/kconfig/merge_config.sh -n -O "$obj" \
		kernel/configs/kvm_guest.config kernel/configs/debug.config \
		"$fragment") >"$obj/merge.log" 2>&1 ||
		{ cat "$obj/merge.log" >&2; die "merge_config.sh failed"; }
	for o in $REQUIRED; do
		grep -q "^CONFIG_$o=y$" "$obj/.config" || missing="$missing $o"
	done
	[ -z "$missing" ] || die "not enabled in $obj/.config:$missing"
}

build() {
	local start=$SECONDS

	log KERNEL "building the debug kernel ($jobs jobs; see $obj/build.log)"
	make -C "$src" O="$obj" -j"$jobs" all >"$obj/build.log" 2>&1 ||
		{ tail -n 40 "$obj/build.log" >&2; die "kernel build failed"; }
	log KERNEL "built in $((SECONDS - start)) s"
}

install_layout() {
	local release

	release=$(make -s -C "$src" O="$obj" kernelrelease)
	rm -rf "$dir/boot" "$dir/lib" "$dir/usr"
	mkdir -p "$dir/boot" "$dir/usr/src"
	cp "$obj/arch/x86/boot/bzImage" "$dir/boot/vmlinuz-$release"
	cp "$obj/.config" "$dir/boot/config-$release"
	make -s -C "$src" O="$obj" INSTALL_MOD_PATH="$dir" DEPMOD=true \
		modules_install >/dev/null
	rm -f "$dir/lib/modules/$release/build"
	depmod -b "$dir" "$release"
	ln -sfn ../../build "$dir/usr/src/linux-headers-$release"
	echo "$release" >"$dir/abi"
}

main() {
	[ -f "$deb" ] || die "no $deb"
	rm -f "$dir/.complete"
	# Objects of another source version are of no use.
	if [ "$(cut -d' ' -f1 "$dir/stamp" 2>/dev/null)" != "$version" ]; then
		rm -rf "$obj"
	fi
	mkdir -p "$dir" "$(dirname "$src")"
	unpack_source
	configure
	build
	install_layout
	stamp >"$dir/stamp"
	touch "$dir/.complete"
}

if [ $# = 2 ] && [ "$1" = --stamp ]; then
	version=$2
	stamp
	exit 0
fi
[ $# = 3 ] || { sed -n 's/^#   //p' "$0" >&2; exit 2; }
deb=$1
version=$2
dir=$3
src=$(dirname "$dir")/src/linux-source-$version
obj=$dir/build
main
