// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Reading what the kernel reports: the attributes of services, backends,
 * connections and counters, and the dumps that gather the configuration.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "addr.h"
#include "lbctl.h"

/* A dump that keeps racing with changes is given up after this many. */
#define DUMP_TRIES 10

/* tb[type] for the attributes of a nest (or of a message). */
struct attrs {
	const struct nlattr *tb[32];
};

static int attrs_cb(const struct nlattr *attr, void *data)
{
	struct attrs *a = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type < sizeof(a->tb) / sizeof(a->tb[0]))
		a->tb[type] = attr;
	return MNL_CB_OK;
}

static int parse_nested(const struct nlattr *nest, struct attrs *a)
{
	memset(a, 0, sizeof(*a));
	if (!nest)
		return -1;
	return mnl_attr_parse_nested(nest, attrs_cb, a) < 0 ? -1 : 0;
}

static int parse_msg(const struct nlmsghdr *nlh, struct attrs *a)
{
	memset(a, 0, sizeof(*a));
	return mnl_attr_parse(nlh, GENL_HDRLEN, attrs_cb, a) < 0 ? -1 : 0;
}

static int get_u8(const struct nlattr *a, uint8_t *v)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U8))
		return -1;
	*v = mnl_attr_get_u8(a);
	return 0;
}

static int get_u16(const struct nlattr *a, uint16_t *v)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U16))
		return -1;
	*v = mnl_attr_get_u16(a);
	return 0;
}

static int get_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U32))
		return -1;
	*v = mnl_attr_get_u32(a);
	return 0;
}

static int get_u64(const struct nlattr *a, uint64_t *v)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U64))
		return -1;
	*v = mnl_attr_get_u64(a);
	return 0;
}

static int parse_ep(const struct nlattr *nest, struct sockaddr_storage *ss)
{
	const struct nlattr *addr, *port, *family;
	struct attrs a;

	if (parse_nested(nest, &a))
		return -1;
	family = a.tb[SPLICELB_EP_A_FAMILY];
	addr = a.tb[SPLICELB_EP_A_ADDR];
	port = a.tb[SPLICELB_EP_A_PORT];
	if (!family || !addr || !port ||
	    mnl_attr_validate(family, MNL_TYPE_U16) ||
	    mnl_attr_validate(port, MNL_TYPE_U16))
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (mnl_attr_get_u16(family) == AF_INET &&
	    mnl_attr_get_payload_len(addr) == 4) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, mnl_attr_get_payload(addr), 4);
		in->sin_port = htons(mnl_attr_get_u16(port));
		return 0;
	}
	if (mnl_attr_get_u16(family) == AF_INET6 &&
	    mnl_attr_get_payload_len(addr) == 16) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, mnl_attr_get_payload(addr), 16);
		in6->sin6_port = htons(mnl_attr_get_u16(port));
		return 0;
	}
	return -1;
}

/* Counters the kernel does not send stay 0: newer or older kernels. */
static int parse_counters(const struct nlattr *nest, struct lbctl_counters *st)
{
	static const uint16_t attr[SLB_CTR_NUM] = {
#define SLB_COUNTER(kind, name, ATTR, line, label)			\
		[SLB_CTR_##ATTR] = SPLICELB_STATS_A_##ATTR,
#include SLB_COUNTER_LIST
	};
	struct attrs a;
	int i;

	memset(st, 0, sizeof(*st));
	if (!nest)
		return 0;
	if (parse_nested(nest, &a))
		return -1;
	for (i = 0; i < SLB_CTR_NUM; i++)
		if (a.tb[attr[i]] && get_u64(a.tb[attr[i]], &st->v[i]))
			return -1;
	st->present = true;
	return 0;
}

/*
 * The scheduler options of a service nest: the kernel sends those its
 * scheduler takes, and only those.
 */
static int parse_sched_opts(const struct attrs *a, struct lbctl_service *s)
{
	const struct nlattr *key = a->tb[SPLICELB_SVC_A_HASH_KEY];
	const struct nlattr *seed = a->tb[SPLICELB_SVC_A_SEED];
	const struct nlattr *size = a->tb[SPLICELB_SVC_A_TABLE_SIZE];
	uint8_t k = 0;

	if ((key && get_u8(key, &k)) ||
	    (seed && get_u32(seed, &s->opts.seed)) ||
	    (size && get_u32(size, &s->opts.table_size)))
		return -1;
	s->opts.hash_key = k;
	s->opts_has = (key ? SLB_SCHED_OPT_HASH_KEY : 0) |
		      (seed ? SLB_SCHED_OPT_SEED : 0) |
		      (size ? SLB_SCHED_OPT_TABLE_SIZE : 0);
	return 0;
}

/* A check's string, when there: one longer than a check takes is no reply. */
static int get_check_string(const struct nlattr *a, uint8_t *out,
			    uint16_t *len)
{
	size_t n;

	if (!a)
		return 0;
	n = mnl_attr_get_payload_len(a);
	if (n > SLB_CHECK_DATA_MAX)
		return -1;
	memcpy(out, mnl_attr_get_payload(a), n);
	*len = (uint16_t)n;
	return 0;
}

/* The check of a service nest; a kernel without checks runs none. */
static int parse_check(const struct attrs *a, struct slb_check_params *c)
{
	const struct nlattr *type = a->tb[SPLICELB_SVC_A_CHECK_TYPE];

	slb_check_params_init(c);
	if ((type && get_u8(type, &c->type)) ||
	    get_check_string(a->tb[SPLICELB_SVC_A_CHECK_SEND], c->send,
			     &c->send_len) ||
	    get_check_string(a->tb[SPLICELB_SVC_A_CHECK_EXPECT], c->expect,
			     &c->expect_len))
		return -1;
#define SLB_CHECK_PARAM(field, SET, ATTR, kind, word)			\
	if (a->tb[SPLICELB_SVC_A_CHECK_##ATTR] &&			\
	    get_u32(a->tb[SPLICELB_SVC_A_CHECK_##ATTR], &c->field))	\
		return -1;
#include "check_list.h"
	return 0;
}

/*
 * What the checks found of a backend; absent from a kernel without
 * checks, where every backend is healthy and none was checked.
 */
static int parse_health(const struct attrs *be, struct lbctl_backend *b)
{
	const struct nlattr *const *tb = be->tb;

	if ((tb[SPLICELB_BE_A_CHECK_PORT] &&
	     get_u16(tb[SPLICELB_BE_A_CHECK_PORT], &b->check_port)) ||
	    (tb[SPLICELB_BE_A_HEALTH] &&
	     get_u8(tb[SPLICELB_BE_A_HEALTH], &b->health)) ||
	    (tb[SPLICELB_BE_A_CHECK_RESULT] &&
	     get_u8(tb[SPLICELB_BE_A_CHECK_RESULT], &b->check_result)) ||
	    (tb[SPLICELB_BE_A_CHECK_COUNT] &&
	     get_u32(tb[SPLICELB_BE_A_CHECK_COUNT], &b->check_count)) ||
	    (tb[SPLICELB_BE_A_HEALTH_AGE_MS] &&
	     get_u64(tb[SPLICELB_BE_A_HEALTH_AGE_MS], &b->health_age_ms)))
		return -1;
	return 0;
}

/*
 * A backend's agent: none from a kernel without agents, and what it said
 * only with an agent-port; where absent, what an agent that said nothing
 * leaves: all of the weight, ready, up.
 */
static int parse_agent(const struct attrs *be, struct lbctl_backend *b)
{
	const struct nlattr *const *tb = be->tb;

	b->agent_inter_ms = SPLICELB_AGENT_INTER_DEF_MS;
	b->agent_pct = SPLICELB_AGENT_PCT_MAX;
	b->agent_admin = SPLICELB_AGENT_READY;
	b->agent_health = SPLICELB_HEALTH_UP;
	if ((tb[SPLICELB_BE_A_AGENT_PORT] &&
	     get_u16(tb[SPLICELB_BE_A_AGENT_PORT], &b->agent_port)) ||
	    (tb[SPLICELB_BE_A_AGENT_INTER_MS] &&
	     get_u32(tb[SPLICELB_BE_A_AGENT_INTER_MS], &b->agent_inter_ms)) ||
	    (tb[SPLICELB_BE_A_AGENT_RESULT] &&
	     get_u8(tb[SPLICELB_BE_A_AGENT_RESULT], &b->agent_result)) ||
	    (tb[SPLICELB_BE_A_AGENT_PCT] &&
	     get_u32(tb[SPLICELB_BE_A_AGENT_PCT], &b->agent_pct)) ||
	    (tb[SPLICELB_BE_A_AGENT_ADMIN] &&
	     get_u8(tb[SPLICELB_BE_A_AGENT_ADMIN], &b->agent_admin)) ||
	    (tb[SPLICELB_BE_A_AGENT_HEALTH] &&
	     get_u8(tb[SPLICELB_BE_A_AGENT_HEALTH], &b->agent_health)))
		return -1;
	return 0;
}

/* One address of a source pool, its family by its length. */
static int parse_source_addr(const struct nlattr *a, struct slb_source *src)
{
	struct sockaddr_storage ss;

	if (slb_addr_from_bytes(&ss, mnl_attr_get_payload(a),
				mnl_attr_get_payload_len(a)))
		return -1;
	return slb_source_add(src, &ss);
}

/*
 * A service's source: the client flag, or the pool's addresses, each
 * repeated attribute in turn; an empty nest, or none from a kernel
 * without sources, is none.
 */
static int parse_source(const struct nlattr *nest, struct slb_source *src)
{
	const struct nlattr *a;

	memset(src, 0, sizeof(*src));
	if (!nest)
		return 0;
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case SPLICELB_SOURCE_A_CLIENT:
			src->pool.client = true;
			break;
		case SPLICELB_SOURCE_A_ADDR:
			if (parse_source_addr(a, src))
				return -1;
			break;
		}
	}
	return 0;
}

static int parse_service_nest(const struct nlattr *nest,
			      struct lbctl_service *s, bool full)
{
	const struct nlattr *sched;
	struct attrs a;

	memset(s, 0, sizeof(*s));
	if (parse_nested(nest, &a) || parse_ep(a.tb[SPLICELB_SVC_A_EP],
					       &s->addr))
		return -1;
	if (!full)
		return 0;
	sched = a.tb[SPLICELB_SVC_A_SCHED];
	if (!sched || mnl_attr_validate(sched, MNL_TYPE_NUL_STRING) ||
	    get_u32(a.tb[SPLICELB_SVC_A_BACKLOG], &s->backlog) ||
	    get_u32(a.tb[SPLICELB_SVC_A_MAXCONN], &s->maxconn))
		return -1;
	snprintf(s->sched, sizeof(s->sched), "%s", mnl_attr_get_str(sched));
	if (parse_sched_opts(&a, s))
		return -1;
	/*
	 * A kernel that reports no queue has none, one that reports no
	 * slowstart no slow start, and one without the PROXY protocol
	 * neither sends nor reads a header: these are what it does.
	 */
	s->queue_timeout_ms = SPLICELB_QUEUE_TIMEOUT_DEF_MS;
	if ((a.tb[SPLICELB_SVC_A_MAXQUEUE] &&
	     get_u32(a.tb[SPLICELB_SVC_A_MAXQUEUE], &s->maxqueue)) ||
	    (a.tb[SPLICELB_SVC_A_QUEUE_TIMEOUT_MS] &&
	     get_u32(a.tb[SPLICELB_SVC_A_QUEUE_TIMEOUT_MS],
		     &s->queue_timeout_ms)) ||
	    (a.tb[SPLICELB_SVC_A_SLOWSTART_MS] &&
	     get_u32(a.tb[SPLICELB_SVC_A_SLOWSTART_MS], &s->slowstart_ms)) ||
	    (a.tb[SPLICELB_SVC_A_PROXY_PROTOCOL] &&
	     get_u8(a.tb[SPLICELB_SVC_A_PROXY_PROTOCOL],
		    &s->proxy_protocol)) ||
	    (a.tb[SPLICELB_SVC_A_ACCEPT_PROXY] &&
	     get_u8(a.tb[SPLICELB_SVC_A_ACCEPT_PROXY], &s->accept_proxy)) ||
	    parse_source(a.tb[SPLICELB_SVC_A_SOURCE], &s->source))
		return -1;
	if (parse_check(&a, &s->check) ||
	    (a.tb[SPLICELB_SVC_A_NBACKENDS] &&
	     get_u32(a.tb[SPLICELB_SVC_A_NBACKENDS], &s->nbackends)))
		return -1;
	return parse_counters(a.tb[SPLICELB_SVC_A_STATS], &s->st);
}

int lbctl_parse_service(const struct nlmsghdr *nlh, struct lbctl_service *s)
{
	struct attrs a;

	if (parse_msg(nlh, &a))
		return -1;
	return parse_service_nest(a.tb[SPLICELB_A_SERVICE], s, true);
}

int lbctl_parse_backend(const struct nlmsghdr *nlh, struct lbctl_backend *b)
{
	struct lbctl_service s;
	struct attrs a, be;

	memset(b, 0, sizeof(*b));
	if (parse_msg(nlh, &a) ||
	    parse_service_nest(a.tb[SPLICELB_A_SERVICE], &s, false) ||
	    parse_nested(a.tb[SPLICELB_A_BACKEND], &be) ||
	    parse_ep(be.tb[SPLICELB_BE_A_EP], &b->addr) ||
	    get_u32(be.tb[SPLICELB_BE_A_WEIGHT], &b->weight) ||
	    get_u8(be.tb[SPLICELB_BE_A_STATE], &b->state))
		return -1;
	/*
	 * Absent from a kernel without the limit: 0, no limit; from one
	 * without slow starts, the weight is what its scheduler counts;
	 * from one without the PROXY protocol, its service's (none).
	 */
	b->eweight = b->weight * SPLICELB_WEIGHT_SCALE;
	b->proxy_protocol = SPLICELB_PROXY_INHERIT;
	if ((be.tb[SPLICELB_BE_A_MAXCONN] &&
	     get_u32(be.tb[SPLICELB_BE_A_MAXCONN], &b->maxconn)) ||
	    (be.tb[SPLICELB_BE_A_EWEIGHT] &&
	     get_u32(be.tb[SPLICELB_BE_A_EWEIGHT], &b->eweight)) ||
	    (be.tb[SPLICELB_BE_A_PROXY_PROTOCOL] &&
	     get_u8(be.tb[SPLICELB_BE_A_PROXY_PROTOCOL],
		    &b->proxy_protocol)) ||
	    parse_health(&be, b) || parse_agent(&be, b))
		return -1;
	b->svc = s.addr;
	return parse_counters(be.tb[SPLICELB_BE_A_STATS], &b->st);
}

int lbctl_parse_conn(const struct nlmsghdr *nlh, struct lbctl_conn *conn)
{
	struct attrs a, c;

	memset(conn, 0, sizeof(*conn));
	if (parse_msg(nlh, &a) || parse_nested(a.tb[SPLICELB_A_CONN], &c) ||
	    get_u32(c.tb[SPLICELB_CONN_A_ID], &conn->id) ||
	    parse_ep(c.tb[SPLICELB_CONN_A_CLIENT], &conn->client) ||
	    parse_ep(c.tb[SPLICELB_CONN_A_SERVICE], &conn->service) ||
	    get_u8(c.tb[SPLICELB_CONN_A_STATE], &conn->state))
		return -1;
	if (c.tb[SPLICELB_CONN_A_BACKEND]) {
		if (parse_ep(c.tb[SPLICELB_CONN_A_BACKEND], &conn->backend))
			return -1;
		conn->has_backend = true;
	}
	if (c.tb[SPLICELB_CONN_A_PEER]) {
		if (parse_ep(c.tb[SPLICELB_CONN_A_PEER], &conn->peer))
			return -1;
		conn->has_peer = true;
	}
	/* Measurements are optional: 0 when the kernel has none. */
	if ((c.tb[SPLICELB_CONN_A_AGE_MS] &&
	     get_u64(c.tb[SPLICELB_CONN_A_AGE_MS], &conn->age_ms)) ||
	    (c.tb[SPLICELB_CONN_A_BYTES_IN] &&
	     get_u64(c.tb[SPLICELB_CONN_A_BYTES_IN], &conn->bytes_in)) ||
	    (c.tb[SPLICELB_CONN_A_BYTES_OUT] &&
	     get_u64(c.tb[SPLICELB_CONN_A_BYTES_OUT], &conn->bytes_out)) ||
	    (c.tb[SPLICELB_CONN_A_CLIENT_RTT_US] &&
	     get_u32(c.tb[SPLICELB_CONN_A_CLIENT_RTT_US],
		     &conn->client_rtt_us)) ||
	    (c.tb[SPLICELB_CONN_A_CLIENT_RETRANS] &&
	     get_u32(c.tb[SPLICELB_CONN_A_CLIENT_RETRANS],
		     &conn->client_retrans)) ||
	    (c.tb[SPLICELB_CONN_A_BACKEND_RTT_US] &&
	     get_u32(c.tb[SPLICELB_CONN_A_BACKEND_RTT_US],
		     &conn->backend_rtt_us)) ||
	    (c.tb[SPLICELB_CONN_A_BACKEND_RETRANS] &&
	     get_u32(c.tb[SPLICELB_CONN_A_BACKEND_RETRANS],
		     &conn->backend_retrans)))
		return -1;
	return 0;
}

int lbctl_parse_stats(const struct nlmsghdr *nlh, struct lbctl_counters *st)
{
	struct attrs a;

	if (parse_msg(nlh, &a) || !a.tb[SPLICELB_A_STATS])
		return -1;
	return parse_counters(a.tb[SPLICELB_A_STATS], st);
}

/* ---- the configuration -------------------------------------------------- */

void lbctl_config_free(struct lbctl_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nsvc; i++)
		free(cfg->svc[i].be);
	free(cfg->svc);
	memset(cfg, 0, sizeof(*cfg));
}

static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*arr, ncap * size);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

struct dump_state {
	struct lbctl_config *cfg;
	size_t last;		/* the service the last backend went to */
	bool nomem;
};

static int service_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_state *d = data;
	struct lbctl_config *cfg = d->cfg;

	if (grow((void **)&cfg->svc, &cfg->cap, cfg->nsvc, sizeof(*cfg->svc))) {
		d->nomem = true;
		return MNL_CB_OK;
	}
	if (lbctl_parse_service(nlh, &cfg->svc[cfg->nsvc]))
		return -1;
	cfg->nsvc++;
	return MNL_CB_OK;
}

static int backend_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_state *d = data;
	struct lbctl_config *cfg = d->cfg;
	struct lbctl_service *s = NULL;
	struct lbctl_backend b;
	size_t i;

	if (lbctl_parse_backend(nlh, &b))
		return -1;
	/* Backends come service by service: look where the last one went. */
	if (d->last < cfg->nsvc &&
	    slb_addr_equal(&cfg->svc[d->last].addr, &b.svc)) {
		s = &cfg->svc[d->last];
	} else {
		for (i = 0; i < cfg->nsvc; i++) {
			if (slb_addr_equal(&cfg->svc[i].addr, &b.svc)) {
				s = &cfg->svc[i];
				d->last = i;
				break;
			}
		}
	}
	/* A service added after its dump: the next try sees it. */
	if (!s)
		return MNL_CB_OK;
	if (grow((void **)&s->be, &s->cap, s->nbe, sizeof(*s->be))) {
		d->nomem = true;
		return MNL_CB_OK;
	}
	s->be[s->nbe++] = b;
	return MNL_CB_OK;
}

/* One consistent reading: services, then (when asked) their backends. */
static int dump_once(struct lbctl *c, const struct lbctl_req *req,
		     bool backends, struct lbctl_config *cfg)
{
	struct dump_state d = { .cfg = cfg };
	struct lbctl_req r = *req;
	int err;

	if (req->has & LBCTL_HAS_ADDR) {
		err = lbctl_nl_talk(c, SPLICELB_CMD_SERVICE_GET, 0, req,
				    service_cb, &d);
		/* The backends of just this service. */
		r.svc = req->addr;
		r.has |= LBCTL_HAS_SVC;
	} else {
		err = lbctl_nl_talk(c, SPLICELB_CMD_SERVICE_GET, NLM_F_DUMP,
				    req, service_cb, &d);
		r.has &= ~LBCTL_HAS_SVC;
	}
	if (!err && backends)
		err = lbctl_nl_talk(c, SPLICELB_CMD_BACKEND_GET, NLM_F_DUMP,
				    &r, backend_cb, &d);
	if (!err && d.nomem) {
		lbctl_err(c, "out of memory");
		err = -ENOMEM;
	}
	return err;
}

int lbctl_dump_config(struct lbctl *c, const struct lbctl_req *req,
		      bool backends, struct lbctl_config *cfg)
{
	int err, tries;

	memset(cfg, 0, sizeof(*cfg));
	for (tries = 0; tries < DUMP_TRIES; tries++) {
		err = dump_once(c, req, backends, cfg);
		if (err != -EINTR)
			break;
		/* Changed while we read: read it all again. */
		lbctl_config_free(cfg);
	}
	if (err == -EINTR)
		lbctl_err(c, "the configuration keeps changing; giving up");
	if (err)
		lbctl_config_free(cfg);
	return err;
}
