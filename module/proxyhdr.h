/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_PROXYHDR_H
#define SLB_PROXYHDR_H

#include <linux/skbuff.h>

#include "addr.h"

struct socket;

/* The longest PROXY header a client of an accept-proxy service may send. */
#define SLB_PROXYHDR_RECV_MAX	2048

/*
 * Reads the PROXY header a client of an accept-proxy service begins with,
 * and only it, from @sock: 1 once it is read, with *@client and *@local
 * replaced by the addresses it carries, if it carries any (*@carried);
 * 0 while it is incomplete; -EPROTO for a malformed or overlong header,
 * which has been logged; another negative errno when the socket failed.
 */
int slb_proxyhdr_recv(struct socket *sock, union slb_addr *client,
		      union slb_addr *local, bool *carried);

/*
 * A PROXY header of @version (SLB_PROXY_V1 or _V2) for a connection from
 * @client to @local, v2's unique id @id in decimal, as an skb whose linear
 * data is the header: the relay sends it before any byte of the client.
 */
struct sk_buff *slb_proxyhdr_skb(unsigned int version,
				 const union slb_addr *client,
				 const union slb_addr *local, u32 id);

#endif /* SLB_PROXYHDR_H */
