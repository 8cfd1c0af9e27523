// SPDX-License-Identifier: GPL-2.0 OR MIT
/* lbctl backend add|change|del|show */
#include "lbctl.h"

int cmd_backend(struct lbctl *c, const struct lbctl_req *req)
{
	struct lbctl_config cfg;
	struct lbctl_req r = *req;
	size_t i, j;

	if (req->op != LBCTL_BACKEND_SHOW)
		return lbctl_nl_simple(c, req);

	/* Read whole, so that a dump that raced with a change is read again. */
	r.has &= ~LBCTL_HAS_ADDR;
	if (req->has & LBCTL_HAS_SVC) {
		r.addr = req->svc;
		r.has |= LBCTL_HAS_ADDR;
	}
	if (lbctl_dump_config(c, &r, true, &cfg))
		return LBCTL_REFUSED;
	out_open_array(NULL);
	for (i = 0; i < cfg.nsvc; i++)
		for (j = 0; j < cfg.svc[i].nbe; j++) {
			out_open_object(NULL);
			print_backend(&cfg.svc[i].be[j], &cfg.svc[i].check,
				      true, req->stats);
			out_close_object();
		}
	out_close_array();
	lbctl_config_free(&cfg);
	return LBCTL_OK;
}
