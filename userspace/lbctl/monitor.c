// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lbctl monitor: the events of the namespace as they happen, one line (or
 * with -j one JSON object) each:
 *
 *   add service 10.0.0.1:80 scheduler rr backlog 511 maxconn 0 ...
 *   state backend 10.0.1.1:80 service 10.0.0.1:80 weight 1 state drained ...
 *   health backend 10.0.1.1:80 service 10.0.0.1:80 ... health down check
 *       refused 0 since 0ms agent-port 9999 agent ready 100% down
 *                                                          (one line)
 *
 * An event names a backend's service but not its check: the count of a
 * health event stands alone, not against the service's rise or fall.  A
 * backend's agent, with one, is in every event about it, as in a show.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>

#include "lbctl.h"

static const char *event_name(uint8_t cmd)
{
	switch (cmd) {
	case SPLICELB_CMD_SERVICE_NEW:
	case SPLICELB_CMD_BACKEND_NEW:
		return "add";
	case SPLICELB_CMD_SERVICE_SET:
	case SPLICELB_CMD_BACKEND_SET:
		return "change";
	case SPLICELB_CMD_SERVICE_DEL:
	case SPLICELB_CMD_BACKEND_DEL:
		return "del";
	case SPLICELB_CMD_BACKEND_STATE:
		return "state";
	case SPLICELB_CMD_BACKEND_HEALTH:
		return "health";
	}
	return NULL;
}

static void print_event(const struct nlmsghdr *nlh, const struct lbctl_req *req)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const char *ev = event_name(g->cmd);
	struct slb_check_params none;
	struct lbctl_service s;
	struct lbctl_backend b;

	if (!ev)
		return;
	/*
	 * Only a health event is about what the checks found: the text of
	 * the others leaves it out, as for a service that runs no check.
	 */
	slb_check_params_init(&none);
	out_init(req->json, req->pretty);
	out_open_object(NULL);
	out_str(OUT_ANY, "event", "%s ", ev);
	if (g->cmd >= SPLICELB_CMD_SERVICE_NEW &&
	    g->cmd <= SPLICELB_CMD_SERVICE_DEL) {
		if (!lbctl_parse_service(nlh, &s))
			print_service(&s, false);
	} else if (!lbctl_parse_backend(nlh, &b)) {
		print_backend(&b, g->cmd == SPLICELB_CMD_BACKEND_HEALTH ? NULL :
			      &none, true, false);
	}
	out_close_object();
	out_finish();
}

int cmd_monitor(struct lbctl *c, const struct lbctl_req *req)
{
	static char buf[32768] __attribute__((aligned(8)));
	const struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	if (lbctl_nl_open(c))
		return LBCTL_REFUSED;
	if (!c->mcgrp) {
		lbctl_err(c, "the kernel has no \"" SPLICELB_MCGRP_EVENTS
			  "\" group");
		return LBCTL_REFUSED;
	}
	if (mnl_socket_setsockopt(c->sk, NETLINK_ADD_MEMBERSHIP, &c->mcgrp,
				  sizeof(c->mcgrp)) < 0) {
		lbctl_err(c, "joining the events group: %s", strerror(errno));
		return LBCTL_REFUSED;
	}
	for (;;) {
		n = mnl_socket_recvfrom(c->sk, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* We fell behind; say so and go on listening. */
			if (errno == ENOBUFS) {
				lbctl_err(c, "events were lost; "
					  "\"lbctl show\" has the current state");
				continue;
			}
			lbctl_err(c, "netlink: %s", strerror(errno));
			return LBCTL_REFUSED;
		}
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len))
			if (nlh->nlmsg_type == c->family &&
			    mnl_nlmsg_get_payload_len(nlh) >= GENL_HDRLEN)
				print_event(nlh, req);
	}
}
