/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLB_NETNS_H
#define SLB_NETNS_H

#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "stats.h"

struct ctl_table_header;

/* Tunables of one netns: /proc/sys/net/splicelb/ (Documentation/sysctl.md) */
struct slb_tunables {
	int connect_timeout_ms;
	int connect_retries;		/* further backends tried after the first */
	int idle_timeout_s;		/* 0: never */
	int client_fin_timeout_s;	/* client sent FIN, server still sending */
	int server_fin_timeout_s;	/* server sent FIN, client still sending */
	int max_conns;			/* in this netns; 0: no limit */
	int max_services;		/* in this netns */
	int max_backends;		/* in this netns, all services */
	int default_backlog;
	int relay_quantum;		/* bytes per direction per relay run */
	int check_max_inflight;		/* health checks at once, in this netns */
	char default_scheduler[16];
};

/* Everything splicelb keeps per network namespace. */
struct slb_net {
	struct net *net;
	struct proc_dir_entry *proc_dir;
	struct ctl_table_header *sysctl_hdr;
	struct ctl_table *sysctl_table;

	/* Serialises configuration: services, their backends, schedulers. */
	struct mutex lock;
	struct list_head services;	/* struct slb_service.node */
	unsigned int nservices;
	unsigned int nbackends;		/* of all its services */
	/*
	 * Bumped under lock by every change of services and backends (see
	 * slb_netns_changed), never 0: a dump that resumed across a change
	 * is flagged NLM_F_DUMP_INTR for userspace to start again, since
	 * resuming by index may then skip or repeat.
	 */
	u32 gen;

	struct xarray conns;		/* conn id -> struct slb_conn */
	u32 next_conn_id;
	atomic_t nconns;		/* allocated; wake_up_var() at 0 */
	atomic_t nchecks;		/* backends checked; wake_up_var() at 0 */
	atomic_t checks_inflight;	/* against check_max_inflight */
	bool dying;			/* no new connections */

	struct slb_stats stats;		/* whole netns, deleted services too */
	u64 zeroed_at;			/* ktime_get_boottime_seconds() */
	struct slb_tunables tun;
};

extern unsigned int slb_net_id;

static inline struct slb_net *slb_net(const struct net *net)
{
	return net_generic(net, slb_net_id);
}

/* A change of @sn's services or backends; caller holds sn->lock. */
static inline void slb_netns_changed(struct slb_net *sn)
{
	lockdep_assert_held(&sn->lock);
	/* 0 is a dump's "not checked", see genl_dump_check_consistent(). */
	if (!++sn->gen)
		sn->gen = 1;
}

int slb_netns_init(void);
void slb_netns_uninit(void);

#endif /* SLB_NETNS_H */
