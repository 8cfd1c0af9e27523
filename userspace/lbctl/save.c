// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lbctl save: the configuration as the commands that make it, in the
 * format of userspace/common/config.h, which lbselect reads too:
 *
 *   service add 10.0.0.1:80 scheduler rr backlog 511 maxconn 0
 *       maxqueue 0 queue-timeout 5s slowstart 10s proxy-protocol v2
 *       accept-proxy on source 10.0.11.1,10.0.11.3 check send "PING\r\n"
 *       expect "+PONG" inter 2s timeout 0 rise 2 fall 3 fastinter 0
 *       downinter 0
 *                                                          (one line)
 *   backend add 10.0.1.1:80 service 10.0.0.1:80 weight 1 state up maxconn 0
 *
 * Every setting is written out, defaults included, so a restore on a host
 * with other defaults makes the same services; so is every scheduler
 * option the kernel reports, which are those the scheduler takes ("sh"
 * is followed by "hash-key addr seed 0").  The check's defaults are the
 * same on every host, and so are a slowstart's (none), the PROXY
 * protocol's (none for a service, its service's for a backend, no
 * accept-proxy) and a source's (none): a service never given a check is
 * written without one, a check with all its parameters, and a
 * check-port, a slowstart, a proxy-protocol, an accept-proxy, a source
 * or an agent only when set (its agent-inter only when not the
 * default).
 */
#include <stdio.h>

#include "addr.h"
#include "lbctl.h"

int cmd_save(struct lbctl *c, const struct lbctl_req *req)
{
	char a[SLB_ADDR_STRLEN], s[SLB_ADDR_STRLEN];
	char t[SLB_CFG_TIMEOUT_STRLEN];
	const struct lbctl_backend *b;
	const struct lbctl_service *sv;
	struct lbctl_config cfg;
	struct lbctl_req all = *req;
	uint8_t state;
	size_t i, j;

	all.has &= ~LBCTL_HAS_ADDR;
	if (lbctl_dump_config(c, &all, true, &cfg))
		return LBCTL_REFUSED;
	for (i = 0; i < cfg.nsvc; i++) {
		sv = &cfg.svc[i];
		slb_addr_format(&sv->addr, s, sizeof(s));
		printf("service add %s scheduler %s", s, sv->sched);
		slb_cfg_write_sched_opts(stdout, &sv->opts, sv->opts_has);
		printf(" backlog %u maxconn %u maxqueue %u queue-timeout %s",
		       sv->backlog, sv->maxconn, sv->maxqueue,
		       slb_cfg_timeout_str(sv->queue_timeout_ms, t,
					   sizeof(t)));
		slb_cfg_write_slowstart(stdout, sv->slowstart_ms);
		slb_cfg_write_proxy(stdout, sv->proxy_protocol,
				    SPLICELB_PROXY_NONE);
		slb_cfg_write_accept_proxy(stdout, sv->accept_proxy);
		slb_cfg_write_source(stdout, &sv->source);
		slb_cfg_write_check(stdout, &sv->check);
		putchar('\n');
		for (j = 0; j < sv->nbe; j++) {
			b = &sv->be[j];
			/* Drained is where draining ends: restore drains. */
			state = b->state == SPLICELB_BACKEND_DRAINED ?
				SPLICELB_BACKEND_DRAIN : b->state;
			printf("backend add %s service %s weight %u state %s "
			       "maxconn %u",
			       slb_addr_format(&b->addr, a, sizeof(a)), s,
			       b->weight, slb_cfg_state_name(state) ?
			       slb_cfg_state_name(state) : "up", b->maxconn);
			slb_cfg_write_check_port(stdout, b->check_port);
			slb_cfg_write_proxy(stdout, b->proxy_protocol,
					    SPLICELB_PROXY_INHERIT);
			slb_cfg_write_agent(stdout, b->agent_port,
					    b->agent_inter_ms);
			putchar('\n');
		}
	}
	lbctl_config_free(&cfg);
	return LBCTL_OK;
}
