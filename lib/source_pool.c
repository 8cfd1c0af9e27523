// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The choice of a backend connection's local end: see source_pool.h. */
#include "source_pool.h"

bool slb_source_pool_none(const struct slb_source_pool *d)
{
	return !d->client && !d->n;
}

static unsigned int slb_source_pool_count(const struct slb_source_pool *d,
					  u8 family)
{
	unsigned int k, m = 0;

	for (k = 0; k < d->n; k++)
		m += d->family[k] == family;
	return m;
}

bool slb_source_pool_allows(const struct slb_source_pool *d, u8 svc_family,
			    u8 be_family)
{
	if (slb_source_pool_none(d))
		return true;
	if (d->client)
		return be_family == svc_family;
	return slb_source_pool_count(d, be_family);
}

/* The index of the @i'th address of @family; there are more than @i. */
static unsigned int slb_source_pool_nth(const struct slb_source_pool *d,
					u8 family, unsigned int i)
{
	unsigned int k;

	for (k = 0; d->family[k] != family || i--; k++)
		;
	return k;
}

enum slb_source_try slb_source_pool_try(const struct slb_source_pool *d,
					u8 family, u8 client_family,
					unsigned int start,
					unsigned int attempt,
					unsigned int *index)
{
	unsigned int m;

	if (slb_source_pool_none(d) || (d->client && !client_family))
		return attempt ? SLB_SOURCE_TRY_DONE : SLB_SOURCE_TRY_OWN;
	if (d->client) {
		if (attempt)
			return SLB_SOURCE_TRY_DONE;
		return client_family == family ? SLB_SOURCE_TRY_CLIENT :
						 SLB_SOURCE_TRY_NO_FAMILY;
	}
	m = slb_source_pool_count(d, family);
	if (!m)
		return attempt ? SLB_SOURCE_TRY_DONE : SLB_SOURCE_TRY_NO_FAMILY;
	if (attempt >= m)
		return SLB_SOURCE_TRY_DONE;
	*index = slb_source_pool_nth(d, family, (start + attempt) % m);
	return SLB_SOURCE_TRY_POOL;
}
