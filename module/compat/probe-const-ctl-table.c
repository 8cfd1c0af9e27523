// SPDX-License-Identifier: GPL-2.0
/* Builds where proc handlers take a const struct ctl_table (6.11). */
#include <linux/sysctl.h>

static int slb_probe_handler(const struct ctl_table *table, int write,
			     void *buffer, size_t *lenp, loff_t *ppos)
{
	return 0;
}

struct ctl_table slb_probe_table = {
	.proc_handler = slb_probe_handler,
};
