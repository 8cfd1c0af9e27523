// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lbctl restore [FILE|-]: apply a configuration file (config.h's format,
 * the one "lbctl save" writes and lbselect -c reads) as one transaction.
 *
 *   1. The whole file is parsed before anything is sent: every error is
 *      reported as FILE:LINE: message, and nothing changes (exit 2).
 *   2. It is checked against the kernel's configuration: a service the
 *      file adds must not exist yet; one its backends name without adding
 *      it must exist and not have that backend yet (exit 1 otherwise).
 *   3. Each new service is created with its backends in one request, so
 *      that no client sees it with only some; then the kernel's services
 *      get theirs, one request each.  When the kernel refuses a request
 *      (a limit, an unknown scheduler, a port in use, someone else's
 *      change since step 2), what this restore applied is removed again,
 *      connections to it cut, so the configuration is as it was (exit 1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "lbctl.h"

struct restore {
	struct lbctl *c;
	const char *name;		/* the file, for messages */
	struct slb_cfg cfg;
	struct lbctl_config kernel;
	bool *svc_added;		/* by index into cfg.svc */
	bool *be_added;			/* by index into cfg.be */
};

static void restore_at(struct restore *r, unsigned int line)
{
	snprintf(r->c->where, sizeof(r->c->where), "%s:%u", r->name, line);
}

static const struct lbctl_service *kernel_service(const struct restore *r,
						  const struct slb_cfg_service *s)
{
	size_t i;

	for (i = 0; i < r->kernel.nsvc; i++)
		if (slb_addr_equal(&r->kernel.svc[i].addr, &s->addr))
			return &r->kernel.svc[i];
	return NULL;
}

static bool kernel_has_backend(const struct lbctl_service *ks,
			       const struct slb_cfg_backend *b)
{
	size_t i;

	for (i = 0; i < ks->nbe; i++)
		if (slb_addr_equal(&ks->be[i].addr, &b->addr))
			return true;
	return false;
}

/* Step 2: every reference the file makes, against the kernel's state. */
static int restore_check(struct restore *r)
{
	const struct lbctl_service *ks;
	char a[SLB_ADDR_STRLEN], s[SLB_ADDR_STRLEN];
	struct lbctl_req all = { 0 };
	unsigned int i, nerr = 0;

	if (lbctl_dump_config(r->c, &all, true, &r->kernel))
		return -1;
	for (i = 0; i < r->cfg.nsvc; i++) {
		const struct slb_cfg_service *sv = &r->cfg.svc[i];

		ks = kernel_service(r, sv);
		slb_addr_format(&sv->addr, a, sizeof(a));
		restore_at(r, sv->line);
		if (sv->external && !ks) {
			lbctl_err(r->c, "no service %s: the file does not add "
				  "it and the kernel has none", a);
			nerr++;
		} else if (!sv->external && ks) {
			lbctl_err(r->c, "service %s already exists", a);
			nerr++;
		}
	}
	for (i = 0; i < r->cfg.nbe; i++) {
		const struct slb_cfg_backend *b = &r->cfg.be[i];
		const struct slb_cfg_service *sv = &r->cfg.svc[b->service];

		ks = kernel_service(r, sv);
		if (!sv->external || !ks || !kernel_has_backend(ks, b))
			continue;
		restore_at(r, b->line);
		lbctl_err(r->c, "backend %s already in service %s",
			  slb_addr_format(&b->addr, a, sizeof(a)),
			  slb_addr_format(&sv->addr, s, sizeof(s)));
		nerr++;
	}
	return nerr ? -1 : 0;
}

/* The "backend add" of the file's backend @i. */
static void backend_req(const struct restore *r, unsigned int i,
			struct lbctl_req *req)
{
	const struct slb_cfg_backend *b = &r->cfg.be[i];

	memset(req, 0, sizeof(*req));
	req->op = LBCTL_BACKEND_ADD;
	req->has = LBCTL_HAS_ADDR | LBCTL_HAS_SVC;
	req->addr = b->addr;
	req->svc = r->cfg.svc[b->service].addr;
	req->weight = b->weight;
	req->state = (uint8_t)b->state;
	req->maxconn = b->maxconn;
	req->check_port = (uint16_t)b->check_port;
	req->agent_port = (uint16_t)b->agent_port;
	req->agent_inter_ms = b->agent_inter_ms;
	req->proxy_protocol = (uint8_t)b->proxy_protocol;
	/* Unset options are the kernel's defaults. */
	if (b->has & SLB_CFG_HAS_WEIGHT)
		req->has |= LBCTL_HAS_WEIGHT;
	if (b->has & SLB_CFG_HAS_STATE)
		req->has |= LBCTL_HAS_STATE;
	if (b->has & SLB_CFG_HAS_MAXCONN)
		req->has |= LBCTL_HAS_MAXCONN;
	if (b->has & SLB_CFG_HAS_CHECK_PORT)
		req->has |= LBCTL_HAS_CHECK_PORT;
	if (b->has & SLB_CFG_HAS_AGENT_PORT)
		req->has |= LBCTL_HAS_AGENT_PORT;
	if (b->has & SLB_CFG_HAS_AGENT_INTER)
		req->has |= LBCTL_HAS_AGENT_INTER;
	if (b->has & SLB_CFG_HAS_PROXY_PROTOCOL)
		req->has |= LBCTL_HAS_PROXY_PROTOCOL;
}

static int restore_backend(struct restore *r, unsigned int i)
{
	struct lbctl_req req;

	backend_req(r, i, &req);
	restore_at(r, r->cfg.be[i].line);
	if (lbctl_nl_simple(r->c, &req))
		return -1;
	r->be_added[i] = true;
	return 0;
}

/*
 * New service @i, created with its backends in one request: the kernel
 * has them all in place before the listener opens.  Only a service with
 * more than fit in LBCTL_SERVICE_NEW_MAX gets the rest afterwards.
 */
static int restore_service(struct restore *r, unsigned int i)
{
	const struct slb_cfg_service *sv = &r->cfg.svc[i];
	struct lbctl_req req = {
		.op = LBCTL_SERVICE_ADD,
		.has = LBCTL_HAS_ADDR,
		.addr = sv->addr,
		.opts = sv->opts,
		.backlog = sv->backlog,
		.maxconn = sv->maxconn,
		.maxqueue = sv->maxqueue,
		.queue_timeout_ms = sv->queue_timeout_ms,
		.slowstart_ms = sv->slowstart_ms,
		.proxy_protocol = (uint8_t)sv->proxy_protocol,
		.accept_proxy = sv->accept_proxy,
		.source = sv->source,
		.check = sv->check,
		.check_given = sv->check_given,
	};
	unsigned int *idx, n = 0, j;
	struct lbctl_req *be;
	size_t sent;
	int err;

	if (sv->has & SLB_CFG_HAS_SCHED)
		req.has |= LBCTL_HAS_SCHED;
	if (sv->has & SLB_CFG_HAS_BACKLOG)
		req.has |= LBCTL_HAS_BACKLOG;
	if (sv->has & SLB_CFG_HAS_MAXCONN)
		req.has |= LBCTL_HAS_MAXCONN;
	if (sv->has & SLB_CFG_HAS_HASH_KEY)
		req.has |= LBCTL_HAS_HASH_KEY;
	if (sv->has & SLB_CFG_HAS_SEED)
		req.has |= LBCTL_HAS_SEED;
	if (sv->has & SLB_CFG_HAS_TABLE_SIZE)
		req.has |= LBCTL_HAS_TABLE_SIZE;
	if (sv->has & SLB_CFG_HAS_MAXQUEUE)
		req.has |= LBCTL_HAS_MAXQUEUE;
	if (sv->has & SLB_CFG_HAS_QUEUE_TIMEOUT)
		req.has |= LBCTL_HAS_QUEUE_TIMEOUT;
	if (sv->has & SLB_CFG_HAS_SLOWSTART)
		req.has |= LBCTL_HAS_SLOWSTART;
	if (sv->has & SLB_CFG_HAS_PROXY_PROTOCOL)
		req.has |= LBCTL_HAS_PROXY_PROTOCOL;
	if (sv->has & SLB_CFG_HAS_ACCEPT_PROXY)
		req.has |= LBCTL_HAS_ACCEPT_PROXY;
	if (sv->has & SLB_CFG_HAS_SOURCE)
		req.has |= LBCTL_HAS_SOURCE;
	memcpy(req.sched, sv->sched, sizeof(req.sched));
	be = calloc(r->cfg.nbe + 1, sizeof(*be));
	idx = calloc(r->cfg.nbe + 1, sizeof(*idx));
	if (!be || !idx) {
		free(be);
		free(idx);
		lbctl_err(r->c, "out of memory");
		return -1;
	}
	for (j = 0; j < r->cfg.nbe; j++) {
		if (r->cfg.be[j].service != i)
			continue;
		backend_req(r, j, &be[n]);
		idx[n++] = j;
	}
	restore_at(r, sv->line);
	err = lbctl_nl_service_new(r->c, &req, be, n, &sent);
	if (!err) {
		r->svc_added[i] = true;
		for (j = 0; j < sent; j++)
			r->be_added[idx[j]] = true;
		for (j = (unsigned int)sent; j < n && !err; j++)
			err = restore_backend(r, idx[j]);
	}
	free(be);
	free(idx);
	return err ? -1 : 0;
}

/* Step 3: new services with their backends, then the kernel's services'. */
static int restore_apply(struct restore *r)
{
	unsigned int i, j;

	for (i = 0; i < r->cfg.nsvc; i++)
		if (!r->cfg.svc[i].external && restore_service(r, i))
			return -1;
	for (j = 0; j < r->cfg.nbe; j++)
		if (r->cfg.svc[r->cfg.be[j].service].external &&
		    restore_backend(r, j))
			return -1;
	return 0;
}

/*
 * Remove what restore_apply() added: a new service goes with its
 * backends, the backends added to the kernel's services one by one.
 */
static void restore_undo(struct restore *r)
{
	struct lbctl_req req;
	unsigned int i, nfail = 0;

	for (i = 0; i < r->cfg.nbe; i++) {
		const struct slb_cfg_backend *b = &r->cfg.be[i];

		if (!r->be_added[i] || !r->cfg.svc[b->service].external)
			continue;
		memset(&req, 0, sizeof(req));
		req.op = LBCTL_BACKEND_DEL;
		req.has = LBCTL_HAS_ADDR | LBCTL_HAS_SVC | LBCTL_HAS_CUT;
		req.addr = b->addr;
		req.svc = r->cfg.svc[b->service].addr;
		restore_at(r, b->line);
		nfail += lbctl_nl_simple(r->c, &req) != LBCTL_OK;
	}
	for (i = 0; i < r->cfg.nsvc; i++) {
		if (!r->svc_added[i])
			continue;
		memset(&req, 0, sizeof(req));
		req.op = LBCTL_SERVICE_DEL;
		req.has = LBCTL_HAS_ADDR | LBCTL_HAS_CUT;
		req.addr = r->cfg.svc[i].addr;
		restore_at(r, r->cfg.svc[i].line);
		nfail += lbctl_nl_simple(r->c, &req) != LBCTL_OK;
	}
	snprintf(r->c->where, sizeof(r->c->where), "%s", r->name);
	if (nfail)
		lbctl_err(r->c, "%u of the changes could not be undone", nfail);
	else
		lbctl_err(r->c, "nothing applied: the configuration is as it "
			  "was");
}

static int restore_run(struct restore *r, FILE *f)
{
	if (slb_cfg_read(&r->cfg, f, r->name, stderr))
		return LBCTL_USAGE;
	r->svc_added = calloc(r->cfg.nsvc + 1, sizeof(*r->svc_added));
	r->be_added = calloc(r->cfg.nbe + 1, sizeof(*r->be_added));
	if (!r->svc_added || !r->be_added) {
		lbctl_err(r->c, "out of memory");
		return LBCTL_REFUSED;
	}
	if (restore_check(r))
		return LBCTL_REFUSED;
	if (restore_apply(r)) {
		restore_undo(r);
		return LBCTL_REFUSED;
	}
	return LBCTL_OK;
}

int cmd_restore(struct lbctl *c, const struct lbctl_req *req)
{
	struct restore r = {
		.c = c,
		.name = strcmp(req->file, "-") ? req->file : "<stdin>",
	};
	char saved[sizeof(c->where)];
	FILE *f;
	int ret;

	f = strcmp(req->file, "-") ? fopen(req->file, "re") : stdin;
	if (!f) {
		lbctl_err(c, "%s: %s", req->file, strerror(errno));
		return LBCTL_REFUSED;
	}
	memcpy(saved, c->where, sizeof(saved));
	slb_cfg_init(&r.cfg, SLB_CFG_EXTERNAL);
	ret = restore_run(&r, f);
	memcpy(c->where, saved, sizeof(saved));
	lbctl_config_free(&r.kernel);
	slb_cfg_free(&r.cfg);
	free(r.svc_added);
	free(r.be_added);
	if (f != stdin)
		fclose(f);
	return ret;
}
