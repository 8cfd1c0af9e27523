// SPDX-License-Identifier: GPL-2.0
/*
 * The one select() loop.
 *
 * Each round rebuilds the fd_sets from the state of every connection, so
 * interest always follows the state (no stale "want write" after a buffer
 * drained), then handles, in order: new clients, connection events,
 * health check events, timers (connections', then checks' deadlines and
 * the checks due), and last signals, so that a reload never closes or
 * reuses a descriptor that this round's fd_sets still talk about.  Then
 * the slots freed in the round go to the waiters in the services' queues,
 * outside the walks over the pool: a waiter reset there would swap
 * another connection into its place, one such a walk may have passed
 * already.
 */
#include "lbselect.h"	/* first: it asks for _GNU_SOURCE (accept4) */

#include <errno.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "checks.h"
#include "conn.h"
#include "loop.h"
#include "pool.h"
#include "service.h"
#include "signals.h"
#include "stats.h"

/* How long accepting pauses when out of descriptors or memory. */
#define ACCEPT_BACKOFF_MS	100
/* Clients taken from one listener per round: fairness to the others. */
#define ACCEPT_BURST		64

u64 lb_now;

static u64 accept_resume;	/* no accept() before this */
static bool draining;
static u64 drain_deadline;
static struct lb_ratelimit rl_accept;

u32 lb_random(void)
{
	static u64 x;

	if (!x)
		x = ((u64)getpid() << 32 | (u64)time(NULL)) | 1;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return (u32)(x >> 32);
}

void loop_accept_backoff(void)
{
	if (accept_resume <= lb_now)
		lb_stats.accept_backoffs++;
	accept_resume = lb_now + ACCEPT_BACKOFF_MS;
}

bool loop_stopping(void)
{
	return draining;
}

static bool accepting(void)
{
	return !draining && lb_now >= accept_resume && !pool_full();
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

static int build_sets(fd_set *r, fd_set *w, u64 *next)
{
	int maxfd = signals_fd();
	struct service *s;
	unsigned int i;
	u64 dl;

	FD_ZERO(r);
	FD_ZERO(w);
	FD_SET(signals_fd(), r);
	*next = NO_DEADLINE;
	for (s = lb_services; s; s = s->next) {
		s->selected = s->lfd >= 0 && accepting() && service_has_room(s);
		if (s->selected) {
			FD_SET(s->lfd, r);
			maxfd = max_int(maxfd, s->lfd);
		}
	}
	if (!draining && accept_resume > lb_now)
		*next = accept_resume;
	for (i = 0; i < pool_used(); i++) {
		struct conn *c = pool_active(i);

		maxfd = max_int(maxfd, conn_want(c, r, w));
		dl = conn_deadline(c);
		if (dl < *next)
			*next = dl;
	}
	maxfd = max_int(maxfd, checks_want(r, w, next));
	if (draining && drain_deadline < *next)
		*next = drain_deadline;
	return maxfd;
}

static struct timeval *select_timeout(u64 next, struct timeval *tv)
{
	u64 ms;

	if (next == NO_DEADLINE)
		return NULL;
	ms = next > lb_now ? next - lb_now : 0;
	tv->tv_sec = (time_t)(ms / 1000);
	tv->tv_usec = (suseconds_t)(ms % 1000) * 1000;
	return tv;
}

/* Stop accepting from this listener for this round? */
static bool accept_error(int err)
{
	switch (err) {
	case EAGAIN:
		return true;
	case EINTR:
	case ECONNABORTED:
	/* Linux passes pending network errors on through accept(). */
	case EPROTO:
	case ENOPROTOOPT:
	case ENETDOWN:
	case ENETUNREACH:
	case EHOSTDOWN:
	case EHOSTUNREACH:
	case ENONET:
	case EOPNOTSUPP:
	case ETIMEDOUT:
		return false;
	}
	/*
	 * EMFILE, ENFILE, ENOBUFS, ENOMEM and whatever else: the client stays
	 * in the backlog and the listener stays readable, so trying again at
	 * once would spin.  Wait for connections to close instead.
	 */
	lb_stats.accept_errors++;
	loop_accept_backoff();
	lb_log_limited(&rl_accept, "accept: %s: pausing new connections "
		       "for %d ms", strerror(err), ACCEPT_BACKOFF_MS);
	return true;
}

static void accept_clients(struct service *s)
{
	struct sockaddr_storage peer;
	socklen_t len;
	int i, fd;

	for (i = 0; i < ACCEPT_BURST && accepting() && service_has_room(s);
	     i++) {
		len = sizeof(peer);
		fd = accept4(s->lfd, (struct sockaddr *)&peer, &len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (accept_error(errno))
				break;
			continue;
		}
		if (!fd_fits(fd)) {
			conn_refuse_fd_setsize(s, fd);
			continue;
		}
		conn_accept(s, fd, &peer);
	}
}

static void run_timers(void)
{
	unsigned int i;

	/* Backwards: a connection that ends swaps the last one to its slot. */
	for (i = pool_used(); i-- > 0;) {
		struct conn *c = pool_active(i);

		if (conn_deadline(c) <= lb_now)
			conn_timeout(c);
	}
	checks_run();
}

static void reload(const char *path)
{
	if (draining) {
		lb_log(0, "SIGHUP: ignored while stopping");
		return;
	}
	if (!path) {
		lb_log(0, "SIGHUP: no configuration file (-c) to reload");
		return;
	}
	if (services_load(path))
		lb_log(0, "SIGHUP: %s refused, running configuration kept",
		       path);
	else
		lb_log(0, "SIGHUP: %s reloaded", path);
}

static void start_drain(void)
{
	struct service *s;

	if (draining) {
		lb_log(0, "stopping now: resetting %u connections",
		       pool_used());
		drain_deadline = lb_now;
		return;
	}
	draining = true;
	drain_deadline = lb_now + opt.drain_ms;
	services_close_listeners();
	/* They have no backend connection to finish. */
	for (s = lb_services; s; s = s->next)
		conn_reset_queue(s, "stopping");
	lb_log(0, "stopping: listeners closed, waiting up to %u ms for %u "
	       "connections", opt.drain_ms, pool_used());
}

static void handle_signals(const char *config_path)
{
	unsigned int sig = signals_take();

	if (sig & LB_SIG_USR1)
		stats_print();
	if (sig & LB_SIG_HUP)
		reload(config_path);
	if (sig & LB_SIG_TERM)
		start_drain();
}

static void serve_queues(void)
{
	struct service *s;

	for (s = lb_services; s; s = s->next)
		if (s->queue_kick)
			conn_serve_queue(s);
}

/* Draining and done (or out of time)? */
static bool drained(void)
{
	unsigned int i;

	if (!draining)
		return false;
	if (pool_used() && lb_now < drain_deadline)
		return false;
	if (pool_used())
		lb_log(0, "drain deadline: resetting %u connections",
		       pool_used());
	for (i = pool_used(); i-- > 0;)
		conn_abort(pool_active(i), "drain deadline");
	return true;
}

static void handle_events(fd_set *r, fd_set *w)
{
	struct service *s;
	unsigned int i;

	for (s = lb_services; s; s = s->next)
		if (s->selected && FD_ISSET(s->lfd, r))
			accept_clients(s);
	/*
	 * Clients just accepted sit at the end with sel == 0: they are not
	 * in this round's sets, and are skipped.
	 */
	for (i = pool_used(); i-- > 0;) {
		struct conn *c = pool_active(i);

		if (c->sel)
			conn_events(c, r, w);
	}
	checks_events(r, w);
}

int loop_run(const char *config_path)
{
	struct timeval tv;
	fd_set r, w;
	u64 next;
	int maxfd;

	for (;;) {
		lb_now = now_ms();
		maxfd = build_sets(&r, &w, &next);
		if (select(maxfd + 1, &r, &w, NULL,
			   select_timeout(next, &tv)) < 0) {
			if (errno == EINTR)
				continue;
			lb_log(0, "select: %s", strerror(errno));
			return 1;
		}
		lb_now = now_ms();
		handle_events(&r, &w);
		run_timers();
		if (FD_ISSET(signals_fd(), &r))
			handle_signals(config_path);
		serve_queues();
		if (drained())
			return 0;
	}
}
