#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The family driven by a client we did not write: the kernel's own ynl CLI
# (tools/net/ynl/cli.py of Debian's linux-source, as /usr/bin/ynl) with
# the spec, Documentation/netlink/specs/splicelb.yaml.  It creates a
# service with a queue and a backend with a maxconn, dumps both, changes
# a weight and decodes the backend-set event of the change from the
# "events" group, has an out-of-range weight refused with nothing
# changed, creates a service with two backends in one request, and
# decodes the backend-state event when a backend drains; lbctl and the
# data path agree with what it did.  So the spec is true, and the ABI is
# spoken by more than lbctl.
#
#   init netns, lo:
#     ynl --do service-new 127.0.0.1:8080 --> backend 127.0.0.1:8081
#     slbpeer -c 127.0.0.1:8080               slbpeer -l 127.0.0.1:8081
#
source "$(dirname "$0")/lib.sh"

[ "$BALANCER" = module ] || exit "$KSFT_SKIP"

tmp=$(mktemp -d)
peer=

cleanup() {
	[ -z "$peer" ] || kill "$peer" 2>/dev/null || true
	[ -z "$ynl_listener" ] || kill "$ynl_listener" 2>/dev/null || true
	lbctl flush cut 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# deps.sh always unpacks linux-source, so a missing ynl is the rig's bug.
command -v ynl >/dev/null || { echo "# no ynl in the guest"; exit 1; }

# The endpoint 127.0.0.1:PORT, as the spec's JSON has it (addr in hex).
ep() {
	printf '{"family": 2, "addr": "7f000001", "port": %d}' "$1"
}
SVC="{\"ep\": $(ep 8080)}"
BE="{\"ep\": $(ep 8081)"

# ynl_run OUT ARGS...: ynl with the spec; its last line, the JSON of the
# reply or of the events received, in OUT.
ynl_run() {
	local out=$1

	shift
	ynl --spec "$YNL_SPEC" --no-schema --output-json "$@" >"$tmp/ynl" 2>&1 ||
		{ cat "$tmp/ynl"; return 1; }
	tail -n 1 "$tmp/ynl" >"$out"
	cat "$tmp/ynl"
}

ktap_plan 11
ip link set lo up
modprobe splicelb
lbctl flush cut

services_dumped() {
	ynl_run "$tmp/svc" --dump service-get &&
		json_has "$tmp/svc" 'len(j) == 1 and
			j[0]["service"]["sched"] == "wrr" and
			j[0]["service"]["nbackends"] == 1 and
			j[0]["service"]["maxqueue"] == 4 and
			j[0]["service"]["queue-timeout-ms"] == 1500 and
			j[0]["service"]["slowstart-ms"] == 0 and
			j[0]["service"]["ep"]["port"] == 8080'
}

backends_dumped() {
	ynl_run "$tmp/be" --dump backend-get &&
		json_has "$tmp/be" 'len(j) == 1 and
			j[0]["backend"]["weight"] == 7 and
			j[0]["backend"]["eweight"] == 7 * 16 and
			j[0]["backend"]["state"] == "up" and
			j[0]["backend"]["maxconn"] == 2 and
			j[0]["backend"]["ep"]["addr"] == "7f000001"'
}

# The change's own event carries the new weight.
weight_event() {
	ynl_listen "$tmp/ev" &&
		ynl_run "$tmp/r" --do backend-set \
		--json "{\"service\": $SVC, \"backend\": $BE, \"weight\": 7}}" &&
		ynl_events "$tmp/ev" 'any(e["name"] == "backend-set-ntf" and
			e["msg"]["backend"]["weight"] == 7 for e in j)'
}

# The kernel's range check answers ynl as it answers lbctl.
weight_refused() {
	! ynl_run "$tmp/r" --do backend-set \
		--json "{\"service\": $SVC, \"backend\": $BE, \"weight\": 65536}}" &&
		grep -q "out of range" "$tmp/ynl" &&
		lbctl save | grep -q 'service 127.0.0.1:8080 weight 7 '
}

# With no connection left, drain ends at once in drained: the event.
drained_event() {
	ynl_listen "$tmp/ev" &&
		ynl_run "$tmp/r" --do backend-set \
		--json "{\"service\": $SVC, \"backend\": $BE, \"state\": \"drain\"}}" &&
		ynl_events "$tmp/ev" 'any(e["name"] == "backend-state" and
			e["msg"]["backend"]["state"] == "drained" and
			e["msg"]["service"]["ep"]["port"] == 8080 for e in j)'
}

check "ynl: service-new with scheduler wrr, maxqueue 4, queue-timeout-ms 1500" \
	ynl_run "$tmp/r" --do service-new \
	--json "{\"service\": {\"ep\": $(ep 8080), \"sched\": \"wrr\",
	\"maxqueue\": 4, \"queue-timeout-ms\": 1500}}"
check "ynl: backend-new with weight 3, maxconn 2" \
	ynl_run "$tmp/r" --do backend-new \
	--json "{\"service\": $SVC, \"backend\": $BE, \"weight\": 3, \"maxconn\": 2}}"
check "ynl: service-get dump shows it, wrr, its queue, one backend" \
	services_dumped
check "ynl: weight changed to 7, its backend-set event decoded" weight_event
check "ynl: weight 65536 refused, weight still 7" weight_refused
check "ynl: backend-get dump shows weight 7, state up, maxconn 2" \
	backends_dumped
check "ynl: service-new with two backends (multi-attr backends)" \
	ynl_run "$tmp/r" --do service-new --json "{\"service\": {\"ep\": $(ep 8090)},
	\"backends\": [{\"ep\": $(ep 8091)}, {\"ep\": $(ep 8092), \"weight\": 5}]}"
lbctl save >"$tmp/save"
check "lbctl sees what ynl made" grep -qx \
	'backend add 127.0.0.1:8081 service 127.0.0.1:8080 weight 7 state up maxconn 2' \
	"$tmp/save"
check "lbctl sees the service ynl made with its backends" bash -c "
	grep -qx 'backend add 127.0.0.1:8091 service 127.0.0.1:8090 weight 1 state up maxconn 0' $tmp/save &&
	grep -qx 'backend add 127.0.0.1:8092 service 127.0.0.1:8090 weight 5 state up maxconn 0' $tmp/save"

"$BIN/slbpeer" -l 127.0.0.1:8081 -n 64k -t 30000 >"$tmp/peer" 2>&1 &
peer=$!
wait_for 10 bash -c "ss -Htln 'sport = :8081' | grep -q ."
check "a client gets its bytes through the service ynl made" \
	"$BIN/slbpeer" -c 127.0.0.1:8080 -n 64k -e ok -t 20000
check "ynl: subscribed to events, drain brings backend-state drained" \
	drained_event
ktap_finish
