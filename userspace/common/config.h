/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The configuration file shared by "lbctl save/restore" and lbselect:
 * one command per line, '#' starts a comment, words separated by blanks.
 *
 *   service add ADDR:PORT [scheduler NAME] [backlog N] [maxconn N]
 *   backend add ADDR:PORT service ADDR:PORT [weight N] [state up|drain|down]
 *
 * Lines run in order, like the lbctl commands they are, so a backend's
 * service must be added on an earlier line.  The parser only checks the
 * syntax and the references; whether a scheduler NAME exists is up to the
 * program that applies the configuration.
 */
#ifndef SLB_COMMON_CONFIG_H
#define SLB_COMMON_CONFIG_H

#include <stdio.h>
#include <sys/socket.h>

#define SLB_CFG_SCHED_MAX	16	/* scheduler name, with its NUL */
#define SLB_CFG_DEF_SCHED	"rr"
#define SLB_CFG_DEF_BACKLOG	128
#define SLB_CFG_MAX_BACKLOG	65535
#define SLB_CFG_DEF_WEIGHT	1
#define SLB_CFG_MAX_WEIGHT	65535

enum slb_cfg_state {
	SLB_CFG_UP,		/* takes new connections */
	SLB_CFG_DRAIN,		/* keeps its connections, gets no new ones */
	SLB_CFG_DOWN,		/* out of service: gets no new connections */
};

struct slb_cfg_service {
	struct sockaddr_storage addr;
	char sched[SLB_CFG_SCHED_MAX];
	unsigned int backlog;
	unsigned int maxconn;		/* 0 = unlimited */
	unsigned int line;		/* where it was added, for messages */
};

struct slb_cfg_backend {
	struct sockaddr_storage addr;
	unsigned int service;		/* index into slb_cfg.svc */
	unsigned int weight;
	enum slb_cfg_state state;
	unsigned int line;
};

struct slb_cfg {
	struct slb_cfg_service *svc;
	unsigned int nsvc;
	struct slb_cfg_backend *be;
	unsigned int nbe;
};

void slb_cfg_init(struct slb_cfg *cfg);
void slb_cfg_free(struct slb_cfg *cfg);

/*
 * Run one line (command, comment or blank) against cfg.  Returns 0, or -1
 * with the reason in err; cfg is unchanged on error.
 */
int slb_cfg_parse_line(struct slb_cfg *cfg, const char *line,
		       unsigned int lineno, char *err, size_t errlen);

/*
 * Read a whole file into cfg (which should be freshly initialised).  Every
 * error is printed to errs (when not NULL) as "FILE:LINE: message".
 * Returns the number of errors, 0 when the file is good.
 */
int slb_cfg_load(struct slb_cfg *cfg, const char *path, FILE *errs);

/* Index of the service listening on addr, or -1. */
int slb_cfg_find_service(const struct slb_cfg *cfg,
			 const struct sockaddr_storage *addr);

const char *slb_cfg_state_name(enum slb_cfg_state state);

/* Write cfg back in the same format, defaults included, so it re-reads. */
void slb_cfg_write(FILE *f, const struct slb_cfg *cfg);

#endif /* SLB_COMMON_CONFIG_H */
