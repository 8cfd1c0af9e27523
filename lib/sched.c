// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Registry of the scheduling algorithms, and the eligibility rule they all
 * share, so that no algorithm can hand a new connection to a quiesced, down
 * or already failed backend.
 */
#include "sched.h"

/* Listing order: the order the tools show the schedulers in. */
/* NULL-terminated: lib/ has no ARRAY_SIZE of its own. */
static const struct slb_sched_ops *const slb_sched_table[] = {
	&slb_sched_rr,
	&slb_sched_wrr,
	&slb_sched_lc,
	&slb_sched_wlc,
	&slb_sched_p2c,
	&slb_sched_sh,
	&slb_sched_mh,
	&slb_sched_lt,
	NULL,
};

/*
 * lib/ may call neither libc nor the kernel, hence no strcmp.  The name
 * asked for may come from a fixed-size attribute without a terminator, so
 * never read more than SLB_SCHED_NAME_MAX bytes of it; registered names
 * are shorter than that.
 */
static bool slb_sched_name_eq(const char *asked, const char *name)
{
	unsigned int i;

	for (i = 0; i < SLB_SCHED_NAME_MAX; i++) {
		if (asked[i] != name[i])
			return false;
		if (!asked[i])
			return true;
	}
	return false;
}

const struct slb_sched_ops *slb_sched_find(const char *name)
{
	unsigned int i;

	if (!name)
		return NULL;
	for (i = 0; slb_sched_table[i]; i++)
		if (slb_sched_name_eq(name, slb_sched_table[i]->name))
			return slb_sched_table[i];
	return NULL;
}

const struct slb_sched_ops *slb_sched_at(unsigned int i)
{
	unsigned int n;

	for (n = 0; n < i && slb_sched_table[n]; n++)
		;
	return slb_sched_table[n];
}

static bool slb_sched_tried(const struct slb_sched_dest *d,
			    const struct slb_sched_ctx *ctx)
{
	unsigned int i;

	if (!ctx || !ctx->tried)
		return false;
	/* ntried is a handful of retries: a linear scan beats any index. */
	for (i = 0; i < ctx->ntried; i++)
		if (ctx->tried[i] == d)
			return true;
	return false;
}

bool slb_sched_eligible(const struct slb_sched_dest *d,
			const struct slb_sched_ctx *ctx)
{
	if (!d->available || !d->weight)
		return false;
	if (d->maxconn && d->active >= d->maxconn)
		return false;
	return !slb_sched_tried(d, ctx);
}

bool slb_sched_full(struct slb_sched_dest *const *dests, unsigned int n,
		    const struct slb_sched_ctx *ctx)
{
	const struct slb_sched_dest *d;
	unsigned int i;

	for (i = 0; i < n; i++) {
		d = dests[i];
		if (d->available && d->weight && d->maxconn &&
		    d->active >= d->maxconn && !slb_sched_tried(d, ctx))
			return true;
	}
	return false;
}

void slb_sched_id_set(u8 *id, unsigned int version, const void *addr,
		      u16 port_be)
{
	const u8 *a = addr, *p = (const u8 *)&port_be;
	unsigned int i, len = version == 4 ? 4 : 16;

	for (i = 0; i < SLB_SCHED_ID_LEN; i++)
		id[i] = 0;
	id[0] = (u8)version;
	id[1] = p[0];
	id[2] = p[1];
	for (i = 0; i < len; i++)
		id[SLB_SCHED_ID_ADDR + i] = a[i];
}

void slb_sched_opts_default(struct slb_sched_opts *opts)
{
	opts->hash_key = SPLICELB_HASH_KEY_ADDR;
	opts->seed = 0;
	opts->table_size = SPLICELB_MH_TABLE_SIZE;
}

static bool slb_sched_prime(u32 n)
{
	u32 d;

	if (n < 2)
		return false;
	for (d = 2; d <= n / d; d++)
		if (!(n % d))
			return false;
	return true;
}

const char *slb_sched_opts_check(const struct slb_sched_ops *ops, u32 given,
				 const struct slb_sched_opts *opts)
{
	if (given & ~ops->options & SLB_SCHED_OPT_HASH_KEY)
		return "hash-key does not apply to this scheduler";
	if (given & ~ops->options & SLB_SCHED_OPT_SEED)
		return "seed does not apply to this scheduler";
	if (given & ~ops->options & SLB_SCHED_OPT_TABLE_SIZE)
		return "table-size does not apply to this scheduler";
	if (opts->hash_key > SPLICELB_HASH_KEY_ADDR_PORT)
		return "hash-key must be addr or addr-port";
	if (ops->options & SLB_SCHED_OPT_TABLE_SIZE &&
	    (opts->table_size < 7 || opts->table_size > SPLICELB_MH_TABLE_MAX ||
	     !slb_sched_prime(opts->table_size)))
		return "table-size must be a prime from 7 to 4194301";
	return NULL;
}

void slb_sched_walk_init(void *state)
{
	struct slb_sched_walk *w = state;

	w->up = 0;
	w->stale = true;
}

void slb_sched_walk_changed(void *state, struct slb_sched_dest *const *dests,
			    unsigned int n, struct slb_sched_dest *d)
{
	struct slb_sched_walk *w = state;

	(void)dests;
	(void)n;
	(void)d;
	w->stale = true;
}

struct slb_sched_dest *slb_sched_walk_scan(struct slb_sched_dest *const *by_id,
					   unsigned int n, unsigned int from,
					   const struct slb_sched_ctx *ctx)
{
	unsigned int k, i = from < n ? from : 0;

	for (k = 0; k < n; k++, i = i + 1 < n ? i + 1 : 0)
		if (slb_sched_eligible(by_id[i], ctx))
			return by_id[i];
	return NULL;
}

bool slb_sched_walk_any(void *state, struct slb_sched_dest *const *dests,
			unsigned int n)
{
	struct slb_sched_walk *w = state;
	unsigned int i;

	if (w->stale) {
		w->up = 0;
		for (i = 0; i < n; i++)
			w->up += dests[i]->available && dests[i]->weight;
		w->stale = false;
	}
	return w->up;
}

/* a->active / a->weight < b->active / b->weight, without dividing. */
static int slb_sched_load_cmp(const struct slb_sched_dest *a,
			      const struct slb_sched_dest *b, bool weighted)
{
	u64 la = a->active, lb = b->active;

	if (weighted) {
		la *= b->weight;
		lb *= a->weight;
	}
	return la < lb ? -1 : la > lb;
}

struct slb_sched_dest *slb_sched_least(struct slb_sched_dest *const *dests,
				       unsigned int n,
				       const struct slb_sched_ctx *ctx,
				       unsigned int *cursor, bool weighted)
{
	unsigned int i, k, start = *cursor < n ? *cursor : 0;
	int best = -1;

	for (k = 0, i = start; k < n; k++, i = i + 1 < n ? i + 1 : 0) {
		if (!slb_sched_eligible(dests[i], ctx))
			continue;
		if (best < 0 ||
		    slb_sched_load_cmp(dests[i], dests[best], weighted) < 0)
			best = (int)i;
	}
	if (best < 0)
		return NULL;
	*cursor = (unsigned int)best + 1;
	return dests[best];
}

u64 slb_sched_client_hash(const struct slb_sched_ctx *ctx, u64 seed)
{
	u8 key[SLB_SCHED_ID_LEN];
	unsigned int i;

	if (!ctx || !ctx->client)
		return 0;
	for (i = 0; i < SLB_SCHED_ID_LEN; i++)
		key[i] = ctx->client[i];
	if (!ctx->opts || ctx->opts->hash_key != SPLICELB_HASH_KEY_ADDR_PORT)
		key[1] = key[2] = 0;
	return slb_hash64(key, sizeof(key), seed);
}

void slb_sched_least_init(void *state)
{
	*(unsigned int *)state = 0;
}

void slb_sched_unchanged(void *state, struct slb_sched_dest *const *dests,
			 unsigned int n, struct slb_sched_dest *d)
{
	(void)state;
	(void)dests;
	(void)n;
	(void)d;
}

static void slb_sched_swap(u8 *a, u8 *b, size_t size)
{
	u8 t;

	while (size--) {
		t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

static void slb_sched_sift(u8 *base, size_t root, size_t n, size_t size,
			   int (*cmp)(const void *a, const void *b))
{
	size_t child;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n &&
		    cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		slb_sched_swap(base + root * size, base + child * size, size);
		root = child;
	}
}

void slb_sched_sort(void *base, size_t n, size_t size,
		    int (*cmp)(const void *a, const void *b))
{
	u8 *b = base;
	size_t i;

	if (n < 2)
		return;
	for (i = n / 2; i-- > 0;)
		slb_sched_sift(b, i, n, size, cmp);
	for (i = n - 1; i > 0; i--) {
		slb_sched_swap(b, b + i * size, size);
		slb_sched_sift(b, 0, i, size, cmp);
	}
}

/*
 * Samples count for 1/8, as TCP's own srtt does; 0 stays "none yet".
 * The step is rounded away from zero, so that the average reaches a
 * steady sample exactly instead of stopping up to 7 short of it.  It
 * never passes the sample, so it stays at 1 or more.  A sample counts
 * for at most SLB_SCHED_SAMPLE_JUMP times the average: one SYN sent
 * twice, or an RTT a delayed ACK stretched, raises it by a third, not
 * tenfold, while a backend that really slowed down gets there in a few
 * samples still.
 */
#define SLB_SCHED_SAMPLE_JUMP	4

static void slb_sched_ewma(u32 *avg, u32 sample)
{
	s64 diff;

	if (!sample)
		return;
	if (!*avg) {
		*avg = sample;
		return;
	}
	if (sample / SLB_SCHED_SAMPLE_JUMP > *avg)
		sample = *avg * SLB_SCHED_SAMPLE_JUMP;
	diff = (s64)sample - *avg;
	*avg = (u32)(*avg + (diff > 0 ? diff + 7 : diff - 7) / 8);
}

void slb_sched_sample(struct slb_sched_dest *d, u32 connect_us, u32 rtt_us)
{
	slb_sched_ewma(&d->connect_us, connect_us);
	slb_sched_ewma(&d->rtt_us, rtt_us);
}
