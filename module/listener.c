// SPDX-License-Identifier: GPL-2.0
/*
 * A service's listening socket, created in the kernel, and accepting.
 *
 * The listener's sk_data_ready only queues the accept work.  TCP copies a
 * listener's callbacks into every child it creates, so a child that
 * receives data before it is accepted calls ours too: the user data is set
 * with SK_USER_DATA_NOCOPY so that children see none, and the callback
 * ignores a socket that has no service or is not listening.  Every child
 * gets the original callback back the moment it is accepted.
 */
#include <linux/net.h>
#include <linux/sched/mm.h>
#include <net/inet_connection_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "compat.h"
#include "conn.h"
#include "listener.h"
#include "netns.h"
#include "service.h"

/* Accepts per run of the work, so that relaying gets its turn. */
#define SLB_ACCEPT_BATCH	64

static void slb_listener_data_ready(struct sock *sk)
{
	struct slb_service *svc;

	read_lock_bh(&sk->sk_callback_lock);
	rcu_read_lock();
	svc = rcu_dereference_sk_user_data(sk);
	if (svc && READ_ONCE(sk->sk_state) == TCP_LISTEN)
		queue_work(slb_wq, &svc->accept_work);
	rcu_read_unlock();
	read_unlock_bh(&sk->sk_callback_lock);
}

static void slb_listener_adopt(struct slb_service *svc, struct socket *child)
{
	struct sock *sk = child->sk;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_data_ready = svc->listener_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
}

/* True if the batch ran out with clients still waiting. */
static bool slb_listener_accept_batch(struct slb_service *svc)
{
	struct socket *client;
	int i, ret;

	for (i = 0; i < SLB_ACCEPT_BATCH; i++) {
		ret = kernel_accept(svc->listener, &client, O_NONBLOCK);
		if (ret == -EAGAIN)
			return false;
		if (ret) {
			/* The next connection attempt wakes us again. */
			net_warn_ratelimited("splicelb: service %pISpc: accept: %d\n",
					     &svc->addr.sa, ret);
			return false;
		}
		slb_listener_adopt(svc, client);
		slb_conn_start(svc, client);
	}
	return true;
}

static void slb_listener_accept_work(struct work_struct *work)
{
	struct slb_service *svc = container_of(work, struct slb_service,
					       accept_work);
	struct mem_cgroup *old;

	/* A kworker belongs to no tenant: charge whoever added the service. */
	old = set_active_memcg(svc->memcg);
	if (slb_listener_accept_batch(svc))
		queue_work(slb_wq, work);
	set_active_memcg(old);
}

int slb_listener_open(struct slb_service *svc, struct netlink_ext_ack *extack)
{
	struct socket *sock;
	struct sock *sk;
	int ret;

	ret = sock_create_kern(svc->sn->net, svc->addr.sa.sa_family,
			       SOCK_STREAM, IPPROTO_TCP, &sock);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "cannot create the listening socket");
		return ret;
	}
	sk = sock->sk;
	sock_set_reuseaddr(sk);
	/* A service may be configured before its address is up. */
	ip_sock_set_freebind(sk);
	if (svc->addr.sa.sa_family == AF_INET6)
		ip6_sock_set_v6only(sk);
	tcp_sock_set_nodelay(sk);
	ret = kernel_bind(sock, &svc->addr.sa, slb_addr_len(&svc->addr));
	if (ret) {
		SLB_SET_ERR_MSG_FMT(extack, "cannot bind the service's address",
				    "cannot bind service %pISpc: %d",
				    &svc->addr.sa, ret);
		goto err_release;
	}
	ret = kernel_listen(sock, svc->backlog);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "cannot listen");
		goto err_release;
	}
	INIT_WORK(&svc->accept_work, slb_listener_accept_work);
	write_lock_bh(&sk->sk_callback_lock);
	svc->listener_data_ready = sk->sk_data_ready;
	__rcu_assign_sk_user_data_with_flags(sk, svc, SK_USER_DATA_NOCOPY);
	sk->sk_data_ready = slb_listener_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	svc->listener = sock;
	return 0;

err_release:
	sock_release(sock);
	return ret;
}

void slb_listener_close(struct slb_service *svc)
{
	struct sock *sk = svc->listener->sk;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_data_ready = svc->listener_data_ready;
	rcu_assign_sk_user_data(sk, NULL);
	write_unlock_bh(&sk->sk_callback_lock);
	cancel_work_sync(&svc->accept_work);
	/* Children not yet accepted are reset by the release. */
	sock_release(svc->listener);
	svc->listener = NULL;
}

int slb_listener_set_backlog(struct slb_service *svc, u32 backlog)
{
	/* listen(2) on a listening socket only changes its backlog. */
	return kernel_listen(svc->listener, backlog);
}
