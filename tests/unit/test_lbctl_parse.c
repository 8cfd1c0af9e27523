// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Unit tests of lbctl's command line (userspace/common/lbctl_parse.c):
 * the grammar, prefixes, ranges and messages, the netlink request each
 * command becomes, the save format as the file parser reads it, and a
 * few thousand mutated command lines through the fuzz
 * harness (tests/fuzz/fuzz_lbctl_args.c, built in here without its main).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "config.h"
#include "lbctl_parse.h"
#include "uapi/linux/splicelb.h"

#define LBCTL_FUZZ_NO_MAIN
#include "../fuzz/fuzz_lbctl_args.c"

static struct lbctl_req req;
static char err[256];

/* Parse a command line given as one string of blank-separated words. */
static int parse(const char *line)
{
	static char buf[1024];
	char *argv[64], *w, *save;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		assert_true(argc < 64);
		argv[argc++] = w;
	}
	return lbctl_parse(argc, argv, &req, err, sizeof(err));
}

static void assert_parse_error(const char *line, const char *msg)
{
	assert_int_equal(parse(line), -1);
	if (!strstr(err, msg))
		fail_msg("\"%s\": error \"%s\" lacks \"%s\"", line, err, msg);
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static void test_service_add(void **state)
{
	(void)state;
	assert_int_equal(parse("service add 10.0.0.1:80 scheduler wrr "
			       "backlog 64 maxconn 4294967295"), 0);
	assert_int_equal(req.op, LBCTL_SERVICE_ADD);
	assert_int_equal(req.addr.ss_family, AF_INET);
	assert_int_equal(port_of(&req.addr), 80);
	assert_string_equal(req.sched, "wrr");
	assert_int_equal(req.backlog, 64);
	assert_int_equal(req.maxconn, 4294967295u);
	assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_SCHED |
			 LBCTL_HAS_BACKLOG | LBCTL_HAS_MAXCONN);

	/* Only what was given is sent: the kernel fills in the rest. */
	assert_int_equal(parse("service add [2001:db8::1]:443"), 0);
	assert_int_equal(req.addr.ss_family, AF_INET6);
	assert_int_equal(port_of(&req.addr), 443);
	assert_int_equal(req.has, LBCTL_HAS_ADDR);
}

static void test_sched_opts(void **state)
{
	(void)state;
	assert_int_equal(parse("service add 10.0.0.1:80 scheduler mh "
			       "hash-key addr-port seed 4294967295 "
			       "table-size 4194301"), 0);
	assert_string_equal(req.sched, "mh");
	assert_int_equal(req.opts.hash_key, SPLICELB_HASH_KEY_ADDR_PORT);
	assert_int_equal(req.opts.seed, 4294967295u);
	assert_int_equal(req.opts.table_size, 4194301);
	assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_SCHED |
			 LBCTL_HAS_HASH_KEY | LBCTL_HAS_SEED |
			 LBCTL_HAS_TABLE_SIZE);
	assert_int_equal(parse("service add 10.0.0.1:80 scheduler sh "
			       "hash-key addr seed 0"), 0);
	assert_int_equal(req.opts.hash_key, SPLICELB_HASH_KEY_ADDR);
	assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_SCHED |
			 LBCTL_HAS_HASH_KEY | LBCTL_HAS_SEED);
	/* Options alone are a change: of the service's own scheduler. */
	assert_int_equal(parse("service change 10.0.0.1:80 seed 3"), 0);
	assert_int_equal(req.op, LBCTL_SERVICE_CHANGE);
	assert_int_equal(req.opts.seed, 3);
	assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_SEED);
	/*
	 * Without a scheduler on the line, the kernel knows which one they
	 * are for (the service's, or its default) and checks them.
	 */
	assert_int_equal(parse("service change 10.0.0.1:80 table-size 8"), 0);
	assert_int_equal(req.opts.table_size, 8);
	assert_int_equal(parse("service add 10.0.0.1:80 hash-key addr"), 0);
	assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_HASH_KEY);
	/* Prefixes, as of the other keywords: "se" is seed here. */
	assert_int_equal(parse("se a 10.0.0.1:80 sc mh h addr-p se 5 t 7"),
			 0);
	assert_int_equal(req.opts.hash_key, SPLICELB_HASH_KEY_ADDR_PORT);
	assert_int_equal(req.opts.seed, 5);
	assert_int_equal(req.opts.table_size, 7);
}

static void test_sched_opts_errors(void **state)
{
	(void)state;
	/* Options the scheduler named on the line does not take. */
	assert_parse_error("service add 10.0.0.1:80 scheduler rr seed 1",
			   "scheduler rr: seed does not apply");
	assert_parse_error("service change 10.0.0.1:80 hash-key addr "
			   "scheduler wrr",
			   "scheduler wrr: hash-key does not apply");
	assert_parse_error("service add 10.0.0.1:80 scheduler sh "
			   "table-size 7", "scheduler sh: table-size does not "
			   "apply");
	assert_parse_error("service add 10.0.0.1:80 scheduler mh "
			   "table-size 65536",
			   "scheduler mh: table-size must be a prime");
	assert_parse_error("service add 10.0.0.1:80 table-size 6",
			   "bad table-size \"6\" (7-4194301)");
	assert_parse_error("service add 10.0.0.1:80 table-size 4194302",
			   "bad table-size");
	assert_parse_error("service add 10.0.0.1:80 seed 4294967296",
			   "bad seed \"4294967296\" (0-4294967295)");
	assert_parse_error("service add 10.0.0.1:80 seed x", "bad seed");
	assert_parse_error("service add 10.0.0.1:80 hash-key port",
			   "bad hash-key \"port\" (addr or addr-port)");
	assert_parse_error("service add 10.0.0.1:80 hash-key a",
			   "ambiguous \"a\": addr, addr-port");
	assert_parse_error("service add 10.0.0.1:80 seed 1 seed 2",
			   "\"seed\" given twice");
	assert_parse_error("service add 10.0.0.1:80 hash-key",
			   "\"hash-key\" needs a value");
	assert_parse_error("service del 10.0.0.1:80 seed 1",
			   "unexpected \"seed\"");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "table-size 7", "unexpected \"table-size\"");
}

static void test_prefixes(void **state)
{
	(void)state;
	assert_int_equal(parse("se a 10.0.0.1:80 sch rr"), 0);
	assert_int_equal(req.op, LBCTL_SERVICE_ADD);
	assert_int_equal(parse("sh"), 0);
	assert_int_equal(req.op, LBCTL_SHOW);
	assert_int_equal(parse("st"), 0);
	assert_int_equal(req.op, LBCTL_STATS);
	assert_int_equal(parse("sa"), 0);
	assert_int_equal(req.op, LBCTL_SAVE);
	assert_int_equal(parse("c"), 0);
	assert_int_equal(req.op, LBCTL_CONNS);
	/* Only the keywords the command takes count: "st" is "state". */
	assert_int_equal(parse("b a 10.0.1.1:80 se 10.0.0.1:80 w 3 st dr"),
			 0);
	assert_int_equal(req.op, LBCTL_BACKEND_ADD);
	assert_int_equal(req.weight, 3);
	assert_int_equal(req.state, SPLICELB_BACKEND_DRAIN);
	/* Aliases are one command: "d" is "del" and "delete". */
	assert_int_equal(parse("serv d 10.0.0.1:80 c"), 0);
	assert_int_equal(req.op, LBCTL_SERVICE_DEL);
	assert_true(req.has & LBCTL_HAS_CUT);
	/* An object alone is a listing of it. */
	assert_int_equal(parse("service"), 0);
	assert_int_equal(req.op, LBCTL_SERVICE_SHOW);
	assert_parse_error("servicex", "unknown object \"servicex\"");
	assert_parse_error("service addd 10.0.0.1:80", "unknown command");
}

static void test_ambiguous(void **state)
{
	(void)state;
	assert_parse_error("s", "ambiguous \"s\": service, show, stats, save");
	assert_parse_error("backend change 10.0.1.1:80 service 10.0.0.1:80 "
			   "state d", "ambiguous \"d\": drain, down");
	assert_parse_error("backend add 10.0.1.1:80 s 10.0.0.1:80",
			   "ambiguous \"s\": service, state");
	/* Among the keywords service add takes, "s" is three, "sc" one. */
	assert_parse_error("service add 10.0.0.1:80 s rr",
			   "ambiguous \"s\": scheduler, seed, slowstart");
	assert_int_equal(parse("service add 10.0.0.1:80 sc rr"), 0);
	assert_string_equal(req.sched, "rr");
	assert_parse_error("help s", "ambiguous \"s\"");
	/* A word that is whole is never ambiguous. */
	assert_int_equal(parse("backend change 10.0.1.1:80 service "
			       "10.0.0.1:80 state down"), 0);
	assert_int_equal(req.state, SPLICELB_BACKEND_DOWN);
}

/* A service's queue, a backend's maxconn, and the "max" they share. */
static void test_queue(void **state)
{
	(void)state;
	assert_int_equal(parse("service add 10.0.0.1:80 maxqueue 4294967295 "
			       "queue-timeout 2s maxconn 9"), 0);
	assert_int_equal(req.maxqueue, 4294967295u);
	assert_int_equal(req.queue_timeout_ms, 2000);
	assert_int_equal(req.maxconn, 9);
	assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_MAXQUEUE |
			 LBCTL_HAS_QUEUE_TIMEOUT | LBCTL_HAS_MAXCONN);
	assert_int_equal(parse("service change 10.0.0.1:80 queue-timeout "
			       "250ms"), 0);
	assert_int_equal(req.op, LBCTL_SERVICE_CHANGE);
	assert_int_equal(req.queue_timeout_ms, 250);
	assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_QUEUE_TIMEOUT);
	assert_int_equal(parse("service change 10.0.0.1:80 maxqueue 0"), 0);
	assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_MAXQUEUE);
	/* Prefixes: "maxc", "maxq" and "q" are one keyword each. */
	assert_int_equal(parse("se a 10.0.0.1:80 maxq 3 maxc 4 q 3600000"),
			 0);
	assert_int_equal(req.maxqueue, 3);
	assert_int_equal(req.maxconn, 4);
	assert_int_equal(req.queue_timeout_ms, SPLICELB_QUEUE_TIMEOUT_MAX_MS);
	/* A backend's limit shares the keyword and the field. */
	assert_int_equal(parse("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			       "maxconn 4294967295"), 0);
	assert_int_equal(req.maxconn, 4294967295u);
	assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_SVC |
			 LBCTL_HAS_MAXCONN);
	assert_int_equal(parse("backend change 10.0.1.1:80 service "
			       "10.0.0.1:80 maxconn 0"), 0);
	assert_int_equal(req.op, LBCTL_BACKEND_CHANGE);
	assert_int_equal(req.maxconn, 0);
	/* A backend takes no maxqueue: "max" and "m" are maxconn there. */
	assert_int_equal(parse("b c 10.0.1.1:80 se 10.0.0.1:80 max 5"), 0);
	assert_int_equal(req.maxconn, 5);
	assert_int_equal(parse("b a 10.0.1.1:80 se 10.0.0.1:80 m 6"), 0);
	assert_int_equal(req.maxconn, 6);
}

static void test_queue_errors(void **state)
{
	(void)state;
	assert_parse_error("service add 10.0.0.1:80 max 5",
			   "ambiguous \"max\": maxconn, maxqueue");
	assert_parse_error("service change 10.0.0.1:80 m 5",
			   "ambiguous \"m\": maxconn, maxqueue");
	assert_parse_error("service add 10.0.0.1:80 queue-timeout 0",
			   "bad queue-timeout \"0\" (1ms-3600s, as 250, "
			   "250ms or 5s)");
	assert_parse_error("service add 10.0.0.1:80 queue-timeout 3601s",
			   "bad queue-timeout \"3601s\"");
	assert_parse_error("service add 10.0.0.1:80 queue-timeout 3600001ms",
			   "bad queue-timeout");
	assert_parse_error("service add 10.0.0.1:80 queue-timeout 5m",
			   "bad queue-timeout \"5m\"");
	assert_parse_error("service add 10.0.0.1:80 queue-timeout",
			   "\"queue-timeout\" needs a value");
	assert_parse_error("service add 10.0.0.1:80 maxqueue 4294967296",
			   "bad maxqueue \"4294967296\" (0-4294967295)");
	assert_parse_error("service add 10.0.0.1:80 maxqueue 1 maxq 2",
			   "\"maxqueue\" given twice");
	assert_parse_error("service del 10.0.0.1:80 maxqueue 1",
			   "unexpected \"maxqueue\"");
	assert_parse_error("service del 10.0.0.1:80 queue-timeout 1",
			   "unexpected \"queue-timeout\"");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "maxqueue 1", "unexpected \"maxqueue\"");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "q 1", "unexpected \"q\"");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "maxconn 4294967296", "bad maxconn");
	assert_parse_error("backend del 10.0.1.1:80 service 10.0.0.1:80 "
			   "maxconn 1", "unexpected \"maxconn\"");
	assert_parse_error("backend change 10.0.1.1:80 service 10.0.0.1:80",
			   "nothing to change (weight, state, maxconn, "
			   "check-port, agent-port, agent-inter or "
			   "proxy-protocol)");
}

/* An argument vector as the shell gives it: quotes gone, escapes kept. */
static int parse_argv(const char *const *words)
{
	int argc = 0;

	while (words[argc])
		argc++;
	return lbctl_parse(argc, (char *const *)words, &req, err, sizeof(err));
}

/* A service's check, its strings one word each however they are made. */
static void test_check(void **state)
{
	static const char *const redis[] = {
		"service", "add", "10.0.0.1:6379", "check", "send",
		"PING\\r\\n", "expect", "+PONG", "inter", "5s", NULL,
	};
	static const char *const http[] = {
		"service", "change", "10.0.0.1:80", "check", "send",
		"GET /health HTTP/1.0\\r\\n\\r\\n", "expect", " 200 ", NULL,
	};
	/* Spelled out, send and expect take a string that starts with -. */
	static const char *const dash[] = {
		"-j", "service", "add", "10.0.0.1:80", "check", "send", "-x",
		"expect", "-ERR", "-s", NULL,
	};

	(void)state;
	assert_int_equal(parse_argv(redis), 0);
	assert_int_equal(req.op, LBCTL_SERVICE_ADD);
	assert_int_equal(req.check.type, SPLICELB_CHECK_SEND_EXPECT);
	assert_int_equal(req.check.send_len, 6);
	assert_memory_equal(req.check.send, "PING\r\n", 6);
	assert_int_equal(req.check.expect_len, 5);
	assert_int_equal(req.check.inter_ms, 5000);
	assert_int_equal(req.check_given, SLB_CHECK_SET_TYPE |
			 SLB_CHECK_SET_SEND | SLB_CHECK_SET_EXPECT |
			 SLB_CHECK_SET_INTER);
	assert_int_equal(req.has, LBCTL_HAS_ADDR);
	assert_int_equal(parse_argv(http), 0);
	assert_int_equal(req.op, LBCTL_SERVICE_CHANGE);
	assert_int_equal(req.check.send_len, 24);
	assert_memory_equal(req.check.expect, " 200 ", 5);
	assert_int_equal(parse_argv(dash), 0);
	assert_true(req.json && req.stats);
	assert_memory_equal(req.check.send, "-x", 2);
	assert_memory_equal(req.check.expect, "-ERR", 4);

	/* Words and parameters by prefix; the clause takes what it needs. */
	assert_int_equal(parse("se c 10.0.0.1:80 ch t i 250 ti 0 r 3 fal 4 "
			       "fas 1s d 10s"), 0);
	assert_int_equal(req.check.type, SPLICELB_CHECK_TCP);
	assert_int_equal(req.check.inter_ms, 250);
	assert_int_equal(req.check.timeout_ms, 0);
	assert_int_equal(req.check.rise, 3);
	assert_int_equal(req.check.fall, 4);
	assert_int_equal(req.check.fastinter_ms, 1000);
	assert_int_equal(req.check.downinter_ms, 10000);
	assert_int_equal(parse("service add 10.0.0.1:80 check e SSH- maxc 3"),
			 0);
	assert_int_equal(req.check.type, SPLICELB_CHECK_SEND_EXPECT);
	assert_int_equal(req.check.send_len, 0);
	assert_int_equal(req.maxconn, 3);
	assert_int_equal(parse("service change 10.0.0.1:80 check n"), 0);
	assert_int_equal(req.check.type, SPLICELB_CHECK_NONE);
	/* A parameter alone is a change; "t" is still table-size. */
	assert_int_equal(parse("service change 10.0.0.1:80 fall 1"), 0);
	assert_int_equal(req.check_given, SLB_CHECK_SET_FALL);
	assert_int_equal(parse("service add 10.0.0.1:80 sc mh t 7"), 0);
	assert_int_equal(req.opts.table_size, 7);
	assert_int_equal(req.check_given, 0);

	/* A backend's check-port; "c" is it there, and cut on a del. */
	assert_int_equal(parse("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			       "check-port 8080"), 0);
	assert_int_equal(req.check_port, 8080);
	assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_SVC |
			 LBCTL_HAS_CHECK_PORT);
	assert_int_equal(parse("b c 10.0.1.1:80 se 10.0.0.1:80 c 0"), 0);
	assert_int_equal(req.op, LBCTL_BACKEND_CHANGE);
	assert_int_equal(req.check_port, 0);
	assert_true(req.has & LBCTL_HAS_CHECK_PORT);
	assert_int_equal(parse("b d 10.0.1.1:80 se 10.0.0.1:80 c"), 0);
	assert_true(req.has & LBCTL_HAS_CUT);
}

static void test_check_errors(void **state)
{
	(void)state;
	assert_parse_error("service add 10.0.0.1:80 check",
			   "\"check\" needs tcp, none, send STR expect STR or "
			   "expect STR");
	assert_parse_error("service add 10.0.0.1:80 check http",
			   "bad check \"http\"");
	assert_parse_error("service add 10.0.0.1:80 check send PING",
			   "\"check send\" needs STR expect STR");
	assert_parse_error("service add 10.0.0.1:80 check send PING maxconn 1",
			   "\"check send\" needs STR expect STR");
	assert_parse_error("service change 10.0.0.1:80 check expect \\q",
			   "bad check expect string \"\\q\"");
	assert_parse_error("service change 10.0.0.1:80 check send x expect "
			   "\\x", "bad check expect string");
	assert_parse_error("service add 10.0.0.1:80 check tcp ch none",
			   "\"check\" given twice");
	assert_parse_error("service add 10.0.0.1:80 inter 1s i 2s",
			   "\"inter\" given twice");
	assert_parse_error("service change 10.0.0.1:80 timeout 5",
			   "bad timeout \"5\": check timeout must be 10 ms to "
			   "1 hour");
	assert_parse_error("service add 10.0.0.1:80 rise 101",
			   "bad rise \"101\": check rise must be 1 to 100");
	assert_parse_error("service add 10.0.0.1:80 inter 1m",
			   "bad inter \"1m\" (TIME: 250, 250ms or 5s)");
	assert_parse_error("service add 10.0.0.1:80 f 1",
			   "ambiguous \"f\": fall, fastinter");
	assert_parse_error("service add 10.0.0.1:80 ti",
			   "\"timeout\" needs a value");
	assert_parse_error("service del 10.0.0.1:80 check tcp",
			   "unexpected \"check\"");
	assert_parse_error("service add 10.0.0.1:80 check-port 80",
			   "unexpected \"check-port\"");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "inter 1s", "unexpected \"inter\"");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "check-port 65536", "bad check-port \"65536\" "
			   "(0-65535)");
	assert_parse_error("backend del 10.0.1.1:80 service 10.0.0.1:80 "
			   "check-port 1", "unexpected \"check-port\"");
	assert_parse_error("service change 10.0.0.1:80",
			   "nothing to change (scheduler, hash-key, seed, "
			   "table-size, backlog, maxconn, maxqueue, "
			   "queue-timeout, slowstart, proxy-protocol, "
			   "accept-proxy, source, check, inter, timeout, rise, "
			   "fall, fastinter or downinter)");
}

static void test_options(void **state)
{
	(void)state;
	assert_int_equal(parse("show -s -j"), 0);
	assert_true(req.stats && req.json && !req.pretty);
	assert_int_equal(parse("-p show"), 0);
	assert_true(req.json && req.pretty);
	assert_int_equal(parse("-sj conns"), 0);
	assert_true(req.stats && req.json);
	assert_int_equal(parse("-V"), 0);
	assert_int_equal(req.op, LBCTL_VERSION);
	assert_int_equal(parse("--version"), 0);
	assert_int_equal(req.op, LBCTL_VERSION);
	assert_int_equal(parse("service add -h"), 0);
	assert_int_equal(req.op, LBCTL_HELP);
	assert_int_equal(parse("help back"), 0);
	assert_string_equal(req.topic, "backend");
	assert_parse_error("-x show", "unknown option \"-x\"");
	assert_parse_error("--bogus", "unknown option \"--bogus\"");
	assert_parse_error("", "no command given");
}

static void test_service_errors(void **state)
{
	(void)state;
	assert_parse_error("service add", "ADDR:PORT missing");
	assert_parse_error("service add 10.0.0.1", "bad service address");
	assert_parse_error("service add ::1:80", "in brackets");
	assert_parse_error("service add 10.0.0.1:0", "bad port");
	assert_parse_error("service add 10.0.0.1:80 scheduler nosuch",
			   "unknown scheduler \"nosuch\" (known: rr, wrr, ");
	assert_parse_error("service add 10.0.0.1:80 backlog 0",
			   "bad backlog \"0\" (1-65535)");
	assert_parse_error("service add 10.0.0.1:80 backlog 65536", "backlog");
	assert_parse_error("service add 10.0.0.1:80 maxconn 4294967296",
			   "bad maxconn");
	assert_parse_error("service add 10.0.0.1:80 maxconn -1",
			   "unknown option");
	assert_parse_error("service add 10.0.0.1:80 backlog",
			   "\"backlog\" needs a value");
	assert_parse_error("service add 10.0.0.1:80 backlog 1 backlog 2",
			   "\"backlog\" given twice");
	assert_parse_error("service add 10.0.0.1:80 cut", "unexpected \"cut\"");
	assert_parse_error("service add 10.0.0.1:80 weight 1",
			   "unexpected \"weight\"");
	assert_parse_error("service change 10.0.0.1:80", "nothing to change");
	assert_parse_error("service del 10.0.0.1:80 maxconn 1",
			   "unexpected \"maxconn\"");
	assert_parse_error("service show 10.0.0.1:80 extra",
			   "unexpected \"extra\"");
}

static void test_backend(void **state)
{
	(void)state;
	assert_int_equal(parse("backend add [::1]:8080 service 10.0.0.1:80 "
			       "weight 65535 state down"), 0);
	assert_int_equal(req.op, LBCTL_BACKEND_ADD);
	assert_int_equal(req.addr.ss_family, AF_INET6);
	assert_int_equal(req.svc.ss_family, AF_INET);
	assert_int_equal(req.weight, 65535);
	assert_int_equal(req.state, SPLICELB_BACKEND_DOWN);
	assert_int_equal(parse("backend show"), 0);
	assert_int_equal(req.op, LBCTL_BACKEND_SHOW);
	assert_false(req.has & LBCTL_HAS_SVC);
	assert_int_equal(parse("backend del 10.0.1.1:80 service 10.0.0.1:80 "
			       "cut"), 0);
	assert_true(req.has & LBCTL_HAS_CUT);

	assert_parse_error("backend add 10.0.1.1:80",
			   "\"service ADDR:PORT\" missing");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "weight 65536", "bad weight \"65536\" (0-65535)");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "state drained", "bad state \"drained\"");
	assert_parse_error("backend change 10.0.1.1:80 service 10.0.0.1:80",
			   "nothing to change");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 cut",
			   "unexpected \"cut\"");
	assert_parse_error("backend del 10.0.1.1:80 service 10.0.0.1:80 "
			   "weight 1", "unexpected \"weight\"");
}

static void test_misc_commands(void **state)
{
	(void)state;
	assert_int_equal(parse("flush cut"), 0);
	assert_int_equal(req.op, LBCTL_FLUSH);
	assert_true(req.has & LBCTL_HAS_CUT);
	assert_int_equal(parse("conns service [::1]:80"), 0);
	assert_true(req.has & LBCTL_HAS_SVC);
	assert_int_equal(parse("restore"), 0);
	assert_string_equal(req.file, "-");
	assert_int_equal(parse("restore /etc/splicelb.conf"), 0);
	assert_string_equal(req.file, "/etc/splicelb.conf");
	assert_parse_error("stats now", "unexpected \"now\"");
	assert_parse_error("zero all", "unexpected \"all\"");
}

/* The attribute of @type among those in [p, p + len), or NULL. */
static const struct nlattr *find_attr(const unsigned char *p, size_t len,
				      uint16_t type)
{
	const struct nlattr *a;

	while (len >= NLA_HDRLEN) {
		a = (const void *)p;
		assert_true(a->nla_len >= NLA_HDRLEN && a->nla_len <= len);
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		if ((size_t)NLA_ALIGN(a->nla_len) >= len)
			break;
		len -= (size_t)NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

static const struct nlattr *nested(const struct nlattr *a, uint16_t type)
{
	assert_non_null(a);
	assert_true(a->nla_type & NLA_F_NESTED);
	return find_attr((const unsigned char *)a + NLA_HDRLEN,
			 a->nla_len - NLA_HDRLEN, type);
}

static const void *payload(const struct nlattr *a)
{
	assert_non_null(a);
	return (const unsigned char *)a + NLA_HDRLEN;
}

static void test_msg(void **state)
{
	unsigned char buf[512];
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct genlmsghdr *g = (const void *)(buf + NLMSG_HDRLEN);
	const unsigned char *attrs = buf + NLMSG_HDRLEN + GENL_HDRLEN;
	const struct nlattr *be, *ep, *svc;
	uint32_t u32;
	uint16_t u16;
	size_t len;

	(void)state;
	assert_int_equal(parse("backend add 10.0.1.1:8080 service [::1]:80 "
			       "weight 9 state drain"), 0);
	len = lbctl_msg(buf, sizeof(buf), 42, lbctl_op_cmd(req.op), NLM_F_ACK,
			7, &req);
	assert_true(len > NLMSG_HDRLEN + GENL_HDRLEN);
	assert_int_equal(nlh->nlmsg_len, len);
	assert_int_equal(nlh->nlmsg_type, 42);
	assert_int_equal(nlh->nlmsg_seq, 7);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(g->cmd, SPLICELB_CMD_BACKEND_NEW);
	assert_int_equal(g->version, SPLICELB_GENL_VERSION);

	svc = find_attr(attrs, len - NLMSG_HDRLEN - GENL_HDRLEN,
			SPLICELB_A_SERVICE);
	ep = nested(svc, SPLICELB_SVC_A_EP);
	memcpy(&u16, payload(nested(ep, SPLICELB_EP_A_FAMILY)), 2);
	assert_int_equal(u16, AF_INET6);
	assert_int_equal(nested(ep, SPLICELB_EP_A_ADDR)->nla_len,
			 NLA_HDRLEN + 16);
	memcpy(&u16, payload(nested(ep, SPLICELB_EP_A_PORT)), 2);
	assert_int_equal(u16, 80);
	/* The service only names the backend's: no settings of its own. */
	assert_null(nested(svc, SPLICELB_SVC_A_SCHED));

	be = find_attr(attrs, len - NLMSG_HDRLEN - GENL_HDRLEN,
		       SPLICELB_A_BACKEND);
	ep = nested(be, SPLICELB_BE_A_EP);
	assert_int_equal(nested(ep, SPLICELB_EP_A_ADDR)->nla_len,
			 NLA_HDRLEN + 4);
	assert_memory_equal(payload(nested(ep, SPLICELB_EP_A_ADDR)),
			    "\x0a\x00\x01\x01", 4);
	memcpy(&u16, payload(nested(ep, SPLICELB_EP_A_PORT)), 2);
	assert_int_equal(u16, 8080);
	memcpy(&u32, payload(nested(be, SPLICELB_BE_A_WEIGHT)), 4);
	assert_int_equal(u32, 9);
	assert_int_equal(*(const uint8_t *)payload(nested(be,
							  SPLICELB_BE_A_STATE)),
			 SPLICELB_BACKEND_DRAIN);
	assert_null(find_attr(attrs, len - NLMSG_HDRLEN - GENL_HDRLEN,
			      SPLICELB_A_CUT));

	/* The scheduler goes with its NUL, as the policy wants. */
	assert_int_equal(parse("service add 10.0.0.1:80 scheduler wrr"), 0);
	len = lbctl_msg(buf, sizeof(buf), 42, SPLICELB_CMD_SERVICE_NEW, 0, 1,
			&req);
	svc = find_attr(attrs, len - NLMSG_HDRLEN - GENL_HDRLEN,
			SPLICELB_A_SERVICE);
	assert_int_equal(nested(svc, SPLICELB_SVC_A_SCHED)->nla_len,
			 NLA_HDRLEN + 4);
	assert_string_equal(payload(nested(svc, SPLICELB_SVC_A_SCHED)),
			    "wrr");

	/* Scheduler options go as the spec has them, only those given. */
	assert_null(nested(svc, SPLICELB_SVC_A_HASH_KEY));
	assert_null(nested(svc, SPLICELB_SVC_A_SEED));
	assert_null(nested(svc, SPLICELB_SVC_A_TABLE_SIZE));
	assert_int_equal(parse("service change 10.0.0.1:80 scheduler mh "
			       "hash-key addr-port table-size 251"), 0);
	len = lbctl_msg(buf, sizeof(buf), 42, lbctl_op_cmd(req.op), 0, 1,
			&req);
	assert_int_equal(g->cmd, SPLICELB_CMD_SERVICE_SET);
	svc = find_attr(attrs, len - NLMSG_HDRLEN - GENL_HDRLEN,
			SPLICELB_A_SERVICE);
	assert_int_equal(nested(svc, SPLICELB_SVC_A_HASH_KEY)->nla_len,
			 NLA_HDRLEN + 1);
	assert_int_equal(*(const uint8_t *)payload(nested(svc,
						SPLICELB_SVC_A_HASH_KEY)),
			 SPLICELB_HASH_KEY_ADDR_PORT);
	assert_null(nested(svc, SPLICELB_SVC_A_SEED));
	assert_int_equal(nested(svc, SPLICELB_SVC_A_TABLE_SIZE)->nla_len,
			 NLA_HDRLEN + 4);
	memcpy(&u32, payload(nested(svc, SPLICELB_SVC_A_TABLE_SIZE)), 4);
	assert_int_equal(u32, 251);
	assert_int_equal(parse("service change 10.0.0.1:80 seed 4294967295"),
			 0);
	len = lbctl_msg(buf, sizeof(buf), 42, lbctl_op_cmd(req.op), 0, 1,
			&req);
	svc = find_attr(attrs, len - NLMSG_HDRLEN - GENL_HDRLEN,
			SPLICELB_A_SERVICE);
	memcpy(&u32, payload(nested(svc, SPLICELB_SVC_A_SEED)), 4);
	assert_int_equal(u32, 4294967295u);
	assert_null(nested(svc, SPLICELB_SVC_A_SCHED));

	/* The queue goes only when given, the timeout in milliseconds. */
	assert_null(nested(svc, SPLICELB_SVC_A_MAXQUEUE));
	assert_null(nested(svc, SPLICELB_SVC_A_QUEUE_TIMEOUT_MS));
	assert_int_equal(parse("service add 10.0.0.1:80 maxqueue 12 "
			       "queue-timeout 3s"), 0);
	len = lbctl_msg(buf, sizeof(buf), 42, lbctl_op_cmd(req.op), 0, 1,
			&req);
	svc = find_attr(attrs, len - NLMSG_HDRLEN - GENL_HDRLEN,
			SPLICELB_A_SERVICE);
	assert_int_equal(nested(svc, SPLICELB_SVC_A_MAXQUEUE)->nla_len,
			 NLA_HDRLEN + 4);
	memcpy(&u32, payload(nested(svc, SPLICELB_SVC_A_MAXQUEUE)), 4);
	assert_int_equal(u32, 12);
	memcpy(&u32, payload(nested(svc, SPLICELB_SVC_A_QUEUE_TIMEOUT_MS)),
	       4);
	assert_int_equal(u32, 3000);
	assert_null(nested(svc, SPLICELB_SVC_A_MAXCONN));

	/* A backend's maxconn is in its own nest, not the service's. */
	assert_int_equal(parse("backend change 10.0.1.1:80 service "
			       "10.0.0.1:80 maxconn 7"), 0);
	len = lbctl_msg(buf, sizeof(buf), 42, lbctl_op_cmd(req.op), 0, 1,
			&req);
	assert_int_equal(g->cmd, SPLICELB_CMD_BACKEND_SET);
	svc = find_attr(attrs, len - NLMSG_HDRLEN - GENL_HDRLEN,
			SPLICELB_A_SERVICE);
	assert_null(nested(svc, SPLICELB_SVC_A_MAXCONN));
	be = find_attr(attrs, len - NLMSG_HDRLEN - GENL_HDRLEN,
		       SPLICELB_A_BACKEND);
	assert_int_equal(nested(be, SPLICELB_BE_A_MAXCONN)->nla_len,
			 NLA_HDRLEN + 4);
	memcpy(&u32, payload(nested(be, SPLICELB_BE_A_MAXCONN)), 4);
	assert_int_equal(u32, 7);
	assert_null(nested(be, SPLICELB_BE_A_WEIGHT));

	/* And so in the backends of a SERVICE_NEW. */
	assert_int_equal(parse("service add 10.0.0.1:80"), 0);
	assert_true(lbctl_msg(buf, sizeof(buf), 42, SPLICELB_CMD_SERVICE_NEW,
			      0, 1, &req) > 0);
	assert_int_equal(parse("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			       "maxconn 8"), 0);
	len = lbctl_msg_add_backend(buf, sizeof(buf), &req);
	be = find_attr(attrs, len - NLMSG_HDRLEN - GENL_HDRLEN,
		       SPLICELB_A_BACKENDS);
	memcpy(&u32, payload(nested(be, SPLICELB_BE_A_MAXCONN)), 4);
	assert_int_equal(u32, 8);

	/* cut is a flag, only where it is asked for. */
	assert_int_equal(parse("flush cut"), 0);
	len = lbctl_msg(buf, sizeof(buf), 42, lbctl_op_cmd(req.op), 0, 1,
			&req);
	assert_non_null(find_attr(attrs, len - NLMSG_HDRLEN - GENL_HDRLEN,
				  SPLICELB_A_CUT));

	/* A buffer too small is refused, not overrun. */
	assert_int_equal(lbctl_msg(buf, NLMSG_HDRLEN + GENL_HDRLEN + 8, 42,
				   SPLICELB_CMD_BACKEND_NEW, 0, 1, &req), 0);
}

/*
 * The top-level nest @type of the request lbctl sends for req, built in a
 * buffer of the size lbctl sends from.
 */
static const struct nlattr *req_nest(uint16_t type)
{
	static unsigned char buf[LBCTL_MSG_MAX];
	size_t len;

	len = lbctl_msg(buf, sizeof(buf), 42, lbctl_op_cmd(req.op), 0, 1,
			&req);
	assert_true(len > NLMSG_HDRLEN + GENL_HDRLEN);
	return find_attr(buf + NLMSG_HDRLEN + GENL_HDRLEN,
			 len - NLMSG_HDRLEN - GENL_HDRLEN, type);
}

/* The check goes as given, strings as their bytes; check-port as a u16. */
static void test_check_msg(void **state)
{
	static const char *const big[] = {
		"service", "add", "10.0.0.1:80", "check", "send", NULL,
		"expect", NULL, "inter", "3600s", "timeout", "3600s", "rise",
		"100", "fall", "100", "fastinter", "3600s", "downinter",
		"3600s", "slowstart", "3600s", "proxy-protocol", "v2",
		"accept-proxy", "on", "source", NULL, NULL,
	};
	static char pool[SLB_SOURCE_STRLEN];
	static char send[4 * SPLICELB_CHECK_DATA_MAX + 1];
	static char expect[SPLICELB_CHECK_DATA_MAX + 1];
	const char *words[sizeof(big) / sizeof(big[0])];
	const struct nlattr *svc, *be, *a;
	uint32_t u32;
	uint16_t u16;
	int i;

	(void)state;
	assert_int_equal(parse("service change 10.0.0.1:80 check e +OK "
			       "fall 2"), 0);
	svc = req_nest(SPLICELB_A_SERVICE);
	assert_int_equal(*(const uint8_t *)payload(nested(svc,
						SPLICELB_SVC_A_CHECK_TYPE)),
			 SPLICELB_CHECK_SEND_EXPECT);
	/* The clause says the whole check: an empty send clears it. */
	assert_int_equal(nested(svc, SPLICELB_SVC_A_CHECK_SEND)->nla_len,
			 NLA_HDRLEN);
	a = nested(svc, SPLICELB_SVC_A_CHECK_EXPECT);
	assert_int_equal(a->nla_len, NLA_HDRLEN + 3);
	assert_memory_equal(payload(a), "+OK", 3);
	memcpy(&u32, payload(nested(svc, SPLICELB_SVC_A_CHECK_FALL)), 4);
	assert_int_equal(u32, 2);
	assert_null(nested(svc, SPLICELB_SVC_A_CHECK_INTER_MS));
	assert_null(nested(svc, SPLICELB_SVC_A_CHECK_TIMEOUT_MS));

	/* A service add at its longest fits the buffer lbctl sends from. */
	for (i = 0; i < SPLICELB_CHECK_DATA_MAX; i++)
		memcpy(send + 4 * i, "\\xff", 4);
	memset(expect, 'e', SPLICELB_CHECK_DATA_MAX);
	for (i = 0; i < SPLICELB_SOURCE_ADDRS_MAX; i++)
		snprintf(pool + strlen(pool), sizeof(pool) - strlen(pool),
			 "%sfdff:ffff:ffff:ffff:ffff:ffff:ffff:ff%02x",
			 i ? "," : "", i);
	memcpy(words, big, sizeof(big));
	words[5] = send;
	words[7] = expect;
	words[27] = pool;
	assert_int_equal(parse_argv(words), 0);
	assert_int_equal(req.source.pool.n, SPLICELB_SOURCE_ADDRS_MAX);
	svc = req_nest(SPLICELB_A_SERVICE);
	a = nested(svc, SPLICELB_SVC_A_CHECK_SEND);
	assert_int_equal(a->nla_len, NLA_HDRLEN + SPLICELB_CHECK_DATA_MAX);
	assert_int_equal(((const uint8_t *)payload(a))[511], 0xff);
	memcpy(&u32, payload(nested(svc, SPLICELB_SVC_A_CHECK_DOWNINTER_MS)),
	       4);
	assert_int_equal(u32, SPLICELB_CHECK_INTER_MAX_MS);

	assert_int_equal(parse("backend change 10.0.1.1:80 service "
			       "10.0.0.1:80 check-port 9000"), 0);
	be = req_nest(SPLICELB_A_BACKEND);
	a = nested(be, SPLICELB_BE_A_CHECK_PORT);
	assert_int_equal(a->nla_len, NLA_HDRLEN + 2);
	memcpy(&u16, payload(a), 2);
	assert_int_equal(u16, 9000);
	assert_null(nested(be, SPLICELB_BE_A_MAXCONN));
	svc = req_nest(SPLICELB_A_SERVICE);
	assert_null(nested(svc, SPLICELB_SVC_A_CHECK_TYPE));
}

/* A slow start: 0 (none) to an hour, sent in milliseconds when given. */
static void test_slowstart(void **state)
{
	static const char *const accepted[] = { "0", "250ms", "10s", "3600s" };
	static const uint32_t ms[] = { 0, 250, 10000, 3600000 };
	const struct nlattr *a;
	char line[64];
	uint32_t u32;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		snprintf(line, sizeof(line), "service add 10.0.0.1:80 "
			 "slowstart %s", accepted[i]);
		assert_int_equal(parse(line), 0);
		assert_int_equal(req.slowstart_ms, ms[i]);
		assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_SLOWSTART);
		a = nested(req_nest(SPLICELB_A_SERVICE),
			   SPLICELB_SVC_A_SLOWSTART_MS);
		assert_int_equal(a->nla_len, NLA_HDRLEN + 4);
		memcpy(&u32, payload(a), 4);
		assert_int_equal(u32, ms[i]);
	}
	/* Alone, it is a change; "sl" is the one keyword. */
	assert_int_equal(parse("se c 10.0.0.1:80 sl 250 q 1s"), 0);
	assert_int_equal(req.op, LBCTL_SERVICE_CHANGE);
	assert_int_equal(req.slowstart_ms, 250);
	assert_int_equal(req.queue_timeout_ms, 1000);
	assert_int_equal(parse("service change 10.0.0.1:80 slowstart 0"), 0);
	assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_SLOWSTART);
	/* Not given, not sent: the kernel keeps what the service has. */
	assert_int_equal(parse("service change 10.0.0.1:80 maxqueue 1"), 0);
	assert_null(nested(req_nest(SPLICELB_A_SERVICE),
			   SPLICELB_SVC_A_SLOWSTART_MS));

	assert_parse_error("service add 10.0.0.1:80 slowstart 3601s",
			   "bad slowstart \"3601s\" (0-3600s, as 250, 250ms "
			   "or 5s)");
	assert_parse_error("service add 10.0.0.1:80 slowstart 3600001",
			   "bad slowstart \"3600001\"");
	assert_parse_error("service add 10.0.0.1:80 slowstart 5m",
			   "bad slowstart \"5m\" (0-3600s, as 250, 250ms or "
			   "5s)");
	assert_parse_error("service add 10.0.0.1:80 slowstart",
			   "\"slowstart\" needs a value");
	assert_parse_error("service add 10.0.0.1:80 slowstart 1s sl 2s",
			   "\"slowstart\" given twice");
	assert_parse_error("service del 10.0.0.1:80 slowstart 1s",
			   "unexpected \"slowstart\"");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "slowstart 1s", "unexpected \"slowstart\"");
}

/*
 * A backend's agent: a port (0 for none) and how often it is polled, as
 * a check may be, each sent only when given.
 */
static void test_agent(void **state)
{
	static const char *const inters[] = { "10ms", "10", "500ms", "2s",
					      "3600s" };
	static const uint32_t ms[] = { 10, 10, 500, 2000, 3600000 };
	static const uint16_t ports[] = { 0, 1, 9999, 65535 };
	const struct nlattr *be, *a;
	char line[128];
	unsigned int i;
	uint32_t u32;
	uint16_t u16;

	(void)state;
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		snprintf(line, sizeof(line), "backend add 10.0.1.1:80 service "
			 "10.0.0.1:80 agent-port %u", ports[i]);
		assert_int_equal(parse(line), 0);
		assert_int_equal(req.agent_port, ports[i]);
		assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_SVC |
				 LBCTL_HAS_AGENT_PORT);
		be = req_nest(SPLICELB_A_BACKEND);
		a = nested(be, SPLICELB_BE_A_AGENT_PORT);
		assert_int_equal(a->nla_len, NLA_HDRLEN + 2);
		memcpy(&u16, payload(a), 2);
		assert_int_equal(u16, ports[i]);
		assert_null(nested(be, SPLICELB_BE_A_AGENT_INTER_MS));
	}
	for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		snprintf(line, sizeof(line), "backend change 10.0.1.1:80 "
			 "service 10.0.0.1:80 agent-inter %s", inters[i]);
		assert_int_equal(parse(line), 0);
		assert_int_equal(req.op, LBCTL_BACKEND_CHANGE);
		assert_int_equal(req.agent_inter_ms, ms[i]);
		assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_SVC |
				 LBCTL_HAS_AGENT_INTER);
		be = req_nest(SPLICELB_A_BACKEND);
		a = nested(be, SPLICELB_BE_A_AGENT_INTER_MS);
		assert_int_equal(a->nla_len, NLA_HDRLEN + 4);
		memcpy(&u32, payload(a), 4);
		assert_int_equal(u32, ms[i]);
		assert_null(nested(be, SPLICELB_BE_A_AGENT_PORT));
	}
	/* Prefixes: "agent-p" and "agent-i" are one each, "a" two. */
	assert_int_equal(parse("b c 10.0.1.1:80 se 10.0.0.1:80 agent-p 9999 "
			       "agent-i 1s c 81"), 0);
	assert_int_equal(req.agent_port, 9999);
	assert_int_equal(req.agent_inter_ms, 1000);
	assert_int_equal(req.check_port, 81);
	assert_parse_error("b a 10.0.1.1:80 se 10.0.0.1:80 a 9999",
			   "ambiguous \"a\": agent-port, agent-inter");
	assert_parse_error("b a 10.0.1.1:80 se 10.0.0.1:80 agent 9999",
			   "ambiguous \"agent\": agent-port, agent-inter");

	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "agent-port 65536",
			   "bad agent-port \"65536\" (0-65535)");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "agent-port -1", "unknown option \"-1\"");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "agent-port 1s", "bad agent-port \"1s\" (0-65535)");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "agent-inter 0",
			   "bad agent-inter \"0\" (10ms-3600s, as 250, 250ms "
			   "or 5s)");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "agent-inter 9ms", "bad agent-inter \"9ms\"");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "agent-inter 3601s", "bad agent-inter \"3601s\"");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "agent-inter 1m",
			   "bad agent-inter \"1m\" (10ms-3600s, as 250, 250ms "
			   "or 5s)");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "agent-port", "\"agent-port\" needs a value");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "agent-inter 1s agent-i 2s",
			   "\"agent-inter\" given twice");
	assert_parse_error("backend del 10.0.1.1:80 service 10.0.0.1:80 "
			   "agent-port 1", "unexpected \"agent-port\"");
	assert_parse_error("service add 10.0.0.1:80 agent-port 9999",
			   "unexpected \"agent-port\"");
	assert_parse_error("service change 10.0.0.1:80 agent-inter 1s",
			   "unexpected \"agent-inter\"");
}

/* The u8 attribute @type of nest @a. */
static uint8_t nested_u8(const struct nlattr *a, uint16_t type)
{
	const struct nlattr *n = nested(a, type);

	assert_non_null(n);
	assert_int_equal(n->nla_len, NLA_HDRLEN + 1);
	return *(const uint8_t *)payload(n);
}

/*
 * The PROXY protocol: a service's version and accept-proxy, a backend's
 * version or inherit; each a u8, sent only when given.
 */
static void test_proxy(void **state)
{
	static const char *const names[] = { "none", "v1", "v2", "inherit" };
	const struct nlattr *svc, *be;
	char line[128];
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		snprintf(line, sizeof(line), "service add 10.0.0.1:80 "
			 "proxy-protocol %s", names[i]);
		assert_int_equal(parse(line), 0);
		assert_int_equal(req.proxy_protocol, i);
		assert_int_equal(req.has, LBCTL_HAS_ADDR |
				 LBCTL_HAS_PROXY_PROTOCOL);
		svc = req_nest(SPLICELB_A_SERVICE);
		assert_int_equal(nested_u8(svc, SPLICELB_SVC_A_PROXY_PROTOCOL),
				 i);
		assert_null(nested(svc, SPLICELB_SVC_A_ACCEPT_PROXY));
	}
	for (i = 0; i < 4; i++) {
		snprintf(line, sizeof(line), "backend add 10.0.1.1:80 service "
			 "10.0.0.1:80 proxy-protocol %s", names[i]);
		assert_int_equal(parse(line), 0);
		assert_int_equal(req.proxy_protocol, i);
		be = req_nest(SPLICELB_A_BACKEND);
		assert_int_equal(nested_u8(be, SPLICELB_BE_A_PROXY_PROTOCOL),
				 i);
	}
	assert_int_equal(SPLICELB_PROXY_INHERIT, 3);
	assert_int_equal(parse("service add 10.0.0.1:80 accept-proxy on"), 0);
	assert_true(req.accept_proxy);
	assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_ACCEPT_PROXY);
	svc = req_nest(SPLICELB_A_SERVICE);
	assert_int_equal(nested_u8(svc, SPLICELB_SVC_A_ACCEPT_PROXY), 1);
	assert_null(nested(svc, SPLICELB_SVC_A_PROXY_PROTOCOL));
	assert_int_equal(parse("service change 10.0.0.1:80 accept-proxy off"),
			 0);
	assert_false(req.accept_proxy);
	assert_int_equal(nested_u8(req_nest(SPLICELB_A_SERVICE),
				   SPLICELB_SVC_A_ACCEPT_PROXY), 0);

	/* Alone, each is a change; "p" and "a" are one keyword each. */
	assert_int_equal(parse("se c 10.0.0.1:80 p v2 a on"), 0);
	assert_int_equal(req.op, LBCTL_SERVICE_CHANGE);
	assert_int_equal(req.proxy_protocol, SPLICELB_PROXY_V2);
	assert_true(req.accept_proxy);
	assert_int_equal(parse("se c 10.0.0.1:80 p n a of"), 0);
	assert_int_equal(req.proxy_protocol, SPLICELB_PROXY_NONE);
	assert_false(req.accept_proxy);
	assert_int_equal(parse("b c 10.0.1.1:80 se 10.0.0.1:80 p i"), 0);
	assert_int_equal(req.op, LBCTL_BACKEND_CHANGE);
	assert_int_equal(req.proxy_protocol, SPLICELB_PROXY_INHERIT);
	assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_SVC |
			 LBCTL_HAS_PROXY_PROTOCOL);
	assert_parse_error("se c 10.0.0.1:80 p v",
			   "ambiguous \"v\": v1, v2");
	assert_parse_error("se c 10.0.0.1:80 a o",
			   "ambiguous \"o\": on, off");
	/* Not given, not sent: the kernel keeps what they are. */
	assert_int_equal(parse("service change 10.0.0.1:80 maxqueue 1"), 0);
	svc = req_nest(SPLICELB_A_SERVICE);
	assert_null(nested(svc, SPLICELB_SVC_A_PROXY_PROTOCOL));
	assert_null(nested(svc, SPLICELB_SVC_A_ACCEPT_PROXY));
	assert_int_equal(parse("backend change 10.0.1.1:80 service "
			       "10.0.0.1:80 weight 2"), 0);
	assert_null(nested(req_nest(SPLICELB_A_BACKEND),
			   SPLICELB_BE_A_PROXY_PROTOCOL));
}

static void test_proxy_errors(void **state)
{
	(void)state;
	/* A service has nothing to inherit from. */
	assert_parse_error("service add 10.0.0.1:80 proxy-protocol inherit",
			   "bad proxy-protocol \"inherit\" (none, v1 or v2)");
	assert_parse_error("service add 10.0.0.1:80 proxy-protocol i",
			   "bad proxy-protocol \"i\" (none, v1 or v2)");
	assert_parse_error("service add 10.0.0.1:80 proxy-protocol v3",
			   "bad proxy-protocol \"v3\" (none, v1 or v2)");
	assert_parse_error("service add 10.0.0.1:80 proxy-protocol 2",
			   "bad proxy-protocol \"2\"");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "proxy-protocol v3", "bad proxy-protocol \"v3\" "
			   "(none, v1, v2 or inherit)");
	assert_parse_error("service add 10.0.0.1:80 accept-proxy yes",
			   "bad accept-proxy \"yes\" (on or off)");
	assert_parse_error("service add 10.0.0.1:80 accept-proxy 1",
			   "bad accept-proxy \"1\" (on or off)");
	assert_parse_error("service add 10.0.0.1:80 proxy-protocol",
			   "\"proxy-protocol\" needs a value");
	assert_parse_error("service add 10.0.0.1:80 accept-proxy",
			   "\"accept-proxy\" needs a value");
	assert_parse_error("service add 10.0.0.1:80 proxy-protocol v1 p v2",
			   "\"proxy-protocol\" given twice");
	assert_parse_error("service add 10.0.0.1:80 accept-proxy on a off",
			   "\"accept-proxy\" given twice");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "accept-proxy on", "unexpected \"accept-proxy\"");
	assert_parse_error("service del 10.0.0.1:80 proxy-protocol v1",
			   "unexpected \"proxy-protocol\"");
	assert_parse_error("backend del 10.0.1.1:80 service 10.0.0.1:80 "
			   "proxy-protocol v1",
			   "unexpected \"proxy-protocol\"");
	assert_parse_error("conns proxy-protocol v1",
			   "unexpected \"proxy-protocol\"");
}

/*
 * The nest of a service's source: the client flag, or each address of
 * the pool in its order, 4 or 16 bytes; empty for none.
 */
static void assert_source_nest(const char *const *want, unsigned int n,
			       bool client)
{
	const struct nlattr *src, *a;
	const unsigned char *p;
	unsigned char ip[16];
	size_t len, step;
	unsigned int i = 0;

	src = nested(req_nest(SPLICELB_A_SERVICE), SPLICELB_SVC_A_SOURCE);
	assert_non_null(src);
	a = nested(src, SPLICELB_SOURCE_A_CLIENT);
	assert_int_equal(a != NULL, client);
	if (a)
		assert_int_equal(a->nla_len, NLA_HDRLEN);
	p = payload(src);
	for (len = src->nla_len - NLA_HDRLEN; len >= NLA_HDRLEN;
	     len -= step, p += step) {
		a = (const void *)p;
		step = NLA_ALIGN(a->nla_len);
		assert_true(a->nla_len >= NLA_HDRLEN && step <= len);
		if (a->nla_type != SPLICELB_SOURCE_A_ADDR)
			continue;
		assert_true(i < n);
		if (inet_pton(AF_INET, want[i], ip) == 1)
			assert_int_equal(a->nla_len, NLA_HDRLEN + 4);
		else if (inet_pton(AF_INET6, want[i], ip) == 1)
			assert_int_equal(a->nla_len, NLA_HDRLEN + 16);
		else
			fail_msg("\"%s\" is no address", want[i]);
		assert_memory_equal(payload(a), ip, a->nla_len - NLA_HDRLEN);
		i++;
	}
	assert_int_equal(i, n);
}

/*
 * A service's source, sent only when given, as a nest that replaces the
 * whole of it: the client flag, the pool's addresses, or nothing (none).
 */
static void test_source(void **state)
{
	static const char *const pool[] = {
		"10.0.11.1", "fd00:11::3", "10.0.11.3",
	};

	(void)state;
	assert_int_equal(parse("service add 10.0.0.1:80 source client"), 0);
	assert_true(req.source.pool.client);
	assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_SOURCE);
	assert_source_nest(NULL, 0, true);
	assert_int_equal(parse("service add 10.0.0.1:80 source "
			       "10.0.11.1,fd00:11::3,10.0.11.3"), 0);
	assert_int_equal(req.source.pool.n, 3);
	assert_source_nest(pool, 3, false);
	assert_int_equal(parse("service change 10.0.0.1:80 source none"), 0);
	assert_int_equal(req.op, LBCTL_SERVICE_CHANGE);
	assert_true(slb_source_none(&req.source));
	assert_source_nest(NULL, 0, false);
	assert_int_equal(nested(req_nest(SPLICELB_A_SERVICE),
				SPLICELB_SVC_A_SOURCE)->nla_len, NLA_HDRLEN);
	/* Prefixes, of the keyword and of none and client. */
	assert_int_equal(parse("se c 10.0.0.1:80 so c"), 0);
	assert_true(req.source.pool.client);
	assert_int_equal(parse("se c 10.0.0.1:80 so n"), 0);
	assert_true(slb_source_none(&req.source));
	assert_int_equal(req.has, LBCTL_HAS_ADDR | LBCTL_HAS_SOURCE);
	/* ... but an address that starts as client does is one. */
	assert_int_equal(parse("se c 10.0.0.1:80 so c::1"), 0);
	assert_int_equal(req.source.pool.n, 1);
	/* Not given, not sent: the kernel keeps the source it has. */
	assert_int_equal(parse("service add 10.0.0.1:80"), 0);
	assert_null(nested(req_nest(SPLICELB_A_SERVICE),
			   SPLICELB_SVC_A_SOURCE));
	assert_int_equal(parse("service change 10.0.0.1:80 maxconn 1"), 0);
	assert_null(nested(req_nest(SPLICELB_A_SERVICE),
			   SPLICELB_SVC_A_SOURCE));
}

static void test_source_errors(void **state)
{
	(void)state;
	assert_parse_error("service add 10.0.0.1:80 source 10.0.0.x",
			   "bad source \"10.0.0.x\": bad address "
			   "\"10.0.0.x\" (IPv4 dotted or IPv6, without "
			   "brackets or port)");
	assert_parse_error("service add 10.0.0.1:80 source [fd00::1]",
			   "bad address \"[fd00::1]\"");
	assert_parse_error("service add 10.0.0.1:80 source fd00::1,fd00::1",
			   "fd00::1 given twice");
	assert_parse_error("service add 10.0.0.1:80 source ,10.0.0.1",
			   "an empty address");
	assert_parse_error("service add 10.0.0.1:80 source 10.0.0.1,10.0.0.2,"
			   "10.0.0.3,10.0.0.4,10.0.0.5,10.0.0.6,10.0.0.7,"
			   "10.0.0.8,10.0.0.9,10.0.0.10,10.0.0.11,10.0.0.12,"
			   "10.0.0.13,10.0.0.14,10.0.0.15,10.0.0.16,10.0.0.17",
			   "more than 16 addresses");
	assert_parse_error("service add 10.0.0.1:80 source",
			   "\"source\" needs a value");
	assert_parse_error("service add 10.0.0.1:80 source none so client",
			   "\"source\" given twice");
	assert_parse_error("backend add 10.0.1.1:80 service 10.0.0.1:80 "
			   "source client", "unexpected \"source\"");
	assert_parse_error("service del 10.0.0.1:80 source none",
			   "unexpected \"source\"");
	/* "s" is many keywords here. */
	assert_parse_error("service add 10.0.0.1:80 s none",
			   "ambiguous \"s\"");
}

/* What "lbctl save" writes, lbctl restore and lbselect both read back. */
static void test_save_format(void **state)
{
	static const char *const lines[] = {
		"service add 10.0.0.1:80 scheduler rr backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s",
		"service add [2001:db8::1]:443 scheduler wrr backlog 64 maxconn 9 maxqueue 100 queue-timeout 250ms",
		"service add 10.0.0.2:80 scheduler mh hash-key addr seed 0 table-size 65537 backlog 511 maxconn 0 maxqueue 0 queue-timeout 3600s",
		"service add 10.0.0.3:80 scheduler sh hash-key addr-port seed 4294967295 backlog 511 maxconn 0 maxqueue 4294967295 queue-timeout 1ms",
		"service add 10.0.0.4:80 scheduler wrr backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s slowstart 10s check tcp inter 2s timeout 0 rise 2 fall 3 fastinter 0 downinter 0 observe 0",
		"service add 10.0.0.5:80 scheduler rr backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s proxy-protocol v2 accept-proxy on check tcp inter 2s timeout 0 rise 2 fall 3 fastinter 0 downinter 0 observe 0",
		"backend add 10.0.1.1:80 service 10.0.0.1:80 weight 1 state up maxconn 0",
		"backend add [2001:db8::2]:80 service [2001:db8::1]:443 weight 0 state drain maxconn 4294967295",
		"backend add 10.0.1.2:80 service 10.0.0.1:80 weight 65535 state down maxconn 10",
		"backend add 10.0.1.3:80 service 10.0.0.1:80 weight 1 state up maxconn 0 check-port 81 agent-port 9999 agent-inter 500ms",
		"backend add 10.0.1.4:80 service 10.0.0.5:80 weight 1 state up maxconn 0 check-port 81 proxy-protocol v1 agent-port 9999",
		"service add [fd00::1]:80 scheduler rr backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s source client",
		"service add 10.0.0.6:80 scheduler rr backlog 511 maxconn 0 maxqueue 0 queue-timeout 5s accept-proxy on source 10.0.11.1,fd00:11::3 check tcp inter 2s timeout 0 rise 2 fall 3 fastinter 0 downinter 0 observe 0",
		"backend add [fd00:1::1]:80 service 10.0.0.6:80 weight 1 state up maxconn 0",
	};
	struct slb_cfg cfg;
	unsigned int i;
	char cerr[256];

	(void)state;
	slb_cfg_init(&cfg, 0);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (parse(lines[i]))
			fail_msg("lbctl: \"%s\": %s", lines[i], err);
		assert_true(req.op == LBCTL_SERVICE_ADD ||
			    req.op == LBCTL_BACKEND_ADD);
		if (slb_cfg_parse_line(&cfg, lines[i], i + 1, cerr,
				       sizeof(cerr)))
			fail_msg("lbselect: \"%s\": %s", lines[i], cerr);
	}
	assert_int_equal(cfg.nsvc, 8);
	assert_int_equal(cfg.nbe, 6);
	assert_true(cfg.svc[6].source.pool.client);
	assert_int_equal(cfg.svc[7].source.pool.n, 2);
	assert_int_equal(cfg.svc[4].slowstart_ms, 10000);
	assert_int_equal(cfg.svc[5].proxy_protocol, SPLICELB_PROXY_V2);
	assert_true(cfg.svc[5].accept_proxy);
	assert_int_equal(cfg.be[3].agent_port, 9999);
	assert_int_equal(cfg.be[3].agent_inter_ms, 500);
	assert_int_equal(cfg.be[3].proxy_protocol, SPLICELB_PROXY_INHERIT);
	assert_int_equal(cfg.be[4].proxy_protocol, SPLICELB_PROXY_V1);
	slb_cfg_free(&cfg);
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(slb_cfg_state_name(SPLICELB_BACKEND_UP), "up");
	assert_string_equal(slb_cfg_state_name(SPLICELB_BACKEND_DRAINED),
			    "drained");
	assert_null(slb_cfg_state_name(99));
}

static void test_fuzz_corpus(void **state)
{
	(void)state;
	/* Crashes abort the test program; sanitizers run it in CI builds. */
	assert_int_equal(fuzz_lbctl_corpus(1, 5000), 5000);
	assert_int_equal(fuzz_lbctl_corpus(0xdecafbad, 2000), 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service_add),
		cmocka_unit_test(test_sched_opts),
		cmocka_unit_test(test_sched_opts_errors),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_ambiguous),
		cmocka_unit_test(test_queue),
		cmocka_unit_test(test_queue_errors),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_check_errors),
		cmocka_unit_test(test_check_msg),
		cmocka_unit_test(test_slowstart),
		cmocka_unit_test(test_agent),
		cmocka_unit_test(test_proxy),
		cmocka_unit_test(test_proxy_errors),
		cmocka_unit_test(test_source),
		cmocka_unit_test(test_source_errors),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_service_errors),
		cmocka_unit_test(test_backend),
		cmocka_unit_test(test_misc_commands),
		cmocka_unit_test(test_msg),
		cmocka_unit_test(test_save_format),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_fuzz_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
