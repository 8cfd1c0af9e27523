# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the guest tests: KTAP output, namespaces, topology.
# Sourced, so it sets the shell options every test runs under.

set -e
set -o pipefail

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

_ktap_n=0
_ktap_failed=0

ktap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

ktap_ok() {
	_ktap_n=$((_ktap_n + 1))
	echo "ok $_ktap_n - $*"
}

ktap_fail() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_failed=$((_ktap_failed + 1))
	echo "not ok $_ktap_n - $*"
}

ktap_skip() {
	_ktap_n=$((_ktap_n + 1))
	echo "ok $_ktap_n - $1 # SKIP ${2:-}"
}

# check NAME CMD...: run CMD, echoing it; report NAME ok or not ok, with the
# command's output as diagnostics when it fails.
check() {
	local name=$1 output
	shift
	if output=$("$@" 2>&1); then
		ktap_ok "$name"
	else
		ktap_fail "$name"
		echo "# command: $*"
		sed 's/^/# /' <<<"$output"
	fi
}

ktap_finish() {
	[ "$_ktap_failed" = 0 ] && exit "$KSFT_PASS"
	exit "$KSFT_FAIL"
}

# True on a kernel with KASAN, the debug kernel, on which every byte the
# kernel touches costs several times more: tests that move load scale it.
debug_kernel() {
	{ zcat /proc/config.gz 2>/dev/null ||
		cat "/boot/config-$(uname -r)" 2>/dev/null; } |
		grep -q '^CONFIG_KASAN=y'
}

# True when the rig asks for the long runs (make check-debug, LONG_RUNS=1
# in scripts/vm): the counts an issue asks for, beyond what CI's hour holds.
long_runs() {
	[ "${LONG_RUNS:-}" = 1 ]
}

# ---- topology --------------------------------------------------------------
#
# The data path tests share one topology: a client, the balancer and three
# backends, each in its own network namespace, joined by veth pairs.
#
#   slb-cli               slb-lb                           slb-be1..3
#   10.0.1.2   ---veth--- 10.0.1.1  (services listen here)
#   fd00:1::2             fd00:1::1
#                         10.0.11.1  ---veth---  10.0.11.2  fd00:11::2  (be1)
#                         10.0.12.1  ---veth---  10.0.12.2  fd00:12::2  (be2)
#                         10.0.13.1  ---veth---  10.0.13.2  fd00:13::2  (be3)
#
# (The namespaces are $NS_CLI, $NS_LB and $(ns_be N): slb-cli-PID and so on.)
#
# The balancer under test is a parameter: BALANCER=module (splicelb.ko,
# configured with lbctl) or BALANCER=lbselect; both read the same
# configuration (the format of "lbctl save").
#
# lbselect runs outside the test's jobs, so that a test waiting for its
# peers does not wait for the balancer too.  Its files are $LBSELECT.*:
# .conf, what it was started with (lb_apply again reloads it); .opts, the
# options lb_sysctl asked for; .log; .pid; .rc, its exit status once it
# has exited.  topo_cleanup stops it, prints its log, and fails the test
# if it did not exit 0.  It holds at most LBSELECT_MAX_CONNS connections:
# two descriptors each in one fd_set of FD_SETSIZE (1024) descriptors.

BALANCER=${BALANCER:-module}
LBSELECT=/tmp/lbselect
LBSELECT_MAX_CONNS=505
# A short drain: cleanup stops it with connections the peers left open.
LBSELECT_OPTS=${LBSELECT_OPTS:--D 1s}
# The namespaces carry the test's PID in their names, so that a test never
# meets another run's namespaces, nor those a killed run left behind.
NS_CLI=slb-cli-$$
NS_LB=slb-lb-$$
VIP4=10.0.1.1
VIP6=fd00:1::1
BIN=${BIN:-/usr/bin}
_bg_pids=()

ns_be() { echo "slb-be$1-$$"; }
be4() { echo "10.0.1$1.2"; }
be6() { echo "fd00:1$1::2"; }

# in_ns NS CMD...: run CMD in namespace NS.
in_ns() {
	local ns=$1

	shift
	ip netns exec "$ns" "$@"
}

# bg NS CMD...: start CMD in NS in the background; killed by topo_cleanup.
bg() {
	local ns=$1

	shift
	ip netns exec "$ns" "$@" &
	_bg_pids+=($!)
}

_link() {
	local ns=$1 dev=$2 lbdev=$3 net4=$4 net6=$5

	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip link add "$dev" netns "$ns" type veth peer name "$lbdev" netns "$NS_LB"
	ip -n "$ns" addr add "$net4.2/24" dev "$dev"
	ip -n "$ns" addr add "$net6::2/64" dev "$dev" nodad
	ip -n "$ns" link set "$dev" up
	ip -n "$ns" route add default via "$net4.1"
	ip -n "$ns" -6 route add default via "$net6::1"
	ip -n "$NS_LB" addr add "$net4.1/24" dev "$lbdev"
	ip -n "$NS_LB" addr add "$net6::1/64" dev "$lbdev" nodad
	ip -n "$NS_LB" link set "$lbdev" up
}

topo_setup() {
	local i

	ip netns add "$NS_LB"
	ip -n "$NS_LB" link set lo up
	_link "$NS_CLI" eth0 cli0 10.0.1 fd00:1
	for i in 1 2 3; do
		_link "$(ns_be "$i")" eth0 "be$i" "10.0.1$i" "fd00:1$i"
	done
	if [ "$BALANCER" = module ]; then
		modprobe splicelb
	fi
	rm -f "$LBSELECT".*
}

topo_cleanup() {
	local ns pid lb_ok=0

	for pid in "${_bg_pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	_lbselect_stop || lb_ok=$?
	for ns in "$NS_CLI" "$(ns_be 1)" "$(ns_be 2)" "$(ns_be 3)" "$NS_LB"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	if [ "$BALANCER" = module ]; then
		modprobe -r splicelb 2>/dev/null || true
	fi
	# Run as the EXIT trap, this sets the test's exit status.
	[ "$lb_ok" = 0 ] || exit "$KSFT_FAIL"
}

# lb_apply FILE: configure the balancer under test from FILE; its services
# listen when it returns.
lb_apply() {
	case "$BALANCER" in
	module)
		in_ns "$NS_LB" lbctl restore "$1"
		;;
	lbselect)
		cp "$1" "$LBSELECT.conf"
		if [ -s "$LBSELECT.pid" ] && [ ! -e "$LBSELECT.rc" ]; then
			_lbselect_reload
		else
			_lbselect_start
		fi
		;;
	esac
}

_lbselect_start() {
	local opts

	# One that has exited already: what it had to say comes first.
	_lbselect_stop || return 1
	: >"$LBSELECT.log"
	opts=$(cat "$LBSELECT.opts" 2>/dev/null || true)
	# shellcheck disable=SC2086 # lists of options
	( (
		ip netns exec "$NS_LB" "$BIN/lbselect" -c "$LBSELECT.conf" \
			$LBSELECT_OPTS $opts &
		echo $! >"$LBSELECT.pid"
		rc=0
		wait $! || rc=$?
		echo "$rc" >"$LBSELECT.rc"
	) </dev/null >>"$LBSELECT.log" 2>&1 & )
	# Its listeners are bound before it says it runs.
	wait_for 10 _lbselect_said "running:" || true
	_lbselect_said "running:" && [ ! -e "$LBSELECT.rc" ] && return 0
	{
		echo "# lbselect did not start"
		sed 's/^/# /' "$LBSELECT.log"
	} >&2
	return 1
}

_lbselect_said() {
	grep -q "^lbselect: $1" "$LBSELECT.log" || [ -e "$LBSELECT.rc" ]
}

_lbselect_hups() {
	grep -c "^lbselect: SIGHUP" "$LBSELECT.log" || true
}

_lbselect_hupped() {
	[ "$(_lbselect_hups)" -gt "$1" ]
}

_lbselect_reload() {
	local n

	n=$(_lbselect_hups)
	kill -HUP "$(cat "$LBSELECT.pid")"
	wait_for 10 _lbselect_hupped "$n" || true
	if ! grep "^lbselect: SIGHUP" "$LBSELECT.log" | tail -n 1 |
	     grep -q reloaded; then
		{
			echo "# lbselect did not reload $LBSELECT.conf"
			sed 's/^/# /' "$LBSELECT.log"
		} >&2
		return 1
	fi
}

# Stop lbselect, if it runs, and show its log; false unless it exited 0.
_lbselect_stop() {
	local pid rc

	[ -s "$LBSELECT.pid" ] || return 0
	pid=$(cat "$LBSELECT.pid")
	[ -e "$LBSELECT.rc" ] || kill "$pid" 2>/dev/null || true
	if ! wait_for 10 test -e "$LBSELECT.rc"; then
		kill -KILL "$pid" 2>/dev/null || true
		echo "lbselect: (did not stop within 10 s of SIGTERM)" \
			>>"$LBSELECT.log"
		wait_for 5 test -e "$LBSELECT.rc" || true
	fi
	rc=$(cat "$LBSELECT.rc" 2>/dev/null || echo "?")
	sed 's/^/# /' "$LBSELECT.log" >&2
	rm -f "$LBSELECT.pid" "$LBSELECT.rc"
	[ "$rc" = 0 ] && return 0
	echo "# lbselect exited with status $rc" >&2
	return 1
}

# The resident memory of lbselect, in KiB.
lbselect_rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$(cat "$LBSELECT.pid")/status"
}

_wait_listen() {
	local ns=$1 ep=$2 port i

	port=${ep##*:}
	for i in $(seq 50); do
		in_ns "$ns" ss -Hltn "sport = :$port" | grep -q . && return 0
		sleep 0.1
	done
	echo "# nothing listens on $ep in $ns" >&2
	return 1
}

# serve BE [slbpeer options]: a backend server on port 80 of backend BE.
serve() {
	local i=$1

	shift
	bg "$(ns_be "$i")" "$BIN/slbpeer" -l "[::]:80" "$@"
	_wait_listen "$(ns_be "$i")" "[::]:80"
}

# Everything the kernel holds for sockets and slabs, in KiB.
kernel_mem_kb() {
	local slab tcp_pages

	slab=$(awk '/^Slab:/ { print $2 }' /proc/meminfo)
	tcp_pages=$(in_ns "$NS_LB" awk '/^TCP:/ { for (i = 1; i < NF; i++) if ($i == "mem") print $(i + 1) }' /proc/net/sockstat)
	echo $((slab + tcp_pages * 4))
}

# TCP sockets allocated in the whole guest (full sockets, every namespace;
# TIME_WAIT ones are not).
tcp_sockets() {
	awk '/^TCP:/ { for (i = 1; i < NF; i++) if ($i == "alloc") print $(i + 1) }' /proc/net/sockstat
}

# fewest_sockets: tcp_sockets at its lowest over 2 s, once the sockets
# being closed as it begins are gone: a baseline check_sockets_back can
# come back to.
fewest_sockets() {
	local i n fewest

	fewest=$(tcp_sockets)
	for i in $(seq 10); do
		sleep 0.2
		n=$(tcp_sockets)
		[ "$n" -ge "$fewest" ] || fewest=$n
	done
	echo "$fewest"
}

_tcp_sockets_le() {
	[ "$(tcp_sockets)" -le "$1" ]
}

# check_sockets_back N: the guest's TCP sockets come back to N or fewer
# (what they were before the test made any), within a minute.
check_sockets_back() {
	local ns

	if wait_for 60 _tcp_sockets_le "$1"; then
		ktap_ok "TCP sockets back to $1 or fewer"
		return
	fi
	ktap_fail "TCP sockets back to $1 or fewer: $(tcp_sockets)"
	# Whose they are: the states in each namespace still there.
	for ns in "" $(ip netns list | awk '{ print $1 }'); do
		${ns:+ip netns exec "$ns"} ss -Htan |
			awk -v ns="${ns:-init}" '{ n[$1]++ }
				END { for (s in n) printf "# %s: %s %d\n", ns, s, n[s] }'
	done
	grep -E '^(TCP|sockets):' /proc/net/sockstat | sed 's/^/# /'
}

# lb_sysctl NAME VALUE: set a tunable of the module in the balancer's netns;
# for lbselect, the option that does the same, if it has one, for its next
# start (its -H serves both FIN timeouts: the last one set wins).
lb_sysctl() {
	case "$BALANCER" in
	module)
		in_ns "$NS_LB" sysctl -qw "net.splicelb.$1=$2"
		;;
	lbselect)
		case $1 in
		connect_timeout_ms) echo "-C $2" ;;
		connect_retries) echo "-t $(($2 + 1))" ;;
		idle_timeout_s) echo "-I ${2}s" ;;
		client_fin_timeout_s|server_fin_timeout_s) echo "-H ${2}s" ;;
		esac >>"$LBSELECT.opts"
		;;
	esac
}

# lb_stat NAME [SERVICE]: the balancer's counter NAME, of SERVICE, or of
# its one service: /proc's for the module, the netns's (which are the
# service's while only it has clients), the SIGUSR1 report's for lbselect.
lb_stat() {
	if [ "$BALANCER" = module ]; then
		in_ns "$NS_LB" awk -v k="$1" '$1 == k { print $2 }' \
			/proc/net/splicelb/stats
		return
	fi
	_lbselect_report
	# Its report's names, where they differ from the module's.
	awk -v k="${1/#connect_fails/connect_failures}" -v svc="${2:-}" '
		/^lbselect: stats /{ v = "" }
		/^lbselect: service / && (svc == "" || $3 == svc) {
			for (i = 1; i <= NF; i++)
				if (index($i, k "=") == 1)
					v = substr($i, length(k) + 2)
		}
		END { print v }' "$LBSELECT.log"
}

# lb_backend_health SERVICE BACKEND: the health of BACKEND (ADDR:PORT) in
# SERVICE, "up" or "down", and how its last check ended: "down refused",
# "down unexpected reply".
lb_backend_health() {
	local h r

	if [ "$BALANCER" = module ]; then
		_lbctl_backend_health "$@"
		return
	fi
	_lbselect_report
	h=$(_lbselect_backend_field "$1" "$2" health)
	r=$(_lbselect_backend_field "$1" "$2" last_check)
	echo "$h ${r//_/ }"
}

# _lbselect_backend_field SERVICE BACKEND NAME: NAME= of BACKEND in the
# last report.
_lbselect_backend_field() {
	awk -v svc="$1" -v be="$2" -v k="$3=" '
		/^lbselect: stats / { v = "" }
		/^lbselect: service / { cur = $3 }
		/^lbselect:  backend / && cur == svc && $3 == be {
			for (i = 4; i <= NF; i++)
				if (index($i, k) == 1)
					v = substr($i, length(k) + 1)
		}
		END { print v }' "$LBSELECT.log"
}

# The module's: from "... health down check unexpected reply 0/2 since 3s".
_lbctl_backend_health() {
	in_ns "$NS_LB" lbctl backend show service "$1" | awk -v be="$2" '
		$2 == be {
			for (i = 3; i <= NF; i++) {
				if ($i == "health")
					h = $(i + 1)
				if ($i != "check")
					continue
				r = ""
				for (j = i + 1; j <= NF && $j !~ /^[0-9]+\/[0-9]+$/; j++)
					r = r (r == "" ? "" : " ") $j
			}
			print h " " r
		}'
}

# lb_backend_eweight SERVICE BACKEND: the effective weight of BACKEND in
# SERVICE, in its weight's units ("0.06", "1"): its weight unless it ramps.
lb_backend_eweight() {
	if [ "$BALANCER" = module ]; then
		in_ns "$NS_LB" lbctl backend show service "$1" | awk -v be="$2" '
			$2 == be {
				for (i = 3; i < NF; i++) {
					if ($i == "weight")
						w = $(i + 1)
					if ($i == "eweight")
						e = $(i + 1)
				}
				print e == "" ? w : e
			}'
		return
	fi
	_lbselect_report
	_lbselect_backend_field "$1" "$2" eweight
}

# A fresh SIGUSR1 report of lbselect at the end of its log.
_lbselect_report() {
	local n

	n=$(grep -c '^lbselect: stats ' "$LBSELECT.log" || true)
	kill -USR1 "$(cat "$LBSELECT.pid")"
	wait_for 10 _lbselect_reports "$((n + 1))"
}

_lbselect_reports() {
	[ "$(grep -c '^lbselect: stats ' "$LBSELECT.log")" -ge "$1" ]
}

# wait_for SECONDS CMD...: poll CMD until it succeeds.
wait_for() {
	local end=$((SECONDS + $1))

	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# Field "conns=" etc. of an slbpeer summary line in FILE.
peer_count() {
	sed -n "s/.* $2=\([0-9]*\).*/\1/p" "$1" | tail -n1
}

# A backend that never answers a SYN: be3 listens with a one-slot accept
# queue it never accepts from; once the queue is full, TCP drops every
# further SYN without an answer.
syn_drop_backend() {
	bg "$(ns_be 3)" "$BIN/slbpeer" -l "[::]:80" -A -B 1 -t 120000
	_wait_listen "$(ns_be 3)" "[::]:80"
	in_ns "$NS_LB" "$BIN/slbpeer" -c "$(be4 3):80" -N 2 -t 1000 \
		-e timeout >/dev/null 2>&1 || true
	full() {
		test "$(in_ns "$(ns_be 3)" ss -Hltn "sport = :80" | awk '{ print $2 }')" -ge 2
	}
	wait_for 10 full
}

# check_wait NAME PID [LOG]: NAME passes when background job PID (started by
# this shell) exits 0; LOG is shown when it does not.
check_wait() {
	if wait "$2"; then
		ktap_ok "$1"
	else
		ktap_fail "$1"
		[ -z "${3:-}" ] || sed 's/^/# /' "$3"
	fi
}

# subscribed PID [NS]: the generic netlink socket of process PID (in NS,
# by default the current namespace) has joined a multicast group, so the
# events of changes made from now on reach it.
subscribed() {
	local run=()

	[ -z "${2:-}" ] || run=(ip netns exec "$2")
	"${run[@]}" awk -v pid="$1" '$2 == 16 && $3 == pid && $4 != "00000000" {
		f = 1 } END { exit !f }' /proc/net/netlink
}

# kmsg FORMATTED FIXED: the extack message this kernel gives.  6.1's
# extack cannot carry a formatted message, and the module gives the fixed
# one there (SLB_SET_ERR_MSG_FMT in module/compat.h).
kmsg() {
	case $(uname -r) in
	6.1.*) echo "$2" ;;
	*) echo "$1" ;;
	esac
}

# ---- the kernel's ynl CLI (tests/vm/ynl_cli.sh says why it is here) ------

YNL_SPEC=/usr/share/splicelb/splicelb.yaml
ynl_listener=

# json_has FILE PYTHON-EXPR: the expression holds of the JSON in FILE (j).
json_has() {
	/usr/bin/python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$1" "$2"
}

# ynl_listen OUT [NS]: a ynl in the background, in NS (the current
# namespace by default), subscribed to the events group, reads what came
# after 5 s and writes it to OUT; returns once it is subscribed.  Its PID
# is in $ynl_listener.  ynl 6.12 loses track of a --do when an event
# reaches it before the ack, so the events go to this second ynl.
ynl_listen() {
	local ns=${2:-}
	local run=()

	[ -z "$ns" ] || run=(ip netns exec "$ns")
	"${run[@]}" ynl --spec "$YNL_SPEC" --no-schema --output-json \
		--subscribe events --sleep 5 >"$1" 2>&1 &
	ynl_listener=$!
	wait_for 10 subscribed "$ynl_listener" "$ns"
}

# ynl_events OUT PYTHON-EXPR: the listener ended and the events it wrote
# to OUT (a list of {"name", "msg"}, as j) satisfy the expression.  It
# polls: check may run this in a subshell, of which the listener is no
# child to wait for.
ynl_events() {
	wait_for 20 bash -c "! kill -0 $ynl_listener 2>/dev/null" || return 1
	cat "$1"
	tail -n 1 "$1" >"$1.json"
	json_has "$1.json" "$2"
}
