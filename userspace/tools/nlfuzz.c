// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nlfuzz: send hand-made malformed requests to the "splicelb" generic
 * netlink family and check that each gets a clean error, with an extended
 * ack message where the kernel words one (the policies and splicelb do;
 * a few checks of the netlink core give only an errno).
 *
 *   nlfuzz            the fixed cases, KTAP-like lines, exit 1 on a failure
 *   nlfuzz -r N [-S SEED]
 *                     also N random mutations of valid requests: each must
 *                     be answered (error or ack); ends with a flush
 *
 * Messages are built by hand, byte by byte, not with libmnl: the point is
 * to send what a library would refuse to build.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "uapi/linux/splicelb.h"

#define BUFSZ 70000

static int sk;
static uint16_t family;
static uint32_t seq = 1;
static int failures, ncase;

struct msg {
	unsigned char buf[BUFSZ];
	size_t len;
	size_t nest[16];
	int depth;
};

static struct msg m;

static void m_init(uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = (void *)m.buf;
	struct genlmsghdr *g = (void *)(m.buf + NLMSG_HDRLEN);

	memset(&m, 0, sizeof(m));
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++seq;
	g->cmd = cmd;
	g->version = SPLICELB_GENL_VERSION;
	m.len = NLMSG_HDRLEN + GENL_HDRLEN;
}

/* An attribute of any length, even one that lies about it. */
static void m_raw(uint16_t type, uint16_t nla_len, const void *d, size_t len)
{
	struct nlattr *a = (void *)(m.buf + m.len);

	a->nla_type = type;
	a->nla_len = nla_len;
	if (len)
		memcpy(m.buf + m.len + NLA_HDRLEN, d, len);
	m.len += NLA_ALIGN(NLA_HDRLEN + len);
}

static void m_put(uint16_t type, const void *d, size_t len)
{
	m_raw(type, (uint16_t)(NLA_HDRLEN + len), d, len);
}

static void m_u8(uint16_t type, uint8_t v)
{
	m_put(type, &v, 1);
}

static void m_u16(uint16_t type, uint16_t v)
{
	m_put(type, &v, 2);
}

static void m_u32(uint16_t type, uint32_t v)
{
	m_put(type, &v, 4);
}

static void m_str(uint16_t type, const char *s)
{
	m_put(type, s, strlen(s) + 1);
}

static void m_nest(uint16_t type)
{
	m.nest[m.depth++] = m.len;
	m_raw(type | NLA_F_NESTED, NLA_HDRLEN, NULL, 0);
}

static void m_end(void)
{
	size_t start = m.nest[--m.depth];
	struct nlattr *a = (void *)(m.buf + start);

	a->nla_len = (uint16_t)(m.len - start);
}

static void m_ep4(uint16_t type, const char *ip, uint16_t port)
{
	struct in_addr a;

	inet_pton(AF_INET, ip, &a);
	m_nest(type);
	m_u16(SPLICELB_EP_A_FAMILY, AF_INET);
	m_put(SPLICELB_EP_A_ADDR, &a, 4);
	m_u16(SPLICELB_EP_A_PORT, port);
	m_end();
}

#define SVC_IP "127.0.0.1"
#define SVC_PORT 18080
#define BE_IP "127.0.0.1"
#define BE_PORT 18081

static void m_svc(void)
{
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT);
	m_end();
}

static void m_be(void)
{
	m_nest(SPLICELB_A_BACKEND);
	m_ep4(SPLICELB_BE_A_EP, BE_IP, BE_PORT);
	m_end();
}

struct reply {
	bool got;
	int error;
	char msg[256];
};

static void parse_tlvs(const unsigned char *p, size_t len, struct reply *r)
{
	const struct nlattr *a;

	while (len >= NLA_HDRLEN) {
		a = (const void *)p;
		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			snprintf(r->msg, sizeof(r->msg), "%.*s",
				 (int)(a->nla_len - NLA_HDRLEN),
				 (const char *)p + NLA_HDRLEN);
		if ((size_t)NLA_ALIGN(a->nla_len) >= len)
			return;
		len -= (size_t)NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
}

/* Send @len bytes of m.buf (nlmsg_len as set, or m.len); read the answer. */
static void send_raw(size_t len, bool fix_len, struct reply *r)
{
	struct nlmsghdr *nlh = (void *)m.buf;
	static unsigned char rx[65536];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	uint32_t want = nlh->nlmsg_seq;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	if (fix_len)
		nlh->nlmsg_len = (uint32_t)m.len;
	if (sendto(sk, m.buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r->got = true;
		r->error = -errno;
		snprintf(r->msg, sizeof(r->msg), "(send: %s)", strerror(errno));
		return;
	}
	for (;;) {
		n = recv(sk, rx, sizeof(rx), 0);
		if (n < 0)
			return;		/* timed out: no answer */
		for (nlh = (void *)rx; NLMSG_OK(nlh, (size_t)n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			const struct nlmsgerr *e = NLMSG_DATA(nlh);

			if (nlh->nlmsg_seq != want)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE) {
				r->got = true;
				memcpy(&r->error, NLMSG_DATA(nlh), sizeof(int));
				if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
					parse_tlvs((const unsigned char *)
						   NLMSG_DATA(nlh) + sizeof(int),
						   nlh->nlmsg_len - NLMSG_HDRLEN -
						   sizeof(int), r);
				return;
			}
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			r->got = true;
			r->error = e->error;
			if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
				parse_tlvs((const unsigned char *)e + sizeof(*e),
					   nlh->nlmsg_len - NLMSG_HDRLEN -
					   sizeof(*e), r);
			return;
		}
	}
}

static void send_msg(struct reply *r)
{
	send_raw(m.len, true, r);
}

enum expect {
	EXPECT_MSG,		/* an error with an extack message */
	EXPECT_ERR,		/* an error; the core may give no message */
	EXPECT_ERR_OR_SILENCE,	/* the core drops it, or refuses it */
	EXPECT_OK,		/* a valid request, for the setup */
};

static void verdict(const char *name, enum expect ex, int want_errno,
		    const struct reply *r)
{
	bool ok;

	ncase++;
	switch (ex) {
	case EXPECT_OK:
		ok = r->got && r->error == 0;
		break;
	case EXPECT_ERR_OR_SILENCE:
		ok = !r->got || r->error < 0;
		break;
	case EXPECT_ERR:
		ok = r->got && r->error < 0;
		break;
	default:
		ok = r->got && r->error < 0 && r->msg[0];
		break;
	}
	if (ok && want_errno && r->error != -want_errno)
		ok = false;
	if (!ok)
		failures++;
	printf("%s %d - %s: %s%s%s%s\n", ok ? "ok" : "not ok", ncase, name,
	       !r->got ? "no answer" : r->error ? strerror(-r->error) : "ack",
	       r->msg[0] ? " (\"" : "", r->msg, r->msg[0] ? "\")" : "");
}

static void check(const char *name, enum expect ex, int want_errno)
{
	struct reply r;

	send_msg(&r);
	verdict(name, ex, want_errno, &r);
}

static int resolve(void)
{
	struct nlmsghdr *nlh = (void *)m.buf;
	struct genlmsghdr *g = (void *)(m.buf + NLMSG_HDRLEN);
	static unsigned char rx[16384];
	struct nlattr *a;
	ssize_t n;
	int len;

	memset(&m, 0, sizeof(m));
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++seq;
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	m.len = NLMSG_HDRLEN + GENL_HDRLEN;
	m_str(CTRL_ATTR_FAMILY_NAME, SPLICELB_GENL_NAME);
	nlh->nlmsg_len = (uint32_t)m.len;
	if (send(sk, m.buf, m.len, 0) < 0)
		return -1;
	n = recv(sk, rx, sizeof(rx), 0);
	if (n < 0)
		return -1;
	nlh = (void *)rx;
	if (!NLMSG_OK(nlh, (size_t)n) || nlh->nlmsg_type != GENL_ID_CTRL)
		return -1;
	len = (int)(nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
	for (a = (void *)((unsigned char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	     len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	     a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (void *)((unsigned char *)a + NLA_ALIGN(a->nla_len))) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID) {
			memcpy(&family, (unsigned char *)a + NLA_HDRLEN, 2);
			return 0;
		}
	}
	return -1;
}

/* ---- the cases ---------------------------------------------------------- */

static void cases(void)
{
	static const char long_name[] = "abcdefghijklmnopqrstuvwxyz";
	struct in6_addr a6;
	struct in_addr a4;
	struct reply r;
	uint32_t big = 70000;

	inet_pton(AF_INET6, "::1", &a6);
	inet_pton(AF_INET, SVC_IP, &a4);

	/* Setup: one service and one backend the cases can refer to. */
	m_init(SPLICELB_CMD_FLUSH, 0);
	check("setup: flush", EXPECT_OK, 0);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_svc();
	check("setup: add service " SVC_IP ":18080", EXPECT_OK, 0);
	m_init(SPLICELB_CMD_BACKEND_NEW, 0);
	m_svc();
	m_be();
	check("setup: add backend " BE_IP ":18081", EXPECT_OK, 0);

	/* Commands and headers. */
	m_init(200, 0);
	check("unknown command", EXPECT_ERR, EOPNOTSUPP);
	m_init(SPLICELB_CMD_UNSPEC, 0);
	check("command 0", EXPECT_ERR, 0);
	m_init(SPLICELB_CMD_BACKEND_STATE, 0);
	check("event-only command as a request", EXPECT_ERR, EOPNOTSUPP);
	m_init(SPLICELB_CMD_SERVICE_NEW, NLM_F_DUMP);
	m_svc();
	check("dump of a command without one", EXPECT_ERR, EOPNOTSUPP);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	{
		struct nlmsghdr *nlh = (void *)m.buf;
		struct reply rr;

		nlh->nlmsg_len = NLMSG_HDRLEN + 2;
		send_raw(NLMSG_HDRLEN + 2, false, &rr);
		verdict("genetlink header cut short", EXPECT_ERR, 0, &rr);
	}
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_svc();
	{
		struct nlmsghdr *nlh = (void *)m.buf;
		struct reply rr;

		nlh->nlmsg_len = (uint32_t)m.len + 64;
		send_raw(m.len, false, &rr);
		verdict("message longer than the datagram",
			EXPECT_ERR_OR_SILENCE, 0, &rr);
	}

	/* Missing attributes. */
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	check("service add without SPLICELB_A_SERVICE", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_end();
	check("empty service nest", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_nest(SPLICELB_SVC_A_EP);
	m_u16(SPLICELB_EP_A_FAMILY, AF_INET);
	m_put(SPLICELB_EP_A_ADDR, &a4, 4);
	m_end();
	m_end();
	check("endpoint without port", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_nest(SPLICELB_SVC_A_EP);
	m_put(SPLICELB_EP_A_ADDR, &a4, 4);
	m_u16(SPLICELB_EP_A_PORT, 80);
	m_end();
	m_end();
	check("endpoint without family", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_BACKEND_NEW, 0);
	m_svc();
	check("backend add without SPLICELB_A_BACKEND", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_BACKEND_NEW, 0);
	m_be();
	check("backend add without its service", EXPECT_MSG, EINVAL);

	/* Addresses. */
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_nest(SPLICELB_SVC_A_EP);
	m_u16(SPLICELB_EP_A_FAMILY, AF_UNIX);
	m_put(SPLICELB_EP_A_ADDR, &a4, 4);
	m_u16(SPLICELB_EP_A_PORT, 80);
	m_end();
	m_end();
	check("family AF_UNIX", EXPECT_MSG, 0);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_nest(SPLICELB_SVC_A_EP);
	m_u16(SPLICELB_EP_A_FAMILY, 5);
	m_put(SPLICELB_EP_A_ADDR, &a4, 4);
	m_u16(SPLICELB_EP_A_PORT, 80);
	m_end();
	m_end();
	check("family 5 (inside the policy's range)", EXPECT_MSG, 0);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_nest(SPLICELB_SVC_A_EP);
	m_u16(SPLICELB_EP_A_FAMILY, AF_INET);
	m_put(SPLICELB_EP_A_ADDR, &a6, 16);
	m_u16(SPLICELB_EP_A_PORT, 80);
	m_end();
	m_end();
	check("AF_INET with a 16-byte address", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_nest(SPLICELB_SVC_A_EP);
	m_u16(SPLICELB_EP_A_FAMILY, AF_INET6);
	m_put(SPLICELB_EP_A_ADDR, &a4, 4);
	m_u16(SPLICELB_EP_A_PORT, 80);
	m_end();
	m_end();
	check("AF_INET6 with a 4-byte address", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_nest(SPLICELB_SVC_A_EP);
	m_u16(SPLICELB_EP_A_FAMILY, AF_INET6);
	m_put(SPLICELB_EP_A_ADDR, long_name, 20);
	m_u16(SPLICELB_EP_A_PORT, 80);
	m_end();
	m_end();
	check("20-byte address", EXPECT_MSG, 0);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_nest(SPLICELB_SVC_A_EP);
	m_u16(SPLICELB_EP_A_FAMILY, AF_INET);
	m_put(SPLICELB_EP_A_ADDR, &a4, 4);
	m_u16(SPLICELB_EP_A_PORT, 0);
	m_end();
	m_end();
	check("port 0", EXPECT_MSG, 0);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_nest(SPLICELB_SVC_A_EP);
	m_u16(SPLICELB_EP_A_FAMILY, AF_INET);
	m_put(SPLICELB_EP_A_ADDR, &a4, 4);
	m_u32(SPLICELB_EP_A_PORT, 80);
	m_end();
	m_end();
	check("port as a u32", EXPECT_MSG, EINVAL);

	/* Wrong types and bad nesting. */
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_u32(SPLICELB_A_SERVICE, 1);
	check("service as a u32", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_svc();
	((struct nlattr *)(m.buf + NLMSG_HDRLEN + GENL_HDRLEN))->nla_type =
		SPLICELB_A_SERVICE;
	check("nest without NLA_F_NESTED", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_nest(SPLICELB_SVC_A_EP);
	m_nest(SPLICELB_EP_A_ADDR);
	m_u16(SPLICELB_EP_A_FAMILY, AF_INET);
	m_end();
	m_end();
	m_end();
	check("nest where an address belongs", EXPECT_MSG, 0);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_BACKEND);
	m_ep4(SPLICELB_BE_A_EP, BE_IP, BE_PORT);
	m_end();
	check("service add with only a backend", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_svc();
	m_u32(100, 1);
	check("unknown attribute type 100", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_svc();
	m_nest(SPLICELB_A_STATS);
	m_end();
	check("report-only SPLICELB_A_STATS in a request", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, 18090);
	m_u32(SPLICELB_SVC_A_NBACKENDS, 3);
	m_end();
	check("report-only SPLICELB_SVC_A_NBACKENDS in a request", EXPECT_MSG,
	      EINVAL);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_svc();
	m_raw(SPLICELB_A_CUT, NLA_HDRLEN + 4, &big, 4);
	check("flag with a payload", EXPECT_MSG, 0);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, 18090);
	m_end();
	m_put(SPLICELB_A_CUT, NULL, 0);
	check("cut on a service add", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_SET, 0);
	m_svc();
	m_be();
	check("backend nest on a service change", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_DEL, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT);
	m_str(SPLICELB_SVC_A_SCHED, "rr");
	m_end();
	check("scheduler on a service del", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_STATS_GET, 0);
	m_svc();
	check("service on stats", EXPECT_MSG, EINVAL);

	/* Duplicates. */
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_svc();
	m_svc();
	check("service nest twice", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_nest(SPLICELB_SVC_A_EP);
	m_u16(SPLICELB_EP_A_FAMILY, AF_INET);
	m_put(SPLICELB_EP_A_ADDR, &a4, 4);
	m_u16(SPLICELB_EP_A_PORT, 18090);
	m_u16(SPLICELB_EP_A_PORT, 18091);
	m_end();
	m_end();
	check("port twice", EXPECT_MSG, EINVAL);

	/* Strings. */
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, 18090);
	m_put(SPLICELB_SVC_A_SCHED, "rr", 2);
	m_end();
	check("scheduler without its NUL", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, 18090);
	m_str(SPLICELB_SVC_A_SCHED, long_name);
	m_end();
	check("scheduler name too long", EXPECT_MSG, 0);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, 18090);
	m_str(SPLICELB_SVC_A_SCHED, "nosuch");
	m_end();
	check("unknown scheduler", EXPECT_MSG, ENOENT);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, 18090);
	{
		static char huge[60000];

		memset(huge, 'x', sizeof(huge) - 1);
		m_str(SPLICELB_SVC_A_SCHED, huge);
	}
	m_end();
	check("60000-byte scheduler name", EXPECT_MSG, 0);

	/* Values out of range. */
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, 18090);
	m_u32(SPLICELB_SVC_A_BACKLOG, 0);
	m_end();
	check("backlog 0", EXPECT_MSG, ERANGE);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, 18090);
	m_u32(SPLICELB_SVC_A_BACKLOG, big);
	m_end();
	check("backlog 70000", EXPECT_MSG, ERANGE);
	m_init(SPLICELB_CMD_BACKEND_SET, 0);
	m_svc();
	m_nest(SPLICELB_A_BACKEND);
	m_ep4(SPLICELB_BE_A_EP, BE_IP, BE_PORT);
	m_u32(SPLICELB_BE_A_WEIGHT, big);
	m_end();
	check("weight 70000", EXPECT_MSG, ERANGE);
	m_init(SPLICELB_CMD_BACKEND_SET, 0);
	m_svc();
	m_nest(SPLICELB_A_BACKEND);
	m_ep4(SPLICELB_BE_A_EP, BE_IP, BE_PORT);
	m_u8(SPLICELB_BE_A_STATE, SPLICELB_BACKEND_DRAINED);
	m_end();
	check("state drained (the kernel's to set)", EXPECT_MSG, ERANGE);
	m_init(SPLICELB_CMD_BACKEND_SET, 0);
	m_svc();
	m_nest(SPLICELB_A_BACKEND);
	m_ep4(SPLICELB_BE_A_EP, BE_IP, BE_PORT);
	m_u8(SPLICELB_BE_A_STATE, 200);
	m_end();
	check("state 200", EXPECT_MSG, ERANGE);

	/* Truncation inside the message. */
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_svc();
	((struct nlattr *)(m.buf + NLMSG_HDRLEN + GENL_HDRLEN))->nla_len += 40;
	check("attribute longer than the message", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_svc();
	m.len -= 4;
	check("message cut inside a nest", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_svc();
	m_raw(SPLICELB_A_CUT, 2, NULL, 0);
	check("attribute shorter than its header", EXPECT_MSG, EINVAL);

	/* Objects that do not exist, or already do. */
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_svc();
	check("service added twice", EXPECT_MSG, EEXIST);
	m_init(SPLICELB_CMD_BACKEND_NEW, 0);
	m_svc();
	m_be();
	check("backend added twice", EXPECT_MSG, EEXIST);
	m_init(SPLICELB_CMD_SERVICE_DEL, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, "192.0.2.1", 80);
	m_end();
	check("delete an unknown service", EXPECT_MSG, ENOENT);
	m_init(SPLICELB_CMD_SERVICE_SET, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, "192.0.2.1", 80);
	m_u32(SPLICELB_SVC_A_MAXCONN, 5);
	m_end();
	check("change an unknown service", EXPECT_MSG, ENOENT);
	m_init(SPLICELB_CMD_SERVICE_GET, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, "192.0.2.1", 80);
	m_end();
	check("get an unknown service", EXPECT_MSG, ENOENT);
	m_init(SPLICELB_CMD_BACKEND_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, "192.0.2.1", 80);
	m_end();
	m_be();
	check("backend of an unknown service", EXPECT_MSG, ENOENT);
	m_init(SPLICELB_CMD_BACKEND_DEL, 0);
	m_svc();
	m_nest(SPLICELB_A_BACKEND);
	m_ep4(SPLICELB_BE_A_EP, "192.0.2.9", 80);
	m_end();
	check("delete an unknown backend", EXPECT_MSG, ENOENT);
	m_init(SPLICELB_CMD_BACKEND_GET, NLM_F_DUMP);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, "192.0.2.1", 80);
	m_end();
	check("backends of an unknown service", EXPECT_MSG, ENOENT);
	m_init(SPLICELB_CMD_CONN_GET, NLM_F_DUMP);
	m_nest(SPLICELB_A_SERVICE);
	m_end();
	check("connections filtered by an empty service", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_GET, NLM_F_DUMP);
	m_svc();
	check("service dump with a filter it does not take", EXPECT_MSG,
	      EINVAL);

	/* Teardown: the setup's objects are still there and go away. */
	m_init(SPLICELB_CMD_SERVICE_DEL, 0);
	m_svc();
	send_msg(&r);
	verdict("teardown: delete the setup's service", EXPECT_OK, 0, &r);
}

/* ---- random mutations --------------------------------------------------- */

static void template(unsigned int which)
{
	switch (which % 4) {
	case 0:
		m_init(SPLICELB_CMD_SERVICE_NEW, 0);
		m_nest(SPLICELB_A_SERVICE);
		m_ep4(SPLICELB_SVC_A_EP, SVC_IP, 18100 + which % 50);
		m_str(SPLICELB_SVC_A_SCHED, "wrr");
		m_u32(SPLICELB_SVC_A_BACKLOG, 16);
		m_u32(SPLICELB_SVC_A_MAXCONN, 10);
		m_end();
		break;
	case 1:
		m_init(SPLICELB_CMD_BACKEND_NEW, 0);
		m_svc();
		m_nest(SPLICELB_A_BACKEND);
		m_ep4(SPLICELB_BE_A_EP, BE_IP, 18200 + which % 50);
		m_u32(SPLICELB_BE_A_WEIGHT, 3);
		m_u8(SPLICELB_BE_A_STATE, SPLICELB_BACKEND_DRAIN);
		m_end();
		break;
	case 2:
		m_init(SPLICELB_CMD_BACKEND_DEL, 0);
		m_svc();
		m_be();
		m_put(SPLICELB_A_CUT, NULL, 0);
		break;
	default:
		m_init(SPLICELB_CMD_BACKEND_GET, NLM_F_DUMP);
		m_svc();
		break;
	}
}

static void random_cases(unsigned long n, unsigned int seed)
{
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;
	unsigned long i, silent = 0;
	unsigned int k, flips;
	struct reply r;

	srandom(seed);
	for (i = 0; i < n; i++) {
		template((unsigned int)random());
		flips = 1 + (unsigned int)(random() % 4);
		for (k = 0; k < flips && m.len > hdr; k++) {
			size_t at = hdr + (size_t)random() % (m.len - hdr);

			m.buf[at] = (unsigned char)random();
		}
		if (random() % 8 == 0 && m.len > hdr)
			m.len -= (size_t)random() % (m.len - hdr);
		/* Dumps answer with messages, then NLMSG_DONE. */
		send_msg(&r);
		if (!r.got)
			silent++;
	}
	ncase++;
	if (silent) {
		failures++;
		printf("not ok %d - %lu random mutations (seed %u): %lu got no "
		       "answer\n", ncase, n, seed, silent);
	} else {
		printf("ok %d - %lu random mutations (seed %u) all answered\n",
		       ncase, n, seed);
	}
	m_init(SPLICELB_CMD_FLUSH, 0);
	m_put(SPLICELB_A_CUT, NULL, 0);
	check("flush after the random mutations", EXPECT_OK, 0);
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 2 };
	unsigned long nrandom = 0;
	unsigned int seed = 1;
	int opt, one = 1;

	while ((opt = getopt(argc, argv, "r:S:")) != -1) {
		switch (opt) {
		case 'r':
			nrandom = strtoul(optarg, NULL, 10);
			break;
		case 'S':
			seed = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: nlfuzz [-r N] [-S SEED]\n");
			return 2;
		}
	}
	sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sk < 0 || bind(sk, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("nlfuzz: netlink socket");
		return 2;
	}
	setsockopt(sk, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(sk, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (resolve()) {
		fprintf(stderr, "nlfuzz: no generic netlink family \"%s\"\n",
			SPLICELB_GENL_NAME);
		return 2;
	}
	/* Silence is the answer to a message longer than its datagram. */
	tv.tv_sec = 0;
	tv.tv_usec = 500000;
	setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	cases();
	if (nrandom)
		random_cases(nrandom, seed);
	printf("# %d cases, %d failed\n", ncase, failures);
	return failures ? 1 : 0;
}
