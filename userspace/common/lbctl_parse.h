/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * lbctl's command line, apart from anything that talks to the kernel, so
 * that unit tests and the fuzz harness can drive it whole:
 *
 *   lbctl_parse()   a command line into a struct lbctl_req, or a usage
 *                   error
 *   lbctl_msg()     the generic netlink request that carries it
 *
 * On the command line, objects, commands and keywords match by any prefix
 * that names one word of those the place takes, as with ip(8): "lbctl se
 * a" is "lbctl service add", and "lbctl s" is an error naming service,
 * show, stats and save.  Files are config.c's: whole words only.
 */
#ifndef SLB_COMMON_LBCTL_PARSE_H
#define SLB_COMMON_LBCTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "check.h"
#include "sched.h"
#include "source.h"
#include "uapi/linux/splicelb.h"

enum lbctl_op {
	LBCTL_OP_NONE,
	LBCTL_SERVICE_ADD,
	LBCTL_SERVICE_CHANGE,
	LBCTL_SERVICE_DEL,
	LBCTL_SERVICE_SHOW,
	LBCTL_BACKEND_ADD,
	LBCTL_BACKEND_CHANGE,
	LBCTL_BACKEND_DEL,
	LBCTL_BACKEND_SHOW,
	LBCTL_SHOW,
	LBCTL_CONNS,
	LBCTL_STATS,
	LBCTL_ZERO,
	LBCTL_FLUSH,
	LBCTL_SAVE,
	LBCTL_RESTORE,
	LBCTL_MONITOR,
	LBCTL_HELP,
	LBCTL_VERSION,
};

/* Which optional fields of struct lbctl_req a command line gave. */
#define LBCTL_HAS_ADDR		(1u << 0)
#define LBCTL_HAS_SVC		(1u << 1)
#define LBCTL_HAS_SCHED		(1u << 2)
#define LBCTL_HAS_BACKLOG	(1u << 3)
#define LBCTL_HAS_MAXCONN	(1u << 4)
#define LBCTL_HAS_WEIGHT	(1u << 5)
#define LBCTL_HAS_STATE		(1u << 6)
#define LBCTL_HAS_CUT		(1u << 7)
#define LBCTL_HAS_HASH_KEY	(1u << 8)
#define LBCTL_HAS_SEED		(1u << 9)
#define LBCTL_HAS_TABLE_SIZE	(1u << 10)
#define LBCTL_HAS_MAXQUEUE	(1u << 11)
#define LBCTL_HAS_QUEUE_TIMEOUT	(1u << 12)
#define LBCTL_HAS_CHECK_PORT	(1u << 13)
#define LBCTL_HAS_SLOWSTART	(1u << 14)
#define LBCTL_HAS_AGENT_PORT	(1u << 15)
#define LBCTL_HAS_AGENT_INTER	(1u << 16)
#define LBCTL_HAS_PROXY_PROTOCOL	(1u << 17)
#define LBCTL_HAS_ACCEPT_PROXY	(1u << 18)
#define LBCTL_HAS_SOURCE	(1u << 19)
/* A service's check options are in check_given, SLB_CHECK_SET_*. */

struct lbctl_req {
	enum lbctl_op op;
	unsigned int has;		/* LBCTL_HAS_* */
	/* The service, or the backend of a backend command. */
	struct sockaddr_storage addr;
	/* A backend's service, or the service a listing is limited to. */
	struct sockaddr_storage svc;
	char sched[SPLICELB_SCHED_NAME_MAX];
	struct slb_sched_opts opts;	/* the defaults where not given */
	uint32_t backlog;
	uint32_t maxconn;		/* the service's, or the backend's */
	uint32_t maxqueue;
	uint32_t queue_timeout_ms;
	uint32_t slowstart_ms;
	uint8_t proxy_protocol;		/* enum splicelb_proxy_protocol */
	bool accept_proxy;
	struct slb_source source;	/* none: an empty nest */
	struct slb_check_params check;	/* the defaults where not given */
	uint32_t check_given;		/* SLB_CHECK_SET_* */
	uint32_t weight;
	uint8_t state;			/* enum splicelb_backend_state */
	uint16_t check_port;
	uint16_t agent_port;		/* 0: no agent */
	uint32_t agent_inter_ms;
	const char *file;		/* restore: a path, or "-" */
	const char *topic;		/* help: an object, or NULL */
	/* Options: -s, -j, -p (each may stand anywhere on the line). */
	bool stats;
	bool json;
	bool pretty;
};

/*
 * Parse argv[0..argc) (without the program name) into *req.  Returns 0, or
 * -1 with the reason in err (never more than errlen bytes, always
 * terminated).  Reads argv only.
 */
int lbctl_parse(int argc, char *const argv[], struct lbctl_req *req,
		char *err, size_t errlen);

/* The usage text, the whole of it or one object's ("service", ...). */
void lbctl_usage(FILE *f, const char *topic);

/*
 * The largest request lbctl_msg() builds of one command line: a service
 * add with every option and both check strings at their longest.
 */
#define LBCTL_MSG_MAX	(1024 + 2 * SPLICELB_CHECK_DATA_MAX)

/*
 * Build the request for req->op in buf: a generic netlink message of
 * family @family with the attributes of include/uapi/linux/splicelb.h.
 * @cmd and @nlm_flags say which message: most ops map to one, but "show"
 * needs two dumps, so the caller names it.  Returns the length, or 0 when
 * it does not fit in len.
 */
size_t lbctl_msg(void *buf, size_t len, uint16_t family, uint8_t cmd,
		 uint16_t nlm_flags, uint32_t seq, const struct lbctl_req *req);

/*
 * Append backend @r (a "backend add") to the SERVICE_NEW that lbctl_msg()
 * built in buf, as SPLICELB_A_BACKENDS.  Returns the message's new length,
 * or 0, leaving the message as it was, when it does not fit in len.
 */
size_t lbctl_msg_add_backend(void *buf, size_t len,
			     const struct lbctl_req *r);

/* The command a mutating op sends, 0 for the others. */
uint8_t lbctl_op_cmd(enum lbctl_op op);

#endif /* SLB_COMMON_LBCTL_PARSE_H */
