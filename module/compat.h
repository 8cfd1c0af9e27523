/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels splicelb supports lives here.  What a
 * kernel provides is found by compiling module/compat/probe-*.c against it
 * (module/compat/probe.sh, run by Kbuild), not by comparing version
 * numbers: Debian's stable kernels carry backports that version numbers
 * do not show.
 */
#ifndef SLB_COMPAT_H
#define SLB_COMPAT_H

#include "compat-probes.h"

#ifndef SLB_HAVE_TIMER_DELETE_SYNC
#define timer_delete_sync(t) del_timer_sync(t)
#endif

/*
 * An extack message with the values that failed, or where the extack has
 * no buffer for a formatted message (6.1) the fixed one, which says what
 * failed without the values.  The format is still checked against its
 * arguments there.
 */
#ifdef SLB_HAVE_NL_SET_ERR_MSG_FMT
#define SLB_SET_ERR_MSG_FMT(extack, fixed, fmt, args...)		\
	NL_SET_ERR_MSG_FMT_MOD(extack, fmt, ##args)
#else
#define SLB_SET_ERR_MSG_FMT(extack, fixed, fmt, args...)		\
	do {								\
		no_printk(fmt, ##args);					\
		NL_SET_ERR_MSG_MOD(extack, fixed);			\
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
