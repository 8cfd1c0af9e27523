/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counters that belong to no service, and the SIGUSR1 report.  Per-service
 * and per-backend counters live in struct lb_counters (service.h).
 */
#ifndef LBSELECT_STATS_H
#define LBSELECT_STATS_H

#include "lbselect.h"

struct lb_global_stats {
	u64 refused_fd_setsize;	/* clients closed: descriptor >= FD_SETSIZE */
	u64 refused_no_fd;	/* clients closed: no descriptor for backend */
	u64 accept_errors;	/* accept() failures other than EAGAIN */
	u64 accept_backoffs;	/* times accepting paused on EMFILE & co */
};

extern struct lb_global_stats lb_stats;

/* Every counter to stderr, one service or backend a line. */
void stats_print(void);

#endif /* LBSELECT_STATS_H */
