#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The per-CPU counters add up exactly.  Two clients at once (so that both
# CPUs of the guest relay) open 400 connections in all over three backends,
# each moving one slbpeer frame each way: an 8-byte length, 32 KiB of
# payload (4 KiB on the debug kernel) and a 32-byte SHA-256.  Then every
# view of the counters says what the peers moved: the netns's in /proc and
# over netlink, the service's, and the sum of its backends'; the gauges are
# back to 0.  "lbctl zero" with 20 connections held open clears what is
# cumulative and leaves the gauges at 20.
#
#   slb-cli                       slb-lb                  slb-be1..3
#   slbpeer -c x200 (twice) ----> 10.0.1.1:80 (rr) ----> slbpeer -l [::]:80
#   connhold x20            ----> 10.0.1.1:81      ----> connhold -l :81
#
source "$(dirname "$0")/lib.sh"

trap topo_cleanup EXIT

CONNS=400
size=32768
! debug_kernel || size=4096
frame=$((size + 8 + 32))
tmp=/tmp/counters

# stat FILE KEY: a line "KEY VALUE" of FILE, the value.
stat() {
	awk -v k="$2" '$1 == k { print $2 }' "$1"
}

gauges_zero() {
	[ "$(in_ns "$NS_LB" awk '$1 ~ /^conns_(in)?active$/ { s += $2 } END { print s }' \
	     /proc/net/splicelb/stats)" = 0 ]
}

ktap_plan 7
mkdir -p "$tmp"
topo_setup
cat >"$tmp/conf" <<CONF
service add $VIP4:80 scheduler rr
backend add $(be4 1):80 service $VIP4:80
backend add $(be4 2):80 service $VIP4:80
backend add $(be4 3):80 service $VIP4:80
service add $VIP4:81 scheduler rr
backend add $(be4 1):81 service $VIP4:81
CONF
for i in 1 2 3; do
	serve "$i" -n "$size" -t 120000
done
bg "$(ns_be 1)" "$BIN/connhold" -l "0.0.0.0:81"
_wait_listen "$(ns_be 1)" "0.0.0.0:81"
lb_apply "$tmp/conf"

half=$((CONNS / 2))
pids=()
for c in a b; do
	ip netns exec "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n "$size" \
		-N "$half" -P 20 -t 120000 >"$tmp/peer.$c" 2>&1 &
	pids+=($!)
done
ok=0
wait "${pids[0]}" && wait "${pids[1]}" && ok=1
for c in a b; do
	sed 's/^/# /' "$tmp/peer.$c"
done
check "$CONNS connections of $size bytes each way, all intact" [ "$ok" = 1 ]
check "the gauges return to 0" wait_for 20 gauges_zero

in_ns "$NS_LB" cat /proc/net/splicelb/stats >"$tmp/proc"
sed 's/^/# /' "$tmp/proc"
want="conns_total=$CONNS bytes_in=$((CONNS * frame)) bytes_out=$((CONNS * frame))"
got="conns_total=$(stat "$tmp/proc" conns_total)"
got+=" bytes_in=$(stat "$tmp/proc" bytes_in) bytes_out=$(stat "$tmp/proc" bytes_out)"
check "/proc: $want" [ "$got" = "$want" ]
check "/proc: bytes by reference and copied add up to both directions" \
	[ $(($(stat "$tmp/proc" bytes_by_ref) + $(stat "$tmp/proc" bytes_copied))) \
	  = $((2 * CONNS * frame)) ]

in_ns "$NS_LB" lbctl -j stats >"$tmp/stats.json"
in_ns "$NS_LB" lbctl -j -s show >"$tmp/show.json"
check "netlink: the netns's counters are /proc's" json_has "$tmp/stats.json" \
	"all(j['stats'][k] == int(v) for k, v in
	     (l.split()[:2] for l in open('$tmp/proc')) if k in j['stats'])
	 and len(j['stats']) == 19"
check "the service's counters, and the sum of its backends', are the netns's" \
	json_has "$tmp/show.json" \
	"[s for s in j if s['service'] == '$VIP4:80'][0]['stats'] ==
	 {k: v for k, v in json.load(open('$tmp/stats.json'))['stats'].items()} ==
	 {k: sum(b['stats'][k] for b in [s for s in j
	      if s['service'] == '$VIP4:80'][0]['backends'])
	  for k in j[0]['stats']}"

# Zero with connections open: cumulative counters restart, gauges stay.
bg "$NS_CLI" "$BIN/connhold" "$VIP4:81" 20 >"$tmp/hold"
wait_for 20 grep -qx "ready 20" "$tmp/hold"
active20() {
	[ "$(in_ns "$NS_LB" awk '$1 == "conns_active" { print $2 }' \
	     /proc/net/splicelb/stats)" = 20 ]
}
wait_for 20 active20
in_ns "$NS_LB" lbctl zero
in_ns "$NS_LB" cat /proc/net/splicelb/stats >"$tmp/zeroed"
sed 's/^/# /' "$tmp/zeroed"
check "zero: cumulative counters 0, conns_active still 20" \
	awk '$1 == "conns_active" { a = $2 }
	     $1 != "conns_active" && $1 != "seconds" { s += $2 }
	     END { exit !(a == 20 && s == 0) }' "$tmp/zeroed"
ktap_finish
