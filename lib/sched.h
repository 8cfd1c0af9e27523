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
 *
 * The hashing schedulers (sh, mh) look clients up in a table built from
 * the whole set.  Building it may take milliseconds, too long for the
 * data path's lock, so the caller builds a new table outside the lock
 * whenever the set, a weight or an option changes (ops->build), and swaps
 * it in under the lock with the change itself.  The table holds
 * pointers to the dests, never indices into the caller's array, so the
 * caller may keep that array in any order.
 */
#ifndef SLB_LIB_SCHED_H
#define SLB_LIB_SCHED_H

#include "hash.h"
#include "slb_types.h"
#include "uapi/linux/splicelb.h"

#define SLB_SCHED_NAME_MAX	SPLICELB_SCHED_NAME_MAX
/* A service created without a scheduler, in the kernel and in lbselect. */
#define SLB_SCHED_DEFAULT	"rr"
#define SLB_SCHED_STATE_MAX	64	/* largest state_size of any scheduler */

/*
 * An endpoint as the hashing schedulers see it: byte 0 the IP version (4
 * or 6), bytes 1-2 the port in network order, then the address, an IPv4
 * one in the first four bytes and zeroes after.  Hashing these bytes
 * gives the same answer on every host, whatever its byte order, so that
 * gateways given the same backends build the same tables.
 */
#define SLB_SCHED_ID_LEN	20
#define SLB_SCHED_ID_ADDR	3	/* where the address starts */

/* Options; a scheduler's ops->options says which ones it takes. */
#define SLB_SCHED_OPT_HASH_KEY		(1U << 0)
#define SLB_SCHED_OPT_SEED		(1U << 1)
#define SLB_SCHED_OPT_TABLE_SIZE	(1U << 2)

struct slb_sched_opts {
	u32 hash_key;		/* SPLICELB_HASH_KEY_* */
	u32 seed;
	u32 table_size;		/* 0: the scheduler's default */
};

/* Scheduler-visible part of a backend. */
struct slb_sched_dest {
	/*
	 * The effective weight, lib/weight.h's, in 1/SLB_WEIGHT_SCALE
	 * units; 0 = quiesced: keeps connections, gets no new.
	 */
	u32 weight;
	bool available;		/* up (not draining, not down) */
	u32 active;		/* live connections, for least-connection */
	u32 maxconn;		/* at most this many active; 0: no limit */
	s64 credit;		/* scheduler's own per-backend bookkeeping */
	/*
	 * The weight a table build counts for it, which the builders read
	 * instead of weight: the caller sets it to a new weight, builds,
	 * and publishes the weight with the table, under its lock, so that
	 * no pick sees the new weight with the old table.
	 */
	u32 table_weight;
	/*
	 * The caller's, for lib/weight.h: the weight before any ramp
	 * (slb_weight_base), and the slow start it is in, if any.
	 */
	u32 base_weight;
	bool ramping;
	u64 ramp_start_ms;
	u8 id[SLB_SCHED_ID_LEN];	/* address and port, for hashing */
	/*
	 * What the caller measured of the backend, for lt: moving averages
	 * (slb_sched_sample) of its connect times and of the smoothed RTTs
	 * of its sockets, in microseconds; 0 until the first sample.
	 */
	u32 connect_us;
	u32 rtt_us;
};

/* What one scheduling decision may depend on. */
struct slb_sched_ctx {
	/* Backends already tried for this client: never picked again. */
	const struct slb_sched_dest *const *tried;
	unsigned int ntried;
	const u8 *client;	/* SLB_SCHED_ID_LEN bytes, as a dest's id */
	u32 random;		/* fresh from the caller's generator */
	const struct slb_sched_opts *opts;
	const void *table;	/* from ops->build, if the scheduler has one */
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
	/*
	 * Every scheduler here rebuilds or marks stale the state of the
	 * whole set on an update, so that one call after several dests
	 * changed together covers them all (lib/weight.c's ramp steps).
	 */
	void (*upd_dest)(void *state, struct slb_sched_dest *const *dests,
			 unsigned int n, struct slb_sched_dest *changed);
	/* The chosen backend, or NULL if none can serve. */
	struct slb_sched_dest *(*schedule)(void *state,
					   struct slb_sched_dest *const *dests,
					   unsigned int n,
					   const struct slb_sched_ctx *ctx);

	u32 options;			/* SLB_SCHED_OPT_* it takes */
	/*
	 * Table schedulers only, else NULL.  Bytes of the table and of the
	 * scratch space a build of n dests needs; the build itself, which
	 * neither fails nor allocates.  Building from the same dests (in
	 * any order) and options gives the same table, byte for byte
	 * except for the pointers.
	 */
	size_t (*table_size)(const struct slb_sched_opts *opts,
			     struct slb_sched_dest *const *dests,
			     unsigned int n);
	size_t (*scratch_size)(const struct slb_sched_opts *opts,
			       unsigned int n);
	void (*build)(const struct slb_sched_opts *opts,
		      struct slb_sched_dest *const *dests, unsigned int n,
		      void *table, void *scratch);
};

/* NULL when no scheduler has that name. */
const struct slb_sched_ops *slb_sched_find(const char *name);
/* The i-th registered scheduler, NULL past the end: for listing them. */
const struct slb_sched_ops *slb_sched_at(unsigned int i);
/*
 * A dest the algorithm may hand a new connection to: up, weighted, below
 * its maxconn and not tried by this client.
 */
bool slb_sched_eligible(const struct slb_sched_dest *d,
			const struct slb_sched_ctx *ctx);
/*
 * After a pick found none: would one of the dests take the client if it
 * were below its maxconn?  Then the client may wait for a slot; if not,
 * waiting is pointless.  O(n), for the failure path only.
 */
bool slb_sched_full(struct slb_sched_dest *const *dests, unsigned int n,
		    const struct slb_sched_ctx *ctx);

/* Fill an endpoint id; addr is 4 or 16 bytes, port in network order. */
void slb_sched_id_set(u8 *id, unsigned int version, const void *addr,
		      u16 port_be);
/* Options checked against the scheduler: a message, or NULL if fine. */
const char *slb_sched_opts_check(const struct slb_sched_ops *ops,
				 u32 given, const struct slb_sched_opts *opts);
/* The options a service starts with, and returns to on a new scheduler. */
void slb_sched_opts_default(struct slb_sched_opts *opts);
/*
 * sh and mh: a table lookup may walk past backends that cannot take the
 * client; the state counts those that could (up and weighted), lazily,
 * so that a pick with none returns at once instead of walking it all.
 */
struct slb_sched_walk {
	unsigned int up;
	bool stale;
};

void slb_sched_walk_init(void *state);
void slb_sched_walk_changed(void *state, struct slb_sched_dest *const *dests,
			    unsigned int n, struct slb_sched_dest *d);
/* False when no dest is up and weighted: no pick can succeed. */
bool slb_sched_walk_any(void *state, struct slb_sched_dest *const *dests,
			unsigned int n);
/*
 * How far a lookup walks the table before it gives up on luck: with a
 * tenth of the backends eligible, 4n entries all miss about once in
 * e^(0.4n) tries.  Past that, slb_sched_walk_scan: the first eligible of
 * the table's backends from @from on, in their id order, which every
 * gateway shares, so the answer is as reproducible as the walk's.
 */
#define SLB_SCHED_WALK_MAX(n)	(4 * (n) + 16)
struct slb_sched_dest *slb_sched_walk_scan(struct slb_sched_dest *const *by_id,
					   unsigned int n, unsigned int from,
					   const struct slb_sched_ctx *ctx);

/*
 * The least-loaded eligible dest, by a ratio of the caller's: the one
 * whose load/weight is lowest, compared by cross-multiplying.  Ties go
 * to the first after *cursor, which then moves there, so they rotate.
 */
struct slb_sched_dest *slb_sched_least(struct slb_sched_dest *const *dests,
				       unsigned int n,
				       const struct slb_sched_ctx *ctx,
				       unsigned int *cursor, bool weighted);
/* lc and wlc: the state is the cursor alone, and nothing to update. */
void slb_sched_least_init(void *state);
/* For schedulers with nothing to update on a change. */
void slb_sched_unchanged(void *state, struct slb_sched_dest *const *dests,
			 unsigned int n, struct slb_sched_dest *d);

/*
 * What the hashing schedulers hash of the client: its address, and its
 * port with SPLICELB_HASH_KEY_ADDR_PORT.  0 without a client.
 */
u64 slb_sched_client_hash(const struct slb_sched_ctx *ctx, u64 seed);

/*
 * A measurement of d for lt, either part 0 when not measured: a connect
 * that took @connect_us, a socket whose smoothed RTT is @rtt_us.  Caller
 * serialises it with the picks, as for every other call here.
 */
void slb_sched_sample(struct slb_sched_dest *d, u32 connect_us, u32 rtt_us);

/* Heapsort: lib/ has no qsort; O(n log n) worst case, no allocation. */
void slb_sched_sort(void *base, size_t n, size_t size,
		    int (*cmp)(const void *a, const void *b));

extern const struct slb_sched_ops slb_sched_rr;
extern const struct slb_sched_ops slb_sched_wrr;
extern const struct slb_sched_ops slb_sched_lc;
extern const struct slb_sched_ops slb_sched_wlc;
extern const struct slb_sched_ops slb_sched_p2c;
extern const struct slb_sched_ops slb_sched_sh;
extern const struct slb_sched_ops slb_sched_mh;
extern const struct slb_sched_ops slb_sched_lt;

#endif /* SLB_LIB_SCHED_H */
