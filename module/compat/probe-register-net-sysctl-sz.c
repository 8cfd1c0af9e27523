// SPDX-License-Identifier: GPL-2.0
#include <linux/sysctl.h>
#include <net/net_namespace.h>

struct ctl_table_header *slb_probe(struct net *net, struct ctl_table *t,
				   size_t n);
struct ctl_table_header *slb_probe(struct net *net, struct ctl_table *t,
				   size_t n)
{
	return register_net_sysctl_sz(net, "net/probe", t, n);
}
