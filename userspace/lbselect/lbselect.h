/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lbselect: the classic single-process select() TCP balancer.
 *
 * What every part of it shares: the options, the clock and the log.
 */
#ifndef LBSELECT_H
#define LBSELECT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* accept4() */
#endif

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "slb_types.h"

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define NO_DEADLINE	UINT64_MAX

#define LB_MAX_TRIES	32		/* -t */
#define LB_MIN_BUF	1024		/* -B */
#define LB_MAX_BUF	(16u << 20)

struct lb_options {
	unsigned int maxconn;		/* connection slots in the pool */
	size_t bufsize;			/* bytes per direction per slot */
	unsigned int tries;		/* backends tried per client */
	unsigned int connect_ms;	/* per attempt; 0 = the kernel's */
	unsigned int idle_ms;		/* 0 = never */
	unsigned int half_ms;		/* after the first FIN; 0 = never */
	unsigned int drain_ms;		/* on SIGTERM; 0 = abort at once */
	int verbose;
};

extern struct lb_options opt;

/* Milliseconds on the monotonic clock: deadlines survive clock changes. */
static inline u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}

/* Level 0: always (errors, warnings); 1: -v (connections); 2: -vv. */
void lb_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * For messages a flood of clients can trigger: at most one a second, the
 * next one telling how many were swallowed.
 */
struct lb_ratelimit {
	u64 last;
	unsigned long suppressed;
};

void lb_log_limited(struct lb_ratelimit *rl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* LBSELECT_H */
