// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fuzz lbctl's command line and the configuration file: the parser and
 * dispatcher of userspace/common/lbctl_parse.c and the netlink request
 * each parsed command becomes, with nothing sent, and config.c's parser
 * of restore and lbselect files.  No input may crash them, read out of
 * bounds, yield a malformed request, or leave a refused line's mark.
 *
 * libFuzzer (clang):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DLBCTL_FUZZ_LIBFUZZER \
 *     -D_GNU_SOURCE -DSLB_VERSION='"fuzz"' -Iinclude -Ilib -Iuserspace/common \
 *     tests/fuzz/fuzz_lbctl_args.c $(ls userspace/common/[!.]*.c lib/[!.]*.c) \
 *     -o build/fuzz_lbctl_args && build/fuzz_lbctl_args -max_total_time=60
 *
 * Plain driver (gcc): the same file with a main() that runs each FILE given
 * as an input, or else N inputs (default 5000) made by mutating valid
 * command lines with a fixed seed.  tests/unit/test_lbctl_parse.c runs the
 * generator too, so "make check" covers it.
 *
 * An input is the argument vector's words separated by NUL bytes; its
 * first byte is skipped.  The same bytes, NULs as blanks, are also one
 * line of a configuration file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "config.h"
#include "fuzz.h"
#include "lbctl_parse.h"
#include "uapi/linux/splicelb.h"

#define FUZZ_MAX_WORDS 256

/* Every attribute inside [p, p + len) lies within it, nests included. */
static void fuzz_check_attrs(const unsigned char *p, size_t len, int depth)
{
	const struct nlattr *a;

	FUZZ_ASSERT(depth < 8);
	while (len) {
		FUZZ_ASSERT(len >= NLA_HDRLEN);
		a = (const void *)p;
		FUZZ_ASSERT(a->nla_len >= NLA_HDRLEN && a->nla_len <= len);
		if (a->nla_type & NLA_F_NESTED)
			fuzz_check_attrs(p + NLA_HDRLEN, a->nla_len - NLA_HDRLEN,
					 depth + 1);
		if ((size_t)NLA_ALIGN(a->nla_len) >= len)
			break;
		len -= (size_t)NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
}

static void fuzz_check_msg(const struct lbctl_req *req, uint8_t cmd,
			   uint16_t flags)
{
	static unsigned char buf[LBCTL_MSG_MAX];
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct genlmsghdr *g;
	size_t len;

	len = lbctl_msg(buf, sizeof(buf), 0x20, cmd, flags, 1, req);
	FUZZ_ASSERT(len >= NLMSG_HDRLEN + GENL_HDRLEN && len <= sizeof(buf));
	FUZZ_ASSERT(nlh->nlmsg_len == len && nlh->nlmsg_type == 0x20);
	g = (const void *)(buf + NLMSG_HDRLEN);
	FUZZ_ASSERT(g->cmd == cmd);
	fuzz_check_attrs(buf + NLMSG_HDRLEN + GENL_HDRLEN,
			 len - NLMSG_HDRLEN - GENL_HDRLEN, 0);
	/* Too small a buffer: refused, never overrun. */
	FUZZ_ASSERT(lbctl_msg(buf, NLMSG_HDRLEN + GENL_HDRLEN + 4, 0x20, cmd,
			      flags, 1, req) == 0 ||
		    len <= NLMSG_HDRLEN + GENL_HDRLEN + 4);
}

/* The requests lbctl would send for req: as lbctl/ does, nothing sent. */
static void fuzz_dispatch(const struct lbctl_req *req)
{
	uint8_t cmd = lbctl_op_cmd(req->op);

	if (cmd) {
		fuzz_check_msg(req, cmd, 0);
		return;
	}
	switch (req->op) {
	case LBCTL_SERVICE_SHOW:
		fuzz_check_msg(req, SPLICELB_CMD_SERVICE_GET,
			       req->has & LBCTL_HAS_ADDR ? 0 : NLM_F_DUMP);
		break;
	case LBCTL_SHOW:
	case LBCTL_SAVE:
		fuzz_check_msg(req, SPLICELB_CMD_SERVICE_GET, NLM_F_DUMP);
		fuzz_check_msg(req, SPLICELB_CMD_BACKEND_GET, NLM_F_DUMP);
		break;
	case LBCTL_BACKEND_SHOW:
		fuzz_check_msg(req, SPLICELB_CMD_BACKEND_GET, NLM_F_DUMP);
		break;
	case LBCTL_CONNS:
		fuzz_check_msg(req, SPLICELB_CMD_CONN_GET, NLM_F_DUMP);
		break;
	case LBCTL_STATS:
		fuzz_check_msg(req, SPLICELB_CMD_STATS_GET, 0);
		break;
	case LBCTL_RESTORE:
		FUZZ_ASSERT(req->file != NULL);
		break;
	case LBCTL_HELP:
		if (req->topic) {
			FILE *f = fopen("/dev/null", "w");

			if (f) {
				lbctl_usage(f, req->topic);
				fclose(f);
			}
		}
		break;
	case LBCTL_MONITOR:
	case LBCTL_VERSION:
		break;
	default:
		FUZZ_ASSERT(!"parsed into no command");
	}
}

/* Run one argument vector as a command line. */
static void fuzz_argv(int argc, char **argv)
{
	struct lbctl_req req;
	char err[64];

	if (lbctl_parse(argc, argv, &req, err, sizeof(err))) {
		FUZZ_ASSERT(err[0] != '\0' && memchr(err, '\0', sizeof(err)));
		return;
	}
	FUZZ_ASSERT(strlen(req.sched) < sizeof(req.sched));
	fuzz_dispatch(&req);
}

/*
 * One line of a restore file, after a service and a backend: it is taken
 * whole or refused with a message and no trace in the configuration.
 */
static void fuzz_config_line(const char *line)
{
	unsigned int nsvc, nbe;
	struct slb_cfg cfg;
	char err[128];

	slb_cfg_init(&cfg, SLB_CFG_EXTERNAL);
	FUZZ_ASSERT(!slb_cfg_parse_line(&cfg, "service add 10.0.0.1:80", 1,
					err, sizeof(err)));
	FUZZ_ASSERT(!slb_cfg_parse_line(&cfg, "backend add 10.0.1.1:80 "
					"service 10.0.0.1:80", 2, err,
					sizeof(err)));
	nsvc = cfg.nsvc;
	nbe = cfg.nbe;
	if (slb_cfg_parse_line(&cfg, line, 3, err, sizeof(err))) {
		FUZZ_ASSERT(err[0] != '\0' && memchr(err, '\0', sizeof(err)));
		FUZZ_ASSERT(cfg.nsvc == nsvc && cfg.nbe == nbe);
	} else {
		FUZZ_ASSERT(cfg.nsvc <= nsvc + 2 && cfg.nbe <= nbe + 1);
	}
	slb_cfg_free(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy, *argv[FUZZ_MAX_WORDS], *line;
	size_t i, start;
	int argc = 0;

	if (!size)
		return 0;
	copy = malloc(size);
	if (!copy)
		return 0;
	/* Words end at NUL bytes; the last one is NUL-terminated here. */
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	for (i = 0, start = 0; i < size && argc < FUZZ_MAX_WORDS; i++) {
		if (copy[i] == '\0') {
			argv[argc++] = copy + start;
			start = i + 1;
		}
	}
	fuzz_argv(argc, argv);

	/* The same bytes as one line of a configuration file. */
	line = malloc(size);
	if (line) {
		for (i = 0; i + 1 < size; i++)
			line[i] = data[i + 1] ? (char)data[i + 1] : ' ';
		line[size - 1] = '\0';
		fuzz_config_line(line);
		free(line);
	}
	free(copy);
	return 0;
}

/* ---- the generator of the plain driver ---------------------------------- */

static const char *const fuzz_seeds[] = {
	"service add 10.0.0.1:80 scheduler rr backlog 511 maxconn 0",
	"service change [2001:db8::1]:443 scheduler wrr maxconn 10",
	"service add 10.0.0.1:80 scheduler mh hash-key addr-port seed 1 "
	"table-size 65537",
	"service change 10.0.0.1:80 scheduler sh seed 4294967295",
	"service add 10.0.0.1:80 maxconn 10 maxqueue 100 queue-timeout 5s",
	"service change 10.0.0.1:80 queue-timeout 250ms maxqueue 0",
	"service add 10.0.0.1:80 scheduler wrr slowstart 10s",
	"service change 10.0.0.1:80 slowstart 0",
	"service add 10.0.0.1:6379 check send PING\\r\\n expect +PONG inter 1s",
	"service change 10.0.0.1:80 check tcp timeout 0 rise 1 fall 100",
	"service change 10.0.0.1:80 check expect SSH- fastinter 10ms "
	"downinter 3600s",
	"backend change 10.0.1.1:80 service 10.0.0.1:80 check-port 8080",
	"backend add 10.0.1.1:80 service 10.0.0.1:80 agent-port 9999 "
	"agent-inter 500ms",
	"backend change 10.0.1.1:80 service 10.0.0.1:80 agent-port 0",
	"service add 10.0.0.1:80 proxy-protocol v2 accept-proxy on",
	"service change 10.0.0.1:80 proxy-protocol none accept-proxy off",
	"service add 10.0.0.1:80 source 10.0.11.1,fd00:11::3",
	"service change [2001:db8::1]:443 source client accept-proxy on",
	"se c 10.0.0.1:80 so n",
	"backend change 10.0.1.1:80 service 10.0.0.1:80 proxy-protocol "
	"inherit",
	"b a 10.0.1.1:80 se 10.0.0.1:80 p v1",
	"service del 10.0.0.1:80 cut",
	"service show 10.0.0.1:80",
	"s a 10.0.0.1:80 sch wrr",
	"backend add 10.0.1.1:80 service 10.0.0.1:80 weight 1 state up",
	"backend change [::1]:80 service [::1]:81 weight 65535 state drain",
	"backend add 10.0.1.1:80 service 10.0.0.1:80 maxconn 4294967295",
	"backend del 10.0.1.1:80 service 10.0.0.1:80 cut",
	"backend show service 10.0.0.1:80",
	"show -s -j -p",
	"conns service 10.0.0.1:80",
	"stats", "zero", "flush cut", "save", "restore -", "monitor",
	"help backend", "-V", "--help",
};

static const char *const fuzz_tokens[] = {
	"", "-", "--", "-x", "-sjp", "-V", "--json", "#", "service", "backend",
	"add", "change", "del", "show", "cut", "weight", "state", "scheduler",
	"backlog", "maxconn", "up", "drain", "down", "drained", "rr", "wrr",
	"hash-key", "seed", "table-size", "addr", "addr-port", "sh", "mh",
	"maxqueue", "queue-timeout", "slowstart", "sl", "max", "q", "5s",
	"250ms", "3600s", "3601s", "0s", "0ms", "3600000", "3600001", "1.5s",
	"5m", "ms",
	"7", "8", "4194301", "4194302",
	"0", "1", "65535", "65536", "4294967295", "4294967296",
	"99999999999999999999999", "-1", "0x10", "1e3", "10.0.0.1:80",
	"10.0.0.1:0", "10.0.0.1:65536", "10.0.0.1", ":80", "[::1]:80", "[::1]",
	"[::1", "::1:80", "[]:80", "[1.2.3.4]:80", "256.1.1.1:80",
	"[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535",
	"abcdefghijklmnop", "s", "b", "sh", "st", "sa", "r", "m", "h", "z", "f",
	"check", "check-port", "tcp", "none", "send", "expect", "inter",
	"timeout", "rise", "fall", "fastinter", "downinter", "c", "t", "e",
	"agent-port", "agent-inter", "agent", "a", "agent-p", "agent-i",
	"proxy-protocol", "accept-proxy", "p", "ac", "v1", "v2", "v3", "v",
	"inherit", "i", "on", "off", "o",
	"source", "so", "client", "cl", "10.0.11.1", "fd00::1", ",", "1,",
	",1", "10.0.11.1,10.0.11.1", "::ffff:1.2.3.4,10.0.0.1,::",
	"\"", "\"a b\"", "\\", "\\x", "\\xzz", "\\x00", "\\r\\n", "-ERR",
	"9ms", "10ms", "101", "100",
};

static unsigned int fuzz_rand(unsigned int *state)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 16) & 0x7fff;
}

/* Input n of the corpus that seed makes: a mutated command line. */
static size_t fuzz_make(unsigned int *st, uint8_t *out, size_t cap)
{
	char line[512], *w[64], *save, *p;
	static char big[4096];
	unsigned int nw = 0, i, ops, op;
	size_t len = 1;

	snprintf(line, sizeof(line), "%s",
		 fuzz_seeds[fuzz_rand(st) % (sizeof(fuzz_seeds) /
					     sizeof(fuzz_seeds[0]))]);
	for (p = strtok_r(line, " ", &save); p && nw < 48;
	     p = strtok_r(NULL, " ", &save))
		w[nw++] = p;
	ops = fuzz_rand(st) % 5;
	for (i = 0; i < ops; i++) {
		op = fuzz_rand(st) % 6;
		if (op == 0 && nw) {			/* drop a word */
			unsigned int k = fuzz_rand(st) % nw;

			memmove(&w[k], &w[k + 1], (nw - k - 1) * sizeof(*w));
			nw--;
		} else if (op == 1 && nw < 48) {	/* insert a token */
			unsigned int k = nw ? fuzz_rand(st) % (nw + 1) : 0;

			memmove(&w[k + 1], &w[k], (nw - k) * sizeof(*w));
			w[k] = (char *)fuzz_tokens[fuzz_rand(st) %
				(sizeof(fuzz_tokens) / sizeof(fuzz_tokens[0]))];
			nw++;
		} else if (op == 2 && nw) {		/* replace a word */
			w[fuzz_rand(st) % nw] = (char *)fuzz_tokens[
				fuzz_rand(st) % (sizeof(fuzz_tokens) /
						 sizeof(fuzz_tokens[0]))];
		} else if (op == 3 && nw > 1) {		/* swap two */
			unsigned int a = fuzz_rand(st) % nw;
			unsigned int b = fuzz_rand(st) % nw;
			char *t = w[a];

			w[a] = w[b];
			w[b] = t;
		} else if (op == 4 && nw < 48) {	/* a huge word */
			memset(big, 'A' + (int)(fuzz_rand(st) % 26),
			       sizeof(big) - 1);
			w[nw++] = big;
		} else if (nw) {			/* cut a word short */
			unsigned int k = fuzz_rand(st) % nw;
			static char cut[64][64];
			char tmp[64];

			snprintf(tmp, sizeof(tmp), "%.*s",
				 (int)(fuzz_rand(st) % 8), w[k]);
			memcpy(cut[k], tmp, sizeof(tmp));
			w[k] = cut[k];
		}
	}
	out[0] = (uint8_t)fuzz_rand(st);
	for (i = 0; i < nw; i++) {
		size_t n = strlen(w[i]) + 1;

		if (len + n > cap)
			break;
		memcpy(out + len, w[i], n);
		len += n;
	}
	/* Now and then a raw byte flipped anywhere. */
	if (len > 1 && fuzz_rand(st) % 4 == 0)
		out[1 + fuzz_rand(st) % (len - 1)] = (uint8_t)fuzz_rand(st);
	return len;
}

/* Run n generated inputs; returns how many were run. */
unsigned int fuzz_lbctl_corpus(unsigned int seed, unsigned int n);

unsigned int fuzz_lbctl_corpus(unsigned int seed, unsigned int n)
{
	static uint8_t buf[8192];
	unsigned int i, st = seed;
	size_t len;

	for (i = 0; i < n; i++) {
		len = fuzz_make(&st, buf, sizeof(buf));
		LLVMFuzzerTestOneInput(buf, len);
	}
	return n;
}

#if !defined(LBCTL_FUZZ_LIBFUZZER) && !defined(LBCTL_FUZZ_NO_MAIN)
static unsigned int fuzz_lbctl_generate(unsigned int n)
{
	return fuzz_lbctl_corpus(1, n);
}

int main(int argc, char **argv)
{
	static uint8_t buf[1 << 16];

	return fuzz_main("fuzz_lbctl_args", argc, argv, 5000,
			 fuzz_lbctl_generate, buf, sizeof(buf));
}
#endif
