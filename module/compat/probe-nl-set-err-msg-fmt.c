// SPDX-License-Identifier: GPL-2.0
#include <linux/netlink.h>

void slb_probe(struct netlink_ext_ack *extack, int x);
void slb_probe(struct netlink_ext_ack *extack, int x)
{
	NL_SET_ERR_MSG_FMT_MOD(extack, "probe %d", x);
}
