/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_LISTENER_H
#define SLB_LISTENER_H

#include <linux/netlink.h>
#include <linux/types.h>

struct slb_service;

int slb_listener_open(struct slb_service *svc, struct netlink_ext_ack *extack);
void slb_listener_close(struct slb_service *svc);
int slb_listener_set_backlog(struct slb_service *svc, u32 backlog);

#endif /* SLB_LISTENER_H */
