#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Schedulers spread connections as promised: rr gives each of three
# backends 100 +- 1 of 300 connections, wrr 3:1:1 gives 180/60/60 +- 2,
# p2c 3:1:1 gives 180/60/60 +- 30 (one connection at a time, so loads tie
# and the first draw, by weight, wins: binomial, 30 is 3.5 sigma).
# Counted by the backends themselves.
#
#   slb-cli                 slb-lb                         slb-be1..3
#   slbpeer -c x300 ----> 10.0.1.1:80 (rr|wrr|p2c) ----> slbpeer -l [::]:80
#
source "$(dirname "$0")/lib.sh"
trap topo_cleanup EXIT

# spread SCHED W1 W2 W3: connections each backend served out of 300.
spread() {
	local sched=$1 i

	shift
	echo "service add $VIP4:80 scheduler $sched" >/tmp/spread.conf
	for i in 1 2 3; do
		echo "backend add $(be4 $i):80 service $VIP4:80 weight ${!i}" \
			>>/tmp/spread.conf
		in_ns "$(ns_be "$i")" "$BIN/slbpeer" -l "[::]:80" -t 40000 \
			>"/tmp/spread.$i" &
	done
	wait_for 10 in_ns "$(ns_be 3)" ss -Hltn "sport = :80"
	lb_apply /tmp/spread.conf
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -N 300 -P 1 -t 60000 >&2
	# The servers stop at their -t; take their counts then.
	killall -INT slbpeer 2>/dev/null || true
	wait
	for i in 1 2 3; do
		peer_count "/tmp/spread.$i" ok
	done | xargs
	lb_reset
}

lb_reset() {
	if [ "$BALANCER" = module ]; then
		in_ns "$NS_LB" lbctl flush
	else
		topo_cleanup
		topo_setup
	fi
}

within() {
	local got=$1 want=$2 slack=$3

	[ "$got" -ge $((want - slack)) ] && [ "$got" -le $((want + slack)) ]
}

ktap_plan 3
topo_setup

read -r a b c <<<"$(spread rr 1 1 1)"
echo "# rr: $a $b $c"
check "rr: 100 +- 1 each of 300 ($a $b $c)" \
	bash -c "[ $a -ge 99 ] && [ $a -le 101 ] && [ $b -ge 99 ] &&
	       [ $b -le 101 ] && [ $c -ge 99 ] && [ $c -le 101 ]"

read -r a b c <<<"$(spread wrr 3 1 1)"
echo "# wrr 3:1:1: $a $b $c"
if within "$a" 180 2 && within "$b" 60 2 && within "$c" 60 2; then
	ktap_ok "wrr 3:1:1: 180/60/60 +- 2 of 300 ($a $b $c)"
else
	ktap_fail "wrr 3:1:1: 180/60/60 +- 2 of 300 ($a $b $c)"
fi

read -r a b c <<<"$(spread p2c 3 1 1)"
echo "# p2c 3:1:1: $a $b $c"
if within "$a" 180 30 && within "$b" 60 30 && within "$c" 60 30; then
	ktap_ok "p2c 3:1:1: 180/60/60 +- 30 of 300 ($a $b $c)"
else
	ktap_fail "p2c 3:1:1: 180/60/60 +- 30 of 300 ($a $b $c)"
fi
ktap_finish
