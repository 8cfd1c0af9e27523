#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The hashing schedulers keep clients where they are.  For sh and mh:
# each of 200 client addresses lands on the same backend every time;
# deleting one of five backends moves its clients and no one else's (sh:
# none; mh: at most 1% of the others, the price of rebuilding a Maglev
# table, see lib/sched_mh.c); adding it back brings every client back.
# Then two balancers, in two namespaces, given the same five backends in
# opposite orders and the same mh seed, send each of the 200 clients to
# the same backend: with BALANCER=lbselect the second one is the module,
# so userspace and kernel must agree too.
#
#   slb-cli                  slb-lb                 slb-be1..3
#   slbwho -c, from          10.0.1.1:80 (sh|mh)    slbwho -l :80 and :81
#   10.0.1.10..209    --->   (forwards 10.0.2/24)   (be3: :80 only)
#                              |
#                            slb-lb2: 10.0.2.2:80 (mh, the module)
#
source "$(dirname "$0")/lib.sh"

NS_LB2=slb-lb2-$$
BACKENDS="$(be4 1):80 $(be4 1):81 $(be4 2):80 $(be4 2):81 $(be4 3):80"
GONE=$(be4 2):80
tmp=$(mktemp -d)

cleanup() {
	ip netns del "$NS_LB2" 2>/dev/null || true
	rm -rf "$tmp"
	topo_cleanup
}
trap cleanup EXIT

# conf FILE SCHED [SKIP] [REVERSE]: the service with the backends, less SKIP.
conf() {
	local file=$1 sched=$2 skip=${3:-} order=$BACKENDS b

	[ -z "${4:-}" ] || order=$(echo "$BACKENDS" | tr ' ' '\n' | tac | xargs)
	echo "service add $VIP4:80 scheduler $sched seed 7" >"$file"
	for b in $order; do
		[ "$b" = "$skip" ] ||
			echo "backend add $b service $VIP4:80" >>"$file"
	done
}

# who VIP OUT: "CLIENT BACKEND" for each of the 200 clients.
who() {
	in_ns "$NS_CLI" "$BIN/slbwho" -c "$1:80" <"$tmp/clients" >"$2"
}

# backend_del / backend_add SCHED: the balancer under test without, with $GONE.
backend_del() {
	if [ "$BALANCER" = module ]; then
		in_ns "$NS_LB" lbctl backend del "$GONE" service "$VIP4:80"
	else
		conf "$tmp/conf" "$1" "$GONE"
		lb_apply "$tmp/conf"
	fi
}

backend_add() {
	if [ "$BALANCER" = module ]; then
		in_ns "$NS_LB" lbctl backend add "$GONE" service "$VIP4:80"
	else
		conf "$tmp/conf" "$1"
		lb_apply "$tmp/conf"
	fi
}

# pair A B: "CLIENT BACKEND-IN-A BACKEND-IN-B" for each client of A.
pair() {
	awk 'NR == FNR { b[$1] = $2; next } { print $1, $2, b[$1] }' "$2" "$1"
}

# moved BEFORE AFTER: clients not on $GONE before whose backend changed.
moved() {
	pair "$1" "$2" | awk -v gone="$GONE" '$2 != gone && $2 != $3' | wc -l
}

lb_flush() {
	if [ "$BALANCER" = module ]; then
		in_ns "$NS_LB" lbctl flush
	fi
}

ktap_plan 7
topo_setup
for b in $BACKENDS; do
	i=${b#10.0.1}
	i=${i%%.*}
	bg "$(ns_be "$i")" "$BIN/slbwho" -l "0.0.0.0:${b##*:}" "$b"
	_wait_listen "$(ns_be "$i")" "$b"
done
for i in $(seq 10 209); do
	echo "addr add 10.0.1.$i/32 dev eth0"
done >"$tmp/addrs"
ip -n "$NS_CLI" -b "$tmp/addrs"
seq 10 209 | sed 's/^/10.0.1./' | sort >"$tmp/clients"

for sched in sh mh; do
	conf "$tmp/conf" "$sched"
	lb_apply "$tmp/conf"
	who "$VIP4" "$tmp/a"
	who "$VIP4" "$tmp/b"
	n=$(awk '{ print $2 }' "$tmp/a" | sort -u | grep -vc '^-$' || true)
	echo "# $sched: 200 clients over $n backends"
	check "$sched: each of 200 clients on the same backend twice, $n backends used" \
		bash -c "cmp -s $tmp/a $tmp/b && ! grep -q ' -\$' $tmp/a && [ $n -ge 4 ]"

	backend_del "$sched"
	who "$VIP4" "$tmp/c"
	others=$(moved "$tmp/a" "$tmp/c")
	gone=$(grep -c " $GONE\$" "$tmp/a" || true)
	echo "# $sched: deleting $GONE moved its $gone clients and $others others"
	limit=0
	[ "$sched" = mh ] && limit=2
	check "$sched: deleting 1 of 5 moves its $gone clients, $others others (at most $limit)" \
		bash -c "[ $others -le $limit ] && ! grep -q ' -\$' $tmp/c &&
			 ! grep -q ' $GONE\$' $tmp/c"

	backend_add "$sched"
	who "$VIP4" "$tmp/d"
	check "$sched: adding it back brings every client back" \
		cmp -s "$tmp/a" "$tmp/d"
	lb_flush
done

# A second gateway: the module in its own namespace, backends reversed.
ip netns add "$NS_LB2"
ip -n "$NS_LB2" link set lo up
ip link add eth0 netns "$NS_LB2" type veth peer name lb2 netns "$NS_LB"
ip -n "$NS_LB2" addr add 10.0.2.2/24 dev eth0
ip -n "$NS_LB2" link set eth0 up
ip -n "$NS_LB2" route add default via 10.0.2.1
ip -n "$NS_LB" addr add 10.0.2.1/24 dev lb2
ip -n "$NS_LB" link set lb2 up
in_ns "$NS_LB" sysctl -qw net.ipv4.ip_forward=1
modprobe splicelb
conf "$tmp/conf" mh
lb_apply "$tmp/conf"
conf "$tmp/conf2" mh "" reverse
sed -i "s/$VIP4:80/10.0.2.2:80/" "$tmp/conf2"
in_ns "$NS_LB2" lbctl restore "$tmp/conf2"
who "$VIP4" "$tmp/gw1"
who 10.0.2.2 "$tmp/gw2"
differ=$(pair "$tmp/gw1" "$tmp/gw2" | awk '$2 != $3 || $2 == "-"' | wc -l)
echo "# mh seed 7: $BALANCER and the module in $NS_LB2 differ on $differ of 200 clients"
check "mh: two gateways, backends in opposite orders, agree on all 200 clients ($differ differ)" \
	test "$differ" = 0
in_ns "$NS_LB2" lbctl flush
ktap_finish
