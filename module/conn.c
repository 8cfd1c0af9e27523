// SPDX-License-Identifier: GPL-2.0
/*
 * Connections: from an accepted client to a connected backend, relaying,
 * and teardown.
 *
 * Each connection has one work item on the module's workqueue.  The socket
 * callbacks (softirq) and the timer only queue it; everything else happens
 * in it, so a connection is handled by one thread at a time and its state
 * needs no lock of its own.  A queued work holds a reference; the callbacks
 * can take one safely because they run under the socket's
 * sk_callback_lock, which teardown takes to detach them before it drops
 * the table's reference.
 *
 * Backend connect: non-blocking; sk_state_change tells established from
 * failed.  A refused, unreachable or timed-out connect is retried on the
 * next backend the scheduler picks, never one already tried, up to
 * 1 + net.splicelb.connect_retries tries; after that the client is reset.
 */
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "backend.h"
#include "compat.h"
#include "conn.h"
#include "health.h"
#include "netns.h"
#include "proxyhdr.h"
#include "relay.h"
#include "service.h"
#include "sysctl.h"

enum {
	SLB_CONN_F_DEAD,	/* torn down: the work only drops its ref */
	SLB_CONN_F_CUT,		/* asked to end now, with a reset */
	SLB_CONN_F_PROXY_WAIT,	/* accept-proxy: its header is still due */
	SLB_CONN_F_PEER,	/* peer_addr sent the header client_addr is of */
};

struct workqueue_struct *slb_wq;
/*
 * A cache of its own, as IPVS has for its connections: the structure is
 * some 600 bytes, which kmalloc would round up to 1 KiB.
 */
static struct kmem_cache *slb_conn_cache;

static void slb_conn_free_rcu(struct rcu_head *rcu)
{
	struct slb_conn *conn = container_of(rcu, struct slb_conn, rcu);

	kmem_cache_free(slb_conn_cache, conn);
}

static void slb_conn_free(struct slb_conn *conn)
{
	struct slb_net *sn = conn->sn;

	if (conn->be)
		slb_backend_put(conn->be);
	slb_service_put(conn->svc);
	/* Table walkers may still be looking at it (slb_conn_next). */
	call_rcu(&conn->rcu, slb_conn_free_rcu);
	if (atomic_dec_and_test(&sn->nconns))
		wake_up_var(&sn->nconns);
}

void slb_conn_put(struct slb_conn *conn)
{
	if (refcount_dec_and_test(&conn->refcnt))
		slb_conn_free(conn);
}

/* The caller holds a reference, so the put here is never the last. */
static void slb_conn_queue(struct slb_conn *conn)
{
	refcount_inc(&conn->refcnt);
	if (!queue_work(slb_wq, &conn->work))
		slb_conn_put(conn);
}

static void slb_conn_sk_event(struct sock *sk)
{
	struct slb_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (likely(conn))
		slb_conn_queue(conn);
	read_unlock_bh(&sk->sk_callback_lock);
}

/* As sk_stream_write_space: wake only once a poller would see POLLOUT. */
static void slb_conn_write_space(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;

	if (!sk_stream_is_writeable(sk) || !sock)
		return;
	clear_bit(SOCK_NOSPACE, &sock->flags);
	slb_conn_sk_event(sk);
}

/*
 * States a socket enters only because the work shut it down itself
 * (FIN_WAIT1, LAST_ACK) or because the peer acked that FIN (FIN_WAIT2)
 * tell the work nothing new; every other change does: connected, a FIN
 * received, an error, closed.  Skipping them spares a run per close.
 */
static void slb_conn_state_change(struct sock *sk)
{
	switch (READ_ONCE(sk->sk_state)) {
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
	case TCP_LAST_ACK:
		if (!READ_ONCE(sk->sk_err))
			return;
		break;
	}
	slb_conn_sk_event(sk);
}

void slb_conn_sk_attach(struct socket *sock, void *owner,
			const struct slb_sk_callbacks *ours,
			struct slb_sk_callbacks *saved)
{
	struct sock *sk = sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	saved->data_ready = sk->sk_data_ready;
	saved->write_space = sk->sk_write_space;
	saved->state_change = sk->sk_state_change;
	saved->error_report = sk->sk_error_report;
	sk->sk_user_data = owner;
	sk->sk_data_ready = ours->data_ready;
	sk->sk_write_space = ours->write_space;
	sk->sk_state_change = ours->state_change;
	sk->sk_error_report = ours->error_report;
	write_unlock_bh(&sk->sk_callback_lock);
}

void slb_conn_sk_detach(struct socket *sock,
			const struct slb_sk_callbacks *saved)
{
	struct sock *sk = sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = saved->data_ready;
	sk->sk_write_space = saved->write_space;
	sk->sk_state_change = saved->state_change;
	sk->sk_error_report = saved->error_report;
	write_unlock_bh(&sk->sk_callback_lock);
}

static void slb_conn_attach(struct slb_conn *conn, struct socket *sock,
			    struct slb_sk_callbacks *saved)
{
	static const struct slb_sk_callbacks ours = {
		.data_ready = slb_conn_sk_event,
		.write_space = slb_conn_write_space,
		.state_change = slb_conn_state_change,
		.error_report = slb_conn_sk_event,
	};

	slb_conn_sk_attach(sock, conn, &ours, saved);
}

/* A reset for the peer when @abort, otherwise an orderly close. */
static void slb_conn_release_sock(struct socket *sock, bool abort)
{
	if (!sock)
		return;
	if (abort)
		sock_no_linger(sock->sk);
	sock_release(sock);
}

enum slb_count { SLB_COUNT_NONE, SLB_COUNT_INACTIVE, SLB_COUNT_ACTIVE };

static enum slb_count slb_conn_count_of(u8 state, bool backend)
{
	switch (state) {
	case SPLICELB_CONN_QUEUED:
	case SPLICELB_CONN_CONNECTING:
		return backend ? SLB_COUNT_NONE : SLB_COUNT_INACTIVE;
	case SPLICELB_CONN_ESTABLISHED:
		return SLB_COUNT_ACTIVE;
	case SPLICELB_CONN_CLIENT_FIN:
	case SPLICELB_CONN_SERVER_FIN:
		return SLB_COUNT_INACTIVE;
	default:
		return SLB_COUNT_NONE;
	}
}

static const enum slb_counter slb_conn_gauge[] = {
	[SLB_COUNT_ACTIVE] = SLB_CTR_CONNS_ACTIVE,
	[SLB_COUNT_INACTIVE] = SLB_CTR_CONNS_INACTIVE,
};

static void slb_stats_move(struct slb_stats *s, enum slb_count from,
			   enum slb_count to)
{
	if (from == to)
		return;
	if (from != SLB_COUNT_NONE)
		slb_stats_gauge_add(s, slb_conn_gauge[from], -1);
	if (to != SLB_COUNT_NONE)
		slb_stats_gauge_add(s, slb_conn_gauge[to], 1);
}

/* Active and inactive counters follow the state, IPVS-style. */
static void slb_conn_set_state(struct slb_conn *conn, u8 state)
{
	u8 old = conn->state;

	if (old == state)
		return;
	slb_stats_move(&conn->svc->stats, slb_conn_count_of(old, false),
		       slb_conn_count_of(state, false));
	slb_stats_move(&conn->sn->stats, slb_conn_count_of(old, false),
		       slb_conn_count_of(state, false));
	if (conn->be)
		slb_stats_move(&conn->be->stats, slb_conn_count_of(old, true),
			       slb_conn_count_of(state, true));
	WRITE_ONCE(conn->state, state);
	conn->state_since = jiffies;
}

/* Count an event against the service, the netns and the backend if any. */
static void slb_conn_count_event(struct slb_conn *conn, enum slb_counter i)
{
	slb_stats_inc(&conn->svc->stats, i);
	slb_stats_inc(&conn->sn->stats, i);
	if (conn->be)
		slb_stats_inc(&conn->be->stats, i);
}

static u32 slb_conn_srtt_us(struct socket *sock)
{
	return READ_ONCE(tcp_sk(sock->sk)->srtt_us) >> 3;
}

/* A slot granted to a waiter that will not use it goes to the next one. */
static void slb_conn_leave_queue(struct slb_conn *conn)
{
	struct slb_backend *be;

	be = slb_service_wait_cancel(conn->svc, &conn->pick);
	if (be) {
		slb_backend_conn_done(be, 0);
		slb_backend_put(be);
	}
}

static void slb_conn_close(struct slb_conn *conn, bool abort)
{
	struct socket *client, *server;
	u32 rtt_us;

	if (conn->state == SPLICELB_CONN_QUEUED)
		slb_conn_leave_queue(conn);
	set_bit(SLB_CONN_F_DEAD, &conn->flags);
	client = conn->client;
	server = conn->server;
	slb_conn_sk_detach(client, &conn->client_cbs);
	if (server)
		slb_conn_sk_detach(server, &conn->server_cbs);
	timer_delete_sync(&conn->timer);

	mutex_lock(&conn->sock_lock);
	conn->client = NULL;
	conn->server = NULL;
	mutex_unlock(&conn->sock_lock);

	slb_relay_purge(conn);
	rtt_us = server ? slb_conn_srtt_us(server) : 0;
	slb_conn_release_sock(client, abort);
	slb_conn_release_sock(server, abort);
	slb_conn_set_state(conn, SPLICELB_CONN_CLOSING);
	if (conn->be)
		slb_backend_conn_done(conn->be, rtt_us);
	atomic_dec(&conn->svc->nconns);
	xa_erase(&conn->sn->conns, conn->id);
	slb_conn_put(conn);
}

/* Close the socket of a connect that failed, if one was made. */
static void slb_conn_drop_server(struct slb_conn *conn)
{
	struct socket *server = conn->server;

	if (!server)
		return;
	slb_conn_sk_detach(server, &conn->server_cbs);
	mutex_lock(&conn->sock_lock);
	conn->server = NULL;
	mutex_unlock(&conn->sock_lock);
	slb_conn_release_sock(server, true);
}

/*
 * Forget the backend whose connect failed, counting it against it if
 * @failed; there is no socket if none was made.
 */
static void slb_conn_drop_backend(struct slb_conn *conn, bool failed)
{
	struct slb_backend *be = conn->be;

	slb_conn_drop_server(conn);
	mutex_lock(&conn->sock_lock);
	conn->be = NULL;
	mutex_unlock(&conn->sock_lock);

	if (failed) {
		slb_stats_inc(&be->stats, SLB_CTR_CONNECT_FAILS);
		slb_stats_inc(&conn->svc->stats, SLB_CTR_CONNECT_FAILS);
		slb_stats_inc(&conn->sn->stats, SLB_CTR_CONNECT_FAILS);
	}
	slb_backend_conn_done(be, 0);
	slb_backend_put(be);
}

/* One try at connecting to @be from where @from says. */
static int slb_conn_connect_from(struct slb_conn *conn, struct slb_backend *be,
				 const struct slb_source_pick *from)
{
	struct socket *sock;
	int ret;

	ret = sock_create_kern(conn->sn->net, be->addr.sa.sa_family,
			       SOCK_STREAM, IPPROTO_TCP, &sock);
	if (ret)
		return ret;
	ret = slb_source_bind(sock, from);
	if (ret) {
		slb_conn_release_sock(sock, true);
		return ret;
	}
	tcp_sock_set_nodelay(sock->sk);
	slb_conn_attach(conn, sock, &conn->server_cbs);
	mutex_lock(&conn->sock_lock);
	conn->server = sock;
	mutex_unlock(&conn->sock_lock);
	conn->connect_start = jiffies;
	conn->connect_start_ns = ktime_get_ns();
	ret = kernel_connect(sock, &be->addr.sa, slb_addr_len(&be->addr),
			     O_NONBLOCK);
	return ret == -EINPROGRESS ? 0 : ret;
}

/*
 * The connect to @be under way, or why not.  -ESTALE, the backend is being
 * deleted; -EAFNOSUPPORT, the source cannot serve this client (a
 * transparent service's accept-proxy header named the other family): the
 * backend is not to blame for either.
 */
static int slb_conn_connect(struct slb_conn *conn, struct slb_backend *be)
{
	struct slb_source_pick from;
	int ret;

	mutex_lock(&conn->sock_lock);
	conn->be = be;
	mutex_unlock(&conn->sock_lock);
	/*
	 * Picked, or granted from the queue, before a deletion that then
	 * could not see it in conn->be to cut it: it must not connect.
	 */
	if (!slb_backend_live(be))
		return -ESTALE;
	slb_service_source_start(conn->svc, &from);
	ret = slb_service_source_next(conn->svc, be->addr.sa.sa_family,
				      &conn->client_addr, &from);
	if (ret)
		return ret;
	for (;;) {
		ret = slb_conn_connect_from(conn, be, &from);
		/*
		 * No port left from this address towards @be, or the host
		 * lost the address: the next, if any.
		 */
		if (ret != -EADDRNOTAVAIL)
			return ret;
		if (slb_service_source_next(conn->svc, be->addr.sa.sa_family,
					    &conn->client_addr, &from))
			return ret;
		slb_conn_drop_server(conn);
	}
}

static unsigned long slb_conn_connect_deadline(struct slb_conn *conn)
{
	int ms = READ_ONCE(conn->sn->tun.connect_timeout_ms);

	return conn->connect_start + msecs_to_jiffies(ms);
}

static unsigned long slb_conn_queue_deadline(struct slb_conn *conn)
{
	u32 ms = READ_ONCE(conn->svc->queue_timeout_ms);

	return conn->queued_at + msecs_to_jiffies(ms);
}

/* The connect to @be, chosen for it, is under way; false if it failed. */
static bool slb_conn_try(struct slb_conn *conn, struct slb_backend *be)
{
	struct slb_pick *pick = &conn->pick;
	bool blamed;
	int ret;

	slb_conn_set_state(conn, SPLICELB_CONN_CONNECTING);
	ret = slb_conn_connect(conn, be);
	if (ret != -ESTALE)
		pick->tried[pick->ntried++] = &be->dest;
	if (!ret) {
		timer_reduce(&conn->timer, slb_conn_connect_deadline(conn));
		return true;
	}
	blamed = ret != -ESTALE && ret != -EAFNOSUPPORT;
	if (blamed)
		slb_health_observe(be, -ret);
	else if (ret == -EAFNOSUPPORT)
		net_info_ratelimited("service %pISpc: client %pISpc: source client cannot bind to it towards backend %pISpc\n",
				     &conn->svc->addr.sa,
				     &conn->client_addr.sa, &be->addr.sa);
	slb_conn_drop_backend(conn, blamed);
	return false;
}

/* Every backend that could take it is full: it waits for a slot. */
static void slb_conn_wait(struct slb_conn *conn)
{
	if (conn->state != SPLICELB_CONN_QUEUED) {
		slb_conn_set_state(conn, SPLICELB_CONN_QUEUED);
		conn->queued_at = jiffies;
	}
	timer_reduce(&conn->timer, slb_conn_queue_deadline(conn));
}

/*
 * Connect to the next backend the scheduler picks, or wait for one.  With
 * none left to try, the connection is closed, the client reset.
 */
static void slb_conn_connect_next(struct slb_conn *conn)
{
	int tries = 1 + READ_ONCE(conn->sn->tun.connect_retries);
	struct slb_backend *be;

	tries = min(tries, SLB_PICK_MAX_TRIES);
	while (conn->pick.ntried < tries) {
		be = slb_service_schedule(conn->svc, &conn->pick);
		if (be == ERR_PTR(-EAGAIN)) {
			slb_conn_wait(conn);
			return;
		}
		if (IS_ERR(be))
			break;
		if (slb_conn_try(conn, be))
			return;
	}
	slb_conn_count_event(conn, SLB_CTR_REFUSED);
	slb_conn_close(conn, true);
}

/*
 * A waiter's client whose FIN came before any byte has given up far more
 * often than it half-closes to hear the server first: its place goes to
 * the next one, as in lbselect.  Nothing has read the socket yet, so its
 * unread sequence space is the FIN alone.
 */
static bool slb_conn_client_gave_up(struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	return READ_ONCE(sk->sk_state) == TCP_CLOSE_WAIT &&
	       READ_ONCE(tp->rcv_nxt) - READ_ONCE(tp->copied_seq) <= 1;
}

/*
 * A waiter's turn: the backend granted it, if any.  A slot granted just
 * as the wait timed out is still taken: the client has waited for it.
 */
static void slb_conn_queued(struct slb_conn *conn)
{
	struct slb_backend *be;

	if (slb_conn_client_gave_up(conn->client->sk)) {
		slb_conn_count_event(conn, SLB_CTR_RESETS);
		slb_conn_close(conn, true);
		return;
	}
	be = slb_service_wait(conn->svc, &conn->pick);

	if (be == ERR_PTR(-EAGAIN)) {
		if (time_before(jiffies, slb_conn_queue_deadline(conn))) {
			slb_conn_wait(conn);
			return;
		}
		be = slb_service_wait_cancel(conn->svc, &conn->pick);
		if (!be) {
			slb_conn_count_event(conn, SLB_CTR_QUEUE_TIMEOUTS);
			slb_conn_close(conn, true);
			return;
		}
	}
	if (IS_ERR(be)) {
		slb_conn_count_event(conn, SLB_CTR_REFUSED);
		slb_conn_close(conn, true);
		return;
	}
	if (!slb_conn_try(conn, be))
		slb_conn_connect_next(conn);
}

/* What least time learns of the backend from a connect that made it. */
static void slb_conn_sample_connect(struct slb_conn *conn)
{
	u64 us = div_u64(ktime_get_ns() - conn->connect_start_ns,
			 NSEC_PER_USEC);

	conn->rtt_sampled = jiffies;
	slb_backend_sample(conn->be, (u32)min_t(u64, us, U32_MAX),
			   slb_conn_srtt_us(conn->server));
}

/* And from its live sockets, about once a second each. */
static void slb_conn_sample_rtt(struct slb_conn *conn)
{
	if (conn->state == SPLICELB_CONN_CONNECTING ||
	    time_before(jiffies, conn->rtt_sampled + HZ))
		return;
	conn->rtt_sampled = jiffies;
	slb_backend_sample(conn->be, 0, slb_conn_srtt_us(conn->server));
}

static unsigned long slb_conn_proxy_deadline(struct slb_conn *conn)
{
	int ms = READ_ONCE(conn->sn->tun.connect_timeout_ms);

	return conn->created + msecs_to_jiffies(ms);
}

/* The client is the one its header names: for the scheduler too. */
static void slb_conn_set_client(struct slb_conn *conn,
				const union slb_addr *client,
				const union slb_addr *local)
{
	mutex_lock(&conn->sock_lock);
	conn->peer_addr = conn->client_addr;
	conn->client_addr = *client;
	conn->local_addr = *local;
	set_bit(SLB_CONN_F_PEER, &conn->flags);
	mutex_unlock(&conn->sock_lock);
	slb_addr_sched_id(&conn->client_addr, conn->pick.client);
}

/*
 * accept-proxy: the client's header comes before a backend is picked,
 * within the connect timeout.  True once it is read; else the client
 * waits for more of it, or was reset.
 */
static bool slb_conn_proxy_read(struct slb_conn *conn)
{
	union slb_addr client = conn->client_addr, local = conn->local_addr;
	bool carried = false;
	int ret;

	ret = slb_proxyhdr_recv(conn->client, &client, &local, &carried);
	if (ret > 0) {
		clear_bit(SLB_CONN_F_PROXY_WAIT, &conn->flags);
		if (carried)
			slb_conn_set_client(conn, &client, &local);
		return true;
	}
	if (!ret) {
		if (time_before(jiffies, slb_conn_proxy_deadline(conn))) {
			timer_reduce(&conn->timer,
				     slb_conn_proxy_deadline(conn));
			return false;
		}
		net_info_ratelimited("splicelb: client %pISpc: no PROXY header in time\n",
				     &conn->client_addr.sa);
		ret = -EPROTO;
	}
	slb_conn_count_event(conn, ret == -EPROTO ? SLB_CTR_PROXY_ERRORS :
						    SLB_CTR_RESETS);
	slb_conn_close(conn, true);
	return false;
}

/* The PROXY header the backend's connection begins with, if it has one. */
static int slb_conn_proxy_send(struct slb_conn *conn)
{
	unsigned int version = slb_backend_proxy(conn->be);
	struct sk_buff *skb;

	if (version == SPLICELB_PROXY_NONE)
		return 0;
	skb = slb_proxyhdr_skb(version, &conn->client_addr, &conn->local_addr,
			       conn->id);
	if (!skb)
		return -ENOMEM;
	slb_relay_send_first(conn, skb);
	return 0;
}

/* Returns true once the backend is connected and the relay may run. */
static bool slb_conn_connecting(struct slb_conn *conn)
{
	struct sock *client = conn->client->sk;
	int state, err;

	if (READ_ONCE(client->sk_err) ||
	    READ_ONCE(client->sk_state) == TCP_CLOSE) {
		slb_conn_count_event(conn, SLB_CTR_RESETS);
		slb_conn_close(conn, true);
		return false;
	}
	if (test_bit(SLB_CONN_F_PROXY_WAIT, &conn->flags) &&
	    !slb_conn_proxy_read(conn))
		return false;
	if (conn->state == SPLICELB_CONN_QUEUED) {
		slb_conn_queued(conn);
		return false;
	}
	if (!conn->server) {
		slb_conn_connect_next(conn);
		return false;
	}

	state = READ_ONCE(conn->server->sk->sk_state);
	if (state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT) {
		slb_conn_set_state(conn, SPLICELB_CONN_ESTABLISHED);
		slb_stats_inc(&conn->be->stats, SLB_CTR_CONNS_TOTAL);
		conn->last_active = jiffies;
		slb_conn_sample_connect(conn);
		slb_health_observe(conn->be, 0);
		if (slb_conn_proxy_send(conn)) {
			slb_conn_count_event(conn, SLB_CTR_RESETS);
			slb_conn_close(conn, true);
			return false;
		}
		return true;
	}
	if (state == TCP_SYN_SENT &&
	    time_before(jiffies, slb_conn_connect_deadline(conn))) {
		timer_reduce(&conn->timer, slb_conn_connect_deadline(conn));
		return false;
	}
	/* Refused, unreachable, or no answer in time: the next one. */
	err = READ_ONCE(conn->server->sk->sk_err);
	net_dbg_ratelimited("splicelb: backend %pISpc: connect failed (%d)\n",
			    &conn->be->addr.sa, -err);
	slb_health_observe(conn->be, err ?: ETIMEDOUT);
	slb_conn_drop_backend(conn, true);
	slb_conn_connect_next(conn);
	return false;
}

/* When the current state times out; 0 when it cannot. */
static unsigned long slb_conn_deadline(struct slb_conn *conn)
{
	const struct slb_tunables *t = &conn->sn->tun;
	unsigned long since = max(conn->last_active, conn->state_since);
	int secs;

	switch (conn->state) {
	case SPLICELB_CONN_CLIENT_FIN:
		secs = READ_ONCE(t->client_fin_timeout_s);
		break;
	case SPLICELB_CONN_SERVER_FIN:
		secs = READ_ONCE(t->server_fin_timeout_s);
		break;
	default:
		secs = READ_ONCE(t->idle_timeout_s);
		since = conn->last_active;
		break;
	}
	return secs ? since + secs * HZ : 0;
}

static void slb_conn_follow_fins(struct slb_conn *conn)
{
	if (conn->state != SPLICELB_CONN_ESTABLISHED)
		return;
	if (conn->up.eof)
		slb_conn_set_state(conn, SPLICELB_CONN_CLIENT_FIN);
	else if (conn->down.eof)
		slb_conn_set_state(conn, SPLICELB_CONN_SERVER_FIN);
}

static void slb_conn_relay(struct slb_conn *conn)
{
	unsigned long deadline;

	switch (slb_relay_run(conn, slb_sysctl_limit(conn->sn, relay_quantum))) {
	case SLB_RELAY_DONE:
		slb_conn_close(conn, false);
		return;
	case SLB_RELAY_RESET:
		slb_conn_count_event(conn, SLB_CTR_RESETS);
		slb_conn_close(conn, true);
		return;
	case SLB_RELAY_AGAIN:
		/* Let other connections have their turn first. */
		slb_conn_queue(conn);
		break;
	case SLB_RELAY_WAIT:
		break;
	}
	slb_conn_sample_rtt(conn);
	slb_conn_follow_fins(conn);
	deadline = slb_conn_deadline(conn);
	if (!deadline)
		return;
	if (time_after_eq(jiffies, deadline)) {
		slb_conn_count_event(conn, SLB_CTR_TIMEOUTS);
		slb_conn_close(conn, true);
		return;
	}
	/* A later deadline is picked up when the earlier timer fires. */
	timer_reduce(&conn->timer, deadline);
}

static void slb_conn_step(struct slb_conn *conn)
{
	if (test_bit(SLB_CONN_F_CUT, &conn->flags)) {
		slb_conn_close(conn, true);
		return;
	}
	if ((conn->state == SPLICELB_CONN_CONNECTING ||
	     conn->state == SPLICELB_CONN_QUEUED) &&
	    !slb_conn_connecting(conn))
		return;
	slb_conn_relay(conn);
}

static void slb_conn_work(struct work_struct *work)
{
	struct slb_conn *conn = container_of(work, struct slb_conn, work);
	struct mem_cgroup *old;

	/* The backend's socket is charged as the connection was. */
	old = set_active_memcg(conn->svc->memcg);
	if (!test_bit(SLB_CONN_F_DEAD, &conn->flags))
		slb_conn_step(conn);
	set_active_memcg(old);
	slb_conn_put(conn);
}

static void slb_conn_pick_wake(struct slb_pick *pick)
{
	slb_conn_queue(container_of(pick, struct slb_conn, pick));
}

static void slb_conn_timer(struct timer_list *t)
{
	struct slb_conn *conn = from_timer(conn, t, timer);

	slb_conn_queue(conn);
}

static bool slb_conn_admit(struct slb_service *svc)
{
	struct slb_net *sn = svc->sn;
	int max = slb_sysctl_limit(sn, max_conns);

	if (READ_ONCE(sn->dying) || READ_ONCE(svc->dead))
		return false;
	if (max && atomic_read(&sn->nconns) >= max)
		return false;
	return !svc->maxconn || atomic_read(&svc->nconns) < svc->maxconn;
}

/* Published in the table only once complete: dumps may find it at once. */
static struct slb_conn *slb_conn_alloc(struct slb_service *svc,
				       struct socket *client)
{
	struct slb_net *sn = svc->sn;
	struct slb_conn *conn;
	int ret;

	conn = kmem_cache_zalloc(slb_conn_cache, GFP_KERNEL_ACCOUNT);
	if (!conn)
		return ERR_PTR(-ENOMEM);
	/* Fail only for a client that has already reset. */
	ret = kernel_getpeername(client, &conn->client_addr.sa);
	if (ret >= 0)
		ret = kernel_getsockname(client, &conn->local_addr.sa);
	if (ret < 0)
		goto err_free;
	if (READ_ONCE(svc->accept_proxy))
		__set_bit(SLB_CONN_F_PROXY_WAIT, &conn->flags);
	refcount_set(&conn->refcnt, 1);
	conn->sn = sn;
	conn->svc = svc;
	conn->client = client;
	slb_addr_sched_id(&conn->client_addr, conn->pick.client);
	INIT_LIST_HEAD(&conn->pick.node);
	conn->pick.wake = slb_conn_pick_wake;
	mutex_init(&conn->sock_lock);
	INIT_WORK(&conn->work, slb_conn_work);
	timer_setup(&conn->timer, slb_conn_timer, 0);
	__skb_queue_head_init(&conn->up.pending);
	__skb_queue_head_init(&conn->down.pending);
	conn->created = jiffies;
	conn->last_active = jiffies;
	conn->state_since = jiffies;
	conn->state = SPLICELB_CONN_CONNECTING;
	slb_service_get(svc);
	atomic_inc(&sn->nconns);
	atomic_inc(&svc->nconns);
	ret = xa_alloc_cyclic(&sn->conns, &conn->id, conn, xa_limit_32b,
			      &sn->next_conn_id, GFP_KERNEL_ACCOUNT);
	if (ret < 0)
		goto err_unaccount;
	return conn;

err_unaccount:
	atomic_dec(&svc->nconns);
	if (atomic_dec_and_test(&sn->nconns))
		wake_up_var(&sn->nconns);
	slb_service_put(svc);
err_free:
	kmem_cache_free(slb_conn_cache, conn);
	return ERR_PTR(ret);
}

/* A client turned away by a limit or for want of memory, or already gone. */
static void slb_conn_turn_away(struct slb_service *svc, struct socket *client,
			       int err)
{
	if (err == -ENOTCONN) {
		slb_stats_inc(&svc->stats, SLB_CTR_RESETS);
		slb_stats_inc(&svc->sn->stats, SLB_CTR_RESETS);
	} else {
		slb_stats_inc(&svc->stats, SLB_CTR_REFUSED);
		slb_stats_inc(&svc->sn->stats, SLB_CTR_REFUSED);
	}
	slb_conn_release_sock(client, true);
}

void slb_conn_start(struct slb_service *svc, struct socket *client)
{
	struct slb_conn *conn;

	if (!slb_conn_admit(svc)) {
		slb_conn_turn_away(svc, client, -EBUSY);
		return;
	}
	conn = slb_conn_alloc(svc, client);
	if (IS_ERR(conn)) {
		slb_conn_turn_away(svc, client, PTR_ERR(conn));
		return;
	}
	slb_stats_inc(&svc->stats, SLB_CTR_CONNS_TOTAL);
	slb_stats_inc(&svc->sn->stats, SLB_CTR_CONNS_TOTAL);
	slb_stats_gauge_add(&svc->stats, SLB_CTR_CONNS_INACTIVE, 1);
	slb_stats_gauge_add(&svc->sn->stats, SLB_CTR_CONNS_INACTIVE, 1);
	tcp_sock_set_nodelay(client->sk);
	slb_conn_attach(conn, client, &conn->client_cbs);
	/* The backend connect happens in the work, like everything else. */
	slb_conn_queue(conn);
}

struct slb_conn *slb_conn_next(struct slb_net *sn, unsigned long *id)
{
	struct slb_conn *conn;

	rcu_read_lock();
	while ((conn = xa_find(&sn->conns, id, ULONG_MAX, XA_PRESENT))) {
		if (refcount_inc_not_zero(&conn->refcnt))
			break;
		(*id)++;
	}
	rcu_read_unlock();
	return conn;
}

static void slb_conn_leg_info(struct socket *sock, u32 *rtt_us, u32 *retrans)
{
	const struct tcp_sock *tp;

	if (!sock)
		return;
	tp = tcp_sk(sock->sk);
	*rtt_us = READ_ONCE(tp->srtt_us) >> 3;
	*retrans = READ_ONCE(tp->total_retrans);
}

void slb_conn_fill_info(struct slb_conn *conn, struct slb_conn_info *info)
{
	memset(info, 0, sizeof(*info));
	info->id = conn->id;
	info->state = READ_ONCE(conn->state);
	info->service = conn->svc->addr;
	info->age_ms = jiffies_to_msecs(jiffies - conn->created);
	info->bytes_in = READ_ONCE(conn->up.bytes);
	info->bytes_out = READ_ONCE(conn->down.bytes);

	mutex_lock(&conn->sock_lock);
	info->client = conn->client_addr;
	if (test_bit(SLB_CONN_F_PEER, &conn->flags)) {
		info->has_peer = true;
		info->peer = conn->peer_addr;
	}
	if (conn->be) {
		info->has_backend = true;
		info->backend = conn->be->addr;
	}
	slb_conn_leg_info(conn->client, &info->client_rtt_us,
			  &info->client_retrans);
	slb_conn_leg_info(conn->server, &info->backend_rtt_us,
			  &info->backend_retrans);
	mutex_unlock(&conn->sock_lock);
}

/* One walk, however many connections: callers cut whole sets at once. */
void slb_conn_cut(struct slb_net *sn, struct slb_service *svc,
		  struct slb_backend *be)
{
	struct slb_conn *conn;
	unsigned long id = 0;

	while ((conn = slb_conn_next(sn, &id))) {
		if ((!svc || conn->svc == svc) &&
		    (!be || READ_ONCE(conn->be) == be)) {
			set_bit(SLB_CONN_F_CUT, &conn->flags);
			slb_conn_queue(conn);
		}
		slb_conn_put(conn);
		id++;
		cond_resched();
	}
}

void slb_conn_flush_net(struct slb_net *sn)
{
	WRITE_ONCE(sn->dying, true);
	slb_conn_cut(sn, NULL, NULL);
	/*
	 * A variable's wait queue is not in *sn: the last connection's
	 * wake-up may come after this returns and sn is freed.
	 */
	wait_var_event(&sn->nconns, !atomic_read(&sn->nconns));
}

int slb_conn_init(void)
{
	slb_conn_cache = KMEM_CACHE(slb_conn, SLAB_ACCOUNT);
	if (!slb_conn_cache)
		return -ENOMEM;
	slb_wq = alloc_workqueue("splicelb", 0, 0);
	if (!slb_wq) {
		kmem_cache_destroy(slb_conn_cache);
		return -ENOMEM;
	}
	return 0;
}

void slb_conn_uninit(void)
{
	destroy_workqueue(slb_wq);
	/* The last connections' memory is freed after a grace period. */
	rcu_barrier();
	kmem_cache_destroy(slb_conn_cache);
}
