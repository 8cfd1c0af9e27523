#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark, in the guest: every scenario against every system, in one
# boot, interleaved (A B C ... A B C ...) with repetitions.  Run by
# scripts/bench through quick.sh or full.sh, which set the profile; the
# systems and the topology are in lib.sh.
#
#   slb-cli                 slb-lb                        slb-be1..3
#   slbbench rr/cr/hold --> splicelb | lbselect | HAProxy --> slbbench serve :80
#   iperf3 -c               | IPVS (NAT) | nginx stream       iperf3 -s :5201
#                           (or only routing: direct)
#
# Scenarios:
#   conc       N connections held at once, each exchanged a 64-byte message:
#              how many made it; slab, socket memory, process RSS deltas
#   bulk_up    one connection, client to backend (iperf3): MB/s, CPU s/GB
#   bulk_down  one connection, backend to client (iperf3 -R)
#   rr_1       64-byte request/response, 1 persistent connection:
#   rr_32      ... 32 connections: transactions/s, p50, p99, p99.9 latency
#   cr_1       connect, 64-byte request, 64-byte reply, close:
#   cr_32      ... 1 and 32 parallel clients: connections/s
#
# The concurrency scenario runs first, before the others leave thousands of
# sockets in TIME_WAIT.

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT

PROFILE=${BENCH_PROFILE:-quick}
case $PROFILE in
quick)
	REPS=1 BULK_S=1 RR_S=1 RR_W=0.3 CR_S=1 CR_W=0.3
	CONC_N=500 CONC_S=30 CONC_REPS=1
	;;
full)
	REPS=3 BULK_S=4 RR_S=4 RR_W=1 CR_S=4 CR_W=1
	CONC_N=10000 CONC_S=120 CONC_REPS=3
	;;
esac
SCENARIOS_ALL="conc bulk_up bulk_down rr_1 rr_32 cr_1 cr_32"
IFS=: read -r sel_sys sel_sc sel_reps <<<"$BENCH_SEL"
SYSTEMS=${sel_sys:-$SYSTEMS_ALL}
SCENARIOS=${sel_sc:-$SCENARIOS_ALL}
SYSTEMS=${SYSTEMS//,/ }
SCENARIOS=${SCENARIOS//,/ }
REPS=${sel_reps:-$REPS}
CONC_REPS=${sel_reps:-$CONC_REPS}

measure() {
	local sc=$1 s=$2 rep=$3

	case $s in
	splicelb|splicelb_base)
		slb_use "$s" || { bench_err "$sc" "$s" "$rep" "module did not load"; return 1; } ;;
	esac
	case $sc in
	conc) m_conc "$sc" "$s" "$rep" "$CONC_N" "$CONC_S" ;;
	bulk_up) m_bulk "$sc" "$s" "$rep" up "$BULK_S" ;;
	bulk_down) m_bulk "$sc" "$s" "$rep" down "$BULK_S" ;;
	rr_1) m_rr "$sc" "$s" "$rep" 1 "$RR_S" "$RR_W" ;;
	rr_32) m_rr "$sc" "$s" "$rep" 32 "$RR_S" "$RR_W" ;;
	cr_1) m_cr "$sc" "$s" "$rep" 1 "$CR_S" "$CR_W" ;;
	cr_32) m_cr "$sc" "$s" "$rep" 32 "$CR_S" "$CR_W" ;;
	*) bench_err "$sc" - 0 "no such scenario" ;;
	esac
}

env_line profile "$PROFILE"
env_line kernel "$(uname -r)"
env_line cpus "$(nproc)"
env_line mem_mb $(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) / 1024))
env_line reps "$REPS (conc: $CONC_REPS)"
env_line secs "bulk=$BULK_S rr=$RR_S+$RR_W cr=$CR_S+$CR_W conc_n=$CONC_N"
env_line systems "$SYSTEMS"
env_line scenarios "$SCENARIOS"
bench_setup || { echo "# topology setup failed"; exit 1; }
start_systems "$SYSTEMS"
for s in $SYSTEMS; do
	[ -z "${SYS_OK[$s]:-}" ] || env_line "version_$s" "$(sys_version "$s")"
done
# What settle() waits to get back to; the systems' own probes have closed.
sleep 1
TCP_SOCKETS0=$(tcp_sockets)
t0=$SECONDS
# The first thousands of sockets of a boot grow caches that stay: once, so
# that the first memory baseline is like the others.
if [[ " $SCENARIOS " = *" conc "* ]] && [ -n "${SYS_OK[direct]:-}" ]; then
	echo "# conc warm-up ($CONC_N connections, not measured)"
	in_ns "$NS_CLI" timeout $((CONC_S + 60)) "$BIN/slbbench" hold \
		"$(rr_ep direct)" -n "$CONC_N" -P 64 -d "$CONC_S" -H 1 >/dev/null
fi
for sc in $SCENARIOS; do
	reps=$REPS
	[ "$sc" != conc ] || reps=$CONC_REPS
	for rep in $(seq "$reps"); do
		for s in $SYSTEMS; do
			[ -n "${SYS_OK[$s]:-}" ] || continue
			echo "# $sc rep $rep $s ($((SECONDS - t0)) s)"
			measure "$sc" "$s" "$rep"
		done
	done
done
if [ -n "${SYS_OK[splicelb]:-}" ] &&
   [ "$(cat /sys/module/splicelb/version 2>/dev/null)" = \
     "$(sys_version splicelb)" ]; then
	in_ns "$NS_LB" cat /proc/net/splicelb/stats |
		awk '{ print "SLBBENCH-STAT,splicelb," $1 "," $2 }'
fi
env_line elapsed_s $((SECONDS - t0))
exit 0
