/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One client connection and its backend connection: the state machine.
 *
 * Each direction has one buffer from the pool.  A direction reads from its
 * source only while its buffer is empty, so when the destination accepts
 * less than was read, the rest waits in the buffer and the source is left
 * unread until it is gone: the kernel's socket buffers then fill and TCP
 * flow control slows the sender down.  Memory per connection is bounded by
 * the two buffers whatever the peers do.
 */
#ifndef LBSELECT_CONN_H
#define LBSELECT_CONN_H

#include <stdbool.h>
#include <sys/select.h>
#include <sys/socket.h>

#include "lbselect.h"

enum { C2B, B2C };		/* directions: client to backend and back */

/* conn.flags */
#define CF_CONNECTING	0x01	/* backend connect() in progress */
#define CF_EOF(d)	(0x02 << (d))	/* FIN read from d's source */
#define CF_SHUT(d)	(0x08 << (d))	/* FIN passed on to d's destination */
#define CF_QUEUED	0x20	/* in its service's queue, no backend */
#define CF_PROXY_WAIT	0x40	/* reading its PROXY header, no backend */

/* conn.sel: what the last fd_sets were built with for this connection. */
#define SEL_CR		0x01
#define SEL_CW		0x02
#define SEL_BR		0x04
#define SEL_BW		0x08

struct service;
struct backend;

struct conn {
	int cfd, bfd;
	u32 off[2], len[2];	/* pending bytes: buf[d][off, off + len) */
	u64 stamp;		/* last progress, or start of connect attempt */
	struct service *svc;
	struct backend *be;	/* NULL until one is picked */
	unsigned int pos;	/* index in the pool's active list */
	u16 flags;
	u8 ntried;		/* backends tried so far */
	/*
	 * Readiness may only be believed for the descriptors this was built
	 * with: an fd closed and reopened in the same round (retrying the
	 * next backend) reuses the number, and the old bit would lie.
	 */
	u8 sel;
};

/* A new client on s; takes over cfd and a pool slot. */
void conn_accept(struct service *s, int cfd,
		 const struct sockaddr_storage *peer);

/* Close, with a reset, a client whose descriptor is >= FD_SETSIZE. */
void conn_refuse_fd_setsize(struct service *s, int cfd);

/* Put c's interests in the sets; returns its highest fd, or -1. */
int conn_want(struct conn *c, fd_set *r, fd_set *w);

/* Act on readiness; false if c is gone (closed and back in the pool). */
bool conn_events(struct conn *c, const fd_set *r, const fd_set *w);

/* When c times out, in now_ms() time; NO_DEADLINE for never. */
u64 conn_deadline(const struct conn *c);

/* c's deadline has passed. */
void conn_timeout(struct conn *c);

/* Close both sides with a reset (drain deadline, shutdown). */
void conn_abort(struct conn *c, const char *why);

/*
 * Hand the slots free now to s's waiters, oldest first; the work is
 * bounded by the slots, the waiters that leave, and a few skipped.
 */
void conn_serve_queue(struct service *s);

/*
 * Reset every waiter of s (removed, stopping).  s must not be marked
 * removed yet: the last waiter's release would free it.
 */
void conn_reset_queue(struct service *s, const char *why);

struct slb_source_pick;

/*
 * Set up @fd, not yet connected, as @p says (source.h): IP_TRANSPARENT
 * or IPV6_TRANSPARENT to take the client's address, then
 * IP_BIND_ADDRESS_NO_PORT and bind.  0, or -1 with errno set and *@what
 * naming the step that failed.
 */
int source_bind(int fd, const struct slb_source_pick *p, const char **what);

/* How a non-blocking connect ended: 0, or its errno (SO_ERROR). */
int connect_error(int fd);

/* close() that sends a RST instead of a FIN, and drops unsent data. */
void close_reset(int fd);

/* The descriptor can go in an fd_set (no memory corruption). */
static inline bool fd_fits(int fd)
{
	return fd < FD_SETSIZE;
}

#endif /* LBSELECT_CONN_H */
