#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hand-made malformed requests straight to the generic netlink family
# (userspace/tools/nlfuzz.c): wrong types, missing, repeated and oversized
# attributes, bad nesting, truncation, values out of range, unknown
# objects.  Each must get a clean error, with an extack message where the
# kernel words one; then a few generated messages (netlink_fuzz.sh sends
# many).  The rig fails the test on any kernel report.
#
#   init netns
#     lo: service 127.0.0.1:18080 (nlfuzz's setup), backend 127.0.0.1:18081

source "$(dirname "$0")/lib.sh"

cleanup() {
	lbctl flush cut 2>/dev/null || true
	modprobe -r splicelb 2>/dev/null || true
}
trap cleanup EXIT

ktap_plan 4
modprobe splicelb
ip link set lo up

check "every malformed request gets a clean error" nlfuzz
check "2000 generated messages, each answered as it must be" \
	nlfuzz -r 2000 -S 7
check "nothing is left configured" bash -c '[ -z "$(lbctl show)" ]'
check "the family still works" \
	bash -c 'lbctl service add 127.0.0.1:18080 && lbctl service del 127.0.0.1:18080'
ktap_finish
