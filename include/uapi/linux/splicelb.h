/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * splicelb generic netlink ABI.
 *
 * Objects are nested one level each under the top-level attributes: a
 * request about a backend carries SPLICELB_A_SERVICE (which service, by its
 * endpoint) and SPLICELB_A_BACKEND.  An endpoint (address family, address,
 * port) is itself a nest, the same for services, backends and both legs of
 * a connection.  Integers are host order, fixed width.
 */
#ifndef _UAPI_LINUX_SPLICELB_H
#define _UAPI_LINUX_SPLICELB_H

#include <linux/types.h>

#define SPLICELB_GENL_NAME	"splicelb"
#define SPLICELB_GENL_VERSION	1
#define SPLICELB_MCGRP_EVENTS	"events"

#define SPLICELB_SCHED_NAME_MAX	16	/* with the terminating NUL */
#define SPLICELB_WEIGHT_MAX	65535

enum splicelb_cmd {
	SPLICELB_CMD_UNSPEC,
	SPLICELB_CMD_SERVICE_NEW,
	SPLICELB_CMD_SERVICE_SET,
	SPLICELB_CMD_SERVICE_DEL,
	SPLICELB_CMD_SERVICE_GET,
	SPLICELB_CMD_BACKEND_NEW,
	SPLICELB_CMD_BACKEND_SET,
	SPLICELB_CMD_BACKEND_DEL,
	SPLICELB_CMD_BACKEND_GET,
	SPLICELB_CMD_CONN_GET,
	SPLICELB_CMD_STATS_GET,
	SPLICELB_CMD_ZERO,
	SPLICELB_CMD_FLUSH,
	/* Events only: a backend changed state (up, down, draining, drained). */
	SPLICELB_CMD_BACKEND_STATE,

	__SPLICELB_CMD_MAX
};
#define SPLICELB_CMD_MAX (__SPLICELB_CMD_MAX - 1)

enum splicelb_attr {
	SPLICELB_A_UNSPEC,
	SPLICELB_A_SERVICE,		/* nest: SPLICELB_SVC_A_* */
	SPLICELB_A_BACKEND,		/* nest: SPLICELB_BE_A_* */
	SPLICELB_A_CONN,		/* nest: SPLICELB_CONN_A_* */
	SPLICELB_A_STATS,		/* nest: SPLICELB_STATS_A_* */
	SPLICELB_A_CUT,			/* flag: deletion cuts live connections */
	SPLICELB_A_PAD,

	__SPLICELB_A_MAX
};
#define SPLICELB_A_MAX (__SPLICELB_A_MAX - 1)

enum splicelb_ep_attr {
	SPLICELB_EP_A_UNSPEC,
	SPLICELB_EP_A_FAMILY,		/* u16: AF_INET or AF_INET6 */
	SPLICELB_EP_A_ADDR,		/* binary: 4 or 16 bytes, network order */
	SPLICELB_EP_A_PORT,		/* u16 */

	__SPLICELB_EP_A_MAX
};
#define SPLICELB_EP_A_MAX (__SPLICELB_EP_A_MAX - 1)

enum splicelb_svc_attr {
	SPLICELB_SVC_A_UNSPEC,
	SPLICELB_SVC_A_EP,		/* nest: SPLICELB_EP_A_* */
	SPLICELB_SVC_A_SCHED,		/* string, < SPLICELB_SCHED_NAME_MAX */
	SPLICELB_SVC_A_BACKLOG,		/* u32 */
	SPLICELB_SVC_A_MAXCONN,		/* u32, 0: no limit of its own */
	SPLICELB_SVC_A_STATS,		/* nest: SPLICELB_STATS_A_*, dumps */
	SPLICELB_SVC_A_NBACKENDS,	/* u32, dumps */
	SPLICELB_SVC_A_PAD,

	__SPLICELB_SVC_A_MAX
};
#define SPLICELB_SVC_A_MAX (__SPLICELB_SVC_A_MAX - 1)

enum splicelb_backend_state {
	SPLICELB_BACKEND_UP,		/* takes new connections */
	SPLICELB_BACKEND_DRAIN,		/* keeps its connections, no new ones */
	SPLICELB_BACKEND_DOWN,		/* no new connections; set by operator */
	SPLICELB_BACKEND_DRAINED,	/* draining, and the last one has ended */

	__SPLICELB_BACKEND_STATE_MAX
};
#define SPLICELB_BACKEND_STATE_MAX (__SPLICELB_BACKEND_STATE_MAX - 1)

enum splicelb_be_attr {
	SPLICELB_BE_A_UNSPEC,
	SPLICELB_BE_A_EP,		/* nest: SPLICELB_EP_A_* */
	SPLICELB_BE_A_WEIGHT,		/* u32, 0..SPLICELB_WEIGHT_MAX */
	SPLICELB_BE_A_STATE,		/* u8: enum splicelb_backend_state */
	SPLICELB_BE_A_STATS,		/* nest: SPLICELB_STATS_A_*, dumps */
	SPLICELB_BE_A_PAD,

	__SPLICELB_BE_A_MAX
};
#define SPLICELB_BE_A_MAX (__SPLICELB_BE_A_MAX - 1)

enum splicelb_conn_state {
	SPLICELB_CONN_CONNECTING,	/* client accepted, backend connecting */
	SPLICELB_CONN_ESTABLISHED,	/* relaying both ways */
	SPLICELB_CONN_CLIENT_FIN,	/* client done sending; server still */
	SPLICELB_CONN_SERVER_FIN,	/* server done sending; client still */
	SPLICELB_CONN_CLOSING,		/* being torn down */

	__SPLICELB_CONN_STATE_MAX
};

enum splicelb_conn_attr {
	SPLICELB_CONN_A_UNSPEC,
	SPLICELB_CONN_A_ID,		/* u32, unique in the netns while live */
	SPLICELB_CONN_A_CLIENT,		/* nest: SPLICELB_EP_A_* */
	SPLICELB_CONN_A_SERVICE,	/* nest: SPLICELB_EP_A_* */
	SPLICELB_CONN_A_BACKEND,	/* nest: SPLICELB_EP_A_*, once chosen */
	SPLICELB_CONN_A_STATE,		/* u8: enum splicelb_conn_state */
	SPLICELB_CONN_A_AGE_MS,		/* u64 */
	SPLICELB_CONN_A_BYTES_IN,	/* u64: client to backend */
	SPLICELB_CONN_A_BYTES_OUT,	/* u64: backend to client */
	SPLICELB_CONN_A_CLIENT_RTT_US,	/* u32: smoothed RTT of client leg */
	SPLICELB_CONN_A_CLIENT_RETRANS,	/* u32: total retransmits, client leg */
	SPLICELB_CONN_A_BACKEND_RTT_US,	/* u32 */
	SPLICELB_CONN_A_BACKEND_RETRANS,	/* u32 */
	SPLICELB_CONN_A_PAD,

	__SPLICELB_CONN_A_MAX
};
#define SPLICELB_CONN_A_MAX (__SPLICELB_CONN_A_MAX - 1)

/* Counters of a service, a backend, or (under SPLICELB_A_STATS) a netns. */
enum splicelb_stats_attr {
	SPLICELB_STATS_A_UNSPEC,
	SPLICELB_STATS_A_CONNS_ACTIVE,	/* u64: relaying now */
	SPLICELB_STATS_A_CONNS_INACTIVE,	/* u64: connecting or half-closed */
	SPLICELB_STATS_A_CONNS_TOTAL,	/* u64: accepted, or established */
	SPLICELB_STATS_A_BYTES_IN,	/* u64: client to backend */
	SPLICELB_STATS_A_BYTES_OUT,	/* u64: backend to client */
	SPLICELB_STATS_A_CONNECT_FAILS,	/* u64: backend connects that failed */
	SPLICELB_STATS_A_REFUSED,	/* u64: clients turned away */
	SPLICELB_STATS_A_BYTES_BY_REF,	/* u64: forwarded as page references */
	SPLICELB_STATS_A_BYTES_COPIED,	/* u64: forwarded by copying */
	SPLICELB_STATS_A_TIMEOUTS,	/* u64: connections ended by a timeout */
	SPLICELB_STATS_A_RESETS,	/* u64: connections ended by a reset */
	SPLICELB_STATS_A_PAD,

	__SPLICELB_STATS_A_MAX
};
#define SPLICELB_STATS_A_MAX (__SPLICELB_STATS_A_MAX - 1)

#endif /* _UAPI_LINUX_SPLICELB_H */
