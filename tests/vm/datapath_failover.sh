#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A backend that refuses, one that never answers the SYN and one that is
# unreachable: clients are still served, by the backend that works, each
# after a short delay at most.  With every backend down, the client gets a
# prompt reset and the counters show the failures.
#
#   slb-cli             slb-lb                     slb-be1  10.0.11.2:80  serves
#   slbpeer -c ----> 10.0.1.1:80 (rr) --+-------> slb-be2  10.0.12.2:81  refuses
#                                       +-------> slb-be3  10.0.13.2:80  drops SYNs
#                                       +-------> 10.0.99.2:80           no route
#
source "$(dirname "$0")/lib.sh"
trap topo_cleanup EXIT

ktap_plan 4
topo_setup
lb_sysctl connect_timeout_ms 500
lb_sysctl connect_retries 3
cat >/tmp/failover.conf <<CONF
service add $VIP4:80 scheduler rr
backend add $(be4 2):81 service $VIP4:80
backend add $(be4 3):80 service $VIP4:80
backend add 10.0.99.2:80 service $VIP4:80
backend add $(be4 1):80 service $VIP4:80
CONF
syn_drop_backend
serve 1 -n 64k -t 120000
lb_apply /tmp/failover.conf

start=$SECONDS
check "8 clients served despite 3 broken backends" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 64k -N 8 -P 1 -t 60000
check "within a short delay each (8 clients in $((SECONDS - start)) s)" \
	test $((SECONDS - start)) -le 20

kill "${_bg_pids[-1]}"
wait "${_bg_pids[-1]}" 2>/dev/null || true
start=$SECONDS
check "all backends down: the client is reset" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 64k -N 1 -e reset \
	-t 20000
if [ "$BALANCER" = module ]; then
	fails=$(in_ns "$NS_LB" awk '$1 == "connect_fails" { print $2 }' \
		/proc/net/splicelb/stats)
	check "connect failures counted ($fails)" test "${fails:-0}" -ge 4
else
	ktap_skip "connect failures counted" "module counters"
fi
ktap_finish
