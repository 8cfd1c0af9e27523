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
 * not measured yet is taken at the mean latency of those that are, so it
 * is neither flooded nor starved before its first sample; with none
 * measured, every L is equal and lt is wlc with the +1 (IPVS's sed).
 *
 * Why these and not others: both are kept by TCP already, reading them
 * costs a load or two, and they see what a userspace proxy could only
 * learn by timing its own calls: a slow accept queue, a far path, a
 * backend slow to answer.  The +1 makes an idle backend cost its
 * latency rather than nothing, so an idle slow one does not win over a
 * busy fast one at once: an idle 3 ms backend ties with a 1 ms one that
 * has two connections, and wins once it has three.
 *
 * Range: L is clamped to 2^24 us (16 s), a + 1 to 2^20, w is at most
 * 2^16, so every product fits 64 bits.  A pick is a scan, O(n), as lc's
 * (see sched_lc.c for why).
 */
#include "sched.h"

#define SLB_LT_L_MAX	(1U << 24)
#define SLB_LT_A_MAX	(1U << 20)

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
 * mean latency to weigh the second against the first.
 */
static struct slb_sched_dest *
slb_lt_schedule(void *state, struct slb_sched_dest *const *dests,
		unsigned int n, const struct slb_sched_ctx *ctx)
{
	unsigned int *cursor = state;	/* scan start: after the last pick */
	unsigned int i, k, start = *cursor < n ? *cursor : 0;
	struct slb_lt_best known = { 0 }, unknown = { 0 }, *win;
	u64 sum = 0, mean;
	unsigned int measured = 0;
	u32 l;

	for (k = 0, i = start; k < n; k++, i = i + 1 < n ? i + 1 : 0) {
		struct slb_sched_dest *d = dests[i];

		if (!slb_sched_eligible(d, ctx))
			continue;
		l = slb_lt_latency(d);
		if (!l) {
			slb_lt_consider(&unknown, d, slb_lt_load(d), k);
			continue;
		}
		sum += l;
		measured++;
		slb_lt_consider(&known, d, l * slb_lt_load(d), k);
	}
	mean = measured ? sum / measured : 1;
	win = known.d ? &known : &unknown;
	if (known.d && unknown.d) {
		u64 ucost = unknown.cost * mean;
		u64 lhs = ucost * known.d->weight;
		u64 rhs = known.cost * unknown.d->weight;

		/* The earlier in the scan wins a tie, as within a kind. */
		if (lhs < rhs || (lhs == rhs && unknown.k < known.k))
			win = &unknown;
	}
	if (win->d)
		*cursor = (start + win->k + 1) % n;
	return win->d;
}

const struct slb_sched_ops slb_sched_lt = {
	.name		= "lt",
	.state_size	= sizeof(unsigned int),	/* the scan's cursor */
	.init_service	= slb_sched_least_init,
	.add_dest	= slb_sched_unchanged,
	.del_dest	= slb_sched_unchanged,
	.upd_dest	= slb_sched_unchanged,
	.schedule	= slb_lt_schedule,
};
