// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lbctl conns [service ADDR:PORT]: one row per connection, and at its
 * end, for a client an accept-proxy service took from a PROXY header,
 * " peer ADDR:PORT": the upstream that sent the header.
 */
#include <inttypes.h>
#include <stdio.h>

#include "lbctl.h"

static const char *conn_state(uint8_t state)
{
	static const char *const names[] = {
		[SPLICELB_CONN_CONNECTING] = "connecting",
		[SPLICELB_CONN_ESTABLISHED] = "established",
		[SPLICELB_CONN_CLIENT_FIN] = "client_fin",
		[SPLICELB_CONN_SERVER_FIN] = "server_fin",
		[SPLICELB_CONN_CLOSING] = "closing",
		[SPLICELB_CONN_QUEUED] = "queued",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

static int conn_cb(const struct nlmsghdr *nlh, void *data)
{
	struct lbctl_conn conn;
	char age[32];

	(void)data;
	if (lbctl_parse_conn(nlh, &conn))
		return -1;
	snprintf(age, sizeof(age), "%" PRIu64 ".%03us", conn.age_ms / 1000,
		 (unsigned int)(conn.age_ms % 1000));
	out_open_object(NULL);
	out_u64(OUT_ANY, "id", "%-7" PRIu64, conn.id);
	out_addr(OUT_ANY, "client", " %-22s", &conn.client);
	out_addr(OUT_ANY, "service", " %-22s", &conn.service);
	if (conn.has_backend)
		out_addr(OUT_ANY, "backend", " %-22s", &conn.backend);
	else
		out_str(OUT_TEXT, NULL, " %-22s", "-");
	out_str(OUT_ANY, "state", " %-11s", conn_state(conn.state));
	out_str(OUT_TEXT, NULL, " %9s", age);
	out_u64(OUT_JSON, "age_ms", "", conn.age_ms);
	out_u64(OUT_ANY, "bytes_in", " %12" PRIu64, conn.bytes_in);
	out_u64(OUT_ANY, "bytes_out", " %12" PRIu64, conn.bytes_out);
	out_u64(OUT_ANY, "client_rtt_us", " %8" PRIu64, conn.client_rtt_us);
	out_u64(OUT_ANY, "client_retrans", " %6" PRIu64,
		conn.client_retrans);
	out_u64(OUT_ANY, "backend_rtt_us", " %8" PRIu64,
		conn.backend_rtt_us);
	out_u64(OUT_ANY, "backend_retrans", " %6" PRIu64,
		conn.backend_retrans);
	if (conn.has_peer)
		out_addr(OUT_ANY, "peer", " peer %s", &conn.peer);
	out_nl();
	out_close_object();
	return MNL_CB_OK;
}

int cmd_conns(struct lbctl *c, const struct lbctl_req *req)
{
	int err;

	out_text("%-7s %-22s %-22s %-22s %-11s %9s %12s %12s %8s %6s %8s %6s\n",
		 "ID", "CLIENT", "SERVICE", "BACKEND", "STATE", "AGE",
		 "BYTES_IN", "BYTES_OUT", "C_RTTus", "C_RETR", "B_RTTus",
		 "B_RETR");
	out_open_array(NULL);
	err = lbctl_nl_talk(c, SPLICELB_CMD_CONN_GET, NLM_F_DUMP, req, conn_cb,
			    NULL);
	out_close_array();
	return err ? LBCTL_REFUSED : LBCTL_OK;
}
