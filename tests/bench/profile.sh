#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where splicelb's data path spends the guest's CPU: each scenario that
# stresses it runs once against splicelb while "perf record -a -e cpu-clock"
# samples every CPU (the emulated guest has no hardware counters), and the
# hottest symbols are printed, with the module's own counters before and
# after.  scripts/bench runs it after the benchmark with BENCH_PERF=1.
#
#   slb-cli                 slb-lb                 slb-be1..3
#   iperf3 / slbbench ---> splicelb.ko ---------> iperf3 -s / slbbench serve
#                          perf record -a
#
# BALANCER (scripts/vm's TEST.sh@ARG) is the profile: quick or full.

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT
# Measurements here are not the benchmark's: keep them out of its results.
result() {
	echo "# result: $*"
}

case ${BENCH_SEL:-quick} in
full) SECS=6 ;;
*) SECS=2 ;;
esac

# profile NAME CMD...: run CMD (a measurement) under perf record.
profile() {
	local name=$1

	shift
	echo "# ---- profile: $name"
	in_ns "$NS_LB" cat /proc/net/splicelb/stats >"$B/stats0"
	perf record -a -g -e cpu-clock -F 499 -o "$B/perf.data" \
		-- sleep $((SECS + 2)) >"$B/perf.log" 2>&1 &
	local ppid=$!
	sleep 0.5
	"$@"
	wait "$ppid"
	in_ns "$NS_LB" cat /proc/net/splicelb/stats >"$B/stats1"
	echo "# counters (delta):"
	# Counters only: the rates and their window are not deltas.
	awk 'NR == FNR { a[$1] = $2; next }
		$1 == "seconds" || $1 ~ /_per_s$/ { next }
		$2 - a[$1] != 0 { print "#   " $1, $2 - a[$1] }' \
		"$B/stats0" "$B/stats1"
	echo "# hottest symbols (self, all CPUs):"
	perf report -i "$B/perf.data" --stdio --no-children --sort sym \
		--percent-limit 0.8 -g none 2>/dev/null | grep -v '^#' |
		grep -v '^$' | head -n 40 | sed 's/^/#   /'
	echo "# by command:"
	perf report -i "$B/perf.data" --stdio --no-children --sort comm \
		--percent-limit 2 -g none 2>/dev/null | grep -v '^#' |
		grep -v '^$' | head -n 12 | sed 's/^/#   /'
}

sysctl -qw kernel.kptr_restrict=0 kernel.perf_event_paranoid=-1
bench_setup || exit 1
start_systems "direct splicelb"
[ -n "${SYS_OK[splicelb]:-}" ] || exit 1
profile "bulk_up splicelb" m_bulk bulk_up splicelb 1 up "$SECS"
profile "bulk_up direct" m_bulk bulk_up direct 1 up "$SECS"
profile "bulk_down splicelb" m_bulk bulk_down splicelb 1 down "$SECS"
profile "rr_32 splicelb" m_rr rr_32 splicelb 1 32 "$SECS" 0
profile "cr_32 splicelb" m_cr cr_32 splicelb 1 32 "$SECS" 0
profile "cr_1 splicelb" m_cr cr_1 splicelb 1 1 "$SECS" 0
profile "cr_1 direct" m_cr cr_1 direct 1 1 "$SECS" 0
exit 0
