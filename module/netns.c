// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state.  Services, connections and tunables belong to
 * the namespace they were configured in, as with IPVS; a namespace going away
 * takes its services and connections with it.
 */
#include "conn.h"
#include "health.h"
#include "netns.h"
#include "proc.h"
#include "service.h"
#include "sysctl.h"

unsigned int slb_net_id __read_mostly;

static int __net_init slb_netns_init_net(struct net *net)
{
	struct slb_net *sn = slb_net(net);
	int ret;

	sn->net = net;
	mutex_init(&sn->lock);
	INIT_LIST_HEAD(&sn->services);
	xa_init_flags(&sn->conns, XA_FLAGS_ALLOC);
	sn->gen = 1;
	sn->zeroed_at = ktime_get_boottime_seconds();
	slb_sysctl_defaults(&sn->tun);

	ret = slb_stats_init(&sn->stats, GFP_KERNEL);
	if (ret)
		goto err_stats;
	ret = slb_sysctl_net_init(sn);
	if (ret)
		goto err_sysctl;
	ret = slb_proc_net_init(sn);
	if (ret)
		goto err_proc;
	return 0;

err_proc:
	slb_sysctl_net_uninit(sn);
err_sysctl:
	slb_stats_destroy(&sn->stats);
err_stats:
	return ret;
}

/*
 * Kernel sockets hold no reference on their netns: end them all, here,
 * before the namespace's devices go (they go before any exit method), so
 * that the resets reach the clients instead of leaving them to time out.
 */
static void __net_exit slb_netns_pre_exit_net(struct net *net)
{
	struct slb_net *sn = slb_net(net);

	slb_service_flush(sn, true);
	slb_conn_flush_net(sn);
	slb_health_flush_net(sn);
}

static void __net_exit slb_netns_exit_net(struct net *net)
{
	struct slb_net *sn = slb_net(net);

	xa_destroy(&sn->conns);
	slb_proc_net_uninit(sn);
	slb_sysctl_net_uninit(sn);
	slb_stats_destroy(&sn->stats);
}

static struct pernet_operations slb_netns_ops = {
	.init = slb_netns_init_net,
	.pre_exit = slb_netns_pre_exit_net,
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
