// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Round robin: each new connection goes to the next eligible backend after
 * the one that got the previous connection, wrapping at the end of the
 * array.  Backends that are quiesced, down or already tried by this client
 * are stepped over without losing their place: they get their turn again
 * on the next lap.  Weights only matter as "zero means no new connections".
 *
 * The cursor is the last backend picked, kept by pointer, with its index
 * as a hint.  An index alone would not do: the caller may insert or remove
 * backends anywhere in the array between calls, and a bare index would then
 * point one slot off and skip or repeat a backend.  While the set does not
 * change the hint is right and finding the cursor is O(1); after a change
 * it costs one linear search, which a pick can cost anyway when many
 * backends are ineligible.  The hint is clamped to the array, so the cursor
 * is always in range however much the set shrinks.
 *
 * When the backend under the cursor is itself removed, the turn passes to
 * the backend that followed it, and the next pick starts *at* that one
 * rather than after it: removing a backend then skips nobody and doubles
 * nobody.  add_dest and del_dest work whether the array they are given
 * already reflects the change or not.
 */
#include "sched.h"

struct slb_rr_state {
	/* NULL: nothing picked yet, or the set emptied; start at pos. */
	const struct slb_sched_dest *cursor;
	unsigned int pos;	/* cursor's index when last seen: a hint */
	bool after;		/* start after the cursor, not at it */
};

_Static_assert(sizeof(struct slb_rr_state) <= SLB_SCHED_STATE_MAX,
	       "rr state must fit SLB_SCHED_STATE_MAX");

/* Index of d in dests, or n when it is not there. */
static unsigned int slb_rr_index(struct slb_sched_dest *const *dests,
				 unsigned int n,
				 const struct slb_sched_dest *d,
				 unsigned int hint)
{
	unsigned int i;

	if (hint < n && dests[hint] == d)
		return hint;
	for (i = 0; i < n; i++)
		if (dests[i] == d)
			return i;
	return n;
}

/*
 * Keep the hint right across changes, so that if the cursor is removed
 * later from an array that no longer holds it, pos still names the slot
 * its successor slid into.
 */
static void slb_rr_relocate(struct slb_rr_state *st,
			    struct slb_sched_dest *const *dests,
			    unsigned int n)
{
	unsigned int i;

	if (!st->cursor)
		return;
	i = slb_rr_index(dests, n, st->cursor, st->pos);
	if (i < n)
		st->pos = i;
}

static void slb_rr_init_service(void *state)
{
	struct slb_rr_state *st = state;

	st->cursor = NULL;
	st->pos = 0;
	st->after = false;
}

static void slb_rr_add_dest(void *state, struct slb_sched_dest *const *dests,
			    unsigned int n, struct slb_sched_dest *added)
{
	struct slb_rr_state *st = state;

	/*
	 * Only if the cursor was freed without del_dest and its memory
	 * reused: the newcomer must not pass for the last one picked.
	 */
	if (added == st->cursor) {
		st->cursor = NULL;
		return;
	}
	slb_rr_relocate(st, dests, n);
}

static void slb_rr_del_dest(void *state, struct slb_sched_dest *const *dests,
			    unsigned int n, struct slb_sched_dest *removed)
{
	struct slb_rr_state *st = state;
	unsigned int i, left;

	if (removed != st->cursor) {
		slb_rr_relocate(st, dests, n);
		return;
	}

	i = slb_rr_index(dests, n, removed, st->pos);
	if (i < n) {
		/* Still in the array: its successor is in the next slot. */
		left = n - 1;
		if (++i == n)
			i = 0;
	} else {
		/* Already gone: its successor slid into its slot. */
		left = n;
		i = st->pos < n ? st->pos : 0;
	}
	if (!left) {
		st->cursor = NULL;
		st->pos = 0;
		return;
	}
	st->cursor = dests[i];
	st->pos = i;
	st->after = false;
}

static void slb_rr_upd_dest(void *state, struct slb_sched_dest *const *dests,
			    unsigned int n, struct slb_sched_dest *changed)
{
	/* Weight and availability are read afresh on every pick. */
	(void)state;
	(void)dests;
	(void)n;
	(void)changed;
}

/* Where the scan for the next pick begins; always < n. */
static unsigned int slb_rr_start(const struct slb_rr_state *st,
				 struct slb_sched_dest *const *dests,
				 unsigned int n)
{
	unsigned int i = st->pos;

	if (st->cursor) {
		i = slb_rr_index(dests, n, st->cursor, st->pos);
		if (i == n)
			i = st->pos;	/* removed behind our back */
		else if (st->after)
			i++;
	}
	return i < n ? i : 0;
}

static struct slb_sched_dest *
slb_rr_schedule(void *state, struct slb_sched_dest *const *dests,
		unsigned int n, const struct slb_sched_ctx *ctx)
{
	struct slb_rr_state *st = state;
	unsigned int i, k;

	if (!n)
		return NULL;

	i = slb_rr_start(st, dests, n);
	for (k = 0; k < n; k++) {
		if (slb_sched_eligible(dests[i], ctx)) {
			st->cursor = dests[i];
			st->pos = i;
			st->after = true;
			return dests[i];
		}
		if (++i == n)
			i = 0;
	}
	/* Nobody could serve: leave the cursor where it was. */
	return NULL;
}

const struct slb_sched_ops slb_sched_rr = {
	.name		= "rr",
	.state_size	= sizeof(struct slb_rr_state),
	.init_service	= slb_rr_init_service,
	.done_service	= NULL,
	.add_dest	= slb_rr_add_dest,
	.del_dest	= slb_rr_del_dest,
	.upd_dest	= slb_rr_upd_dest,
	.schedule	= slb_rr_schedule,
};
