/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The counters of a service, a backend and a netns.  They are listed once,
 * in counter_list.h; the module's per-CPU arrays, /proc/net/splicelb/stats,
 * the netlink fill, and lbctl's parsing and its text and JSON output all
 * expand that list, so a counter added there (and to the spec's stats
 * attribute set, which the assertion below holds it to) appears everywhere
 * at once.  Each entry is
 *
 *   SLB_COUNTER(kind, name, ATTR, line, label)
 *
 * kind   GAUGE: live state, moved up and down, never zeroed;
 *        COUNT: cumulative, zeroed by "lbctl zero"
 * name   its key in /proc/net/splicelb/stats and in lbctl's JSON
 * ATTR   its attribute, SPLICELB_STATS_A_<ATTR>
 * line   the line of lbctl's text output it is on: CONNS, BYTES or CHECKS
 * label  its word on that line
 *
 * Listings follow the order of the list.  To expand it, define
 * SLB_COUNTER and #include SLB_COUNTER_LIST, which undefines it again.
 */
#ifndef SLB_LIB_COUNTERS_H
#define SLB_LIB_COUNTERS_H

#include "uapi/linux/splicelb.h"

#define SLB_COUNTER_LIST "counter_list.h"

/* Indices into a counter array: SLB_CTR_CONNS_TOTAL, ... */
enum slb_counter {
#define SLB_COUNTER(kind, name, ATTR, line, label) SLB_CTR_##ATTR,
#include SLB_COUNTER_LIST
	SLB_CTR_NUM
};

/* The stats attribute set holds the counters and its pad, nothing else. */
_Static_assert(SLB_CTR_NUM + 1 == SPLICELB_STATS_A_PAD,
	       "counter_list.h and the spec's stats attributes differ");
_Static_assert(SPLICELB_STATS_A_PAD == SPLICELB_STATS_A_MAX,
	       "the pad is not the last stats attribute");

#endif /* SLB_LIB_COUNTERS_H */
