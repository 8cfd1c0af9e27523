#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Slow start: a backend that becomes eligible again ramps its effective
# weight over the service's slowstart, in 20 steps, from 1/20 of its
# weight to all of it.
#
#   - wrr, three backends of weight 1, slowstart 10 s: be3 set down, then
#     up again; clients, 20 at a time, as fast as the guest serves them,
#     for 12 s: be3's share of each second (printed) starts near 1/33
#     (weights 16:16:1 in sixteenths), under 1/5 on any guest, and is
#     about 1/5 halfway; once the ramp is over it has 10 of 30; its
#     eweight reads less than its weight at first and its weight at the
#     end;
#   - its checks bring it back (tcp, 300 ms, rise 1): it ramps too;
#   - slowstart set to 0 mid-ramp: the whole weight at once;
#   - mh: no ramp, the share back at once (the tables would move other
#     clients at every step).
#
#   slb-cli                 slb-lb                         slb-be1..3
#   slbwho -c x20 ----> 10.0.1.1:80 wrr slowstart 10s ---> slbwho -l :80 beN
#
source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
cleanup() {
	rm -rf "$tmp"
	topo_cleanup
}
trap cleanup EXIT

RAMP=10
SVC=$VIP4:80
BE3=$(be4 3):80
# What the configuration says now; lbselect reads it whole on a reload.
SCHED=wrr
SLOWSTART=${RAMP}s
CHECK=
STATE3=down

write_conf() {
	local i

	echo "service add $SVC scheduler $SCHED slowstart $SLOWSTART $CHECK" \
		>"$tmp/conf"
	for i in 1 2; do
		echo "backend add $(be4 $i):80 service $SVC weight 1" \
			>>"$tmp/conf"
	done
	echo "backend add $BE3 service $SVC weight 1 state $STATE3" \
		>>"$tmp/conf"
}

# be3_state STATE: its admin state, as lbctl or a reload sets it.
be3_state() {
	STATE3=$1
	write_conf
	if [ "$BALANCER" = module ]; then
		in_ns "$NS_LB" lbctl backend change "$BE3" service "$SVC" \
			state "$1"
	else
		lb_apply "$tmp/conf"
	fi
}

# svc_change OPTION VALUE...: the service as lbctl or a reload changes it.
svc_change() {
	local opts=("$@")

	while [ $# -gt 0 ]; do
		case $1 in
		scheduler) SCHED=$2; shift 2 ;;
		slowstart) SLOWSTART=$2; shift 2 ;;
		check) CHECK="$*"; break ;;
		esac
	done
	write_conf
	if [ "$BALANCER" = module ]; then
		in_ns "$NS_LB" lbctl service change "$SVC" "${opts[@]}"
	else
		lb_apply "$tmp/conf"
	fi
}

# clients N: N clients, one after another, from the client's address; each
# prints "10.0.1.2 NAME" with the name of the backend that served it.
clients() {
	local i

	for ((i = 0; i < $1; i++)); do
		echo 10.0.1.2
	done | in_ns "$NS_CLI" "$BIN/slbwho" -c "$SVC"
}

now_ms() {
	local us=${EPOCHREALTIME/./}

	echo $((us / 1000))
}

eweight() {
	lb_backend_eweight "$SVC" "$BE3"
}

# below ONE: is be3's effective weight below ONE (its weight)?
eweight_below() {
	awk -v e="$(eweight)" -v w="$1" 'BEGIN { exit !(e != "" && e < w) }'
}

eweight_is() {
	[ "$(eweight)" = "$1" ]
}

# ramp_shares SECONDS: clients 20 at a time for SECONDS from now; prints
# "second be3-count all-count" for each second.
ramp_shares() {
	local start end t

	start=$(now_ms)
	end=$((start + $1 * 1000))
	: >"$tmp/who"
	while t=$(now_ms) && [ "$t" -lt "$end" ]; do
		clients 20 | awk -v s=$(((t - start) / 1000)) '{ print s, $2 }' \
			>>"$tmp/who"
	done
	awk '{ n[$1]++; if ($2 == "be3") b[$1]++ }
	     END { for (s in n) print s, b[s] + 0, n[s] }' "$tmp/who" |
		sort -n
}

# share FROM TO: be3's share of the seconds FROM..TO, in percent.
share() {
	awk -v f="$1" -v t="$2" '$1 >= f && $1 <= t { b += $2; n += $3 }
		END { print n ? int(100 * b / n + 0.5) : -1 }' "$tmp/shares"
}

ktap_plan 10
topo_setup
for i in 1 2 3; do
	bg "$(ns_be $i)" "$BIN/slbwho" -l "0.0.0.0:80" "be$i"
done
for i in 1 2 3; do
	wait_for 10 in_ns "$(ns_be $i)" ss -Hltn "sport = :80"
done

# 1. Admin state down, then up.
write_conf
lb_apply "$tmp/conf"
be3_state up
check "be3 up again: its eweight is below its weight" eweight_below 1
ramp_shares $((RAMP + 2)) >"$tmp/shares"
while read -r s b n; do
	echo "# second $s: be3 $b of $n ($((100 * b / n))%)"
done <"$tmp/shares"
first=$(share 0 0)
# Seconds 3 to 7 of 10: the debug guest serves a batch in some 3 s, so
# a narrower span may hold no batch at all.
mid=$(share 3 7)
# Past the ramp, 30 clients: a whole number of wrr's cycles of 3.
last=$(clients 30 | grep -c ' be3$' || true)
# Near 1/33 where a batch of 20 takes a fraction of a second; a slower
# guest's first batch runs into the next steps.
check "first second: be3 has under 20% of new clients ($first%)" \
	test "$first" -ge 0 -a "$first" -lt 20
check "halfway: more than at first, less than a full share ($mid%)" \
	test "$mid" -gt "$first" -a "$mid" -lt 33
check "past the ramp: a full third, $last of 30" test "$last" = 10
check "past the ramp: its eweight is its weight" eweight_is 1

# 2. Its checks bring it back.
be3_health_is() {
	[ "$(lb_backend_health "$SVC" "$BE3" | cut -d' ' -f1)" = "$1" ]
}

up_and_ramping() {
	be3_health_is up && eweight_below 1
}

svc_change check tcp inter 300ms rise 1 fall 1
check "checked: be3 up" wait_for 10 be3_health_is up
kill "${_bg_pids[2]}"
check "its server killed: be3 down" wait_for 10 be3_health_is down
bg "$(ns_be 3)" "$BIN/slbwho" -l "0.0.0.0:80" be3
check "its server back: be3 up, and ramping" wait_for 10 up_and_ramping

# 3. slowstart 0 mid-ramp.
svc_change check none
be3_state down
be3_state up
eweight_below 1 || echo "# be3 not ramping before slowstart 0"
svc_change slowstart 0
clients 3 >/dev/null
check "slowstart 0 mid-ramp: the whole weight at once" eweight_is 1

# 4. mh does not ramp.
svc_change slowstart ${RAMP}s
svc_change scheduler mh
be3_state down
be3_state up
check "mh: be3's eweight is its weight at once" eweight_is 1
ktap_finish
