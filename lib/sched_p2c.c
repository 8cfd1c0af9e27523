// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Power of two choices (Mitzenmacher, "The Power of Two Choices in
 * Randomized Load Balancing", 2001): draw two distinct backends at random,
 * each with probability proportional to its weight, and give the new
 * connection to the one with fewer active connections per unit of weight
 * (the first drawn on a tie).  IPVS's "twos" and HAProxy's "random(2)"
 * do the same.  Against one random choice it gains nearly all of least
 * connections' balance (with n balls in n bins the fullest holds about
 * log(n) / log(log(n)) balls for one choice, log(log(n)) for two), without
 * every balancer of a cluster, or every burst of clients, herding onto
 * the one emptiest backend; and it costs O(log n), not O(n).
 *
 * The draw: each backend that is up and weighted keeps the running sum
 * of those weights up to and including itself in its credit, so credit
 * is a sorted array and a number below the total finds its backend by
 * binary search.  The second draw leaves the first backend's weight out
 * of the range and steps over it, so it is distinct without retrying.
 * Prefix sums are rebuilt, O(n), on the first pick after a change of the
 * set, a weight or a state, never per pick.
 *
 * A backend this client already tried is drawn like any other; a draw
 * that lands on one is drawn again, a few times, and past that the pick
 * falls back to the weighted least-connection scan, so a client that has
 * tried most of the weight is still served, in O(n), rather than refused.
 *
 * The random numbers come from a splitmix64 generator per service,
 * stirred on every pick by the caller's fresh ctx->random: one draw of
 * the kernel's generator per connection, not two.
 */
#include "sched.h"

#define SLB_P2C_REDRAWS	4

struct slb_p2c_state {
	u64 rng;
	u64 total;		/* weight of the up backends; their last credit */
	bool stale;		/* prefix sums to rebuild before the next pick */
	unsigned int cursor;	/* of the fallback scan */
};

_Static_assert(sizeof(struct slb_p2c_state) <= SLB_SCHED_STATE_MAX,
	       "p2c state must fit SLB_SCHED_STATE_MAX");

static bool slb_p2c_up(const struct slb_sched_dest *d)
{
	return d->available && d->weight;
}

static void slb_p2c_init_service(void *state)
{
	struct slb_p2c_state *st = state;

	st->rng = 0;
	st->total = 0;
	st->stale = true;
	st->cursor = 0;
}

static void slb_p2c_change(void *state, struct slb_sched_dest *const *dests,
			   unsigned int n, struct slb_sched_dest *d)
{
	struct slb_p2c_state *st = state;

	(void)dests;
	(void)n;
	(void)d;
	st->stale = true;
}

static void slb_p2c_rebuild(struct slb_p2c_state *st,
			    struct slb_sched_dest *const *dests,
			    unsigned int n)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (slb_p2c_up(dests[i]))
			sum += dests[i]->weight;
		dests[i]->credit = (s64)sum;
	}
	st->total = sum;
	st->stale = false;
}

static u64 slb_p2c_random(struct slb_p2c_state *st)
{
	u64 z = (st->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The backend whose share of the prefix sums holds r < total. */
static unsigned int slb_p2c_find(struct slb_sched_dest *const *dests,
				 unsigned int n, u64 r)
{
	unsigned int lo = 0, hi = n - 1, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((u64)dests[mid]->credit > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static u64 slb_p2c_before(struct slb_sched_dest *const *dests, unsigned int i)
{
	return i ? (u64)dests[i - 1]->credit : 0;
}

/* An eligible backend by weight, or n; never @not (pass n for none). */
static unsigned int slb_p2c_draw(struct slb_p2c_state *st,
				 struct slb_sched_dest *const *dests,
				 unsigned int n, unsigned int not,
				 const struct slb_sched_ctx *ctx)
{
	u64 range = st->total, r, skip = 0, from = 0;
	unsigned int i, k;

	if (not < n) {
		skip = dests[not]->weight;
		from = slb_p2c_before(dests, not);
		range -= skip;
	}
	if (!range)
		return n;
	for (k = 0; k < SLB_P2C_REDRAWS; k++) {
		r = slb_p2c_random(st) % range;
		if (r >= from)
			r += skip;
		i = slb_p2c_find(dests, n, r);
		if (slb_sched_eligible(dests[i], ctx))
			return i;
	}
	return n;
}

static bool slb_p2c_lighter(const struct slb_sched_dest *a,
			    const struct slb_sched_dest *b)
{
	return (u64)a->active * b->weight <= (u64)b->active * a->weight;
}

static struct slb_sched_dest *
slb_p2c_schedule(void *state, struct slb_sched_dest *const *dests,
		 unsigned int n, const struct slb_sched_ctx *ctx)
{
	struct slb_p2c_state *st = state;
	unsigned int a, b;

	if (!n)
		return NULL;
	if (st->stale)
		slb_p2c_rebuild(st, dests, n);
	st->rng ^= ctx ? ctx->random : 0;
	a = slb_p2c_draw(st, dests, n, n, ctx);
	if (a == n)
		return slb_sched_least(dests, n, ctx, &st->cursor, true);
	b = slb_p2c_draw(st, dests, n, a, ctx);
	if (b == n || slb_p2c_lighter(dests[a], dests[b]))
		return dests[a];
	return dests[b];
}

const struct slb_sched_ops slb_sched_p2c = {
	.name		= "p2c",
	.state_size	= sizeof(struct slb_p2c_state),
	.init_service	= slb_p2c_init_service,
	.add_dest	= slb_p2c_change,
	.del_dest	= slb_p2c_change,
	.upd_dest	= slb_p2c_change,
	.schedule	= slb_p2c_schedule,
};
