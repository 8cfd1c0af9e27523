// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Unit tests of a service's source (userspace/common/source.c): the word
 * read and written back the same, every reason it is refused for, the
 * families of backends each source allows, and the address each try of
 * a connection or a check leaves from, the pool's in turn.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "source.h"

static struct slb_source src;
static char err[256];

static bool whole_word(const char *word, const char *keyword)
{
	return !strcmp(word, keyword);
}

static bool prefix(const char *word, const char *keyword)
{
	size_t n = strlen(word);

	return n && !strncmp(word, keyword, n);
}

static int parse(const char *s)
{
	return slb_source_parse(s, &src, whole_word, err, sizeof(err));
}

static void assert_refused(const char *s, const char *why)
{
	if (!parse(s))
		fail_msg("\"%s\" taken", s);
	if (!strstr(err, why))
		fail_msg("\"%s\": \"%s\", wanted \"%s\"", s, err, why);
}

/* @s parses and is written back as @want, which parses the same. */
static void assert_round_trip(const char *s, const char *want)
{
	char out[SLB_SOURCE_STRLEN], again[SLB_SOURCE_STRLEN];
	struct slb_source first;

	if (parse(s))
		fail_msg("\"%s\": %s", s, err);
	first = src;
	assert_string_equal(slb_source_format(&src, out, sizeof(out)), want);
	assert_int_equal(parse(out), 0);
	assert_memory_equal(&src, &first, sizeof(src));
	slb_source_format(&src, again, sizeof(again));
	assert_string_equal(again, want);
}

static const char *host(const struct sockaddr_storage *ss)
{
	static char buf[INET6_ADDRSTRLEN];

	return slb_addr_host(ss, buf, sizeof(buf));
}

static void test_words(void **state)
{
	(void)state;
	assert_int_equal(parse("none"), 0);
	assert_true(slb_source_none(&src));
	assert_int_equal(parse("client"), 0);
	assert_true(src.pool.client);
	assert_int_equal(src.pool.n, 0);
	assert_false(slb_source_none(&src));
	assert_int_equal(parse("10.0.11.1,fd00:11::3"), 0);
	assert_false(src.pool.client);
	assert_int_equal(src.pool.n, 2);
	assert_int_equal(src.addr[0].ss_family, AF_INET);
	assert_int_equal(src.addr[1].ss_family, AF_INET6);
	assert_string_equal(host(&src.addr[0]), "10.0.11.1");
	assert_string_equal(host(&src.addr[1]), "fd00:11::3");

	assert_round_trip("none", "none");
	assert_round_trip("client", "client");
	assert_round_trip("10.0.11.1", "10.0.11.1");
	assert_round_trip("10.0.11.1,fd00:11::3", "10.0.11.1,fd00:11::3");
	/* Written the short way, in the order given. */
	assert_round_trip("FD00:0011:0000::0003,10.0.11.1",
			  "fd00:11::3,10.0.11.1");
}

/*
 * Every address the longest way it may be written: the word fits
 * SLB_SOURCE_STRLEN, and is written back the shortest way.
 */
static void test_longest(void **state)
{
	char in[SLB_SOURCE_STRLEN], want[SLB_SOURCE_STRLEN];
	char out[SLB_SOURCE_STRLEN];
	size_t n = 0, m = 0;
	unsigned int i;

	(void)state;
	for (i = 0; i < SPLICELB_SOURCE_ADDRS_MAX; i++) {
		n += (size_t)snprintf(in + n, sizeof(in) - n, "%s1111:2222:"
				      "3333:4444:5555:6666:255.255.255.%u",
				      i ? "," : "", 200 + i);
		m += (size_t)snprintf(want + m, sizeof(want) - m, "%s1111:"
				      "2222:3333:4444:5555:6666:ffff:ff%02x",
				      i ? "," : "", 200 + i);
	}
	assert_int_equal(strlen(in), SLB_SOURCE_STRLEN - 1);
	assert_int_equal(parse(in), 0);
	assert_int_equal(src.pool.n, SPLICELB_SOURCE_ADDRS_MAX);
	assert_string_equal(slb_source_format(&src, out, sizeof(out)), want);
}

static void test_refused(void **state)
{
	char many[512];
	size_t n = 0;
	unsigned int i;

	(void)state;
	assert_refused("10.0.0.x", "bad address \"10.0.0.x\" (IPv4 dotted "
		       "or IPv6, without brackets or port)");
	assert_refused("10.0.0.1,[fd00::1]", "bad address \"[fd00::1]\"");
	assert_refused("10.0.0.1:80", "bad address \"10.0.0.1:80\"");
	assert_refused("10.0.0", "bad address \"10.0.0\"");
	assert_refused("fe80::1%eth0", "bad address \"fe80::1%eth0\"");
	assert_refused("10.0.0.1 ", "bad address \"10.0.0.1 \"");
	assert_refused("clients", "bad address \"clients\"");
	assert_refused("10.0.0.1,fd00::1,10.0.0.1",
		       "10.0.0.1 given twice");
	/* The same address however it is written. */
	assert_refused("fd00::1,FD00:0::01", "FD00:0::01 given twice");
	/* As the kernel: only what a socket may take as its own address. */
	assert_refused("0.0.0.0", "0.0.0.0 is not a unicast address");
	assert_refused("0.1.2.3", "0.1.2.3 is not a unicast address");
	assert_refused("::", ":: is not a unicast address");
	assert_refused("224.0.0.1", "224.0.0.1 is not a unicast address");
	assert_refused("255.255.255.255",
		       "255.255.255.255 is not a unicast address");
	assert_refused("ff02::1", "ff02::1 is not a unicast address");
	assert_refused("fe80::1",
		       "fe80::1 is link-local: a pool address has no interface");
	assert_refused("::ffff:10.0.0.1",
		       "::ffff:10.0.0.1 is not a unicast address");
	assert_refused("", "an empty address");
	assert_refused(",", "an empty address");
	assert_refused("10.0.0.1,", "an empty address");
	assert_refused(",10.0.0.1", "an empty address");
	assert_refused("10.0.0.1,,10.0.0.2", "an empty address");
	for (i = 0; i <= SPLICELB_SOURCE_ADDRS_MAX; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%s10.0.0.%u",
				      i ? "," : "", i + 1);
	assert_refused(many, "more than 16 addresses");
	/* Sixteen are the most, not too many. */
	many[strrchr(many, ',') - many] = '\0';
	assert_int_equal(parse(many), 0);
	assert_int_equal(src.pool.n, SPLICELB_SOURCE_ADDRS_MAX);
	/* The keywords are words of their own, no pool's. */
	assert_refused("client,10.0.0.1", "bad address \"client\"");
	assert_refused("10.0.0.1,none", "bad address \"none\"");
}

/* lbctl's command line takes keywords by prefix: none is an address. */
static void test_prefixes(void **state)
{
	(void)state;
	assert_int_equal(slb_source_parse("c", &src, prefix, err,
					  sizeof(err)), 0);
	assert_true(src.pool.client);
	assert_int_equal(slb_source_parse("no", &src, prefix, err,
					  sizeof(err)), 0);
	assert_true(slb_source_none(&src));
	assert_int_equal(slb_source_parse("c::1", &src, prefix, err,
					  sizeof(err)), 0);
	assert_int_equal(src.pool.n, 1);
	assert_string_equal(host(&src.addr[0]), "c::1");
	assert_int_equal(parse("c"), -1);
	assert_int_equal(parse("no"), -1);
}

static void test_allows(void **state)
{
	(void)state;
	assert_int_equal(parse("none"), 0);
	assert_true(slb_source_allows(&src, AF_INET, AF_INET));
	assert_true(slb_source_allows(&src, AF_INET, AF_INET6));
	assert_true(slb_source_allows(&src, AF_INET6, AF_INET));
	/* Transparent: the client's family is the service's. */
	assert_int_equal(parse("client"), 0);
	assert_true(slb_source_allows(&src, AF_INET, AF_INET));
	assert_true(slb_source_allows(&src, AF_INET6, AF_INET6));
	assert_false(slb_source_allows(&src, AF_INET, AF_INET6));
	assert_false(slb_source_allows(&src, AF_INET6, AF_INET));
	/* A pool: whatever the service's, a family it holds. */
	assert_int_equal(parse("10.0.0.1,10.0.0.2"), 0);
	assert_true(slb_source_allows(&src, AF_INET6, AF_INET));
	assert_false(slb_source_allows(&src, AF_INET, AF_INET6));
	assert_int_equal(parse("fd00::1,10.0.0.1"), 0);
	assert_true(slb_source_allows(&src, AF_INET, AF_INET6));
	assert_true(slb_source_allows(&src, AF_INET, AF_INET));
}

static struct sockaddr_storage addr_of(const char *s)
{
	struct sockaddr_storage ss;

	assert_int_equal(slb_addr_parse(s, &ss, NULL), 0);
	return ss;
}

static unsigned int port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

/* The tries of one connection that starts at @start: their addresses. */
static void assert_tries(int family, unsigned int start, const char *want)
{
	struct slb_source_pick p = { .start = start };
	char got[256] = "";
	size_t n = 0;

	while (!slb_source_next(&src, family, NULL, &p)) {
		assert_true(p.bind);
		assert_false(p.transparent);
		assert_int_equal(port_of(&p.local), 0);
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s",
				      n ? " " : "", host(&p.local));
	}
	assert_string_equal(got, want);
}

static void test_pool_tries(void **state)
{
	(void)state;
	assert_int_equal(parse("10.0.0.1,fd00::1,10.0.0.2,10.0.0.3,fd00::2"),
			 0);
	/* Each connection starts one further, and tries each once. */
	assert_tries(AF_INET, 0, "10.0.0.1 10.0.0.2 10.0.0.3");
	assert_tries(AF_INET, 1, "10.0.0.2 10.0.0.3 10.0.0.1");
	assert_tries(AF_INET, 5, "10.0.0.3 10.0.0.1 10.0.0.2");
	assert_tries(AF_INET6, 0, "fd00::1 fd00::2");
	assert_tries(AF_INET6, 7, "fd00::2 fd00::1");
	assert_tries(AF_INET6, 4294967295u, "fd00::2 fd00::1");
}

static void test_pick(void **state)
{
	struct sockaddr_storage client = addr_of("192.0.2.7:4242");
	struct slb_source_pick p = { 0 };

	(void)state;
	/* None: one try, bound to nothing. */
	assert_int_equal(parse("none"), 0);
	assert_int_equal(slb_source_next(&src, AF_INET, &client, &p), 0);
	assert_false(p.bind);
	assert_int_equal(slb_source_next(&src, AF_INET, &client, &p),
			 -ENOENT);
	/* Client: one try from its address, port 0, transparent. */
	assert_int_equal(parse("client"), 0);
	memset(&p, 0, sizeof(p));
	assert_int_equal(slb_source_next(&src, AF_INET, &client, &p), 0);
	assert_true(p.bind);
	assert_true(p.transparent);
	assert_string_equal(host(&p.local), "192.0.2.7");
	assert_int_equal(port_of(&p.local), 0);
	assert_int_equal(slb_source_next(&src, AF_INET, &client, &p),
			 -ENOENT);
	/* A header that named the other family: nothing to bind to. */
	memset(&p, 0, sizeof(p));
	assert_int_equal(slb_source_next(&src, AF_INET6, &client, &p),
			 -EAFNOSUPPORT);
	/* Its checks leave from the gateway's own address. */
	memset(&p, 0, sizeof(p));
	assert_int_equal(slb_source_next(&src, AF_INET, NULL, &p), 0);
	assert_false(p.bind);
	assert_false(p.transparent);
	assert_int_equal(slb_source_next(&src, AF_INET, NULL, &p), -ENOENT);
	/* A pool without the family. */
	assert_int_equal(parse("10.0.0.1"), 0);
	memset(&p, 0, sizeof(p));
	assert_int_equal(slb_source_next(&src, AF_INET6, &client, &p),
			 -EAFNOSUPPORT);
	/* A pool's try binds for a client too, never transparent. */
	memset(&p, 0, sizeof(p));
	assert_int_equal(slb_source_next(&src, AF_INET, &client, &p), 0);
	assert_true(p.bind);
	assert_false(p.transparent);
	assert_string_equal(host(&p.local), "10.0.0.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_longest),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_allows),
		cmocka_unit_test(test_pool_tries),
		cmocka_unit_test(test_pick),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
