/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Active health checks of the backends, run in the select() loop: a tcp
 * check connects, a send-expect check then sends its bytes and waits for
 * a reply holding the expected ones.  The rules (rise, fall, intervals,
 * the match) are lib/check.h's, the kernel module's too.
 *
 * A backend takes new clients only while its state is up and its health
 * is up (service.c combines the two into the scheduler's dest.available).
 *
 * With observe N, the clients' own connects are watched too: N of them
 * failing in a row bring an up backend down at once, as the kernel
 * module's do; the checks bring it back up.
 */
#ifndef LBSELECT_CHECKS_H
#define LBSELECT_CHECKS_H

#include <stdbool.h>
#include <sys/select.h>

#include "check.h"		/* lib/: the shared rules */
#include "lbselect.h"

/*
 * Checks in flight at most, and so descriptors for them: one each, held
 * below FD_SETSIZE from the first checked backend on, whatever the
 * clients take (see checks.c).
 */
#define LB_CHECK_FDS		32

struct backend;
struct lb_check;

/* What the checks know of one backend; in struct backend. */
struct lb_health {
	struct slb_health h;	/* h.down: no new clients */
	u8 result;		/* last check's: SPLICELB_CHECK_RESULT_* */
	u64 since;		/* last change (now_ms()); 0: just added */
	u64 due;		/* next check; NO_DEADLINE while one runs */
	unsigned int heap;	/* place in the schedule + 1; 0: unchecked */
	struct lb_check *run;	/* the check in flight, or NULL */
	unsigned int port;	/* check-port; 0: the backend's own */
	u32 observed;		/* clients' connects failed in a row */
};

/*
 * Make b's checks follow its service's parameters: start them, stop them
 * (check none: the backend is healthy), or with @restart (the parameters
 * or the check-port changed) begin again, the health kept until the first
 * new check decides it alone.  Before the loop or between two rounds.
 */
void check_follow(struct backend *b, bool restart);

/* No more checks of b (removed, or its service is); idempotent. */
void check_stop(struct backend *b);

/*
 * A client's connect to b ended: 0, or its errno.  The observe-th failure
 * in a row of a checked backend that is up brings it down now.
 */
void check_observe(struct backend *b, int err);

/* Descriptors held for checks, for lbselect's descriptor budget. */
unsigned int checks_reserved(void);

/* The loop's part: interest, events, then timeouts and due checks. */
int checks_want(fd_set *r, fd_set *w, u64 *next);
void checks_events(const fd_set *r, const fd_set *w);
void checks_run(void);

#endif /* LBSELECT_CHECKS_H */
