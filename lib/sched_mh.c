// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software
 * Network Load Balancer", NSDI 2016), weighted: a lookup table of M
 * entries, M a prime (table-size, 65,537 by default), each naming a
 * backend; a client hashes to an entry.
 *
 * Building the table.  Each backend has a preference list, a permutation
 * of the M entries: offset + j * skip (mod M) for j = 0, 1, ..., where
 * offset = h1(id) mod M and skip = h2(id) mod (M - 1) + 1, h1 and h2 two
 * hashes of its address and port under the seed.  M prime makes every
 * skip coprime with M, so the list visits every entry.  Backends take
 * turns; at its turn a backend takes the first entry of its list not
 * yet taken.  The paper's turns go round robin, which gives every
 * backend the same share; here the turns are weighted: a backend of
 * weight w takes its k-th entry at virtual time k / w, and the earliest
 * virtual time goes next (a heap, ties to the smaller id), so each
 * backend ends with its weight's share of the entries to within one.
 *
 * Same table everywhere.  The backends take their turns in the order of
 * their ids (address and port), never in the order they were added, and
 * the hashes read bytes, so two gateways with the same backends, weights,
 * table size and seed build identical tables, and send every client to
 * the same backend.
 *
 * Changes.  A backend that is draining, down or already tried keeps its
 * entries: a lookup that lands on one walks on to the next entries until
 * an eligible backend's, and since neighbouring entries belong to
 * backends at random, its clients spread over the others by their
 * shares; no other client moves, and bringing it back moves its clients
 * back.  Adding, deleting or reweighting a backend (weight 0 included:
 * a gateway configured with it at 0 has no entries for it, so neither
 * may this one) rebuilds the table, and then, as the paper measures, a
 * few entries beyond the ones that must change owner do: about 0.1% of
 * the table when one of five backends is deleted (the unit tests bound
 * it).  Keeping the
 * deleted backend's entries instead would move nobody else, but a
 * gateway configured afresh would then disagree with one that had the
 * backend once; agreement between gateways is what Maglev is for.  To
 * take a backend out without moving anyone else, drain it or set it down:
 * its entries stay.
 *
 * Costs.  A lookup is one hash and, with every backend eligible, one
 * entry: O(1).  The walk past ineligible entries stops after
 * SLB_SCHED_WALK_MAX steps for a scan of the backends, and is skipped
 * when none is up, so a pick is O(n) at worst, never O(M).  The
 * build is O(M log M) for the list walks (the paper's bound) times
 * O(log n) for the heap, outside the data path's lock; "make bench-sched"
 * times it.  The table is 4 bytes an entry plus a pointer per backend.
 */
#include "sched.h"

#define SLB_MH_EMPTY	0xffffffffU
/* Seed purposes: the two hashes of a backend and the client's. */
#define SLB_MH_OFFSET	0
#define SLB_MH_SKIP	1
#define SLB_MH_CLIENT	2

struct slb_mh_table {
	u32 size;		/* M */
	u32 ndests;
	u32 entry[];		/* M indices into the dests that follow */
};

/* One backend's walk of its preference list, during a build. */
struct slb_mh_walk {
	u32 pos;		/* next entry of its list to try */
	u32 skip;
	u32 weight;
	u32 taken;		/* entries it holds so far */
};

static size_t slb_mh_dests_at(u32 size)
{
	size_t at = sizeof(struct slb_mh_table) + (size_t)size * sizeof(u32);

	return (at + sizeof(void *) - 1) / sizeof(void *) * sizeof(void *);
}

static struct slb_sched_dest **slb_mh_dests(const struct slb_mh_table *t)
{
	return (struct slb_sched_dest **)((u8 *)t + slb_mh_dests_at(t->size));
}

static u64 slb_mh_seed(const struct slb_sched_opts *opts, u32 purpose)
{
	return (u64)opts->seed << 2 | purpose;
}

static size_t slb_mh_table_size(const struct slb_sched_opts *opts,
				struct slb_sched_dest *const *dests,
				unsigned int n)
{
	(void)dests;
	return slb_mh_dests_at(opts->table_size) +
	       n * sizeof(struct slb_sched_dest *);
}

static size_t slb_mh_scratch_size(const struct slb_sched_opts *opts,
				  unsigned int n)
{
	(void)opts;
	return n * (sizeof(struct slb_mh_walk) + sizeof(u32));
}

static int slb_mh_id_cmp(const void *a, const void *b)
{
	const struct slb_sched_dest *da = *(struct slb_sched_dest *const *)a;
	const struct slb_sched_dest *db = *(struct slb_sched_dest *const *)b;
	unsigned int i;

	for (i = 0; i < SLB_SCHED_ID_LEN; i++)
		if (da->id[i] != db->id[i])
			return da->id[i] < db->id[i] ? -1 : 1;
	return 0;
}

/* Does a's next turn, at (taken + 1) / weight, come before b's? */
static bool slb_mh_before(const struct slb_mh_walk *w, u32 a, u32 b)
{
	u64 ta = (u64)(w[a].taken + 1) * w[b].weight;
	u64 tb = (u64)(w[b].taken + 1) * w[a].weight;

	return ta < tb || (ta == tb && a < b);
}

static void slb_mh_sift(u32 *heap, u32 root, u32 n,
			const struct slb_mh_walk *w)
{
	u32 child, t;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n && slb_mh_before(w, heap[child + 1],
						   heap[child]))
			child++;
		if (!slb_mh_before(w, heap[child], heap[root]))
			return;
		t = heap[root];
		heap[root] = heap[child];
		heap[child] = t;
		root = child;
	}
}

static void slb_mh_walks(const struct slb_sched_opts *opts,
			 struct slb_sched_dest *const *by_id, u32 n,
			 struct slb_mh_walk *w)
{
	u32 m = opts->table_size, i;

	for (i = 0; i < n; i++) {
		const u8 *id = by_id[i]->id;

		w[i].pos = (u32)(slb_hash64(id, SLB_SCHED_ID_LEN,
				 slb_mh_seed(opts, SLB_MH_OFFSET)) % m);
		w[i].skip = (u32)(slb_hash64(id, SLB_SCHED_ID_LEN,
				  slb_mh_seed(opts, SLB_MH_SKIP)) % (m - 1)) + 1;
		w[i].weight = by_id[i]->table_weight;
		w[i].taken = 0;
	}
}

/* Entry by entry, to whoever's turn is next. */
static void slb_mh_fill(struct slb_mh_table *t, struct slb_mh_walk *w,
			u32 *heap, u32 n)
{
	u32 m = t->size, filled, i, b;

	for (i = 0; i < m; i++)
		t->entry[i] = SLB_MH_EMPTY;
	for (i = 0; i < n; i++)
		heap[i] = i;
	for (i = n / 2; i-- > 0;)
		slb_mh_sift(heap, i, n, w);
	for (filled = 0; n && filled < m; filled++) {
		b = heap[0];
		while (t->entry[w[b].pos] != SLB_MH_EMPTY)
			w[b].pos = w[b].pos + w[b].skip < m ?
				   w[b].pos + w[b].skip :
				   w[b].pos + w[b].skip - m;
		t->entry[w[b].pos] = b;
		w[b].taken++;
		slb_mh_sift(heap, 0, n, w);
	}
}

static void slb_mh_build(const struct slb_sched_opts *opts,
			 struct slb_sched_dest *const *dests, unsigned int n,
			 void *table, void *scratch)
{
	struct slb_mh_table *t = table;
	struct slb_mh_walk *w = scratch;
	u32 *heap = (u32 *)(w + n);
	struct slb_sched_dest **by_id;
	unsigned int i;

	t->size = opts->table_size;
	by_id = slb_mh_dests(t);
	t->ndests = 0;
	for (i = 0; i < n; i++)
		if (dests[i]->table_weight)
			by_id[t->ndests++] = dests[i];
	slb_sched_sort(by_id, t->ndests, sizeof(*by_id), slb_mh_id_cmp);
	slb_mh_walks(opts, by_id, t->ndests, w);
	slb_mh_fill(t, w, heap, t->ndests);
}

static struct slb_sched_dest *
slb_mh_schedule(void *state, struct slb_sched_dest *const *dests,
		unsigned int n, const struct slb_sched_ctx *ctx)
{
	const struct slb_mh_table *t = ctx ? ctx->table : NULL;
	struct slb_sched_dest *const *by_id;
	u32 i, k, steps, last = 0;

	if (!t || !t->ndests || !ctx->opts ||
	    !slb_sched_walk_any(state, dests, n))
		return NULL;
	by_id = slb_mh_dests(t);
	i = (u32)(slb_sched_client_hash(ctx, slb_mh_seed(ctx->opts,
						SLB_MH_CLIENT)) % t->size);
	steps = SLB_SCHED_WALK_MAX(t->ndests);
	for (k = 0; k < t->size && k < steps; k++) {
		if (t->entry[i] != SLB_MH_EMPTY) {
			last = t->entry[i];
			if (slb_sched_eligible(by_id[last], ctx))
				return by_id[last];
		}
		if (++i == t->size)
			i = 0;
	}
	return slb_sched_walk_scan(by_id, t->ndests, last, ctx);
}

const struct slb_sched_ops slb_sched_mh = {
	.name		= "mh",
	.state_size	= sizeof(struct slb_sched_walk),
	.init_service	= slb_sched_walk_init,
	/* The caller rebuilds the table; the state only counts. */
	.add_dest	= slb_sched_walk_changed,
	.del_dest	= slb_sched_walk_changed,
	.upd_dest	= slb_sched_walk_changed,
	.schedule	= slb_mh_schedule,
	.options	= SLB_SCHED_OPT_HASH_KEY | SLB_SCHED_OPT_SEED |
			  SLB_SCHED_OPT_TABLE_SIZE,
	.table_size	= slb_mh_table_size,
	.scratch_size	= slb_mh_scratch_size,
	.build		= slb_mh_build,
};
