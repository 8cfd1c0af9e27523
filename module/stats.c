// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>

#include "stats.h"

void slb_stats_read(const struct slb_stats *s, struct slb_stats_snap *snap)
{
	snap->conns_active = max(atomic_read(&s->active), 0);
	snap->conns_inactive = max(atomic_read(&s->inactive), 0);
	snap->conns_total = atomic64_read(&s->conns_total);
	snap->bytes_in = atomic64_read(&s->bytes_in);
	snap->bytes_out = atomic64_read(&s->bytes_out);
	snap->connect_fails = atomic64_read(&s->connect_fails);
	snap->refused = atomic64_read(&s->refused);
	snap->bytes_by_ref = atomic64_read(&s->bytes_by_ref);
	snap->bytes_copied = atomic64_read(&s->bytes_copied);
	snap->timeouts = atomic64_read(&s->timeouts);
	snap->resets = atomic64_read(&s->resets);
}

void slb_stats_zero(struct slb_stats *s)
{
	atomic64_set(&s->conns_total, 0);
	atomic64_set(&s->bytes_in, 0);
	atomic64_set(&s->bytes_out, 0);
	atomic64_set(&s->connect_fails, 0);
	atomic64_set(&s->refused, 0);
	atomic64_set(&s->bytes_by_ref, 0);
	atomic64_set(&s->bytes_copied, 0);
	atomic64_set(&s->timeouts, 0);
	atomic64_set(&s->resets, 0);
}
