// SPDX-License-Identifier: GPL-2.0 OR MIT
/* lbctl backend add|change|del|show */
#include <errno.h>

#include "lbctl.h"

static int backend_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct lbctl_req *req = data;
	struct lbctl_backend b;

	if (lbctl_parse_backend(nlh, &b))
		return -1;
	out_open_object(NULL);
	print_backend(&b, true, req->stats);
	out_close_object();
	return MNL_CB_OK;
}

int cmd_backend(struct lbctl *c, const struct lbctl_req *req)
{
	int err;

	if (req->op != LBCTL_BACKEND_SHOW)
		return lbctl_nl_simple(c, req);

	/*
	 * Printed as they come: a dump that raced with a change is only
	 * reported, since what was printed cannot be taken back.
	 */
	out_open_array(NULL);
	err = lbctl_nl_talk(c, SPLICELB_CMD_BACKEND_GET, NLM_F_DUMP, req,
			    backend_cb, (void *)req);
	out_close_array();
	if (err == -EINTR)
		lbctl_err(c, "the backends changed during the listing");
	return err ? LBCTL_REFUSED : LBCTL_OK;
}
