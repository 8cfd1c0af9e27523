// SPDX-License-Identifier: GPL-2.0 OR MIT
/* lbctl stats: the counters of the whole namespace. */
#include "lbctl.h"

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	return lbctl_parse_stats(nlh, data) ? -1 : MNL_CB_OK;
}

int cmd_stats(struct lbctl *c, const struct lbctl_req *req)
{
	struct lbctl_counters st = { 0 };

	if (lbctl_nl_talk(c, SPLICELB_CMD_STATS_GET, 0, req, stats_cb, &st))
		return LBCTL_REFUSED;
	if (!st.present) {
		lbctl_err(c, "no counters in the kernel's reply");
		return LBCTL_REFUSED;
	}
	out_open_object(NULL);
	print_counters(&st, "");
	out_close_object();
	return LBCTL_OK;
}
