#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Deleting a service or a backend stops new connections at once; live ones
# finish, or are cut when the request says "cut".  Connection limits refuse
# new clients at once and leave the others alone.
#
#   slb-cli              slb-lb                  slb-be1
#   slbpeer -c ----> 10.0.1.1:80 (rr) ----> slbpeer -l [::]:80
#
source "$(dirname "$0")/lib.sh"
trap topo_cleanup EXIT

[ "$BALANCER" = module ] || exit "$KSFT_SKIP"

lbctl() {
	in_ns "$NS_LB" /usr/bin/lbctl "$@"
}

configure() {
	lbctl flush cut
	lbctl service add "$VIP4:80" "$@"
	lbctl backend add "$(be4 1):80" service "$VIP4:80"
}

# slow_client EXPECT: a client that waits 3 s before sending; its result.
slow_client() {
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 64k -s 3000 -e "$1" \
		-t 20000 >/tmp/teardown.cli &
	client=$!
	wait_for 10 bash -c "[ \$(ip netns exec $NS_LB grep -c established /proc/net/splicelb/conns) -ge 1 ]"
}

ktap_plan 10
topo_setup
serve 1 -n 64k -s 3000 -t 120000

configure
slow_client ok
lbctl service del "$VIP4:80"
check_wait "service deleted: its live connection finishes" "$client" /tmp/teardown.cli
check "service deleted: new clients are refused" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -e refused -t 5000

configure
slow_client reset
lbctl service del "$VIP4:80" cut
check_wait "service deleted with cut: its connection is reset" "$client" /tmp/teardown.cli

configure
slow_client ok
lbctl backend del "$(be4 1):80" service "$VIP4:80"
check_wait "backend deleted: its live connection finishes" "$client" /tmp/teardown.cli
check "backend deleted: the next client is reset, none left" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -e reset -t 5000

configure
slow_client reset
lbctl backend del "$(be4 1):80" service "$VIP4:80" cut
check_wait "backend deleted with cut: its connection is reset" "$client" /tmp/teardown.cli

configure maxconn 2
in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 64k -N 2 -s 3000 -t 20000 \
	>/tmp/teardown.two &
two=$!
wait_for 10 bash -c "[ \$(ip netns exec $NS_LB grep -c established /proc/net/splicelb/conns) -ge 2 ]"
check "maxconn 2: a third client is refused at once" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -e reset -t 2000
check_wait "maxconn 2: the two live connections are untouched" "$two" /tmp/teardown.two

configure
lb_sysctl max_conns 2
in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 64k -N 2 -s 3000 -t 20000 \
	>/tmp/teardown.two &
two=$!
wait_for 10 bash -c "[ \$(ip netns exec $NS_LB grep -c established /proc/net/splicelb/conns) -ge 2 ]"
check "netns max_conns 2: a third client is refused at once" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -e reset -t 2000
check_wait "netns max_conns 2: the two live connections are untouched" \
	"$two" /tmp/teardown.two
ktap_finish
