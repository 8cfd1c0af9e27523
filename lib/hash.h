/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The hash of the hashing schedulers.  It must give the same value on
 * every host and in both the module and lbselect, so that gateways agree
 * on tables and on where a client goes: it reads bytes, never words, and
 * depends on nothing but its input and seed.  Not a defence against
 * chosen keys; a client can pick its port but not another client's
 * backend.
 */
#ifndef SLB_LIB_HASH_H
#define SLB_LIB_HASH_H

#include "slb_types.h"

u64 slb_hash64(const void *data, size_t len, u64 seed);

#endif /* SLB_LIB_HASH_H */
