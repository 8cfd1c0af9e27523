// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "splicelb": configuration requests, dumps of
 * services, backends and connections, and events on the "events" group.
 *
 * This file only checks and translates: what an attribute may hold is in
 * the policies (one per nesting level) and in the few checks a policy
 * cannot express (an address as long as its family says, a known
 * scheduler); what a request does to services and backends is up to
 * service.c and backend.c, which also word the errors about the objects
 * themselves ("service ... already exists").
 */
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <uapi/linux/splicelb.h>

#include "backend.h"
#include "check.h"
#include "compat.h"
#include "conn.h"
#include "health.h"
#include "netlink.h"
#include "netns.h"
#include "service.h"

enum slb_nl_mcgrp {
	SLB_NL_MCGRP_EVENTS,
};

/*
 * Notifications come from the data path and from namespace teardown too,
 * which may run while the family is being unregistered at module unload:
 * senders check this under RCU, and uninit waits for them.
 */
static bool slb_nl_ready;

/* ---- policies ----------------------------------------------------------- */

static const struct nla_policy slb_nl_ep_policy[SPLICELB_EP_A_MAX + 1] = {
	/* AF_INET or AF_INET6; the range only bounds it, see slb_nl_get_ep */
	[SPLICELB_EP_A_FAMILY] = NLA_POLICY_RANGE(NLA_U16, AF_INET, AF_INET6),
	[SPLICELB_EP_A_ADDR] = NLA_POLICY_RANGE(NLA_BINARY,
						sizeof(struct in_addr),
						sizeof(struct in6_addr)),
	[SPLICELB_EP_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

/* The policy's own min/max are s16: wider ranges go through a pointer. */
static struct netlink_range_validation slb_nl_backlog_range = {
	.min = 1,
	.max = SPLICELB_BACKLOG_MAX,
};

static struct netlink_range_validation slb_nl_weight_range = {
	.min = 0,
	.max = SPLICELB_WEIGHT_MAX,
};

/* Whether the size is a prime is for slb_sched_opts_check to say. */
static struct netlink_range_validation slb_nl_table_size_range = {
	.min = 7,
	.max = SPLICELB_MH_TABLE_MAX,
};

/* Not 0: that would be a second way to say no queue, maxqueue 0's. */
static struct netlink_range_validation slb_nl_queue_timeout_range = {
	.min = 1,
	.max = SPLICELB_QUEUE_TIMEOUT_MAX_MS,
};

/* 0: no slow start. */
static struct netlink_range_validation slb_nl_slowstart_range = {
	.min = 0,
	.max = SPLICELB_SLOWSTART_MAX_MS,
};

/*
 * A check's intervals and timeout: 0 where it stands for the interval
 * (all but inter itself), else from the shortest to an hour.  What lies
 * between 0 and the shortest is refused by slb_check_params_invalid, with
 * the rest of the check: the policy takes the spec's ranges as they are.
 */
static struct netlink_range_validation slb_nl_check_inter_range = {
	.min = SPLICELB_CHECK_INTER_MIN_MS,
	.max = SPLICELB_CHECK_INTER_MAX_MS,
};

static struct netlink_range_validation slb_nl_check_ms_range = {
	.min = 0,
	.max = SPLICELB_CHECK_INTER_MAX_MS,
};

static const struct nla_policy
slb_nl_source_policy[SPLICELB_SOURCE_A_MAX + 1] = {
	[SPLICELB_SOURCE_A_CLIENT] = { .type = NLA_FLAG },
	/* Its family by its length; the range only bounds it. */
	[SPLICELB_SOURCE_A_ADDR] = NLA_POLICY_RANGE(NLA_BINARY,
						    sizeof(struct in_addr),
						    sizeof(struct in6_addr)),
};

/*
 * Counters and other attributes the kernel only reports have no entry:
 * strict validation rejects them in a request.
 */
static const struct nla_policy slb_nl_svc_policy[SPLICELB_SVC_A_MAX + 1] = {
	[SPLICELB_SVC_A_EP] = NLA_POLICY_NESTED(slb_nl_ep_policy),
	[SPLICELB_SVC_A_SCHED] = { .type = NLA_NUL_STRING,
				   .len = SPLICELB_SCHED_NAME_MAX - 1 },
	[SPLICELB_SVC_A_BACKLOG] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&slb_nl_backlog_range),
	[SPLICELB_SVC_A_MAXCONN] = { .type = NLA_U32 },
	[SPLICELB_SVC_A_HASH_KEY] = NLA_POLICY_MAX(NLA_U8,
						   SPLICELB_HASH_KEY_ADDR_PORT),
	[SPLICELB_SVC_A_SEED] = { .type = NLA_U32 },
	[SPLICELB_SVC_A_TABLE_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&slb_nl_table_size_range),
	/* Waiters cost no memory of their own: they are connections. */
	[SPLICELB_SVC_A_MAXQUEUE] = { .type = NLA_U32 },
	[SPLICELB_SVC_A_QUEUE_TIMEOUT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&slb_nl_queue_timeout_range),
	[SPLICELB_SVC_A_CHECK_TYPE] = NLA_POLICY_MAX(NLA_U8,
					SPLICELB_CHECK_SEND_EXPECT),
	[SPLICELB_SVC_A_CHECK_SEND] = { .type = NLA_BINARY,
					.len = SPLICELB_CHECK_DATA_MAX },
	[SPLICELB_SVC_A_CHECK_EXPECT] = { .type = NLA_BINARY,
					  .len = SPLICELB_CHECK_DATA_MAX },
	[SPLICELB_SVC_A_CHECK_INTER_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&slb_nl_check_inter_range),
	[SPLICELB_SVC_A_CHECK_TIMEOUT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&slb_nl_check_ms_range),
	[SPLICELB_SVC_A_CHECK_RISE] = NLA_POLICY_RANGE(NLA_U32, 1,
					SPLICELB_CHECK_COUNT_MAX),
	[SPLICELB_SVC_A_CHECK_FALL] = NLA_POLICY_RANGE(NLA_U32, 1,
					SPLICELB_CHECK_COUNT_MAX),
	[SPLICELB_SVC_A_CHECK_FASTINTER_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&slb_nl_check_ms_range),
	[SPLICELB_SVC_A_CHECK_DOWNINTER_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&slb_nl_check_ms_range),
	[SPLICELB_SVC_A_CHECK_OBSERVE] = NLA_POLICY_MAX(NLA_U32,
					SPLICELB_CHECK_COUNT_MAX),
	[SPLICELB_SVC_A_SLOWSTART_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&slb_nl_slowstart_range),
	/* inherit is a backend's word only. */
	[SPLICELB_SVC_A_PROXY_PROTOCOL] = NLA_POLICY_MAX(NLA_U8,
							 SPLICELB_PROXY_V2),
	[SPLICELB_SVC_A_ACCEPT_PROXY] = NLA_POLICY_MAX(NLA_U8, 1),
	[SPLICELB_SVC_A_SOURCE] = NLA_POLICY_NESTED(slb_nl_source_policy),
};

static const struct nla_policy slb_nl_be_policy[SPLICELB_BE_A_MAX + 1] = {
	[SPLICELB_BE_A_EP] = NLA_POLICY_NESTED(slb_nl_ep_policy),
	[SPLICELB_BE_A_WEIGHT] = NLA_POLICY_FULL_RANGE(NLA_U32,
						       &slb_nl_weight_range),
	/* DRAINED is the kernel's to set, when a draining backend empties. */
	[SPLICELB_BE_A_STATE] = NLA_POLICY_MAX(NLA_U8, SPLICELB_BACKEND_DOWN),
	[SPLICELB_BE_A_MAXCONN] = { .type = NLA_U32 },
	/* 0: the backend's own port. */
	[SPLICELB_BE_A_CHECK_PORT] = { .type = NLA_U16 },
	/* 0: no agent.  It is polled at the intervals a check may have. */
	[SPLICELB_BE_A_AGENT_PORT] = { .type = NLA_U16 },
	[SPLICELB_BE_A_AGENT_INTER_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&slb_nl_check_inter_range),
	[SPLICELB_BE_A_PROXY_PROTOCOL] = NLA_POLICY_MAX(NLA_U8,
						SPLICELB_PROXY_INHERIT),
};

static const struct nla_policy slb_nl_policy[SPLICELB_A_MAX + 1] = {
	[SPLICELB_A_SERVICE] = NLA_POLICY_NESTED(slb_nl_svc_policy),
	[SPLICELB_A_BACKEND] = NLA_POLICY_NESTED(slb_nl_be_policy),
	[SPLICELB_A_CUT] = { .type = NLA_FLAG },
	[SPLICELB_A_BACKENDS] = NLA_POLICY_NESTED(slb_nl_be_policy),
};

static struct genl_family slb_nl_family;

/* ---- request checks ----------------------------------------------------- */

/*
 * Fail when attribute @type is missing from @tb (parsed from @nest, NULL at
 * the top level), naming it in the message and in the extack's
 * missing-attribute fields.  A macro: extack messages are string literals.
 */
#define slb_nl_require(extack, nest, tb, type)				\
	({								\
		bool __missing = NL_REQ_ATTR_CHECK(extack, nest, tb, type); \
									\
		if (__missing)						\
			NL_SET_ERR_MSG_MOD(extack, "missing " #type);	\
		__missing;						\
	})

/*
 * The core takes the last of repeated attributes; a request that repeats
 * one is more likely a bug in its sender than meant, so refuse it.  Only
 * SPLICELB_A_BACKENDS, at the top level, is meant to repeat (@may_repeat);
 * a nest passes 0, no type, since its own type 7 is another attribute.
 */
static int slb_nl_check_dups(struct nlattr *head, int len, int may_repeat,
			     struct netlink_ext_ack *extack)
{
	unsigned long seen = 0;
	struct nlattr *nla;
	int rem, type;

	nla_for_each_attr(nla, head, len, rem) {
		type = nla_type(nla);
		/* Validation already refused types past the policy. */
		if (type >= BITS_PER_LONG || type == may_repeat)
			continue;
		if (seen & BIT(type)) {
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "attribute given twice");
			return -EINVAL;
		}
		seen |= BIT(type);
	}
	return 0;
}

/* Refuse attributes of @tb[0..@max] outside the mask @allowed. */
static int slb_nl_check_allowed(struct nlattr **tb, int max,
				unsigned long allowed,
				struct netlink_ext_ack *extack)
{
	int type;

	for (type = 1; type <= max; type++) {
		if (tb[type] && !(allowed & BIT(type))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[type],
					    "attribute not valid in this request");
			return -EINVAL;
		}
	}
	return 0;
}

/* The top level of a request: no repeats, only the attributes it takes. */
static int slb_nl_check_request(const struct nlmsghdr *nlh,
				struct nlattr **attrs, unsigned long allowed,
				struct netlink_ext_ack *extack)
{
	struct genlmsghdr *ghdr = nlmsg_data(nlh);
	int err;

	err = slb_nl_check_dups(genlmsg_data(ghdr), genlmsg_len(ghdr),
				SPLICELB_A_BACKENDS, extack);
	if (err)
		return err;
	return slb_nl_check_allowed(attrs, SPLICELB_A_MAX, allowed, extack);
}

/* Parse a nest (already validated with @policy) and refuse repeats in it. */
static int slb_nl_parse_nest(struct nlattr **tb, int max,
			     const struct nlattr *nest,
			     const struct nla_policy *policy,
			     struct netlink_ext_ack *extack)
{
	int err;

	err = nla_parse_nested(tb, max, nest, policy, extack);
	if (err)
		return err;
	return slb_nl_check_dups(nla_data(nest), nla_len(nest), 0, extack);
}

/* An endpoint nest into @a; every field is required. */
static int slb_nl_get_ep(const struct nlattr *nest, union slb_addr *a,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SPLICELB_EP_A_MAX + 1];
	u16 family;
	int err;

	err = slb_nl_parse_nest(tb, SPLICELB_EP_A_MAX, nest, slb_nl_ep_policy,
				extack);
	if (err)
		return err;
	if (slb_nl_require(extack, nest, tb, SPLICELB_EP_A_FAMILY) ||
	    slb_nl_require(extack, nest, tb, SPLICELB_EP_A_ADDR) ||
	    slb_nl_require(extack, nest, tb, SPLICELB_EP_A_PORT))
		return -EINVAL;

	family = nla_get_u16(tb[SPLICELB_EP_A_FAMILY]);
	memset(a, 0, sizeof(*a));
	switch (family) {
	case AF_INET:
		if (nla_len(tb[SPLICELB_EP_A_ADDR]) != sizeof(a->in.sin_addr)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[SPLICELB_EP_A_ADDR],
					    "SPLICELB_EP_A_ADDR must be 4 bytes for AF_INET");
			return -EINVAL;
		}
		a->in.sin_family = AF_INET;
		nla_memcpy(&a->in.sin_addr, tb[SPLICELB_EP_A_ADDR],
			   sizeof(a->in.sin_addr));
		a->in.sin_port = htons(nla_get_u16(tb[SPLICELB_EP_A_PORT]));
		return 0;
	case AF_INET6:
		if (nla_len(tb[SPLICELB_EP_A_ADDR]) !=
		    sizeof(a->in6.sin6_addr)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[SPLICELB_EP_A_ADDR],
					    "SPLICELB_EP_A_ADDR must be 16 bytes for AF_INET6");
			return -EINVAL;
		}
		a->in6.sin6_family = AF_INET6;
		nla_memcpy(&a->in6.sin6_addr, tb[SPLICELB_EP_A_ADDR],
			   sizeof(a->in6.sin6_addr));
		a->in6.sin6_port = htons(nla_get_u16(tb[SPLICELB_EP_A_PORT]));
		return 0;
	default:
		NL_SET_ERR_MSG_ATTR(extack, tb[SPLICELB_EP_A_FAMILY],
				    "SPLICELB_EP_A_FAMILY must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
}

/*
 * The scheduler options of a service nest.  Whether they apply to its
 * scheduler depends on the service as it stands for a change without
 * one, so service.c checks them, not this file.
 */
static void slb_nl_get_sched_opts(struct nlattr **tb,
				  struct slb_service_cfg *cfg)
{
	if (tb[SPLICELB_SVC_A_HASH_KEY]) {
		cfg->opts.hash_key = nla_get_u8(tb[SPLICELB_SVC_A_HASH_KEY]);
		cfg->opts_given |= SLB_SCHED_OPT_HASH_KEY;
	}
	if (tb[SPLICELB_SVC_A_SEED]) {
		cfg->opts.seed = nla_get_u32(tb[SPLICELB_SVC_A_SEED]);
		cfg->opts_given |= SLB_SCHED_OPT_SEED;
	}
	if (tb[SPLICELB_SVC_A_TABLE_SIZE]) {
		cfg->opts.table_size =
			nla_get_u32(tb[SPLICELB_SVC_A_TABLE_SIZE]);
		cfg->opts_given |= SLB_SCHED_OPT_TABLE_SIZE;
	}
}

/* The numeric parameters of a check: their attributes and fields. */
static const struct {
	u16 attr;
	u32 set;			/* SLB_CHECK_SET_* */
	size_t off;			/* of the u32 in the params */
} slb_nl_check_params[] = {
#define SLB_CHECK_PARAM(field, SET, ATTR, kind, word)			\
	{ SPLICELB_SVC_A_CHECK_##ATTR, SLB_CHECK_SET_##SET,		\
	  offsetof(struct slb_check_params, field) },
#include "check_list.h"
};

static u32 slb_nl_check_value(const struct slb_check_params *p,
			      unsigned int i)
{
	return *(const u32 *)((const u8 *)p + slb_nl_check_params[i].off);
}

/*
 * The check of a service nest, as far as it goes: whether the whole, with
 * what the service has for the rest, can run is service.c's to say.
 */
static void slb_nl_get_check(struct nlattr **tb, struct slb_service_cfg *cfg)
{
	struct slb_check_params *p = &cfg->check;
	unsigned int i;

	if (tb[SPLICELB_SVC_A_CHECK_TYPE]) {
		p->type = nla_get_u8(tb[SPLICELB_SVC_A_CHECK_TYPE]);
		cfg->check_given |= SLB_CHECK_SET_TYPE;
	}
	/* The policy holds both strings to the size of their buffers. */
	if (tb[SPLICELB_SVC_A_CHECK_SEND]) {
		p->send_len = nla_memcpy(p->send, tb[SPLICELB_SVC_A_CHECK_SEND],
					 sizeof(p->send));
		cfg->check_given |= SLB_CHECK_SET_SEND;
	}
	if (tb[SPLICELB_SVC_A_CHECK_EXPECT]) {
		p->expect_len = nla_memcpy(p->expect,
					   tb[SPLICELB_SVC_A_CHECK_EXPECT],
					   sizeof(p->expect));
		cfg->check_given |= SLB_CHECK_SET_EXPECT;
	}
	for (i = 0; i < ARRAY_SIZE(slb_nl_check_params); i++) {
		if (!tb[slb_nl_check_params[i].attr])
			continue;
		*(u32 *)((u8 *)p + slb_nl_check_params[i].off) =
			nla_get_u32(tb[slb_nl_check_params[i].attr]);
		cfg->check_given |= slb_nl_check_params[i].set;
	}
}

/* The check's attributes of a service nest. */
#define SLB_NL_SVC_CHECK						\
	(BIT(SPLICELB_SVC_A_CHECK_TYPE) |				\
	 BIT(SPLICELB_SVC_A_CHECK_SEND) |				\
	 BIT(SPLICELB_SVC_A_CHECK_EXPECT) |				\
	 BIT(SPLICELB_SVC_A_CHECK_INTER_MS) |				\
	 BIT(SPLICELB_SVC_A_CHECK_TIMEOUT_MS) |				\
	 BIT(SPLICELB_SVC_A_CHECK_RISE) |				\
	 BIT(SPLICELB_SVC_A_CHECK_FALL) |				\
	 BIT(SPLICELB_SVC_A_CHECK_FASTINTER_MS) |			\
	 BIT(SPLICELB_SVC_A_CHECK_DOWNINTER_MS) |			\
	 BIT(SPLICELB_SVC_A_CHECK_OBSERVE))

/* An address of a source pool: 4 or 16 bytes, a unicast one. */
static int slb_nl_get_source_addr(const struct nlattr *nla, union slb_addr *a,
				  struct netlink_ext_ack *extack)
{
	memset(a, 0, sizeof(*a));
	switch (nla_len(nla)) {
	case sizeof(struct in_addr):
		a->in.sin_family = AF_INET;
		a->in.sin_addr.s_addr = nla_get_in_addr(nla);
		if (!ipv4_is_zeronet(a->in.sin_addr.s_addr) &&
		    !ipv4_is_multicast(a->in.sin_addr.s_addr) &&
		    !ipv4_is_lbcast(a->in.sin_addr.s_addr))
			return 0;
		break;
	case sizeof(struct in6_addr):
		a->in6.sin6_family = AF_INET6;
		a->in6.sin6_addr = nla_get_in6_addr(nla);
		if (ipv6_addr_type(&a->in6.sin6_addr) & IPV6_ADDR_LINKLOCAL) {
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "SPLICELB_SOURCE_A_ADDR is link-local: a pool address has no interface");
			return -EINVAL;
		}
		if (!ipv6_addr_any(&a->in6.sin6_addr) &&
		    !ipv6_addr_is_multicast(&a->in6.sin6_addr) &&
		    !ipv6_addr_v4mapped(&a->in6.sin6_addr))
			return 0;
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "SPLICELB_SOURCE_A_ADDR must be 4 or 16 bytes");
		return -EINVAL;
	}
	NL_SET_ERR_MSG_ATTR(extack, nla,
			    "SPLICELB_SOURCE_A_ADDR must be a unicast address");
	return -EINVAL;
}

/* Is @a in @src->addr[0..@n - 1] already? */
static bool slb_nl_source_has(const struct slb_source *src, unsigned int n,
			      const union slb_addr *a)
{
	while (n--)
		if (slb_addr_equal(&src->addr[n], a))
			return true;
	return false;
}

/* SPLICELB_SVC_A_SOURCE into a new cfg->source, which the caller frees. */
static int slb_nl_get_source(struct nlattr *nest, struct slb_service_cfg *cfg,
			     struct netlink_ext_ack *extack)
{
	struct slb_source *src;
	unsigned int n = 0;
	struct nlattr *nla;
	bool client;
	int rem, err;

	err = slb_nl_check_dups(nla_data(nest), nla_len(nest),
				SPLICELB_SOURCE_A_ADDR, extack);
	if (err)
		return err;
	nla_for_each_nested(nla, nest, rem)
		n += nla_type(nla) == SPLICELB_SOURCE_A_ADDR;
	client = nla_find_nested(nest, SPLICELB_SOURCE_A_CLIENT);
	if (client && n) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "SPLICELB_SOURCE_A_CLIENT and SPLICELB_SOURCE_A_ADDR exclude each other");
		return -EINVAL;
	}
	if (n > SPLICELB_SOURCE_ADDRS_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "more SPLICELB_SOURCE_A_ADDR than SPLICELB_SOURCE_ADDRS_MAX");
		return -E2BIG;
	}
	src = slb_source_alloc(n);
	if (!src)
		return -ENOMEM;
	src->pool.client = client;
	n = 0;
	nla_for_each_nested(nla, nest, rem) {
		if (nla_type(nla) != SPLICELB_SOURCE_A_ADDR)
			continue;
		err = slb_nl_get_source_addr(nla, &src->addr[n], extack);
		if (!err && slb_nl_source_has(src, n, &src->addr[n])) {
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "SPLICELB_SOURCE_A_ADDR given twice");
			err = -EINVAL;
		}
		if (err) {
			kfree(src);
			return err;
		}
		src->pool.family[n] = src->addr[n].sa.sa_family;
		n++;
	}
	cfg->source = src;
	cfg->set |= SLB_SVC_SET_SOURCE;
	return 0;
}

/* The attributes of a service nest that SERVICE_NEW and _SET may carry. */
#define SLB_NL_SVC_SETTINGS						\
	(BIT(SPLICELB_SVC_A_SCHED) | BIT(SPLICELB_SVC_A_BACKLOG) |	\
	 BIT(SPLICELB_SVC_A_MAXCONN) | BIT(SPLICELB_SVC_A_HASH_KEY) |	\
	 BIT(SPLICELB_SVC_A_SEED) | BIT(SPLICELB_SVC_A_TABLE_SIZE) |	\
	 BIT(SPLICELB_SVC_A_MAXQUEUE) |					\
	 BIT(SPLICELB_SVC_A_QUEUE_TIMEOUT_MS) |				\
	 BIT(SPLICELB_SVC_A_SLOWSTART_MS) |				\
	 BIT(SPLICELB_SVC_A_PROXY_PROTOCOL) |				\
	 BIT(SPLICELB_SVC_A_ACCEPT_PROXY) | BIT(SPLICELB_SVC_A_SOURCE) |	\
	 SLB_NL_SVC_CHECK)

/*
 * SPLICELB_A_SERVICE of a request.  @settings: whether it may carry more
 * than the endpoint (SERVICE_NEW and _SET); elsewhere it only names one.
 */
static int slb_nl_get_service(struct nlattr **attrs,
			      struct slb_service_cfg *cfg, bool settings,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SPLICELB_SVC_A_MAX + 1];
	struct nlattr *nest = attrs[SPLICELB_A_SERVICE];
	int err;

	memset(cfg, 0, sizeof(*cfg));
	if (slb_nl_require(extack, NULL, attrs, SPLICELB_A_SERVICE))
		return -EINVAL;
	err = slb_nl_parse_nest(tb, SPLICELB_SVC_A_MAX, nest,
				slb_nl_svc_policy, extack);
	if (err)
		return err;
	err = slb_nl_check_allowed(tb, SPLICELB_SVC_A_MAX,
				   BIT(SPLICELB_SVC_A_EP) |
				   (settings ? SLB_NL_SVC_SETTINGS : 0),
				   extack);
	if (err)
		return err;
	if (slb_nl_require(extack, nest, tb, SPLICELB_SVC_A_EP))
		return -EINVAL;
	err = slb_nl_get_ep(tb[SPLICELB_SVC_A_EP], &cfg->addr, extack);
	if (err)
		return err;

	if (tb[SPLICELB_SVC_A_SCHED]) {
		nla_strscpy(cfg->sched, tb[SPLICELB_SVC_A_SCHED],
			    sizeof(cfg->sched));
		if (!slb_sched_find(cfg->sched)) {
			NL_SET_BAD_ATTR(extack, tb[SPLICELB_SVC_A_SCHED]);
			SLB_SET_ERR_MSG_FMT(extack, "unknown scheduler",
					    "unknown scheduler \"%s\"",
					    cfg->sched);
			return -ENOENT;
		}
		cfg->set |= SLB_SVC_SET_SCHED;
	}
	if (tb[SPLICELB_SVC_A_BACKLOG]) {
		cfg->backlog = nla_get_u32(tb[SPLICELB_SVC_A_BACKLOG]);
		cfg->set |= SLB_SVC_SET_BACKLOG;
	}
	if (tb[SPLICELB_SVC_A_MAXCONN]) {
		cfg->maxconn = nla_get_u32(tb[SPLICELB_SVC_A_MAXCONN]);
		cfg->set |= SLB_SVC_SET_MAXCONN;
	}
	if (tb[SPLICELB_SVC_A_MAXQUEUE]) {
		cfg->maxqueue = nla_get_u32(tb[SPLICELB_SVC_A_MAXQUEUE]);
		cfg->set |= SLB_SVC_SET_MAXQUEUE;
	}
	if (tb[SPLICELB_SVC_A_QUEUE_TIMEOUT_MS]) {
		cfg->queue_timeout_ms =
			nla_get_u32(tb[SPLICELB_SVC_A_QUEUE_TIMEOUT_MS]);
		cfg->set |= SLB_SVC_SET_QUEUE_TIMEOUT;
	}
	if (tb[SPLICELB_SVC_A_SLOWSTART_MS]) {
		cfg->slowstart_ms =
			nla_get_u32(tb[SPLICELB_SVC_A_SLOWSTART_MS]);
		cfg->set |= SLB_SVC_SET_SLOWSTART;
	}
	if (tb[SPLICELB_SVC_A_PROXY_PROTOCOL]) {
		cfg->proxy = nla_get_u8(tb[SPLICELB_SVC_A_PROXY_PROTOCOL]);
		cfg->set |= SLB_SVC_SET_PROXY;
	}
	if (tb[SPLICELB_SVC_A_ACCEPT_PROXY]) {
		cfg->accept_proxy = nla_get_u8(tb[SPLICELB_SVC_A_ACCEPT_PROXY]);
		cfg->set |= SLB_SVC_SET_ACCEPT_PROXY;
	}
	slb_nl_get_sched_opts(tb, cfg);
	slb_nl_get_check(tb, cfg);
	/* Last: the only part that allocates. */
	if (tb[SPLICELB_SVC_A_SOURCE])
		return slb_nl_get_source(tb[SPLICELB_SVC_A_SOURCE], cfg,
					 extack);
	return 0;
}

/* The attributes of a backend nest that BACKEND_NEW and _SET may carry. */
#define SLB_NL_BE_SETTINGS						\
	(BIT(SPLICELB_BE_A_WEIGHT) | BIT(SPLICELB_BE_A_STATE) |		\
	 BIT(SPLICELB_BE_A_MAXCONN) | BIT(SPLICELB_BE_A_CHECK_PORT) |	\
	 BIT(SPLICELB_BE_A_AGENT_PORT) | BIT(SPLICELB_BE_A_AGENT_INTER_MS) | \
	 BIT(SPLICELB_BE_A_PROXY_PROTOCOL))

/* A backend nest of a request; @settings as for the service. */
static int slb_nl_get_backend_nest(const struct nlattr *nest,
				   struct slb_backend_cfg *cfg, bool settings,
				   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SPLICELB_BE_A_MAX + 1];
	int err;

	memset(cfg, 0, sizeof(*cfg));
	err = slb_nl_parse_nest(tb, SPLICELB_BE_A_MAX, nest, slb_nl_be_policy,
				extack);
	if (err)
		return err;
	err = slb_nl_check_allowed(tb, SPLICELB_BE_A_MAX,
				   BIT(SPLICELB_BE_A_EP) |
				   (settings ? SLB_NL_BE_SETTINGS : 0),
				   extack);
	if (err)
		return err;
	if (slb_nl_require(extack, nest, tb, SPLICELB_BE_A_EP))
		return -EINVAL;
	err = slb_nl_get_ep(tb[SPLICELB_BE_A_EP], &cfg->addr, extack);
	if (err)
		return err;

	if (tb[SPLICELB_BE_A_WEIGHT]) {
		cfg->weight = nla_get_u32(tb[SPLICELB_BE_A_WEIGHT]);
		cfg->set |= SLB_BE_SET_WEIGHT;
	}
	if (tb[SPLICELB_BE_A_STATE]) {
		cfg->state = nla_get_u8(tb[SPLICELB_BE_A_STATE]);
		cfg->set |= SLB_BE_SET_STATE;
	}
	if (tb[SPLICELB_BE_A_MAXCONN]) {
		cfg->maxconn = nla_get_u32(tb[SPLICELB_BE_A_MAXCONN]);
		cfg->set |= SLB_BE_SET_MAXCONN;
	}
	if (tb[SPLICELB_BE_A_CHECK_PORT]) {
		cfg->check_port = nla_get_u16(tb[SPLICELB_BE_A_CHECK_PORT]);
		cfg->set |= SLB_BE_SET_CHECK_PORT;
	}
	if (tb[SPLICELB_BE_A_AGENT_PORT]) {
		cfg->agent_port = nla_get_u16(tb[SPLICELB_BE_A_AGENT_PORT]);
		cfg->set |= SLB_BE_SET_AGENT_PORT;
	}
	if (tb[SPLICELB_BE_A_AGENT_INTER_MS]) {
		cfg->agent_inter_ms =
			nla_get_u32(tb[SPLICELB_BE_A_AGENT_INTER_MS]);
		cfg->set |= SLB_BE_SET_AGENT_INTER;
	}
	if (tb[SPLICELB_BE_A_PROXY_PROTOCOL]) {
		cfg->proxy = nla_get_u8(tb[SPLICELB_BE_A_PROXY_PROTOCOL]);
		cfg->set |= SLB_BE_SET_PROXY;
	}
	return 0;
}

/* SPLICELB_A_BACKEND of a request. */
static int slb_nl_get_backend(struct nlattr **attrs,
			      struct slb_backend_cfg *cfg, bool settings,
			      struct netlink_ext_ack *extack)
{
	if (slb_nl_require(extack, NULL, attrs, SPLICELB_A_BACKEND))
		return -EINVAL;
	return slb_nl_get_backend_nest(attrs[SPLICELB_A_BACKEND], cfg, settings,
				       extack);
}

/*
 * The SPLICELB_A_BACKENDS of a SERVICE_NEW, into a kvmalloc'ed array the
 * caller frees: *@cfgs stays NULL when there are none.
 */
static int slb_nl_get_backends(const struct genl_info *info,
			       struct slb_backend_cfg **cfgs, unsigned int *n,
			       struct netlink_ext_ack *extack)
{
	struct genlmsghdr *ghdr = nlmsg_data(info->nlhdr);
	unsigned int count = 0, i = 0;
	struct nlattr *nla;
	int rem, err;

	*cfgs = NULL;
	*n = 0;
	nla_for_each_attr(nla, genlmsg_data(ghdr), genlmsg_len(ghdr), rem)
		count += nla_type(nla) == SPLICELB_A_BACKENDS;
	if (!count)
		return 0;
	*cfgs = kvmalloc_array(count, sizeof(**cfgs), GFP_KERNEL_ACCOUNT);
	if (!*cfgs)
		return -ENOMEM;
	nla_for_each_attr(nla, genlmsg_data(ghdr), genlmsg_len(ghdr), rem) {
		if (nla_type(nla) != SPLICELB_A_BACKENDS)
			continue;
		err = slb_nl_get_backend_nest(nla, &(*cfgs)[i++], true, extack);
		if (err) {
			kvfree(*cfgs);
			*cfgs = NULL;
			return err;
		}
	}
	*n = count;
	return 0;
}

static struct slb_net *slb_nl_sn(struct genl_info *info)
{
	return slb_net(genl_info_net(info));
}

/* ---- message filling ---------------------------------------------------- */

int slb_netlink_put_addr(struct sk_buff *skb, int attr,
			 const union slb_addr *a)
{
	struct nlattr *nest;
	int err;

	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	if (a->sa.sa_family == AF_INET6)
		err = nla_put_u16(skb, SPLICELB_EP_A_FAMILY, AF_INET6) ||
		      nla_put(skb, SPLICELB_EP_A_ADDR,
			      sizeof(a->in6.sin6_addr), &a->in6.sin6_addr) ||
		      nla_put_u16(skb, SPLICELB_EP_A_PORT,
				  ntohs(a->in6.sin6_port));
	else
		err = nla_put_u16(skb, SPLICELB_EP_A_FAMILY, AF_INET) ||
		      nla_put_in_addr(skb, SPLICELB_EP_A_ADDR,
				      a->in.sin_addr.s_addr) ||
		      nla_put_u16(skb, SPLICELB_EP_A_PORT,
				  ntohs(a->in.sin_port));
	if (err) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Caller holds sn->lock, which orders the read against zeroing. */
static int slb_nl_put_stats(struct sk_buff *skb, int attr,
			    const struct slb_stats *stats)
{
	static const u16 attrs[SLB_CTR_NUM] = {
#define SLB_COUNTER(kind, name, ATTR, line, label)			\
		[SLB_CTR_##ATTR] = SPLICELB_STATS_A_##ATTR,
#include SLB_COUNTER_LIST
	};
	struct slb_stats_snap snap;
	struct nlattr *nest;
	unsigned int i;

	slb_stats_read(stats, &snap);
	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < SLB_CTR_NUM; i++) {
		if (nla_put_u64_64bit(skb, attrs[i], snap.ctr[i],
				      SPLICELB_STATS_A_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * The options of the service's scheduler, only those it takes: a reader
 * sees which apply by which are there.
 */
static int slb_nl_put_sched_opts(struct sk_buff *skb,
				 const struct slb_service *svc)
{
	const struct slb_sched_opts *opts = &svc->sched_opts;
	u32 takes = svc->sched ? svc->sched->options : 0;

	if ((takes & SLB_SCHED_OPT_HASH_KEY &&
	     nla_put_u8(skb, SPLICELB_SVC_A_HASH_KEY, opts->hash_key)) ||
	    (takes & SLB_SCHED_OPT_SEED &&
	     nla_put_u32(skb, SPLICELB_SVC_A_SEED, opts->seed)) ||
	    (takes & SLB_SCHED_OPT_TABLE_SIZE &&
	     nla_put_u32(skb, SPLICELB_SVC_A_TABLE_SIZE, opts->table_size)))
		return -EMSGSIZE;
	return 0;
}

/* A service's check, as set: a 0 that stands for the interval stays 0. */
static int slb_nl_put_check(struct sk_buff *skb,
			    const struct slb_check_params *p)
{
	unsigned int i;

	if (nla_put_u8(skb, SPLICELB_SVC_A_CHECK_TYPE, p->type) ||
	    nla_put(skb, SPLICELB_SVC_A_CHECK_SEND, p->send_len, p->send) ||
	    nla_put(skb, SPLICELB_SVC_A_CHECK_EXPECT, p->expect_len,
		    p->expect))
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(slb_nl_check_params); i++)
		if (nla_put_u32(skb, slb_nl_check_params[i].attr,
				slb_nl_check_value(p, i)))
			return -EMSGSIZE;
	return 0;
}

/* Where its backend connections leave from: an empty nest for the kernel's. */
static int slb_nl_put_source(struct sk_buff *skb,
			     const struct slb_service *svc)
{
	const struct slb_source *src;
	struct nlattr *nest;
	unsigned int i;
	int err = 0;

	nest = nla_nest_start(skb, SPLICELB_SVC_A_SOURCE);
	if (!nest)
		return -EMSGSIZE;
	rcu_read_lock();
	src = rcu_dereference(svc->source);
	if (src && src->pool.client)
		err = nla_put_flag(skb, SPLICELB_SOURCE_A_CLIENT);
	for (i = 0; !err && src && i < src->pool.n; i++) {
		if (src->addr[i].sa.sa_family == AF_INET6)
			err = nla_put_in6_addr(skb, SPLICELB_SOURCE_A_ADDR,
					       &src->addr[i].in6.sin6_addr);
		else
			err = nla_put_in_addr(skb, SPLICELB_SOURCE_A_ADDR,
					      src->addr[i].in.sin_addr.s_addr);
	}
	rcu_read_unlock();
	if (err) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* SPLICELB_A_SERVICE; @full: its settings and counters, not only its name. */
static int slb_nl_put_service(struct sk_buff *skb,
			      const struct slb_service *svc, bool full,
			      bool stats)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, SPLICELB_A_SERVICE);
	if (!nest)
		return -EMSGSIZE;
	if (slb_netlink_put_addr(skb, SPLICELB_SVC_A_EP, &svc->addr))
		goto cancel;
	if (full &&
	    ((svc->sched &&
	      nla_put_string(skb, SPLICELB_SVC_A_SCHED, svc->sched->name)) ||
	     slb_nl_put_sched_opts(skb, svc) ||
	     nla_put_u32(skb, SPLICELB_SVC_A_BACKLOG, svc->backlog) ||
	     nla_put_u32(skb, SPLICELB_SVC_A_MAXCONN, svc->maxconn) ||
	     nla_put_u32(skb, SPLICELB_SVC_A_MAXQUEUE,
			 READ_ONCE(svc->maxqueue)) ||
	     nla_put_u32(skb, SPLICELB_SVC_A_QUEUE_TIMEOUT_MS,
			 READ_ONCE(svc->queue_timeout_ms)) ||
	     nla_put_u32(skb, SPLICELB_SVC_A_SLOWSTART_MS,
			 READ_ONCE(svc->slowstart_ms)) ||
	     nla_put_u8(skb, SPLICELB_SVC_A_PROXY_PROTOCOL,
			READ_ONCE(svc->proxy)) ||
	     nla_put_u8(skb, SPLICELB_SVC_A_ACCEPT_PROXY,
			READ_ONCE(svc->accept_proxy)) ||
	     slb_nl_put_source(skb, svc) ||
	     slb_nl_put_check(skb, &svc->check) ||
	     nla_put_u32(skb, SPLICELB_SVC_A_NBACKENDS, svc->nbackends)))
		goto cancel;
	if (stats && slb_nl_put_stats(skb, SPLICELB_SVC_A_STATS, &svc->stats))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* What the checks found of @be, and where they connect. */
static int slb_nl_put_health(struct sk_buff *skb, struct slb_backend *be)
{
	struct slb_check_info info;

	slb_health_info(be, &info);
	if (nla_put_u16(skb, SPLICELB_BE_A_CHECK_PORT, be->check_port) ||
	    nla_put_u8(skb, SPLICELB_BE_A_HEALTH, info.health) ||
	    nla_put_u8(skb, SPLICELB_BE_A_CHECK_RESULT, info.result) ||
	    nla_put_u32(skb, SPLICELB_BE_A_CHECK_COUNT, info.count) ||
	    nla_put_u64_64bit(skb, SPLICELB_BE_A_HEALTH_AGE_MS, info.age_ms,
			      SPLICELB_BE_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* Where @be's agent is and how often it is polled; what it said, with one. */
static int slb_nl_put_agent(struct sk_buff *skb, struct slb_backend *be)
{
	u16 port = READ_ONCE(be->agent_port);
	struct slb_agent_info info;

	if (nla_put_u16(skb, SPLICELB_BE_A_AGENT_PORT, port) ||
	    nla_put_u32(skb, SPLICELB_BE_A_AGENT_INTER_MS,
			READ_ONCE(be->agent_inter_ms)))
		return -EMSGSIZE;
	if (!port)
		return 0;
	slb_health_agent_info(be, &info);
	if (nla_put_u8(skb, SPLICELB_BE_A_AGENT_RESULT, info.result) ||
	    nla_put_u32(skb, SPLICELB_BE_A_AGENT_PCT, info.pct) ||
	    nla_put_u8(skb, SPLICELB_BE_A_AGENT_ADMIN, info.admin) ||
	    nla_put_u8(skb, SPLICELB_BE_A_AGENT_HEALTH, info.health))
		return -EMSGSIZE;
	return 0;
}

static int slb_nl_put_backend(struct sk_buff *skb, struct slb_backend *be,
			      bool stats)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, SPLICELB_A_BACKEND);
	if (!nest)
		return -EMSGSIZE;
	/* The state may move to DRAINED from the data path. */
	if (slb_netlink_put_addr(skb, SPLICELB_BE_A_EP, &be->addr) ||
	    nla_put_u32(skb, SPLICELB_BE_A_WEIGHT, be->weight) ||
	    nla_put_u32(skb, SPLICELB_BE_A_EWEIGHT,
			slb_backend_eweight(be)) ||
	    nla_put_u8(skb, SPLICELB_BE_A_STATE, READ_ONCE(be->state)) ||
	    nla_put_u32(skb, SPLICELB_BE_A_MAXCONN,
			READ_ONCE(be->dest.maxconn)) ||
	    nla_put_u8(skb, SPLICELB_BE_A_PROXY_PROTOCOL,
		       READ_ONCE(be->proxy)) ||
	    slb_nl_put_health(skb, be) || slb_nl_put_agent(skb, be) ||
	    (stats && slb_nl_put_stats(skb, SPLICELB_BE_A_STATS, &be->stats))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * One message about a service, or, with @be, about that backend of it (the
 * service then only named).  Caller holds sn->lock.
 */
static int slb_nl_fill(struct sk_buff *skb, const struct slb_service *svc,
		       struct slb_backend *be, u32 portid, u32 seq,
		       int flags, u8 cmd, bool stats,
		       struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &slb_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (slb_nl_put_service(skb, svc, !be, stats && !be) ||
	    (be && slb_nl_put_backend(skb, be, stats))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int slb_nl_fill_conn(struct sk_buff *skb,
			    const struct slb_conn_info *ci, u32 portid,
			    u32 seq)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &slb_nl_family, NLM_F_MULTI,
			  SPLICELB_CMD_CONN_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, SPLICELB_A_CONN);
	if (!nest)
		goto cancel;
	if (nla_put_u32(skb, SPLICELB_CONN_A_ID, ci->id) ||
	    slb_netlink_put_addr(skb, SPLICELB_CONN_A_CLIENT, &ci->client) ||
	    slb_netlink_put_addr(skb, SPLICELB_CONN_A_SERVICE, &ci->service) ||
	    (ci->has_backend &&
	     slb_netlink_put_addr(skb, SPLICELB_CONN_A_BACKEND,
				  &ci->backend)) ||
	    nla_put_u8(skb, SPLICELB_CONN_A_STATE, ci->state) ||
	    nla_put_u64_64bit(skb, SPLICELB_CONN_A_AGE_MS, ci->age_ms,
			      SPLICELB_CONN_A_PAD) ||
	    nla_put_u64_64bit(skb, SPLICELB_CONN_A_BYTES_IN, ci->bytes_in,
			      SPLICELB_CONN_A_PAD) ||
	    nla_put_u64_64bit(skb, SPLICELB_CONN_A_BYTES_OUT, ci->bytes_out,
			      SPLICELB_CONN_A_PAD) ||
	    nla_put_u32(skb, SPLICELB_CONN_A_CLIENT_RTT_US,
			ci->client_rtt_us) ||
	    nla_put_u32(skb, SPLICELB_CONN_A_CLIENT_RETRANS,
			ci->client_retrans) ||
	    nla_put_u32(skb, SPLICELB_CONN_A_BACKEND_RTT_US,
			ci->backend_rtt_us) ||
	    nla_put_u32(skb, SPLICELB_CONN_A_BACKEND_RETRANS,
			ci->backend_retrans) ||
	    (ci->has_peer &&
	     slb_netlink_put_addr(skb, SPLICELB_CONN_A_PEER, &ci->peer)))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* ---- notifications ------------------------------------------------------ */

static bool slb_nl_listening(struct net *net)
{
	bool ret;

	rcu_read_lock();
	ret = READ_ONCE(slb_nl_ready) &&
	      genl_has_listeners(&slb_nl_family, net, SLB_NL_MCGRP_EVENTS);
	rcu_read_unlock();
	return ret;
}

/*
 * Send @skb, or tell the listeners an event was lost (@skb NULL): they
 * then see ENOBUFS and know to dump again.
 */
static void slb_nl_multicast(struct net *net, struct sk_buff *skb)
{
	rcu_read_lock();
	if (!READ_ONCE(slb_nl_ready)) {
		nlmsg_free(skb);
	} else if (skb) {
		/* Atomic: only the copies for extra listeners allocate. */
		genlmsg_multicast_netns(&slb_nl_family, net, skb, 0,
					SLB_NL_MCGRP_EVENTS, GFP_ATOMIC);
	} else {
		genl_set_err(&slb_nl_family, net, 0, SLB_NL_MCGRP_EVENTS,
			     -ENOBUFS);
	}
	rcu_read_unlock();
}

/* The event @cmd of a service, or of its backend @be, to the listeners. */
static void slb_nl_notify(struct slb_service *svc, struct slb_backend *be,
			  u8 cmd)
{
	struct net *net = svc->sn->net;
	struct sk_buff *skb;

	lockdep_assert_held(&svc->sn->lock);
	if (!slb_nl_listening(net))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (skb && slb_nl_fill(skb, svc, be, 0, 0, 0, cmd, false, NULL)) {
		nlmsg_free(skb);
		skb = NULL;
	}
	slb_nl_multicast(net, skb);
}

void slb_netlink_notify_service(struct slb_service *svc, u8 cmd)
{
	slb_nl_notify(svc, NULL, cmd);
}

void slb_netlink_notify_backend(struct slb_backend *be, u8 cmd)
{
	slb_nl_notify(be->svc, be, cmd);
}

/* ---- services ----------------------------------------------------------- */

static int slb_nl_service_new(struct sk_buff *skb, struct genl_info *info)
{
	struct slb_backend_cfg *backends;
	struct slb_service_cfg cfg;
	unsigned int nbackends;
	int err;

	err = slb_nl_check_request(info->nlhdr, info->attrs,
				   BIT(SPLICELB_A_SERVICE) |
				   BIT(SPLICELB_A_BACKENDS), info->extack);
	if (!err)
		err = slb_nl_get_service(info->attrs, &cfg, true, info->extack);
	if (err)
		return err;
	err = slb_nl_get_backends(info, &backends, &nbackends, info->extack);
	if (err) {
		kfree(cfg.source);
		return err;
	}
	err = slb_service_add(slb_nl_sn(info), &cfg, backends, nbackends,
			      info->extack);
	kvfree(backends);
	kfree(cfg.source);
	return err;
}

static int slb_nl_service_set(struct sk_buff *skb, struct genl_info *info)
{
	struct slb_service_cfg cfg;
	int err;

	err = slb_nl_check_request(info->nlhdr, info->attrs,
				   BIT(SPLICELB_A_SERVICE), info->extack);
	if (!err)
		err = slb_nl_get_service(info->attrs, &cfg, true, info->extack);
	if (err)
		return err;
	err = slb_service_change(slb_nl_sn(info), &cfg, info->extack);
	kfree(cfg.source);
	return err;
}

static int slb_nl_service_del(struct sk_buff *skb, struct genl_info *info)
{
	struct slb_service_cfg cfg;
	int err;

	err = slb_nl_check_request(info->nlhdr, info->attrs,
				   BIT(SPLICELB_A_SERVICE) |
				   BIT(SPLICELB_A_CUT), info->extack);
	if (!err)
		err = slb_nl_get_service(info->attrs, &cfg, false,
					 info->extack);
	if (err)
		return err;
	return slb_service_del(slb_nl_sn(info), &cfg.addr,
			       nla_get_flag(info->attrs[SPLICELB_A_CUT]),
			       info->extack);
}

static int slb_nl_service_get(struct sk_buff *skb, struct genl_info *info)
{
	struct slb_net *sn = slb_nl_sn(info);
	struct slb_service_cfg cfg;
	struct slb_service *svc;
	struct sk_buff *msg;
	int err;

	err = slb_nl_check_request(info->nlhdr, info->attrs,
				   BIT(SPLICELB_A_SERVICE), info->extack);
	if (!err)
		err = slb_nl_get_service(info->attrs, &cfg, false,
					 info->extack);
	if (err)
		return err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&sn->lock);
	svc = slb_service_find(sn, &cfg.addr);
	if (!svc) {
		SLB_SET_ERR_MSG_FMT(info->extack, "service does not exist",
				    "service %pISpc does not exist",
				    &cfg.addr.sa);
		err = -ENOENT;
	} else {
		err = slb_nl_fill(msg, svc, NULL, info->snd_portid,
				  info->snd_seq, 0, SPLICELB_CMD_SERVICE_GET,
				  true, NULL);
	}
	mutex_unlock(&sn->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * The state of a dump, in cb->ctx, zeroed when it starts.  Its request is
 * checked in the first dumpit call rather than in .start: 6.1 drops the
 * extack message of an error from .start, and keeps that of dumpit.
 */

/* Where a dump of services resumes: the index of the next one. */
struct slb_nl_svc_dump {
	unsigned long idx;
	bool started;
};

/*
 * Where a dump of backends resumes: svc_idx is the index of the service
 * being dumped, or with a filter 1 once its last backend is out.
 */
struct slb_nl_be_dump {
	unsigned long svc_idx;
	unsigned long be_idx;		/* of the service's next backend */
	union slb_addr svc;		/* the only service, when filtered */
	bool filtered;
	bool started;
};

struct slb_nl_conn_dump {
	unsigned long next_id;
	union slb_addr svc;		/* their service, when filtered */
	bool filtered;
	bool started;
};

static_assert(sizeof(struct slb_nl_svc_dump) <=
	      sizeof_field(struct netlink_callback, ctx));
static_assert(sizeof(struct slb_nl_be_dump) <=
	      sizeof_field(struct netlink_callback, ctx));
static_assert(sizeof(struct slb_nl_conn_dump) <=
	      sizeof_field(struct netlink_callback, ctx));

/*
 * What a dump ends with after filling @skb: a message too big for an
 * empty skb would otherwise be retried forever.
 */
static int slb_nl_dump_ret(struct sk_buff *skb, int err)
{
	if (err && !skb->len)
		return err;
	return skb->len;
}

static int slb_nl_service_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct slb_nl_svc_dump *d = (void *)cb->ctx;
	struct slb_net *sn = slb_net(sock_net(skb->sk));
	struct slb_service *svc;
	unsigned long idx = 0;
	int err = 0;

	if (!d->started) {
		err = slb_nl_check_request(cb->nlh, slb_genl_dump_attrs(cb),
					   0, cb->extack);
		if (err)
			return err;
		d->started = true;
	}
	mutex_lock(&sn->lock);
	cb->seq = sn->gen;
	list_for_each_entry(svc, &sn->services, node) {
		if (idx >= d->idx) {
			err = slb_nl_fill(skb, svc, NULL,
					  NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI,
					  SPLICELB_CMD_SERVICE_GET, true, cb);
			if (err)
				break;
		}
		idx++;
	}
	mutex_unlock(&sn->lock);
	d->idx = idx;
	return slb_nl_dump_ret(skb, err);
}

/* ---- backends ----------------------------------------------------------- */

/* The service and backend a backend request names, checked. */
static int slb_nl_backend_parse(struct genl_info *info, u32 allowed,
				bool settings, struct slb_service_cfg *scfg,
				struct slb_backend_cfg *cfg)
{
	int err;

	err = slb_nl_check_request(info->nlhdr, info->attrs,
				   BIT(SPLICELB_A_SERVICE) |
				   BIT(SPLICELB_A_BACKEND) | allowed,
				   info->extack);
	if (!err)
		err = slb_nl_get_service(info->attrs, scfg, false,
					 info->extack);
	if (!err)
		err = slb_nl_get_backend(info->attrs, cfg, settings,
					 info->extack);
	return err;
}

/* BACKEND_NEW and _SET: the same request, given to @apply. */
static int slb_nl_backend_settings(struct genl_info *info,
				   int (*apply)(struct slb_net *sn,
						const union slb_addr *svc_addr,
						const struct slb_backend_cfg *cfg,
						struct netlink_ext_ack *extack))
{
	struct slb_service_cfg scfg;
	struct slb_backend_cfg cfg;
	int err;

	err = slb_nl_backend_parse(info, 0, true, &scfg, &cfg);
	if (err)
		return err;
	return apply(slb_nl_sn(info), &scfg.addr, &cfg, info->extack);
}

static int slb_nl_backend_new(struct sk_buff *skb, struct genl_info *info)
{
	return slb_nl_backend_settings(info, slb_backend_add);
}

static int slb_nl_backend_set(struct sk_buff *skb, struct genl_info *info)
{
	return slb_nl_backend_settings(info, slb_backend_change);
}

static int slb_nl_backend_del(struct sk_buff *skb, struct genl_info *info)
{
	struct slb_service_cfg scfg;
	struct slb_backend_cfg cfg;
	int err;

	err = slb_nl_backend_parse(info, BIT(SPLICELB_A_CUT), false, &scfg,
				   &cfg);
	if (err)
		return err;
	return slb_backend_del(slb_nl_sn(info), &scfg.addr, &cfg.addr,
			       nla_get_flag(info->attrs[SPLICELB_A_CUT]),
			       info->extack);
}

/* Optional SPLICELB_A_SERVICE of a dump request: only its objects. */
static int slb_nl_dump_filter(struct netlink_callback *cb, bool *filtered,
			      union slb_addr *svc_addr)
{
	struct nlattr **attrs = slb_genl_dump_attrs(cb);
	struct slb_service_cfg cfg;
	int err;

	err = slb_nl_check_request(cb->nlh, attrs, BIT(SPLICELB_A_SERVICE),
				   cb->extack);
	if (err || !attrs[SPLICELB_A_SERVICE])
		return err;
	err = slb_nl_get_service(attrs, &cfg, false, cb->extack);
	if (err)
		return err;
	*filtered = true;
	*svc_addr = cfg.addr;
	return 0;
}

/* The backends of @svc from index d->be_idx on; 0 or -EMSGSIZE when full. */
static int slb_nl_backend_dump_one(struct sk_buff *skb,
				   struct netlink_callback *cb,
				   struct slb_service *svc,
				   struct slb_nl_be_dump *d)
{
	struct slb_backend *be;
	unsigned long idx = 0;
	int err;

	list_for_each_entry(be, &svc->backends, node) {
		if (idx >= d->be_idx) {
			err = slb_nl_fill(skb, svc, be,
					  NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI,
					  SPLICELB_CMD_BACKEND_GET, true, cb);
			if (err) {
				d->be_idx = idx;
				return err;
			}
		}
		idx++;
	}
	d->be_idx = 0;
	return 0;
}

static int slb_nl_backend_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct slb_nl_be_dump *d = (void *)cb->ctx;
	struct slb_net *sn = slb_net(sock_net(skb->sk));
	struct slb_service *svc;
	unsigned long idx = 0;
	int err = 0;

	if (!d->started) {
		err = slb_nl_dump_filter(cb, &d->filtered, &d->svc);
		if (err)
			return err;
	}
	mutex_lock(&sn->lock);
	cb->seq = sn->gen;
	if (d->filtered) {
		svc = d->svc_idx ? NULL : slb_service_find(sn, &d->svc);
		if (!svc && !d->started) {
			/* Say so rather than answer with an empty dump. */
			SLB_SET_ERR_MSG_FMT(cb->extack,
					    "service does not exist",
					    "service %pISpc does not exist",
					    &d->svc.sa);
			err = -ENOENT;
			goto out;
		}
		/* Gone since the start: the generation flags the dump. */
		if (svc)
			err = slb_nl_backend_dump_one(skb, cb, svc, d);
		if (!err)
			d->svc_idx = 1;
		goto out;
	}
	list_for_each_entry(svc, &sn->services, node) {
		if (idx >= d->svc_idx) {
			err = slb_nl_backend_dump_one(skb, cb, svc, d);
			if (err)
				break;
		}
		idx++;
	}
	d->svc_idx = idx;
out:
	d->started = true;
	mutex_unlock(&sn->lock);
	return slb_nl_dump_ret(skb, err);
}

/* ---- connections -------------------------------------------------------- */

/*
 * Connections come and go without sn->lock: resume from the id after the
 * last one sent, which neither repeats nor skips one that lives on.
 */
static int slb_nl_conn_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct slb_nl_conn_dump *d = (void *)cb->ctx;
	struct slb_net *sn = slb_net(sock_net(skb->sk));
	unsigned long id = d->next_id;
	struct slb_conn_info ci;
	struct slb_conn *conn;
	int err = 0;

	if (!d->started) {
		err = slb_nl_dump_filter(cb, &d->filtered, &d->svc);
		if (err)
			return err;
		d->started = true;
	}
	while ((conn = slb_conn_next(sn, &id))) {
		slb_conn_fill_info(conn, &ci);
		slb_conn_put(conn);
		if (!d->filtered || slb_addr_equal(&ci.service, &d->svc)) {
			err = slb_nl_fill_conn(skb, &ci,
					       NETLINK_CB(cb->skb).portid,
					       cb->nlh->nlmsg_seq);
			if (err)
				break;
		}
		id++;
		/* A filter may skip many without filling the skb. */
		cond_resched();
	}
	d->next_id = id;
	return slb_nl_dump_ret(skb, err);
}

/* ---- the namespace as a whole ------------------------------------------- */

static int slb_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct slb_net *sn = slb_nl_sn(info);
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = slb_nl_check_request(info->nlhdr, info->attrs, 0, info->extack);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &slb_nl_family, 0,
				SPLICELB_CMD_STATS_GET);
	mutex_lock(&sn->lock);
	err = hdr ? slb_nl_put_stats(msg, SPLICELB_A_STATS, &sn->stats) :
		    -EMSGSIZE;
	mutex_unlock(&sn->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int slb_nl_zero(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	err = slb_nl_check_request(info->nlhdr, info->attrs, 0, info->extack);
	if (err)
		return err;
	slb_service_zero(slb_nl_sn(info));
	return 0;
}

static int slb_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	err = slb_nl_check_request(info->nlhdr, info->attrs,
				   BIT(SPLICELB_A_CUT), info->extack);
	if (err)
		return err;
	slb_service_flush(slb_nl_sn(info),
			  nla_get_flag(info->attrs[SPLICELB_A_CUT]));
	return 0;
}

/* ---- the family --------------------------------------------------------- */

/*
 * Changes need CAP_NET_ADMIN in the user namespace owning the network
 * namespace, as for addresses and routes: a container's root manages its
 * own services.  Reading is open to all, as ss(8) is.
 */
static const struct genl_ops slb_nl_ops[] = {
	{
		.cmd = SPLICELB_CMD_SERVICE_NEW,
		.doit = slb_nl_service_new,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SPLICELB_CMD_SERVICE_SET,
		.doit = slb_nl_service_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SPLICELB_CMD_SERVICE_DEL,
		.doit = slb_nl_service_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SPLICELB_CMD_SERVICE_GET,
		.doit = slb_nl_service_get,
		.dumpit = slb_nl_service_dumpit,
	},
	{
		.cmd = SPLICELB_CMD_BACKEND_NEW,
		.doit = slb_nl_backend_new,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SPLICELB_CMD_BACKEND_SET,
		.doit = slb_nl_backend_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SPLICELB_CMD_BACKEND_DEL,
		.doit = slb_nl_backend_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SPLICELB_CMD_BACKEND_GET,
		.dumpit = slb_nl_backend_dumpit,
	},
	{
		.cmd = SPLICELB_CMD_CONN_GET,
		.dumpit = slb_nl_conn_dumpit,
	},
	{
		.cmd = SPLICELB_CMD_STATS_GET,
		.doit = slb_nl_stats_get,
	},
	{
		.cmd = SPLICELB_CMD_ZERO,
		.doit = slb_nl_zero,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SPLICELB_CMD_FLUSH,
		.doit = slb_nl_flush,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group slb_nl_mcgrps[] = {
	[SLB_NL_MCGRP_EVENTS] = { .name = SPLICELB_MCGRP_EVENTS },
};

/*
 * resv_start_op is 0, as for any new family: the core refuses a request
 * whose header has its reserved byte or a netlink flag genetlink does not
 * define set, for every command.
 */
static struct genl_family slb_nl_family __ro_after_init = {
	.name = SPLICELB_GENL_NAME,
	.version = SPLICELB_GENL_VERSION,
	.maxattr = SPLICELB_A_MAX,
	.policy = slb_nl_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = slb_nl_ops,
	.n_ops = ARRAY_SIZE(slb_nl_ops),
	.mcgrps = slb_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(slb_nl_mcgrps),
};

int slb_netlink_init(void)
{
	int err;

	err = genl_register_family(&slb_nl_family);
	if (err)
		return err;
	WRITE_ONCE(slb_nl_ready, true);
	return 0;
}

void slb_netlink_uninit(void)
{
	WRITE_ONCE(slb_nl_ready, false);
	/* No sender is still between its check and its send. */
	synchronize_rcu();
	genl_unregister_family(&slb_nl_family);
}
