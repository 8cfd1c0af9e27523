#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A race on the generic netlink family (nlfuzz -R): four processes make
# random valid changes (services and backends added, changed, deleted with
# and without cut, flushes, zeroing, every dump) while clients move
# checksummed data through the services being changed.  Clients may be
# reset or refused when their service or backend goes; none may receive
# wrong bytes.  The rig fails the test on any kernel report.
#
# Length: 30 s, 60 s on the debug kernel in CI, and the 3 minutes issue
# 11 asks of the debug kernel in the long run (make check-debug).
#
#   slb-cli                slb-lb                          slb-be1..3
#   slbpeer -c loops ---> 10.0.1.1:80, :81, [fd00:1::1]:80 ---> slbpeer -l
#                         nlfuzz -R (4 processes changing them)
#
source "$(dirname "$0")/lib.sh"

[ "$BALANCER" = module ] || exit "$KSFT_SKIP"

cleanup() {
	lbctl flush cut 2>/dev/null || true
	topo_cleanup
}
trap cleanup EXIT

if long_runs; then
	race=180
elif debug_kernel; then
	race=60
else
	race=30
fi
services=("$VIP4:80" "$VIP4:81" "[$VIP6]:80")
backends=("$(be4 1):80" "$(be4 2):80" "$(be4 3):80" "[$(be6 1)]:80")

# fuzz_check NAME CMD...: NAME passes when nlfuzz exits 0; what it
# counted and any check of its own that failed are shown either way.
fuzz_check() {
	local name=$1 rc=0

	shift
	"$@" >/tmp/nlfuzz.out 2>&1 || rc=$?
	grep -v '^ok ' /tmp/nlfuzz.out | sed 's/^/# /'
	if [ "$rc" = 0 ]; then
		ktap_ok "$name"
	else
		ktap_fail "$name"
	fi
}

# clients EP LOG: runs of a few connections to EP until $until, each
# run's summary appended to LOG.
clients() {
	while [ "$(date +%s)" -lt "$until" ]; do
		in_ns "$NS_CLI" "$BIN/slbpeer" -c "$1" -n 64k -N 4 -t 20000 \
			>>"$2" 2>&1 || true
		sleep 0.1
	done
}

# The sum of field NAME= over the summaries in the client logs.
clients_sum() {
	cat /tmp/fuzz.clients.* |
		sed -n "s/^slbpeer:.* $1=\([0-9]*\).*/\1/p" |
		awk '{ n += $1 } END { print n + 0 }'
}

no_conns() {
	[ "$(in_ns "$NS_LB" grep -vc '^Id ' /proc/net/splicelb/conns)" = 0 ]
}

ktap_plan 5
topo_setup

# Up to the last check, and no longer if the test is killed meanwhile.
for i in 1 2 3; do
	serve "$i" -n 64k -t $(((race + 120) * 1000))
done
rm -f /tmp/fuzz.clients.*
until=$(($(date +%s) + race))
client_pids=()
for i in "${!services[@]}"; do
	clients "${services[$i]}" "/tmp/fuzz.clients.$i" &
	client_pids+=($!)
done
_bg_pids+=("${client_pids[@]}")
start=$SECONDS
args=()
for ep in "${services[@]}"; do
	args+=(-s "$ep")
done
for ep in "${backends[@]}"; do
	args+=(-b "$ep")
done
fuzz_check "race of 4 processes changing the services for $race s" \
	in_ns "$NS_LB" nlfuzz -R "$race" -j 4 -S "$RANDOM" "${args[@]}"
for pid in "${client_pids[@]}"; do
	wait "$pid" || true
done
echo "# race: $((SECONDS - start)) s with the clients' last runs"
line="# clients:"
for f in conns ok reset eof refused timeout error bad; do
	line+=" $f $(clients_sum "$f")"
done
echo "$line"
check "no client received wrong bytes" test "$(clients_sum bad)" = 0
check "clients moved data through the services being changed" \
	test "$(clients_sum ok)" -gt 0

in_ns "$NS_LB" lbctl flush cut
check "every connection ends after a flush with cut" wait_for 60 no_conns
in_ns "$NS_LB" lbctl service add "$VIP4:80"
in_ns "$NS_LB" lbctl backend add "$(be4 1):80" service "$VIP4:80"
check "a new service serves after the fuzzing" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 64k -e ok -t 20000
ktap_finish
