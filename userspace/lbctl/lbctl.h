/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * lbctl: configure splicelb over generic netlink.  The command line is
 * parsed by userspace/common/lbctl_parse.c; the files here carry a parsed
 * request out, one file per command, and print what comes back through
 * print.c, which writes text or JSON from the same calls.
 */
#ifndef LBCTL_H
#define LBCTL_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "config.h"
#include "counters.h"
#include "lbctl_parse.h"
#include "uapi/linux/splicelb.h"

/* Exit statuses. */
#define LBCTL_OK	0
#define LBCTL_REFUSED	1	/* the kernel (or the system) said no */
#define LBCTL_USAGE	2

struct lbctl {
	struct mnl_socket *sk;	/* opened on first use */
	uint16_t family;
	uint32_t mcgrp;		/* the "events" group */
	uint32_t portid;
	uint32_t seq;
	/* Prefix of messages: "lbctl" or "FILE:LINE" while restoring. */
	char where[512];
};

/* ---- netlink (nl.c) ------------------------------------------------------ */

/* Called for each message of a reply that is not an ack or an error. */
typedef int (*lbctl_msg_cb)(const struct nlmsghdr *nlh, void *data);

int lbctl_nl_open(struct lbctl *c);
void lbctl_nl_close(struct lbctl *c);
/*
 * Send a request for req (lbctl_msg()) and read replies to the end:
 * the ack of a request, or the end of a dump.  A dump that raced with a
 * change (NLM_F_DUMP_INTR) returns -EINTR after the end; the caller starts
 * it again.  Returns 0 or a negative errno, printing the kernel's message.
 */
int lbctl_nl_talk(struct lbctl *c, uint8_t cmd, uint16_t flags,
		  const struct lbctl_req *req, lbctl_msg_cb cb, void *data);
/*
 * Largest SERVICE_NEW lbctl sends: within the default socket send buffer
 * (net.core.wmem_default, 212,992 bytes), room for some 2,300 IPv4
 * backends of 56 bytes, as save writes them (weight, state, maxconn; 8
 * more with a check-port or a proxy-protocol, 16 more with an agent).
 */
#define LBCTL_SERVICE_NEW_MAX	(128 * 1024)

/*
 * Create service @svc with as many of the nbe backends @be as fit in one
 * SERVICE_NEW, which the kernel applies whole; *sent says how many went.
 * Returns 0 or a negative errno, printing the kernel's message.
 */
int lbctl_nl_service_new(struct lbctl *c, const struct lbctl_req *svc,
			 const struct lbctl_req *be, size_t nbe, size_t *sent);

/* Send a request that only wants its ack; returns an exit status. */
int lbctl_nl_simple(struct lbctl *c, const struct lbctl_req *req);

/* Print "lbctl: message" or "FILE:LINE: message" on stderr. */
void lbctl_err(const struct lbctl *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- what the kernel reports (dump.c) ------------------------------------ */

struct lbctl_counters {
	bool present;
	uint64_t v[SLB_CTR_NUM];		/* by SLB_CTR_* */
};

struct lbctl_backend {
	struct sockaddr_storage addr;
	struct sockaddr_storage svc;
	uint32_t weight;
	/* What its scheduler counts now, in 1/SPLICELB_WEIGHT_SCALE units. */
	uint32_t eweight;
	uint8_t state;
	uint32_t maxconn;
	uint16_t check_port;		/* 0: its own */
	uint8_t proxy_protocol;		/* SPLICELB_PROXY_*, INHERIT */
	/* What its service's checks found: enum splicelb_health, ... */
	uint8_t health;
	uint8_t check_result;		/* enum splicelb_check_result */
	uint32_t check_count;		/* towards rise or fall */
	uint64_t health_age_ms;
	uint16_t agent_port;		/* 0: no agent */
	uint32_t agent_inter_ms;
	/* What its agent said last, only with an agent-port: */
	uint8_t agent_result;		/* enum splicelb_check_result */
	uint32_t agent_pct;
	uint8_t agent_admin;		/* enum splicelb_agent_admin */
	uint8_t agent_health;		/* enum splicelb_health */
	struct lbctl_counters st;
};

struct lbctl_service {
	struct sockaddr_storage addr;
	char sched[SPLICELB_SCHED_NAME_MAX];
	/* The scheduler's options: the kernel reports those it takes. */
	struct slb_sched_opts opts;
	uint32_t opts_has;		/* SLB_SCHED_OPT_* reported */
	uint32_t backlog;
	uint32_t maxconn;
	uint32_t maxqueue;
	uint32_t queue_timeout_ms;
	uint32_t slowstart_ms;		/* 0: none */
	uint8_t proxy_protocol;		/* enum splicelb_proxy_protocol */
	uint8_t accept_proxy;		/* 1: clients send a PROXY header */
	struct slb_source source;	/* of its backend connections */
	struct slb_check_params check;
	uint32_t nbackends;
	struct lbctl_counters st;
	struct lbctl_backend *be;
	size_t nbe;
	size_t cap;
};

struct lbctl_config {
	struct lbctl_service *svc;
	size_t nsvc;
	size_t cap;
};

struct lbctl_conn {
	uint32_t id;
	struct sockaddr_storage client;
	struct sockaddr_storage service;
	struct sockaddr_storage backend;
	bool has_backend;
	/* With accept-proxy: who sent the header that named the client. */
	struct sockaddr_storage peer;
	bool has_peer;
	uint8_t state;
	uint64_t age_ms;
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint32_t client_rtt_us;
	uint32_t client_retrans;
	uint32_t backend_rtt_us;
	uint32_t backend_retrans;
};

/* Parse one message's SPLICELB_A_SERVICE / _BACKEND / _CONN / _STATS. */
int lbctl_parse_service(const struct nlmsghdr *nlh, struct lbctl_service *s);
int lbctl_parse_backend(const struct nlmsghdr *nlh, struct lbctl_backend *b);
int lbctl_parse_conn(const struct nlmsghdr *nlh, struct lbctl_conn *conn);
int lbctl_parse_stats(const struct nlmsghdr *nlh, struct lbctl_counters *st);

/*
 * Every service (the one of req->addr when it has LBCTL_HAS_ADDR), with
 * its backends when @backends.  Returns 0 or a negative errno (printed).
 */
int lbctl_dump_config(struct lbctl *c, const struct lbctl_req *req,
		      bool backends, struct lbctl_config *cfg);
void lbctl_config_free(struct lbctl_config *cfg);

/* ---- output (print.c) ---------------------------------------------------- */

enum lbctl_out {
	OUT_TEXT = 1,
	OUT_JSON = 2,
	OUT_ANY = 3,
};

void out_init(bool json, bool pretty);
/* JSON: open or close an object or array; @key NULL inside an array. */
void out_open_object(const char *key);
void out_close_object(void);
void out_open_array(const char *key);
void out_close_array(void);
/* One field: text through @fmt, JSON as "key": value. */
void out_str(enum lbctl_out t, const char *key, const char *fmt,
	     const char *val);
void out_u64(enum lbctl_out t, const char *key, const char *fmt,
	     uint64_t val);
void out_addr(enum lbctl_out t, const char *key, const char *fmt,
	      const struct sockaddr_storage *ss);
/* A number written already ("2.5"): JSON has it without quotes. */
void out_num(enum lbctl_out t, const char *key, const char *fmt,
	     const char *val);
/* Text only: a newline, or free text. */
void out_nl(void);
void out_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* End of output: the closing newline of JSON, and a flush. */
void out_finish(void);
bool out_is_json(void);

/* Shared printers (print.c). */
void print_counters(const struct lbctl_counters *st, const char *indent);
void print_service(const struct lbctl_service *s, bool stats);
/*
 * @check: its service's, for the count towards rise or fall; the text
 * shows what the checks found only where it checks.  NULL where it is not
 * known, in an event: the text shows it all, the count alone.
 */
void print_backend(const struct lbctl_backend *b,
		   const struct slb_check_params *check, bool with_svc,
		   bool stats);

/* ---- commands: one file each ------------------------------------------- */

int cmd_service(struct lbctl *c, const struct lbctl_req *req);
int cmd_backend(struct lbctl *c, const struct lbctl_req *req);
int cmd_show(struct lbctl *c, const struct lbctl_req *req);
int cmd_conns(struct lbctl *c, const struct lbctl_req *req);
int cmd_stats(struct lbctl *c, const struct lbctl_req *req);
int cmd_zero(struct lbctl *c, const struct lbctl_req *req);
int cmd_flush(struct lbctl *c, const struct lbctl_req *req);
int cmd_save(struct lbctl *c, const struct lbctl_req *req);
int cmd_restore(struct lbctl *c, const struct lbctl_req *req);
int cmd_monitor(struct lbctl *c, const struct lbctl_req *req);

#endif /* LBCTL_H */
