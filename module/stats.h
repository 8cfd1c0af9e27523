/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_STATS_H
#define SLB_STATS_H

#include <linux/atomic.h>
#include <linux/types.h>

/*
 * Counters of a service, a backend or a netns.  Updated once per relay run
 * or per connection event, never per packet, so plain atomics are cheap.
 */
struct slb_stats {
	atomic64_t conns_total;
	atomic64_t bytes_in;		/* client to backend */
	atomic64_t bytes_out;		/* backend to client */
	atomic64_t connect_fails;
	atomic64_t refused;
	atomic64_t bytes_by_ref;
	atomic64_t bytes_copied;
	atomic64_t timeouts;
	atomic64_t resets;
	atomic_t active;		/* relaying */
	atomic_t inactive;		/* connecting, or half-closed */
};

/* A consistent-enough copy for reporting. */
struct slb_stats_snap {
	u64 conns_active;
	u64 conns_inactive;
	u64 conns_total;
	u64 bytes_in;
	u64 bytes_out;
	u64 connect_fails;
	u64 refused;
	u64 bytes_by_ref;
	u64 bytes_copied;
	u64 timeouts;
	u64 resets;
};

void slb_stats_read(const struct slb_stats *s, struct slb_stats_snap *snap);
/* Zeroes the cumulative counters; active and inactive are live state. */
void slb_stats_zero(struct slb_stats *s);

#endif /* SLB_STATS_H */
