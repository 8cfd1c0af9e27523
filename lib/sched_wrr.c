// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Smooth weighted round robin, the algorithm of nginx's upstream module.
 *
 * Every backend keeps a running credit, slb_sched_dest.credit.  On each
 * pick, every eligible backend earns its weight in credit, the one with
 * the most credit wins (the earliest in the array on a tie), and the
 * winner pays back the total weight of the eligible backends.  A pass
 * hands out exactly as much credit as it takes back, so the credits always
 * sum to zero; from zeroed credits and with nobody skipped, every
 * total-weight picks bring the credits back to zero and give each backend
 * exactly its weight in picks.
 *
 * Weights 5:1:1 for a, b and c, total 7, give:
 *
 *   pass   after earning   picked   after paying
 *          a    b    c              a    b    c
 *    1     5    1    1       a     -2    1    1
 *    2     3    2    2       a     -4    2    2
 *    3     1    3    3       b      1   -4    3
 *    4     6   -3    4       a     -1   -3    4
 *    5     4   -2    5       c      4   -2   -2
 *    6     9   -1   -1       a      2   -1   -1
 *    7     7    0    0       a      0    0    0
 *
 * then the cycle repeats: a a b a c a a.  Classic weighted round robin
 * (IPVS's ip_vs_wrr.c) gives a a a a a b c: a burst of five new
 * connections onto one backend while the others idle.  Here a backend
 * that just won is pushed back by the total weight and has to earn its
 * way up again, so the light backends are interleaved between the heavy
 * one's picks.  With equal weights it is plain round robin in array order.
 *
 * Backends that cannot take this connection (quiesced, down, already
 * tried) neither earn nor pay, and keep their credit for later.  Adding,
 * removing or reweighting a backend zeroes every credit: credit earned
 * under the old weights would otherwise skew the first cycles under the
 * new ones.
 *
 * Range: the credits sum to zero and each stays within plus or minus the
 * total weight of all backends (an exhaustive search of small sets under
 * every mix of eligibility finds no state beyond that).  Effective weights
 * are at most 65535 * 16 (lib/weight.h) and a service has at most 65,536
 * backends, so credits stay below 2^36 in magnitude: s64 would hold them
 * even if that bound were n times too optimistic.
 */
#include "sched.h"

static void slb_wrr_reset(struct slb_sched_dest *const *dests, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		dests[i]->credit = 0;
}

static void slb_wrr_init_service(void *state)
{
	/* All bookkeeping lives in the dests. */
	(void)state;
}

static void slb_wrr_add_dest(void *state, struct slb_sched_dest *const *dests,
			     unsigned int n, struct slb_sched_dest *added)
{
	(void)state;
	slb_wrr_reset(dests, n);
	/* The array may not hold the newcomer yet. */
	added->credit = 0;
}

static void slb_wrr_del_dest(void *state, struct slb_sched_dest *const *dests,
			     unsigned int n, struct slb_sched_dest *removed)
{
	(void)state;
	(void)removed;
	slb_wrr_reset(dests, n);
}

static void slb_wrr_upd_dest(void *state, struct slb_sched_dest *const *dests,
			     unsigned int n, struct slb_sched_dest *changed)
{
	(void)state;
	slb_wrr_reset(dests, n);
	changed->credit = 0;
}

static struct slb_sched_dest *
slb_wrr_schedule(void *state, struct slb_sched_dest *const *dests,
		 unsigned int n, const struct slb_sched_ctx *ctx)
{
	struct slb_sched_dest *best = NULL;
	s64 total = 0;
	unsigned int i;

	(void)state;
	for (i = 0; i < n; i++) {
		struct slb_sched_dest *d = dests[i];

		if (!slb_sched_eligible(d, ctx))
			continue;
		d->credit += d->weight;
		total += d->weight;
		if (!best || d->credit > best->credit)
			best = d;
	}
	if (best)
		best->credit -= total;
	return best;
}

const struct slb_sched_ops slb_sched_wrr = {
	.name		= "wrr",
	.state_size	= 0,
	.init_service	= slb_wrr_init_service,
	.done_service	= NULL,
	.add_dest	= slb_wrr_add_dest,
	.del_dest	= slb_wrr_del_dest,
	.upd_dest	= slb_wrr_upd_dest,
	.schedule	= slb_wrr_schedule,
};
