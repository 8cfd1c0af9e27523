// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Native unit tests of the scheduling algorithms in lib/.
 *
 * The fixture plays the caller described in sched.h: it owns the backends,
 * keeps the array of pointers to them, owns the state buffer and calls the
 * add/del/upd callbacks.  Unless a test says otherwise the callbacks are
 * given the array after the change; some tests give del_dest the array
 * before the change, since sched.h allows either reading.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sched.h"

#define MAXD	10000

struct fx {
	const struct slb_sched_ops *ops;
	u64 state[SLB_SCHED_STATE_MAX / sizeof(u64)];
	struct slb_sched_dest store[MAXD];	/* backend id = index here */
	struct slb_sched_dest *set[MAXD];	/* what the scheduler sees */
	unsigned int n;
	struct slb_sched_opts opts;
	void *table;			/* rebuilt after every change */
	size_t table_bytes;
	u8 client[SLB_SCHED_ID_LEN];	/* of picks whose ctx names none */
	u64 rng;
};

static int fx_setup(void **ts)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*ts = f;
	return 0;
}

static int fx_teardown(void **ts)
{
	struct fx *f = *ts;

	free(f->table);
	free(f);
	return 0;
}

/* Client c: 192.168.c/256.c%256, port 1000 + c / 65536. */
static void fx_client_id(u8 *id, unsigned int c)
{
	u8 a[4] = { 192, 168, (u8)(c >> 8), (u8)c };
	u16 port = (u16)(1000 + (c >> 16));
	u8 be[2] = { (u8)(port >> 8), (u8)port };
	u16 port_be;

	memcpy(&port_be, be, 2);
	slb_sched_id_set(id, 4, a, port_be);
}

/* What the callers do after a change: a new table, if the scheduler has one. */
static void fx_rebuild(struct fx *f)
{
	void *scratch;

	free(f->table);
	f->table = NULL;
	f->table_bytes = 0;
	if (!f->ops->build)
		return;
	f->table_bytes = f->ops->table_size(&f->opts, f->set, f->n);
	f->table = calloc(1, f->table_bytes);
	scratch = malloc(f->ops->scratch_size(&f->opts, f->n) + 1);
	assert_non_null(f->table);
	assert_non_null(scratch);
	f->ops->build(&f->opts, f->set, f->n, f->table, scratch);
	free(scratch);
}

static void fx_start_opts(struct fx *f, const struct slb_sched_ops *ops,
			  const struct slb_sched_opts *opts)
{
	assert_non_null(ops);
	assert_true(ops->state_size <= SLB_SCHED_STATE_MAX);
	f->ops = ops;
	f->n = 0;
	f->rng = 1;
	memset(f->state, 0, sizeof(f->state));
	memset(f->store, 0, sizeof(f->store));
	if (opts)
		f->opts = *opts;
	else
		slb_sched_opts_default(&f->opts);
	fx_client_id(f->client, 0);
	ops->init_service(f->state);
	fx_rebuild(f);
}

static void fx_start(struct fx *f, const struct slb_sched_ops *ops)
{
	fx_start_opts(f, ops, NULL);
}

static void fx_stop(struct fx *f)
{
	if (f->ops->done_service)
		f->ops->done_service(f->state);
	free(f->table);
	f->table = NULL;
}

static unsigned int fx_find(const struct fx *f, unsigned int id)
{
	unsigned int i;

	for (i = 0; i < f->n; i++)
		if (f->set[i] == &f->store[id])
			return i;
	fail_msg("backend %u is not in the set", id);
	return 0;
}

/* Backend id is 10.0.id/256.id%256 port 80, as a caller zeroes a new one. */
static void fx_dest_init(struct slb_sched_dest *d, unsigned int id, u32 weight)
{
	u8 a[4] = { 10, 0, (u8)(id >> 8), (u8)id };
	u8 port[2] = { 0, 80 };
	u16 port_be;

	memset(d, 0, sizeof(*d));
	memcpy(&port_be, port, 2);
	slb_sched_id_set(d->id, 4, a, port_be);
	d->weight = weight;
	d->table_weight = weight;
	d->available = true;
}

/* Put backend id at position pos of the array. */
static void fx_insert(struct fx *f, unsigned int pos, unsigned int id,
		      u32 weight)
{
	struct slb_sched_dest *d = &f->store[id];

	assert_true(pos <= f->n && f->n < MAXD);
	fx_dest_init(d, id, weight);
	d->credit = 12345;	/* garbage the scheduler must not trust */
	memmove(&f->set[pos + 1], &f->set[pos],
		(f->n - pos) * sizeof(f->set[0]));
	f->set[pos] = d;
	f->n++;
	f->ops->add_dest(f->state, f->set, f->n, d);
	fx_rebuild(f);
}

static void fx_add(struct fx *f, unsigned int id, u32 weight)
{
	fx_insert(f, f->n, id, weight);
}

/* add_dest given the array before the newcomer is appended to it. */
static void fx_add_before(struct fx *f, unsigned int id, u32 weight)
{
	struct slb_sched_dest *d = &f->store[id];

	assert_true(f->n < MAXD);
	fx_dest_init(d, id, weight);
	d->credit = -777;
	f->ops->add_dest(f->state, f->set, f->n, d);
	f->set[f->n++] = d;
	fx_rebuild(f);
}

static void fx_remove(struct fx *f, unsigned int pos)
{
	memmove(&f->set[pos], &f->set[pos + 1],
		(f->n - pos - 1) * sizeof(f->set[0]));
	f->n--;
}

/* del_dest given the array without the removed backend. */
static void fx_del(struct fx *f, unsigned int id)
{
	fx_remove(f, fx_find(f, id));
	f->ops->del_dest(f->state, f->set, f->n, &f->store[id]);
	fx_rebuild(f);
}

/* del_dest given the array still holding the removed backend. */
static void fx_del_before(struct fx *f, unsigned int id)
{
	unsigned int pos = fx_find(f, id);

	f->ops->del_dest(f->state, f->set, f->n, &f->store[id]);
	fx_remove(f, pos);
	fx_rebuild(f);
}

static void fx_upd(struct fx *f, unsigned int id, u32 weight, bool available)
{
	bool reweighted = f->store[id].weight != weight;

	f->store[id].weight = weight;
	f->store[id].table_weight = weight;
	f->store[id].available = available;
	f->ops->upd_dest(f->state, f->set, f->n, &f->store[id]);
	/* As the callers do: a new table for a new weight only. */
	if (reweighted)
		fx_rebuild(f);
}

static bool fx_in_set(const struct fx *f, const struct slb_sched_dest *d)
{
	unsigned int i;

	for (i = 0; i < f->n; i++)
		if (f->set[i] == d)
			return true;
	return false;
}

/*
 * One scheduling decision as the callers make it, counted as a new
 * active connection: the backend id, or -1.
 */
static int fx_pick(struct fx *f, const struct slb_sched_ctx *ctx)
{
	struct slb_sched_ctx c = { 0 };
	struct slb_sched_dest *d;

	if (ctx)
		c = *ctx;
	if (!c.client)
		c.client = f->client;
	f->rng = f->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	c.random = (u32)(f->rng >> 33);
	c.opts = &f->opts;
	c.table = f->table;
	d = f->ops->schedule(f->state, f->set, f->n, &c);
	if (!d)
		return -1;
	assert_true(fx_in_set(f, d));
	assert_true(slb_sched_eligible(d, &c));
	d->active++;
	return (int)(d - f->store);
}

/* The pick for client c, its connection over at once. */
static int fx_pick_client(struct fx *f, unsigned int c)
{
	u8 id[SLB_SCHED_ID_LEN];
	struct slb_sched_ctx ctx = { .client = id };
	int b;

	fx_client_id(id, c);
	b = fx_pick(f, &ctx);
	if (b >= 0)
		f->store[b].active--;
	return b;
}

/* Picks ids in exactly this order. */
static void fx_expect(struct fx *f, const int *ids, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		assert_int_equal(fx_pick(f, NULL), ids[i]);
}

#define EXPECT(f, ...) do {						\
	static const int exp_[] = { __VA_ARGS__ };			\
	fx_expect(f, exp_, sizeof(exp_) / sizeof(exp_[0]));		\
} while (0)

static u32 fx_rand(u64 *seed)
{
	*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (u32)(*seed >> 33);
}

/* Credits must sum to zero and stay within the total weight. */
static void wrr_check_credit(const struct fx *f, s64 bound)
{
	s64 sum = 0;
	unsigned int i;

	for (i = 0; i < f->n; i++) {
		s64 c = f->set[i]->credit;

		assert_true(c <= bound && c >= -bound);
		sum += c;
	}
	assert_true(sum == 0);
}

/* ---------------------------------------------------------------- */

static void test_registry(void **ts)
{
	const struct slb_sched_ops *ops;
	unsigned int i;
	char unterminated[SLB_SCHED_NAME_MAX];

	(void)ts;
	assert_ptr_equal(slb_sched_find("rr"), &slb_sched_rr);
	assert_ptr_equal(slb_sched_find("wrr"), &slb_sched_wrr);
	assert_null(slb_sched_find(NULL));
	assert_null(slb_sched_find(""));
	assert_null(slb_sched_find("r"));
	assert_null(slb_sched_find("rrr"));
	assert_null(slb_sched_find("wr"));
	assert_null(slb_sched_find("wrr "));
	assert_null(slb_sched_find("RR"));
	assert_null(slb_sched_find("lcx"));
	assert_ptr_equal(slb_sched_find("lc"), &slb_sched_lc);
	assert_ptr_equal(slb_sched_find("wlc"), &slb_sched_wlc);
	assert_ptr_equal(slb_sched_find("p2c"), &slb_sched_p2c);
	assert_ptr_equal(slb_sched_find("sh"), &slb_sched_sh);
	assert_ptr_equal(slb_sched_find("mh"), &slb_sched_mh);
	assert_ptr_equal(slb_sched_find("lt"), &slb_sched_lt);
	memset(unterminated, 'r', sizeof(unterminated));
	assert_null(slb_sched_find(unterminated));

	assert_ptr_equal(slb_sched_at(0), &slb_sched_rr);
	assert_ptr_equal(slb_sched_at(1), &slb_sched_wrr);
	for (i = 0; (ops = slb_sched_at(i)); i++) {
		assert_non_null(ops->name);
		assert_true(strlen(ops->name) > 0);
		assert_true(strlen(ops->name) < SLB_SCHED_NAME_MAX);
		assert_ptr_equal(slb_sched_find(ops->name), ops);
		assert_true(ops->state_size <= SLB_SCHED_STATE_MAX);
		assert_non_null(ops->init_service);
		assert_non_null(ops->add_dest);
		assert_non_null(ops->del_dest);
		assert_non_null(ops->upd_dest);
		assert_non_null(ops->schedule);
		/* A table scheduler has all three, the others none. */
		assert_true(!ops->build == !ops->table_size);
		assert_true(!ops->build == !ops->scratch_size);
		/* Options are for the hashing ones only. */
		assert_true(!ops->options == !ops->build);
	}
	assert_int_equal(i, 8);
	assert_null(slb_sched_at(8));
	assert_null(slb_sched_at(~0u));
}

static void test_eligible(void **ts)
{
	struct slb_sched_dest a = { .weight = 1, .available = true };
	struct slb_sched_dest b = { .weight = 1, .available = true };
	const struct slb_sched_dest *tried[] = { &b };
	struct slb_sched_ctx ctx = { .tried = tried, .ntried = 1 };
	struct slb_sched_ctx none = { .tried = NULL, .ntried = 0 };

	(void)ts;
	assert_true(slb_sched_eligible(&a, NULL));
	assert_true(slb_sched_eligible(&a, &none));
	assert_true(slb_sched_eligible(&a, &ctx));
	assert_true(slb_sched_eligible(&b, NULL));
	assert_false(slb_sched_eligible(&b, &ctx));
	ctx.ntried = 0;
	assert_true(slb_sched_eligible(&b, &ctx));
	a.weight = 0;
	assert_false(slb_sched_eligible(&a, NULL));
	a.weight = 65535;
	a.available = false;
	assert_false(slb_sched_eligible(&a, NULL));
	/* maxconn: full at it, 0 is no limit. */
	a.available = true;
	a.maxconn = 2;
	a.active = 1;
	assert_true(slb_sched_eligible(&a, NULL));
	a.active = 2;
	assert_false(slb_sched_eligible(&a, NULL));
	a.maxconn = 0;
	assert_true(slb_sched_eligible(&a, NULL));
}

/* slb_sched_full: only up, weighted, untried backends at their limit. */
static void test_full(void **ts)
{
	struct slb_sched_dest a = { .weight = 1, .available = true,
				    .maxconn = 1, .active = 1 };
	struct slb_sched_dest b = { .weight = 1, .available = true };
	struct slb_sched_dest *set[] = { &a, &b };
	const struct slb_sched_dest *tried[] = { &a };
	struct slb_sched_ctx ctx = { .tried = tried, .ntried = 1 };

	(void)ts;
	assert_true(slb_sched_full(set, 2, NULL));
	assert_false(slb_sched_full(set, 2, &ctx));
	a.available = false;
	assert_false(slb_sched_full(set, 2, NULL));
	a.available = true;
	a.weight = 0;
	assert_false(slb_sched_full(set, 2, NULL));
	a.weight = 1;
	a.active = 0;
	assert_false(slb_sched_full(set, 2, NULL));
	assert_false(slb_sched_full(NULL, 0, NULL));
}

/*
 * Every scheduler: no backend ever gets more than its maxconn, each
 * fills to it before picks fail, and a freed slot is picked again.
 */
static void test_maxconn_every_scheduler(void **ts)
{
	static const u32 maxconn[] = { 2, 3, 1 };
	struct fx *f = *ts;
	const struct slb_sched_ops *ops;
	unsigned int i, k;
	int b;

	for (i = 0; (ops = slb_sched_at(i)); i++) {
		fx_start(f, ops);
		for (k = 0; k < 3; k++) {
			fx_add(f, k, k + 1);
			f->store[k].maxconn = maxconn[k];
		}
		for (k = 0; k < 6; k++) {
			b = fx_pick(f, NULL);
			assert_in_range(b, 0, 2);
			assert_true(f->store[b].active <= maxconn[b]);
		}
		for (k = 0; k < 3; k++)
			assert_int_equal(f->store[k].active, maxconn[k]);
		assert_int_equal(fx_pick(f, NULL), -1);
		assert_true(slb_sched_full(f->set, f->n, NULL));
		f->store[1].active--;
		assert_int_equal(fx_pick(f, NULL), 1);
		assert_int_equal(fx_pick(f, NULL), -1);
		/* No limit again: picks go on. */
		f->store[2].maxconn = 0;
		assert_int_equal(fx_pick(f, NULL), 2);
		fx_stop(f);
	}
}

/* Equal weights, equal loads: these go round in array order. */
static bool fx_rotates(const struct slb_sched_ops *ops)
{
	return ops == &slb_sched_rr || ops == &slb_sched_wrr ||
	       ops == &slb_sched_lc || ops == &slb_sched_wlc ||
	       ops == &slb_sched_lt;
}

static void test_empty(void **ts)
{
	struct fx *f = *ts;
	const struct slb_sched_ops *ops;
	unsigned int i;

	for (i = 0; (ops = slb_sched_at(i)); i++) {
		fx_start(f, ops);
		assert_null(ops->schedule(f->state, NULL, 0, NULL));
		assert_int_equal(fx_pick(f, NULL), -1);
		/* Emptied after use, then refilled. */
		fx_add(f, 0, 1);
		fx_add(f, 1, 1);
		if (fx_rotates(ops)) {
			assert_int_equal(fx_pick(f, NULL), 0);
			assert_int_equal(fx_pick(f, NULL), 1);
		} else {
			assert_in_range(fx_pick(f, NULL), 0, 1);
		}
		fx_del(f, 1);
		/* A caller may well pass no array at all once it is empty. */
		fx_remove(f, 0);
		ops->del_dest(f->state, NULL, 0, &f->store[0]);
		fx_rebuild(f);
		assert_null(ops->schedule(f->state, NULL, 0, NULL));
		assert_int_equal(fx_pick(f, NULL), -1);
		fx_add(f, 2, 1);
		assert_int_equal(fx_pick(f, NULL), 2);
		assert_int_equal(fx_pick(f, NULL), 2);
		fx_stop(f);
	}
}

static void test_rr_spread(void **ts)
{
	struct fx *f = *ts;
	unsigned int count[3] = { 0 };
	int i, id;

	fx_start(f, &slb_sched_rr);
	fx_add(f, 0, 1);
	fx_add(f, 1, 5);	/* weight only gates rr, never skews it */
	fx_add(f, 2, 1);
	for (i = 0; i < 300; i++) {
		id = fx_pick(f, NULL);
		assert_int_equal(id, i % 3);
		count[id]++;
	}
	assert_int_equal(count[0], 100);
	assert_int_equal(count[1], 100);
	assert_int_equal(count[2], 100);
	fx_stop(f);
}

/* Longest run of one backend in seq. */
static unsigned int max_run(const int *seq, unsigned int len)
{
	unsigned int i, run = 1, best = len ? 1 : 0;

	for (i = 1; i < len; i++) {
		run = seq[i] == seq[i - 1] ? run + 1 : 1;
		if (run > best)
			best = run;
	}
	return best;
}

static void test_wrr_spread(void **ts)
{
	struct fx *f = *ts;
	unsigned int count[3] = { 0 };
	int seq[500];
	int i;

	fx_start(f, &slb_sched_wrr);
	fx_add(f, 0, 3);
	fx_add(f, 1, 1);
	fx_add(f, 2, 1);
	for (i = 0; i < 500; i++) {
		seq[i] = fx_pick(f, NULL);
		assert_in_range(seq[i], 0, 2);
		count[seq[i]]++;
		wrr_check_credit(f, 5);
		/* Every window of one cycle is exactly 3:1:1. */
		if (i >= 4) {
			unsigned int w[3] = { 0 };
			int j;

			for (j = i - 4; j <= i; j++)
				w[seq[j]]++;
			assert_int_equal(w[0], 3);
			assert_int_equal(w[1], 1);
			assert_int_equal(w[2], 1);
		}
	}
	assert_int_equal(count[0], 300);
	assert_int_equal(count[1], 100);
	assert_int_equal(count[2], 100);
	/* a b a c a: three a's among five can't avoid one pair at the seam. */
	for (i = 0; i < 500; i += 5) {
		assert_int_equal(seq[i], 0);
		assert_int_equal(seq[i + 1], 1);
		assert_int_equal(seq[i + 2], 0);
		assert_int_equal(seq[i + 3], 2);
		assert_int_equal(seq[i + 4], 0);
	}
	assert_int_equal(max_run(seq, 500), 2);
	fx_stop(f);
}

static void test_wrr_smooth_511(void **ts)
{
	static const int cycle[] = { 0, 0, 1, 0, 2, 0, 0 };
	struct fx *f = *ts;
	int i;

	fx_start(f, &slb_sched_wrr);
	fx_add(f, 0, 5);
	fx_add(f, 1, 1);
	fx_add(f, 2, 1);
	for (i = 0; i < 70; i++)
		assert_int_equal(fx_pick(f, NULL), cycle[i % 7]);
	/* A cycle ends where it began. */
	wrr_check_credit(f, 0);
	fx_stop(f);
}

static void test_wrr_equal_is_rr(void **ts)
{
	struct fx *f = *ts;
	int rr[40], wrr[40];
	int i;

	fx_start(f, &slb_sched_rr);
	for (i = 0; i < 5; i++)
		fx_add(f, (unsigned int)i, 1);
	f->store[2].available = false;
	for (i = 0; i < 40; i++)
		rr[i] = fx_pick(f, NULL);
	fx_stop(f);

	fx_start(f, &slb_sched_wrr);
	for (i = 0; i < 5; i++)
		fx_add(f, (unsigned int)i, 7);
	f->store[2].available = false;
	for (i = 0; i < 40; i++)
		wrr[i] = fx_pick(f, NULL);
	fx_stop(f);

	assert_memory_equal(rr, wrr, sizeof(rr));
	assert_int_equal(wrr[0], 0);
	assert_int_equal(wrr[1], 1);
	assert_int_equal(wrr[2], 3);
	assert_int_equal(wrr[3], 4);
	assert_int_equal(wrr[4], 0);
}

static void test_ineligible_never_picked(void **ts)
{
	struct fx *f = *ts;
	const struct slb_sched_ops *ops;
	unsigned int i, k, count[5];

	for (i = 0; (ops = slb_sched_at(i)); i++) {
		fx_start(f, ops);
		fx_add(f, 0, 1);
		fx_add(f, 1, 0);	/* quiesced */
		fx_add(f, 2, 9);
		fx_upd(f, 2, 9, false);	/* down */
		fx_add(f, 3, 2);
		fx_add(f, 4, 1);
		memset(count, 0, sizeof(count));
		for (k = 0; k < 400; k++) {
			int id = fx_pick(f, NULL);

			assert_true(id == 0 || id == 3 || id == 4);
			count[id]++;
		}
		if (ops == &slb_sched_wrr || ops == &slb_sched_wlc) {
			/* wlc: the load follows the weights, to one pick. */
			assert_in_range(count[0], 99, 101);
			assert_in_range(count[3], 199, 201);
			assert_in_range(count[4], 99, 101);
		} else if (ops == &slb_sched_rr || ops == &slb_sched_lc) {
			assert_true(count[0] >= 133 && count[0] <= 134);
			assert_true(count[3] >= 133 && count[3] <= 134);
			assert_true(count[4] >= 133 && count[4] <= 134);
		}
		fx_stop(f);
	}
}

static void test_tried_skipped(void **ts)
{
	struct fx *f = *ts;
	const struct slb_sched_ops *ops;
	const struct slb_sched_dest *tried[2];
	struct slb_sched_ctx ctx = { .tried = tried, .ntried = 2 };
	unsigned int i, k;

	for (i = 0; (ops = slb_sched_at(i)); i++) {
		fx_start(f, ops);
		fx_add(f, 0, 4);
		fx_add(f, 1, 1);
		fx_add(f, 2, 1);
		tried[0] = &f->store[0];
		tried[1] = &f->store[2];
		for (k = 0; k < 50; k++)
			assert_int_equal(fx_pick(f, &ctx), 1);

		/* A retry goes elsewhere, then the rotation carries on. */
		ctx.ntried = 1;
		tried[0] = &f->store[fx_pick(f, NULL)];
		assert_int_not_equal(fx_pick(f, &ctx),
				     (int)(tried[0] - f->store));
		if (ops == &slb_sched_wrr)
			wrr_check_credit(f, 6);
		ctx.ntried = 2;
		fx_stop(f);
	}

	/* rr: a retry takes the next in line, and so does the next client. */
	fx_start(f, &slb_sched_rr);
	fx_add(f, 0, 1);
	fx_add(f, 1, 1);
	fx_add(f, 2, 1);
	fx_add(f, 3, 1);
	assert_int_equal(fx_pick(f, NULL), 0);
	ctx.ntried = 1;
	tried[0] = &f->store[0];
	assert_int_equal(fx_pick(f, &ctx), 1);
	EXPECT(f, 2, 3, 0, 1);
	fx_stop(f);
}

static void test_all_ineligible(void **ts)
{
	struct fx *f = *ts;
	const struct slb_sched_ops *ops;
	const struct slb_sched_dest *tried[3];
	struct slb_sched_ctx ctx = { .tried = tried, .ntried = 3 };
	unsigned int i;

	for (i = 0; (ops = slb_sched_at(i)); i++) {
		fx_start(f, ops);
		fx_add(f, 0, 0);
		fx_add(f, 1, 0);
		assert_int_equal(fx_pick(f, NULL), -1);
		fx_upd(f, 0, 3, false);
		fx_upd(f, 1, 3, false);
		assert_int_equal(fx_pick(f, NULL), -1);
		fx_add(f, 2, 0);
		fx_upd(f, 1, 0, false);
		assert_int_equal(fx_pick(f, NULL), -1);

		fx_upd(f, 0, 1, true);
		fx_upd(f, 1, 1, true);
		fx_upd(f, 2, 1, true);
		tried[0] = &f->store[2];
		tried[1] = &f->store[0];
		tried[2] = &f->store[1];
		assert_int_equal(fx_pick(f, &ctx), -1);
		assert_int_equal(fx_pick(f, &ctx), -1);
		/* Failing picks leave nothing behind. */
		if (fx_rotates(ops))
			EXPECT(f, 0, 1, 2, 0);
		fx_stop(f);
	}
}

/* rr across removals and insertions: nobody skipped, nobody doubled. */
static void test_rr_changes(void **ts)
{
	struct fx *f = *ts;

	/* The last picked goes: its successor is next. */
	fx_start(f, &slb_sched_rr);
	fx_add(f, 0, 1);
	fx_add(f, 1, 1);
	fx_add(f, 2, 1);
	fx_add(f, 3, 1);
	EXPECT(f, 0, 1);
	fx_del(f, 1);
	EXPECT(f, 2, 3, 0, 2, 3);
	fx_stop(f);

	/* Same, told before the array changes. */
	fx_start(f, &slb_sched_rr);
	fx_add(f, 0, 1);
	fx_add(f, 1, 1);
	fx_add(f, 2, 1);
	fx_add(f, 3, 1);
	EXPECT(f, 0, 1);
	fx_del_before(f, 1);
	EXPECT(f, 2, 3, 0, 2, 3);
	fx_stop(f);

	/* One before the cursor goes: an index alone would skip 3. */
	fx_start(f, &slb_sched_rr);
	fx_add(f, 0, 1);
	fx_add(f, 1, 1);
	fx_add(f, 2, 1);
	fx_add(f, 3, 1);
	EXPECT(f, 0, 1, 2);
	fx_del(f, 0);
	EXPECT(f, 3, 1, 2, 3);
	fx_del_before(f, 1);
	EXPECT(f, 2, 3, 2);
	fx_stop(f);

	/* One after the cursor goes. */
	fx_start(f, &slb_sched_rr);
	fx_add(f, 0, 1);
	fx_add(f, 1, 1);
	fx_add(f, 2, 1);
	fx_add(f, 3, 1);
	EXPECT(f, 0, 1);
	fx_del(f, 2);
	EXPECT(f, 3, 0, 1, 3);
	fx_stop(f);

	/* The cursor is the last slot and goes: wrap, stay in range. */
	fx_start(f, &slb_sched_rr);
	fx_add(f, 0, 1);
	fx_add(f, 1, 1);
	fx_add(f, 2, 1);
	fx_add(f, 3, 1);
	EXPECT(f, 0, 1, 2, 3);
	fx_del(f, 3);
	EXPECT(f, 0, 1, 2, 0);
	fx_del_before(f, 0);
	EXPECT(f, 1, 2, 1);
	fx_stop(f);

	/* The cursor and then its successor go, before any pick. */
	fx_start(f, &slb_sched_rr);
	fx_add(f, 0, 1);
	fx_add(f, 1, 1);
	fx_add(f, 2, 1);
	fx_add(f, 3, 1);
	fx_add(f, 4, 1);
	EXPECT(f, 0, 1);
	fx_del(f, 1);
	fx_del(f, 2);
	EXPECT(f, 3, 4, 0, 3);
	fx_del_before(f, 3);
	fx_del_before(f, 4);
	EXPECT(f, 0, 0);
	fx_stop(f);

	/* The cursor goes, then an addition lands in front of its slot. */
	fx_start(f, &slb_sched_rr);
	fx_add(f, 0, 1);
	fx_add(f, 1, 1);
	fx_add(f, 2, 1);
	fx_add(f, 3, 1);
	EXPECT(f, 0, 1);
	fx_del(f, 1);
	fx_insert(f, 0, 5, 1);
	EXPECT(f, 2, 3, 5, 0, 2);
	fx_del_before(f, 2);
	fx_insert(f, 0, 6, 1);
	EXPECT(f, 3, 6, 5, 0, 3);
	fx_stop(f);

	/* Additions before and right after the cursor. */
	fx_start(f, &slb_sched_rr);
	fx_add(f, 0, 1);
	fx_add(f, 1, 1);
	fx_add(f, 2, 1);
	EXPECT(f, 0, 1);
	fx_insert(f, 0, 5, 1);
	EXPECT(f, 2, 5, 0, 1);
	fx_insert(f, 3, 6, 1);	/* 5 0 1 6 2 */
	EXPECT(f, 6, 2, 5, 0);
	/* The cursor goes after an insertion in front of it. */
	fx_insert(f, 0, 7, 1);	/* 7 5 0 1 6 2 */
	fx_del(f, 0);
	EXPECT(f, 1, 6, 2, 7, 5, 1);
	fx_stop(f);

	/* Cursor removed, successor quiesced: the one after it is next. */
	fx_start(f, &slb_sched_rr);
	fx_add(f, 0, 1);
	fx_add(f, 1, 1);
	fx_add(f, 2, 1);
	fx_add(f, 3, 1);
	EXPECT(f, 0);
	fx_del(f, 0);
	fx_upd(f, 1, 0, true);
	EXPECT(f, 2, 3, 2);
	fx_stop(f);

	/* Appended, told before the array changes. */
	fx_start(f, &slb_sched_rr);
	fx_add(f, 0, 1);
	fx_add(f, 1, 1);
	EXPECT(f, 0, 1);
	fx_add_before(f, 2, 1);
	EXPECT(f, 2, 0, 1, 2);
	fx_stop(f);

	/*
	 * The cursor dropped without del_dest and its memory handed back
	 * through add_dest: the newcomer is not the one last picked.
	 */
	fx_start(f, &slb_sched_rr);
	fx_add(f, 0, 1);
	fx_add(f, 1, 1);
	fx_add(f, 2, 1);
	EXPECT(f, 0, 1);
	fx_remove(f, 1);
	fx_add(f, 1, 1);	/* 0 2 1 */
	EXPECT(f, 2, 1, 0);
	fx_stop(f);

	/* A caller shrinking the array unannounced still gets an index. */
	fx_start(f, &slb_sched_rr);
	fx_add(f, 0, 1);
	fx_add(f, 1, 1);
	fx_add(f, 2, 1);
	fx_add(f, 3, 1);
	EXPECT(f, 0, 1, 2, 3);
	f->n = 2;
	EXPECT(f, 0, 1, 0);
	fx_stop(f);
}

static void test_wrr_changes(void **ts)
{
	struct fx *f = *ts;
	unsigned int count[4] = { 0 };
	int k;

	fx_start(f, &slb_sched_wrr);
	fx_add(f, 0, 3);
	fx_add(f, 1, 1);
	fx_add(f, 2, 1);
	EXPECT(f, 0, 1, 0);

	/* Reweighted mid-cycle: fair from the next pick on. */
	fx_upd(f, 0, 1, true);
	wrr_check_credit(f, 0);
	EXPECT(f, 0, 1, 2, 0, 1, 2);

	/* Added mid-cycle. */
	EXPECT(f, 0);
	fx_add(f, 3, 2);
	wrr_check_credit(f, 0);
	for (k = 0; k < 50; k++)
		count[fx_pick(f, NULL)]++;
	assert_int_equal(count[0], 10);
	assert_int_equal(count[1], 10);
	assert_int_equal(count[2], 10);
	assert_int_equal(count[3], 20);

	/* Removed mid-cycle, told either way. */
	EXPECT(f, 3, 0, 1);
	fx_del(f, 1);
	wrr_check_credit(f, 0);
	EXPECT(f, 3, 0, 2, 3);
	fx_del_before(f, 0);
	wrr_check_credit(f, 0);
	EXPECT(f, 3, 2, 3, 3, 2, 3);

	/* Added, told before the array changes. */
	fx_add_before(f, 4, 1);
	wrr_check_credit(f, 0);
	EXPECT(f, 3, 2, 4, 3, 3, 2, 4, 3);

	/* Quiesced, then back. */
	fx_upd(f, 3, 0, true);
	EXPECT(f, 2, 4, 2, 4);
	fx_upd(f, 3, 4, true);
	EXPECT(f, 3, 2, 3, 3, 4, 3, 3, 2, 3, 3, 4, 3);
	fx_stop(f);
}

/* Random changes between picks: always in range, fair after each change. */
static void test_fuzz_changes(void **ts)
{
	struct fx *f = *ts;
	const struct slb_sched_ops *ops;
	unsigned int s, k, i, round;
	u64 seed = 42;

	for (s = 0; (ops = slb_sched_at(s)); s++) {
		bool present[64] = { false };

		/* Exactly fair over a cycle: the round-robin kinds only. */
		if (ops != &slb_sched_rr && ops != &slb_sched_wrr)
			continue;
		fx_start(f, ops);
		for (round = 0; round < 1000; round++) {
			unsigned int id = fx_rand(&seed) % 64;
			unsigned int op = fx_rand(&seed) % 4;
			u32 w = fx_rand(&seed) % 8;
			unsigned int count[64] = { 0 };
			unsigned int picks = 0, total = 0;

			if (!present[id]) {
				fx_insert(f, fx_rand(&seed) % (f->n + 1), id, w);
				present[id] = true;
			} else if (op == 0) {
				fx_del(f, id);
				present[id] = false;
			} else if (op == 1) {
				fx_del_before(f, id);
				present[id] = false;
			} else {
				fx_upd(f, id, w, fx_rand(&seed) % 4 != 0);
			}

			/* A few picks, then one full cycle, exactly fair. */
			for (k = fx_rand(&seed) % 4; k; k--)
				fx_pick(f, NULL);
			for (i = 0; i < f->n; i++) {
				const struct slb_sched_dest *d = f->set[i];

				if (!slb_sched_eligible(d, NULL))
					continue;
				picks++;
				total += ops == &slb_sched_wrr ? d->weight : 1;
			}
			if (!picks) {
				assert_int_equal(fx_pick(f, NULL), -1);
				continue;
			}
			if (ops == &slb_sched_wrr) {
				/* The picks above spoilt the cycle: restart. */
				fx_upd(f, f->set[0] - f->store,
				       f->set[0]->weight, f->set[0]->available);
			}
			for (k = 0; k < total; k++)
				count[fx_pick(f, NULL)]++;
			for (i = 0; i < f->n; i++) {
				const struct slb_sched_dest *d = f->set[i];
				unsigned int want = 0;

				if (slb_sched_eligible(d, NULL))
					want = ops == &slb_sched_wrr ?
					       d->weight : 1;
				assert_int_equal(count[d - f->store], want);
			}
			if (ops == &slb_sched_wrr)
				wrr_check_credit(f, 0);
		}
		fx_stop(f);
	}
}

/*
 * Eligibility changing under wrr without callbacks (backends going down,
 * per-client retries): the credits still sum to zero and stay bounded.
 */
static void test_wrr_bounded(void **ts)
{
	static const u32 weights[] = { 65535, 1, 65535, 300, 7, 65534 };
	struct fx *f = *ts;
	const struct slb_sched_dest *tried[2];
	struct slb_sched_ctx ctx = { .tried = tried };
	s64 total = 0;
	u64 seed = 7;
	unsigned int i, k;

	fx_start(f, &slb_sched_wrr);
	for (i = 0; i < 6; i++) {
		fx_add(f, i, weights[i]);
		total += weights[i];
	}
	for (k = 0; k < 200000; k++) {
		for (i = 0; i < 6; i++)
			f->store[i].available = fx_rand(&seed) % 3 != 0;
		ctx.ntried = fx_rand(&seed) % 3;
		tried[0] = &f->store[fx_rand(&seed) % 6];
		tried[1] = &f->store[fx_rand(&seed) % 6];
		fx_pick(f, fx_rand(&seed) % 2 ? &ctx : NULL);
		wrr_check_credit(f, total);
	}
	fx_stop(f);
}

/* 10,000 backends of weight 65535: exact, and no overflow. */
static void test_wrr_big(void **ts)
{
	struct fx *f = *ts;
	const s64 total = (s64)MAXD * 65535;
	unsigned int i, k;
	u64 seed = 3;

	fx_start(f, &slb_sched_wrr);
	for (i = 0; i < MAXD; i++)
		fx_add(f, i, 65535);
	for (k = 0; k < 2 * MAXD; k++) {
		int id = fx_pick(f, NULL);

		assert_int_equal(id, (int)(k % MAXD));
		/* Equal weights: pass j+1 of a cycle, nobody has paid yet. */
		assert_true(f->store[id].credit ==
			    65535 * (s64)(k % MAXD + 1) - total);
	}
	wrr_check_credit(f, 0);

	/* Half of them down, retries everywhere: still bounded. */
	for (i = 0; i < MAXD; i += 2)
		f->store[i].available = false;
	for (k = 0; k < 20000; k++) {
		const struct slb_sched_dest *tried[1] = {
			&f->store[fx_rand(&seed) % MAXD]
		};
		struct slb_sched_ctx ctx = { .tried = tried, .ntried = 1 };
		int id = fx_pick(f, &ctx);

		assert_true(id >= 0 && id % 2 == 1);
		if (k % 1000 == 0)
			wrr_check_credit(f, total);
	}
	wrr_check_credit(f, total);

	/* Heaviest mix: one at 65535 among 9,999 at 1. */
	fx_upd(f, 0, 65535, true);
	for (i = 1; i < MAXD; i++)
		f->store[i].weight = 1;
	fx_upd(f, 1, 1, true);
	for (i = 0; i < MAXD; i++)
		f->store[i].available = true;
	for (k = 0; k < 20000; k++) {
		fx_pick(f, NULL);
		if (k % 1000 == 0)
			wrr_check_credit(f, 65535 + MAXD - 1);
	}
	fx_stop(f);
}

/* ---------------------------------------------------------------- */

/* lc: held connections on one backend send the new ones elsewhere. */
static void test_lc_avoids_loaded(void **ts)
{
	struct fx *f = *ts;
	unsigned int k, count[3] = { 0 };

	fx_start(f, &slb_sched_lc);
	fx_add(f, 0, 1);
	fx_add(f, 1, 1);
	fx_add(f, 2, 1);
	f->store[0].active = 10;
	for (k = 0; k < 20; k++)
		count[fx_pick(f, NULL)]++;
	/* 1 and 2 catch up with 0's ten, never overtaking each other. */
	assert_int_equal(count[0], 0);
	assert_int_equal(count[1], 10);
	assert_int_equal(count[2], 10);
	for (k = 0; k < 30; k++)
		count[fx_pick(f, NULL)]++;
	assert_int_equal(count[0], 10);
	assert_int_equal(count[1], 20);
	assert_int_equal(count[2], 20);
	fx_stop(f);
}

/* lc and wlc: ties rotate even when every connection ends at once. */
static void test_least_ties_rotate(void **ts)
{
	const struct slb_sched_ops *const ops[] = {
		&slb_sched_lc, &slb_sched_wlc
	};
	struct fx *f = *ts;
	unsigned int i, k;
	int b;

	for (i = 0; i < 2; i++) {
		fx_start(f, ops[i]);
		fx_add(f, 0, 3);
		fx_add(f, 1, 3);
		fx_add(f, 2, 3);
		for (k = 0; k < 30; k++) {
			b = fx_pick(f, NULL);
			assert_int_equal(b, (int)(k % 3));
			f->store[b].active--;
		}
		fx_stop(f);
	}
}

/* wlc: loads follow the weights; a quiesced backend keeps its load. */
static void test_wlc_weights(void **ts)
{
	struct fx *f = *ts;
	unsigned int k, count[3] = { 0 };

	fx_start(f, &slb_sched_wlc);
	fx_add(f, 0, 1);
	fx_add(f, 1, 2);
	fx_add(f, 2, 3);
	for (k = 0; k < 600; k++)
		count[fx_pick(f, NULL)]++;
	assert_int_equal(count[0], 100);
	assert_int_equal(count[1], 200);
	assert_int_equal(count[2], 300);
	/* Ratios compared exactly: 1 of weight 1 is more than 1 of 2. */
	fx_start(f, &slb_sched_wlc);
	fx_add(f, 0, 1);
	fx_add(f, 1, 2);
	f->store[0].active = 1;
	f->store[1].active = 1;
	assert_int_equal(fx_pick(f, NULL), 1);
	fx_stop(f);
}

/* p2c: first draws in proportion to weight, connections ending at once. */
static void test_p2c_weighted_draws(void **ts)
{
	struct fx *f = *ts;
	unsigned int k, count[3] = { 0 };
	int b;

	fx_start(f, &slb_sched_p2c);
	fx_add(f, 0, 1);
	fx_add(f, 1, 2);
	fx_add(f, 2, 4);
	for (k = 0; k < 70000; k++) {
		b = fx_pick(f, NULL);
		count[b]++;
		f->store[b].active--;
	}
	/* Equal loads: the first drawn wins, so shares are the weights'. */
	assert_in_range(count[0], 9300, 10700);
	assert_in_range(count[1], 18600, 21400);
	assert_in_range(count[2], 37200, 42800);
	fx_stop(f);
}

/* p2c: the two draws are distinct, and the lighter one wins. */
static void test_p2c_two_distinct(void **ts)
{
	struct fx *f = *ts;
	unsigned int k;
	int b;

	fx_start(f, &slb_sched_p2c);
	fx_add(f, 0, 1000);
	fx_add(f, 1, 1);
	f->store[0].active = 5;
	for (k = 0; k < 1000; k++) {
		/* Light on weight, but always drawn second: and idle. */
		b = fx_pick(f, NULL);
		assert_int_equal(b, 1);
		f->store[1].active--;
	}
	/* Held loads: shares settle at the weights'. */
	fx_start(f, &slb_sched_p2c);
	fx_add(f, 0, 1);
	fx_add(f, 1, 3);
	fx_add(f, 2, 4);
	for (k = 0; k < 8000; k++)
		fx_pick(f, NULL);
	assert_in_range(f->store[0].active, 900, 1100);
	assert_in_range(f->store[1].active, 2850, 3150);
	assert_in_range(f->store[2].active, 3850, 4150);
	fx_stop(f);
}

/* p2c: a client that tried the heavy backends still gets the light one. */
static void test_p2c_tried(void **ts)
{
	struct fx *f = *ts;
	const struct slb_sched_dest *tried[2];
	struct slb_sched_ctx ctx = { .tried = tried, .ntried = 2 };
	unsigned int k;

	fx_start(f, &slb_sched_p2c);
	fx_add(f, 0, 65535);
	fx_add(f, 1, 65535);
	fx_add(f, 2, 1);
	tried[0] = &f->store[0];
	tried[1] = &f->store[1];
	for (k = 0; k < 100; k++)
		assert_int_equal(fx_pick(f, &ctx), 2);
	fx_stop(f);
}

/* The backend of each of n clients, ids or -1. */
static void fx_map(struct fx *f, int *map, unsigned int n)
{
	unsigned int c;

	for (c = 0; c < n; c++)
		map[c] = fx_pick_client(f, c);
}

#define NCLIENTS	20000

/*
 * sh and mh: the same client always lands on the same backend; taking
 * one backend out moves its clients, and bringing it back restores them
 * all.  Down keeps its table entries, so nobody else moves; weight 0
 * takes it out of the table, as any gateway configured that way has it:
 * the ring still moves nobody else, Maglev's rebuild a few (under 1%).
 */
static void hash_take_out(struct fx *f, const struct slb_sched_ops *ops)
{
	static int before[NCLIENTS], after[NCLIENTS];
	unsigned int c, i, moved, others, way;

	for (way = 0; way < 2; way++) {
		moved = 0;
		others = 0;
		fx_start(f, ops);
		for (i = 0; i < 5; i++)
			fx_add(f, i, 1 + i);
		fx_map(f, before, NCLIENTS);
		fx_map(f, after, NCLIENTS);
		assert_memory_equal(before, after, sizeof(before));
		if (way)
			fx_upd(f, 2, 0, true);		/* quiesced */
		else
			fx_upd(f, 2, 3, false);		/* down */
		fx_map(f, after, NCLIENTS);
		for (c = 0; c < NCLIENTS; c++) {
			assert_int_not_equal(after[c], 2);
			if (before[c] == 2)
				moved++;
			else if (after[c] != before[c])
				others++;
		}
		if (way && ops == &slb_sched_mh)
			assert_true(others <= NCLIENTS / 100);
		else
			assert_int_equal(others, 0);
		/* Its share, 3 of 15, spread over all the others. */
		assert_in_range(moved, NCLIENTS / 5 * 3 / 4, NCLIENTS / 5 * 5 / 4);
		fx_upd(f, 2, 3, true);
		fx_map(f, after, NCLIENTS);
		assert_memory_equal(before, after, sizeof(before));
		fx_stop(f);
	}
}

static void test_sh_mh_take_out(void **ts)
{
	hash_take_out(*ts, &slb_sched_sh);
	hash_take_out(*ts, &slb_sched_mh);
}

/* Five backends added in this order, given as a permutation of 0..4. */
static void fx_build_order(struct fx *f, const struct slb_sched_ops *ops,
			   const struct slb_sched_opts *opts,
			   const unsigned int *order)
{
	unsigned int i;

	fx_start_opts(f, ops, opts);
	for (i = 0; i < 5; i++)
		fx_add(f, order[i], 1 + order[i] % 3);
}

/* Next permutation in lexicographic order; false after the last. */
static bool next_perm(unsigned int *p, unsigned int n)
{
	unsigned int i = n - 1, j = n - 1, t;

	while (i > 0 && p[i - 1] >= p[i])
		i--;
	if (!i)
		return false;
	while (p[j] <= p[i - 1])
		j--;
	t = p[i - 1], p[i - 1] = p[j], p[j] = t;
	for (j = n - 1; i < j; i++, j--)
		t = p[i], p[i] = p[j], p[j] = t;
	return true;
}

/*
 * The tables are a function of the set: all 120 orders of adding five
 * backends give the same bytes (but for the pointers to the dests, which
 * come last) and so send every client to the same backend.
 */
static void hash_any_order(struct fx *f, const struct slb_sched_ops *ops)
{
	static int first[NCLIENTS], map[NCLIENTS];
	unsigned int order[5] = { 0, 1, 2, 3, 4 };
	size_t bytes;
	u8 *table0;

	fx_build_order(f, ops, NULL, order);
	bytes = f->table_bytes - 5 * sizeof(void *);
	table0 = malloc(bytes);
	assert_non_null(table0);
	memcpy(table0, f->table, bytes);
	fx_map(f, first, NCLIENTS);
	while (next_perm(order, 5)) {
		fx_build_order(f, ops, NULL, order);
		assert_int_equal(f->table_bytes - 5 * sizeof(void *), bytes);
		assert_memory_equal(f->table, table0, bytes);
		if (order[0] == 4) {	/* a few orders through lookups too */
			fx_map(f, map, NCLIENTS);
			assert_memory_equal(map, first, sizeof(map));
		}
	}
	fx_stop(f);
	free(table0);
}

static void test_sh_mh_any_order(void **ts)
{
	hash_any_order(*ts, &slb_sched_sh);
	hash_any_order(*ts, &slb_sched_mh);
}

/* Another seed, another table; the same seed, the same one. */
static void test_sh_mh_seed(void **ts)
{
	static int a[NCLIENTS], b[NCLIENTS];
	const struct slb_sched_ops *const ops[] = {
		&slb_sched_sh, &slb_sched_mh
	};
	static const unsigned int order[5] = { 0, 1, 2, 3, 4 };
	struct slb_sched_opts opts;
	struct fx *f = *ts;
	unsigned int i, c, same;

	for (i = 0; i < 2; i++) {
		slb_sched_opts_default(&opts);
		fx_build_order(f, ops[i], &opts, order);
		fx_map(f, a, NCLIENTS);
		opts.seed = 1;
		fx_build_order(f, ops[i], &opts, order);
		fx_map(f, b, NCLIENTS);
		for (c = 0, same = 0; c < NCLIENTS; c++)
			same += a[c] == b[c];
		/* Unrelated maps agree by chance only: about 1 in 5. */
		assert_true(same < NCLIENTS / 3);
		opts.seed = 0;
		fx_build_order(f, ops[i], &opts, order);
		fx_map(f, b, NCLIENTS);
		assert_memory_equal(a, b, sizeof(a));
		fx_stop(f);
	}
}

/* hash-key: by address, one client's ports all go one way; else not. */
static void test_sh_mh_hash_key(void **ts)
{
	const struct slb_sched_ops *const ops[] = {
		&slb_sched_sh, &slb_sched_mh
	};
	static const unsigned int order[5] = { 0, 1, 2, 3, 4 };
	struct slb_sched_opts opts;
	struct fx *f = *ts;
	unsigned int i, k, seen;

	for (i = 0; i < 2; i++) {
		slb_sched_opts_default(&opts);
		for (opts.hash_key = 0; opts.hash_key < 2; opts.hash_key++) {
			fx_build_order(f, ops[i], &opts, order);
			seen = 0;
			/* Client 7 from ports 1000..1063. */
			for (k = 0; k < 64; k++)
				seen |= 1U << fx_pick_client(f, 7 + (k << 16));
			if (opts.hash_key == SPLICELB_HASH_KEY_ADDR)
				assert_int_equal(__builtin_popcount(seen), 1);
			else
				assert_int_equal(seen, 0x1f);
			fx_stop(f);
		}
	}
}

/* sh: deleting a backend moves only its clients; re-adding moves them back. */
static void test_sh_delete(void **ts)
{
	static int before[NCLIENTS], after[NCLIENTS];
	struct fx *f = *ts;
	unsigned int c, i, moved = 0;

	fx_start(f, &slb_sched_sh);
	for (i = 0; i < 5; i++)
		fx_add(f, i, 1);
	fx_map(f, before, NCLIENTS);
	fx_del(f, 3);
	fx_map(f, after, NCLIENTS);
	for (c = 0; c < NCLIENTS; c++) {
		if (before[c] == 3)
			moved++;
		else
			assert_int_equal(after[c], before[c]);
	}
	assert_in_range(moved, NCLIENTS / 10, NCLIENTS * 3 / 10);
	fx_add(f, 3, 1);
	fx_map(f, after, NCLIENTS);
	assert_memory_equal(before, after, sizeof(before));
	fx_stop(f);
}

/*
 * mh: deleting a backend moves its clients and, rebuilding, a few others,
 * bounded here at 1% of them (Maglev's measured disruption is ~0.1%);
 * re-adding it restores the table exactly.
 */
static void test_mh_delete(void **ts)
{
	static int before[NCLIENTS], after[NCLIENTS];
	struct fx *f = *ts;
	unsigned int c, i, others = 0;
	size_t bytes;
	u8 *table0;

	fx_start(f, &slb_sched_mh);
	for (i = 0; i < 5; i++)
		fx_add(f, i, 1);
	bytes = f->table_bytes - 5 * sizeof(void *);
	table0 = malloc(bytes);
	assert_non_null(table0);
	memcpy(table0, f->table, bytes);
	fx_map(f, before, NCLIENTS);
	fx_del(f, 3);
	fx_map(f, after, NCLIENTS);
	for (c = 0; c < NCLIENTS; c++) {
		assert_int_not_equal(after[c], 3);
		if (before[c] != 3 && after[c] != before[c])
			others++;
	}
	print_message("mh: deleting 1 of 5 moved %u of %u other clients\n",
		      others, NCLIENTS);
	assert_true(others <= NCLIENTS / 100);
	fx_add(f, 3, 1);
	assert_memory_equal(f->table, table0, bytes);
	fx_map(f, after, NCLIENTS);
	assert_memory_equal(before, after, sizeof(before));
	fx_stop(f);
	free(table0);
}

/*
 * The layout of lib/sched_mh.c's table, read here to count entries: the
 * size, the number of backends, then the entries, each the rank of its
 * backend among them by id (10.0.0.i sorts as i).
 */
struct mh_table_view {
	u32 size;
	u32 ndests;
	u32 entry[];
};

/* mh: at the default size every backend's share is its weight's, to 1%. */
static void test_mh_shares(void **ts)
{
	static const u32 w[] = { 1, 2, 3, 5, 10, 100, 1, 7, 65535, 64 };
	const unsigned int n = sizeof(w) / sizeof(w[0]);
	unsigned int i, count[10] = { 0 };
	const struct mh_table_view *t;
	struct fx *f = *ts;
	double total = 0, want;

	for (i = 0; i < n; i++)
		total += w[i];
	fx_start(f, &slb_sched_mh);
	for (i = 0; i < n; i++)
		fx_add(f, i, w[i]);
	t = f->table;
	assert_int_equal(t->size, SPLICELB_MH_TABLE_SIZE);
	assert_int_equal(t->ndests, n);
	for (i = 0; i < t->size; i++) {
		assert_true(t->entry[i] < n);
		count[t->entry[i]]++;
	}
	for (i = 0; i < n; i++) {
		want = t->size * (w[i] / total);
		/* 1% of the share, or one entry for the tiny ones. */
		assert_true(count[i] >= want * 0.99 - 1 &&
			    count[i] <= want * 1.01 + 1);
	}
	fx_stop(f);
}

/* mh: table-size is obeyed, a prime; a weightless backend holds nothing. */
static void test_mh_table_size(void **ts)
{
	struct slb_sched_opts opts;
	const struct mh_table_view *t;
	unsigned int i, count[3] = { 0 };
	struct fx *f = *ts;

	slb_sched_opts_default(&opts);
	opts.table_size = 7;
	fx_start_opts(f, &slb_sched_mh, &opts);
	fx_add(f, 0, 1);
	fx_add(f, 1, 0);	/* added quiesced: never had a weight */
	fx_add(f, 2, 1);
	t = f->table;
	assert_int_equal(t->size, 7);
	assert_int_equal(t->ndests, 2);
	for (i = 0; i < 7; i++)
		count[t->entry[i]]++;
	assert_in_range(count[0], 3, 4);
	assert_in_range(count[1], 3, 4);
	/* Given a weight, it gets entries: a weight it never had is new. */
	fx_upd(f, 1, 1, true);
	t = f->table;
	assert_int_equal(t->ndests, 3);
	fx_stop(f);
}

/* Options: only where they apply, in range, table sizes prime. */
static void test_opts_check(void **ts)
{
	struct slb_sched_opts o;

	(void)ts;
	slb_sched_opts_default(&o);
	assert_int_equal(o.hash_key, SPLICELB_HASH_KEY_ADDR);
	assert_int_equal(o.seed, 0);
	assert_int_equal(o.table_size, 65537);
	assert_null(slb_sched_opts_check(&slb_sched_rr, 0, &o));
	assert_null(slb_sched_opts_check(&slb_sched_mh, 0, &o));
	assert_non_null(slb_sched_opts_check(&slb_sched_rr,
					     SLB_SCHED_OPT_SEED, &o));
	assert_non_null(slb_sched_opts_check(&slb_sched_p2c,
					     SLB_SCHED_OPT_HASH_KEY, &o));
	assert_null(slb_sched_opts_check(&slb_sched_sh, SLB_SCHED_OPT_SEED |
					 SLB_SCHED_OPT_HASH_KEY, &o));
	assert_non_null(slb_sched_opts_check(&slb_sched_sh,
					     SLB_SCHED_OPT_TABLE_SIZE, &o));
	o.table_size = 65536;
	assert_non_null(slb_sched_opts_check(&slb_sched_mh, 0, &o));
	o.table_size = 5;
	assert_non_null(slb_sched_opts_check(&slb_sched_mh, 0, &o));
	o.table_size = SPLICELB_MH_TABLE_MAX;
	assert_null(slb_sched_opts_check(&slb_sched_mh, 0, &o));
	o.table_size = SPLICELB_MH_TABLE_MAX + 2;
	assert_non_null(slb_sched_opts_check(&slb_sched_mh, 0, &o));
	o.table_size = 65537;
	o.hash_key = 2;
	assert_non_null(slb_sched_opts_check(&slb_sched_mh, 0, &o));
}

/* Every scheduler, random changes: picks always eligible, none iff none is. */
static void test_fuzz_any(void **ts)
{
	struct fx *f = *ts;
	const struct slb_sched_ops *ops;
	const struct slb_sched_dest *tried[2];
	struct slb_sched_ctx ctx = { .tried = tried };
	struct slb_sched_opts opts;
	unsigned int s, k, i, round, c = 0;
	u64 seed = 9;

	slb_sched_opts_default(&opts);
	opts.table_size = 4099;
	for (s = 0; (ops = slb_sched_at(s)); s++) {
		bool present[64] = { false };

		fx_start_opts(f, ops, ops->options ? &opts : NULL);
		for (round = 0; round < 600; round++) {
			unsigned int id = fx_rand(&seed) % 64;
			u32 w = fx_rand(&seed) % 4;
			bool any = false;

			if (!present[id]) {
				fx_insert(f, fx_rand(&seed) % (f->n + 1), id, w);
				present[id] = true;
			} else if (fx_rand(&seed) % 3 == 0) {
				fx_del(f, id);
				present[id] = false;
			} else {
				fx_upd(f, id, w, fx_rand(&seed) % 4 != 0);
			}
			ctx.ntried = fx_rand(&seed) % 3;
			tried[0] = &f->store[fx_rand(&seed) % 64];
			tried[1] = &f->store[fx_rand(&seed) % 64];
			for (i = 0; i < f->n; i++)
				any |= slb_sched_eligible(f->set[i], &ctx);
			for (k = 0; k < 8; k++) {
				u8 cid[SLB_SCHED_ID_LEN];
				int b;

				fx_client_id(cid, c++);
				ctx.client = cid;
				b = fx_pick(f, &ctx);
				assert_true(any ? b >= 0 : b == -1);
				if (b >= 0 && fx_rand(&seed) % 2)
					f->store[b].active--;
			}
		}
		fx_stop(f);
	}
}

/* Moving averages: the first sample taken whole, then 1/8 of each. */
static void test_sample(void **ts)
{
	struct slb_sched_dest d = { 0 };
	unsigned int k;

	(void)ts;
	slb_sched_sample(&d, 0, 0);
	assert_int_equal(d.connect_us, 0);
	slb_sched_sample(&d, 800, 0);
	assert_int_equal(d.connect_us, 800);
	assert_int_equal(d.rtt_us, 0);
	slb_sched_sample(&d, 1600, 50);
	assert_int_equal(d.connect_us, 900);
	assert_int_equal(d.rtt_us, 50);
	for (k = 0; k < 200; k++)
		slb_sched_sample(&d, 1, 1);
	/* Down to the floor, never to "no sample". */
	assert_in_range(d.connect_us, 1, 8);
	assert_in_range(d.rtt_us, 1, 8);
	/* One outlier moves it by a third at most, a steady one all the way. */
	d.connect_us = 1000;
	slb_sched_sample(&d, 1000000, 0);
	assert_int_equal(d.connect_us, 1375);
	for (k = 0; k < 200; k++)
		slb_sched_sample(&d, 1000000, 0);
	assert_int_equal(d.connect_us, 1000000);
	d.connect_us = 0x3fffffffu;
	slb_sched_sample(&d, 0xffffffffu, 0);
	assert_true(d.connect_us > 0x47000000u);
}

/*
 * lt: with held connections, a backend 100 times slower gets a new one
 * only once the fast ones hold about a hundred each, and besides as the
 * probe of 1 in 8n + 8 picks that keeps its average fresh: some 3.5%.
 */
static void test_lt_slow_backend(void **ts)
{
	static const u32 connect[] = { 150, 150, 15000 };
	static const u32 rtt[] = { 50, 50, 5000 };
	struct fx *f = *ts;
	unsigned int k, count[3] = { 0 };
	int b;

	fx_start(f, &slb_sched_lt);
	for (k = 0; k < 3; k++) {
		fx_add(f, k, 1);
		slb_sched_sample(&f->store[k], connect[k], rtt[k]);
	}
	for (k = 0; k < 1000; k++) {
		b = fx_pick(f, NULL);
		count[b]++;
		slb_sched_sample(&f->store[b], connect[b], rtt[b]);
	}
	assert_in_range(count[2], 25, 45);
	assert_true(count[0] + 1 >= count[1] && count[1] + 1 >= count[0]);
	fx_stop(f);
}

/* lt: weights scale the wait; an unmeasured backend counts at the mean. */
static void test_lt_weights_unmeasured(void **ts)
{
	struct fx *f = *ts;
	unsigned int k, count[3] = { 0 };

	fx_start(f, &slb_sched_lt);
	fx_add(f, 0, 1);
	fx_add(f, 1, 3);
	f->store[0].connect_us = 1000;
	f->store[1].connect_us = 1000;
	for (k = 0; k < 400; k++)
		count[fx_pick(f, NULL)]++;
	assert_in_range(count[0], 99, 101);
	assert_in_range(count[1], 299, 301);
	/* A newcomer, unmeasured, is taken at the least latency: it catches up. */
	fx_add(f, 2, 1);
	for (k = 0; k < 100; k++)
		count[fx_pick(f, NULL)]++;
	assert_in_range(count[2], 99, 100);
	/* None measured: lt is (a + 1) / w, ties rotating. */
	fx_start(f, &slb_sched_lt);
	fx_add(f, 0, 1);
	fx_add(f, 1, 1);
	EXPECT(f, 0, 1, 0, 1);
	fx_stop(f);
}

/*
 * lt: one slow sample does not starve a backend for ever.  Backend 0's
 * one connect of 50 ms keeps it out while the others answer in 0.2 ms,
 * but only for 8n + 8 picks: then it has forgotten that, gets the next
 * connection and its fresh sample, and is back in the rotation.  One
 * truly slow gets one connection in 8n + 8.
 */
static void lt_run(struct fx *f, unsigned int picks, unsigned int *count,
		   unsigned int slow)
{
	unsigned int k;
	int b;

	for (k = 0; k < picks; k++) {
		b = fx_pick(f, NULL);
		f->store[b].active--;
		count[b]++;
		slb_sched_sample(&f->store[b], (unsigned int)b == slow ?
				 50000 : 200, 0);
	}
}

static void test_lt_forgets_stale(void **ts)
{
	struct fx *f = *ts;
	unsigned int k, count[3] = { 0 };

	fx_start(f, &slb_sched_lt);
	for (k = 0; k < 3; k++)
		fx_add(f, k, 1);
	lt_run(f, 3, count, 3);
	f->store[0].connect_us = 50000;
	memset(count, 0, sizeof(count));
	lt_run(f, 32, count, 3);
	assert_int_equal(count[0], 0);
	lt_run(f, 1, count, 3);
	assert_int_equal(count[0], 1);
	assert_int_equal(f->store[0].connect_us, 200);
	lt_run(f, 999, count, 3);
	assert_in_range(count[0], 320, 345);
	memset(count, 0, sizeof(count));
	lt_run(f, 3300, count, 2);
	assert_in_range(count[2], 95, 105);
	fx_stop(f);
}

/*
 * sh and mh: the table is a function of the configuration, not of its
 * history: a backend set to weight 0 leaves the table as if it had been
 * configured at 0 from the start (lbctl save | lbctl restore, or another
 * gateway, builds that one).
 */
static void test_sh_mh_no_history(void **ts)
{
	const struct slb_sched_ops *const ops[] = {
		&slb_sched_sh, &slb_sched_mh
	};
	static int a[NCLIENTS], b[NCLIENTS];
	struct fx *f = *ts;
	unsigned int i, k;

	for (i = 0; i < 2; i++) {
		fx_start(f, ops[i]);
		for (k = 0; k < 4; k++)
			fx_add(f, k, 2);
		fx_upd(f, 3, 5, true);
		fx_upd(f, 3, 0, true);
		fx_map(f, a, NCLIENTS);
		fx_start(f, ops[i]);
		for (k = 0; k < 3; k++)
			fx_add(f, k, 2);
		fx_add(f, 3, 0);
		fx_map(f, b, NCLIENTS);
		assert_memory_equal(a, b, sizeof(a));
		fx_stop(f);
	}
}

/* sh and mh: one backend up of 50 still serves everyone; none, no one. */
static void test_sh_mh_one_left(void **ts)
{
	const struct slb_sched_ops *const ops[] = {
		&slb_sched_sh, &slb_sched_mh
	};
	struct fx *f = *ts;
	unsigned int i, k, c;

	for (i = 0; i < 2; i++) {
		fx_start(f, ops[i]);
		for (k = 0; k < 50; k++)
			fx_add(f, k, 1);
		for (k = 0; k < 50; k++)
			if (k != 17)
				fx_upd(f, k, 1, false);
		for (c = 0; c < 2000; c++)
			assert_int_equal(fx_pick_client(f, c), 17);
		fx_upd(f, 17, 1, false);
		for (c = 0; c < 100; c++)
			assert_int_equal(fx_pick_client(f, c), -1);
		fx_stop(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_eligible),
		cmocka_unit_test(test_full),
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(test_empty),
		T(test_rr_spread),
		T(test_wrr_spread),
		T(test_wrr_smooth_511),
		T(test_wrr_equal_is_rr),
		T(test_ineligible_never_picked),
		T(test_tried_skipped),
		T(test_all_ineligible),
		T(test_rr_changes),
		T(test_wrr_changes),
		T(test_fuzz_changes),
		T(test_wrr_bounded),
		T(test_wrr_big),
		T(test_lc_avoids_loaded),
		T(test_least_ties_rotate),
		T(test_wlc_weights),
		T(test_p2c_weighted_draws),
		T(test_p2c_two_distinct),
		T(test_p2c_tried),
		T(test_sh_mh_take_out),
		T(test_sh_mh_any_order),
		T(test_sh_mh_seed),
		T(test_sh_mh_hash_key),
		T(test_sh_delete),
		T(test_mh_delete),
		T(test_mh_shares),
		T(test_mh_table_size),
		cmocka_unit_test(test_opts_check),
		T(test_fuzz_any),
		cmocka_unit_test(test_sample),
		T(test_lt_slow_backend),
		T(test_lt_weights_unmeasured),
		T(test_lt_forgets_stale),
		T(test_sh_mh_no_history),
		T(test_sh_mh_one_left),
		T(test_maxconn_every_scheduler),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
