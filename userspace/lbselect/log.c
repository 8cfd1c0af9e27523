// SPDX-License-Identifier: GPL-2.0
/*
 * Messages to stderr, prefixed with the program name.  stderr is unbuffered,
 * so a line is one write() and lines from a crash are not lost.
 */
#include "lbselect.h"

#include <stdarg.h>
#include <stdio.h>


static void vlog(const char *fmt, va_list ap)
{
	char line[512];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "lbselect: %s\n", line);
}

void lb_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > opt.verbose)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void lb_log_limited(struct lb_ratelimit *rl, const char *fmt, ...)
{
	u64 now = now_ms();
	va_list ap;

	if (rl->last && now - rl->last < 1000) {
		rl->suppressed++;
		return;
	}
	rl->last = now;
	if (rl->suppressed) {
		fprintf(stderr, "lbselect: (%lu similar messages suppressed)\n",
			rl->suppressed);
		rl->suppressed = 0;
	}
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}
