/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Scheduler plug-in interface, in the shape of IPVS's struct ip_vs_scheduler.
 *
 * The algorithms are pure C: they neither allocate nor lock.  The caller
 * (the module's service code, or lbselect) owns the backends, embeds a
 * struct slb_sched_dest in each, keeps an array of pointers to them, owns
 * a zeroed per-service state buffer of ops->state_size bytes, and
 * serialises every call for one service.  After any add/del/upd callback the
 * array passed to the next call is the new set.
 */
#ifndef SLB_LIB_SCHED_H
#define SLB_LIB_SCHED_H

#include "slb_types.h"
#include "uapi/linux/splicelb.h"

#define SLB_SCHED_NAME_MAX	SPLICELB_SCHED_NAME_MAX
/* A service created without a scheduler, in the kernel and in lbselect. */
#define SLB_SCHED_DEFAULT	"rr"
#define SLB_SCHED_STATE_MAX	64	/* largest state_size of any scheduler */

/* Scheduler-visible part of a backend. */
struct slb_sched_dest {
	u32 weight;		/* 0 = quiesced: keeps connections, gets no new */
	bool available;		/* up (not draining, not down) */
	u32 active;		/* live connections, for least-connection */
	s64 credit;		/* scheduler's own per-backend bookkeeping */
};

/* What one scheduling decision may depend on. */
struct slb_sched_ctx {
	/* Backends already tried for this client: never picked again. */
	const struct slb_sched_dest *const *tried;
	unsigned int ntried;
	u32 hash;		/* of the client address, for hashing schedulers */
};

struct slb_sched_ops {
	const char *name;
	unsigned int state_size;	/* <= SLB_SCHED_STATE_MAX */
	void (*init_service)(void *state);
	void (*done_service)(void *state);	/* may be NULL */
	void (*add_dest)(void *state, struct slb_sched_dest *const *dests,
			 unsigned int n, struct slb_sched_dest *added);
	void (*del_dest)(void *state, struct slb_sched_dest *const *dests,
			 unsigned int n, struct slb_sched_dest *removed);
	void (*upd_dest)(void *state, struct slb_sched_dest *const *dests,
			 unsigned int n, struct slb_sched_dest *changed);
	/* Index into dests of the chosen backend, or -1 if none can serve. */
	int (*schedule)(void *state, struct slb_sched_dest *const *dests,
			unsigned int n, const struct slb_sched_ctx *ctx);
};

/* NULL when no scheduler has that name. */
const struct slb_sched_ops *slb_sched_find(const char *name);
/* The i-th registered scheduler, NULL past the end: for listing them. */
const struct slb_sched_ops *slb_sched_at(unsigned int i);
/* A dest the algorithm may hand a new connection to. */
bool slb_sched_eligible(const struct slb_sched_dest *d,
			const struct slb_sched_ctx *ctx);

extern const struct slb_sched_ops slb_sched_rr;
extern const struct slb_sched_ops slb_sched_wrr;

#endif /* SLB_LIB_SCHED_H */
