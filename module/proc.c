// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/splicelb/: per network namespace, read-only views for operators
 * and scripts.
 *
 *   version   the module's version
 *   services  each service and its backends, in the manner of ip_vs
 *   conns     one line per connection
 *   stats     the namespace's counters, and average rates since the last
 *             zeroing (or since the namespace started using splicelb)
 */
#include <linux/math64.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>
#include <uapi/linux/splicelb.h>

#include "backend.h"
#include "check.h"
#include "conn.h"
#include "health.h"
#include "netlink.h"
#include "netns.h"
#include "proc.h"
#include "service.h"

static int slb_proc_version_show(struct seq_file *seq, void *v)
{
	seq_puts(seq, "splicelb " SLB_VERSION "\n");
	return 0;
}

static const char *slb_proc_backend_state(u8 state)
{
	static const char *const names[] = {
		[SPLICELB_BACKEND_UP] = "up",
		[SPLICELB_BACKEND_DRAIN] = "drain",
		[SPLICELB_BACKEND_DOWN] = "down",
		[SPLICELB_BACKEND_DRAINED] = "drained",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "?";
}

static const char *slb_proc_proxy(u8 proxy)
{
	static const char *const names[] = {
		[SPLICELB_PROXY_NONE] = "none",
		[SPLICELB_PROXY_V1] = "v1",
		[SPLICELB_PROXY_V2] = "v2",
		[SPLICELB_PROXY_INHERIT] = "inherit",
	};

	return proxy < ARRAY_SIZE(names) ? names[proxy] : "?";
}

static const char *slb_proc_conn_state(u8 state)
{
	static const char *const names[] = {
		[SPLICELB_CONN_CONNECTING] = "connecting",
		[SPLICELB_CONN_ESTABLISHED] = "established",
		[SPLICELB_CONN_CLIENT_FIN] = "client_fin",
		[SPLICELB_CONN_SERVER_FIN] = "server_fin",
		[SPLICELB_CONN_CLOSING] = "closing",
		[SPLICELB_CONN_QUEUED] = "queued",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "?";
}

/* The last check's result as one word, "unexpected_reply": scripts split. */
static void slb_proc_check_result(struct seq_file *seq, u8 result)
{
	const char *s;

	for (s = slb_check_result_name(result); *s; s++)
		seq_putc(seq, *s == ' ' ? '_' : *s);
}

/*
 * An effective weight (in 1/SPLICELB_WEIGHT_SCALE units) in configured
 * units, to two decimals at most, cut rather than rounded, as lbctl
 * prints it: 2.5, 0.06, 10.
 */
static void slb_proc_eweight(struct seq_file *seq, u32 eweight)
{
	u32 units = eweight / SPLICELB_WEIGHT_SCALE;
	u32 cents = eweight % SPLICELB_WEIGHT_SCALE * 100 /
		    SPLICELB_WEIGHT_SCALE;

	if (!cents)
		seq_printf(seq, "%u", units);
	else if (cents % 10)
		seq_printf(seq, "%u.%02u", units, cents);
	else
		seq_printf(seq, "%u.%u", units, cents / 10);
}

/*
 * The AgentPort and Agent columns: "0 -" without an agent, else what it
 * said last as one word, "9999 ready/75%/up/passed".
 */
static void slb_proc_agent(struct seq_file *seq, struct slb_backend *be)
{
	u16 port = READ_ONCE(be->agent_port);
	struct slb_agent_info info;

	seq_printf(seq, "%u ", port);
	if (!port) {
		seq_putc(seq, '-');
		return;
	}
	slb_health_agent_info(be, &info);
	seq_printf(seq, "%s/%u%%/%s/", slb_agent_admin_name(info.admin),
		   info.pct,
		   info.health == SPLICELB_HEALTH_DOWN ? "down" : "up");
	slb_proc_check_result(seq, info.result);
}

/* ---- services ----------------------------------------------------------- */

/*
 * A line of the services file: a service's own (be NULL) or one of its
 * backends'.  The walk holds sn->lock from start to stop, so the pointers
 * stay valid while it runs; a later read(2) finds its place again by
 * position.
 */
struct slb_proc_svc_iter {
	struct seq_net_private p;	/* first: seq_file_net() needs it */
	struct slb_service *svc;
	struct slb_backend *be;
};

static struct slb_net *slb_proc_sn(struct seq_file *seq)
{
	return slb_net(seq_file_net(seq));
}

/* Set @it to the service after it->svc (the first one if NULL). */
static void *slb_proc_svc_next_service(struct slb_net *sn,
				       struct slb_proc_svc_iter *it)
{
	struct list_head *next = it->svc ? it->svc->node.next :
				 sn->services.next;

	it->be = NULL;
	if (next == &sn->services)
		return NULL;
	it->svc = list_entry(next, struct slb_service, node);
	return it;
}

static void *slb_proc_svc_advance(struct slb_net *sn,
				  struct slb_proc_svc_iter *it)
{
	struct list_head *next = it->be ? it->be->node.next :
				 it->svc->backends.next;

	if (next != &it->svc->backends) {
		it->be = list_entry(next, struct slb_backend, node);
		return it;
	}
	return slb_proc_svc_next_service(sn, it);
}

static void *slb_proc_svc_start(struct seq_file *seq, loff_t *pos)
{
	struct slb_proc_svc_iter *it = seq->private;
	struct slb_net *sn = slb_proc_sn(seq);
	loff_t n = *pos;

	mutex_lock(&sn->lock);
	if (!n)
		return SEQ_START_TOKEN;
	it->svc = NULL;
	if (!slb_proc_svc_next_service(sn, it))
		return NULL;
	while (--n)
		if (!slb_proc_svc_advance(sn, it))
			return NULL;
	return it;
}

static void *slb_proc_svc_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct slb_proc_svc_iter *it = seq->private;
	struct slb_net *sn = slb_proc_sn(seq);

	++*pos;
	if (v == SEQ_START_TOKEN) {
		it->svc = NULL;
		return slb_proc_svc_next_service(sn, it);
	}
	return slb_proc_svc_advance(sn, it);
}

static void slb_proc_svc_stop(struct seq_file *seq, void *v)
{
	mutex_unlock(&slb_proc_sn(seq)->lock);
}

/* As lbctl writes it: "-" for none, "client", or the pool's addresses. */
static void slb_proc_source(struct seq_file *seq,
			    const struct slb_service *svc)
{
	const struct slb_source *src;
	unsigned int i;

	rcu_read_lock();
	src = rcu_dereference(svc->source);
	if (slb_source_none(src))
		seq_puts(seq, "-");
	else if (src->pool.client)
		seq_puts(seq, "client");
	for (i = 0; src && i < src->pool.n; i++)
		seq_printf(seq, "%s%pISc", i ? "," : "", &src->addr[i].sa);
	rcu_read_unlock();
	seq_putc(seq, '\n');
}

static int slb_proc_svc_show(struct seq_file *seq, void *v)
{
	struct slb_proc_svc_iter *it = v;
	struct slb_check_info info;
	struct slb_stats_snap s;
	u32 timeout, slowstart;

	/* New columns go last: scripts count fields. */
	if (v == SEQ_START_TOKEN) {
		seq_puts(seq,
			 "Prot LocalAddress:Port Scheduler Backlog MaxConn MaxQueue QueueTimeout QueueLen SlowStart Proxy AcceptProxy Source\n"
			 "  -> RemoteAddress:Port Weight State ActiveConn InActConn TotalConn BytesIn BytesOut ConnectFails MaxConn Health LastCheck EffWeight AgentPort Agent Proxy\n");
		return 0;
	}
	if (!it->be) {
		timeout = READ_ONCE(it->svc->queue_timeout_ms);
		slowstart = READ_ONCE(it->svc->slowstart_ms);
		slb_stats_read(&it->svc->stats, &s);
		seq_printf(seq,
			   "TCP  %pISpc %s %u %u %u %u.%03u %llu %u.%03u %s %s ",
			   &it->svc->addr.sa,
			   it->svc->sched ? it->svc->sched->name : "-",
			   it->svc->backlog, it->svc->maxconn,
			   READ_ONCE(it->svc->maxqueue), timeout / 1000,
			   timeout % 1000, s.ctr[SLB_CTR_QUEUE_LEN],
			   slowstart / 1000, slowstart % 1000,
			   slb_proc_proxy(READ_ONCE(it->svc->proxy)),
			   READ_ONCE(it->svc->accept_proxy) ? "on" : "off");
		slb_proc_source(seq, it->svc);
		return 0;
	}
	slb_stats_read(&it->be->stats, &s);
	slb_health_info(it->be, &info);
	seq_printf(seq, "  -> %pISpc %u %s %llu %llu %llu %llu %llu %llu %u %s ",
		   &it->be->addr.sa, it->be->weight,
		   slb_proc_backend_state(READ_ONCE(it->be->state)),
		   s.ctr[SLB_CTR_CONNS_ACTIVE], s.ctr[SLB_CTR_CONNS_INACTIVE],
		   s.ctr[SLB_CTR_CONNS_TOTAL], s.ctr[SLB_CTR_BYTES_IN],
		   s.ctr[SLB_CTR_BYTES_OUT], s.ctr[SLB_CTR_CONNECT_FAILS],
		   READ_ONCE(it->be->dest.maxconn),
		   info.health == SPLICELB_HEALTH_DOWN ? "down" : "up");
	slb_proc_check_result(seq, info.result);
	seq_putc(seq, ' ');
	slb_proc_eweight(seq, slb_backend_eweight(it->be));
	seq_putc(seq, ' ');
	slb_proc_agent(seq, it->be);
	seq_printf(seq, " %s\n", slb_proc_proxy(READ_ONCE(it->be->proxy)));
	return 0;
}

static const struct seq_operations slb_proc_svc_ops = {
	.start = slb_proc_svc_start,
	.next = slb_proc_svc_next,
	.stop = slb_proc_svc_stop,
	.show = slb_proc_svc_show,
};

/* ---- connections -------------------------------------------------------- */

/*
 * Connections come and go without a lock to hold across the walk; each
 * step asks for the first live one from an id on.  The line at position
 * @pos is the connection with the lowest id >= @id, so a read(2) that
 * stopped there resumes without a rescan.
 */
struct slb_proc_conn_iter {
	struct seq_net_private p;	/* first: seq_file_net() needs it */
	unsigned long id;
	loff_t pos;
};

static void *slb_proc_conn_start(struct seq_file *seq, loff_t *pos)
{
	struct slb_proc_conn_iter *it = seq->private;
	struct slb_net *sn = slb_proc_sn(seq);
	struct slb_conn *conn;

	if (!*pos)
		return SEQ_START_TOKEN;
	if (*pos != it->pos) {
		/* A seek elsewhere: count lines from the first. */
		it->id = 0;
		for (it->pos = 1; it->pos < *pos; it->pos++, it->id++) {
			conn = slb_conn_next(sn, &it->id);
			if (!conn)
				return NULL;
			slb_conn_put(conn);
		}
	}
	return slb_conn_next(sn, &it->id);
}

static void *slb_proc_conn_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct slb_proc_conn_iter *it = seq->private;

	if (v == SEQ_START_TOKEN) {
		it->id = 0;
	} else {
		/* it->id is v's: slb_conn_next() set it. */
		slb_conn_put(v);
		it->id++;
	}
	it->pos = ++*pos;
	return slb_conn_next(slb_proc_sn(seq), &it->id);
}

static void slb_proc_conn_stop(struct seq_file *seq, void *v)
{
	if (v && v != SEQ_START_TOKEN)
		slb_conn_put(v);
}

static int slb_proc_conn_show(struct seq_file *seq, void *v)
{
	struct slb_conn_info ci;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "Id Client Service Backend State Age BytesIn BytesOut Peer\n");
		return 0;
	}
	slb_conn_fill_info(v, &ci);
	seq_printf(seq, "%u %pISpc %pISpc ", ci.id, &ci.client.sa,
		   &ci.service.sa);
	if (ci.has_backend)
		seq_printf(seq, "%pISpc ", &ci.backend.sa);
	else
		seq_puts(seq, "- ");
	seq_printf(seq, "%s %llu.%03u %llu %llu ",
		   slb_proc_conn_state(ci.state), div_u64(ci.age_ms, 1000),
		   (unsigned int)(ci.age_ms % 1000), ci.bytes_in, ci.bytes_out);
	if (ci.has_peer)
		seq_printf(seq, "%pISpc\n", &ci.peer.sa);
	else
		seq_puts(seq, "-\n");
	return 0;
}

static const struct seq_operations slb_proc_conn_ops = {
	.start = slb_proc_conn_start,
	.next = slb_proc_conn_next,
	.stop = slb_proc_conn_stop,
	.show = slb_proc_conn_show,
};

/* ---- stats -------------------------------------------------------------- */

static int slb_proc_stats_show(struct seq_file *seq, void *v)
{
	static const char *const names[SLB_CTR_NUM] = {
#define SLB_COUNTER(kind, name, ATTR, line, label)			\
		[SLB_CTR_##ATTR] = #name,
#include SLB_COUNTER_LIST
	};
	struct slb_net *sn = slb_net(seq_file_single_net(seq));
	struct slb_stats_snap s;
	u64 secs;
	int i;

	mutex_lock(&sn->lock);
	slb_stats_read(&sn->stats, &s);
	secs = ktime_get_boottime_seconds() - sn->zeroed_at;
	mutex_unlock(&sn->lock);
	for (i = 0; i < SLB_CTR_NUM; i++)
		seq_printf(seq, "%s %llu\n", names[i], s.ctr[i]);
	/* Averages: a counter over the whole seconds since it was zeroed. */
	secs = max_t(u64, secs, 1);
	seq_printf(seq,
		   "seconds %llu\nconns_per_s %llu\n"
		   "bytes_in_per_s %llu\nbytes_out_per_s %llu\n",
		   secs, div64_u64(s.ctr[SLB_CTR_CONNS_TOTAL], secs),
		   div64_u64(s.ctr[SLB_CTR_BYTES_IN], secs),
		   div64_u64(s.ctr[SLB_CTR_BYTES_OUT], secs));
	return 0;
}

/* ---- the directory ------------------------------------------------------ */

int slb_proc_net_init(struct slb_net *sn)
{
	sn->proc_dir = proc_net_mkdir(sn->net, "splicelb", sn->net->proc_net);
	if (!sn->proc_dir)
		return -ENOMEM;
	if (!proc_create_single("version", 0444, sn->proc_dir,
				slb_proc_version_show) ||
	    !proc_create_net("services", 0444, sn->proc_dir,
			     &slb_proc_svc_ops,
			     sizeof(struct slb_proc_svc_iter)) ||
	    !proc_create_net("conns", 0444, sn->proc_dir, &slb_proc_conn_ops,
			     sizeof(struct slb_proc_conn_iter)) ||
	    !proc_create_net_single("stats", 0444, sn->proc_dir,
				    slb_proc_stats_show, NULL))
		goto err_files;
	return 0;

err_files:
	remove_proc_subtree("splicelb", sn->net->proc_net);
	return -ENOMEM;
}

void slb_proc_net_uninit(struct slb_net *sn)
{
	remove_proc_subtree("splicelb", sn->net->proc_net);
}
