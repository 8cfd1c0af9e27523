// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lbctl: the operator's tool for splicelb.  main() parses the command line
 * (userspace/common/lbctl_parse.c) and hands the request to lbctl_exec();
 * "restore" reads its file with userspace/common/config.c instead.
 */
#include <stdio.h>
#include <string.h>

#include "lbctl.h"

static int cmd_help(struct lbctl *c, const struct lbctl_req *req)
{
	(void)c;
	lbctl_usage(stdout, req->topic);
	return LBCTL_OK;
}

static int cmd_version(struct lbctl *c, const struct lbctl_req *req)
{
	(void)c;
	(void)req;
	printf("lbctl " SLB_VERSION "\n");
	return LBCTL_OK;
}

/* What each request runs: the objects of lbctl_parse.c's table. */
static int (*const commands[])(struct lbctl *, const struct lbctl_req *) = {
	[LBCTL_SERVICE_ADD] = cmd_service,
	[LBCTL_SERVICE_CHANGE] = cmd_service,
	[LBCTL_SERVICE_DEL] = cmd_service,
	[LBCTL_SERVICE_SHOW] = cmd_service,
	[LBCTL_BACKEND_ADD] = cmd_backend,
	[LBCTL_BACKEND_CHANGE] = cmd_backend,
	[LBCTL_BACKEND_DEL] = cmd_backend,
	[LBCTL_BACKEND_SHOW] = cmd_backend,
	[LBCTL_SHOW] = cmd_show,
	[LBCTL_CONNS] = cmd_conns,
	[LBCTL_STATS] = cmd_stats,
	[LBCTL_ZERO] = cmd_zero,
	[LBCTL_FLUSH] = cmd_flush,
	[LBCTL_SAVE] = cmd_save,
	[LBCTL_RESTORE] = cmd_restore,
	[LBCTL_MONITOR] = cmd_monitor,
	[LBCTL_HELP] = cmd_help,
	[LBCTL_VERSION] = cmd_version,
};

/* Carry out a parsed request. */
static int lbctl_exec(struct lbctl *c, const struct lbctl_req *req)
{
	int ret;

	if ((size_t)req->op >= sizeof(commands) / sizeof(commands[0]) ||
	    !commands[req->op]) {
		lbctl_err(c, "nothing to do");
		return LBCTL_USAGE;
	}
	out_init(req->json, req->pretty);
	ret = commands[req->op](c, req);
	out_finish();
	return ret;
}

int main(int argc, char **argv)
{
	struct lbctl c = { .where = "lbctl" };
	struct lbctl_req req;
	char err[256];
	int ret;

	if (lbctl_parse(argc - 1, argv + 1, &req, err, sizeof(err))) {
		lbctl_err(&c, "%s", err);
		if (argc == 1)
			lbctl_usage(stderr, NULL);
		else
			fprintf(stderr, "Try \"lbctl help\".\n");
		return LBCTL_USAGE;
	}
	ret = lbctl_exec(&c, &req);
	lbctl_nl_close(&c);
	if (fflush(stdout) || ferror(stdout)) {
		perror("lbctl: stdout");
		ret = ret ? ret : LBCTL_REFUSED;
	}
	return ret;
}
