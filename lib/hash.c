// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * 64-bit multiply-xorshift hashing in the shape of MurmurHash2-64A: each
 * 8-byte group of the input, read as a little-endian number whatever the
 * host, is mixed into the state, and the result goes through the
 * MurmurHash3 finaliser, whose every output bit depends on every input
 * bit.  Maglev takes two hashes of one backend from two seeds; they must
 * look independent, which the finaliser gives.
 */
#include "hash.h"

#define SLB_HASH_M	0xc6a4a7935bd1e995ULL

static u64 slb_hash_fmix(u64 h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static u64 slb_hash_load(const u8 *p, size_t len)
{
	u64 v = 0;
	size_t i;

	for (i = 0; i < len; i++)
		v |= (u64)p[i] << (8 * i);
	return v;
}

u64 slb_hash64(const void *data, size_t len, u64 seed)
{
	const u8 *p = data;
	u64 h = slb_hash_fmix(seed) ^ (len * SLB_HASH_M);
	u64 k;

	while (len) {
		size_t chunk = len < 8 ? len : 8;

		k = slb_hash_load(p, chunk) * SLB_HASH_M;
		k ^= k >> 47;
		h = (h ^ k * SLB_HASH_M) * SLB_HASH_M;
		p += chunk;
		len -= chunk;
	}
	return slb_hash_fmix(h);
}
