// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Unit tests of the configuration file parser (userspace/common/config.c)
 * that lbctl restore and lbselect -c share: whole keywords, the kernel's
 * defaults and limits, the scheduler options, references to services the
 * kernel has, the queue and its timeouts with their units, the slow
 * start, the check with
 * its quoted strings, a backend's agent, the PROXY protocol, a service's
 * source and the families of backends it allows, a refused line leaving
 * the configuration as it was, and what slb_cfg_write() writes reading
 * back the same.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "config.h"

static struct slb_cfg cfg;
static char err[256];

static int line(const char *text)
{
	return slb_cfg_parse_line(&cfg, text, 1, err, sizeof(err));
}

static void assert_refused(const char *text, const char *why)
{
	unsigned int nsvc = cfg.nsvc, nbe = cfg.nbe;

	if (line(text) == 0)
		fail_msg("\"%s\" taken", text);
	if (!strstr(err, why))
		fail_msg("\"%s\": \"%s\", wanted \"%s\"", text, err, why);
	assert_int_equal(cfg.nsvc, nsvc);
	assert_int_equal(cfg.nbe, nbe);
}

static int setup(void **state)
{
	(void)state;
	slb_cfg_init(&cfg, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	slb_cfg_free(&cfg);
	return 0;
}

/*
 * @text, read into cfg, is written as @want, which read back is written
 * the same again.
 */
static void assert_round_trip(const char *text, const char *want)
{
	char out[2048], again[2048];
	struct slb_cfg back;
	FILE *f;

	f = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(f);
	assert_int_equal(slb_cfg_read(&cfg, f, "t.conf", stderr), 0);
	fclose(f);
	f = fmemopen(out, sizeof(out), "w");
	assert_non_null(f);
	slb_cfg_write(f, &cfg);
	fclose(f);
	assert_string_equal(out, want);

	slb_cfg_init(&back, 0);
	f = fmemopen(out, strlen(out), "r");
	assert_non_null(f);
	assert_int_equal(slb_cfg_read(&back, f, "out.conf", stderr), 0);
	fclose(f);
	f = fmemopen(again, sizeof(again), "w");
	assert_non_null(f);
	slb_cfg_write(f, &back);
	fclose(f);
	slb_cfg_free(&back);
	assert_string_equal(again, want);
}

/* What a file leaves out is what the kernel does without it. */
static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(line("service add 10.0.0.1:80"), 0);
	assert_string_equal(cfg.svc[0].sched, SLB_SCHED_DEFAULT);
	assert_int_equal(cfg.svc[0].backlog, SPLICELB_DEFAULT_BACKLOG);
	assert_int_equal(cfg.svc[0].maxconn, 0);
	assert_int_equal(cfg.svc[0].maxqueue, 0);
	assert_int_equal(cfg.svc[0].queue_timeout_ms,
			 SPLICELB_QUEUE_TIMEOUT_DEF_MS);
	assert_int_equal(cfg.svc[0].slowstart_ms, 0);
	assert_int_equal(cfg.svc[0].proxy_protocol, SPLICELB_PROXY_NONE);
	assert_false(cfg.svc[0].accept_proxy);
	assert_int_equal(cfg.svc[0].has, 0);
	assert_int_equal(line("backend add 10.0.1.1:80 service 10.0.0.1:80"),
			 0);
	assert_int_equal(cfg.be[0].weight, SLB_CFG_DEF_WEIGHT);
	assert_int_equal(cfg.be[0].state, SPLICELB_BACKEND_UP);
	assert_int_equal(cfg.be[0].maxconn, 0);
	assert_int_equal(cfg.be[0].agent_port, 0);
	assert_int_equal(cfg.be[0].agent_inter_ms,
			 SPLICELB_AGENT_INTER_DEF_MS);
	assert_int_equal(cfg.be[0].proxy_protocol, SPLICELB_PROXY_INHERIT);
	assert_int_equal(cfg.be[0].has, 0);
	assert_int_equal(line("service add 10.0.0.2:80 backlog 64"), 0);
	assert_int_equal(cfg.svc[1].has, SLB_CFG_HAS_BACKLOG);
}

/* Files never depend on abbreviations, and the limits are the kernel's. */
static void test_whole_words_and_limits(void **state)
{
	(void)state;
	assert_int_equal(line("service add 10.0.0.1:80"), 0);
	assert_refused("serv add 10.0.0.2:80", "unknown command \"serv add\"");
	assert_refused("service a 10.0.0.2:80", "unknown command");
	assert_refused("service add 10.0.0.2:80 sched rr",
		       "unknown service option \"sched\"");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 state d",
		       "bad state \"d\"");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "state drained", "bad state \"drained\"");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "weight 65536", "bad weight \"65536\" (0-65535)");
	assert_refused("service add 10.0.0.2:80 backlog 65536",
		       "bad backlog \"65536\" (1-65535)");
	assert_refused("service add 10.0.0.2:80 scheduler "
		       "abcdefghijklmnop", "bad scheduler name");
	assert_int_equal(line("service add 10.0.0.2:80 scheduler "
			      "abcdefghijklmno"), 0);
	assert_refused("service add 10.0.0.1:80", "already added on line 1");
}

/* Scheduler options: the words, ranges and defaults of the kernel's. */
static void test_sched_opts(void **state)
{
	const struct slb_cfg_service *s;

	(void)state;
	assert_int_equal(line("service add 10.0.0.1:80 scheduler mh "
			      "hash-key addr-port seed 4294967295 "
			      "table-size 7"), 0);
	s = &cfg.svc[0];
	assert_string_equal(s->sched, "mh");
	assert_int_equal(s->opts.hash_key, SPLICELB_HASH_KEY_ADDR_PORT);
	assert_int_equal(s->opts.seed, 4294967295u);
	assert_int_equal(s->opts.table_size, 7);
	assert_int_equal(s->has, SLB_CFG_HAS_SCHED | SLB_CFG_HAS_HASH_KEY |
			 SLB_CFG_HAS_SEED | SLB_CFG_HAS_TABLE_SIZE);
	/* What a line leaves out is the default, whatever the scheduler. */
	assert_int_equal(line("service add 10.0.0.2:80 scheduler sh seed 9"),
			 0);
	s = &cfg.svc[1];
	assert_int_equal(s->opts.hash_key, SPLICELB_HASH_KEY_ADDR);
	assert_int_equal(s->opts.seed, 9);
	assert_int_equal(s->opts.table_size, SPLICELB_MH_TABLE_SIZE);
	assert_int_equal(s->has, SLB_CFG_HAS_SCHED | SLB_CFG_HAS_SEED);
	assert_int_equal(line("service add 10.0.0.3:80"), 0);
	assert_int_equal(cfg.svc[2].opts.table_size, SPLICELB_MH_TABLE_SIZE);
	/* A scheduler unknown here is the applier's to refuse. */
	assert_int_equal(line("service add 10.0.0.4:80 scheduler nosuch "
			      "table-size 8"), 0);
}

static void test_sched_opts_refused(void **state)
{
	(void)state;
	assert_refused("service add 10.0.0.9:80 scheduler sh table-size 7",
		       "scheduler sh: table-size does not apply");
	assert_refused("service add 10.0.0.9:80 scheduler wrr hash-key addr",
		       "scheduler wrr: hash-key does not apply");
	/* Without a scheduler, the line's is the default, on every host. */
	assert_refused("service add 10.0.0.9:80 seed 1",
		       "scheduler " SLB_SCHED_DEFAULT " (the default): seed "
		       "does not apply");
	assert_refused("service add 10.0.0.9:80 scheduler mh "
		       "table-size 65536",
		       "scheduler mh: table-size must be a prime");
	assert_refused("service add 10.0.0.9:80 scheduler mh table-size 6",
		       "bad table-size \"6\" (a prime from 7 to 4194301)");
	assert_refused("service add 10.0.0.9:80 scheduler mh "
		       "table-size 4194302", "bad table-size \"4194302\"");
	assert_refused("service add 10.0.0.9:80 scheduler mh hash-key port",
		       "bad hash-key \"port\" (addr or addr-port)");
	/* Files take whole words only. */
	assert_refused("service add 10.0.0.9:80 scheduler mh hash-key a",
		       "bad hash-key \"a\"");
	assert_refused("service add 10.0.0.9:80 scheduler mh seed "
		       "4294967296", "bad seed \"4294967296\" (0-4294967295)");
	assert_refused("service add 10.0.0.9:80 scheduler mh seed -1",
		       "bad seed \"-1\"");
	assert_refused("service add 10.0.0.9:80 scheduler mh seed 1 seed 2",
		       "\"seed\" given twice");
	assert_refused("service add 10.0.0.9:80 scheduler mh table-size",
		       "\"table-size\" needs a value");
}

/* What slb_cfg_write() writes, read back, is written the same. */
static void test_sched_opts_round_trip(void **state)
{
	static const char text[] =
		"service add 10.0.0.1:80 scheduler mh seed 7\n"
		"service add [2001:db8::1]:80 scheduler sh hash-key addr-port\n"
		"service add 10.0.0.3:80 maxconn 5\n"
		"service add 10.0.0.4:80 scheduler nosuch seed 3\n";
	static const char want[] =
		"service add 10.0.0.1:80 scheduler mh hash-key addr seed 7 "
		"table-size 65537 backlog 511 maxconn 0 maxqueue 0 "
		"queue-timeout 5s\n"
		"service add [2001:db8::1]:80 scheduler sh hash-key addr-port "
		"seed 0 backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s\n"
		"service add 10.0.0.3:80 scheduler rr backlog 511 maxconn 5 "
		"maxqueue 0 queue-timeout 5s\n"
		"service add 10.0.0.4:80 scheduler nosuch seed 3 backlog 511 "
		"maxconn 0 maxqueue 0 queue-timeout 5s\n";
	(void)state;
	assert_round_trip(text, want);
}

/* A hash key without a word, a newer kernel's, is written to fail. */
static void test_sched_opts_unknown_key(void **state)
{
	struct slb_sched_opts opts;
	char out[128];
	FILE *f;

	(void)state;
	slb_sched_opts_default(&opts);
	opts.hash_key = 2;
	f = fmemopen(out, sizeof(out), "w");
	assert_non_null(f);
	slb_cfg_write_sched_opts(f, &opts, SLB_SCHED_OPT_HASH_KEY |
				 SLB_SCHED_OPT_TABLE_SIZE);
	fclose(f);
	assert_string_equal(out, " hash-key 2 table-size 65537");
	assert_null(slb_cfg_hash_key_name(2));
	assert_string_equal(slb_cfg_hash_key_name(SPLICELB_HASH_KEY_ADDR_PORT),
			    "addr-port");
	assert_refused("service add 10.0.0.9:80 scheduler mh hash-key 2",
		       "bad hash-key \"2\"");
}

/* A service's queue and a backend's limit, with the units of TIME. */
static void test_queue(void **state)
{
	const struct slb_cfg_service *s;

	(void)state;
	assert_int_equal(line("service add 10.0.0.1:80 maxqueue 4294967295 "
			      "queue-timeout 250"), 0);
	s = &cfg.svc[0];
	assert_int_equal(s->maxqueue, 4294967295u);
	assert_int_equal(s->queue_timeout_ms, 250);
	assert_int_equal(s->has, SLB_CFG_HAS_MAXQUEUE |
			 SLB_CFG_HAS_QUEUE_TIMEOUT);
	assert_int_equal(line("service add 10.0.0.2:80 queue-timeout 250ms"),
			 0);
	assert_int_equal(cfg.svc[1].queue_timeout_ms, 250);
	assert_int_equal(cfg.svc[1].maxqueue, 0);
	assert_int_equal(cfg.svc[1].has, SLB_CFG_HAS_QUEUE_TIMEOUT);
	assert_int_equal(line("service add 10.0.0.3:80 queue-timeout 3600s "
			      "maxqueue 0"), 0);
	assert_int_equal(cfg.svc[2].queue_timeout_ms, 3600000);
	assert_int_equal(line("service add 10.0.0.4:80 queue-timeout 1ms"),
			 0);
	assert_int_equal(cfg.svc[3].queue_timeout_ms, 1);
	assert_int_equal(line("service add 10.0.0.5:80 queue-timeout "
			      "3600000"), 0);
	assert_int_equal(cfg.svc[4].queue_timeout_ms,
			 SPLICELB_QUEUE_TIMEOUT_MAX_MS);
	assert_int_equal(line("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			      "maxconn 4294967295 weight 2"), 0);
	assert_int_equal(cfg.be[0].maxconn, 4294967295u);
	assert_int_equal(cfg.be[0].has, SLB_CFG_HAS_MAXCONN |
			 SLB_CFG_HAS_WEIGHT);
	/* A service line with every option fits. */
	assert_int_equal(line("service add 10.0.0.6:80 scheduler mh "
			      "hash-key addr seed 1 table-size 7 backlog 9 "
			      "maxconn 3 maxqueue 2 queue-timeout 1s"), 0);
	assert_int_equal(cfg.svc[5].has, SLB_CFG_HAS_SCHED |
			 SLB_CFG_HAS_HASH_KEY | SLB_CFG_HAS_SEED |
			 SLB_CFG_HAS_TABLE_SIZE | SLB_CFG_HAS_BACKLOG |
			 SLB_CFG_HAS_MAXCONN | SLB_CFG_HAS_MAXQUEUE |
			 SLB_CFG_HAS_QUEUE_TIMEOUT);
}

static void test_queue_refused(void **state)
{
	(void)state;
	assert_int_equal(line("service add 10.0.0.1:80"), 0);
	assert_refused("service add 10.0.0.9:80 queue-timeout 0",
		       "bad queue-timeout \"0\" (1ms-3600s, as 250, 250ms "
		       "or 5s)");
	assert_refused("service add 10.0.0.9:80 queue-timeout 0s",
		       "bad queue-timeout \"0s\"");
	assert_refused("service add 10.0.0.9:80 queue-timeout 0ms",
		       "bad queue-timeout \"0ms\"");
	assert_refused("service add 10.0.0.9:80 queue-timeout 3601s",
		       "bad queue-timeout \"3601s\"");
	assert_refused("service add 10.0.0.9:80 queue-timeout 3600001",
		       "bad queue-timeout \"3600001\"");
	assert_refused("service add 10.0.0.9:80 queue-timeout "
		       "18446744073709551616s", "bad queue-timeout");
	assert_refused("service add 10.0.0.9:80 queue-timeout 4294968s",
		       "bad queue-timeout");
	assert_refused("service add 10.0.0.9:80 queue-timeout 5m",
		       "bad queue-timeout \"5m\"");
	assert_refused("service add 10.0.0.9:80 queue-timeout 1.5s",
		       "bad queue-timeout");
	assert_refused("service add 10.0.0.9:80 queue-timeout s",
		       "bad queue-timeout");
	assert_refused("service add 10.0.0.9:80 queue-timeout -1",
		       "bad queue-timeout");
	assert_refused("service add 10.0.0.9:80 queue-timeout 5sms",
		       "bad queue-timeout");
	assert_refused("service add 10.0.0.9:80 queue-timeout 5S",
		       "bad queue-timeout");
	assert_refused("service add 10.0.0.9:80 queue-timeout",
		       "\"queue-timeout\" needs a value");
	assert_refused("service add 10.0.0.9:80 queue-timeout 1 "
		       "queue-timeout 2", "\"queue-timeout\" given twice");
	assert_refused("service add 10.0.0.9:80 maxqueue 4294967296",
		       "bad maxqueue \"4294967296\" (0 = no queue)");
	assert_refused("service add 10.0.0.9:80 maxqueue -1",
		       "bad maxqueue");
	/* Whole words, and each object's own options. */
	assert_refused("service add 10.0.0.9:80 maxq 1",
		       "unknown service option \"maxq\"");
	assert_refused("service add 10.0.0.9:80 queue-timeout-ms 5",
		       "unknown service option \"queue-timeout-ms\"");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "maxqueue 1", "unknown backend option \"maxqueue\"");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "maxconn 4294967296", "bad maxconn \"4294967296\"");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "maxconn 1 maxconn 1", "\"maxconn\" given twice");
}

/* A timeout is written in seconds when it is whole ones. */
static void test_queue_round_trip(void **state)
{
	static const char text[] =
		"service add 10.0.0.1:80 maxqueue 7 queue-timeout 250\n"
		"service add 10.0.0.2:80 queue-timeout 60000ms\n"
		"service add 10.0.0.3:80 queue-timeout 1001ms\n"
		"backend add 10.0.1.1:80 service 10.0.0.1:80 maxconn 3\n";
	static const char want[] =
		"service add 10.0.0.1:80 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 7 queue-timeout 250ms\n"
		"service add 10.0.0.2:80 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 60s\n"
		"service add 10.0.0.3:80 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 1001ms\n"
		"backend add 10.0.1.1:80 service 10.0.0.1:80 weight 1 "
		"state up maxconn 3\n";
	char t[SLB_CFG_TIMEOUT_STRLEN];

	(void)state;
	assert_round_trip(text, want);

	assert_string_equal(slb_cfg_timeout_str(SPLICELB_QUEUE_TIMEOUT_MAX_MS,
						t, sizeof(t)), "3600s");
	assert_string_equal(slb_cfg_timeout_str(1, t, sizeof(t)), "1ms");
	assert_string_equal(slb_cfg_timeout_str(0, t, sizeof(t)), "0");
}

/* A slow start: 0 (none) to an hour, in the units of TIME. */
static void test_slowstart(void **state)
{
	(void)state;
	assert_int_equal(line("service add 10.0.0.1:80 slowstart 0"), 0);
	assert_int_equal(cfg.svc[0].slowstart_ms, 0);
	assert_int_equal(cfg.svc[0].has, SLB_CFG_HAS_SLOWSTART);
	assert_int_equal(line("service add 10.0.0.2:80 slowstart 250ms"), 0);
	assert_int_equal(cfg.svc[1].slowstart_ms, 250);
	assert_int_equal(line("service add 10.0.0.3:80 slowstart 10s "
			      "queue-timeout 1s"), 0);
	assert_int_equal(cfg.svc[2].slowstart_ms, 10000);
	assert_int_equal(cfg.svc[2].queue_timeout_ms, 1000);
	assert_int_equal(cfg.svc[2].has, SLB_CFG_HAS_SLOWSTART |
			 SLB_CFG_HAS_QUEUE_TIMEOUT);
	assert_int_equal(line("service add 10.0.0.4:80 slowstart 3600s"), 0);
	assert_int_equal(cfg.svc[3].slowstart_ms, SPLICELB_SLOWSTART_MAX_MS);
	assert_int_equal(line("service add 10.0.0.5:80 slowstart 250"), 0);
	assert_int_equal(cfg.svc[4].slowstart_ms, 250);
	assert_int_equal(line("service add 10.0.0.6:80 slowstart 0s"), 0);
	assert_int_equal(cfg.svc[5].slowstart_ms, 0);
}

static void test_slowstart_refused(void **state)
{
	(void)state;
	assert_refused("service add 10.0.0.9:80 slowstart 3601s",
		       "bad slowstart \"3601s\" (0-3600s, as 250, 250ms "
		       "or 5s)");
	assert_refused("service add 10.0.0.9:80 slowstart 3600001",
		       "bad slowstart \"3600001\"");
	assert_refused("service add 10.0.0.9:80 slowstart 5m",
		       "bad slowstart \"5m\" (0-3600s, as 250, 250ms or 5s)");
	assert_refused("service add 10.0.0.9:80 slowstart -1",
		       "bad slowstart \"-1\"");
	assert_refused("service add 10.0.0.9:80 slowstart",
		       "\"slowstart\" needs a value");
	assert_refused("service add 10.0.0.9:80 slowstart 1s slowstart 2s",
		       "\"slowstart\" given twice");
	assert_refused("service add 10.0.0.9:80 slowstart 0 slowstart 0",
		       "\"slowstart\" given twice");
	/* Whole words, and a service's only. */
	assert_refused("service add 10.0.0.9:80 slow 1s",
		       "unknown service option \"slow\"");
	assert_int_equal(line("service add 10.0.0.1:80"), 0);
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "slowstart 1s", "unknown backend option \"slowstart\"");
}

/* Written after the queue, only when there is one. */
static void test_slowstart_round_trip(void **state)
{
	static const char text[] =
		"service add 10.0.0.1:80 slowstart 10000\n"
		"service add 10.0.0.2:80 slowstart 0\n"
		"service add 10.0.0.3:80 slowstart 250 check tcp\n"
		"service add 10.0.0.4:80 slowstart 3600s scheduler wrr\n"
		"service add 10.0.0.5:80 scheduler mh slowstart 1s check "
		"send a expect b\n";
	static const char want[] =
		"service add 10.0.0.1:80 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 5s slowstart 10s\n"
		"service add 10.0.0.2:80 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 5s\n"
		"service add 10.0.0.3:80 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 5s slowstart 250ms check tcp "
		"inter 2s timeout 0 rise 2 fall 3 fastinter 0 downinter 0 "
		"observe 0\n"
		"service add 10.0.0.4:80 scheduler wrr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 5s slowstart 3600s\n"
		/* The longest line save writes, every word of it. */
		"service add 10.0.0.5:80 scheduler mh hash-key addr seed 0 "
		"table-size 65537 backlog 511 maxconn 0 maxqueue 0 "
		"queue-timeout 5s slowstart 1s check send \"a\" expect \"b\" "
		"inter 2s timeout 0 rise 2 fall 3 fastinter 0 downinter 0 "
		"observe 0\n";
	char out[64];
	FILE *f;

	(void)state;
	assert_round_trip(text, want);

	f = fmemopen(out, sizeof(out), "w");
	assert_non_null(f);
	slb_cfg_write_slowstart(f, 0);
	slb_cfg_write_slowstart(f, 1001);
	fclose(f);
	assert_string_equal(out, " slowstart 1001ms");
}

/* A check's string is the @n bytes @want. */
static void assert_bytes(const u8 *got, u16 len, const char *want, size_t n)
{
	assert_int_equal(len, n);
	assert_memory_equal(got, want, n);
}

/* A service's check: the clause, its parameters, the defaults. */
static void test_check(void **state)
{
	const struct slb_cfg_service *s;

	(void)state;
	assert_int_equal(line("service add 10.0.0.1:80"), 0);
	s = &cfg.svc[0];
	assert_int_equal(s->check.type, SPLICELB_CHECK_NONE);
	assert_int_equal(s->check.inter_ms, SPLICELB_CHECK_INTER_DEF_MS);
	assert_int_equal(s->check.rise, SPLICELB_CHECK_RISE_DEF);
	assert_int_equal(s->check.fall, SPLICELB_CHECK_FALL_DEF);
	assert_int_equal(s->check.timeout_ms, 0);
	assert_int_equal(s->check_given, 0);

	assert_int_equal(line("service add 10.0.0.2:80 check tcp inter 5s "
			      "timeout 250 rise 1 fall 100 fastinter 10ms "
			      "downinter 3600s"), 0);
	s = &cfg.svc[1];
	assert_int_equal(s->check.type, SPLICELB_CHECK_TCP);
	assert_int_equal(s->check.inter_ms, 5000);
	assert_int_equal(s->check.timeout_ms, 250);
	assert_int_equal(s->check.rise, 1);
	assert_int_equal(s->check.fall, 100);
	assert_int_equal(s->check.fastinter_ms, 10);
	assert_int_equal(s->check.downinter_ms, 3600000);
	assert_int_equal(s->check_given, SLB_CHECK_SET_TYPE |
			 SLB_CHECK_SET_SEND | SLB_CHECK_SET_EXPECT |
			 SLB_CHECK_SET_INTER | SLB_CHECK_SET_TIMEOUT |
			 SLB_CHECK_SET_RISE | SLB_CHECK_SET_FALL |
			 SLB_CHECK_SET_FASTINTER | SLB_CHECK_SET_DOWNINTER);
	assert_int_equal(s->has, 0);

	/* Redis: escapes in a quoted string, the reply a plain word. */
	assert_int_equal(line("service add 10.0.0.3:6379 check send "
			      "\"PING\\r\\n\" expect +PONG timeout 0"), 0);
	s = &cfg.svc[2];
	assert_int_equal(s->check.type, SPLICELB_CHECK_SEND_EXPECT);
	assert_bytes(s->check.send, s->check.send_len, "PING\r\n", 6);
	assert_bytes(s->check.expect, s->check.expect_len, "+PONG", 5);
	/* A banner: nothing sent. */
	assert_int_equal(line("service add 10.0.0.4:22 check expect SSH-"), 0);
	s = &cfg.svc[3];
	assert_int_equal(s->check.type, SPLICELB_CHECK_SEND_EXPECT);
	assert_int_equal(s->check.send_len, 0);
	assert_bytes(s->check.expect, s->check.expect_len, "SSH-", 4);
	/* The check may come anywhere among the other options. */
	assert_int_equal(line("service add 10.0.0.5:80 inter 1s check none "
			      "scheduler wrr"), 0);
	assert_int_equal(cfg.svc[4].check.inter_ms, 1000);
	assert_string_equal(cfg.svc[4].sched, "wrr");
	assert_int_equal(line("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			      "check-port 8080"), 0);
	assert_int_equal(cfg.be[0].check_port, 8080);
	assert_int_equal(cfg.be[0].has, SLB_CFG_HAS_CHECK_PORT);
	assert_int_equal(line("backend add 10.0.1.2:80 service 10.0.0.1:80 "
			      "check-port 0"), 0);
	assert_int_equal(cfg.be[1].check_port, 0);
}

/* Strings: blanks, '#' and quotes inside them, as bytes of every value. */
static void test_check_strings(void **state)
{
	const struct slb_check_params *c;

	(void)state;
	assert_int_equal(line("service add 10.0.0.1:80 check send "
			      "\"GET /health HTTP/1.0\\r\\n\\r\\n\" expect "
			      "\" 200 \"  # an HTTP check"), 0);
	c = &cfg.svc[0].check;
	assert_bytes(c->send, c->send_len, "GET /health HTTP/1.0\r\n\r\n", 24);
	assert_bytes(c->expect, c->expect_len, " 200 ", 5);
	assert_int_equal(line("service add 10.0.0.2:80 check send "
			      "\"say \\\"#1\\\"\\t\\x00\\xff\"\t"
			      "expect \"\\\\\"#comment"), 0);
	c = &cfg.svc[1].check;
	assert_bytes(c->send, c->send_len, "say \"#1\"\t\0\xff", 11);
	assert_bytes(c->expect, c->expect_len, "\\", 1);
	/* An empty send is a banner check's. */
	assert_int_equal(line("service add 10.0.0.3:80 check send \"\" "
			      "expect ok"), 0);
	assert_int_equal(cfg.svc[2].check.send_len, 0);
	/* Outside quotes, '#' still starts a comment. */
	assert_int_equal(line("service add 10.0.0.4:80 check expect ok#no"),
			 0);
	assert_int_equal(cfg.svc[3].check.expect_len, 2);
	assert_refused("service add 10.0.0.9:80 check expect \"open",
		       "a string without its closing quote");
	assert_refused("service add 10.0.0.9:80 check expect \"a\\\"",
		       "a string without its closing quote");
	assert_refused("service add 10.0.0.9:80 check expect \"a\"b",
		       "a closing quote not followed by a blank");
	assert_refused("service add 10.0.0.9:80 check expect \"\\q\"",
		       "bad check expect string \"\\q\" (at most 512 bytes, "
		       "escapes \\r \\n \\t \\0 \\\\ \\\" \\xHH)");
	assert_refused("service add 10.0.0.9:80 check expect \\x4",
		       "bad check expect string");
}

/*
 * The longest strings, each byte an escape, and the longest source fit
 * a line; one byte more not.
 */
static void test_check_longest(void **state)
{
	static char text[8192], pool[SLB_SOURCE_STRLEN];
	size_t n = 0;
	int i;

	(void)state;
	for (i = 0; i < SPLICELB_SOURCE_ADDRS_MAX; i++)
		n += (size_t)snprintf(pool + n, sizeof(pool) - n, "%sfdff:ffff:"
				      "ffff:ffff:ffff:ffff:255.255.255.%d",
				      i ? "," : "", 200 + i);
	n = (size_t)snprintf(text, sizeof(text), "service add 10.0.0.1:80 "
			     "scheduler mh hash-key addr-port seed 4294967295 "
			     "table-size 4194301 backlog 65535 maxconn "
			     "4294967295 maxqueue 4294967295 queue-timeout "
			     "3600s slowstart 3600s proxy-protocol none "
			     "accept-proxy off source %s "
			     "inter 3600s timeout 3600s "
			     "rise 100 fall 100 fastinter 3600s downinter "
			     "3600s observe 100 check send \"", pool);
	for (i = 0; i < SPLICELB_CHECK_DATA_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\\x01");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\" expect \"");
	for (i = 0; i < SPLICELB_CHECK_DATA_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\\xff");
	snprintf(text + n, sizeof(text) - n, "\"");
	assert_int_equal(line(text), 0);
	assert_int_equal(cfg.svc[0].check.send_len, SPLICELB_CHECK_DATA_MAX);
	assert_int_equal(cfg.svc[0].check.expect_len, SPLICELB_CHECK_DATA_MAX);
	assert_int_equal(cfg.svc[0].source.pool.n, SPLICELB_SOURCE_ADDRS_MAX);
	/* A byte too many: the string's bytes, not the line, are too long. */
	memcpy(strstr(text, "10.0.0.1"), "10.0.0.2", 8);
	strcpy(text + strlen(text) - 1, "x\"");
	assert_refused(text, "bad check expect string");
}

static void test_check_refused(void **state)
{
	(void)state;
	assert_int_equal(line("service add 10.0.0.1:80"), 0);
	assert_refused("service add 10.0.0.9:80 check",
		       "\"check\" needs tcp, none, send STR expect STR or "
		       "expect STR");
	assert_refused("service add 10.0.0.9:80 check http",
		       "bad check \"http\" (tcp, none, send STR expect STR "
		       "or expect STR)");
	/* Whole words in files. */
	assert_refused("service add 10.0.0.9:80 check t", "bad check \"t\"");
	assert_refused("service add 10.0.0.9:80 int 2s",
		       "unknown service option \"int\"");
	assert_refused("service add 10.0.0.9:80 check send PING",
		       "\"check send\" needs STR expect STR");
	assert_refused("service add 10.0.0.9:80 check send PING inter 2s",
		       "\"check send\" needs STR expect STR");
	assert_refused("service add 10.0.0.9:80 check expect",
		       "\"check expect\" needs STR");
	assert_refused("service add 10.0.0.9:80 check send x expect \"\"",
		       "a send-expect check needs an expect string");
	assert_refused("service add 10.0.0.9:80 check tcp check none",
		       "\"check\" given twice");
	assert_refused("service add 10.0.0.9:80 rise 2 rise 3",
		       "\"rise\" given twice");
	assert_refused("service add 10.0.0.9:80 inter 9",
		       "bad inter \"9\": check inter must be 10 ms to 1 hour");
	assert_refused("service add 10.0.0.9:80 inter 0",
		       "bad inter \"0\": check inter must be");
	assert_refused("service add 10.0.0.9:80 inter 3601s",
		       "bad inter \"3601s\": check inter must be");
	assert_refused("service add 10.0.0.9:80 inter 2m",
		       "bad inter \"2m\" (TIME: 250, 250ms or 5s)");
	assert_refused("service add 10.0.0.9:80 timeout 9ms",
		       "bad timeout \"9ms\": check timeout must be");
	assert_refused("service add 10.0.0.9:80 fastinter 5",
		       "bad fastinter \"5\"");
	assert_refused("service add 10.0.0.9:80 downinter 99999999999s",
		       "bad downinter");
	assert_refused("service add 10.0.0.9:80 rise 0",
		       "bad rise \"0\": check rise must be 1 to 100");
	assert_refused("service add 10.0.0.9:80 fall 101",
		       "bad fall \"101\": check fall must be 1 to 100");
	assert_refused("service add 10.0.0.9:80 fall 1s",
		       "bad fall \"1s\" (a number)");
	assert_refused("service add 10.0.0.9:80 fall",
		       "\"fall\" needs a value");
	assert_refused("service add 10.0.0.9:80 check-port 80",
		       "unknown service option \"check-port\"");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "check tcp", "unknown backend option \"check\"");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "inter 1s", "unknown backend option \"inter\"");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "check-port 65536",
		       "bad check-port \"65536\" (0-65535, 0 = its own)");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "check-port 1 check-port 2",
		       "\"check-port\" given twice");
}

/*
 * What slb_cfg_write() writes of a check reads back the same: every
 * parameter once there is a check, none where there never was, strings
 * escaped in quotes, a check-port only when set.
 */
static void test_check_round_trip(void **state)
{
	static const char text[] =
		"service add 10.0.0.1:80 check tcp\n"
		"service add 10.0.0.2:80 inter 500 check send "
		"\"GET / HTTP/1.0\\r\\n\\r\\n\" expect \" 200 \" fastinter 1s\n"
		"service add 10.0.0.3:22 check expect \"SSH-\\x00\\\"#\"\n"
		"service add 10.0.0.4:80 check none\n"
		"service add 10.0.0.5:80 rise 5\n"
		"backend add 10.0.1.1:80 service 10.0.0.1:80 check-port 81\n"
		"backend add 10.0.1.2:80 service 10.0.0.1:80 check-port 0\n";
	static const char want[] =
		"service add 10.0.0.1:80 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 5s check tcp inter 2s timeout 0 "
		"rise 2 fall 3 fastinter 0 downinter 0 observe 0\n"
		"service add 10.0.0.2:80 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 5s check send "
		"\"GET / HTTP/1.0\\r\\n\\r\\n\" expect \" 200 \" inter 500ms "
		"timeout 0 rise 2 fall 3 fastinter 1s downinter 0 observe 0\n"
		"service add 10.0.0.3:22 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 5s check expect \"SSH-\\x00\\\"#\" "
		"inter 2s timeout 0 rise 2 fall 3 fastinter 0 downinter 0 observe 0\n"
		"service add 10.0.0.4:80 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 5s\n"
		"service add 10.0.0.5:80 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 5s check none inter 2s timeout 0 "
		"rise 5 fall 3 fastinter 0 downinter 0 observe 0\n"
		"backend add 10.0.1.1:80 service 10.0.0.1:80 weight 1 "
		"state up maxconn 0 check-port 81\n"
		"backend add 10.0.1.2:80 service 10.0.0.1:80 weight 1 "
		"state up maxconn 0\n";
	(void)state;
	assert_round_trip(text, want);
}

/* A backend's agent: a port, 0 for none, polled as often as a check. */
static void test_agent(void **state)
{
	static const unsigned int ports[] = { 0, 1, 9999, 65535 };
	static const char *const inters[] = {
		"10ms", "10", "500ms", "2s", "3600s", "3600000",
	};
	static const unsigned int ms[] = { 10, 10, 500, 2000, 3600000,
					   3600000 };
	const struct slb_cfg_backend *b;
	char text[128];
	unsigned int i, n = 0;

	(void)state;
	assert_int_equal(line("service add 10.0.0.1:80"), 0);
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++, n++) {
		snprintf(text, sizeof(text), "backend add 10.0.1.%u:80 "
			 "service 10.0.0.1:80 agent-port %u", n, ports[i]);
		assert_int_equal(line(text), 0);
		b = &cfg.be[n];
		assert_int_equal(b->agent_port, ports[i]);
		assert_int_equal(b->agent_inter_ms,
				 SPLICELB_AGENT_INTER_DEF_MS);
		assert_int_equal(b->has, SLB_CFG_HAS_AGENT_PORT);
	}
	for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++, n++) {
		snprintf(text, sizeof(text), "backend add 10.0.1.%u:80 "
			 "service 10.0.0.1:80 agent-inter %s agent-port 9999",
			 n, inters[i]);
		assert_int_equal(line(text), 0);
		b = &cfg.be[n];
		assert_int_equal(b->agent_port, 9999);
		assert_int_equal(b->agent_inter_ms, ms[i]);
		assert_int_equal(b->has, SLB_CFG_HAS_AGENT_PORT |
				 SLB_CFG_HAS_AGENT_INTER);
	}
	/* With a check-port, which the agent's is not. */
	assert_int_equal(line("backend add 10.0.2.1:80 service 10.0.0.1:80 "
			      "check-port 8080 agent-port 9999"), 0);
	b = &cfg.be[n];
	assert_int_equal(b->check_port, 8080);
	assert_int_equal(b->agent_port, 9999);
}

static void test_agent_refused(void **state)
{
	(void)state;
	assert_int_equal(line("service add 10.0.0.1:80"), 0);
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "agent-port 65536",
		       "bad agent-port \"65536\" (0-65535, 0 = no agent)");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "agent-port -1",
		       "bad agent-port \"-1\" (0-65535, 0 = no agent)");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "agent-port 99s", "bad agent-port \"99s\"");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "agent-inter 9",
		       "bad agent-inter \"9\" (10ms-3600s, as 250, 250ms "
		       "or 5s)");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "agent-inter 0", "bad agent-inter \"0\" (10ms-3600s");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "agent-inter 3601s", "bad agent-inter \"3601s\"");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "agent-inter 3600001", "bad agent-inter \"3600001\"");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "agent-inter 2m",
		       "bad agent-inter \"2m\" (10ms-3600s, as 250, 250ms "
		       "or 5s)");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "agent-port", "\"agent-port\" needs a value");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "agent-inter", "\"agent-inter\" needs a value");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "agent-port 1 agent-port 2",
		       "\"agent-port\" given twice");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "agent-inter 1s agent-inter 1s",
		       "\"agent-inter\" given twice");
	/* Whole words, and a backend's only. */
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "agent 9999", "unknown backend option \"agent\"");
	assert_refused("service add 10.0.0.9:80 agent-port 9999",
		       "unknown service option \"agent-port\"");
	assert_refused("service add 10.0.0.9:80 agent-inter 1s",
		       "unknown service option \"agent-inter\"");
}

/*
 * Written after the check-port, only with an agent, its agent-inter only
 * when not the default: lines without one are written as before.
 */
static void test_agent_round_trip(void **state)
{
	static const char text[] =
		"service add 10.0.0.1:80\n"
		"backend add 10.0.1.1:80 service 10.0.0.1:80 agent-port 9999 "
		"agent-inter 500\n"
		"backend add 10.0.1.2:80 service 10.0.0.1:80 agent-inter 2s "
		"agent-port 9999\n"
		"backend add 10.0.1.3:80 service 10.0.0.1:80 agent-port 0 "
		"agent-inter 1s\n"
		"backend add 10.0.1.4:80 service 10.0.0.1:80\n"
		/* The longest backend line, every option at its longest. */
		"backend add [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 "
		"service 10.0.0.1:80 weight 65535 state drain maxconn "
		"4294967295 check-port 65535 agent-port 65535 agent-inter "
		"3600000ms\n";
	static const char want[] =
		"service add 10.0.0.1:80 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 5s\n"
		"backend add 10.0.1.1:80 service 10.0.0.1:80 weight 1 "
		"state up maxconn 0 agent-port 9999 agent-inter 500ms\n"
		"backend add 10.0.1.2:80 service 10.0.0.1:80 weight 1 "
		"state up maxconn 0 agent-port 9999\n"
		"backend add 10.0.1.3:80 service 10.0.0.1:80 weight 1 "
		"state up maxconn 0\n"
		"backend add 10.0.1.4:80 service 10.0.0.1:80 weight 1 "
		"state up maxconn 0\n"
		"backend add [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 "
		"service 10.0.0.1:80 weight 65535 state drain maxconn "
		"4294967295 check-port 65535 agent-port 65535 agent-inter "
		"3600s\n";
	char out[128];
	FILE *f;

	(void)state;
	assert_round_trip(text, want);

	f = fmemopen(out, sizeof(out), "w");
	assert_non_null(f);
	slb_cfg_write_agent(f, 0, 500);
	slb_cfg_write_agent(f, 1, SPLICELB_AGENT_INTER_DEF_MS);
	slb_cfg_write_agent(f, 2, 10);
	slb_cfg_write_agent(f, 3, 1001);
	fclose(f);
	assert_string_equal(out, " agent-port 1 agent-port 2 agent-inter 10ms "
			    "agent-port 3 agent-inter 1001ms");
}

/* The PROXY protocol: whole words, a service's two, a backend's one. */
static void test_proxy(void **state)
{
	static const char *const names[] = { "none", "v1", "v2", "inherit" };
	char text[128];
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "service add 10.0.0.%u:80 "
			 "proxy-protocol %s", i + 1, names[i]);
		assert_int_equal(line(text), 0);
		assert_int_equal(cfg.svc[i].proxy_protocol, i);
		assert_false(cfg.svc[i].accept_proxy);
		assert_int_equal(cfg.svc[i].has, SLB_CFG_HAS_PROXY_PROTOCOL);
	}
	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "backend add 10.0.1.%u:80 "
			 "service 10.0.0.1:80 proxy-protocol %s", i + 1,
			 names[i]);
		assert_int_equal(line(text), 0);
		assert_int_equal(cfg.be[i].proxy_protocol, i);
		assert_int_equal(cfg.be[i].has, SLB_CFG_HAS_PROXY_PROTOCOL);
	}
	assert_int_equal(line("service add 10.0.0.4:80 accept-proxy on "
			      "proxy-protocol v2"), 0);
	assert_true(cfg.svc[3].accept_proxy);
	assert_int_equal(cfg.svc[3].proxy_protocol, SPLICELB_PROXY_V2);
	assert_int_equal(cfg.svc[3].has, SLB_CFG_HAS_ACCEPT_PROXY |
			 SLB_CFG_HAS_PROXY_PROTOCOL);
	assert_int_equal(line("service add 10.0.0.5:80 accept-proxy off"), 0);
	assert_false(cfg.svc[4].accept_proxy);
	assert_int_equal(cfg.svc[4].has, SLB_CFG_HAS_ACCEPT_PROXY);
}

static void test_proxy_refused(void **state)
{
	(void)state;
	/* A service has nothing to inherit from. */
	assert_refused("service add 10.0.0.9:80 proxy-protocol inherit",
		       "bad proxy-protocol \"inherit\" (none, v1 or v2)");
	assert_refused("service add 10.0.0.9:80 proxy-protocol v3",
		       "bad proxy-protocol \"v3\" (none, v1 or v2)");
	assert_refused("service add 10.0.0.9:80 proxy-protocol V1",
		       "bad proxy-protocol \"V1\"");
	assert_refused("service add 10.0.0.9:80 proxy-protocol 1",
		       "bad proxy-protocol \"1\"");
	assert_refused("service add 10.0.0.9:80 accept-proxy yes",
		       "bad accept-proxy \"yes\" (on or off)");
	assert_refused("service add 10.0.0.9:80 accept-proxy 1",
		       "bad accept-proxy \"1\" (on or off)");
	assert_refused("service add 10.0.0.9:80 proxy-protocol",
		       "\"proxy-protocol\" needs a value");
	assert_refused("service add 10.0.0.9:80 accept-proxy",
		       "\"accept-proxy\" needs a value");
	assert_refused("service add 10.0.0.9:80 proxy-protocol v1 "
		       "proxy-protocol v1", "\"proxy-protocol\" given twice");
	assert_refused("service add 10.0.0.9:80 accept-proxy on "
		       "accept-proxy off", "\"accept-proxy\" given twice");
	/* Whole words, and accept-proxy a service's only. */
	assert_refused("service add 10.0.0.9:80 proxy v1",
		       "unknown service option \"proxy\"");
	assert_refused("service add 10.0.0.9:80 proxy-protocol v",
		       "bad proxy-protocol \"v\"");
	assert_refused("service add 10.0.0.9:80 accept-proxy o",
		       "bad accept-proxy \"o\"");
	assert_int_equal(line("service add 10.0.0.1:80"), 0);
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "proxy-protocol v3", "bad proxy-protocol \"v3\" "
		       "(none, v1, v2 or inherit)");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "proxy-protocol i", "bad proxy-protocol \"i\"");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "proxy-protocol v1 proxy-protocol v2",
		       "\"proxy-protocol\" given twice");
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "accept-proxy on", "unknown backend option "
		       "\"accept-proxy\"");
}

/*
 * Written after the slowstart and after the check-port, only when not the
 * default: lines without them are written as before.
 */
static void test_proxy_round_trip(void **state)
{
	static const char text[] =
		"service add 10.0.0.1:80 proxy-protocol v1\n"
		"service add 10.0.0.2:80 accept-proxy on proxy-protocol none\n"
		"service add 10.0.0.3:80 accept-proxy off proxy-protocol v2 "
		"check tcp slowstart 1s\n"
		"backend add 10.0.1.1:80 service 10.0.0.1:80 "
		"proxy-protocol inherit\n"
		"backend add 10.0.1.2:80 service 10.0.0.1:80 agent-port 9 "
		"proxy-protocol none check-port 81\n"
		"backend add 10.0.1.3:80 service 10.0.0.2:80 "
		"proxy-protocol v2\n";
	static const char want[] =
		"service add 10.0.0.1:80 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 5s proxy-protocol v1\n"
		"service add 10.0.0.2:80 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 5s accept-proxy on\n"
		"service add 10.0.0.3:80 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 5s slowstart 1s proxy-protocol v2 "
		"check tcp inter 2s timeout 0 rise 2 fall 3 fastinter 0 "
		"downinter 0 observe 0\n"
		"backend add 10.0.1.1:80 service 10.0.0.1:80 weight 1 "
		"state up maxconn 0\n"
		"backend add 10.0.1.2:80 service 10.0.0.1:80 weight 1 "
		"state up maxconn 0 check-port 81 proxy-protocol none "
		"agent-port 9\n"
		"backend add 10.0.1.3:80 service 10.0.0.2:80 weight 1 "
		"state up maxconn 0 proxy-protocol v2\n";

	(void)state;
	assert_round_trip(text, want);
}

/* Only what is not the default; a version of a newer kernel by number. */
static void test_proxy_write(void **state)
{
	char out[128];
	FILE *f = fmemopen(out, sizeof(out), "w");

	(void)state;
	assert_non_null(f);
	slb_cfg_write_proxy(f, SPLICELB_PROXY_NONE, SPLICELB_PROXY_NONE);
	slb_cfg_write_proxy(f, SPLICELB_PROXY_INHERIT,
			    SPLICELB_PROXY_INHERIT);
	slb_cfg_write_accept_proxy(f, false);
	slb_cfg_write_proxy(f, SPLICELB_PROXY_V2, SPLICELB_PROXY_NONE);
	slb_cfg_write_proxy(f, SPLICELB_PROXY_NONE, SPLICELB_PROXY_INHERIT);
	slb_cfg_write_accept_proxy(f, true);
	/* Which no file reads: a restore refuses what it does not know. */
	slb_cfg_write_proxy(f, 9, SPLICELB_PROXY_NONE);
	fclose(f);
	assert_string_equal(out, " proxy-protocol v2 proxy-protocol none "
			    "accept-proxy on proxy-protocol 9");
	assert_string_equal(slb_cfg_proxy_name(SPLICELB_PROXY_INHERIT),
			    "inherit");
	assert_null(slb_cfg_proxy_name(9));
}

/* A service's source: none, client or a pool, whole words. */
static void test_source(void **state)
{
	char word[SLB_SOURCE_STRLEN];

	(void)state;
	assert_int_equal(line("service add 10.0.0.1:80 source none"), 0);
	assert_true(slb_source_none(&cfg.svc[0].source));
	assert_int_equal(cfg.svc[0].has, SLB_CFG_HAS_SOURCE);
	assert_int_equal(line("service add 10.0.0.2:80 source client"), 0);
	assert_true(cfg.svc[1].source.pool.client);
	assert_int_equal(line("service add 10.0.0.3:80 source "
			      "10.0.11.1,fd00:11::3 accept-proxy on"), 0);
	assert_int_equal(cfg.svc[2].source.pool.n, 2);
	assert_string_equal(slb_source_format(&cfg.svc[2].source, word,
					      sizeof(word)),
			    "10.0.11.1,fd00:11::3");
	assert_int_equal(cfg.svc[2].has, SLB_CFG_HAS_SOURCE |
			 SLB_CFG_HAS_ACCEPT_PROXY);
	/* Not given: none. */
	assert_int_equal(line("service add 10.0.0.4:80"), 0);
	assert_true(slb_source_none(&cfg.svc[3].source));
	assert_int_equal(cfg.svc[3].has, 0);
}

static void test_source_refused(void **state)
{
	(void)state;
	assert_refused("service add 10.0.0.9:80 source 10.0.0.x",
		       "bad source \"10.0.0.x\": bad address \"10.0.0.x\" "
		       "(IPv4 dotted or IPv6, without brackets or port)");
	assert_refused("service add 10.0.0.9:80 source [fd00::1]",
		       "bad address \"[fd00::1]\"");
	assert_refused("service add 10.0.0.9:80 source 10.0.0.1:80",
		       "bad address \"10.0.0.1:80\"");
	assert_refused("service add 10.0.0.9:80 source 10.0.0.1,10.0.0.1",
		       "bad source \"10.0.0.1,10.0.0.1\": 10.0.0.1 given "
		       "twice");
	assert_refused("service add 10.0.0.9:80 source 10.0.0.1,",
		       "bad source \"10.0.0.1,\": an empty address");
	assert_refused("service add 10.0.0.9:80 source \"\"",
		       "an empty address");
	assert_refused("service add 10.0.0.9:80 source 10.0.0.1,10.0.0.2,"
		       "10.0.0.3,10.0.0.4,10.0.0.5,10.0.0.6,10.0.0.7,10.0.0.8,"
		       "10.0.0.9,10.0.0.10,10.0.0.11,10.0.0.12,10.0.0.13,"
		       "10.0.0.14,10.0.0.15,10.0.0.16,10.0.0.17",
		       "more than 16 addresses");
	/* Whole words in files. */
	assert_refused("service add 10.0.0.9:80 source c",
		       "bad address \"c\"");
	assert_refused("service add 10.0.0.9:80 source Client",
		       "bad address \"Client\"");
	assert_refused("service add 10.0.0.9:80 source",
		       "\"source\" needs a value");
	assert_refused("service add 10.0.0.9:80 source none source client",
		       "\"source\" given twice");
	assert_int_equal(line("service add 10.0.0.1:80"), 0);
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.1:80 "
		       "source client", "unknown backend option \"source\"");
}

/*
 * The families a source allows, across lines: client the service's, a
 * pool those it has addresses of, none any; the line of the backend is
 * refused, and names the service's.
 */
static void test_source_families(void **state)
{
	static const char text[] =
		"service add 10.0.0.1:80 source client\n"
		"service add [fd00::1]:80 source client\n"
		"service add 10.0.0.2:80 source 10.0.11.1,10.0.11.2\n"
		"service add 10.0.0.3:80 source fd00:11::1,10.0.11.1\n"
		"service add 10.0.0.4:80\n"
		"backend add 10.0.1.1:80 service 10.0.0.1:80\n"
		"backend add [fd00:1::1]:80 service 10.0.0.1:80\n"
		"backend add [fd00:1::1]:80 service [fd00::1]:80\n"
		"backend add 10.0.1.1:80 service [fd00::1]:80\n"
		"backend add 10.0.1.1:80 service 10.0.0.2:80\n"
		"backend add [fd00:1::1]:80 service 10.0.0.2:80\n"
		"backend add 10.0.1.1:80 service 10.0.0.3:80\n"
		"backend add [fd00:1::1]:80 service 10.0.0.3:80\n"
		"backend add 10.0.1.1:80 service 10.0.0.4:80\n"
		"backend add [fd00:1::1]:80 service 10.0.0.4:80\n";
	char msgs[1024];
	FILE *in, *errs;

	(void)state;
	in = fmemopen((void *)text, sizeof(text) - 1, "r");
	errs = fmemopen(msgs, sizeof(msgs), "w");
	assert_non_null(in);
	assert_non_null(errs);
	assert_int_equal(slb_cfg_read(&cfg, in, "t.conf", errs), 3);
	fclose(in);
	fclose(errs);
	assert_non_null(strstr(msgs, "t.conf:7: backend [fd00:1::1]:80 is "
			       "not IPv4: service 10.0.0.1:80 (line 1) has "
			       "source client, which needs backends of its "
			       "own family\n"));
	assert_non_null(strstr(msgs, "t.conf:9: backend 10.0.1.1:80 is not "
			       "IPv6: service [fd00::1]:80 (line 2) has "
			       "source client"));
	assert_non_null(strstr(msgs, "t.conf:11: backend [fd00:1::1]:80 is "
			       "IPv6: the source of service 10.0.0.2:80 "
			       "(line 3) has no IPv6 address\n"));
	assert_int_equal(cfg.nsvc, 5);
	assert_int_equal(cfg.nbe, 7);
}

/* A service the kernel has: its source is the kernel's to judge. */
static void test_source_external(void **state)
{
	(void)state;
	slb_cfg_init(&cfg, SLB_CFG_EXTERNAL);
	assert_int_equal(line("backend add [fd00:1::1]:80 service "
			      "10.0.0.9:80"), 0);
	assert_true(cfg.svc[0].external);
	assert_true(slb_source_none(&cfg.svc[0].source));
}

/* Written after accept-proxy, before the check, only when not none. */
static void test_source_round_trip(void **state)
{
	static const char text[] =
		"service add 10.0.0.1:80 source none\n"
		"service add 10.0.0.2:80 source client accept-proxy on "
		"check tcp\n"
		"service add [fd00::1]:80 source FD00:11::3,10.0.11.1 "
		"proxy-protocol v2\n"
		"backend add 10.0.1.1:80 service 10.0.0.2:80\n"
		"backend add [fd00:1::1]:80 service [fd00::1]:80\n"
		"backend add 10.0.1.1:80 service [fd00::1]:80\n";
	static const char want[] =
		"service add 10.0.0.1:80 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 5s\n"
		"service add 10.0.0.2:80 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 5s accept-proxy on source client "
		"check tcp inter 2s timeout 0 rise 2 fall 3 fastinter 0 "
		"downinter 0 observe 0\n"
		"service add [fd00::1]:80 scheduler rr backlog 511 maxconn 0 "
		"maxqueue 0 queue-timeout 5s proxy-protocol v2 "
		"source fd00:11::3,10.0.11.1\n"
		"backend add 10.0.1.1:80 service 10.0.0.2:80 weight 1 "
		"state up maxconn 0\n"
		"backend add [fd00:1::1]:80 service [fd00::1]:80 weight 1 "
		"state up maxconn 0\n"
		"backend add 10.0.1.1:80 service [fd00::1]:80 weight 1 "
		"state up maxconn 0\n";

	(void)state;
	assert_round_trip(text, want);
}

static void test_source_write(void **state)
{
	struct slb_source src = { 0 };
	char out[128];
	FILE *f = fmemopen(out, sizeof(out), "w");

	(void)state;
	assert_non_null(f);
	slb_cfg_write_source(f, &src);
	src.pool.client = true;
	slb_cfg_write_source(f, &src);
	fclose(f);
	assert_string_equal(out, " source client");
}

/* lbselect's files add every service they use. */
static void test_reference_needs_service(void **state)
{
	(void)state;
	assert_refused("backend add 10.0.1.1:80 service 10.0.0.9:80",
		       "no service 10.0.0.9:80");
}

/* lbctl restore may give backends to a service the kernel has. */
static void test_external_service(void **state)
{
	char out[512];
	FILE *f;

	(void)state;
	slb_cfg_init(&cfg, SLB_CFG_EXTERNAL);
	assert_int_equal(slb_cfg_parse_line(&cfg, "backend add 10.0.1.1:80 "
					    "service 10.0.0.9:80", 4, err,
					    sizeof(err)), 0);
	assert_int_equal(cfg.nsvc, 1);
	assert_true(cfg.svc[0].external);
	assert_int_equal(cfg.svc[0].line, 4);
	assert_int_equal(cfg.be[0].service, 0);
	/* A refused line does not leave the service it named behind. */
	assert_refused("backend add 10.0.1.2:80 service 10.0.0.8:80 weight x",
		       "bad weight \"x\"");
	assert_refused("backend add 10.0.1.2:80 service 10.0.0.8:80 weight",
		       "\"weight\" needs a value");
	assert_refused("service add 10.0.0.9:80",
		       "service 10.0.0.9:80 added after line 4");
	/* Not the file's to write back. */
	f = fmemopen(out, sizeof(out), "w");
	assert_non_null(f);
	slb_cfg_write(f, &cfg);
	fclose(f);
	assert_string_equal(out, "backend add 10.0.1.1:80 service 10.0.0.9:80 "
			    "weight 1 state up maxconn 0\n");
}

/* Every bad line is reported, named by file and line. */
static void test_read_reports_each_line(void **state)
{
	static const char text[] =
		"service add 10.0.0.1:80\n"
		"service add 10.0.0.1:81 weight 3\n"
		"# a comment\n"
		"\n"
		"backend add 10.0.1.1:80 service 10.0.0.1:80 weight 99999\n"
		"backend add 10.0.1.2:80 service 10.0.0.1:80\n";
	char msgs[1024];
	FILE *in, *errs;

	(void)state;
	in = fmemopen((void *)text, sizeof(text) - 1, "r");
	errs = fmemopen(msgs, sizeof(msgs), "w");
	assert_non_null(in);
	assert_non_null(errs);
	assert_int_equal(slb_cfg_read(&cfg, in, "t.conf", errs), 2);
	fclose(in);
	fclose(errs);
	assert_non_null(strstr(msgs, "t.conf:2: unknown service option "
			       "\"weight\"\n"));
	assert_non_null(strstr(msgs, "t.conf:5: bad weight \"99999\""));
	assert_int_equal(cfg.nsvc, 1);
	assert_int_equal(cfg.nbe, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whole_words_and_limits,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sched_opts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sched_opts_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sched_opts_round_trip,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sched_opts_unknown_key,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_queue_round_trip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_slowstart, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_slowstart_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_slowstart_round_trip,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_strings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_check_longest, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_check_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_check_round_trip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_agent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_agent_round_trip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_proxy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proxy_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_proxy_round_trip, setup,
						teardown),
		cmocka_unit_test(test_proxy_write),
		cmocka_unit_test_setup_teardown(test_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_source_families, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_source_external, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_source_round_trip, setup,
						teardown),
		cmocka_unit_test(test_source_write),
		cmocka_unit_test_setup_teardown(test_reference_needs_service,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_external_service, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_reports_each_line,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
