#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Backend maxconn and the service's queue.  A client's backend
# connection lasts 3 s (the server waits that long before it answers);
# X, a connection that sends nothing, holds its slot until killed:
#
#   - two backends of maxconn 1, six clients at once, maxqueue 4: two
#     are served, four wait, and all six are served in three rounds,
#     their payloads checked by checksum;
#   - one backend, X on it: A, B and C queue one after the other, D,
#     beyond maxqueue 3, is reset at once; X goes, and A, B and C are
#     served in the order they came;
#   - queue-timeout 1 s: a client waiting behind X is reset, and so is
#     one waiting when a queue-timeout of an hour is cut to 1 s;
#   - raising the backend's maxconn lets a waiter in beside X;
#   - a waiter that closes before sending a byte leaves the queue.
#
# The counters queued, queue_timeouts, refused and the queue length
# match what the clients saw.
#
#   slb-cli                  slb-lb                        slb-be1, slb-be2
#   slbpeer -c ...  --->  10.0.1.1:80 rr maxqueue N  --->  slbpeer -l -s 3000
#                         (backends maxconn 1)
#
source "$(dirname "$0")/lib.sh"

HOLD_MS=3000
tmp=$(mktemp -d)
cleanup() {
	rm -rf "$tmp"
	topo_cleanup
}
trap cleanup EXIT

# conf MAXQUEUE TIMEOUT [BE2-STATE]: a fresh balancer, counters at 0.
conf() {
	cat >"$tmp/conf" <<CONF
service add $VIP4:80 scheduler rr maxqueue $1 queue-timeout $2
backend add $(be4 1):80 service $VIP4:80 maxconn 1
backend add $(be4 2):80 service $VIP4:80 maxconn 1 state ${3:-up}
CONF
	if [ "$BALANCER" = module ]; then
		in_ns "$NS_LB" lbctl flush
		in_ns "$NS_LB" lbctl zero
	else
		_lbselect_stop
	fi
	# The last case's backend sockets gone, so that held1 counts ours.
	wait_for 60 held1_is 0
	lb_apply "$tmp/conf"
}

stat_is() {
	[ "$(lb_stat "$1")" = "$2" ]
}

# Backend connections be1 holds: open, or closed by its server only
# (after its answer), never by the balancer.
held1() {
	in_ns "$(ns_be 1)" ss -Htn state established state close-wait \
		state fin-wait-1 state fin-wait-2 "sport = :80" | wc -l
}

held1_is() {
	[ "$(held1)" = "$1" ]
}

# client NAME: a client in the background that appends NAME to
# $tmp/order once served, its payload checked.
client() {
	(
		ip netns exec "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 16k \
			-t 60000 >"$tmp/$1.log" 2>&1 &&
			echo "$1" >>"$tmp/order"
	) &
	clients+=($!)
}

# hold_slot: a connection that holds be1's one slot, sending nothing,
# until free_slot.
hold_slot() {
	ip netns exec "$NS_CLI" "$BIN/connhold" "$VIP4:80" 1 >"$tmp/hold" &
	holder=$!
	_bg_pids+=("$holder")
	wait_for 60 held1_is 1
}

free_slot() {
	kill "$holder"
	wait "$holder" 2>/dev/null || true
}

# check_clients NAME: NAME passes when every client() started so far was
# served.  Waited for here, not in check's subshell, whose children they
# are not.
check_clients() {
	local pid ok=0 f

	for pid in "${clients[@]}"; do
		wait "$pid" || ok=1
	done
	clients=()
	if [ $ok = 0 ]; then
		ktap_ok "$1"
		return
	fi
	ktap_fail "$1"
	for f in "$tmp"/[A-Z].log; do
		sed "s|^|# $(basename "$f" .log): |" "$f"
	done
}

ktap_plan 18
topo_setup
serve 1 -n 16k -s "$HOLD_MS" -t 600000
serve 2 -n 16k -s "$HOLD_MS" -t 600000
clients=()

# 1. Six clients, two slots, four wait.
conf 4 30s
start=$SECONDS
check "six clients on two backends of maxconn 1: all served, payloads intact" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -N 6 -P 6 -n 16k -t 60000
took=$((SECONDS - start))
echo "# six clients took ${took}s, three rounds of $((HOLD_MS / 1000))s"
check "no backend took a second connection: three rounds, not one (${took}s)" \
	test "$took" -ge $((3 * HOLD_MS / 1000 - 1))
check "queued 4, no timeout, nothing refused, the queue empty" \
	test "$(lb_stat queued) $(lb_stat queue_timeouts) $(lb_stat refused) $(lb_stat queue_len)" = "4 0 0 0"

# 2. Arrival order, and a full queue.
conf 3 30s down
: >"$tmp/order"
hold_slot
n=0
for c in A B C; do
	client "$c"
	n=$((n + 1))
	wait_for 60 stat_is queue_len "$n"
done
check "three wait in the queue" stat_is queue_len 3
check "a fourth, beyond maxqueue 3, is reset at once" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -e reset -t 5000
check "the full queue refused it" stat_is refused 1
free_slot
check_clients "the waiters are all served, payloads intact"
check "in the order they came: $(xargs <"$tmp/order")" \
	test "$(xargs <"$tmp/order")" = "A B C"
check "queued 3, the queue empty" \
	test "$(lb_stat queued) $(lb_stat queue_len)" = "3 0"
if [ "$BALANCER" = module ]; then
	in_ns "$NS_LB" lbctl -j -s service show >"$tmp/show.json"
	check "lbctl -s service show: queued 3, queue 0" json_has "$tmp/show.json" \
		'j[0]["stats"]["queued"] == 3 and j[0]["stats"]["queue_len"] == 0'
else
	ktap_skip "lbctl -s service show: the module's"
fi

# 3. queue-timeout.
conf 3 1s down
hold_slot
start=$SECONDS
check "queue-timeout 1s: a waiter is reset, the slot still taken" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -e reset -t 20000
echo "# the waiter was reset after $((SECONDS - start))s"
check "it timed out in the queue: queue_timeouts 1, queued 1, queue empty" \
	test "$(lb_stat queue_timeouts) $(lb_stat queued) $(lb_stat queue_len)" = "1 1 0"
check "the connection holding the slot is untouched" held1_is 1
free_slot

# 3b. A shorter queue-timeout holds for those waiting already.
conf 3 3600s down
hold_slot
ip netns exec "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -e reset -t 30000 \
	>"$tmp/long.log" 2>&1 &
long=$!
wait_for 60 stat_is queue_len 1
if [ "$BALANCER" = module ]; then
	in_ns "$NS_LB" lbctl service change "$VIP4:80" queue-timeout 1s
else
	sed -i "s/queue-timeout 3600s/queue-timeout 1s/" "$tmp/conf"
	lb_apply "$tmp/conf"
fi
check_wait "queue-timeout 3600s -> 1s: the waiter is reset" "$long" \
	"$tmp/long.log"
check "counted as a queue timeout" stat_is queue_timeouts 1
free_slot

# 4. A higher maxconn lets a waiter in at once.
conf 3 30s down
hold_slot
client W
wait_for 60 stat_is queue_len 1
if [ "$BALANCER" = module ]; then
	in_ns "$NS_LB" lbctl backend change "$(be4 1):80" service "$VIP4:80" \
		maxconn 2
else
	sed -i "/$(be4 1)/s/maxconn 1/maxconn 2/" "$tmp/conf"
	lb_apply "$tmp/conf"
fi
check_clients "maxconn 1 -> 2: the waiter is served beside the held slot"
free_slot

# 5. A waiter that closes before sending a byte has given up.
conf 3 30s down
hold_slot || { echo "# held1 $(held1)"; in_ns "$(ns_be 1)" ss -tan; cat "$tmp/hold"; exit 1; }
mkfifo "$tmp/go"
ip netns exec "$NS_CLI" bash -c "exec 3<>/dev/tcp/$VIP4/80
	read -r _ <$tmp/go
	exec 3>&-
	sleep 60" &
quitter=$!
_bg_pids+=("$quitter")
wait_for 60 stat_is queue_len 1 || { echo "# queue_len $(lb_stat queue_len) held1 $(held1)"; exit 1; }
timeout 10 bash -c "echo >$tmp/go" || { echo "# fifo"; exit 1; }
check "a waiter closing before a byte leaves the queue at once" \
	wait_for 10 stat_is queue_len 0
check "not by timing out, and the slot stays held" \
	test "$(lb_stat queue_timeouts) $(held1)" = "0 1"
kill "$quitter" 2>/dev/null || true
free_slot
ktap_finish
