#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An IPv6 service to IPv6 backends, and an IPv4 service to a mix of IPv4
# and IPv6 backends.
#
#   slb-cli                 slb-lb                      slb-be1..3
#   slbpeer -c ----> [fd00:1::1]:80 (rr) ----> [fd00:1i::2]:80
#   slbpeer -c ----> 10.0.1.1:80 (rr) -------> 10.0.11.2:80, [fd00:12::2]:80
#
source "$(dirname "$0")/lib.sh"
trap topo_cleanup EXIT

ktap_plan 2
topo_setup
cat >/tmp/ipv6.conf <<CONF
service add [$VIP6]:80 scheduler rr
backend add [$(be6 1)]:80 service [$VIP6]:80
backend add [$(be6 2)]:80 service [$VIP6]:80
backend add [$(be6 3)]:80 service [$VIP6]:80
service add $VIP4:80 scheduler rr
backend add $(be4 1):80 service $VIP4:80
backend add [$(be6 2)]:80 service $VIP4:80
CONF
for i in 1 2 3; do
	serve "$i" -n 256k -t 60000
done
lb_apply /tmp/ipv6.conf
check "IPv6 service to IPv6 backends, 6 connections intact" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "[$VIP6]:80" -n 256k -N 6 -P 1 \
	-t 60000
check "IPv4 service to IPv4 and IPv6 backends, 6 connections intact" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 256k -N 6 -P 1 -t 60000
ktap_finish
