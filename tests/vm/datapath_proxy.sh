#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The PROXY protocol, against the real programs that speak it.
#
#   - proxy-protocol v1 and v2, IPv4 and IPv6 clients: nginx's stream
#     module (listen ... proxy_protocol) and HAProxy (bind ... accept-proxy)
#     on be1 log the client's own address, not the gateway's; HAProxy logs
#     v2's unique id, which is the connection's id in lbctl conns; the
#     payload behind the header arrives intact (slbpeer's checksum);
#   - zero copy stays: bytes_copied grows by exactly the headers' bytes;
#   - checks of a proxy-protocol backend send a LOCAL header: nginx and
#     HAProxy take them as connections of the gateway's own, with no
#     client address;
#   - accept-proxy: HAProxy's send-proxy-v2 and nginx's proxy_protocol on,
#     in front of splicelb, name the client; splicelb sends it on to nginx
#     on be1, which logs it, and lbctl conns shows it with the front proxy
#     as the peer; sh hashes the header's address: each of 20 made-up
#     clients lands where a real client of that address does;
#   - a client without a header, or with none in time, is reset and
#     counted in proxy_errors.
#
#   slb-cli                  slb-lb                         slb-be1
#   slbpeer -c  ---------->  10.0.1.1:81 v1, :82 v2  -----> nginx :8081 proxy_protocol
#   (v4 and v6)              [fd00:1::1]:81, :82     -----> haproxy :8082 accept-proxy
#                                                           both to slbpeer :80
#   slbpeer -c  ---------->  haproxy :9000 send-proxy-v2
#                            nginx :9001 proxy_protocol on
#                               \--> 10.0.1.1:83 accept-proxy, v1 --> nginx :8081
#   socat, slbwho -c  ---->  10.0.1.1:84 sh (real clients), :85 sh accept-proxy
#                            --> slbwho on be1..be3 :86
#
source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
NGX_MOD=/usr/lib/nginx/modules/ngx_stream_module.so

cleanup() {
	local f

	for f in "$tmp"/*.pid; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	rm -rf "$tmp"
	topo_cleanup
}
trap cleanup EXIT

module() { [ "$BALANCER" = module ]; }

if module; then
	ktap_plan 14
else
	ktap_plan 11
fi
topo_setup

# ---- the real servers on be1, and the front proxies on the gateway ----------

# nginx_conf DIR BODY: an nginx configuration, its stream block BODY.
nginx_conf() {
	mkdir -p "$1"
	cat >"$1/nginx.conf" <<CFG
load_module $NGX_MOD;
user root;
daemon on;
pid $1.pid;
error_log $1/error.log notice;
events { worker_connections 256; }
stream {
$2
}
CFG
}

# proxy_half_close: slbpeer's client half-closes after its payload and
# waits for the echo, and nginx ends a session at its first FIN without it.
nginx_conf "$tmp/ngx-be" "
    log_format pp 'client=\$proxy_protocol_addr:\$proxy_protocol_port peer=\$remote_addr';
    server {
        listen $(be4 1):8081 proxy_protocol;
        listen [$(be6 1)]:8081 proxy_protocol;
        access_log $tmp/ngx-be.log pp;
        proxy_pass 127.0.0.1:80;
        proxy_half_close on;
    }"
nginx_conf "$tmp/ngx-front" "
    server {
        listen $VIP4:9001;
        proxy_pass $VIP4:83;
        proxy_protocol on;
        proxy_half_close on;
    }"

cat >"$tmp/haproxy-be.cfg" <<CFG
global
    log stdout format raw local0 info
defaults
    mode tcp
    log global
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend pp
    bind $(be4 1):8082 accept-proxy
    bind [$(be6 1)]:8082 accept-proxy
    option logasap
    log-format "client=%ci:%cp id=%[fc_pp_unique_id]"
    default_backend echo
backend echo
    server s1 127.0.0.1:80
CFG
cat >"$tmp/haproxy-front.cfg" <<CFG
defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend front
    bind $VIP4:9000
    default_backend lb
backend lb
    server lb $VIP4:83 send-proxy-v2
CFG

serve 1 -n 16k -t 600000
in_ns "$(ns_be 1)" nginx -c "$tmp/ngx-be/nginx.conf" -p "$tmp/ngx-be/" \
	-e "$tmp/ngx-be/error.log"
bg "$(ns_be 1)" bash -c "exec haproxy -db -f $tmp/haproxy-be.cfg >$tmp/haproxy-be.log 2>&1"
_wait_listen "$(ns_be 1)" "$(be4 1):8081"
_wait_listen "$(ns_be 1)" "$(be4 1):8082"
for i in 1 2 3; do
	bg "$(ns_be $i)" "$BIN/slbwho" -l "0.0.0.0:86" "be$i"
	_wait_listen "$(ns_be $i)" "$(be4 $i):86"
done

lb_sysctl connect_timeout_ms 1000
cat >"$tmp/conf" <<CONF
service add $VIP4:81 proxy-protocol v1 check tcp inter 500ms
backend add $(be4 1):8081 service $VIP4:81
service add [$VIP6]:81 proxy-protocol v1
backend add [$(be6 1)]:8081 service [$VIP6]:81
service add $VIP4:82 proxy-protocol v2 check tcp inter 500ms
backend add $(be4 1):8082 service $VIP4:82
service add [$VIP6]:82 proxy-protocol v2
backend add [$(be6 1)]:8082 service [$VIP6]:82
service add $VIP4:83 accept-proxy on proxy-protocol v1
backend add $(be4 1):8081 service $VIP4:83
service add $VIP4:84 scheduler sh
service add $VIP4:85 scheduler sh accept-proxy on
CONF
for i in 1 2 3; do
	for p in 84 85; do
		echo "backend add $(be4 $i):86 service $VIP4:$p"
	done
done >>"$tmp/conf"
lb_apply "$tmp/conf"

in_ns "$NS_LB" nginx -c "$tmp/ngx-front/nginx.conf" -p "$tmp/ngx-front/" \
	-e "$tmp/ngx-front/error.log"
bg "$NS_LB" bash -c "exec haproxy -db -f $tmp/haproxy-front.cfg >$tmp/haproxy-front.log 2>&1"
_wait_listen "$NS_LB" "$VIP4:9000"
_wait_listen "$NS_LB" "$VIP4:9001"

# clients SVC...: 10 slbpeer clients to each SVC, each its payload checked.
clients() {
	local svc

	for svc in "$@"; do
		in_ns "$NS_CLI" "$BIN/slbpeer" -c "$svc" -n 16k -N 10 -P 4 \
			-t 60000 || return 1
	done
}

# The lines of the clients' connections in LOG, nginx's or HAProxy's:
# those of the checks carry no address (nginx) or no unique id (HAProxy).
client_lines() {
	grep -E 'client=[0-9a-f]+[.:][^ ]* (peer=|id=[0-9])' "$1" || true
}

# logged_clients LOG: the distinct client addresses (no port) LOG names.
logged_clients() {
	client_lines "$1" | sed -n 's/.*client=\(.*\):[0-9]* .*/\1/p' |
		sort -u | xargs
}

# wait_logged LOG N: LOG has N client lines.
logged_at_least() {
	[ "$(client_lines "$1" | wc -l)" -ge "$2" ]
}
wait_logged() {
	wait_for 10 logged_at_least "$@"
}

# ---- sent: v1 and v2, to nginx and HAProxy -----------------------------------

copied0=$(lb_stat bytes_copied)
check "v1 to nginx: 10 IPv4 and 10 IPv6 clients served, payload intact" \
	clients "$VIP4:81" "[$VIP6]:81"
wait_logged "$tmp/ngx-be.log" 20 || true
check "v1: nginx logged the clients' own addresses ($(logged_clients "$tmp/ngx-be.log"))" \
	test "$(logged_clients "$tmp/ngx-be.log")" = "10.0.1.2 fd00:1::2"

check "v2 to HAProxy: 10 IPv4 and 10 IPv6 clients served, payload intact" \
	clients "$VIP4:82" "[$VIP6]:82"
wait_logged "$tmp/haproxy-be.log" 20 || true
check "v2: HAProxy logged the clients' own addresses ($(logged_clients "$tmp/haproxy-be.log"))" \
	test "$(logged_clients "$tmp/haproxy-be.log")" = "10.0.1.2 fd00:1::2"

# What the headers of those 40 connections weigh: v1's line as nginx
# logged it, v2's fixed 16 bytes, its addresses, and the unique id TLV.
v1_bytes() {
	client_lines "$tmp/ngx-be.log" |
	sed -n 's/.*client=\(.*\):\([0-9]*\) .*/\1 \2/p' |
	while read -r addr port; do
		case $addr in
		*:*) line="PROXY TCP6 $addr $VIP6 $port 81" ;;
		*) line="PROXY TCP4 $addr $VIP4 $port 81" ;;
		esac
		echo $((${#line} + 2))
	done | awk '{ s += $1 } END { print s }'
}
v2_bytes() {
	client_lines "$tmp/haproxy-be.log" |
	sed -n 's/.*client=\([^ ]*\) id=\([0-9]*\).*/\1 \2/p' |
	while read -r addr id; do
		case $addr in
		*:*:*) echo $((16 + 36 + 3 + ${#id})) ;;
		*) echo $((16 + 12 + 3 + ${#id})) ;;
		esac
	done | awk '{ s += $1 } END { print s }'
}
if module; then
	copied=$(($(lb_stat bytes_copied) - copied0))
	expect=$(($(v1_bytes) + $(v2_bytes)))
	check "zero copy: bytes_copied grew by the headers' $expect bytes ($copied)" \
		test "$copied" = "$expect"
	ids=$(client_lines "$tmp/haproxy-be.log" |
	      sed -n 's/.* id=\([0-9]*\)$/\1/p' | sort -u | wc -l)
	check "v2: HAProxy logged 20 distinct unique ids" test "$ids" = 20
fi

# Without a header nginx logs "broken header", HAProxy refuses the
# connection; with LOCAL they serve the gateway itself, with no client
# address (nginx's "-") and no unique id (HAProxy's).
checks_local() {
	grep -q 'client=-:- peer=10.0.11.1$' "$tmp/ngx-be.log" &&
		grep -q 'client=10.0.11.1:[0-9]* id=-$' "$tmp/haproxy-be.log" &&
		! grep -q 'broken header' "$tmp/ngx-be/error.log"
}
check "checks send LOCAL headers: nginx and HAProxy log them as the gateway's" \
	wait_for 10 checks_local

# ---- accepted: HAProxy and nginx in front ------------------------------------

client_lines "$tmp/ngx-be.log" >"$tmp/sent.log"
n0=$(wc -l <"$tmp/sent.log")
check "accept-proxy: 10 clients through HAProxy's send-proxy-v2, 10 through nginx's proxy_protocol" \
	clients "$VIP4:9000" "$VIP4:9001"
wait_logged "$tmp/ngx-be.log" $((n0 + 20)) || true
client_lines "$tmp/ngx-be.log" | tail -n +$((n0 + 1)) >"$tmp/accepted.log"
check "accept-proxy: the backend saw the client behind the front proxies ($(logged_clients "$tmp/accepted.log"), $(wc -l <"$tmp/accepted.log") lines)" \
	bash -c "[ \"$(logged_clients "$tmp/accepted.log")\" = 10.0.1.2 ] &&
		 [ $(wc -l <"$tmp/accepted.log") = 20 ]"

if module; then
	# A connection held open through HAProxy: its row names the client
	# and, as the peer, HAProxy on the gateway.
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:9000" -n 16k -s 3000 \
		-t 60000 >/dev/null 2>&1 &
	held=$!
	conn_row() {
		in_ns "$NS_LB" lbctl -j conns service "$VIP4:83" |
			grep -q '"peer"'
	}
	wait_for 5 conn_row || true
	in_ns "$NS_LB" lbctl -j conns service "$VIP4:83" >"$tmp/conns.json" || true
	check "lbctl conns: client 10.0.1.2, peer the front proxy $VIP4" \
		json_has "$tmp/conns.json" "any(c['client'].startswith('10.0.1.2:') and c['peer'].startswith('$VIP4:') for c in j)"
	wait "$held" || true
fi

# ---- sh over the header's address ----------------------------------------------

for i in $(seq 10 29); do
	echo "addr add 10.0.1.$i/32 dev eth0"
done >"$tmp/addrs"
ip -n "$NS_CLI" -b "$tmp/addrs"
seq 10 29 | sed 's/^/10.0.1./' | sort >"$tmp/clients"
in_ns "$NS_CLI" "$BIN/slbwho" -c "$VIP4:84" <"$tmp/clients" >"$tmp/real"
while read -r addr; do
	name=$(printf 'PROXY TCP4 %s %s 4321 85\r\n' "$addr" "$VIP4" |
	       in_ns "$NS_CLI" socat -t 5 - "TCP:$VIP4:85")
	echo "$addr $name"
done <"$tmp/clients" >"$tmp/claimed"
n=$(awk '{ print $2 }' "$tmp/real" | sort -u | wc -l)
check "sh: 20 made-up clients land where real ones of their addresses do ($n backends)" \
	bash -c "diff $tmp/real $tmp/claimed && [ $n -ge 2 ]"

# ---- refused: no header, or none in time ---------------------------------------

errors0=$(lb_stat proxy_errors "$VIP4:83")
check "no header: the client is reset at once" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:83" -n 1k -e reset -t 10000
check "no header in the connect timeout (1 s): reset" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:83" -n 1k -s 3000 -e reset \
		-t 10000
check "both counted in proxy_errors ($errors0 -> $(lb_stat proxy_errors "$VIP4:83"))" \
	test "$(lb_stat proxy_errors "$VIP4:83")" = $((errors0 + 2))

ktap_finish
