// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>

#include "stats.h"

#define SLB_STATS_IS_GAUGE_COUNT	false
#define SLB_STATS_IS_GAUGE_GAUGE	true

/* Gauges are live state: zeroing leaves them, and they may dip below 0. */
static const bool slb_stats_gauge[SLB_CTR_NUM] = {
#define SLB_COUNTER(kind, name, ATTR, line, label)			\
	[SLB_CTR_##ATTR] = SLB_STATS_IS_GAUGE_##kind,
#include SLB_COUNTER_LIST
};

int slb_stats_init(struct slb_stats *s, gfp_t gfp)
{
	int cpu;

	s->cpu = alloc_percpu_gfp(struct slb_stats_cpu, gfp);
	if (!s->cpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(s->cpu, cpu)->syncp);
	memset(s->base, 0, sizeof(s->base));
	return 0;
}

void slb_stats_destroy(struct slb_stats *s)
{
	free_percpu(s->cpu);
	s->cpu = NULL;
}

static void slb_stats_sum(const struct slb_stats *s, u64 *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(u64) * SLB_CTR_NUM);
	for_each_possible_cpu(cpu) {
		const struct slb_stats_cpu *c = per_cpu_ptr(s->cpu, cpu);
		u64 v[SLB_CTR_NUM];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			for (i = 0; i < SLB_CTR_NUM; i++)
				v[i] = u64_stats_read(&c->ctr[i]);
		} while (u64_stats_fetch_retry(&c->syncp, start));
		for (i = 0; i < SLB_CTR_NUM; i++)
			sum[i] += v[i];
	}
}

void slb_stats_read(const struct slb_stats *s, struct slb_stats_snap *snap)
{
	int i;

	slb_stats_sum(s, snap->ctr);
	for (i = 0; i < SLB_CTR_NUM; i++) {
		snap->ctr[i] -= s->base[i];
		/*
		 * A gauge read while CPUs move it can sum below zero for a
		 * moment: its increment and decrement landed on two CPUs.
		 */
		if (slb_stats_gauge[i] && (s64)snap->ctr[i] < 0)
			snap->ctr[i] = 0;
	}
}

void slb_stats_zero(struct slb_stats *s)
{
	u64 sum[SLB_CTR_NUM];
	int i;

	slb_stats_sum(s, sum);
	for (i = 0; i < SLB_CTR_NUM; i++)
		if (!slb_stats_gauge[i])
			s->base[i] = sum[i];
}
