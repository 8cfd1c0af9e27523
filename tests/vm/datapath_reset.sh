#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Resets propagate both ways: a client that aborts mid-stream resets the
# backend's connection, and a backend that aborts resets the client's.
#
#   slb-cli             slb-lb                  slb-be1
#   slbpeer -c ----> 10.0.1.1:80 (rr) ----> slbpeer -l [::]:80
#
source "$(dirname "$0")/lib.sh"
trap topo_cleanup EXIT

ktap_plan 4
topo_setup
cat >/tmp/reset.conf <<CONF
service add $VIP4:80 scheduler rr
backend add $(be4 1):80 service $VIP4:80
CONF
lb_apply /tmp/reset.conf

in_ns "$(ns_be 1)" "$BIN/slbpeer" -l "[::]:80" -n 8m -N 1 -e reset -t 60000 \
	>/tmp/reset.srv &
_wait_listen "$(ns_be 1)" "[::]:80"
check "client aborts after 1 MiB" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 8m -x 1m -e aborted \
	-t 60000
check_wait "backend sees the reset" $! /tmp/reset.srv

in_ns "$(ns_be 1)" "$BIN/slbpeer" -l "[::]:80" -n 8m -N 1 -x 1m -e aborted \
	-t 60000 >/tmp/reset.srv &
_wait_listen "$(ns_be 1)" "[::]:80"
check "client sees the backend's reset" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 8m -e reset -t 60000
check_wait "backend aborted after 1 MiB" $! /tmp/reset.srv
ktap_finish
