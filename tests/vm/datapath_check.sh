#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Active health checks, against real servers.
#
#   - tcp, every 300 ms, rise 2, fall 3: be2's server killed, be2 is
#     down within fall x inter + timeout, and no client is sent to it
#     afterwards (no connect fails while 30 clients are served); its
#     server back, be2 is up within rise x inter (+ one interval, + the
#     guest's scheduling), and gets clients again;
#   - observe 2 with checks 5 s apart: be2's server killed, two clients'
#     connects refused mark it down at once;
#   - send-expect: Redis (redis-server) answers PING with +PONG, on a
#     check port apart from the served one; nginx answers an HTTP check
#     with 200; a backend that accepts and never answers is down by
#     timeout, one without a server by refusal, and nginx is down with
#     "unexpected reply" once the check asks it for a page it lacks;
#   - the module only: checks changed and backends deleted while checks
#     are in flight, 20 times, then rmmod with checks in flight, and a
#     namespace deleted with checks in flight, are clean (the kernel log
#     is scanned after every test).
#
#   slb-cli              slb-lb                        slb-be1  slbpeer :80, redis-server :6379
#   slbpeer -c  --->  10.0.1.1:80   tcp check  --->   slb-be2  slbpeer :80, nginx :8080
#                     10.0.1.1:6379 PING/+PONG        slb-be3  slbpeer :80, :6379 never answers
#                     10.0.1.1:8080 GET /health
#
source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
cleanup() {
	[ -s "$tmp/redis.pid" ] && kill "$(cat "$tmp/redis.pid")" 2>/dev/null
	[ -s "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null
	rm -rf "$tmp"
	topo_cleanup
}
trap cleanup EXIT

INTER=300
RISE=2
FALL=3
# Polls, workqueues and timers of an emulated guest; more on the debug one.
SLACK=1000
debug_kernel && SLACK=3000

if [ "$BALANCER" = module ]; then
	ktap_plan 22
else
	ktap_plan 17
fi
topo_setup

# The guest's busybox date has no %N.
now_ms() {
	local us=${EPOCHREALTIME/./}

	echo $((us / 1000))
}

# be_health SERVICE N: "up" or "down", and why, of backend N of SERVICE,
# at the service's port, or at PORT (in $port) when set.
be_health() {
	lb_backend_health "$1" "$(be4 "$2"):${port:-${1##*:}}"
}

health_is() {
	[ "$(be_health "$1" "$2" | cut -d' ' -f1)" = "$3" ]
}

# wait_health SERVICE N STATE BOUND-MS: N reaches STATE; prints the ms it
# took since $since (now, if unset), and fails past BOUND-MS + SLACK.
wait_health() {
	local start=${since:-$(now_ms)} end

	wait_for $((($4 + SLACK) / 1000 + 2)) health_is "$1" "$2" "$3" || {
		echo "# backend $2 of $1: $(be_health "$1" "$2"), not $3"
		return 1
	}
	end=$(now_ms)
	echo $((end - start))
	[ $((end - start)) -le $(($4 + SLACK)) ]
}

cat >"$tmp/conf" <<CONF
service add $VIP4:80 scheduler rr check tcp inter ${INTER}ms rise $RISE fall $FALL
backend add $(be4 1):80 service $VIP4:80
backend add $(be4 2):80 service $VIP4:80
backend add $(be4 3):80 service $VIP4:80
service add $VIP4:6379 check send "PING\\r\\n" expect "+PONG" inter ${INTER}ms
backend add $(be4 1):80 service $VIP4:6379 check-port 6379
backend add $(be4 3):6379 service $VIP4:6379
service add $VIP4:8080 check send "GET /health HTTP/1.0\\r\\n\\r\\n" expect " 200 " inter ${INTER}ms
backend add $(be4 2):8080 service $VIP4:8080
backend add $(be4 1):8080 service $VIP4:8080
CONF

serve 1 -n 4k -t 600000
serve 2 -n 4k -t 600000
be2_server=${_bg_pids[-1]}
serve 3 -n 4k -t 600000
# A listener that never accepts: connects complete, nothing answers.
bg "$(ns_be 3)" "$BIN/slbpeer" -l "[::]:6379" -A -B 64 -t 600000
_wait_listen "$(ns_be 3)" "[::]:6379"

in_ns "$(ns_be 1)" redis-server --bind "$(be4 1)" --port 6379 --save '' \
	--appendonly no --protected-mode no --daemonize yes \
	--pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log"
_wait_listen "$(ns_be 1)" "$(be4 1):6379"

mkdir -p "$tmp/nginx"
cat >"$tmp/nginx.conf" <<CFG
user root;
daemon on;
pid $tmp/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    server {
        listen $(be4 2):8080;
        location = /health { return 200 "ok\\n"; }
        location / { return 404; }
    }
}
CFG
in_ns "$(ns_be 2)" nginx -c "$tmp/nginx.conf" -p "$tmp/nginx/" \
	-e "$tmp/nginx/error.log"
_wait_listen "$(ns_be 2)" "$(be4 2):8080"

lb_apply "$tmp/conf"

# timed NAME WHY SERVICE N STATE BOUND-MS: a check that N reaches STATE
# within the bound (WHY says where it comes from) since $since, which it
# unsets; its name gives the time it took.
timed() {
	local name=$1 why=$2 ms

	shift 2
	if ms=$(wait_health "$@"); then
		ktap_ok "$name in $ms ms ($why = $4 ms)"
	else
		ktap_fail "$name within $4 ms: ${ms//$'\n'/ }"
	fi
	unset since
}

# down_for SERVICE N REASON: N goes down, for REASON.
down_for() {
	wait_health "$1" "$2" down 5000 >/dev/null &&
		[ "$(be_health "$1" "$2")" = "down $3" ]
}

# ---- tcp: down, not used, up again ------------------------------------------

for i in 1 2 3; do
	check "tcp: backend $i up" wait_health "$VIP4:80" "$i" up 5000
done
since=$(now_ms)
kill "$be2_server"
wait "$be2_server" 2>/dev/null || true
timed "tcp: be2 killed, down" "fall x inter + timeout" \
	"$VIP4:80" 2 down $((FALL * INTER + INTER))
check "tcp: be2 down, refused" down_for "$VIP4:80" 2 refused

fails0=$(lb_stat connect_fails "$VIP4:80")
check "tcp: 30 clients served while be2 is down" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 4k -N 30 -P 3 -t 60000
check "tcp: none was sent to be2 (connect fails $fails0 -> $(lb_stat connect_fails "$VIP4:80"))" \
	test "$(lb_stat connect_fails "$VIP4:80")" = "$fails0"

# From the moment it listens again: starting a program in the debug
# guest takes seconds, which say nothing of the checks.
serve 2 -n 4k -t 600000
be2_server=${_bg_pids[-1]}
since=$(now_ms)
timed "tcp: be2 back, up" "rise x inter + inter" \
	"$VIP4:80" 2 up $((RISE * INTER + INTER))
check "tcp: 30 clients served with be2 up again" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 4k -N 30 -P 3 -t 60000

# ---- observe: clients' failed connects, before any check -------------------

sed -i "1s/inter ${INTER}ms/inter 5s observe 2/" "$tmp/conf"
if [ "$BALANCER" = module ]; then
	in_ns "$NS_LB" lbctl service change "$VIP4:80" inter 5s observe 2
else
	lb_apply "$tmp/conf"
fi
since=$(now_ms)
kill "$be2_server"
wait "$be2_server" 2>/dev/null || true
# Round robin over three: two of six clients try be2 first, and are
# served by the next backend.
in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 4k -N 6 -P 1 -t 60000 \
	>/dev/null 2>&1 || true
SLACK=0 timed "observe 2: be2 down after its server went" \
	"three checks 5 s apart take 10 s; at most" "$VIP4:80" 2 down 4000
check "observe: down for its clients' refused connects" \
	down_for "$VIP4:80" 2 refused
check "observe: counted ($(lb_stat observe_downs "$VIP4:80"))" \
	test "$(lb_stat observe_downs "$VIP4:80")" = 1

# ---- send-expect --------------------------------------------------------------

port=80 check "redis: PING answered +PONG on the check port, up" \
	wait_health "$VIP4:6379" 1 up 5000
check "redis: a listener that never answers is down by timeout" \
	down_for "$VIP4:6379" 3 timeout
check "http: nginx answers 200 to GET /health, up" \
	wait_health "$VIP4:8080" 2 up 5000
check "http: no server on be1:8080, down, refused" \
	down_for "$VIP4:8080" 1 refused

sed -i "s|GET /health|GET /nope|" "$tmp/conf"
if [ "$BALANCER" = module ]; then
	in_ns "$NS_LB" lbctl service change "$VIP4:8080" \
		check send 'GET /nope HTTP/1.0\r\n\r\n' expect " 200 "
else
	lb_apply "$tmp/conf"
fi
check "http: a page nginx lacks, 404: down, unexpected reply" \
	down_for "$VIP4:8080" 2 "unexpected reply"

[ "$BALANCER" = module ] || ktap_finish

# ---- the module: changes, rmmod and netns deletion with checks in flight ----

# be3's :6379 never answers: its checks stay in flight their whole timeout.
churn() {
	local i

	for i in $(seq 20); do
		in_ns "$NS_LB" lbctl backend add "$(be4 3):6379" service "$VIP4:80" 2>/dev/null ||
			true
		in_ns "$NS_LB" lbctl service change "$VIP4:80" check send "x" \
			expect "y" inter 2s
		in_ns "$NS_LB" lbctl service change "$VIP4:80" check tcp inter 20ms
		in_ns "$NS_LB" lbctl backend del "$(be4 3):6379" service "$VIP4:80"
		in_ns "$NS_LB" lbctl service change "$VIP4:80" check none
		in_ns "$NS_LB" lbctl service change "$VIP4:80" check tcp \
			inter ${INTER}ms
	done
}
check "changes and deletions with checks in flight, 20 times" churn
check "the service's backends healthy again" \
	wait_health "$VIP4:80" 1 up 5000

# A namespace of its own with 50 services, whose checks hang: its
# loopback loses every packet, so that their SYNs go unanswered.  The
# balancer's own services go first, and come back after: their checks
# open and close sockets all the time, which the count would see.
in_ns "$NS_LB" lbctl flush cut
sockets0=$(fewest_sockets)
NS_X=slb-x-$$
ip netns add "$NS_X"
ip -n "$NS_X" link set lo up
in_ns "$NS_X" tc qdisc add dev lo root netem loss 100%
for i in $(seq 50); do
	echo "service add 127.0.0.2:$((1000 + i)) check tcp inter 10ms timeout 5s"
	echo "backend add 127.0.0.1:6379 service 127.0.0.2:$((1000 + i))"
done >"$tmp/x.conf"
in_ns "$NS_X" lbctl restore "$tmp/x.conf"
hanging() {
	test "$(in_ns "$NS_X" ss -Htn state syn-sent | wc -l)" -ge 40
}
check "50 checks in flight in a namespace of their own" wait_for 10 hanging
ip netns del "$NS_X"
check_sockets_back "$sockets0"
lb_apply "$tmp/conf"

start=$SECONDS
check "rmmod with checks in flight" timeout 60 modprobe -r splicelb
echo "# rmmod took $((SECONDS - start)) s"
ktap_finish
