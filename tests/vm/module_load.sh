#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module loads, shows /proc/net/splicelb/version in every network
# namespace (existing before and created after the load), unloads without a
# trace and loads again.
#
#   init netns          ns1 (before load)      ns2 (after load)
#   /proc/net/splicelb  /proc/net/splicelb     /proc/net/splicelb

source "$(dirname "$0")/lib.sh"

NS1=slb-ns1-$$
NS2=slb-ns2-$$

cleanup() {
	ip netns del "$NS1" 2>/dev/null || true
	ip netns del "$NS2" 2>/dev/null || true
	modprobe -r splicelb 2>/dev/null || true
}
trap cleanup EXIT

ktap_plan 6
ip netns add "$NS1"

check "modprobe loads the module" modprobe splicelb
check "version file in init netns" \
	grep -q '^splicelb [0-9]' /proc/net/splicelb/version
check "version file in a netns that existed before the load" \
	ip netns exec "$NS1" grep -q '^splicelb ' /proc/net/splicelb/version
ip netns add "$NS2"
check "version file in a netns created after the load" \
	ip netns exec "$NS2" grep -q '^splicelb ' /proc/net/splicelb/version
check "rmmod removes it and its /proc entries" \
	bash -c "rmmod splicelb && ! test -e /proc/net/splicelb &&
	       ! ip netns exec $NS1 test -e /proc/net/splicelb"
check "loads again after removal" \
	bash -c 'modprobe splicelb && test -e /proc/net/splicelb/version'
ktap_finish
