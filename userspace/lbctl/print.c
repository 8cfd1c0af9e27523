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

/* Two text lines, connections then bytes; one JSON object. */
void print_counters(const struct lbctl_counters *st, const char *ind)
{
	enum { CONNS, BYTES };
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
	for (line = CONNS; line <= BYTES; line++) {
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
	out_u64(OUT_JSON, "nbackends", "", s->nbackends);
	out_nl();
	if (stats && s->st.present)
		print_counters(&s->st, "    ");
}

void print_backend(const struct lbctl_backend *b, bool with_svc, bool stats)
{
	const char *state = slb_cfg_state_name(b->state);

	out_addr(OUT_ANY, "backend", with_svc ? "backend %s" : "  backend %s",
		 &b->addr);
	if (with_svc)
		out_addr(OUT_ANY, "service", " service %s", &b->svc);
	out_u64(OUT_ANY, "weight", " weight %" PRIu64, b->weight);
	out_str(OUT_ANY, "state", " state %s", state ? state : "?");
	out_u64(OUT_ANY, "maxconn", " maxconn %" PRIu64, b->maxconn);
	out_nl();
	if (stats && b->st.present)
		print_counters(&b->st, with_svc ? "    " : "      ");
}
