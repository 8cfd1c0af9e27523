// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/sys/net/splicelb/: the tunables of one network namespace, each
 * range checked (Documentation/sysctl.md).  Every namespace gets its own
 * copy of the table pointing into its struct slb_net, writable by the
 * namespace's own root as any net.* sysctl is.
 *
 * The limits are the exception (Documentation/security.md): in a namespace
 * owned by a user namespace other than the initial one, whose root may be
 * any user, the initial namespace's values are their ceilings.  A write
 * above the ceiling fails with EPERM, a namespace starts at most at the
 * ceiling, and a ceiling lowered later applies at once, because the value
 * in force is read through slb_sysctl_limit().
 */
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "netns.h"
#include "sched.h"
#include "sysctl.h"

enum {
	SLB_SYSCTL_CONNECT_TIMEOUT_MS,
	SLB_SYSCTL_CONNECT_RETRIES,
	SLB_SYSCTL_IDLE_TIMEOUT_S,
	SLB_SYSCTL_CLIENT_FIN_TIMEOUT_S,
	SLB_SYSCTL_SERVER_FIN_TIMEOUT_S,
	SLB_SYSCTL_MAX_CONNS,
	SLB_SYSCTL_MAX_SERVICES,
	SLB_SYSCTL_MAX_BACKENDS,
	SLB_SYSCTL_DEFAULT_BACKLOG,
	SLB_SYSCTL_RELAY_QUANTUM,
	SLB_SYSCTL_CHECK_MAX_INFLIGHT,
	SLB_SYSCTL_NINTS,
	/* Not an int: a name slb_sched_find() knows. */
	SLB_SYSCTL_DEFAULT_SCHEDULER = SLB_SYSCTL_NINTS,
	SLB_SYSCTL_COUNT
};

/*
 * An integer tunable: where it lives in struct slb_tunables, its bounds,
 * and whether the initial namespace's value caps it in other user
 * namespaces' network namespaces.
 */
struct slb_sysctl_int {
	size_t off;
	int def;
	int min;
	int max;
	bool capped;
};

#define SLB_SYSCTL_INT(field, d, lo, hi) {			\
	.off = offsetof(struct slb_tunables, field),		\
	.def = (d), .min = (lo), .max = (hi),			\
}

#define SLB_SYSCTL_LIMIT(field, d, lo, hi) {			\
	.off = offsetof(struct slb_tunables, field),		\
	.def = (d), .min = (lo), .max = (hi), .capped = true,	\
}

static const struct slb_sysctl_int slb_sysctl_ints[SLB_SYSCTL_NINTS] = {
	[SLB_SYSCTL_CONNECT_TIMEOUT_MS] =
		SLB_SYSCTL_INT(connect_timeout_ms, 3000, 10, 600000),
	/* SLB_PICK_MAX_TRIES bounds the backends one client may try. */
	[SLB_SYSCTL_CONNECT_RETRIES] =
		SLB_SYSCTL_INT(connect_retries, 2, 0, 16),
	/* Seconds that still fit an int once made milliseconds. */
	[SLB_SYSCTL_IDLE_TIMEOUT_S] =
		SLB_SYSCTL_INT(idle_timeout_s, 900, 0, 2147483),
	[SLB_SYSCTL_CLIENT_FIN_TIMEOUT_S] =
		SLB_SYSCTL_INT(client_fin_timeout_s, 30, 1, 86400),
	[SLB_SYSCTL_SERVER_FIN_TIMEOUT_S] =
		SLB_SYSCTL_INT(server_fin_timeout_s, 30, 1, 86400),
	[SLB_SYSCTL_MAX_CONNS] =
		SLB_SYSCTL_LIMIT(max_conns, 262144, 0, 16777216),
	[SLB_SYSCTL_MAX_SERVICES] =
		SLB_SYSCTL_LIMIT(max_services, 4096, 1, 1048576),
	[SLB_SYSCTL_MAX_BACKENDS] =
		SLB_SYSCTL_LIMIT(max_backends, 65536, 1, 16777216),
	[SLB_SYSCTL_DEFAULT_BACKLOG] =
		SLB_SYSCTL_INT(default_backlog, SPLICELB_DEFAULT_BACKLOG, 1,
			       SPLICELB_BACKLOG_MAX),
	/* A longer run delays every other namespace's connections. */
	[SLB_SYSCTL_RELAY_QUANTUM] =
		SLB_SYSCTL_LIMIT(relay_quantum, 262144, 4096, 16777216),
	/* Each check in flight is a socket, and its work shares the queue. */
	[SLB_SYSCTL_CHECK_MAX_INFLIGHT] =
		SLB_SYSCTL_LIMIT(check_max_inflight, 64, 1, 65536),
};

static bool slb_sysctl_tenant(const struct slb_net *sn)
{
	return sn->net->user_ns != &init_user_ns;
}

static int slb_sysctl_ceiling(size_t off)
{
	return READ_ONCE(*(const int *)((const u8 *)&slb_net(&init_net)->tun +
					off));
}

/* 0 is "no limit" for the limits whose range admits it (max_conns). */
static bool slb_sysctl_exceeds(int val, int ceiling)
{
	if (!ceiling)
		return false;
	return !val || val > ceiling;
}

int __slb_sysctl_limit(const struct slb_net *sn, size_t off)
{
	int own = READ_ONCE(*(const int *)((const u8 *)&sn->tun + off));
	int ceiling;

	if (!slb_sysctl_tenant(sn))
		return own;
	ceiling = slb_sysctl_ceiling(off);
	return slb_sysctl_exceeds(own, ceiling) ? ceiling : own;
}

int __slb_sysctl_check(const struct slb_net *sn, size_t off,
		       unsigned int count, int *limit, bool *inherited)
{
	int own = READ_ONCE(*(const int *)((const u8 *)&sn->tun + off));

	*limit = __slb_sysctl_limit(sn, off);
	*inherited = *limit != own;
	if (!*limit || count < (unsigned int)*limit)
		return 0;
	return -ENOSPC;
}

/*
 * A limit's write: range checked as any, then refused above the ceiling.
 * The descriptor is found from extra1, which points at its min, and the
 * namespace from the field the entry's data points at.
 */
static int slb_sysctl_limit_handler(SLB_CTL_TABLE_CONST struct ctl_table *table,
				    int write, void *buffer, size_t *lenp,
				    loff_t *ppos)
{
	const struct slb_sysctl_int *d = container_of(table->extra1,
						      struct slb_sysctl_int,
						      min);
	struct slb_tunables *t = (void *)((u8 *)table->data - d->off);
	struct slb_net *sn = container_of(t, struct slb_net, tun);
	int val = READ_ONCE(*(int *)table->data);
	struct ctl_table tmp = *table;
	int err;

	tmp.data = &val;
	err = proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	if (slb_sysctl_tenant(sn) &&
	    slb_sysctl_exceeds(val, slb_sysctl_ceiling(d->off)))
		return -EPERM;
	WRITE_ONCE(*(int *)table->data, val);
	return 0;
}

/*
 * default_scheduler is read by service.c under sn->lock, and a string is
 * not written in one store, so it is copied in and out under that lock;
 * a name is taken only once the scheduler is known to exist.
 */
static int slb_sysctl_sched(SLB_CTL_TABLE_CONST struct ctl_table *table,
			    int write, void *buffer, size_t *lenp, loff_t *ppos)
{
	struct slb_net *sn = container_of(table->data, struct slb_net,
					  tun.default_scheduler);
	char name[sizeof(sn->tun.default_scheduler)];
	struct ctl_table tmp = {
		.data = name,
		.maxlen = sizeof(name),
	};
	int err;

	mutex_lock(&sn->lock);
	strscpy(name, sn->tun.default_scheduler, sizeof(name));
	mutex_unlock(&sn->lock);

	err = proc_dostring(&tmp, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	if (!slb_sched_find(name))
		return -EINVAL;

	mutex_lock(&sn->lock);
	strscpy(sn->tun.default_scheduler, name,
		sizeof(sn->tun.default_scheduler));
	mutex_unlock(&sn->lock);
	return 0;
}

/*
 * The entry of SLB_SYSCTL_<id>, named after its field of slb_tunables; the
 * copy of a limit gets slb_sysctl_limit_handler.
 */
#define SLB_SYSCTL_TBL_INT(id, field) {					\
	.procname = #field,						\
	.maxlen = sizeof(int),						\
	.mode = 0644,							\
	.proc_handler = proc_dointvec_minmax,				\
	.extra1 = (void *)&slb_sysctl_ints[SLB_SYSCTL_##id].min,	\
	.extra2 = (void *)&slb_sysctl_ints[SLB_SYSCTL_##id].max,	\
}

/*
 * The template each namespace copies; .data is set in the copy.  The
 * empty last entry ends the table for kernels before 6.6, which take no
 * size.
 */
static const struct ctl_table slb_sysctl_template[SLB_SYSCTL_COUNT + 1] = {
	[SLB_SYSCTL_CONNECT_TIMEOUT_MS] =
		SLB_SYSCTL_TBL_INT(CONNECT_TIMEOUT_MS, connect_timeout_ms),
	[SLB_SYSCTL_CONNECT_RETRIES] =
		SLB_SYSCTL_TBL_INT(CONNECT_RETRIES, connect_retries),
	[SLB_SYSCTL_IDLE_TIMEOUT_S] =
		SLB_SYSCTL_TBL_INT(IDLE_TIMEOUT_S, idle_timeout_s),
	[SLB_SYSCTL_CLIENT_FIN_TIMEOUT_S] =
		SLB_SYSCTL_TBL_INT(CLIENT_FIN_TIMEOUT_S, client_fin_timeout_s),
	[SLB_SYSCTL_SERVER_FIN_TIMEOUT_S] =
		SLB_SYSCTL_TBL_INT(SERVER_FIN_TIMEOUT_S, server_fin_timeout_s),
	[SLB_SYSCTL_MAX_CONNS] =
		SLB_SYSCTL_TBL_INT(MAX_CONNS, max_conns),
	[SLB_SYSCTL_MAX_SERVICES] =
		SLB_SYSCTL_TBL_INT(MAX_SERVICES, max_services),
	[SLB_SYSCTL_MAX_BACKENDS] =
		SLB_SYSCTL_TBL_INT(MAX_BACKENDS, max_backends),
	[SLB_SYSCTL_DEFAULT_BACKLOG] =
		SLB_SYSCTL_TBL_INT(DEFAULT_BACKLOG, default_backlog),
	[SLB_SYSCTL_RELAY_QUANTUM] =
		SLB_SYSCTL_TBL_INT(RELAY_QUANTUM, relay_quantum),
	[SLB_SYSCTL_CHECK_MAX_INFLIGHT] =
		SLB_SYSCTL_TBL_INT(CHECK_MAX_INFLIGHT, check_max_inflight),
	[SLB_SYSCTL_DEFAULT_SCHEDULER] = {
		.procname = "default_scheduler",
		.maxlen = sizeof_field(struct slb_tunables, default_scheduler),
		.mode = 0644,
		.proc_handler = slb_sysctl_sched,
	},
	{ }
};

void slb_sysctl_defaults(struct slb_tunables *t)
{
	unsigned int i;

	BUILD_BUG_ON(sizeof(t->default_scheduler) < SLB_SCHED_NAME_MAX);
	for (i = 0; i < ARRAY_SIZE(slb_sysctl_ints); i++)
		*(int *)((u8 *)t + slb_sysctl_ints[i].off) =
			slb_sysctl_ints[i].def;
	strscpy(t->default_scheduler, SLB_SCHED_DEFAULT,
		sizeof(t->default_scheduler));
}

/* A tenant's namespace starts at its ceilings where they are lower. */
static void slb_sysctl_clamp(struct slb_net *sn)
{
	const struct slb_sysctl_int *d;
	unsigned int i;
	int *val;

	if (!slb_sysctl_tenant(sn))
		return;
	for (i = 0; i < ARRAY_SIZE(slb_sysctl_ints); i++) {
		d = &slb_sysctl_ints[i];
		val = (int *)((u8 *)&sn->tun + d->off);
		if (d->capped && slb_sysctl_exceeds(*val,
						    slb_sysctl_ceiling(d->off)))
			*val = slb_sysctl_ceiling(d->off);
	}
}

int slb_sysctl_net_init(struct slb_net *sn)
{
	struct ctl_table_header *hdr;
	struct ctl_table *table;
	unsigned int i;

	slb_sysctl_clamp(sn);
	table = kmemdup(slb_sysctl_template, sizeof(slb_sysctl_template),
			GFP_KERNEL_ACCOUNT);
	if (!table)
		return -ENOMEM;
	for (i = 0; i < SLB_SYSCTL_NINTS; i++) {
		table[i].data = (u8 *)&sn->tun + slb_sysctl_ints[i].off;
		if (slb_sysctl_ints[i].capped)
			table[i].proc_handler = slb_sysctl_limit_handler;
	}
	table[SLB_SYSCTL_DEFAULT_SCHEDULER].data = sn->tun.default_scheduler;

	hdr = register_net_sysctl_sz(sn->net, "net/splicelb", table,
				     SLB_SYSCTL_COUNT);
	if (!hdr) {
		kfree(table);
		return -ENOMEM;
	}
	sn->sysctl_table = table;
	sn->sysctl_hdr = hdr;
	return 0;
}

void slb_sysctl_net_uninit(struct slb_net *sn)
{
	if (!sn->sysctl_hdr)
		return;
	/* Waits for handlers still running on the table. */
	unregister_net_sysctl_table(sn->sysctl_hdr);
	kfree(sn->sysctl_table);
	sn->sysctl_hdr = NULL;
	sn->sysctl_table = NULL;
}
