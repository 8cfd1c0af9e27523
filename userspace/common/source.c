// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A service's source (source.h): its word, read and written, the
 * families of backends it allows, and the address each try of a
 * connection leaves from.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "source.h"

/* The @n bytes at @s as an address of either family, port 0. */
static int parse_addr(const char *s, size_t n, struct sockaddr_storage *ss)
{
	char host[INET6_ADDRSTRLEN];
	unsigned char ip[16];

	if (n >= sizeof(host))
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, ip) == 1)
		return slb_addr_from_bytes(ss, ip, 4);
	if (inet_pton(AF_INET6, host, ip) == 1)
		return slb_addr_from_bytes(ss, ip, 16);
	return -1;
}

int slb_source_add(struct slb_source *src, const struct sockaddr_storage *ss)
{
	if (src->pool.n == SPLICELB_SOURCE_ADDRS_MAX)
		return -1;
	src->addr[src->pool.n] = *ss;
	src->pool.family[src->pool.n++] = (u8)ss->ss_family;
	return 0;
}

/* One address of a pool, @n bytes at @s, after those before it. */
static int parse_pool_addr(struct slb_source *src, const char *s, size_t n,
			   char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	unsigned int i;

	if (!n) {
		snprintf(err, errlen, "an empty address");
		return -1;
	}
	if (parse_addr(s, n, &ss)) {
		snprintf(err, errlen, "bad address \"%.*s\" (IPv4 dotted or "
			 "IPv6, without brackets or port)", (int)n, s);
		return -1;
	}
	if (ss.ss_family == AF_INET6 &&
	    IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)&ss)->sin6_addr)) {
		snprintf(err, errlen, "%.*s is link-local: a pool address has "
			 "no interface", (int)n, s);
		return -1;
	}
	if (!slb_addr_is_unicast(&ss)) {
		snprintf(err, errlen, "%.*s is not a unicast address",
			 (int)n, s);
		return -1;
	}
	for (i = 0; i < src->pool.n; i++) {
		if (slb_addr_equal(&src->addr[i], &ss)) {
			snprintf(err, errlen, "%.*s given twice", (int)n, s);
			return -1;
		}
	}
	if (slb_source_add(src, &ss)) {
		snprintf(err, errlen, "more than %u addresses",
			 SPLICELB_SOURCE_ADDRS_MAX);
		return -1;
	}
	return 0;
}

int slb_source_parse(const char *s, struct slb_source *src,
		     bool (*is)(const char *word, const char *keyword),
		     char *err, size_t errlen)
{
	const char *comma;

	memset(src, 0, sizeof(*src));
	if (is(s, "none"))
		return 0;
	if (is(s, "client")) {
		src->pool.client = true;
		return 0;
	}
	for (;; s = comma + 1) {
		comma = strchrnul(s, ',');
		if (parse_pool_addr(src, s, (size_t)(comma - s), err, errlen))
			return -1;
		if (!*comma)
			return 0;
	}
}

const char *slb_source_format(const struct slb_source *src, char *buf,
			      size_t len)
{
	char host[INET6_ADDRSTRLEN];
	unsigned int i;
	size_t off = 0;

	snprintf(buf, len, "%s", src->pool.client ? "client" : "none");
	for (i = 0; i < src->pool.n && !src->pool.client && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? "," : "",
					slb_addr_host(&src->addr[i], host,
						      sizeof(host)));
	return buf;
}

bool slb_source_none(const struct slb_source *src)
{
	return slb_source_pool_none(&src->pool);
}

bool slb_source_allows(const struct slb_source *src, int svc_family,
		       int be_family)
{
	return slb_source_pool_allows(&src->pool, (u8)svc_family,
				      (u8)be_family);
}

/* The client's address, port 0: what a transparent try binds to. */
static void client_local(const struct sockaddr_storage *client,
			 struct sockaddr_storage *local)
{
	*local = *client;
	if (local->ss_family == AF_INET)
		((struct sockaddr_in *)local)->sin_port = 0;
	else
		((struct sockaddr_in6 *)local)->sin6_port = 0;
}

int slb_source_next(const struct slb_source *src, int family,
		    const struct sockaddr_storage *client,
		    struct slb_source_pick *p)
{
	unsigned int i;

	p->bind = false;
	p->transparent = false;
	switch (slb_source_pool_try(&src->pool, (u8)family,
				    client ? (u8)client->ss_family : 0,
				    p->start, p->attempt++, &i)) {
	case SLB_SOURCE_TRY_OWN:
		return 0;
	case SLB_SOURCE_TRY_CLIENT:
		client_local(client, &p->local);
		p->bind = true;
		p->transparent = true;
		return 0;
	case SLB_SOURCE_TRY_POOL:
		p->local = src->addr[i];
		p->bind = true;
		return 0;
	case SLB_SOURCE_TRY_NO_FAMILY:
		return -EAFNOSUPPORT;
	default:
		return -ENOENT;
	}
}
