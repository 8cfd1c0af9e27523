/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_SYSCTL_H
#define SLB_SYSCTL_H

struct slb_net;
struct slb_tunables;

/* The values a new namespace starts with (Documentation/sysctl.md). */
void slb_sysctl_defaults(struct slb_tunables *t);

/*
 * /proc/sys/net/splicelb/ of @sn's namespace, backed by sn->tun: call
 * slb_sysctl_defaults() on it first.  Writes are range checked; a value
 * out of range fails with EINVAL and leaves the old one.
 */
int slb_sysctl_net_init(struct slb_net *sn);
void slb_sysctl_net_uninit(struct slb_net *sn);

#endif /* SLB_SYSCTL_H */
