/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The source of a service: where its backend connections and checks
 * leave from, written as one word in files and on lbctl's command line:
 *
 *   none               the kernel's choice, the gateway's own address
 *   client             transparent: each connection from its client's
 *                      own address (checks from the gateway's)
 *   ADDR[,ADDR...]     a pool of local addresses, IPv4 dotted or IPv6
 *                      bare (no brackets, no port), each at most once,
 *                      up to SPLICELB_SOURCE_ADDRS_MAX: connections and
 *                      checks to a backend leave from those of its
 *                      family in turn, the next tried when one has no
 *                      port left towards it
 *
 * Which address each try takes is lib/source_pool.c's, as in the module.
 */
#ifndef SLB_COMMON_SOURCE_H
#define SLB_COMMON_SOURCE_H

#include <stdbool.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>

#include "source_pool.h"
#include "uapi/linux/splicelb.h"

/* None is neither client nor any address: all zeroes. */
struct slb_source {
	struct slb_source_pool pool;	/* client, and the pool's families */
	struct sockaddr_storage addr[SPLICELB_SOURCE_ADDRS_MAX];  /* port 0 */
};

/* The longest word: the longest IPv6 every time, a comma in each NUL. */
#define SLB_SOURCE_STRLEN	(SPLICELB_SOURCE_ADDRS_MAX * INET6_ADDRSTRLEN)

/*
 * @s into *@src.  @is says whether a word names a keyword ("none",
 * "client"): whole words in files, prefixes on lbctl's command line; no
 * prefix of either is an address.  Returns 0, or -1 with the reason in
 * @err.
 */
int slb_source_parse(const char *s, struct slb_source *src,
		     bool (*is)(const char *word, const char *keyword),
		     char *err, size_t errlen);

/* @src as the word that parses back to it; returns @buf. */
const char *slb_source_format(const struct slb_source *src, char *buf,
			      size_t len);

bool slb_source_none(const struct slb_source *src);

/* Append @ss to the pool of @src: -1 when it is full. */
int slb_source_add(struct slb_source *src, const struct sockaddr_storage *ss);

/*
 * May a service of @svc_family with source @src have a backend of
 * @be_family?  Transparent binding needs the client's family, the
 * service's; a pool an address of the backend's.
 */
bool slb_source_allows(const struct slb_source *src, int svc_family,
		       int be_family);

/* One try of one connection: what its socket is bound to, if anything. */
struct slb_source_pick {
	struct sockaddr_storage local;	/* port 0 */
	bool bind;
	bool transparent;
	/* A pool's: where this connection began in it, how far it got. */
	unsigned int start;
	unsigned int attempt;
};

/*
 * Fills @p for the next try towards a backend of @family, for @client
 * (NULL: a check, which transparent binding does not apply to), and
 * advances it.  0; -EAFNOSUPPORT when the source has nothing of @family
 * (a PROXY header naming the other family under client); -ENOENT when
 * the tries are over: every pool address of the family was tried, or
 * the one try of a source without a pool was.  The caller sets
 * @p->start, the round robin's, and zeroes @p->attempt first.
 */
int slb_source_next(const struct slb_source *src, int family,
		    const struct sockaddr_storage *client,
		    struct slb_source_pick *p);

#endif /* SLB_COMMON_SOURCE_H */
