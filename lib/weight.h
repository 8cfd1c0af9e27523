/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A backend's effective weight: what the schedulers count of it
 * (slb_sched_dest.weight), made from the weight the operator configured,
 * the share of it its agent asks for and the slow-start ramp, the part
 * the module and lbselect share.
 *
 * The schedulers only ever compare weights with one another, so they are
 * given in sixteenths of a configured unit (SPLICELB_WEIGHT_SCALE, as
 * HAProxy's BE_WEIGHT_SCALE): a backend of weight 1 then still ramps in
 * steps, where whole units would leave it at all or nothing.
 *
 * Slow start (HAProxy's slowstart, nginx Plus's slow_start): a backend
 * that becomes eligible again, its health up after down or its admin
 * state up after drain or down, does not take its full share of new
 * connections at once, which would send a cold cache or a JIT that is
 * warming up a burst of clients.  Over the service's slowstart its
 * weight climbs in SLB_SLOWSTART_STEPS equal steps, from one step's share
 * to all of it: 1/20, 2/20, ... of the weight, each for a twentieth of
 * the time (fewer, longer steps when that would be under 100 ms).  The
 * weight changes only at the steps, so a scheduler's state (wrr's
 * credits, p2c's sums) is rebuilt about 20 times per ramp, not per pick.
 *
 * The hashing schedulers (sh, mh) do not ramp: their tables give every
 * gateway the same backend for a client, and a table rebuilt at every
 * step would move the clients of the other backends to and fro, and
 * differently on gateways whose ramps began at different moments.  They
 * give the backend its share back at once.
 *
 * The ramps advance at picks (slb_ramp_advance), since weights matter
 * only to picks: no timer, nothing to stop when a backend or a service
 * goes, and a pick does no more than compare two numbers unless a step
 * is due.  A due step walks the service's dests once, and updates the
 * scheduler once for all the dests that moved.
 */
#ifndef SLB_LIB_WEIGHT_H
#define SLB_LIB_WEIGHT_H

#include "sched.h"
#include "slb_types.h"
#include "uapi/linux/splicelb.h"

#define SLB_WEIGHT_SCALE	SPLICELB_WEIGHT_SCALE
#define SLB_SLOWSTART_STEPS	20
#define SLB_SLOWSTART_STEP_MIN_MS	100

/*
 * The weight before any ramp, in 1/SLB_WEIGHT_SCALE units, of configured
 * @weight at @pct percent of it; never 0 unless one of them is, never
 * above SPLICELB_WEIGHT_MAX units.
 */
u32 slb_weight_base(u32 weight, u32 pct);
/*
 * What a table build counts of configured @weight at @pct percent:
 * all of it, or nothing at 0%.  A table rebuilt for every share an agent
 * reports (as often as every agent-inter, under the netns's lock, up to
 * 0.7 s for mh's largest) would move the clients of the other backends
 * back and forth; the shares between are for the other schedulers.
 */
u32 slb_weight_table(u32 weight, u32 pct);
/*
 * The weight the schedulers count for @base, @elapsed_ms into a slow
 * start of @slowstart_ms (0: none; past its end: none).  Never 0 for a
 * base that is not.
 */
u32 slb_weight_effective(u32 base, u32 slowstart_ms, u64 elapsed_ms);
/*
 * When, counted from the ramp's start, the weight next changes; 0 when
 * the ramp is over at @elapsed_ms.
 */
u64 slb_slowstart_next_ms(u32 slowstart_ms, u64 elapsed_ms);

/* A service's ramps: how many of its dests ramp, and the next step due. */
struct slb_ramp {
	unsigned int n;
	u64 due_ms;
};

/*
 * @d of a service with slowstart @slowstart_ms became eligible again at
 * @now_ms (any clock in ms, the same for every call): its ramp begins,
 * unless the service has none or @ops hash with a table.  The caller
 * then calls ops->upd_dest, as for any change of @d.
 */
void slb_ramp_begin(struct slb_ramp *r, const struct slb_sched_ops *ops,
		    struct slb_sched_dest *d, u32 slowstart_ms, u64 now_ms);
/*
 * The weight @d counts now: its base_weight, less while it ramps.  For
 * the caller to set d->weight when base_weight changes, and for reports.
 */
u32 slb_ramp_weight(const struct slb_sched_dest *d, u32 slowstart_ms,
		    u64 now_ms);
/*
 * Before a pick: every step due by @now_ms taken, ops->upd_dest called for
 * each dest whose weight changed.  The service's slowstart or scheduler
 * changed: call slb_ramp_touch first, so that the next advance looks.
 */
void slb_ramp_advance_due(struct slb_ramp *r, const struct slb_sched_ops *ops,
			  void *state, struct slb_sched_dest *const *dests,
			  unsigned int n, u32 slowstart_ms, u64 now_ms);

static inline void slb_ramp_advance(struct slb_ramp *r,
				    const struct slb_sched_ops *ops,
				    void *state,
				    struct slb_sched_dest *const *dests,
				    unsigned int n, u32 slowstart_ms,
				    u64 now_ms)
{
	if (r->n && now_ms >= r->due_ms)
		slb_ramp_advance_due(r, ops, state, dests, n, slowstart_ms,
				     now_ms);
}

static inline void slb_ramp_touch(struct slb_ramp *r)
{
	r->due_ms = 0;
}

/* @d leaves the service, ramping or not. */
void slb_ramp_forget(struct slb_ramp *r, struct slb_sched_dest *d);

#endif /* SLB_LIB_WEIGHT_H */
