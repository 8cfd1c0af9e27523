#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lbctl end to end in one namespace: each command and its output, text and
# JSON, save -> flush -> restore -> save byte for byte, restore as one
# transaction (an error anywhere changes nothing), monitor's events, and the /proc and /proc/sys files
# the same configuration shows up in; a service's health checks and slow
# start, and a backend's agent, likewise.
#
#   init netns
#     lo: services 127.0.0.1:8080, [::1]:8080 (listening, never connected)
#         backends 10.0.1.1:80, [2001:db8::1]:80 (never contacted)
#         service 127.0.0.1:8092, checking backend 127.0.0.1:1 at port 2
#         (nothing listens: refused)
#         service 127.0.0.1:8093, with a slowstart
#         service 127.0.0.1:8094, its backend 127.0.0.1:3 with an agent at
#         port 9999 (nothing listens: polls refused, which change nothing)

source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
mon_pid=

cleanup() {
	[ -z "$mon_pid" ] || kill "$mon_pid" 2>/dev/null || true
	lbctl flush cut 2>/dev/null || true
	modprobe -r splicelb 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# expect_fail STATUS PATTERN CMD...: CMD exits STATUS, stderr matches.
expect_fail() {
	local want=$1 pattern=$2 rc=0
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	cat "$tmp/err"
	[ "$rc" = "$want" ] && grep -qE -- "$pattern" "$tmp/err"
}

# same FILE CMD...: CMD's output is FILE's, byte for byte.
same() {
	local want=$1
	shift
	"$@" >"$tmp/got" && diff -u "$want" "$tmp/got"
}

json_ok() {
	"$@" >"$tmp/json" && jsoncheck "$tmp/json" && cat "$tmp/json"
}

ktap_plan 104
modprobe splicelb
ip link set lo up

check "lbctl -V prints the version" \
	bash -c 'lbctl -V | grep -qx "lbctl [0-9.]*"'
check "help exits 0" bash -c 'lbctl help >/dev/null && lbctl -h >/dev/null'
check "usage error: exit 2 with the reason" \
	expect_fail 2 '^lbctl: service add: ADDR:PORT missing' lbctl service add
check "usage error: bad weight" \
	expect_fail 2 'bad weight "70000"' \
	lbctl backend add 10.0.1.1:80 service 127.0.0.1:8080 weight 70000
check "usage error: bad queue-timeout, with the units it takes" \
	expect_fail 2 'bad queue-timeout "0" \(1ms-3600s, as 250, 250ms or 5s\)' \
	lbctl service add 127.0.0.1:8080 queue-timeout 0

check "service add with every setting" \
	lbctl service add 127.0.0.1:8080 scheduler wrr backlog 64 maxconn 100 \
	maxqueue 10 queue-timeout 250ms
check "service add IPv6 with defaults" lbctl service add '[::1]:8080'
check "service added twice: exit 1, the kernel's message" \
	expect_fail 1 "^lbctl: $(kmsg 'service 127.0.0.1:8080 already exists' \
		'service already exists')\$" \
	lbctl service add 127.0.0.1:8080
check "prefixes: lbctl se c ... maxc 200" lbctl se c 127.0.0.1:8080 maxc 200
check "an ambiguous prefix: exit 2, naming the candidates" \
	expect_fail 2 '^lbctl: ambiguous "s": service, show, stats, save$' \
	lbctl s c 127.0.0.1:8080 maxc 300
check "ma is maxconn or maxqueue: exit 2, nothing changed" \
	expect_fail 2 '^lbctl: ambiguous "ma": maxconn, maxqueue$' \
	lbctl se c 127.0.0.1:8080 ma 300
printf 'service 127.0.0.1:8080 scheduler wrr backlog 64 maxconn 200 maxqueue 10 queue-timeout 250ms\n' \
	>"$tmp/svc"
check "service show ADDR" same "$tmp/svc" lbctl service show 127.0.0.1:8080

check "backend add with a weight and a maxconn" \
	lbctl backend add 10.0.1.1:80 service 127.0.0.1:8080 weight 5 maxconn 3
check "backend add IPv6, draining" \
	lbctl b a '[2001:db8::1]:80' se '[::1]:8080' state drain
check "state d is ambiguous: exit 2, nothing changed" \
	expect_fail 2 '^lbctl: ambiguous "d": drain, down$' \
	lbctl backend change '[2001:db8::1]:80' service '[::1]:8080' state d
check "backend change weight and state" \
	lbctl backend change 10.0.1.1:80 service 127.0.0.1:8080 weight 7 \
	state down
check "backend of an unknown service: exit 1" \
	expect_fail 1 "$(kmsg 'service 127.0.0.1:9999 does not exist' \
		'service does not exist')" \
	lbctl backend add 10.0.1.2:80 service 127.0.0.1:9999

cat >"$tmp/show" <<'EOF'
service 127.0.0.1:8080 scheduler wrr backlog 64 maxconn 200 maxqueue 10 queue-timeout 250ms
  backend 10.0.1.1:80 weight 7 state down maxconn 3
service [::1]:8080 scheduler rr backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s
  backend [2001:db8::1]:80 weight 1 state drain maxconn 0
EOF
# A drain backend without connections may already read "drained".
show_text() { lbctl show | sed 's/state drained /state drain /'; }
check "show: services with their backends" same "$tmp/show" show_text
check "show -s adds counters" \
	bash -c 'lbctl show -s | grep -q "^    conns 0 active 0 inactive 0"'
check "show -j is valid JSON" json_ok lbctl show -j
check "show -j carries the fields" \
	bash -c 'lbctl -j show | grep -q "\"backend\":\"10.0.1.1:80\",\"weight\":7,\"eweight\":7,\"state\":\"down\",\"maxconn\":3"'
check "show -j: the queue, its timeout in milliseconds" \
	bash -c 'lbctl -j show | grep -q "\"maxconn\":200,\"maxqueue\":10,\"queue_timeout_ms\":250,"'
check "show -s -p is valid JSON" json_ok lbctl show -s -p
check "backend show lists both" \
	bash -c '[ "$(lbctl backend show | wc -l)" = 2 ]'
check "stats, text and JSON" \
	bash -c 'lbctl stats | grep -q "^conns 0 active 0" && lbctl -j stats | jsoncheck'
check "conns: header only, and an empty JSON list" \
	bash -c '[ "$(lbctl conns | wc -l)" = 1 ] && [ "$(lbctl -j conns)" = "[]" ]'
check "zero" lbctl zero

check "/proc/net/splicelb/services" \
	bash -c 'grep -q "^TCP  127.0.0.1:8080 wrr 64 200 10 0.250 0 0.000 none off -$" /proc/net/splicelb/services &&
	       grep -q "^  -> 10.0.1.1:80 7 down 0 0 0 0 0 0 3 up none 7 0 - inherit$" /proc/net/splicelb/services &&
	       grep -q "^TCP  \[::1\]:8080 rr 511 0 0 5.000 0 0.000 none off -$" /proc/net/splicelb/services'
check "/proc/net/splicelb/stats" \
	bash -c 'grep -q "^conns_total 0$" /proc/net/splicelb/stats &&
	       grep -q "^bytes_in_per_s 0$" /proc/net/splicelb/stats'

# save -> flush -> restore -> save
lbctl save >"$tmp/save1"
check "save writes one line per object" \
	bash -c "[ \$(wc -l <$tmp/save1) = 4 ] &&
	       grep -qx 'service add 127.0.0.1:8080 scheduler wrr backlog 64 maxconn 200 maxqueue 10 queue-timeout 250ms' $tmp/save1 &&
	       grep -qx 'backend add 10.0.1.1:80 service 127.0.0.1:8080 weight 7 state down maxconn 3' $tmp/save1"
check "flush empties it" bash -c 'lbctl flush && [ -z "$(lbctl show)" ]'
check "restore reads save's output" lbctl restore "$tmp/save1"
check "save after restore is byte-identical" same "$tmp/save1" lbctl save
check "restore from stdin" \
	bash -c "lbctl flush && lbctl restore - <$tmp/save1 && lbctl save | cmp - $tmp/save1"

# A restore is one transaction: a file with an error on any line, naming
# a service that is missing or one that exists, or refused by the kernel
# half-way, leaves the configuration exactly as it was.
lbctl save >"$tmp/before"
good='service add 127.0.0.1:8081 scheduler rr
backend add 10.0.1.3:80 service 127.0.0.1:8081
backend add 10.0.1.4:80 service 127.0.0.1:8080 weight 9'

# bad_line N TEXT: the good file, its line N replaced by TEXT, in $tmp/bad.
bad_line() {
	awk -v n="$1" -v t="$2" 'NR == n { print t; next } 1' <<<"$good" \
		>"$tmp/bad"
}

# unchanged STATUS PATTERN: restoring $tmp/bad exits STATUS with PATTERN
# on stderr, and save shows the configuration from before.
unchanged() {
	expect_fail "$1" "$2" lbctl restore "$tmp/bad" &&
		same "$tmp/before" lbctl save
}

bad_line 1 'service add 127.0.0.1:8081 scheduler rr backlog 0'
check "restore: error on the first line, exit 2, nothing changed" \
	unchanged 2 "^$tmp/bad:1: bad backlog \"0\" \\(1-65535\\)$"
bad_line 2 'backend add 10.0.1.3:80 service 127.0.0.1:8081 weight 9 bogus 1'
check "restore: error on a middle line, nothing changed" \
	unchanged 2 "^$tmp/bad:2: unknown backend option \"bogus\"$"
bad_line 3 'backend add 10.0.1.4:80 service 127.0.0.1:8080 state d'
check "restore: abbreviation on the last line refused, nothing changed" \
	unchanged 2 "^$tmp/bad:3: bad state \"d\" \\(up, drain or down\\)$"
bad_line 3 'backend add 10.0.1.4:80 service 127.0.0.1:9999'
check "restore: a service neither file nor kernel has, exit 1, nothing changed" \
	unchanged 1 "^$tmp/bad:3: no service 127.0.0.1:9999: the file does not add it and the kernel has none$"
bad_line 1 'service add 127.0.0.1:8080 scheduler rr maxconn 7'
check "restore: a service that exists, nothing changed" \
	unchanged 1 "^$tmp/bad:1: service 127.0.0.1:8080 already exists$"
# Two backends before, the limit is met by the file's third: the kernel
# refuses it after a service and two backends were applied.
sysctl -qw net.splicelb.max_backends=4
printf '%s\nbackend add 10.0.1.5:80 service 127.0.0.1:8080\n' "$good" >"$tmp/bad"
check "restore: kernel refusal on the last line undoes the rest" \
	unchanged 1 "^$tmp/bad:4: limit reached: net.splicelb.max_backends$(kmsg ' = 4' '')"
check "restore: ... and says nothing was applied" \
	grep -qx "$tmp/bad: nothing applied: the configuration is as it was" \
	"$tmp/err"
sysctl -qw net.splicelb.max_backends=65536
printf '%s\n' "$good" >"$tmp/good"
check "restore: the good file applies whole, backends to a kernel service too" \
	bash -c "lbctl restore $tmp/good &&
		lbctl save | grep -qx 'backend add 10.0.1.4:80 service 127.0.0.1:8080 weight 9 state up maxconn 0' &&
		[ \"\$(lbctl backend show service 127.0.0.1:8081 | wc -l)\" = 1 ]"

# monitor: the events of a few changes, as text and as JSON lines
lbctl monitor >"$tmp/mon" &
mon_pid=$!
lbctl -j monitor >"$tmp/monj" &
monj_pid=$!
wait_for 10 subscribed "$mon_pid"
wait_for 10 subscribed "$monj_pid"
lbctl service add 127.0.0.1:8090
lbctl backend add 10.0.2.1:80 service 127.0.0.1:8090
lbctl backend change 10.0.2.1:80 service 127.0.0.1:8090 weight 3
lbctl service del 127.0.0.1:8090
wait_for 10 grep -q '^del service 127.0.0.1:8090' "$tmp/mon"
wait_for 10 grep -q '"event":"del","service"' "$tmp/monj"
kill "$mon_pid" "$monj_pid" 2>/dev/null || true
wait "$mon_pid" "$monj_pid" 2>/dev/null || true
mon_pid=
cat >"$tmp/mon_want" <<'EOF'
add service 127.0.0.1:8090 scheduler rr backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s
add backend 10.0.2.1:80 service 127.0.0.1:8090 weight 1 state up maxconn 0
change backend 10.0.2.1:80 service 127.0.0.1:8090 weight 3 state up maxconn 0
del service 127.0.0.1:8090 scheduler rr backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s
EOF
# Deleting a service may first report its backends' deletion.
check "monitor prints the events" \
	bash -c "grep -v '^del backend' $tmp/mon | diff -u $tmp/mon_want -"
check "monitor -j prints JSON lines" \
	bash -c "[ \$(wc -l <$tmp/monj) -ge 4 ] && jsoncheck -l $tmp/monj"

# Health checks: the options as show and save write them and restore
# reads them back, and what the checks find of a backend nothing listens
# at (127.0.0.1:1, checked at port 2: refused at once), in show, JSON,
# the counters, /proc and monitor's health event.
check "usage error: check send without expect" \
	expect_fail 2 '^lbctl: "check send" needs STR expect STR$' \
	lbctl service add 127.0.0.1:8092 check send x
check "usage error: a timeout under 10ms, as lib/check.c says" \
	expect_fail 2 '^lbctl: bad timeout "5": check timeout must be 10 ms to 1 hour$' \
	lbctl service add 127.0.0.1:8092 timeout 5
check "service add with a send-expect check" \
	lbctl service add 127.0.0.1:8092 check send 'PING\r\n' expect '+PONG' \
	inter 500ms fall 2 downinter 1s
cat >"$tmp/check_svc" <<'EOF'
service 127.0.0.1:8092 scheduler rr backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s check send "PING\r\n" expect "+PONG" inter 500ms timeout 500ms rise 2 fall 2 fastinter 500ms downinter 1s observe 0
EOF
check "service show: the check, with the intervals in effect" \
	same "$tmp/check_svc" lbctl service show 127.0.0.1:8092
check "service show -j: the check, escaped strings, milliseconds" \
	json_has <(lbctl -j service show 127.0.0.1:8092) \
	'j[0]["check"] == {"type": "send-expect", "send": "PING\\r\\n",
	 "expect": "+PONG", "inter_ms": 500, "timeout_ms": 500, "rise": 2,
	 "fall": 2, "fastinter_ms": 500, "downinter_ms": 1000,
	 "observe": 0}'
lbctl monitor >"$tmp/monh" &
mon_pid=$!
wait_for 10 subscribed "$mon_pid"
check "backend add with a check-port" \
	lbctl backend add 127.0.0.1:1 service 127.0.0.1:8092 check-port 2
down_refused() {
	lbctl backend show service 127.0.0.1:8092 |
		grep -q '^backend 127.0.0.1:1 service 127.0.0.1:8092 weight 1 state up maxconn 0 check-port 2 health down check refused 0/2 since [0-9]'
}
check "backend show: down, refused, 0 of the 2 to rise, since when" \
	wait_for 10 down_refused
check "monitor: the health event, with the check's result" \
	wait_for 10 grep -q '^health backend 127.0.0.1:1 service 127.0.0.1:8092 weight 1 state up maxconn 0 check-port 2 health down check refused 0 since ' "$tmp/monh"
kill "$mon_pid" 2>/dev/null || true
wait "$mon_pid" 2>/dev/null || true
mon_pid=
check "backend show -j: check_port, health, check_result, check_count" \
	json_has <(lbctl -j backend show service 127.0.0.1:8092) \
	'j[0]["check_port"] == 2 and j[0]["health"] == "down" and
	 j[0]["check_result"] == "refused" and j[0]["check_count"] == 0 and
	 j[0]["health_age_ms"] >= 0 and j[0]["eweight"] == 1'
check "show -s: failed checks, one change of health" \
	bash -c 'lbctl -s service show 127.0.0.1:8092 | grep -q "^    checks [1-9][0-9]* failed [1-9][0-9]* health_changes 1 observe_downs 0$"'
check "/proc/net/splicelb/services: the backend's health and last check" \
	grep -q '^  -> 127.0.0.1:1 1 up 0 0 0 0 0 0 0 down refused 1 0 - inherit$' \
	/proc/net/splicelb/services
lbctl save >"$tmp/save_check"
check "save writes every check option, the strings quoted, 0 for inter's" \
	grep -qxF 'service add 127.0.0.1:8092 scheduler rr backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s check send "PING\r\n" expect "+PONG" inter 500ms timeout 0 rise 2 fall 2 fastinter 0 downinter 1s observe 0' \
	"$tmp/save_check"
check "save writes a backend's check-port" \
	grep -qxF 'backend add 127.0.0.1:1 service 127.0.0.1:8092 weight 1 state up maxconn 0 check-port 2' \
	"$tmp/save_check"
check "flush, restore, save: the checks byte for byte" \
	bash -c "lbctl flush cut && lbctl restore $tmp/save_check &&
	       lbctl save | cmp - $tmp/save_check"
check "check tcp leaves no string of the send-expect check behind" \
	bash -c "lbctl service change 127.0.0.1:8092 check tcp &&
	       lbctl save | grep -qxF 'service add 127.0.0.1:8092 scheduler rr backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s check tcp inter 500ms timeout 0 rise 2 fall 2 fastinter 0 downinter 1s observe 0'"
check "a service whose checks run is deleted" \
	lbctl service del 127.0.0.1:8092 cut

# Slow start: the option as show, JSON, /proc and save write it, restore
# reads it back, and 0 takes it away again.
ss='127.0.0.1:8093 scheduler wrr backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s'
check "usage error: bad slowstart, with the units it takes" \
	expect_fail 2 'bad slowstart "3601s" \(0-3600s, as 250, 250ms or 5s\)' \
	lbctl service add 127.0.0.1:8093 slowstart 3601s
check "service add with a slowstart" \
	lbctl service add 127.0.0.1:8093 scheduler wrr slowstart 10s
check "service show: the slowstart, as save writes it" \
	bash -c "lbctl service show 127.0.0.1:8093 |
	       grep -qxF 'service $ss slowstart 10s'"
check "service show -j: slowstart_ms" \
	json_has <(lbctl -j service show 127.0.0.1:8093) \
	'j[0]["slowstart_ms"] == 10000'
check "/proc/net/splicelb/services: the slowstart in seconds" \
	grep -q '^TCP  127.0.0.1:8093 wrr 511 0 0 5.000 0 10.000 none off -$' \
	/proc/net/splicelb/services
lbctl save >"$tmp/save_slowstart"
check "save writes the slowstart" \
	grep -qxF "service add $ss slowstart 10s" "$tmp/save_slowstart"
check "flush, restore, save: the slowstart byte for byte" \
	bash -c "lbctl flush cut && lbctl restore $tmp/save_slowstart &&
	       lbctl save | cmp - $tmp/save_slowstart"
check "slowstart 0: none, left out of show and save, 0 in JSON" \
	bash -c "lbctl service change 127.0.0.1:8093 slowstart 0 &&
	       lbctl service show 127.0.0.1:8093 | grep -qxF 'service $ss' &&
	       lbctl save | grep -qxF 'service add $ss' &&
	       lbctl -j service show 127.0.0.1:8093 | grep -q '\"slowstart_ms\":0,'"
check "a service with a slowstart is deleted" \
	lbctl service del 127.0.0.1:8093

# Agents: the options as show, JSON, /proc and save write them, restore
# reads them back, and agent-port 0 takes the agent away again.  Nothing
# listens at its port: its polls are refused, which changes nothing.
ab='backend 127.0.0.1:3 service 127.0.0.1:8094 weight 1 state up maxconn 0'
check "usage error: agent-port 65536, exit 2, with the range" \
	expect_fail 2 '^lbctl: bad agent-port "65536" \(0-65535\)$' \
	lbctl backend add 127.0.0.1:3 service 127.0.0.1:8094 agent-port 65536
check "usage error: agent-inter 5ms, with the units it takes" \
	expect_fail 2 '^lbctl: bad agent-inter "5ms" \(10ms-3600s, as 250, 250ms or 5s\)$' \
	lbctl backend add 127.0.0.1:3 service 127.0.0.1:8094 agent-inter 5ms
lbctl monitor >"$tmp/mona" &
mon_pid=$!
wait_for 10 subscribed "$mon_pid"
check "backend add with an agent" \
	bash -c 'lbctl service add 127.0.0.1:8094 &&
	       lbctl backend add 127.0.0.1:3 service 127.0.0.1:8094 \
	       agent-port 9999 agent-inter 500ms'
agent_shown() {
	lbctl backend show service 127.0.0.1:8094 |
		grep -qE "^$ab agent-port 9999 agent-inter 500ms agent ready 100% up( \(refused\))?$"
}
check "backend show: the agent, as save writes it, and what it said" \
	wait_for 10 agent_shown
check "monitor: the add event, with the agent" \
	wait_for 10 grep -qE "^add $ab agent-port 9999 agent-inter 500ms agent ready 100% up" "$tmp/mona"
kill "$mon_pid" 2>/dev/null || true
wait "$mon_pid" 2>/dev/null || true
mon_pid=
check "backend show -j: the agent's keys" \
	json_has <(lbctl -j backend show service 127.0.0.1:8094) \
	'j[0]["agent_port"] == 9999 and j[0]["agent_inter_ms"] == 500 and
	 j[0]["agent_admin"] == "ready" and j[0]["agent_pct"] == 100 and
	 j[0]["agent_health"] == "up" and
	 j[0]["agent_result"] in ("none", "refused") and
	 j[0]["eweight"] == 1'
check "/proc/net/splicelb/services: AgentPort and Agent last" \
	grep -qE '^  -> 127.0.0.1:3 1 up 0 0 0 0 0 0 0 up none 1 9999 ready/100%/up/(none|refused) inherit$' \
	/proc/net/splicelb/services
lbctl save >"$tmp/save_agent"
check "save writes the agent-port and agent-inter" \
	grep -qxF "backend add 127.0.0.1:3 service 127.0.0.1:8094 weight 1 state up maxconn 0 agent-port 9999 agent-inter 500ms" \
	"$tmp/save_agent"
check "flush, restore, save: the agent byte for byte" \
	bash -c "lbctl flush cut && lbctl restore $tmp/save_agent &&
	       lbctl save | cmp - $tmp/save_agent"
check "agent-port 0: none, left out of show and save, 0 in JSON" \
	bash -c "lbctl backend change 127.0.0.1:3 service 127.0.0.1:8094 agent-port 0 &&
	       lbctl backend show service 127.0.0.1:8094 | grep -qxF '$ab' &&
	       lbctl save | grep -qxF 'backend add ${ab#backend }' &&
	       lbctl -j backend show service 127.0.0.1:8094 |
	       grep -q '\"agent_port\":0,\"agent_inter_ms\":[0-9]*}' &&
	       grep -q '^  -> 127.0.0.1:3 .* 0 - inherit$' /proc/net/splicelb/services"
check "a service whose backend had an agent is deleted" \
	lbctl service del 127.0.0.1:8094 cut

# The PROXY protocol: the options as show, JSON, /proc and save write
# them, restore reads them back; a backend's own choice over its
# service's, inherit giving it back.
ps='127.0.0.1:8095 scheduler rr backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s'
pb='service 127.0.0.1:8095 weight 1 state up maxconn 0'
check "usage error: proxy-protocol v3, with the choices" \
	expect_fail 2 '^lbctl: bad proxy-protocol "v3" \(none, v1 or v2\)$' \
	lbctl service add 127.0.0.1:8095 proxy-protocol v3
check "usage error: a service has nothing to inherit from" \
	expect_fail 2 '^lbctl: bad proxy-protocol "inherit" \(none, v1 or v2\)$' \
	lbctl service add 127.0.0.1:8095 proxy-protocol inherit
check "usage error: accept-proxy yes" \
	expect_fail 2 '^lbctl: bad accept-proxy "yes" \(on or off\)$' \
	lbctl service add 127.0.0.1:8095 accept-proxy yes
check "service and backends add with the PROXY options" \
	bash -c 'lbctl service add 127.0.0.1:8095 proxy-protocol v2 accept-proxy on &&
	       lbctl backend add 127.0.0.1:5 service 127.0.0.1:8095 proxy-protocol v1 &&
	       lbctl backend add 127.0.0.1:6 service 127.0.0.1:8095'
check "show: proxy-protocol and accept-proxy, the backend's own only" \
	bash -c "lbctl service show 127.0.0.1:8095 |
	       grep -qxF 'service $ps proxy-protocol v2 accept-proxy on' &&
	       lbctl backend show service 127.0.0.1:8095 |
	       grep -qE '^backend 127.0.0.1:5 $pb proxy-protocol v1( |\$)' &&
	       lbctl backend show service 127.0.0.1:8095 |
	       grep -E '^backend 127.0.0.1:6 ' | grep -qv proxy-protocol"
proxy_json() {
	json_has <(lbctl -j service show 127.0.0.1:8095) \
		'j[0]["proxy_protocol"] == "v2" and j[0]["accept_proxy"] == 1' &&
	json_has <(lbctl -j backend show service 127.0.0.1:8095) \
		'[b["proxy_protocol"] for b in j] == ["v1", "inherit"]'
}
check "show -j: proxy_protocol, accept_proxy, the backends' inherit" \
	proxy_json
check "/proc/net/splicelb/services: Proxy, AcceptProxy and Source last" \
	bash -c "grep -q '^TCP  127.0.0.1:8095 rr 511 0 0 5.000 0 0.000 v2 on -$' /proc/net/splicelb/services &&
	       grep -q '^  -> 127.0.0.1:5 .* v1$' /proc/net/splicelb/services &&
	       grep -q '^  -> 127.0.0.1:6 .* inherit$' /proc/net/splicelb/services"
lbctl save >"$tmp/save_proxy"
check "flush, restore, save: the PROXY options byte for byte" \
	bash -c "grep -qxF 'service add $ps proxy-protocol v2 accept-proxy on' $tmp/save_proxy &&
	       lbctl flush cut && lbctl restore $tmp/save_proxy &&
	       lbctl save | cmp - $tmp/save_proxy"
check "change: proxy-protocol none, accept-proxy off, the backend inherit" \
	bash -c "lbctl service change 127.0.0.1:8095 proxy-protocol none accept-proxy off &&
	       lbctl backend change 127.0.0.1:5 service 127.0.0.1:8095 proxy-protocol inherit &&
	       lbctl service show 127.0.0.1:8095 | grep -qxF 'service $ps' &&
	       ! lbctl backend show service 127.0.0.1:8095 | grep -q proxy-protocol"
check "a service with PROXY options is deleted" \
	lbctl service del 127.0.0.1:8095 cut

# source: the kernel's choice, the client's address, or a pool; the
# family rules are the kernel's too, for what restore cannot see.
ss='127.0.0.1:8096 scheduler rr backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s'
check "usage error: a pool address with a port" \
	expect_fail 2 '^lbctl: bad source "10.0.0.1:80": bad address "10.0.0.1:80"' \
	lbctl service add 127.0.0.1:8096 source 10.0.0.1:80
check "usage error: a multicast pool address" \
	expect_fail 2 '^lbctl: bad source "224.0.0.1": 224.0.0.1 is not a unicast address$' \
	lbctl service add 127.0.0.1:8096 source 224.0.0.1
check "service add with a pool of both families" \
	lbctl service add 127.0.0.1:8096 source 127.0.0.2,::1,127.0.0.3
check "a backend of a family the pool has is added" \
	lbctl backend add 127.0.0.1:7 service 127.0.0.1:8096
# source_is WORD: show, show -j and /proc name the source of :8096 WORD.
source_is() {
	local text=" source $1" proc=$1

	[ "$1" = none ] && text= proc=-
	lbctl service show 127.0.0.1:8096 | grep -qxF "service $ss$text" &&
	json_has <(lbctl -j service show 127.0.0.1:8096) \
		"j[0]['source'] == '$1'" &&
	grep -q "^TCP  127.0.0.1:8096 .* $proc\$" /proc/net/splicelb/services
}
check "show, show -j and /proc: the pool, in order" \
	source_is 127.0.0.2,::1,127.0.0.3
lbctl save >"$tmp/save_source"
check "flush, restore, save: the source byte for byte" \
	bash -c "grep -qxF 'service add $ss source 127.0.0.2,::1,127.0.0.3' $tmp/save_source &&
	       lbctl flush cut && lbctl restore $tmp/save_source &&
	       lbctl save | cmp - $tmp/save_source"
refused_pool() {
	expect_fail 1 "$(kmsg 'source has no address for backend 127.0.0.1:7' \
		"source has no address for a backend's family")" \
		lbctl service change 127.0.0.1:8096 source ::1 &&
	source_is 127.0.0.2,::1,127.0.0.3
}
check "refused: a pool without the family of a backend, and nothing changed" \
	refused_pool
client_then_none() {
	lbctl service change 127.0.0.1:8096 source client &&
	source_is client &&
	lbctl service change 127.0.0.1:8096 source none &&
	source_is none
}
check "change to client, then none: show follows" client_then_none
lbctl service change 127.0.0.1:8096 source client
check "refused: source client with a backend of the other family" \
	expect_fail 1 "$(kmsg 'source client: backend \[::1\]:7 of the other family' \
		'source client: a backend of the other family')" \
	lbctl backend add [::1]:7 service 127.0.0.1:8096
check "a service with a source is deleted" \
	lbctl service del 127.0.0.1:8096 cut

# The tunables: range checked, per namespace.
sysctl_dir=/proc/sys/net/splicelb
check "sysctl: every tunable is there" \
	bash -c "for f in connect_timeout_ms connect_retries idle_timeout_s client_fin_timeout_s server_fin_timeout_s max_conns max_services max_backends default_backlog relay_quantum check_max_inflight default_scheduler; do test -w $sysctl_dir/\$f || exit 1; done"
check "sysctl: out of range fails and keeps the old value" \
	bash -c "! echo 5 >$sysctl_dir/connect_timeout_ms 2>/dev/null &&
	       [ \$(cat $sysctl_dir/connect_timeout_ms) = 3000 ] &&
	       echo 20 >$sysctl_dir/connect_retries 2>/dev/null; [ \$(cat $sysctl_dir/connect_retries) = 2 ]"
check "sysctl: default_scheduler takes only known names" \
	bash -c "! echo nosuch >$sysctl_dir/default_scheduler 2>/dev/null &&
	       [ \$(cat $sysctl_dir/default_scheduler) = rr ] &&
	       echo wrr >$sysctl_dir/default_scheduler &&
	       lbctl service add 127.0.0.1:8091 &&
	       lbctl service show 127.0.0.1:8091 | grep -q 'scheduler wrr'"

check "service del ... cut, backend del" \
	bash -c 'lbctl service del 127.0.0.1:8080 cut &&
	       lbctl backend del 10.0.1.3:80 service 127.0.0.1:8081 &&
	       ! lbctl service show 127.0.0.1:8080 2>/dev/null'
ktap_finish
