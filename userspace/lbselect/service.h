/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Services (a listening address and a scheduler) and their backends, built
 * from a struct slb_cfg and rebuilt in place on reload.
 *
 * Connections hold a reference on their service and, while they have one,
 * on their backend.  What a reload removes is unhooked from the
 * configuration at once (no new connections; a removed service's listener
 * is closed) but freed only when the last connection through it is gone.
 */
#ifndef LBSELECT_SERVICE_H
#define LBSELECT_SERVICE_H

#include <stdbool.h>
#include <sys/socket.h>

#include "checks.h"
#include "config.h"
#include "lbselect.h"
#include "sched.h"
#include "weight.h"

struct conn;

struct lb_counters {
	u64 total;		/* service: accepted; backend: connected */
	u64 client_bytes;	/* read from clients, written to backends */
	u64 backend_bytes;	/* read from backends, written to clients */
	u64 connect_failures;	/* backend connect attempts that failed */
	u64 refused;		/* service: clients closed unserved */
	u64 queued;		/* service: times a client began to wait */
	u64 queue_timeouts;	/* service: waiters reset at queue-timeout */
	u64 proxy_errors;	/* service: clients reset for their header */
	u64 check_fails;	/* health checks that did not pass */
	u64 health_changes;	/* up to down or back */
	u64 observe_downs;	/* brought down by clients' connects */
};

struct backend {
	struct slb_sched_dest dest;	/* dest.active: its connections */
	struct sockaddr_storage addr;
	struct service *svc;
	unsigned int state;		/* SPLICELB_BACKEND_* */
	unsigned int weight;		/* as configured */
	unsigned int proxy_protocol;	/* SPLICELB_PROXY_*, or _INHERIT */
	struct lb_health health;	/* what its checks found */
	bool removed;			/* by a reload; on svc->gone */
	struct backend *next;		/* in svc->gone */
	struct lb_counters cnt;
};

struct service {
	struct sockaddr_storage addr;
	int lfd;			/* -1 once closed */
	bool selected;			/* lfd is in this round's fd_set */
	bool removed;			/* by a reload; on lb_dying */
	unsigned int backlog;
	unsigned int maxconn;		/* 0 = unlimited */
	unsigned int active;		/* connections holding it */
	unsigned int maxqueue;		/* clients that may wait; 0 = none */
	unsigned int queue_timeout_ms;	/* how long each may wait */
	unsigned int slowstart_ms;	/* a backend's ramp back; 0: none */
	struct slb_ramp ramp;		/* its backends' slow starts */
	unsigned int proxy_protocol;	/* the header its backends get */
	bool accept_proxy;		/* its clients send one first */
	struct slb_source source;	/* where its connects leave from */
	unsigned int source_rr;		/* the pool's round robin */
	struct slb_check_params check;	/* what its backends' checks do */
	/* Clients waiting for a backend below its maxconn, oldest first. */
	struct conn *queue_head, *queue_tail;
	unsigned int queue_len;
	bool queue_kick;		/* a slot freed or a reload: serve it */
	const struct slb_sched_ops *ops;
	_Alignas(max_align_t) u8 sched_state[SLB_SCHED_STATE_MAX];
	struct slb_sched_opts opts;
	void *table;			/* of ops->build, rebuilt on a change */
	/* The configured backends, as the scheduler wants them. */
	struct slb_sched_dest **dests;
	unsigned int ndests, cap;
	struct backend *gone;		/* removed, connections left */
	struct service *next;
	struct lb_counters cnt;
};

/* Configured services, in configuration order. */
extern struct service *lb_services;
/* Removed by a reload, waiting for their connections to end. */
extern struct service *lb_dying;

static inline struct backend *dest_backend(struct slb_sched_dest *d)
{
	return container_of(d, struct backend, dest);
}

/*
 * Make the running services match cfg.  All or nothing: on any error
 * (unknown scheduler, address that cannot be bound) it logs why, prefixed
 * with origin (a file name) and the line, and changes nothing.
 */
int services_apply(const struct slb_cfg *cfg, const char *origin);

/* Read path and apply it; on error the running configuration stays. */
int services_load(const char *path);

/* Stop accepting: close every listener (SIGTERM). */
void services_close_listeners(void);

/* At exit, once no connection is left. */
void services_free(void);

/*
 * A backend of s for a client, none of tried[] (ctx as for the scheduler,
 * which gets the service's options and table here); takes a reference on
 * it.  NULL if no backend can take the client.
 */
struct backend *service_pick(struct service *s, struct slb_sched_ctx *ctx);

void backend_put(struct backend *b);

/*
 * b's health changed (checks.c): it takes new clients or no longer does,
 * and the waiters may find a backend, or that none is left for them.
 */
void backend_refresh(struct backend *b);
/* The weight its scheduler counts now, in 1/SLB_WEIGHT_SCALE units. */
u32 backend_eweight(const struct backend *b);

/* The PROXY header b's connections and checks begin with: SPLICELB_PROXY_*. */
static inline unsigned int backend_proxy(const struct backend *b)
{
	return b->proxy_protocol == SPLICELB_PROXY_INHERIT ?
	       b->svc->proxy_protocol : b->proxy_protocol;
}

/* After a failed pick: would a backend take the client but for maxconn? */
static inline bool service_full(const struct service *s,
				const struct slb_sched_ctx *ctx)
{
	return slb_sched_full(s->dests, s->ndests, ctx);
}

static inline void service_get(struct service *s)
{
	s->active++;
}

void service_put(struct service *s);

/* Has the service room for one more client (maxconn)? */
static inline bool service_has_room(const struct service *s)
{
	return !s->maxconn || s->active < s->maxconn;
}

#endif /* LBSELECT_SERVICE_H */
