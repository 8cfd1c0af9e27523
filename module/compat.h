/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels splicelb supports lives here.  What a
 * kernel provides is found by compiling module/compat/probe-*.c against it
 * (scripts/build-module.sh), not by comparing version numbers: Debian's
 * stable kernels carry backports that version numbers do not show.
 */
#ifndef SLB_COMPAT_H
#define SLB_COMPAT_H

#include "compat-probes.h"

#ifndef SLB_HAVE_TIMER_DELETE_SYNC
#define timer_delete_sync(t) del_timer_sync(t)
#endif

#endif /* SLB_COMPAT_H */
