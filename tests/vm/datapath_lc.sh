#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Least connections counts what the backends hold.  Ten connections are
# held open on be1 alone (be2 and be3 down), then be2 and be3 come up and
# twenty more are held: lc gives them 10 and 10, be1 none (round robin
# would give be1 seven); wlc, weights 1:1:3, gives be2 5 and be3 15.
#
#   slb-cli                 slb-lb                  slb-be1..3
#   connhold x10, x20 ---> 10.0.1.1:80 (lc|wlc) ---> connhold -l :80
#
source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
cleanup() {
	rm -rf "$tmp"
	topo_cleanup
}
trap cleanup EXIT

# conf SCHED STATE W1 W2 W3: be2 and be3 in STATE.
conf() {
	cat >"$tmp/conf" <<CONF
service add $VIP4:80 scheduler $1
backend add $(be4 1):80 service $VIP4:80 weight $3
backend add $(be4 2):80 service $VIP4:80 weight $4 state $2
backend add $(be4 3):80 service $VIP4:80 weight $5 state $2
CONF
	# A fresh balancer: the last round's connections, half-closed by
	# their clients, still count against be1..3 while the backends,
	# holding on, do not close.
	if [ "$BALANCER" = module ]; then
		in_ns "$NS_LB" lbctl flush
	else
		_lbselect_stop
	fi
	lb_apply "$tmp/conf"
}

# Connections each backend holds, as "N1 N2 N3".
held() {
	local i

	for i in 1 2 3; do
		in_ns "$(ns_be "$i")" ss -Htn state established "sport = :80" |
			wc -l
	done | xargs
}

held_total() {
	local a b c

	read -r a b c <<<"$(held)"
	[ $((a + b + c)) = "$1" ]
}

# hold N: N more connections, held until the end of the round.
holders=()
hold() {
	local f=$tmp/hold.$RANDOM

	# Not through in_ns: $! must be connhold itself, to kill it.
	ip netns exec "$NS_CLI" "$BIN/connhold" "$VIP4:80" "$1" >"$f" &
	holders+=($!)
	wait_for 30 grep -qx "ready $1" "$f"
}

# round SCHED W1 W2 W3: what each backend holds after the two batches.
round() {
	conf "$1" down "$2" "$3" "$4"
	hold 10
	wait_for 30 held_total 10
	if [ "$BALANCER" = module ]; then
		in_ns "$NS_LB" lbctl backend change "$(be4 2):80" \
			service "$VIP4:80" state up
		in_ns "$NS_LB" lbctl backend change "$(be4 3):80" \
			service "$VIP4:80" state up
	else
		sed -i 's/ state down/ state up/' "$tmp/conf"
		lb_apply "$tmp/conf"
	fi
	hold 20
	wait_for 30 held_total 30
	held
	# The clients go, and with them what the backends hold.
	kill "${holders[@]}" 2>/dev/null || true
	wait "${holders[@]}" 2>/dev/null || true
	wait_for 30 held_total 0
}

ktap_plan 2
topo_setup
for i in 1 2 3; do
	bg "$(ns_be "$i")" "$BIN/connhold" -l "0.0.0.0:80"
	_wait_listen "$(ns_be "$i")" "0.0.0.0:80"
done

read -r a b c <<<"$(round lc 1 1 1)"
echo "# lc: be1 $a, be2 $b, be3 $c"
check "lc: be1 keeps its 10, the 20 new ones go 10 and 10 ($a $b $c)" \
	test "$a $b $c" = "10 10 10"

read -r a b c <<<"$(round wlc 1 1 3)"
echo "# wlc 1:1:3: be1 $a, be2 $b, be3 $c"
check "wlc 1:1:3: be1 keeps its 10, the 20 new ones go 5 and 15 ($a $b $c)" \
	test "$a $b $c" = "10 5 15"
ktap_finish
