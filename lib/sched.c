// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Registry of the scheduling algorithms, and the eligibility rule they all
 * share, so that no algorithm can hand a new connection to a quiesced, down
 * or already failed backend.
 */
#include "sched.h"

/* Listing order: the order the tools show the schedulers in. */
/* NULL-terminated: lib/ has no ARRAY_SIZE of its own. */
static const struct slb_sched_ops *const slb_sched_table[] = {
	&slb_sched_rr,
	&slb_sched_wrr,
	NULL,
};

/*
 * lib/ may call neither libc nor the kernel, hence no strcmp.  The name
 * asked for may come from a fixed-size attribute without a terminator, so
 * never read more than SLB_SCHED_NAME_MAX bytes of it; registered names
 * are shorter than that.
 */
static bool slb_sched_name_eq(const char *asked, const char *name)
{
	unsigned int i;

	for (i = 0; i < SLB_SCHED_NAME_MAX; i++) {
		if (asked[i] != name[i])
			return false;
		if (!asked[i])
			return true;
	}
	return false;
}

const struct slb_sched_ops *slb_sched_find(const char *name)
{
	unsigned int i;

	if (!name)
		return NULL;
	for (i = 0; slb_sched_table[i]; i++)
		if (slb_sched_name_eq(name, slb_sched_table[i]->name))
			return slb_sched_table[i];
	return NULL;
}

const struct slb_sched_ops *slb_sched_at(unsigned int i)
{
	unsigned int n;

	for (n = 0; n < i && slb_sched_table[n]; n++)
		;
	return slb_sched_table[n];
}

bool slb_sched_eligible(const struct slb_sched_dest *d,
			const struct slb_sched_ctx *ctx)
{
	unsigned int i;

	if (!d->available || !d->weight)
		return false;
	if (!ctx || !ctx->tried)
		return true;
	/* ntried is a handful of retries: a linear scan beats any index. */
	for (i = 0; i < ctx->ntried; i++)
		if (ctx->tried[i] == d)
			return false;
	return true;
}
