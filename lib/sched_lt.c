// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Least time: a new connection goes to the backend where it can expect
 * to wait least, from what the kernel measures of each backend anyway.
 *
 * Two moving averages per backend (slb_sched_sample, weight 1/8 per
 * sample, as TCP's srtt): its connect time, from the SYN sent to the
 * connection seen established, on every connect; and its sockets'
 * smoothed RTT (tcp_sock.srtt_us), sampled when a connection is
 * established, about once a second while it relays, and when it ends.
 * The connect time is what a new client pays before its first byte
 * moves; the RTT, which on a request/response socket includes the
 * backend's time to answer, is what every exchange after it pays.  Their
 * sum is the backend's latency L.  A backend already serving a
 * connections shares itself between a + 1, and one of weight w is
 * declared w times as able, so the expected wait is
 *
 *   L * (a + 1) / w
 *
 * and the pick is the eligible backend with the least of it, compared by
 * cross-multiplying (no division); ties rotate, as with lc.  A backend
 * not measured yet is taken at the least latency of those that are: it
 * gets a connection, and with it its first sample, as soon as it would
 * tie with the best, and no slow backend elsewhere can keep it out (as
 * a mean would); with none measured, every L is equal and lt is wlc with
 * the +1 (IPVS's sed).
 *
 * Measurements go stale.  A backend that one slow sample (a SYN lost
 * and sent again, a busy moment of the workqueue) made look slow gets no
 * new connection, so no new connect time, and would look slow for ever.
 * So a backend passed over by the last SLB_LT_STALE(n) picks (the pick
 * count at its own last pick is kept in credit) forgets its averages and
 * counts as unmeasured again: it gets the next connection and a fresh
 * first sample with it.  A backend truly slow costs that one connection
 * in 8n + 8, under 1/8 of them however many backends are slow.
 *
 * Why these and not others: both are kept by TCP already, reading them
 * costs a load or two, and they see what a userspace proxy could only
 * learn by timing its own calls: a slow accept queue, a far path, a
 * backend slow to answer.  The +1 makes an idle backend cost its
 * latency rather than nothing, so an idle slow one does not win over a
 * busy fast one at once: an idle 3 ms backend ties with a 1 ms one that
 * has two connections, and wins once it has three.
 *
 * Range: L is clamped to 2^24 us (16 s), a + 1 to 2^20, w (an effective
 * weight, lib/weight.h) is below 2^20, so every product fits 64 bits,
 * if only just (2^64 - 2^48 at most).  A pick is a scan, O(n), as lc's
 * (see sched_lc.c for why).
 */
#include "sched.h"

#define SLB_LT_L_MAX	(1U << 24)
#define SLB_LT_A_MAX	(1U << 20)
#define SLB_LT_STALE(n)	(8 * (u64)(n) + 8)

struct slb_lt_state {
	u64 picks;
	unsigned int cursor;	/* scan start: after the last pick */
};

_Static_assert(sizeof(struct slb_lt_state) <= SLB_SCHED_STATE_MAX,
	       "lt state must fit SLB_SCHED_STATE_MAX");

/* Forget what a backend passed over for a while was measured at. */
static void slb_lt_expire(struct slb_sched_dest *d, u64 picks, unsigned int n)
{
	if ((u64)d->credit + SLB_LT_STALE(n) < picks) {
		d->connect_us = 0;
		d->rtt_us = 0;
	}
}

static u32 slb_lt_latency(const struct slb_sched_dest *d)
{
	u64 l = (u64)d->connect_us + d->rtt_us;

	return l < SLB_LT_L_MAX ? (u32)l : SLB_LT_L_MAX;
}

/* The least-waiting of one kind, measured or not, as the scan goes. */
struct slb_lt_best {
	struct slb_sched_dest *d;
	u64 cost;		/* L * (a + 1), L = 1 for the unmeasured */
	unsigned int k;		/* steps from the scan's start */
};

static u64 slb_lt_load(const struct slb_sched_dest *d)
{
	return d->active < SLB_LT_A_MAX - 1 ? d->active + 1 : SLB_LT_A_MAX;
}

static void slb_lt_consider(struct slb_lt_best *b, struct slb_sched_dest *d,
			    u64 cost, unsigned int k)
{
	/* cost / weight < b->cost / b->d->weight */
	if (!b->d || cost * b->d->weight < b->cost * d->weight) {
		b->d = d;
		b->cost = cost;
		b->k = k;
	}
}

/*
 * One pass: the best measured backend, the best unmeasured one, and the
 * least latency measured, to weigh the second against the first.
 */
static struct slb_sched_dest *
slb_lt_schedule(void *state, struct slb_sched_dest *const *dests,
		unsigned int n, const struct slb_sched_ctx *ctx)
{
	struct slb_lt_state *st = state;
	unsigned int i, k, start = st->cursor < n ? st->cursor : 0;
	struct slb_lt_best known = { 0 }, unknown = { 0 }, *win;
	u32 least = 0;
	u32 l;

	for (k = 0, i = start; k < n; k++, i = i + 1 < n ? i + 1 : 0) {
		struct slb_sched_dest *d = dests[i];

		if (!slb_sched_eligible(d, ctx))
			continue;
		slb_lt_expire(d, st->picks, n);
		l = slb_lt_latency(d);
		if (!l) {
			slb_lt_consider(&unknown, d, slb_lt_load(d), k);
			continue;
		}
		least = least && least < l ? least : l;
		slb_lt_consider(&known, d, l * slb_lt_load(d), k);
	}
	win = known.d ? &known : &unknown;
	if (known.d && unknown.d) {
		u64 ucost = unknown.cost * least;
		u64 lhs = ucost * known.d->weight;
		u64 rhs = known.cost * unknown.d->weight;

		/* The earlier in the scan wins a tie, as within a kind. */
		if (lhs < rhs || (lhs == rhs && unknown.k < known.k))
			win = &unknown;
	}
	if (win->d) {
		st->cursor = (start + win->k + 1) % n;
		st->picks++;
		win->d->credit = (s64)st->picks;
	}
	return win->d;
}

static void slb_lt_init_service(void *state)
{
	struct slb_lt_state *st = state;

	st->picks = 0;
	st->cursor = 0;
}

/* As if picked now: it has its chance before it counts as stale. */
static void slb_lt_add_dest(void *state, struct slb_sched_dest *const *dests,
			    unsigned int n, struct slb_sched_dest *added)
{
	struct slb_lt_state *st = state;

	(void)dests;
	(void)n;
	added->credit = (s64)st->picks;
}

const struct slb_sched_ops slb_sched_lt = {
	.name		= "lt",
	.state_size	= sizeof(struct slb_lt_state),
	.init_service	= slb_lt_init_service,
	.add_dest	= slb_lt_add_dest,
	.del_dest	= slb_sched_unchanged,
	.upd_dest	= slb_sched_unchanged,
	.schedule	= slb_lt_schedule,
};
