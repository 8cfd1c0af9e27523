// SPDX-License-Identifier: GPL-2.0
/*
 * Health checks in the select() loop.
 *
 *   due -> CONNECT -> (tcp: passed)
 *            |  send-expect, or a PROXY header to send
 *            v
 *          SEND -> (tcp: passed)
 *            |
 *            v
 *          RECV -> reply holds expect: passed
 *                    |      buffer full, EOF after bytes: unexpected reply
 *                    |      EOF before a byte: closed
 *   any phase: refused, reset, unreachable, error; deadline: timeout
 *   (unexpected reply when bytes came without the match)
 *
 * Schedule: every checked backend is in one binary min-heap keyed by the
 * time of its next check (NO_DEADLINE while one runs), so that a round
 * finds what is due at a cost of O(log n) a check, however many backends
 * there are.  A backend's first check comes at a random point of its
 * first interval, so that backends added together spread out; each next
 * one slb_check_next_ms() (with its jitter) after the start of the last,
 * or at once if the last took longer.
 *
 * Bounds: at most LB_CHECK_FDS checks run at once, each in a slot with
 * its socket and its reply buffer, allocated before; due checks beyond
 * that wait for a slot in the order they fell due.  From the first
 * checked backend on, their descriptors are held as placeholders,
 * /dev/null opened below FD_SETSIZE: a check closes one and its socket()
 * gets the lowest free number, no higher; at its end the socket is closed
 * and the lowest free number taken again.  So clients can neither take
 * the checks' descriptors nor push a check's socket past FD_SETSIZE, and
 * checks never hold more than those.
 *
 * Observe: conn.c reports every client's connect to a backend, and the
 * observe-th failure in a row brings an up backend down there and then,
 * its last check result the failure's, without waiting for the checks,
 * which then bring it back up as they would after fall failed ones.
 *
 * A backend that takes the PROXY protocol is sent a LOCAL header first
 * (v1: "PROXY UNKNOWN"), as HAProxy's check-send-proxy does: the check
 * speaks for no client, and a backend that requires a header would
 * otherwise refuse it.  A tcp check then passes once it is sent.
 *
 * A check leaves from where its service's source says, as its clients'
 * connections do: a pool's addresses of the backend's family in turn,
 * the next when one has no port left towards it; under source client
 * from the gateway's own address, as it speaks for no client.
 *
 * A check ends with a reset (SO_LINGER 0), as HAProxy's do: the balancer
 * closes first, and a FIN would leave a socket in TIME_WAIT here for every
 * check, thousands a minute with many backends, while the backend has
 * nothing left to tell a check.
 */
#include "lbselect.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "addr.h"
#include "checks.h"
#include "conn.h"
#include "loop.h"
#include "proxy.h"
#include "service.h"

/*
 * The reply read for a match: an expect string of the largest size after
 * as much of anything.  A reply without the match in that much fails.
 */
#define LB_CHECK_REPLY		(2 * SLB_CHECK_DATA_MAX)

enum { CK_CONNECT, CK_SEND, CK_RECV };

struct lb_check {
	struct backend *b;	/* NULL: the slot is free */
	int fd;
	u8 phase;		/* CK_* */
	bool selected;		/* fd is in this round's sets */
	u16 sent, got;		/* sent: of the header, then of the send */
	u64 start;
	/* A LOCAL header: v2's fixed part alone, v1's UNKNOWN line shorter. */
	u8 hdr[SLB_PROXY_V2_FIXED];
	u8 hdr_len;
	u8 reply[LB_CHECK_REPLY];
};

static struct lb_check slots[LB_CHECK_FDS];
/* Held descriptors: nspare placeholders, nreserved - nspare checks. */
static int spare[LB_CHECK_FDS];
static unsigned int nspare, nreserved;
/* The checked backends, soonest due first. */
static struct backend **heap;
static unsigned int nheap, heap_cap;
static struct lb_ratelimit rl_reserve, rl_socket;

/* ---- descriptors ------------------------------------------------------- */

/* One more placeholder below FD_SETSIZE; false if there is none. */
static bool spare_open(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && fd_fits(fd)) {
		spare[nspare++] = fd;
		return true;
	}
	if (fd >= 0)
		close(fd);
	return false;
}

/* Given back by a check; lost only if /dev/null cannot be opened. */
static void spare_return(void)
{
	if (!spare_open())
		nreserved--;
}

/*
 * All of them at the first checked backend, so that the default pool,
 * sized after the configuration is read, leaves room for them (main.c).
 */
static void reserve(void)
{
	while (nreserved < LB_CHECK_FDS) {
		if (!spare_open()) {
			lb_log_limited(&rl_reserve, "health checks: %u "
				       "descriptors below FD_SETSIZE for them, "
				       "not %u: fewer run at once", nreserved,
				       LB_CHECK_FDS);
			return;
		}
		nreserved++;
	}
}

unsigned int checks_reserved(void)
{
	return nreserved;
}

/* A placeholder turned into a socket, as low as it was; -1 on failure. */
static int socket_open(int family)
{
	int fd, err;

	close(spare[--nspare]);
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0 && fd_fits(fd))
		return fd;
	err = fd < 0 ? errno : EMFILE;
	if (fd >= 0)
		close(fd);
	spare_return();
	errno = err;
	return -1;
}

/* ---- schedule ---------------------------------------------------------- */

static bool heap_less(unsigned int i, unsigned int j)
{
	return heap[i]->health.due < heap[j]->health.due;
}

static void heap_swap(unsigned int i, unsigned int j)
{
	struct backend *t = heap[i];

	heap[i] = heap[j];
	heap[j] = t;
	heap[i]->health.heap = i + 1;
	heap[j]->health.heap = j + 1;
}

/* The entry at i moved: up or down to where its due time belongs. */
static void heap_fix(unsigned int i)
{
	unsigned int c;

	while (i && heap_less(i, (i - 1) / 2)) {
		heap_swap(i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (; (c = 2 * i + 1) < nheap; i = c) {
		if (c + 1 < nheap && heap_less(c + 1, c))
			c++;
		if (!heap_less(c, i))
			break;
		heap_swap(i, c);
	}
}

/* Between rounds only (a reload): the loop itself never allocates. */
static void heap_add(struct backend *b)
{
	if (nheap == heap_cap) {
		heap_cap = heap_cap ? 2 * heap_cap : 64;
		heap = realloc(heap, heap_cap * sizeof(*heap));
		if (!heap) {
			lb_log(0, "out of memory applying the configuration");
			exit(1);
		}
	}
	heap[nheap] = b;
	b->health.heap = ++nheap;
	heap_fix(nheap - 1);
}

static void heap_del(struct backend *b)
{
	unsigned int i = b->health.heap - 1;

	b->health.heap = 0;
	if (i == --nheap)
		return;
	heap[i] = heap[nheap];
	heap[i]->health.heap = i + 1;
	heap_fix(i);
}

static void schedule(struct backend *b, u64 due)
{
	b->health.due = due;
	heap_fix(b->health.heap - 1);
}

static u64 next_check(const struct backend *b, u64 from)
{
	return from + slb_check_next_ms(&b->svc->check, &b->health.h,
					lb_random());
}

/* ---- health ------------------------------------------------------------ */

static const char *names(const struct backend *b, char *buf, size_t len)
{
	char ba[SLB_ADDR_STRLEN], sa[SLB_ADDR_STRLEN];

	snprintf(buf, len, "backend %s of %s",
		 slb_addr_format(&b->addr, ba, sizeof(ba)),
		 slb_addr_format(&b->svc->addr, sa, sizeof(sa)));
	return buf;
}

static void health_changed(struct backend *b, const char *why)
{
	char n[2 * SLB_ADDR_STRLEN + 16];

	b->health.since = now_ms();
	b->cnt.health_changes++;
	b->svc->cnt.health_changes++;
	lb_log(0, "%s health %s (%s)", names(b, n, sizeof(n)),
	       b->health.h.down ? "down" : "up", why);
	backend_refresh(b);
}

static void record(struct backend *b, u8 result)
{
	bool passed = result == SPLICELB_CHECK_RESULT_PASSED;
	char n[2 * SLB_ADDR_STRLEN + 16];

	b->health.result = result;
	if (!passed) {
		b->cnt.check_fails++;
		b->svc->cnt.check_fails++;
		lb_log(1, "%s: check failed (%s)", names(b, n, sizeof(n)),
		       slb_check_result_name(result));
	}
	if (slb_health_record(&b->health.h, &b->svc->check, passed))
		health_changed(b, slb_check_result_name(result));
}

/* ---- one check --------------------------------------------------------- */

/* The check is over or cancelled: its descriptor a placeholder again. */
static void slot_put(struct lb_check *c)
{
	close_reset(c->fd);
	c->b->health.run = NULL;
	c->b = NULL;
	c->fd = -1;
	c->selected = false;
	spare_return();
}

static void check_done(struct lb_check *c, u8 result)
{
	struct backend *b = c->b;
	u64 start = c->start, due;

	slot_put(c);
	record(b, result);
	due = next_check(b, start);
	schedule(b, due > lb_now ? due : lb_now);
}

static void check_fail_errno(struct lb_check *c)
{
	check_done(c, slb_check_result_of(errno));
}

static bool would_block(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

/* What is left to send of the header, then of the send string. */
static ssize_t check_write(struct lb_check *c,
			   const struct slb_check_params *p)
{
	struct iovec iov[2];
	struct msghdr msg = { .msg_iov = iov };
	size_t sent = c->sent;

	if (sent < c->hdr_len) {
		iov[msg.msg_iovlen++] = (struct iovec) {
			c->hdr + sent, c->hdr_len - sent
		};
		sent = c->hdr_len;
	}
	sent -= c->hdr_len;
	iov[msg.msg_iovlen++] = (struct iovec) {
		(void *)(p->send + sent), p->send_len - sent
	};
	return sendmsg(c->fd, &msg, MSG_NOSIGNAL);
}

static void check_send(struct lb_check *c)
{
	const struct slb_check_params *p = &c->b->svc->check;
	ssize_t n;

	if (c->sent < c->hdr_len + p->send_len) {
		n = check_write(c, p);
		if (n < 0) {
			if (!would_block())
				check_fail_errno(c);
			return;
		}
		c->sent += (u16)n;
	}
	if (c->sent < c->hdr_len + p->send_len)
		return;
	if (p->type == SPLICELB_CHECK_TCP)
		check_done(c, SPLICELB_CHECK_RESULT_PASSED);
	else
		c->phase = CK_RECV;
}

static void check_recv(struct lb_check *c)
{
	const struct slb_check_params *p = &c->b->svc->check;
	size_t from;
	ssize_t n;

	n = recv(c->fd, c->reply + c->got, sizeof(c->reply) - c->got, 0);
	if (n < 0) {
		if (!would_block())
			check_fail_errno(c);
		return;
	}
	if (!n) {
		check_done(c, c->got ? SPLICELB_CHECK_RESULT_UNEXPECTED :
				       SPLICELB_CHECK_RESULT_CLOSED);
		return;
	}
	/* Only where a match may end in the new bytes: the rest was seen. */
	from = c->got >= p->expect_len ? c->got - p->expect_len + 1 : 0;
	c->got += (u16)n;
	if (slb_check_match(c->reply + from, c->got - from, p->expect,
			    p->expect_len))
		check_done(c, SPLICELB_CHECK_RESULT_PASSED);
	else if (c->got == sizeof(c->reply))
		check_done(c, SPLICELB_CHECK_RESULT_UNEXPECTED);
}

static void check_connected(struct lb_check *c)
{
	if (c->b->svc->check.type == SPLICELB_CHECK_TCP && !c->hdr_len) {
		check_done(c, SPLICELB_CHECK_RESULT_PASSED);
		return;
	}
	/* Writable already: most requests go out without a round. */
	c->phase = CK_SEND;
	check_send(c);
}

static void check_connect_done(struct lb_check *c)
{
	int err = connect_error(c->fd);

	if (err) {
		check_done(c, slb_check_result_of(err));
		return;
	}
	check_connected(c);
}

static void check_addr(const struct backend *b, struct sockaddr_storage *ss)
{
	u16 port = htons((u16)b->health.port);

	*ss = b->addr;
	if (!b->health.port)
		return;
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = port;
	else
		((struct sockaddr_in6 *)ss)->sin6_port = port;
}

/* The LOCAL header a check of b begins with; its length, 0 for none. */
static u8 check_header(const struct backend *b, u8 *hdr)
{
	unsigned int version = backend_proxy(b);

	if (version == SPLICELB_PROXY_NONE)
		return 0;
	return (u8)slb_proxy_write(hdr, SLB_PROXY_V2_FIXED, version, NULL,
				   NULL, 0);
}

static struct lb_check *slot_get(void)
{
	unsigned int i;

	/* A placeholder left means a free slot: there is one per check. */
	for (i = 0; slots[i].b; i++)
		;
	return &slots[i];
}

/* A placeholder turned into a check's socket, set up as @p says. */
static int check_socket(struct backend *b, const struct slb_source_pick *p)
{
	char n[2 * SLB_ADDR_STRLEN + 16];
	const char *what = "socket";
	int fd, err;

	fd = socket_open(b->addr.ss_family);
	if (fd >= 0 && !source_bind(fd, p, &what))
		return fd;
	err = errno;
	if (fd >= 0) {
		close(fd);
		spare_return();
	}
	lb_log_limited(&rl_socket, "%s: no check: %s: %s",
		       names(b, n, sizeof(n)), what, strerror(err));
	return -1;
}

/*
 * A socket connecting to @ss from b's source, the pool's next address
 * of the family when one has no port left towards it; *@err is how the
 * connect() went: 0, EINPROGRESS or its error.  -1 on a local failure,
 * logged, or for a pool without the family, which config.c rules out.
 */
static int check_connect(struct backend *b, const struct sockaddr_storage *ss,
			 int *err)
{
	struct slb_source_pick p = { .start = b->svc->source_rr++ };
	int fd = -1;

	while (!slb_source_next(&b->svc->source, ss->ss_family, NULL, &p)) {
		if (fd >= 0) {
			close(fd);
			spare_return();
		}
		fd = check_socket(b, &p);
		if (fd < 0)
			return -1;
		*err = connect(fd, (const struct sockaddr *)ss,
			       slb_addr_len(ss)) ? errno : 0;
		if (*err != EADDRNOTAVAIL)
			break;
	}
	return fd;
}

/* A local failure (no socket) says nothing of the backend: none counted. */
static void check_start(struct backend *b)
{
	struct sockaddr_storage ss;
	struct lb_check *c;
	int fd, err;

	check_addr(b, &ss);
	fd = check_connect(b, &ss, &err);
	if (fd < 0) {
		schedule(b, next_check(b, lb_now));
		return;
	}
	c = slot_get();
	c->b = b;
	c->fd = fd;
	c->phase = CK_CONNECT;
	c->sent = 0;
	c->got = 0;
	c->hdr_len = check_header(b, c->hdr);
	c->start = lb_now;
	b->health.run = c;
	schedule(b, NO_DEADLINE);
	if (!err)
		check_connected(c);
	else if (err != EINPROGRESS)
		check_done(c, slb_check_result_of(err));
}

static void check_timeout(struct lb_check *c)
{
	check_done(c, c->phase == CK_RECV && c->got ?
		      SPLICELB_CHECK_RESULT_UNEXPECTED :
		      SPLICELB_CHECK_RESULT_TIMEOUT);
}

static u64 check_deadline(const struct lb_check *c)
{
	return c->start + slb_check_timeout_ms(&c->b->svc->check);
}

/* ---- the clients' connects -------------------------------------------- */

/*
 * As a check that brings it down, but now: the checks alone bring it
 * back up, rise passed ones from the next on.  The one due comes sooner
 * if downinter says so; one in flight counts as if it began down.
 */
static void observed_down(struct backend *b, int err)
{
	struct lb_health *hl = &b->health;
	char why[64];
	u64 due;

	slb_health_force_down(&hl->h);
	hl->result = slb_check_result_of(err);
	b->cnt.observe_downs++;
	b->svc->cnt.observe_downs++;
	snprintf(why, sizeof(why), "%s, %u client connects in a row",
		 slb_check_result_name(hl->result), b->svc->check.observe);
	health_changed(b, why);
	due = next_check(b, lb_now);
	if (!hl->run && due < hl->due)
		schedule(b, due);
}

void check_observe(struct backend *b, int err)
{
	struct lb_health *hl = &b->health;
	u32 limit = b->svc->check.observe;

	/* Unchecked (removed, check none): nothing would bring it back. */
	if (!limit || !hl->heap)
		return;
	if (!err || hl->h.down) {
		hl->observed = 0;
		return;
	}
	/* This host's own failures (no memory, no port) are not the backend's. */
	if (slb_check_result_of(err) == SPLICELB_CHECK_RESULT_ERROR)
		return;
	if (++hl->observed < limit)
		return;
	hl->observed = 0;
	observed_down(b, err);
}

/* ---- configuration ----------------------------------------------------- */

void check_stop(struct backend *b)
{
	if (b->health.run)
		slot_put(b->health.run);
	if (b->health.heap)
		heap_del(b);
}

/* As a first check finds it: on probation, @down as it was. */
static void health_restart(struct lb_health *hl, bool down)
{
	slb_health_init(&hl->h);
	hl->h.down = down;
	hl->result = SPLICELB_CHECK_RESULT_NONE;
	hl->observed = 0;
}

void check_follow(struct backend *b, bool restart)
{
	struct lb_health *hl = &b->health;
	u64 now = now_ms();

	if (!hl->since)
		hl->since = now;
	if (b->svc->check.type == SPLICELB_CHECK_NONE) {
		bool down = hl->h.down;

		check_stop(b);
		health_restart(hl, false);
		if (down)
			health_changed(b, "check none");
		return;
	}
	if (hl->heap && !restart)
		return;
	check_stop(b);
	health_restart(hl, hl->h.down);
	hl->due = now + lb_random() % b->svc->check.inter_ms;
	heap_add(b);
	reserve();
}

/* ---- the loop's part --------------------------------------------------- */

static bool may_start(void)
{
	return nspare && nheap && !loop_stopping();
}

int checks_want(fd_set *r, fd_set *w, u64 *next)
{
	unsigned int i;
	int maxfd = -1;
	u64 dl;

	for (i = 0; i < LB_CHECK_FDS; i++) {
		struct lb_check *c = &slots[i];

		c->selected = c->b != NULL;
		if (!c->selected)
			continue;
		FD_SET(c->fd, c->phase == CK_RECV ? r : w);
		if (c->fd > maxfd)
			maxfd = c->fd;
		dl = check_deadline(c);
		if (dl < *next)
			*next = dl;
	}
	/* With no slot free, a check due is no reason to wake up. */
	if (may_start() && heap[0]->health.due < *next)
		*next = heap[0]->health.due;
	return maxfd;
}

void checks_events(const fd_set *r, const fd_set *w)
{
	unsigned int i;

	for (i = 0; i < LB_CHECK_FDS; i++) {
		struct lb_check *c = &slots[i];

		if (!c->selected ||
		    !FD_ISSET(c->fd, c->phase == CK_RECV ? r : w))
			continue;
		if (c->phase == CK_CONNECT)
			check_connect_done(c);
		else if (c->phase == CK_SEND)
			check_send(c);
		else
			check_recv(c);
	}
}

void checks_run(void)
{
	unsigned int i;

	for (i = 0; i < LB_CHECK_FDS; i++)
		if (slots[i].b && check_deadline(&slots[i]) <= lb_now)
			check_timeout(&slots[i]);
	/* Each start takes a placeholder: at most LB_CHECK_FDS a round. */
	while (may_start() && heap[0]->health.due <= lb_now)
		check_start(heap[0]);
}
