// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Native unit tests of lib/agent.c: the words of an agent's reply, as
 * HAProxy's agent protocol has them, and what they leave the backend with.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "agent.h"

static bool parse(const char *line, struct slb_agent_reply *r)
{
	return slb_agent_parse((const u8 *)line, strlen(line), r);
}

static void test_words(void **ts)
{
	struct slb_agent_reply r;

	(void)ts;
	assert_true(parse("75%\n", &r));
	assert_int_equal(r.said, SLB_AGENT_SAID_PCT);
	assert_int_equal(r.pct, 75);

	assert_true(parse("drain", &r));
	assert_int_equal(r.said, SLB_AGENT_SAID_ADMIN);
	assert_int_equal(r.admin, SPLICELB_AGENT_DRAIN);

	assert_true(parse("maint\r\n", &r));
	assert_int_equal(r.admin, SPLICELB_AGENT_MAINT);
	assert_true(parse("ready", &r));
	assert_int_equal(r.admin, SPLICELB_AGENT_READY);

	assert_true(parse("up", &r));
	assert_int_equal(r.said, SLB_AGENT_SAID_HEALTH);
	assert_false(r.down);
	assert_true(parse("down", &r) && r.down);
	assert_true(parse("fail", &r) && r.down);
	assert_true(parse("stopped", &r) && r.down);
}

/* Spaces, tabs, commas, any case, any order; '#' ends them. */
static void test_separators_and_case(void **ts)
{
	struct slb_agent_reply r;

	(void)ts;
	assert_true(parse("  UP,\t50%  Drain\n", &r));
	assert_int_equal(r.said, SLB_AGENT_SAID_PCT | SLB_AGENT_SAID_ADMIN |
			 SLB_AGENT_SAID_HEALTH);
	assert_int_equal(r.pct, 50);
	assert_int_equal(r.admin, SPLICELB_AGENT_DRAIN);
	assert_false(r.down);

	assert_true(parse("down # disk full, up 0% maint", &r));
	assert_int_equal(r.said, SLB_AGENT_SAID_HEALTH);
	assert_true(r.down);

	/* Only the first line counts. */
	assert_true(parse("ready\ndrain\n", &r));
	assert_int_equal(r.admin, SPLICELB_AGENT_READY);
	/* Later words win. */
	assert_true(parse("drain ready 10% 20%", &r));
	assert_int_equal(r.admin, SPLICELB_AGENT_READY);
	assert_int_equal(r.pct, 20);
}

/* Unknown words are passed over; a reply of none it knows says nothing. */
static void test_unknown(void **ts)
{
	struct slb_agent_reply r;

	(void)ts;
	assert_true(parse("maxconn:30 up", &r));
	assert_int_equal(r.said, SLB_AGENT_SAID_HEALTH);
	assert_false(parse("hello there\n", &r));
	assert_false(parse("", &r));
	assert_false(parse("\n", &r));
	assert_false(parse("# only a comment", &r));
	assert_false(parse("upx downy 50 %50 5x% -5% 1.5%", &r));
	assert_false(slb_agent_parse((const u8 *)"\0up", 3, &r));
}

/* Shares are capped at 100%, digits bounded, 0% is valid. */
static void test_pct_bounds(void **ts)
{
	struct slb_agent_reply r;

	(void)ts;
	assert_true(parse("0%", &r));
	assert_int_equal(r.pct, 0);
	assert_true(parse("250%", &r));
	assert_int_equal(r.pct, SLB_AGENT_PCT_MAX);
	assert_true(parse("9999999999%", &r));
	assert_int_equal(r.pct, SLB_AGENT_PCT_MAX);
	assert_false(parse("99999999999%", &r));
}

static void test_line_done(void **ts)
{
	(void)ts;
	assert_false(slb_agent_line_done((const u8 *)"up", 2));
	assert_true(slb_agent_line_done((const u8 *)"up\n", 3));
	assert_true(slb_agent_line_done((const u8 *)"up\0", 3));
	assert_false(slb_agent_line_done((const u8 *)"", 0));
}

/* What a reply leaves: parts it did not name stay as they were. */
static void test_apply(void **ts)
{
	struct slb_agent_state st;
	struct slb_agent_reply r;

	(void)ts;
	slb_agent_state_init(&st);
	assert_int_equal(st.pct, 100);
	assert_int_equal(st.admin, SPLICELB_AGENT_READY);
	assert_false(st.down);
	assert_true(slb_agent_available(&st));

	assert_true(parse("50%", &r));
	assert_true(slb_agent_apply(&st, &r));
	assert_false(slb_agent_apply(&st, &r));
	assert_true(parse("drain", &r));
	assert_true(slb_agent_apply(&st, &r));
	assert_int_equal(st.pct, 50);
	assert_false(slb_agent_available(&st));
	assert_true(parse("ready", &r));
	slb_agent_apply(&st, &r);
	assert_true(slb_agent_available(&st));
	assert_int_equal(st.pct, 50);
	assert_true(parse("stopped", &r));
	slb_agent_apply(&st, &r);
	assert_false(slb_agent_available(&st));
	assert_true(parse("maint up", &r));
	slb_agent_apply(&st, &r);
	assert_false(st.down);
	assert_false(slb_agent_available(&st));
	assert_string_equal(slb_agent_admin_name(st.admin), "maint");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_separators_and_case),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_pct_bounds),
		cmocka_unit_test(test_line_done),
		cmocka_unit_test(test_apply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
