#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Dumps that span many netlink messages are complete and exact: 10,000
# backends of one service (lbctl, /proc), then 10,000 live connections
# (lbctl conns, /proc) held open by userspace/tools/connhold.
#
#   init netns, lo:
#     service 127.0.0.1:8000 -> 10,000 backends 10.1.x.y:80 (never contacted)
#     connhold (10,000 clients) -> service 127.0.0.1:9000
#                               -> backend 127.0.0.1:9001 (connhold -l)

source "$(dirname "$0")/lib.sh"

N=10000
tmp=$(mktemp -d)
pids=()

cleanup() {
	[ ${#pids[@]} = 0 ] || kill "${pids[@]}" 2>/dev/null || true
	lbctl flush cut 2>/dev/null || true
	modprobe -r splicelb 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# wait_for FILE PATTERN SECONDS
wait_for() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

ktap_plan 13
modprobe splicelb
ip link set lo up

{
	echo "service add 127.0.0.1:8000 scheduler wrr backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s"
	for ((i = 0; i < N; i++)); do
		echo "backend add 10.1.$((i / 250)).$((i % 250 + 1)):80 service 127.0.0.1:8000 weight $((i % 7)) state up maxconn $((i % 3))"
	done
} >"$tmp/conf"

check "restore $N backends" lbctl restore "$tmp/conf"
check "save is exactly what was restored" \
	bash -c "lbctl save | cmp - $tmp/conf"
check "show lists each backend once" \
	bash -c "lbctl show >$tmp/show &&
	       [ \$(grep -c '^  backend ' $tmp/show) = $N ] &&
	       [ -z \"\$(sort $tmp/show | uniq -d)\" ]"
check "backend dump of the service: $N rows" \
	bash -c "[ \$(lbctl backend show service 127.0.0.1:8000 | wc -l) = $N ]"
check "show -j -s is valid JSON" bash -c 'lbctl -j -s show | jsoncheck'
check "/proc/net/splicelb/services: $N backends, each once" \
	bash -c "[ \$(grep -c '^  -> 10[.]' /proc/net/splicelb/services) = $N ] &&
	       [ -z \"\$(sort /proc/net/splicelb/services | uniq -d)\" ]"

# Deleting 10,000 backends is one request; out of the way of what follows.
check "service del of $N backends" lbctl service del 127.0.0.1:8000

# Live connections: needs the data path.
connhold -l 127.0.0.1:9001 >"$tmp/server" &
pids+=($!)
wait_for "$tmp/server" listening 10
lbctl service add 127.0.0.1:9000 backlog 4096
lbctl backend add 127.0.0.1:9001 service 127.0.0.1:9000
connhold 127.0.0.1:9000 $N >"$tmp/clients" 2>&1 &
pids+=($!)
check "$N client connections up" wait_for "$tmp/clients" "^ready $N" 300

# Every connection relayed: the counters say so before we count rows.
conns_settled() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ "$(lbctl conns | tail -n +2 | wc -l)" = $N ] && return 0
		sleep 0.5
	done
	lbctl conns | tail -n +2 | wc -l
	return 1
}
check "lbctl conns: $N rows" conns_settled
check "lbctl conns: each id once" \
	bash -c "[ \$(lbctl conns | tail -n +2 | awk '{print \$1}' | sort -u | wc -l) = $N ]"
check "lbctl conns service filter: $N, and 0 for another" \
	bash -c "[ \$(lbctl conns service 127.0.0.1:9000 | tail -n +2 | wc -l) = $N ] &&
	       [ \$(lbctl conns service 127.0.0.1:8000 | tail -n +2 | wc -l) = 0 ]"
check "/proc/net/splicelb/conns: $N rows, each once" \
	bash -c "[ \$(tail -n +2 /proc/net/splicelb/conns | wc -l) = $N ] &&
	       [ \$(tail -n +2 /proc/net/splicelb/conns | awk '{print \$1}' | sort -u | wc -l) = $N ]"
check "lbctl -j conns is valid JSON" bash -c 'lbctl -j conns | jsoncheck'
ktap_finish
