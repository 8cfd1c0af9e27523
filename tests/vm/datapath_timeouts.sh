#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The idle, connect and half-close timeouts fire, and are counted.
#
#   slb-cli             slb-lb                  slb-be1 (serves)
#   slbpeer -c ----> 10.0.1.1:80 ---------> slb-be3 (drops SYNs)
#                    10.0.1.1:81
#
source "$(dirname "$0")/lib.sh"
trap topo_cleanup EXIT

ktap_plan 5
topo_setup
lb_sysctl idle_timeout_s 2
lb_sysctl connect_timeout_ms 500
lb_sysctl connect_retries 0
lb_sysctl client_fin_timeout_s 2
lb_sysctl server_fin_timeout_s 2
cat >/tmp/timeouts.conf <<CONF
service add $VIP4:80 scheduler rr
backend add $(be4 1):80 service $VIP4:80
service add $VIP4:81 scheduler rr
backend add $(be4 3):80 service $VIP4:81
CONF
syn_drop_backend
lb_apply /tmp/timeouts.conf

# Idle: neither side sends for 6 s; the balancer gives up after 2.
serve 1 -n 1k -s 6000 -t 30000
start=$SECONDS
check "idle connection closed by the balancer" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 1k -s 6000 -e reset \
	-t 30000
check "after about idle_timeout_s ($((SECONDS - start)) s)" \
	test $((SECONDS - start)) -le 5

# Connect: the only backend never answers.
check "connect timeout resets the client" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:81" -n 1k -e reset -t 10000

# Half-close: the client is done, the server keeps silent for 6 s.
kill "${_bg_pids[-1]}"
wait "${_bg_pids[-1]}" 2>/dev/null || true
serve 1 -n 1k -w -s 6000 -t 30000
check "half-closed connection closed after client_fin_timeout_s" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 1k -e reset -t 30000

# And the other way: the server is done, the client keeps silent for 6 s.
kill "${_bg_pids[-1]}"
wait "${_bg_pids[-1]}" 2>/dev/null || true
serve 1 -n 1k -t 30000
check "half-closed connection closed after server_fin_timeout_s" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 1k -w -s 6000 \
	-e reset -t 30000
ktap_finish
