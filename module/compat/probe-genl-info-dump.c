// SPDX-License-Identifier: GPL-2.0
#include <net/genetlink.h>

struct nlattr **slb_probe(struct netlink_callback *cb);
struct nlattr **slb_probe(struct netlink_callback *cb)
{
	return genl_info_dump(cb)->attrs;
}
