#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 64 MiB of random data each way at once through one connection arrive
# intact, and most of it was forwarded by page reference, not copied.  On
# the debug kernel, which moves about 400 KB/s each way under TCG, 16 MiB.
#
#   slb-cli                slb-lb                      slb-be1
#   slbpeer -c ---------> 10.0.1.1:80 (rr) --------> slbpeer -l [::]:80
#              <---------                 <---------
#
source "$(dirname "$0")/lib.sh"
trap topo_cleanup EXIT

ktap_plan 3
mib=64
! debug_kernel || mib=16
topo_setup
cat >/tmp/integrity.conf <<CONF
service add $VIP4:80 scheduler rr
backend add $(be4 1):80 service $VIP4:80
CONF
serve 1 -n "${mib}m" -N 1 -t 120000
lb_apply /tmp/integrity.conf

check "$mib MiB each way at once, checksums match" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n "${mib}m" -t 120000

if [ "$BALANCER" != module ]; then
	ktap_skip "bytes forwarded by page reference" "only the module splices"
	ktap_skip "no bytes lost or doubled in the counters" "module counters"
	ktap_finish
fi
stats=$(in_ns "$NS_LB" cat /proc/net/splicelb/stats)
echo "$stats" | sed 's/^/# /'
by_ref=$(awk '$1 == "bytes_by_ref" { print $2 }' <<<"$stats")
copied=$(awk '$1 == "bytes_copied" { print $2 }' <<<"$stats")
total=$(( (mib << 20) * 2 + 2 * (8 + 32) ))
check "most bytes forwarded by page reference ($by_ref by ref, $copied copied)" \
	test "$by_ref" -gt $((total / 2))
check "by-reference plus copied bytes equal the bytes moved" \
	test $((by_ref + copied)) = "$total"
ktap_finish
