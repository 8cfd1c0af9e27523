#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A fault soak: clients move checksummed payloads both ways through two
# services while the backends behind them are killed and restarted,
# reweighted, drained, deleted and added back, the scheduler changes, a
# backend's link goes down and up, and every /proc file and dump is read in
# a loop.  Then rmmod under load.  No transfer may complete with wrong
# bytes, every connection must end (completed, or reset or refused by the
# faults), the active counts must return to 0, rmmod must leave no socket
# of the module's in any namespace, and the module must load and serve
# again.  The kernel log and, on the debug kernel, kmemleak are judged by
# the rig (scripts/vm.d/init).
#
#   slb-cli                 slb-lb                           slb-be1..3
#   4 client loops ---> 10.0.1.1:80 (wrr/rr) --- be1..3 ---> slbpeer -l :80
#   slbpeer -c            both ways at once
#                 ---> 10.0.1.1:81 (rr/wrr) --- be1..3 ---> slbpeer -l :81 -w
#                       the upload half-closes, then the reply comes
#
#   chaos:   kill -9 / restart a server, weight, drain / up, del [cut] / add,
#            scheduler rr <-> wrr, ip link set beN down / up
#   readers: /proc/net/splicelb/*, lbctl show, -s, -j, service, backend,
#            conns, stats, save
#
# SOAK_SECONDS (90, 60 on the debug kernel) is how long the chaos runs;
# SOAK_SEED replays the chaos of an earlier run (each run prints its seed).
source "$(dirname "$0")/lib.sh"

[ "$BALANCER" = module ] || exit "$KSFT_SKIP"

SOAK_SEED=${SOAK_SEED:-$((RANDOM * 32768 + RANDOM))}
# Payload sizes, each way: a server picks one each time it starts, a
# client loop one per run of 16 connections, from these or larger ones;
# RUN_MS bounds a run.  The debug kernel moves bytes several times slower:
# smaller payloads there keep the count of connections up.  Even so it
# completes only about 2.4 connections a second under TCG on 2 cores
# (411 in 171 s measured), so it is held to fewer, and a shorter chaos.
if debug_kernel; then
	SIZES=(0 1k 4k)
	# shellcheck disable=SC2034 # client_loop takes it by name
	LARGE=(16k 64k)
	RUN_MS=180000
	MIN_CONNS=200
	AGAIN_SIZE=64k
	SOAK_SECONDS=${SOAK_SECONDS:-60}
else
	SIZES=(0 4k 16k 64k 256k)
	# shellcheck disable=SC2034 # client_loop takes it by name
	LARGE=(256k 512k 1m)
	RUN_MS=60000
	MIN_CONNS=1000
	AGAIN_SIZE=1m
	SOAK_SECONDS=${SOAK_SECONDS:-90}
fi
PORTS=(80 81)
# The load yields to the chaos and the readers: on two emulated CPUs it
# would otherwise leave them a turn every few seconds.
LOAD=(nice -n 10 "$BIN/slbpeer")
tmp=$(mktemp -d)
declare -A srv_pid
clients=()
readers=

soak_cleanup() {
	local ns

	# The chaos restarted servers that topo_cleanup does not know of; the
	# shell's notes of their deaths say nothing.
	{
		kill "${clients[@]}" $readers || true
		for ns in $(ip netns list | awk '{ print $1 }'); do
			# shellcheck disable=SC2046 # a list of pids
			kill -KILL $(ip netns pids "$ns") || true
		done
		wait
	} 2>/dev/null
	rm -rf "$tmp"
	topo_cleanup
}
trap soak_cleanup EXIT

lbctl() {
	in_ns "$NS_LB" /usr/bin/lbctl "$@"
}

# start_server BE PORT: a backend server; the servers of port 81 answer
# only after the client's FIN.  Its lines, one per connection, go to a log
# of its own, appended to by each restart.
start_server() {
	local i=$1 port=$2 opts=(-v)

	[ "$port" = 80 ] || opts+=(-w)
	ip netns exec "$(ns_be "$i")" "${LOAD[@]}" -l "[::]:$port" \
		-n "${SIZES[RANDOM % ${#SIZES[@]}]}" -t 3600000 "${opts[@]}" \
		>>"$tmp/server-$i-$port" 2>&1 &
	srv_pid[$i-$port]=$!
	_wait_listen "$(ns_be "$i")" "[::]:$port"
}

# client_loop NAME PORT SIZES [slbpeer options]: runs of 16 connections, 4
# at once, until $tmp/stop-NAME exists; a line per connection and every
# run's summary in $tmp/client-NAME.
client_loop() {
	local name=$1 port=$2 rc
	local -n sizes=$3

	shift 3
	while [ ! -e "$tmp/stop-$name" ]; do
		rc=0
		in_ns "$NS_CLI" "${LOAD[@]}" -c "$VIP4:$port" -N 16 -P 4 \
			-n "${sizes[RANDOM % ${#sizes[@]}]}" -t "$RUN_MS" -v "$@" \
			>>"$tmp/client-$name" 2>&1 || rc=$?
		# 1 is a connection that did not end ok, counted from the
		# summary; anything else is slbpeer itself failing.
		[ "$rc" -le 1 ] || echo "slbpeer: died with status $rc" \
			>>"$tmp/client-$name"
	done
}

# start_clients PHASE: the four loops: both ways at once (small and
# large), the backend sending first (-w), and the half-closed uploads of
# port 81.
start_clients() {
	client_loop "$1-a" 80 SIZES &
	clients+=($!)
	client_loop "$1-b" 80 LARGE &
	clients+=($!)
	client_loop "$1-w" 80 SIZES -w &
	clients+=($!)
	client_loop "$1-h" 81 SIZES &
	clients+=($!)
}

stop_clients() {
	local pid

	touch "$tmp/stop-$1-a" "$tmp/stop-$1-b" "$tmp/stop-$1-w" \
		"$tmp/stop-$1-h"
	for pid in "${clients[@]}"; do
		wait "$pid" || true
	done
	clients=()
}

# The sums of the client summaries of PHASE, as NAME=N words: conns ok
# reset eof bad refused timeout error died.
client_totals() {
	cat "$tmp"/client-"$1"-* | awk '
		/^slbpeer: conns=/ {
			for (i = 2; i <= NF; i++) {
				split($i, kv, "=")
				n[kv[1]] += kv[2]
			}
		}
		/^slbpeer: died/ { n["died"]++ }
		END {
			split("conns ok reset eof bad refused timeout error died", k)
			for (i = 1; i in k; i++)
				printf "%s=%d ", k[i], n[k[i]]
		}'
}

# total WORDS NAME: the count NAME of client_totals' WORDS.
total() {
	tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"
}

# Servers that saw an upload with wrong bytes, and all that completed.
server_count() {
	cat "$tmp"/server-* | grep -c "result=$1 " || true
}

# ---- chaos -----------------------------------------------------------------

declare -A ops
op_fails=0

# run CMD...: a change of the chaos, or its undoing; one that is refused is
# logged and counted.
run() {
	if ! "$@" >>"$tmp/chaos" 2>&1; then
		op_fails=$((op_fails + 1))
		echo "refused: $*" >>"$tmp/chaos"
	fi
}

# op KIND CMD...: a fault of kind KIND.
op() {
	ops[$1]=$((${ops[$1]:-0} + 1))
	shift
	run "$@"
}

chaos_accepted() {
	[ "$op_fails" = 0 ] && return 0
	cat "$tmp/chaos"
	return 1
}

# A while under the fault before it is undone: pacing, not a state.
pause() {
	sleep "0.$((RANDOM % 8 + 2))"
}

kill_server() {
	local key=$1

	kill -KILL "${srv_pid[$key]}"
	wait "${srv_pid[$key]}" 2>/dev/null || true
}

chaos_step() {
	local i=$((RANDOM % 3 + 1)) port=${PORTS[RANDOM % 2]} be svc

	be=$(be4 "$i"):$port
	svc=$VIP4:$port
	case $((RANDOM % 7)) in
	0)
		op kill kill_server "$i-$port"
		pause
		start_server "$i" "$port"
		;;
	1)
		op weight lbctl backend change "$be" service "$svc" \
			weight $((RANDOM % 6))
		;;
	2)
		op drain lbctl backend change "$be" service "$svc" state drain
		pause
		run lbctl backend change "$be" service "$svc" state up
		;;
	3)
		op del lbctl backend del "$be" service "$svc"
		pause
		run lbctl backend add "$be" service "$svc" \
			weight $((RANDOM % 5 + 1))
		;;
	4)
		op del-cut lbctl backend del "$be" service "$svc" cut
		pause
		run lbctl backend add "$be" service "$svc" \
			weight $((RANDOM % 5 + 1))
		;;
	5)
		op scheduler lbctl service change "$svc" \
			scheduler "$( ((RANDOM % 2)) && echo rr || echo wrr)"
		;;
	6)
		op link ip -n "$NS_LB" link set "be$i" down
		pause
		run ip -n "$NS_LB" link set "be$i" up
		;;
	esac
}

# ---- readers ---------------------------------------------------------------

# One round: every /proc file and every dump, JSON checked; a failed read
# is logged.
read_all() {
	local f

	for f in version services conns stats; do
		in_ns "$NS_LB" cat "/proc/net/splicelb/$f" >/dev/null ||
			echo "read failed: /proc/net/splicelb/$f"
	done
	for f in "show" "-s show" "service show" "backend show" \
		 "backend show service $VIP4:81" "conns" \
		 "conns service $VIP4:80" "stats" "save"; do
		# shellcheck disable=SC2086 # a command line
		lbctl $f >/dev/null || echo "read failed: lbctl $f"
	done
	for f in "-s show" "service show" "backend show" "conns" "stats"; do
		# shellcheck disable=SC2086 # a command line
		lbctl -j $f | jsoncheck >/dev/null ||
			echo "read failed: lbctl -j $f"
	done
}

read_loop() {
	local rounds=0

	while [ ! -e "$tmp/stop-readers" ]; do
		read_all
		rounds=$((rounds + 1))
	done >"$tmp/reads" 2>&1
	echo "$rounds" >"$tmp/read-rounds"
}

# Every connection ended as it should, or as a fault let it: a reset, a
# refusal, or a FIN before the whole reply (a server killed mid-reply).
all_ended() {
	[ "$(total "$1" timeout)" = 0 ] && [ "$(total "$1" error)" = 0 ] &&
		[ "$(total "$1" died)" = 0 ] && return 0
	cat "$tmp"/client-soak-* | grep -E 'result=(timeout|error)|died'
	return 1
}

reads_whole() {
	test "$(cat "$tmp/read-rounds")" -gt 0 && ! grep . "$tmp/reads"
}

# ---- the verdicts ----------------------------------------------------------

# The counts of the netns and of every service and backend are all 0, and
# no connection is listed.
lb_idle() {
	in_ns "$NS_LB" awk '
		FILENAME ~ /stats$/ && /^conns_(in)?active / && $2 { bad = 1 }
		FILENAME ~ /services$/ && /^  -> / && ($5 + 0 || $6 + 0) { bad = 1 }
		FILENAME ~ /conns$/ && FNR > 1 { bad = 1 }
		END { exit bad }' /proc/net/splicelb/stats \
		/proc/net/splicelb/services /proc/net/splicelb/conns
}

idle_again() {
	wait_for 30 lb_idle && return 0
	in_ns "$NS_LB" cat /proc/net/splicelb/stats /proc/net/splicelb/services \
		/proc/net/splicelb/conns
	return 1
}

# The backends' lines, not the header's.
all_drained() {
	! in_ns "$NS_LB" grep '^  -> [0-9[]' /proc/net/splicelb/services |
		grep -qv ' drained '
}

drain_all() {
	wait_for 10 all_drained && return 0
	in_ns "$NS_LB" cat /proc/net/splicelb/services
	return 1
}

live_conns() {
	test "$(in_ns "$NS_LB" tail -n +2 /proc/net/splicelb/conns | wc -l)" \
		-ge "$1"
}

# The sockets of NS (or of the init netns) that someone still holds: those
# with an inode.  One released has none, and is TCP's alone: a TIME-WAIT,
# or an orphan still retransmitting the end of an orderly close, which
# goes by itself.  In the balancer's netns every held socket is the
# module's.
sockets_of() {
	if [ "$1" = init ]; then
		ss -Htanpe
	else
		in_ns "$1" ss -Htanpe
	fi | grep -v ' ino:0 '
}

lb_no_sockets() {
	! sockets_of "$NS_LB" | grep -q .
}

lb_clean() {
	wait_for 10 lb_no_sockets && return 0
	sockets_of "$NS_LB"
	return 1
}

# Elsewhere the backends' listeners stay; whatever else is left once the
# clients are gone was a peer of the module's that it never closed.
no_sockets_left() {
	local ns

	for ns in $(ip netns list | awk '{ print $1 }') init; do
		sockets_of "$ns" | grep -v '^LISTEN ' | sed "s/^/$ns: /"
	done | grep . && return 1
	return 0
}

all_clean() {
	wait_for 15 no_sockets_left || no_sockets_left
}

serves_again() {
	modprobe splicelb &&
	lbctl restore "$tmp/conf" &&
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n "$AGAIN_SIZE" -N 8 -P 4 -t 30000 &&
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:81" -n "$AGAIN_SIZE" -N 8 -P 4 -t 30000
}

# ---- the run ---------------------------------------------------------------

ktap_plan 13
topo_setup
lb_sysctl connect_timeout_ms 500
{
	echo "service add $VIP4:80 scheduler wrr backlog 4096"
	for i in 1 2 3; do
		echo "backend add $(be4 "$i"):80 service $VIP4:80 weight $i"
	done
	echo "service add $VIP4:81 scheduler rr backlog 4096"
	for i in 1 2 3; do
		echo "backend add $(be4 "$i"):81 service $VIP4:81"
	done
} >"$tmp/conf"
for i in 1 2 3; do
	for port in "${PORTS[@]}"; do
		start_server "$i" "$port"
	done
done
lb_apply "$tmp/conf"

echo "# seed $SOAK_SEED, $SOAK_SECONDS s of chaos"
RANDOM=$SOAK_SEED
start=$SECONDS
start_clients soak
read_loop &
readers=$!
while [ $((SECONDS - start)) -lt "$SOAK_SECONDS" ]; do
	chaos_step
	pause
done
touch "$tmp/stop-readers"
wait "$readers" || true
chaos_s=$((SECONDS - start))
stop_clients soak
load_s=$((SECONDS - start))

echo "# chaos ops in $chaos_s s:" \
	"$(for k in "${!ops[@]}"; do printf '%s=%s ' "$k" "${ops[$k]}"; done)"
check "every chaos operation was accepted" chaos_accepted
t=$(client_totals soak)
legit=$(($(total "$t" reset) + $(total "$t" eof) + $(total "$t" refused)))
echo "# clients in $load_s s: $t"
echo "# servers: $(server_count ok) uploads ok, $(server_count bad) bad"
echo "# connections ok $(total "$t" ok) / failed legit $legit /" \
	"wrong bytes $(($(total "$t" bad) + $(server_count bad)))"
check "more than $MIN_CONNS connections completed ($(total "$t" ok) of $(total "$t" conns))" \
	test "$(total "$t" ok)" -gt "$MIN_CONNS"
check "no transfer with wrong bytes, either way" \
	test "$(total "$t" bad)" = 0 -a "$(server_count bad)" = 0
check "every connection ended: ok, or reset, refused or cut short" \
	all_ended "$t"
check "$(cat "$tmp/read-rounds") rounds of /proc and dumps, each read whole" \
	reads_whole

check "the active counts return to 0 when the clients stop" idle_again
for i in 1 2 3; do
	for port in "${PORTS[@]}"; do
		lbctl backend change "$(be4 "$i"):$port" \
			service "$VIP4:$port" state drain
	done
done
check "every backend drains: the scheduler counts no connection" drain_all
sed -n 's/^backend add \(.*\)/\1/p' "$tmp/conf" | while read -r be rest; do
	lbctl backend change "$be" $rest state up
done

# rmmod under load.
start_clients rmmod
check "load on both services at rmmod" wait_for 30 live_conns 4
echo "# $(in_ns "$NS_LB" tail -n +2 /proc/net/splicelb/conns | wc -l)" \
	"connections live at rmmod"
t0=$SECONDS
check "rmmod under load completes" timeout 60 rmmod splicelb
echo "# rmmod took $((SECONDS - t0)) s"
check "no socket of the module's left in the balancer's netns" lb_clean
stop_clients rmmod
t=$(client_totals rmmod)
echo "# clients around rmmod: $t"
check "no transfer with wrong bytes around rmmod" \
	test "$(total "$t" bad)" = 0 -a "$(server_count bad)" = 0
check "no socket held in any netns but the backends' listeners" all_clean
check "loads and serves both services again" serves_again
echo "# soak: $((SECONDS - start)) s in all"
ktap_finish
