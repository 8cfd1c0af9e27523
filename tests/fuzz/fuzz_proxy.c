// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fuzz the PROXY protocol reader of lib/proxy.c, and its writer with what
 * the reader finds.  For any input:
 *
 *  - read as it arrives, a byte more each time, it is 0 ("more") with a
 *    need beyond what is there, never shrinking, until one result that
 *    every longer read repeats: a header's length, reached exactly at
 *    its last byte, or the one reason it is refused; need() says the same;
 *  - a length never exceeds the bytes given nor the caller's maximum, and
 *    a smaller maximum changes a result only into ERR_TOO_LONG;
 *  - a header read with addresses, written again in either version, reads
 *    back to the same addresses, and the same bytes written again: a v1
 *    TCP4 line or a plain v2 header are the very bytes read; a buffer
 *    one byte too small is refused and not written past.
 *
 * libFuzzer (clang): "make fuzz-proxy", which builds
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DPROXY_FUZZ_LIBFUZZER \
 *     -Iinclude -Ilib tests/fuzz/fuzz_proxy.c lib/proxy.c \
 *     -o build/fuzz/fuzz_proxy
 * and runs it from a copy of tests/fuzz/corpus_proxy/.
 *
 * Plain driver (gcc): the same file with a main() that runs each FILE given
 * as an input, or else N inputs (default 100000) made by mutating valid
 * headers with a fixed seed; "-w DIR" writes the seeds there, which is how
 * tests/fuzz/corpus_proxy/ was made.  tests/unit/test_proxy.c builds this
 * file in without its main (PROXY_FUZZ_NO_MAIN) and runs the generator.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "proxy.h"

/* What the inputs run so far came to, read whole with the largest max. */
struct fuzz_proxy_stats {
	unsigned long runs;
	unsigned long more;		/* incomplete */
	unsigned long ok[3];		/* by version */
	unsigned long with_addr;	/* of those, carrying addresses */
	unsigned long err[6];		/* by -enum slb_proxy_err */
};

static struct fuzz_proxy_stats fuzz_proxy_stats;

static size_t fuzz_proxy_ip_len(uint8_t family)
{
	return family == SLB_PROXY_AF_INET ? 4 :
	       family == SLB_PROXY_AF_INET6 ? 16 : 0;
}

static void fuzz_proxy_same_addr(const struct slb_proxy_addr *a,
				 const struct slb_proxy_addr *b)
{
	size_t n = fuzz_proxy_ip_len(a->family);

	FUZZ_ASSERT(a->family == b->family);
	if (!n)
		return;
	FUZZ_ASSERT(!memcmp(a->src, b->src, n) && !memcmp(a->dst, b->dst, n));
	FUZZ_ASSERT(a->src_port == b->src_port && a->dst_port == b->dst_port);
}

static void fuzz_proxy_same(const struct slb_proxy_hdr *a,
			    const struct slb_proxy_hdr *b)
{
	FUZZ_ASSERT(a->version == b->version);
	fuzz_proxy_same_addr(&a->addr, &b->addr);
	/* Zeroed past an IPv4 address: a caller may compare whole arrays. */
	FUZZ_ASSERT(!memcmp(a->addr.src, b->addr.src, 16) &&
		    !memcmp(a->addr.dst, b->addr.dst, 16));
	FUZZ_ASSERT(a->unique_id_len == b->unique_id_len);
	FUZZ_ASSERT(!a->unique_id == !b->unique_id);
	if (a->unique_id_len)
		FUZZ_ASSERT(!memcmp(a->unique_id, b->unique_id,
				    a->unique_id_len));
}

/*
 * Writes @a (NULL: LOCAL or UNKNOWN) as @version with @id, and reads it
 * back; returns the length written, the header in @out.
 */
static size_t fuzz_proxy_check_write(unsigned int version,
				     const struct slb_proxy_addr *a,
				     const uint8_t *id, size_t id_len,
				     uint8_t *out)
{
	uint8_t again[SLB_PROXY_WRITE_MAX], small[SLB_PROXY_WRITE_MAX + 8];
	uint8_t family = a ? a->family : SLB_PROXY_AF_NONE;
	struct slb_proxy_hdr h;
	size_t n, i;

	n = slb_proxy_write(out, SLB_PROXY_WRITE_MAX, version, a, id, id_len);
	FUZZ_ASSERT(n > 0 && n <= SLB_PROXY_WRITE_MAX);
	FUZZ_ASSERT(slb_proxy_parse(out, n, n, &h) == (int)n);
	FUZZ_ASSERT(h.version == version && h.addr.family == family);
	if (a)
		fuzz_proxy_same_addr(a, &h.addr);
	if (version == SLB_PROXY_V2 && family != SLB_PROXY_AF_NONE && id_len)
		FUZZ_ASSERT(h.unique_id_len == id_len &&
			    !memcmp(h.unique_id, id, id_len));
	else
		FUZZ_ASSERT(!h.unique_id && !h.unique_id_len);

	/* One way to write each header: what is read writes the same. */
	FUZZ_ASSERT(slb_proxy_write(again, sizeof(again), version,
				    family ? &h.addr : NULL, h.unique_id,
				    h.unique_id_len) == n);
	FUZZ_ASSERT(!memcmp(again, out, n));

	memset(small, 0xa5, sizeof(small));
	FUZZ_ASSERT(!slb_proxy_write(small, n - 1, version, a, id, id_len));
	for (i = n - 1; i < sizeof(small); i++)
		FUZZ_ASSERT(small[i] == 0xa5);
	return n;
}

/*
 * Reads @data as it would arrive, one byte more each time; returns what
 * the whole of it reads as, *@hdr what was read.
 */
static int fuzz_proxy_walk(const uint8_t *data, size_t size,
			   struct slb_proxy_hdr *hdr)
{
	const size_t later[] = { 1, 2, 16, 107, SIZE_MAX };
	int r = 0, need = 0, last_need = 0, again;
	struct slb_proxy_hdr h;
	size_t p, i, q;

	for (p = 0; p <= size; p++) {
		r = slb_proxy_parse(data, p, SLB_PROXY_READ_MAX, hdr);
		need = slb_proxy_need(data, p);
		FUZZ_ASSERT(r >= SLB_PROXY_ERR_FAMILY && r <= (int)p);
		if (r)
			break;
		FUZZ_ASSERT(hdr->version == SLB_PROXY_NONE && !hdr->unique_id);
		FUZZ_ASSERT(need > (int)p && need <= SLB_PROXY_READ_MAX);
		FUZZ_ASSERT(need >= last_need);
		last_need = need;
	}
	if (!r)
		return 0;
	FUZZ_ASSERT(need == r);
	/* A header is whole at its last byte, not before. */
	FUZZ_ASSERT(r < 0 || (size_t)r == p);
	if (r < 0)
		FUZZ_ASSERT(hdr->version == SLB_PROXY_NONE && !hdr->unique_id);

	/* What follows changes nothing: it is not the header's. */
	for (i = 0; i < ARRAY_SIZE(later); i++) {
		q = later[i] > size - p ? size : p + later[i];
		again = slb_proxy_parse(data, q, SLB_PROXY_READ_MAX, &h);
		FUZZ_ASSERT(again == r && slb_proxy_need(data, q) == r);
		fuzz_proxy_same(&h, hdr);
	}
	return r;
}

/* @r: what @data reads as with the largest maximum. */
static void fuzz_proxy_limits(const uint8_t *data, size_t size, int r,
			      const struct slb_proxy_hdr *hdr)
{
	size_t max[] = { 0, 1, 8, 15, 16, 28, 56, SLB_PROXY_V1_MAX, 2048,
			 size, size + 1, 0, 0 };
	struct slb_proxy_hdr h;
	size_t i, n = 11;
	int got;

	if (r > 0) {
		max[n++] = (size_t)r - 1;
		max[n++] = (size_t)r;
	}
	for (i = 0; i < n; i++) {
		got = slb_proxy_parse(data, size, max[i], &h);
		FUZZ_ASSERT(got <= (int)size);
		FUZZ_ASSERT(got <= 0 || (size_t)got <= max[i]);
		if (r > 0)
			FUZZ_ASSERT(got == ((size_t)r <= max[i] ? r :
					    SLB_PROXY_ERR_TOO_LONG));
		else
			FUZZ_ASSERT(got == r || got == SLB_PROXY_ERR_TOO_LONG);
		if (got > 0)
			fuzz_proxy_same(&h, hdr);
	}
}

/* Is @data the one way to write what it says, TLVs and all? */
static bool fuzz_proxy_plain(const struct slb_proxy_hdr *hdr, int r)
{
	size_t id = hdr->unique_id_len;

	if (hdr->version == SLB_PROXY_V1)
		return hdr->addr.family == SLB_PROXY_AF_INET;
	/* An id too long to write, or empty, is written as none. */
	if (hdr->addr.family == SLB_PROXY_AF_NONE ||
	    id > SLB_PROXY_UNIQUE_ID_MAX || (hdr->unique_id && !id))
		return false;
	return (size_t)r == SLB_PROXY_V2_FIXED + 4 +
			    2 * fuzz_proxy_ip_len(hdr->addr.family) +
			    (hdr->unique_id ? 3 + id : 0);
}

/* A header read, written again in both versions. */
static void fuzz_proxy_rewrite(const uint8_t *data, int r,
			       const struct slb_proxy_hdr *hdr)
{
	const struct slb_proxy_addr *a = hdr->addr.family ? &hdr->addr : NULL;
	size_t id_len = hdr->unique_id_len;
	uint8_t out[SLB_PROXY_WRITE_MAX];
	unsigned int v;
	size_t n;

	if (id_len > SLB_PROXY_UNIQUE_ID_MAX)
		id_len = 0;
	for (v = SLB_PROXY_V1; v <= SLB_PROXY_V2; v++) {
		n = fuzz_proxy_check_write(v, a, hdr->unique_id, id_len, out);
		if (v == hdr->version && fuzz_proxy_plain(hdr, r))
			FUZZ_ASSERT(n == (size_t)r && !memcmp(out, data, n));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_proxy_stats *st = &fuzz_proxy_stats;
	struct slb_proxy_hdr hdr;
	int r;

	r = fuzz_proxy_walk(data, size, &hdr);
	fuzz_proxy_limits(data, size, r, &hdr);
	st->runs++;
	if (r < 0) {
		st->err[-r]++;
		FUZZ_ASSERT(strcmp(slb_proxy_strerror(r),
				   slb_proxy_strerror(0)) != 0);
		return 0;
	}
	if (!r) {
		st->more++;
		return 0;
	}
	st->ok[hdr.version]++;
	if (hdr.addr.family)
		st->with_addr++;
	fuzz_proxy_rewrite(data, r, &hdr);
	return 0;
}

/* ---- the generator of the plain driver ---------------------------------- */

#define FUZZ_PROXY_CAP	1024

#define V2SIG		"\r\n\r\n\0\r\nQUIT\n"
#define SEED(s)		{ s, sizeof(s) - 1 }

/* Headers as others write them; the writer's own are made as needed. */
static const struct {
	const char *s;
	size_t len;
} fuzz_proxy_seeds[] = {
	SEED("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"
	     "GET / HTTP/1.1\r\nHost: 192.168.0.11\r\n\r\n"),
	SEED("PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n"),
	SEED("PROXY TCP4 0.0.0.0 0.0.0.0 0 0\r\n"),
	SEED("PROXY TCP6 2001:DB8:0:0:0:0:0:1 ::ffff:192.0.2.1 1 2\r\n"),
	SEED("PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
	     "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"),
	SEED("PROXY TCP6 ::1 :: 8080 80\r\n"),
	SEED("PROXY UNKNOWN\r\n"),
	SEED("PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
	     "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"),
	/* TCP over IPv4, a NOOP, a unique id and an SSL TLV. */
	SEED(V2SIG "\x21\x11\x00\x28" "\xc0\x00\x02\x01" "\xc6\x33\x64\x07"
	     "\xdc\x04\x01\xbb" "\x04\x00\x01" "\x00" "\x05\x00\x04" "abcd"
	     "\x20\x00\x0e" "\x01\x00\x00\x00\x00" "\x21\x00\x06TLSv13"),
	SEED(V2SIG "\x21\x21\x00\x24" "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01"
	     "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01" "\x01\xbb\x00\x50"),
	SEED(V2SIG "\x20\x00\x00\x00"),
	/* LOCAL with addresses: skipped, family and all. */
	SEED(V2SIG "\x20\x12\x00\x0f" "\x7f\0\0\x01" "\x7f\0\0\x01"
	     "\0\x01\0\x02" "\x04\x00\x00"),
	SEED(V2SIG "\x21\x00\x00\x05" "\x04\x00\x02" "\0\0"),
	SEED(V2SIG "\x21\x12\x00\x0c" "\x7f\0\0\x01" "\x7f\0\0\x01"
	     "\0\x35\0\x35"),
};

/* A UNIX stream's 216 bytes of paths, then a unique id. */
static size_t fuzz_proxy_unix_seed(uint8_t *out)
{
	static const char tlv[] = "\x05\x00\x03" "uid";
	size_t block = 216, n = 12;

	memcpy(out, V2SIG, n);
	out[n++] = 0x21;
	out[n++] = 0x31;
	out[n++] = (uint8_t)((block + sizeof(tlv) - 1) >> 8);
	out[n++] = (uint8_t)(block + sizeof(tlv) - 1);
	memset(out + n, 0, block);
	memcpy(out + n, "/run/a.sock", 11);
	memcpy(out + n + 108, "/run/b.sock", 11);
	n += block;
	memcpy(out + n, tlv, sizeof(tlv) - 1);
	return n + sizeof(tlv) - 1;
}

static const char *const fuzz_proxy_tokens[] = {
	"::", ":", ".", " ", "  ", "\r\n", "\r", "\n", "0", "00", "01", "255",
	"256", "65535", "65536", "ffff", "FFFF", "12345", "1.2.3.4", "::ffff:",
	"TCP4", "TCP6", "UNKNOWN", "PROXY ", "\x04\x00\x00", "\x05\x00\x20",
	"\x05\x00\x81", "\x21\x11", "\x20\x31",
};

static uint32_t fuzz_proxy_rand(uint64_t *st)
{
	*st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*st >> 33);
}

/* A random address, of many zero groups so that "::" has runs to pick. */
static void fuzz_proxy_addr(uint64_t *st, struct slb_proxy_addr *a)
{
	uint8_t *ip;
	int i, k;

	memset(a, 0, sizeof(*a));
	a->family = fuzz_proxy_rand(st) % 3 ? SLB_PROXY_AF_INET6 :
					       SLB_PROXY_AF_INET;
	for (k = 0, ip = a->src; k < 2; k++, ip = a->dst) {
		for (i = 0; i < (int)fuzz_proxy_ip_len(a->family); i += 2) {
			uint32_t g = fuzz_proxy_rand(st);

			g = g % 3 == 0 ? 0 : g % 3 == 1 ? g % 17 : g >> 8;
			ip[i] = (uint8_t)(g >> 8);
			ip[i + 1] = (uint8_t)g;
		}
		if (a->family == SLB_PROXY_AF_INET6 &&
		    fuzz_proxy_rand(st) % 8 == 0) {
			memset(ip, 0, 10);
			ip[10] = ip[11] = 0xff;
		}
	}
	a->src_port = (uint16_t)fuzz_proxy_rand(st);
	a->dst_port = fuzz_proxy_rand(st) % 2 ? 443 : 0;
}

/* A header the writer makes, which must read back as it was written. */
static size_t fuzz_proxy_written(uint64_t *st, uint8_t *out)
{
	static const uint8_t id[SLB_PROXY_UNIQUE_ID_MAX] = "0123456789abcdef";
	unsigned int version = 1 + fuzz_proxy_rand(st) % 2;
	struct slb_proxy_addr a;
	size_t id_len;

	fuzz_proxy_addr(st, &a);
	id_len = fuzz_proxy_rand(st) % (SLB_PROXY_UNIQUE_ID_MAX + 1);
	return fuzz_proxy_check_write(version, fuzz_proxy_rand(st) % 8 ?
				      &a : NULL, id, id_len, out);
}

static size_t fuzz_proxy_insert(uint8_t *out, size_t len, size_t at,
				const void *p, size_t n)
{
	if (len + n > FUZZ_PROXY_CAP)
		return len;
	memmove(out + at + n, out + at, len - at);
	memcpy(out + at, p, n);
	return len + n;
}

/* One change to @out, of @len bytes; returns its new length. */
static size_t fuzz_proxy_mutate(uint64_t *st, uint8_t *out, size_t len)
{
	static const uint8_t odd[] = { '\r', '\n', ' ', ':', '.', '0', '9',
				       'f', 'G', 0x00, 0x20, 0x21, 0xff };
	uint8_t copy[16];
	const char *tok;
	size_t at, n;

	at = len ? fuzz_proxy_rand(st) % len : 0;
	switch (fuzz_proxy_rand(st) % 8) {
	case 0:
		if (len)
			out[at] ^= (uint8_t)(1 << fuzz_proxy_rand(st) % 8);
		return len;
	case 1:
		if (len)
			out[at] = odd[fuzz_proxy_rand(st) % sizeof(odd)];
		return len;
	case 2:
		return fuzz_proxy_insert(out, len, at,
					 &odd[fuzz_proxy_rand(st) % sizeof(odd)],
					 1);
	case 3:
		if (len)
			memmove(out + at, out + at + 1, len - at - 1);
		return len ? len - 1 : 0;
	case 4:
		return at;
	case 5:
		tok = fuzz_proxy_tokens[fuzz_proxy_rand(st) %
					ARRAY_SIZE(fuzz_proxy_tokens)];
		return fuzz_proxy_insert(out, len, at, tok, strlen(tok));
	case 6:
		/* v2's length: off by a little, or anything. */
		if (len < SLB_PROXY_V2_FIXED)
			return len;
		n = fuzz_proxy_rand(st) % 4 ? len - SLB_PROXY_V2_FIXED +
			fuzz_proxy_rand(st) % 7 - 3 : fuzz_proxy_rand(st);
		out[14] = (uint8_t)(n >> 8);
		out[15] = (uint8_t)n;
		return len;
	default:
		/* Some of the input again, elsewhere. */
		n = fuzz_proxy_rand(st) % sizeof(copy);
		if (at + n > len)
			n = len - at;
		memcpy(copy, out + at, n);
		return fuzz_proxy_insert(out, len, fuzz_proxy_rand(st) %
					 (len + 1), copy, n);
	}
}

/* An input made from a seed, maybe followed by a payload, then mutated. */
static size_t fuzz_proxy_make(uint64_t *st, uint8_t *out)
{
	size_t len, k = fuzz_proxy_rand(st) % 16;
	unsigned int i, ops;

	if (k < ARRAY_SIZE(fuzz_proxy_seeds)) {
		len = fuzz_proxy_seeds[k].len;
		memcpy(out, fuzz_proxy_seeds[k].s, len);
	} else if (k == ARRAY_SIZE(fuzz_proxy_seeds)) {
		len = fuzz_proxy_unix_seed(out);
	} else {
		len = fuzz_proxy_written(st, out);
	}
	if (fuzz_proxy_rand(st) % 4 == 0)
		len = fuzz_proxy_insert(out, len, len, "\r\nSSH-2.0-x\r\n", 14);
	ops = fuzz_proxy_rand(st) % 4;
	for (i = 0; i < ops; i++)
		len = fuzz_proxy_mutate(st, out, len);
	return len;
}

/* Run @n generated inputs; returns how many were run. */
unsigned int fuzz_proxy_corpus(uint64_t seed, unsigned int n);

unsigned int fuzz_proxy_corpus(uint64_t seed, unsigned int n)
{
	static uint8_t buf[FUZZ_PROXY_CAP];
	uint64_t st = seed;
	unsigned int i;
	size_t len;

	for (i = 0; i < n; i++) {
		len = fuzz_proxy_make(&st, buf);
		LLVMFuzzerTestOneInput(buf, len);
	}
	return n;
}

#if !defined(PROXY_FUZZ_LIBFUZZER) && !defined(PROXY_FUZZ_NO_MAIN)
static int fuzz_proxy_save(const char *dir, unsigned int k,
			   const uint8_t *p, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%02u", dir, k);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

/* The seeds, and a few headers of the writer's, as files in @dir. */
static int fuzz_proxy_write_seeds(const char *dir)
{
	uint8_t buf[FUZZ_PROXY_CAP];
	uint64_t st = 4;
	unsigned int k;
	size_t len;

	for (k = 0; k < ARRAY_SIZE(fuzz_proxy_seeds); k++)
		if (fuzz_proxy_save(dir, k, (const uint8_t *)
				    fuzz_proxy_seeds[k].s,
				    fuzz_proxy_seeds[k].len))
			return 1;
	len = fuzz_proxy_unix_seed(buf);
	if (fuzz_proxy_save(dir, k++, buf, len))
		return 1;
	for (; k < ARRAY_SIZE(fuzz_proxy_seeds) + 5; k++) {
		len = fuzz_proxy_written(&st, buf);
		if (fuzz_proxy_save(dir, k, buf, len))
			return 1;
	}
	return 0;
}

static unsigned int fuzz_proxy_generate(unsigned int n)
{
	return fuzz_proxy_corpus(1, n);
}

int main(int argc, char **argv)
{
	static uint8_t buf[SLB_PROXY_READ_MAX + 1];

	if (argc == 3 && !strcmp(argv[1], "-w"))
		return fuzz_proxy_write_seeds(argv[2]);
	return fuzz_main("fuzz_proxy", argc, argv, 100000,
			 fuzz_proxy_generate, buf, sizeof(buf));
}
#endif
