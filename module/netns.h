/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_NETNS_H
#define SLB_NETNS_H

#include <net/net_namespace.h>
#include <net/netns/generic.h>

/* Everything splicelb keeps per network namespace. */
struct slb_net {
	struct net *net;
	struct proc_dir_entry *proc_dir;
};

extern unsigned int slb_net_id;

static inline struct slb_net *slb_net(const struct net *net)
{
	return net_generic(net, slb_net_id);
}

int slb_netns_init(void);
void slb_netns_uninit(void);

#endif /* SLB_NETNS_H */
