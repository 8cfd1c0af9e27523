/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_STATS_H
#define SLB_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

#include "counters.h"

/*
 * Counters of a service, a backend or a netns, kept per CPU as IPVS keeps
 * its ip_vs_cpu_stats: the relay adds its bytes to three of these after
 * every send, and shared atomics would bounce their cache lines between
 * the CPUs relaying at once.  Every writer runs in process context with
 * preemption off (slb_stats_add), so one CPU's counters have one writer at
 * a time and u64_stats_sync is enough, where 32-bit needs it at all.
 *
 * Zeroing does not write the per-CPU counters, which their CPUs may be
 * updating: it records their sum as the baseline later reads subtract.
 */
struct slb_stats_cpu {
	u64_stats_t ctr[SLB_CTR_NUM];
	struct u64_stats_sync syncp;
};

struct slb_stats {
	struct slb_stats_cpu __percpu *cpu;
	/* The sums at the last zeroing; under the netns lock, as are reads. */
	u64 base[SLB_CTR_NUM];
};

/* A copy for reporting, by SLB_CTR_*. */
struct slb_stats_snap {
	u64 ctr[SLB_CTR_NUM];
};

int slb_stats_init(struct slb_stats *s, gfp_t gfp);
void slb_stats_destroy(struct slb_stats *s);
void slb_stats_read(const struct slb_stats *s, struct slb_stats_snap *snap);
/* Zeroes the cumulative counters; gauges are live state. */
void slb_stats_zero(struct slb_stats *s);

/* Add @val to counter @i of @s. */
static inline void slb_stats_add(struct slb_stats *s, enum slb_counter i,
				 u32 val)
{
	struct slb_stats_cpu *c = get_cpu_ptr(s->cpu);

	u64_stats_update_begin(&c->syncp);
	u64_stats_add(&c->ctr[i], val);
	u64_stats_update_end(&c->syncp);
	put_cpu_ptr(s->cpu);
}

static inline void slb_stats_inc(struct slb_stats *s, enum slb_counter i)
{
	slb_stats_add(s, i, 1);
}

/*
 * Move gauge @i of @s by @delta, up or down.  Not u64_stats_add, whose
 * addend is an unsigned long: on 32-bit a -1 would add 2^32 - 1.  The
 * read and set are one update, as this CPU's counters have one writer.
 */
static inline void slb_stats_gauge_add(struct slb_stats *s,
				       enum slb_counter i, int delta)
{
	struct slb_stats_cpu *c = get_cpu_ptr(s->cpu);

	u64_stats_update_begin(&c->syncp);
	u64_stats_set(&c->ctr[i], u64_stats_read(&c->ctr[i]) + (s64)delta);
	u64_stats_update_end(&c->syncp);
	put_cpu_ptr(s->cpu);
}

#endif /* SLB_STATS_H */
