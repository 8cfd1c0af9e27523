// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The generic netlink socket: resolving the family, sending one request
 * and reading its replies, with the kernel's extended ack messages.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "lbctl.h"

/* Dumps come in skbs sized after the reader's buffer, up to 32 KiB. */
#define LBCTL_RX_BUF	32768

void lbctl_err(const struct lbctl *c, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", c->where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct family_info {
	uint16_t id;
	uint32_t mcgrp;
};

static int mcgrp_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = { NULL };
	struct family_info *fi = data;
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, attr) {
		int type = mnl_attr_get_type(a);

		if (type <= CTRL_ATTR_MCAST_GRP_MAX)
			tb[type] = a;
	}
	if (tb[CTRL_ATTR_MCAST_GRP_NAME] && tb[CTRL_ATTR_MCAST_GRP_ID] &&
	    !mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_NAME], MNL_TYPE_STRING) &&
	    !mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_ID], MNL_TYPE_U32) &&
	    !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]),
		    SPLICELB_MCGRP_EVENTS))
		fi->mcgrp = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	return MNL_CB_OK;
}

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct family_info *fi = data;
	const struct nlattr *grp;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
			fi->id = mnl_attr_get_u16(attr);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		mnl_attr_for_each_nested(grp, attr)
			mcgrp_cb(grp, fi);
		break;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, GENL_HDRLEN, family_attr_cb, data);
}

struct extack {
	int error;
	char msg[256];
};

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct extack *ea = data;
	const char *s;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0) {
		s = mnl_attr_get_str(attr);
		/* Messages are "splicelb: ..." (NL_SET_ERR_MSG_MOD). */
		if (!strncmp(s, SPLICELB_GENL_NAME ": ",
			     strlen(SPLICELB_GENL_NAME) + 2))
			s += strlen(SPLICELB_GENL_NAME) + 2;
		snprintf(ea->msg, sizeof(ea->msg), "%s", s);
	}
	return MNL_CB_OK;
}

/* The error and message of an NLMSG_ERROR or NLMSG_DONE. */
static void read_extack(const struct nlmsghdr *nlh, struct extack *ea)
{
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	unsigned int off;

	ea->msg[0] = '\0';
	ea->error = 0;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		if (plen < sizeof(*e)) {
			ea->error = -EBADMSG;
			return;
		}
		ea->error = e->error;
		off = sizeof(*e);
		/* Without NLM_F_CAPPED the whole request is echoed. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(e->msg);
	} else {
		if (plen < sizeof(int))
			return;
		memcpy(&ea->error, mnl_nlmsg_get_payload(nlh), sizeof(int));
		off = sizeof(int);
	}
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && off <= plen)
		mnl_attr_parse(nlh, off, extack_attr_cb, ea);
}

static void report(struct lbctl *c, const struct extack *ea)
{
	int err = -ea->error;

	if (ea->msg[0])
		lbctl_err(c, "%s", ea->msg);
	else if (err == EPERM)
		lbctl_err(c, "permission denied: changing splicelb needs "
			  "CAP_NET_ADMIN in the network namespace (%s)",
			  strerror(err));
	else
		lbctl_err(c, "%s", strerror(err));
}

/*
 * Read the replies to request @seq to its end.  Returns 0, -EINTR for a
 * dump that raced with a change, or a negative errno.
 */
static int recv_replies(struct lbctl *c, uint32_t seq, lbctl_msg_cb cb,
			void *data, bool quiet)
{
	static char buf[LBCTL_RX_BUF] __attribute__((aligned(8)));
	const struct nlmsghdr *nlh;
	bool intr = false;
	struct extack ea;
	ssize_t n;
	int len;

	for (;;) {
		n = mnl_socket_recvfrom(c->sk, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (!quiet)
				lbctl_err(c, "netlink: %s", strerror(errno));
			return -errno;
		}
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			/* Stray replies of an earlier request. */
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != c->portid)
				continue;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			if (nlh->nlmsg_type == NLMSG_ERROR ||
			    nlh->nlmsg_type == NLMSG_DONE) {
				read_extack(nlh, &ea);
				if (ea.error) {
					if (!quiet)
						report(c, &ea);
					return ea.error;
				}
				return intr ? -EINTR : 0;
			}
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			if (cb && cb(nlh, data) < 0) {
				lbctl_err(c, "malformed reply from the kernel");
				return -EBADMSG;
			}
		}
	}
}

static int send_msg(struct lbctl *c, const void *buf, size_t len)
{
	if (mnl_socket_sendto(c->sk, buf, len) < 0) {
		lbctl_err(c, "netlink: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

int lbctl_nl_open(struct lbctl *c)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct family_info fi = { 0 };
	struct genlmsghdr *g;
	struct nlmsghdr *nlh;
	int one = 1, err;

	if (c->sk)
		return 0;
	c->sk = mnl_socket_open(NETLINK_GENERIC);
	if (!c->sk) {
		lbctl_err(c, "netlink: %s", strerror(errno));
		return -errno;
	}
	if (mnl_socket_bind(c->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		lbctl_err(c, "netlink: %s", strerror(errno));
		goto fail;
	}
	/* Messages with the errors, and no echo of the request. */
	mnl_socket_setsockopt(c->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(c->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	c->portid = mnl_socket_get_portid(c->sk);

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++c->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SPLICELB_GENL_NAME);
	err = send_msg(c, buf, nlh->nlmsg_len);
	if (!err)
		err = recv_replies(c, nlh->nlmsg_seq, family_cb, &fi, true);
	if (err == -ENOENT) {
		lbctl_err(c, "the splicelb module is not loaded (no generic "
			  "netlink family \"" SPLICELB_GENL_NAME "\")");
		goto fail;
	}
	if (err || !fi.id) {
		lbctl_err(c, "cannot resolve the generic netlink family: %s",
			  strerror(err ? -err : EPROTO));
		err = err ? err : -EPROTO;
		goto fail;
	}
	c->family = fi.id;
	c->mcgrp = fi.mcgrp;
	return 0;

fail:
	mnl_socket_close(c->sk);
	c->sk = NULL;
	return err;
}

void lbctl_nl_close(struct lbctl *c)
{
	if (c->sk)
		mnl_socket_close(c->sk);
	c->sk = NULL;
}

int lbctl_nl_talk(struct lbctl *c, uint8_t cmd, uint16_t flags,
		  const struct lbctl_req *req, lbctl_msg_cb cb, void *data)
{
	char buf[LBCTL_MSG_MAX];
	size_t len;
	int err;

	err = lbctl_nl_open(c);
	if (err)
		return err;
	/* A request is acked; a dump ends with NLMSG_DONE instead. */
	if (!(flags & NLM_F_DUMP))
		flags |= NLM_F_ACK;
	len = lbctl_msg(buf, sizeof(buf), c->family, cmd, flags, ++c->seq,
			req);
	if (!len) {
		lbctl_err(c, "request too large");
		return -EMSGSIZE;
	}
	err = send_msg(c, buf, len);
	if (err)
		return err;
	return recv_replies(c, c->seq, cb, data, false);
}

int lbctl_nl_service_new(struct lbctl *c, const struct lbctl_req *svc,
			 const struct lbctl_req *be, size_t nbe, size_t *sent)
{
	size_t len, more;
	char *buf;
	int err;

	*sent = 0;
	err = lbctl_nl_open(c);
	if (err)
		return err;
	buf = malloc(LBCTL_SERVICE_NEW_MAX);
	if (!buf) {
		lbctl_err(c, "out of memory");
		return -ENOMEM;
	}
	len = lbctl_msg(buf, LBCTL_SERVICE_NEW_MAX, c->family,
			SPLICELB_CMD_SERVICE_NEW, NLM_F_ACK, ++c->seq, svc);
	while (len && *sent < nbe) {
		more = lbctl_msg_add_backend(buf, LBCTL_SERVICE_NEW_MAX,
					     &be[*sent]);
		if (!more)
			break;
		len = more;
		(*sent)++;
	}
	err = len ? send_msg(c, buf, len) : -EMSGSIZE;
	free(buf);
	if (!err)
		err = recv_replies(c, c->seq, NULL, NULL, false);
	if (err)
		*sent = 0;
	return err;
}

int lbctl_nl_simple(struct lbctl *c, const struct lbctl_req *req)
{
	return lbctl_nl_talk(c, lbctl_op_cmd(req->op), 0, req, NULL, NULL) ?
	       LBCTL_REFUSED : LBCTL_OK;
}
