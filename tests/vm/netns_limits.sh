#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What an unprivileged user can make the module do from a user and network
# namespace of its own (Documentation/security.md): it meets every limit
# and is refused with a message naming it, cannot raise a limit above the
# initial namespace's, pays for what it makes the module allocate in its
# own memory cgroup, and the initial namespace's service serves throughout.
#
#   initial netns, root                  tenant: nobody, unshare -U -r -n,
#     lo: service 127.0.0.1:7000 (rr)      in memory cgroup slb-tenant
#         -> slbpeer 127.0.0.1:7001          lo: 4,096 services, then one
#                                                 with 300 backends, then
#                                                 127.0.0.1:9000 -> slbpeer
#                                                 :9001, 60 clients

source "$(dirname "$0")/lib.sh"

[ "$BALANCER" = module ] || exit "$KSFT_SKIP"

tmp=$(mktemp -d)
cg=/sys/fs/cgroup/slb-tenant
sysctl_dir=/proc/sys/net/splicelb
pids=()

cleanup() {
	local p

	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	# Whatever the tenant started, wherever in its tree.
	[ ! -e "$cg/cgroup.kill" ] || echo 1 >"$cg/cgroup.kill"
	wait 2>/dev/null || true
	modprobe -r splicelb 2>/dev/null || true
	for p in $(seq 50); do
		rmdir "$cg" 2>/dev/null && break
		sleep 0.1
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

if ! dropcaps -u 65534 unshare -U -r -n true 2>/dev/null; then
	ktap_plan 1
	ktap_skip "namespace limits" "no unprivileged user namespaces"
	exit "$KSFT_PASS"
fi

ktap_plan 13
modprobe splicelb
ip link set lo up
[ -e /sys/fs/cgroup/cgroup.controllers ] ||
	mount -t cgroup2 none /sys/fs/cgroup
grep -qw memory /sys/fs/cgroup/cgroup.subtree_control ||
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p "$cg"

# The initial namespace's own service, checked after every step.
"$BIN/slbpeer" -l 127.0.0.1:7001 -n 64k -t 600000 &
pids+=($!)
lbctl service add 127.0.0.1:7000
lbctl backend add 127.0.0.1:7001 service 127.0.0.1:7000
saved=$(lbctl save)
host_serves() {
	"$BIN/slbpeer" -c 127.0.0.1:7000 -n 256k -N 4 -t 60000 &&
		[ "$(lbctl save)" = "$saved" ]
}

# A lower ceiling in force before the tenant exists: it starts there.
sysctl -qw net.splicelb.max_conns=1000

# The tenant: a process that holds the namespaces, and T to run a command
# in them as their root, which is user nobody outside, in its cgroup.
(echo "$BASHPID" >"$cg/cgroup.procs" &&
	exec dropcaps -u 65534 unshare -U -r -n sleep 100000) &
holder=$!
pids+=($holder)
in_tenant() { [ "$(readlink /proc/$holder/ns/net)" != "$(readlink /proc/self/ns/net)" ]; }
wait_for 10 in_tenant
T() {
	(echo "$BASHPID" >"$cg/cgroup.procs" &&
		exec dropcaps -u 65534 -n "$holder" "$@")
}
# One process, so that $! is the program itself, to be killed.
T_bg() {
	(echo "$BASHPID" >"$cg/cgroup.procs" &&
		exec dropcaps -u 65534 -n "$holder" "$@") &
	pids+=($!)
}
T ip link set lo up

# slab of the tenant's cgroup, bytes
slab() { awk '$1 == "slab" { print $2 }' "$cg/memory.stat"; }

check "tenant starts at the initial namespace's lower max_conns" \
	T bash -c "[ \"\$(cat $sysctl_dir/max_conns)\" = 1000 ] &&
		   [ \"\$(cat $sysctl_dir/max_services)\" = 4096 ]"

raise_refused() {
	local f=$1 v=$2 before

	before=$(T cat "$sysctl_dir/$f")
	T bash -c "echo $v >$sysctl_dir/$f" 2>"$tmp/err" && return 1
	grep -q "Operation not permitted" "$tmp/err" &&
		[ "$(T cat "$sysctl_dir/$f")" = "$before" ]
}
no_raise() {
	raise_refused max_services 4097 &&
		raise_refused max_backends 65537 &&
		raise_refused max_conns 1001 &&
		raise_refused max_conns 0 &&
		raise_refused relay_quantum 262145
}
check "tenant cannot raise a limit above the initial namespace's" no_raise
check "tenant lowers its own limits, and raises them back to the ceiling" \
	T bash -c "echo 10 >$sysctl_dir/max_conns &&
		   echo 1000 >$sysctl_dir/max_conns &&
		   echo 4096 >$sysctl_dir/relay_quantum &&
		   echo 262144 >$sysctl_dir/relay_quantum &&
		   echo 5000 >$sysctl_dir/connect_timeout_ms"

# Services: the default limit, met for real.
for p in $(seq 10000 14095); do
	echo "service add 127.0.0.1:$p backlog 16"
done >"$tmp/services"
slab0=$(slab)
start=$SECONDS
check "tenant adds 4,096 services" T lbctl restore - <"$tmp/services"
echo "# 4096 services in $((SECONDS - start)) s"
slab1=$(slab)
echo "# tenant cgroup slab: $slab0 -> $slab1 bytes"
limit_refused() {
	local want=$1 rc=0

	shift
	T "$@" 2>"$tmp/err" || rc=$?
	cat "$tmp/err"
	[ "$rc" = 1 ] && grep -qF "$want" "$tmp/err"
}
check "the 4,097th is refused, naming net.splicelb.max_services" \
	limit_refused "limit reached: net.splicelb.max_services$(kmsg ' = 4096' '')" \
	lbctl service add 127.0.0.2:80
# A service is a listening socket and its structure: well over 1 KiB.
check "the tenant's cgroup paid for its services" \
	test $((slab1 - slab0)) -ge $((4096 * 1024))
check "initial namespace serves during the tenant's 4,096 services" host_serves
T lbctl flush

# Backends: a ceiling the initial namespace lowers later applies at once.
sysctl -qw net.splicelb.max_backends=300
T lbctl service add 127.0.0.1:8000
for i in $(seq 300); do
	echo "backend add 10.$((i / 250)).$((i % 250)).1:80 service 127.0.0.1:8000"
done >"$tmp/backends"
check "tenant adds 300 backends" T lbctl restore - <"$tmp/backends"
check "the 301st is refused, naming the initial namespace's max_backends" \
	limit_refused \
	"limit reached: net.splicelb.max_backends$(kmsg ' = 300 (initial netns)' '')" \
	lbctl backend add 10.9.9.9:80 service 127.0.0.1:8000
sysctl -qw net.splicelb.max_backends=65536
T lbctl flush

# Connections: its own max_conns, lowered; the clients past it are refused.
T bash -c "echo 40 >$sysctl_dir/max_conns"
# Both ends wait a minute before sending: the connections stay up.
T_bg "$BIN/slbpeer" -l 127.0.0.1:9001 -n 1k -s 60000 -t 120000
T lbctl service add 127.0.0.1:9000
T lbctl backend add 127.0.0.1:9001 service 127.0.0.1:9000
slab0=$(slab)
T_bg "$BIN/slbpeer" -c 127.0.0.1:9000 -n 1k -N 60 -P 60 -s 60000 -t 120000 \
	>/dev/null 2>&1
conns_held() {
	[ "$(T grep -c '^[0-9]' /proc/net/splicelb/conns)" = 40 ] &&
		[ "$(T awk '$1 == "refused" { print $2 }' /proc/net/splicelb/stats)" -ge 20 ]
}
check "max_conns 40: 40 connections relayed, the other 20 refused" \
	wait_for 60 conns_held
slab1=$(slab)
echo "# tenant cgroup slab with 40 connections: $slab0 -> $slab1 bytes"
# Each: the connection (over 512 bytes) and the backend's socket.
check "the tenant's cgroup paid for its connections" \
	test $((slab1 - slab0)) -ge $((40 * 1024))
check "initial namespace serves beside the tenant's connections" host_serves
check "initial namespace's limits untouched by the tenant" \
	bash -c "[ \"\$(cat $sysctl_dir/max_conns)\" = 1000 ] &&
		 [ \"\$(cat $sysctl_dir/connect_timeout_ms)\" = 3000 ]"
sysctl -qw net.splicelb.max_conns=262144
ktap_finish
