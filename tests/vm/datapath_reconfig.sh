#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Changing weights, the scheduler and the backend set during a bulk
# transfer neither drops nor stalls it: the data arrives intact.
#
#   slb-cli                 slb-lb                      slb-be1..3
#   slbpeer -c 32 MiB ---> 10.0.1.1:80 (rr -> wrr) ---> slbpeer -l [::]:80
#
source "$(dirname "$0")/lib.sh"
trap topo_cleanup EXIT

[ "$BALANCER" = module ] || exit "$KSFT_SKIP"

lbctl() {
	in_ns "$NS_LB" /usr/bin/lbctl "$@"
}

ktap_plan 3
topo_setup
serve 1 -n 32m -t 120000
serve 2 -n 64k -t 120000
lbctl service add "$VIP4:80" scheduler rr
lbctl backend add "$(be4 1):80" service "$VIP4:80"

in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 32m -t 120000 \
	>/tmp/reconfig.bulk &
bulk=$!
wait_for 10 bash -c "[ \$(ip netns exec $NS_LB grep -c established /proc/net/splicelb/conns) -ge 1 ]"
changes=0
while kill -0 "$bulk" 2>/dev/null && [ "$changes" -lt 40 ]; do
	lbctl backend change "$(be4 1):80" service "$VIP4:80" \
		weight $((changes % 7 + 1))
	lbctl service change "$VIP4:80" scheduler \
		"$([ $((changes % 2)) = 0 ] && echo wrr || echo rr)"
	lbctl backend add "$(be4 2):80" service "$VIP4:80" weight 2
	lbctl backend del "$(be4 2):80" service "$VIP4:80"
	changes=$((changes + 1))
done
echo "# $changes rounds of changes during the transfer"
check_wait "32 MiB each way intact through $changes rounds of changes" \
	"$bulk" /tmp/reconfig.bulk
check "changes happened while it ran" test "$changes" -ge 2
check "new clients still served after the changes" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 64k -e ok -t 20000
ktap_finish
