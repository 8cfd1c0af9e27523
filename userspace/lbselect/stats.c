// SPDX-License-Identifier: GPL-2.0
/*
 * The SIGUSR1 report.  One "key=value" line per service and per backend,
 * so that it greps and parses easily:
 *
 *   lbselect: stats active=3 pool=3/500 refused_fd_setsize=0 ...
 *   lbselect: service 127.0.0.1:80 scheduler=rr check=tcp active=3 ...
 *   lbselect:  backend 127.0.0.2:8080 state=up health=up ...
 *
 * A value is one word: "unexpected reply" is written unexpected_reply.
 */
#include "lbselect.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "pool.h"
#include "service.h"
#include "stats.h"

struct lb_global_stats lb_stats;

static void print_counters(const struct lb_counters *c, unsigned int active,
			   const char *tail)
{
	fprintf(stderr, " active=%u total=%" PRIu64 " client_bytes=%" PRIu64
		" backend_bytes=%" PRIu64 " connect_failures=%" PRIu64
		" check_fails=%" PRIu64 " health_changes=%" PRIu64
		" observe_downs=%" PRIu64 "%s\n", active, c->total,
		c->client_bytes, c->backend_bytes, c->connect_failures,
		c->check_fails, c->health_changes, c->observe_downs, tail);
}

/* @s as one word of a key=value pair: its blanks as underscores. */
static const char *word(const char *s, char *buf, size_t len)
{
	char *p;

	snprintf(buf, len, "%s", s);
	for (p = buf; (p = strchr(p, ' ')); )
		*p = '_';
	return buf;
}

static void print_health(const struct lb_health *h)
{
	char w[32];

	fprintf(stderr, " health=%s last_check=%s check_count=%u "
		"health_age_ms=%" PRIu64, h->h.down ? "down" : "up",
		word(slb_check_result_name(h->result), w, sizeof(w)),
		h->h.count, now_ms() - h->since);
}

static void print_backend(const struct backend *b)
{
	char a[SLB_ADDR_STRLEN], ew[16];

	fprintf(stderr, "lbselect:  backend %s state=%s",
		slb_addr_format(&b->addr, a, sizeof(a)),
		slb_cfg_state_name(b->state));
	print_health(&b->health);
	fprintf(stderr, " weight=%u eweight=%s", b->weight,
		slb_cfg_eweight_str(backend_eweight(b), ew, sizeof(ew)));
	print_counters(&b->cnt, b->dest.active, b->removed ? " removed" : "");
}

static void print_service(const struct service *s)
{
	char a[SLB_ADDR_STRLEN], tail[192];
	const struct backend *b;
	unsigned int i;

	snprintf(tail, sizeof(tail), " refused=%" PRIu64 " queued=%" PRIu64
		 " queue_timeouts=%" PRIu64 " queue_len=%u proxy_errors=%"
		 PRIu64 "%s", s->cnt.refused, s->cnt.queued,
		 s->cnt.queue_timeouts, s->queue_len, s->cnt.proxy_errors,
		 s->removed ? " removed" : "");
	fprintf(stderr, "lbselect: service %s scheduler=%s check=%s",
		slb_addr_format(&s->addr, a, sizeof(a)), s->ops->name,
		slb_cfg_check_type_name(s->check.type));
	print_counters(&s->cnt, s->active, tail);
	for (i = 0; i < s->ndests; i++)
		print_backend(dest_backend(s->dests[i]));
	for (b = s->gone; b; b = b->next)
		print_backend(b);
}

void stats_print(void)
{
	const struct service *s;

	fprintf(stderr, "lbselect: stats active=%u pool=%u/%u "
		"refused_fd_setsize=%" PRIu64 " refused_no_fd=%" PRIu64
		" accept_errors=%" PRIu64 " accept_backoffs=%" PRIu64 "\n",
		pool_used(), pool_used(), opt.maxconn,
		lb_stats.refused_fd_setsize, lb_stats.refused_no_fd,
		lb_stats.accept_errors, lb_stats.accept_backoffs);
	for (s = lb_services; s; s = s->next)
		print_service(s);
	for (s = lb_dying; s; s = s->next)
		print_service(s);
}
