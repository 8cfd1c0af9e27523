/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection pool: every connection struct and every buffer, allocated
 * and touched once at start-up.  Nothing is allocated per connection or per
 * packet, so the memory lbselect uses is known when it starts, and stays.
 */
#ifndef LBSELECT_POOL_H
#define LBSELECT_POOL_H

#include <stdbool.h>

#include "conn.h"

int pool_init(unsigned int max, size_t bufsize);
void pool_exit(void);

/* A zeroed slot, in the active list; NULL when all are in use. */
struct conn *pool_get(void);
void pool_put(struct conn *c);

/* Direction d's buffer of c: pool_bufsize() bytes. */
char *pool_buf(const struct conn *c, int d);
size_t pool_bufsize(void);

/* c's slot number, 0 .. opt.maxconn - 1. */
unsigned int pool_index(const struct conn *c);

/* Active connections, for the loop: index 0 .. pool_used() - 1. */
unsigned int pool_used(void);
struct conn *pool_active(unsigned int i);

static inline bool pool_full(void)
{
	return pool_used() == opt.maxconn;
}

#endif /* LBSELECT_POOL_H */
