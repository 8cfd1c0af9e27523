// SPDX-License-Identifier: GPL-2.0
/*
 * Backends of a service.  A backend lives while its service lists it or a
 * connection uses it; removing it stops new connections at once, and its
 * live connections either finish or are cut, as the request says.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "backend.h"
#include "compat.h"
#include "conn.h"
#include "netlink.h"
#include "netns.h"
#include "service.h"
#include "sysctl.h"

#define SLB_BACKENDS_MAX	65536

struct slb_backend *slb_backend_find(struct slb_service *svc,
				     const union slb_addr *addr)
{
	struct slb_backend *be;

	lockdep_assert_held(&svc->sn->lock);
	list_for_each_entry(be, &svc->backends, node)
		if (slb_addr_equal(&be->addr, addr))
			return be;
	return NULL;
}

void slb_backend_put(struct slb_backend *be)
{
	if (refcount_dec_and_test(&be->refcnt)) {
		slb_service_put(be->svc);
		slb_stats_destroy(&be->stats);
		kfree(be);
	}
}

static struct slb_service *slb_backend_service(struct slb_net *sn,
					       const union slb_addr *svc_addr,
					       struct netlink_ext_ack *extack)
{
	struct slb_service *svc = slb_service_find(sn, svc_addr);

	if (!svc)
		SLB_SET_ERR_MSG_FMT(extack, "service does not exist",
				    "service %pISpc does not exist",
				    &svc_addr->sa);
	return svc;
}

/* Room for one more in dests[]; allocated outside the spinlock. */
static int slb_backend_reserve(struct slb_service *svc)
{
	struct slb_sched_dest **dests, **old;
	unsigned int cap;

	if (svc->ndests < svc->dests_cap)
		return 0;
	cap = max(8U, svc->dests_cap * 2);
	dests = kvmalloc_array(cap, sizeof(*dests), GFP_KERNEL_ACCOUNT);
	if (!dests)
		return -ENOMEM;
	spin_lock(&svc->sched_lock);
	memcpy(dests, svc->dests, svc->ndests * sizeof(*dests));
	old = svc->dests;
	svc->dests = dests;
	svc->dests_cap = cap;
	spin_unlock(&svc->sched_lock);
	kvfree(old);
	return 0;
}

bool slb_backend_available(const struct slb_backend *be)
{
	lockdep_assert_held(&be->svc->sched_lock);
	return be->admin_up && !be->check.down &&
	       slb_agent_available(&be->agent.said);
}

void slb_backend_refresh(struct slb_backend *be)
{
	struct slb_service *svc = be->svc;
	bool was = be->dest.available;

	lockdep_assert_held(&svc->sched_lock);
	be->dest.available = slb_backend_available(be);
	if (be->dest.available && !was)
		slb_ramp_begin(&svc->ramp, svc->sched, &be->dest,
			       svc->slowstart_ms, slb_service_now_ms());
	svc->sched->upd_dest(svc->sched_state, svc->dests, svc->ndests,
			     &be->dest);
}

unsigned int slb_backend_proxy(const struct slb_backend *be)
{
	u8 proxy = READ_ONCE(be->proxy);

	return proxy == SPLICELB_PROXY_INHERIT ? READ_ONCE(be->svc->proxy) :
						  proxy;
}

u32 slb_backend_eweight(struct slb_backend *be)
{
	struct slb_service *svc = be->svc;
	u32 w;

	spin_lock(&svc->sched_lock);
	if (svc->sched->build)
		w = be->dest.table_weight * SPLICELB_WEIGHT_SCALE;
	else
		w = slb_ramp_weight(&be->dest, svc->slowstart_ms,
				    slb_service_now_ms());
	spin_unlock(&svc->sched_lock);
	return w;
}

/*
 * Does the service's scheduler need a new table for a change?  Not
 * before it listens: slb_service_add builds the first one when all its
 * backends are in, and not once it is dying.
 */
static bool slb_backend_table_kept(const struct slb_service *svc)
{
	return svc->sched->build && svc->listener && !svc->dead;
}

/* The service's table with @be in, which dests[] has room for. */
static void *slb_backend_table_with(struct slb_service *svc,
				    struct slb_backend *be)
{
	if (!slb_backend_table_kept(svc))
		return NULL;
	/* Past ndests: the data path does not look there. */
	svc->dests[svc->ndests] = &be->dest;
	return slb_service_table_new(svc->sched, &svc->sched_opts, svc->dests,
				     svc->ndests + 1);
}

/* The service's table without @be. */
static void *slb_backend_table_without(struct slb_service *svc,
				       struct slb_backend *be)
{
	struct slb_sched_dest **set;
	unsigned int i, n = 0;
	void *table;

	if (!slb_backend_table_kept(svc))
		return NULL;
	set = kvmalloc_array(max(svc->ndests, 1U), sizeof(*set),
			     GFP_KERNEL_ACCOUNT);
	if (!set)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < svc->ndests; i++)
		if (svc->dests[i] != &be->dest)
			set[n++] = svc->dests[i];
	table = slb_service_table_new(svc->sched, &svc->sched_opts, set, n);
	kvfree(set);
	return table;
}

/* Caller holds sched_lock; @table from one of the above, or NULL. */
static void *slb_backend_table_swap(struct slb_service *svc, void *table)
{
	return slb_backend_table_kept(svc) ?
	       slb_service_table_swap(svc, table) : NULL;
}

struct slb_backend *slb_backend_create(struct slb_service *svc,
				       const struct slb_backend_cfg *cfg,
				       struct netlink_ext_ack *extack)
{
	struct slb_net *sn = svc->sn;
	struct slb_backend *be;
	void *table;
	int ret;

	lockdep_assert_held(&sn->lock);
	if (slb_backend_find(svc, &cfg->addr)) {
		SLB_SET_ERR_MSG_FMT(extack,
				    "backend already exists in the service",
				    "backend %pISpc of service %pISpc already exists",
				    &cfg->addr.sa, &svc->addr.sa);
		return ERR_PTR(-EEXIST);
	}
	ret = slb_sysctl_check(sn, max_backends, sn->nbackends, extack);
	if (ret)
		return ERR_PTR(ret);
	ret = slb_service_source_allows(svc, &cfg->addr, extack);
	if (ret)
		return ERR_PTR(ret);
	if (svc->nbackends >= SLB_BACKENDS_MAX) {
		SLB_SET_ERR_MSG_FMT(extack,
				    "service has as many backends as it may",
				    "service %pISpc has %u backends already",
				    &svc->addr.sa, svc->nbackends);
		return ERR_PTR(-ENOSPC);
	}
	ret = slb_backend_reserve(svc);
	if (ret)
		return ERR_PTR(ret);
	be = kzalloc(sizeof(*be), GFP_KERNEL_ACCOUNT);
	if (!be)
		return ERR_PTR(-ENOMEM);
	if (slb_stats_init(&be->stats, GFP_KERNEL_ACCOUNT)) {
		kfree(be);
		return ERR_PTR(-ENOMEM);
	}
	refcount_set(&be->refcnt, 1);
	slb_service_get(svc);
	be->svc = svc;
	be->addr = cfg->addr;
	be->state = cfg->set & SLB_BE_SET_STATE ? cfg->state :
		    SPLICELB_BACKEND_UP;
	be->weight = cfg->set & SLB_BE_SET_WEIGHT ? cfg->weight : 1;
	be->dest.base_weight = slb_weight_base(be->weight, 100);
	be->dest.weight = be->dest.base_weight;
	be->dest.table_weight = slb_weight_table(be->weight, 100);
	be->dest.maxconn = cfg->set & SLB_BE_SET_MAXCONN ? cfg->maxconn : 0;
	be->check_port = cfg->set & SLB_BE_SET_CHECK_PORT ? cfg->check_port : 0;
	be->agent_port = cfg->set & SLB_BE_SET_AGENT_PORT ? cfg->agent_port : 0;
	be->agent_inter_ms = cfg->set & SLB_BE_SET_AGENT_INTER ?
			     cfg->agent_inter_ms : SPLICELB_AGENT_INTER_DEF_MS;
	be->proxy = cfg->set & SLB_BE_SET_PROXY ? cfg->proxy :
		    SPLICELB_PROXY_INHERIT;
	be->admin_up = be->state == SPLICELB_BACKEND_UP;
	/* Its checks, if any, have not found it down yet. */
	be->dest.available = be->admin_up;
	slb_health_backend_init(be);
	slb_addr_sched_id(&be->addr, be->dest.id);
	table = slb_backend_table_with(svc, be);
	if (IS_ERR(table)) {
		slb_backend_put(be);
		return ERR_CAST(table);
	}

	spin_lock(&svc->sched_lock);
	svc->dests[svc->ndests++] = &be->dest;
	svc->sched->add_dest(svc->sched_state, svc->dests, svc->ndests,
			     &be->dest);
	table = slb_backend_table_swap(svc, table);
	slb_service_dequeue(svc);
	spin_unlock(&svc->sched_lock);
	kvfree(table);
	list_add_tail(&be->node, &svc->backends);
	svc->nbackends++;
	sn->nbackends++;
	slb_health_update(be);
	return be;
}

int slb_backend_add(struct slb_net *sn, const union slb_addr *svc_addr,
		    const struct slb_backend_cfg *cfg,
		    struct netlink_ext_ack *extack)
{
	struct slb_service *svc;
	struct slb_backend *be;
	int ret;

	mutex_lock(&sn->lock);
	svc = slb_backend_service(sn, svc_addr, extack);
	be = svc ? slb_backend_create(svc, cfg, extack) : ERR_PTR(-ENOENT);
	ret = PTR_ERR_OR_ZERO(be);
	if (!ret) {
		slb_netns_changed(sn);
		slb_netlink_notify_backend(be, SPLICELB_CMD_BACKEND_NEW_NTF);
	}
	mutex_unlock(&sn->lock);
	return ret;
}

/*
 * A new weight, with the table it needs if the scheduler keeps one; on
 * failure nothing changed.  The table is built from table_weight, which
 * the data path never reads, so the weight itself goes live only with
 * the table, in one step.
 */
static int slb_backend_reweight(struct slb_service *svc,
				struct slb_backend *be, u32 weight, u32 pct)
{
	u32 base = slb_weight_base(weight, pct);
	u32 old = be->dest.table_weight;
	void *table = NULL;

	be->dest.table_weight = slb_weight_table(weight, pct);
	if (base == be->dest.base_weight && be->dest.table_weight == old) {
		be->weight = weight;
		return 0;
	}
	if (be->dest.table_weight != old && slb_backend_table_kept(svc)) {
		table = slb_service_table_new(svc->sched, &svc->sched_opts,
					      svc->dests, svc->ndests);
		if (IS_ERR(table)) {
			be->dest.table_weight = old;
			return PTR_ERR(table);
		}
	}
	spin_lock(&svc->sched_lock);
	be->dest.base_weight = base;
	/* In a slow start, it goes on from where the ramp is with the new one. */
	be->dest.weight = slb_ramp_weight(&be->dest, svc->slowstart_ms,
					  slb_service_now_ms());
	svc->sched->upd_dest(svc->sched_state, svc->dests, svc->ndests,
			     &be->dest);
	/* A table counts no agent's share but 0%: it may not have moved. */
	if (table)
		table = slb_backend_table_swap(svc, table);
	spin_unlock(&svc->sched_lock);
	kvfree(table);
	be->weight = weight;
	return 0;
}

/* A new check port or agent: the checks, or the polls, follow it. */
static void slb_backend_probes_change(struct slb_backend *be,
				      const struct slb_backend_cfg *cfg)
{
	bool agent = false;

	if (cfg->set & SLB_BE_SET_CHECK_PORT &&
	    cfg->check_port != be->check_port) {
		WRITE_ONCE(be->check_port, cfg->check_port);
		slb_health_changed(&be->check);
	}
	if (cfg->set & SLB_BE_SET_AGENT_PORT &&
	    cfg->agent_port != be->agent_port) {
		WRITE_ONCE(be->agent_port, cfg->agent_port);
		agent = true;
	}
	if (cfg->set & SLB_BE_SET_AGENT_INTER &&
	    cfg->agent_inter_ms != be->agent_inter_ms) {
		WRITE_ONCE(be->agent_inter_ms, cfg->agent_inter_ms);
		agent = true;
	}
	if (agent)
		slb_health_changed(&be->agent);
}

int slb_backend_agent_said(struct slb_backend *be,
			   const struct slb_agent_state *st)
{
	struct slb_service *svc = be->svc;
	struct slb_net *sn = svc->sn;
	int ret = 0;

	mutex_lock(&sn->lock);
	if (be->removed)
		goto out;
	ret = slb_backend_reweight(svc, be, be->weight, st->pct);
	if (ret)
		goto out;
	spin_lock(&svc->sched_lock);
	be->agent.said = *st;
	slb_backend_refresh(be);
	/* Available again, it takes waiters; not, it may leave them none. */
	slb_service_dequeue(svc);
	spin_unlock(&svc->sched_lock);
	net_info_ratelimited("splicelb: backend %pISpc of service %pISpc: agent says %s %u%% %s\n",
			     &be->addr.sa, &svc->addr.sa,
			     slb_agent_admin_name(st->admin), st->pct,
			     st->down ? "down" : "up");
	/* Status, as health is: no dump of the configuration starts over. */
	slb_netlink_notify_backend(be, SPLICELB_CMD_BACKEND_HEALTH);
out:
	mutex_unlock(&sn->lock);
	return ret;
}

int slb_backend_change(struct slb_net *sn, const union slb_addr *svc_addr,
		       const struct slb_backend_cfg *cfg,
		       struct netlink_ext_ack *extack)
{
	struct slb_service *svc;
	struct slb_backend *be;
	u32 weight;
	u8 state;
	bool drained;
	int ret;

	mutex_lock(&sn->lock);
	svc = slb_backend_service(sn, svc_addr, extack);
	be = svc ? slb_backend_find(svc, &cfg->addr) : NULL;
	if (!be) {
		if (svc)
			SLB_SET_ERR_MSG_FMT(extack,
					    "backend does not exist in the service",
					    "backend %pISpc of service %pISpc does not exist",
					    &cfg->addr.sa, &svc->addr.sa);
		mutex_unlock(&sn->lock);
		return -ENOENT;
	}
	state = cfg->set & SLB_BE_SET_STATE ? cfg->state : be->state;
	/* Asking to drain what has drained already changes nothing. */
	if (state == SPLICELB_BACKEND_DRAIN &&
	    be->state == SPLICELB_BACKEND_DRAINED)
		state = SPLICELB_BACKEND_DRAINED;

	weight = cfg->set & SLB_BE_SET_WEIGHT ? cfg->weight : be->weight;
	ret = slb_backend_reweight(svc, be, weight, be->agent.said.pct);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "no memory for the scheduler's table");
		mutex_unlock(&sn->lock);
		return ret;
	}

	spin_lock(&svc->sched_lock);
	be->admin_up = state == SPLICELB_BACKEND_UP;
	if (cfg->set & SLB_BE_SET_MAXCONN)
		WRITE_ONCE(be->dest.maxconn, cfg->maxconn);
	slb_backend_refresh(be);
	drained = state == SPLICELB_BACKEND_DRAIN && !be->dest.active;
	slb_service_dequeue(svc);
	spin_unlock(&svc->sched_lock);

	slb_backend_probes_change(be, cfg);
	if (cfg->set & SLB_BE_SET_PROXY)
		WRITE_ONCE(be->proxy, cfg->proxy);
	slb_netns_changed(sn);
	slb_netlink_notify_backend(be, SPLICELB_CMD_BACKEND_SET_NTF);
	if (drained)
		state = SPLICELB_BACKEND_DRAINED;
	if (state != be->state) {
		WRITE_ONCE(be->state, state);
		slb_netlink_notify_backend(be, SPLICELB_CMD_BACKEND_STATE);
	}
	mutex_unlock(&sn->lock);
	return 0;
}

/*
 * Caller holds sn->lock; drops the list's reference.  @table: the
 * service's table without @be, if its scheduler keeps one.
 */
static void slb_backend_unlink(struct slb_backend *be, bool cut, void *table)
{
	struct slb_service *svc = be->svc;
	unsigned int i;

	spin_lock(&svc->sched_lock);
	for (i = 0; i < svc->ndests; i++)
		if (svc->dests[i] == &be->dest)
			break;
	/* In order, so that round robin keeps its sequence. */
	memmove(&svc->dests[i], &svc->dests[i + 1],
		(svc->ndests - i - 1) * sizeof(*svc->dests));
	svc->ndests--;
	slb_ramp_forget(&svc->ramp, &be->dest);
	svc->sched->del_dest(svc->sched_state, svc->dests, svc->ndests,
			     &be->dest);
	table = slb_backend_table_swap(svc, table);
	be->removed = true;
	/* Its waiters may have no backend left to wait for. */
	slb_service_dequeue(svc);
	spin_unlock(&svc->sched_lock);
	kvfree(table);
	list_del(&be->node);
	svc->nbackends--;
	svc->sn->nbackends--;
	/* Its checks end; they hold their own reference meanwhile. */
	slb_health_update(be);
	if (cut)
		slb_conn_cut(svc->sn, NULL, be);
	slb_backend_put(be);
}

int slb_backend_del(struct slb_net *sn, const union slb_addr *svc_addr,
		    const union slb_addr *addr, bool cut,
		    struct netlink_ext_ack *extack)
{
	struct slb_service *svc;
	struct slb_backend *be;
	int ret = -ENOENT;
	void *table;

	mutex_lock(&sn->lock);
	svc = slb_backend_service(sn, svc_addr, extack);
	be = svc ? slb_backend_find(svc, addr) : NULL;
	table = be ? slb_backend_table_without(svc, be) : NULL;
	if (IS_ERR(table)) {
		NL_SET_ERR_MSG_MOD(extack, "no memory for the scheduler's table");
		ret = PTR_ERR(table);
	} else if (be) {
		slb_netns_changed(sn);
		slb_netlink_notify_backend(be, SPLICELB_CMD_BACKEND_DEL_NTF);
		slb_backend_unlink(be, cut, table);
		ret = 0;
	} else if (svc) {
		SLB_SET_ERR_MSG_FMT(extack,
				    "backend does not exist in the service",
				    "backend %pISpc of service %pISpc does not exist",
				    &addr->sa, &svc->addr.sa);
	}
	mutex_unlock(&sn->lock);
	return ret;
}

void slb_backend_del_all(struct slb_service *svc)
{
	struct slb_backend *be, *tmp;

	/* Dying: no more scheduling, so no table to rebuild. */
	list_for_each_entry_safe(be, tmp, &svc->backends, node)
		slb_backend_unlink(be, false, NULL);
}

/* The last connection of a draining backend ended: say so. */
static void slb_backend_drained(struct slb_backend *be)
{
	struct slb_net *sn = be->svc->sn;

	mutex_lock(&sn->lock);
	if (!be->removed && be->state == SPLICELB_BACKEND_DRAIN &&
	    !READ_ONCE(be->dest.active)) {
		WRITE_ONCE(be->state, SPLICELB_BACKEND_DRAINED);
		slb_netns_changed(sn);
		slb_netlink_notify_backend(be, SPLICELB_CMD_BACKEND_STATE);
	}
	mutex_unlock(&sn->lock);
}

bool slb_backend_live(struct slb_backend *be)
{
	struct slb_service *svc = be->svc;
	bool live;

	spin_lock(&svc->sched_lock);
	live = !be->removed && !svc->dead;
	spin_unlock(&svc->sched_lock);
	return live;
}

void slb_backend_sample(struct slb_backend *be, u32 connect_us, u32 rtt_us)
{
	struct slb_service *svc = be->svc;

	spin_lock(&svc->sched_lock);
	slb_sched_sample(&be->dest, connect_us, rtt_us);
	spin_unlock(&svc->sched_lock);
}

void slb_backend_conn_done(struct slb_backend *be, u32 rtt_us)
{
	struct slb_service *svc = be->svc;
	bool drained;

	spin_lock(&svc->sched_lock);
	slb_sched_sample(&be->dest, 0, rtt_us);
	be->dest.active--;
	drained = !be->dest.active &&
		  READ_ONCE(be->state) == SPLICELB_BACKEND_DRAIN;
	slb_service_dequeue(svc);
	spin_unlock(&svc->sched_lock);
	if (drained)
		slb_backend_drained(be);
}
