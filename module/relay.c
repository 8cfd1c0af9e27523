// SPDX-License-Identifier: GPL-2.0
/*
 * Moving bytes between the two sockets of a connection, in both directions.
 *
 *   client ── tcp_read_sock ──> clones ── skb_send_sock_locked ──> server
 *          <── skb_send_sock_locked ── clones <── tcp_read_sock ──
 *
 * Reading takes the source's socket lock, sending the destination's, never
 * both at once.  The read actor keeps a clone of each receive skb, which
 * shares its data: page fragments travel to the destination by reference
 * (sendpage on 6.1, MSG_SPLICE_PAGES on 6.12) and only the bytes in the
 * linear head are copied, inside the kernel.
 *
 * Backpressure: a direction reads only when the destination is writeable as
 * poll(2) would see it, and no more than its free send space; otherwise it
 * sets SOCK_NOSPACE so that the destination's sk_write_space wakes it, and
 * the data stays in the source's receive queue, where it closes the TCP
 * window.  So a connection holds at most about one send buffer beyond what
 * the two sockets themselves hold, whatever the speeds of its peers.
 *
 * Half-close: the FIN of a source becomes SHUT_WR on the destination once
 * everything read before it has been sent; the other direction goes on.
 */
#include <linux/net.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "backend.h"
#include "conn.h"
#include "netns.h"
#include "relay.h"
#include "service.h"

/* Where in the shared data a pending clone's unsent bytes are. */
struct slb_relay_cb {
	u32 offset;
	u32 len;
};

static struct slb_relay_cb *slb_relay_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct slb_relay_cb) > sizeof(skb->cb));
	return (struct slb_relay_cb *)skb->cb;
}

static int slb_relay_recv_actor(read_descriptor_t *desc, struct sk_buff *skb,
				unsigned int offset, size_t len)
{
	struct slb_pipe *pipe = desc->arg.data;
	size_t take = min(len, desc->count);
	struct sk_buff *clone;

	/* tcp_read_sock offers the rest of a partly read skb once more. */
	if (!take)
		return 0;
	clone = skb_clone(skb, GFP_KERNEL);
	if (unlikely(!clone)) {
		desc->error = -ENOMEM;
		return 0;
	}
	slb_relay_cb(clone)->offset = offset;
	slb_relay_cb(clone)->len = take;
	__skb_queue_tail(&pipe->pending, clone);
	pipe->pending_bytes += take;
	desc->count -= take;
	return take;
}

/*
 * Read up to @space bytes from @src into @pipe.  Returns the bytes read, or
 * a negative errno when the source failed.
 */
static int slb_relay_read(struct slb_pipe *pipe, struct socket *src,
			  size_t space)
{
	read_descriptor_t desc = { .count = space, .arg.data = pipe };
	struct sock *sk = src->sk;
	int ret;

	lock_sock(sk);
	if (sk->sk_err) {
		ret = -sk->sk_err;
		goto out;
	}
	ret = src->ops->read_sock(sk, &desc, slb_relay_recv_actor);
	if (desc.error)
		ret = desc.error;
	/* TCP processes a FIN only in order: nothing may follow it. */
	if ((sk->sk_shutdown & RCV_SHUTDOWN) &&
	    skb_queue_empty(&sk->sk_receive_queue))
		pipe->eof = true;
out:
	release_sock(sk);
	return ret;
}

/* Bytes of [off, off + len) of @skb's data that lie in linear heads. */
static u32 slb_relay_linear_bytes(const struct sk_buff *skb, u32 off, u32 len)
{
	u32 head = skb_headlen(skb), end = off + len, pos, linear = 0;
	const struct sk_buff *frag;

	if (off < head)
		linear = min(end, head) - off;
	pos = head;
	for (int i = 0; i < skb_shinfo(skb)->nr_frags; i++)
		pos += skb_frag_size(&skb_shinfo(skb)->frags[i]);
	skb_walk_frags(skb, frag) {
		u32 lo = max(off, pos), hi = min(end, pos + frag->len);

		if (lo < hi)
			linear += slb_relay_linear_bytes(frag, lo - pos, hi - lo);
		pos += frag->len;
	}
	return linear;
}

static void slb_relay_account(struct slb_conn *conn, struct slb_pipe *pipe,
			      u32 sent, u32 copied)
{
	enum slb_counter dir = pipe == &conn->up ? SLB_CTR_BYTES_IN :
						    SLB_CTR_BYTES_OUT;
	struct slb_stats *all[] = {
		&conn->svc->stats, &conn->be->stats, &conn->sn->stats
	};

	pipe->bytes += sent;
	for (int i = 0; i < ARRAY_SIZE(all); i++) {
		slb_stats_add(all[i], dir, sent);
		slb_stats_add(all[i], SLB_CTR_BYTES_BY_REF, sent - copied);
		slb_stats_add(all[i], SLB_CTR_BYTES_COPIED, copied);
	}
}

/*
 * Send what @pipe holds to @dst.  Returns 0 when all of it went, -EAGAIN
 * when the destination is full (SOCK_NOSPACE is then set, so its
 * sk_write_space will requeue us), another negative errno when it failed.
 */
static int slb_relay_send(struct slb_conn *conn, struct slb_pipe *pipe,
			  struct socket *dst)
{
	struct sock *sk = dst->sk;
	u32 sent = 0, copied = 0;
	struct sk_buff *skb;
	int ret = 0;

	lock_sock(sk);
	while ((skb = skb_peek(&pipe->pending))) {
		struct slb_relay_cb *cb = slb_relay_cb(skb);

		ret = skb_send_sock_locked(sk, skb, cb->offset, cb->len);
		if (ret <= 0) {
			ret = ret ?: -EAGAIN;
			break;
		}
		copied += slb_relay_linear_bytes(skb, cb->offset, ret);
		sent += ret;
		pipe->pending_bytes -= ret;
		cb->offset += ret;
		cb->len -= ret;
		if (cb->len) {
			ret = -EAGAIN;
			break;
		}
		__skb_unlink(skb, &pipe->pending);
		consume_skb(skb);
		ret = 0;
	}
	release_sock(sk);
	if (sent)
		slb_relay_account(conn, pipe, sent, copied);
	return ret;
}

/*
 * Writeable as poll(2) has it.  When not, SOCK_NOSPACE is set before a
 * second look, so that space freed in between still wakes us.
 */
static bool slb_relay_writeable(struct socket *dst)
{
	struct sock *sk = dst->sk;

	if (sk_stream_is_writeable(sk))
		return true;
	set_bit(SOCK_NOSPACE, &dst->flags);
	/* Pairs with the smp_mb() in tcp_check_space() before its test. */
	smp_mb__after_atomic();
	return sk_stream_is_writeable(sk);
}

/*
 * One direction, up to @quantum bytes read.  Returns the bytes read, or a
 * negative errno when a socket failed; sets *more when the quantum ran out
 * with more to do.
 */
static int slb_relay_dir(struct slb_conn *conn, struct slb_pipe *pipe,
			 struct socket *src, struct socket *dst, int quantum,
			 bool *more)
{
	int moved = 0, ret;

	for (;;) {
		if (pipe->pending_bytes) {
			ret = slb_relay_send(conn, pipe, dst);
			if (ret == -EAGAIN)
				break;
			if (ret < 0)
				return ret;
		}
		if (pipe->eof) {
			if (!pipe->shut) {
				ret = kernel_sock_shutdown(dst, SHUT_WR);
				if (ret < 0 && ret != -ENOTCONN)
					return ret;
				pipe->shut = true;
			}
			break;
		}
		if (moved >= quantum) {
			*more = true;
			break;
		}
		if (!slb_relay_writeable(dst))
			break;
		ret = slb_relay_read(pipe, src,
				     min(sk_stream_wspace(dst->sk),
					 quantum - moved));
		if (ret < 0)
			return ret;
		if (!ret && !pipe->eof)
			break;
		moved += ret;
	}
	return moved;
}

enum slb_relay_status slb_relay_run(struct slb_conn *conn, int quantum)
{
	bool more = false;
	int up, down;

	up = slb_relay_dir(conn, &conn->up, conn->client, conn->server,
			   quantum, &more);
	if (up < 0)
		return SLB_RELAY_RESET;
	down = slb_relay_dir(conn, &conn->down, conn->server, conn->client,
			     quantum, &more);
	if (down < 0)
		return SLB_RELAY_RESET;
	if (up || down)
		conn->last_active = jiffies;
	/* A peer that fully closed resets what we send it later. */
	if (conn->client->sk->sk_err || conn->server->sk->sk_err)
		return SLB_RELAY_RESET;
	if (conn->up.shut && conn->down.shut)
		return SLB_RELAY_DONE;
	return more ? SLB_RELAY_AGAIN : SLB_RELAY_WAIT;
}

void slb_relay_send_first(struct slb_conn *conn, struct sk_buff *skb)
{
	slb_relay_cb(skb)->offset = 0;
	slb_relay_cb(skb)->len = skb->len;
	__skb_queue_head(&conn->up.pending, skb);
	conn->up.pending_bytes += skb->len;
}

void slb_relay_purge(struct slb_conn *conn)
{
	__skb_queue_purge(&conn->up.pending);
	__skb_queue_purge(&conn->down.pending);
	conn->up.pending_bytes = 0;
	conn->down.pending_bytes = 0;
}
