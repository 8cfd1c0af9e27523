// SPDX-License-Identifier: GPL-2.0
/*
 * The local end of a service's backend connections and checks, bound as
 * lib/source_pool.c chooses it.
 *
 * A pool's address is bound with IP_BIND_ADDRESS_NO_PORT: bind() would
 * take a port for every destination at once, one range for all backends,
 * where connect() picks it for the 4-tuple, a range per backend.
 *
 * Transparent binding (IP_TRANSPARENT) lets a socket take an address that
 * is not the host's: the client's, so that the backend sees it; the
 * answers come back only if the gateway routes them to itself
 * (Documentation/transparent.md).
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sockptr.h>

#include "source.h"

struct slb_source *slb_source_alloc(unsigned int n)
{
	struct slb_source *src;

	src = kzalloc(struct_size(src, addr, n), GFP_KERNEL_ACCOUNT);
	if (src)
		src->pool.n = n;
	return src;
}

struct slb_source *slb_source_dup(const struct slb_source *src)
{
	if (slb_source_none(src))
		return NULL;
	return kmemdup(src, struct_size(src, addr, src->pool.n),
		       GFP_KERNEL_ACCOUNT);
}

bool slb_source_none(const struct slb_source *src)
{
	return !src || slb_source_pool_none(&src->pool);
}

bool slb_source_allows(const struct slb_source *src, int svc_family,
		       int be_family)
{
	return slb_source_none(src) ||
	       slb_source_pool_allows(&src->pool, svc_family, be_family);
}

int slb_source_next(const struct slb_source *src, int family,
		    const union slb_addr *client, struct slb_source_pick *p)
{
	static const struct slb_source_pool none;
	unsigned int i;

	p->bind = false;
	p->transparent = false;
	switch (slb_source_pool_try(src ? &src->pool : &none, family,
				    client ? client->sa.sa_family : 0,
				    p->start, p->attempt++, &i)) {
	case SLB_SOURCE_TRY_OWN:
		return 0;
	case SLB_SOURCE_TRY_CLIENT:
		p->local = *client;
		/* sin_port and sin6_port share their place. */
		p->local.in.sin_port = 0;
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

static int slb_source_setsockopt(struct socket *sock, int level, int name)
{
	int one = 1;

	return sock->ops->setsockopt(sock, level, name, KERNEL_SOCKPTR(&one),
				     sizeof(one));
}

int slb_source_bind(struct socket *sock, const struct slb_source_pick *p)
{
	union slb_addr local = p->local;	/* kernel_bind's is not const */
	bool v6 = local.sa.sa_family == AF_INET6;
	int ret;

	if (!p->bind)
		return 0;
	if (p->transparent) {
		ret = v6 ? slb_source_setsockopt(sock, SOL_IPV6,
						 IPV6_TRANSPARENT) :
			   slb_source_setsockopt(sock, SOL_IP, IP_TRANSPARENT);
		if (ret)
			return ret;
	}
	/* Valid on IPv6 sockets too: the port waits for the destination. */
	ret = slb_source_setsockopt(sock, SOL_IP, IP_BIND_ADDRESS_NO_PORT);
	if (ret)
		return ret;
	return kernel_bind(sock, &local.sa, slb_addr_len(&local));
}
