/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The configuration file of "lbctl save/restore" and lbselect, read by
 * this one parser: one command per line, '#' starts a comment, words
 * separated by blanks, every keyword a whole word.
 *
 *   service add ADDR:PORT [scheduler NAME] [hash-key addr|addr-port]
 *               [seed N] [table-size N] [backlog N] [maxconn N]
 *               [maxqueue N] [queue-timeout TIME] [slowstart TIME]
 *               [proxy-protocol none|v1|v2] [accept-proxy on|off]
 *               [source none|client|ADDR[,ADDR...]]
 *               [check tcp|none|send STR expect STR|expect STR]
 *               [inter TIME] [timeout TIME] [rise N] [fall N]
 *               [fastinter TIME] [downinter TIME]
 *   backend add ADDR:PORT service ADDR:PORT [weight N] [state up|drain|down]
 *               [maxconn N] [check-port N] [agent-port N]
 *               [agent-inter TIME] [proxy-protocol none|v1|v2|inherit]
 *
 * TIME is in milliseconds, or has a unit: "250", "250ms", "5s"; a
 * slowstart of 0, the default, is none, and so is an agent-port of 0 (an
 * agent-inter is 10ms to 3600s, default 2s, as a check's inter).  A
 * service's proxy-protocol defaults to none and its accept-proxy to off;
 * a backend's proxy-protocol to inherit, its service's.  A service's
 * source, where its backend connections leave from, defaults to none,
 * the kernel's choice (source.h has the word); under client its backends
 * must have its family, under a pool of addresses a family the pool
 * holds.  STR is a word, or a string in double quotes that may hold
 * blanks and '#'; either way its bytes are written with C escapes (\r \n
 * \t \0 \\ \" \xHH), a quote inside quotes as \".
 *
 * A backend's service is added on an earlier line; for lbctl restore
 * (SLB_CFG_EXTERNAL) it may instead be one the kernel already has.  The
 * parser checks syntax, ranges and references, and the families of the
 * backends a source allows (the kernel, those of its own services);
 * whether a scheduler NAME exists is up to the program that applies the
 * configuration.  The
 * options after it must be ones that scheduler takes (of a line without
 * one, SLB_SCHED_DEFAULT): a file means the same on every host, whatever
 * default scheduler the kernel has.  The limits and defaults are the
 * kernel's: include/uapi/linux/splicelb.h, lib/.
 */
#ifndef SLB_COMMON_CONFIG_H
#define SLB_COMMON_CONFIG_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>

#include "check.h"
#include "sched.h"
#include "source.h"
#include "uapi/linux/splicelb.h"

#define SLB_CFG_DEF_WEIGHT	1

/* Which options a line gave; the others hold their defaults. */
#define SLB_CFG_HAS_SCHED	(1u << 0)
#define SLB_CFG_HAS_BACKLOG	(1u << 1)
#define SLB_CFG_HAS_MAXCONN	(1u << 2)
#define SLB_CFG_HAS_WEIGHT	(1u << 3)
#define SLB_CFG_HAS_STATE	(1u << 4)
/* Scheduler options: which of slb_cfg_service.opts a line gave. */
#define SLB_CFG_HAS_HASH_KEY	(1u << 5)
#define SLB_CFG_HAS_SEED	(1u << 6)
#define SLB_CFG_HAS_TABLE_SIZE	(1u << 7)
/* The queue of a service; a backend's maxconn is SLB_CFG_HAS_MAXCONN. */
#define SLB_CFG_HAS_MAXQUEUE	(1u << 8)
#define SLB_CFG_HAS_QUEUE_TIMEOUT	(1u << 9)
/* A backend's check-port; a service's check options are its check_given. */
#define SLB_CFG_HAS_CHECK_PORT	(1u << 10)
/* A service's slowstart. */
#define SLB_CFG_HAS_SLOWSTART	(1u << 11)
/* A backend's agent: where it listens, how often it is polled. */
#define SLB_CFG_HAS_AGENT_PORT	(1u << 12)
#define SLB_CFG_HAS_AGENT_INTER	(1u << 13)
/* The PROXY header sent on (a service's or a backend's); one read first. */
#define SLB_CFG_HAS_PROXY_PROTOCOL	(1u << 14)
#define SLB_CFG_HAS_ACCEPT_PROXY	(1u << 15)
/* A service's source. */
#define SLB_CFG_HAS_SOURCE	(1u << 16)

/* Backends may name a service the file does not add (lbctl restore). */
#define SLB_CFG_EXTERNAL	(1u << 0)

struct slb_cfg_service {
	struct sockaddr_storage addr;
	char sched[SPLICELB_SCHED_NAME_MAX];
	struct slb_sched_opts opts;	/* defaults where not given */
	unsigned int backlog;
	unsigned int maxconn;		/* 0 = unlimited */
	unsigned int maxqueue;		/* clients that may wait; 0 = none */
	unsigned int queue_timeout_ms;	/* how long each may wait */
	unsigned int slowstart_ms;	/* a backend's ramp back; 0: none */
	unsigned int proxy_protocol;	/* SPLICELB_PROXY_NONE, _V1 or _V2 */
	bool accept_proxy;		/* clients begin with a PROXY header */
	struct slb_source source;	/* none where the line gives none */
	/* slb_check_params_init()'s where the line gives none */
	struct slb_check_params check;
	unsigned int check_given;	/* SLB_CHECK_SET_* the line gave */
	unsigned int has;		/* SLB_CFG_HAS_* */
	unsigned int line;		/* where it was added, for messages */
	/* Not added by the file: named by the backend of line @line. */
	bool external;
};

struct slb_cfg_backend {
	struct sockaddr_storage addr;
	unsigned int service;		/* index into slb_cfg.svc */
	unsigned int weight;
	unsigned int state;		/* SPLICELB_BACKEND_UP/DRAIN/DOWN */
	unsigned int maxconn;		/* its active connections; 0 = no limit */
	unsigned int check_port;	/* the checks' port; 0 = its own */
	unsigned int agent_port;	/* its agent's port; 0 = no agent */
	unsigned int agent_inter_ms;	/* between two polls of the agent */
	/* SPLICELB_PROXY_*; _INHERIT, the default, is its service's */
	unsigned int proxy_protocol;
	unsigned int has;		/* SLB_CFG_HAS_* */
	unsigned int line;
};

struct slb_cfg {
	struct slb_cfg_service *svc;
	unsigned int nsvc;
	struct slb_cfg_backend *be;
	unsigned int nbe;
	unsigned int flags;		/* SLB_CFG_EXTERNAL */
};

void slb_cfg_init(struct slb_cfg *cfg, unsigned int flags);
void slb_cfg_free(struct slb_cfg *cfg);

/*
 * Run one line (command, comment or blank) against cfg.  Returns 0, or -1
 * with the reason in err; cfg is unchanged on error.
 */
int slb_cfg_parse_line(struct slb_cfg *cfg, const char *line,
		       unsigned int lineno, char *err, size_t errlen);

/*
 * Read a whole stream into cfg (which should be freshly initialised),
 * named @name in messages.  Every error is printed to errs (when not NULL)
 * as "NAME:LINE: message".  Returns the number of errors, 0 when good.
 */
int slb_cfg_read(struct slb_cfg *cfg, FILE *f, const char *name, FILE *errs);

/* slb_cfg_read() of the file at path. */
int slb_cfg_load(struct slb_cfg *cfg, const char *path, FILE *errs);

/* Index of the service listening on addr, or -1. */
int slb_cfg_find_service(const struct slb_cfg *cfg,
			 const struct sockaddr_storage *addr);

/*
 * A TIME into *@ms, in milliseconds.  Returns 0, or -1 when it is not one
 * or outside @min .. @max.  lbctl's command line takes the same.
 */
int slb_cfg_parse_time(const char *s, unsigned int min, unsigned int max,
		       unsigned int *ms);
/* What a queue-timeout may be, 1 .. SPLICELB_QUEUE_TIMEOUT_MAX_MS. */
#define SLB_CFG_TIMEOUT_RANGE	"1ms-3600s, as 250, 250ms or 5s"
/* What a slowstart may be, 0 (none) .. SPLICELB_SLOWSTART_MAX_MS. */
#define SLB_CFG_SLOWSTART_RANGE	"0-3600s, as 250, 250ms or 5s"
/*
 * What an agent-inter may be, SPLICELB_CHECK_INTER_MIN_MS ..
 * SPLICELB_CHECK_INTER_MAX_MS, as a check's inter.
 */
#define SLB_CFG_AGENT_INTER_RANGE	"10ms-3600s, as 250, 250ms or 5s"

/* @ms as TIME, the shortest way: "5s", "250ms", "0"; returns @buf. */
#define SLB_CFG_TIMEOUT_STRLEN	16
const char *slb_cfg_timeout_str(unsigned int ms, char *buf, size_t len);
/*
 * An effective weight (in 1/SPLICELB_WEIGHT_SCALE units) in configured
 * units, to two decimals at most, cut rather than rounded, as
 * /proc/net/splicelb/backends has it: "2.5", "0.06", "10".
 */
const char *slb_cfg_eweight_str(unsigned int eweight, char *buf, size_t len);

/*
 * A service's check, shared with lbctl's command line, which matches its
 * words by prefix where files take whole words: @is says which.
 *
 * slb_cfg_parse_check() reads the words @w[0 .. @n) after "check": "tcp",
 * "none", "send STR expect STR" or "expect STR" (send nothing, expect a
 * banner).  It sets the type and both strings, and returns how many
 * words it took, or -1 with the reason in @err.
 *
 * slb_cfg_check_param() reads one "KEYWORD VALUE" of the numeric
 * parameters, check_list.h's (inter, timeout, rise, ...): 0, -1 with the
 * reason, or 1 when @key is not one of them.
 *
 * Both refuse what the line gave already (*@given, SLB_CHECK_SET_*), and
 * values lib/check.c refuses; slb_cfg_check_invalid() checks the whole,
 * as the kernel does: 0, or -1 with the reason.
 */
int slb_cfg_parse_check(struct slb_check_params *p, unsigned int *given,
			const char *const *w, unsigned int n,
			bool (*is)(const char *word, const char *keyword),
			char *err, size_t errlen);
int slb_cfg_check_param(struct slb_check_params *p, unsigned int *given,
			const char *key, const char *val, char *err,
			size_t errlen);
int slb_cfg_check_invalid(const struct slb_check_params *p, char *err,
			  size_t errlen);

/* "none", "tcp", "send-expect"; NULL for an unknown SPLICELB_CHECK_*. */
const char *slb_cfg_check_type_name(unsigned int type);

/* A check's string as slb_check_escape() writes it, with its NUL. */
#define SLB_CFG_CHECK_STRLEN	(4 * SLB_CHECK_DATA_MAX + 1)

/*
 * @p as a service line has it, every parameter written out: " check tcp
 * inter 2s timeout 0 rise 2 fall 3 fastinter 0 downinter 0"; nothing
 * for a service that was never given a check, whose parameters are all
 * slb_check_params_init()'s.
 */
void slb_cfg_write_check(FILE *f, const struct slb_check_params *p);
/* A backend's " check-port N", nothing for 0 (its own port). */
void slb_cfg_write_check_port(FILE *f, unsigned int port);
/* A service's " slowstart TIME", nothing for 0 (none). */
void slb_cfg_write_slowstart(FILE *f, unsigned int ms);
/*
 * A backend's " agent-port N agent-inter TIME", nothing without an agent
 * (@port 0), and the agent-inter only when not SPLICELB_AGENT_INTER_DEF_MS.
 */
void slb_cfg_write_agent(FILE *f, unsigned int port, unsigned int inter_ms);
/*
 * A service's or a backend's " proxy-protocol NAME", nothing when
 * @version is @def: SPLICELB_PROXY_NONE for a service, _INHERIT for a
 * backend.
 */
void slb_cfg_write_proxy(FILE *f, unsigned int version, unsigned int def);
/* A service's " accept-proxy on", nothing when off. */
void slb_cfg_write_accept_proxy(FILE *f, bool on);
/* A service's " source WORD", nothing for none. */
void slb_cfg_write_source(FILE *f, const struct slb_source *src);

/* "none", "v1", "v2", "inherit"; NULL for an unknown SPLICELB_PROXY_*. */
const char *slb_cfg_proxy_name(unsigned int version);

/* "up", "drain", "down", "drained"; NULL for an unknown state. */
const char *slb_cfg_state_name(unsigned int state);

/* "addr", "addr-port"; NULL for an unknown SPLICELB_HASH_KEY_*. */
const char *slb_cfg_hash_key_name(unsigned int key);

/*
 * The scheduler options of @opts that @which (SLB_SCHED_OPT_*) names, as
 * a service line has them: " hash-key addr seed 0 table-size 65537".
 */
void slb_cfg_write_sched_opts(FILE *f, const struct slb_sched_opts *opts,
			      unsigned int which);

/*
 * Write cfg back in the same format, defaults included, so it re-reads;
 * services the file did not add are left out.
 */
void slb_cfg_write(FILE *f, const struct slb_cfg *cfg);

#endif /* SLB_COMMON_CONFIG_H */
