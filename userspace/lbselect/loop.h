/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The select() loop: listeners, connections, timers and signals.
 */
#ifndef LBSELECT_LOOP_H
#define LBSELECT_LOOP_H

#include <stdbool.h>

#include "lbselect.h"

/* Time of the current round, in now_ms() time. */
extern u64 lb_now;

/* For p2c's draws and the checks' jitter: a new number each, not crypto. */
u32 lb_random(void);

/* Out of descriptors or memory: stop accepting for a short while. */
void loop_accept_backoff(void);

/* SIGTERM came: nobody new may wait in a queue. */
bool loop_stopping(void);

/* Run until told to stop; returns the exit status. */
int loop_run(const char *config_path);

#endif /* LBSELECT_LOOP_H */
