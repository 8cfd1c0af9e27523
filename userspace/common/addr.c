// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Parse and format ADDR:PORT for both address families, and carry
 * endpoints to and from the PROXY protocol's form.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "proxy.h"
#include "sched.h"

static int fail(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return -1;
}

/* Strict decimal port: no sign, no spaces, no hex, 1..65535. */
static int parse_port(const char *s, unsigned short *port)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 5)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*port = (unsigned short)v;
	return 0;
}

static int parse_v6(const char *s, struct sockaddr_storage *ss,
		    const char **why)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char host[INET6_ADDRSTRLEN];
	const char *end = strchr(s, ']');
	unsigned short port;
	size_t n;

	if (!end || end[1] != ':')
		return fail(why, "expected [IPV6]:PORT");
	n = (size_t)(end - s - 1);
	if (n == 0 || n >= sizeof(host))
		return fail(why, "bad IPv6 address");
	memcpy(host, s + 1, n);
	host[n] = '\0';
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
		return fail(why, "bad IPv6 address");
	if (parse_port(end + 2, &port))
		return fail(why, "bad port (1-65535)");
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	return 0;
}

static int parse_v4(const char *s, struct sockaddr_storage *ss,
		    const char **why)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	char host[INET_ADDRSTRLEN];
	const char *colon = strrchr(s, ':');
	unsigned short port;
	size_t n;

	if (!colon)
		return fail(why, "expected ADDR:PORT");
	n = (size_t)(colon - s);
	if (n == 0 || n >= sizeof(host))
		return fail(why, "bad IPv4 address");
	memcpy(host, s, n);
	host[n] = '\0';
	/* inet_pton, unlike inet_aton, takes only the full dotted quad. */
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return fail(why, strchr(host, ':') ?
			    "IPv6 addresses go in brackets: [ADDR]:PORT" :
			    "bad IPv4 address");
	if (parse_port(colon + 1, &port))
		return fail(why, "bad port (1-65535)");
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	return 0;
}

int slb_addr_parse(const char *s, struct sockaddr_storage *ss,
		   const char **why)
{
	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[')
		return parse_v6(s, ss, why);
	return parse_v4(s, ss, why);
}

char *slb_addr_format(const struct sockaddr_storage *ss, char *buf,
		      size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(sin->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(sin6->sin6_port));
	} else {
		snprintf(buf, len, "?");
	}
	return buf;
}

char *slb_addr_host(const struct sockaddr_storage *ss, char *buf,
		    size_t len)
{
	size_t n;

	if (!inet_ntop(ss->ss_family, slb_addr_bytes(ss, &n), buf,
		       (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

socklen_t slb_addr_len(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return sizeof(struct sockaddr_in);
	if (ss->ss_family == AF_INET6)
		return sizeof(struct sockaddr_in6);
	return sizeof(*ss);
}

bool slb_addr_equal(const struct sockaddr_storage *a,
		    const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a;
		const struct sockaddr_in *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a;
		const struct sockaddr_in6 *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr,
			       sizeof(x->sin6_addr));
	}
	return false;
}

const void *slb_addr_bytes(const struct sockaddr_storage *ss, size_t *len)
{
	const struct sockaddr_in *in = (const void *)ss;
	const struct sockaddr_in6 *in6 = (const void *)ss;

	if (ss->ss_family == AF_INET) {
		*len = sizeof(in->sin_addr);
		return &in->sin_addr;
	}
	*len = sizeof(in6->sin6_addr);
	return &in6->sin6_addr;
}

int slb_addr_from_bytes(struct sockaddr_storage *ss, const void *ip,
			size_t len)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (len == sizeof(in->sin_addr)) {
		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, ip, len);
	} else if (len == sizeof(in6->sin6_addr)) {
		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, ip, len);
	} else {
		return -1;
	}
	return 0;
}

bool slb_addr_is_any(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *in = (const void *)ss;
	const struct sockaddr_in6 *in6 = (const void *)ss;

	if (ss->ss_family == AF_INET)
		return in->sin_addr.s_addr == htonl(INADDR_ANY);
	return ss->ss_family == AF_INET6 &&
	       IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr);
}

bool slb_addr_is_unicast(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *in = (const void *)ss;
	const struct sockaddr_in6 *in6 = (const void *)ss;
	u32 a;

	if (slb_addr_is_any(ss))
		return false;
	if (ss->ss_family == AF_INET) {
		a = ntohl(in->sin_addr.s_addr);
		return !IN_MULTICAST(a) && a != INADDR_BROADCAST &&
		       (a >> 24) != 0;
	}
	return !IN6_IS_ADDR_MULTICAST(&in6->sin6_addr) &&
	       !IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr);
}

/* The address of @ss into @ip, its port in host order into *@port. */
static void to_proxy_end(const struct sockaddr_storage *ss, u8 *ip, u16 *port)
{
	const struct sockaddr_in *in = (const void *)ss;
	const struct sockaddr_in6 *in6 = (const void *)ss;

	if (ss->ss_family == AF_INET) {
		memcpy(ip, &in->sin_addr, sizeof(in->sin_addr));
		*port = ntohs(in->sin_port);
	} else {
		memcpy(ip, &in6->sin6_addr, sizeof(in6->sin6_addr));
		*port = ntohs(in6->sin6_port);
	}
}

void slb_addr_to_proxy(const struct sockaddr_storage *src,
		       const struct sockaddr_storage *dst,
		       struct slb_proxy_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = src->ss_family == AF_INET ? SLB_PROXY_AF_INET :
						SLB_PROXY_AF_INET6;
	to_proxy_end(src, a->src, &a->src_port);
	to_proxy_end(dst, a->dst, &a->dst_port);
}

void slb_addr_from_proxy(const struct slb_proxy_addr *a, bool dst,
			 struct sockaddr_storage *ss)
{
	const u8 *ip = dst ? a->dst : a->src;
	u16 port = htons(dst ? a->dst_port : a->src_port);

	memset(ss, 0, sizeof(*ss));
	if (a->family == SLB_PROXY_AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, ip, sizeof(in->sin_addr));
		in->sin_port = port;
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, ip, sizeof(in6->sin6_addr));
		in6->sin6_port = port;
	}
}

void slb_addr_sched_id(const struct sockaddr_storage *ss, u8 *id)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET)
		slb_sched_id_set(id, 4, &in->sin_addr, in->sin_port);
	else
		slb_sched_id_set(id, 6, &in6->sin6_addr, in6->sin6_port);
}
