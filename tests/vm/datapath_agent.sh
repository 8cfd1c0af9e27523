#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Agent checks, HAProxy's agent protocol, against an agent made with socat
# in be2's namespace that answers every connection with the line in a
# file; the test rewrites the file and waits for the module to poll it
# (agent-inter 500 ms, 1 s on the debug kernel).  wrr, be1 and be2 of
# weight 2; clients counted by the backend that served them:
#
#   - "up 100%": even shares; "50%": be2 at weight 1, a third; "drain":
#     none, health still up; "ready": a third again (the share stays);
#     "100% down # why": none, a change of health counted and sent as an
#     event; "UP": even shares; "maint", then "ready";
#   - a reply with no word it knows, and an agent that is gone, change
#     nothing (their results are shown); agent-port 0 after "drain": the
#     backend serves again, as if the agent had never spoken;
#   - a share above 100% is taken as 100%: an agent never raises a weight;
#   - agent-port changed and the backend deleted while polls are in
#     flight, 20 times (10 on the debug kernel), are clean (the kernel log
#     is scanned after it).
#
#   slb-cli                 slb-lb                        slb-be1  slbwho :80
#   slbwho -c x6 ----->  10.0.1.1:80 wrr ---------------> slb-be2  slbwho :80
#                        agent 10.0.12.2:9999 ---------->          socat :9999
#
source "$(dirname "$0")/lib.sh"

[ "$BALANCER" = module ] || exit "$KSFT_SKIP"

tmp=$(mktemp -d)
monitor=
cleanup() {
	if [ -n "$monitor" ]; then
		kill "$monitor" 2>/dev/null
		wait "$monitor" 2>/dev/null || true
	fi
	# The agent first: it reads its reply from $tmp.
	topo_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT

SVC=$VIP4:80
# An emulated guest forks socat's agents slowly; the debug one more so.
INTER=500ms
CHURN=20
debug_kernel && INTER=1s CHURN=10
BE1=$(be4 1):80
BE2=$(be4 2):80

# say LINE: what the agent answers from now on.
say() {
	printf '%s\n' "$1" >"$tmp/reply.new"
	mv "$tmp/reply.new" "$tmp/reply"
}

# agent: "ADMIN PCT% HEALTH" as lbctl shows be2's agent, and "(RESULT)"
# after it when its last poll did not pass.
agent() {
	in_ns "$NS_LB" lbctl backend show service "$SVC" | awk -v be="$BE2" '
		$2 == be {
			for (i = 3; i <= NF; i++)
				if ($i == "agent") {
					v = $(i + 1) " " $(i + 2) " " $(i + 3)
					for (j = i + 4; j <= NF && $(i + 4) ~ /^\(/; j++) {
						v = v " " $j
						if ($j ~ /\)$/)
							break
					}
				}
			print v
		}' | sed 's/[()]//g'
}

# agent_is "ADMIN PCT% HEALTH [RESULT]": the result only when given, so
# that a poll that timed out on a slow guest is not taken for a change.
agent_is() {
	local got

	got=$(agent)
	[ "$#" -gt 0 ] && [[ $1 == *" "*" "*" "* ]] || got=$(cut -d' ' -f1-3 <<<"$got")
	[ "$got" = "$1" ]
}

# be2_field NAME: the word after NAME in be2's line of lbctl backend show.
be2_field() {
	in_ns "$NS_LB" lbctl backend show service "$SVC" | awk -v be="$BE2" \
		-v k="$1" '$2 == be { for (i = 3; i < NF; i++) if ($i == k) print $(i + 1) }'
}

be2_field_is() {
	[ "$(be2_field "$1")" = "$2" ]
}

# served N: how many of N clients be2 served.
served() {
	local i

	for ((i = 0; i < $1; i++)); do
		echo 10.0.1.2
	done | in_ns "$NS_CLI" "$BIN/slbwho" -c "$SVC" | grep -c ' be2$' || true
}

# expect_agent STATE N WANT: once the agent shows STATE, be2 serves WANT
# of N clients.
expect_agent() {
	local got

	wait_for 30 agent_is "$1" || {
		echo "# agent: \"$(agent)\", not \"$1\""
		return 1
	}
	got=$(served "$2")
	echo "# agent $1: be2 served $got of $2"
	[ "$got" = "$3" ]
}

ktap_plan 16
topo_setup
for i in 1 2; do
	bg "$(ns_be $i)" "$BIN/slbwho" -l "0.0.0.0:80" "be$i"
done
say "up 100%"
bg "$(ns_be 2)" socat TCP-LISTEN:9999,fork,reuseaddr \
	SYSTEM:"cat $tmp/reply 2>/dev/null"
for i in 1 2; do
	wait_for 10 in_ns "$(ns_be $i)" ss -Hltn "sport = :80"
done
wait_for 10 in_ns "$(ns_be 2)" ss -Hltn "sport = :9999"

in_ns "$NS_LB" lbctl service add "$SVC" scheduler wrr
in_ns "$NS_LB" lbctl backend add "$BE1" service "$SVC" weight 2
in_ns "$NS_LB" lbctl backend add "$BE2" service "$SVC" weight 2 \
	agent-port 9999 agent-inter "$INTER"
in_ns "$NS_LB" lbctl monitor >"$tmp/events" 2>&1 &
monitor=$!

check "up 100%: even shares (3 of 6)" expect_agent "ready 100% up" 6 3
say "50%"
check "50%: be2 at half its weight, 2 of 6" \
	expect_agent "ready 50% up" 6 2
check "... its eweight is 1 of its 2" be2_field_is eweight 1
say "drain"
check "drain: no new clients" expect_agent "drain 50% up" 6 0
check "drain: /proc/net/splicelb/services has the agent's word" \
	bash -c "ip netns exec $NS_LB cat /proc/net/splicelb/services |
		grep -q ' 9999 drain/50%/up/passed inherit\$'"
say "ready"
check "ready: the share of 50% again, 2 of 6" \
	expect_agent "ready 50% up" 6 2
changes=$(lb_stat health_changes)
say "100% down # maintenance window"
check "down: no new clients" expect_agent "ready 100% down" 6 0
check "down: one change of health counted" \
	test "$(lb_stat health_changes)" = $((changes + 1))
check "down: the event on the group" \
	wait_for 5 grep -q "$BE2.*agent ready 100% down" "$tmp/events"
say "UP"
check "UP, any case: even shares" expect_agent "ready 100% up" 6 3
say "maint"
check "maint: no new clients" expect_agent "maint 100% up" 6 0
say "hello there"
check "a reply with no word it knows changes nothing" \
	expect_agent "maint 100% up unexpected reply" 6 0
say "ready 250%"
check "250% is taken as 100%: even shares" \
	expect_agent "ready 100% up" 6 3
say "drain"
wait_for 30 agent_is "drain 100% up"
kill "${_bg_pids[2]}"
check "the agent gone: nothing changes, the poll is refused" \
	expect_agent "drain 100% up refused" 6 0
in_ns "$NS_LB" lbctl backend change "$BE2" service "$SVC" agent-port 0
agent_gone() {
	[ -z "$(agent)" ]
}

served_once_gone() {
	wait_for 30 agent_gone && [ "$(served 6)" = 3 ]
}
check "agent-port 0: it serves again, even shares" served_once_gone

# Polls in flight while the agent and the backend change.
# Its writes meet the resets of polls dropped midway: not worth a log.
bg "$(ns_be 2)" socat -lf /dev/null TCP-LISTEN:9999,fork,reuseaddr \
	SYSTEM:"sleep 0.05; cat $tmp/reply 2>/dev/null"
wait_for 10 in_ns "$(ns_be 2)" ss -Hltn "sport = :9999"
churn() {
	local i

	for ((i = 0; i < CHURN; i++)); do
		in_ns "$NS_LB" lbctl backend add "$(be4 3):80" service "$SVC" \
			agent-port 9999 agent-inter 10ms
		in_ns "$NS_LB" lbctl backend change "$BE2" service "$SVC" \
			agent-port $((9998 + i % 2)) agent-inter 10ms
		sleep 0.05
		in_ns "$NS_LB" lbctl backend del "$(be4 3):80" service "$SVC"
	done
}
check "agent-port changed, a backend deleted with polls in flight, $CHURN times" churn
ktap_finish
