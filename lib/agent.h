/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The agent check, HAProxy's agent protocol, the part the module and
 * lbselect share: what one reply of a backend's agent says.
 *
 * The balancer connects to the agent-port of the backend, sends nothing,
 * and reads one line, to a newline or to the end of the connection.  Its
 * words, separated by spaces, tabs or commas and in any case, are:
 *
 *   N%                   the backend's effective weight, as N percent of
 *                        its configured weight (0% takes it out)
 *   ready, drain, maint  the agent's view of the admin state: no new
 *                        clients while it says drain or maint, existing
 *                        ones carry on; ready ends either
 *   up; down, fail,      its health, apart from the checks': down until
 *   stopped              the agent says up again
 *
 * A '#' ends the words: what follows is a description, for the log.
 * Words it does not know are passed over, as by HAProxy, so that an agent
 * written for a newer HAProxy still works; HAProxy's maxconn:N is one of
 * them.  A reply with no word it knows says nothing: the backend keeps
 * what the agent said before ("unexpected reply").  An agent that cannot
 * be reached says nothing either, as in HAProxy: whether the backend
 * serves is for its health checks to say.
 */
#ifndef SLB_LIB_AGENT_H
#define SLB_LIB_AGENT_H

#include "slb_types.h"
#include "uapi/linux/splicelb.h"

/* The most of a reply read: a line longer than this is cut here. */
#define SLB_AGENT_REPLY_MAX	512
/* The largest share an agent may ask for; HAProxy takes up to 256 units. */
#define SLB_AGENT_PCT_MAX	SPLICELB_AGENT_PCT_MAX

/* What one reply said; the SLB_AGENT_SAID_* of @said say which. */
struct slb_agent_reply {
	u32 said;
	u32 pct;
	u8 admin;		/* enum splicelb_agent_admin */
	bool down;
};

#define SLB_AGENT_SAID_PCT	(1U << 0)
#define SLB_AGENT_SAID_ADMIN	(1U << 1)
#define SLB_AGENT_SAID_HEALTH	(1U << 2)

/*
 * What an agent's agreed state is before its first reply, and after one
 * that said nothing of a part.
 */
struct slb_agent_state {
	u32 pct;
	u8 admin;
	bool down;
};

void slb_agent_state_init(struct slb_agent_state *st);
/*
 * Parses the first line of @buf, up to a newline, a NUL or its end: false
 * when it holds no word this knows, or nothing at all.
 */
bool slb_agent_parse(const u8 *buf, size_t len, struct slb_agent_reply *r);
/* Does @buf hold a whole line yet? */
bool slb_agent_line_done(const u8 *buf, size_t len);
bool slb_agent_state_same(const struct slb_agent_state *a,
			  const struct slb_agent_state *b);
/* @st with what @r said; true if it changed. */
bool slb_agent_apply(struct slb_agent_state *st,
		     const struct slb_agent_reply *r);
/* May the backend take new clients, as far as its agent is concerned? */
bool slb_agent_available(const struct slb_agent_state *st);
/* "ready", "drain", "maint". */
const char *slb_agent_admin_name(u8 admin);

#endif /* SLB_LIB_AGENT_H */
