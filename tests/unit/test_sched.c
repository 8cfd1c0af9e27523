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
	free(*ts);
	return 0;
}

static void fx_start(struct fx *f, const struct slb_sched_ops *ops)
{
	assert_non_null(ops);
	assert_true(ops->state_size <= SLB_SCHED_STATE_MAX);
	f->ops = ops;
	f->n = 0;
	memset(f->state, 0, sizeof(f->state));
	memset(f->store, 0, sizeof(f->store));
	ops->init_service(f->state);
}

static void fx_stop(struct fx *f)
{
	if (f->ops->done_service)
		f->ops->done_service(f->state);
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

/* Put backend id at position pos of the array. */
static void fx_insert(struct fx *f, unsigned int pos, unsigned int id,
		      u32 weight)
{
	struct slb_sched_dest *d = &f->store[id];

	assert_true(pos <= f->n && f->n < MAXD);
	d->weight = weight;
	d->available = true;
	d->active = 0;
	d->credit = 12345;	/* garbage the scheduler must not trust */
	memmove(&f->set[pos + 1], &f->set[pos],
		(f->n - pos) * sizeof(f->set[0]));
	f->set[pos] = d;
	f->n++;
	f->ops->add_dest(f->state, f->set, f->n, d);
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
	d->weight = weight;
	d->available = true;
	d->active = 0;
	d->credit = -777;
	f->ops->add_dest(f->state, f->set, f->n, d);
	f->set[f->n++] = d;
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
}

/* del_dest given the array still holding the removed backend. */
static void fx_del_before(struct fx *f, unsigned int id)
{
	unsigned int pos = fx_find(f, id);

	f->ops->del_dest(f->state, f->set, f->n, &f->store[id]);
	fx_remove(f, pos);
}

static void fx_upd(struct fx *f, unsigned int id, u32 weight, bool available)
{
	f->store[id].weight = weight;
	f->store[id].available = available;
	f->ops->upd_dest(f->state, f->set, f->n, &f->store[id]);
}

/* One scheduling decision: the backend id, or -1. */
static int fx_pick(struct fx *f, const struct slb_sched_ctx *ctx)
{
	int i = f->ops->schedule(f->state, f->set, f->n, ctx);

	if (i < 0) {
		assert_int_equal(i, -1);
		return -1;
	}
	assert_true((unsigned int)i < f->n);
	assert_true(slb_sched_eligible(f->set[i], ctx));
	return (int)(f->set[i] - f->store);
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
	assert_null(slb_sched_find("lc"));
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
	}
	assert_int_equal(i, 2);
	assert_null(slb_sched_at(2));
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
}

static void test_empty(void **ts)
{
	struct fx *f = *ts;
	const struct slb_sched_ops *ops;
	unsigned int i;

	for (i = 0; (ops = slb_sched_at(i)); i++) {
		fx_start(f, ops);
		assert_int_equal(ops->schedule(f->state, NULL, 0, NULL), -1);
		assert_int_equal(fx_pick(f, NULL), -1);
		/* Emptied after use, then refilled. */
		fx_add(f, 0, 1);
		fx_add(f, 1, 1);
		assert_int_equal(fx_pick(f, NULL), 0);
		assert_int_equal(fx_pick(f, NULL), 1);
		fx_del(f, 1);
		/* A caller may well pass no array at all once it is empty. */
		fx_remove(f, 0);
		ops->del_dest(f->state, NULL, 0, &f->store[0]);
		assert_int_equal(ops->schedule(f->state, NULL, 0, NULL), -1);
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
		if (ops == &slb_sched_wrr) {
			assert_int_equal(count[0], 100);
			assert_int_equal(count[3], 200);
			assert_int_equal(count[4], 100);
		} else {
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_eligible),
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
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
