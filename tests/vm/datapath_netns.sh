#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Deleting the balancer's namespace with a live service and connections
# closes them all: no kernel report, nothing left behind, the module still
# serves other namespaces.
#
#   slb-cli                 slb-lb (deleted)       slb-be1
#   slbpeer -c x100 ----> 10.0.1.1:80 (rr) ----> slbpeer -l [::]:80
#
source "$(dirname "$0")/lib.sh"
trap topo_cleanup EXIT

[ "$BALANCER" = module ] || exit "$KSFT_SKIP"

ktap_plan 3
topo_setup
cat >/tmp/netns.conf <<CONF
service add $VIP4:80 scheduler rr
backend add $(be4 1):80 service $VIP4:80
CONF
serve 1 -n 1m -s 30000 -t 60000
lb_apply /tmp/netns.conf
bg "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 1m -N 100 -P 100 -s 30000 \
	-t 60000 -e reset
live() {
	test "$(in_ns "$NS_LB" grep -c . /proc/net/splicelb/conns)" -ge 100
}
check "100 connections live" wait_for 30 live
check "namespace deleted" ip netns del "$NS_LB"
# Namespace cleanup runs in a kernel worker: give it its time.
sleep 3
check "module serves a new namespace" bash -c "
	ip netns add slb-lb2 && ip -n slb-lb2 link set lo up &&
	ip netns exec slb-lb2 lbctl service add 127.0.0.1:80 &&
	ip netns exec slb-lb2 lbctl backend add 127.0.0.1:8080 service 127.0.0.1:80 &&
	(ip netns exec slb-lb2 $BIN/slbpeer -l 127.0.0.1:8080 -N 1 -t 20000 &) &&
	sleep 0.5 &&
	ip netns exec slb-lb2 $BIN/slbpeer -c 127.0.0.1:80 -n 64k -t 20000;
	rc=\$?; ip netns del slb-lb2; exit \$rc"
ktap_finish
