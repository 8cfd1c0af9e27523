// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Native unit tests of lib/proxy.c: PROXY protocol headers of both
 * versions as HAProxy's doc/proxy-protocol.txt has them, read whole and
 * piece by piece, refused when malformed, and written to read back; the
 * text forms of IPv6 against the C library's; and the fuzz harness
 * (tests/fuzz/fuzz_proxy.c, built in here without its main) over inputs
 * its generator makes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "proxy.h"

#define PROXY_FUZZ_NO_MAIN
#include "../fuzz/fuzz_proxy.c"

#define MAX	SLB_PROXY_READ_MAX

static struct slb_proxy_hdr hdr;

static int parse(const char *s)
{
	return slb_proxy_parse((const u8 *)s, strlen(s), MAX, &hdr);
}

static int parse_n(const void *p, size_t len)
{
	return slb_proxy_parse(p, len, MAX, &hdr);
}

/* A v2 header: signature, @ver_cmd, @fam, the length of @body, @body. */
static size_t v2(u8 *out, u8 ver_cmd, u8 fam, const void *body, size_t len)
{
	memcpy(out, V2SIG, 12);
	out[12] = ver_cmd;
	out[13] = fam;
	out[14] = (u8)(len >> 8);
	out[15] = (u8)len;
	if (len)	/* an empty body may be NULL, which memcpy may not take */
		memcpy(out + 16, body, len);
	return 16 + len;
}

static void ip6(const char *s, u8 *ip)
{
	assert_int_equal(inet_pton(AF_INET6, s, ip), 1);
}

/* Every shorter read of @p is "more", with a need beyond it. */
static void assert_prefixes_wait(const void *p, size_t len)
{
	struct slb_proxy_hdr h;
	size_t i;

	for (i = 0; i < len; i++) {
		assert_int_equal(slb_proxy_parse(p, i, MAX, &h), 0);
		assert_true(slb_proxy_need(p, i) > (int)i);
	}
	assert_int_equal(slb_proxy_parse(p, len, MAX, &h), (int)len);
	assert_int_equal(slb_proxy_need(p, len), (int)len);
}

/* The examples of the specification. */
static void test_v1_examples(void **ts)
{
	static const char tcp4[] = "PROXY TCP4 192.168.0.1 192.168.0.11 "
				   "56324 443\r\n";
	static const char http[] = "GET / HTTP/1.1\r\nHost: 192.168.0.11\r\n"
				   "\r\n";
	static const u8 src4[4] = { 192, 168, 0, 1 }, dst4[4] = {
		192, 168, 0, 11 };
	char buf[256];
	u8 ip[16];

	(void)ts;
	/* What follows the line is the client's, not the header's. */
	snprintf(buf, sizeof(buf), "%s%s", tcp4, http);
	assert_int_equal(parse(buf), sizeof(tcp4) - 1);
	assert_int_equal(hdr.version, SLB_PROXY_V1);
	assert_int_equal(hdr.addr.family, SLB_PROXY_AF_INET);
	assert_memory_equal(hdr.addr.src, src4, 4);
	assert_memory_equal(hdr.addr.dst, dst4, 4);
	assert_int_equal(hdr.addr.src_port, 56324);
	assert_int_equal(hdr.addr.dst_port, 443);
	assert_null(hdr.unique_id);

	assert_int_equal(parse("PROXY TCP6 2001:db8::1 2001:db8::7 56324 443"
			       "\r\n"), 46);
	assert_int_equal(hdr.addr.family, SLB_PROXY_AF_INET6);
	ip6("2001:db8::1", ip);
	assert_memory_equal(hdr.addr.src, ip, 16);
	ip6("2001:db8::7", ip);
	assert_memory_equal(hdr.addr.dst, ip, 16);
	assert_int_equal(hdr.addr.src_port, 56324);

	assert_int_equal(parse("PROXY TCP4 255.255.255.255 255.255.255.255 "
			       "65535 65535\r\n"), 56);
	assert_int_equal(parse("PROXY TCP4 0.0.0.0 0.0.0.0 0 0\r\n"), 32);
	assert_int_equal(hdr.addr.src_port, 0);
}

/* UNKNOWN: the receiver keeps its own view, whatever follows the word. */
static void test_v1_unknown(void **ts)
{
	(void)ts;
	assert_int_equal(parse("PROXY UNKNOWN\r\n"), 15);
	assert_int_equal(hdr.version, SLB_PROXY_V1);
	assert_int_equal(hdr.addr.family, SLB_PROXY_AF_NONE);
	assert_int_equal(parse("PROXY UNKNOWN 1.2.3.4 5.6.7.8 1 2\r\n"), 35);
	assert_int_equal(hdr.addr.family, SLB_PROXY_AF_NONE);
	assert_int_equal(parse("PROXY UNKNOWN garbage  \t here\r\nGET"), 31);
	/* Still a line: CRLF it must have, a lone LF it must not. */
	assert_int_equal(parse("PROXY UNKNOWN\n"), SLB_PROXY_ERR_V1);
	assert_int_equal(parse("PROXY UNKNOWN\rX"), SLB_PROXY_ERR_V1);
	assert_int_equal(parse("PROXY UNKNOWN"), 0);
	assert_int_equal(parse("PROXY UNKNOW\r\n"), SLB_PROXY_ERR_V1);
	assert_int_equal(parse("PROXY UNKNOWNX\r\n"), SLB_PROXY_ERR_V1);
	assert_int_equal(parse("PROXY \r\n"), SLB_PROXY_ERR_V1);
}

/*
 * 107 bytes, CRLF included, is the most: the worst case UNKNOWN line.  The
 * longest TCP6 line is 104.
 */
static void test_v1_longest(void **ts)
{
	static const char ffff[] = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
	char line[160];

	(void)ts;
	snprintf(line, sizeof(line), "PROXY TCP6 %s %s 65535 65535\r\n",
		 ffff, ffff);
	assert_int_equal(strlen(line), 104);
	assert_int_equal(parse(line), 104);
	assert_int_equal(hdr.addr.family, SLB_PROXY_AF_INET6);
	assert_int_equal(hdr.addr.src[15], 0xff);
	assert_int_equal(hdr.addr.dst_port, 65535);
	assert_prefixes_wait(line, 104);

	snprintf(line, sizeof(line), "PROXY UNKNOWN %s %s 65535 65535\r\n",
		 ffff, ffff);
	assert_int_equal(strlen(line), SLB_PROXY_V1_MAX);
	assert_int_equal(parse(line), SLB_PROXY_V1_MAX);
	assert_prefixes_wait(line, SLB_PROXY_V1_MAX);
	/* One byte more, and the line is refused, not waited for. */
	snprintf(line, sizeof(line), "PROXY UNKNOWN %s %s 65535 655355\r\n",
		 ffff, ffff);
	assert_int_equal(parse(line), SLB_PROXY_ERR_V1);
	line[SLB_PROXY_V1_MAX] = '\0';
	assert_int_equal(parse(line), SLB_PROXY_ERR_V1);
	/* 106 bytes without a CR cannot end in 107. */
	line[106] = '\0';
	assert_int_equal(parse(line), SLB_PROXY_ERR_V1);
	line[105] = '\0';
	assert_int_equal(parse(line), 0);
	assert_int_equal(slb_proxy_need((const u8 *)line, 105),
			 SLB_PROXY_V1_MAX);

	/* Valid addresses, but in a line longer than any allowed. */
	assert_int_equal(parse("PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:"
			       "255.255.255.255 ffff:ffff:ffff:ffff:ffff:"
			       "ffff:255.255.255.255 65535 65535\r\n"),
			 SLB_PROXY_ERR_V1);
}

static void test_v1_malformed(void **ts)
{
	static const char *const bad[] = {
		/* leading zeros: octal to some readers */
		"PROXY TCP4 192.168.0.01 192.168.0.11 56324 443\r\n",
		"PROXY TCP4 01.2.3.4 1.2.3.4 1 2\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 0443 443\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 1 00\r\n",
		/* out of range */
		"PROXY TCP4 1.2.3.4 1.2.3.4 65536 443\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 1 4294967297\r\n",
		"PROXY TCP4 256.2.3.4 1.2.3.4 1 2\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.1000 1 2\r\n",
		/* not numbers, or not four */
		"PROXY TCP4 1.2.3.4 1.2.3.4 -1 2\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 +1 2\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 1 0x10\r\n",
		"PROXY TCP4 1.2.3 1.2.3.4 1 2\r\n",
		"PROXY TCP4 1.2.3.4.5 1.2.3.4 1 2\r\n",
		"PROXY TCP4 1.2.3. 1.2.3.4 1 2\r\n",
		"PROXY TCP4 .1.2.3 1.2.3.4 1 2\r\n",
		"PROXY TCP4 1..2.3 1.2.3.4 1 2\r\n",
		/* spaces: exactly one between words */
		"PROXY TCP4  1.2.3.4 1.2.3.4 1 2\r\n",
		"PROXY TCP4 1.2.3.4  1.2.3.4 1 2\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 1 2 \r\n",
		"PROXY  TCP4 1.2.3.4 1.2.3.4 1 2\r\n",
		"PROXY TCP4\t1.2.3.4 1.2.3.4 1 2\r\n",
		/* words missing or too many */
		"PROXY TCP4 1.2.3.4 1.2.3.4 1\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 1 2 3\r\n",
		"PROXY TCP4\r\n",
		/* families */
		"PROXY TCP4 ::1 ::1 1 2\r\n",
		"PROXY TCP4 1.2.3.4 ::ffff:1.2.3.4 1 2\r\n",
		"PROXY TCP6 1.2.3.4 1.2.3.4 1 2\r\n",
		"PROXY TCP6 ::1 1.2.3.4 1 2\r\n",
		"PROXY TCP5 1.2.3.4 1.2.3.4 1 2\r\n",
		"PROXY tcp4 1.2.3.4 1.2.3.4 1 2\r\n",
		"PROXY UDP4 1.2.3.4 1.2.3.4 1 2\r\n",
		/* the end: CRLF and nothing else */
		"PROXY TCP4 1.2.3.4 1.2.3.4 1 2\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 1 2\n\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 1 2\r\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 1 2\rX",
		"PROXY TCP4 1.2.3.4\n1.2.3.4 1 2\r\n",
		"PROXY TCP4 1.2.3.4 1.2.3.4 1 2\0\r\n",
	};
	size_t i;

	(void)ts;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		/* Up to its NUL, or past it for the last. */
		size_t len = strlen(bad[i]);

		if (i == ARRAY_SIZE(bad) - 1)
			len += 3;
		if (slb_proxy_parse((const u8 *)bad[i], len, MAX, &hdr) !=
		    SLB_PROXY_ERR_V1)
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(hdr.version, SLB_PROXY_NONE);
		assert_int_equal(slb_proxy_need((const u8 *)bad[i], len),
				 SLB_PROXY_ERR_V1);
	}
}

/* A line without its CRLF is waited for until it can no longer end. */
static void test_v1_missing_crlf(void **ts)
{
	char line[200];

	(void)ts;
	assert_int_equal(parse("PROXY TCP4 1.2.3.4 1.2.3.4 1 2"), 0);
	assert_int_equal(parse("PROXY TCP4 1.2.3.4 1.2.3.4 1 2\r"), 0);
	memset(line, 'x', sizeof(line));
	memcpy(line, "PROXY TCP4 ", 11);
	assert_int_equal(parse_n(line, SLB_PROXY_V1_MAX),
			 SLB_PROXY_ERR_V1);
	assert_int_equal(parse_n(line, sizeof(line)), SLB_PROXY_ERR_V1);
	assert_int_equal(slb_proxy_need((const u8 *)line, 107),
			 SLB_PROXY_ERR_V1);
	assert_int_equal(parse_n(line, 105), 0);
}

static void test_signature(void **ts)
{
	static const char *const bad[] = {
		"GET / HTTP/1.1\r\n", "PROXX", "proxy TCP4", "PROXYTCP4",
		"PROXY\tTCP4", " PROXY ", "\r\n\r\n\x01", "\r\r", "\0",
		"SSH-2.0-OpenSSH\r\n", "\x16\x03\x01\x02\x00\x01",
	};
	u8 sig[16];
	size_t i;

	(void)ts;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		size_t len = strlen(bad[i]) ? strlen(bad[i]) : 1;

		assert_int_equal(parse_n(bad[i], len), SLB_PROXY_ERR_SIGNATURE);
		assert_int_equal(slb_proxy_need((const u8 *)bad[i], len),
				 SLB_PROXY_ERR_SIGNATURE);
	}
	/* Known at the first byte that differs, not later. */
	assert_int_equal(parse_n("X", 1), SLB_PROXY_ERR_SIGNATURE);
	assert_int_equal(parse_n("PROXY", 5), 0);
	assert_int_equal(parse_n("PROXZ", 5), SLB_PROXY_ERR_SIGNATURE);
	memcpy(sig, V2SIG, 12);
	for (i = 0; i < 12; i++) {
		assert_int_equal(parse_n(sig, i + 1), 0);
		sig[i] ^= 0x40;
		assert_int_equal(parse_n(sig, i + 1), SLB_PROXY_ERR_SIGNATURE);
		assert_int_equal(parse_n(sig, 12), SLB_PROXY_ERR_SIGNATURE);
		sig[i] ^= 0x40;
	}
	assert_int_equal(parse_n("", 0), 0);
}

/* Text forms of RFC 4291, read as the C library reads them. */
static void test_v1_ipv6_forms(void **ts)
{
	static const char *const forms[] = {
		"::", "::1", "1::", "2001:db8::1", "2001:DB8::1", "0::0",
		"2001:0db8:0000:0000:0000:0000:0000:0001", "1:2:3:4:5:6:7:8",
		"1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1::8", "fe80::1:0:0:1",
		"::ffff:1.2.3.4", "::1.2.3.4", "1:2:3:4:5:6:1.2.3.4",
		"64:ff9b::192.0.2.33", "::ffff:255.255.255.255", "aBcD::eF",
		"0:0:0:0:0:0:0:0",
		/* refused */
		":", ":::", "1:::2", "::1::", "1::2::3", ":1::", "1:", ":1",
		"1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8",
		"::1:2:3:4:5:6:7:8", "12345::", "g::", "1:2:3:4:5:6:7:1.2.3.4",
		"::ffff:1.2.3", "::ffff:1.2.3.04", "::1.2.3.4:5", "::1.2.3.4.5",
		"1.2.3.4::", "::256.1.1.1", "::ffff:1.2.3.4x", "1:2:3:4:5:6::7:8:9",
		"[::1]", "::1%eth0", "-::", "::-1",
	};
	u8 want[16];
	char line[160];
	size_t i;
	int ok, r;

	(void)ts;
	for (i = 0; i < ARRAY_SIZE(forms); i++) {
		ok = inet_pton(AF_INET6, forms[i], want) == 1;
		snprintf(line, sizeof(line), "PROXY TCP6 %s ::1 1 2\r\n",
			 forms[i]);
		r = parse(line);
		if (r != (ok ? (int)strlen(line) : SLB_PROXY_ERR_V1))
			fail_msg("%s: %d, libc %s", forms[i], r,
				 ok ? "takes it" : "does not");
		if (ok)
			assert_memory_equal(hdr.addr.src, want, 16);
	}
}

/* The writer's v1 text for @s, which must read back the same. */
static void assert_v1_text(const char *s, const char *want)
{
	struct slb_proxy_addr a = { .family = SLB_PROXY_AF_INET6 };
	char buf[SLB_PROXY_WRITE_MAX + 1], line[SLB_PROXY_WRITE_MAX + 1];
	size_t n;

	ip6(s, a.src);
	ip6("::1", a.dst);
	a.src_port = 1;
	a.dst_port = 2;
	n = slb_proxy_write((u8 *)buf, SLB_PROXY_WRITE_MAX, SLB_PROXY_V1, &a,
			    NULL, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	snprintf(line, sizeof(line), "PROXY TCP6 %s ::1 1 2\r\n", want);
	assert_string_equal(buf, line);
	assert_int_equal(parse(buf), (int)n);
	assert_memory_equal(hdr.addr.src, a.src, 16);
}

/* RFC 5952: lower case, no leading zeros, the first longest run as "::". */
static void test_v1_write_canonical(void **ts)
{
	(void)ts;
	assert_v1_text("::", "::");
	assert_v1_text("::1", "::1");
	assert_v1_text("1::", "1::");
	assert_v1_text("2001:DB8:0:0:0:0:0:1", "2001:db8::1");
	assert_v1_text("fe80:0:0:0:1:0:0:1", "fe80::1:0:0:1");
	/* Ties: the first run. */
	assert_v1_text("1:0:0:2:0:0:3:4", "1::2:0:0:3:4");
	assert_v1_text("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
	assert_v1_text("1:0:0:0:1:0:0:0", "1::1:0:0:0");
	/* A longer later run wins. */
	assert_v1_text("1:0:0:1:0:0:0:1", "1:0:0:1::1");
	/* A single zero group is not a run. */
	assert_v1_text("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
	assert_v1_text("0:1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7");
	assert_v1_text("1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0");
	assert_v1_text("1:0:0:0:0:0:0:0", "1::");
	assert_v1_text("0:0:0:0:0:0:0:1", "::1");
	assert_v1_text("0:0:1:0:0:0:0:0", "0:0:1::");
	assert_v1_text("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		       "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	assert_v1_text("0abc:00de:000f:1000:1:2:3:4", "abc:de:f:1000:1:2:3:4");
	/* IPv4-mapped keeps its dotted quad; IPv4-compatible does not. */
	assert_v1_text("::ffff:1.2.3.4", "::ffff:1.2.3.4");
	assert_v1_text("::ffff:0.0.0.0", "::ffff:0.0.0.0");
	assert_v1_text("::1.2.3.4", "::102:304");
	assert_v1_text("0:0:0:0:1:ffff:1.2.3.4", "::1:ffff:102:304");
}

/* The writer against inet_ntop(), the reader against inet_pton(). */
static void test_v1_ipv6_libc(void **ts)
{
	struct slb_proxy_addr a;
	char text[INET6_ADDRSTRLEN], buf[SLB_PROXY_WRITE_MAX + 1];
	char line[160];
	uint64_t st = 7;
	unsigned int i;
	size_t n;
	int g;

	(void)ts;
	for (i = 0; i < 20000; i++) {
		do
			fuzz_proxy_addr(&st, &a);
		while (a.family != SLB_PROXY_AF_INET6);
		assert_non_null(inet_ntop(AF_INET6, a.src, text,
					  sizeof(text)));
		snprintf(line, sizeof(line), "PROXY TCP6 %s ::1 1 2\r\n", text);
		assert_int_equal(parse(line), (int)strlen(line));
		assert_memory_equal(hdr.addr.src, a.src, 16);

		n = slb_proxy_write((u8 *)buf, sizeof(buf), SLB_PROXY_V1, &a,
				    NULL, 0);
		assert_true(n > 0);
		buf[n] = '\0';
		/* glibc writes ::a.b.c.d for the deprecated ::a.b.c.d too. */
		for (g = 0; g < 12 && !a.src[g]; g++)
			;
		if (g == 12 && (a.src[12] || a.src[13]))
			continue;
		assert_memory_equal(buf + 11, text, strlen(text));
		assert_int_equal(buf[11 + strlen(text)], ' ');
	}
}

static void test_v2_ipv4(void **ts)
{
	static const u8 body[] = {
		192, 0, 2, 1, 198, 51, 100, 7, 0xdc, 0x04, 0x01, 0xbb,
	};
	u8 buf[64];
	size_t n;

	(void)ts;
	n = v2(buf, 0x21, 0x11, body, sizeof(body));
	memcpy(buf + n, "GET /", 5);
	assert_int_equal(parse_n(buf, n + 5), 28);
	assert_int_equal(hdr.version, SLB_PROXY_V2);
	assert_int_equal(hdr.addr.family, SLB_PROXY_AF_INET);
	assert_memory_equal(hdr.addr.src, body, 4);
	assert_memory_equal(hdr.addr.dst, body + 4, 4);
	assert_int_equal(hdr.addr.src_port, 56324);
	assert_int_equal(hdr.addr.dst_port, 443);
	assert_null(hdr.unique_id);
	assert_prefixes_wait(buf, n);
}

static void test_v2_ipv6(void **ts)
{
	u8 body[36], buf[64];
	size_t n;

	(void)ts;
	ip6("2001:db8::1", body);
	ip6("2001:db8::7", body + 16);
	memcpy(body + 32, "\x01\xbb\x00\x50", 4);
	n = v2(buf, 0x21, 0x21, body, sizeof(body));
	assert_int_equal(parse_n(buf, n), 52);
	assert_int_equal(hdr.addr.family, SLB_PROXY_AF_INET6);
	assert_memory_equal(hdr.addr.src, body, 16);
	assert_memory_equal(hdr.addr.dst, body + 16, 16);
	assert_int_equal(hdr.addr.src_port, 443);
	assert_int_equal(hdr.addr.dst_port, 80);
	assert_prefixes_wait(buf, n);
	/* A block too short for the family. */
	n = v2(buf, 0x21, 0x21, body, 35);
	assert_int_equal(parse_n(buf, n), SLB_PROXY_ERR_V2);
	n = v2(buf, 0x21, 0x11, body, 11);
	assert_int_equal(parse_n(buf, n), SLB_PROXY_ERR_V2);
	/* Refused as soon as the length says so, before the block comes. */
	assert_int_equal(parse_n(buf, 16), SLB_PROXY_ERR_V2);
}

/* LOCAL, UNSPEC, UNIX: the receiver keeps the connection's real ends. */
static void test_v2_no_address(void **ts)
{
	u8 body[256], buf[300];
	size_t n;

	(void)ts;
	n = v2(buf, 0x20, 0x00, NULL, 0);
	assert_int_equal(parse_n(buf, n), 16);
	assert_int_equal(hdr.version, SLB_PROXY_V2);
	assert_int_equal(hdr.addr.family, SLB_PROXY_AF_NONE);
	assert_prefixes_wait(buf, n);

	/* LOCAL's block is skipped, family and TLVs and all. */
	memset(body, 0x7f, sizeof(body));
	n = v2(buf, 0x20, 0x11, body, 12);
	assert_int_equal(parse_n(buf, n), 28);
	assert_int_equal(hdr.addr.family, SLB_PROXY_AF_NONE);
	n = v2(buf, 0x20, 0x12, body, 5);
	assert_int_equal(parse_n(buf, n), 21);
	assert_int_equal(hdr.addr.family, SLB_PROXY_AF_NONE);
	assert_null(hdr.unique_id);

	/* PROXY of an unspecified family, TLVs only. */
	n = v2(buf, 0x21, 0x00, "\x05\x00\x02id", 5);
	assert_int_equal(parse_n(buf, n), 21);
	assert_int_equal(hdr.addr.family, SLB_PROXY_AF_NONE);
	assert_int_equal(hdr.unique_id_len, 2);
	assert_memory_equal(hdr.unique_id, "id", 2);

	/* UNIX stream: two paths of 108 bytes. */
	memset(body, 0, sizeof(body));
	memcpy(body, "/run/a", 6);
	n = v2(buf, 0x21, 0x31, body, 216);
	assert_int_equal(parse_n(buf, n), 232);
	assert_int_equal(hdr.addr.family, SLB_PROXY_AF_NONE);
	assert_prefixes_wait(buf, n);
	n = v2(buf, 0x21, 0x31, body, 215);
	assert_int_equal(parse_n(buf, n), SLB_PROXY_ERR_V2);
}

/* Datagrams and families the specification does not name. */
static void test_v2_family(void **ts)
{
	static const u8 fams[] = {
		0x12, 0x22, 0x32, 0x01, 0x02, 0x10, 0x20, 0x30, 0x13, 0x41,
		0xff,
	};
	u8 body[216] = { 0 }, buf[256];
	size_t i, n;

	(void)ts;
	for (i = 0; i < ARRAY_SIZE(fams); i++) {
		n = v2(buf, 0x21, fams[i], body, sizeof(body));
		assert_int_equal(parse_n(buf, n), SLB_PROXY_ERR_FAMILY);
		/* Known from the family byte. */
		assert_int_equal(parse_n(buf, 14), SLB_PROXY_ERR_FAMILY);
		assert_int_equal(parse_n(buf, 13), 0);
	}
}

static void test_v2_version_command(void **ts)
{
	static const u8 bad[] = { 0x11, 0x31, 0x01, 0xf1, 0x22, 0x2f, 0x12 };
	u8 body[12] = { 0 }, buf[64];
	size_t i, n;

	(void)ts;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		n = v2(buf, bad[i], 0x11, body, sizeof(body));
		assert_int_equal(parse_n(buf, n), SLB_PROXY_ERR_V2);
		assert_int_equal(parse_n(buf, 13), SLB_PROXY_ERR_V2);
		assert_int_equal(slb_proxy_need(buf, 13), SLB_PROXY_ERR_V2);
	}
}

static void test_v2_tlvs(void **ts)
{
	u8 body[400], buf[512];
	size_t n;

	(void)ts;
	memset(body, 0, sizeof(body));
	memcpy(body, "\x7f\0\0\x01\x7f\0\0\x02\0\x01\0\x02", 12);

	/* Padding after the block, as a NOOP, then the unique id. */
	memcpy(body + 12, "\x04\x00\x01" "\x00" "\x05\x00\x05" "conn1", 12);
	n = v2(buf, 0x21, 0x11, body, 24);
	memcpy(buf + n, "\x05\x00\x01" "X", 4);
	assert_int_equal(parse_n(buf, n + 4), 40);
	assert_int_equal(hdr.addr.family, SLB_PROXY_AF_INET);
	assert_int_equal(hdr.unique_id_len, 5);
	assert_ptr_equal(hdr.unique_id, buf + 35);
	assert_memory_equal(hdr.unique_id, "conn1", 5);
	assert_prefixes_wait(buf, n);

	/* Only NOOPs, of 0 and of 2 bytes. */
	memcpy(body + 12, "\x04\x00\x00" "\x04\x00\x02" "ab", 8);
	n = v2(buf, 0x21, 0x11, body, 20);
	assert_int_equal(parse_n(buf, n), 36);
	assert_null(hdr.unique_id);

	/* The first unique id counts. */
	memcpy(body + 12, "\x05\x00\x01" "a" "\x05\x00\x01" "b", 8);
	n = v2(buf, 0x21, 0x11, body, 20);
	assert_int_equal(parse_n(buf, n), 36);
	assert_memory_equal(hdr.unique_id, "a", 1);

	/* A TLV past the header's length. */
	memcpy(body + 12, "\x05\x00\x06" "conn1", 8);
	n = v2(buf, 0x21, 0x11, body, 20);
	assert_int_equal(parse_n(buf, n), SLB_PROXY_ERR_V2);
	assert_int_equal(hdr.version, SLB_PROXY_NONE);
	assert_null(hdr.unique_id);
	/* The last TLV one byte short of its length, even with more to read. */
	memcpy(body + 12, "\x04\x00\x01" "\x00" "\x05\x00\x05" "conn", 11);
	n = v2(buf, 0x21, 0x11, body, 23);
	buf[n] = '1';
	assert_int_equal(parse_n(buf, n + 1), SLB_PROXY_ERR_V2);
	/* A TLV's header cut short: one or two bytes left over. */
	n = v2(buf, 0x21, 0x11, body, 13);
	assert_int_equal(parse_n(buf, n), SLB_PROXY_ERR_V2);
	n = v2(buf, 0x21, 0x11, body, 14);
	assert_int_equal(parse_n(buf, n), SLB_PROXY_ERR_V2);

	/* A unique id is 128 bytes at most. */
	memcpy(body + 12, "\x05\x00\x80", 3);
	n = v2(buf, 0x21, 0x11, body, 12 + 3 + 128);
	assert_int_equal(parse_n(buf, n), (int)n);
	assert_int_equal(hdr.unique_id_len, 128);
	memcpy(body + 12, "\x05\x00\x81", 3);
	n = v2(buf, 0x21, 0x11, body, 12 + 3 + 129);
	assert_int_equal(parse_n(buf, n), SLB_PROXY_ERR_V2);
}

/* How much a caller should peek at, as the bytes so far tell. */
static void test_need(void **ts)
{
	static const u8 body[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2 };
	static const char line[] = "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n";
	u8 buf[2048] = { 0 };
	size_t i, n;

	(void)ts;
	assert_int_equal(slb_proxy_need(buf, 0), SLB_PROXY_V2_FIXED);
	for (i = 1; i < sizeof(line) - 1; i++)
		assert_int_equal(slb_proxy_need((const u8 *)line, i),
				 SLB_PROXY_V1_MAX);
	assert_int_equal(slb_proxy_need((const u8 *)line, sizeof(line) - 1),
			 (int)sizeof(line) - 1);
	assert_int_equal(slb_proxy_need((const u8 *)"PROXY TCP4 1.2.3.4 5.6.7.8 "
					"1 2\r\nGET", sizeof(line) + 2),
			 (int)sizeof(line) - 1);

	n = v2(buf, 0x21, 0x11, body, sizeof(body));
	for (i = 1; i < SLB_PROXY_V2_FIXED; i++)
		assert_int_equal(slb_proxy_need(buf, i), SLB_PROXY_V2_FIXED);
	for (; i <= n; i++)
		assert_int_equal(slb_proxy_need(buf, i), 28);
	/* Beyond what v2's fixed part says: its whole length. */
	memset(buf + 16, 0, 1500);
	buf[14] = 0x05;
	buf[15] = 0xdc;
	assert_int_equal(slb_proxy_need(buf, 16), 16 + 1500);
	assert_int_equal(slb_proxy_need(buf, 100), 16 + 1500);
	assert_int_equal(parse_n(buf, 100), 0);
	buf[14] = buf[15] = 0xff;
	assert_int_equal(slb_proxy_need(buf, 16), SLB_PROXY_READ_MAX);
	assert_int_equal(slb_proxy_need((const u8 *)"GET", 3),
			 SLB_PROXY_ERR_SIGNATURE);
}

/* A caller's limit refuses a longer header as soon as it is known. */
static void test_too_long(void **ts)
{
	static const char line[] = "PROXY TCP4 192.168.0.1 192.168.0.11 "
				   "56324 443\r\n";
	u8 body[100] = { 0 }, buf[128];
	size_t len = sizeof(line) - 1, n;
	struct slb_proxy_hdr h;

	(void)ts;
	/* The address block, then a NOOP to the end. */
	body[12] = 0x04;
	body[14] = sizeof(body) - 12 - 3;
	n = v2(buf, 0x21, 0x11, body, sizeof(body));
	assert_int_equal(slb_proxy_parse(buf, n, n, &h), (int)n);
	assert_int_equal(slb_proxy_parse(buf, n, n - 1, &h),
			 SLB_PROXY_ERR_TOO_LONG);
	/* From its length field on, before the rest has come. */
	assert_int_equal(slb_proxy_parse(buf, 16, 64, &h),
			 SLB_PROXY_ERR_TOO_LONG);
	assert_int_equal(slb_proxy_parse(buf, 15, 64, &h), 0);
	/* LOCAL, whose block is skipped, is no exception. */
	buf[12] = 0x20;
	assert_int_equal(slb_proxy_parse(buf, 16, 64, &h),
			 SLB_PROXY_ERR_TOO_LONG);

	assert_int_equal(slb_proxy_parse((const u8 *)line, len, len, &h),
			 (int)len);
	assert_int_equal(slb_proxy_parse((const u8 *)line, len, len - 1, &h),
			 SLB_PROXY_ERR_TOO_LONG);
	/* Once no CRLF can end the line within the limit, it is refused. */
	assert_int_equal(slb_proxy_parse((const u8 *)line, 31, 32, &h),
			 SLB_PROXY_ERR_TOO_LONG);
	assert_int_equal(slb_proxy_parse((const u8 *)line, 30, 32, &h), 0);
	assert_int_equal(slb_proxy_parse((const u8 *)"PROXY UNKNOWN\r\n", 15,
					 15, &h), 15);
	assert_int_equal(slb_proxy_parse((const u8 *)"PROXY UNKNOWN\r\n", 15,
					 14, &h), SLB_PROXY_ERR_TOO_LONG);
	assert_int_equal(slb_proxy_parse((const u8 *)"PROXY ", 6, 0, &h),
			 SLB_PROXY_ERR_TOO_LONG);
	/* Not a header at all says so, whatever the limit. */
	assert_int_equal(slb_proxy_parse((const u8 *)"PROXZ", 5, 0, &h),
			 SLB_PROXY_ERR_SIGNATURE);
}

static const char *const round_trip_addrs[] = {
	"::", "::1", "2001:db8::1", "1::", "fe80::1:0:0:1", "1:0:0:2:0:0:3:4",
	"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "1:2:3:4:5:6:7:8",
	"::ffff:192.0.2.1", "::ffff:0.0.0.0", "64:ff9b::c000:221",
	"2001:db8:0:1:1:1:1:1", "0:0:1::",
};

/* @a written in @version, read back, written again: the same all along. */
static void assert_round_trip(unsigned int version,
			      const struct slb_proxy_addr *a)
{
	u8 out[SLB_PROXY_WRITE_MAX];

	fuzz_proxy_check_write(version, a, (const u8 *)"id-42", 5, out);
	fuzz_proxy_check_write(version, a, NULL, 0, out);
}

static void test_round_trip(void **ts)
{
	static const u8 v4[][4] = {
		{ 0, 0, 0, 0 }, { 255, 255, 255, 255 }, { 10, 0, 0, 1 },
		{ 192, 0, 2, 100 }, { 1, 10, 100, 200 },
	};
	static const u16 ports[] = { 0, 1, 80, 9999, 65535 };
	struct slb_proxy_addr a;
	unsigned int v;
	size_t i;

	(void)ts;
	for (v = SLB_PROXY_V1; v <= SLB_PROXY_V2; v++) {
		for (i = 0; i < ARRAY_SIZE(v4); i++) {
			memset(&a, 0, sizeof(a));
			a.family = SLB_PROXY_AF_INET;
			memcpy(a.src, v4[i], 4);
			memcpy(a.dst, v4[(i + 1) % ARRAY_SIZE(v4)], 4);
			a.src_port = ports[i];
			a.dst_port = ports[ARRAY_SIZE(ports) - 1 - i];
			assert_round_trip(v, &a);
		}
		for (i = 0; i < ARRAY_SIZE(round_trip_addrs); i++) {
			memset(&a, 0, sizeof(a));
			a.family = SLB_PROXY_AF_INET6;
			ip6(round_trip_addrs[i], a.src);
			ip6(round_trip_addrs[(i + 3) %
					     ARRAY_SIZE(round_trip_addrs)],
			    a.dst);
			a.src_port = ports[i % ARRAY_SIZE(ports)];
			a.dst_port = 443;
			assert_round_trip(v, &a);
		}
		assert_round_trip(v, NULL);
	}
}

static void test_write(void **ts)
{
	static const u8 id[SLB_PROXY_UNIQUE_ID_MAX + 1] = { 'x' };
	struct slb_proxy_addr a = { .family = SLB_PROXY_AF_INET,
				    .src = { 10, 0, 0, 1 },
				    .dst = { 10, 0, 0, 2 },
				    .src_port = 1234, .dst_port = 80 };
	u8 buf[SLB_PROXY_WRITE_MAX + 8];
	struct slb_proxy_hdr h;
	size_t n, i;

	(void)ts;
	n = slb_proxy_write(buf, sizeof(buf), SLB_PROXY_V1, &a, NULL, 0);
	assert_int_equal(n, 38);
	assert_memory_equal(buf, "PROXY TCP4 10.0.0.1 10.0.0.2 1234 80\r\n",
			    n);
	/* v1 has no place for a unique id: it is left out. */
	assert_int_equal(slb_proxy_write(buf, sizeof(buf), SLB_PROXY_V1, &a,
					 id, 8), n);

	n = slb_proxy_write(buf, sizeof(buf), SLB_PROXY_V2, &a, id, 3);
	assert_int_equal(n, 16 + 12 + 3 + 3);
	assert_memory_equal(buf, V2SIG "\x21\x11\x00\x12" "\x0a\0\0\x01"
			    "\x0a\0\0\x02" "\x04\xd2\x00\x50" "\x05\x00\x03",
			    31);
	assert_int_equal(slb_proxy_parse(buf, n, MAX, &h), (int)n);
	assert_int_equal(h.unique_id_len, 3);

	/* Every size too small is refused; nothing is written past it. */
	for (i = 0; i < n; i++) {
		memset(buf, 0xee, sizeof(buf));
		assert_int_equal(slb_proxy_write(buf, i, SLB_PROXY_V2, &a, id,
						 3), 0);
		assert_int_equal(buf[i], 0xee);
	}
	assert_int_equal(slb_proxy_write(NULL, 0, SLB_PROXY_V1, NULL, NULL, 0),
			 0);

	/* LOCAL and UNKNOWN, for no address or family NONE; no TLV. */
	n = slb_proxy_write(buf, sizeof(buf), SLB_PROXY_V2, NULL, id, 3);
	assert_int_equal(n, 16);
	assert_memory_equal(buf, V2SIG "\x20\x00\x00\x00", 16);
	a.family = SLB_PROXY_AF_NONE;
	assert_int_equal(slb_proxy_write(buf, sizeof(buf), SLB_PROXY_V2, &a,
					 NULL, 0), 16);
	n = slb_proxy_write(buf, sizeof(buf), SLB_PROXY_V1, &a, NULL, 0);
	assert_int_equal(n, 15);
	assert_memory_equal(buf, "PROXY UNKNOWN\r\n", 15);
	assert_int_equal(slb_proxy_write(buf, 14, SLB_PROXY_V1, NULL, NULL, 0),
			 0);

	/* Arguments refused. */
	a.family = SLB_PROXY_AF_INET6;
	assert_int_equal(slb_proxy_write(buf, sizeof(buf), SLB_PROXY_V2, &a,
					 id, SLB_PROXY_UNIQUE_ID_MAX + 1), 0);
	assert_int_equal(slb_proxy_write(buf, sizeof(buf), SLB_PROXY_V2, &a,
					 NULL, 1), 0);
	n = slb_proxy_write(buf, sizeof(buf), SLB_PROXY_V2, &a, id,
			    SLB_PROXY_UNIQUE_ID_MAX);
	assert_int_equal(n, 16 + 36 + 3 + SLB_PROXY_UNIQUE_ID_MAX);
	assert_int_equal(slb_proxy_write(buf, sizeof(buf), SLB_PROXY_NONE, &a,
					 NULL, 0), 0);
	assert_int_equal(slb_proxy_write(buf, sizeof(buf), 3, &a, NULL, 0), 0);
	a.family = 5;
	assert_int_equal(slb_proxy_write(buf, sizeof(buf), SLB_PROXY_V1, &a,
					 NULL, 0), 0);
}

/* SLB_PROXY_WRITE_MAX holds the longest header of either version. */
static void test_write_max(void **ts)
{
	struct slb_proxy_addr a = { .family = SLB_PROXY_AF_INET6,
				    .src_port = 65535, .dst_port = 65535 };
	u8 buf[SLB_PROXY_WRITE_MAX], id[SLB_PROXY_UNIQUE_ID_MAX] = { 0 };

	(void)ts;
	memset(a.src, 0xff, 16);
	memset(a.dst, 0xff, 16);
	assert_int_equal(slb_proxy_write(buf, sizeof(buf), SLB_PROXY_V1, &a,
					 NULL, 0), 104);
	assert_int_equal(slb_proxy_write(buf, sizeof(buf), SLB_PROXY_V2, &a,
					 id, sizeof(id)), 87);
}

static void test_names(void **ts)
{
	(void)ts;
	assert_string_equal(slb_proxy_name(SLB_PROXY_NONE), "none");
	assert_string_equal(slb_proxy_name(SLB_PROXY_V1), "v1");
	assert_string_equal(slb_proxy_name(SLB_PROXY_V2), "v2");
	assert_null(slb_proxy_name(3));
	assert_string_equal(slb_proxy_strerror(SLB_PROXY_ERR_SIGNATURE),
			    "no PROXY header");
	assert_string_equal(slb_proxy_strerror(SLB_PROXY_ERR_V1),
			    "malformed PROXY v1 line");
	assert_string_equal(slb_proxy_strerror(SLB_PROXY_ERR_V2),
			    "malformed PROXY v2 header");
	assert_string_equal(slb_proxy_strerror(SLB_PROXY_ERR_TOO_LONG),
			    "PROXY header too long");
	assert_string_equal(slb_proxy_strerror(SLB_PROXY_ERR_FAMILY),
			    "PROXY family not TCP");
	assert_string_equal(slb_proxy_strerror(-6), "unknown PROXY error");
	assert_string_equal(slb_proxy_strerror(0), "unknown PROXY error");
}

/* The fuzz harness's invariants over inputs its generator makes. */
static void test_fuzz_corpus(void **ts)
{
	const struct fuzz_proxy_stats *st = &fuzz_proxy_stats;
	unsigned int i;

	(void)ts;
	assert_int_equal(fuzz_proxy_corpus(1, 200000), 200000);
	assert_int_equal(fuzz_proxy_corpus(0xdecafbad, 20000), 20000);
	/* The inputs reach every outcome, and often a header. */
	assert_int_equal(st->runs, 220000);
	assert_true(st->ok[SLB_PROXY_V1] > st->runs / 20);
	assert_true(st->ok[SLB_PROXY_V2] > st->runs / 20);
	assert_true(st->with_addr > st->runs / 20);
	assert_true(st->more > 0);
	for (i = 1; i < ARRAY_SIZE(st->err); i++)
		if (i != -SLB_PROXY_ERR_TOO_LONG)
			assert_true(st->err[i] > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_examples),
		cmocka_unit_test(test_v1_unknown),
		cmocka_unit_test(test_v1_longest),
		cmocka_unit_test(test_v1_malformed),
		cmocka_unit_test(test_v1_missing_crlf),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_v1_ipv6_forms),
		cmocka_unit_test(test_v1_write_canonical),
		cmocka_unit_test(test_v1_ipv6_libc),
		cmocka_unit_test(test_v2_ipv4),
		cmocka_unit_test(test_v2_ipv6),
		cmocka_unit_test(test_v2_no_address),
		cmocka_unit_test(test_v2_family),
		cmocka_unit_test(test_v2_version_command),
		cmocka_unit_test(test_v2_tlvs),
		cmocka_unit_test(test_need),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_write_max),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_fuzz_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
