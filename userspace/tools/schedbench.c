// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * schedbench: the cost of one scheduling decision, natively, for every
 * scheduler of lib/ at 3, 100 and 10,000 backends, and of building the
 * tables of sh and mh.  The picks run as the module makes them: one
 * client after another, each a new address, its connection ending
 * at once (so the least-connection kinds see equal loads and scan all).
 *
 *   schedbench [-n PICKS] [-b BACKENDS,...]
 *
 * Prints one line per scheduler and size: ns per pick, and the table's
 * build time and size where there is one.  The figures are this host's;
 * Documentation/performance.md says which host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sched.h"

struct bench {
	const struct slb_sched_ops *ops;
	struct slb_sched_opts opts;
	u64 state[SLB_SCHED_STATE_MAX / sizeof(u64)];
	struct slb_sched_dest *store;
	struct slb_sched_dest **set;
	unsigned int n;
	void *table;
	size_t table_bytes;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p) {
		fprintf(stderr, "schedbench: out of memory\n");
		exit(1);
	}
	return p;
}

static void id4(u8 *id, unsigned int a, u16 port)
{
	u8 addr[4] = { 10, (u8)(a >> 16), (u8)(a >> 8), (u8)a };
	u8 p[2] = { (u8)(port >> 8), (u8)port };
	u16 port_be;

	memcpy(&port_be, p, 2);
	slb_sched_id_set(id, 4, addr, port_be);
}

/* n backends of weights 1 to 10, all up. */
static void bench_setup(struct bench *b, const struct slb_sched_ops *ops,
			unsigned int n)
{
	unsigned int i;

	memset(b, 0, sizeof(*b));
	b->ops = ops;
	b->n = n;
	slb_sched_opts_default(&b->opts);
	b->store = xcalloc(n, sizeof(*b->store));
	b->set = xcalloc(n, sizeof(*b->set));
	ops->init_service(b->state);
	for (i = 0; i < n; i++) {
		b->store[i].weight = 1 + i % 10;
		b->store[i].available = true;
		id4(b->store[i].id, i, 80);
		b->set[i] = &b->store[i];
		ops->add_dest(b->state, b->set, i + 1, &b->store[i]);
	}
}

/* ns to build the table, which is left in b. */
static double bench_build(struct bench *b)
{
	void *scratch;
	double t0, t1;

	if (!b->ops->build)
		return 0;
	b->table_bytes = b->ops->table_size(&b->opts, b->set, b->n);
	b->table = xcalloc(1, b->table_bytes);
	scratch = xcalloc(1, b->ops->scratch_size(&b->opts, b->n));
	t0 = now_ns();
	b->ops->build(&b->opts, b->set, b->n, b->table, scratch);
	t1 = now_ns();
	free(scratch);
	return t1 - t0;
}

static double bench_picks(struct bench *b, unsigned int picks)
{
	struct slb_sched_ctx ctx = { .opts = &b->opts, .table = b->table };
	u8 client[SLB_SCHED_ID_LEN];
	struct slb_sched_dest *d;
	unsigned int k, misses = 0;
	u64 x = 88172645463325252ULL;
	double t0, t1;

	ctx.client = client;
	t0 = now_ns();
	for (k = 0; k < picks; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		id4(client, (unsigned int)x, (u16)(x >> 40));
		ctx.random = (u32)(x >> 32);
		/* Never counted active: as if each connection ended at once. */
		d = b->ops->schedule(b->state, b->set, b->n, &ctx);
		if (!d)
			misses++;
	}
	t1 = now_ns();
	if (misses)
		fprintf(stderr, "schedbench: %s: %u picks found nobody\n",
			b->ops->name, misses);
	return (t1 - t0) / picks;
}

static void bench_free(struct bench *b)
{
	if (b->ops->done_service)
		b->ops->done_service(b->state);
	free(b->table);
	free(b->set);
	free(b->store);
}

static int parse_sizes(const char *s, unsigned int *sizes, unsigned int max)
{
	unsigned int n = 0;
	char *end;
	long v;

	while (*s && n < max) {
		errno = 0;
		v = strtol(s, &end, 10);
		if (errno || end == s || v < 1 || v > 1000000)
			return -1;
		sizes[n++] = (unsigned int)v;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return n;
}

int main(int argc, char **argv)
{
	unsigned int sizes[8] = { 3, 100, 10000 }, nsizes = 3, picks = 200000;
	const struct slb_sched_ops *ops;
	struct bench b;
	unsigned int i, s, n;
	double build, pick;
	int c, r;

	while ((c = getopt(argc, argv, "n:b:")) != -1) {
		switch (c) {
		case 'n':
			picks = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'b':
			r = parse_sizes(optarg, sizes, 8);
			if (r <= 0)
				goto usage;
			nsizes = (unsigned int)r;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc || !picks)
		goto usage;

	printf("%-6s %9s %12s %12s %12s\n", "sched", "backends", "ns/pick",
	       "build ms", "table KiB");
	for (i = 0; (ops = slb_sched_at(i)); i++) {
		for (s = 0; s < nsizes; s++) {
			n = sizes[s];
			bench_setup(&b, ops, n);
			build = bench_build(&b);
			/* The O(n) kinds: fewer picks at 10,000, same figure. */
			pick = bench_picks(&b, n > 1000 && !ops->build ?
					   picks / 50 + 1 : picks);
			if (ops->build)
				printf("%-6s %9u %12.1f %12.2f %12.1f\n",
				       ops->name, n, pick, build / 1e6,
				       b.table_bytes / 1024.0);
			else
				printf("%-6s %9u %12.1f %12s %12s\n",
				       ops->name, n, pick, "-", "-");
			bench_free(&b);
		}
	}
	return 0;
usage:
	fprintf(stderr, "usage: schedbench [-n PICKS] [-b BACKENDS,...]\n");
	return 2;
}
