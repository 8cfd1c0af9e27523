// SPDX-License-Identifier: GPL-2.0
/*
 * Active health checks of backends, from kernel sockets in the service's
 * network namespace.
 *
 * Each backend of a service that checks has one delayed work, on the
 * checks' own unbound workqueue, that runs its checks one after another: a connect
 * and, for a send-expect check, a send and reads until the reply holds
 * the expected string, all non-blocking.  The socket's callbacks only pull
 * the work forward; its timer is the check's deadline or the next check.
 * Every queued instance of the work holds a reference on the backend, as a
 * connection's does, so the configuration never waits for a check: it
 * bumps check->wanted and pulls the work forward, and the work restarts,
 * or ends when its backend is removed or the service checks no more.  A
 * namespace that goes waits for the end of its checks (sn->nchecks), since
 * kernel sockets hold no reference on it.
 *
 * Bounds: at most net.splicelb.check_max_inflight checks of a namespace
 * have a socket at once, one over it tries again a few milliseconds later;
 * a backend's first check comes at a random point of the interval, and
 * every interval is shortened at random by up to a tenth (lib/check.h), so
 * that checks spread out.  A check ends with a reset, as HAProxy's do, so
 * that the balancer keeps no TIME_WAIT socket per check.
 *
 * Health is apart from the admin state: the scheduler sees a backend
 * available only while both are up (slb_backend_available).  A change is
 * counted, logged (rate limited) and sent as a backend-health event.
 *
 * A backend's agent (lib/agent.h) is polled by a second struct slb_check
 * of the same machine, be->agent: a connect to its agent-port, a line read
 * and its words applied (slb_backend_agent_said); no rise or fall, and a
 * poll that fails changes nothing, as in HAProxy.
 */
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "backend.h"
#include "health.h"
#include "netlink.h"
#include "netns.h"
#include "proxy.h"
#include "service.h"
#include "sysctl.h"

#define SLB_HEALTH_REPLY_MAX	(2 * SLB_CHECK_DATA_MAX)
#define SLB_HEALTH_BUSY_MS	10	/* too many in flight: wait this long */

static struct workqueue_struct *slb_health_wq;

/* What a running check keeps: the parameters it runs with, one probe. */
struct slb_check_probe {
	struct slb_check_params params;	/* the service's, when it began */
	bool agent;			/* reads an agent's line */
	struct socket *sock;		/* the probe in flight, if any */
	struct slb_sk_callbacks cbs;
	unsigned long deadline;		/* jiffies */
	/* A PROXY LOCAL header, sent before the check's own bytes. */
	u8 hdr[SLB_PROXY_WRITE_MAX];
	u16 hdr_len;
	u16 sent;			/* of the header, then of params.send */
	u16 reply_len;
	u8 reply[SLB_HEALTH_REPLY_MAX];
};

static_assert(SLB_AGENT_REPLY_MAX <= SLB_HEALTH_REPLY_MAX);

static struct slb_backend *slb_health_backend(struct slb_check *chk)
{
	if (chk->agent)
		return container_of(chk, struct slb_backend, agent);
	return container_of(chk, struct slb_backend, check);
}

/* The work now; any timer it had is pulled in. */
static void slb_health_kick(struct slb_check *chk)
{
	struct slb_backend *be = slb_health_backend(chk);

	slb_backend_get(be);
	if (mod_delayed_work(slb_health_wq, &chk->work, 0))
		slb_backend_put(be);
}

/* The work in @ms, unless it is pending already: then it comes sooner. */
static void slb_health_arm(struct slb_check *chk, unsigned long ms)
{
	struct slb_backend *be = slb_health_backend(chk);

	slb_backend_get(be);
	if (!queue_delayed_work(slb_health_wq, &chk->work, msecs_to_jiffies(ms)))
		slb_backend_put(be);
}

/*
 * The next check in @ms.  Kicks that come before it (a late segment of the
 * last reply, news from the clients) find it not due and re-arm for it.
 */
static void slb_health_arm_next(struct slb_check *chk, unsigned long ms)
{
	chk->next_at = jiffies + msecs_to_jiffies(ms);
	slb_health_arm(chk, ms);
}

/* The work at the probe's deadline, or sooner. */
static void slb_health_arm_deadline(struct slb_check *chk)
{
	unsigned long left = chk->probe->deadline - jiffies;

	if (time_after_eq(jiffies, chk->probe->deadline))
		left = 0;
	slb_health_arm(chk, jiffies_to_msecs(left));
}

static void slb_health_sk_event(struct sock *sk)
{
	struct slb_check *chk;

	read_lock_bh(&sk->sk_callback_lock);
	chk = sk->sk_user_data;
	if (likely(chk))
		slb_health_kick(chk);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void slb_health_attach(struct slb_check *chk, struct socket *sock,
			      struct slb_sk_callbacks *saved)
{
	static const struct slb_sk_callbacks ours = {
		.data_ready = slb_health_sk_event,
		.write_space = slb_health_sk_event,
		.state_change = slb_health_sk_event,
		.error_report = slb_health_sk_event,
	};

	slb_conn_sk_attach(sock, chk, &ours, saved);
}

/* Ends the probe in flight, with a reset; no callback of it runs after. */
static void slb_health_probe_close(struct slb_check *chk)
{
	struct slb_check_probe *probe = chk->probe;
	struct slb_backend *be = slb_health_backend(chk);
	struct socket *sock = probe->sock;

	if (!sock)
		return;
	slb_conn_sk_detach(sock, &probe->cbs);
	sock_no_linger(sock->sk);
	sock_release(sock);
	probe->sock = NULL;
	atomic_dec(&be->svc->sn->checks_inflight);
}

/*
 * Caller holds the service's sched_lock: the scheduler sees the backend
 * as its admin state and health say.
 */
static void slb_health_apply(struct slb_backend *be)
{
	struct slb_service *svc = be->svc;

	lockdep_assert_held(&svc->sched_lock);
	if (be->removed)
		return;
	slb_backend_refresh(be);
	/* Up, it takes waiters; down, it may leave them none to wait for. */
	slb_service_dequeue(svc);
}

static void slb_health_count(struct slb_backend *be, enum slb_counter i)
{
	slb_stats_inc(&be->stats, i);
	slb_stats_inc(&be->svc->stats, i);
	slb_stats_inc(&be->svc->sn->stats, i);
}

static void slb_health_set_down(struct slb_check *chk, bool down)
{
	struct slb_backend *be = slb_health_backend(chk);
	struct slb_service *svc = be->svc;
	struct slb_net *sn = svc->sn;

	spin_lock(&svc->sched_lock);
	WRITE_ONCE(chk->down, down);
	slb_health_apply(be);
	spin_unlock(&svc->sched_lock);
	WRITE_ONCE(chk->changed, jiffies);
	slb_health_count(be, SLB_CTR_HEALTH_CHANGES);
	net_info_ratelimited("splicelb: backend %pISpc of service %pISpc: health %s (%s)\n",
			     &be->addr.sa, &svc->addr.sa, down ? "down" : "up",
			     slb_check_result_name(chk->result));
	mutex_lock(&sn->lock);
	if (!be->removed)
		slb_netlink_notify_backend(be, SPLICELB_CMD_BACKEND_HEALTH);
	mutex_unlock(&sn->lock);
}

/*
 * What the agent says now, applied; a change of its health counted as the
 * checks' are.  0, or -ENOMEM as slb_backend_agent_said.
 */
static int slb_health_agent_set(struct slb_check *chk,
				const struct slb_agent_state *st)
{
	struct slb_backend *be = slb_health_backend(chk);
	bool down_changed = st->down != chk->said.down;
	int ret;

	ret = slb_backend_agent_said(be, st);
	if (!ret && down_changed && !READ_ONCE(be->removed))
		slb_health_count(be, SLB_CTR_HEALTH_CHANGES);
	return ret;
}

/*
 * An agent's poll ended with @result: a line came, whose words, if it has
 * any this knows, are what the backend has from it now.
 */
static void slb_health_agent_conclude(struct slb_check *chk, u8 result)
{
	struct slb_check_probe *probe = chk->probe;
	struct slb_agent_state st = chk->said;
	struct slb_agent_reply r;

	slb_health_probe_close(chk);
	if (result == SPLICELB_CHECK_RESULT_PASSED &&
	    !slb_agent_parse(probe->reply, probe->reply_len, &r))
		result = SPLICELB_CHECK_RESULT_UNEXPECTED;
	WRITE_ONCE(chk->result, result);
	/* With no memory for a table, the next poll tries again. */
	if (result == SPLICELB_CHECK_RESULT_PASSED && slb_agent_apply(&st, &r))
		slb_health_agent_set(chk, &st);
	slb_health_arm_next(chk, slb_check_next_ms(&probe->params,
						   &chk->health,
						   get_random_u32()));
}

/* A probe ended with @result: counted towards rise or fall. */
static void slb_health_conclude(struct slb_check *chk, u8 result)
{
	struct slb_check_probe *probe = chk->probe;
	bool passed = result == SPLICELB_CHECK_RESULT_PASSED;
	bool changed;

	if (chk->agent) {
		slb_health_agent_conclude(chk, result);
		return;
	}
	slb_health_probe_close(chk);
	WRITE_ONCE(chk->result, result);
	slb_health_count(slb_health_backend(chk), SLB_CTR_CHECKS);
	if (!passed)
		slb_health_count(slb_health_backend(chk), SLB_CTR_CHECK_FAILS);
	changed = slb_health_record(&chk->health, &probe->params, passed);
	WRITE_ONCE(chk->count, chk->health.count);
	if (changed)
		slb_health_set_down(chk, chk->health.down);
	slb_health_arm_next(chk, slb_check_next_ms(&probe->params,
						   &chk->health,
						   get_random_u32()));
}

/*
 * Where the checks of @be connect: its address, at its check port if set;
 * its agent's, at the agent-port.
 */
static void slb_health_target(struct slb_check *chk, union slb_addr *to)
{
	struct slb_backend *be = slb_health_backend(chk);
	u16 port = chk->agent ? READ_ONCE(be->agent_port) :
				READ_ONCE(be->check_port);

	*to = be->addr;
	if (!port)
		return;
	if (to->sa.sa_family == AF_INET6)
		to->in6.sin6_port = htons(port);
	else
		to->in.sin_port = htons(port);
}

/*
 * A check leaves from where the service's connections do, that the
 * backend's access rules let it in, but never from a client's address.
 */
static int slb_health_bind(struct slb_backend *be, struct socket *sock)
{
	struct slb_source_pick from;
	int ret;

	slb_service_source_start(be->svc, &from);
	ret = slb_service_source_next(be->svc, be->addr.sa.sa_family, NULL,
				      &from);
	return ret ?: slb_source_bind(sock, &from);
}

/*
 * Starts a probe: 0, or a result when it ended at once, or -ENOMEM and
 * the like when this host could not make a socket, bind it or find it a
 * port, which says nothing of the backend.
 */
static int slb_health_probe_open(struct slb_check *chk)
{
	struct slb_check_probe *probe = chk->probe;
	struct slb_backend *be = slb_health_backend(chk);
	struct slb_net *sn = be->svc->sn;
	union slb_addr to;
	int ret;

	ret = sock_create_kern(sn->net, be->addr.sa.sa_family, SOCK_STREAM,
			       IPPROTO_TCP, &probe->sock);
	if (ret) {
		probe->sock = NULL;
		atomic_dec(&sn->checks_inflight);
		return ret;
	}
	tcp_sock_set_nodelay(probe->sock->sk);
	slb_health_attach(chk, probe->sock, &probe->cbs);
	probe->sent = 0;
	probe->reply_len = 0;
	/* As HAProxy's check-send-proxy: a backend that wants one gets one. */
	probe->hdr_len = chk->agent ? 0 :
			 slb_proxy_write(probe->hdr, sizeof(probe->hdr),
					 slb_backend_proxy(be), NULL, NULL, 0);
	/* A tick more: a deadline one tick away could come at once. */
	probe->deadline = jiffies + 1 +
			  msecs_to_jiffies(slb_check_timeout_ms(&probe->params));
	slb_health_target(chk, &to);
	ret = slb_health_bind(be, probe->sock);
	if (ret) {
		/* A source address the host lost: nothing of the backend. */
		slb_health_probe_close(chk);
		return ret;
	}
	ret = kernel_connect(probe->sock, &to.sa, slb_addr_len(&to),
			     O_NONBLOCK);
	if (!ret || ret == -EINPROGRESS)
		return 0;
	/*
	 * No port left from this address towards the backend: the gateway's
	 * failing too.  The next probe, a little later, takes the pool's
	 * next address.
	 */
	if (ret == -EADDRNOTAVAIL) {
		slb_health_probe_close(chk);
		return ret;
	}
	return slb_check_result_of(-ret);
}

static void slb_health_busy(struct slb_check *chk)
{
	slb_health_arm(chk, SLB_HEALTH_BUSY_MS +
			    get_random_u32_below(SLB_HEALTH_BUSY_MS));
}

/*
 * The next probe, once it is due, unless too many are in flight or no
 * socket can be had: then a little later.
 */
static void slb_health_probe_start(struct slb_check *chk)
{
	struct slb_net *sn = slb_health_backend(chk)->svc->sn;
	int result;

	if (time_before(jiffies, chk->next_at)) {
		slb_health_arm(chk, jiffies_to_msecs(chk->next_at - jiffies));
		return;
	}
	if (atomic_inc_return(&sn->checks_inflight) >
	    slb_sysctl_limit(sn, check_max_inflight)) {
		atomic_dec(&sn->checks_inflight);
		slb_health_busy(chk);
		return;
	}
	result = slb_health_probe_open(chk);
	if (result < 0)
		slb_health_busy(chk);
	else if (result)
		slb_health_conclude(chk, result);
	else
		slb_health_arm_deadline(chk);
}

/*
 * Sends the header, if any, and what a send-expect check sends: 0, or why
 * it cannot yet (-EAGAIN).
 */
static int slb_health_probe_send(struct slb_check_probe *probe)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	u16 len = probe->hdr_len, total = len + probe->params.send_len;
	struct kvec vec;
	int ret;

	while (probe->sent < total) {
		if (probe->sent < len) {
			vec.iov_base = probe->hdr + probe->sent;
			vec.iov_len = len - probe->sent;
		} else {
			vec.iov_base = probe->params.send + probe->sent - len;
			vec.iov_len = total - probe->sent;
		}
		ret = kernel_sendmsg(probe->sock, &msg, &vec, 1, vec.iov_len);
		if (ret < 0)
			return ret;
		probe->sent += ret;
	}
	return 0;
}

/*
 * Adds what came to the reply, which holds at most @max bytes: how many
 * came, 0 at the end of the connection, -EAGAIN while none has.
 */
static int slb_health_probe_recv(struct slb_check_probe *probe, u16 max)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct kvec vec = {
		.iov_base = probe->reply + probe->reply_len,
		.iov_len = max - probe->reply_len,
	};
	int ret;

	ret = kernel_recvmsg(probe->sock, &msg, &vec, 1, vec.iov_len,
			     MSG_DONTWAIT);
	if (ret > 0)
		probe->reply_len += ret;
	return ret;
}

/*
 * Reads what came: a result once the reply holds the expected string, the
 * connection ended or the buffer is full; 0 while it may still come.
 */
static u8 slb_health_probe_read(struct slb_check_probe *probe)
{
	const struct slb_check_params *p = &probe->params;
	int ret;

	for (;;) {
		if (slb_check_match(probe->reply, probe->reply_len, p->expect,
				    p->expect_len))
			return SPLICELB_CHECK_RESULT_PASSED;
		if (probe->reply_len == sizeof(probe->reply))
			return SPLICELB_CHECK_RESULT_UNEXPECTED;
		ret = slb_health_probe_recv(probe, sizeof(probe->reply));
		if (ret == -EAGAIN)
			return 0;
		if (ret < 0)
			return slb_check_result_of(-ret);
		if (!ret)
			return probe->reply_len ?
			       SPLICELB_CHECK_RESULT_UNEXPECTED :
			       SPLICELB_CHECK_RESULT_CLOSED;
	}
}

/*
 * Reads an agent's reply: passed once its line is whole, or the agent
 * closed after some of it, or it fills the buffer; 0 while more may come.
 */
static u8 slb_health_agent_read(struct slb_check_probe *probe)
{
	int ret;

	for (;;) {
		if (slb_agent_line_done(probe->reply, probe->reply_len) ||
		    probe->reply_len == SLB_AGENT_REPLY_MAX)
			return SPLICELB_CHECK_RESULT_PASSED;
		ret = slb_health_probe_recv(probe, SLB_AGENT_REPLY_MAX);
		if (ret == -EAGAIN)
			return 0;
		if (ret < 0)
			return slb_check_result_of(-ret);
		if (!ret)
			return probe->reply_len ? SPLICELB_CHECK_RESULT_PASSED :
			       SPLICELB_CHECK_RESULT_CLOSED;
	}
}

/* The probe in flight, on an event or its deadline: a result, or 0. */
static u8 slb_health_probe_step(struct slb_check_probe *probe)
{
	struct sock *sk = probe->sock->sk;
	int err = READ_ONCE(sk->sk_err);
	u8 result;

	if (err)
		return slb_check_result_of(err);
	switch (READ_ONCE(sk->sk_state)) {
	case TCP_SYN_SENT:
		result = 0;
		break;
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
		if (probe->agent) {
			result = slb_health_agent_read(probe);
			break;
		}
		err = slb_health_probe_send(probe);
		if (err && err != -EAGAIN)
			return slb_check_result_of(-err);
		if (probe->params.type == SPLICELB_CHECK_TCP) {
			result = err ? 0 : SPLICELB_CHECK_RESULT_PASSED;
			break;
		}
		result = slb_health_probe_read(probe);
		break;
	default:
		return SPLICELB_CHECK_RESULT_CLOSED;
	}
	if (!result && time_after_eq(jiffies, probe->deadline))
		return SPLICELB_CHECK_RESULT_TIMEOUT;
	return result;
}

static void slb_health_probe_continue(struct slb_check *chk)
{
	struct slb_check_probe *probe = chk->probe;
	u8 result = slb_health_probe_step(probe);

	if (result)
		slb_health_conclude(chk, result);
	else
		slb_health_arm_deadline(chk);
}

/*
 * An agent's polls: every agent-inter, each given as long to answer, or
 * 2 s at most, so that agents that never answer hold no more of the
 * checks' sockets (check_max_inflight) than their own checks would.
 */
static void slb_health_agent_params(struct slb_backend *be,
				    struct slb_check_params *p)
{
	slb_check_params_init(p);
	p->type = SPLICELB_CHECK_TCP;
	p->inter_ms = READ_ONCE(be->agent_inter_ms);
	p->timeout_ms = min_t(u32, p->inter_ms, SPLICELB_CHECK_INTER_DEF_MS);
	p->rise = 1;
	p->fall = 1;
}

/*
 * The service's check as it is now, or the agent's polls, or false when
 * they must end: the backend was removed, its service checks no more, or
 * it has no agent any more.
 */
static bool slb_health_params(struct slb_check *chk,
			      struct slb_check_params *p)
{
	struct slb_backend *be = slb_health_backend(chk);
	struct slb_service *svc = be->svc;

	if (chk->agent) {
		slb_health_agent_params(be, p);
		return !READ_ONCE(be->removed) && READ_ONCE(be->agent_port);
	}
	spin_lock(&svc->sched_lock);
	*p = svc->check;
	spin_unlock(&svc->sched_lock);
	return !READ_ONCE(be->removed) && p->type != SPLICELB_CHECK_NONE;
}

/* Whether the checks go on, without a copy of what they would run. */
static bool slb_health_wanted(struct slb_check *chk)
{
	struct slb_backend *be = slb_health_backend(chk);

	if (READ_ONCE(be->removed))
		return false;
	if (chk->agent)
		return READ_ONCE(be->agent_port);
	return READ_ONCE(be->svc->check.type) != SPLICELB_CHECK_NONE;
}

/*
 * An agent that goes leaves the backend as if it had never said a word:
 * 0, or -ENOMEM when the table that needs could not be had.
 */
static int slb_health_agent_forget(struct slb_check *chk)
{
	struct slb_backend *be = slb_health_backend(chk);
	struct slb_agent_state st;

	slb_agent_state_init(&st);
	if (slb_agent_state_same(&st, &chk->said) || READ_ONCE(be->removed))
		return 0;
	return slb_health_agent_set(chk, &st);
}

/* News of the clients from before a restart is of another check. */
static void slb_health_observe_reset(struct slb_check *chk)
{
	clear_bit(0, &chk->observed_down);
	atomic_set(&chk->observed, 0);
}

/*
 * The checks end: the backend is healthy again as far as they are
 * concerned.  False when a change came meanwhile that wants them on.
 */
static bool slb_health_stop(struct slb_check *chk, u32 seen)
{
	struct slb_backend *be = slb_health_backend(chk);
	struct slb_net *sn = be->svc->sn;
	bool was_down = chk->down;

	/*
	 * Undoing an agent's words on a backend that stays may need a table;
	 * without one the polls are not over: tried again, the probe gone
	 * so that the next run comes back here.
	 */
	if (chk->agent && slb_health_agent_forget(chk)) {
		kfree(chk->probe);
		chk->probe = NULL;
		slb_health_busy(chk);
		return true;
	}
	spin_lock(&chk->lock);
	if (chk->wanted != seen) {
		spin_unlock(&chk->lock);
		return false;
	}
	chk->running = false;
	spin_unlock(&chk->lock);
	slb_health_observe_reset(chk);
	kfree(chk->probe);
	chk->probe = NULL;
	WRITE_ONCE(chk->result, SPLICELB_CHECK_RESULT_NONE);
	WRITE_ONCE(chk->count, 0);
	if (!chk->agent && was_down && !READ_ONCE(be->removed))
		slb_health_set_down(chk, false);
	/* sn may go once this is 0: the work's own reference is still held. */
	if (atomic_dec_and_test(&sn->nchecks))
		wake_up_var(&sn->nchecks);
	return true;
}

/*
 * A change of the configuration: the probe in flight is dropped, the
 * parameters taken anew, and the next probe comes at a random point of
 * the interval.  Health stays as it was, unless the checks end.
 */
static void slb_health_restart(struct slb_check *chk, u32 seen)
{
	struct slb_check_params *p;

	if (chk->probe)
		slb_health_probe_close(chk);
	/* Ending needs no memory: a netns that goes waits for it. */
	if (slb_health_wanted(chk) && !chk->probe) {
		chk->probe = kzalloc(sizeof(*chk->probe), GFP_KERNEL_ACCOUNT);
		if (!chk->probe) {
			/* Keeps seen behind wanted: tried again. */
			slb_health_busy(chk);
			return;
		}
		slb_health_init(&chk->health);
	}
	if (!chk->probe || !slb_health_params(chk, &chk->probe->params)) {
		if (!slb_health_stop(chk, seen))
			slb_health_kick(chk);
		return;
	}
	p = &chk->probe->params;
	chk->probe->agent = chk->agent;
	chk->seen = seen;
	chk->health.count = 0;
	WRITE_ONCE(chk->count, 0);
	slb_health_observe_reset(chk);
	/* Somewhere in the interval it would have now, downinter if down. */
	slb_health_arm_next(chk, get_random_u32_below(slb_check_next_ms(p,
						&chk->health, 0)));
}

/*
 * Clients' connects failed observe times in a row: down now, whatever the
 * checks said so far; they bring it back up.
 */
static bool slb_health_observed(struct slb_check *chk)
{
	if (!test_and_clear_bit(0, &chk->observed_down))
		return false;
	atomic_set(&chk->observed, 0);
	if (!slb_health_force_down(&chk->health))
		return false;
	WRITE_ONCE(chk->count, 0);
	WRITE_ONCE(chk->result, READ_ONCE(chk->observed_result));
	slb_health_count(slb_health_backend(chk), SLB_CTR_OBSERVE_DOWNS);
	slb_health_set_down(chk, true);
	return true;
}

static void slb_health_step(struct slb_check *chk)
{
	u32 wanted;
	bool running;

	spin_lock(&chk->lock);
	wanted = chk->wanted;
	running = chk->running;
	spin_unlock(&chk->lock);
	if (!running)
		return;		/* a kick that came after the end */
	if (!chk->probe || wanted != chk->seen) {
		slb_health_restart(chk, wanted);
		return;
	}
	/*
	 * The kick that brought the news took the place of the timer of the
	 * next check: put it back, as the check of a down backend.
	 */
	if (slb_health_observed(chk) && !chk->probe->sock) {
		slb_health_arm_next(chk, slb_check_next_ms(&chk->probe->params,
							   &chk->health,
							   get_random_u32()));
		return;
	}
	if (chk->probe->sock)
		slb_health_probe_continue(chk);
	else
		slb_health_probe_start(chk);
}

static void slb_health_work(struct work_struct *work)
{
	struct slb_check *chk = container_of(to_delayed_work(work),
					     struct slb_check, work);
	struct slb_backend *be = slb_health_backend(chk);
	struct mem_cgroup *old;

	old = set_active_memcg(be->svc->memcg);
	slb_health_step(chk);
	set_active_memcg(old);
	slb_backend_put(be);
}

int slb_health_wq_init(void)
{
	slb_health_wq = alloc_workqueue("splicelb_health", WQ_UNBOUND, 0);
	return slb_health_wq ? 0 : -ENOMEM;
}

/* Every netns has waited for its checks; their last puts drain here. */
void slb_health_wq_uninit(void)
{
	destroy_workqueue(slb_health_wq);
}

static void slb_health_check_init(struct slb_check *chk, bool agent)
{
	INIT_DELAYED_WORK(&chk->work, slb_health_work);
	spin_lock_init(&chk->lock);
	chk->agent = agent;
	chk->changed = jiffies;
	slb_agent_state_init(&chk->said);
}

void slb_health_backend_init(struct slb_backend *be)
{
	slb_health_check_init(&be->check, false);
	slb_health_check_init(&be->agent, true);
}

void slb_health_changed(struct slb_check *chk)
{
	struct slb_net *sn = slb_health_backend(chk)->svc->sn;
	bool start;

	lockdep_assert_held(&sn->lock);
	spin_lock(&chk->lock);
	chk->wanted++;
	start = !chk->running && slb_health_wanted(chk);
	if (start) {
		chk->running = true;
		atomic_inc(&sn->nchecks);
	}
	if (chk->running)
		slb_health_kick(chk);
	spin_unlock(&chk->lock);
}

void slb_health_update(struct slb_backend *be)
{
	lockdep_assert_held(&be->svc->sn->lock);
	slb_health_changed(&be->check);
	slb_health_changed(&be->agent);
}

void slb_health_service_set(struct slb_service *svc,
			    const struct slb_check_params *p)
{
	struct slb_backend *be;

	lockdep_assert_held(&svc->sn->lock);
	if (slb_check_params_same(&svc->check, p))
		return;
	spin_lock(&svc->sched_lock);
	svc->check = *p;
	spin_unlock(&svc->sched_lock);
	list_for_each_entry(be, &svc->backends, node)
		slb_health_changed(&be->check);
}

void slb_health_info(struct slb_backend *be, struct slb_check_info *info)
{
	struct slb_check *chk = &be->check;

	info->health = READ_ONCE(chk->down) ? SPLICELB_HEALTH_DOWN :
					      SPLICELB_HEALTH_UP;
	info->result = READ_ONCE(chk->result);
	info->count = READ_ONCE(chk->count);
	info->age_ms = div_u64((u64)(jiffies - READ_ONCE(chk->changed)) *
			       MSEC_PER_SEC, HZ);
}

void slb_health_agent_info(struct slb_backend *be,
			   struct slb_agent_info *info)
{
	struct slb_check *chk = &be->agent;
	struct slb_service *svc = be->svc;

	info->result = READ_ONCE(chk->result);
	spin_lock(&svc->sched_lock);
	info->pct = chk->said.pct;
	info->admin = chk->said.admin;
	info->health = chk->said.down ? SPLICELB_HEALTH_DOWN :
					SPLICELB_HEALTH_UP;
	spin_unlock(&svc->sched_lock);
}

void slb_health_observe(struct slb_backend *be, int err)
{
	struct slb_check *chk = &be->check;
	u32 limit = READ_ONCE(be->svc->check.observe);

	if (!limit)
		return;
	if (!err) {
		if (atomic_read(&chk->observed))
			atomic_set(&chk->observed, 0);
		return;
	}
	/* This host's own failures (no memory, no port) are not the backend's. */
	if (slb_check_result_of(err) == SPLICELB_CHECK_RESULT_ERROR)
		return;
	if (atomic_inc_return(&chk->observed) < limit ||
	    test_bit(0, &chk->observed_down))
		return;
	WRITE_ONCE(chk->observed_result, slb_check_result_of(err));
	smp_mb__before_atomic();	/* the result before the news of it */
	set_bit(0, &chk->observed_down);
	spin_lock(&chk->lock);
	if (chk->running)
		slb_health_kick(chk);
	spin_unlock(&chk->lock);
}

void slb_health_flush_net(struct slb_net *sn)
{
	/* As for connections: the wait queue is not in *sn. */
	wait_var_event(&sn->nchecks, !atomic_read(&sn->nchecks));
}
