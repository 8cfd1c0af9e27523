#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rmmod with 1,000 live connections completes, leaves no kernel report
# (the log is scanned after every test) and nothing behind: no socket in the
# balancer's namespace, and the guest's TCP sockets back to what they were
# before the service existed.  The module loads again and serves again.
#
#   slb-cli                 slb-lb                 slb-be1..3
#   slbpeer -c x1000 ---> 10.0.1.1:80 (rr) ---> slbpeer -l [::]:80
#
source "$(dirname "$0")/lib.sh"
trap topo_cleanup EXIT

[ "$BALANCER" = module ] || exit "$KSFT_SKIP"

ktap_plan 5
topo_setup
cat >/tmp/rmmod.conf <<CONF
service add $VIP4:80 scheduler rr backlog 4096
backend add $(be4 1):80 service $VIP4:80
backend add $(be4 2):80 service $VIP4:80
backend add $(be4 3):80 service $VIP4:80
CONF
for i in 1 2 3; do
	serve "$i" -n 1k -s 60000 -t 120000
done
sockets0=$(tcp_sockets)
lb_apply /tmp/rmmod.conf
# Clients that connect and then wait a minute before sending.
bg "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 1k -N 1000 -P 1000 -s 60000 \
	-t 120000 -e reset

live() {
	test "$(in_ns "$NS_LB" grep -c . /proc/net/splicelb/conns)" -ge 1000
}
check "1000 connections live" wait_for 60 live
start=$SECONDS
check "rmmod completes" timeout 60 rmmod splicelb
echo "# rmmod took $((SECONDS - start)) s"
check "no socket of ours left in the balancer's netns" \
	bash -c "! ip netns exec $NS_LB ss -Htn | grep -q ."
# The clients' and backends' ends close as the resets reach them.
check_sockets_back "$sockets0"
check "loads and serves again" bash -c "
	modprobe splicelb &&
	ip netns exec $NS_LB lbctl restore /tmp/rmmod.conf &&
	ip netns exec $(ns_be 1) $BIN/slbpeer -l '[::]:8080' -N 1 -t 20000 &
	for i in \$(seq 100); do
		ip netns exec $(ns_be 1) ss -Hltn 'sport = :8080' | grep -q . && break
		sleep 0.1
	done
	ip netns exec $NS_LB lbctl service add $VIP4:8080 &&
	ip netns exec $NS_LB lbctl backend add $(be4 1):8080 service $VIP4:8080 &&
	ip netns exec $NS_CLI $BIN/slbpeer -c $VIP4:8080 -n 64k -t 20000"
ktap_finish
