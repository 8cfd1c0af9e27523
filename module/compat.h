/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels splicelb supports lives here.  What a
 * kernel provides is found by compiling module/compat/probe-*.c against it
 * (scripts/build-module.sh), not by comparing version numbers: Debian's
 * stable kernels carry backports that version numbers do not show.
 */
#ifndef SLB_COMPAT_H
#define SLB_COMPAT_H

#include "compat-probes.h"

#ifndef SLB_HAVE_TIMER_DELETE_SYNC
#define timer_delete_sync(t) del_timer_sync(t)
#endif

#ifndef SLB_HAVE_NL_SET_ERR_MSG_FMT
#include <linux/kernel.h>
#include <linux/netlink.h>

#define NETLINK_MAX_FMTMSG_LEN 80

/*
 * 6.1's extack has no buffer for a formatted message, and the ack that
 * carries it is built after genetlink has let the next request in.  A ring
 * of buffers: a message is overwritten only after 64 more formatted
 * errors, far more than can happen in that window.
 */
static inline char *slb_compat_extack_buf(size_t *len)
{
	static char ring[64][NETLINK_MAX_FMTMSG_LEN];
	static atomic_t next = ATOMIC_INIT(0);

	*len = NETLINK_MAX_FMTMSG_LEN;
	return ring[(unsigned int)atomic_inc_return(&next) % ARRAY_SIZE(ring)];
}

#define NL_SET_ERR_MSG_FMT_MOD(extack, fmt, args...)			\
	do {								\
		struct netlink_ext_ack *__extack = (extack);		\
		size_t __len;						\
		char *__buf = slb_compat_extack_buf(&__len);		\
									\
		if (__extack) {						\
			snprintf(__buf, __len, KBUILD_MODNAME ": " fmt,	\
				 ##args);				\
			__extack->_msg = __buf;				\
		}							\
	} while (0)
#endif

/*
 * The request attributes of a dump: 6.6 moved them into a struct genl_info
 * inside struct genl_dumpit_info.
 */
#ifdef SLB_HAVE_GENL_INFO_DUMP
#define slb_genl_dump_attrs(cb) (genl_info_dump(cb)->attrs)
#else
#define slb_genl_dump_attrs(cb) (genl_dumpit_info(cb)->attrs)
#endif

/*
 * 6.6 sizes sysctl tables instead of ending them with an empty entry;
 * before it the size is ignored and the table must keep its terminator.
 */
#ifndef SLB_HAVE_REGISTER_NET_SYSCTL_SZ
#define register_net_sysctl_sz(net, path, table, size)	\
	register_net_sysctl(net, path, table)
#endif

/* 6.11 hands proc handlers a const struct ctl_table. */
#ifdef SLB_HAVE_CONST_CTL_TABLE
#define SLB_CTL_TABLE_CONST const
#else
#define SLB_CTL_TABLE_CONST
#endif

#endif /* SLB_COMPAT_H */
