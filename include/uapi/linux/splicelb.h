/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/splicelb.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_SPLICELB_H
#define _UAPI_LINUX_SPLICELB_H

#define SPLICELB_GENL_NAME	"splicelb"
#define SPLICELB_GENL_VERSION	1

#define SPLICELB_SCHED_NAME_MAX		16
#define SPLICELB_WEIGHT_MAX		65535
#define SPLICELB_WEIGHT_SCALE		16
#define SPLICELB_BACKLOG_MAX		65535
#define SPLICELB_DEFAULT_BACKLOG	511

/**
 * enum splicelb_backend_state
 * @SPLICELB_BACKEND_UP: Takes new connections.
 * @SPLICELB_BACKEND_DRAIN: Keeps its connections, takes no new ones.
 * @SPLICELB_BACKEND_DOWN: Takes no new connections; set by the operator.
 * @SPLICELB_BACKEND_DRAINED: Draining, and its last connection has ended; set
 *   by the kernel.
 */
enum splicelb_backend_state {
	SPLICELB_BACKEND_UP,
	SPLICELB_BACKEND_DRAIN,
	SPLICELB_BACKEND_DOWN,
	SPLICELB_BACKEND_DRAINED,
};

/**
 * enum splicelb_hash_key - What the hashing schedulers (sh, mh) hash of the
 *   client.
 * @SPLICELB_HASH_KEY_ADDR: Its address, so that all its connections go to one
 *   backend.
 * @SPLICELB_HASH_KEY_ADDR_PORT: Its address and port, spreading one client's
 *   connections.
 */
enum splicelb_hash_key {
	SPLICELB_HASH_KEY_ADDR,
	SPLICELB_HASH_KEY_ADDR_PORT,
};

/**
 * enum splicelb_proxy_protocol - The PROXY protocol header, as HAProxy
 *   specifies it, that begins every connection to a backend, before any byte
 *   of the client.
 * @SPLICELB_PROXY_NONE: No header.
 * @SPLICELB_PROXY_V1: Version 1, a line of text.
 * @SPLICELB_PROXY_V2: Version 2, binary, with the connection's id as
 *   PP2_TYPE_UNIQUE_ID.
 * @SPLICELB_PROXY_INHERIT: A backend's only; what its service says.
 */
enum splicelb_proxy_protocol {
	SPLICELB_PROXY_NONE,
	SPLICELB_PROXY_V1,
	SPLICELB_PROXY_V2,
	SPLICELB_PROXY_INHERIT,
};

#define SPLICELB_MH_TABLE_SIZE		65537
#define SPLICELB_MH_TABLE_MAX		4194301
#define SPLICELB_QUEUE_TIMEOUT_DEF_MS	5000
#define SPLICELB_QUEUE_TIMEOUT_MAX_MS	3600000
#define SPLICELB_SLOWSTART_MAX_MS	3600000
#define SPLICELB_CHECK_DATA_MAX		512
#define SPLICELB_CHECK_INTER_DEF_MS	2000
#define SPLICELB_CHECK_INTER_MIN_MS	10
#define SPLICELB_CHECK_INTER_MAX_MS	3600000
#define SPLICELB_CHECK_RISE_DEF		2
#define SPLICELB_CHECK_FALL_DEF		3
#define SPLICELB_CHECK_COUNT_MAX	100

/**
 * enum splicelb_check_type - The active check a service runs against each of
 *   its backends.
 * @SPLICELB_CHECK_NONE: No check; every backend counts as healthy.
 * @SPLICELB_CHECK_TCP: The connect succeeds.
 * @SPLICELB_CHECK_SEND_EXPECT: After the connect, check-send is sent, and a
 *   reply containing check-expect must come within the timeout.
 */
enum splicelb_check_type {
	SPLICELB_CHECK_NONE,
	SPLICELB_CHECK_TCP,
	SPLICELB_CHECK_SEND_EXPECT,
};

/**
 * enum splicelb_health - What the checks found of a backend, apart from its
 *   state: it takes new connections only when both are up.
 */
enum splicelb_health {
	SPLICELB_HEALTH_UP,
	SPLICELB_HEALTH_DOWN,
};

/**
 * enum splicelb_check_result - How the last check of a backend ended.
 * @SPLICELB_CHECK_RESULT_NONE: No check has ended yet, or the service runs
 *   none.
 * @SPLICELB_CHECK_RESULT_REFUSED: The connect was refused.
 * @SPLICELB_CHECK_RESULT_TIMEOUT: No connect, or no expected reply, within the
 *   timeout.
 * @SPLICELB_CHECK_RESULT_RESET: The connection was reset after it was made.
 * @SPLICELB_CHECK_RESULT_CLOSED: The backend closed the connection before the
 *   expected reply.
 * @SPLICELB_CHECK_RESULT_UNEXPECTED: The reply did not contain check-expect.
 * @SPLICELB_CHECK_RESULT_UNREACHABLE: No route to the backend, or its host did
 *   not answer.
 * @SPLICELB_CHECK_RESULT_ERROR: Any other error, on this host.
 */
enum splicelb_check_result {
	SPLICELB_CHECK_RESULT_NONE,
	SPLICELB_CHECK_RESULT_PASSED,
	SPLICELB_CHECK_RESULT_REFUSED,
	SPLICELB_CHECK_RESULT_TIMEOUT,
	SPLICELB_CHECK_RESULT_RESET,
	SPLICELB_CHECK_RESULT_CLOSED,
	SPLICELB_CHECK_RESULT_UNEXPECTED,
	SPLICELB_CHECK_RESULT_UNREACHABLE,
	SPLICELB_CHECK_RESULT_ERROR,
};

#define SPLICELB_SOURCE_ADDRS_MAX	16
#define SPLICELB_AGENT_PCT_MAX		100
#define SPLICELB_AGENT_INTER_DEF_MS	2000

/**
 * enum splicelb_agent_admin - What a backend's agent last said of its admin
 *   state, apart from the operator's: the backend takes new connections only
 *   when its agent says ready (and not down).
 * @SPLICELB_AGENT_READY: Takes new connections: the agent said ready, which
 *   ends a drain or maint it said before, or has said neither yet.
 * @SPLICELB_AGENT_DRAIN: Keeps its connections, takes no new ones.
 * @SPLICELB_AGENT_MAINT: Takes no new connections; its connections continue,
 *   as under drain.
 */
enum splicelb_agent_admin {
	SPLICELB_AGENT_READY,
	SPLICELB_AGENT_DRAIN,
	SPLICELB_AGENT_MAINT,
};

/**
 * enum splicelb_conn_state
 * @SPLICELB_CONN_CONNECTING: Client accepted, backend connecting.
 * @SPLICELB_CONN_ESTABLISHED: Relaying both ways.
 * @SPLICELB_CONN_CLIENT_FIN: The client is done sending; the server still
 *   sends.
 * @SPLICELB_CONN_SERVER_FIN: The server is done sending; the client still
 *   sends.
 * @SPLICELB_CONN_CLOSING: Being torn down.
 * @SPLICELB_CONN_QUEUED: Waiting in the service's queue for a backend below
 *   its maxconn.
 */
enum splicelb_conn_state {
	SPLICELB_CONN_CONNECTING,
	SPLICELB_CONN_ESTABLISHED,
	SPLICELB_CONN_CLIENT_FIN,
	SPLICELB_CONN_SERVER_FIN,
	SPLICELB_CONN_CLOSING,
	SPLICELB_CONN_QUEUED,
};

enum splicelb_attr {
	SPLICELB_A_SERVICE = 1,
	SPLICELB_A_BACKEND,
	SPLICELB_A_CONN,
	SPLICELB_A_STATS,
	SPLICELB_A_CUT,
	SPLICELB_A_PAD,
	SPLICELB_A_BACKENDS,

	__SPLICELB_A_MAX
};
#define SPLICELB_A_MAX (__SPLICELB_A_MAX - 1)

enum splicelb_ep_attr {
	SPLICELB_EP_A_FAMILY = 1,
	SPLICELB_EP_A_ADDR,
	SPLICELB_EP_A_PORT,

	__SPLICELB_EP_A_MAX
};
#define SPLICELB_EP_A_MAX (__SPLICELB_EP_A_MAX - 1)

enum splicelb_svc_attr {
	SPLICELB_SVC_A_EP = 1,
	SPLICELB_SVC_A_SCHED,
	SPLICELB_SVC_A_BACKLOG,
	SPLICELB_SVC_A_MAXCONN,
	SPLICELB_SVC_A_STATS,
	SPLICELB_SVC_A_NBACKENDS,
	SPLICELB_SVC_A_PAD,
	SPLICELB_SVC_A_HASH_KEY,
	SPLICELB_SVC_A_SEED,
	SPLICELB_SVC_A_TABLE_SIZE,
	SPLICELB_SVC_A_MAXQUEUE,
	SPLICELB_SVC_A_QUEUE_TIMEOUT_MS,
	SPLICELB_SVC_A_CHECK_TYPE,
	SPLICELB_SVC_A_CHECK_SEND,
	SPLICELB_SVC_A_CHECK_EXPECT,
	SPLICELB_SVC_A_CHECK_INTER_MS,
	SPLICELB_SVC_A_CHECK_TIMEOUT_MS,
	SPLICELB_SVC_A_CHECK_RISE,
	SPLICELB_SVC_A_CHECK_FALL,
	SPLICELB_SVC_A_CHECK_FASTINTER_MS,
	SPLICELB_SVC_A_CHECK_DOWNINTER_MS,
	SPLICELB_SVC_A_CHECK_OBSERVE,
	SPLICELB_SVC_A_SLOWSTART_MS,
	SPLICELB_SVC_A_PROXY_PROTOCOL,
	SPLICELB_SVC_A_ACCEPT_PROXY,
	SPLICELB_SVC_A_SOURCE,

	__SPLICELB_SVC_A_MAX
};
#define SPLICELB_SVC_A_MAX (__SPLICELB_SVC_A_MAX - 1)

enum splicelb_source_attr {
	SPLICELB_SOURCE_A_CLIENT = 1,
	SPLICELB_SOURCE_A_ADDR,

	__SPLICELB_SOURCE_A_MAX
};
#define SPLICELB_SOURCE_A_MAX (__SPLICELB_SOURCE_A_MAX - 1)

enum splicelb_be_attr {
	SPLICELB_BE_A_EP = 1,
	SPLICELB_BE_A_WEIGHT,
	SPLICELB_BE_A_STATE,
	SPLICELB_BE_A_STATS,
	SPLICELB_BE_A_PAD,
	SPLICELB_BE_A_MAXCONN,
	SPLICELB_BE_A_CHECK_PORT,
	SPLICELB_BE_A_HEALTH,
	SPLICELB_BE_A_CHECK_RESULT,
	SPLICELB_BE_A_CHECK_COUNT,
	SPLICELB_BE_A_HEALTH_AGE_MS,
	SPLICELB_BE_A_EWEIGHT,
	SPLICELB_BE_A_AGENT_PORT,
	SPLICELB_BE_A_AGENT_INTER_MS,
	SPLICELB_BE_A_AGENT_RESULT,
	SPLICELB_BE_A_AGENT_PCT,
	SPLICELB_BE_A_AGENT_ADMIN,
	SPLICELB_BE_A_AGENT_HEALTH,
	SPLICELB_BE_A_PROXY_PROTOCOL,

	__SPLICELB_BE_A_MAX
};
#define SPLICELB_BE_A_MAX (__SPLICELB_BE_A_MAX - 1)

enum splicelb_conn_attr {
	SPLICELB_CONN_A_ID = 1,
	SPLICELB_CONN_A_CLIENT,
	SPLICELB_CONN_A_SERVICE,
	SPLICELB_CONN_A_BACKEND,
	SPLICELB_CONN_A_STATE,
	SPLICELB_CONN_A_AGE_MS,
	SPLICELB_CONN_A_BYTES_IN,
	SPLICELB_CONN_A_BYTES_OUT,
	SPLICELB_CONN_A_CLIENT_RTT_US,
	SPLICELB_CONN_A_CLIENT_RETRANS,
	SPLICELB_CONN_A_BACKEND_RTT_US,
	SPLICELB_CONN_A_BACKEND_RETRANS,
	SPLICELB_CONN_A_PAD,
	SPLICELB_CONN_A_PEER,

	__SPLICELB_CONN_A_MAX
};
#define SPLICELB_CONN_A_MAX (__SPLICELB_CONN_A_MAX - 1)

enum splicelb_stats_attr {
	SPLICELB_STATS_A_CONNS_ACTIVE = 1,
	SPLICELB_STATS_A_CONNS_INACTIVE,
	SPLICELB_STATS_A_CONNS_TOTAL,
	SPLICELB_STATS_A_BYTES_IN,
	SPLICELB_STATS_A_BYTES_OUT,
	SPLICELB_STATS_A_CONNECT_FAILS,
	SPLICELB_STATS_A_REFUSED,
	SPLICELB_STATS_A_BYTES_BY_REF,
	SPLICELB_STATS_A_BYTES_COPIED,
	SPLICELB_STATS_A_TIMEOUTS,
	SPLICELB_STATS_A_RESETS,
	SPLICELB_STATS_A_QUEUED,
	SPLICELB_STATS_A_QUEUE_TIMEOUTS,
	SPLICELB_STATS_A_QUEUE_LEN,
	SPLICELB_STATS_A_CHECK_FAILS,
	SPLICELB_STATS_A_HEALTH_CHANGES,
	SPLICELB_STATS_A_CHECKS,
	SPLICELB_STATS_A_OBSERVE_DOWNS,
	SPLICELB_STATS_A_PROXY_ERRORS,
	SPLICELB_STATS_A_PAD,

	__SPLICELB_STATS_A_MAX
};
#define SPLICELB_STATS_A_MAX (__SPLICELB_STATS_A_MAX - 1)

enum splicelb_cmd {
	SPLICELB_CMD_SERVICE_NEW = 1,
	SPLICELB_CMD_SERVICE_NEW_NTF = 1,
	SPLICELB_CMD_SERVICE_SET,
	SPLICELB_CMD_SERVICE_SET_NTF = 2,
	SPLICELB_CMD_SERVICE_DEL,
	SPLICELB_CMD_SERVICE_DEL_NTF = 3,
	SPLICELB_CMD_SERVICE_GET,
	SPLICELB_CMD_BACKEND_NEW,
	SPLICELB_CMD_BACKEND_NEW_NTF = 5,
	SPLICELB_CMD_BACKEND_SET,
	SPLICELB_CMD_BACKEND_SET_NTF = 6,
	SPLICELB_CMD_BACKEND_DEL,
	SPLICELB_CMD_BACKEND_DEL_NTF = 7,
	SPLICELB_CMD_BACKEND_GET,
	SPLICELB_CMD_CONN_GET,
	SPLICELB_CMD_STATS_GET,
	SPLICELB_CMD_ZERO,
	SPLICELB_CMD_FLUSH,
	SPLICELB_CMD_BACKEND_STATE,
	SPLICELB_CMD_BACKEND_HEALTH,

	__SPLICELB_CMD_MAX
};
#define SPLICELB_CMD_MAX (__SPLICELB_CMD_MAX - 1)

#define SPLICELB_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_SPLICELB_H */
