#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The hashing schedulers' options end to end: lbctl sends them, the kernel
# checks them against the scheduler, show prints them (text and JSON) for
# the schedulers that take them only, save and restore carry them, and a
# bad one is refused, by lbctl (exit 2) when it can tell, by the kernel
# (exit 1, its message naming the option) when it cannot, changing nothing.
#
#   init netns
#     lo: services 127.0.0.1:8100 (mh), :8101 (sh), :8102 (rr), no backends

source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
MH=127.0.0.1:8100
SH=127.0.0.1:8101
RR=127.0.0.1:8102

cleanup() {
	lbctl flush 2>/dev/null || true
	modprobe -r splicelb 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# expect_fail STATUS PATTERN CMD...: CMD exits STATUS, stderr matches.
expect_fail() {
	local want=$1 pattern=$2 rc=0
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	cat "$tmp/err"
	[ "$rc" = "$want" ] && grep -qE -- "$pattern" "$tmp/err"
}

# unchanged CMD...: CMD fails and lbctl save is what it was.
unchanged() {
	lbctl save >"$tmp/before"
	"$@"
	lbctl save | diff -u "$tmp/before" -
}

shows() {
	lbctl service show "$1" | head -n 1 | grep -qxF -- "$2"
}

ktap_plan 12
modprobe splicelb
ip link set lo up

check "service add mh with every option" \
	lbctl service add "$MH" scheduler mh hash-key addr-port seed 7 \
	table-size 4099
check "show: mh's options after the scheduler" shows "$MH" \
	"service $MH scheduler mh hash-key addr-port seed 7 table-size 4099 backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s"
check "sh: hash-key and seed, defaults shown" bash -c "
	lbctl service add $SH scheduler sh &&
	lbctl service show $SH | grep -qF 'scheduler sh hash-key addr seed 0 backlog'"
lbctl service add "$RR"
check "show -j: the options as keys, only where they apply" json_has \
	<(lbctl -j show) "
	[s for s in j if s['service'] == '$MH'][0]['hash_key'] == 'addr-port' and
	[s for s in j if s['service'] == '$MH'][0]['table_size'] == 4099 and
	[s for s in j if s['service'] == '$SH'][0]['seed'] == 0 and
	'table_size' not in [s for s in j if s['service'] == '$SH'][0] and
	'seed' not in [s for s in j if s['service'] == '$RR'][0]"
check "an option the named scheduler does not take: exit 2" \
	unchanged expect_fail 2 'seed' \
	lbctl service change "$RR" scheduler wrr seed 1
check "an option the service's scheduler does not take: exit 1, the kernel says which" \
	unchanged expect_fail 1 'seed does not apply|scheduler options do not fit' \
	lbctl service change "$RR" seed 1
check "a table size that is not prime: exit 1, nothing changed" \
	unchanged expect_fail 1 'prime|scheduler options do not fit' \
	lbctl service change "$MH" table-size 65536
check "change an option alone, the others kept" bash -c "
	lbctl service change $MH seed 8 &&
	lbctl service show $MH | grep -qF 'hash-key addr-port seed 8 table-size 4099'"
check "another scheduler drops them, mh again starts from the defaults" bash -c "
	lbctl service change $MH scheduler rr &&
	lbctl service show $MH | grep -qF 'scheduler rr backlog' &&
	lbctl service change $MH scheduler mh &&
	lbctl service show $MH | grep -qF 'scheduler mh hash-key addr seed 0 table-size 65537'"
lbctl service change "$MH" hash-key addr-port seed 9 table-size 7
lbctl save >"$tmp/save1"
sed 's/^/# /' "$tmp/save1"
check "save writes the options" \
	grep -qx "service add $MH scheduler mh hash-key addr-port seed 9 table-size 7 backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s" \
	"$tmp/save1"
check "flush, restore, save: byte for byte" bash -c "
	lbctl flush && lbctl restore $tmp/save1 && lbctl save | diff -u $tmp/save1 -"
check "/proc/net/splicelb/services names the schedulers" bash -c "
	grep -q ' mh ' /proc/net/splicelb/services &&
	grep -q ' sh ' /proc/net/splicelb/services"
ktap_finish
