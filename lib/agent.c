// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The words of an agent's reply: see agent.h. */
#include "agent.h"

static bool slb_agent_is_end(u8 c)
{
	return c == '\n' || c == '\r' || c == '\0' || c == '#';
}

static bool slb_agent_is_sep(u8 c)
{
	return c == ' ' || c == '\t' || c == ',';
}

static u8 slb_agent_lower(u8 c)
{
	return c >= 'A' && c <= 'Z' ? (u8)(c - 'A' + 'a') : c;
}

static bool slb_agent_word_is(const u8 *w, size_t len, const char *name)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!name[i] || slb_agent_lower(w[i]) != (u8)name[i])
			return false;
	return !name[len];
}

/* "N%", N of at most ten digits, capped; false for any other word. */
static bool slb_agent_pct(const u8 *w, size_t len, u32 *pct)
{
	u64 v = 0;
	size_t i;

	if (len < 2 || len > 11 || w[len - 1] != '%')
		return false;
	for (i = 0; i < len - 1; i++) {
		if (w[i] < '0' || w[i] > '9')
			return false;
		v = v * 10 + (u64)(w[i] - '0');
	}
	*pct = v > SLB_AGENT_PCT_MAX ? SLB_AGENT_PCT_MAX : (u32)v;
	return true;
}

static bool slb_agent_word(const u8 *w, size_t len, struct slb_agent_reply *r)
{
	static const struct {
		const char *name;
		u32 said;
		u8 admin;
		bool down;
	} words[] = {
		{ "ready", SLB_AGENT_SAID_ADMIN, SPLICELB_AGENT_READY, false },
		{ "drain", SLB_AGENT_SAID_ADMIN, SPLICELB_AGENT_DRAIN, false },
		{ "maint", SLB_AGENT_SAID_ADMIN, SPLICELB_AGENT_MAINT, false },
		{ "up", SLB_AGENT_SAID_HEALTH, 0, false },
		{ "down", SLB_AGENT_SAID_HEALTH, 0, true },
		{ "fail", SLB_AGENT_SAID_HEALTH, 0, true },
		{ "stopped", SLB_AGENT_SAID_HEALTH, 0, true },
	};
	size_t i;

	if (slb_agent_pct(w, len, &r->pct)) {
		r->said |= SLB_AGENT_SAID_PCT;
		return true;
	}
	for (i = 0; i < ARRAY_SIZE(words); i++) {
		if (!slb_agent_word_is(w, len, words[i].name))
			continue;
		r->said |= words[i].said;
		if (words[i].said == SLB_AGENT_SAID_ADMIN)
			r->admin = words[i].admin;
		else
			r->down = words[i].down;
		return true;
	}
	return false;
}

bool slb_agent_parse(const u8 *buf, size_t len, struct slb_agent_reply *r)
{
	size_t i = 0, start;

	r->said = 0;
	r->pct = 100;
	r->admin = SPLICELB_AGENT_READY;
	r->down = false;
	while (i < len && !slb_agent_is_end(buf[i])) {
		if (slb_agent_is_sep(buf[i])) {
			i++;
			continue;
		}
		start = i;
		while (i < len && !slb_agent_is_end(buf[i]) &&
		       !slb_agent_is_sep(buf[i]))
			i++;
		/* Later words win, as they would one after another. */
		slb_agent_word(buf + start, i - start, r);
	}
	return r->said;
}

bool slb_agent_line_done(const u8 *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] == '\n' || buf[i] == '\0')
			return true;
	return false;
}

void slb_agent_state_init(struct slb_agent_state *st)
{
	st->pct = 100;
	st->admin = SPLICELB_AGENT_READY;
	st->down = false;
}

bool slb_agent_state_same(const struct slb_agent_state *a,
			  const struct slb_agent_state *b)
{
	return a->pct == b->pct && a->admin == b->admin && a->down == b->down;
}

bool slb_agent_apply(struct slb_agent_state *st,
		     const struct slb_agent_reply *r)
{
	struct slb_agent_state old = *st;

	if (r->said & SLB_AGENT_SAID_PCT)
		st->pct = r->pct;
	if (r->said & SLB_AGENT_SAID_ADMIN)
		st->admin = r->admin;
	if (r->said & SLB_AGENT_SAID_HEALTH)
		st->down = r->down;
	return !slb_agent_state_same(&old, st);
}

bool slb_agent_available(const struct slb_agent_state *st)
{
	return st->admin == SPLICELB_AGENT_READY && !st->down;
}

const char *slb_agent_admin_name(u8 admin)
{
	switch (admin) {
	case SPLICELB_AGENT_READY:
		return "ready";
	case SPLICELB_AGENT_DRAIN:
		return "drain";
	case SPLICELB_AGENT_MAINT:
		return "maint";
	}
	return "?";
}
