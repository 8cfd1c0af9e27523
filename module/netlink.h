/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_NETLINK_H
#define SLB_NETLINK_H

#include <linux/skbuff.h>
#include <linux/types.h>

#include "addr.h"

struct slb_net;
struct slb_service;
struct slb_backend;

/* The generic netlink family "splicelb" (include/uapi/linux/splicelb.h). */
int slb_netlink_init(void);
void slb_netlink_uninit(void);

/*
 * Events on the "events" multicast group of svc->sn->net.  @cmd is
 * SPLICELB_CMD_SERVICE_NEW, _SET or _DEL for a service, and
 * SPLICELB_CMD_BACKEND_NEW, _SET, _DEL, _STATE or _HEALTH for a backend
 * (whose message names its service too).  The caller holds sn->lock;
 * process context.  Cheap when nobody listens.
 */
void slb_netlink_notify_service(struct slb_service *svc, u8 cmd);
void slb_netlink_notify_backend(struct slb_backend *be, u8 cmd);

/* Put @a as an endpoint nest (SPLICELB_EP_A_*) of type @attr. */
int slb_netlink_put_addr(struct sk_buff *skb, int attr,
			 const union slb_addr *a);

#endif /* SLB_NETLINK_H */
