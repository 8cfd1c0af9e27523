#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Half-close both ways: the client shuts its write side and still reads the
# whole reply; the backend closes its side first while the client is still
# sending.  A FIN passes only after every byte before it.
#
#   slb-cli             slb-lb                  slb-be1
#   slbpeer -c ----> 10.0.1.1:80 (rr) ----> slbpeer -l [::]:80
#
source "$(dirname "$0")/lib.sh"
trap topo_cleanup EXIT

ktap_plan 2
topo_setup
cat >/tmp/halfclose.conf <<CONF
service add $VIP4:80 scheduler rr
backend add $(be4 1):80 service $VIP4:80
CONF
lb_apply /tmp/halfclose.conf

# The server answers only after the client's FIN.
serve 1 -n 4m -N 1 -w -t 60000
check "client shuts write, then reads the whole 4 MiB reply" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 1m -t 60000
wait "${_bg_pids[-1]}"

# The client sends only after the server's FIN.
serve 1 -n 1m -N 1 -t 60000
check "backend closes first, client still sends 4 MiB after it" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 4m -w -t 60000
wait "${_bg_pids[-1]}"
ktap_finish
