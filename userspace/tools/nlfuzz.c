// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nlfuzz: send hand-made malformed requests to the "splicelb" generic
 * netlink family and check that each gets a clean error, with an extended
 * ack message where the kernel words one (the policies and splicelb do;
 * a few checks of the netlink core give only an errno).
 *
 *   nlfuzz            the fixed cases, KTAP-like lines, exit 1 on a failure
 *   nlfuzz -r N [-S SEED] [-j PROCS] [-s ADDR:PORT]... [-b ADDR:PORT]...
 *                     also N generated messages (see "the generator"),
 *                     from PROCS processes at once; ends with a flush
 *   nlfuzz -R SECONDS [-j PROCS] [-S SEED] [-s ...] [-b ...]
 *                     only the race: PROCS processes issue random valid
 *                     changes and dumps for SECONDS (see "the race")
 *
 * -s and -b give the services and backends that generated and racing
 * requests name (default 127.0.0.1 and ::1, ports 18100... and 18200...):
 * few enough that adds, changes and deletes meet existing objects.
 *
 * Messages are built by hand, byte by byte, not with libmnl: the point is
 * to send what a library would refuse to build.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "addr.h"
#include "check.h"
#include "counters.h"
#include "sched.h"
#include "uapi/linux/splicelb.h"

#define BUFSZ 70000
/* How long an answer may take, however slow the kernel (an emulated one). */
#define CASE_TIMEOUT_MS 10000
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int sk;
static uint16_t family;
static uint32_t seq = 1;
/* Command 0, which no operation has (the uapi header names none). */
#define CMD_UNSPEC 0

static int failures, ncase;

struct msg {
	size_t len;
	size_t top;		/* the most of buf written since m_init */
	size_t nest[16];
	int depth;
	/* Where each attribute starts, for the mutations that lie about one. */
	size_t attr[256];
	unsigned int nattr;
	unsigned char buf[BUFSZ];
};

static struct msg m;

static void m_init(uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = (void *)m.buf;
	struct genlmsghdr *g = (void *)(m.buf + NLMSG_HDRLEN);

	/* What the last message wrote: all of the buffer is costly to clear. */
	memset(m.buf, 0, m.top ? m.top : sizeof(m.buf));
	memset(&m, 0, offsetof(struct msg, buf));
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++seq;
	g->cmd = cmd;
	g->version = SPLICELB_GENL_VERSION;
	m.len = NLMSG_HDRLEN + GENL_HDRLEN;
	m.top = m.len;
}

/* An attribute of any length, even one that lies about it. */
static void m_raw(uint16_t type, uint16_t nla_len, const void *d, size_t len)
{
	struct nlattr *a = (void *)(m.buf + m.len);

	if (m.nattr < ARRAY_SIZE(m.attr))
		m.attr[m.nattr++] = m.len;
	a->nla_type = type;
	a->nla_len = nla_len;
	if (len)
		memcpy(m.buf + m.len + NLA_HDRLEN, d, len);
	m.len += NLA_ALIGN(NLA_HDRLEN + len);
	if (m.len > m.top)
		m.top = m.len;
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
	/* A nest may end in stray bytes (m_bytes): the next one is aligned. */
	m.len = NLA_ALIGN(m.len);
}

/* Bytes that are no attribute, inside a nest. */
static void m_bytes(const void *d, size_t len)
{
	memcpy(m.buf + m.len, d, len);
	m.len += len;
	if (m.len > m.top)
		m.top = m.len;
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

/* An endpoint nest of a parsed address. */
static void m_ep(uint16_t type, const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const struct sockaddr_in *s4 = (const void *)ss;

	m_nest(type);
	m_u16(SPLICELB_EP_A_FAMILY, ss->ss_family);
	if (ss->ss_family == AF_INET6) {
		m_put(SPLICELB_EP_A_ADDR, &s6->sin6_addr, 16);
		m_u16(SPLICELB_EP_A_PORT, ntohs(s6->sin6_port));
	} else {
		m_put(SPLICELB_EP_A_ADDR, &s4->sin_addr, 4);
		m_u16(SPLICELB_EP_A_PORT, ntohs(s4->sin_port));
	}
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

/* A SERVICE_NEW of SVC_IP:@port, to which backends may be appended. */
static void m_svc_new_at(uint16_t port)
{
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, port);
	m_end();
}

/* A SERVICE_NEW of SVC_IP:@port, scheduler @sched: the caller ends the nest. */
static void m_svc_opts_at(uint16_t port, const char *sched)
{
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, port);
	m_str(SPLICELB_SVC_A_SCHED, sched);
}

/* One SPLICELB_A_BACKENDS, BE_IP:@port; without its m_end(), if asked. */
static void m_backend_open(uint16_t port)
{
	m_nest(SPLICELB_A_BACKENDS);
	m_ep4(SPLICELB_BE_A_EP, BE_IP, port);
}

static void m_backends_at(uint16_t port)
{
	m_backend_open(port);
	m_end();
}

struct reply {
	bool got;
	int error;
	char msg[256];
	unsigned int nmsgs;	/* messages of a dump or a get */
	bool intr;		/* a dump flagged NLM_F_DUMP_INTR */
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
static void set_timeout(long ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 };

	setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

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
			if (nlh->nlmsg_type == family) {
				r->nmsgs++;
				r->intr |= !!(nlh->nlmsg_flags &
					      NLM_F_DUMP_INTR);
				continue;
			}
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

/* A SERVICE_SET of the setup's service: the caller ends the nest. */
static void m_svc_set(void)
{
	m_init(SPLICELB_CMD_SERVICE_SET, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT);
}

/* A request @cmd on the setup's backend: the caller ends its nest. */
static void m_be_open(uint8_t cmd)
{
	m_init(cmd, 0);
	m_svc();
	m_nest(SPLICELB_A_BACKEND);
	m_ep4(SPLICELB_BE_A_EP, BE_IP, BE_PORT);
}

/* A setting @type, the @len bytes at @v, alone on the setup's service. */
static void check_setting(const char *name, uint16_t type, const void *v,
			  size_t len, enum expect ex, int want_errno)
{
	m_svc_set();
	m_put(type, v, len);
	m_end();
	check(name, ex, want_errno);
}

/* A check setting @type of @v alone on the setup's service. */
static void check_u32(const char *name, uint16_t type, uint32_t v,
		      enum expect ex, int want_errno)
{
	check_setting(name, type, &v, sizeof(v), ex, want_errno);
}

/*
 * The check's ranges are the policy's; what only the whole says (a
 * send-expect check expects something, a timeout of 1 to 9 ms) is
 * lib/check.c's, through service.c.
 */
static void cases_check(void)
{
	static unsigned char data[SPLICELB_CHECK_DATA_MAX + 1];

	memset(data, 'x', sizeof(data));
	m_svc_set();
	m_u8(SPLICELB_SVC_A_CHECK_TYPE, SPLICELB_CHECK_SEND_EXPECT + 1);
	m_end();
	check("check-type past send-expect", EXPECT_MSG, ERANGE);
	m_svc_set();
	m_put(SPLICELB_SVC_A_CHECK_SEND, data, sizeof(data));
	m_end();
	check("check-send of 513 bytes", EXPECT_MSG, ERANGE);
	m_svc_set();
	m_put(SPLICELB_SVC_A_CHECK_EXPECT, data, sizeof(data));
	m_end();
	check("check-expect of 513 bytes", EXPECT_MSG, ERANGE);
	check_u32("check-inter-ms 9", SPLICELB_SVC_A_CHECK_INTER_MS,
		  SPLICELB_CHECK_INTER_MIN_MS - 1, EXPECT_MSG, ERANGE);
	check_u32("check-inter-ms past an hour", SPLICELB_SVC_A_CHECK_INTER_MS,
		  SPLICELB_CHECK_INTER_MAX_MS + 1, EXPECT_MSG, ERANGE);
	check_u32("check-timeout-ms past an hour",
		  SPLICELB_SVC_A_CHECK_TIMEOUT_MS,
		  SPLICELB_CHECK_INTER_MAX_MS + 1, EXPECT_MSG, ERANGE);
	check_u32("check-rise 0", SPLICELB_SVC_A_CHECK_RISE, 0, EXPECT_MSG,
		  ERANGE);
	check_u32("check-fall 101", SPLICELB_SVC_A_CHECK_FALL,
		  SPLICELB_CHECK_COUNT_MAX + 1, EXPECT_MSG, ERANGE);
	check_u32("check-downinter-ms past an hour",
		  SPLICELB_SVC_A_CHECK_DOWNINTER_MS,
		  SPLICELB_CHECK_INTER_MAX_MS + 1, EXPECT_MSG, ERANGE);
	check_u32("check-timeout-ms 5 (in the policy's range)",
		  SPLICELB_SVC_A_CHECK_TIMEOUT_MS, 5, EXPECT_MSG, EINVAL);
	check_u32("check-fastinter-ms 9 (in the policy's range)",
		  SPLICELB_SVC_A_CHECK_FASTINTER_MS, 9, EXPECT_MSG, EINVAL);
	m_svc_opts_at(18090, "rr");
	m_u8(SPLICELB_SVC_A_CHECK_TYPE, SPLICELB_CHECK_SEND_EXPECT);
	m_put(SPLICELB_SVC_A_CHECK_SEND, "PING\r\n", 6);
	m_end();
	check("service add, send-expect with nothing to expect", EXPECT_MSG,
	      EINVAL);
	m_svc_set();
	m_u8(SPLICELB_SVC_A_CHECK_TYPE, SPLICELB_CHECK_SEND_EXPECT);
	m_put(SPLICELB_SVC_A_CHECK_EXPECT, "", 0);
	m_end();
	check("service change, send-expect expecting nothing", EXPECT_MSG,
	      EINVAL);
	m_init(SPLICELB_CMD_SERVICE_DEL, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT);
	m_u8(SPLICELB_SVC_A_CHECK_TYPE, SPLICELB_CHECK_TCP);
	m_end();
	check("check-type on a service del", EXPECT_MSG, EINVAL);
	m_be_open(SPLICELB_CMD_BACKEND_DEL);
	m_u16(SPLICELB_BE_A_CHECK_PORT, 80);
	m_end();
	check("check-port on a backend del", EXPECT_MSG, EINVAL);
	m_be_open(SPLICELB_CMD_BACKEND_SET);
	m_u8(SPLICELB_BE_A_HEALTH, SPLICELB_HEALTH_DOWN);
	m_end();
	check("report-only SPLICELB_BE_A_HEALTH in a request", EXPECT_MSG,
	      EINVAL);
	m_be_open(SPLICELB_CMD_BACKEND_SET);
	m_u32(SPLICELB_BE_A_EWEIGHT, SPLICELB_WEIGHT_SCALE);
	m_end();
	check("report-only SPLICELB_BE_A_EWEIGHT in a request", EXPECT_MSG,
	      EINVAL);
	/* What the agent said is the kernel's to report, never to be told. */
	m_be_open(SPLICELB_CMD_BACKEND_SET);
	m_u8(SPLICELB_BE_A_AGENT_RESULT, SPLICELB_CHECK_RESULT_PASSED);
	m_end();
	check("report-only SPLICELB_BE_A_AGENT_RESULT in a request",
	      EXPECT_MSG, EINVAL);
	m_be_open(SPLICELB_CMD_BACKEND_SET);
	m_u32(SPLICELB_BE_A_AGENT_PCT, SPLICELB_AGENT_PCT_MAX);
	m_end();
	check("report-only SPLICELB_BE_A_AGENT_PCT in a request", EXPECT_MSG,
	      EINVAL);
	m_be_open(SPLICELB_CMD_BACKEND_SET);
	m_u8(SPLICELB_BE_A_AGENT_ADMIN, SPLICELB_AGENT_READY);
	m_end();
	check("report-only SPLICELB_BE_A_AGENT_ADMIN in a request",
	      EXPECT_MSG, EINVAL);
	m_be_open(SPLICELB_CMD_BACKEND_SET);
	m_u8(SPLICELB_BE_A_AGENT_HEALTH, SPLICELB_HEALTH_UP);
	m_end();
	check("report-only SPLICELB_BE_A_AGENT_HEALTH in a request",
	      EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_BACKEND_HEALTH, 0);
	m_svc();
	m_be();
	check("the health event as a request", EXPECT_ERR, EOPNOTSUPP);

	/* The largest of everything, then no check again. */
	m_svc_set();
	m_u8(SPLICELB_SVC_A_CHECK_TYPE, SPLICELB_CHECK_SEND_EXPECT);
	m_put(SPLICELB_SVC_A_CHECK_SEND, data, SPLICELB_CHECK_DATA_MAX);
	m_put(SPLICELB_SVC_A_CHECK_EXPECT, data, SPLICELB_CHECK_DATA_MAX);
	m_u32(SPLICELB_SVC_A_CHECK_INTER_MS, SPLICELB_CHECK_INTER_MAX_MS);
	m_u32(SPLICELB_SVC_A_CHECK_TIMEOUT_MS, SPLICELB_CHECK_INTER_MAX_MS);
	m_u32(SPLICELB_SVC_A_CHECK_RISE, SPLICELB_CHECK_COUNT_MAX);
	m_u32(SPLICELB_SVC_A_CHECK_FALL, SPLICELB_CHECK_COUNT_MAX);
	m_u32(SPLICELB_SVC_A_CHECK_FASTINTER_MS, SPLICELB_CHECK_INTER_MAX_MS);
	m_u32(SPLICELB_SVC_A_CHECK_DOWNINTER_MS, SPLICELB_CHECK_INTER_MAX_MS);
	m_end();
	check("send-expect with every parameter at its largest", EXPECT_OK, 0);
	m_svc_set();
	m_u8(SPLICELB_SVC_A_CHECK_TYPE, SPLICELB_CHECK_NONE);
	m_u32(SPLICELB_SVC_A_CHECK_INTER_MS, SPLICELB_CHECK_INTER_MIN_MS);
	m_u32(SPLICELB_SVC_A_CHECK_TIMEOUT_MS, 0);
	m_u32(SPLICELB_SVC_A_CHECK_RISE, 1);
	m_end();
	check("... and the smallest, with no check", EXPECT_OK, 0);
	m_be_open(SPLICELB_CMD_BACKEND_SET);
	m_u16(SPLICELB_BE_A_CHECK_PORT, 65535);
	m_end();
	check("backend check-port 65535", EXPECT_OK, 0);
	m_be_open(SPLICELB_CMD_BACKEND_SET);
	m_u32(SPLICELB_BE_A_CHECK_PORT, 80);
	m_end();
	check("check-port as a u32", EXPECT_MSG, EINVAL);
	/* An agent polled as often as a check may run; port 0 is none. */
	m_be_open(SPLICELB_CMD_BACKEND_SET);
	m_u16(SPLICELB_BE_A_AGENT_PORT, 0);
	m_end();
	check("backend agent-port 0, no agent", EXPECT_OK, 0);
	m_be_open(SPLICELB_CMD_BACKEND_SET);
	m_u32(SPLICELB_BE_A_AGENT_INTER_MS, 0);
	m_end();
	check("agent-inter-ms 0", EXPECT_MSG, ERANGE);
	m_be_open(SPLICELB_CMD_BACKEND_SET);
	m_u32(SPLICELB_BE_A_AGENT_INTER_MS, SPLICELB_CHECK_INTER_MIN_MS - 1);
	m_end();
	check("agent-inter-ms 9", EXPECT_MSG, ERANGE);
	m_be_open(SPLICELB_CMD_BACKEND_SET);
	m_u32(SPLICELB_BE_A_AGENT_INTER_MS, SPLICELB_CHECK_INTER_MAX_MS + 1);
	m_end();
	check("agent-inter-ms past an hour", EXPECT_MSG, ERANGE);
	m_be_open(SPLICELB_CMD_BACKEND_DEL);
	m_u16(SPLICELB_BE_A_AGENT_PORT, 9999);
	m_end();
	check("agent-port on a backend del", EXPECT_MSG, EINVAL);
}

static void check_u8(const char *name, uint16_t type, uint8_t v,
		     enum expect ex, int want_errno)
{
	check_setting(name, type, &v, sizeof(v), ex, want_errno);
}

/*
 * The PROXY protocol: a service's header none to v2, it has nothing to
 * inherit, and accept-proxy 0 or 1; a backend's header inherit too.
 */
static void cases_proxy(void)
{
	check_u8("service proxy-protocol inherit",
		 SPLICELB_SVC_A_PROXY_PROTOCOL, SPLICELB_PROXY_INHERIT,
		 EXPECT_MSG, ERANGE);
	check_u8("service proxy-protocol v2", SPLICELB_SVC_A_PROXY_PROTOCOL,
		 SPLICELB_PROXY_V2, EXPECT_OK, 0);
	check_u8("... and none", SPLICELB_SVC_A_PROXY_PROTOCOL,
		 SPLICELB_PROXY_NONE, EXPECT_OK, 0);
	check_u8("accept-proxy 2", SPLICELB_SVC_A_ACCEPT_PROXY, 2, EXPECT_MSG,
		 ERANGE);
	check_u8("accept-proxy 0", SPLICELB_SVC_A_ACCEPT_PROXY, 0, EXPECT_OK,
		 0);
	m_be_open(SPLICELB_CMD_BACKEND_SET);
	m_u8(SPLICELB_BE_A_PROXY_PROTOCOL, SPLICELB_PROXY_INHERIT + 1);
	m_end();
	check("backend proxy-protocol past inherit", EXPECT_MSG, ERANGE);
	m_be_open(SPLICELB_CMD_BACKEND_SET);
	m_u8(SPLICELB_BE_A_PROXY_PROTOCOL, SPLICELB_PROXY_INHERIT);
	m_end();
	check("backend proxy-protocol inherit", EXPECT_OK, 0);
	m_be_open(SPLICELB_CMD_BACKEND_SET);
	m_u32(SPLICELB_BE_A_PROXY_PROTOCOL, SPLICELB_PROXY_V1);
	m_end();
	check("backend proxy-protocol as a u32", EXPECT_MSG, EINVAL);
}

/* A service set on the setup's service, its source nest open. */
static void m_source_open(void)
{
	m_svc_set();
	m_nest(SPLICELB_SVC_A_SOURCE);
}

static void m_source_addr4(const char *ip)
{
	struct in_addr a;

	inet_pton(AF_INET, ip, &a);
	m_put(SPLICELB_SOURCE_A_ADDR, &a, sizeof(a));
}

static void m_source_close(void)
{
	m_end();
	m_end();
}

/*
 * A service's source: the client's, or a pool of at most 16 unicast
 * addresses, each once, with an address of every backend's family.
 */
static void cases_source(void)
{
	static const unsigned char five[5];
	struct in6_addr a6;
	char ip[16];
	int i;

	m_source_open();
	m_put(SPLICELB_SOURCE_A_CLIENT, NULL, 0);
	m_source_close();
	check("source client", EXPECT_OK, 0);
	m_source_open();
	m_put(SPLICELB_SOURCE_A_CLIENT, NULL, 0);
	m_put(SPLICELB_SOURCE_A_CLIENT, NULL, 0);
	m_source_close();
	check("source client twice", EXPECT_MSG, EINVAL);
	m_source_open();
	m_put(SPLICELB_SOURCE_A_CLIENT, "\1\0\0\0", 4);
	m_source_close();
	check("source client with a value", EXPECT_MSG, ERANGE);
	m_source_open();
	m_put(SPLICELB_SOURCE_A_CLIENT, NULL, 0);
	m_source_addr4("10.0.0.1");
	m_source_close();
	check("source client and an address", EXPECT_MSG, EINVAL);
	m_source_open();
	for (i = 0; i < SPLICELB_SOURCE_ADDRS_MAX; i++) {
		snprintf(ip, sizeof(ip), "10.0.0.%d", i + 1);
		m_source_addr4(ip);
	}
	m_source_close();
	check("a pool of 16 addresses", EXPECT_OK, 0);
	m_source_open();
	for (i = 0; i <= SPLICELB_SOURCE_ADDRS_MAX; i++) {
		snprintf(ip, sizeof(ip), "10.0.0.%d", i + 1);
		m_source_addr4(ip);
	}
	m_source_close();
	check("a pool of 17 addresses", EXPECT_MSG, E2BIG);
	m_source_open();
	m_source_addr4("10.0.0.1");
	m_source_addr4("10.0.0.1");
	m_source_close();
	check("a pool address given twice", EXPECT_MSG, EINVAL);
	m_source_open();
	m_source_addr4("224.0.0.1");
	m_source_close();
	check("a multicast pool address", EXPECT_MSG, EINVAL);
	inet_pton(AF_INET6, "fe80::1", &a6);
	m_source_open();
	m_put(SPLICELB_SOURCE_A_ADDR, &a6, sizeof(a6));
	m_source_close();
	check("a link-local pool address", EXPECT_MSG, EINVAL);
	m_source_open();
	m_source_addr4("0.0.0.0");
	m_source_close();
	check("pool address 0.0.0.0", EXPECT_MSG, EINVAL);
	m_source_open();
	m_put(SPLICELB_SOURCE_A_ADDR, five, sizeof(five));
	m_source_close();
	check("a pool address of 5 bytes", EXPECT_MSG, EINVAL);
	m_source_open();
	m_put(SPLICELB_SOURCE_A_ADDR, five, 3);
	m_source_close();
	check("a pool address of 3 bytes", EXPECT_MSG, ERANGE);
	/* The setup's backend is IPv4: a pool of IPv6 alone cannot serve it. */
	inet_pton(AF_INET6, "fd00::1", &a6);
	m_source_open();
	m_put(SPLICELB_SOURCE_A_ADDR, &a6, sizeof(a6));
	m_source_close();
	check("a pool without the backend's family", EXPECT_MSG, EAFNOSUPPORT);
	m_source_open();
	m_u32(SPLICELB_SOURCE_A_CLIENT + 2, 1);
	m_source_close();
	check("an unknown attribute in the source", EXPECT_MSG, EINVAL);
	m_source_open();
	m_source_close();
	check("an empty source: the kernel's choice", EXPECT_OK, 0);
	m_init(SPLICELB_CMD_SERVICE_DEL, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT);
	m_nest(SPLICELB_SVC_A_SOURCE);
	m_end();
	m_end();
	check("a source on a service del", EXPECT_MSG, EINVAL);
}

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
	m_init(CMD_UNSPEC, 0);
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
		/* Silence is an answer to it: waited for a short while. */
		set_timeout(500);
		send_raw(m.len, false, &rr);
		set_timeout(CASE_TIMEOUT_MS);
		verdict("message longer than the datagram",
			EXPECT_ERR_OR_SILENCE, 0, &rr);
	}
	/* Every command is checked as new families' are (resv_start_op 0). */
	m_init(SPLICELB_CMD_SERVICE_NEW, 0);
	m_svc();
	((struct genlmsghdr *)(m.buf + NLMSG_HDRLEN))->reserved = 1;
	check("genetlink header's reserved field set", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_STATS_GET, NLM_F_CREATE);
	check("netlink flag NLM_F_CREATE, which genetlink does not define",
	      EXPECT_MSG, EINVAL);

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

	/* A service created with its backends: only SERVICE_NEW takes them. */
	m_init(SPLICELB_CMD_BACKEND_NEW, 0);
	m_svc();
	m_be();
	m_backends_at(BE_PORT + 1);
	check("SPLICELB_A_BACKENDS in a backend add", EXPECT_MSG, EINVAL);
	m_svc_new_at(SVC_PORT + 2);
	m_backends_at(BE_PORT);
	m_backends_at(BE_PORT);
	check("service add with the same backend twice", EXPECT_MSG, EEXIST);
	m_svc_new_at(SVC_PORT + 2);
	m_backend_open(BE_PORT);
	m_u32(SPLICELB_BE_A_WEIGHT, SPLICELB_WEIGHT_MAX + 1);
	m_end();
	check("service add with a backend's weight out of range", EXPECT_MSG,
	      ERANGE);
	/* The refused adds left no service behind: this one is new. */
	m_svc_new_at(SVC_PORT + 2);
	m_backends_at(BE_PORT);
	m_backends_at(BE_PORT + 1);
	check("service add with two backends", EXPECT_OK, 0);
	m_init(SPLICELB_CMD_SERVICE_DEL, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT + 2);
	m_end();
	check("... deleted with them", EXPECT_OK, 0);

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
	/*
	 * A backend's type 7 is check-port, the top level's the repeatable
	 * backends: the nest's repeats are refused all the same, even of a
	 * service that does not exist.
	 */
	m_init(SPLICELB_CMD_BACKEND_SET, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, 1);
	m_end();
	m_nest(SPLICELB_A_BACKEND);
	m_ep4(SPLICELB_BE_A_EP, BE_IP, BE_PORT);
	m_u16(SPLICELB_BE_A_CHECK_PORT, 50170);
	m_u16(SPLICELB_BE_A_CHECK_PORT, 0);
	m_end();
	check("backend check-port twice", EXPECT_MSG, EINVAL);

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

	/* Scheduler options: ranges in the policy, the rest in service.c. */
	m_svc_opts_at(18090, "mh");
	m_u8(SPLICELB_SVC_A_HASH_KEY, SPLICELB_HASH_KEY_ADDR_PORT + 1);
	m_end();
	check("hash-key past addr-port", EXPECT_MSG, ERANGE);
	m_svc_opts_at(18090, "mh");
	m_u32(SPLICELB_SVC_A_TABLE_SIZE, 6);
	m_end();
	check("table-size 6", EXPECT_MSG, ERANGE);
	m_svc_opts_at(18090, "mh");
	m_u32(SPLICELB_SVC_A_TABLE_SIZE, SPLICELB_MH_TABLE_MAX + 1);
	m_end();
	check("table-size past the largest", EXPECT_MSG, ERANGE);
	m_svc_opts_at(18090, "mh");
	m_u32(SPLICELB_SVC_A_TABLE_SIZE, 65536);
	m_end();
	check("table-size 65536, no prime", EXPECT_MSG, EINVAL);
	/* In the policy's range, and refused before any table is built. */
	m_svc_opts_at(18090, "rr");
	m_u32(SPLICELB_SVC_A_TABLE_SIZE, SPLICELB_MH_TABLE_MAX);
	m_end();
	check("the largest table-size, for rr, which takes none", EXPECT_MSG,
	      EINVAL);
	m_svc_opts_at(18090, "wrr");
	m_u8(SPLICELB_SVC_A_HASH_KEY, SPLICELB_HASH_KEY_ADDR);
	m_end();
	check("hash-key for wrr, which takes none", EXPECT_MSG, EINVAL);
	m_svc_opts_at(18090, "sh");
	m_u32(SPLICELB_SVC_A_TABLE_SIZE, 65537);
	m_end();
	check("table-size for sh, which takes none", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_DEL, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT);
	m_u32(SPLICELB_SVC_A_SEED, 1);
	m_end();
	check("seed on a service del", EXPECT_MSG, EINVAL);

	/* The queue of a service, a backend's maxconn. */
	m_init(SPLICELB_CMD_SERVICE_SET, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT);
	m_u32(SPLICELB_SVC_A_QUEUE_TIMEOUT_MS, 0);
	m_end();
	check("queue-timeout-ms 0", EXPECT_MSG, ERANGE);
	m_init(SPLICELB_CMD_SERVICE_SET, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT);
	m_u32(SPLICELB_SVC_A_QUEUE_TIMEOUT_MS,
	      SPLICELB_QUEUE_TIMEOUT_MAX_MS + 1);
	m_end();
	check("queue-timeout-ms past an hour", EXPECT_MSG, ERANGE);
	m_init(SPLICELB_CMD_SERVICE_SET, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT);
	m_u8(SPLICELB_SVC_A_MAXQUEUE, 1);
	m_end();
	check("maxqueue as a u8", EXPECT_MSG, 0);
	m_init(SPLICELB_CMD_SERVICE_DEL, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT);
	m_u32(SPLICELB_SVC_A_MAXQUEUE, 1);
	m_end();
	check("maxqueue on a service del", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_BACKEND_NEW, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT);
	m_u32(SPLICELB_SVC_A_MAXQUEUE, 1);
	m_end();
	m_be();
	check("maxqueue in the service a backend add names", EXPECT_MSG,
	      EINVAL);
	m_init(SPLICELB_CMD_BACKEND_DEL, 0);
	m_svc();
	m_nest(SPLICELB_A_BACKEND);
	m_ep4(SPLICELB_BE_A_EP, BE_IP, BE_PORT);
	m_u32(SPLICELB_BE_A_MAXCONN, 1);
	m_end();
	check("maxconn on a backend del", EXPECT_MSG, EINVAL);
	m_init(SPLICELB_CMD_SERVICE_SET, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT);
	m_u32(SPLICELB_SVC_A_MAXQUEUE, UINT32_MAX);
	m_u32(SPLICELB_SVC_A_QUEUE_TIMEOUT_MS, SPLICELB_QUEUE_TIMEOUT_MAX_MS);
	m_end();
	check("the largest maxqueue and queue-timeout-ms", EXPECT_OK, 0);
	m_init(SPLICELB_CMD_SERVICE_SET, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT);
	m_u32(SPLICELB_SVC_A_MAXQUEUE, 0);
	m_u32(SPLICELB_SVC_A_QUEUE_TIMEOUT_MS, 1);
	m_end();
	check("... and the smallest", EXPECT_OK, 0);
	/* A slow start may be 0, none: only its top is a bound. */
	m_init(SPLICELB_CMD_SERVICE_SET, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT);
	m_u32(SPLICELB_SVC_A_SLOWSTART_MS, SPLICELB_SLOWSTART_MAX_MS + 1);
	m_end();
	check("slowstart-ms past an hour", EXPECT_MSG, ERANGE);
	m_init(SPLICELB_CMD_SERVICE_SET, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT);
	m_u32(SPLICELB_SVC_A_SLOWSTART_MS, SPLICELB_SLOWSTART_MAX_MS);
	m_end();
	check("the largest slowstart-ms", EXPECT_OK, 0);
	m_init(SPLICELB_CMD_SERVICE_SET, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT);
	m_u32(SPLICELB_SVC_A_SLOWSTART_MS, 0);
	m_end();
	check("... and 0, none", EXPECT_OK, 0);
	m_init(SPLICELB_CMD_BACKEND_SET, 0);
	m_svc();
	m_nest(SPLICELB_A_BACKEND);
	m_ep4(SPLICELB_BE_A_EP, BE_IP, BE_PORT);
	m_u32(SPLICELB_BE_A_MAXCONN, UINT32_MAX);
	m_end();
	check("backend maxconn 4294967295", EXPECT_OK, 0);
	m_svc_new_at(SVC_PORT + 2);
	m_backend_open(BE_PORT);
	m_u32(SPLICELB_BE_A_MAXCONN, 2);
	m_end();
	check("service add with a backend's maxconn", EXPECT_OK, 0);
	m_init(SPLICELB_CMD_SERVICE_DEL, 0);
	m_nest(SPLICELB_A_SERVICE);
	m_ep4(SPLICELB_SVC_A_EP, SVC_IP, SVC_PORT + 2);
	m_end();
	check("... deleted", EXPECT_OK, 0);

	/* A service's check, a backend's check-port. */
	cases_check();
	cases_proxy();
	cases_source();

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

/* ---- shared by the generator and the race ------------------------------- */

static unsigned long rnd(unsigned long n)
{
	return (unsigned long)random() % n;
}

static bool chance(unsigned int percent)
{
	return rnd(100) < percent;
}

static uint64_t rnd64(void)
{
	return (uint64_t)random() << 42 ^ (uint64_t)random() << 21 ^
	       (uint64_t)random();
}

/* An index below @n, drawn with the weights @weight(0) to @weight(n - 1). */
static unsigned int pick(unsigned int n, unsigned int (*weight)(unsigned int))
{
	unsigned long total = 0, r;
	unsigned int i;

	for (i = 0; i < n; i++)
		total += weight(i);
	r = rnd(total);
	for (i = 0; r >= weight(i); i++)
		r -= weight(i);
	return i;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define POOL_MAX 16

/* The endpoints generated and racing requests name (-s, -b). */
static struct sockaddr_storage svc_pool[POOL_MAX], be_pool[POOL_MAX];
static unsigned int nsvc_pool, nbe_pool;

/* The schedulers generated requests name; the race's, the first two. */
static const char *const sched_names[] = { "rr", "wrr", "sh", "mh" };

/* Errors, as bits of a set. */
enum {
	B_EINVAL, B_ERANGE, B_ENOENT, B_EEXIST, B_EAFNOSUPPORT, B_EOPNOTSUPP,
	B_E2BIG, B_N
};
#define B(e) (1U << B_##e)
/* Refused by a policy: the core's length and type checks, or a range. */
#define E_POLICY (B(EINVAL) | B(ERANGE))

static const int bit_errno[B_N] = {
	EINVAL, ERANGE, ENOENT, EEXIST, EAFNOSUPPORT, EOPNOTSUPP, E2BIG,
};

static bool err_in(int err, unsigned int set)
{
	unsigned int b;

	for (b = 0; b < B_N; b++)
		if (set & (1U << b) && bit_errno[b] == err)
			return true;
	return false;
}

/* "ack", "ENOENT", ... of an answer. */
static const char *answer_name(const struct reply *r)
{
	static char buf[32];

	if (!r->got)
		return "no answer";
	if (!r->error)
		return "ack";
	snprintf(buf, sizeof(buf), "%s", strerrorname_np(-r->error) ?: "?");
	return buf;
}

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 2 };
	int one = 1;

	sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sk < 0 || bind(sk, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("nlfuzz: netlink socket");
		return -1;
	}
	setsockopt(sk, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(sk, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (resolve()) {
		fprintf(stderr, "nlfuzz: no generic netlink family \"%s\"\n",
			SPLICELB_GENL_NAME);
		return -1;
	}
	return 0;
}

/*
 * Run @fn(@i, @arg) in @n forked processes, each on a socket of its own;
 * false if one of them died of a signal.
 */
static bool run_procs(unsigned int n, void (*fn)(unsigned int, void *),
		      void *arg)
{
	unsigned int i, crashed = 0;
	int status;
	pid_t pid;

	fflush(stdout);
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0) {
			perror("nlfuzz: fork");
			exit(2);
		}
		if (!pid) {
			close(sk);
			if (nl_open())
				exit(2);
			fn(i, arg);
			exit(0);
		}
	}
	while ((pid = wait(&status)) > 0) {
		if (WIFSIGNALED(status)) {
			printf("# process %d died of signal %d\n", (int)pid,
			       WTERMSIG(status));
			crashed++;
		} else if (WEXITSTATUS(status)) {
			printf("# process %d exited with %d\n", (int)pid,
			       WEXITSTATUS(status));
			crashed++;
		}
	}
	return !crashed;
}

static void *shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("nlfuzz: mmap");
		exit(2);
	}
	return p;
}

static void result(bool ok, const char *fmt, ...)
{
	va_list ap;

	ncase++;
	if (!ok)
		failures++;
	printf("%s %d - ", ok ? "ok" : "not ok", ncase);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* ---- the generator ------------------------------------------------------ */

/*
 * A map of the family drives the generated messages: every command, and
 * per nesting level every attribute, with its type and what a request may
 * do with it.  A message is meant either to be valid (values in range or
 * on their boundaries, endpoints from -s and -b, attributes in any order)
 * or to be deviant (attributes missing, repeated, unknown, report-only or
 * not taken by the command; values out of range, of the wrong length, of
 * the wrong type).  A quarter of both are then mutated as bytes: flips,
 * truncation, an attribute or a message whose length lies.
 *
 * The verdict on each follows from what was generated: a valid request
 * succeeds, or finds its object missing or already there where its
 * command may; a deviant one fails with one of the errors its deviations
 * call for; a mutated one is answered.
 */

enum level { L_TOP, L_EP, L_SVC, L_BE, L_CONN, L_STATS, L_MAX };

enum kind { K_FLAG, K_U8, K_U16, K_U32, K_U64, K_STR, K_BIN, K_PAD, K_NEST };

/* What a request may do with an attribute; the top level's is the command's. */
enum use {
	U_REPORT,	/* the kernel's to report: no request carries it */
	U_NAME,		/* names the object: every request carries it */
	U_SETTING,	/* where the command changes settings */
};

struct attr {
	const char *name;
	enum kind kind;
	enum use use;
	enum level holds;	/* of a K_NEST */
	uint64_t min, max;	/* the valid values of an integer setting */
};

#define NATTR 28
#define OTHER_ATTR NATTR	/* the tally of types the map does not know */

static const char *const level_name[L_MAX] = {
	"top", "endpoint", "service", "backend", "conn", "stats",
};

static const int level_max[L_MAX] = {
	SPLICELB_A_MAX, SPLICELB_EP_A_MAX, SPLICELB_SVC_A_MAX,
	SPLICELB_BE_A_MAX, SPLICELB_CONN_A_MAX, SPLICELB_STATS_A_MAX,
};

/* The map has a row for every type, and a mask a bit. */
_Static_assert(SPLICELB_A_MAX < NATTR && SPLICELB_EP_A_MAX < NATTR &&
	       SPLICELB_SVC_A_MAX < NATTR && SPLICELB_BE_A_MAX < NATTR &&
	       SPLICELB_CONN_A_MAX < NATTR && SPLICELB_STATS_A_MAX < NATTR &&
	       NATTR < 32, "NATTR is too small for the family");

#define NEST(n, l, u)		{ n, K_NEST, u, l, 0, 0 }
#define INT(n, k, lo, hi)	{ n, k, U_SETTING, L_TOP, lo, hi }
#define REPORT(n, k)		{ n, k, U_REPORT, L_TOP, 0, 0 }
/* Bytes of a setting, min to max of them. */
#define BYTES(n, lo, hi)	{ n, K_BIN, U_SETTING, L_TOP, lo, hi }

static const struct attr attrs[L_MAX][NATTR] = {
	[L_TOP] = {
		[SPLICELB_A_SERVICE] = NEST("SERVICE", L_SVC, U_NAME),
		[SPLICELB_A_BACKEND] = NEST("BACKEND", L_BE, U_NAME),
		[SPLICELB_A_CONN] = NEST("CONN", L_CONN, U_REPORT),
		[SPLICELB_A_STATS] = NEST("STATS", L_STATS, U_REPORT),
		[SPLICELB_A_CUT] = { "CUT", K_FLAG, U_SETTING, L_TOP, 0, 0 },
		[SPLICELB_A_PAD] = REPORT("PAD", K_PAD),
		[SPLICELB_A_BACKENDS] = NEST("BACKENDS", L_BE, U_SETTING),
	},
	[L_EP] = {
		[SPLICELB_EP_A_FAMILY] = { "FAMILY", K_U16, U_NAME, L_TOP,
					   AF_INET, AF_INET6 },
		[SPLICELB_EP_A_ADDR] = { "ADDR", K_BIN, U_NAME, L_TOP, 0, 0 },
		[SPLICELB_EP_A_PORT] = { "PORT", K_U16, U_NAME, L_TOP,
					 1, 65535 },
	},
	[L_SVC] = {
		[SPLICELB_SVC_A_EP] = NEST("EP", L_EP, U_NAME),
		[SPLICELB_SVC_A_SCHED] = { "SCHED", K_STR, U_SETTING, L_TOP,
					   0, 0 },
		[SPLICELB_SVC_A_BACKLOG] = INT("BACKLOG", K_U32, 1, 65535),
		[SPLICELB_SVC_A_MAXCONN] = INT("MAXCONN", K_U32, 0, UINT32_MAX),
		[SPLICELB_SVC_A_STATS] = NEST("STATS", L_STATS, U_REPORT),
		[SPLICELB_SVC_A_NBACKENDS] = REPORT("NBACKENDS", K_U32),
		[SPLICELB_SVC_A_PAD] = REPORT("PAD", K_PAD),
		[SPLICELB_SVC_A_HASH_KEY] = INT("HASH_KEY", K_U8, 0,
						SPLICELB_HASH_KEY_ADDR_PORT),
		[SPLICELB_SVC_A_SEED] = INT("SEED", K_U32, 0, UINT32_MAX),
		[SPLICELB_SVC_A_TABLE_SIZE] = INT("TABLE_SIZE", K_U32, 7,
						  SPLICELB_MH_TABLE_MAX),
		[SPLICELB_SVC_A_MAXQUEUE] = INT("MAXQUEUE", K_U32, 0,
						UINT32_MAX),
		[SPLICELB_SVC_A_QUEUE_TIMEOUT_MS] =
			INT("QUEUE_TIMEOUT_MS", K_U32, 1,
			    SPLICELB_QUEUE_TIMEOUT_MAX_MS),
		[SPLICELB_SVC_A_CHECK_TYPE] = INT("CHECK_TYPE", K_U8, 0,
						  SPLICELB_CHECK_SEND_EXPECT),
		[SPLICELB_SVC_A_CHECK_SEND] = BYTES("CHECK_SEND", 0,
						    SPLICELB_CHECK_DATA_MAX),
		[SPLICELB_SVC_A_CHECK_EXPECT] = BYTES("CHECK_EXPECT", 0,
						      SPLICELB_CHECK_DATA_MAX),
		[SPLICELB_SVC_A_CHECK_INTER_MS] =
			INT("CHECK_INTER_MS", K_U32,
			    SPLICELB_CHECK_INTER_MIN_MS,
			    SPLICELB_CHECK_INTER_MAX_MS),
		[SPLICELB_SVC_A_CHECK_TIMEOUT_MS] =
			INT("CHECK_TIMEOUT_MS", K_U32, 0,
			    SPLICELB_CHECK_INTER_MAX_MS),
		[SPLICELB_SVC_A_CHECK_RISE] = INT("CHECK_RISE", K_U32, 1,
						  SPLICELB_CHECK_COUNT_MAX),
		[SPLICELB_SVC_A_CHECK_FALL] = INT("CHECK_FALL", K_U32, 1,
						  SPLICELB_CHECK_COUNT_MAX),
		[SPLICELB_SVC_A_CHECK_FASTINTER_MS] =
			INT("CHECK_FASTINTER_MS", K_U32, 0,
			    SPLICELB_CHECK_INTER_MAX_MS),
		[SPLICELB_SVC_A_CHECK_DOWNINTER_MS] =
			INT("CHECK_DOWNINTER_MS", K_U32, 0,
			    SPLICELB_CHECK_INTER_MAX_MS),
		[SPLICELB_SVC_A_CHECK_OBSERVE] =
			INT("CHECK_OBSERVE", K_U32, 0, SPLICELB_CHECK_COUNT_MAX),
		[SPLICELB_SVC_A_SLOWSTART_MS] =
			INT("SLOWSTART_MS", K_U32, 0,
			    SPLICELB_SLOWSTART_MAX_MS),
		[SPLICELB_SVC_A_PROXY_PROTOCOL] =
			INT("PROXY_PROTOCOL", K_U8, 0, SPLICELB_PROXY_V2),
		[SPLICELB_SVC_A_ACCEPT_PROXY] = INT("ACCEPT_PROXY", K_U8, 0, 1),
		/* Written by gen_source_attr() whole, not by level. */
		[SPLICELB_SVC_A_SOURCE] = { "SOURCE", K_NEST, U_SETTING, L_TOP,
					    0, 0 },
	},
	[L_BE] = {
		[SPLICELB_BE_A_EP] = NEST("EP", L_EP, U_NAME),
		[SPLICELB_BE_A_WEIGHT] = INT("WEIGHT", K_U32, 0,
					     SPLICELB_WEIGHT_MAX),
		[SPLICELB_BE_A_STATE] = INT("STATE", K_U8, 0,
					    SPLICELB_BACKEND_DOWN),
		[SPLICELB_BE_A_STATS] = NEST("STATS", L_STATS, U_REPORT),
		[SPLICELB_BE_A_PAD] = REPORT("PAD", K_PAD),
		[SPLICELB_BE_A_MAXCONN] = INT("MAXCONN", K_U32, 0, UINT32_MAX),
		[SPLICELB_BE_A_CHECK_PORT] = INT("CHECK_PORT", K_U16, 0, 65535),
		[SPLICELB_BE_A_HEALTH] = REPORT("HEALTH", K_U8),
		[SPLICELB_BE_A_CHECK_RESULT] = REPORT("CHECK_RESULT", K_U8),
		[SPLICELB_BE_A_CHECK_COUNT] = REPORT("CHECK_COUNT", K_U32),
		[SPLICELB_BE_A_HEALTH_AGE_MS] = REPORT("HEALTH_AGE_MS", K_U64),
		[SPLICELB_BE_A_EWEIGHT] = REPORT("EWEIGHT", K_U32),
		[SPLICELB_BE_A_AGENT_PORT] = INT("AGENT_PORT", K_U16, 0, 65535),
		[SPLICELB_BE_A_AGENT_INTER_MS] =
			INT("AGENT_INTER_MS", K_U32,
			    SPLICELB_CHECK_INTER_MIN_MS,
			    SPLICELB_CHECK_INTER_MAX_MS),
		[SPLICELB_BE_A_AGENT_RESULT] = REPORT("AGENT_RESULT", K_U8),
		[SPLICELB_BE_A_AGENT_PCT] = REPORT("AGENT_PCT", K_U32),
		[SPLICELB_BE_A_AGENT_ADMIN] = REPORT("AGENT_ADMIN", K_U8),
		[SPLICELB_BE_A_AGENT_HEALTH] = REPORT("AGENT_HEALTH", K_U8),
		[SPLICELB_BE_A_PROXY_PROTOCOL] =
			INT("PROXY_PROTOCOL", K_U8, 0, SPLICELB_PROXY_INHERIT),
	},
	[L_CONN] = {
		[SPLICELB_CONN_A_ID] = REPORT("ID", K_U32),
		[SPLICELB_CONN_A_CLIENT] = NEST("CLIENT", L_EP, U_REPORT),
		[SPLICELB_CONN_A_SERVICE] = NEST("SERVICE", L_EP, U_REPORT),
		[SPLICELB_CONN_A_BACKEND] = NEST("BACKEND", L_EP, U_REPORT),
		[SPLICELB_CONN_A_STATE] = REPORT("STATE", K_U8),
		[SPLICELB_CONN_A_AGE_MS] = REPORT("AGE_MS", K_U64),
		[SPLICELB_CONN_A_BYTES_IN] = REPORT("BYTES_IN", K_U64),
		[SPLICELB_CONN_A_BYTES_OUT] = REPORT("BYTES_OUT", K_U64),
		[SPLICELB_CONN_A_CLIENT_RTT_US] = REPORT("CLIENT_RTT_US", K_U32),
		[SPLICELB_CONN_A_CLIENT_RETRANS] =
			REPORT("CLIENT_RETRANS", K_U32),
		[SPLICELB_CONN_A_BACKEND_RTT_US] =
			REPORT("BACKEND_RTT_US", K_U32),
		[SPLICELB_CONN_A_BACKEND_RETRANS] =
			REPORT("BACKEND_RETRANS", K_U32),
		[SPLICELB_CONN_A_PAD] = REPORT("PAD", K_PAD),
		[SPLICELB_CONN_A_PEER] = NEST("PEER", L_EP, U_REPORT),
	},
	[L_STATS] = {
#define SLB_COUNTER(kind, name, ATTR, line, label)			\
		[SPLICELB_STATS_A_##ATTR] = REPORT(#ATTR, K_U64),
#include SLB_COUNTER_LIST
		[SPLICELB_STATS_A_PAD] = REPORT("PAD", K_PAD),
	},
};

#define TOP(a) (1U << SPLICELB_A_##a)
/* Past the last command: the entry whose number is drawn from there on. */
#define CMD_ABOVE (SPLICELB_CMD_MAX + 1)

struct cmd {
	const char *name;
	uint8_t cmd;
	uint16_t flags;		/* NLM_F_DUMP for a dump */
	unsigned int need, may;	/* top-level attributes it requires, takes */
	bool svc_settings;	/* its service nest carries settings */
	bool be_settings;	/* its backend nest does */
	unsigned int answers;	/* errors of a valid request besides success */
	unsigned int refused;	/* no such operation: the answer to all */
	unsigned int weight;
};

static const struct cmd cmds[] = {
	{ "SERVICE_NEW", SPLICELB_CMD_SERVICE_NEW, 0, TOP(SERVICE),
	  TOP(BACKENDS), true, false, B(EEXIST), 0, 3 },
	{ "SERVICE_SET", SPLICELB_CMD_SERVICE_SET, 0, TOP(SERVICE), 0,
	  true, false, B(ENOENT), 0, 3 },
	{ "SERVICE_DEL", SPLICELB_CMD_SERVICE_DEL, 0, TOP(SERVICE), TOP(CUT),
	  false, false, B(ENOENT), 0, 2 },
	{ "SERVICE_GET", SPLICELB_CMD_SERVICE_GET, 0, TOP(SERVICE), 0,
	  false, false, B(ENOENT), 0, 2 },
	{ "SERVICE_GET dump", SPLICELB_CMD_SERVICE_GET, NLM_F_DUMP, 0, 0,
	  false, false, 0, 0, 2 },
	/* EAFNOSUPPORT: the service's source has no address of its family. */
	{ "BACKEND_NEW", SPLICELB_CMD_BACKEND_NEW, 0,
	  TOP(SERVICE) | TOP(BACKEND), 0, false, true,
	  B(ENOENT) | B(EEXIST) | B(EAFNOSUPPORT), 0, 4 },
	{ "BACKEND_SET", SPLICELB_CMD_BACKEND_SET, 0,
	  TOP(SERVICE) | TOP(BACKEND), 0, false, true, B(ENOENT), 0, 3 },
	{ "BACKEND_DEL", SPLICELB_CMD_BACKEND_DEL, 0,
	  TOP(SERVICE) | TOP(BACKEND), TOP(CUT), false, false, B(ENOENT), 0,
	  2 },
	{ "BACKEND_GET", SPLICELB_CMD_BACKEND_GET, 0,
	  TOP(SERVICE) | TOP(BACKEND), 0, false, false, 0, B(EOPNOTSUPP), 1 },
	{ "BACKEND_GET dump", SPLICELB_CMD_BACKEND_GET, NLM_F_DUMP, 0,
	  TOP(SERVICE), false, false, B(ENOENT), 0, 2 },
	{ "CONN_GET", SPLICELB_CMD_CONN_GET, 0, 0, TOP(SERVICE), false, false,
	  0, B(EOPNOTSUPP), 1 },
	{ "CONN_GET dump", SPLICELB_CMD_CONN_GET, NLM_F_DUMP, 0, TOP(SERVICE),
	  false, false, 0, 0, 2 },
	{ "STATS_GET", SPLICELB_CMD_STATS_GET, 0, 0, 0, false, false, 0, 0,
	  2 },
	{ "ZERO", SPLICELB_CMD_ZERO, 0, 0, 0, false, false, 0, 0, 2 },
	{ "FLUSH", SPLICELB_CMD_FLUSH, 0, 0, TOP(CUT), false, false, 0, 0,
	  1 },
	/* Events only: a request as an event looks is no operation. */
	{ "BACKEND_STATE", SPLICELB_CMD_BACKEND_STATE, 0,
	  TOP(SERVICE) | TOP(BACKEND), 0, false, true, 0, B(EOPNOTSUPP), 1 },
	{ "BACKEND_HEALTH", SPLICELB_CMD_BACKEND_HEALTH, 0,
	  TOP(SERVICE) | TOP(BACKEND), 0, false, true, 0, B(EOPNOTSUPP), 1 },
	{ "UNSPEC", CMD_UNSPEC, 0, 0, 0, false, false, 0,
	  B(EOPNOTSUPP), 1 },
	{ "commands past the last", CMD_ABOVE, 0, TOP(SERVICE), 0,
	  false, false, 0, B(EOPNOTSUPP), 1 },
};

#define NCMDS ARRAY_SIZE(cmds)
#define ERRNO_MAX 150
#define REPORT_MAX 10	/* problems each process describes */

struct gen_tally {
	unsigned long msgs, valid, deviant, mutated, refused, silent, wrong;
	unsigned long cmd_sent[NCMDS], cmd_valid[NCMDS], cmd_done[NCMDS];
	unsigned long attr_sent[L_MAX][NATTR + 1];
	unsigned long answers[ERRNO_MAX + 1];	/* by errno; 0: success */
};

/* One message being generated. */
struct gen {
	const struct cmd *c;
	bool deviant;
	unsigned int fail;	/* errors its deviations call for; 0: none */
	const struct sockaddr_storage *pool;	/* of the nest being written */
	unsigned int npool;
	const struct sockaddr_storage *ep;	/* of the endpoint */
	/*
	 * The scheduler and options of the service nest with settings, as
	 * far as they were in range: whether they fit is service.c's to
	 * say, after the checks of netlink.c that make up g->fail.
	 */
	const char *sched;
	u32 opts_given;			/* SLB_SCHED_OPT_* */
	struct slb_sched_opts opts;
	bool opts_misfit;		/* so EINVAL, but for g->c->answers */
	bool opts_unknown;		/* for the default or the service's */
	/* The check of that nest, as far as in range: as the options. */
	struct slb_check_params check;
	u32 check_given;		/* SLB_CHECK_SET_* */
	bool check_misfit;
	bool check_unknown;
	/* A source given: the backends' families may not fit it. */
	bool source_given;
	struct gen_tally *t;
};

enum class { C_VALID, C_BOUNDARY, C_RANGE, C_LEN, C_TYPE };

static enum class pick_class(const struct gen *g)
{
	if (g->deviant && chance(30))
		return (enum class)(C_RANGE + rnd(3));
	return chance(85) ? C_VALID : C_BOUNDARY;
}

static void gen_level(struct gen *g, enum level l, bool settings);

/*
 * A scalar of width @w sent with another length, or as a nest: the
 * policy's length and type checks refuse both.
 */
static void gen_misfit(struct gen *g, uint16_t type, size_t w,
		       enum class cl)
{
	static const size_t widths[] = { 0, 1, 2, 3, 4, 8, 12 };
	uint64_t junk[2] = { rnd64(), rnd64() };
	size_t len;

	g->fail |= E_POLICY;
	if (cl == C_TYPE) {
		m_nest(type);
		m_u32(1, (uint32_t)junk[0]);
		m_end();
		return;
	}
	do
		len = widths[rnd(ARRAY_SIZE(widths))];
	while (len == w);
	m_put(type, junk, len);
}

static void gen_int(struct gen *g, uint16_t type, const struct attr *a,
		    enum class cl, uint64_t valid)
{
	static const size_t width[] = {
		[K_U8] = 1, [K_U16] = 2, [K_U32] = 4, [K_U64] = 8,
	};
	size_t w = width[a->kind];
	uint64_t top = w == 8 ? UINT64_MAX : (1ULL << (8 * w)) - 1;
	uint64_t lo = a->min, hi = a->use == U_REPORT ? top : a->max, v;

	switch (cl) {
	case C_VALID:
		v = valid;
		break;
	case C_BOUNDARY:
		v = chance(50) ? lo : hi;
		break;
	case C_RANGE:
		if (lo > 0 && (hi == top || chance(50))) {
			v = rnd64() % lo;
		} else if (hi < top) {
			v = hi + 1 + rnd64() % (top - hi);
		} else {
			gen_misfit(g, type, w, C_LEN);
			return;
		}
		g->fail |= E_POLICY;
		break;
	default:
		gen_misfit(g, type, w, cl);
		return;
	}
	m_put(type, &v, w);	/* little-endian: the low bytes first */
}

/* A value of a setting in its range, or any of a reported attribute. */
static uint64_t valid_int(const struct attr *a)
{
	if (a->use == U_REPORT || a->max - a->min == UINT64_MAX)
		return rnd64();
	return a->min + rnd64() % (a->max - a->min + 1);
}

static void gen_ep_attr(struct gen *g, uint16_t type, const struct attr *a,
			enum class cl)
{
	static const uint16_t families[] = {
		0, AF_UNIX, 3, 5, 9, 11, 44, 0xffff,
	};
	static const size_t lens[] = { 0, 1, 3, 5, 8, 15, 17, 20 };
	const struct sockaddr_in6 *s6 = (const void *)g->ep;
	const struct sockaddr_in *s4 = (const void *)g->ep;
	bool v6 = g->ep->ss_family == AF_INET6;
	unsigned char junk[20] = { 0 };
	uint16_t f;

	switch (type) {
	case SPLICELB_EP_A_FAMILY:
		if (cl != C_RANGE) {
			gen_int(g, type, a, cl == C_BOUNDARY ? C_VALID : cl,
				g->ep->ss_family);
			return;
		}
		f = families[rnd(ARRAY_SIZE(families))];
		/* In the policy's range, but no family of the Internet. */
		g->fail |= f > AF_INET && f < AF_INET6 ? B(EAFNOSUPPORT) :
			   E_POLICY;
		m_u16(type, f);
		return;
	case SPLICELB_EP_A_ADDR:
		switch (cl) {
		case C_RANGE:	/* the other family's length */
			g->fail |= B(EINVAL);
			m_put(type, junk, v6 ? 4 : 16);
			return;
		case C_LEN:
			g->fail |= E_POLICY;
			m_put(type, junk, lens[rnd(ARRAY_SIZE(lens))]);
			return;
		case C_TYPE:
			gen_misfit(g, type, 16, cl);
			return;
		default:
			if (v6)
				m_put(type, &s6->sin6_addr, 16);
			else
				m_put(type, &s4->sin_addr, 4);
			return;
		}
	default:
		gen_int(g, type, a, cl,
			ntohs(v6 ? s6->sin6_port : s4->sin_port));
	}
}

static void gen_str(struct gen *g, uint16_t type, enum class cl)
{
	switch (cl) {
	case C_RANGE:
		g->fail |= B(ENOENT);
		m_str(type, chance(50) ? "nosuch" : "");
		break;
	case C_LEN:
		g->fail |= E_POLICY;
		if (chance(50))
			m_put(type, "rr", 2);	/* no NUL */
		else
			m_str(type, "abcdefghijklmnop");
		break;
	case C_TYPE:
		gen_misfit(g, type, 3, cl);
		break;
	default:
		g->sched = sched_names[rnd(ARRAY_SIZE(sched_names))];
		m_str(type, g->sched);
	}
}

/*
 * A scheduler option of a service, remembered when in range.  Table sizes
 * stay small, so that mh's tables are quick to build: a prime half the
 * time, as mh takes only primes, else mostly not one.  The largest, a
 * table of 32 MiB, is left to the fixed cases.
 */
static void gen_sched_opt(struct gen *g, uint16_t type, const struct attr *a,
			  enum class cl)
{
	static const u32 primes[] = { 7, 13, 251, 1021, 4093 };
	bool table = type == SPLICELB_SVC_A_TABLE_SIZE;
	uint64_t v = valid_int(a);

	if (cl == C_BOUNDARY)
		v = chance(50) || table ? a->min : a->max;
	else if (table)
		v = chance(50) ? primes[rnd(ARRAY_SIZE(primes))] :
				 a->min + rnd(5000);
	if (cl != C_VALID && cl != C_BOUNDARY) {
		gen_int(g, type, a, cl, v);
		return;
	}
	switch (type) {
	case SPLICELB_SVC_A_HASH_KEY:
		g->opts_given |= SLB_SCHED_OPT_HASH_KEY;
		g->opts.hash_key = (u32)v;
		break;
	case SPLICELB_SVC_A_SEED:
		g->opts_given |= SLB_SCHED_OPT_SEED;
		g->opts.seed = (u32)v;
		break;
	default:
		g->opts_given |= SLB_SCHED_OPT_TABLE_SIZE;
		g->opts.table_size = (u32)v;
	}
	gen_int(g, type, a, C_VALID, v);
}

/*
 * Whether the options given fit the scheduler given, as service.c checks
 * them; without one, they meet the default scheduler or the service's,
 * which the generator does not know.
 */
static void gen_sched_opts_judge(struct gen *g)
{
	const struct slb_sched_ops *ops;

	if (!g->opts_given)
		return;
	ops = g->sched ? slb_sched_find(g->sched) : NULL;
	if (!ops)
		g->opts_unknown = true;
	else
		g->opts_misfit = !!slb_sched_opts_check(ops, g->opts_given,
							&g->opts);
}

/* Remember a check setting of a service nest, sent in range. */
static void gen_check_record(struct gen *g, uint16_t type, uint64_t v,
			     const unsigned char *s, size_t len)
{
	struct slb_check_params *p = &g->check;

	switch (type) {
	case SPLICELB_SVC_A_CHECK_TYPE:
		p->type = (u8)v;
		g->check_given |= SLB_CHECK_SET_TYPE;
		break;
	case SPLICELB_SVC_A_CHECK_SEND:
		memcpy(p->send, s, len);
		p->send_len = (u16)len;
		g->check_given |= SLB_CHECK_SET_SEND;
		break;
	case SPLICELB_SVC_A_CHECK_EXPECT:
		memcpy(p->expect, s, len);
		p->expect_len = (u16)len;
		g->check_given |= SLB_CHECK_SET_EXPECT;
		break;
#define SLB_CHECK_PARAM(field, SET, ATTR, kind, word)			\
	case SPLICELB_SVC_A_CHECK_##ATTR:				\
		p->field = (u32)v;					\
		g->check_given |= SLB_CHECK_SET_##SET;			\
		break;
#include "check_list.h"
	}
}

/*
 * A check setting of a service: strings short mostly, now and then as
 * long as they may be, or longer; numbers as gen_int() has them.
 */
static void gen_check_attr(struct gen *g, uint16_t type, const struct attr *a,
			   enum class cl)
{
	unsigned char s[SPLICELB_CHECK_DATA_MAX + 16];
	uint64_t v = valid_int(a);
	size_t len, i;

	if (a->kind != K_BIN) {
		if (cl == C_BOUNDARY)
			v = chance(50) ? a->min : a->max;
		if (cl == C_VALID || cl == C_BOUNDARY)
			gen_check_record(g, type, v, NULL, 0);
		gen_int(g, type, a, cl == C_BOUNDARY ? C_VALID : cl, v);
		return;
	}
	if (cl == C_TYPE) {
		gen_misfit(g, type, 0, cl);
		return;
	}
	if (cl == C_RANGE || cl == C_LEN)
		len = a->max + 1 + rnd(16);
	else if (cl == C_BOUNDARY)
		len = chance(50) ? a->min : a->max;
	else
		len = rnd(chance(90) ? 16 : a->max + 1);
	for (i = 0; i < len; i++)
		s[i] = (unsigned char)random();
	if (len > a->max)
		g->fail |= E_POLICY;
	else
		gen_check_record(g, type, 0, s, len);
	m_put(type, s, len);
}

/*
 * Whether the check given is one service.c takes.  A service add's is
 * the defaults with what was given; a change meets the service's own,
 * which the generator does not know, so that only what is wrong whatever
 * the service has (a value lib/check.c refuses alone) is sure to fail.
 */
static void gen_check_judge(struct gen *g)
{
	struct slb_check_params p;
	u32 field;

	if (!g->check_given)
		return;
	slb_check_params_init(&p);
	slb_check_params_apply(&p, &g->check, g->check_given);
	if (g->c->cmd == SPLICELB_CMD_SERVICE_NEW) {
		g->check_misfit = !!slb_check_params_invalid(&p, &field);
		return;
	}
	g->check_unknown = true;
	/* A type that asks nothing of the others: refused alone or not. */
	p.type = SPLICELB_CHECK_TCP;
	g->check_misfit = !!slb_check_params_invalid(&p, &field);
}

/* The @i'th of distinct pool addresses, of either family. */
static void gen_source_addr(unsigned int i, bool v6)
{
	struct in6_addr a6 = { .s6_addr = { 0xfd, 0, [15] = 1 } };
	struct in_addr a4 = { htonl(0x0a000001 + i) };

	a6.s6_addr[14] = (uint8_t)i;
	if (v6)
		m_put(SPLICELB_SOURCE_A_ADDR, &a6, sizeof(a6));
	else
		m_put(SPLICELB_SOURCE_A_ADDR, &a4, sizeof(a4));
}

/*
 * A service's source: the kernel's choice, the client's, or a pool, of
 * up to as many addresses as it may hold when a boundary; a deviant one
 * breaks one of netlink.c's rules.
 */
static void gen_source_attr(struct gen *g, uint16_t type, enum class cl)
{
	static const unsigned char odd[17];
	unsigned int i, n = 0;

	if (cl == C_TYPE) {
		g->fail |= E_POLICY;	/* NLA_F_NESTED missing */
		m_u32(type, (uint32_t)random());
		return;
	}
	m_nest(type);
	if (cl == C_RANGE || cl == C_LEN) {
		switch (rnd(5)) {
		case 0:
			m_put(SPLICELB_SOURCE_A_CLIENT, NULL, 0);
			n = 1;
			break;
		case 1:
			n = SPLICELB_SOURCE_ADDRS_MAX + 1;
			break;
		case 2:
			/* The same address twice. */
			gen_source_addr(0, false);
			gen_source_addr(0, false);
			break;
		case 3:
			m_put(SPLICELB_SOURCE_A_ADDR, odd, 5 + rnd(11));
			break;
		default:
			m_put(SPLICELB_SOURCE_A_ADDR, odd, chance(50) ? 17 : 4);
			break;
		}
		for (i = 0; i < n; i++)
			gen_source_addr(i, chance(50));
		g->fail |= B(EINVAL) | B(ERANGE) | B(E2BIG);
		m_end();
		return;
	}
	g->source_given = true;
	if (cl == C_BOUNDARY)
		n = SPLICELB_SOURCE_ADDRS_MAX;
	else if (chance(30))
		m_put(SPLICELB_SOURCE_A_CLIENT, NULL, 0);
	else
		n = rnd(4);
	for (i = 0; i < n; i++)
		gen_source_addr(i, chance(50));
	m_end();
}

static void gen_nest(struct gen *g, uint16_t type, const struct attr *a,
		     enum class cl, bool settings)
{
	static const unsigned char stray[3] = { 1, 2, 3 };

	if (cl == C_TYPE) {
		g->fail |= E_POLICY;	/* NLA_F_NESTED missing */
		m_u32(type, (uint32_t)random());
		return;
	}
	if (a->holds == L_SVC) {
		g->pool = svc_pool;
		g->npool = nsvc_pool;
	} else if (a->holds == L_BE) {
		g->pool = be_pool;
		g->npool = nbe_pool;
	} else if (a->holds == L_EP) {
		g->ep = &g->pool[rnd(g->npool)];
	}
	if (a->holds == L_SVC && settings) {
		g->sched = NULL;
		g->opts_given = 0;
		slb_sched_opts_default(&g->opts);
		g->check_given = 0;
	}
	m_nest(type);
	gen_level(g, a->holds, settings);
	if (a->holds == L_SVC && settings) {
		gen_sched_opts_judge(g);
		gen_check_judge(g);
	}
	if (cl == C_RANGE || cl == C_LEN) {
		/* Fewer bytes than an attribute header, left over. */
		g->fail |= E_POLICY;
		m_bytes(stray, 1 + rnd(3));
	}
	m_end();
}

static void gen_attr(struct gen *g, enum level l, uint16_t type)
{
	const struct attr *a = type <= level_max[l] ? &attrs[l][type] : NULL;
	bool settings = false;
	enum class cl;

	if (!a || !a->name) {
		g->t->attr_sent[l][OTHER_ATTR]++;
		m_u32(type, (uint32_t)random());
		return;
	}
	g->t->attr_sent[l][type]++;
	cl = pick_class(g);
	if (l == L_EP) {
		gen_ep_attr(g, type, a, cl);
		return;
	}
	if (l == L_SVC && (type == SPLICELB_SVC_A_HASH_KEY ||
			   type == SPLICELB_SVC_A_SEED ||
			   type == SPLICELB_SVC_A_TABLE_SIZE)) {
		gen_sched_opt(g, type, a, cl);
		return;
	}
	if (l == L_SVC && type >= SPLICELB_SVC_A_CHECK_TYPE &&
	    type <= SPLICELB_SVC_A_CHECK_OBSERVE) {
		gen_check_attr(g, type, a, cl);
		return;
	}
	if (l == L_SVC && type == SPLICELB_SVC_A_SOURCE) {
		gen_source_attr(g, type, cl);
		return;
	}
	switch (a->kind) {
	case K_NEST:
		if (l == L_TOP && type == SPLICELB_A_SERVICE)
			settings = g->c->svc_settings;
		if (l == L_TOP && type == SPLICELB_A_BACKEND)
			settings = g->c->be_settings;
		if (l == L_TOP && type == SPLICELB_A_BACKENDS)
			settings = true;
		gen_nest(g, type, a, cl, settings);
		break;
	case K_FLAG:
		if (cl == C_TYPE) {
			g->fail |= E_POLICY;
			m_raw(type | NLA_F_NESTED, NLA_HDRLEN, NULL, 0);
		} else if (cl == C_RANGE || cl == C_LEN) {
			gen_misfit(g, type, 0, C_LEN);
		} else {
			m_put(type, NULL, 0);
		}
		break;
	case K_STR:
		gen_str(g, type, cl);
		break;
	case K_PAD:
		m_put(type, "\0\0\0\0", rnd(2) * 4);
		break;
	default:
		gen_int(g, type, a, cl, valid_int(a));
	}
}

/* What a request may carry at level @l: required and optional types. */
static void level_masks(const struct gen *g, enum level l, bool settings,
			unsigned int *need, unsigned int *may)
{
	int type;

	*need = 0;
	*may = 0;
	if (l == L_TOP) {
		*need = g->c->need;
		*may = g->c->may;
		return;
	}
	/* In a nest the kernel only reports, anything may be. */
	if (l == L_CONN || l == L_STATS) {
		*may = (2U << level_max[l]) - 2;
		return;
	}
	for (type = 1; type <= level_max[l]; type++) {
		if (attrs[l][type].use == U_NAME)
			*need |= 1U << type;
		else if (attrs[l][type].use == U_SETTING && settings)
			*may |= 1U << type;
	}
}

/* SERVICE_NEW's backends are the one attribute meant to repeat. */
static bool repeats(enum level l, uint16_t type)
{
	return l == L_TOP && type == SPLICELB_A_BACKENDS;
}

static void gen_level(struct gen *g, enum level l, bool settings)
{
	uint16_t plan[NATTR + 4], t;
	unsigned int need, may, n = 0, i, j, have = 0;
	int type;

	level_masks(g, l, settings, &need, &may);
	for (type = 1; type <= level_max[l]; type++) {
		if (need & 1U << type) {
			if (g->deviant && chance(4))
				continue;
		} else if (!(may & 1U << type) || chance(50)) {
			continue;
		}
		plan[n++] = (uint16_t)type;
		have |= 1U << type;
	}
	if (g->deviant && chance(20)) {
		/* One more: 0 and the two past the last are unknown types. */
		t = (uint16_t)rnd((unsigned long)level_max[l] + 3);
		if (!t || t > level_max[l] || !((need | may) & 1U << t) ||
		    (have & 1U << t && !repeats(l, t)))
			g->fail |= B(EINVAL);
		plan[n++] = t;
		have |= t <= level_max[l] ? 1U << t : 0;
	}
	/* Left out, unless the one more put it back. */
	if (need & ~have)
		g->fail |= B(EINVAL);
	if (g->deviant && n && chance(5)) {
		plan[n] = plan[rnd(n)];
		if (!repeats(l, plan[n]))
			g->fail |= B(EINVAL);	/* given twice */
		n++;
	}
	for (i = n; i > 1 && chance(30); i--) {
		j = (unsigned int)rnd(i);
		t = plan[i - 1];
		plan[i - 1] = plan[j];
		plan[j] = t;
	}
	for (i = 0; i < n; i++)
		gen_attr(g, l, plan[i]);
}

static unsigned int cmd_weight(unsigned int i)
{
	return cmds[i].weight;
}

static void gen_message(struct gen *g)
{
	uint8_t cmd;

	memset(g, 0, offsetof(struct gen, t));
	g->c = &cmds[pick(NCMDS, cmd_weight)];
	g->deviant = chance(55);
	g->pool = svc_pool;
	g->npool = nsvc_pool;
	cmd = g->c->cmd;
	if (cmd == CMD_ABOVE)
		cmd = (uint8_t)(CMD_ABOVE + rnd(256 - CMD_ABOVE));
	m_init(cmd, g->c->flags);
	gen_level(g, L_TOP, false);
}

/*
 * Break the message as bytes; returns whether its nlmsg_len is to be set
 * to the length sent.
 */
static bool mutate(void)
{
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN, at;
	struct nlmsghdr *nlh = (void *)m.buf;
	struct nlattr *a;
	unsigned int k, n;

	if (m.len <= hdr)
		return true;
	switch (rnd(4)) {
	case 0:
		for (k = 0, n = 1 + (unsigned int)rnd(4); k < n; k++)
			m.buf[hdr + rnd(m.len - hdr)] = (unsigned char)random();
		return true;
	case 1:
		m.len = hdr + rnd(m.len - hdr);
		return true;
	case 2:
		at = m.attr[rnd(m.nattr)];
		a = (void *)(m.buf + at);
		if (chance(50))
			a->nla_len = (uint16_t)rnd(m.len - at + 9);
		else
			a->nla_len += chance(50) ? 4 : -4;
		return true;
	default:
		/* The rest of the datagram reads as a message of its own. */
		nlh->nlmsg_len = (uint32_t)(hdr + rnd(m.len - hdr));
		return false;
	}
}

struct gen_args {
	unsigned long n;
	unsigned int seed, nproc;
	struct gen_tally *tallies;	/* one per process */
};

/* The message sent, for a report: what failed can be decoded by hand. */
static void print_bytes(void)
{
	size_t k;

	printf("#   bytes:");
	for (k = 0; k < m.len; k++)
		printf("%s%02x", k % 4 ? "" : " ", m.buf[k]);
	printf("\n");
}

static void gen_judge(const struct gen *g, bool mutated,
		      const struct reply *r, unsigned int proc,
		      unsigned long i)
{
	bool valid = !g->c->refused && !mutated && !g->fail, ok;
	unsigned int ci = (unsigned int)(g->c - cmds);
	unsigned int answers = g->c->answers |
			       (g->source_given ? B(EAFNOSUPPORT) : 0);
	struct gen_tally *t = g->t;

	t->msgs++;
	t->cmd_sent[ci]++;
	t->refused += !!g->c->refused;
	t->mutated += mutated;
	t->valid += valid;
	t->deviant += !g->c->refused && !mutated && g->fail;
	if (!r->got) {
		t->silent++;
		ok = false;
	} else {
		t->answers[-r->error > ERRNO_MAX ? ERRNO_MAX : -r->error]++;
		if (g->c->refused)
			ok = err_in(-r->error, g->c->refused);
		else if (mutated)
			ok = true;
		else if (g->fail)
			ok = r->error < 0 && err_in(-r->error, g->fail);
		else if (g->opts_misfit || g->check_misfit)
			ok = r->error < 0 &&
			     err_in(-r->error, answers | B(EINVAL));
		else
			ok = !r->error ||
			     err_in(-r->error, answers |
				    (g->opts_unknown || g->check_unknown ?
				     B(EINVAL) : 0));
		t->wrong += !ok;
	}
	if (valid && r->got) {
		t->cmd_valid[ci]++;
		t->cmd_done[ci] += !r->error;
	}
	if (ok || t->silent + t->wrong > REPORT_MAX)
		return;
	printf("# process %u message %lu: %s, %s: %s%s%s%s\n", proc, i,
	       g->c->name, g->c->refused ? "no such operation" :
	       mutated ? "mutated" : g->fail ? "deviant, must fail" : "valid",
	       answer_name(r), r->msg[0] ? " (\"" : "", r->msg,
	       r->msg[0] ? "\")" : "");
	print_bytes();
}

static void gen_proc(unsigned int proc, void *arg)
{
	struct gen_args *ga = arg;
	unsigned long n = ga->n / ga->nproc + (proc < ga->n % ga->nproc), i;
	struct reply r;
	struct gen g;
	bool mutated, fix;

	g.t = &ga->tallies[proc];
	srandom(ga->seed + proc * 7919);
	/* A generated message has an answer, however slow the kernel. */
	set_timeout(CASE_TIMEOUT_MS);
	for (i = 0; i < n; i++) {
		gen_message(&g);
		mutated = chance(25);
		fix = mutated ? mutate() : true;
		send_raw(m.len, fix, &r);
		gen_judge(&g, mutated, &r, proc, i);
	}
}

static void gen_sum(const struct gen_args *ga, struct gen_tally *sum)
{
	const unsigned long *from;
	unsigned long *to = (unsigned long *)sum;
	size_t k, words = sizeof(*sum) / sizeof(unsigned long);
	unsigned int p;

	memset(sum, 0, sizeof(*sum));
	for (p = 0; p < ga->nproc; p++) {
		from = (const unsigned long *)&ga->tallies[p];
		for (k = 0; k < words; k++)
			to[k] += from[k];
	}
}

/* What was sent of each command and attribute; false if one never was. */
static bool gen_coverage(const struct gen_tally *t)
{
	bool ok = true, listed;
	unsigned int i, c;
	int l, type;

	for (i = 0; i < NCMDS; i++) {
		printf("# %-24s %8lu sent, %7lu valid, %7lu of them done\n", cmds[i].name, t->cmd_sent[i], t->cmd_valid[i],
		       t->cmd_done[i]);
		ok &= t->cmd_sent[i] > 0;
	}
	/* A command the map lacks is never sent as what it is. */
	for (c = CMD_UNSPEC; c <= SPLICELB_CMD_MAX; c++) {
		for (i = 0, listed = false; i < NCMDS; i++)
			listed |= cmds[i].cmd == c;
		if (!listed) {
			printf("# command %u is not in the map\n", c);
			ok = false;
		}
	}
	for (l = 0; l < L_MAX; l++) {
		printf("# attributes, %s:", level_name[l]);
		for (type = 1; type <= level_max[l]; type++) {
			if (!attrs[l][type].name) {
				printf(" %d NOT IN THE MAP", type);
				ok = false;
				continue;
			}
			printf(" %s %lu", attrs[l][type].name,
			       t->attr_sent[l][type]);
			ok &= t->attr_sent[l][type] > 0;
		}
		printf(", unknown types %lu\n", t->attr_sent[l][OTHER_ATTR]);
	}
	return ok;
}

static void gen_report(const struct gen_args *ga, double secs, bool alive)
{
	struct gen_tally t;
	unsigned int e;

	gen_sum(ga, &t);
	result(alive && t.msgs == ga->n && !t.silent,
	       "%lu generated messages (seed %u, %u processes) all answered",
	       ga->n, ga->seed, ga->nproc);
	printf("# %lu messages in %.1f s, %.0f a second: %lu valid, %lu deviant, %lu mutated, %lu of no operation the family has\n",
	       t.msgs, secs, (double)t.msgs / secs, t.valid, t.deviant,
	       t.mutated, t.refused);
	printf("# answers:");
	for (e = 0; e <= ERRNO_MAX; e++)
		if (t.answers[e])
			printf(" %s %lu", e ? strerrorname_np((int)e) ?: "?" :
			       "ack", t.answers[e]);
	printf("\n");
	result(!t.wrong,
	       "valid requests succeed or meet a missing or existing object "
	       "or scheduler options that do not fit; deviant ones fail as "
	       "their deviations call for (%lu wrong)",
	       t.wrong);
	result(gen_coverage(&t), "every command and every attribute sent");
}

static void gen_run(unsigned long n, unsigned int seed, unsigned int nproc)
{
	struct gen_args ga = { .n = n, .seed = seed, .nproc = nproc };
	double t0 = now_s();
	bool alive;

	printf("# generating %lu messages, seed %u\n", n, seed);

	ga.tallies = shared(nproc * sizeof(*ga.tallies));
	set_timeout(CASE_TIMEOUT_MS);
	alive = run_procs(nproc, gen_proc, &ga);
	gen_report(&ga, now_s() - t0, alive);
	munmap(ga.tallies, nproc * sizeof(*ga.tallies));
	m_init(SPLICELB_CMD_FLUSH, 0);
	m_put(SPLICELB_A_CUT, NULL, 0);
	check("flush after the generated messages", EXPECT_OK, 0);
}

/* ---- the race ----------------------------------------------------------- */

/*
 * Processes at once issue random valid requests: changes of the services
 * and backends of -s and -b, flushes, zeroing and every dump, while
 * clients may be moving data through those services.  A request may find
 * its object just deleted, or added, by another: ENOENT and EEXIST are
 * counted as that, where the request may meet them.  Any other error,
 * a request left unanswered or a process that dies is a failure.
 */

enum race_op {
	OP_SVC_ADD, OP_SVC_SET, OP_SCHED, OP_QUEUE, OP_CHECK, OP_SVC_DEL,
	OP_SVC_DEL_CUT, OP_BE_ADD, OP_WEIGHT, OP_STATE, OP_MAXCONN,
	OP_CHECK_PORT, OP_BE_DEL, OP_BE_DEL_CUT,
	OP_FLUSH, OP_FLUSH_CUT, OP_ZERO, OP_SVC_GET, OP_SVC_DUMP, OP_BE_DUMP,
	OP_BE_DUMP_SVC, OP_CONN_DUMP, OP_CONN_DUMP_SVC, OP_STATS,
	OP_MAX
};

static const struct {
	const char *name;
	unsigned int weight;
	unsigned int answers;	/* errors besides success */
} race_ops[OP_MAX] = {
	/* Removals rarer than additions: clients are to get through. */
	[OP_SVC_ADD] = { "service add", 100, B(EEXIST) },
	[OP_SVC_SET] = { "service backlog, maxconn", 60, B(ENOENT) },
	[OP_SCHED] = { "service scheduler", 60, B(ENOENT) },
	[OP_QUEUE] = { "service queue", 40, B(ENOENT) },
	[OP_CHECK] = { "service check", 40, B(ENOENT) },
	[OP_SVC_DEL] = { "service del", 20, B(ENOENT) },
	[OP_SVC_DEL_CUT] = { "service del cut", 5, B(ENOENT) },
	[OP_BE_ADD] = { "backend add", 150, B(ENOENT) | B(EEXIST) },
	[OP_WEIGHT] = { "backend weight", 100, B(ENOENT) },
	[OP_STATE] = { "backend state", 100, B(ENOENT) },
	[OP_MAXCONN] = { "backend maxconn", 60, B(ENOENT) },
	[OP_CHECK_PORT] = { "backend check-port", 20, B(ENOENT) },
	[OP_BE_DEL] = { "backend del", 30, B(ENOENT) },
	[OP_BE_DEL_CUT] = { "backend del cut", 10, B(ENOENT) },
	[OP_FLUSH] = { "flush", 2, 0 },
	[OP_FLUSH_CUT] = { "flush cut", 1, 0 },
	[OP_ZERO] = { "zero", 20, 0 },
	[OP_SVC_GET] = { "service get", 30, B(ENOENT) },
	[OP_SVC_DUMP] = { "service dump", 40, 0 },
	[OP_BE_DUMP] = { "backend dump", 40, 0 },
	[OP_BE_DUMP_SVC] = { "backend dump of a service", 40, B(ENOENT) },
	[OP_CONN_DUMP] = { "connection dump", 40, 0 },
	[OP_CONN_DUMP_SVC] = { "connection dump of a service", 40, 0 },
	[OP_STATS] = { "stats", 30, 0 },
};

struct race_tally {
	unsigned long done[OP_MAX], ok[OP_MAX], gone[OP_MAX];
	unsigned long wrong[OP_MAX], silent[OP_MAX];
	/* Messages that dumps and gets returned; dumps cut short by a change. */
	unsigned long dumped, intr;
};

struct race_args {
	double until;
	unsigned int seed, nproc;
	struct race_tally *tallies;
};

/* Opens the nest @nest naming the object at @a; the caller closes it. */
static void m_obj(uint16_t nest, uint16_t ep, const struct sockaddr_storage *a)
{
	m_nest(nest);
	m_ep(ep, a);
}

static void race_build(enum race_op op)
{
	static const uint32_t maxconns[] = { 0, 0, 0, 2, 100 };
	/* Short waits: the clients' runs are to end within their timeout. */
	static const uint32_t maxqueues[] = { 0, 0, 2, 64 };
	static const uint32_t timeouts_ms[] = { 1, 50, 500 };
	static const uint32_t be_maxconns[] = { 0, 0, 0, 1, 4 };
	/*
	 * Checks that pass against the servers of -b, so that clients get
	 * through: tcp, or none, at intervals that bring checks in flight
	 * into the changes and deletions.
	 */
	static const uint8_t check_types[] = {
		SPLICELB_CHECK_NONE, SPLICELB_CHECK_TCP, SPLICELB_CHECK_TCP,
	};
	static const uint32_t inters_ms[] = { 50, 200, 1000 };
	const struct sockaddr_storage *svc = &svc_pool[rnd(nsvc_pool)];
	const struct sockaddr_storage *be = &be_pool[rnd(nbe_pool)];

	switch (op) {
	case OP_SVC_ADD:
	case OP_SVC_SET:
	case OP_SCHED:
		m_init(op == OP_SVC_ADD ? SPLICELB_CMD_SERVICE_NEW :
		       SPLICELB_CMD_SERVICE_SET, 0);
		m_obj(SPLICELB_A_SERVICE, SPLICELB_SVC_A_EP, svc);
		if (op != OP_SVC_SET)
			m_str(SPLICELB_SVC_A_SCHED, sched_names[rnd(2)]);
		if (op == OP_SVC_SET) {
			m_u32(SPLICELB_SVC_A_BACKLOG, 16 + (uint32_t)rnd(500));
			m_u32(SPLICELB_SVC_A_MAXCONN, maxconns[rnd(5)]);
		}
		m_end();
		break;
	case OP_QUEUE:
		m_init(SPLICELB_CMD_SERVICE_SET, 0);
		m_obj(SPLICELB_A_SERVICE, SPLICELB_SVC_A_EP, svc);
		m_u32(SPLICELB_SVC_A_MAXQUEUE, maxqueues[rnd(4)]);
		if (chance(50))
			m_u32(SPLICELB_SVC_A_QUEUE_TIMEOUT_MS,
			      timeouts_ms[rnd(3)]);
		m_end();
		break;
	case OP_CHECK:
		m_init(SPLICELB_CMD_SERVICE_SET, 0);
		m_obj(SPLICELB_A_SERVICE, SPLICELB_SVC_A_EP, svc);
		m_u8(SPLICELB_SVC_A_CHECK_TYPE, check_types[rnd(3)]);
		m_u32(SPLICELB_SVC_A_CHECK_INTER_MS, inters_ms[rnd(3)]);
		if (chance(50))
			m_u32(SPLICELB_SVC_A_CHECK_FALL, 1 + (uint32_t)rnd(3));
		m_end();
		break;
	case OP_MAXCONN:
	case OP_CHECK_PORT:
		m_init(SPLICELB_CMD_BACKEND_SET, 0);
		m_obj(SPLICELB_A_SERVICE, SPLICELB_SVC_A_EP, svc);
		m_end();
		m_obj(SPLICELB_A_BACKEND, SPLICELB_BE_A_EP, be);
		if (op == OP_MAXCONN)
			m_u32(SPLICELB_BE_A_MAXCONN, be_maxconns[rnd(5)]);
		else
			m_u16(SPLICELB_BE_A_CHECK_PORT, 0);
		m_end();
		break;
	case OP_SVC_DEL:
	case OP_SVC_DEL_CUT:
		m_init(SPLICELB_CMD_SERVICE_DEL, 0);
		m_obj(SPLICELB_A_SERVICE, SPLICELB_SVC_A_EP, svc);
		m_end();
		if (op == OP_SVC_DEL_CUT)
			m_put(SPLICELB_A_CUT, NULL, 0);
		break;
	case OP_BE_ADD:
	case OP_WEIGHT:
	case OP_STATE:
	case OP_BE_DEL:
	case OP_BE_DEL_CUT:
		m_init(op == OP_BE_ADD ? SPLICELB_CMD_BACKEND_NEW :
		       op == OP_WEIGHT || op == OP_STATE ?
		       SPLICELB_CMD_BACKEND_SET : SPLICELB_CMD_BACKEND_DEL, 0);
		m_obj(SPLICELB_A_SERVICE, SPLICELB_SVC_A_EP, svc);
		m_end();
		m_obj(SPLICELB_A_BACKEND, SPLICELB_BE_A_EP, be);
		if (op == OP_BE_ADD || op == OP_WEIGHT)
			m_u32(SPLICELB_BE_A_WEIGHT, (uint32_t)rnd(8));
		/* Half the time up: clients are to get through. */
		if (op == OP_STATE || (op == OP_BE_ADD && chance(30)))
			m_u8(SPLICELB_BE_A_STATE, chance(50) ?
			     SPLICELB_BACKEND_UP : (uint8_t)(1 + rnd(2)));
		m_end();
		if (op == OP_BE_DEL_CUT)
			m_put(SPLICELB_A_CUT, NULL, 0);
		break;
	case OP_FLUSH:
	case OP_FLUSH_CUT:
		m_init(SPLICELB_CMD_FLUSH, 0);
		if (op == OP_FLUSH_CUT)
			m_put(SPLICELB_A_CUT, NULL, 0);
		break;
	case OP_ZERO:
		m_init(SPLICELB_CMD_ZERO, 0);
		break;
	case OP_SVC_GET:
		m_init(SPLICELB_CMD_SERVICE_GET, 0);
		m_obj(SPLICELB_A_SERVICE, SPLICELB_SVC_A_EP, svc);
		m_end();
		break;
	case OP_SVC_DUMP:
		m_init(SPLICELB_CMD_SERVICE_GET, NLM_F_DUMP);
		break;
	case OP_BE_DUMP:
	case OP_BE_DUMP_SVC:
	case OP_CONN_DUMP:
	case OP_CONN_DUMP_SVC:
		m_init(op == OP_BE_DUMP || op == OP_BE_DUMP_SVC ?
		       SPLICELB_CMD_BACKEND_GET : SPLICELB_CMD_CONN_GET,
		       NLM_F_DUMP);
		if (op == OP_BE_DUMP_SVC || op == OP_CONN_DUMP_SVC) {
			m_obj(SPLICELB_A_SERVICE, SPLICELB_SVC_A_EP, svc);
			m_end();
		}
		break;
	default:
		m_init(SPLICELB_CMD_STATS_GET, 0);
	}
}

static unsigned int op_weight(unsigned int op)
{
	return race_ops[op].weight;
}

static void race_proc(unsigned int proc, void *arg)
{
	struct race_args *ra = arg;
	struct race_tally *t = &ra->tallies[proc];
	unsigned long reported = 0;
	enum race_op op;
	struct reply r;

	srandom(ra->seed + proc * 7919);
	/* Waiting behind the others' requests, on a slow kernel. */
	set_timeout(CASE_TIMEOUT_MS);
	while (now_s() < ra->until) {
		op = (enum race_op)pick(OP_MAX, op_weight);
		race_build(op);
		send_msg(&r);
		t->done[op]++;
		if (r.got && !r.error) {
			t->ok[op]++;
			t->dumped += r.nmsgs;
			t->intr += r.intr;
			continue;
		}
		if (r.got && err_in(-r.error, race_ops[op].answers)) {
			t->gone[op]++;
			continue;
		}
		if (r.got)
			t->wrong[op]++;
		else
			t->silent[op]++;
		if (reported++ < REPORT_MAX)
			printf("# process %u: %s: %s%s%s%s\n", proc,
			       race_ops[op].name, answer_name(&r),
			       r.msg[0] ? " (\"" : "", r.msg,
			       r.msg[0] ? "\")" : "");
	}
}

static void race_run(unsigned int secs, unsigned int seed,
		     unsigned int nproc)
{
	struct race_args ra = { .seed = seed, .nproc = nproc };
	unsigned long done = 0, bad = 0, ok, gone, wrong, silent, unmet = 0;
	double t0 = now_s();
	unsigned int op, p;
	bool alive;

	printf("# racing for %u s, seed %u\n", secs, seed);
	ra.until = t0 + secs;
	ra.tallies = shared(nproc * sizeof(*ra.tallies));
	alive = run_procs(nproc, race_proc, &ra);
	for (op = 0; op < OP_MAX; op++) {
		ok = gone = wrong = silent = 0;
		for (p = 0; p < nproc; p++) {
			done += ra.tallies[p].done[op];
			ok += ra.tallies[p].ok[op];
			gone += ra.tallies[p].gone[op];
			wrong += ra.tallies[p].wrong[op];
			silent += ra.tallies[p].silent[op];
		}
		bad += wrong + silent;
		unmet += !ok;
		printf("# %-29s %7lu ok, %7lu found gone or there, %lu wrong, %lu unanswered\n",
		       race_ops[op].name, ok, gone, wrong,
		       silent);
	}
	for (p = 1; p < nproc; p++) {
		ra.tallies[0].dumped += ra.tallies[p].dumped;
		ra.tallies[0].intr += ra.tallies[p].intr;
	}
	printf("# %lu requests in %.1f s, %.0f a second; dumps and gets returned %lu messages, %lu dumps were interrupted by a change\n",
	       done,
	       now_s() - t0, (double)done / (now_s() - t0),
	       ra.tallies[0].dumped, ra.tallies[0].intr);
	result(alive && !bad,
	       "race of %u processes for %u s (seed %u): every request answered, none with an unexpected error",
	       nproc, secs, seed);
	result(!unmet, "every kind of request succeeded at least once");
	munmap(ra.tallies, nproc * sizeof(*ra.tallies));
}

/* ---- main --------------------------------------------------------------- */

static void pool_add(struct sockaddr_storage *pool, unsigned int *n,
		     const char *s)
{
	const char *why;

	if (*n == POOL_MAX) {
		fprintf(stderr, "nlfuzz: at most %d of -s, and of -b\n",
			POOL_MAX);
		exit(2);
	}
	if (slb_addr_parse(s, &pool[*n], &why)) {
		fprintf(stderr, "nlfuzz: %s: %s\n", s, why);
		exit(2);
	}
	(*n)++;
}

static void pools_default(void)
{
	static const char *const svcs[] = {
		"127.0.0.1:18100", "127.0.0.1:18101", "127.0.0.1:18102",
		"[::1]:18100", "[::1]:18101",
	};
	static const char *const bes[] = {
		"127.0.0.1:18200", "127.0.0.1:18201", "127.0.0.1:18202",
		"[::1]:18200",
	};
	unsigned int i;

	for (i = 0; !nsvc_pool && i < ARRAY_SIZE(svcs); i++)
		pool_add(svc_pool, &nsvc_pool, svcs[i]);
	for (i = 0; !nbe_pool && i < ARRAY_SIZE(bes); i++)
		pool_add(be_pool, &nbe_pool, bes[i]);
}

int main(int argc, char **argv)
{
	unsigned long nrandom = 0;
	unsigned int seed = 1, nproc = 1, race = 0;
	int opt;

	while ((opt = getopt(argc, argv, "r:S:j:R:s:b:")) != -1) {
		switch (opt) {
		case 'r':
			nrandom = strtoul(optarg, NULL, 10);
			break;
		case 'S':
			seed = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'j':
			nproc = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'R':
			race = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 's':
			pool_add(svc_pool, &nsvc_pool, optarg);
			break;
		case 'b':
			pool_add(be_pool, &nbe_pool, optarg);
			break;
		default:
			fprintf(stderr,
				"usage: nlfuzz [-r N] [-R SECONDS] [-j PROCS] [-S SEED] [-s ADDR:PORT]... [-b ADDR:PORT]...\n");
			return 2;
		}
	}
	if (!nproc || nproc > 64) {
		fprintf(stderr, "nlfuzz: -j takes 1 to 64\n");
		return 2;
	}
	pools_default();
	if (nl_open())
		return 2;
	if (race) {
		race_run(race, seed, nproc);
	} else {
		set_timeout(CASE_TIMEOUT_MS);
		cases();
		if (nrandom)
			gen_run(nrandom, seed, nproc);
	}
	printf("# %d cases, %d failed\n", ncase, failures);
	return failures ? 1 : 0;
}
