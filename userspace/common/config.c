// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The one parser of the configuration format described in config.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "config.h"
#include "proxy.h"

/*
 * The longest line: a service add with every option once, its source a
 * pool of the longest addresses, its check "check send STR expect STR",
 * of strings that take up to 4 characters a byte written with escapes.  Its words: "service add ADDR:PORT", twelve
 * options and seven check parameters of two words, the clause's five.
 * A backend add with all eight of its options has fewer, 3 + 2 * 8.
 */
#define MAX_WORDS (3 + 2 * 12 + 2 * 7 + 5)
#define MAX_LINE (1024 + SLB_SOURCE_STRLEN + \
		  2 * (4 * SLB_CHECK_DATA_MAX + 2))

#define BLANKS " \t\r\n\v\f"

static const char *const state_names[] = {
	[SPLICELB_BACKEND_UP] = "up",
	[SPLICELB_BACKEND_DRAIN] = "drain",
	[SPLICELB_BACKEND_DOWN] = "down",
	[SPLICELB_BACKEND_DRAINED] = "drained",
};

static const char *const hash_key_names[] = {
	[SPLICELB_HASH_KEY_ADDR] = "addr",
	[SPLICELB_HASH_KEY_ADDR_PORT] = "addr-port",
};

#define NHASH_KEYS (sizeof(hash_key_names) / sizeof(hash_key_names[0]))

struct words {
	char buf[MAX_LINE];
	char *w[MAX_WORDS];
	unsigned int n;
};

static int errf(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

void slb_cfg_init(struct slb_cfg *cfg, unsigned int flags)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->flags = flags;
}

void slb_cfg_free(struct slb_cfg *cfg)
{
	free(cfg->svc);
	free(cfg->be);
	slb_cfg_init(cfg, cfg->flags);
}

const char *slb_cfg_state_name(unsigned int state)
{
	if (state >= sizeof(state_names) / sizeof(state_names[0]))
		return NULL;
	return state_names[state];
}

const char *slb_cfg_hash_key_name(unsigned int key)
{
	return key < NHASH_KEYS ? hash_key_names[key] : NULL;
}

int slb_cfg_find_service(const struct slb_cfg *cfg,
			 const struct sockaddr_storage *addr)
{
	unsigned int i;

	for (i = 0; i < cfg->nsvc; i++)
		if (slb_addr_equal(&cfg->svc[i].addr, addr))
			return (int)i;
	return -1;
}

/* The closing quote of a string whose text starts at @s, or NULL. */
static char *closing_quote(char *s)
{
	for (; *s && *s != '"'; s++)
		if (*s == '\\' && s[1])
			s++;
	return *s ? s : NULL;
}

/*
 * The word at *@p, ended in place, and *@p moved past it; NULL at the end
 * of the line, or at a '#', which starts a comment.  A word that starts
 * with '"' is a string: it runs to the next '"' that no '\' escapes,
 * blanks and '#' included, and comes without its quotes, its escapes left
 * for slb_cfg_parse_check() to read.  *@why says what is wrong with a
 * string that is not closed, or not followed by a blank.
 */
static char *next_word(char **p, const char **why)
{
	char *w = *p + strspn(*p, BLANKS), *end;

	if (!*w || *w == '#')
		return NULL;
	if (*w == '"') {
		end = closing_quote(++w);
		if (!end) {
			*why = "a string without its closing quote";
			return NULL;
		}
		*end++ = '\0';
		if (*end && !strchr(BLANKS "#", *end)) {
			*why = "a closing quote not followed by a blank";
			return NULL;
		}
		*p = end;
		return w;
	}
	end = w + strcspn(w, BLANKS "#");
	/* A '#' right after the word starts a comment: the line ends there. */
	if (*end == '#')
		*end = '\0';
	else if (*end)
		*end++ = '\0';
	*p = end;
	return w;
}

/* Split at blanks, dropping a '#' comment: NULL, or what is wrong. */
static const char *split(struct words *ws, const char *line)
{
	const char *why = NULL;
	char *p = ws->buf, *w;

	if (strlen(line) >= sizeof(ws->buf))
		return "line too long";
	strcpy(ws->buf, line);
	for (ws->n = 0; (w = next_word(&p, &why)); ws->w[ws->n++] = w)
		if (ws->n == MAX_WORDS)
			return "line too long";
	return why;
}

/* The decimal a word starts with (no sign, no blank); *end after it. */
static int parse_leading(const char *s, unsigned long *v, char **end)
{
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, end, 10);
	return errno ? -1 : 0;
}

/* Decimal in [min, max], nothing else on the word. */
static int parse_uint(const char *s, unsigned long min, unsigned long max,
		      unsigned int *out)
{
	unsigned long v;
	char *end;

	if (parse_leading(s, &v, &end) || *end || v < min || v > max)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

_Static_assert(SPLICELB_QUEUE_TIMEOUT_MAX_MS == 3600 * 1000,
	       "SLB_CFG_TIMEOUT_RANGE names another longest queue-timeout");
_Static_assert(SPLICELB_SLOWSTART_MAX_MS == 3600 * 1000,
	       "SLB_CFG_SLOWSTART_RANGE names another longest slowstart");
_Static_assert(SPLICELB_PROXY_NONE == SLB_PROXY_NONE &&
	       SPLICELB_PROXY_V1 == SLB_PROXY_V1 &&
	       SPLICELB_PROXY_V2 == SLB_PROXY_V2,
	       "lib/proxy.h numbers the versions as the netlink enum");
_Static_assert(SPLICELB_CHECK_INTER_MIN_MS == 10 &&
	       SPLICELB_CHECK_INTER_MAX_MS == 3600 * 1000,
	       "SLB_CFG_AGENT_INTER_RANGE names other intervals");

int slb_cfg_parse_time(const char *s, unsigned int min, unsigned int max,
		       unsigned int *ms)
{
	unsigned long v;
	char *end;

	if (parse_leading(s, &v, &end))
		return -1;
	if (!strcmp(end, "s")) {
		if (v > max / 1000)
			return -1;
		v *= 1000;
	} else if (*end && strcmp(end, "ms")) {
		return -1;
	}
	if (v < min || v > max)
		return -1;
	*ms = (unsigned int)v;
	return 0;
}

const char *slb_cfg_timeout_str(unsigned int ms, char *buf, size_t len)
{
	if (!ms)
		snprintf(buf, len, "0");
	else if (!(ms % 1000))
		snprintf(buf, len, "%us", ms / 1000);
	else
		snprintf(buf, len, "%ums", ms);
	return buf;
}

static int valid_sched_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= SPLICELB_SCHED_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return 0;
	return 1;
}

static int parse_addr_word(const char *what, const char *s,
			   struct sockaddr_storage *ss, char *err,
			   size_t errlen)
{
	const char *why;

	if (slb_addr_parse(s, ss, &why))
		return errf(err, errlen, "%s \"%s\": %s", what, s, why);
	return 0;
}

const char *slb_cfg_proxy_name(unsigned int version)
{
	if (version == SPLICELB_PROXY_INHERIT)
		return "inherit";
	return slb_proxy_name(version);
}

/* A version of the PROXY protocol, up to @last: _V2, or _INHERIT. */
static int parse_proxy(const char *s, unsigned int last, unsigned int *version)
{
	unsigned int v;

	for (v = SPLICELB_PROXY_NONE; v <= last; v++) {
		if (!strcmp(s, slb_cfg_proxy_name(v))) {
			*version = v;
			return 0;
		}
	}
	return -1;
}

static int parse_on_off(const char *s, bool *on)
{
	if (strcmp(s, "on") && strcmp(s, "off"))
		return -1;
	*on = !strcmp(s, "on");
	return 0;
}

static int parse_hash_key(const char *s, unsigned int *key)
{
	unsigned int i;

	for (i = 0; i < NHASH_KEYS; i++) {
		if (!strcmp(s, hash_key_names[i])) {
			*key = i;
			return 0;
		}
	}
	return -1;
}

/* ---- a service's check -------------------------------------------------- */

#define CHECK_USAGE "tcp, none, send STR expect STR or expect STR"

enum { CHECK_TIME, CHECK_COUNT };

static const struct check_param {
	const char *word;
	unsigned int bit;		/* SLB_CHECK_SET_* */
	size_t off;			/* of the u32 in the params */
	int kind;			/* CHECK_TIME or CHECK_COUNT */
} check_params[] = {
#define SLB_CHECK_PARAM(field, SET, ATTR, kind, word)			\
	{ word, SLB_CHECK_SET_##SET,					\
	  offsetof(struct slb_check_params, field), CHECK_##kind },
#include "check_list.h"
};

#define NCHECK_PARAMS (sizeof(check_params) / sizeof(check_params[0]))

static const char *const check_type_names[] = {
	[SPLICELB_CHECK_NONE] = "none",
	[SPLICELB_CHECK_TCP] = "tcp",
	[SPLICELB_CHECK_SEND_EXPECT] = "send-expect",
};

const char *slb_cfg_check_type_name(unsigned int type)
{
	if (type >= sizeof(check_type_names) / sizeof(check_type_names[0]))
		return NULL;
	return check_type_names[type];
}

static u32 *check_field(struct slb_check_params *p,
			const struct check_param *cp)
{
	return (u32 *)((char *)p + cp->off);
}

static u32 check_value(const struct slb_check_params *p,
		       const struct check_param *cp)
{
	return *(const u32 *)((const char *)p + cp->off);
}

int slb_cfg_check_param(struct slb_check_params *p, unsigned int *given,
			const char *key, const char *val, char *err,
			size_t errlen)
{
	const struct check_param *cp = check_params;
	struct slb_check_params one;
	unsigned int v;
	const char *why;
	u32 field;

	while (cp < check_params + NCHECK_PARAMS && strcmp(key, cp->word))
		cp++;
	if (cp == check_params + NCHECK_PARAMS)
		return 1;
	if (*given & cp->bit)
		return errf(err, errlen, "\"%s\" given twice", key);
	if (cp->kind == CHECK_TIME ?
	    slb_cfg_parse_time(val, 0, 0xffffffffU, &v) :
	    parse_uint(val, 0, 0xffffffffUL, &v))
		return errf(err, errlen, "bad %s \"%s\" (%s)", key, val,
			    cp->kind == CHECK_TIME ? "TIME: 250, 250ms or 5s" :
			    "a number");
	/* Its range is lib/check.c's to say: the value among defaults. */
	slb_check_params_init(&one);
	one.type = SPLICELB_CHECK_TCP;	/* a check that observe may follow */
	*check_field(&one, cp) = v;
	why = slb_check_params_invalid(&one, &field);
	if (why)
		return errf(err, errlen, "bad %s \"%s\": %s", key, val, why);
	*check_field(p, cp) = v;
	*given |= cp->bit;
	return 0;
}

/* A check's string @s, with its escapes, into @out as bytes. */
static int check_string(u8 *out, u16 *len, const char *what, const char *s,
			char *err, size_t errlen)
{
	int n = slb_check_unescape(s, out, SLB_CHECK_DATA_MAX);

	if (n < 0)
		return errf(err, errlen, "bad check %s string \"%.32s\" (at "
			    "most %u bytes, escapes \\r \\n \\t \\0 \\\\ \\\" "
			    "\\xHH)", what, s, SLB_CHECK_DATA_MAX);
	*len = (u16)n;
	return 0;
}

int slb_cfg_parse_check(struct slb_check_params *p, unsigned int *given,
			const char *const *w, unsigned int n,
			bool (*is)(const char *word, const char *keyword),
			char *err, size_t errlen)
{
	unsigned int used = 1;

	if (*given & SLB_CHECK_SET_TYPE)
		return errf(err, errlen, "\"check\" given twice");
	if (!n)
		return errf(err, errlen, "\"check\" needs " CHECK_USAGE);
	/* The clause says the whole check: no string of another stays. */
	p->send_len = 0;
	p->expect_len = 0;
	if (is(w[0], "tcp")) {
		p->type = SPLICELB_CHECK_TCP;
	} else if (is(w[0], "none")) {
		p->type = SPLICELB_CHECK_NONE;
	} else if (is(w[0], "send")) {
		if (n < 4 || !is(w[2], "expect"))
			return errf(err, errlen,
				    "\"check send\" needs STR expect STR");
		if (check_string(p->send, &p->send_len, "send", w[1], err,
				 errlen) ||
		    check_string(p->expect, &p->expect_len, "expect", w[3],
				 err, errlen))
			return -1;
		p->type = SPLICELB_CHECK_SEND_EXPECT;
		used = 4;
	} else if (is(w[0], "expect")) {
		if (n < 2)
			return errf(err, errlen, "\"check expect\" needs STR");
		if (check_string(p->expect, &p->expect_len, "expect", w[1],
				 err, errlen))
			return -1;
		p->type = SPLICELB_CHECK_SEND_EXPECT;
		used = 2;
	} else {
		return errf(err, errlen, "bad check \"%s\" (" CHECK_USAGE ")",
			    w[0]);
	}
	*given |= SLB_CHECK_SET_TYPE | SLB_CHECK_SET_SEND |
		  SLB_CHECK_SET_EXPECT;
	return (int)used;
}

int slb_cfg_check_invalid(const struct slb_check_params *p, char *err,
			  size_t errlen)
{
	const char *why;
	u32 field;

	why = slb_check_params_invalid(p, &field);
	return why ? errf(err, errlen, "%s", why) : 0;
}

/* A check's string, escaped and quoted, after " @what ". */
static void write_check_string(FILE *f, const char *what, const u8 *s,
			       size_t len)
{
	char esc[SLB_CFG_CHECK_STRLEN];

	slb_check_escape(s, len, esc, sizeof(esc));
	fprintf(f, " %s \"%s\"", what, esc);
}

void slb_cfg_write_check(FILE *f, const struct slb_check_params *p)
{
	const char *type = slb_cfg_check_type_name(p->type);
	char t[SLB_CFG_TIMEOUT_STRLEN];
	const struct check_param *cp;
	struct slb_check_params def;

	slb_check_params_init(&def);
	if (slb_check_params_same(p, &def))
		return;
	/* A type this file has no word for (a newer kernel's) fails to read. */
	if (p->type == SPLICELB_CHECK_SEND_EXPECT)
		fputs(" check", f);
	else if (type)
		fprintf(f, " check %s", type);
	else
		fprintf(f, " check %u", p->type);
	if (p->type == SPLICELB_CHECK_SEND_EXPECT && p->send_len)
		write_check_string(f, "send", p->send, p->send_len);
	if (p->type == SPLICELB_CHECK_SEND_EXPECT)
		write_check_string(f, "expect", p->expect, p->expect_len);
	for (cp = check_params; cp < check_params + NCHECK_PARAMS; cp++) {
		if (cp->kind == CHECK_TIME)
			fprintf(f, " %s %s", cp->word,
				slb_cfg_timeout_str(check_value(p, cp), t,
						    sizeof(t)));
		else
			fprintf(f, " %s %u", cp->word, check_value(p, cp));
	}
}

void slb_cfg_write_check_port(FILE *f, unsigned int port)
{
	if (port)
		fprintf(f, " check-port %u", port);
}

void slb_cfg_write_slowstart(FILE *f, unsigned int ms)
{
	char t[SLB_CFG_TIMEOUT_STRLEN];

	if (ms)
		fprintf(f, " slowstart %s",
			slb_cfg_timeout_str(ms, t, sizeof(t)));
}

void slb_cfg_write_agent(FILE *f, unsigned int port, unsigned int inter_ms)
{
	char t[SLB_CFG_TIMEOUT_STRLEN];

	if (!port)
		return;
	fprintf(f, " agent-port %u", port);
	if (inter_ms != SPLICELB_AGENT_INTER_DEF_MS)
		fprintf(f, " agent-inter %s",
			slb_cfg_timeout_str(inter_ms, t, sizeof(t)));
}

void slb_cfg_write_proxy(FILE *f, unsigned int version, unsigned int def)
{
	const char *name = slb_cfg_proxy_name(version);

	if (version == def)
		return;
	/* One this file has no word for (a newer kernel's) fails to read. */
	if (name)
		fprintf(f, " proxy-protocol %s", name);
	else
		fprintf(f, " proxy-protocol %u", version);
}

void slb_cfg_write_accept_proxy(FILE *f, bool on)
{
	if (on)
		fputs(" accept-proxy on", f);
}

void slb_cfg_write_source(FILE *f, const struct slb_source *src)
{
	char word[SLB_SOURCE_STRLEN];

	if (!slb_source_none(src))
		fprintf(f, " source %s",
			slb_source_format(src, word, sizeof(word)));
}

/* ---- lines -------------------------------------------------------------- */

static bool whole_word(const char *word, const char *keyword)
{
	return !strcmp(word, keyword);
}

/* Options of "service add", each "KEYWORD VALUE", any order, once each. */
static int service_option(struct slb_cfg_service *s, const char *key,
			  const char *val, char *err, size_t errlen)
{
	char why[128];
	unsigned int bit;

	if (!strcmp(key, "scheduler")) {
		bit = SLB_CFG_HAS_SCHED;
		if (!valid_sched_name(val))
			return errf(err, errlen, "bad scheduler name \"%s\"",
				    val);
		strcpy(s->sched, val);
	} else if (!strcmp(key, "backlog")) {
		bit = SLB_CFG_HAS_BACKLOG;
		if (parse_uint(val, 1, SPLICELB_BACKLOG_MAX, &s->backlog))
			return errf(err, errlen,
				    "bad backlog \"%s\" (1-%u)", val,
				    SPLICELB_BACKLOG_MAX);
	} else if (!strcmp(key, "maxconn")) {
		bit = SLB_CFG_HAS_MAXCONN;
		if (parse_uint(val, 0, 0xffffffffUL, &s->maxconn))
			return errf(err, errlen,
				    "bad maxconn \"%s\" (0 = unlimited)", val);
	} else if (!strcmp(key, "maxqueue")) {
		bit = SLB_CFG_HAS_MAXQUEUE;
		if (parse_uint(val, 0, 0xffffffffUL, &s->maxqueue))
			return errf(err, errlen,
				    "bad maxqueue \"%s\" (0 = no queue)", val);
	} else if (!strcmp(key, "queue-timeout")) {
		bit = SLB_CFG_HAS_QUEUE_TIMEOUT;
		if (slb_cfg_parse_time(val, 1, SPLICELB_QUEUE_TIMEOUT_MAX_MS,
				       &s->queue_timeout_ms))
			return errf(err, errlen, "bad queue-timeout \"%s\" ("
				    SLB_CFG_TIMEOUT_RANGE ")", val);
	} else if (!strcmp(key, "slowstart")) {
		bit = SLB_CFG_HAS_SLOWSTART;
		if (slb_cfg_parse_time(val, 0, SPLICELB_SLOWSTART_MAX_MS,
				       &s->slowstart_ms))
			return errf(err, errlen, "bad slowstart \"%s\" ("
				    SLB_CFG_SLOWSTART_RANGE ")", val);
	} else if (!strcmp(key, "proxy-protocol")) {
		bit = SLB_CFG_HAS_PROXY_PROTOCOL;
		if (parse_proxy(val, SPLICELB_PROXY_V2, &s->proxy_protocol))
			return errf(err, errlen, "bad proxy-protocol \"%s\" "
				    "(none, v1 or v2)", val);
	} else if (!strcmp(key, "accept-proxy")) {
		bit = SLB_CFG_HAS_ACCEPT_PROXY;
		if (parse_on_off(val, &s->accept_proxy))
			return errf(err, errlen, "bad accept-proxy \"%s\" "
				    "(on or off)", val);
	} else if (!strcmp(key, "source")) {
		bit = SLB_CFG_HAS_SOURCE;
		if (slb_source_parse(val, &s->source, whole_word, why,
				     sizeof(why)))
			return errf(err, errlen, "bad source \"%.64s\": %s",
				    val, why);
	} else if (!strcmp(key, "hash-key")) {
		bit = SLB_CFG_HAS_HASH_KEY;
		if (parse_hash_key(val, &s->opts.hash_key))
			return errf(err, errlen, "bad hash-key \"%s\" "
				    "(addr or addr-port)", val);
	} else if (!strcmp(key, "seed")) {
		bit = SLB_CFG_HAS_SEED;
		if (parse_uint(val, 0, 0xffffffffUL, &s->opts.seed))
			return errf(err, errlen,
				    "bad seed \"%s\" (0-4294967295)", val);
	} else if (!strcmp(key, "table-size")) {
		bit = SLB_CFG_HAS_TABLE_SIZE;
		/* Whether it is a prime is service_sched_opts()'s to say. */
		if (parse_uint(val, 7, SPLICELB_MH_TABLE_MAX,
			       &s->opts.table_size))
			return errf(err, errlen, "bad table-size \"%s\" "
				    "(a prime from 7 to %u)", val,
				    SPLICELB_MH_TABLE_MAX);
	} else {
		return errf(err, errlen, "unknown service option \"%s\"", key);
	}
	if (s->has & bit)
		return errf(err, errlen, "\"%s\" given twice", key);
	s->has |= bit;
	return 0;
}

/* The SLB_SCHED_OPT_* of the scheduler options that @has says were given. */
static unsigned int sched_opts_given(unsigned int has)
{
	return (has & SLB_CFG_HAS_HASH_KEY ? SLB_SCHED_OPT_HASH_KEY : 0) |
	       (has & SLB_CFG_HAS_SEED ? SLB_SCHED_OPT_SEED : 0) |
	       (has & SLB_CFG_HAS_TABLE_SIZE ? SLB_SCHED_OPT_TABLE_SIZE : 0);
}

/*
 * The options of a line against its scheduler, the default one when it
 * names none, as the kernel checks them.  A scheduler this parser does not
 * know is the applier's to refuse, options and all.
 */
static int service_sched_opts(const struct slb_cfg_service *s, char *err,
			      size_t errlen)
{
	const struct slb_sched_ops *ops = slb_sched_find(s->sched);
	const char *why;

	if (!ops)
		return 0;
	why = slb_sched_opts_check(ops, sched_opts_given(s->has), &s->opts);
	if (!why)
		return 0;
	return errf(err, errlen, "scheduler %s%s: %s", s->sched,
		    s->has & SLB_CFG_HAS_SCHED ? "" : " (the default)", why);
}

/*
 * The option of a service line at word @i: the check clause, or a
 * "KEYWORD VALUE" pair.  Returns how many words it took, or -1.
 */
static int service_words(struct slb_cfg_service *s, const struct words *ws,
			 unsigned int i, char *err, size_t errlen)
{
	const char *key = ws->w[i], *val;
	int ret;

	if (!strcmp(key, "check")) {
		ret = slb_cfg_parse_check(&s->check, &s->check_given,
					  (const char *const *)&ws->w[i + 1],
					  ws->n - i - 1, whole_word, err,
					  errlen);
		return ret < 0 ? -1 : ret + 1;
	}
	if (i + 1 == ws->n)
		return errf(err, errlen, "\"%s\" needs a value", key);
	val = ws->w[i + 1];
	ret = slb_cfg_check_param(&s->check, &s->check_given, key, val, err,
				  errlen);
	if (ret == 1)
		ret = service_option(s, key, val, err, errlen);
	return ret ? -1 : 2;
}

static int append_service(struct slb_cfg *cfg,
			  const struct slb_cfg_service *s, char *err,
			  size_t errlen)
{
	struct slb_cfg_service *grown;

	grown = realloc(cfg->svc, (cfg->nsvc + 1) * sizeof(*grown));
	if (!grown)
		return errf(err, errlen, "out of memory");
	cfg->svc = grown;
	cfg->svc[cfg->nsvc++] = *s;
	return 0;
}

static int service_add(struct slb_cfg *cfg, struct words *ws,
		       unsigned int lineno, char *err, size_t errlen)
{
	struct slb_cfg_service s;
	char a[SLB_ADDR_STRLEN];
	unsigned int i;
	int dup, used;

	if (ws->n < 3)
		return errf(err, errlen, "usage: service add ADDR:PORT "
			    "[scheduler NAME] [hash-key addr|addr-port] "
			    "[seed N] [table-size N] [backlog N] [maxconn N] "
			    "[maxqueue N] [queue-timeout TIME] "
			    "[slowstart TIME] [proxy-protocol none|v1|v2] "
			    "[accept-proxy on|off] "
			    "[source none|client|ADDR[,ADDR...]] [check "
			    CHECK_USAGE "] [inter TIME] [timeout TIME] "
			    "[rise N] [fall N] [fastinter TIME] "
			    "[downinter TIME]");
	memset(&s, 0, sizeof(s));
	if (parse_addr_word("service address", ws->w[2], &s.addr, err, errlen))
		return -1;
	strcpy(s.sched, SLB_SCHED_DEFAULT);
	slb_sched_opts_default(&s.opts);
	s.backlog = SPLICELB_DEFAULT_BACKLOG;
	s.queue_timeout_ms = SPLICELB_QUEUE_TIMEOUT_DEF_MS;
	slb_check_params_init(&s.check);
	s.line = lineno;
	for (i = 3; i < ws->n; i += (unsigned int)used) {
		used = service_words(&s, ws, i, err, errlen);
		if (used < 0)
			return -1;
	}
	if (service_sched_opts(&s, err, errlen) ||
	    slb_cfg_check_invalid(&s.check, err, errlen))
		return -1;
	dup = slb_cfg_find_service(cfg, &s.addr);
	if (dup >= 0 && cfg->svc[dup].external)
		return errf(err, errlen, "service %s added after line %u gave "
			    "it a backend", slb_addr_format(&s.addr, a, sizeof(a)),
			    cfg->svc[dup].line);
	if (dup >= 0)
		return errf(err, errlen, "service %s already added on line %u",
			    slb_addr_format(&s.addr, a, sizeof(a)),
			    cfg->svc[dup].line);
	return append_service(cfg, &s, err, errlen);
}

/* The states an operator sets: drained is the kernel's to set. */
static int parse_state(const char *s, unsigned int *state)
{
	unsigned int i;

	for (i = 0; i <= SPLICELB_BACKEND_DOWN; i++) {
		if (!strcmp(s, state_names[i])) {
			*state = i;
			return 0;
		}
	}
	return -1;
}

/*
 * The service a backend names, by index: one of the file's, or with
 * SLB_CFG_EXTERNAL one recorded as the kernel's, to be checked there.
 */
static int backend_service(struct slb_cfg *cfg, const char *val,
			   unsigned int lineno, unsigned int *index, char *err,
			   size_t errlen)
{
	struct slb_cfg_service s;
	int i;

	memset(&s, 0, sizeof(s));
	if (parse_addr_word("service address", val, &s.addr, err, errlen))
		return -1;
	i = slb_cfg_find_service(cfg, &s.addr);
	if (i >= 0) {
		*index = (unsigned int)i;
		return 0;
	}
	if (!(cfg->flags & SLB_CFG_EXTERNAL))
		return errf(err, errlen, "no service %s (a service must be "
			    "added before its backends)", val);
	s.external = true;
	s.line = lineno;
	*index = cfg->nsvc;
	return append_service(cfg, &s, err, errlen);
}

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

/* Backend @b, of a family the source of its service @sv does not allow. */
static int source_refuses(const struct slb_cfg_service *sv,
			  const struct slb_cfg_backend *b, char *err,
			  size_t errlen)
{
	char a[SLB_ADDR_STRLEN], sa[SLB_ADDR_STRLEN];

	slb_addr_format(&b->addr, a, sizeof(a));
	slb_addr_format(&sv->addr, sa, sizeof(sa));
	if (sv->source.pool.client)
		return errf(err, errlen, "backend %s is not %s: service %s "
			    "(line %u) has source client, which needs "
			    "backends of its own family", a,
			    family_name(sv->addr.ss_family), sa, sv->line);
	return errf(err, errlen, "backend %s is %s: the source of service %s "
		    "(line %u) has no %s address", a,
		    family_name(b->addr.ss_family), sa, sv->line,
		    family_name(b->addr.ss_family));
}

/* Options of "backend add"; *seen_svc says "service" came. */
static int backend_option(struct slb_cfg *cfg, struct slb_cfg_backend *b,
			  const char *key, const char *val, bool *seen_svc,
			  char *err, size_t errlen)
{
	unsigned int bit;

	if (!strcmp(key, "service")) {
		if (*seen_svc)
			return errf(err, errlen, "\"service\" given twice");
		*seen_svc = true;
		return backend_service(cfg, val, b->line, &b->service, err,
				       errlen);
	} else if (!strcmp(key, "weight")) {
		bit = SLB_CFG_HAS_WEIGHT;
		if (parse_uint(val, 0, SPLICELB_WEIGHT_MAX, &b->weight))
			return errf(err, errlen, "bad weight \"%s\" (0-%u)",
				    val, SPLICELB_WEIGHT_MAX);
	} else if (!strcmp(key, "state")) {
		bit = SLB_CFG_HAS_STATE;
		if (parse_state(val, &b->state))
			return errf(err, errlen, "bad state \"%s\" "
				    "(up, drain or down)", val);
	} else if (!strcmp(key, "maxconn")) {
		bit = SLB_CFG_HAS_MAXCONN;
		if (parse_uint(val, 0, 0xffffffffUL, &b->maxconn))
			return errf(err, errlen,
				    "bad maxconn \"%s\" (0 = unlimited)", val);
	} else if (!strcmp(key, "check-port")) {
		bit = SLB_CFG_HAS_CHECK_PORT;
		if (parse_uint(val, 0, 65535, &b->check_port))
			return errf(err, errlen, "bad check-port \"%s\" "
				    "(0-65535, 0 = its own)", val);
	} else if (!strcmp(key, "agent-port")) {
		bit = SLB_CFG_HAS_AGENT_PORT;
		if (parse_uint(val, 0, 65535, &b->agent_port))
			return errf(err, errlen, "bad agent-port \"%s\" "
				    "(0-65535, 0 = no agent)", val);
	} else if (!strcmp(key, "agent-inter")) {
		bit = SLB_CFG_HAS_AGENT_INTER;
		if (slb_cfg_parse_time(val, SPLICELB_CHECK_INTER_MIN_MS,
				       SPLICELB_CHECK_INTER_MAX_MS,
				       &b->agent_inter_ms))
			return errf(err, errlen, "bad agent-inter \"%s\" ("
				    SLB_CFG_AGENT_INTER_RANGE ")", val);
	} else if (!strcmp(key, "proxy-protocol")) {
		bit = SLB_CFG_HAS_PROXY_PROTOCOL;
		if (parse_proxy(val, SPLICELB_PROXY_INHERIT,
				&b->proxy_protocol))
			return errf(err, errlen, "bad proxy-protocol \"%s\" "
				    "(none, v1, v2 or inherit)", val);
	} else {
		return errf(err, errlen, "unknown backend option \"%s\"", key);
	}
	if (b->has & bit)
		return errf(err, errlen, "\"%s\" given twice", key);
	b->has |= bit;
	return 0;
}

static int backend_add(struct slb_cfg *cfg, struct words *ws,
		       unsigned int lineno, char *err, size_t errlen)
{
	char a[SLB_ADDR_STRLEN], sa[SLB_ADDR_STRLEN];
	const struct slb_cfg_service *sv;
	struct slb_cfg_backend b, *grown;
	unsigned int i, nsvc = cfg->nsvc;
	bool seen_svc = false;

	if (ws->n < 3)
		return errf(err, errlen, "usage: backend add ADDR:PORT service "
			    "ADDR:PORT [weight N] [state up|drain|down] "
			    "[maxconn N] [check-port N] [agent-port N] "
			    "[agent-inter TIME] "
			    "[proxy-protocol none|v1|v2|inherit]");
	memset(&b, 0, sizeof(b));
	if (parse_addr_word("backend address", ws->w[2], &b.addr, err, errlen))
		return -1;
	b.weight = SLB_CFG_DEF_WEIGHT;
	b.state = SPLICELB_BACKEND_UP;
	b.agent_inter_ms = SPLICELB_AGENT_INTER_DEF_MS;
	b.proxy_protocol = SPLICELB_PROXY_INHERIT;
	b.line = lineno;
	for (i = 3; i < ws->n; i += 2) {
		if (i + 1 == ws->n) {
			errf(err, errlen, "\"%s\" needs a value", ws->w[i]);
			goto undo;
		}
		if (backend_option(cfg, &b, ws->w[i], ws->w[i + 1], &seen_svc,
				   err, errlen))
			goto undo;
	}
	if (!seen_svc)
		return errf(err, errlen, "backend %s: \"service ADDR:PORT\" "
			    "missing", ws->w[2]);
	for (i = 0; i < cfg->nbe; i++)
		if (cfg->be[i].service == b.service &&
		    slb_addr_equal(&cfg->be[i].addr, &b.addr))
			return errf(err, errlen, "backend %s already added to "
				    "service %s on line %u",
				    slb_addr_format(&b.addr, a, sizeof(a)),
				    slb_addr_format(&cfg->svc[b.service].addr,
						    sa, sizeof(sa)),
				    cfg->be[i].line);
	sv = &cfg->svc[b.service];
	if (!slb_source_allows(&sv->source, sv->addr.ss_family,
			       b.addr.ss_family)) {
		source_refuses(sv, &b, err, errlen);
		goto undo;
	}
	grown = realloc(cfg->be, (cfg->nbe + 1) * sizeof(*grown));
	if (!grown) {
		errf(err, errlen, "out of memory");
		goto undo;
	}
	cfg->be = grown;
	cfg->be[cfg->nbe++] = b;
	return 0;
undo:
	/* A bad line leaves cfg as it was: drop a service it recorded. */
	cfg->nsvc = nsvc;
	return -1;
}

int slb_cfg_parse_line(struct slb_cfg *cfg, const char *line,
		       unsigned int lineno, char *err, size_t errlen)
{
	struct words ws;
	const char *why;

	why = split(&ws, line);
	if (why)
		return errf(err, errlen, "%s", why);
	if (ws.n == 0)
		return 0;
	if (ws.n < 2 || strcmp(ws.w[1], "add"))
		return errf(err, errlen, "unknown command \"%s%s%s\" (expected "
			    "\"service add\" or \"backend add\")", ws.w[0],
			    ws.n > 1 ? " " : "", ws.n > 1 ? ws.w[1] : "");
	if (!strcmp(ws.w[0], "service"))
		return service_add(cfg, &ws, lineno, err, errlen);
	if (!strcmp(ws.w[0], "backend"))
		return backend_add(cfg, &ws, lineno, err, errlen);
	return errf(err, errlen, "unknown command \"%s %s\" (expected "
		    "\"service add\" or \"backend add\")", ws.w[0], ws.w[1]);
}

int slb_cfg_read(struct slb_cfg *cfg, FILE *f, const char *name, FILE *errs)
{
	unsigned int lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	int nerr = 0;
	char err[256];

	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		if (slb_cfg_parse_line(cfg, line, lineno, err, sizeof(err))) {
			if (errs)
				fprintf(errs, "%s:%u: %s\n", name, lineno,
					err);
			nerr++;
		}
	}
	if (ferror(f)) {
		if (errs)
			fprintf(errs, "%s: read error\n", name);
		nerr++;
	}
	free(line);
	return nerr;
}

int slb_cfg_load(struct slb_cfg *cfg, const char *path, FILE *errs)
{
	FILE *f;
	int nerr;

	f = fopen(path, "re");
	if (!f) {
		if (errs)
			fprintf(errs, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	nerr = slb_cfg_read(cfg, f, path, errs);
	fclose(f);
	return nerr;
}

void slb_cfg_write_sched_opts(FILE *f, const struct slb_sched_opts *opts,
			      unsigned int which)
{
	const char *key = slb_cfg_hash_key_name(opts->hash_key);

	/* A key this file has no word for (a newer kernel's) fails to read. */
	if ((which & SLB_SCHED_OPT_HASH_KEY) && key)
		fprintf(f, " hash-key %s", key);
	else if (which & SLB_SCHED_OPT_HASH_KEY)
		fprintf(f, " hash-key %u", opts->hash_key);
	if (which & SLB_SCHED_OPT_SEED)
		fprintf(f, " seed %u", opts->seed);
	if (which & SLB_SCHED_OPT_TABLE_SIZE)
		fprintf(f, " table-size %u", opts->table_size);
}

void slb_cfg_write(FILE *f, const struct slb_cfg *cfg)
{
	char a[SLB_ADDR_STRLEN], s[SLB_ADDR_STRLEN];
	char t[SLB_CFG_TIMEOUT_STRLEN];
	const struct slb_cfg_service *sv;
	const struct slb_sched_ops *ops;
	const struct slb_cfg_backend *b;
	unsigned int i;

	for (i = 0; i < cfg->nsvc; i++) {
		sv = &cfg->svc[i];
		if (sv->external)
			continue;
		fprintf(f, "service add %s scheduler %s",
			slb_addr_format(&sv->addr, a, sizeof(a)), sv->sched);
		/*
		 * Every option the scheduler takes, defaults included; of
		 * one unknown here, those the line gave.
		 */
		ops = slb_sched_find(sv->sched);
		slb_cfg_write_sched_opts(f, &sv->opts, ops ? ops->options :
					 sched_opts_given(sv->has));
		fprintf(f, " backlog %u maxconn %u maxqueue %u queue-timeout %s",
			sv->backlog, sv->maxconn, sv->maxqueue,
			slb_cfg_timeout_str(sv->queue_timeout_ms, t,
					    sizeof(t)));
		slb_cfg_write_slowstart(f, sv->slowstart_ms);
		slb_cfg_write_proxy(f, sv->proxy_protocol, SPLICELB_PROXY_NONE);
		slb_cfg_write_accept_proxy(f, sv->accept_proxy);
		slb_cfg_write_source(f, &sv->source);
		slb_cfg_write_check(f, &sv->check);
		fputc('\n', f);
	}
	for (i = 0; i < cfg->nbe; i++) {
		b = &cfg->be[i];
		sv = &cfg->svc[b->service];
		fprintf(f, "backend add %s service %s weight %u state %s "
			"maxconn %u",
			slb_addr_format(&b->addr, a, sizeof(a)),
			slb_addr_format(&sv->addr, s, sizeof(s)), b->weight,
			slb_cfg_state_name(b->state), b->maxconn);
		slb_cfg_write_check_port(f, b->check_port);
		slb_cfg_write_proxy(f, b->proxy_protocol,
				    SPLICELB_PROXY_INHERIT);
		slb_cfg_write_agent(f, b->agent_port, b->agent_inter_ms);
		fputc('\n', f);
	}
}

const char *slb_cfg_eweight_str(unsigned int eweight, char *buf, size_t len)
{
	unsigned int units = eweight / SPLICELB_WEIGHT_SCALE;
	unsigned int cents = eweight % SPLICELB_WEIGHT_SCALE * 100 /
			     SPLICELB_WEIGHT_SCALE;

	if (!cents)
		snprintf(buf, len, "%u", units);
	else if (cents % 10)
		snprintf(buf, len, "%u.%02u", units, cents);
	else
		snprintf(buf, len, "%u.%u", units, cents / 10);
	return buf;
}
