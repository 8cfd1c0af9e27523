// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Source hashing on a consistent-hash ring, weighted: the clients of one
 * address (or address and port, hash-key addr-port) always go to the
 * same backend while the set of backends stays the same, and a change of
 * the set moves only the clients it must.
 *
 * Every backend puts points on a ring of 2^32 positions, each at a hash
 * of its address, port and the point's number, as many as its weight
 * times 128 (nginx puts 160 per unit, HAProxy 16).  A client hashes to a
 * position and belongs to the first point at or after it.  Adding a
 * backend (or weight to it) takes over only the arcs its own points cut;
 * deleting one (or setting its weight to 0) hands only its own arcs on
 * to the next points, so no client of another backend moves.  A backend
 * draining, down or already tried by this client keeps its points, and
 * its clients walk on along the ring to the next eligible backend's
 * point.  The ring is a pure function of the backends' addresses,
 * weights and the seed, so neither the order they came in nor their
 * history matters: another gateway, or this one after a restore, builds
 * the same ring.
 *
 * This is what nginx's "hash ... consistent" and HAProxy's "hash-type
 * consistent" do (Karger et al.'s ring, ketama's points); IPVS's sh uses
 * a 256-bucket table filled in array order instead, where deleting one
 * backend reshuffles nearly every client.
 *
 * Costs: a pick is a binary search, O(log p) in the p points, then a
 * walk that is one step unless backends are out, cut short after
 * SLB_SCHED_WALK_MAX steps by a scan of the backends, and skipped when
 * none is up: O(n) at worst, never O(p).  More points per backend even
 * out the arcs (their spread shrinks as 1/sqrt(points)), but the ring is
 * kept near SLB_SH_RING_MAX points of 8 bytes (up to one more per
 * backend, for the rounding up): past a total weight of 2048 every
 * unit of weight gets half as many points, past 4096 a quarter, and so on
 * (one point at least per backend).  Only a change of the set that
 * crosses one of those powers of two rebuilds every backend's points and
 * moves clients between backends it did not touch.  Building the ring
 * sorts the points, O(p log p), outside the data path's lock.
 */
#include "sched.h"

#define SLB_SH_SHIFT_MAX	7		/* 128 points per unit of weight */
#define SLB_SH_RING_MAX		(1U << 18)

struct slb_sh_point {
	u32 pos;			/* on the ring */
	u32 dest;			/* index into the table's dests */
};

struct slb_sh_table {
	u32 npoints;
	u32 ndests;
	/* npoints points by position, then ndests pointers by id. */
	struct slb_sh_point point[];
};

static struct slb_sched_dest **slb_sh_dests(const struct slb_sh_table *t)
{
	return (struct slb_sched_dest **)(t->point + t->npoints);
}

static u32 slb_sh_weight(const struct slb_sched_dest *d)
{
	return d->table_weight;
}

/*
 * Points per unit of weight, as a power of two 2^shift: the most, up to
 * 128, that keep the ring within SLB_SH_RING_MAX.  Negative shifts give
 * one point per 2^-shift units, rounded up.
 */
static int slb_sh_shift(struct slb_sched_dest *const *dests, unsigned int n)
{
	u64 total = 0;
	unsigned int i;
	int shift = SLB_SH_SHIFT_MAX;

	for (i = 0; i < n; i++)
		total += slb_sh_weight(dests[i]);
	while (shift > -16 && total << SLB_SH_SHIFT_MAX >
	       (u64)SLB_SH_RING_MAX << (SLB_SH_SHIFT_MAX - shift))
		shift--;
	return shift;
}

static u32 slb_sh_npoints(u32 w, int shift)
{
	if (shift >= 0)
		return w << shift;
	return (w + (1U << -shift) - 1) >> -shift;
}

static u32 slb_sh_count(struct slb_sched_dest *const *dests, unsigned int n,
			int shift, unsigned int *nweighted)
{
	u32 total = 0, w;
	unsigned int i;

	*nweighted = 0;
	for (i = 0; i < n; i++) {
		w = slb_sh_weight(dests[i]);
		if (!w)
			continue;
		total += slb_sh_npoints(w, shift);
		(*nweighted)++;
	}
	return total;
}

static size_t slb_sh_table_size(const struct slb_sched_opts *opts,
				struct slb_sched_dest *const *dests,
				unsigned int n)
{
	unsigned int nweighted;
	u32 npoints = slb_sh_count(dests, n, slb_sh_shift(dests, n),
				   &nweighted);

	(void)opts;
	return sizeof(struct slb_sh_table) +
	       npoints * sizeof(struct slb_sh_point) +
	       nweighted * sizeof(struct slb_sched_dest *);
}

static size_t slb_sh_scratch_size(const struct slb_sched_opts *opts,
				  unsigned int n)
{
	(void)opts;
	(void)n;
	return 0;
}

static int slb_sh_id_cmp(const void *a, const void *b)
{
	const struct slb_sched_dest *da = *(struct slb_sched_dest *const *)a;
	const struct slb_sched_dest *db = *(struct slb_sched_dest *const *)b;
	unsigned int i;

	for (i = 0; i < SLB_SCHED_ID_LEN; i++)
		if (da->id[i] != db->id[i])
			return da->id[i] < db->id[i] ? -1 : 1;
	return 0;
}

/* By position; between equal positions by backend, which sort by id. */
static int slb_sh_point_cmp(const void *a, const void *b)
{
	const struct slb_sh_point *pa = a, *pb = b;

	if (pa->pos != pb->pos)
		return pa->pos < pb->pos ? -1 : 1;
	return pa->dest < pb->dest ? -1 : pa->dest > pb->dest;
}

static u32 slb_sh_point_pos(const struct slb_sched_dest *d, u32 k, u32 seed)
{
	u8 key[SLB_SCHED_ID_LEN + 4];
	unsigned int i;

	for (i = 0; i < SLB_SCHED_ID_LEN; i++)
		key[i] = d->id[i];
	for (i = 0; i < 4; i++)
		key[SLB_SCHED_ID_LEN + i] = (u8)(k >> (8 * i));
	return (u32)(slb_hash64(key, sizeof(key), seed) >> 32);
}

static void slb_sh_build(const struct slb_sched_opts *opts,
			 struct slb_sched_dest *const *dests, unsigned int n,
			 void *table, void *scratch)
{
	struct slb_sh_table *t = table;
	struct slb_sched_dest **by_id;
	int shift = slb_sh_shift(dests, n);
	unsigned int i, nweighted;
	u32 k, w, np = 0;

	(void)scratch;
	t->npoints = slb_sh_count(dests, n, shift, &nweighted);
	t->ndests = nweighted;
	by_id = slb_sh_dests(t);
	for (i = 0, nweighted = 0; i < n; i++)
		if (slb_sh_weight(dests[i]))
			by_id[nweighted++] = dests[i];
	slb_sched_sort(by_id, nweighted, sizeof(*by_id), slb_sh_id_cmp);
	for (i = 0; i < nweighted; i++) {
		w = slb_sh_weight(by_id[i]);
		for (k = 0; k < slb_sh_npoints(w, shift); k++) {
			t->point[np].pos = slb_sh_point_pos(by_id[i], k,
							    opts->seed);
			t->point[np++].dest = i;
		}
	}
	slb_sched_sort(t->point, np, sizeof(t->point[0]), slb_sh_point_cmp);
}

/* The first point at or after pos, wrapping past the end. */
static u32 slb_sh_first(const struct slb_sh_table *t, u32 pos)
{
	u32 lo = 0, hi = t->npoints, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->point[mid].pos < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == t->npoints ? 0 : lo;
}

static struct slb_sched_dest *
slb_sh_schedule(void *state, struct slb_sched_dest *const *dests,
		unsigned int n, const struct slb_sched_ctx *ctx)
{
	const struct slb_sh_table *t = ctx ? ctx->table : NULL;
	struct slb_sched_dest *const *by_id;
	u32 i, k, steps;

	if (!t || !t->npoints || !slb_sched_walk_any(state, dests, n))
		return NULL;
	by_id = slb_sh_dests(t);
	i = slb_sh_first(t, (u32)(slb_sched_client_hash(ctx, ctx->opts ?
					ctx->opts->seed : 0) >> 32));
	steps = SLB_SCHED_WALK_MAX(t->ndests);
	for (k = 0; k < t->npoints && k < steps; k++) {
		if (slb_sched_eligible(by_id[t->point[i].dest], ctx))
			return by_id[t->point[i].dest];
		if (++i == t->npoints)
			i = 0;
	}
	return slb_sched_walk_scan(by_id, t->ndests, t->point[i].dest, ctx);
}

const struct slb_sched_ops slb_sched_sh = {
	.name		= "sh",
	.state_size	= sizeof(struct slb_sched_walk),
	.init_service	= slb_sched_walk_init,
	/* The caller rebuilds the table; the state only counts. */
	.add_dest	= slb_sched_walk_changed,
	.del_dest	= slb_sched_walk_changed,
	.upd_dest	= slb_sched_walk_changed,
	.schedule	= slb_sh_schedule,
	.options	= SLB_SCHED_OPT_HASH_KEY | SLB_SCHED_OPT_SEED,
	.table_size	= slb_sh_table_size,
	.scratch_size	= slb_sh_scratch_size,
	.build		= slb_sh_build,
};
