#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A slow reader holds the sender back instead of filling the balancer's
# memory: the backend pushes 256 MiB as fast as it can while the client
# takes 1 KiB every 10 ms for 10 s.  Over those 10 s, sampled every second,
# the balancer's memory (the module: slab and socket memory; lbselect: its
# resident size) grows by a few socket buffers at most, not by megabytes a
# second.  Then the client reads at full speed and all 256 MiB arrive
# intact.
#
#   slb-cli                      slb-lb                  slb-be1
#   slbpeer -c          <------ 10.0.1.1:80 (rr) <------ slbpeer -l [::]:80
#   1 KiB / 10 ms for 10 s,                              256 MiB, flat out
#   then flat out
#
source "$(dirname "$0")/lib.sh"
trap topo_cleanup EXIT

SLOW_S=10
# A few socket buffers (tcp_rmem and tcp_wmem top out at 6 and 4 MiB): what
# the kernel may hold for the balancer's two sockets, and the sender's and
# the reader's, when every one of them is full.
KERNEL_LIMIT_KB=$((24 << 10))
# Once the buffers are full, nothing more: the growth between the second
# and the last sample.
STEADY_LIMIT_KB=$((2 << 10))
# lbselect's buffers are allocated up front: its resident size stays put.
RSS_LIMIT_KB=512

# Payload bytes the backend's socket got acknowledged: what the balancer
# took from the sender so far.
taken_kb() {
	in_ns slb-be1 ss -Htin "sport = :80" |
	sed -n 's/.*bytes_acked:\([0-9]*\).*/\1/p' | head -n1 |
	awk '{ print int($1 / 1024) }'
}

ktap_plan 4
topo_setup
cat >/tmp/slowreader.conf <<CONF
service add $VIP4:80 scheduler rr
backend add $(be4 1):80 service $VIP4:80
CONF
serve 1 -n 256m -N 1 -t 90000
lb_apply /tmp/slowreader.conf

mem0=$(kernel_mem_kb)
[ "$BALANCER" != lbselect ] || rss0=$(lbselect_rss_kb)
in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -r 1k -d 10 -D $((SLOW_S * 1000)) \
	-t 90000 >/tmp/slowreader.cli 2>&1 &
client=$!
start=$SECONDS
mem_max=0
rss_max=0
for i in $(seq "$SLOW_S"); do
	sleep 1
	mem=$(( $(kernel_mem_kb) - mem0 ))
	[ "$mem" -le "$mem_max" ] || mem_max=$mem
	[ "$i" != 2 ] || mem2=$mem
	line="# ${i} s: kernel +${mem} KiB, taken from the sender $(taken_kb) KiB"
	if [ "$BALANCER" = lbselect ]; then
		rss=$(( $(lbselect_rss_kb) - rss0 ))
		[ "$rss" -le "$rss_max" ] || rss_max=$rss
		line="$line, lbselect resident +${rss} KiB"
	fi
	echo "$line"
	echo "# DBG $(grep -E '^(Slab|SUnreclaim):' /proc/meminfo | xargs) $(grep TCP: /proc/net/sockstat)"
	for ns in slb-cli slb-lb slb-be1; do in_ns $ns ss -Htmi | grep -v LISTEN | sed "s/^/# DBG $ns /" | cut -c1-400 || true; done
done
taken=$(taken_kb)

check "kernel memory bounded while the reader is slow (+$mem_max KiB)" \
	test "$mem_max" -le "$KERNEL_LIMIT_KB"
check "and flat once the buffers are full (+$((mem - mem2)) KiB from 2 s to ${SLOW_S} s)" \
	test $((mem - mem2)) -le "$STEADY_LIMIT_KB"
if [ "$BALANCER" = lbselect ]; then
	check "lbselect's resident size flat (+$rss_max KiB)" \
		test "$rss_max" -le "$RSS_LIMIT_KB"
else
	echo "# the sender was held back: $taken KiB taken from it in ${SLOW_S} s"
	ktap_skip "lbselect's resident size flat" "not lbselect"
fi
if wait "$client"; then
	ktap_ok "then at full speed: 256 MiB intact ($((SECONDS - start)) s in all)"
else
	ktap_fail "then at full speed: 256 MiB intact"
	sed 's/^/# /' /tmp/slowreader.cli
fi
ktap_finish
