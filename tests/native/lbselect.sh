#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lbselect, the userspace select() balancer, on the host loopback.
#
# Every scenario runs lbselect with slbpeer clients and servers (which only
# know an ADDR:PORT, not what balances between them) on its own 127.0.0.x
# address, so scenarios never collide, and every process is bounded in
# time.  Output is KTAP; the log of a failed scenario follows it as
# "# " lines.
#
#   BIN=build/bin tests/native/lbselect.sh [NAME-FILTER]
#
# KEEP=1 keeps the logs (their directory is printed at the end).

set -e

BIN=${BIN:-build/bin}
FILTER=${1:-}
LB=$BIN/lbselect
PEER=$BIN/slbpeer
HOLD=$BIN/connhold

ROOT=$(mktemp -d /tmp/lbselect-test.XXXXXX)
PIDS=$ROOT/pids
: >"$PIDS"

# Everything spawned is recorded in $PIDS: kill exactly those, nothing else.
kill_spawned() {
	local pid
	while read -r pid; do
		kill -TERM "$pid" 2>/dev/null || true
	done <"$PIDS"
	sleep 0.1
	while read -r pid; do
		kill -KILL "$pid" 2>/dev/null || true
	done <"$PIDS"
	: >"$PIDS"
}

cleanup() {
	kill_spawned
	if [ -n "${KEEP:-}" ]; then
		echo "# logs kept in $ROOT"
	else
		rm -rf "$ROOT"
	fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# ---- KTAP ------------------------------------------------------------------

N=0
FAILED=0
SKIPPED=0

ktap_ok() { N=$((N + 1)); echo "ok $N - $*"; }
ktap_fail() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $*"; }
ktap_skip() {
	N=$((N + 1))
	SKIPPED=$((SKIPPED + 1))
	echo "ok $N - $1 # SKIP $2"
}

# ---- helpers (used inside scenarios, which run in a subshell) -------------

# spawn NAME CMD...: run CMD in the background, output to $T/NAME.log.
spawn() {
	local name=$1
	shift
	"$@" >"$T/$name.log" 2>&1 &
	SPAWNED=$!
	echo "$SPAWNED" >>"$PIDS"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# skip REASON: this scenario cannot run here.
skip() {
	echo "$*"
	exit 4
}

# A prefix for the commands of a scenario that has a network namespace of
# its own: "nsenter -t PID -n" (see netns_new).
NSRUN=

# wait_port IP PORT: until something listens there (3 s at most).
wait_port() {
	local i
	for i in $(seq 60); do
		$NSRUN ss -Hltn "src $1:$2" | grep -q . && return 0
		sleep 0.05
	done
	echo "nothing listens on $1:$2"
	return 1
}

# wait_exit PID SECONDS: wait for a child; its exit status, 124 on timeout.
wait_exit() {
	local pid=$1 i
	for i in $(seq $(($2 * 20))); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid" && return 0 || return $?
		fi
		sleep 0.05
	done
	echo "process $pid still running after $2 s"
	return 124
}

# lb_start ARGS...: lbselect in the background, $LBPID; waits for $LISTEN.
lb_start() {
	spawn lb $NSRUN "$LB" "$@"
	LBPID=$SPAWNED
	for l in $LISTEN; do
		wait_port "${l%:*}" "${l##*:}"
	done
}

# log_wait FILE PATTERN COUNT: until PATTERN matches COUNT lines (3 s).
log_wait() {
	local i
	for i in $(seq 60); do
		[ "$(grep -c -- "$2" "$1" || true)" -ge "$3" ] && return 0
		sleep 0.05
	done
	echo "no \"$2\" (x$3) in $1"
	return 1
}

# lb_stats: SIGUSR1, then print the report (from its last "stats" line).
lb_stats() {
	local n
	n=$(grep -c 'lbselect: stats ' "$T/lb.log" || true)
	kill -USR1 "$LBPID"
	log_wait "$T/lb.log" 'lbselect: stats ' $((n + 1)) >&2
	sleep 0.05
	awk '/lbselect: stats /{b=""} {b=b $0 "\n"} END{printf "%s", b}' \
		"$T/lb.log"
}

# field TEXT PATTERN KEY: the KEY=number of the first line of TEXT
# matching PATTERN.
field() {
	grep -m1 -- "$2" <<<"$1" | sed -n "s/.* $3=\([0-9]*\).*/\1/p"
}

# summary LOG RESULT: the count of RESULT in a slbpeer summary line.
summary() {
	sed -n "s/^slbpeer: conns=.* $2=\([0-9]*\).*/\1/p" "$1" | tail -n1
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# hup CONFIG-TEXT: write the configuration, SIGHUP, wait for the verdict.
hup() {
	local n
	printf '%s\n' "$1" >"$T/lb.conf"
	n=$(grep -c 'SIGHUP: ' "$T/lb.log" || true)
	kill -HUP "$LBPID"
	log_wait "$T/lb.log" 'SIGHUP: ' $((n + 1))
}

# ---- scenarios -------------------------------------------------------------
#
# Each is a function run in a subshell with set -e: any failing command
# fails it.  IP is its own address, T its own directory.

t_integrity() {
	LISTEN=$IP:47000
	local st
	spawn srv "$PEER" -l "$IP:47001" -N 2 -n 32M -t 20000
	SRV=$SPAWNED
	wait_port "$IP" 47001
	lb_start -s "$IP:47000" -b "$IP:47001"
	# Two connections, 32 MiB each way each, all at the same time.
	"$PEER" -c "$IP:47000" -N 2 -n 32M -t 20000
	wait_exit "$SRV" 5
	st=$(lb_stats)
	echo "$st"
	[ "$(field "$st" "service " client_bytes)" = $((2 * (32 << 20) + 80)) ]
	[ "$(field "$st" "service " backend_bytes)" = $((2 * (32 << 20) + 80)) ]
}

# Client FIN first: its half is done, the server answers after it.
t_halfclose_client() {
	LISTEN=$IP:47000
	spawn srv "$PEER" -l "$IP:47001" -N 1 -w -n 4M -t 10000
	SRV=$SPAWNED
	wait_port "$IP" 47001
	lb_start -s "$IP:47000" -b "$IP:47001"
	"$PEER" -c "$IP:47000" -n 1M -t 10000
	wait_exit "$SRV" 5
}

# Server FIN first: the client still sends after it.
t_halfclose_server() {
	LISTEN=$IP:47000
	spawn srv "$PEER" -l "$IP:47001" -N 1 -n 1M -t 10000
	SRV=$SPAWNED
	wait_port "$IP" 47001
	lb_start -s "$IP:47000" -b "$IP:47001"
	"$PEER" -c "$IP:47000" -w -n 4M -t 10000
	wait_exit "$SRV" 5
}

t_reset_client() {
	LISTEN=$IP:47000
	spawn srv "$PEER" -l "$IP:47001" -N 1 -w -e reset -t 10000
	SRV=$SPAWNED
	wait_port "$IP" 47001
	lb_start -s "$IP:47000" -b "$IP:47001"
	# The client resets after 1 MiB: the server must see a reset, not EOF.
	"$PEER" -c "$IP:47000" -n 64M -x 1M -t 10000
	wait_exit "$SRV" 5
}

t_reset_server() {
	LISTEN=$IP:47000
	spawn srv "$PEER" -l "$IP:47001" -N 1 -n 64M -x 1M -t 10000
	SRV=$SPAWNED
	wait_port "$IP" 47001
	lb_start -s "$IP:47000" -b "$IP:47001"
	"$PEER" -c "$IP:47000" -w -e reset -t 10000
	wait_exit "$SRV" 5
}

# A fast sender into a reader taking 1 KiB every 10 ms: lbselect's memory
# must not follow the backlog, the sender must be held back, and lbselect
# must wait in select() meanwhile, not spin.
t_backpressure() {
	local r1 r2 c1 c2 sent
	LISTEN=$IP:47000
	spawn srv "$PEER" -l "$IP:47001" -N 1 -r 1024 -d 10 -e timeout \
		-t 4000
	SRV=$SPAWNED
	wait_port "$IP" 47001
	lb_start -s "$IP:47000" -b "$IP:47001"
	spawn cli "$PEER" -c "$IP:47000" -n 512M -e timeout -t 3500 -v
	CLI=$SPAWNED
	sleep 0.7
	r1=$(rss_kb "$LBPID")
	c1=$(cpu_ticks "$LBPID")
	sleep 2.3
	r2=$(rss_kb "$LBPID")
	c2=$(cpu_ticks "$LBPID")
	echo "lbselect RSS ${r1} kB then ${r2} kB, $((c2 - c1)) CPU ticks"
	[ $((r2 - r1)) -le 256 ]
	[ $((c2 - c1)) -le 40 ]
	wait_exit "$CLI" 5
	sent=$(sed -n 's/.* sent=\([0-9]*\).*/\1/p' "$T/cli.log")
	echo "sender got $sent bytes out of 512 MiB in 3.5 s"
	[ "$sent" -lt $((64 << 20)) ]
}

t_connect_retry() {
	local st
	LISTEN=$IP:47000
	spawn srv "$PEER" -l "$IP:47002" -N 4 -t 10000
	SRV=$SPAWNED
	wait_port "$IP" 47002
	# Nothing listens on 47001: refused.
	lb_start -s "$IP:47000" -b "$IP:47001" -b "$IP:47002"
	"$PEER" -c "$IP:47000" -N 4 -P 1 -t 10000
	wait_exit "$SRV" 5
	st=$(lb_stats)
	echo "$st"
	[ "$(field "$st" "backend $IP:47001" connect_failures)" -ge 1 ]
	[ "$(field "$st" "backend $IP:47002" total)" = 4 ]
	[ "$(field "$st" "service " refused)" = 0 ]
}

# A backend whose accept queue is full drops SYNs: the attempt times out
# (-C) and the client is handed to the next backend.
t_connect_timeout() {
	local t0 dt st
	LISTEN=$IP:47000
	spawn drop "$PEER" -l "$IP:47001" -A -B 0 -t 10000
	wait_port "$IP" 47001
	spawn fill1 "$PEER" -c "$IP:47001" -w -t 10000
	spawn fill2 "$PEER" -c "$IP:47001" -w -t 10000
	sleep 0.2
	spawn srv "$PEER" -l "$IP:47002" -N 1 -t 10000
	SRV=$SPAWNED
	wait_port "$IP" 47002
	lb_start -s "$IP:47000" -b "$IP:47001" -b "$IP:47002" -C 300
	t0=$(now_ms)
	"$PEER" -c "$IP:47000" -t 10000
	dt=$(($(now_ms) - t0))
	echo "served in $dt ms"
	[ "$dt" -ge 250 ] && [ "$dt" -lt 3000 ]
	st=$(lb_stats)
	echo "$st"
	[ "$(field "$st" "backend $IP:47001" connect_failures)" = 1 ]
}

t_all_down() {
	local t0 dt st
	LISTEN=$IP:47000
	lb_start -s "$IP:47000" -b "$IP:47001" -b "$IP:47002"
	t0=$(now_ms)
	"$PEER" -c "$IP:47000" -e reset -t 5000
	dt=$(($(now_ms) - t0))
	echo "reset after $dt ms"
	[ "$dt" -lt 1000 ]
	st=$(lb_stats)
	echo "$st"
	[ "$(field "$st" "service " connect_failures)" = 2 ]
	[ "$(field "$st" "service " refused)" = 1 ]
	[ "$(field "$st" "backend $IP:47001" connect_failures)" = 1 ]
}

# More clients than an fd_set holds: the excess is refused with a clear
# message, the others are served, and lbselect keeps going.
t_fd_setsize() {
	local ok reset
	ulimit -n 4096 2>/dev/null || skip "cannot raise the open-file limit"
	LISTEN=$IP:47000
	spawn srv "$PEER" -l "$IP:47001" -n 100 -t 15000
	wait_port "$IP" 47001
	printf '%s\n' "service add $IP:47000 backlog 2048" \
		"backend add $IP:47001 service $IP:47000" >"$T/lb.conf"
	lb_start -c "$T/lb.conf" -m 1000
	# All 1100 stay open (they send after 2 s) so the table fills.
	"$PEER" -c "$IP:47000" -N 1100 -n 100 -s 2000 -t 12000 \
		>"$T/cli.log" || true
	cat "$T/cli.log"
	ok=$(summary "$T/cli.log" ok)
	reset=$(summary "$T/cli.log" reset)
	[ "$ok" -ge 400 ] && [ "$ok" -le 512 ]
	[ $((ok + reset)) = 1100 ]
	grep -q 'does not fit in an fd_set (FD_SETSIZE 1024)' "$T/lb.log"
	kill -0 "$LBPID"
	"$PEER" -c "$IP:47000" -n 1M -t 5000
}

# Reload while 8 long transfers run: add a backend and a service, refuse a
# bad file, remove the backend the transfers use, remove a whole service.
# The clients send slowly, so that the transfers are still in lbselect
# (not just in socket buffers) through all of it; both ends check every
# byte, and which server gets how many connections is known in advance.
t_reload() {
	local A=$IP:47000 B=$IP:47010 S1=$IP:47001 S2=$IP:47002 B1 B2 P1 P2
	LISTEN=$A
	spawn s1 "$PEER" -l "$S1" -N 8 -n 1M -t 15000
	P1=$SPAWNED
	spawn s2 "$PEER" -l "$S2" -N 7 -n 1M -t 15000
	P2=$SPAWNED
	wait_port "$IP" 47001
	wait_port "$IP" 47002
	printf '%s\n' "service add $A" "backend add $S1 service $A" \
		>"$T/lb.conf"
	lb_start -c "$T/lb.conf"
	spawn batch1 "$PEER" -c "$A" -N 8 -n 3M -p 16k:10 -t 12000
	B1=$SPAWNED
	sleep 0.3
	hup "service add $A scheduler wrr
service add $B
backend add $S1 service $A weight 2
backend add $S2 service $A
backend add $S2 service $B"
	grep -q "SIGHUP: .* reloaded" "$T/lb.log"
	wait_port "$IP" 47010
	"$PEER" -c "$B" -n 1k -t 5000
	hup "service add $A
backend add $S2 service $A weight 99999"
	grep -q "lb.conf:2: bad weight" "$T/lb.log"
	tail -n1 "$T/lb.log" | grep -q "refused, running configuration kept"
	"$PEER" -c "$B" -n 1k -t 5000
	# S1 goes while batch1 still streams through it.
	hup "service add $A
service add $B
backend add $S2 service $A
backend add $S2 service $B"
	spawn batch2 "$PEER" -c "$A" -N 4 -n 1M -p 16k:10 -t 12000
	B2=$SPAWNED
	sleep 0.2
	# Service A goes: its listener closes, its connections finish.
	hup "service add $B
backend add $S2 service $B"
	grep "service $A removed" "$T/lb.log"
	grep -q "service $A removed (12 connections left" "$T/lb.log"
	"$PEER" -c "$A" -e refused -t 2000
	"$PEER" -c "$B" -n 1k -t 5000
	wait_exit "$B1" 12
	wait_exit "$B2" 12
	wait_exit "$P1" 5
	wait_exit "$P2" 5
	cat "$T"/batch?.log "$T"/s?.log
}

t_idle_timeout() {
	local t0 dt
	LISTEN=$IP:47000
	spawn srv "$PEER" -l "$IP:47001" -N 1 -w -e reset -t 10000
	SRV=$SPAWNED
	wait_port "$IP" 47001
	lb_start -s "$IP:47000" -b "$IP:47001" -I 500
	t0=$(now_ms)
	# Both ends wait for the other: nothing moves until lbselect resets.
	"$PEER" -c "$IP:47000" -w -e reset -t 5000
	dt=$(($(now_ms) - t0))
	echo "reset after $dt ms"
	[ "$dt" -ge 450 ] && [ "$dt" -lt 2500 ]
	wait_exit "$SRV" 5
}

t_half_closed_timeout() {
	local t0 dt
	LISTEN=$IP:47000
	# The server answers the client's FIN only after 5 s.
	spawn srv "$PEER" -l "$IP:47001" -N 1 -w -s 5000 -e reset -t 10000
	SRV=$SPAWNED
	wait_port "$IP" 47001
	lb_start -s "$IP:47000" -b "$IP:47001" -H 500 -I 10s
	t0=$(now_ms)
	"$PEER" -c "$IP:47000" -e reset -t 5000
	dt=$(($(now_ms) - t0))
	echo "reset after $dt ms"
	[ "$dt" -ge 450 ] && [ "$dt" -lt 2500 ]
	wait_exit "$SRV" 5
}

t_sigterm_drain() {
	local t0 dt CLI
	LISTEN=$IP:47000
	spawn srv "$PEER" -l "$IP:47001" -N 1 -n 1M -t 10000
	SRV=$SPAWNED
	wait_port "$IP" 47001
	lb_start -s "$IP:47000" -b "$IP:47001" -D 10s
	# About 1 s of transfer; SIGTERM comes in the middle.
	spawn cli "$PEER" -c "$IP:47000" -n 1M -p 16k:15 -t 10000
	CLI=$SPAWNED
	sleep 0.3
	t0=$(now_ms)
	kill -TERM "$LBPID"
	sleep 0.1
	grep -q "waiting up to 10000 ms for 1 connections" "$T/lb.log"
	"$PEER" -c "$IP:47000" -e refused -t 2000
	wait_exit "$CLI" 5
	wait_exit "$SRV" 5
	wait_exit "$LBPID" 5
	dt=$(($(now_ms) - t0))
	echo "lbselect exited $dt ms after SIGTERM"
	[ "$dt" -lt 5000 ]
}

t_drain_deadline() {
	local t0 dt CLI
	LISTEN=$IP:47000
	spawn srv "$PEER" -l "$IP:47001" -N 1 -w -e reset -t 10000
	wait_port "$IP" 47001
	lb_start -s "$IP:47000" -b "$IP:47001" -D 300
	spawn cli "$PEER" -c "$IP:47000" -w -e reset -t 10000
	CLI=$SPAWNED
	log_wait "$T/lb.log" "connected to" 1 || sleep 0.3
	t0=$(now_ms)
	kill -TERM "$LBPID"
	wait_exit "$LBPID" 5
	dt=$(($(now_ms) - t0))
	echo "lbselect exited $dt ms after SIGTERM"
	[ "$dt" -ge 250 ] && [ "$dt" -lt 2000 ]
	wait_exit "$CLI" 5
	grep -q "drain deadline: resetting 1 connections" "$T/lb.log"
}

# Out of descriptors, accept() fails with EMFILE and the client stays in
# the backlog, the listener readable: lbselect must not spin on it.
t_emfile() {
	local c1 c2 CLI
	LISTEN=$IP:47000
	spawn srv "$PEER" -l "$IP:47001" -n 10 -t 10000
	wait_port "$IP" 47001
	# Only stdio inherited, so 16 leaves exactly 5 connections' worth.
	spawn lb bash -c 'for f in /proc/$$/fd/*; do f=${f##*/}
		[ "$f" -gt 2 ] && eval "exec $f>&-"; done
		ulimit -n 16 && exec "$0" "$@"' "$LB" -s "$IP:47000" \
		-b "$IP:47001"
	LBPID=$SPAWNED
	wait_port "$IP" 47000
	spawn cli "$PEER" -c "$IP:47000" -N 12 -n 10 -s 1500 -t 8000
	CLI=$SPAWNED
	sleep 0.3
	c1=$(cpu_ticks "$LBPID")
	sleep 1
	c2=$(cpu_ticks "$LBPID")
	echo "lbselect used $((c2 - c1)) ticks in 1 s while out of descriptors"
	[ $((c2 - c1)) -le 20 ]
	# As connections end, the ones left in the backlog are served.
	wait_exit "$CLI" 8
	grep -q "accept: Too many open files: pausing" "$T/lb.log"
}

# Two backends of maxconn 1, maxqueue 2; every backend connection lasts
# 1 s.  Two clients are served, the next two wait without spinning and
# are served as the first ones end, a fifth is reset at once.
t_queue() {
	local FIRST WAIT t0 dt c1 c2 st
	LISTEN=$IP:47000
	spawn s1 "$PEER" -l "$IP:47001" -N 2 -s 1000 -n 1k -t 10000
	spawn s2 "$PEER" -l "$IP:47002" -N 2 -s 1000 -n 1k -t 10000
	wait_port "$IP" 47001
	wait_port "$IP" 47002
	printf '%s\n' "service add $IP:47000 maxqueue 2 queue-timeout 10s" \
		"backend add $IP:47001 service $IP:47000 maxconn 1" \
		"backend add $IP:47002 service $IP:47000 maxconn 1" >"$T/lb.conf"
	lb_start -c "$T/lb.conf" -v
	spawn first "$PEER" -c "$IP:47000" -N 2 -n 1k -t 10000
	FIRST=$SPAWNED
	log_wait "$T/lb.log" "connected to" 2
	t0=$(now_ms)
	spawn wait "$PEER" -c "$IP:47000" -N 2 -n 1k -t 10000
	WAIT=$SPAWNED
	log_wait "$T/lb.log" "waiting (2 in the queue)" 1
	"$PEER" -c "$IP:47000" -e reset -t 2000
	dt=$(($(now_ms) - t0))
	echo "the fifth client was reset after $dt ms"
	[ "$dt" -lt 700 ]
	c1=$(cpu_ticks "$LBPID")
	sleep 0.3
	c2=$(cpu_ticks "$LBPID")
	echo "lbselect used $((c2 - c1)) ticks in 0.3 s with 2 waiting"
	[ $((c2 - c1)) -le 3 ]
	st=$(lb_stats)
	echo "$st"
	[ "$(field "$st" "service " queue_len)" = 2 ]
	wait_exit "$FIRST" 5
	wait_exit "$WAIT" 5
	dt=$(($(now_ms) - t0))
	echo "the waiters were served $dt ms after they came"
	[ "$dt" -ge 1000 ]
	st=$(lb_stats)
	echo "$st"
	[ "$(field "$st" "service " queued)" = 2 ]
	[ "$(field "$st" "service " refused)" = 1 ]
	[ "$(field "$st" "service " queue_timeouts)" = 0 ]
	[ "$(field "$st" "service " queue_len)" = 0 ]
	[ "$(field "$st" "backend $IP:47001" total)" = 2 ]
	[ "$(field "$st" "backend $IP:47002" total)" = 2 ]
}

# One backend of maxconn 1, held for 2.5 s.  Waiters that reset or close
# before a byte leave the queue at once; one that stays is reset at its
# queue-timeout; SIGTERM resets a waiter at once, the holder finishes.
t_queue_timeout() {
	local HOLDER CH W t0 dt st
	LISTEN=$IP:47000
	spawn srv "$PEER" -l "$IP:47001" -N 1 -s 2500 -n 1k -t 10000
	wait_port "$IP" 47001
	printf '%s\n' "service add $IP:47000 maxqueue 4 queue-timeout 500ms" \
		"backend add $IP:47001 service $IP:47000 maxconn 1" >"$T/lb.conf"
	lb_start -c "$T/lb.conf" -v -D 5s
	spawn holder "$PEER" -c "$IP:47000" -n 1k -t 10000
	HOLDER=$SPAWNED
	log_wait "$T/lb.log" "connected to" 1
	# slbpeer resets at its own timeout; connhold's exit sends FINs.
	"$PEER" -c "$IP:47000" -w -e timeout -t 200
	log_wait "$T/lb.log" "client: .*: reset" 1
	spawn hold "$HOLD" "$IP:47000" 2
	CH=$SPAWNED
	log_wait "$T/hold.log" "ready 2" 1
	log_wait "$T/lb.log" "waiting (2 in the queue)" 1
	kill "$CH"
	log_wait "$T/lb.log" "client left the queue" 2
	t0=$(now_ms)
	"$PEER" -c "$IP:47000" -n 1k -e reset -t 3000
	dt=$(($(now_ms) - t0))
	echo "the waiter was reset after $dt ms"
	[ "$dt" -ge 450 ] && [ "$dt" -lt 1500 ]
	st=$(lb_stats)
	echo "$st"
	[ "$(field "$st" "service " queued)" = 4 ]
	[ "$(field "$st" "service " queue_timeouts)" = 1 ]
	[ "$(field "$st" "service " queue_len)" = 0 ]
	[ "$(field "$st" "service " refused)" = 0 ]
	spawn w "$PEER" -c "$IP:47000" -n 1k -e reset -t 3000
	W=$SPAWNED
	log_wait "$T/lb.log" "waiting (1 in the queue)" 4
	t0=$(now_ms)
	kill -TERM "$LBPID"
	wait_exit "$W" 2
	dt=$(($(now_ms) - t0))
	echo "SIGTERM reset the waiter after $dt ms"
	[ "$dt" -lt 400 ]
	wait_exit "$HOLDER" 5
	wait_exit "$LBPID" 5
}

# Reloads: a higher maxconn lets a waiter through at once; a removed
# service's waiter is reset while its connection finishes.
t_queue_reload() {
	local A=$IP:47000 B=$IP:47010 S1=$IP:47001 H1 W1 H2 W2 t0 dt
	LISTEN=$A
	spawn srv "$PEER" -l "$S1" -N 4 -s 1500 -n 1k -t 15000
	wait_port "$IP" 47001
	printf '%s\n' "service add $A maxqueue 4" \
		"backend add $S1 service $A maxconn 1" >"$T/lb.conf"
	lb_start -c "$T/lb.conf" -v
	spawn h1 "$PEER" -c "$A" -n 1k -t 10000
	H1=$SPAWNED
	log_wait "$T/lb.log" "connected to" 1
	spawn w1 "$PEER" -c "$A" -n 1k -t 10000
	W1=$SPAWNED
	log_wait "$T/lb.log" "waiting (1 in the queue)" 1
	t0=$(now_ms)
	hup "service add $A maxqueue 4
backend add $S1 service $A maxconn 2"
	log_wait "$T/lb.log" "connected to" 2
	dt=$(($(now_ms) - t0))
	echo "the waiter got a backend $dt ms after the reload"
	[ "$dt" -lt 500 ]
	wait_exit "$H1" 5
	wait_exit "$W1" 5
	hup "service add $A maxqueue 4
backend add $S1 service $A maxconn 1"
	spawn h2 "$PEER" -c "$A" -n 1k -t 10000
	H2=$SPAWNED
	log_wait "$T/lb.log" "connected to" 3
	spawn w2 "$PEER" -c "$A" -n 1k -e reset -t 10000
	W2=$SPAWNED
	log_wait "$T/lb.log" "waiting (1 in the queue)" 2
	hup "service add $B
backend add $S1 service $B"
	grep -q "service $A removed (1 connections left" "$T/lb.log"
	wait_exit "$W2" 1
	wait_exit "$H2" 5
}

t_config_errors() {
	local rc=0
	printf '%s\n' "# comment" "" "service add $IP:47000 scheduler rr" \
		"backend add $IP:47001 service $IP:47000 weight 70000" \
		"backend add $IP:47002 service $IP:47999" \
		"service add [::1]:47000 backlog 0" "frobnicate" \
		>"$T/bad.conf"
	"$LB" -c "$T/bad.conf" 2>"$T/err.log" || rc=$?
	cat "$T/err.log"
	[ "$rc" = 1 ]
	grep -q "bad.conf:4: bad weight \"70000\"" "$T/err.log"
	grep -q "bad.conf:5: no service $IP:47999" "$T/err.log"
	grep -q "bad.conf:6: bad backlog \"0\"" "$T/err.log"
	grep -q "bad.conf:7: unknown command \"frobnicate\"" "$T/err.log"
	printf '%s\n' "service add $IP:47000 scheduler nosuch" >"$T/bad2.conf"
	rc=0
	"$LB" -c "$T/bad2.conf" 2>"$T/err2.log" || rc=$?
	[ "$rc" = 1 ]
	grep -q 'bad2.conf:1: unknown scheduler "nosuch"' "$T/err2.log"
	rc=0
	"$LB" -s "$IP:47000" 2>/dev/null || rc=$?
	[ "$rc" = 2 ]
	rc=0
	"$LB" -s "$IP:47000" -b 300.1.1.1:80 2>/dev/null || rc=$?
	[ "$rc" = 2 ]
}

# ---- health checks ---------------------------------------------------------

# check_server MODE PORT: a send-expect peer on $IP:PORT, in python3.  It
# reads a line, then: pong answers "+PONG" in two writes 50 ms apart (a
# match across two reads), wrong answers an error, silent never answers,
# close closes.
check_server() {
	command -v python3 >/dev/null || skip "no python3 for the check servers"
	spawn "chk$2" python3 -c '
import socket, sys, threading, time
mode, port = sys.argv[1], int(sys.argv[3])
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((sys.argv[2], port))
ls.listen(64)
def serve(c):
    try:
        buf = b""
        while b"\n" not in buf:
            d = c.recv(100)
            if not d:
                return
            buf += d
        if mode == "pong":
            c.sendall(b"+PO")
            time.sleep(0.05)
            c.sendall(b"NG\r\n")
        elif mode == "wrong":
            c.sendall(b"-ERR unknown command\r\n")
        elif mode == "silent":
            time.sleep(30)
        if mode != "close":
            c.recv(100)
    except OSError:
        pass
    finally:
        c.close()
while True:
    c, _ = ls.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
' "$1" "$IP" "$2"
	wait_port "$IP" "$2"
}

# server NAME PORT: an slbpeer serving every client on $IP:PORT (20 s at
# most), once it listens; its pid in $SPAWNED.
server() {
	spawn "$1" "$PEER" -l "$IP:$2" -N 0 -t 20000
	wait_port "$IP" "$2"
}

# restart_up NAME MS WHY: the server of backend $IP:47001 back (NAME), its
# health up within MS (WHY: the bound expected), then its half of 10
# clients of $IP:47000.
restart_up() {
	local t0 dt st
	server "$1" 47001
	t0=$(now_ms)
	dt=$(log_since "$T/lb.log" \
		"backend $IP:47001 of $IP:47000 health up (passed)" "$t0")
	echo "up $dt ms after the restart ($3)"
	[ "$dt" -le "$2" ]
	"$PEER" -c "$IP:47000" -N 10 -P 1 -t 10000
	st=$(lb_stats)
	echo "$st"
	[ "$(field "$st" "backend $IP:47001" total)" = 5 ]
}

# log_since FILE PATTERN T0: ms from T0 until PATTERN is in FILE (3 s).
log_since() {
	log_wait "$1" "$2" 1
	echo $(($(now_ms) - $3))
}

# fds PID: descriptors it holds.
fds() { ls "/proc/$1/fd" | wc -l; }

# fds_are PID N: it holds N descriptors (a check may be opening one).
fds_are() {
	local i
	for i in $(seq 20); do
		[ "$(fds "$1")" = "$2" ] && return 0
		sleep 0.02
	done
	echo "$1 holds $(fds "$1") descriptors, not $2"
	return 1
}

# checks_to ADDR:PORT N: until N connections go there (2 s).
checks_to() {
	local i
	for i in $(seq 100); do
		[ "$(ss -Htn state established "dst $1" | wc -l)" = "$2" ] &&
			return 0
		sleep 0.02
	done
	echo "not $2 connections to $1"
	ss -tn "dst $1"
	return 1
}

# A tcp check every 200 ms, rise 2, fall 3.  A killed server is down
# within fall x inter + timeout and gets no client after; restarted, it is
# up within rise x inter and gets its share again.
t_check_tcp() {
	local S1 S2 t0 dt st
	LISTEN=$IP:47000
	server s1 47001
	S1=$SPAWNED
	server s2 47002
	printf '%s\n' \
		"service add $IP:47000 check tcp inter 200ms rise 2 fall 3" \
		"backend add $IP:47001 service $IP:47000" \
		"backend add $IP:47002 service $IP:47000" >"$T/lb.conf"
	lb_start -c "$T/lb.conf" -v
	sleep 0.5
	kill -KILL "$S1"
	t0=$(now_ms)
	dt=$(log_since "$T/lb.log" \
		"backend $IP:47001 of $IP:47000 health down (refused)" "$t0")
	echo "down $dt ms after the kill (fall x inter + timeout: 800 ms)"
	[ "$dt" -le 1000 ]
	# Not "! grep": set -e ignores a negated command's failure.
	if grep -q "backend $IP:47002 of .* health" "$T/lb.log"; then
		return 1
	fi
	"$PEER" -c "$IP:47000" -N 10 -P 1 -t 10000
	st=$(lb_stats)
	echo "$st"
	[ "$(field "$st" "backend $IP:47001" total)" = 0 ]
	[ "$(field "$st" "backend $IP:47001" connect_failures)" = 0 ]
	[ "$(field "$st" "backend $IP:47002" total)" = 10 ]
	grep -q "backend $IP:47001 state=up health=down last_check=refused" \
		<<<"$st"
	[ "$(field "$st" "backend $IP:47001" check_fails)" -ge 3 ]
	restart_up s1b 800 "rise x inter: 400 ms"
	st=$(lb_stats)
	[ "$(field "$st" "backend $IP:47001" health_changes)" = 2 ]
	[ "$(field "$st" "service " health_changes)" = 2 ]
	grep -q "service $IP:47000 scheduler=rr check=tcp" <<<"$st"
}

# send/expect through check-port: a right answer (in two parts) keeps its
# backend up; silence, a wrong answer or a close bring theirs down, each
# with its reason, and the clients all go to the first.
t_check_expect() {
	local st t0 dt
	LISTEN=$IP:47000
	check_server pong 47011
	check_server silent 47012
	check_server wrong 47013
	check_server close 47014
	for p in 47001 47002 47003 47004; do
		server "s$p" "$p"
	done
	echo "service add $IP:47000 check send \"PING\\r\\n\"" \
		"expect \"+PONG\" inter 300ms timeout 200ms rise 1 fall 1" \
		>"$T/lb.conf"
	for i in 1 2 3 4; do
		echo "backend add $IP:4700$i service $IP:47000" \
			"check-port 4701$i" >>"$T/lb.conf"
	done
	cat "$T/lb.conf"
	t0=$(now_ms)
	lb_start -c "$T/lb.conf" -v
	dt=$(log_since "$T/lb.log" "$IP:47002 .* health down (timeout)" "$t0")
	echo "silent backend down $dt ms after the start"
	log_wait "$T/lb.log" "$IP:47003 .* health down (unexpected reply)" 1
	log_wait "$T/lb.log" "$IP:47004 .* health down (closed)" 1
	sleep 0.5
	"$PEER" -c "$IP:47000" -N 8 -P 2 -t 10000
	st=$(lb_stats)
	echo "$st"
	grep -q "backend $IP:47001 state=up health=up last_check=passed" \
		<<<"$st"
	grep -q "backend $IP:47002 state=up health=down last_check=timeout" \
		<<<"$st"
	grep -q "$IP:47003 state=up health=down last_check=unexpected_reply" \
		<<<"$st"
	grep -q "backend $IP:47004 state=up health=down last_check=closed" \
		<<<"$st"
	[ "$(field "$st" "backend $IP:47001" total)" = 8 ]
	[ "$(field "$st" "backend $IP:47001" check_fails)" = 0 ]
	[ "$(field "$st" "service " health_changes)" = 3 ]
	! grep -q "$IP:47001 of .* health" "$T/lb.log"
}

# Reloads in the middle of checks: a removed backend's check in flight is
# cancelled, check none brings a down backend up, a check-port change
# checks anew; descriptors come back each time.
t_check_reload() {
	local A=$IP:47000 n0 st
	LISTEN=$A
	check_server silent 47012
	server s1 47001
	server s2 47002
	# 47001 is checked on a port that refuses, 47002 on one that never
	# answers: its check is in flight 1 s of every 1.2.
	printf '%s\n' "service add $A check tcp inter 300ms rise 1 fall 1" \
		"backend add $IP:47001 service $A check-port 47011" \
		"backend add $IP:47002 service $A check-port 47012" >"$T/lb.conf"
	lb_start -c "$T/lb.conf" -v
	log_wait "$T/lb.log" "$IP:47001 of $A health down (refused)" 1
	n0=$(fds "$LBPID")
	hup "service add $A check send x expect y inter 1200ms timeout 1s
backend add $IP:47001 service $A check-port 47011
backend add $IP:47002 service $A check-port 47012"
	log_wait "$T/lb.log" "$IP:47002 of $A health down (timeout)" 1
	checks_to "$IP:47012" 1
	hup "service add $A check send x expect y inter 1200ms timeout 1s
backend add $IP:47001 service $A check-port 47011"
	checks_to "$IP:47012" 0
	fds_are "$LBPID" "$n0"
	hup "service add $A check none
backend add $IP:47001 service $A check-port 47011"
	log_wait "$T/lb.log" "$IP:47001 of $A health up (check none)" 1
	"$PEER" -c "$A" -N 2 -t 5000
	hup "service add $A check tcp inter 300ms rise 1 fall 1
backend add $IP:47001 service $A"
	sleep 0.5
	"$PEER" -c "$A" -N 2 -t 5000
	st=$(lb_stats)
	echo "$st"
	grep -q "backend $IP:47001 state=up health=up last_check=passed" \
		<<<"$st"
	[ "$(field "$st" "backend $IP:47001" total)" = 4 ]
	fds_are "$LBPID" "$n0"
}

# 500 backends that refuse, checked every 500 ms: the first checks spread
# over the first interval, every backend is down after it, and the CPU
# time of the 1,000 checks a second is measured.
t_check_many() {
	local i t0 dt c1 c2 n n0
	LISTEN=$IP:47000
	{
		echo "service add $IP:47000 check tcp inter 500ms"
		for i in $(seq 500); do
			echo "backend add $IP:$((48000 + i)) service $IP:47000"
		done
	} >"$T/lb.conf"
	t0=$(now_ms)
	lb_start -c "$T/lb.conf"
	n0=$(fds "$LBPID")
	log_wait "$T/lb.log" "health down (refused)" 500
	dt=$(($(now_ms) - t0))
	echo "500 backends down $dt ms after the start"
	[ "$dt" -le 1500 ]
	c1=$(cpu_ticks "$LBPID")
	sleep 2
	c2=$(cpu_ticks "$LBPID")
	n=$(field "$(lb_stats)" "service " check_fails)
	echo "lbselect used $((c2 - c1)) ticks in 2 s for 1,000 checks a" \
		"second ($n failed checks in all)"
	[ "$((c2 - c1))" -le 100 ]
	# Its checks' 32 are held from the start: no more come.
	fds_are "$LBPID" "$n0"
}

# A pool of clients beyond FD_SETSIZE cannot starve the checks: their
# descriptors are held from the start.  With 1,100 clients open, the
# check target is killed and its backend still goes down in time.
t_check_fd_setsize() {
	local CHK CLI t0 dt
	ulimit -n 4096 2>/dev/null || skip "cannot raise the open-file limit"
	LISTEN=$IP:47000
	spawn srv "$PEER" -l "$IP:47001" -n 100 -t 15000
	spawn chk "$PEER" -l "$IP:47011" -N 0 -t 15000
	CHK=$SPAWNED
	wait_port "$IP" 47001
	wait_port "$IP" 47011
	printf '%s\n' \
		"service add $IP:47000 backlog 2048 check tcp inter 200ms fall 2" \
		"backend add $IP:47001 service $IP:47000 check-port 47011" \
		>"$T/lb.conf"
	lb_start -c "$T/lb.conf" -m 1000
	spawn cli "$PEER" -c "$IP:47000" -N 1100 -n 100 -s 3000 -t 12000
	CLI=$SPAWNED
	log_wait "$T/lb.log" "does not fit in an fd_set" 1
	kill -KILL "$CHK"
	t0=$(now_ms)
	dt=$(log_since "$T/lb.log" "$IP:47001 of .* health down (refused)" \
		"$t0")
	echo "down $dt ms after the kill, the fd_set full of clients"
	[ "$dt" -le 800 ]
	wait_exit "$CLI" 12 || true
	cat "$T/cli.log"
	[ "$(summary "$T/cli.log" ok)" -ge 400 ]
}

# stats_wait PATTERN SECONDS: SIGUSR1 every 100 ms until the report has
# PATTERN.
stats_wait() {
	local i
	for i in $(seq $(($2 * 10))); do
		lb_stats | grep -q -- "$1" && return 0
		sleep 0.1
	done
	echo "no \"$1\" in the reports of $2 s"
	return 1
}

# observe 2, inter 5s: once its first check has passed, 47001 dies, and
# the second client whose connect it refuses brings it down there and
# then, seconds before its next check; both clients are served by 47002,
# and no client tries 47001 after.  While down it is checked every
# downinter, so that restarted it is up again in rise x downinter.
t_check_observe() {
	local A=$IP:47000 S1 t0 dt st down fail why
	LISTEN=$A
	server s1 47001
	S1=$SPAWNED
	server s2 47002
	printf '%s\n' \
		"service add $A check tcp inter 5s downinter 200ms observe 2" \
		"backend add $IP:47001 service $A" \
		"backend add $IP:47002 service $A" >"$T/lb.conf"
	lb_start -c "$T/lb.conf" -v
	# Its first check comes at a random point of the first 5 s.
	stats_wait "backend $IP:47001 state=up health=up last_check=passed" 6
	kill -KILL "$S1"
	t0=$(now_ms)
	"$PEER" -c "$A" -N 6 -P 1 -t 10000
	why="refused, 2 client connects in a row"
	dt=$(log_since "$T/lb.log" "$IP:47001 of $A health down ($why)" "$t0")
	echo "down $dt ms after the kill (its next check: 4.5 s or more)"
	[ "$dt" -le 1000 ]
	# No check failed before: the clients' connects alone brought it down.
	down=$(grep -n -m1 "$IP:47001 of $A health down" "$T/lb.log")
	fail=$(grep -n -m1 "$IP:47001 of $A: check failed" "$T/lb.log" ||
		echo "999999:")
	[ "${down%%:*}" -lt "${fail%%:*}" ]
	"$PEER" -c "$A" -N 4 -P 1 -t 10000
	st=$(lb_stats)
	echo "$st"
	grep -q "backend $IP:47001 state=up health=down last_check=refused" \
		<<<"$st"
	[ "$(field "$st" "backend $IP:47001" connect_failures)" = 2 ]
	[ "$(field "$st" "backend $IP:47001" observe_downs)" = 1 ]
	[ "$(field "$st" "backend $IP:47001" health_changes)" = 1 ]
	[ "$(field "$st" "backend $IP:47002" total)" = 10 ]
	[ "$(field "$st" "backend $IP:47002" observe_downs)" = 0 ]
	[ "$(field "$st" "service " observe_downs)" = 1 ]
	[ "$(field "$st" "service " refused)" = 0 ]
	restart_up s1b 1000 "rise x downinter: 400 ms"
	st=$(lb_stats)
	[ "$(field "$st" "backend $IP:47001" connect_failures)" = 2 ]
	[ "$(field "$st" "backend $IP:47001" observe_downs)" = 1 ]
	[ "$(field "$st" "backend $IP:47001" health_changes)" = 2 ]
	[ "$(field "$st" "service " health_changes)" = 2 ]
}

# An agent-port is read but not polled: said in the log, with the file's
# line, and the backend serves at its configured weight.
t_agent_unpolled() {
	local st
	LISTEN=$IP:47000
	server s1 47001
	printf '%s\n' "service add $IP:47000 scheduler wrr" \
		"backend add $IP:47001 service $IP:47000 weight 3 agent-port 47009" \
		>"$T/lb.conf"
	lb_start -c "$T/lb.conf"
	log_wait "$T/lb.log" "lb.conf:2: agent-port 47009: lbselect polls no agents; the backend keeps its configured weight and state" 1
	"$PEER" -c "$IP:47000" -N 4 -P 1 -t 10000
	st=$(lb_stats)
	echo "$st"
	[ "$(field "$st" "backend $IP:47001" total)" = 4 ]
	grep -q "backend $IP:47001 .* weight=3 eweight=3 " <<<"$st"
}

# ---- the PROXY protocol ----------------------------------------------------

# local_of LOG: the address a client's slbpeer -v line says it had.
local_of() { sed -n 's/^slbpeer: client .* local=\([^ ]*\)$/\1/p' "$1"; }
# The bytes of the PROXY headers an slbpeer -R server read, in LOG.
header_bytes() {
	sed -n 's/^slbpeer: proxy .* len=\([0-9]*\) .*/\1/p' "$1" |
		awk '{ s += $1 } END { print s + 0 }'
}

# send_raw PORT BYTES: BYTES (printf escapes) to $IP:PORT, then a FIN.
send_raw() {
	exec 3<>"/dev/tcp/$IP/$1"
	# shellcheck disable=SC2059
	printf "$2" >&3
	exec 3>&-
}

# v1 from a service, v2 for one backend alone, then v2 for the first
# service too after a reload: each backend reads the header before the
# frame, which arrives whole (its checksum checked), the header giving
# the client's address and port and the service's; v2's unique id is
# the connection's, as lbselect's log names it.  The headers count in
# the client's bytes, as what went to the backend.
t_proxy_send() {
	local S1 S2 c id st
	LISTEN="$IP:47000 $IP:47010"
	spawn s1 "$PEER" -l "$IP:47001" -R -N 2 -n 256k -t 10000
	S1=$SPAWNED
	spawn s2 "$PEER" -l "$IP:47011" -R -N 1 -n 256k -t 10000
	S2=$SPAWNED
	wait_port "$IP" 47001
	wait_port "$IP" 47011
	printf '%s\n' "service add $IP:47000 proxy-protocol v1" \
		"backend add $IP:47001 service $IP:47000" \
		"service add $IP:47010" \
		"backend add $IP:47011 service $IP:47010 proxy-protocol v2" \
		>"$T/lb.conf"
	lb_start -c "$T/lb.conf" -v
	"$PEER" -c "$IP:47000" -n 256k -v -t 10000 >"$T/c1.log"
	"$PEER" -c "$IP:47010" -n 256k -v -t 10000 >"$T/c2.log"
	hup "$(sed 's/ proxy-protocol v1$/ proxy-protocol v2/' "$T/lb.conf")"
	"$PEER" -c "$IP:47000" -n 256k -v -t 10000 >"$T/c3.log"
	wait_exit "$S1" 5
	wait_exit "$S2" 5
	cat "$T"/c?.log "$T"/s?.log
	c=$(local_of "$T/c1.log")
	grep -q "^slbpeer: proxy peer=.* v1 len=[0-9]* src=$c dst=$IP:47000\$" \
		"$T/s1.log"
	c=$(local_of "$T/c2.log")
	id=$(sed -n "s/^slbpeer: proxy .* v2 len=[0-9]* src=$c dst=$IP:47010 id=//p" \
		"$T/s2.log")
	echo "v2 unique id \"$id\""
	grep -q "conn $id: client $c\$" "$T/lb.log"
	c=$(local_of "$T/c3.log")
	grep -q "^slbpeer: proxy peer=.* v2 len=[0-9]* src=$c dst=$IP:47000 id=[0-9]*\$" \
		"$T/s1.log"
	st=$(lb_stats)
	echo "$st"
	[ "$(field "$st" "service $IP:47000" client_bytes)" = \
		$((2 * ((256 << 10) + 40) + $(header_bytes "$T/s1.log"))) ]
	[ "$(field "$st" "service $IP:47010" client_bytes)" = \
		$(((256 << 10) + 40 + $(header_bytes "$T/s2.log"))) ]
}

# accept-proxy: clients that say they are someone else through a v1 and
# a v2 header are scheduled and announced as that someone, their frames
# passed on whole after the header lbselect sends (v2); a LOCAL header
# leaves the client its own address.
t_accept_proxy() {
	local A=$IP:47000 SRV c st
	LISTEN=$A
	spawn srv "$PEER" -l "$IP:47001" -R -N 3 -n 64k -t 10000
	SRV=$SPAWNED
	wait_port "$IP" 47001
	printf '%s\n' "service add $A accept-proxy on proxy-protocol v2" \
		"backend add $IP:47001 service $A" >"$T/lb.conf"
	lb_start -c "$T/lb.conf" -v
	"$PEER" -c "$A" -n 64k -t 5000 -X v1,192.0.2.7:4242,198.51.100.9:80
	"$PEER" -c "$A" -n 64k -t 5000 \
		-X "v2,[2001:db8::7]:4243,[2001:db8::9]:443"
	"$PEER" -c "$A" -n 64k -v -t 5000 -X v2 >"$T/local.log"
	wait_exit "$SRV" 5
	cat "$T/local.log" "$T/srv.log"
	grep -q " v2 len=[0-9]* src=192.0.2.7:4242 dst=198.51.100.9:80 id=" "$T/srv.log"
	grep -q " v2 len=[0-9]* src=\[2001:db8::7\]:4243 dst=\[2001:db8::9\]:443 id=" \
		"$T/srv.log"
	c=$(local_of "$T/local.log")
	grep -q " v2 len=[0-9]* src=$c dst=$A id=" "$T/srv.log"
	grep -q "PROXY v1: client 192.0.2.7:4242\$" "$T/lb.log"
	grep -q "PROXY v2: client \[2001:db8::7\]:4243\$" "$T/lb.log"
	st=$(lb_stats)
	echo "$st"
	[ "$(field "$st" "service " proxy_errors)" = 0 ]
	[ "$(field "$st" "service " client_bytes)" = \
		$((3 * ((64 << 10) + 40) + $(header_bytes "$T/srv.log"))) ]
}

# accept-proxy: a client with no header, one cut short by its FIN, a
# malformed one, one longer than the buffer allows, and one silent until
# the connect timeout are each reset and counted; none reaches a backend.
t_accept_proxy_errors() {
	local A=$IP:47000 SILENT t0 dt st
	LISTEN=$A
	server srv 47001
	printf '%s\n' "service add $A accept-proxy on" \
		"backend add $IP:47001 service $A" >"$T/lb.conf"
	lb_start -c "$T/lb.conf" -v -C 500 -B 1k
	"$PEER" -c "$A" -n 1k -e reset -t 5000
	log_wait "$T/lb.log" ": no PROXY header: reset" 1
	send_raw 47000 'PROXY TCP4 192.0.2.7 198.51.100.9 4242'
	log_wait "$T/lb.log" ": PROXY header cut short: reset" 1
	# Version 3 after the v2 signature.
	send_raw 47000 '\r\n\r\n\x00\r\nQUIT\n\x31\x11\x00\x0c'
	log_wait "$T/lb.log" ": malformed PROXY v2 header: reset" 1
	# 1000 bytes after the fixed part, and 1 KiB buffers: too long.
	send_raw 47000 '\r\n\r\n\x00\r\nQUIT\n\x21\x11\x03\xe8'
	log_wait "$T/lb.log" ": PROXY header too long: reset" 1
	t0=$(now_ms)
	spawn silent "$PEER" -c "$A" -w -e reset -t 5000
	SILENT=$SPAWNED
	dt=$(log_since "$T/lb.log" ": no PROXY header in time: reset" "$t0")
	echo "the silent client was reset after $dt ms (-C 500)"
	[ "$dt" -ge 450 ] && [ "$dt" -lt 2000 ]
	wait_exit "$SILENT" 2
	grep -q "service $A: client .*: no PROXY header: reset" "$T/lb.log"
	st=$(lb_stats)
	echo "$st"
	[ "$(field "$st" "service " proxy_errors)" = 5 ]
	[ "$(field "$st" "service " total)" = 5 ]
	[ "$(field "$st" "backend $IP:47001" total)" = 0 ]
}

# sh under accept-proxy hashes the address and port the header gave: one
# made-up client keeps one backend whatever its real ports, while many
# made-up ones spread over both.
t_accept_proxy_hash() {
	local A=$IP:47000 i st t1 t2
	LISTEN=$A
	server s1 47001
	server s2 47002
	printf '%s\n' \
		"service add $A scheduler sh hash-key addr-port accept-proxy on" \
		"backend add $IP:47001 service $A" \
		"backend add $IP:47002 service $A" >"$T/lb.conf"
	lb_start -c "$T/lb.conf"
	for i in $(seq 16); do
		"$PEER" -c "$A" -t 5000 -X v1,192.0.2.7:4242,198.51.100.9:80
	done
	st=$(lb_stats)
	t1=$(field "$st" "backend $IP:47001" total)
	t2=$(field "$st" "backend $IP:47002" total)
	echo "one made-up client: $t1 and $t2"
	[ $((t1 * t2)) = 0 ] && [ $((t1 + t2)) = 16 ]
	for i in $(seq 16); do
		"$PEER" -c "$A" -t 5000 \
			-X "v1,192.0.2.7:$((5000 + i)),198.51.100.9:80"
	done
	st=$(lb_stats)
	echo "$st"
	t1=$(($(field "$st" "backend $IP:47001" total) - t1))
	t2=$(($(field "$st" "backend $IP:47002" total) - t2))
	echo "16 made-up clients: $t1 and $t2"
	[ "$t1" -gt 0 ] && [ "$t2" -gt 0 ]
}

# Checks of backends that take the PROXY protocol begin with a LOCAL
# header, v2's or v1's UNKNOWN as each backend takes it, and a tcp check
# passes once it is sent.
t_proxy_check() {
	local st
	LISTEN=$IP:47000
	spawn chk1 "$PEER" -l "$IP:47011" -R -N 0 -e reset -t 10000
	spawn chk2 "$PEER" -l "$IP:47012" -R -N 0 -e reset -t 10000
	wait_port "$IP" 47011
	wait_port "$IP" 47012
	printf '%s\n' \
		"service add $IP:47000 proxy-protocol v2 check tcp inter 200ms" \
		"backend add $IP:47001 service $IP:47000 check-port 47011" \
		"backend add $IP:47002 service $IP:47000 check-port 47012 proxy-protocol v1" \
		>"$T/lb.conf"
	lb_start -c "$T/lb.conf"
	log_wait "$T/chk1.log" "^slbpeer: proxy peer=.* v2 len=16 local\$" 2
	log_wait "$T/chk2.log" "^slbpeer: proxy peer=.* v1 len=15 local\$" 2
	st=$(lb_stats)
	echo "$st"
	grep -q "backend $IP:47001 state=up health=up last_check=passed" \
		<<<"$st"
	grep -q "backend $IP:47002 state=up health=up last_check=passed" \
		<<<"$st"
	[ "$(field "$st" "service " check_fails)" = 0 ]
}

# ---- source ----------------------------------------------------------------

# netns_new: a network namespace of the scenario's own, its loopback up,
# held by a sleeping process; NSRUN runs commands in it.
netns_new() {
	local i
	unshare --net true 2>/dev/null || skip "no network namespaces here"
	spawn ns unshare --net sleep 60
	for i in $(seq 60); do
		[ "$(readlink "/proc/$SPAWNED/ns/net")" != \
		  "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.05
	done
	NSRUN="nsenter -t $SPAWNED -n"
	$NSRUN ip link set lo up
}

# connect_n NAME ADDR:PORT N: N connections held open, once all are up.
connect_n() {
	spawn "$1" $NSRUN "$HOLD" "$2" "$3"
	log_wait "$T/$1.log" "^ready $3\$" 1
}

# after SERVICE TEXT: TEXT from SERVICE's line of a report on.
after() { sed -n "/ service $1 /,\$p" <<<"$2"; }

# In a namespace whose ephemeral ports are narrowed to 100, a service
# without a source holds 100 connections to one backend and resets the
# 30 clients beyond: no port is left from the gateway's address,
# 127.0.0.1.  One whose source is the pool 127.0.0.1,127.0.0.2 holds 90
# more to the same backend: every other one starts at 127.0.0.1, finds
# no port left there and leaves from 127.0.0.2, and none counts as a
# failed connect.  Its checks leave from both addresses too.  Clients
# come in to two addresses, so that their own ports do not run out.
t_source_pool() {
	local A=0.0.0.0:47000 B=0.0.0.0:47010 BE=127.0.0.5:47001 st
	netns_new
	$NSRUN sysctl -qw net.ipv4.ip_local_port_range="40000 40099"
	spawn be $NSRUN "$HOLD" -l "$BE"
	spawn chk $NSRUN "$PEER" -l 127.0.0.5:47002 -N 0 -e reset -v -t 10000
	wait_port 127.0.0.5 47001
	wait_port 127.0.0.5 47002
	printf '%s\n' "service add $A" "backend add $BE service $A" \
		"service add $B source 127.0.0.1,127.0.0.2 check tcp inter 50ms" \
		"backend add $BE service $B check-port 47002" >"$T/lb.conf"
	LISTEN="$A $B"
	lb_start -c "$T/lb.conf"
	connect_n a1 127.0.0.3:47000 65
	connect_n a2 127.0.0.4:47000 65
	stats_wait "service $A .* active=100 total=130 .* refused=30 " 5
	connect_n b1 127.0.0.3:47010 45
	connect_n b2 127.0.0.4:47010 45
	stats_wait "service $B .* active=90 total=90 .* refused=0 " 5
	st=$(lb_stats)
	echo "$st"
	[ "$(field "$st" "backend $BE" connect_failures)" = 30 ]
	[ "$(field "$(after $B "$st")" "backend $BE" connect_failures)" = 0 ]
	[ "$(field "$(after $B "$st")" "backend $BE" total)" = 90 ]
	$NSRUN ss -Htn state established dst "$BE" >"$T/ss.txt"
	[ "$(grep -c ' 127\.0\.0\.1:' "$T/ss.txt")" = 100 ]
	[ "$(grep -c ' 127\.0\.0\.2:' "$T/ss.txt")" = 90 ]
	log_wait "$T/chk.log" "^slbpeer: served peer=127\.0\.0\.1:" 2
	log_wait "$T/chk.log" "^slbpeer: served peer=127\.0\.0\.2:" 2
	[ "$(field "$(after $B "$st")" "service " check_fails)" = 0 ]
}

# source client under accept-proxy: the backend sees the address the
# client's header gave, the port the kernel's, and its checks the
# gateway's own; without CAP_NET_ADMIN the client is reset, and the log
# says why.  That address is made local in the scenario's namespace, so
# that the backend's answers come back.
t_source_client() {
	local A=127.0.0.3:47000 B=127.0.0.3:47010 BE=127.0.0.5:47001 SRV why
	netns_new
	$NSRUN ip route add local 192.0.2.0/24 dev lo
	spawn srv $NSRUN "$PEER" -l "$BE" -N 1 -n 1k -v -t 10000
	SRV=$SPAWNED
	spawn chk $NSRUN "$PEER" -l 127.0.0.5:47002 -N 0 -e reset -v -t 10000
	wait_port 127.0.0.5 47001
	wait_port 127.0.0.5 47002
	printf '%s\n' \
		"service add $A accept-proxy on source client check tcp inter 50ms" \
		"backend add $BE service $A check-port 47002" >"$T/lb.conf"
	LISTEN=$A
	lb_start -c "$T/lb.conf"
	$NSRUN "$PEER" -c "$A" -n 1k -t 5000 -X "v1,192.0.2.7:4242,$A"
	wait_exit "$SRV" 5
	cat "$T/srv.log"
	grep -q "^slbpeer: served peer=192\.0\.2\.7:[0-9]* result=ok " \
		"$T/srv.log"
	log_wait "$T/chk.log" "^slbpeer: served peer=127\.0\.0\.1:" 2
	[ "$(grep -c "peer=192\.0\.2\." "$T/chk.log" || true)" = 0 ]
	sed "s/$A/$B/" "$T/lb.conf" >"$T/nocap.conf"
	spawn nocap $NSRUN "$BIN/dropcaps" "$LB" -c "$T/nocap.conf"
	wait_port 127.0.0.3 47010
	$NSRUN "$PEER" -c "$B" -e reset -t 5000 -X "v1,192.0.2.7:4242,$B"
	why="service $B: refusing a client: source 192.0.2.7: IP_TRANSPARENT"
	log_wait "$T/nocap.log" "$why: Operation not permitted (needs CAP" 1
}

# ---- runner ----------------------------------------------------------------

TESTS="integrity:integrity both ways, 2 x 32 MiB each way at once
halfclose_client:half-close, client FIN first
halfclose_server:half-close, server FIN first
reset_client:client reset reaches the server as a reset
reset_server:server reset reaches the client as a reset
backpressure:slow reader: RSS flat, sender held back
connect_retry:refused backend, client served by the next one
connect_timeout:connect timeout, client served by the next one
all_down:all backends down: prompt reset, failures counted
fd_setsize:descriptors beyond FD_SETSIZE refused, others served
reload:SIGHUP reload under load drops no connection
idle_timeout:idle timeout resets both sides
half_closed_timeout:half-closed timeout resets both sides
sigterm_drain:SIGTERM stops accepting, connections finish, exit 0
drain_deadline:drain deadline resets what is left
emfile:EMFILE on accept does not spin
queue:backend maxconn and maxqueue: waiters served in turn, excess reset
queue_timeout:queue: clients that leave, queue-timeout, SIGTERM
queue_reload:queue: reload lets waiters through, removal resets them
config_errors:bad configuration refused with FILE:LINE, exit codes
check_tcp:tcp check: a killed server down in time, no clients, back up
check_expect:send/expect: right reply up; timeout, wrong, closed down
check_reload:checks follow reloads, descriptors come back
check_many:500 checked backends: spread, all down, CPU measured
check_fd_setsize:clients beyond FD_SETSIZE do not starve the checks
check_observe:observe: clients' failed connects bring a backend down now
agent_unpolled:agent-port read, not polled, and said so in the log
proxy_send:proxy-protocol v1 and v2: the header first, the frame whole
accept_proxy:accept-proxy: v1 and v2 headers name the client sent on
accept_proxy_errors:accept-proxy: no, cut, bad, long, late header reset
accept_proxy_hash:accept-proxy: sh hashes the address the header gave
proxy_check:proxy-protocol: checks send a LOCAL header first
source_pool:source pool: more connections to a backend than a port range
source_client:source client: the backend sees the client, needs CAP_NET_ADMIN"

run() {
	local name=$1 desc=$2 ip=$3 rc
	if [ -n "$FILTER" ] && [[ $name != *$FILTER* ]]; then
		ktap_skip "$desc" "filtered out"
		return 0
	fi
	T=$ROOT/$name
	mkdir -p "$T"
	set +e
	(
		set -e
		IP=$ip
		trap 'echo "failed at line $LINENO: $BASH_COMMAND"' ERR
		"t_$name"
	) </dev/null >"$T/test.log" 2>&1
	rc=$?
	set -e
	kill_spawned
	if [ "$rc" = 0 ]; then
		ktap_ok "$desc"
		return 0
	fi
	if [ "$rc" = 4 ]; then
		ktap_skip "$desc" "$(tail -n1 "$T/test.log")"
		return 0
	fi
	ktap_fail "$desc"
	for f in "$T"/*.log; do
		echo "# --- ${f##*/}"
		tail -n 25 "$f" | sed 's/^/# /'
	done
}

if [ ! -x "$LB" ] || [ ! -x "$PEER" ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP $LB or $PEER not built (make userspace)"
	exit 0
fi

echo "TAP version 13"
echo "1..$(grep -c . <<<"$TESTS")"
i=20
while IFS=: read -r name desc; do
	run "$name" "$desc" "127.0.0.$i"
	i=$((i + 1))
done <<<"$TESTS"
echo "# Totals: pass:$((N - FAILED - SKIPPED)) fail:$FAILED xfail:0 xpass:0" \
	"skip:$SKIPPED error:0"
[ "$FAILED" = 0 ]
