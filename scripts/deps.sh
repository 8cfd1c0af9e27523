#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what splicelb's build and tests need, and fetch the test kernels.
#
# Host packages come from Debian by name.  The test kernels (Debian's
# cloud-amd64 flavour of bookworm's 6.1 and bookworm-backports' 6.12) are
# downloaded with a private apt configuration and unpacked with dpkg -x into
# a cache outside the repository; nothing is installed into the host's /boot
# or /lib/modules.  The ABI name is resolved through the linux-image-cloud-amd64
# metapackage, so a newer Debian kernel is picked up by "deps.sh --refresh".
#
# A series named <series>-debug (6.12-debug) is the debug test kernel:
# built here by scripts/debug-kernel.sh from Debian's linux-source-<series>
# of the same version as the series' cloud kernel, and cached beside it.
#
# Quick and silent when everything is already there: a second run touches
# neither apt nor the network.

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${SPLICELB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/splicelb}
KERNELS=${KERNELS:-6.1 6.12 6.12-debug}
REFRESH=0

HOST_PACKAGES="gcc make libc6-dev qemu-system-x86 busybox-static cpio kmod
	libmnl-dev libcmocka-dev pkg-config dwarves sparse iproute2 bc xz-utils
	zstd libelf-dev procps perl flex bison python3-yaml python3-jsonschema
	redis-server nginx libnginx-mod-stream haproxy socat clang
	libclang-rt-14-dev"
# Only for "make bench" (deps.sh --bench): the systems it measures splicelb
# against, the load generators, the charts, the profiler.
BENCH_PACKAGES="ipvsadm iperf3 gnuplot-nox linux-perf"

log() {
	local tag=$1

	shift
	printf '  %-7s %s\n' "$tag" "$*" >&2
}
die() { echo "deps.sh: $*" >&2; exit 1; }

usage() {
	cat <<USAGE
usage: scripts/deps.sh [--refresh] [--host-only] [--kernels-only] [--bench]
  --refresh       re-resolve the newest Debian kernels even if cached
  --host-only     install host packages only
  --kernels-only  fetch test kernels only
  --bench         also the benchmark's packages (HAProxy, nginx, ipvsadm,
                  iperf3, gnuplot, perf); their services are not started
environment: SPLICELB_CACHE (default ~/.cache/splicelb), KERNELS ("$KERNELS")
USAGE
}

missing_packages() {
	local p
	for p in $HOST_PACKAGES "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

install_host_packages() {
	local missing
	missing=$(missing_packages "$@")
	[ -z "$missing" ] && return 0
	[ "$(id -u)" = 0 ] || die "need root to install:" $missing
	log APT "installing" $missing
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# The tests run Redis, nginx and HAProxy in their guest, and so does
	# the benchmark: on the host they must not start (policy-rc.d forbids it
	# while installing) nor come up at the next boot.
	local policy=/usr/sbin/policy-rc.d rc=0 p
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 0755 "$policy"
	else
		policy=
	fi
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null ||
		rc=$?
	[ -z "$policy" ] || rm -f "$policy"
	[ "$rc" = 0 ] || die "apt-get install failed"
	if command -v systemctl >/dev/null; then
		for p in $missing; do
			case $p in
			haproxy|nginx|redis-server)
				systemctl disable -q "$p" 2>/dev/null ;;
			esac
		done
	fi
	return 0
}

# Private apt: own sources, state and archive cache, so the host's apt
# configuration is neither read for sources nor modified.
APT_DIR=$CACHE/apt
apt_private() {
	local tool=$1
	shift
	"$tool" -o Dir::Etc::SourceList="$APT_DIR/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State="$APT_DIR/state" \
		-o Dir::State::status="$APT_DIR/status" \
		-o Dir::Cache="$APT_DIR/cache" \
		-o Debug::NoLocking=1 -o APT::Sandbox::User=root \
		-o APT::Architecture=amd64 "$@"
}

apt_private_update() {
	[ -n "${APT_UPDATED:-}" ] && return 0
	mkdir -p "$APT_DIR/state/lists/partial" "$APT_DIR/cache/archives/partial"
	touch "$APT_DIR/status"
	cat >"$APT_DIR/sources.list" <<SOURCES
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
deb http://deb.debian.org/debian bookworm-backports main
SOURCES
	log APT "updating private package lists"
	apt_private apt-get update -q >/dev/null
	APT_UPDATED=1
}

# The ABI package the metapackage of the given release points at, e.g.
# linux-image-6.1.0-41-cloud-amd64 for "6.1".
resolve_image() {
	local series=$1 ver dep
	for ver in $(apt_private apt-cache madison linux-image-cloud-amd64 |
		     awk -F'|' '{gsub(/ /, "", $2); print $2}'); do
		case "$ver" in
		"$series".*) ;;
		*) continue ;;
		esac
		dep=$(apt_private apt-cache show "linux-image-cloud-amd64=$ver" |
		      sed -n 's/^Depends: //p' | head -n1 | tr ',' '\n' |
		      sed 's/ .*//; s/^ *//' | grep '^linux-image-' | head -n1)
		[ -n "$dep" ] && { echo "$dep"; return 0; }
	done
	return 1
}

# Depends of a package, names only.
depends_of() {
	apt_private apt-cache show "$1" | sed -n 's/^Depends: //p' | head -n1 |
		tr ',' '\n' | sed 's/^ *//; s/ .*//'
}

# Unpacked headers refer to their -common tree and to linux-kbuild by
# absolute /usr/src and /usr/lib paths; point them into the cache instead.
fixup_headers() {
	local root=$1 abi=$2 hdr common kbuild

	hdr=$root/usr/src/linux-headers-$abi
	common=$(ls -d "$root"/usr/src/linux-headers-*-common 2>/dev/null | head -n1)
	kbuild=$(ls -d "$root"/usr/lib/linux-kbuild-* 2>/dev/null | head -n1)
	[ -d "$hdr" ] && [ -d "$common" ] && [ -d "$kbuild" ] ||
		die "headers for $abi incomplete in $root"
	grep -rl --include=Makefile "/usr/src/linux-headers-" "$hdr" |
		xargs -r sed -i "s|/usr/src/linux-headers-|$root/usr/src/linux-headers-|g"
	ln -sfn "$kbuild/scripts" "$hdr/scripts"
	ln -sfn "$kbuild/tools" "$hdr/tools"
	# Links inside -common that point at kbuild by absolute path.
	find "$hdr" "$common" -maxdepth 2 -type l -lname '/usr/lib/linux-kbuild-*' |
	while read -r link; do
		ln -sfn "$root$(readlink "$link")" "$link"
	done
}

fetch_kernel() {
	local series=$1 dir image abi pkgs tmp deb old

	dir=$CACHE/kernels/$series
	if [ -f "$dir/.complete" ] && [ "$REFRESH" = 0 ]; then
		return 0
	fi
	apt_private_update
	image=$(resolve_image "$series") ||
		die "no linux-image-cloud-amd64 for $series in bookworm(-backports)"
	abi=${image#linux-image-}
	if [ -f "$dir/.complete" ] && [ "$(cat "$dir/abi")" = "$abi" ]; then
		return 0
	fi
	log FETCH "$abi"
	pkgs="$image linux-headers-$abi"
	pkgs="$pkgs $(depends_of "linux-headers-$abi" |
		      grep -E '^linux-(headers-.*-common|kbuild-)' | tr '\n' ' ')"
	tmp=$(mktemp -d "$CACHE/kernels/.fetch.XXXXXX")
	# shellcheck disable=SC2086
	(cd "$tmp" && apt_private apt-get download -q $pkgs >/dev/null)
	mkdir -p "$tmp/root"
	for deb in "$tmp"/*.deb; do
		dpkg -x "$deb" "$tmp/root"
	done
	rm -f "$tmp"/*.deb
	mv "$tmp/root" "$tmp/$abi"
	rm -rf "$CACHE/kernels/$abi"
	mv "$tmp/$abi" "$CACHE/kernels/$abi"
	rmdir "$tmp"
	fixup_headers "$CACHE/kernels/$abi" "$abi"
	depmod -b "$CACHE/kernels/$abi" "$abi"
	echo "$abi" >"$CACHE/kernels/$abi/abi"
	touch "$CACHE/kernels/$abi/.complete"
	old=$(readlink "$dir" 2>/dev/null || true)
	ln -sfn "$abi" "$dir"
	# A refresh that found a newer kernel retires the old one.
	[ -z "$old" ] || [ "$old" = "$abi" ] || rm -rf "${CACHE:?}/kernels/$old"
}

# The Debian version of a package, e.g. 6.12.95-1~bpo12+1.
package_version() {
	apt_private apt-cache show "$1" | sed -n 's/^Version: //p' | head -n1
}

# The debug kernel of SERIES, from the source of SERIES's cloud kernel.
build_debug_kernel() {
	local series=$1 dir version deb src

	dir=$CACHE/kernels/$series-debug
	if [ -f "$dir/.complete" ] && [ "$REFRESH" = 0 ] &&
	   [ "$(cat "$dir/stamp")" = "$("$here"/debug-kernel.sh --stamp \
	     "$(cut -d' ' -f1 "$dir/stamp")")" ]; then
		return 0
	fi
	apt_private_update
	version=$(package_version "$(resolve_image "$series")") ||
		die "no cloud kernel of $series to take the source version from"
	src=linux-source-$series
	deb=$CACHE/src/${src}_${version//:/%3a}_all.deb
	if [ ! -f "$deb" ]; then
		log FETCH "$src $version"
		rm -rf "$CACHE/src"
		mkdir -p "$CACHE/src"
		(cd "$CACHE/src" &&
		 apt_private apt-get download -q "$src=$version" >/dev/null)
	fi
	[ -f "$deb" ] || die "$src $version did not download as $deb"
	"$here"/debug-kernel.sh "$deb" "$version" "$dir"
}

main() {
	local host=1 kernels=1 bench='' k
	while [ $# -gt 0 ]; do
		case "$1" in
		--refresh) REFRESH=1 ;;
		--host-only) kernels=0 ;;
		--kernels-only) host=0 ;;
		--bench) bench=$BENCH_PACKAGES ;;
		-h|--help) usage; exit 0 ;;
		*) usage >&2; exit 2 ;;
		esac
		shift
	done
	# shellcheck disable=SC2086
	[ "$host" = 1 ] && install_host_packages $bench
	if [ "$kernels" = 1 ]; then
		mkdir -p "$CACHE/kernels"
		for k in $KERNELS; do
			case $k in
			*-debug) build_debug_kernel "${k%-debug}" ;;
			*) fetch_kernel "$k" ;;
			esac
		done
	fi
}

main "$@"
