// SPDX-License-Identifier: GPL-2.0
/*
 * The PROXY protocol on kernel sockets: the header read from a client of an
 * accept-proxy service, and the one sent first to a backend.  The format is
 * lib/proxy.c's; this is the part that touches sockets and addresses.
 *
 * A client's header is peeked at and consumed only once whole, so that not
 * one byte of what follows it is read here: the relay finds the client's
 * stream as it would without a header, and moves it by reference.  Peeks
 * grow as the header tells its length, so a v1 line costs one of at most
 * 107 bytes, a v2 header two.
 */
#include <linux/net.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "proxy.h"
#include "proxyhdr.h"

static void slb_proxyhdr_put_addr(const union slb_addr *a, u8 *ip, u16 *port)
{
	if (a->sa.sa_family == AF_INET6) {
		memcpy(ip, &a->in6.sin6_addr, sizeof(a->in6.sin6_addr));
		*port = ntohs(a->in6.sin6_port);
	} else {
		memcpy(ip, &a->in.sin_addr, sizeof(a->in.sin_addr));
		*port = ntohs(a->in.sin_port);
	}
}

static void slb_proxyhdr_get_addr(u8 family, const u8 *ip, u16 port,
				  union slb_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (family == SLB_PROXY_AF_INET6) {
		a->in6.sin6_family = AF_INET6;
		memcpy(&a->in6.sin6_addr, ip, sizeof(a->in6.sin6_addr));
		a->in6.sin6_port = htons(port);
	} else {
		a->in.sin_family = AF_INET;
		memcpy(&a->in.sin_addr, ip, sizeof(a->in.sin_addr));
		a->in.sin_port = htons(port);
	}
}

/* Up to @len bytes of what @sock holds, left in place: -EAGAIN if none. */
static int slb_proxyhdr_peek(struct socket *sock, u8 *buf, size_t len)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct kvec vec = { .iov_base = buf, .iov_len = len };

	return kernel_recvmsg(sock, &msg, &vec, 1, len,
			      MSG_PEEK | MSG_DONTWAIT);
}

/* Takes the @len bytes peeked at off the stream. */
static int slb_proxyhdr_consume(struct socket *sock, u8 *buf, size_t len)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct kvec vec = { .iov_base = buf, .iov_len = len };
	int ret;

	ret = kernel_recvmsg(sock, &msg, &vec, 1, len, MSG_DONTWAIT);
	if (ret < 0)
		return ret;
	return ret == len ? 0 : -EIO;
}

static int slb_proxyhdr_refuse(const union slb_addr *from, int err)
{
	net_info_ratelimited("splicelb: client %pISpc: %s\n", &from->sa,
			     slb_proxy_strerror(err));
	return -EPROTO;
}

/*
 * The header's length, 0 while more must come, or a negative errno; the
 * bytes peeked at in @buf.
 */
static int slb_proxyhdr_scan(struct socket *sock, u8 *buf,
			     const union slb_addr *from,
			     struct slb_proxy_hdr *hdr)
{
	size_t want = SLB_PROXY_V1_MAX;
	int got, ret, need;

	for (;;) {
		got = slb_proxyhdr_peek(sock, buf, want);
		if (got == -EAGAIN)
			return 0;
		if (got < 0)
			return got;
		if (!got)
			return slb_proxyhdr_refuse(from, SLB_PROXY_ERR_SIGNATURE);
		ret = slb_proxy_parse(buf, got, SLB_PROXYHDR_RECV_MAX, hdr);
		if (ret)
			return ret > 0 ? ret : slb_proxyhdr_refuse(from, ret);
		/* A peek takes all there is: a short one waits for more. */
		if (got < want) {
			if (READ_ONCE(sock->sk->sk_shutdown) & RCV_SHUTDOWN)
				return slb_proxyhdr_refuse(from,
							   SLB_PROXY_ERR_SIGNATURE);
			return 0;
		}
		need = slb_proxy_need(buf, got);
		if (need <= got)
			return slb_proxyhdr_refuse(from, need < 0 ? need :
						   SLB_PROXY_ERR_V2);
		want = min(need, SLB_PROXYHDR_RECV_MAX);
	}
}

int slb_proxyhdr_recv(struct socket *sock, union slb_addr *client,
		      union slb_addr *local, bool *carried)
{
	struct slb_proxy_hdr hdr;
	const struct slb_proxy_addr *a = &hdr.addr;
	u8 *buf;
	int ret;

	buf = kmalloc(SLB_PROXYHDR_RECV_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = slb_proxyhdr_scan(sock, buf, client, &hdr);
	if (ret <= 0)
		goto out;
	ret = slb_proxyhdr_consume(sock, buf, ret);
	if (ret)
		goto out;
	*carried = a->family != SLB_PROXY_AF_NONE;
	if (*carried) {
		slb_proxyhdr_get_addr(a->family, a->src, a->src_port, client);
		slb_proxyhdr_get_addr(a->family, a->dst, a->dst_port, local);
	}
	ret = 1;
out:
	kfree(buf);
	return ret;
}

struct sk_buff *slb_proxyhdr_skb(unsigned int version,
				 const union slb_addr *client,
				 const union slb_addr *local, u32 id)
{
	struct slb_proxy_addr a = {};
	struct sk_buff *skb;
	char uid[12];
	size_t len;
	int uid_len;

	/* A client and the address it reached are of one family. */
	a.family = client->sa.sa_family == AF_INET6 ? SLB_PROXY_AF_INET6 :
						      SLB_PROXY_AF_INET;
	slb_proxyhdr_put_addr(client, a.src, &a.src_port);
	slb_proxyhdr_put_addr(local, a.dst, &a.dst_port);
	uid_len = snprintf(uid, sizeof(uid), "%u", id);

	skb = alloc_skb(SLB_PROXY_WRITE_MAX, GFP_KERNEL_ACCOUNT);
	if (!skb)
		return NULL;
	len = slb_proxy_write(skb->data, SLB_PROXY_WRITE_MAX, version, &a,
			      (const u8 *)uid, uid_len);
	if (!len) {
		kfree_skb(skb);
		return NULL;
	}
	skb_put(skb, len);
	return skb;
}
