// SPDX-License-Identifier: GPL-2.0 OR MIT
/* lbctl zero: every counter of the namespace back to 0. */
#include "lbctl.h"

int cmd_zero(struct lbctl *c, const struct lbctl_req *req)
{
	return lbctl_nl_simple(c, req);
}
