// SPDX-License-Identifier: GPL-2.0
/*
 * Services, backends and scheduling; applying a configuration, first or
 * reloaded.
 *
 * A reload is done in two phases so that it is all or nothing: first
 * everything that can fail (scheduler names, binding the new listeners),
 * then the changes, which cannot fail short of running out of memory for a
 * few small structs (then lbselect exits: a half-applied configuration
 * would be worse).
 */
#include "lbselect.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "addr.h"
#include "conn.h"
#include "loop.h"
#include "service.h"

struct service *lb_services;
struct service *lb_dying;

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		lb_log(0, "out of memory applying the configuration");
		exit(1);
	}
	return p;
}

static struct service *find_service(const struct sockaddr_storage *addr)
{
	struct service *s;

	for (s = lb_services; s; s = s->next)
		if (slb_addr_equal(&s->addr, addr))
			return s;
	return NULL;
}

/* "FILE:LINE" for messages; lines from the command line have no number. */
static const char *where(const char *origin, unsigned int line)
{
	static char buf[300];

	if (line)
		snprintf(buf, sizeof(buf), "%s:%u", origin, line);
	else
		snprintf(buf, sizeof(buf), "%s", origin);
	return buf;
}

static int open_listener(const struct slb_cfg_service *cs, const char *origin)
{
	char a[SLB_ADDR_STRLEN];
	int fd, err, one = 1;

	slb_addr_format(&cs->addr, a, sizeof(a));
	fd = socket(cs->addr.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (fd >= FD_SETSIZE) {
		close(fd);
		lb_log(0, "%s: service %s: listener descriptor >= "
		       "FD_SETSIZE (%d)", where(origin, cs->line), a,
		       FD_SETSIZE);
		return -1;
	}
	/* Restart right away even with connections in TIME_WAIT. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* [::]:80 must not grab 0.0.0.0:80, which may be another service. */
	if (cs->addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&cs->addr,
		 slb_addr_len(&cs->addr)) ||
	    listen(fd, (int)cs->backlog))
		goto fail;
	return fd;
fail:
	err = errno;
	lb_log(0, "%s: service %s: %s", where(origin, cs->line), a,
	       strerror(err));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Scheduler state from scratch, with every current backend added to it. */
static void service_set_sched(struct service *s,
			      const struct slb_sched_ops *ops)
{
	unsigned int i;

	if (s->ops && s->ops->done_service)
		s->ops->done_service(s->sched_state);
	s->ops = ops;
	memset(s->sched_state, 0, sizeof(s->sched_state));
	ops->init_service(s->sched_state);
	for (i = 0; i < s->ndests; i++)
		ops->add_dest(s->sched_state, s->dests, i + 1, s->dests[i]);
}

/*
 * A fresh table after every reload that touches the service: a reload
 * is rare, and no pick can come between the change and the rebuild.
 */
static void service_rebuild_table(struct service *s)
{
	void *scratch;

	free(s->table);
	s->table = NULL;
	if (!s->ops->build)
		return;
	s->table = xcalloc(1, s->ops->table_size(&s->opts, s->dests,
						 s->ndests));
	scratch = xcalloc(1, s->ops->scratch_size(&s->opts, s->ndests) + 1);
	s->ops->build(&s->opts, s->dests, s->ndests, s->table, scratch);
	free(scratch);
}

static void service_set_queue(struct service *s,
			      const struct slb_cfg_service *cs)
{
	/* A smaller one only admits fewer: who waits already waits on. */
	s->maxqueue = cs->maxqueue;
	s->queue_timeout_ms = cs->has & SLB_CFG_HAS_QUEUE_TIMEOUT ?
			      cs->queue_timeout_ms :
			      SPLICELB_QUEUE_TIMEOUT_DEF_MS;
}

/* Ramps under way follow a new length, or a new scheduler, at once. */
static void service_set_slowstart(struct service *s,
				  const struct slb_cfg_service *cs)
{
	s->slowstart_ms = cs->slowstart_ms;
	slb_ramp_touch(&s->ramp);
}

/*
 * A new header is for the connects that complete from now on, a new
 * accept-proxy for the clients accepted from now on.
 */
static void service_set_proxy(struct service *s,
			      const struct slb_cfg_service *cs)
{
	s->proxy_protocol = cs->proxy_protocol;
	s->accept_proxy = cs->accept_proxy;
}

/* True when its checks changed: its backends' begin again. */
static bool service_update(struct service *s, const struct slb_cfg_service *cs,
			   const struct slb_sched_ops *ops)
{
	bool check_changed = !slb_check_params_same(&s->check, &cs->check);

	if (ops != s->ops)
		service_set_sched(s, ops);
	s->opts = cs->opts;
	if (cs->backlog != s->backlog && s->lfd >= 0) {
		/* Linux takes a second listen() as a new backlog. */
		listen(s->lfd, (int)cs->backlog);
	}
	s->backlog = cs->backlog;
	s->maxconn = cs->maxconn;
	service_set_queue(s, cs);
	service_set_slowstart(s, cs);
	service_set_proxy(s, cs);
	/* For the connects and checks that start from now on. */
	s->source = cs->source;
	s->check = cs->check;
	/* New backends or higher limits may have room for the waiters. */
	s->queue_kick = true;
	return check_changed;
}

static struct service *service_new(const struct slb_cfg_service *cs, int lfd,
				   const struct slb_sched_ops *ops)
{
	struct service *s = xcalloc(1, sizeof(*s));

	s->addr = cs->addr;
	s->lfd = lfd;
	s->backlog = cs->backlog;
	s->maxconn = cs->maxconn;
	service_set_queue(s, cs);
	s->slowstart_ms = cs->slowstart_ms;
	service_set_proxy(s, cs);
	s->source = cs->source;
	s->check = cs->check;
	s->opts = cs->opts;
	service_set_sched(s, ops);
	return s;
}

static void backend_free_list(struct backend *b)
{
	struct backend *next;

	for (; b; b = next) {
		next = b->next;
		free(b);
	}
}

static void service_free(struct service *s)
{
	unsigned int i;

	if (s->ops->done_service)
		s->ops->done_service(s->sched_state);
	for (i = 0; i < s->ndests; i++) {
		check_stop(dest_backend(s->dests[i]));
		free(dest_backend(s->dests[i]));
	}
	backend_free_list(s->gone);
	free(s->table);
	free(s->dests);
	if (s->lfd >= 0)
		close(s->lfd);
	free(s);
}

/* New clients need both the admin state and the health up. */
static bool backend_available(const struct backend *b)
{
	return b->state == SPLICELB_BACKEND_UP && !b->health.h.down;
}

/* Available again, after down, drain or a failed check: slow start. */
static void backend_set_available(struct backend *b)
{
	struct service *s = b->svc;
	bool was = b->dest.available;

	b->dest.available = backend_available(b);
	if (b->dest.available && !was)
		slb_ramp_begin(&s->ramp, s->ops, &b->dest, s->slowstart_ms,
			       lb_now);
}

static void backend_set(struct backend *b, const struct slb_cfg_backend *cb)
{
	b->state = cb->state;
	b->weight = cb->weight;
	b->dest.base_weight = slb_weight_base(cb->weight, 100);
	/* In a slow start, it goes on from where the ramp is. */
	b->dest.weight = slb_ramp_weight(&b->dest, b->svc->slowstart_ms,
					 lb_now);
	b->dest.table_weight = slb_weight_table(cb->weight, 100);
	b->dest.maxconn = cb->maxconn;
	backend_set_available(b);
}

void backend_refresh(struct backend *b)
{
	struct service *s = b->svc;

	backend_set_available(b);
	s->ops->upd_dest(s->sched_state, s->dests, s->ndests, &b->dest);
	s->queue_kick = true;
}

u32 backend_eweight(const struct backend *b)
{
	const struct service *s = b->svc;

	if (s->ops->build)
		return b->dest.table_weight * SLB_WEIGHT_SCALE;
	return slb_ramp_weight(&b->dest, s->slowstart_ms, lb_now);
}

static void backend_add(struct service *s, const struct slb_cfg_backend *cb)
{
	struct backend *b = xcalloc(1, sizeof(*b));

	b->addr = cb->addr;
	b->svc = s;
	slb_addr_sched_id(&b->addr, b->dest.id);
	/* A new backend takes its share at once: it was never eligible. */
	b->dest.available = backend_available(b);
	backend_set(b, cb);
	if (s->ndests == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->dests = realloc(s->dests, s->cap * sizeof(*s->dests));
		if (!s->dests) {
			lb_log(0, "out of memory applying the configuration");
			exit(1);
		}
	}
	s->dests[s->ndests++] = &b->dest;
	s->ops->add_dest(s->sched_state, s->dests, s->ndests, &b->dest);
	b->proxy_protocol = cb->proxy_protocol;
	b->health.port = cb->check_port;
	check_follow(b, true);
}

/* Out of the scheduler now; freed with its last connection. */
static void backend_remove(struct service *s, unsigned int i)
{
	struct backend *b = dest_backend(s->dests[i]);

	check_stop(b);
	memmove(&s->dests[i], &s->dests[i + 1],
		(s->ndests - i - 1) * sizeof(*s->dests));
	s->ndests--;
	slb_ramp_forget(&s->ramp, &b->dest);
	s->ops->del_dest(s->sched_state, s->dests, s->ndests, &b->dest);
	if (!b->dest.active) {
		free(b);
		return;
	}
	b->removed = true;
	b->next = s->gone;
	s->gone = b;
}

static const struct slb_cfg_backend *
cfg_backend_find(const struct slb_cfg *cfg, unsigned int si,
		 const struct sockaddr_storage *addr)
{
	unsigned int i;

	for (i = 0; i < cfg->nbe; i++)
		if (cfg->be[i].service == si &&
		    slb_addr_equal(&cfg->be[i].addr, addr))
			return &cfg->be[i];
	return NULL;
}

static int dest_find(const struct service *s,
		     const struct sockaddr_storage *addr)
{
	unsigned int i;

	for (i = 0; i < s->ndests; i++)
		if (slb_addr_equal(&dest_backend(s->dests[i])->addr, addr))
			return (int)i;
	return -1;
}

/* An existing backend as cb has it; @restart: its service's checks changed. */
static void sync_backend(struct service *s, struct backend *b,
			 const struct slb_cfg_backend *cb, bool restart)
{
	if (b->weight != cb->weight || b->state != cb->state ||
	    b->dest.maxconn != cb->maxconn) {
		backend_set(b, cb);
		s->ops->upd_dest(s->sched_state, s->dests, s->ndests,
				 &b->dest);
	}
	b->proxy_protocol = cb->proxy_protocol;
	if (b->health.port != cb->check_port)
		restart = true;
	b->health.port = cb->check_port;
	check_follow(b, restart);
}

static void sync_backends(struct service *s, const struct slb_cfg *cfg,
			  unsigned int si, bool restart)
{
	const struct slb_cfg_backend *cb;
	struct backend *b;
	unsigned int i;
	int j;

	for (i = s->ndests; i-- > 0;) {
		b = dest_backend(s->dests[i]);
		if (!cfg_backend_find(cfg, si, &b->addr))
			backend_remove(s, i);
	}
	for (i = 0; i < cfg->nbe; i++) {
		cb = &cfg->be[i];
		if (cb->service != si)
			continue;
		j = dest_find(s, &cb->addr);
		if (j < 0)
			backend_add(s, cb);
		else
			sync_backend(s, dest_backend(s->dests[j]), cb, restart);
	}
}

/* Unhook from the configuration; its connections keep it alive. */
static void service_remove(struct service *s)
{
	char a[SLB_ADDR_STRLEN];
	unsigned int i;

	/* Before it is marked removed: the last waiter must not free it. */
	conn_reset_queue(s, "service removed");
	for (i = 0; i < s->ndests; i++)
		check_stop(dest_backend(s->dests[i]));
	lb_log(0, "service %s removed (%u connections left to finish)",
	       slb_addr_format(&s->addr, a, sizeof(a)), s->active);
	if (s->lfd >= 0)
		close(s->lfd);
	s->lfd = -1;
	if (!s->active) {
		service_free(s);
		return;
	}
	s->removed = true;
	s->next = lb_dying;
	lb_dying = s;
}

static u32 opts_given(const struct slb_cfg_service *cs)
{
	return (cs->has & SLB_CFG_HAS_HASH_KEY ? SLB_SCHED_OPT_HASH_KEY : 0) |
	       (cs->has & SLB_CFG_HAS_SEED ? SLB_SCHED_OPT_SEED : 0) |
	       (cs->has & SLB_CFG_HAS_TABLE_SIZE ? SLB_SCHED_OPT_TABLE_SIZE : 0);
}

static int check_schedulers(const struct slb_cfg *cfg, const char *origin,
			    const struct slb_sched_ops **ops)
{
	const char *why;
	unsigned int i;
	int bad = 0;

	for (i = 0; i < cfg->nsvc; i++) {
		ops[i] = slb_sched_find(cfg->svc[i].sched);
		if (!ops[i]) {
			lb_log(0, "%s: unknown scheduler \"%s\"",
			       where(origin, cfg->svc[i].line),
			       cfg->svc[i].sched);
			bad = 1;
			continue;
		}
		why = slb_sched_opts_check(ops[i], opts_given(&cfg->svc[i]),
					   &cfg->svc[i].opts);
		if (why) {
			lb_log(0, "%s: scheduler %s: %s",
			       where(origin, cfg->svc[i].line),
			       ops[i]->name, why);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/* Phase one: bind what is new.  lfd[i] is -1 for services that exist. */
static int open_new_listeners(const struct slb_cfg *cfg, const char *origin,
			      int *lfd)
{
	unsigned int i;

	for (i = 0; i < cfg->nsvc; i++) {
		lfd[i] = -1;
		if (find_service(&cfg->svc[i].addr))
			continue;
		lfd[i] = open_listener(&cfg->svc[i], origin);
		if (lfd[i] < 0) {
			while (i-- > 0)
				if (lfd[i] >= 0)
					close(lfd[i]);
			return -1;
		}
	}
	return 0;
}

/* Phase two: cannot fail. */
static void apply(const struct slb_cfg *cfg, const int *lfd,
		  const struct slb_sched_ops **ops)
{
	struct service *s, *head = NULL, **tail = &head, **pp;
	char a[SLB_ADDR_STRLEN];
	bool restart;
	unsigned int i;

	/* Unlink before removing: removal reuses ->next for lb_dying. */
	for (pp = &lb_services; (s = *pp);) {
		if (slb_cfg_find_service(cfg, &s->addr) < 0) {
			*pp = s->next;
			service_remove(s);
		} else {
			pp = &s->next;
		}
	}
	for (i = 0; i < cfg->nsvc; i++) {
		s = find_service(&cfg->svc[i].addr);
		if (s) {
			restart = service_update(s, &cfg->svc[i], ops[i]);
		} else {
			s = service_new(&cfg->svc[i], lfd[i], ops[i]);
			restart = true;
			lb_log(0, "service %s listening (scheduler %s)",
			       slb_addr_format(&s->addr, a, sizeof(a)),
			       s->ops->name);
		}
		sync_backends(s, cfg, i, restart);
		service_rebuild_table(s);
		*tail = s;
		tail = &s->next;
	}
	*tail = NULL;
	lb_services = head;
}

/*
 * The agents are polled by the module alone: said once per load, so that
 * whoever runs the fallback knows their words are not heeded here.
 */
static void warn_agents(const struct slb_cfg *cfg, const char *origin)
{
	unsigned int i;

	for (i = 0; i < cfg->nbe; i++)
		if (cfg->be[i].agent_port)
			lb_log(0, "%s: agent-port %u: lbselect polls no agents; the backend keeps its configured weight and state",
			       where(origin, cfg->be[i].line),
			       cfg->be[i].agent_port);
}

int services_apply(const struct slb_cfg *cfg, const char *origin)
{
	const struct slb_sched_ops **ops;
	int *lfd, ret = -1;

	ops = xcalloc(cfg->nsvc + 1, sizeof(*ops));
	lfd = xcalloc(cfg->nsvc + 1, sizeof(*lfd));
	if (!check_schedulers(cfg, origin, ops) &&
	    !open_new_listeners(cfg, origin, lfd)) {
		warn_agents(cfg, origin);
		apply(cfg, lfd, ops);
		ret = 0;
	}
	free(lfd);
	free(ops);
	return ret;
}

int services_load(const char *path)
{
	struct slb_cfg cfg;
	int nerr, ret = -1;

	slb_cfg_init(&cfg, 0);
	nerr = slb_cfg_load(&cfg, path, stderr);
	if (nerr)
		lb_log(0, "%s: %d error%s", path, nerr, nerr > 1 ? "s" : "");
	else
		ret = services_apply(&cfg, path);
	slb_cfg_free(&cfg);
	return ret;
}

void services_close_listeners(void)
{
	struct service *s;

	for (s = lb_services; s; s = s->next) {
		if (s->lfd >= 0)
			close(s->lfd);
		s->lfd = -1;
	}
}

void services_free(void)
{
	struct service *s, *next;

	for (s = lb_services; s; s = next) {
		next = s->next;
		service_free(s);
	}
	for (s = lb_dying; s; s = next) {
		next = s->next;
		service_free(s);
	}
	lb_services = NULL;
	lb_dying = NULL;
}

struct backend *service_pick(struct service *s, struct slb_sched_ctx *ctx)
{
	struct slb_sched_dest *d;
	struct backend *b;

	ctx->opts = &s->opts;
	ctx->table = s->table;
	slb_ramp_advance(&s->ramp, s->ops, s->sched_state, s->dests,
			 s->ndests, s->slowstart_ms, lb_now);
	d = s->ops->schedule(s->sched_state, s->dests, s->ndests, ctx);
	if (!d)
		return NULL;
	b = dest_backend(d);
	b->dest.active++;
	return b;
}

void backend_put(struct backend *b)
{
	struct backend **p;

	b->svc->queue_kick = true;
	if (--b->dest.active || !b->removed)
		return;
	for (p = &b->svc->gone; *p; p = &(*p)->next) {
		if (*p == b) {
			*p = b->next;
			break;
		}
	}
	free(b);
}

void service_put(struct service *s)
{
	struct service **p;

	if (--s->active || !s->removed)
		return;
	for (p = &lb_dying; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			break;
		}
	}
	service_free(s);
}
