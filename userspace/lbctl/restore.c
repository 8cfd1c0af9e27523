// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lbctl restore [FILE|-]: run each line of FILE (as "lbctl save" writes
 * it, or any lbctl command) through the same parser and dispatcher as the
 * command line.  Blank lines and '#' comments are skipped.  The first bad
 * line stops it with "FILE:LINE: why"; a line is one request, so nothing of
 * a bad line is applied, and the lines before it stay applied.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lbctl.h"

#define MAX_WORDS 64

int cmd_restore(struct lbctl *c, const struct lbctl_req *req)
{
	const char *name = strcmp(req->file, "-") ? req->file : "<stdin>";
	char saved[sizeof(c->where)], err[256];
	char *line = NULL, *argv[MAX_WORDS];
	unsigned long lineno = 0;
	struct lbctl_req r;
	size_t cap = 0;
	int argc, ret = LBCTL_OK;
	FILE *f;

	f = strcmp(req->file, "-") ? fopen(req->file, "re") : stdin;
	if (!f) {
		lbctl_err(c, "%s: %s", req->file, strerror(errno));
		return LBCTL_REFUSED;
	}
	memcpy(saved, c->where, sizeof(saved));
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		snprintf(c->where, sizeof(c->where), "%s:%lu", name, lineno);
		argc = lbctl_split(line, argv, MAX_WORDS);
		if (argc == 0)
			continue;
		if (argc < 0) {
			lbctl_err(c, "too many words");
			ret = LBCTL_USAGE;
			break;
		}
		if (lbctl_parse(argc, argv, LBCTL_PARSE_BATCH, &r, err,
				sizeof(err))) {
			lbctl_err(c, "%s", err);
			ret = LBCTL_USAGE;
			break;
		}
		ret = lbctl_exec(c, &r);
		if (ret)
			break;
	}
	if (!ret && ferror(f)) {
		snprintf(c->where, sizeof(c->where), "%s", name);
		lbctl_err(c, "read error");
		ret = LBCTL_REFUSED;
	}
	memcpy(c->where, saved, sizeof(saved));
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}
