// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lbctl's grammar (lbctl_parse.h), and the netlink requests it turns into.
 * Nothing here does I/O besides lbctl_usage(): parsing is pure, so every
 * argument vector can be tried on it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>

#include "addr.h"
#include "config.h"
#include "lbctl_parse.h"
#include "sched.h"
#include "uapi/linux/splicelb.h"

struct parser {
	int argc;
	char *const *argv;
	int i;			/* next word */
	struct lbctl_req *req;
	char *err;
	size_t errlen;
};

/* One entry of a table that a word is matched against by prefix. */
struct lbctl_word {
	const char *name;
	int val;
};

struct lbctl_object {
	const char *name;
	int (*parse)(struct parser *p);
	const char *help;
};

static int fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * "-x", "--long": an option, where a lone "-" is a word (stdin), and so is
 * the string after "send" or "expect" spelled out, which may start with a
 * '-' as Redis's errors do.
 */
static bool is_option(char *const *argv, int i)
{
	const char *w = argv[i];

	if (i > 0 && (!strcmp(argv[i - 1], "send") ||
		      !strcmp(argv[i - 1], "expect")))
		return false;
	return w[0] == '-' && w[1] != '\0';
}

/* The next word that is not an option, or NULL at the end. */
static const char *peek(struct parser *p)
{
	while (p->i < p->argc && is_option(p->argv, p->i))
		p->i++;
	return p->i < p->argc ? p->argv[p->i] : NULL;
}

static const char *next(struct parser *p)
{
	const char *w = peek(p);

	if (w)
		p->i++;
	return w;
}

/*
 * Whether @word names @name: the whole word or a non-empty prefix of it,
 * as ip(8) takes its keywords.  Files are read by config.c, whole words
 * only, so that they mean the same when lbctl learns a keyword their
 * abbreviations would then clash with.
 */
static bool matches(const char *word, const char *name)
{
	size_t n = strlen(word);

	return n > 0 && n <= strlen(name) && !strncmp(word, name, n);
}

/*
 * Append @name to the list of candidates in @buf, once.  The list is only
 * for the message, which the caller bounds.
 */
static void add_candidate(char *buf, size_t len, const char *name)
{
	size_t used = strlen(buf);

	snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
}

/*
 * The entry of @table whose value is in @allowed (a mask of values; ~0u
 * for all) that @word names: the one it spells out, or the only value its
 * prefix leads to (aliases share a value).  NULL when there is none, and
 * when there are several, with the error naming them, *@ambiguous set.
 */
static const struct lbctl_word *lookup(struct parser *p,
				       const struct lbctl_word *table,
				       const char *word, unsigned int allowed,
				       bool *ambiguous)
{
	const struct lbctl_word *t, *found = NULL;
	char names[128] = "";
	bool several = false;

	*ambiguous = false;
	for (t = table; t->name; t++)
		if ((allowed & (1u << t->val)) && !strcmp(word, t->name))
			return t;
	for (t = table; t->name; t++) {
		if (!(allowed & (1u << t->val)) || !matches(word, t->name))
			continue;
		add_candidate(names, sizeof(names), t->name);
		if (found && found->val != t->val)
			several = true;
		if (!found)
			found = t;
	}
	if (!several)
		return found;
	*ambiguous = true;
	fail(p, "ambiguous \"%s\": %s", word, names);
	return NULL;
}

static int parse_uint(struct parser *p, const char *key, const char *s,
		      unsigned long min, unsigned long max, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		goto bad;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*out = (uint32_t)v;
	return 0;
bad:
	return fail(p, "bad %s \"%s\" (%lu-%lu)", key, s, min, max);
}

static int parse_addr(struct parser *p, const char *what, const char *s,
		      struct sockaddr_storage *ss)
{
	const char *why = "bad address";

	if (slb_addr_parse(s, ss, &why))
		return fail(p, "bad %s address \"%s\": %s", what, s, why);
	return 0;
}

static const struct lbctl_word hash_keys[] = {
	{ "addr", SPLICELB_HASH_KEY_ADDR },
	{ "addr-port", SPLICELB_HASH_KEY_ADDR_PORT },
	{ NULL, 0 },
};

/* The backend's inherit is no word for a service: see parse_proxy(). */
static const struct lbctl_word proxy_versions[] = {
	{ "none", SPLICELB_PROXY_NONE },
	{ "v1", SPLICELB_PROXY_V1 },
	{ "v2", SPLICELB_PROXY_V2 },
	{ "inherit", SPLICELB_PROXY_INHERIT },
	{ NULL, 0 },
};

static const struct lbctl_word on_off[] = {
	{ "on", 1 },
	{ "off", 0 },
	{ NULL, 0 },
};

static const struct lbctl_word states[] = {
	{ "up", SPLICELB_BACKEND_UP },
	{ "drain", SPLICELB_BACKEND_DRAIN },
	{ "down", SPLICELB_BACKEND_DOWN },
	{ NULL, 0 },
};

/* Keywords after the address; which ones a command takes is a mask. */
enum {
	KW_SCHED,
	KW_BACKLOG,
	KW_MAXCONN,
	KW_SERVICE,
	KW_WEIGHT,
	KW_STATE,
	KW_CUT,
	KW_HASH_KEY,
	KW_SEED,
	KW_TABLE_SIZE,
	KW_MAXQUEUE,
	KW_QUEUE_TIMEOUT,
	KW_SLOWSTART,
	KW_CHECK_PORT,
	KW_AGENT_PORT,
	KW_AGENT_INTER,
	KW_PROXY_PROTOCOL,
	KW_ACCEPT_PROXY,
	KW_SOURCE,
	/* A service's check, the clause and its parameters, come last. */
	KW_CHECK,
#define SLB_CHECK_PARAM(field, SET, ATTR, kind, word) KW_CHECK_##SET,
#include "check_list.h"
	KW_MAX
};

#define KW_CHECK_ALL	((1u << KW_MAX) - (1u << KW_CHECK))
_Static_assert(KW_MAX < 32, "a keyword mask holds 32 keywords");

static const struct lbctl_word keywords[] = {
	{ "service", KW_SERVICE },
	{ "scheduler", KW_SCHED },
	{ "seed", KW_SEED },
	{ "state", KW_STATE },
	{ "hash-key", KW_HASH_KEY },
	{ "table-size", KW_TABLE_SIZE },
	/* What "t" named before timeout came, and still does. */
	{ "t", KW_TABLE_SIZE },
	{ "backlog", KW_BACKLOG },
	{ "maxconn", KW_MAXCONN },
	{ "maxqueue", KW_MAXQUEUE },
	{ "queue-timeout", KW_QUEUE_TIMEOUT },
	{ "slowstart", KW_SLOWSTART },
	{ "weight", KW_WEIGHT },
	{ "cut", KW_CUT },
	/* On a service, or check-port on a backend: never both in a place. */
	{ "check", KW_CHECK },
	{ "check-port", KW_CHECK_PORT },
	{ "agent-port", KW_AGENT_PORT },
	{ "agent-inter", KW_AGENT_INTER },
	{ "proxy-protocol", KW_PROXY_PROTOCOL },
	{ "accept-proxy", KW_ACCEPT_PROXY },
	{ "source", KW_SOURCE },
#define SLB_CHECK_PARAM(field, SET, ATTR, kind, word) { word, KW_CHECK_##SET },
#include "check_list.h"
	{ NULL, 0 },
};

static const unsigned int kw_has[KW_MAX] = {
	[KW_SCHED] = LBCTL_HAS_SCHED,
	[KW_BACKLOG] = LBCTL_HAS_BACKLOG,
	[KW_MAXCONN] = LBCTL_HAS_MAXCONN,
	[KW_SERVICE] = LBCTL_HAS_SVC,
	[KW_WEIGHT] = LBCTL_HAS_WEIGHT,
	[KW_STATE] = LBCTL_HAS_STATE,
	[KW_CUT] = LBCTL_HAS_CUT,
	[KW_HASH_KEY] = LBCTL_HAS_HASH_KEY,
	[KW_SEED] = LBCTL_HAS_SEED,
	[KW_TABLE_SIZE] = LBCTL_HAS_TABLE_SIZE,
	[KW_MAXQUEUE] = LBCTL_HAS_MAXQUEUE,
	[KW_QUEUE_TIMEOUT] = LBCTL_HAS_QUEUE_TIMEOUT,
	[KW_SLOWSTART] = LBCTL_HAS_SLOWSTART,
	[KW_CHECK_PORT] = LBCTL_HAS_CHECK_PORT,
	[KW_AGENT_PORT] = LBCTL_HAS_AGENT_PORT,
	[KW_AGENT_INTER] = LBCTL_HAS_AGENT_INTER,
	[KW_PROXY_PROTOCOL] = LBCTL_HAS_PROXY_PROTOCOL,
	[KW_ACCEPT_PROXY] = LBCTL_HAS_ACCEPT_PROXY,
	[KW_SOURCE] = LBCTL_HAS_SOURCE,
	/* Those of the check are counted in check_given, by config.c. */
};

static int parse_sched(struct parser *p, const char *v)
{
	struct lbctl_req *r = p->req;
	const struct slb_sched_ops *ops;
	char known[128] = "";
	unsigned int i;

	if (strlen(v) < sizeof(r->sched) && slb_sched_find(v)) {
		strcpy(r->sched, v);
		return 0;
	}
	for (i = 0; (ops = slb_sched_at(i)); i++) {
		strncat(known, i ? ", " : "", sizeof(known) - strlen(known) - 1);
		strncat(known, ops->name, sizeof(known) - strlen(known) - 1);
	}
	return fail(p, "unknown scheduler \"%s\" (known: %s)", v, known);
}

/*
 * The value (never negative) of keyword @key that @v names among the
 * entries of @table whose values are in @allowed, as lookup() finds it;
 * -1 with the error set, naming the @choices when it names none of them.
 */
static int parse_choice(struct parser *p, const struct lbctl_word *table,
			unsigned int allowed, const char *key, const char *v,
			const char *choices)
{
	const struct lbctl_word *w;
	bool ambiguous;

	w = lookup(p, table, v, allowed, &ambiguous);
	if (ambiguous)
		return -1;
	if (!w)
		return fail(p, "bad %s \"%s\" (%s)", key, v, choices);
	return w->val;
}

/* A service's version of the PROXY protocol, or a backend's. */
static int parse_proxy(struct parser *p, const char *v)
{
	bool backend = p->req->op == LBCTL_BACKEND_ADD ||
		       p->req->op == LBCTL_BACKEND_CHANGE;

	return parse_choice(p, proxy_versions,
			    backend ? ~0u : ~(1u << SPLICELB_PROXY_INHERIT),
			    "proxy-protocol", v, backend ?
			    "none, v1, v2 or inherit" : "none, v1 or v2");
}

/* none, client (by prefix, as keywords) or a pool of addresses. */
static int parse_source(struct parser *p, const char *v)
{
	char why[128];

	if (slb_source_parse(v, &p->req->source, matches, why, sizeof(why)))
		return fail(p, "bad source \"%.64s\": %s", v, why);
	return 0;
}

/*
 * The clause after "check", as config.c reads it but by prefix: of the
 * next four words, options aside, it takes those it needs.
 */
static int parse_check(struct parser *p)
{
	const char *w[4];
	int at[4], n = 0, used;

	while (n < 4 && peek(p)) {
		at[n] = p->i;
		w[n++] = next(p);
	}
	used = slb_cfg_parse_check(&p->req->check, &p->req->check_given, w,
				   (unsigned int)n, matches, p->err,
				   p->errlen);
	if (used < 0)
		return -1;
	if (used < n)
		p->i = at[used];
	return 0;
}

/* KEYWORD [VALUE] pairs up to the end, each of the mask at most once. */
static int parse_keywords(struct parser *p, unsigned int allowed)
{
	struct lbctl_req *r = p->req;
	const struct lbctl_word *kw;
	const char *w, *v;
	bool ambiguous;
	uint32_t n;
	int val;

	while ((w = next(p))) {
		kw = lookup(p, keywords, w, allowed, &ambiguous);
		if (ambiguous)
			return -1;
		if (!kw)
			return fail(p, "unexpected \"%s\"", w);
		if (r->has & kw_has[kw->val])
			return fail(p, "\"%s\" given twice", kw->name);
		r->has |= kw_has[kw->val];
		if (kw->val == KW_CUT)
			continue;
		if (kw->val == KW_CHECK) {
			if (parse_check(p))
				return -1;
			continue;
		}
		v = next(p);
		if (!v)
			return fail(p, "\"%s\" needs a value", kw->name);
		if ((1u << kw->val) & KW_CHECK_ALL) {
			if (slb_cfg_check_param(&r->check, &r->check_given,
						kw->name, v, p->err,
						p->errlen))
				return -1;
			continue;
		}
		switch (kw->val) {
		case KW_SCHED:
			if (parse_sched(p, v))
				return -1;
			break;
		case KW_BACKLOG:
			if (parse_uint(p, "backlog", v, 1, SPLICELB_BACKLOG_MAX,
				       &r->backlog))
				return -1;
			break;
		case KW_MAXCONN:
			if (parse_uint(p, "maxconn", v, 0, 4294967295UL,
				       &r->maxconn))
				return -1;
			break;
		case KW_MAXQUEUE:
			if (parse_uint(p, "maxqueue", v, 0, 4294967295UL,
				       &r->maxqueue))
				return -1;
			break;
		case KW_QUEUE_TIMEOUT:
			if (slb_cfg_parse_time(v, 1,
					       SPLICELB_QUEUE_TIMEOUT_MAX_MS,
					       &r->queue_timeout_ms))
				return fail(p, "bad queue-timeout \"%s\" ("
					    SLB_CFG_TIMEOUT_RANGE ")", v);
			break;
		case KW_SLOWSTART:
			if (slb_cfg_parse_time(v, 0, SPLICELB_SLOWSTART_MAX_MS,
					       &r->slowstart_ms))
				return fail(p, "bad slowstart \"%s\" ("
					    SLB_CFG_SLOWSTART_RANGE ")", v);
			break;
		case KW_SERVICE:
			if (parse_addr(p, "service", v, &r->svc))
				return -1;
			break;
		case KW_CHECK_PORT:
			if (parse_uint(p, "check-port", v, 0, 65535, &n))
				return -1;
			r->check_port = (uint16_t)n;
			break;
		case KW_AGENT_PORT:
			if (parse_uint(p, "agent-port", v, 0, 65535, &n))
				return -1;
			r->agent_port = (uint16_t)n;
			break;
		case KW_AGENT_INTER:
			if (slb_cfg_parse_time(v, SPLICELB_CHECK_INTER_MIN_MS,
					       SPLICELB_CHECK_INTER_MAX_MS,
					       &r->agent_inter_ms))
				return fail(p, "bad agent-inter \"%s\" ("
					    SLB_CFG_AGENT_INTER_RANGE ")", v);
			break;
		case KW_PROXY_PROTOCOL:
			val = parse_proxy(p, v);
			if (val < 0)
				return -1;
			r->proxy_protocol = (uint8_t)val;
			break;
		case KW_ACCEPT_PROXY:
			val = parse_choice(p, on_off, ~0u, "accept-proxy", v,
					   "on or off");
			if (val < 0)
				return -1;
			r->accept_proxy = val;
			break;
		case KW_SOURCE:
			if (parse_source(p, v))
				return -1;
			break;
		case KW_WEIGHT:
			if (parse_uint(p, "weight", v, 0, SPLICELB_WEIGHT_MAX,
				       &n))
				return -1;
			r->weight = n;
			break;
		case KW_HASH_KEY:
			val = parse_choice(p, hash_keys, ~0u, "hash-key", v,
					   "addr or addr-port");
			if (val < 0)
				return -1;
			r->opts.hash_key = (uint32_t)val;
			break;
		case KW_SEED:
			if (parse_uint(p, "seed", v, 0, 4294967295UL,
				       &r->opts.seed))
				return -1;
			break;
		case KW_TABLE_SIZE:
			/* Prime or not is for the scheduler's check. */
			if (parse_uint(p, "table-size", v, 7,
				       SPLICELB_MH_TABLE_MAX,
				       &r->opts.table_size))
				return -1;
			break;
		case KW_STATE:
			val = parse_choice(p, states, ~0u, "state", v,
					   "up, drain or down");
			if (val < 0)
				return -1;
			r->state = (uint8_t)val;
			break;
		}
	}
	return 0;
}

/* No more words: the command takes none. */
static int parse_end(struct parser *p)
{
	const char *w = next(p);

	return w ? fail(p, "unexpected \"%s\"", w) : 0;
}

/* The SLB_SCHED_OPT_* of the scheduler options a command line gave. */
static uint32_t sched_opts_given(const struct lbctl_req *r)
{
	return (r->has & LBCTL_HAS_HASH_KEY ? SLB_SCHED_OPT_HASH_KEY : 0) |
	       (r->has & LBCTL_HAS_SEED ? SLB_SCHED_OPT_SEED : 0) |
	       (r->has & LBCTL_HAS_TABLE_SIZE ? SLB_SCHED_OPT_TABLE_SIZE : 0);
}

/*
 * Options that the scheduler named on the line does not take, or values
 * it refuses, are a usage error.  Without one there, the service's own
 * scheduler (on a change) or the kernel's default (on an add) decides,
 * which only the kernel knows: it checks them.
 */
static int check_sched_opts(struct parser *p)
{
	const struct lbctl_req *r = p->req;
	uint32_t given = sched_opts_given(r);
	const char *why;

	if (!given || !(r->has & LBCTL_HAS_SCHED))
		return 0;
	why = slb_sched_opts_check(slb_sched_find(r->sched), given, &r->opts);
	return why ? fail(p, "scheduler %s: %s", r->sched, why) : 0;
}

/*
 * The settings of a service add or change as a whole: the scheduler's
 * options, and the check.  Of its rules across fields, a send-expect
 * check expecting something binds fields the check clause gives
 * together; observe needing a check binds it to the type, which a change
 * that does not give it leaves to the kernel, who judges.
 */
static int check_service(struct parser *p)
{
	struct slb_check_params c = p->req->check;

	if (check_sched_opts(p))
		return -1;
	if (p->req->op == LBCTL_SERVICE_CHANGE &&
	    !(p->req->check_given & SLB_CHECK_SET_TYPE))
		c.type = SPLICELB_CHECK_TCP;
	return slb_cfg_check_invalid(&c, p->err, p->errlen);
}

enum { CMD_ADD, CMD_CHANGE, CMD_DEL, CMD_SHOW };

static const char *const cmd_names[] = {
	[CMD_ADD] = "add",
	[CMD_CHANGE] = "change",
	[CMD_DEL] = "del",
	[CMD_SHOW] = "show",
};

static const struct lbctl_word commands[] = {
	{ "add", CMD_ADD },
	{ "change", CMD_CHANGE },
	{ "set", CMD_CHANGE },
	{ "del", CMD_DEL },
	{ "delete", CMD_DEL },
	{ "show", CMD_SHOW },
	{ "list", CMD_SHOW },
	{ NULL, 0 },
};

/* The command after an object; none is "show". */
static int parse_command(struct parser *p, const char *object)
{
	const struct lbctl_word *c;
	const char *w = next(p);
	bool ambiguous;

	if (!w)
		return CMD_SHOW;
	c = lookup(p, commands, w, ~0u, &ambiguous);
	if (ambiguous)
		return -1;
	if (!c)
		return fail(p, "unknown command \"%s %s\" (add, change, del or show)",
			    object, w);
	return c->val;
}

static int parse_service(struct parser *p)
{
	static const enum lbctl_op ops[] = {
		[CMD_ADD] = LBCTL_SERVICE_ADD,
		[CMD_CHANGE] = LBCTL_SERVICE_CHANGE,
		[CMD_DEL] = LBCTL_SERVICE_DEL,
		[CMD_SHOW] = LBCTL_SERVICE_SHOW,
	};
	const unsigned int settings = 1u << KW_SCHED | 1u << KW_HASH_KEY |
				      1u << KW_SEED | 1u << KW_TABLE_SIZE |
				      1u << KW_BACKLOG | 1u << KW_MAXCONN |
				      1u << KW_MAXQUEUE |
				      1u << KW_QUEUE_TIMEOUT |
				      1u << KW_SLOWSTART |
				      1u << KW_PROXY_PROTOCOL |
				      1u << KW_ACCEPT_PROXY |
				      1u << KW_SOURCE | KW_CHECK_ALL;
	struct lbctl_req *r = p->req;
	int cmd = parse_command(p, "service");
	const char *w;

	if (cmd < 0)
		return -1;
	r->op = ops[cmd];
	w = next(p);
	if (!w) {
		if (cmd == CMD_SHOW)
			return 0;
		return fail(p, "service %s: ADDR:PORT missing",
			    cmd_names[cmd]);
	}
	if (parse_addr(p, "service", w, &r->addr))
		return -1;
	r->has |= LBCTL_HAS_ADDR;
	switch (cmd) {
	case CMD_ADD:
		if (parse_keywords(p, settings))
			return -1;
		return check_service(p);
	case CMD_CHANGE:
		if (parse_keywords(p, settings))
			return -1;
		if (!(r->has & (LBCTL_HAS_SCHED | LBCTL_HAS_HASH_KEY |
				LBCTL_HAS_SEED | LBCTL_HAS_TABLE_SIZE |
				LBCTL_HAS_BACKLOG | LBCTL_HAS_MAXCONN |
				LBCTL_HAS_MAXQUEUE |
				LBCTL_HAS_QUEUE_TIMEOUT |
				LBCTL_HAS_SLOWSTART |
				LBCTL_HAS_PROXY_PROTOCOL |
				LBCTL_HAS_ACCEPT_PROXY |
				LBCTL_HAS_SOURCE)) && !r->check_given)
			return fail(p, "service change: nothing to change "
				    "(scheduler, hash-key, seed, table-size, "
				    "backlog, maxconn, maxqueue, queue-timeout, "
				    "slowstart, proxy-protocol, accept-proxy, "
				    "source, check, inter, timeout, rise, fall, "
				    "fastinter or downinter)");
		return check_service(p);
	case CMD_DEL:
		return parse_keywords(p, 1u << KW_CUT);
	default:
		return parse_end(p);
	}
}

static int parse_backend(struct parser *p)
{
	static const enum lbctl_op ops[] = {
		[CMD_ADD] = LBCTL_BACKEND_ADD,
		[CMD_CHANGE] = LBCTL_BACKEND_CHANGE,
		[CMD_DEL] = LBCTL_BACKEND_DEL,
		[CMD_SHOW] = LBCTL_BACKEND_SHOW,
	};
	const unsigned int settings = 1u << KW_SERVICE | 1u << KW_WEIGHT |
				      1u << KW_STATE | 1u << KW_MAXCONN |
				      1u << KW_CHECK_PORT |
				      1u << KW_AGENT_PORT |
				      1u << KW_AGENT_INTER |
				      1u << KW_PROXY_PROTOCOL;
	struct lbctl_req *r = p->req;
	int cmd = parse_command(p, "backend");
	const char *w;

	if (cmd < 0)
		return -1;
	r->op = ops[cmd];
	if (cmd == CMD_SHOW)
		return parse_keywords(p, 1u << KW_SERVICE);
	w = next(p);
	if (!w)
		return fail(p, "backend %s: ADDR:PORT missing",
			    cmd_names[cmd]);
	if (parse_addr(p, "backend", w, &r->addr))
		return -1;
	r->has |= LBCTL_HAS_ADDR;
	if (parse_keywords(p, cmd == CMD_DEL ? 1u << KW_SERVICE | 1u << KW_CUT :
					       settings))
		return -1;
	if (!(r->has & LBCTL_HAS_SVC))
		return fail(p, "backend %s: \"service ADDR:PORT\" missing", w);
	if (cmd == CMD_CHANGE && !(r->has & (LBCTL_HAS_WEIGHT |
					     LBCTL_HAS_STATE |
					     LBCTL_HAS_MAXCONN |
					     LBCTL_HAS_CHECK_PORT |
					     LBCTL_HAS_AGENT_PORT |
					     LBCTL_HAS_AGENT_INTER |
					     LBCTL_HAS_PROXY_PROTOCOL)))
		return fail(p, "backend change: nothing to change "
			    "(weight, state, maxconn, check-port, agent-port, "
			    "agent-inter or proxy-protocol)");
	return 0;
}

static int parse_show(struct parser *p)
{
	p->req->op = LBCTL_SHOW;
	return parse_end(p);
}

static int parse_conns(struct parser *p)
{
	p->req->op = LBCTL_CONNS;
	return parse_keywords(p, 1u << KW_SERVICE);
}

static int parse_stats(struct parser *p)
{
	p->req->op = LBCTL_STATS;
	return parse_end(p);
}

static int parse_zero(struct parser *p)
{
	p->req->op = LBCTL_ZERO;
	return parse_end(p);
}

static int parse_flush(struct parser *p)
{
	p->req->op = LBCTL_FLUSH;
	return parse_keywords(p, 1u << KW_CUT);
}

static int parse_save(struct parser *p)
{
	p->req->op = LBCTL_SAVE;
	return parse_end(p);
}

static int parse_restore(struct parser *p)
{
	p->req->op = LBCTL_RESTORE;
	p->req->file = next(p);
	if (!p->req->file)
		p->req->file = "-";
	return parse_end(p);
}

static int parse_monitor(struct parser *p)
{
	p->req->op = LBCTL_MONITOR;
	return parse_end(p);
}

static int parse_help(struct parser *p);

/*
 * The objects, in the order usage lists them; a help line that starts
 * with a blank goes on with the command above it.
 */
static const struct lbctl_object objects[] = {
	{ "service", parse_service,
	  "service add ADDR:PORT [scheduler NAME] [hash-key addr|addr-port]\n"
	  "      [seed N] [table-size N] [backlog N] [maxconn N] [maxqueue N]\n"
	  "      [queue-timeout TIME] [slowstart TIME]\n"
	  "      [proxy-protocol none|v1|v2] [accept-proxy on|off]\n"
	  "      [source none|client|ADDR[,ADDR...]] [CHECK]\n"
	  "service change ADDR:PORT [scheduler NAME] [hash-key addr|addr-port]\n"
	  "      [seed N] [table-size N] [backlog N] [maxconn N] [maxqueue N]\n"
	  "      [queue-timeout TIME] [slowstart TIME]\n"
	  "      [proxy-protocol none|v1|v2] [accept-proxy on|off]\n"
	  "      [source none|client|ADDR[,ADDR...]] [CHECK]\n"
	  "      CHECK: [check tcp|none|send STR expect STR|expect STR]\n"
	  "      [inter TIME] [timeout TIME] [rise N] [fall N] [fastinter TIME]\n"
	  "      [downinter TIME]\n"
	  "service del ADDR:PORT [cut]\n"
	  "service show [ADDR:PORT]" },
	{ "backend", parse_backend,
	  "backend add ADDR:PORT service ADDR:PORT [weight N] [state up|drain|down]\n"
	  "      [maxconn N] [check-port N] [agent-port N] [agent-inter TIME]\n"
	  "      [proxy-protocol none|v1|v2|inherit]\n"
	  "backend change ADDR:PORT service ADDR:PORT [weight N] [state up|drain|down]\n"
	  "      [maxconn N] [check-port N] [agent-port N] [agent-inter TIME]\n"
	  "      [proxy-protocol none|v1|v2|inherit]\n"
	  "backend del ADDR:PORT service ADDR:PORT [cut]\n"
	  "backend show [service ADDR:PORT]" },
	{ "show", parse_show,
	  "show [-s] [-j] [-p]" },
	{ "conns", parse_conns,
	  "conns [service ADDR:PORT]" },
	{ "stats", parse_stats,
	  "stats" },
	{ "zero", parse_zero,
	  "zero" },
	{ "flush", parse_flush,
	  "flush [cut]" },
	{ "save", parse_save,
	  "save" },
	{ "restore", parse_restore,
	  "restore [FILE|-]" },
	{ "monitor", parse_monitor,
	  "monitor" },
	{ "help", parse_help,
	  "help [OBJECT]" },
};

#define NOBJECTS (sizeof(objects) / sizeof(objects[0]))

/*
 * The object @w names, as lookup() finds a word; NULL with the error set
 * when it names none or several.
 */
static const struct lbctl_object *find_object(struct parser *p,
					      const char *w)
{
	const struct lbctl_object *found = NULL;
	char names[128] = "";
	size_t i, n = 0;

	for (i = 0; i < NOBJECTS; i++)
		if (!strcmp(w, objects[i].name))
			return &objects[i];
	for (i = 0; i < NOBJECTS; i++) {
		if (!matches(w, objects[i].name))
			continue;
		add_candidate(names, sizeof(names), objects[i].name);
		found = &objects[i];
		n++;
	}
	if (n == 1)
		return found;
	if (n)
		fail(p, "ambiguous \"%s\": %s", w, names);
	else
		fail(p, "unknown object \"%s\"", w);
	return NULL;
}

static int parse_help(struct parser *p)
{
	const struct lbctl_object *o;
	const char *w;

	p->req->op = LBCTL_HELP;
	w = next(p);
	if (w) {
		o = find_object(p, w);
		if (!o)
			return -1;
		p->req->topic = o->name;
	}
	return parse_end(p);
}

void lbctl_usage(FILE *f, const char *topic)
{
	const char *h, *nl;
	size_t i;

	if (!topic)
		fprintf(f, "usage: lbctl [-s] [-j] [-p] OBJECT COMMAND [ARGS]\n"
			"       lbctl -V | --version | -h | --help\n");
	for (i = 0; i < NOBJECTS; i++) {
		if (topic && strcmp(topic, objects[i].name))
			continue;
		for (h = objects[i].help; *h; h = nl + (*nl != '\0')) {
			nl = strchrnul(h, '\n');
			fprintf(f, "  %s%.*s\n", *h == ' ' ? "      " : "lbctl ",
				(int)(nl - h), h);
		}
	}
	if (!topic)
		fprintf(f, "ADDR:PORT is 192.0.2.1:80 or [2001:db8::1]:80, "
			"a source's ADDR 192.0.2.1 or\n2001:db8::1; TIME is "
			"250 (milliseconds), 250ms or 5s; STR has C escapes\n"
			"(\\r \\n \\t \\0 \\\\ \\\" \\xHH).  Objects "
			"and keywords may be abbreviated where unambiguous,\n"
			"on the command line (not in files).\n"
			"  -s  counters   -j  JSON   -p  pretty JSON\n");
}

/* Every option on the line, wherever it stands. */
static int parse_options(struct parser *p)
{
	struct lbctl_req *r = p->req;
	const char *w, *c;
	int i;

	for (i = 0; i < p->argc; i++) {
		w = p->argv[i];
		if (!is_option(p->argv, i))
			continue;
		if (!strcmp(w, "--version")) {
			r->op = LBCTL_VERSION;
		} else if (!strcmp(w, "--help")) {
			r->op = LBCTL_HELP;
		} else if (!strcmp(w, "--stats")) {
			r->stats = true;
		} else if (!strcmp(w, "--json")) {
			r->json = true;
		} else if (!strcmp(w, "--pretty")) {
			r->json = r->pretty = true;
		} else if (w[1] == '-') {
			return fail(p, "unknown option \"%s\"", w);
		} else {
			for (c = w + 1; *c; c++) {
				switch (*c) {
				case 's':
					r->stats = true;
					break;
				case 'j':
					r->json = true;
					break;
				case 'p':
					/* -p alone implies -j, as in ip(8) */
					r->json = r->pretty = true;
					break;
				case 'V':
					r->op = LBCTL_VERSION;
					break;
				case 'h':
					r->op = LBCTL_HELP;
					break;
				default:
					return fail(p, "unknown option \"-%c\"",
						    *c);
				}
			}
		}
	}
	return 0;
}

int lbctl_parse(int argc, char *const argv[], struct lbctl_req *req,
		char *err, size_t errlen)
{
	struct parser p = {
		.argc = argc, .argv = argv, .req = req,
		.err = err, .errlen = errlen,
	};
	const struct lbctl_object *o;
	const char *w;

	memset(req, 0, sizeof(*req));
	slb_sched_opts_default(&req->opts);
	slb_check_params_init(&req->check);
	if (errlen)
		err[0] = '\0';
	if (parse_options(&p))
		return -1;
	/* -V and -h win over whatever else the line says. */
	if (req->op == LBCTL_VERSION || req->op == LBCTL_HELP)
		return 0;
	w = next(&p);
	if (!w)
		return fail(&p, "no command given");
	o = find_object(&p, w);
	if (!o)
		return -1;
	return o->parse(&p);
}

/* ---- netlink messages --------------------------------------------------- */

struct msgbuf {
	unsigned char *buf;
	size_t len;
	size_t off;
	bool full;
};

static struct nlattr *put(struct msgbuf *m, uint16_t type, const void *data,
			  size_t len)
{
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);
	struct nlattr *nla;

	if (m->full || len > 0xffff - NLA_HDRLEN || total > m->len - m->off) {
		m->full = true;
		return NULL;
	}
	nla = (struct nlattr *)(m->buf + m->off);
	nla->nla_type = type;
	nla->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy((unsigned char *)nla + NLA_HDRLEN, data, len);
	memset((unsigned char *)nla + NLA_HDRLEN + len, 0,
	       total - NLA_HDRLEN - len);
	m->off += total;
	return nla;
}

static void put_u8(struct msgbuf *m, uint16_t type, uint8_t v)
{
	put(m, type, &v, sizeof(v));
}

static void put_u16(struct msgbuf *m, uint16_t type, uint16_t v)
{
	put(m, type, &v, sizeof(v));
}

static void put_u32(struct msgbuf *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, sizeof(v));
}

static size_t nest_start(struct msgbuf *m, uint16_t type)
{
	size_t off = m->off;

	put(m, type | NLA_F_NESTED, NULL, 0);
	return off;
}

static void nest_end(struct msgbuf *m, size_t start)
{
	struct nlattr *nla = (struct nlattr *)(m->buf + start);

	if (!m->full)
		nla->nla_len = (uint16_t)(m->off - start);
}

static void put_ep(struct msgbuf *m, uint16_t type,
		   const struct sockaddr_storage *ss)
{
	size_t nest = nest_start(m, type);

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		put_u16(m, SPLICELB_EP_A_FAMILY, AF_INET6);
		put(m, SPLICELB_EP_A_ADDR, &in6->sin6_addr,
		    sizeof(in6->sin6_addr));
		put_u16(m, SPLICELB_EP_A_PORT, ntohs(in6->sin6_port));
	} else {
		const struct sockaddr_in *in = (const void *)ss;

		put_u16(m, SPLICELB_EP_A_FAMILY, AF_INET);
		put(m, SPLICELB_EP_A_ADDR, &in->sin_addr,
		    sizeof(in->sin_addr));
		put_u16(m, SPLICELB_EP_A_PORT, ntohs(in->sin_port));
	}
	nest_end(m, nest);
}

/* The check options @given (SLB_CHECK_SET_*) of a service. */
static void put_check(struct msgbuf *m, const struct slb_check_params *c,
		      uint32_t given)
{
	if (given & SLB_CHECK_SET_TYPE)
		put_u8(m, SPLICELB_SVC_A_CHECK_TYPE, c->type);
	if (given & SLB_CHECK_SET_SEND)
		put(m, SPLICELB_SVC_A_CHECK_SEND, c->send, c->send_len);
	if (given & SLB_CHECK_SET_EXPECT)
		put(m, SPLICELB_SVC_A_CHECK_EXPECT, c->expect, c->expect_len);
#define SLB_CHECK_PARAM(field, SET, ATTR, kind, word)			\
	if (given & SLB_CHECK_SET_##SET)				\
		put_u32(m, SPLICELB_SVC_A_CHECK_##ATTR, c->field);
#include "check_list.h"
}

/* The whole of a service's source: an empty nest for none. */
static void put_source(struct msgbuf *m, const struct slb_source *src)
{
	size_t nest = nest_start(m, SPLICELB_SVC_A_SOURCE), len;
	const void *ip;
	unsigned int i;

	if (src->pool.client)
		put(m, SPLICELB_SOURCE_A_CLIENT, NULL, 0);
	for (i = 0; i < src->pool.n; i++) {
		ip = slb_addr_bytes(&src->addr[i], &len);
		put(m, SPLICELB_SOURCE_A_ADDR, ip, len);
	}
	nest_end(m, nest);
}

/* SPLICELB_A_SERVICE naming @ss, with the settings when @settings. */
static void put_service(struct msgbuf *m, const struct sockaddr_storage *ss,
			const struct lbctl_req *r, bool settings)
{
	size_t nest = nest_start(m, SPLICELB_A_SERVICE);

	put_ep(m, SPLICELB_SVC_A_EP, ss);
	if (settings && (r->has & LBCTL_HAS_SCHED))
		put(m, SPLICELB_SVC_A_SCHED, r->sched, strlen(r->sched) + 1);
	if (settings && (r->has & LBCTL_HAS_HASH_KEY))
		put_u8(m, SPLICELB_SVC_A_HASH_KEY, (uint8_t)r->opts.hash_key);
	if (settings && (r->has & LBCTL_HAS_SEED))
		put_u32(m, SPLICELB_SVC_A_SEED, r->opts.seed);
	if (settings && (r->has & LBCTL_HAS_TABLE_SIZE))
		put_u32(m, SPLICELB_SVC_A_TABLE_SIZE, r->opts.table_size);
	if (settings && (r->has & LBCTL_HAS_BACKLOG))
		put_u32(m, SPLICELB_SVC_A_BACKLOG, r->backlog);
	if (settings && (r->has & LBCTL_HAS_MAXCONN))
		put_u32(m, SPLICELB_SVC_A_MAXCONN, r->maxconn);
	if (settings && (r->has & LBCTL_HAS_MAXQUEUE))
		put_u32(m, SPLICELB_SVC_A_MAXQUEUE, r->maxqueue);
	if (settings && (r->has & LBCTL_HAS_QUEUE_TIMEOUT))
		put_u32(m, SPLICELB_SVC_A_QUEUE_TIMEOUT_MS,
			r->queue_timeout_ms);
	if (settings && (r->has & LBCTL_HAS_SLOWSTART))
		put_u32(m, SPLICELB_SVC_A_SLOWSTART_MS, r->slowstart_ms);
	if (settings && (r->has & LBCTL_HAS_PROXY_PROTOCOL))
		put_u8(m, SPLICELB_SVC_A_PROXY_PROTOCOL, r->proxy_protocol);
	if (settings && (r->has & LBCTL_HAS_ACCEPT_PROXY))
		put_u8(m, SPLICELB_SVC_A_ACCEPT_PROXY, r->accept_proxy);
	if (settings && (r->has & LBCTL_HAS_SOURCE))
		put_source(m, &r->source);
	if (settings)
		put_check(m, &r->check, r->check_given);
	nest_end(m, nest);
}

/* A backend nest of @type: SPLICELB_A_BACKEND, or _BACKENDS. */
static void put_backend(struct msgbuf *m, uint16_t type,
			const struct lbctl_req *r, bool settings)
{
	size_t nest = nest_start(m, type);

	put_ep(m, SPLICELB_BE_A_EP, &r->addr);
	if (settings && (r->has & LBCTL_HAS_WEIGHT))
		put_u32(m, SPLICELB_BE_A_WEIGHT, r->weight);
	if (settings && (r->has & LBCTL_HAS_STATE))
		put_u8(m, SPLICELB_BE_A_STATE, r->state);
	if (settings && (r->has & LBCTL_HAS_MAXCONN))
		put_u32(m, SPLICELB_BE_A_MAXCONN, r->maxconn);
	if (settings && (r->has & LBCTL_HAS_CHECK_PORT))
		put_u16(m, SPLICELB_BE_A_CHECK_PORT, r->check_port);
	if (settings && (r->has & LBCTL_HAS_AGENT_PORT))
		put_u16(m, SPLICELB_BE_A_AGENT_PORT, r->agent_port);
	if (settings && (r->has & LBCTL_HAS_AGENT_INTER))
		put_u32(m, SPLICELB_BE_A_AGENT_INTER_MS, r->agent_inter_ms);
	if (settings && (r->has & LBCTL_HAS_PROXY_PROTOCOL))
		put_u8(m, SPLICELB_BE_A_PROXY_PROTOCOL, r->proxy_protocol);
	nest_end(m, nest);
}

size_t lbctl_msg(void *buf, size_t len, uint16_t family, uint8_t cmd,
		 uint16_t nlm_flags, uint32_t seq, const struct lbctl_req *r)
{
	struct msgbuf m = { .buf = buf, .len = len };
	size_t hdrlen = NLMSG_HDRLEN + GENL_HDRLEN;
	struct genlmsghdr *g;
	struct nlmsghdr *nlh;
	bool dump = nlm_flags & NLM_F_DUMP;

	if (len < hdrlen)
		return 0;
	memset(buf, 0, hdrlen);
	nlh = buf;
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | nlm_flags;
	nlh->nlmsg_seq = seq;
	g = (struct genlmsghdr *)((unsigned char *)buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = SPLICELB_GENL_VERSION;
	m.off = hdrlen;

	switch (cmd) {
	case SPLICELB_CMD_SERVICE_NEW:
	case SPLICELB_CMD_SERVICE_SET:
		put_service(&m, &r->addr, r, true);
		break;
	case SPLICELB_CMD_SERVICE_DEL:
	case SPLICELB_CMD_SERVICE_GET:
		if (!dump)
			put_service(&m, &r->addr, r, false);
		break;
	case SPLICELB_CMD_BACKEND_NEW:
	case SPLICELB_CMD_BACKEND_SET:
	case SPLICELB_CMD_BACKEND_DEL:
		put_service(&m, &r->svc, r, false);
		put_backend(&m, SPLICELB_A_BACKEND, r,
			    cmd != SPLICELB_CMD_BACKEND_DEL);
		break;
	case SPLICELB_CMD_BACKEND_GET:
	case SPLICELB_CMD_CONN_GET:
		if (r->has & LBCTL_HAS_SVC)
			put_service(&m, &r->svc, r, false);
		break;
	}
	if ((cmd == SPLICELB_CMD_SERVICE_DEL ||
	     cmd == SPLICELB_CMD_BACKEND_DEL || cmd == SPLICELB_CMD_FLUSH) &&
	    (r->has & LBCTL_HAS_CUT))
		put(&m, SPLICELB_A_CUT, NULL, 0);
	if (m.full)
		return 0;
	nlh->nlmsg_len = (uint32_t)m.off;
	return m.off;
}

size_t lbctl_msg_add_backend(void *buf, size_t len,
			     const struct lbctl_req *r)
{
	struct nlmsghdr *nlh = buf;
	struct msgbuf m = { .buf = buf, .len = len, .off = nlh->nlmsg_len };

	put_backend(&m, SPLICELB_A_BACKENDS, r, true);
	if (m.full)
		return 0;
	nlh->nlmsg_len = (uint32_t)m.off;
	return m.off;
}

uint8_t lbctl_op_cmd(enum lbctl_op op)
{
	switch (op) {
	case LBCTL_SERVICE_ADD:
		return SPLICELB_CMD_SERVICE_NEW;
	case LBCTL_SERVICE_CHANGE:
		return SPLICELB_CMD_SERVICE_SET;
	case LBCTL_SERVICE_DEL:
		return SPLICELB_CMD_SERVICE_DEL;
	case LBCTL_BACKEND_ADD:
		return SPLICELB_CMD_BACKEND_NEW;
	case LBCTL_BACKEND_CHANGE:
		return SPLICELB_CMD_BACKEND_SET;
	case LBCTL_BACKEND_DEL:
		return SPLICELB_CMD_BACKEND_DEL;
	case LBCTL_ZERO:
		return SPLICELB_CMD_ZERO;
	case LBCTL_FLUSH:
		return SPLICELB_CMD_FLUSH;
	default:
		return 0;
	}
}
