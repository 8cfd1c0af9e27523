/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_RELAY_H
#define SLB_RELAY_H

struct sk_buff;
struct slb_conn;

enum slb_relay_status {
	SLB_RELAY_WAIT,		/* nothing to do until a socket event */
	SLB_RELAY_AGAIN,	/* quantum used up, more to do: requeue */
	SLB_RELAY_DONE,		/* both directions closed in order */
	SLB_RELAY_RESET,	/* a socket failed or was reset */
};

enum slb_relay_status slb_relay_run(struct slb_conn *conn, int quantum);
/*
 * @skb, of the module's own making, goes to the backend before anything
 * read from the client: a PROXY header.  Its bytes count as copied.
 */
void slb_relay_send_first(struct slb_conn *conn, struct sk_buff *skb);
void slb_relay_purge(struct slb_conn *conn);

#endif /* SLB_RELAY_H */
