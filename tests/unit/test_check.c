// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Native unit tests of lib/check.c: the rise/fall machine, the intervals,
 * the reply match and the escapes the module and lbselect share.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "check.h"

static struct slb_check_params params(u32 rise, u32 fall)
{
	struct slb_check_params p;

	slb_check_params_init(&p);
	p.type = SPLICELB_CHECK_TCP;
	p.rise = rise;
	p.fall = fall;
	return p;
}

/* Feeds @results ('+' passed, '-' failed); the changes, as "d" and "u". */
static void feed(struct slb_health *h, const struct slb_check_params *p,
		 const char *results, char *changes)
{
	for (; *results; results++)
		if (slb_health_record(h, p, *results == '+'))
			*changes++ = h->down ? 'd' : 'u';
	*changes = 0;
}

static void test_first_check_decides(void **ts)
{
	struct slb_check_params p = params(2, 3);
	struct slb_health h;
	char changes[16];

	(void)ts;
	slb_health_init(&h);
	assert_false(h.down);
	feed(&h, &p, "-", changes);
	assert_string_equal(changes, "d");

	slb_health_init(&h);
	feed(&h, &p, "+--", changes);
	assert_string_equal(changes, "");
	assert_false(h.down);
	assert_int_equal(h.count, 2);
}

static void test_rise_fall(void **ts)
{
	struct slb_check_params p = params(2, 3);
	struct slb_health h;
	char changes[32];

	(void)ts;
	slb_health_init(&h);
	/* A pass between failures starts the fall again. */
	feed(&h, &p, "+--+---", changes);
	assert_string_equal(changes, "d");
	feed(&h, &p, "+-++", changes);
	assert_string_equal(changes, "u");
	assert_int_equal(h.count, 0);
	feed(&h, &p, "---", changes);
	assert_string_equal(changes, "d");
}

static void test_rise_fall_one(void **ts)
{
	struct slb_check_params p = params(1, 1);
	struct slb_health h;
	char changes[16];

	(void)ts;
	slb_health_init(&h);
	feed(&h, &p, "+-+-", changes);
	assert_string_equal(changes, "dud");
}

static void test_force_down(void **ts)
{
	struct slb_check_params p = params(2, 3);
	struct slb_health h;
	char changes[16];

	(void)ts;
	slb_health_init(&h);
	feed(&h, &p, "+-", changes);
	assert_true(slb_health_force_down(&h));
	assert_true(h.down);
	assert_int_equal(h.count, 0);
	assert_false(slb_health_force_down(&h));
	/* Off probation: rise passes, not one, bring it back. */
	feed(&h, &p, "+", changes);
	assert_string_equal(changes, "");
	feed(&h, &p, "+", changes);
	assert_string_equal(changes, "u");
}

static void test_result_of(void **ts)
{
	(void)ts;
	assert_int_equal(slb_check_result_of(ECONNREFUSED),
			 SPLICELB_CHECK_RESULT_REFUSED);
	assert_int_equal(slb_check_result_of(EPIPE),
			 SPLICELB_CHECK_RESULT_RESET);
	assert_int_equal(slb_check_result_of(ETIMEDOUT),
			 SPLICELB_CHECK_RESULT_TIMEOUT);
	assert_int_equal(slb_check_result_of(EHOSTUNREACH),
			 SPLICELB_CHECK_RESULT_UNREACHABLE);
	assert_int_equal(slb_check_result_of(EADDRNOTAVAIL),
			 SPLICELB_CHECK_RESULT_ERROR);
}

static void test_next_interval(void **ts)
{
	struct slb_check_params p = params(2, 3);
	struct slb_health h;
	u32 rnd, ms;

	(void)ts;
	slb_health_init(&h);
	p.inter_ms = 1000;
	for (rnd = 0; rnd < 1000; rnd++) {
		ms = slb_check_next_ms(&p, &h, rnd * 2654435761u);
		assert_true(ms >= 900 && ms <= 1000);
	}
	p.fastinter_ms = 100;
	p.downinter_ms = 5000;
	assert_true(slb_check_next_ms(&p, &h, 0) == 1000);
	h.count = 1;
	assert_true(slb_check_next_ms(&p, &h, 0) == 100);
	h.down = true;
	assert_true(slb_check_next_ms(&p, &h, 0) == 100);
	h.count = 0;
	assert_true(slb_check_next_ms(&p, &h, 0) == 5000);
	p.inter_ms = 10;
	p.downinter_ms = 0;
	assert_true(slb_check_next_ms(&p, &h, 7) == 10 - 7 % 2);
}

static void test_params(void **ts)
{
	struct slb_check_params p, q;
	u32 field = 0;

	(void)ts;
	slb_check_params_init(&p);
	assert_null(slb_check_params_invalid(&p, &field));
	assert_int_equal(slb_check_timeout_ms(&p), SPLICELB_CHECK_INTER_DEF_MS);

	memset(&q, 0, sizeof(q));
	q.type = SPLICELB_CHECK_SEND_EXPECT;
	q.inter_ms = 1; /* not given: left alone */
	slb_check_params_apply(&p, &q, SLB_CHECK_SET_TYPE);
	assert_int_equal(p.inter_ms, SPLICELB_CHECK_INTER_DEF_MS);
	assert_non_null(slb_check_params_invalid(&p, &field));
	assert_int_equal(field, SLB_CHECK_SET_EXPECT);

	memcpy(q.expect, "+PONG", 5);
	q.expect_len = 5;
	q.timeout_ms = 300;
	slb_check_params_apply(&p, &q, SLB_CHECK_SET_EXPECT |
				       SLB_CHECK_SET_TIMEOUT);
	assert_null(slb_check_params_invalid(&p, &field));
	assert_int_equal(slb_check_timeout_ms(&p), 300);
	assert_false(slb_check_params_same(&p, &q));
	q = p;
	assert_true(slb_check_params_same(&p, &q));
	q.expect[4] = 'X';
	assert_false(slb_check_params_same(&p, &q));

	p.rise = 0;
	assert_non_null(slb_check_params_invalid(&p, &field));
	assert_int_equal(field, SLB_CHECK_SET_RISE);
	p.rise = 2;
	p.downinter_ms = 5;
	assert_non_null(slb_check_params_invalid(&p, &field));
	assert_int_equal(field, SLB_CHECK_SET_DOWNINTER);
}

static void test_match(void **ts)
{
	const u8 reply[] = "HTTP/1.0 200 OK\r\n";

	(void)ts;
	assert_true(slb_check_match(reply, 17, (const u8 *)" 200 ", 5));
	assert_true(slb_check_match(reply, 17, (const u8 *)"\r\n", 2));
	assert_true(slb_check_match(reply, 17, (const u8 *)"", 0));
	assert_false(slb_check_match(reply, 17, (const u8 *)" 404 ", 5));
	/* Cut short of the match: not yet. */
	assert_false(slb_check_match(reply, 11, (const u8 *)" 200 ", 5));
	assert_false(slb_check_match(reply, 0, (const u8 *)"H", 1));
}

static void test_unescape(void **ts)
{
	u8 out[8];

	(void)ts;
	assert_int_equal(slb_check_unescape("PING\\r\\n", out, sizeof(out)), 6);
	assert_memory_equal(out, "PING\r\n", 6);
	assert_int_equal(slb_check_unescape("\\x00\\xfF\\0\\\\\\\"\\t", out,
					    sizeof(out)), 6);
	assert_memory_equal(out, "\0\xff\0\\\"\t", 6);
	assert_int_equal(slb_check_unescape("", out, sizeof(out)), 0);
	assert_int_equal(slb_check_unescape("\\q", out, sizeof(out)), -1);
	assert_int_equal(slb_check_unescape("\\x4", out, sizeof(out)), -1);
	assert_int_equal(slb_check_unescape("\\", out, sizeof(out)), -1);
	assert_int_equal(slb_check_unescape("123456789", out, sizeof(out)), -1);
	assert_int_equal(slb_check_unescape("12345678", out, sizeof(out)), 8);
}

static void test_escape_round_trip(void **ts)
{
	u8 all[256], back[256];
	char text[1100];
	size_t i, n;

	(void)ts;
	for (i = 0; i < 256; i++)
		all[i] = i;
	n = slb_check_escape(all, 256, text, sizeof(text));
	assert_int_equal(n, strlen(text));
	assert_int_equal(slb_check_unescape(text, back, sizeof(back)), 256);
	assert_memory_equal(all, back, 256);

	n = slb_check_escape((const u8 *)"GET /\r\n", 7, text, 6);
	assert_int_equal(n, 9);
	assert_string_equal(text, "GET /");
	n = slb_check_escape((const u8 *)"a\"b", 3, text, sizeof(text));
	assert_string_equal(text, "a\\\"b");
	assert_int_equal(n, 4);
}

static void test_result_names(void **ts)
{
	(void)ts;
	assert_string_equal(slb_check_result_name(SPLICELB_CHECK_RESULT_PASSED),
			    "passed");
	assert_string_equal(slb_check_result_name(SPLICELB_CHECK_RESULT_UNEXPECTED),
			    "unexpected reply");
	assert_string_equal(slb_check_result_name(SPLICELB_CHECK_RESULT_ERROR),
			    "error");
	assert_string_equal(slb_check_result_name(200), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_check_decides),
		cmocka_unit_test(test_rise_fall),
		cmocka_unit_test(test_rise_fall_one),
		cmocka_unit_test(test_force_down),
		cmocka_unit_test(test_result_of),
		cmocka_unit_test(test_next_interval),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_escape_round_trip),
		cmocka_unit_test(test_result_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
