// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state.  Services, connections and tunables belong to
 * the namespace they were configured in, as with IPVS; a namespace going away
 * takes its services and connections with it.
 */
#include "netns.h"
#include "proc.h"

unsigned int slb_net_id __read_mostly;

static int __net_init slb_netns_init_net(struct net *net)
{
	struct slb_net *sn = slb_net(net);

	sn->net = net;
	return slb_proc_net_init(sn);
}

static void __net_exit slb_netns_exit_net(struct net *net)
{
	slb_proc_net_uninit(slb_net(net));
}

static struct pernet_operations slb_netns_ops = {
	.init = slb_netns_init_net,
	.exit = slb_netns_exit_net,
	.id = &slb_net_id,
	.size = sizeof(struct slb_net),
};

int slb_netns_init(void)
{
	return register_pernet_subsys(&slb_netns_ops);
}

void slb_netns_uninit(void)
{
	unregister_pernet_subsys(&slb_netns_ops);
}
