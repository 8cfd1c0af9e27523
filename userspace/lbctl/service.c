// SPDX-License-Identifier: GPL-2.0 OR MIT
/* lbctl service add|change|del|show */
#include "lbctl.h"

int cmd_service(struct lbctl *c, const struct lbctl_req *req)
{
	struct lbctl_config cfg;
	size_t i;

	if (req->op != LBCTL_SERVICE_SHOW)
		return lbctl_nl_simple(c, req);

	/* One service (a request), or all of them (a dump). */
	if (lbctl_dump_config(c, req, false, &cfg))
		return LBCTL_REFUSED;
	out_open_array(NULL);
	for (i = 0; i < cfg.nsvc; i++) {
		out_open_object(NULL);
		print_service(&cfg.svc[i], req->stats);
		out_close_object();
	}
	out_close_array();
	lbctl_config_free(&cfg);
	return LBCTL_OK;
}
