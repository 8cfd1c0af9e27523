/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_ADDR_H
#define SLB_ADDR_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <linux/string.h>

/* An IPv4 or IPv6 address and port: a service, a backend, a client. */
union slb_addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

static inline int slb_addr_len(const union slb_addr *a)
{
	return a->sa.sa_family == AF_INET6 ? sizeof(a->in6) : sizeof(a->in);
}

bool slb_addr_equal(const union slb_addr *a, const union slb_addr *b);
/* The endpoint as lib/sched.h's hashing schedulers see it. */
void slb_addr_sched_id(const union slb_addr *a, u8 *id);

#endif /* SLB_ADDR_H */
