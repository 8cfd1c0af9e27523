#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 1,000 concurrent connections, each carrying its own random payload both
# ways, spread over three backends: every one arrives intact.  16 KiB each
# way; 1 KiB on the debug kernel, which moves about 120 KB/s in all under
# this load, so that the test is still of 1,000 at once.
#
#   slb-cli                  slb-lb                 slb-be1..3
#   slbpeer -c x1000 ----> 10.0.1.1:80 (rr) ----> slbpeer -l [::]:80
#
source "$(dirname "$0")/lib.sh"
trap topo_cleanup EXIT

ktap_plan 1
if [ "$BALANCER" = lbselect ]; then
	ktap_skip "1000 concurrent connections" \
		"lbselect holds $LBSELECT_MAX_CONNS (2 descriptors each, FD_SETSIZE 1024)"
	ktap_finish
fi
size=16k
! debug_kernel || size=1k
topo_setup
cat >/tmp/concurrent.conf <<CONF
service add $VIP4:80 scheduler rr backlog 4096
backend add $(be4 1):80 service $VIP4:80
backend add $(be4 2):80 service $VIP4:80
backend add $(be4 3):80 service $VIP4:80
CONF
for i in 1 2 3; do
	serve "$i" -n "$size" -t 120000
done
lb_apply /tmp/concurrent.conf
check "1000 concurrent connections, $size each way, all intact" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n "$size" -N 1000 -P 1000 \
	-s 500 -t 120000
ktap_finish
