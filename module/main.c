// SPDX-License-Identifier: GPL-2.0
/*
 * splicelb: a TCP load balancer that splices kernel sockets.
 *
 * This file only wires the parts together; each part has its own file and
 * its own init/uninit pair, and exit undoes init in the exact reverse order.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "conn.h"
#include "health.h"
#include "netlink.h"
#include "netns.h"

static int __init slb_mod_init(void)
{
	int ret;

	ret = slb_conn_init();
	if (ret)
		goto err_conn;
	ret = slb_health_wq_init();
	if (ret)
		goto err_health;
	ret = slb_netns_init();
	if (ret)
		goto err_netns;
	ret = slb_netlink_init();
	if (ret)
		goto err_netlink;

	pr_info("splicelb " SLB_VERSION " loaded\n");
	return 0;

err_netlink:
	slb_netns_uninit();
err_netns:
	slb_health_wq_uninit();
err_health:
	slb_conn_uninit();
err_conn:
	return ret;
}

static void __exit slb_mod_exit(void)
{
	slb_netlink_uninit();
	slb_netns_uninit();
	slb_health_wq_uninit();
	slb_conn_uninit();
	pr_debug("unloaded\n");
}

module_init(slb_mod_init);
module_exit(slb_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TCP load balancer splicing kernel sockets");
MODULE_AUTHOR("splicelb developers");
MODULE_VERSION(SLB_VERSION);
MODULE_ALIAS_GENL_FAMILY(SPLICELB_GENL_NAME);
