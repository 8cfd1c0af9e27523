// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Output in the manner of iproute2: each field is printed once, through a
 * call that writes it either as text (through its format) or as a JSON
 * member (under its key), so the two never drift apart.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "agent.h"
#include "lbctl.h"

#define MAX_DEPTH 16

static struct {
	bool json;
	bool pretty;
	int depth;
	bool first[MAX_DEPTH];	/* nothing written yet at this depth */
	bool started;
} out;

void out_init(bool json, bool pretty)
{
	memset(&out, 0, sizeof(out));
	out.json = json;
	out.pretty = pretty;
	out.first[0] = true;
}

bool out_is_json(void)
{
	return out.json;
}

static void indent(void)
{
	int i;

	if (!out.pretty)
		return;
	putchar('\n');
	for (i = 0; i < out.depth; i++)
		fputs("    ", stdout);
}

/* The separator before a new member or element. */
static void sep(void)
{
	if (!out.first[out.depth])
		putchar(',');
	out.first[out.depth] = false;
	if (out.depth)
		indent();
	out.started = true;
}

static void json_string(const char *s)
{
	const unsigned char *p;

	putchar('"');
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		default:
			if (*p < 0x20)
				printf("\\u%04x", *p);
			else
				putchar(*p);
		}
	}
	putchar('"');
}

static void key(const char *k)
{
	sep();
	if (k) {
		json_string(k);
		fputs(out.pretty ? ": " : ":", stdout);
	}
}

static void open_(const char *k, char c)
{
	if (!out.json)
		return;
	key(k);
	putchar(c);
	if (out.depth < MAX_DEPTH - 1)
		out.depth++;
	out.first[out.depth] = true;
}

static void close_(char c)
{
	bool empty;

	if (!out.json)
		return;
	empty = out.first[out.depth];
	if (out.depth)
		out.depth--;
	if (!empty)
		indent();
	putchar(c);
}

void out_open_object(const char *k)
{
	open_(k, '{');
}

void out_close_object(void)
{
	close_('}');
}

void out_open_array(const char *k)
{
	open_(k, '[');
}

void out_close_array(void)
{
	close_(']');
}

void out_str(enum lbctl_out t, const char *k, const char *fmt,
	     const char *val)
{
	if (out.json && (t & OUT_JSON)) {
		key(k);
		json_string(val);
	} else if (!out.json && (t & OUT_TEXT)) {
		printf(fmt, val);
	}
}

void out_u64(enum lbctl_out t, const char *k, const char *fmt, uint64_t val)
{
	if (out.json && (t & OUT_JSON)) {
		key(k);
		printf("%" PRIu64, val);
	} else if (!out.json && (t & OUT_TEXT)) {
		printf(fmt, val);
	}
}

void out_num(enum lbctl_out t, const char *k, const char *fmt,
	     const char *val)
{
	if (out.json && (t & OUT_JSON)) {
		key(k);
		fputs(val, stdout);
	} else if (!out.json && (t & OUT_TEXT)) {
		printf(fmt, val);
	}
}

void out_addr(enum lbctl_out t, const char *k, const char *fmt,
	      const struct sockaddr_storage *ss)
{
	char a[SLB_ADDR_STRLEN];

	out_str(t, k, fmt, slb_addr_format(ss, a, sizeof(a)));
}

void out_nl(void)
{
	if (!out.json)
		putchar('\n');
}

void out_text(const char *fmt, ...)
{
	va_list ap;

	if (out.json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void out_finish(void)
{
	if (out.json && out.started)
		putchar('\n');
	fflush(stdout);
}

/* ---- shared printers ---------------------------------------------------- */

/* Text lines of connections, bytes and checks; one JSON object. */
void print_counters(const struct lbctl_counters *st, const char *ind)
{
	enum { CONNS, BYTES, CHECKS };
	static const struct {
		int line;
		const char *name, *label;
	} ctr[SLB_CTR_NUM] = {
#define SLB_COUNTER(kind, name, ATTR, line, label)			\
		[SLB_CTR_##ATTR] = { line, #name, label },
#include SLB_COUNTER_LIST
	};
	int line, i;

	out_open_object("stats");
	for (line = CONNS; line <= CHECKS; line++) {
		const char *sep = "";

		out_text("%s", ind);
		for (i = 0; i < SLB_CTR_NUM; i++) {
			if (ctr[i].line != line)
				continue;
			out_u64(OUT_JSON, ctr[i].name, "", st->v[i]);
			out_text("%s%s %" PRIu64, sep, ctr[i].label, st->v[i]);
			sep = " ";
		}
		out_nl();
	}
	out_close_object();
}

/* The scheduler's options, those the kernel reported, as save has them. */
static void print_sched_opts(const struct lbctl_service *s)
{
	const char *key = slb_cfg_hash_key_name(s->opts.hash_key);

	if (s->opts_has & SLB_SCHED_OPT_HASH_KEY)
		out_str(OUT_ANY, "hash_key", " hash-key %s", key ? key : "?");
	if (s->opts_has & SLB_SCHED_OPT_SEED)
		out_u64(OUT_ANY, "seed", " seed %" PRIu64, s->opts.seed);
	if (s->opts_has & SLB_SCHED_OPT_TABLE_SIZE)
		out_u64(OUT_ANY, "table_size", " table-size %" PRIu64,
			s->opts.table_size);
}

/* A check's string as save writes it, escaped; in JSON, the escaped text. */
static void print_check_string(enum lbctl_out t, const char *key,
			       const char *fmt, const uint8_t *s, size_t len)
{
	char esc[SLB_CFG_CHECK_STRLEN];

	slb_check_escape(s, len, esc, sizeof(esc));
	out_str(t, key, fmt, esc);
}

enum { CHECK_TIME, CHECK_COUNT };

/*
 * One numeric parameter of a check, its keyword in text: a TIME in
 * effect, where 0 stands for @inter, in milliseconds in JSON.
 */
static void print_check_param(enum lbctl_out any, const char *key,
			      const char *word, int kind, uint32_t v,
			      uint32_t inter)
{
	char fmt[32], t[SLB_CFG_TIMEOUT_STRLEN];

	if (kind == CHECK_COUNT) {
		snprintf(fmt, sizeof(fmt), " %s %%" PRIu64, word);
		out_u64(any, key, fmt, v);
		return;
	}
	v = v ? v : inter;
	snprintf(fmt, sizeof(fmt), " %s %%s", word);
	out_str(any & OUT_TEXT, NULL, fmt,
		slb_cfg_timeout_str(v, t, sizeof(t)));
	out_u64(OUT_JSON, key, "", v);
}

/*
 * A service's check, as save writes it but with the intervals in effect
 * (the inter where a 0 stands for it); the text leaves out the check of a
 * service that was never given one, JSON has it always.
 */
static void print_check(const struct slb_check_params *p)
{
	const char *type = slb_cfg_check_type_name(p->type);
	bool se = p->type == SPLICELB_CHECK_SEND_EXPECT;
	struct slb_check_params def;
	enum lbctl_out any, text;

	slb_check_params_init(&def);
	any = slb_check_params_same(p, &def) ? OUT_JSON : OUT_ANY;
	text = any & OUT_TEXT;
	out_open_object("check");
	out_str(OUT_JSON, "type", "", type ? type : "?");
	out_str(text, NULL, se ? " check" : " check %s", type ? type : "?");
	print_check_string(se && p->send_len ? any : OUT_JSON, "send",
			   " send \"%s\"", p->send, p->send_len);
	print_check_string(se ? any : OUT_JSON, "expect", " expect \"%s\"",
			   p->expect, p->expect_len);
#define SLB_CHECK_PARAM(field, SET, ATTR, kind, word)			\
	print_check_param(any, #field, word, CHECK_##kind, p->field,	\
			  p->inter_ms);
#include "check_list.h"
	out_close_object();
}

/*
 * The version of the PROXY protocol, as save writes it: only when not
 * @def, a service's none or a backend's inherit; JSON has it always.
 */
static void print_proxy(uint8_t version, uint8_t def)
{
	const char *name = slb_cfg_proxy_name(version);

	out_str(version != def ? OUT_ANY : OUT_JSON, "proxy_protocol",
		" proxy-protocol %s", name ? name : "?");
}

/* As save writes it: only when not none; JSON has the word always. */
static void print_source(const struct slb_source *src)
{
	char word[SLB_SOURCE_STRLEN];

	out_str(slb_source_none(src) ? OUT_JSON : OUT_ANY, "source",
		" source %s", slb_source_format(src, word, sizeof(word)));
}

void print_service(const struct lbctl_service *s, bool stats)
{
	char t[SLB_CFG_TIMEOUT_STRLEN];

	out_addr(OUT_ANY, "service", "service %s", &s->addr);
	out_str(OUT_ANY, "scheduler", " scheduler %s", s->sched);
	print_sched_opts(s);
	out_u64(OUT_ANY, "backlog", " backlog %" PRIu64, s->backlog);
	out_u64(OUT_ANY, "maxconn", " maxconn %" PRIu64, s->maxconn);
	out_u64(OUT_ANY, "maxqueue", " maxqueue %" PRIu64, s->maxqueue);
	/* Text as save writes it, JSON in the unit of the attribute. */
	out_str(OUT_TEXT, NULL, " queue-timeout %s",
		slb_cfg_timeout_str(s->queue_timeout_ms, t, sizeof(t)));
	out_u64(OUT_JSON, "queue_timeout_ms", "", s->queue_timeout_ms);
	/* As save writes it: only when there is one. */
	if (s->slowstart_ms)
		out_str(OUT_TEXT, NULL, " slowstart %s",
			slb_cfg_timeout_str(s->slowstart_ms, t, sizeof(t)));
	out_u64(OUT_JSON, "slowstart_ms", "", s->slowstart_ms);
	print_proxy(s->proxy_protocol, SPLICELB_PROXY_NONE);
	if (s->accept_proxy)
		out_str(OUT_TEXT, NULL, " accept-proxy %s", "on");
	out_u64(OUT_JSON, "accept_proxy", "", s->accept_proxy);
	print_source(&s->source);
	print_check(&s->check);
	out_u64(OUT_JSON, "nbackends", "", s->nbackends);
	out_nl();
	if (stats && s->st.present)
		print_counters(&s->st, "    ");
}

/* @ms in its two largest units: "850ms", "12s", "3m05s", "2h10m", "4d03h". */
static const char *age_str(uint64_t ms, char *buf, size_t len)
{
	uint64_t s = ms / 1000;

	if (!s)
		snprintf(buf, len, "%" PRIu64 "ms", ms);
	else if (s < 60)
		snprintf(buf, len, "%" PRIu64 "s", s);
	else if (s < 3600)
		snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", s / 60,
			 s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m", s / 3600,
			 s / 60 % 60);
	else
		snprintf(buf, len, "%" PRIu64 "d%02" PRIu64 "h", s / 86400,
			 s / 3600 % 24);
	return buf;
}

/*
 * What the checks found: health, the last result, the checks in a row
 * against the health out of the rise or fall that would change it, and
 * since when.  Text leaves it out for a service known to run no check.
 */
static void print_health(const struct lbctl_backend *b,
			 const struct slb_check_params *check)
{
	bool down = b->health == SPLICELB_HEALTH_DOWN;
	enum lbctl_out any = OUT_ANY;
	char count[32], age[32];

	if (check && check->type == SPLICELB_CHECK_NONE)
		any = OUT_JSON;
	if (check)
		snprintf(count, sizeof(count), "%" PRIu32 "/%" PRIu32,
			 b->check_count, down ? check->rise : check->fall);
	else
		snprintf(count, sizeof(count), "%" PRIu32, b->check_count);
	out_str(any, "health", " health %s", down ? "down" :
		b->health == SPLICELB_HEALTH_UP ? "up" : "?");
	out_str(any, "check_result", " check %s",
		slb_check_result_name(b->check_result));
	out_str(any & OUT_TEXT, NULL, " %s", count);
	out_u64(OUT_JSON, "check_count", "", b->check_count);
	out_str(any & OUT_TEXT, NULL, " since %s",
		age_str(b->health_age_ms, age, sizeof(age)));
	out_u64(OUT_JSON, "health_age_ms", "", b->health_age_ms);
}

/*
 * The agent, as save writes it (only with one, its inter when not the
 * default), then what it said last: " agent ready 75% up", and how its
 * last poll ended where that is news, " (refused)".  JSON has where it
 * is and how often always, what it said with an agent.
 */
static void print_agent(const struct lbctl_backend *b)
{
	bool news = b->agent_result != SPLICELB_CHECK_RESULT_NONE &&
		    b->agent_result != SPLICELB_CHECK_RESULT_PASSED;
	char t[SLB_CFG_TIMEOUT_STRLEN];

	out_u64(b->agent_port ? OUT_ANY : OUT_JSON, "agent_port",
		" agent-port %" PRIu64, b->agent_port);
	if (b->agent_port && b->agent_inter_ms != SPLICELB_AGENT_INTER_DEF_MS)
		out_str(OUT_TEXT, NULL, " agent-inter %s",
			slb_cfg_timeout_str(b->agent_inter_ms, t, sizeof(t)));
	out_u64(OUT_JSON, "agent_inter_ms", "", b->agent_inter_ms);
	if (!b->agent_port)
		return;
	out_str(OUT_ANY, "agent_admin", " agent %s",
		slb_agent_admin_name(b->agent_admin));
	out_u64(OUT_ANY, "agent_pct", " %" PRIu64 "%%", b->agent_pct);
	out_str(OUT_ANY, "agent_health", " %s",
		b->agent_health == SPLICELB_HEALTH_DOWN ? "down" :
		b->agent_health == SPLICELB_HEALTH_UP ? "up" : "?");
	out_str(news ? OUT_ANY : OUT_JSON, "agent_result", " (%s)",
		slb_check_result_name(b->agent_result));
}

void print_backend(const struct lbctl_backend *b,
		   const struct slb_check_params *check, bool with_svc,
		   bool stats)
{
	const char *state = slb_cfg_state_name(b->state);
	bool ramping = b->eweight != b->weight * SPLICELB_WEIGHT_SCALE;
	char ew[16];

	out_addr(OUT_ANY, "backend", with_svc ? "backend %s" : "  backend %s",
		 &b->addr);
	if (with_svc)
		out_addr(OUT_ANY, "service", " service %s", &b->svc);
	out_u64(OUT_ANY, "weight", " weight %" PRIu64, b->weight);
	/* The text only while it differs from the weight: in a slow start. */
	out_num(ramping ? OUT_ANY : OUT_JSON, "eweight", " eweight %s",
		slb_cfg_eweight_str(b->eweight, ew, sizeof(ew)));
	out_str(OUT_ANY, "state", " state %s", state ? state : "?");
	out_u64(OUT_ANY, "maxconn", " maxconn %" PRIu64, b->maxconn);
	/* As save writes it: only when not the backend's own port. */
	out_u64(b->check_port ? OUT_ANY : OUT_JSON, "check_port",
		" check-port %" PRIu64, b->check_port);
	print_proxy(b->proxy_protocol, SPLICELB_PROXY_INHERIT);
	print_health(b, check);
	print_agent(b);
	out_nl();
	if (stats && b->st.present)
		print_counters(&b->st, with_svc ? "    " : "      ");
}
