// SPDX-License-Identifier: GPL-2.0 OR MIT
/* lbctl flush [cut]: delete every service (cut: and its connections). */
#include "lbctl.h"

int cmd_flush(struct lbctl *c, const struct lbctl_req *req)
{
	return lbctl_nl_simple(c, req);
}
