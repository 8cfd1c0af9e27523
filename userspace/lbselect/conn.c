// SPDX-License-Identifier: GPL-2.0
/*
 * Connection state machine.
 *
 *   accept -> CONNECTING -> (SO_ERROR == 0) -> relaying -> both FINs passed
 *     |        |  ^ |  ^                         |          on -> close
 *     |        +--+ |  | a slot                  +-> error, RST, timeout
 *     |         (1) |  | frees                        -> reset both sides
 *     |             v  |
 *     +-----------> QUEUED -> queue-timeout, client gone: reset
 *
 *   (1) failed or timed out: the next backend, at most opt.tries
 *
 * With accept-proxy, a client is first in PROXY_WAIT: its bytes are read
 * into its buffer until they hold a whole PROXY header, which is taken
 * off, the bytes after it kept as the client's first; only then is a
 * backend sought, so that the hashing schedulers hash the address the
 * header gave.  No header, a bad one, or none within the connect timeout
 * of the accept: the client is reset and counted in proxy_errors.  With
 * proxy-protocol, the header a backend gets is put in front of what the
 * client sent while it connected, the reads having left it room.
 *
 * A backend connection leaves from where its service's source says
 * (source.h): the client's own address, bound with IP_TRANSPARENT, or
 * a pool's addresses of the backend's family in turn, bound with
 * IP_BIND_ADDRESS_NO_PORT so that the kernel picks the port at
 * connect(), per destination; when it finds none left (EADDRNOTAVAIL),
 * a new socket tries the pool's next address, each once.  A source that
 * cannot be set up resets the client, as no other backend would do
 * better.
 *
 * Where a backend would be picked, a client waits in its service's queue
 * instead when every backend that would take it is at its maxconn, or
 * when others wait already: nobody overtakes them.
 *
 * A waiter holds its slot and its client, and nothing else: no backend
 * socket, no memory beyond its slot.  It reads the client as a connecting
 * client does, into its own buffer, so that a client that resets, or
 * closes before a byte, is gone from the queue at once, and there is no
 * spinning: once a buffer's worth or the FIN is in, the client is not
 * selected again until a backend takes it.
 *
 * A FIN read from one side is passed on (shutdown(SHUT_WR)) only once the
 * data read before it has been written, and the other direction goes on
 * until its own FIN.  A reset or an error on either side resets the other
 * one too (SO_LINGER 0), so a peer is never made to believe a broken
 * stream ended cleanly.
 */
#include "lbselect.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "checks.h"
#include "conn.h"
#include "loop.h"
#include "pool.h"
#include "proxy.h"
#include "service.h"
#include "stats.h"

/*
 * While connecting nothing can flow from the backend, so the backend->client
 * buffer holds what only that phase needs: the backends already tried (for
 * the scheduler's ctx.tried) and the client's endpoint.  Keeping them
 * out of struct conn keeps every connection small.  opt.tries is bounded
 * so that this always fits the smallest buffer.
 */
struct connect_scratch {
	u8 client[SLB_SCHED_ID_LEN];	/* for the hashing schedulers */
	u64 connect_start_us;		/* of this attempt, for lt */
	struct conn *qprev, *qnext;	/* in the service's queue */
	/* The client's ends for the PROXY header sent on: read, or its own. */
	struct slb_proxy_addr ends;
	const struct slb_sched_dest *tried[];
};

_Static_assert(sizeof(struct connect_scratch) +
	       LB_MAX_TRIES * sizeof(struct slb_sched_dest *) <= LB_MIN_BUF,
	       "the connect scratch must fit the smallest buffer");
_Static_assert(SLB_PROXY_WRITE_MAX <= 255 &&
	       SLB_PROXY_WRITE_MAX + SLB_PROXY_V1_MAX <= LB_MIN_BUF,
	       "a header read and one sent on fit the smallest buffer");

/*
 * Waiters that tried backends before may be kept from a free slot by
 * their own history.  This many of them are given a pick per pass and
 * the rest passed over without one, so that a pass's picks stay bounded
 * and yet no fresh waiter behind them is kept from a slot (the kernel
 * module's rule too).
 */
#define QUEUE_SKIPS	8

static struct lb_ratelimit rl_fd_setsize, rl_no_backend, rl_no_fd,
			   rl_queue_full, rl_proxy, rl_source;

static struct connect_scratch *scratch(const struct conn *c)
{
	return (struct connect_scratch *)pool_buf(c, B2C);
}

/* The slot number: stable while the connection lives, good for logs. */
static unsigned int conn_id(const struct conn *c)
{
	return pool_index(c);
}

/*
 * No backend to relay to yet: connecting to one, waiting for one, or
 * reading the client's PROXY header first.
 */
static bool pending(const struct conn *c)
{
	return c->flags & (CF_CONNECTING | CF_QUEUED | CF_PROXY_WAIT);
}

/*
 * What a read of d's source may fill: before a backend, the client's
 * bytes leave room for the PROXY header to be put in front of them.
 */
static size_t read_room(const struct conn *c, int d)
{
	if (d == C2B && pending(c))
		return pool_bufsize() - SLB_PROXY_WRITE_MAX;
	return pool_bufsize();
}

static int src_fd(const struct conn *c, int d)
{
	return d == C2B ? c->cfd : c->bfd;
}

static int dst_fd(const struct conn *c, int d)
{
	return d == C2B ? c->bfd : c->cfd;
}

static const char *side(int fd_is_client)
{
	return fd_is_client ? "client" : "backend";
}

/* Requests and replies are forwarded as they come: no Nagle delay on top. */
static void set_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

void close_reset(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static void queue_join(struct conn *c)
{
	struct connect_scratch *sc = scratch(c);
	struct service *s = c->svc;

	sc->qprev = s->queue_tail;
	sc->qnext = NULL;
	if (s->queue_tail)
		scratch(s->queue_tail)->qnext = c;
	else
		s->queue_head = c;
	s->queue_tail = c;
	s->queue_len++;
	s->cnt.queued++;
	c->flags |= CF_QUEUED;
	c->stamp = lb_now;
}

static void queue_leave(struct conn *c)
{
	struct connect_scratch *sc = scratch(c);
	struct service *s = c->svc;

	if (!(c->flags & CF_QUEUED))
		return;
	if (sc->qprev)
		scratch(sc->qprev)->qnext = sc->qnext;
	else
		s->queue_head = sc->qnext;
	if (sc->qnext)
		scratch(sc->qnext)->qprev = sc->qprev;
	else
		s->queue_tail = sc->qprev;
	s->queue_len--;
	c->flags &= (u16)~CF_QUEUED;
}

static void conn_release(struct conn *c)
{
	queue_leave(c);
	if (c->be)
		backend_put(c->be);
	service_put(c->svc);
	pool_put(c);
}

void conn_abort(struct conn *c, const char *why)
{
	lb_log(1, "conn %u: %s: reset", conn_id(c), why);
	close_reset(c->cfd);
	close_reset(c->bfd);
	conn_release(c);
}

/* An error on fd (the peer reset it, mostly): reset the other side too. */
static bool conn_fail(struct conn *c, int fd, int err)
{
	char why[96];

	snprintf(why, sizeof(why), "%s: %s", side(fd == c->cfd),
		 strerror(err));
	conn_abort(c, why);
	return false;
}

static u64 now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000 + (u64)ts.tv_nsec / 1000;
}

/* The kernel's smoothed RTT of a socket, in microseconds; 0 if unknown. */
static u32 srtt_us(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (fd < 0 || getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
		return 0;
	return ti.tcpi_rtt;
}

/* Both FINs passed on, nothing left to write: the normal end. */
static void conn_close(struct conn *c)
{
	lb_log(2, "conn %u: closed", conn_id(c));
	slb_sched_sample(&c->be->dest, 0, srtt_us(c->bfd));
	close(c->cfd);
	close(c->bfd);
	conn_release(c);
}

static void count_fd_setsize(struct service *s, int fd)
{
	lb_stats.refused_fd_setsize++;
	s->cnt.refused++;
	lb_log_limited(&rl_fd_setsize, "refusing a client: descriptor %d "
		       "does not fit in an fd_set (FD_SETSIZE %d); serve "
		       "fewer connections per process or use the kernel "
		       "module", fd, FD_SETSIZE);
}

void conn_refuse_fd_setsize(struct service *s, int cfd)
{
	count_fd_setsize(s, cfd);
	close_reset(cfd);
}

/*
 * The backend's PROXY header, if it takes one, in front of what the
 * client sent while it connected: its ends, and in v2 the connection's
 * id (its slot, as the log lines have it) as PP2_TYPE_UNIQUE_ID.
 */
static void proxy_prepend(struct conn *c)
{
	unsigned int version = backend_proxy(c->be);
	u8 hdr[SLB_PROXY_WRITE_MAX], *buf = (u8 *)pool_buf(c, C2B);
	char id[16];
	size_t n;

	if (version == SPLICELB_PROXY_NONE)
		return;
	snprintf(id, sizeof(id), "%u", conn_id(c));
	n = slb_proxy_write(hdr, sizeof(hdr), version, &scratch(c)->ends,
			    (const u8 *)id, strlen(id));
	memmove(buf + n, buf + c->off[C2B], c->len[C2B]);
	memcpy(buf, hdr, n);
	c->off[C2B] = 0;
	c->len[C2B] += (u32)n;
}

static void connected(struct conn *c)
{
	u64 took = now_us() - scratch(c)->connect_start_us;
	char a[SLB_ADDR_STRLEN];

	c->flags &= (u16)~CF_CONNECTING;
	c->be->cnt.total++;
	check_observe(c->be, 0);
	c->stamp = lb_now;
	slb_sched_sample(&c->be->dest, took < UINT32_MAX ? (u32)took : UINT32_MAX,
			 srtt_us(c->bfd));
	proxy_prepend(c);
	/* The scratch is done with: the buffer carries data from now on. */
	c->off[B2C] = 0;
	c->len[B2C] = 0;
	set_nodelay(c->bfd);
	lb_log(1, "conn %u: connected to %s", conn_id(c),
	       slb_addr_format(&c->be->addr, a, sizeof(a)));
}

/* This attempt is over: count it against the backend and let go of it. */
static void attempt_failed(struct conn *c, int err)
{
	char a[SLB_ADDR_STRLEN];

	c->be->cnt.connect_failures++;
	c->svc->cnt.connect_failures++;
	lb_log(1, "conn %u: backend %s: %s", conn_id(c),
	       slb_addr_format(&c->be->addr, a, sizeof(a)), strerror(err));
	/* Before it is let go of: it may be the last reference. */
	check_observe(c->be, err);
	close(c->bfd);
	c->bfd = -1;
	c->sel &= (u8)~(SEL_BR | SEL_BW);
	c->flags &= (u16)~CF_CONNECTING;
	/*
	 * Its dest pointer stays in tried[] even if this frees it: the
	 * scheduler only compares those pointers, never follows them.
	 */
	backend_put(c->be);
	c->be = NULL;
}

/* A socket for c's backend; -1 (counted, logged) when there is none. */
static int backend_socket(struct conn *c)
{
	int fd, err;

	fd = socket(c->be->addr.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = errno;
		/* Out of descriptors: accepting more would only fail too. */
		if (err == EMFILE || err == ENFILE || err == ENOBUFS ||
		    err == ENOMEM)
			loop_accept_backoff();
		lb_stats.refused_no_fd++;
		c->svc->cnt.refused++;
		lb_log_limited(&rl_no_fd, "refusing a client: backend "
			       "socket: %s", strerror(err));
		return -1;
	}
	if (!fd_fits(fd)) {
		count_fd_setsize(c->svc, fd);
		close(fd);
		return -1;
	}
	return fd;
}

static int set_one(int fd, int level, int name)
{
	int one = 1;

	return setsockopt(fd, level, name, &one, sizeof(one));
}

int source_bind(int fd, const struct slb_source_pick *p, const char **what)
{
	bool v6 = p->local.ss_family == AF_INET6;

	if (!p->bind)
		return 0;
	*what = v6 ? "IPV6_TRANSPARENT" : "IP_TRANSPARENT";
	if (p->transparent && (v6 ? set_one(fd, SOL_IPV6, IPV6_TRANSPARENT) :
				    set_one(fd, SOL_IP, IP_TRANSPARENT)))
		return -1;
	/* On IPv6 sockets too: the port waits for the destination. */
	*what = "IP_BIND_ADDRESS_NO_PORT";
	if (set_one(fd, SOL_IP, IP_BIND_ADDRESS_NO_PORT))
		return -1;
	*what = "bind";
	return bind(fd, (const struct sockaddr *)&p->local,
		    slb_addr_len(&p->local));
}

/*
 * The source cannot be set up (no CAP_NET_ADMIN for client, an address
 * the host does not have): no backend would do better.  Always -1 (gone).
 */
static int source_failed(struct conn *c, const struct sockaddr_storage *local,
			 const char *what, const char *why)
{
	char a[SLB_ADDR_STRLEN], s[SLB_ADDR_STRLEN];

	c->svc->cnt.refused++;
	lb_log_limited(&rl_source, "service %s: refusing a client: source %s: "
		       "%s: %s", slb_addr_format(&c->svc->addr, s, sizeof(s)),
		       slb_addr_host(local, a, sizeof(a)), what, why);
	conn_abort(c, "no source for the backend");
	return -1;
}

/*
 * One try of c's connect, from where @p says.  0: connecting or
 * connected; -1: c gone, a local failure; else the error of connect(),
 * the socket left in c->bfd for attempt_failed() or the next try, or a
 * pool address's EADDRNOTAVAIL at bind, with no socket left.
 */
static int try_connect(struct conn *c, const struct slb_source_pick *p)
{
	const struct sockaddr_storage *addr = &c->be->addr;
	const char *what;
	char why[96];
	int fd;

	fd = backend_socket(c);
	if (fd < 0) {
		conn_abort(c, "no descriptor for the backend");
		return -1;
	}
	if (source_bind(fd, p, &what)) {
		/* A pool address the host lost: the next, as the module. */
		if (errno == EADDRNOTAVAIL && !p->transparent) {
			close(fd);
			return EADDRNOTAVAIL;
		}
		snprintf(why, sizeof(why), "%s%s", strerror(errno),
			 errno == EPERM && p->transparent ?
			 " (needs CAP_NET_ADMIN)" : "");
		close(fd);
		return source_failed(c, &p->local, what, why);
	}
	c->bfd = fd;
	c->stamp = lb_now;
	scratch(c)->connect_start_us = now_us();
	if (!connect(fd, (const struct sockaddr *)addr, slb_addr_len(addr))) {
		connected(c);
		return 0;
	}
	if (errno == EINPROGRESS) {
		c->flags |= CF_CONNECTING;
		return 0;
	}
	return errno;
}

/*
 * Connect c to its backend from its service's source, the pool's next
 * address of the family in turn (source.h).  0: connecting or connected;
 * 1: failed already; -1: a local failure, c gone.
 */
static int start_connect(struct conn *c)
{
	struct slb_source_pick p = { .start = c->svc->source_rr++ };
	int family = c->be->addr.ss_family, err = 0, r;
	struct sockaddr_storage client;

	slb_addr_from_proxy(&scratch(c)->ends, false, &client);
	do {
		r = slb_source_next(&c->svc->source, family, &client, &p);
		if (r == -ENOENT)
			break;
		if (r)
			return source_failed(c, &client, "client",
					     "not of the backend's family");
		if (c->bfd >= 0) {
			close(c->bfd);
			c->bfd = -1;
		}
		err = try_connect(c, &p);
		if (err <= 0)
			return err;
		/* No port left from that address: the next may have one. */
	} while (err == EADDRNOTAVAIL);
	attempt_failed(c, err);
	return 1;
}

/* No backend will take the client: reset it; always false (gone). */
static bool refuse(struct conn *c)
{
	char a[SLB_ADDR_STRLEN];

	c->svc->cnt.refused++;
	lb_log_limited(&rl_no_backend, "service %s: no backend took a client "
		       "(%u tried)", slb_addr_format(&c->svc->addr, a,
						     sizeof(a)), c->ntried);
	conn_abort(c, "no backend");
	return false;
}

/* It waits for a slot, if there is a place in the queue; false if gone. */
static bool conn_wait(struct conn *c)
{
	struct service *s = c->svc;
	char a[SLB_ADDR_STRLEN];

	if (c->flags & CF_QUEUED)
		return true;	/* where it is: it keeps its turn */
	if (s->queue_len < s->maxqueue && !loop_stopping()) {
		queue_join(c);
		lb_log(1, "conn %u: waiting (%u in the queue)", conn_id(c),
		       s->queue_len);
		return true;
	}
	s->cnt.refused++;
	lb_log_limited(&rl_queue_full, "service %s: backends at their maxconn "
		       "and %u clients waiting (maxqueue %u): refusing a "
		       "client", slb_addr_format(&s->addr, a, sizeof(a)),
		       s->queue_len, s->maxqueue);
	conn_abort(c, "queue full");
	return false;
}

/* A backend for c, counted in its active; NULL if none will take it. */
static struct backend *pick(struct conn *c, struct slb_sched_ctx *ctx)
{
	struct connect_scratch *sc = scratch(c);

	ctx->client = sc->client;
	ctx->tried = sc->tried;
	ctx->ntried = c->ntried;
	ctx->random = lb_random();
	return service_pick(c->svc, ctx);
}

/*
 * Hand the client to the next backend that will have it, or let it wait
 * for one; false if gone.
 */
static bool connect_next(struct conn *c)
{
	struct slb_sched_ctx ctx = { 0 };
	int r;

	while (c->ntried < opt.tries) {
		/* No overtaking: behind those waiting, whatever is free. */
		if (c->svc->queue_len && !(c->flags & CF_QUEUED))
			return conn_wait(c);
		c->be = pick(c, &ctx);
		if (!c->be)
			return service_full(c->svc, &ctx) ? conn_wait(c) :
							     refuse(c);
		queue_leave(c);
		scratch(c)->tried[c->ntried++] = &c->be->dest;
		r = start_connect(c);
		if (r == 0)
			return true;
		/* Not the backend's fault: no point trying another. */
		if (r < 0)
			return false;
	}
	return refuse(c);
}

void conn_serve_queue(struct service *s)
{
	unsigned int skipped = 0;
	struct conn *c, *next;

	s->queue_kick = false;
	/* A waiter put back at the tail is met again: tries bound that. */
	for (c = s->queue_head; c; c = next) {
		next = scratch(c)->qnext;
		if (c->ntried && skipped >= QUEUE_SKIPS)
			continue;
		if (!connect_next(c) || !(c->flags & CF_QUEUED))
			continue;
		/* A fresh client found no slot: nor will those behind it. */
		if (!c->ntried)
			break;
		skipped++;
	}
}

void conn_reset_queue(struct service *s, const char *why)
{
	while (s->queue_head) {
		s->cnt.refused++;
		conn_abort(s->queue_head, why);
	}
}

/*
 * The client's ends as a PROXY header sent on has them: its address, and
 * the service's it reached, which of a wildcard listener the socket says.
 */
static void note_ends(struct conn *c, const struct sockaddr_storage *peer)
{
	struct sockaddr_storage local = c->svc->addr;
	socklen_t len = sizeof(local);

	/* On a failure local is left as it was: the service's address. */
	if (slb_addr_is_any(&local))
		getsockname(c->cfd, (struct sockaddr *)&local, &len);
	slb_addr_to_proxy(peer, &local, &scratch(c)->ends);
}

void conn_accept(struct service *s, int cfd,
		 const struct sockaddr_storage *peer)
{
	char a[SLB_ADDR_STRLEN];
	struct conn *c = pool_get();

	if (!c) {
		/* The loop does not accept when full; belt and braces. */
		close_reset(cfd);
		return;
	}
	c->cfd = cfd;
	c->svc = s;
	c->stamp = lb_now;
	service_get(s);
	s->cnt.total++;
	set_nodelay(cfd);
	slb_addr_sched_id(peer, scratch(c)->client);
	note_ends(c, peer);
	lb_log(1, "conn %u: client %s", conn_id(c),
	       slb_addr_format(peer, a, sizeof(a)));
	/* Its backend is sought once its header is read. */
	if (s->accept_proxy)
		c->flags |= CF_PROXY_WAIT;
	else
		connect_next(c);
}

int connect_error(int fd)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
		err = errno;
	return err;
}

/* The connect finished one way or the other; false if c is gone. */
static bool connect_done(struct conn *c)
{
	int err = connect_error(c->bfd);

	if (!err) {
		connected(c);
		return true;
	}
	attempt_failed(c, err);
	return connect_next(c);
}

static void count(struct conn *c, int d, size_t n)
{
	/* A PROXY header sent counts as the client's, as in the module. */
	if (d == C2B) {
		c->svc->cnt.client_bytes += n;
		c->be->cnt.client_bytes += n;
	} else {
		c->svc->cnt.backend_bytes += n;
		c->be->cnt.backend_bytes += n;
	}
}

static bool would_block(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

/* accept-proxy: no header, a bad one, or none in time; false (gone). */
static bool proxy_fail(struct conn *c, const char *why)
{
	char a[SLB_ADDR_STRLEN], s[SLB_ADDR_STRLEN];
	struct sockaddr_storage peer;

	c->svc->cnt.proxy_errors++;
	slb_addr_from_proxy(&scratch(c)->ends, false, &peer);
	lb_log_limited(&rl_proxy, "service %s: client %s: %s: reset",
		       slb_addr_format(&c->svc->addr, s, sizeof(s)),
		       slb_addr_format(&peer, a, sizeof(a)), why);
	conn_abort(c, why);
	return false;
}

/* The client is who its header says, but for LOCAL and UNKNOWN. */
static void proxy_take(struct conn *c, const struct slb_proxy_hdr *hdr)
{
	struct connect_scratch *sc = scratch(c);
	struct sockaddr_storage client;
	char a[SLB_ADDR_STRLEN];

	if (hdr->addr.family == SLB_PROXY_AF_NONE)
		return;
	sc->ends = hdr->addr;
	slb_addr_from_proxy(&hdr->addr, false, &client);
	slb_addr_sched_id(&client, sc->client);
	lb_log(1, "conn %u: PROXY %s: client %s", conn_id(c),
	       slb_proxy_name(hdr->version),
	       slb_addr_format(&client, a, sizeof(a)));
}

/*
 * The client's bytes, after those read before, until they hold its whole
 * PROXY header; then the header is taken off and a backend sought.  A
 * header longer than the buffer, less the room kept for the one sent on,
 * is one too long.  False if c is gone.
 */
static bool proxy_read(struct conn *c)
{
	size_t max = read_room(c, C2B);
	u8 *buf = (u8 *)pool_buf(c, C2B);
	struct slb_proxy_hdr hdr;
	ssize_t n;
	int len;

	n = recv(c->cfd, buf + c->len[C2B], max - c->len[C2B], 0);
	if (n < 0)
		return would_block() ? true : conn_fail(c, c->cfd, errno);
	if (!n)
		return proxy_fail(c, c->len[C2B] ? "PROXY header cut short" :
					      "no PROXY header");
	c->len[C2B] += (u32)n;
	len = slb_proxy_parse(buf, c->len[C2B], max, &hdr);
	if (!len)
		return true;
	if (len < 0)
		return proxy_fail(c, slb_proxy_strerror(len));
	proxy_take(c, &hdr);
	c->len[C2B] -= (u32)len;
	memmove(buf, buf + len, c->len[C2B]);
	c->flags &= (u16)~CF_PROXY_WAIT;
	return connect_next(c);
}

/* Write what is pending in direction d; what is not taken stays. */
static bool pump_write(struct conn *c, int d)
{
	ssize_t n;

	if (!c->len[d])
		return true;
	n = send(dst_fd(c, d), pool_buf(c, d) + c->off[d], c->len[d],
		 MSG_NOSIGNAL);
	if (n < 0)
		return would_block() ? true : conn_fail(c, dst_fd(c, d), errno);
	count(c, d, (size_t)n);
	c->stamp = lb_now;
	c->len[d] -= (u32)n;
	c->off[d] = c->len[d] ? c->off[d] + (u32)n : 0;
	return true;
}

/* Called only with d's buffer empty (see conn_want). */
static bool pump_read(struct conn *c, int d)
{
	ssize_t n;

	n = recv(src_fd(c, d), pool_buf(c, d), read_room(c, d), 0);
	if (n < 0)
		return would_block() ? true : conn_fail(c, src_fd(c, d), errno);
	/* The stamp of a connect or a wait is its start: client data waits. */
	if (!pending(c))
		c->stamp = lb_now;
	if (n == 0) {
		c->flags |= CF_EOF(d);
		lb_log(2, "conn %u: FIN from %s", conn_id(c), side(d == C2B));
		return true;
	}
	c->off[d] = 0;
	c->len[d] = (u32)n;
	if (pending(c))
		return true;
	/* Most writes go through at once: save a round through select(). */
	return pump_write(c, d);
}

/*
 * A waiter's FIN before any byte: nothing to pass on, and a client that
 * closes without a word has given up far more often than it half-closes
 * to hear the server first.  Its place goes to the next one.  A FIN after
 * data may be a half-close: that client waits on.
 */
static bool settle_waiter(struct conn *c)
{
	if (!(c->flags & CF_EOF(C2B)) || c->len[C2B])
		return true;
	conn_abort(c, "client left the queue");
	return false;
}

/* Pass FINs on once their data is out; close when both are.  */
static bool settle(struct conn *c)
{
	int d;

	if (c->flags & CF_QUEUED)
		return settle_waiter(c);
	if (c->flags & CF_CONNECTING)
		return true;
	for (d = C2B; d <= B2C; d++) {
		if ((c->flags & (CF_EOF(d) | CF_SHUT(d))) != CF_EOF(d) ||
		    c->len[d])
			continue;
		if (shutdown(dst_fd(c, d), SHUT_WR))
			return conn_fail(c, dst_fd(c, d), errno);
		c->flags |= CF_SHUT(d);
	}
	if ((c->flags & CF_SHUT(C2B)) && (c->flags & CF_SHUT(B2C))) {
		conn_close(c);
		return false;
	}
	return true;
}

int conn_want(struct conn *c, fd_set *r, fd_set *w)
{
	bool up = !pending(c);
	u8 sel = 0;

	/* A PROXY header is read on until it is whole. */
	if (!(c->flags & CF_EOF(C2B)) &&
	    (!c->len[C2B] || (c->flags & CF_PROXY_WAIT)))
		sel |= SEL_CR;
	if (up && !(c->flags & CF_EOF(B2C)) && !c->len[B2C])
		sel |= SEL_BR;
	if ((c->flags & CF_CONNECTING) || (up && c->len[C2B]))
		sel |= SEL_BW;		/* while connecting: completion */
	if (up && c->len[B2C])
		sel |= SEL_CW;
	if (sel & SEL_CR)
		FD_SET(c->cfd, r);
	if (sel & SEL_CW)
		FD_SET(c->cfd, w);
	if (sel & SEL_BR)
		FD_SET(c->bfd, r);
	if (sel & SEL_BW)
		FD_SET(c->bfd, w);
	c->sel = sel;
	return c->cfd > c->bfd ? c->cfd : c->bfd;
}

static bool ready(const struct conn *c, u8 bit, const fd_set *set)
{
	int fd = bit & (SEL_CR | SEL_CW) ? c->cfd : c->bfd;

	return (c->sel & bit) && FD_ISSET(fd, set);
}

bool conn_events(struct conn *c, const fd_set *r, const fd_set *w)
{
	if ((c->flags & CF_CONNECTING) && ready(c, SEL_BW, w)) {
		if (!connect_done(c))
			return false;
	}
	if (ready(c, SEL_CR, r) && (c->flags & CF_PROXY_WAIT))
		return proxy_read(c);
	/* Not over a PROXY header put in front of the client's bytes. */
	if (ready(c, SEL_CR, r) && !c->len[C2B] && !pump_read(c, C2B))
		return false;
	if (ready(c, SEL_BR, r) && !pump_read(c, B2C))
		return false;
	if (ready(c, SEL_CW, w) && !pump_write(c, B2C))
		return false;
	if (!(c->flags & CF_CONNECTING) && ready(c, SEL_BW, w) &&
	    !pump_write(c, C2B))
		return false;
	return settle(c);
}

u64 conn_deadline(const struct conn *c)
{
	unsigned int t;

	if (c->flags & CF_QUEUED)
		return c->stamp + c->svc->queue_timeout_ms;
	/* From the accept; without a connect timeout, the idle one. */
	if (c->flags & CF_PROXY_WAIT)
		t = opt.connect_ms ? opt.connect_ms : opt.idle_ms;
	else if (c->flags & CF_CONNECTING)
		t = opt.connect_ms;
	else if (c->flags & (CF_EOF(C2B) | CF_EOF(B2C)))
		t = opt.half_ms;
	else
		t = opt.idle_ms;
	return t ? c->stamp + t : NO_DEADLINE;
}

void conn_timeout(struct conn *c)
{
	if (c->flags & CF_QUEUED) {
		c->svc->cnt.queue_timeouts++;
		conn_abort(c, "queue timeout");
	} else if (c->flags & CF_PROXY_WAIT) {
		proxy_fail(c, "no PROXY header in time");
	} else if (c->flags & CF_CONNECTING) {
		attempt_failed(c, ETIMEDOUT);
		connect_next(c);
	} else if (c->flags & (CF_EOF(C2B) | CF_EOF(B2C))) {
		conn_abort(c, "half-closed timeout");
	} else {
		conn_abort(c, "idle timeout");
	}
}
