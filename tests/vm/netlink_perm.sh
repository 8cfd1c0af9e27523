#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Who may do what: changes need CAP_NET_ADMIN over the namespace (root
# without it, and user nobody, are refused with a clear message), reading
# is open to all, each namespace sees and touches only its own services,
# and the root of a user namespace manages the network namespace it owns.
#
#   slb-pa                          slb-pb
#     lo: service 127.0.0.1:8080      lo: its own 127.0.0.1:8080, later
#         backend 10.0.1.1:80
#   unshare -U -r -n (as nobody): a namespace of nobody's own

source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
NS_A=slb-pa-$$
NS_B=slb-pb-$$
export NS_A NS_B

cleanup() {
	ip netns del "$NS_A" 2>/dev/null || true
	ip netns del "$NS_B" 2>/dev/null || true
	modprobe -r splicelb 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

A() { ip netns exec "$NS_A" "$@"; }
B() { ip netns exec "$NS_B" "$@"; }
# For bash -c: busybox sh would take its own "ip", which has no netns.
export -f A B

# refused CMD...: exit 1 and the permission message.
refused() {
	local rc=0 err
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	echo "$err"
	[ "$rc" = 1 ] &&
		grep -q '^lbctl: permission denied: .*CAP_NET_ADMIN' <<<"$err"
}
export -f refused

ktap_plan 17
modprobe splicelb
ip netns add "$NS_A"
ip netns add "$NS_B"
A ip link set lo up
B ip link set lo up

check "root adds a service and a backend in A" \
	A bash -c 'lbctl service add 127.0.0.1:8080 &&
		 lbctl backend add 10.0.1.1:80 service 127.0.0.1:8080'

# Root without capabilities, then user nobody: every change refused.
check "no caps: service add refused" \
	refused A dropcaps lbctl service add 127.0.0.1:8081
check "no caps: service change refused" \
	refused A dropcaps lbctl service change 127.0.0.1:8080 maxconn 5
check "no caps: backend add refused" \
	refused A dropcaps lbctl backend add 10.0.1.2:80 service 127.0.0.1:8080
check "no caps: zero and flush refused" \
	bash -c 'refused A dropcaps lbctl zero && refused A dropcaps lbctl flush'
check "nobody: backend del and service del refused" \
	bash -c 'refused A dropcaps -u 65534 lbctl backend del 10.0.1.1:80 service 127.0.0.1:8080 &&
		 refused A dropcaps -u 65534 lbctl service del 127.0.0.1:8080'
check "nothing changed by the refused requests" \
	A bash -c '[ "$(lbctl save)" = "service add 127.0.0.1:8080 scheduler rr backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s
backend add 10.0.1.1:80 service 127.0.0.1:8080 weight 1 state up maxconn 0" ]'

check "nobody reads: show, save, stats, conns" \
	A bash -c 'dropcaps -u 65534 lbctl show | grep -q "^  backend 10.0.1.1:80" &&
		 dropcaps -u 65534 lbctl save | grep -q "^service add 127.0.0.1:8080" &&
		 dropcaps -u 65534 lbctl stats >/dev/null &&
		 dropcaps -u 65534 lbctl conns >/dev/null'
check "no caps reads /proc/net/splicelb" \
	A dropcaps grep -q '^TCP  127.0.0.1:8080' /proc/net/splicelb/services
check "no caps cannot write the sysctls" \
	A dropcaps -u 65534 bash -c '! echo 5000 >/proc/sys/net/splicelb/connect_timeout_ms 2>/dev/null'

# Namespaces: B sees nothing of A, and changes in B leave A alone.
check "B sees none of A's services" bash -c '[ -z "$(B lbctl show)" ]'
check "B cannot delete A's service" \
	B bash -c 'lbctl service del 127.0.0.1:8080 2>&1 | grep -q "does not exist"'
check "B adds the same address, flushes; A keeps its own" \
	bash -c 'B lbctl service add 127.0.0.1:8080 scheduler wrr &&
		 B lbctl flush cut &&
		 A lbctl service show 127.0.0.1:8080 | grep -q "scheduler rr"'
check "B's sysctls are its own" \
	bash -c 'echo 4000 >/proc/sys/net/splicelb/connect_timeout_ms &&
	       B bash -c "echo 5000 >/proc/sys/net/splicelb/connect_timeout_ms" &&
	       [ "$(cat /proc/sys/net/splicelb/connect_timeout_ms)" = 4000 ] &&
	       [ "$(A cat /proc/sys/net/splicelb/connect_timeout_ms)" = 3000 ]'
events_stay() {
	local p
	# Not through B(): $! must be lbctl itself, which ip netns exec
	# becomes, or the kill would leave it running.
	ip netns exec "$NS_B" lbctl monitor >"$tmp/monb" 2>&1 &
	p=$!
	wait_for 10 subscribed "$p" "$NS_B"
	A lbctl service add 127.0.0.1:8082
	B lbctl service add 127.0.0.1:8083
	# Events go out in order: were A's to leak, it would come first.
	wait_for 10 grep -q 8083 "$tmp/monb"
	kill "$p"
	wait "$p" 2>/dev/null || true
	cat "$tmp/monb"
	! grep -q 8082 "$tmp/monb" && grep -q 8083 "$tmp/monb"
}
check "A's events do not reach B's monitor" events_stay

# A user namespace's root owns its network namespace, and only that one.
if dropcaps -u 65534 unshare -U -r -n true 2>/dev/null; then
	check "userns root manages its own namespace" \
		dropcaps -u 65534 unshare -U -r -n bash -c '
			ip link set lo up &&
			lbctl service add 127.0.0.1:8080 &&
			lbctl backend add 10.0.1.1:80 service 127.0.0.1:8080 &&
			echo 5000 >/proc/sys/net/splicelb/connect_timeout_ms &&
			lbctl save | grep -q "^backend add 10.0.1.1:80"'
	check "userns root cannot change the initial namespace" \
		bash -c 'dropcaps -u 65534 unshare -U -r bash -c "lbctl service add 127.0.0.1:8084" 2>&1 |
		       grep -q "permission denied"'
else
	ktap_skip "userns root manages its own namespace" "no user namespaces"
	ktap_skip "userns root cannot change the initial namespace" \
		"no user namespaces"
fi
ktap_finish
