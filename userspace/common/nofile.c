// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <sys/resource.h>

#include "nofile.h"

void slb_raise_nofile(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}
