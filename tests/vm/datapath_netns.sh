#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Deleting the balancer's namespace with a live service and connections
# closes them all: every client sees its connection reset, the guest's TCP
# sockets come back to what they were before the service existed (nothing
# left behind), and the module still serves a new namespace.
#
#   slb-cli                 slb-lb (deleted)       slb-be1
#   slbpeer -c x100 ----> 10.0.1.1:80 (rr) ----> slbpeer -l [::]:80
#
source "$(dirname "$0")/lib.sh"
trap topo_cleanup EXIT

[ "$BALANCER" = module ] || exit "$KSFT_SKIP"

ktap_plan 5
topo_setup
NS_LB2=slb-lb2-$$
cat >/tmp/netns.conf <<CONF
service add $VIP4:80 scheduler rr
backend add $(be4 1):80 service $VIP4:80
CONF
serve 1 -n 1m -s 30000 -t 60000
sockets0=$(tcp_sockets)
lb_apply /tmp/netns.conf
ip netns exec "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 1m -N 100 -P 100 \
	-s 30000 -t 60000 -e reset >/tmp/netns.peer 2>&1 &
clients=$!
live() {
	test "$(in_ns "$NS_LB" grep -c . /proc/net/splicelb/conns)" -ge 100
}
check "100 connections live" wait_for 30 live
check "namespace deleted" ip netns del "$NS_LB"
check_wait "every client sees its connection reset" "$clients" /tmp/netns.peer
# The namespace's cleanup runs in a kernel worker, after ip returns.
check_sockets_back "$sockets0"
check "module serves a new namespace" bash -c "
	ip netns add $NS_LB2 && ip -n $NS_LB2 link set lo up &&
	ip netns exec $NS_LB2 lbctl service add 127.0.0.1:80 &&
	ip netns exec $NS_LB2 lbctl backend add 127.0.0.1:8080 service 127.0.0.1:80 &&
	(ip netns exec $NS_LB2 $BIN/slbpeer -l 127.0.0.1:8080 -N 1 -t 20000 &) &&
	for i in \$(seq 100); do
		ip netns exec $NS_LB2 ss -Hltn 'sport = :8080' | grep -q . && break
		sleep 0.1
	done &&
	ip netns exec $NS_LB2 $BIN/slbpeer -c 127.0.0.1:80 -n 64k -t 20000;
	rc=\$?; ip netns del $NS_LB2; exit \$rc"
ktap_finish
