/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_BACKEND_H
#define SLB_BACKEND_H

#include <linux/list.h>
#include <linux/netlink.h>
#include <linux/refcount.h>
#include <uapi/linux/splicelb.h>

#include "addr.h"
#include "health.h"
#include "sched.h"
#include "stats.h"

struct slb_net;
struct slb_service;

struct slb_backend {
	struct list_head node;		/* svc->backends, under sn->lock */
	struct slb_service *svc;	/* holds a reference */
	refcount_t refcnt;		/* list, connections */
	union slb_addr addr;
	u8 state;			/* enum splicelb_backend_state */
	bool removed;
	u16 check_port;			/* 0: addr's; under sn->lock */
	u16 agent_port;			/* 0: no agent; under sn->lock */
	u32 agent_inter_ms;		/* under sn->lock */
	u8 proxy;			/* enum splicelb_proxy_protocol */
	/* Under svc->sched_lock; dest.table_weight under sn->lock. */
	bool admin_up;			/* state is up */
	u32 weight;			/* as configured; under sn->lock */
	struct slb_sched_dest dest;
	struct slb_check check;
	struct slb_check agent;
	struct slb_stats stats;
};

struct slb_backend_cfg {
	union slb_addr addr;
	u32 weight;
	u8 state;
	u32 maxconn;
	u16 check_port;
	u16 agent_port;
	u32 agent_inter_ms;
	u8 proxy;
	u32 set;
};

#define SLB_BE_SET_WEIGHT	BIT(0)
#define SLB_BE_SET_STATE	BIT(1)
#define SLB_BE_SET_MAXCONN	BIT(2)
#define SLB_BE_SET_CHECK_PORT	BIT(3)
#define SLB_BE_SET_AGENT_PORT	BIT(4)
#define SLB_BE_SET_AGENT_INTER	BIT(5)
#define SLB_BE_SET_PROXY	BIT(6)

/* All of these take sn->lock themselves. */
int slb_backend_add(struct slb_net *sn, const union slb_addr *svc_addr,
		    const struct slb_backend_cfg *cfg,
		    struct netlink_ext_ack *extack);
int slb_backend_change(struct slb_net *sn, const union slb_addr *svc_addr,
		       const struct slb_backend_cfg *cfg,
		       struct netlink_ext_ack *extack);
int slb_backend_del(struct slb_net *sn, const union slb_addr *svc_addr,
		    const union slb_addr *addr, bool cut,
		    struct netlink_ext_ack *extack);

/* Caller holds sn->lock. */
struct slb_backend *slb_backend_find(struct slb_service *svc,
				     const union slb_addr *addr);
/*
 * Caller holds sn->lock; adds a backend to @svc, listed or not yet, and
 * leaves the event and the dump generation to the caller.
 */
struct slb_backend *slb_backend_create(struct slb_service *svc,
				       const struct slb_backend_cfg *cfg,
				       struct netlink_ext_ack *extack);
/*
 * Caller holds sn->lock; removes every backend of a dying service, whose
 * connections the caller cuts, if it must, in one pass.
 */
void slb_backend_del_all(struct slb_service *svc);

/*
 * A connection to the backend ended; it was counted by the scheduler.
 * @rtt_us: its socket's smoothed RTT, for least time; 0 if none.
 */
void slb_backend_conn_done(struct slb_backend *be, u32 rtt_us);
/*
 * Still in its service, and the service still there?  Taken under the
 * lock that deletion marks them under, so that a connection that has
 * published its backend in conn->be and then finds it live is one the
 * deletion's cut will see.
 */
bool slb_backend_live(struct slb_backend *be);
/*
 * Caller holds the service's sched_lock: may the scheduler give it new
 * connections, as its admin state and its health say?
 */
bool slb_backend_available(const struct slb_backend *be);
/*
 * Caller holds the service's sched_lock, after a change of the admin state
 * or the health: the scheduler sees the backend as they say, and one that
 * became available again begins its slow start.
 */
void slb_backend_refresh(struct slb_backend *be);
/*
 * What its agent says now (module/health.c, not under any lock): its
 * share of the weight, its view of the admin state and of the health.
 * Takes sn->lock; -ENOMEM when a table for the new weight cannot be had,
 * and nothing changed.
 */
int slb_backend_agent_said(struct slb_backend *be,
			   const struct slb_agent_state *st);
/* A measurement of the backend for least time: lib/sched.h's sample. */
void slb_backend_sample(struct slb_backend *be, u32 connect_us, u32 rtt_us);
/* The PROXY protocol version its connections begin with: SLB_PROXY_*. */
unsigned int slb_backend_proxy(const struct slb_backend *be);
/* The weight its scheduler counts now, in 1/SPLICELB_WEIGHT_SCALE units. */
u32 slb_backend_eweight(struct slb_backend *be);
void slb_backend_put(struct slb_backend *be);

static inline void slb_backend_get(struct slb_backend *be)
{
	refcount_inc(&be->refcnt);
}

static inline struct slb_backend *slb_backend_of(struct slb_sched_dest *d)
{
	return container_of(d, struct slb_backend, dest);
}

#endif /* SLB_BACKEND_H */
