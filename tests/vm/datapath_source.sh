#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where backend connections leave from: source client and source ADDR,...
#
#   - source client (transparent): with the gateway routed as
#     Documentation/transparent.md says, nginx on be1 logs the client's own
#     address, IPv4 and IPv6, with no PROXY header, and the payload arrives
#     intact; the service's checks leave from the gateway's own address;
#     a backend of the other family is refused;
#   - source ADDR,ADDR: with the gateway's port range narrowed to $PORTS
#     ports, one address cannot hold more than that many connections to one
#     backend (the excess fails), two addresses in a pool hold all of the
#     $CONNS connections, each address some, neither more than the range;
#     when the host loses one address of the pool, connections and checks
#     leave from the other, and no check fails for it.
#
#   slb-cli                 slb-lb                              slb-be1
#   10.0.1.2                10.0.1.1:90 source client  ------>  nginx :8080
#   fd00:1::2               [fd00:1::1]:90             ------>  (logs $remote_addr)
#   slbpeer -c  -------->                                       -> slbpeer :80
#                           ip rule iif be1 sport 8080 -> local
#   connhold x$CONNS  --->  10.0.1.1:92 source 10.0.11.3,.4  -> connhold -l :9000
#                           ip_local_port_range: $PORTS ports
#
source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
NGX_MOD=/usr/lib/nginx/modules/ngx_stream_module.so
# lbselect holds what an fd_set does: fewer connections, a narrower range.
if [ "$BALANCER" = module ]; then
	PORTS=1000 CONNS=1500
else
	PORTS=150 CONNS=220
fi
CLI4=10.0.1.2 CLI6=fd00:1::2	# slb-cli's, as topo_setup makes them
GW4=10.0.11.1			# the gateway's own on be1's link
POOL=10.0.11.3,10.0.11.4

cleanup() {
	[ -s "$tmp/ngx.pid" ] && kill "$(cat "$tmp/ngx.pid")" 2>/dev/null
	[ -n "${hold_pid:-}" ] && kill "$hold_pid" 2>/dev/null
	rm -rf "$tmp"
	topo_cleanup
}
trap cleanup EXIT

module() { [ "$BALANCER" = module ]; }

if module; then
	ktap_plan 8
else
	ktap_plan 6
fi
topo_setup

# ---- the gateway, routed as Documentation/transparent.md says ---------------

# The backends' answers from their service port to a client's address are
# the gateway's own: its transparent sockets take them.
in_ns "$NS_LB" ip rule add iif be1 ipproto 6 sport 8080 lookup 100
in_ns "$NS_LB" ip route add local 0.0.0.0/0 dev lo table 100
in_ns "$NS_LB" ip -6 rule add iif be1 ipproto 6 sport 8080 lookup 100
in_ns "$NS_LB" ip -6 route add local ::/0 dev lo table 100

# ---- source client -----------------------------------------------------------

mkdir -p "$tmp/ngx"
cat >"$tmp/ngx/nginx.conf" <<CFG
load_module $NGX_MOD;
user root;
daemon on;
pid $tmp/ngx.pid;
error_log $tmp/ngx/error.log notice;
events { worker_connections 256; }
stream {
    log_format who 'remote=\$remote_addr';
    server {
        listen $(be4 1):8080;
        listen [$(be6 1)]:8080;
        access_log $tmp/ngx.log who;
        proxy_pass 127.0.0.1:80;
        proxy_half_close on;
    }
}
CFG
serve 1 -n 16k -t 600000
in_ns "$(ns_be 1)" nginx -c "$tmp/ngx/nginx.conf" -p "$tmp/ngx/" \
	-e "$tmp/ngx/error.log"
_wait_listen "$(ns_be 1)" "$(be4 1):8080"

cat >"$tmp/conf" <<CONF
service add $VIP4:90 source client check tcp inter 500ms
backend add $(be4 1):8080 service $VIP4:90
service add [$VIP6]:90 source client
backend add [$(be6 1)]:8080 service [$VIP6]:90
CONF
lb_apply "$tmp/conf"

# served SVC: 10 slbpeer clients to SVC, each its payload checked.
served() {
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$1" -n 16k -N 10 -P 4 -t 60000
}
# logged ADDR N: nginx logged N connections from ADDR.
logged() {
	[ "$(grep -cx "remote=$1" "$tmp/ngx.log")" -ge "$2" ]
}

# served_logged SVC ADDR: 10 clients of SVC served, nginx logged ADDR.
served_logged() {
	served "$1" && wait_for 10 logged "$2" 10
}

check "source client: 10 IPv4 clients served, nginx logged $CLI4" \
	served_logged "$VIP4:90" "$CLI4"
check "source client: 10 IPv6 clients served, nginx logged $CLI6" \
	served_logged "[$VIP6]:90" "$CLI6"
sort "$tmp/ngx.log" | uniq -c | sed 's/^/# /'
check "... and the checks from the gateway's own $GW4" \
	wait_for 10 logged "$GW4" 1
# other_family_refused: lbctl exits 1 and says why; nothing was added.
other_family_refused() {
	local out rc=0

	out=$(in_ns "$NS_LB" lbctl backend add "[$(be6 2)]:8080" \
		service "$VIP4:90" 2>&1) || rc=$?
	echo "$out"
	[ "$rc" = 1 ] && [[ "$out" == *"of the other family"* ]] &&
	! in_ns "$NS_LB" lbctl show | grep -qF "$(be6 2)"
}
if module; then
	check "a backend of the other family is refused, with the reason" \
		other_family_refused
fi

# ---- source ADDR,ADDR ------------------------------------------------------

in_ns "$NS_LB" ip addr add "${POOL%,*}/24" dev be1
in_ns "$NS_LB" ip addr add "${POOL#*,}/24" dev be1
in_ns "$NS_LB" sysctl -qw net.ipv4.ip_local_port_range="40000 $((40000 + PORTS - 1))"
bg "$(ns_be 1)" "$BIN/connhold" -l "0.0.0.0:9000"
_wait_listen "$(ns_be 1)" "0.0.0.0:9000"

# held_from: the backend's connections on :9000, by the gateway's address.
held_from() {
	in_ns "$(ns_be 1)" ss -Htn state established '( sport = :9000 )' |
		awk '{ split($4, a, ":"); n[a[1]]++ } END { for (k in n) print k, n[k] }' |
		sort
}
held() {
	held_from | awk '{ s += $2 } END { print s + 0 }'
}
held_is() { [ "$(held)" = "$1" ]; }
backend_up() {
	lb_backend_health "$VIP4:92" "$(be4 1):9000" | grep -q '^up'
}

unhold() {
	kill "$hold_pid" 2>/dev/null
	wait "$hold_pid" 2>/dev/null || true
	hold_pid=
}
# hold_start: $CONNS clients, held open through the service on :92.
hold_start() {
	ip netns exec "$NS_CLI" "$BIN/connhold" "$VIP4:92" "$CONNS" \
		>"$tmp/hold" 2>&1 &
	hold_pid=$!
	# Those the balancer refuses may be reset as they open.
	wait_for 60 grep -q "^ready " "$tmp/hold" ||
		sed 's/^/# connhold: /' "$tmp/hold"
}

echo "service add $VIP4:92" >"$tmp/conf"
echo "backend add $(be4 1):9000 service $VIP4:92" >>"$tmp/conf"
lb_apply "$tmp/conf"
fails0=$(lb_stat connect_fails "$VIP4:92")
hold_start
# Every client is accepted; those past the range are then reset.
excess_failed() {
	[ $(($(lb_stat connect_fails "$VIP4:92") - fails0)) -ge \
	  $((CONNS - PORTS)) ]
}
range_bound() {
	[ "$(held)" -le "$PORTS" ] && excess_failed
}
wait_for 60 excess_failed || true
held_from | sed 's/^/# without a source: /'
check "without a source: at most $PORTS of $CONNS to one backend, the rest fail" \
	range_bound
unhold

if module; then
	in_ns "$NS_LB" lbctl service change "$VIP4:92" source "$POOL"
else
	sed -i "1s/\$/ source $POOL/" "$tmp/conf"
	lb_apply "$tmp/conf"
fi
hold_start
wait_for 60 held_is "$CONNS" || true
held_from | sed 's/^/# source '"$POOL"': /'
pool_held() {
	held_is "$CONNS" &&
	held_from | awk -v p="$PORTS" -v a="${POOL%,*}" -v b="${POOL#*,}" '
		$1 == a || $1 == b { k++; if ($2 > p || $2 < 1) bad = 1 }
		END { exit !(k == 2 && !bad) }'
}
check "source $POOL: all $CONNS held, from both, neither past $PORTS" pool_held
unhold

# A pool address the host loses: connections leave from the other, and
# the backend's checks, one in two of which would take it, do not fail.
if module; then
	in_ns "$NS_LB" lbctl service change "$VIP4:92" check tcp inter 100ms \
		fall 1
else
	sed -i "1s/\$/ check tcp inter 100ms fall 1/" "$tmp/conf"
	lb_apply "$tmp/conf"
fi
wait_for 10 backend_up || true
in_ns "$NS_LB" ip addr del "${POOL#*,}/24" dev be1
fails0=$(lb_stat check_fails "$VIP4:92")
held0=$(held)
ip netns exec "$NS_CLI" "$BIN/connhold" "$VIP4:92" 20 >"$tmp/hold" 2>&1 &
hold_pid=$!
# up_all_along SECONDS: every poll for that long finds the backend up
# and no check failed; the checks run ten times a second.
up_all_along() {
	local end=$((SECONDS + $1))

	while [ "$SECONDS" -lt "$end" ]; do
		backend_up &&
		[ "$(lb_stat check_fails "$VIP4:92")" = "$fails0" ] || return 1
		sleep 0.2
	done
}
moved_on() {
	wait_for 30 held_is $((held0 + 20)) && up_all_along 3 &&
	held_from | grep -qx "${POOL%,*} $((held0 + 20))"
}
check "the pool loses ${POOL#*,}: 20 more held from ${POOL%,*}, checks still pass" \
	moved_on
held_from | sed 's/^/# after the loss: /'
unhold

# shows_source: lbctl's JSON and /proc name the pool as the file does.
shows_source() {
	in_ns "$NS_LB" lbctl -j show >"$tmp/show.json" &&
	json_has "$tmp/show.json" \
		"[s for s in j if s['service'] == '$VIP4:92'][0]['source'] == '$POOL'" &&
	in_ns "$NS_LB" grep -q "^TCP  $VIP4:92 .* $POOL\$" \
		/proc/net/splicelb/services
}
if module; then
	check "lbctl and /proc show the service's source" shows_source
fi
ktap_finish
