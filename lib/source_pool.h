/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Where a service's backend connections and checks leave from, as far as
 * choosing goes: the part module/source.c and lbselect share.  Binding is
 * theirs.
 *
 * A source is the kernel's choice (none: the socket is left unbound), the
 * client's own address (client: bound transparently, so the backend sees
 * the client), or a pool of local addresses of either family.
 *
 * A pool's point is ports.  An unbound socket, or one bound with
 * IP_BIND_ADDRESS_NO_PORT, gets its port from connect(), which needs the
 * 4-tuple to be unique only: one local address holds as many connections
 * to one backend as the ephemeral port range has ports.  Each address of
 * a pool is that many more.  Connections of a service start at the next
 * address of the backend's family in turn (@start, a counter of the
 * service's that each connection and check advances), and a connection
 * whose connect() found no port left from one (EADDRNOTAVAIL) tries the
 * following one, until it has tried each address of its family once.
 *
 * A transparent source needs the client's family in its backends; a pool
 * an address of every backend's family.  Checks are no client's: under
 * client they leave from the gateway's own address.
 *
 * Families are AF_INET and AF_INET6, numbered alike in the kernel and
 * libc.
 */
#ifndef SLB_LIB_SOURCE_POOL_H
#define SLB_LIB_SOURCE_POOL_H

#include "slb_types.h"
#include "uapi/linux/splicelb.h"

/* A source as the choice sees it: the families of its pool, in order. */
struct slb_source_pool {
	bool client;
	u8 n;
	u8 family[SPLICELB_SOURCE_ADDRS_MAX];
};

enum slb_source_try {
	SLB_SOURCE_TRY_OWN,		/* unbound: the kernel's choice */
	SLB_SOURCE_TRY_CLIENT,		/* the client's address, transparent */
	SLB_SOURCE_TRY_POOL,		/* the pool's address *index */
	SLB_SOURCE_TRY_DONE,		/* every try was made */
	/*
	 * Nothing of the family: a transparent service's client whose
	 * PROXY header named the other one.
	 */
	SLB_SOURCE_TRY_NO_FAMILY,
};

/* The kernel's choice: no client, no pool. */
bool slb_source_pool_none(const struct slb_source_pool *d);

/*
 * May a service of @svc_family whose source is @d have a backend of
 * @be_family?
 */
bool slb_source_pool_allows(const struct slb_source_pool *d, u8 svc_family,
			    u8 be_family);

/*
 * Try @attempt (0 first) of a connection towards a backend of @family,
 * for a client of @client_family, 0 for a check; a pool's address is
 * *@index then.
 */
enum slb_source_try slb_source_pool_try(const struct slb_source_pool *d,
					u8 family, u8 client_family,
					unsigned int start,
					unsigned int attempt,
					unsigned int *index);

#endif /* SLB_LIB_SOURCE_POOL_H */
