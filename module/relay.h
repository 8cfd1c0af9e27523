/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_RELAY_H
#define SLB_RELAY_H

struct slb_conn;

enum slb_relay_status {
	SLB_RELAY_WAIT,		/* nothing to do until a socket event */
	SLB_RELAY_AGAIN,	/* quantum used up, more to do: requeue */
	SLB_RELAY_DONE,		/* both directions closed in order */
	SLB_RELAY_RESET,	/* a socket failed or was reset */
};

enum slb_relay_status slb_relay_run(struct slb_conn *conn, int quantum);
void slb_relay_purge(struct slb_conn *conn);

#endif /* SLB_RELAY_H */
