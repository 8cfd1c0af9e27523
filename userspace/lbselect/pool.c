// SPDX-License-Identifier: GPL-2.0
/*
 * Fixed pool of connection slots and their buffers.
 *
 * The buffers are one mapping, populated up front: a pool that cannot be
 * backed fails at start-up rather than under load, and the resident size
 * stays flat however the traffic goes.  Slot i owns buffers 2i and 2i + 1.
 * In-use slots are kept in a dense array (the loop walks only those) and
 * free ones on a stack.
 */
#include "lbselect.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pool.h"

static struct conn *slots;
static struct conn **active;	/* [0, nactive): in use */
static unsigned int *free_stack;
static unsigned int nactive, nfree;
static char *bufs;
static size_t buf_size, map_size;

int pool_init(unsigned int max, size_t bufsize)
{
	unsigned int i;

	if (__builtin_mul_overflow((size_t)max, 2 * bufsize, &map_size))
		return -1;
	slots = calloc(max, sizeof(*slots));
	active = calloc(max, sizeof(*active));
	free_stack = calloc(max, sizeof(*free_stack));
	bufs = mmap(NULL, map_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (!slots || !active || !free_stack || bufs == MAP_FAILED) {
		if (bufs == MAP_FAILED)
			bufs = NULL;
		pool_exit();
		return -1;
	}
	buf_size = bufsize;
	/* Lowest slots first: they are the ones already in the cache. */
	for (i = 0; i < max; i++)
		free_stack[i] = max - 1 - i;
	nfree = max;
	nactive = 0;
	return 0;
}

void pool_exit(void)
{
	if (bufs)
		munmap(bufs, map_size);
	free(slots);
	free(active);
	free(free_stack);
	bufs = NULL;
	slots = NULL;
	active = NULL;
	free_stack = NULL;
}

struct conn *pool_get(void)
{
	struct conn *c;

	if (!nfree)
		return NULL;
	c = &slots[free_stack[--nfree]];
	memset(c, 0, sizeof(*c));
	c->cfd = -1;
	c->bfd = -1;
	c->pos = nactive;
	active[nactive++] = c;
	return c;
}

void pool_put(struct conn *c)
{
	struct conn *last = active[--nactive];

	/* Swap-remove: the loop walks the list backwards, so this is safe. */
	active[c->pos] = last;
	last->pos = c->pos;
	free_stack[nfree++] = (unsigned int)(c - slots);
}

char *pool_buf(const struct conn *c, int d)
{
	return bufs + ((size_t)(c - slots) * 2 + (size_t)d) * buf_size;
}

unsigned int pool_index(const struct conn *c)
{
	return (unsigned int)(c - slots);
}

size_t pool_bufsize(void)
{
	return buf_size;
}

unsigned int pool_used(void)
{
	return nactive;
}

struct conn *pool_active(unsigned int i)
{
	return active[i];
}
