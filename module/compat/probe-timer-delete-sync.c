// SPDX-License-Identifier: GPL-2.0
#include <linux/timer.h>

void slb_probe(struct timer_list *t);
void slb_probe(struct timer_list *t)
{
	timer_delete_sync(t);
}
