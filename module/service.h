/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_SERVICE_H
#define SLB_SERVICE_H

#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/netlink.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "addr.h"
#include "check.h"
#include "sched.h"
#include "source.h"
#include "stats.h"
#include "weight.h"

struct mem_cgroup;
struct slb_net;
struct slb_backend;
struct slb_backend_cfg;

#define SLB_PICK_MAX_TRIES	17	/* first try + connect_retries max */

/*
 * One client's way to a backend: what it tried, and its place in the
 * service's queue while every backend that could take it is at its
 * maxconn.  The fields under sched_lock are the queue's; the others are
 * the connection's own.
 */
struct slb_pick {
	const struct slb_sched_dest *tried[SLB_PICK_MAX_TRIES];
	u8 ntried;
	u8 client[SLB_SCHED_ID_LEN];	/* slb_addr_sched_id of the client */
	struct list_head node;		/* svc->queue; under sched_lock */
	struct slb_backend *granted;	/* a slot, given; under sched_lock */
	bool refused;			/* no backend left; under sched_lock */
	/*
	 * Called under sched_lock when granted, refused or its deadline
	 * moved: may only queue work.
	 */
	void (*wake)(struct slb_pick *pick);
};

/*
 * A virtual service: a listening socket, its scheduler and backends.
 *
 * Configuration fields and the backends list change under sn->lock.  The
 * data path reads them through the scheduler under sched_lock, which also
 * guards dests[] and the scheduler state, so a change is atomic for it.
 */
struct slb_service {
	struct list_head node;		/* sn->services */
	struct slb_net *sn;
	refcount_t refcnt;		/* list, connections */
	struct mem_cgroup *memcg;	/* of who added it; pays for its conns */
	union slb_addr addr;
	u32 backlog;
	u32 maxconn;			/* 0: no limit of its own */
	u32 maxqueue;			/* clients that may wait; 0: none */
	u32 queue_timeout_ms;		/* how long one may wait */
	u32 slowstart_ms;		/* a backend's ramp back; 0: none */
	u8 proxy;			/* enum splicelb_proxy_protocol */
	bool accept_proxy;		/* clients begin with a PROXY header */
	/* NULL: the kernel's choice.  Replaced under sn->lock, freed by RCU. */
	struct slb_source __rcu *source;
	atomic_t source_next;		/* where the next connection starts */
	/* Its backends' checks; changed under sched_lock too. */
	struct slb_check_params check;

	struct socket *listener;
	void (*listener_data_ready)(struct sock *sk);	/* the original */
	struct work_struct accept_work;

	spinlock_t sched_lock;		/* the data path's only lock here */
	const struct slb_sched_ops *sched;
	u64 sched_state[SLB_SCHED_STATE_MAX / sizeof(u64)];
	struct slb_sched_opts sched_opts;
	void *sched_table;		/* kvmalloc'd; NULL unless ops->build */
	struct slb_ramp ramp;		/* its backends' slow starts */
	struct slb_sched_dest **dests;	/* backends the scheduler sees */
	unsigned int ndests;
	unsigned int dests_cap;
	bool dead;			/* deleted: no scheduling, no accepts */
	struct list_head queue;		/* struct slb_pick.node, oldest first */
	unsigned int queue_len;

	struct list_head backends;	/* struct slb_backend.node */
	unsigned int nbackends;
	atomic_t nconns;		/* allocated against maxconn */
	struct slb_stats stats;
};

/* What a netlink request sets; SLB_SVC_SET_* say which fields it carries. */
struct slb_service_cfg {
	union slb_addr addr;
	char sched[SLB_SCHED_NAME_MAX];
	u32 backlog;
	u32 maxconn;
	u32 maxqueue;
	u32 queue_timeout_ms;
	u32 slowstart_ms;
	u8 proxy;
	bool accept_proxy;
	/* Owned by the caller; the service keeps a copy.  NULL: none. */
	struct slb_source *source;
	u32 set;
	struct slb_sched_opts opts;
	u32 opts_given;			/* SLB_SCHED_OPT_* the request carries */
	struct slb_check_params check;
	u32 check_given;		/* SLB_CHECK_SET_* the request carries */
};

#define SLB_SVC_SET_SCHED	BIT(0)
#define SLB_SVC_SET_BACKLOG	BIT(1)
#define SLB_SVC_SET_MAXCONN	BIT(2)
#define SLB_SVC_SET_MAXQUEUE	BIT(3)
#define SLB_SVC_SET_QUEUE_TIMEOUT	BIT(4)
#define SLB_SVC_SET_SLOWSTART	BIT(5)
#define SLB_SVC_SET_PROXY	BIT(6)
#define SLB_SVC_SET_ACCEPT_PROXY	BIT(7)
#define SLB_SVC_SET_SOURCE	BIT(8)

/* All of these take sn->lock themselves. */
/* A service with @nbackends backends, all added before it listens. */
int slb_service_add(struct slb_net *sn, const struct slb_service_cfg *cfg,
		    const struct slb_backend_cfg *backends,
		    unsigned int nbackends, struct netlink_ext_ack *extack);
int slb_service_change(struct slb_net *sn, const struct slb_service_cfg *cfg,
		       struct netlink_ext_ack *extack);
int slb_service_del(struct slb_net *sn, const union slb_addr *addr, bool cut,
		    struct netlink_ext_ack *extack);
void slb_service_flush(struct slb_net *sn, bool cut);
void slb_service_zero(struct slb_net *sn);

/* The clock of the service's slow starts, in ms. */
static inline u64 slb_service_now_ms(void)
{
	return jiffies64_to_msecs(get_jiffies_64());
}

/* Caller holds sn->lock. */
struct slb_service *slb_service_find(struct slb_net *sn,
				     const union slb_addr *addr);

/*
 * A backend for @pick, never one it tried, with a reference held and
 * counted as active.  Else ERR_PTR: -EAGAIN, @pick waits in the queue
 * (slb_service_wait); -ENOBUFS, it would have to but the queue is full;
 * -ENOENT, no backend can take it.  Clients that come while others wait
 * queue behind them, whatever is free.
 */
struct slb_backend *slb_service_schedule(struct slb_service *svc,
					 struct slb_pick *pick);
/*
 * After its wake: the backend granted to a waiting @pick, ERR_PTR(-ENOENT)
 * when it was refused, ERR_PTR(-EAGAIN) while it still waits.
 */
struct slb_backend *slb_service_wait(struct slb_service *svc,
				     struct slb_pick *pick);
/*
 * @pick stops waiting (timed out, or its client gone): out of the queue.
 * Returns the backend granted to it meanwhile, which the caller uses or
 * gives back with slb_backend_conn_done(), or NULL.
 */
struct slb_backend *slb_service_wait_cancel(struct slb_service *svc,
					    struct slb_pick *pick);
/*
 * Caller holds sched_lock: slots may have freed, or the backends changed;
 * hand them to the waiters, oldest first.
 */
void slb_service_dequeue(struct slb_service *svc);

/*
 * A lookup table of @ops over the @n dests of @set, for the scheduler of
 * a service to swap in under its sched_lock: NULL when @ops keeps none,
 * ERR_PTR(-ENOMEM).  Caller holds sn->lock; may take milliseconds.
 */
void *slb_service_table_new(const struct slb_sched_ops *ops,
			    const struct slb_sched_opts *opts,
			    struct slb_sched_dest *const *set, unsigned int n);
/* Caller holds sched_lock: puts @table in place, returns the old one. */
void *slb_service_table_swap(struct slb_service *svc, void *table);

/*
 * Caller holds sn->lock: may a backend at @addr join @svc, as its source
 * says?  -EAFNOSUPPORT, with the reason in @extack, if not.
 */
int slb_service_source_allows(struct slb_service *svc,
			      const union slb_addr *addr,
			      struct netlink_ext_ack *extack);
/*
 * The next local end for a connection (@client) or a check (NULL) of
 * @svc towards a backend of @family: slb_source_next() under RCU.
 */
int slb_service_source_next(struct slb_service *svc, int family,
			    const union slb_addr *client,
			    struct slb_source_pick *p);
/* A new pick's place in the pool: each connection starts at the next. */
void slb_service_source_start(struct slb_service *svc,
			      struct slb_source_pick *p);

void slb_service_put(struct slb_service *svc);

static inline void slb_service_get(struct slb_service *svc)
{
	refcount_inc(&svc->refcnt);
}

#endif /* SLB_SERVICE_H */
