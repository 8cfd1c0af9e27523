/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_HEALTH_H
#define SLB_HEALTH_H

#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "agent.h"
#include "check.h"
#include "conn.h"

struct slb_backend;
struct slb_net;
struct slb_service;
struct slb_check_probe;

/*
 * The active checks of one backend, or the polls of its agent, embedded
 * in it.  One delayed work runs them; socket callbacks only pull it
 * forward.  Every queued instance of the work holds a reference on the
 * backend, as a connection's does.
 */
struct slb_check {
	struct delayed_work work;
	bool agent;			/* be->agent, not be->check */
	spinlock_t lock;		/* wanted, running */
	u32 wanted;			/* bumped by every change of the config */
	bool running;			/* counted in sn->nchecks */
	/* The work's own: */
	u32 seen;			/* the wanted it runs with */
	unsigned long next_at;		/* jiffies: the next check is due */
	struct slb_check_probe *probe;	/* while running */
	struct slb_health health;
	/* Read by dumps; written by the work: */
	bool down;			/* health; under the service's sched_lock */
	u8 result;			/* enum splicelb_check_result */
	u32 count;			/* health.count */
	unsigned long changed;		/* jiffies: health changed, or it began */
	/* The agent's: what it said; under the service's sched_lock. */
	struct slb_agent_state said;
	/* Passive observation of the backend's connects, by its clients: */
	atomic_t observed;		/* failures in a row */
	u8 observed_result;		/* of the one that reached observe */
	unsigned long observed_down;	/* bit 0: to be marked down at once */
};

struct slb_check_info {
	u8 health;			/* enum splicelb_health */
	u8 result;
	u32 count;
	u64 age_ms;
};

/*
 * The checks' own workqueue, unbound: a check waiting for the netns's
 * configuration lock to send its event never holds up the workers of the
 * connections' workqueue.
 */
int slb_health_wq_init(void);
void slb_health_wq_uninit(void);

void slb_health_backend_init(struct slb_backend *be);
/*
 * Caller holds sn->lock: the service's check, the backend's check port,
 * its agent or its removal changed; its checks and agent polls start,
 * restart or end to follow.
 */
void slb_health_update(struct slb_backend *be);
/* Caller holds sn->lock: the same, for the checks alone or the agent's. */
void slb_health_changed(struct slb_check *chk);
/*
 * Caller holds sn->lock: @p becomes the service's check, which restarts
 * the checks of its backends if it checks differently.
 */
void slb_health_service_set(struct slb_service *svc,
			    const struct slb_check_params *p);
void slb_health_info(struct slb_backend *be, struct slb_check_info *info);

/* What the backend's agent said last, for dumps; only with an agent-port. */
struct slb_agent_info {
	u8 result;			/* enum splicelb_check_result */
	u32 pct;
	u8 admin;			/* enum splicelb_agent_admin */
	u8 health;			/* enum splicelb_health */
};

void slb_health_agent_info(struct slb_backend *be,
			   struct slb_agent_info *info);
/*
 * A client's connect to @be ended: 0 when it connected, else the error
 * (ETIMEDOUT for no answer).  The service's observe failures in a row
 * mark the backend down at once.
 */
void slb_health_observe(struct slb_backend *be, int err);
/* The netns goes, its services are gone: wait for their checks to end. */
void slb_health_flush_net(struct slb_net *sn);

#endif /* SLB_HEALTH_H */
