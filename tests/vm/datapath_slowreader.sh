#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A slow reader holds the sender back instead of filling the balancer's
# memory: the backend pushes 256 MiB as fast as it can while the client
# takes 1 KiB every 10 ms for 10 s.  Sampled every second meanwhile, the
# kernel's memory (slab and sockets) grows by a few socket buffers at most,
# and then no more: no backlog that grows by the second; lbselect's
# resident size stays put.  Then the client reads at full speed and all
# 256 MiB arrive intact (64 MiB on the debug kernel, which moves about
# 1.5 MB/s: still four times what the sender may get rid of meanwhile).
#
#   slb-cli                    slb-lb                  slb-be1
#   slbpeer -c        <------ 10.0.1.1:80 (rr) <------ slbpeer -l [::]:80
#   1 KiB / 10 ms for 10 s,                            256 MiB, flat out
#   then flat out
#
source "$(dirname "$0")/lib.sh"
trap topo_cleanup EXIT

SLOW_S=10
size=256m
! debug_kernel || size=64m
# What the kernel may hold when the sockets between sender and reader are
# full: four socket buffers, whose autotuning stops at 4 MiB (tcp_wmem)
# and 6 MiB (tcp_rmem), and stays far below that for a slow reader.
GROWTH_LIMIT_KB=$((16 << 10))
# Once they are full, the total stays within the batching of the kernel's
# socket memory counter (up to 1 MiB a CPU): no backlog growing by 1 MiB
# or more a second.
STEADY_LIMIT_KB=$((4 << 10))
# The balancer and the buffers around it hold a few MiB at most: that is
# all the sender gets rid of while the reader is slow.
TAKEN_LIMIT_KB=$((16 << 10))
# lbselect's buffers are allocated up front.
RSS_LIMIT_KB=512

ms() {
	local t=${EPOCHREALTIME/./}

	echo $((t / 1000))
}

# sleep_until MS: sleep until ms says MS.
sleep_until() {
	local d=$(($1 - $(ms)))

	[ "$d" -le 0 ] || sleep "$((d / 1000)).$(printf %03d $((d % 1000)))"
}

# Bytes the backend sent so far, in KiB (IP headers included).
sent_kb() {
	in_ns "$(ns_be 1)" awk '/^IpExt:/ && $2 ~ /^[0-9]/ { print int($9 / 1024) }' \
		/proc/net/netstat
}

ktap_plan 5
topo_setup
cat >/tmp/slowreader.conf <<CONF
service add $VIP4:80 scheduler rr
backend add $(be4 1):80 service $VIP4:80
CONF
serve 1 -n "$size" -N 1 -t 90000
lb_apply /tmp/slowreader.conf

mem0=$(kernel_mem_kb)
sent0=$(sent_kb)
[ "$BALANCER" != lbselect ] || rss0=$(lbselect_rss_kb)
t0=$(ms)
in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -r 1k -d 10 -D $((SLOW_S * 1000)) \
	-t 90000 >/tmp/slowreader.cli 2>&1 &
client=$!
# Count from the first byte: the first connect of a fresh guest can take
# a second or two.
flowing() {
	[ "$(sent_kb)" -gt "$sent0" ]
}
wait_for 10 flowing || echo "# nothing from the backend in 10 s"
t1=$(ms)
echo "# data flows after $((t1 - t0)) ms"
samples=()
rss_max=0
# Samples every second, all well within the slow phase: on a loaded host
# one may come late, and the last ones not at all.
for i in $(seq $((SLOW_S - 2))); do
	sleep_until $((t1 + i * 1000))
	[ $(($(ms) - t1)) -lt $(((SLOW_S - 2) * 1000 + 500)) ] || break
	mem=$(($(kernel_mem_kb) - mem0))
	taken=$(($(sent_kb) - sent0))
	samples+=("$mem")
	t=$(($(ms) - t1))
	line="# $((t / 1000)).$((t % 1000 / 100)) s: kernel +$mem KiB"
	line="$line, sender $taken KiB"
	if [ "$BALANCER" = lbselect ]; then
		rss=$(($(lbselect_rss_kb) - rss0))
		[ "$rss" -le "$rss_max" ] || rss_max=$rss
		line="$line, lbselect resident +$rss KiB"
	fi
	echo "$line"
done
# The peak, and the peak after the 2nd second over the 2nd second.
max=0
late=${samples[1]}
for i in "${!samples[@]}"; do
	[ "${samples[i]}" -le "$max" ] || max=${samples[i]}
	[ "$i" -lt 2 ] || [ "${samples[i]}" -le "$late" ] || late=${samples[i]}
done
steady=$((late - samples[1]))

check "kernel memory while slow (${#samples[@]} samples): +$max KiB at most" \
	sh -c "[ ${#samples[@]} -ge 3 ] && [ $max -le $GROWTH_LIMIT_KB ]"
check "no growing backlog: +$steady KiB at most after the 2nd second" \
	test "$steady" -le "$STEADY_LIMIT_KB"
check "the sender held back: $taken KiB sent in $((t / 1000)) s" \
	test "$taken" -le "$TAKEN_LIMIT_KB"
if [ "$BALANCER" = lbselect ]; then
	check "lbselect's resident size: +$rss_max KiB at most" \
		test "$rss_max" -le "$RSS_LIMIT_KB"
else
	ktap_skip "lbselect's resident size" "not lbselect"
fi
if wait "$client"; then
	ktap_ok "then at full speed: $size intact, $((($(ms) - t0) / 1000)) s in all"
else
	ktap_fail "then at full speed: $size intact"
	sed 's/^/# /' /tmp/slowreader.cli
fi
ktap_finish
