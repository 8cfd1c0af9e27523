#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink family under fuzzing (userspace/tools/nlfuzz.c):
# messages generated from a map of every command and attribute, valid or
# deliberately broken and then a quarter of them mutated as bytes, each
# answered as what was generated calls for.  The rig fails the test on any
# kernel report.  netlink_race.sh races valid changes against traffic.
#
# Counts: 20,000 messages in CI (about 45 s on the debug kernel, 1 s on
# the others); the long run (make check-debug) sends 200,000, the count
# issue 11 asks of the debug kernel (about 450 s there).
#
#   init netns: nlfuzz -r, services on 127.0.0.1 and ::1
#
#   then:  slb-cli ---> slb-lb 10.0.1.1:80 ---> slb-be1 slbpeer -l
#
source "$(dirname "$0")/lib.sh"

[ "$BALANCER" = module ] || exit "$KSFT_SKIP"

cleanup() {
	lbctl flush cut 2>/dev/null || true
	topo_cleanup
}
trap cleanup EXIT

if long_runs; then
	msgs=200000
else
	msgs=20000
fi

ktap_plan 2
ip link set lo up
start=$SECONDS
rc=0
nlfuzz -r "$msgs" -j 2 -S "$RANDOM" >/tmp/nlfuzz.out 2>&1 || rc=$?
grep -v '^ok ' /tmp/nlfuzz.out | sed 's/^/# /'
echo "# generated messages: $msgs in $((SECONDS - start)) s"
check "$msgs generated and mutated messages, each answered as it must be" \
	test "$rc" = 0

lbctl flush cut
topo_setup
serve 1 -n 64k
in_ns "$NS_LB" lbctl service add "$VIP4:80"
in_ns "$NS_LB" lbctl backend add "$(be4 1):80" service "$VIP4:80"
check "a new service serves after the fuzzing" \
	in_ns "$NS_CLI" "$BIN/slbpeer" -c "$VIP4:80" -n 64k -e ok -t 20000
ktap_finish
