// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Effective weights and the slow-start ramp: see weight.h. */
#include "weight.h"

static u32 slb_slowstart_steps(u32 slowstart_ms)
{
	u32 steps = slowstart_ms / SLB_SLOWSTART_STEP_MIN_MS;

	if (steps > SLB_SLOWSTART_STEPS)
		steps = SLB_SLOWSTART_STEPS;
	return steps ? steps : 1;
}

/* The step @elapsed_ms falls in, counted from 0. */
static u64 slb_slowstart_step(u32 slowstart_ms, u64 elapsed_ms)
{
	return elapsed_ms * slb_slowstart_steps(slowstart_ms) / slowstart_ms;
}

u32 slb_weight_base(u32 weight, u32 pct)
{
	u64 w = (u64)weight * SLB_WEIGHT_SCALE * pct / 100;

	if (w > (u64)SPLICELB_WEIGHT_MAX * SLB_WEIGHT_SCALE)
		return SPLICELB_WEIGHT_MAX * SLB_WEIGHT_SCALE;
	return w || !weight || !pct ? (u32)w : 1;
}

u32 slb_weight_table(u32 weight, u32 pct)
{
	return pct ? weight : 0;
}

u32 slb_weight_effective(u32 base, u32 slowstart_ms, u64 elapsed_ms)
{
	u64 steps, w;

	if (!slowstart_ms || elapsed_ms >= slowstart_ms || !base)
		return base;
	steps = slb_slowstart_steps(slowstart_ms);
	w = (u64)base * (slb_slowstart_step(slowstart_ms, elapsed_ms) + 1) /
	    steps;
	return w ? (u32)w : 1;
}

u64 slb_slowstart_next_ms(u32 slowstart_ms, u64 elapsed_ms)
{
	u64 steps, next;

	if (!slowstart_ms || elapsed_ms >= slowstart_ms)
		return 0;
	steps = slb_slowstart_steps(slowstart_ms);
	next = slb_slowstart_step(slowstart_ms, elapsed_ms) + 1;
	/* Rounded up, so that the step has begun when it is read. */
	return (next * slowstart_ms + steps - 1) / steps;
}

void slb_ramp_begin(struct slb_ramp *r, const struct slb_sched_ops *ops,
		    struct slb_sched_dest *d, u32 slowstart_ms, u64 now_ms)
{
	if (!slowstart_ms || ops->build)
		return;
	if (!d->ramping)
		r->n++;
	d->ramping = true;
	d->ramp_start_ms = now_ms;
	d->weight = slb_ramp_weight(d, slowstart_ms, now_ms);
	slb_ramp_touch(r);
}

u32 slb_ramp_weight(const struct slb_sched_dest *d, u32 slowstart_ms,
		    u64 now_ms)
{
	if (!d->ramping)
		return d->base_weight;
	return slb_weight_effective(d->base_weight, slowstart_ms,
				    now_ms - d->ramp_start_ms);
}

void slb_ramp_forget(struct slb_ramp *r, struct slb_sched_dest *d)
{
	if (d->ramping)
		r->n--;
	d->ramping = false;
}

/*
 * Moves @d on: true when its weight moved.  *@next: the step after, 0
 * when its ramp is over.
 */
static bool slb_ramp_step(struct slb_ramp *r, const struct slb_sched_ops *ops,
			  struct slb_sched_dest *d, u32 slowstart_ms,
			  u64 now_ms, u64 *next)
{
	u32 w;

	*next = 0;
	/* A hashing scheduler took over, or the service stopped ramping. */
	if (!ops->build)
		*next = slb_slowstart_next_ms(slowstart_ms,
					      now_ms - d->ramp_start_ms);
	if (!*next)
		slb_ramp_forget(r, d);
	else
		*next += d->ramp_start_ms;
	w = slb_ramp_weight(d, slowstart_ms, now_ms);
	if (w == d->weight)
		return false;
	d->weight = w;
	return true;
}

void slb_ramp_advance_due(struct slb_ramp *r, const struct slb_sched_ops *ops,
			  void *state, struct slb_sched_dest *const *dests,
			  unsigned int n, u32 slowstart_ms, u64 now_ms)
{
	struct slb_sched_dest *moved = NULL;
	u64 due = (u64)-1, next;
	unsigned int i;

	for (i = 0; i < n && r->n; i++) {
		if (!dests[i]->ramping)
			continue;
		if (slb_ramp_step(r, ops, dests[i], slowstart_ms, now_ms,
				  &next))
			moved = dests[i];
		if (next && next < due)
			due = next;
	}
	r->due_ms = due;
	/* One update covers all that moved (sched.h): O(n), not O(n) each. */
	if (moved)
		ops->upd_dest(state, dests, n, moved);
}
