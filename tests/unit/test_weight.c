// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Native unit tests of lib/weight.c: the effective weights and the
 * slow-start ramp, alone and under the schedulers that count them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "weight.h"

#define S	SLB_WEIGHT_SCALE

/* Bases: sixteenths of the weight, at a share of it, within bounds. */
static void test_base(void **ts)
{
	(void)ts;
	assert_int_equal(slb_weight_base(0, 100), 0);
	assert_int_equal(slb_weight_base(1, 100), S);
	assert_int_equal(slb_weight_base(10, 0), 0);
	assert_int_equal(slb_weight_base(1, 50), S / 2);
	/* A share too small to count still counts: never 0 but for 0. */
	assert_int_equal(slb_weight_base(1, 1), 1);
	assert_int_equal(slb_weight_base(SPLICELB_WEIGHT_MAX, 100),
			 SPLICELB_WEIGHT_MAX * S);
	assert_int_equal(slb_weight_base(SPLICELB_WEIGHT_MAX, 200),
			 SPLICELB_WEIGHT_MAX * S);
	assert_int_equal(slb_weight_base(2, 4294967295u),
			 SPLICELB_WEIGHT_MAX * S);
	/* Tables count the whole weight, or nothing at 0%. */
	assert_int_equal(slb_weight_table(0, 100), 0);
	assert_int_equal(slb_weight_table(7, 100), 7);
	assert_int_equal(slb_weight_table(7, 1), 7);
	assert_int_equal(slb_weight_table(7, 0), 0);
}

static void test_effective_without_ramp(void **ts)
{
	(void)ts;
	assert_int_equal(slb_weight_effective(0, 0, 0), 0);
	assert_int_equal(slb_weight_effective(S, 0, 0), S);
	/* Past its end a ramp is none. */
	assert_int_equal(slb_weight_effective(10 * S, 1000, 1000), 10 * S);
	assert_int_equal(slb_weight_effective(10 * S, 1000, 5000), 10 * S);
	/* Weight 0 stays quiesced through a ramp. */
	assert_int_equal(slb_weight_effective(0, 10000, 0), 0);
}

/* 20 steps of 500 ms over 10 s: 1/20, 2/20, ... of the weight. */
static void test_ramp_steps(void **ts)
{
	unsigned int k;

	(void)ts;
	for (k = 0; k < SLB_SLOWSTART_STEPS; k++) {
		assert_int_equal(slb_weight_effective(20 * S, 10000, k * 500),
				 (k + 1) * S);
		assert_int_equal(slb_weight_effective(20 * S, 10000, k * 500 + 499),
				 (k + 1) * S);
		assert_int_equal(slb_slowstart_next_ms(10000, k * 500),
				 (k + 1) * 500);
	}
	assert_int_equal(slb_slowstart_next_ms(10000, 10000), 0);
	assert_int_equal(slb_slowstart_next_ms(0, 0), 0);
}

/* Weight 1 ramps in sixteenths, never to 0. */
static void test_ramp_small_weight(void **ts)
{
	(void)ts;
	assert_int_equal(slb_weight_effective(S, 10000, 0), 1);
	assert_int_equal(slb_weight_effective(S, 10000, 5000), S * 11 / 20);
	assert_int_equal(slb_weight_effective(S, 10000, 9999), S);
}

/* Under 2 s the steps are 100 ms, fewer than 20; under 100 ms, one. */
static void test_short_ramps(void **ts)
{
	(void)ts;
	assert_int_equal(slb_weight_effective(10 * S, 1000, 0), 10 * S / 10);
	assert_int_equal(slb_weight_effective(10 * S, 1000, 950), 10 * S);
	assert_int_equal(slb_slowstart_next_ms(1000, 0), 100);
	assert_int_equal(slb_slowstart_next_ms(1000, 950), 1000);
	assert_int_equal(slb_weight_effective(10 * S, 50, 0), 10 * S);
	assert_int_equal(slb_slowstart_next_ms(50, 0), 50);
	/* 3 s in 20 steps of 150 ms, rounded up to the step's start. */
	assert_int_equal(slb_slowstart_next_ms(3001, 0), 151);
	assert_int_equal(slb_weight_effective(20 * S, 3001, 150), 1 * S);
	assert_int_equal(slb_weight_effective(20 * S, 3001, 151), 2 * S);
}

struct pool {
	struct slb_sched_dest d[3];
	struct slb_sched_dest *p[3];
	u64 state[SLB_SCHED_STATE_MAX / sizeof(u64)];
	const struct slb_sched_ops *ops;
	struct slb_ramp ramp;
};

static void pool_init(struct pool *pl, const char *sched)
{
	unsigned int i;

	memset(pl, 0, sizeof(*pl));
	pl->ops = slb_sched_find(sched);
	assert_non_null(pl->ops);
	pl->ops->init_service(pl->state);
	for (i = 0; i < 3; i++) {
		pl->d[i].base_weight = slb_weight_base(10, 100);
		pl->d[i].table_weight = 10;
		pl->d[i].weight = slb_ramp_weight(&pl->d[i], 0, 0);
		pl->d[i].available = true;
		pl->d[i].id[0] = 4;
		pl->d[i].id[SLB_SCHED_ID_ADDR] = (u8)i;
		pl->p[i] = &pl->d[i];
		pl->ops->add_dest(pl->state, pl->p, i + 1, &pl->d[i]);
	}
}

/* Picks of @n connections at @now_ms, by dest. */
static void pool_pick(struct pool *pl, u32 slowstart_ms, u64 now_ms,
		      unsigned int n, unsigned int *got)
{
	struct slb_sched_ctx ctx = { 0 };
	struct slb_sched_dest *d;
	u8 client[SLB_SCHED_ID_LEN] = { 4 };
	unsigned int i;

	memset(got, 0, 3 * sizeof(*got));
	for (i = 0; i < n; i++) {
		slb_ramp_advance(&pl->ramp, pl->ops, pl->state, pl->p, 3,
				 slowstart_ms, now_ms);
		client[SLB_SCHED_ID_ADDR] = (u8)i;
		client[SLB_SCHED_ID_ADDR + 1] = (u8)(i >> 8);
		ctx.client = client;
		ctx.random = (u32)i * 2654435761u;
		d = pl->ops->schedule(pl->state, pl->p, 3, &ctx);
		assert_non_null(d);
		got[d - pl->d]++;
	}
}

/* Back after down, under wrr: 1/20 of its share, then half, then all. */
static void test_ramp_under_wrr(void **ts)
{
	struct pool pl;
	unsigned int got[3];

	(void)ts;
	pool_init(&pl, "wrr");
	pl.d[2].available = false;
	pl.ops->upd_dest(pl.state, pl.p, 3, &pl.d[2]);
	pl.d[2].available = true;
	slb_ramp_begin(&pl.ramp, pl.ops, &pl.d[2], 10000, 1000);
	pl.ops->upd_dest(pl.state, pl.p, 3, &pl.d[2]);
	assert_int_equal(pl.ramp.n, 1);

	/* Weights 160:160:8 for the first 500 ms: 8 of each 328. */
	pool_pick(&pl, 10000, 1000, 328, got);
	assert_int_equal(got[2], 8);
	assert_int_equal(got[0], 160);
	/* 5 s in: step 11 of 20, 88 of 408. */
	pool_pick(&pl, 10000, 6000, 408, got);
	assert_int_equal(got[2], 88);
	/* Over: equal shares, and the ramp forgotten. */
	pool_pick(&pl, 10000, 11000, 30, got);
	assert_int_equal(got[2], 10);
	assert_int_equal(pl.ramp.n, 0);
	assert_false(pl.d[2].ramping);
	assert_int_equal(pl.d[2].weight, 10 * S);
}

/* A new weight mid-ramp ramps on from where the ramp is. */
static void test_reweight_mid_ramp(void **ts)
{
	struct pool pl;

	(void)ts;
	pool_init(&pl, "wlc");
	slb_ramp_begin(&pl.ramp, pl.ops, &pl.d[0], 10000, 0);
	pl.d[0].base_weight = slb_weight_base(40, 100);
	assert_int_equal(slb_ramp_weight(&pl.d[0], 10000, 5000),
			 40 * S * 11 / 20);
	/* A ramp begun again starts over. */
	slb_ramp_begin(&pl.ramp, pl.ops, &pl.d[0], 10000, 5000);
	assert_int_equal(pl.ramp.n, 1);
	assert_int_equal(pl.d[0].weight, 40 * S / 20);
}

/* sh and mh give the share back at once; a ramp ends on a switch to one. */
static void test_hashing_does_not_ramp(void **ts)
{
	struct pool pl;

	(void)ts;
	pool_init(&pl, "mh");
	slb_ramp_begin(&pl.ramp, pl.ops, &pl.d[1], 10000, 0);
	assert_false(pl.d[1].ramping);
	assert_int_equal(pl.ramp.n, 0);
	assert_int_equal(pl.d[1].weight, 10 * S);

	pool_init(&pl, "wrr");
	slb_ramp_begin(&pl.ramp, pl.ops, &pl.d[1], 10000, 0);
	assert_true(pl.d[1].ramping);
	pl.ops = slb_sched_find("sh");
	slb_ramp_touch(&pl.ramp);
	slb_ramp_advance(&pl.ramp, pl.ops, pl.state, pl.p, 3, 10000, 1);
	assert_false(pl.d[1].ramping);
	assert_int_equal(pl.d[1].weight, 10 * S);
}

/* Slowstart set to 0 mid-ramp: full weight at the next pick. */
static void test_slowstart_off_mid_ramp(void **ts)
{
	struct pool pl;

	(void)ts;
	pool_init(&pl, "p2c");
	slb_ramp_begin(&pl.ramp, pl.ops, &pl.d[0], 10000, 0);
	assert_int_equal(pl.d[0].weight, 10 * S / 20);
	slb_ramp_touch(&pl.ramp);
	slb_ramp_advance(&pl.ramp, pl.ops, pl.state, pl.p, 3, 0, 1);
	assert_int_equal(pl.d[0].weight, 10 * S);
	assert_int_equal(pl.ramp.n, 0);
}

/* A dest that goes mid-ramp leaves the count. */
static void test_forget(void **ts)
{
	struct pool pl;

	(void)ts;
	pool_init(&pl, "wrr");
	slb_ramp_begin(&pl.ramp, pl.ops, &pl.d[0], 10000, 0);
	slb_ramp_begin(&pl.ramp, pl.ops, &pl.d[1], 10000, 0);
	assert_int_equal(pl.ramp.n, 2);
	slb_ramp_forget(&pl.ramp, &pl.d[0]);
	slb_ramp_forget(&pl.ramp, &pl.d[0]);
	assert_int_equal(pl.ramp.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base),
		cmocka_unit_test(test_effective_without_ramp),
		cmocka_unit_test(test_ramp_steps),
		cmocka_unit_test(test_ramp_small_weight),
		cmocka_unit_test(test_short_ramps),
		cmocka_unit_test(test_ramp_under_wrr),
		cmocka_unit_test(test_reweight_mid_ramp),
		cmocka_unit_test(test_hashing_does_not_ramp),
		cmocka_unit_test(test_slowstart_off_mid_ramp),
		cmocka_unit_test(test_forget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
