#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What "make demo" shows, run inside the guest: a service with three
# backends, traffic through it, and lbctl showing how it spread.
#
#   slb-cli               slb-lb                      slb-be1..3
#   slbpeer -c x30 ---> 10.0.1.1:80 (wrr 3:2:1) ---> slbpeer -l [::]:80
#
source "$(dirname "$0")/../vm/lib.sh"
trap topo_cleanup EXIT

say() {
	printf '\n$ %s\n' "$*"
	"$@"
}

lbctl() {
	ip netns exec "$NS_LB" /usr/bin/lbctl "$@"
}

echo "kernel $(uname -r); three backends, a client and the balancer, each"
echo "in its own network namespace"
topo_setup
for i in 1 2 3; do
	serve "$i" -n 1m -t 60000 >/dev/null
done
say cat /proc/net/splicelb/version
say lbctl service add "$VIP4:80" scheduler wrr
say lbctl backend add "$(be4 1):80" service "$VIP4:80" weight 3
say lbctl backend add "$(be4 2):80" service "$VIP4:80" weight 2
say lbctl backend add "$(be4 3):80" service "$VIP4:80" weight 1
say lbctl show
echo
echo "# 30 clients, 1 MiB each way each, checked by SHA-256 at both ends:"
say ip netns exec "$NS_CLI" slbpeer -c "$VIP4:80" -n 1m -N 30 -P 10
say lbctl -s show
say ip netns exec "$NS_LB" cat /proc/net/splicelb/stats
say lbctl save
