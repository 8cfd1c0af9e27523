/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_SOURCE_H
#define SLB_SOURCE_H

#include <linux/rcupdate.h>
#include <linux/types.h>

#include "addr.h"
#include "source_pool.h"

struct socket;

/*
 * Where a service's backend connections leave from (lib/source_pool.h): the
 * kernel's choice (no struct at all, or an empty one), the client's own
 * address, or a pool of local addresses, pool.n of them.
 */
struct slb_source {
	struct rcu_head rcu;
	struct slb_source_pool pool;
	union slb_addr addr[];		/* port 0 */
};

/* One try of one connection: what its socket is bound to, if anything. */
struct slb_source_pick {
	union slb_addr local;
	bool bind;
	bool transparent;
	/* Where this connection began in a pool, how far it got. */
	unsigned int start;
	unsigned int attempt;
};

struct slb_source *slb_source_alloc(unsigned int n);
struct slb_source *slb_source_dup(const struct slb_source *src);
/* @src is NULL or the choice of the kernel: no source of its own. */
bool slb_source_none(const struct slb_source *src);
/* slb_source_pool_allows() of @src, which may be NULL. */
bool slb_source_allows(const struct slb_source *src, int svc_family,
		       int be_family);

/*
 * Caller holds rcu_read_lock, @src read under it.  Fills @p for its next
 * try towards a backend of @family, for @client (NULL: a check), and
 * advances it: 0; -ENOENT when the tries are over; -EAFNOSUPPORT when the
 * source has nothing of the family.  The caller sets @p->start and zeroes
 * @p->attempt first.
 */
int slb_source_next(const struct slb_source *src, int family,
		    const union slb_addr *client, struct slb_source_pick *p);

/* Set up @sock, not yet connected, as @p says; may sleep. */
int slb_source_bind(struct socket *sock, const struct slb_source_pick *p);

#endif /* SLB_SOURCE_H */
