/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_CONN_H
#define SLB_CONN_H

#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <uapi/linux/splicelb.h>

#include "addr.h"
#include "sched.h"
#include "service.h"

struct slb_net;
struct slb_service;
struct slb_backend;

/* One direction of the relay: bytes read from src, not yet sent to dst. */
struct slb_pipe {
	struct sk_buff_head pending;	/* clones sharing the source's pages */
	u32 pending_bytes;
	bool eof;			/* source sent FIN, all of it read */
	bool shut;			/* FIN passed on to the destination */
	u64 bytes;
};

/* A socket's own callbacks, put back before it is released. */
struct slb_sk_callbacks {
	void (*data_ready)(struct sock *sk);
	void (*write_space)(struct sock *sk);
	void (*state_change)(struct sock *sk);
	void (*error_report)(struct sock *sk);
};

/*
 * A client connection and its backend connection.  Every socket callback
 * and the timer only queue @work; all the rest happens in it, on the
 * module's workqueue, so each connection is handled by one thread at a time.
 */
struct slb_conn {
	u32 id;
	refcount_t refcnt;		/* table, queued work, users */
	struct slb_net *sn;
	struct slb_service *svc;	/* holds a reference */
	struct slb_backend *be;		/* holds a reference, once chosen */
	struct socket *client;
	struct socket *server;
	struct slb_sk_callbacks client_cbs;
	struct slb_sk_callbacks server_cbs;
	/* Guards server and be for readers outside the work. */
	struct mutex sock_lock;
	struct work_struct work;
	struct timer_list timer;
	unsigned long flags;		/* SLB_CONN_F_* bits */
	struct slb_pick pick;
	/*
	 * The client as the service sees it, and the address it reached;
	 * with accept-proxy, as its PROXY header says, the sender of that
	 * header in @peer_addr.  Written under sock_lock once a header is
	 * read.
	 */
	union slb_addr client_addr;
	union slb_addr local_addr;
	union slb_addr peer_addr;
	u8 state;			/* enum splicelb_conn_state */
	unsigned long created;		/* jiffies */
	unsigned long queued_at;	/* jiffies, when it began to wait */
	unsigned long connect_start;	/* jiffies, current backend try */
	u64 connect_start_ns;		/* the same, to measure it for lt */
	unsigned long rtt_sampled;	/* jiffies, backend RTT last given lt */
	unsigned long last_active;	/* jiffies */
	unsigned long state_since;	/* jiffies */
	struct slb_pipe up;		/* client to backend */
	struct slb_pipe down;		/* backend to client */
	struct rcu_head rcu;
};

/* A snapshot for /proc and netlink. */
struct slb_conn_info {
	u32 id;
	u8 state;
	bool has_backend;
	bool has_peer;			/* client is what a PROXY header said */
	union slb_addr client;
	union slb_addr peer;		/* who sent that header */
	union slb_addr service;
	union slb_addr backend;
	u64 age_ms;
	u64 bytes_in;
	u64 bytes_out;
	u32 client_rtt_us;
	u32 client_retrans;
	u32 backend_rtt_us;
	u32 backend_retrans;
};

/*
 * @ours in place of @sock's callbacks, with @owner as its sk_user_data,
 * its own kept in @saved; and back.  After the detach no callback of ours
 * runs for @sock, nor can it queue work.
 */
void slb_conn_sk_attach(struct socket *sock, void *owner,
			const struct slb_sk_callbacks *ours,
			struct slb_sk_callbacks *saved);
void slb_conn_sk_detach(struct socket *sock,
			const struct slb_sk_callbacks *saved);

/* The module's workqueue: connection and accept work. */
extern struct workqueue_struct *slb_wq;

int slb_conn_init(void);
void slb_conn_uninit(void);

/* Takes over @client, accepted on @svc's listener. */
void slb_conn_start(struct slb_service *svc, struct socket *client);

/*
 * The live connection with the lowest id >= *id, with a reference held
 * (release with slb_conn_put), and *id set to it; NULL when none is left.
 */
struct slb_conn *slb_conn_next(struct slb_net *sn, unsigned long *id);
void slb_conn_fill_info(struct slb_conn *conn, struct slb_conn_info *info);
void slb_conn_put(struct slb_conn *conn);

/* Ask connections to end: all in @sn, or those of @svc or @be. */
void slb_conn_cut(struct slb_net *sn, struct slb_service *svc,
		  struct slb_backend *be);
/* Cut every connection of the netns and wait until they are gone. */
void slb_conn_flush_net(struct slb_net *sn);

#endif /* SLB_CONN_H */
