/* SPDX-License-Identifier: GPL-2.0 OR MIT */
#ifndef SLB_COMMON_NOFILE_H
#define SLB_COMMON_NOFILE_H

/*
 * Raise the soft limit on open files to the hard one: the test and bench
 * tools hold thousands of connections.  Best effort, as ulimit -n would.
 */
void slb_raise_nofile(void);

#endif /* SLB_COMMON_NOFILE_H */
