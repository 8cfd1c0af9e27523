// SPDX-License-Identifier: GPL-2.0
#include <net/ipv6.h>

#include "addr.h"
#include "sched.h"

bool slb_addr_equal(const union slb_addr *a, const union slb_addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->in.sin_addr.s_addr == b->in.sin_addr.s_addr &&
		       a->in.sin_port == b->in.sin_port;
	return ipv6_addr_equal(&a->in6.sin6_addr, &b->in6.sin6_addr) &&
	       a->in6.sin6_port == b->in6.sin6_port;
}

void slb_addr_sched_id(const union slb_addr *a, u8 *id)
{
	if (a->sa.sa_family == AF_INET)
		slb_sched_id_set(id, 4, &a->in.sin_addr,
				 (__force u16)a->in.sin_port);
	else
		slb_sched_id_set(id, 6, &a->in6.sin6_addr,
				 (__force u16)a->in6.sin6_port);
}
