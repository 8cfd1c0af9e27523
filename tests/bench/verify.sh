#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# That a benchmark run measured what it was asked to, as KTAP: make check
# runs "make bench-quick" and this on its results directory.  It proves the
# harness works, and asserts nothing about speed: every system answered
# every scenario with a number (errors.txt says why not), and the tables,
# the JSON and the charts were written.
#
#   tests/bench/verify.sh DIR "SYSTEMS" "SCENARIOS"

set -uo pipefail

dir=$1
systems=$2
scenarios=$3
n=0
bad=0

# The metric that says a scenario ran; conc: connections that were held.
metric_of() {
	case $1 in
	bulk_*) echo MBps ;;
	rr_*) echo tps ;;
	cr_*) echo cps ;;
	conc) echo ok ;;
	esac
}

report() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		bad=1
	fi
}

# median SCENARIO SYSTEM METRIC, lowest SCENARIO SYSTEM METRIC: from
# summary.csv, nothing when it has no such line.
median() {
	awk -F, -v sc="$1" -v s="$2" -v m="$3" '
		$1 == sc && $2 == s && $3 == m { print $4 }' "$dir/summary.csv" \
		2>/dev/null
}

lowest() {
	awk -F, -v sc="$1" -v s="$2" -v m="$3" '
		$1 == sc && $2 == s && $3 == m {
			n = split($7, v, " ")
			lo = v[1]
			for (i = 2; i <= n; i++)
				if (v[i] + 0 < lo + 0)
					lo = v[i]
			print lo
		}' "$dir/summary.csv" 2>/dev/null
}

# measured SCENARIO SYSTEM: a median above zero.  conc's memory must have
# been read while every connection was up, so with at least two TCP
# sockets (the client's and the backend's) for each, in every repetition.
measured() {
	local socks

	awk -v v="$(median "$1" "$2" "$(metric_of "$1")")" \
		'BEGIN { exit !(v + 0 > 0) }' || return 1
	[ "$1" = conc ] || return 0
	socks=$(lowest conc "$2" sockets_per_conn)
	awk -v v="$socks" 'BEGIN { exit !(v + 0 >= 2) }' && return 0
	echo "# conc $2: memory read with ${socks:-no} TCP sockets per connection"
	return 1
}

echo "TAP version 13"
echo "1..$(($(wc -w <<<"$systems") * $(wc -w <<<"$scenarios") + 2))"
for sc in $scenarios; do
	for s in $systems; do
		measured "$sc" "$s"
		rc=$?
		[ $rc = 0 ] || grep -s ",$sc,$s," "$dir/errors.txt" | sed 's/^/# /'
		report $rc "$sc $s measured"
	done
done
ok=0
for f in results.md results.csv summary.csv; do
	[ -s "$dir/$f" ] || { echo "# $f missing"; ok=1; }
done
"${BIN:-build/bin}/jsoncheck" "$dir/results.json" >/dev/null 2>&1 ||
	{ echo "# results.json is not JSON"; ok=1; }
report $ok "tables and JSON"
ok=0
for f in ratios latency cpu memory; do
	[ "$(head -c 4 "$dir/$f.png" 2>/dev/null | tail -c 3)" = PNG ] ||
		{ echo "# $f.png missing"; ok=1; }
done
report $ok "charts"
exit $bad
