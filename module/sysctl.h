/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_SYSCTL_H
#define SLB_SYSCTL_H

#include <linux/stddef.h>

struct netlink_ext_ack;
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

/*
 * The limit @field of @sn in force: the namespace's own value, or the
 * initial namespace's where @sn belongs to another user namespace and that
 * is lower.  0 is "no limit" (max_conns only).
 */
#define slb_sysctl_limit(sn, field) \
	__slb_sysctl_limit(sn, offsetof(struct slb_tunables, field))
int __slb_sysctl_limit(const struct slb_net *sn, size_t off);

/*
 * 0 while @count is below the limit @field in force, else -ENOSPC with an
 * extack message that names the limit and its value.
 */
#define slb_sysctl_check(sn, field, count, extack)			\
	__slb_sysctl_check(sn, offsetof(struct slb_tunables, field),	\
			   #field, count, extack)
int __slb_sysctl_check(const struct slb_net *sn, size_t off, const char *name,
		       unsigned int count, struct netlink_ext_ack *extack);

#endif /* SLB_SYSCTL_H */
