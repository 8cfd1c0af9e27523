// SPDX-License-Identifier: GPL-2.0 OR MIT
/* lbctl show: every service with its backends. */
#include "lbctl.h"

int cmd_show(struct lbctl *c, const struct lbctl_req *req)
{
	struct lbctl_config cfg;
	struct lbctl_req all = *req;
	size_t i, j;

	all.has &= ~LBCTL_HAS_ADDR;
	if (lbctl_dump_config(c, &all, true, &cfg))
		return LBCTL_REFUSED;
	out_open_array(NULL);
	for (i = 0; i < cfg.nsvc; i++) {
		out_open_object(NULL);
		print_service(&cfg.svc[i], req->stats);
		out_open_array("backends");
		for (j = 0; j < cfg.svc[i].nbe; j++) {
			out_open_object(NULL);
			print_backend(&cfg.svc[i].be[j], &cfg.svc[i].check,
				      false, req->stats);
			out_close_object();
		}
		out_close_array();
		out_close_object();
	}
	out_close_array();
	lbctl_config_free(&cfg);
	return LBCTL_OK;
}
