// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual services: their lifetime, configuration and scheduling.
 *
 * Configuration runs under the netns's mutex; the data path only ever
 * takes the service's sched_lock, around one scheduler call, so a change
 * of scheduler or backends is atomic for it and never stalls a connection.
 */
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "backend.h"
#include "compat.h"
#include "conn.h"
#include "health.h"
#include "listener.h"
#include "netlink.h"
#include "netns.h"
#include "service.h"
#include "sysctl.h"

struct slb_service *slb_service_find(struct slb_net *sn,
				     const union slb_addr *addr)
{
	struct slb_service *svc;

	lockdep_assert_held(&sn->lock);
	list_for_each_entry(svc, &sn->services, node)
		if (slb_addr_equal(&svc->addr, addr))
			return svc;
	return NULL;
}

void slb_service_put(struct slb_service *svc)
{
	if (refcount_dec_and_test(&svc->refcnt)) {
		mem_cgroup_put(svc->memcg);
		slb_stats_destroy(&svc->stats);
		/* No reader is left: they hold a reference. */
		kfree(rcu_dereference_protected(svc->source, true));
		kfree(svc);
	}
}

/* Caller holds sched_lock; the scheduler's pick for @pick, or NULL. */
static struct slb_backend *slb_service_pick(struct slb_service *svc,
					    struct slb_pick *pick,
					    struct slb_sched_ctx *ctx)
{
	struct slb_sched_dest *d;
	struct slb_backend *be;

	ctx->tried = pick->tried;
	ctx->ntried = pick->ntried;
	ctx->client = pick->client;
	ctx->random = get_random_u32();
	ctx->opts = &svc->sched_opts;
	ctx->table = svc->sched_table;
	slb_ramp_advance(&svc->ramp, svc->sched, svc->sched_state, svc->dests,
			 svc->ndests, READ_ONCE(svc->slowstart_ms),
			 slb_service_now_ms());
	d = svc->sched->schedule(svc->sched_state, svc->dests, svc->ndests,
				 ctx);
	if (!d)
		return NULL;
	d->active++;
	be = slb_backend_of(d);
	slb_backend_get(be);
	return be;
}

static void slb_service_queue_count(struct slb_service *svc, int delta)
{
	svc->queue_len += delta;
	slb_stats_gauge_add(&svc->stats, SLB_CTR_QUEUE_LEN, delta);
	slb_stats_gauge_add(&svc->sn->stats, SLB_CTR_QUEUE_LEN, delta);
}

static bool slb_service_enqueue(struct slb_service *svc, struct slb_pick *pick)
{
	if (svc->queue_len >= READ_ONCE(svc->maxqueue))
		return false;
	list_add_tail(&pick->node, &svc->queue);
	slb_service_queue_count(svc, 1);
	slb_stats_inc(&svc->stats, SLB_CTR_QUEUED);
	slb_stats_inc(&svc->sn->stats, SLB_CTR_QUEUED);
	return true;
}

static void slb_service_unqueue(struct slb_service *svc, struct slb_pick *pick)
{
	list_del_init(&pick->node);
	slb_service_queue_count(svc, -1);
}

static void slb_service_grant(struct slb_service *svc, struct slb_pick *pick,
			      struct slb_backend *be)
{
	slb_service_unqueue(svc, pick);
	pick->granted = be;
	pick->wake(pick);
}

static void slb_service_refuse(struct slb_service *svc, struct slb_pick *pick)
{
	slb_service_unqueue(svc, pick);
	pick->refused = true;
	pick->wake(pick);
}

static void slb_service_refuse_all(struct slb_service *svc)
{
	struct slb_pick *pick, *tmp;

	list_for_each_entry_safe(pick, tmp, &svc->queue, node)
		slb_service_refuse(svc, pick);
}

static struct slb_backend *slb_service_wait_locked(struct slb_service *svc,
						   struct slb_pick *pick)
{
	struct slb_backend *be = pick->granted;

	lockdep_assert_held(&svc->sched_lock);
	pick->granted = NULL;
	if (be)
		return be;
	return ERR_PTR(pick->refused ? -ENOENT : -EAGAIN);
}

struct slb_backend *slb_service_wait(struct slb_service *svc,
				     struct slb_pick *pick)
{
	struct slb_backend *be;

	spin_lock(&svc->sched_lock);
	be = slb_service_wait_locked(svc, pick);
	spin_unlock(&svc->sched_lock);
	return be;
}

struct slb_backend *slb_service_wait_cancel(struct slb_service *svc,
					    struct slb_pick *pick)
{
	struct slb_backend *be;

	spin_lock(&svc->sched_lock);
	if (!list_empty(&pick->node))
		slb_service_unqueue(svc, pick);
	be = pick->granted;
	pick->granted = NULL;
	spin_unlock(&svc->sched_lock);
	return be;
}

/*
 * Waiters that tried backends before may be kept from a free slot by
 * their own history.  This many of them are given a pick per call, and
 * the rest passed over without one, so that a call's picks stay bounded
 * and yet no fresh waiter behind them is kept from a slot.
 */
#define SLB_SERVICE_DEQUEUE_SKIPS	8

void slb_service_dequeue(struct slb_service *svc)
{
	unsigned int skipped = 0;
	struct slb_pick *pick, *tmp;
	struct slb_sched_ctx ctx;
	struct slb_backend *be;

	lockdep_assert_held(&svc->sched_lock);
	if (svc->dead) {
		slb_service_refuse_all(svc);
		return;
	}
	list_for_each_entry_safe(pick, tmp, &svc->queue, node) {
		if (pick->ntried && skipped >= SLB_SERVICE_DEQUEUE_SKIPS)
			continue;
		be = slb_service_pick(svc, pick, &ctx);
		if (be) {
			slb_service_grant(svc, pick, be);
			continue;
		}
		if (pick->ntried) {
			skipped++;
			continue;
		}
		/*
		 * A fresh client found no slot.  If no backend is full
		 * either, none is left that could take anyone: waiting is
		 * pointless for all of them.
		 */
		if (!slb_sched_full(svc->dests, svc->ndests, &ctx))
			slb_service_refuse_all(svc);
		break;
	}
}

struct slb_backend *slb_service_schedule(struct slb_service *svc,
					 struct slb_pick *pick)
{
	struct slb_backend *be = ERR_PTR(-ENOENT);
	struct slb_sched_ctx ctx;

	spin_lock(&svc->sched_lock);
	if (svc->dead)
		goto out;
	if (list_empty(&svc->queue)) {
		be = slb_service_pick(svc, pick, &ctx);
		if (be || !slb_sched_full(svc->dests, svc->ndests, &ctx)) {
			be = be ?: ERR_PTR(-ENOENT);
			goto out;
		}
	}
	be = ERR_PTR(-ENOBUFS);
	if (!slb_service_enqueue(svc, pick))
		goto out;
	/* Behind the others; served at once if a slot is free after all. */
	slb_service_dequeue(svc);
	be = slb_service_wait_locked(svc, pick);
out:
	spin_unlock(&svc->sched_lock);
	return be;
}

void *slb_service_table_new(const struct slb_sched_ops *ops,
			    const struct slb_sched_opts *opts,
			    struct slb_sched_dest *const *set, unsigned int n)
{
	void *table, *scratch = NULL;
	size_t scratch_size;

	if (!ops->build)
		return NULL;
	table = kvzalloc(ops->table_size(opts, set, n), GFP_KERNEL_ACCOUNT);
	scratch_size = ops->scratch_size(opts, n);
	if (table && scratch_size)
		scratch = kvmalloc(scratch_size, GFP_KERNEL_ACCOUNT);
	if (!table || (scratch_size && !scratch)) {
		kvfree(table);
		return ERR_PTR(-ENOMEM);
	}
	ops->build(opts, set, n, table, scratch);
	kvfree(scratch);
	return table;
}

void *slb_service_table_swap(struct slb_service *svc, void *table)
{
	void *old = svc->sched_table;

	lockdep_assert_held(&svc->sched_lock);
	svc->sched_table = table;
	return old;
}

/*
 * The options a request leaves a service with: its current ones when the
 * scheduler stays, the defaults under a new one, and over them the ones
 * given.  NULL and an extack message when they do not fit the scheduler.
 */
static bool slb_service_opts(const struct slb_service *svc,
			     const struct slb_sched_ops *ops,
			     const struct slb_service_cfg *cfg,
			     struct slb_sched_opts *opts,
			     struct netlink_ext_ack *extack)
{
	const char *why;

	if (svc && ops == svc->sched)
		*opts = svc->sched_opts;
	else
		slb_sched_opts_default(opts);
	if (cfg->opts_given & SLB_SCHED_OPT_HASH_KEY)
		opts->hash_key = cfg->opts.hash_key;
	if (cfg->opts_given & SLB_SCHED_OPT_SEED)
		opts->seed = cfg->opts.seed;
	if (cfg->opts_given & SLB_SCHED_OPT_TABLE_SIZE)
		opts->table_size = cfg->opts.table_size;
	why = slb_sched_opts_check(ops, cfg->opts_given, opts);
	if (why)
		SLB_SET_ERR_MSG_FMT(extack, "scheduler options do not fit",
				    "scheduler %s: %s", ops->name, why);
	return !why;
}

static const struct slb_sched_ops *
slb_service_sched_lookup(struct slb_net *sn, const struct slb_service_cfg *cfg,
			 struct netlink_ext_ack *extack)
{
	const char *name = cfg->set & SLB_SVC_SET_SCHED ?
			   cfg->sched : sn->tun.default_scheduler;
	const struct slb_sched_ops *ops = slb_sched_find(name);

	if (!ops)
		SLB_SET_ERR_MSG_FMT(extack, "unknown scheduler",
				    "unknown scheduler \"%.*s\"",
				    SLB_SCHED_NAME_MAX, name);
	return ops;
}

/* A copy of the source @cfg gives: NULL for none, or ERR_PTR(-ENOMEM). */
static struct slb_source *
slb_service_source_copy(const struct slb_service_cfg *cfg)
{
	struct slb_source *src;

	if (!(cfg->set & SLB_SVC_SET_SOURCE) || slb_source_none(cfg->source))
		return NULL;
	src = slb_source_dup(cfg->source);
	return src ?: ERR_PTR(-ENOMEM);
}

/* May a backend at @addr leave from @src, of a service at @svc_addr? */
static int slb_service_source_fits(const struct slb_source *src,
				   const union slb_addr *svc_addr,
				   const union slb_addr *addr,
				   struct netlink_ext_ack *extack)
{
	if (slb_source_allows(src, svc_addr->sa.sa_family,
			      addr->sa.sa_family))
		return 0;
	/* Short: a formatted message has 80 bytes, the module's name too. */
	if (src->pool.client)
		SLB_SET_ERR_MSG_FMT(extack,
				    "source client: a backend of the other family",
				    "source client: backend %pISpc of the other family",
				    &addr->sa);
	else
		SLB_SET_ERR_MSG_FMT(extack,
				    "source has no address for a backend's family",
				    "source has no address for backend %pISpc",
				    &addr->sa);
	return -EAFNOSUPPORT;
}

int slb_service_source_allows(struct slb_service *svc,
			      const union slb_addr *addr,
			      struct netlink_ext_ack *extack)
{
	const struct slb_source *src;

	src = rcu_dereference_protected(svc->source,
					lockdep_is_held(&svc->sn->lock));
	return slb_service_source_fits(src, &svc->addr, addr, extack);
}

/* Caller holds sn->lock: would every backend of @svc fit @src? */
static int slb_service_source_check(struct slb_service *svc,
				    const struct slb_source *src,
				    struct netlink_ext_ack *extack)
{
	struct slb_backend *be;
	int ret;

	list_for_each_entry(be, &svc->backends, node) {
		ret = slb_service_source_fits(src, &svc->addr, &be->addr,
					      extack);
		if (ret)
			return ret;
	}
	return 0;
}

/* Caller holds sn->lock; connections and checks take it as they begin. */
static void slb_service_set_source(struct slb_service *svc,
				   struct slb_source *src)
{
	struct slb_source *old;

	old = rcu_replace_pointer(svc->source, src,
				  lockdep_is_held(&svc->sn->lock));
	kfree_rcu(old, rcu);
}

void slb_service_source_start(struct slb_service *svc,
			      struct slb_source_pick *p)
{
	p->start = atomic_inc_return(&svc->source_next);
	p->attempt = 0;
}

int slb_service_source_next(struct slb_service *svc, int family,
			    const union slb_addr *client,
			    struct slb_source_pick *p)
{
	int ret;

	rcu_read_lock();
	ret = slb_source_next(rcu_dereference(svc->source), family, client, p);
	rcu_read_unlock();
	return ret;
}

/* Backends of a service not listed yet; on error the caller drops them all. */
static int slb_service_add_backends(struct slb_service *svc,
				    const struct slb_backend_cfg *backends,
				    unsigned int nbackends,
				    struct netlink_ext_ack *extack)
{
	struct slb_backend *be;
	unsigned int i;

	for (i = 0; i < nbackends; i++) {
		be = slb_backend_create(svc, &backends[i], extack);
		if (IS_ERR(be))
			return PTR_ERR(be);
	}
	return 0;
}

/* The events of a new service, then of its backends, as if added after. */
static void slb_service_notify_new(struct slb_service *svc)
{
	struct slb_backend *be;

	slb_netlink_notify_service(svc, SPLICELB_CMD_SERVICE_NEW_NTF);
	list_for_each_entry(be, &svc->backends, node)
		slb_netlink_notify_backend(be, SPLICELB_CMD_BACKEND_NEW_NTF);
}

/* A service that never listened: nothing but its backends refer to it. */
static void slb_service_discard(struct slb_service *svc)
{
	svc->dead = true;	/* never scheduled: no table to rebuild */
	slb_backend_del_all(svc);
	if (svc->sched->done_service)
		svc->sched->done_service(svc->sched_state);
	kvfree(svc->sched_table);
	kvfree(svc->dests);
	slb_service_put(svc);
}

/* Its backends all in place, the table of a service about to listen. */
static int slb_service_table_first(struct slb_service *svc)
{
	void *table = slb_service_table_new(svc->sched, &svc->sched_opts,
					    svc->dests, svc->ndests);

	if (IS_ERR(table))
		return PTR_ERR(table);
	svc->sched_table = table;
	return 0;
}

/*
 * The check a request asks for: @base, the service's (NULL before it has
 * one: the defaults), with what the request gives.  ERR_PTR, with the
 * reason in @extack, when it cannot run.  The caller frees it.
 */
static struct slb_check_params *
slb_service_check(const struct slb_check_params *base,
		  const struct slb_service_cfg *cfg,
		  struct netlink_ext_ack *extack)
{
	struct slb_check_params *p;
	const char *why;
	u32 field;

	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	if (base)
		*p = *base;
	else
		slb_check_params_init(p);
	slb_check_params_apply(p, &cfg->check, cfg->check_given);
	why = slb_check_params_invalid(p, &field);
	if (why) {
		/* What NL_SET_ERR_MSG does, for a string not a literal. */
		if (extack)
			extack->_msg = why;
		kfree(p);
		return ERR_PTR(-EINVAL);
	}
	return p;
}

int slb_service_add(struct slb_net *sn, const struct slb_service_cfg *cfg,
		    const struct slb_backend_cfg *backends,
		    unsigned int nbackends, struct netlink_ext_ack *extack)
{
	struct slb_check_params *check = NULL;
	struct slb_source *source = NULL;
	const struct slb_sched_ops *ops;
	struct slb_sched_opts opts;
	struct slb_service *svc;
	int ret;

	mutex_lock(&sn->lock);
	ret = -EEXIST;
	if (slb_service_find(sn, &cfg->addr)) {
		SLB_SET_ERR_MSG_FMT(extack, "service already exists",
				    "service %pISpc already exists",
				    &cfg->addr.sa);
		goto out;
	}
	ret = slb_sysctl_check(sn, max_services, sn->nservices, extack);
	if (ret)
		goto out;
	ret = -ENOENT;
	ops = slb_service_sched_lookup(sn, cfg, extack);
	if (!ops)
		goto out;
	ret = -EINVAL;
	if (!slb_service_opts(NULL, ops, cfg, &opts, extack))
		goto out;
	check = slb_service_check(NULL, cfg, extack);
	if (IS_ERR(check)) {
		ret = PTR_ERR(check);
		check = NULL;
		goto out;
	}
	source = slb_service_source_copy(cfg);
	if (IS_ERR(source)) {
		ret = PTR_ERR(source);
		source = NULL;
		goto out;
	}
	ret = -ENOMEM;
	svc = kzalloc(sizeof(*svc), GFP_KERNEL_ACCOUNT);
	if (!svc)
		goto out;
	if (slb_stats_init(&svc->stats, GFP_KERNEL_ACCOUNT)) {
		kfree(svc);
		goto out;
	}
	refcount_set(&svc->refcnt, 1);
	svc->sn = sn;
	svc->memcg = get_mem_cgroup_from_mm(current->mm);
	svc->addr = cfg->addr;
	svc->backlog = cfg->set & SLB_SVC_SET_BACKLOG ?
		       cfg->backlog : READ_ONCE(sn->tun.default_backlog);
	svc->maxconn = cfg->set & SLB_SVC_SET_MAXCONN ? cfg->maxconn : 0;
	svc->maxqueue = cfg->set & SLB_SVC_SET_MAXQUEUE ? cfg->maxqueue : 0;
	svc->queue_timeout_ms = cfg->set & SLB_SVC_SET_QUEUE_TIMEOUT ?
				cfg->queue_timeout_ms :
				SPLICELB_QUEUE_TIMEOUT_DEF_MS;
	svc->slowstart_ms = cfg->set & SLB_SVC_SET_SLOWSTART ?
			    cfg->slowstart_ms : 0;
	svc->proxy = cfg->set & SLB_SVC_SET_PROXY ? cfg->proxy :
		     SPLICELB_PROXY_NONE;
	svc->accept_proxy = cfg->set & SLB_SVC_SET_ACCEPT_PROXY &&
			    cfg->accept_proxy;
	svc->check = *check;
	/* Before the backends, whose families it constrains. */
	RCU_INIT_POINTER(svc->source, source);
	source = NULL;
	spin_lock_init(&svc->sched_lock);
	INIT_LIST_HEAD(&svc->queue);
	svc->sched = ops;
	svc->sched_opts = opts;
	ops->init_service(svc->sched_state);
	INIT_LIST_HEAD(&svc->backends);
	/* All its backends are in place before the first client can come. */
	ret = slb_service_add_backends(svc, backends, nbackends, extack);
	if (!ret)
		ret = slb_service_table_first(svc);
	if (!ret)
		ret = slb_listener_open(svc, extack);
	if (ret) {
		slb_service_discard(svc);
		goto out;
	}
	list_add_tail(&svc->node, &sn->services);
	sn->nservices++;
	slb_netns_changed(sn);
	slb_service_notify_new(svc);
out:
	mutex_unlock(&sn->lock);
	kfree(check);
	kfree(source);
	return ret;
}

/* A new scheduler, or new options for it, with the table they need. */
static void slb_service_set_sched(struct slb_service *svc,
				  const struct slb_sched_ops *ops,
				  const struct slb_sched_opts *opts, void *table)
{
	unsigned int i;
	void *old;

	spin_lock(&svc->sched_lock);
	if (ops != svc->sched) {
		if (svc->sched->done_service)
			svc->sched->done_service(svc->sched_state);
		memset(svc->sched_state, 0, sizeof(svc->sched_state));
		for (i = 0; i < svc->ndests; i++)
			svc->dests[i]->credit = 0;
		svc->sched = ops;
		ops->init_service(svc->sched_state);
	}
	svc->sched_opts = *opts;
	/* A hashing scheduler ends the ramps. */
	slb_ramp_touch(&svc->ramp);
	old = slb_service_table_swap(svc, table);
	slb_service_dequeue(svc);
	spin_unlock(&svc->sched_lock);
	kvfree(old);
}

/* Waiters' timers are set for the old deadline: a shorter one wakes them. */
static void slb_service_set_queue_timeout(struct slb_service *svc, u32 ms)
{
	struct slb_pick *pick;
	bool shorter = ms < svc->queue_timeout_ms;

	WRITE_ONCE(svc->queue_timeout_ms, ms);
	if (!shorter)
		return;
	spin_lock(&svc->sched_lock);
	list_for_each_entry(pick, &svc->queue, node)
		pick->wake(pick);
	spin_unlock(&svc->sched_lock);
}

/* Ramps under way follow the new length from their next step on. */
static void slb_service_set_slowstart(struct slb_service *svc, u32 ms)
{
	spin_lock(&svc->sched_lock);
	WRITE_ONCE(svc->slowstart_ms, ms);
	slb_ramp_touch(&svc->ramp);
	spin_unlock(&svc->sched_lock);
}

int slb_service_change(struct slb_net *sn, const struct slb_service_cfg *cfg,
		       struct netlink_ext_ack *extack)
{
	const struct slb_sched_ops *ops;
	struct slb_sched_opts opts;
	struct slb_check_params *check = NULL;
	struct slb_source *source = NULL;
	struct slb_service *svc;
	void *table = NULL;
	bool resched;
	int ret = 0;

	mutex_lock(&sn->lock);
	svc = slb_service_find(sn, &cfg->addr);
	if (!svc) {
		SLB_SET_ERR_MSG_FMT(extack, "service does not exist",
				    "service %pISpc does not exist",
				    &cfg->addr.sa);
		ret = -ENOENT;
		goto out;
	}
	ops = svc->sched;
	if (cfg->set & SLB_SVC_SET_SCHED) {
		ops = slb_service_sched_lookup(sn, cfg, extack);
		if (!ops) {
			ret = -ENOENT;
			goto out;
		}
	}
	if (!slb_service_opts(svc, ops, cfg, &opts, extack)) {
		ret = -EINVAL;
		goto out;
	}
	/* What can fail comes first, so that a failure changes nothing. */
	if (cfg->check_given) {
		check = slb_service_check(&svc->check, cfg, extack);
		if (IS_ERR(check)) {
			ret = PTR_ERR(check);
			check = NULL;
			goto out;
		}
	}
	if (cfg->set & SLB_SVC_SET_SOURCE) {
		source = slb_service_source_copy(cfg);
		if (IS_ERR(source)) {
			ret = PTR_ERR(source);
			source = NULL;
			goto out;
		}
		ret = slb_service_source_check(svc, source, extack);
		if (ret)
			goto out;
	}
	resched = ops != svc->sched ||
		  memcmp(&opts, &svc->sched_opts, sizeof(opts));
	if (resched) {
		table = slb_service_table_new(ops, &opts, svc->dests,
					      svc->ndests);
		if (IS_ERR(table)) {
			NL_SET_ERR_MSG_MOD(extack,
					   "no memory for the scheduler's table");
			ret = PTR_ERR(table);
			goto out;
		}
	}
	if (cfg->set & SLB_SVC_SET_BACKLOG && cfg->backlog != svc->backlog) {
		ret = slb_listener_set_backlog(svc, cfg->backlog);
		if (ret) {
			NL_SET_ERR_MSG_MOD(extack, "cannot change the backlog");
			kvfree(table);
			goto out;
		}
		svc->backlog = cfg->backlog;
	}
	if (resched)
		slb_service_set_sched(svc, ops, &opts, table);
	if (cfg->set & SLB_SVC_SET_MAXCONN)
		WRITE_ONCE(svc->maxconn, cfg->maxconn);
	/* Who waits already waits on: a smaller queue only admits fewer. */
	if (cfg->set & SLB_SVC_SET_MAXQUEUE)
		WRITE_ONCE(svc->maxqueue, cfg->maxqueue);
	if (cfg->set & SLB_SVC_SET_QUEUE_TIMEOUT)
		slb_service_set_queue_timeout(svc, cfg->queue_timeout_ms);
	if (cfg->set & SLB_SVC_SET_SLOWSTART)
		slb_service_set_slowstart(svc, cfg->slowstart_ms);
	/* Connections and checks take them as they begin: none is cut. */
	if (cfg->set & SLB_SVC_SET_PROXY)
		WRITE_ONCE(svc->proxy, cfg->proxy);
	if (cfg->set & SLB_SVC_SET_ACCEPT_PROXY)
		WRITE_ONCE(svc->accept_proxy, cfg->accept_proxy);
	if (cfg->set & SLB_SVC_SET_SOURCE) {
		slb_service_set_source(svc, source);
		source = NULL;
	}
	if (check)
		slb_health_service_set(svc, check);
	slb_netns_changed(svc->sn);
	slb_netlink_notify_service(svc, SPLICELB_CMD_SERVICE_SET_NTF);
out:
	mutex_unlock(&sn->lock);
	kfree(check);
	kfree(source);
	return ret;
}

/* Caller holds sn->lock; drops the list's reference. */
static void slb_service_unlink(struct slb_service *svc, bool cut)
{
	struct slb_net *sn = svc->sn;

	list_del(&svc->node);
	sn->nservices--;
	spin_lock(&svc->sched_lock);
	svc->dead = true;
	slb_service_dequeue(svc);	/* refuses every waiter */
	spin_unlock(&svc->sched_lock);
	slb_listener_close(svc);
	slb_backend_del_all(svc);
	if (cut)
		slb_conn_cut(sn, svc, NULL);
	if (svc->sched->done_service)
		svc->sched->done_service(svc->sched_state);
	kvfree(svc->sched_table);
	svc->sched_table = NULL;
	kvfree(svc->dests);
	svc->dests = NULL;
	slb_netns_changed(svc->sn);
	slb_netlink_notify_service(svc, SPLICELB_CMD_SERVICE_DEL_NTF);
	slb_service_put(svc);
}

int slb_service_del(struct slb_net *sn, const union slb_addr *addr, bool cut,
		    struct netlink_ext_ack *extack)
{
	struct slb_service *svc;
	int ret = 0;

	mutex_lock(&sn->lock);
	svc = slb_service_find(sn, addr);
	if (svc) {
		slb_service_unlink(svc, cut);
	} else {
		SLB_SET_ERR_MSG_FMT(extack, "service does not exist",
				    "service %pISpc does not exist", &addr->sa);
		ret = -ENOENT;
	}
	mutex_unlock(&sn->lock);
	return ret;
}

void slb_service_flush(struct slb_net *sn, bool cut)
{
	struct slb_service *svc, *tmp;

	mutex_lock(&sn->lock);
	list_for_each_entry_safe(svc, tmp, &sn->services, node)
		slb_service_unlink(svc, false);
	if (cut)
		slb_conn_cut(sn, NULL, NULL);
	mutex_unlock(&sn->lock);
}

void slb_service_zero(struct slb_net *sn)
{
	struct slb_service *svc;
	struct slb_backend *be;

	mutex_lock(&sn->lock);
	list_for_each_entry(svc, &sn->services, node) {
		slb_stats_zero(&svc->stats);
		list_for_each_entry(be, &svc->backends, node)
			slb_stats_zero(&be->stats);
	}
	slb_stats_zero(&sn->stats);
	/* /proc/net/splicelb/stats averages over the time since. */
	sn->zeroed_at = ktime_get_boottime_seconds();
	mutex_unlock(&sn->lock);
}
