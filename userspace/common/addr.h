/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ADDR:PORT as the configuration and the command lines write it:
 * IPv4 dotted quad ("192.0.2.1:80") or IPv6 in brackets ("[2001:db8::1]:80").
 * Names are never resolved: a balancer must not depend on DNS to start.
 */
#ifndef SLB_COMMON_ADDR_H
#define SLB_COMMON_ADDR_H

#include <stdbool.h>
#include <sys/socket.h>

#include "slb_types.h"

struct slb_proxy_addr;

/* "[" + INET6_ADDRSTRLEN (46, with its NUL) + "]:" + "65535" */
#define SLB_ADDR_STRLEN 54

/*
 * Parse s into *ss; the port must be 1..65535.  Returns 0, or -1 with a
 * short reason in *why (a static string) when why is not NULL.
 */
int slb_addr_parse(const char *s, struct sockaddr_storage *ss,
		   const char **why);

/* Format *ss as ADDR:PORT into buf (SLB_ADDR_STRLEN bytes); returns buf. */
char *slb_addr_format(const struct sockaddr_storage *ss, char *buf,
		      size_t len);

/* The address of *ss alone, no port, no brackets; returns buf. */
char *slb_addr_host(const struct sockaddr_storage *ss, char *buf,
		    size_t len);

/* Length to hand to bind()/connect() for *ss: depends on its family. */
socklen_t slb_addr_len(const struct sockaddr_storage *ss);

/* The endpoint as lib/sched.h's hashing schedulers see it. */
void slb_addr_sched_id(const struct sockaddr_storage *ss, u8 *id);

/* Same family, address and port. */
bool slb_addr_equal(const struct sockaddr_storage *a,
		    const struct sockaddr_storage *b);

/*
 * The address of @ss alone, in network order: its 4 bytes (IPv4) or 16
 * (IPv6), *@len of them; and back, port 0, -1 for another length.
 */
const void *slb_addr_bytes(const struct sockaddr_storage *ss, size_t *len);
int slb_addr_from_bytes(struct sockaddr_storage *ss, const void *ip,
			size_t len);

/* 0.0.0.0 or [::], of any port: a listener on every address. */
bool slb_addr_is_any(const struct sockaddr_storage *ss);

/*
 * An address a socket can be bound to as its own, as the kernel's source
 * pools take them: not 0.0.0.0/8, [::], a multicast, the broadcast or a
 * v4-mapped address.
 */
bool slb_addr_is_unicast(const struct sockaddr_storage *ss);

/*
 * The two ends of a TCP connection, of one family, as a PROXY header
 * carries them (lib/proxy.h), and back: the source, or with @dst the
 * destination, of @a, whose family must be SLB_PROXY_AF_INET or _INET6.
 */
void slb_addr_to_proxy(const struct sockaddr_storage *src,
		       const struct sockaddr_storage *dst,
		       struct slb_proxy_addr *a);
void slb_addr_from_proxy(const struct slb_proxy_addr *a, bool dst,
			 struct sockaddr_storage *ss);

#endif /* SLB_COMMON_ADDR_H */
