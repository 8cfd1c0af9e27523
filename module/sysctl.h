/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_SYSCTL_H
#define SLB_SYSCTL_H

#include <linux/netlink.h>
#include <linux/stddef.h>

#include "compat.h"

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
 * extack message that names the limit and, where the kernel can format
 * one, its value.
 */
#define slb_sysctl_check(sn, field, count, extack)			\
	({								\
		bool __inherited;					\
		int __limit, __ret;					\
									\
		__ret = __slb_sysctl_check(sn,				\
				offsetof(struct slb_tunables, field),	\
				count, &__limit, &__inherited);		\
		if (__ret)						\
			SLB_SET_ERR_MSG_FMT(extack,			\
				"limit reached: net.splicelb." #field,	\
				"limit reached: net.splicelb." #field	\
				" = %d%s", __limit, __inherited ?	\
				" (initial netns)" : "");		\
		__ret;							\
	})

/*
 * -ENOSPC when @count has reached the limit in force, *@limit;
 * *@inherited: it is the initial netns's, lower than the namespace's own.
 */
int __slb_sysctl_check(const struct slb_net *sn, size_t off,
		       unsigned int count, int *limit, bool *inherited);

#endif /* SLB_SYSCTL_H */
