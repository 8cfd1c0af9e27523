#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lbctl restore creates a service with its backends in one SERVICE_NEW,
# and the kernel opens the listener only once they are all in place.  The
# proof is the service's creation event, decoded by the kernel's ynl: it
# reports the three backends (a service created first and given backends
# after would report none).  Meanwhile a client tries again and again to
# connect; once it gets through, round robin sends its three connections
# to three different backends, each backend's TotalConn 1.  What restore
# refuses is tested in lbctl.sh.
#
#   slb-cli                        slb-lb                       slb-be1..3
#   slbpeer -c, again until one    10.0.1.1:80 rr, made by      slbpeer -l
#   gets through, then two more -> lbctl restore meanwhile  -> [::]:80
#
source "$(dirname "$0")/lib.sh"

cleanup() {
	[ -z "$ynl_listener" ] || kill "$ynl_listener" 2>/dev/null || true
	topo_cleanup
}
trap cleanup EXIT

[ "$BALANCER" = module ] || exit "$KSFT_SKIP"

ktap_plan 5
topo_setup
for i in 1 2 3; do
	serve "$i" -n 1k -t 60000
done
conf=/tmp/restore_whole.conf
{
	echo "service add $VIP4:80 scheduler rr"
	for i in 1 2 3; do
		echo "backend add $(be4 "$i"):80 service $VIP4:80"
	done
} >"$conf"

# Tries until the service answers (refused before), then two more.
clients() {
	local tries=0

	until "$BIN/slbpeer" -c "$VIP4:80" -n 1k -e ok -t 10000 >/dev/null 2>&1; do
		tries=$((tries + 1))
		: >/tmp/restore_whole.trying
		[ "$tries" -lt 20000 ] || return 1
	done
	echo "# $tries refused tries before the service listened"
	"$BIN/slbpeer" -c "$VIP4:80" -n 1k -e ok -t 10000 &&
		"$BIN/slbpeer" -c "$VIP4:80" -n 1k -e ok -t 10000
}
export -f clients
export VIP4 BIN

rm -f /tmp/restore_whole.trying
in_ns "$NS_CLI" bash -c clients >/tmp/restore_whole.cli 2>&1 &
cli=$!
wait_for 20 test -e /tmp/restore_whole.trying
ynl_listen /tmp/restore_whole.ev "$NS_LB"
check "restore creates the service with its three backends" \
	in_ns "$NS_LB" lbctl restore "$conf"
check "its creation event already counts the three backends" \
	ynl_events /tmp/restore_whole.ev 'any(e["name"] == "service-new-ntf" and
		e["msg"]["service"]["nbackends"] == 3 for e in j)'
check_wait "the client's three connections went through" "$cli" \
	/tmp/restore_whole.cli
cat /tmp/restore_whole.cli

# TotalConn of each backend line of /proc/net/splicelb/services.
totals() {
	in_ns "$NS_LB" awk '$1 == "->" && $7 ~ /^[0-9]+$/ { print $7 }' /proc/net/splicelb/services
}
totals | sed 's/^/# TotalConn /'
check "each backend took one of the first three connections" \
	test "$(totals | tr '\n' ' ')" = "1 1 1 "
check "and restore's save is the file" \
	bash -c "ip netns exec $NS_LB lbctl save | sed 's/ backlog [0-9]* maxconn 0 maxqueue 0 queue-timeout 5s//; s/ weight 1 state up maxconn 0//' | diff -u $conf -"
ktap_finish
