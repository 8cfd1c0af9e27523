// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Least connections: a new connection goes to the eligible backend with the
 * fewest active connections (connecting, relaying or half-closed: every
 * connection the backend holds a socket for), as IPVS's lc does.  Weights
 * only matter as "zero means no new connections".
 *
 * Ties rotate: the scan starts just after the backend picked last, and
 * the first of the tied backends from there wins, so a burst of clients
 * arriving while every backend is idle is spread round robin rather than
 * piled on the first backend.
 *
 * A pick is a linear scan, O(n): the active counts change on every
 * connection, and keeping them in a heap would cost O(log n) under the
 * same lock at every connection start and end, for services of a few
 * backends each.  With 10,000 backends in one service the scan costs
 * what "make bench-sched" reports, tens of microseconds; at the limit of
 * 65,536, about 150.
 */
#include "sched.h"

static struct slb_sched_dest *
slb_lc_schedule(void *state, struct slb_sched_dest *const *dests,
		unsigned int n, const struct slb_sched_ctx *ctx)
{
	return slb_sched_least(dests, n, ctx, state, false);
}

const struct slb_sched_ops slb_sched_lc = {
	.name		= "lc",
	.state_size	= sizeof(unsigned int),	/* the scan's cursor */
	.init_service	= slb_sched_least_init,
	.add_dest	= slb_sched_unchanged,
	.del_dest	= slb_sched_unchanged,
	.upd_dest	= slb_sched_unchanged,
	.schedule	= slb_lc_schedule,
};
