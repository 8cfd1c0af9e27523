# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the benchmark runner (tests/bench/run.sh): the systems under
# test, set up side by side in one topology, and the measurements.
#
# The topology is tests/vm/lib.sh's (client | balancer | 3 backends, each in
# its own network namespace, joined by veth).  Every system runs at once, on
# its own ports of the balancer's address, so that a run can interleave them
# without restarting anything:
#
#   system     request/response       bulk          what
#   direct     be1..3:81 in turn      be1:5202      the client talks to the
#                                                   backends, slb-lb routes
#   splicelb   10.0.1.1:8001          :5301         splicelb.ko (lbctl)
#   lbselect   10.0.1.1:8002          :5302         lbselect -c
#   haproxy    10.0.1.1:8003          :5303         HAProxy, mode tcp
#   ipvs       10.0.1.1:8004          :5304         IPVS, NAT (ipvsadm -m)
#   nginx      10.0.1.1:8005          :5305         nginx stream proxy
#   splicelb_base  (splicelb's ports)               an earlier splicelb.ko
#                                                   (make bench BENCH_BASE=)
#
# splicelb and splicelb_base are two builds of one module, which cannot be
# loaded at once: each measurement of either first loads its own (slb_use),
# so that a run still interleaves them, reloading the module between them.
#
# Request/response services balance over the three backends (rr), each
# running "slbbench serve" on ports 80 (for the balancers) and 81 (the same
# processes, for the direct path, whose client takes the three backends in
# turn).  Bulk services have one backend, be1's iperf3 on 5201 (iperf3's
# control and data connections must meet the same server); the direct path
# has its iperf3 on 5202.  The direct path's ports are its own because
# IPVS, seeing a backend's reply to a client port that an earlier IPVS
# connection used (in TIME_WAIT, to the same backend port), would rewrite
# it.  slb-lb forwards (ip_forward=1) for every system, so that the direct
# path and IPVS cross the same hops as the proxies.
#
# Results are lines on stdout:
#   SLBBENCH,SCENARIO,SYSTEM,REP,METRIC,VALUE
#   SLBBENCH-ENV,KEY,VALUE
#   SLBBENCH-ERR,SCENARIO,SYSTEM,REP,what went wrong

# BALANCER, as scripts/vm's TEST.sh@ARG passes it, selects what runs here:
# SYSTEMS[:SCENARIOS[:REPS]], lists separated by commas.
BENCH_SEL=${BALANCER:-}
# tests/vm/lib.sh's topology then loads no balancer of its own.
BALANCER=bench
# shellcheck source=../vm/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../vm/lib.sh"
# A measurement that fails is reported, and the run goes on.
set +e

SYSTEMS_ALL="direct splicelb lbselect haproxy ipvs nginx"
BE_PORT=80
DIRECT_PORT=81
IPERF_PORT=5201
DIRECT_IPERF_PORT=5202
LBSELECT_BENCH_MAX=500
B=/tmp/bench
declare -A SYS_PORT=([splicelb]=1 [lbselect]=2 [haproxy]=3 [ipvs]=4 [nginx]=5
		    [splicelb_base]=1)
# Where scripts/vm puts VM_BASE_MODULE.
BASE_KO=/usr/share/splicelb/base/splicelb.ko
declare -A SYS_OK=() SYS_RSS0=()

result() {
	echo "SLBBENCH,$1,$2,$3,$4,$5"
}

env_line() {
	echo "SLBBENCH-ENV,$1,$2"
}

bench_err() {
	echo "SLBBENCH-ERR,$1,$2,$3,$4"
}

# rr_ep SYSTEM, bulk_ep SYSTEM: where the client connects.
rr_ep() {
	if [ "$1" = direct ]; then
		echo "$(be4 1):$DIRECT_PORT,$(be4 2):$DIRECT_PORT,$(be4 3):$DIRECT_PORT"
	else
		echo "$VIP4:$((8000 + SYS_PORT[$1]))"
	fi
}

bulk_ep() {
	if [ "$1" = direct ]; then
		echo "$(be4 1):$DIRECT_IPERF_PORT"
	else
		echo "$VIP4:$((5300 + SYS_PORT[$1]))"
	fi
}

# ---- the topology around the systems ---------------------------------------

bench_setup() {
	local ns i

	ulimit -n 262144
	topo_setup
	for ns in "$NS_CLI" "$NS_LB" "$(ns_be 1)" "$(ns_be 2)" "$(ns_be 3)"; do
		in_ns "$ns" sysctl -qw net.core.somaxconn=4096 \
			net.ipv4.tcp_max_syn_backlog=8192 \
			net.ipv4.tcp_tw_reuse=1 \
			net.ipv4.ip_local_port_range="1024 65535"
	done
	in_ns "$NS_LB" sysctl -qw net.ipv4.ip_forward=1
	for i in 1 2 3; do
		bg "$(ns_be "$i")" "$BIN/slbbench" serve \
			"0.0.0.0:$BE_PORT,0.0.0.0:$DIRECT_PORT" -t 3600 >/dev/null
		_wait_listen "$(ns_be "$i")" "0.0.0.0:$BE_PORT" || return 1
		_wait_listen "$(ns_be "$i")" "0.0.0.0:$DIRECT_PORT" || return 1
	done
	mkdir -p "$B"
}

bench_cleanup() {
	local pid

	for pid in $(cat "$B"/*.pid 2>/dev/null); do
		kill "$pid" 2>/dev/null
	done
	sleep 0.5
	for pid in $(cat "$B"/*.pid 2>/dev/null); do
		kill -KILL "$pid" 2>/dev/null
	done
	in_ns "$NS_LB" ipvsadm -C 2>/dev/null
	topo_cleanup
	modprobe -r splicelb 2>/dev/null
	return 0
}

# ---- the systems ------------------------------------------------------------

# lbctl's configuration format, which lbselect reads too.
_lb_conf() {
	local port=$1 bport=$2 i

	echo "service add $VIP4:$port scheduler rr backlog 4096"
	for i in 1 2 3; do
		echo "backend add $(be4 "$i"):$BE_PORT service $VIP4:$port"
	done
	echo "service add $VIP4:$bport scheduler rr backlog 4096"
	echo "backend add $(be4 1):$IPERF_PORT service $VIP4:$bport"
}

# _daemon NAME CMD...: run CMD in slb-lb in the background, pid in $B/NAME.pid
_daemon() {
	local name=$1

	shift
	ip netns exec "$NS_LB" "$@" </dev/null >"$B/$name.log" 2>&1 &
	echo $! >"$B/$name.pid"
}

start_direct() {
	:
}

# slb_ko splicelb|splicelb_base: the module file of that build.
slb_ko() {
	case $1 in
	splicelb) modinfo -n splicelb ;;
	splicelb_base) echo "$BASE_KO" ;;
	esac
}

# slb_use splicelb|splicelb_base: that build of the module is loaded and
# configured; the other one, if loaded, is unloaded first.  Which one is
# loaded is read off the module's version (the base's names its commit),
# since systems start in subshells.
slb_use() {
	local ko

	ko=$(slb_ko "$1")
	[ "$(cat /sys/module/splicelb/version 2>/dev/null)" != \
	  "$(modinfo -F version "$ko")" ] || return 0
	if [ -e /sys/module/splicelb ]; then
		wait_for 30 modprobe -r splicelb || return 1
	fi
	insmod "$ko" || return 1
	_lb_conf 8001 5301 >"$B/splicelb.conf"
	in_ns "$NS_LB" lbctl restore "$B/splicelb.conf"
}

start_splicelb() {
	slb_use splicelb
}

start_splicelb_base() {
	[ -f "$BASE_KO" ] || { echo "no $BASE_KO: make bench BENCH_BASE=REV"; return 1; }
	slb_use splicelb_base
}

start_lbselect() {
	_lb_conf 8002 5302 >"$B/lbselect.conf"
	_daemon lbselect "$BIN/lbselect" -c "$B/lbselect.conf" -D 1s
	_wait_listen "$NS_LB" "$VIP4:8002"
}

start_haproxy() {
	local i

	cat >"$B/haproxy.cfg" <<-CFG
	# As HAProxy's documentation recommends for throughput: one thread
	# per CPU, kernel splicing where it pays, enough connections.
	global
	    nbthread $(nproc)
	    maxconn 60000
	defaults
	    mode tcp
	    option splice-auto
	    maxconn 60000
	    backlog 4096
	    timeout connect 5s
	    timeout client 300s
	    timeout server 300s
	frontend rr
	    bind $VIP4:8003
	    default_backend rr
	backend rr
	    balance roundrobin
	$(for i in 1 2 3; do echo "    server be$i $(be4 "$i"):$BE_PORT"; done)
	frontend bulk
	    bind $VIP4:5303
	    default_backend bulk
	backend bulk
	    server be1 $(be4 1):$IPERF_PORT
	CFG
	_daemon haproxy haproxy -f "$B/haproxy.cfg" -db
	_wait_listen "$NS_LB" "$VIP4:8003"
}

start_ipvs() {
	local i

	modprobe ip_vs_rr || return 1
	in_ns "$NS_LB" ipvsadm -A -t "$VIP4:8004" -s rr || return 1
	for i in 1 2 3; do
		in_ns "$NS_LB" ipvsadm -a -t "$VIP4:8004" \
			-r "$(be4 "$i"):$BE_PORT" -m || return 1
	done
	in_ns "$NS_LB" ipvsadm -A -t "$VIP4:5304" -s rr &&
	in_ns "$NS_LB" ipvsadm -a -t "$VIP4:5304" -r "$(be4 1):$IPERF_PORT" -m
}

start_nginx() {
	local i

	mkdir -p "$B/nginx"
	cat >"$B/nginx.conf" <<-CFG
	user root;
	worker_processes auto;
	worker_rlimit_nofile 262144;
	daemon off;
	pid $B/nginx/nginx.pid;
	error_log $B/nginx/error.log warn;
	load_module /usr/lib/nginx/modules/ngx_stream_module.so;
	events {
	    worker_connections 65536;
	}
	stream {
	    upstream rr {
	$(for i in 1 2 3; do echo "        server $(be4 "$i"):$BE_PORT;"; done)
	    }
	    upstream bulk {
	        server $(be4 1):$IPERF_PORT;
	    }
	    server {
	        listen $VIP4:8005 backlog=4096 reuseport;
	        proxy_pass rr;
	    }
	    server {
	        listen $VIP4:5305 backlog=4096 reuseport;
	        proxy_pass bulk;
	    }
	}
	CFG
	_daemon nginx nginx -c "$B/nginx.conf" -p "$B/nginx/" \
		-e "$B/nginx/error.log"
	_wait_listen "$NS_LB" "$VIP4:8005"
}

# start_systems LIST: start each; those that start and answer one exchange
# are in SYS_OK.
start_systems() {
	local s out

	for s in $1; do
		if ! out=$("start_$s" 2>&1); then
			bench_err setup "$s" 0 "did not start: ${out//$'\n'/ }"
			[ ! -f "$B/$s.log" ] || sed "s/^/# $s: /" "$B/$s.log"
			continue
		fi
		if ! out=$(in_ns "$NS_CLI" timeout 20 "$BIN/slbbench" rr \
			   "$(rr_ep "$s")" -d 0.3 2>&1); then
			bench_err setup "$s" 0 "does not answer: ${out//$'\n'/ }"
			continue
		fi
		SYS_OK[$s]=1
		SYS_RSS0[$s]=$(sys_rss_kb "$s")
		echo "# $s: up ($out)"
	done
}

# The resident memory of a system's processes, in KiB.
sys_rss_kb() {
	local pids p kb=0

	case $1 in
	lbselect|haproxy|nginx) pids=$(pidof "$1") ;;
	*) pids= ;;
	esac
	for p in $pids; do
		kb=$((kb + $(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" \
			     2>/dev/null || echo 0)))
	done
	echo "$kb"
}

sys_version() {
	case $1 in
	direct|ipvs) uname -r ;;
	splicelb|splicelb_base) modinfo -F version "$(slb_ko "$1")" ;;
	lbselect) lbctl -V | awk '{ print $NF }' ;;
	haproxy) haproxy -v | head -n 1 | awk '{ print $3 }' ;;
	nginx) nginx -v 2>&1 | sed 's|.*/||' ;;
	esac
}

# ---- measurements -------------------------------------------------------------

# Busy and total CPU ticks (USER_HZ) so far: "cpu busy total" for the
# whole guest, then "cpuN busy total" for each CPU.
cpu_ticks_each() {
	awk '/^cpu/ { print $1, $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat
}

# Busy and total ticks of the whole guest.
cpu_ticks() {
	cpu_ticks_each | awk '$1 == "cpu" { print $2, $3 }'
}

# The busiest CPU's busy share (%) between two cpu_ticks_each readings:
# a transfer that one CPU carries alone is bound by it, whatever the rest.
busiest_cpu_pct() {
	awk 'NR == FNR { b[$1] = $2; t[$1] = $3; next }
	     $1 != "cpu" && $3 > t[$1] { p = 100 * ($2 - b[$1]) / ($3 - t[$1]); if (p > m) m = p }
	     END { printf "%.1f", m }' "$1" "$2"
}

# Slab objects in use (not the slab pages: freed objects leave pages that
# later allocations fill, so pages grow only once per boot) and TCP socket
# memory, KiB.
kmem_kb() {
	local slab tcp

	slab=$(awk 'NR > 2 { kb += $2 * $4 / 1024 } END { printf "%d", kb }' /proc/slabinfo)
	tcp=$(awk '/^TCP:/ { for (i = 1; i < NF; i++) if ($i == "mem") print $(i + 1) }' /proc/net/sockstat)
	echo "$slab $((tcp * 4))"
}

# Every slab cache: name, KiB, objects in use.
slab_caches() {
	awk 'NR > 2 { printf "%s %d %d\n", $1, $2 * $4 / 1024, $2 }' /proc/slabinfo
}

mem_used_kb() {
	awk '/^MemTotal:/ { t = $2 } /^MemAvailable:/ { a = $2 } END { print t - a }' /proc/meminfo
}

# Field KEY=VALUE of a result line.
field() {
	sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1" | head -n 1
}

# bulk SCENARIO SYSTEM REP up|down SECS
m_bulk() {
	local sc=$1 s=$2 rep=$3 dir=$4 secs=$5 ep c0 c1 out bytes t rev=
	local spid port=$IPERF_PORT

	[ "$dir" = down ] && rev=-R
	[ "$s" = direct ] && port=$DIRECT_IPERF_PORT
	ep=$(bulk_ep "$s")
	ip netns exec "$(ns_be 1)" timeout $((secs + 30)) iperf3 -s -1 \
		-p "$port" >"$B/iperf3-server.log" 2>&1 &
	spid=$!
	if ! _wait_listen "$(ns_be 1)" "0.0.0.0:$port" 2>/dev/null; then
		bench_err "$sc" "$s" "$rep" "iperf3 server did not listen"
		kill "$spid" 2>/dev/null
		wait "$spid" 2>/dev/null
		return 1
	fi
	cpu_ticks_each >"$B/cpus0"
	out=$(in_ns "$NS_CLI" timeout $((secs + 30)) iperf3 -c "${ep%:*}" \
		-p "${ep##*:}" -t "$secs" $rev -J --connect-timeout 5000 2>&1)
	cpu_ticks_each >"$B/cpus1"
	# Their first lines are the whole guest's.
	read -r _ c0 _ <"$B/cpus0"
	read -r _ c1 _ <"$B/cpus1"
	wait "$spid" 2>/dev/null
	# The receiver's side of the one stream: bytes and seconds.
	read -r bytes t < <(awk '/"sum_received"/ { r = 1 }
		r && /"seconds"/ { gsub(/[^0-9.]/, "", $2); sec = $2 }
		r && /"bytes"/ { gsub(/[^0-9]/, "", $2); print $2, sec; exit }' <<<"$out")
	if [ -z "$bytes" ] || [ "$bytes" = 0 ]; then
		bench_err "$sc" "$s" "$rep" "iperf3: $(grep -m1 '"error"' <<<"$out" | tr -d '",')"
		return 1
	fi
	result "$sc" "$s" "$rep" MBps "$(awk -v b="$bytes" -v t="$t" 'BEGIN { printf "%.2f", b / t / 1e6 }')"
	result "$sc" "$s" "$rep" cpu_s_per_GB "$(awk -v b="$bytes" -v c=$((c1 - c0)) 'BEGIN { printf "%.3f", c / 100 / (b / 1e9) }')"
	result "$sc" "$s" "$rep" bytes "$bytes"
	result "$sc" "$s" "$rep" busiest_cpu_pct \
		"$(busiest_cpu_pct "$B/cpus0" "$B/cpus1")"
}

# rr SCENARIO SYSTEM REP CONNS SECS WARMUP
m_rr() {
	local sc=$1 s=$2 rep=$3 out k c0 c1

	read -r c0 _ < <(cpu_ticks)
	out=$(in_ns "$NS_CLI" timeout $(($5 + 60)) "$BIN/slbbench" rr \
		"$(rr_ep "$s")" -c "$4" -m 64 -d "$5" -w "$6" 2>&1)
	read -r c1 _ < <(cpu_ticks)
	if ! grep -q '^rr ' <<<"$out"; then
		bench_err "$sc" "$s" "$rep" "${out//$'\n'/ }"
		return 1
	fi
	out=$(grep '^rr ' <<<"$out")
	for k in tps p50_us p99_us p999_us errors; do
		result "$sc" "$s" "$rep" "$k" "$(field "$out" "$k")"
	done
	result "$sc" "$s" "$rep" cpu_us_per_txn "$(awk -v c=$((c1 - c0)) -v n="$(field "$out" txns)" 'BEGIN { printf "%.1f", n ? c * 1e4 / n : 0 }')"
}

# cr SCENARIO SYSTEM REP PARALLEL SECS WARMUP
m_cr() {
	local sc=$1 s=$2 rep=$3 out k

	out=$(in_ns "$NS_CLI" timeout $(($5 + 60)) "$BIN/slbbench" cr \
		"$(rr_ep "$s")" -c "$4" -m 64 -d "$5" -w "$6" 2>&1)
	if ! grep -q '^cr ' <<<"$out"; then
		bench_err "$sc" "$s" "$rep" "${out//$'\n'/ }"
		return 1
	fi
	out=$(grep '^cr ' <<<"$out")
	for k in cps p50_us p99_us errors; do
		result "$sc" "$s" "$rep" "$k" "$(field "$out" "$k")"
	done
}

# Let the previous measurement's sockets go and caches shrink before a
# memory baseline: a system's connections outlive its run by as long as its
# peers take to close them, and memory freed during the next system's
# measurement would count against its growth.  Waits (two minutes at most)
# until the guest holds no more TCP sockets than once the systems were up
# (TCP_SOCKETS0, set by run.sh).
settle() {
	local i

	for i in $(seq 240); do
		[ "$(tcp_sockets)" -le "${TCP_SOCKETS0:-0}" ] && break
		sleep 0.5
	done
	[ "$i" = 1 ] ||
		echo "# settle: waited $((i / 2)) s, $(tcp_sockets) TCP sockets left ($TCP_SOCKETS0 at the start)"
	sync
	echo 3 >/proc/sys/vm/drop_caches
	slab_shrink
	sleep 1
}

# Objects freed to a CPU's partial slabs still count as in use in
# /proc/slabinfo until the cache is shrunk: shrink them all, so that the
# objects in use are the live ones.
slab_shrink() {
	local f

	for f in /sys/kernel/slab/*/shrink; do
		echo 1 >"$f" 2>/dev/null
	done
}

# conc SCENARIO SYSTEM REP CONNS SETUP_SECS
m_conc() {
	local sc=$1 s=$2 rep=$3 n=$4 slab0 sock0 rss0 used0 slab1 sock1 rss1
	local used1 pid out i socks0 socks1 held ok

	# lbselect serves at most LBSELECT_MAX_CONNS: select()'s fd_set.
	[ "$s" = lbselect ] && [ "$n" -gt "$LBSELECT_BENCH_MAX" ] &&
		n=$LBSELECT_BENCH_MAX
	settle
	socks0=$(tcp_sockets)
	slab_caches >"$B/slabinfo0"
	read -r slab0 sock0 < <(kmem_kb)
	# A userspace balancer keeps the pools it grew: its memory for N
	# connections is what it has over what it had once started.
	rss0=${SYS_RSS0[$s]:-0}
	used0=$(mem_used_kb)
	# Emptied here, not by the redirection below: the loop that waits for
	# the line must not find the previous system's.
	: >"$B/hold.out"
	ip netns exec "$NS_CLI" timeout $(($5 + 120)) "$BIN/slbbench" hold \
		"$(rr_ep "$s")" -n "$n" -P 64 -m 64 -d "$5" -H 60 \
		>"$B/hold.out" 2>&1 &
	pid=$!
	for i in $(seq $((($5 + 30) * 5))); do
		grep -q '^hold target=' "$B/hold.out" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	sleep 1
	slab_shrink
	socks1=$(tcp_sockets)
	read -r slab1 sock1 < <(kmem_kb)
	slab_caches >"$B/slabinfo1"
	rss1=$(sys_rss_kb "$s")
	used1=$(mem_used_kb)
	kill -USR1 "$pid" 2>/dev/null
	wait "$pid"
	out=$(cat "$B/hold.out")
	if ! grep -q '^hold target=' <<<"$out"; then
		bench_err "$sc" "$s" "$rep" "${out//$'\n'/ }"
		return 1
	fi
	held=$(grep '^hold target' <<<"$out")
	ok=$(field "$held" ok)
	result "$sc" "$s" "$rep" target "$n"
	result "$sc" "$s" "$rep" ok "$ok"
	# At least two per connection (the client's, the backend's) when the
	# reading was taken with every connection up: verify.sh checks it.
	result "$sc" "$s" "$rep" sockets_per_conn "$(awk -v d=$((socks1 - socks0)) -v n="$ok" 'BEGIN { printf "%.2f", n ? d / n : 0 }')"
	result "$sc" "$s" "$rep" setup_s "$(field "$held" secs)"
	result "$sc" "$s" "$rep" alive "$(sed -n 's/^hold alive=//p' <<<"$out")"
	result "$sc" "$s" "$rep" slab_kb $((slab1 - slab0))
	result "$sc" "$s" "$rep" sock_kb $((sock1 - sock0))
	result "$sc" "$s" "$rep" rss_kb $((rss1 - rss0))
	result "$sc" "$s" "$rep" used_kb $((used1 - used0))
	echo "# $s: slab caches that grew most (KiB, objects):"
	awk 'NR == FNR { k[$1] = $2; o[$1] = $3; next }
	     { d = $2 - k[$1]; if (d > 0) printf "#   %-24s %8d %8d\n", $1, d, $3 - o[$1] }' \
		"$B/slabinfo0" "$B/slabinfo1" | sort -k3,3nr | head -n 8
	result "$sc" "$s" "$rep" kb_per_conn "$(awk -v k=$((slab1 - slab0 + sock1 - sock0 + rss1 - rss0)) -v n="$ok" 'BEGIN { printf "%.2f", n ? k / n : 0 }')"
}
