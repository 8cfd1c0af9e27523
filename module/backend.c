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

static bool slb_backend_available(u8 state)
{
	return state == SPLICELB_BACKEND_UP;
}

struct slb_backend *slb_backend_create(struct slb_service *svc,
				       const struct slb_backend_cfg *cfg,
				       struct netlink_ext_ack *extack)
{
	struct slb_net *sn = svc->sn;
	struct slb_backend *be;
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
	be->dest.weight = cfg->set & SLB_BE_SET_WEIGHT ? cfg->weight : 1;
	be->dest.available = slb_backend_available(be->state);

	spin_lock(&svc->sched_lock);
	svc->dests[svc->ndests++] = &be->dest;
	svc->sched->add_dest(svc->sched_state, svc->dests, svc->ndests,
			     &be->dest);
	spin_unlock(&svc->sched_lock);
	list_add_tail(&be->node, &svc->backends);
	svc->nbackends++;
	sn->nbackends++;
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

int slb_backend_change(struct slb_net *sn, const union slb_addr *svc_addr,
		       const struct slb_backend_cfg *cfg,
		       struct netlink_ext_ack *extack)
{
	struct slb_service *svc;
	struct slb_backend *be;
	u8 state;
	bool drained;

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

	spin_lock(&svc->sched_lock);
	if (cfg->set & SLB_BE_SET_WEIGHT)
		be->dest.weight = cfg->weight;
	be->dest.available = slb_backend_available(state);
	svc->sched->upd_dest(svc->sched_state, svc->dests, svc->ndests,
			     &be->dest);
	drained = state == SPLICELB_BACKEND_DRAIN && !be->dest.active;
	spin_unlock(&svc->sched_lock);

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

/* Caller holds sn->lock; drops the list's reference. */
static void slb_backend_unlink(struct slb_backend *be, bool cut)
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
	svc->sched->del_dest(svc->sched_state, svc->dests, svc->ndests,
			     &be->dest);
	be->removed = true;
	spin_unlock(&svc->sched_lock);
	list_del(&be->node);
	svc->nbackends--;
	svc->sn->nbackends--;
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

	mutex_lock(&sn->lock);
	svc = slb_backend_service(sn, svc_addr, extack);
	be = svc ? slb_backend_find(svc, addr) : NULL;
	if (be) {
		slb_netns_changed(sn);
		slb_netlink_notify_backend(be, SPLICELB_CMD_BACKEND_DEL_NTF);
		slb_backend_unlink(be, cut);
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

	list_for_each_entry_safe(be, tmp, &svc->backends, node)
		slb_backend_unlink(be, false);
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

void slb_backend_conn_done(struct slb_backend *be)
{
	struct slb_service *svc = be->svc;
	bool drained;

	spin_lock(&svc->sched_lock);
	be->dest.active--;
	drained = !be->dest.active &&
		  READ_ONCE(be->state) == SPLICELB_BACKEND_DRAIN;
	spin_unlock(&svc->sched_lock);
	if (drained)
		slb_backend_drained(be);
}
