/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Signals as events for the select() loop (the self-pipe trick): the
 * handlers only note the signal and write a byte to a pipe that the loop
 * selects on; all the work happens in the loop, between two rounds.
 */
#ifndef LBSELECT_SIGNALS_H
#define LBSELECT_SIGNALS_H

#define LB_SIG_TERM	0x1	/* SIGTERM, SIGINT: drain and exit */
#define LB_SIG_HUP	0x2	/* reload the configuration */
#define LB_SIG_USR1	0x4	/* print the counters */

int signals_init(void);

/* The descriptor to select on for reading. */
int signals_fd(void);

/* Signals received since the last call, as LB_SIG_* bits. */
unsigned int signals_take(void);

#endif /* LBSELECT_SIGNALS_H */
