#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Least time sees a slow backend: be3's link delays everything it sends by
# 20 ms (netem), so its connects and RTTs are 20 ms and more; under the
# same offered load (300 connections, 4 at a time) lt gives it clearly
# fewer new connections than be1 and be2, which rr would give all the same.
#
#   slb-cli                 slb-lb                slb-be1..3
#   slbpeer -c x300 ----> 10.0.1.1:80 (lt) ----> slbpeer -l [::]:80
#                                                 be3: netem delay 20ms
#
source "$(dirname "$0")/lib.sh"
trap topo_cleanup EXIT

ktap_plan 2
topo_setup
tc -n "$(ns_be 3)" qdisc add dev eth0 root netem delay 20ms
cat >/tmp/lt.conf <<CONF
service add $VIP4:80 scheduler lt
backend add $(be4 1):80 service $VIP4:80
backend add $(be4 2):80 service $VIP4:80
backend add $(be4 3):80 service $VIP4:80
CONF
for i in 1 2 3; do
	in_ns "$(ns_be "$i")" "$BIN/slbpeer" -l "[::]:80" -n 4k -t 60000 \
		>"/tmp/lt.$i" &
done
wait_for 10 in_ns "$(ns_be 3)" ss -Hltn "sport = :80"
lb_apply /tmp/lt.conf
check "300 connections, 4 at a time, all served" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 4k -N 300 -P 4 \
	-t 60000
killall -INT slbpeer 2>/dev/null || true
wait
read -r a b c <<<"$(for i in 1 2 3; do peer_count "/tmp/lt.$i" ok; done | xargs)"
echo "# lt, be3 20 ms slower: be1 $a, be2 $b, be3 $c of 300"
check "lt: the delayed be3 gets clearly fewer (be1 $a, be2 $b, be3 $c)" \
	test $((c * 4)) -lt "$a" -a $((c * 4)) -lt "$b" -a $((a + b + c)) = 300
ktap_finish
