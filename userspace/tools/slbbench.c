// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * slbbench: load generator and backend for the benchmarks (scripts/bench).
 * It only talks to an ADDR:PORT: whatever sits in between (nothing, a
 * router, a proxy) is what gets measured.  ADDR:PORT may be a list,
 * ADDR:PORT,ADDR:PORT,...: a server listens on each, a client opens its
 * connections to each in turn (balancing on the client's side, for the
 * path with no balancer).
 *
 *   slbbench serve ADDR:PORT   echo server: every byte read is written back;
 *                              one SO_REUSEPORT listener and epoll loop per
 *                              process (-T); closes when the peer does
 *   slbbench rr ADDR:PORT      request/response over persistent connections:
 *                              each connection sends a message, waits for the
 *                              whole echo, sends the next (closed loop)
 *   slbbench cr ADDR:PORT      connection rate: each slot connects, sends a
 *                              message, waits for the echo, closes, again
 *   slbbench hold ADDR:PORT    concurrency: opens N connections, each
 *                              exchanges a message, then holds them all until
 *                              SIGUSR1/SIGTERM (or -H), then resets them
 *
 * Latencies go into a log-linear histogram (64 sub-buckets per power of two:
 * under 1.6 % error, as HdrHistogram with 2 significant digits).  Results are
 * one line of KEY=VALUE pairs on stdout, prefixed with the mode:
 *
 *   rr conns=32 size=64 secs=5.00 txns=12000 tps=2400.0 p50_us=... p99_us=...
 *      p999_us=... max_us=... errors=0
 *   cr par=32 size=64 secs=5.00 ok=9000 cps=1800.0 p50_us=... p99_us=...
 *      errors=0
 *   hold target=10000 ok=10000 failed=0 secs=12.3   (then, on release)
 *   hold alive=10000
 *
 * Everything is bounded in time: -d for a measurement (hold: its set-up),
 * -H for hold's holding, -t for a server.  Exit 0, or 1 when a connection failed (rr, cr: any
 * error; hold: fewer than N held), 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "nofile.h"

#define MAXMSG		65536
#define MAXEV		256
#define SUB_BITS	6
#define SUB		(1 << SUB_BITS)
#define NBUCKETS	(SUB * 44)
#define MAXADDR		16
/* epoll data of listener i; connections are their descriptor. */
#define LISTENER(i)	(UINT64_MAX - (uint64_t)(i))

enum mode { M_SERVE, M_RR, M_CR, M_HOLD };

static struct {
	enum mode mode;
	struct sockaddr_storage addr[MAXADDR];
	unsigned int naddr;
	unsigned long conns;	/* rr: connections; cr: parallel; hold: N */
	unsigned long inflight;	/* hold: connecting at once */
	size_t size;		/* message bytes */
	double secs;		/* measurement */
	double warmup;
	double limit;		/* the whole run */
	double hold;		/* hold: at most this long */
	unsigned int threads;	/* serve: processes */
	bool rst;		/* serve: close with a RST */
} o = {
	.conns = 1, .inflight = 128, .size = 64, .secs = 5, .warmup = 0,
	.limit = 0, .hold = 600, .threads = 0,
};

static volatile sig_atomic_t stop, release;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_release(int sig)
{
	(void)sig;
	release = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "slbbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ---- histogram ---------------------------------------------------------- */

struct hist {
	uint64_t n, max;
	uint64_t b[NBUCKETS];
};

static unsigned int bucket_of(uint64_t v)
{
	unsigned int e;

	if (v < 2 * SUB)
		return (unsigned int)v;
	e = 63 - (unsigned int)__builtin_clzll(v) - SUB_BITS;
	if (e + 1 >= NBUCKETS / SUB)
		return NBUCKETS - 1;
	return (e + 1) * SUB + (unsigned int)((v >> e) - SUB);
}

/* The middle of a bucket's range. */
static uint64_t bucket_value(unsigned int i)
{
	unsigned int e;

	if (i < 2 * SUB)
		return i;
	e = i / SUB - 1;
	return ((uint64_t)(i % SUB + SUB) << e) + ((1ULL << e) >> 1);
}

static void hist_add(struct hist *h, uint64_t v)
{
	h->b[bucket_of(v)]++;
	h->n++;
	if (v > h->max)
		h->max = v;
}

/* The value at quantile q, in microseconds. */
static double hist_q(const struct hist *h, double q)
{
	uint64_t rank, seen = 0, v;
	unsigned int i;

	if (!h->n)
		return 0;
	rank = (uint64_t)(q * (double)h->n + 0.999999);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < NBUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank)
			break;
	}
	v = i < NBUCKETS ? bucket_value(i) : h->max;
	return (double)(v < h->max ? v : h->max) / 1e3;
}

/* ---- options ------------------------------------------------------------ */

static void usage(FILE *f)
{
	fputs(
"usage: slbbench serve ADDR:PORT[,...] [-T PROCS] [-R] [-t SECS]\n"
"       slbbench rr ADDR:PORT[,...] [-c CONNS] [-m BYTES] [-d SECS] [-w SECS]\n"
"       slbbench cr ADDR:PORT[,...] [-c PARALLEL] [-m BYTES] [-d SECS] [-w SECS]\n"
"       slbbench hold ADDR:PORT[,...] [-n CONNS] [-P INFLIGHT] [-m BYTES]\n"
"                [-d SECS] [-H SECS]\n"
"  -c N     connections (rr) or parallel clients (cr), default 1\n"
"  -n N     connections to hold (hold), default 1\n"
"  -P N     hold: connections being set up at once (default 128)\n"
"  -m BYTES message size (default 64, at most 65536)\n"
"  -d SECS  measure this long (rr, cr; default 5); hold: give up setting\n"
"           up after SECS (default 5)\n"
"  -w SECS  warm-up before measuring (rr, cr; default 0)\n"
"  -H SECS  hold: release after SECS even without a signal (default 600)\n"
"  -T N     serve: processes (default: online CPUs)\n"
"  -R       serve: close with a RST (no TIME_WAIT)\n"
"  -t SECS  serve: exit after SECS (default: until SIGTERM)\n", f);
}

static double secs_arg(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0) {
		fprintf(stderr, "slbbench: bad time \"%s\"\n", s);
		exit(2);
	}
	return v;
}

static unsigned long num_arg(const char *s)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end) {
		fprintf(stderr, "slbbench: bad number \"%s\"\n", s);
		exit(2);
	}
	return v;
}

/* ADDR:PORT[,ADDR:PORT...] */
static void parse_addrs(const char *arg)
{
	char *list = strdup(arg), *tok, *save = NULL;
	const char *why;

	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (o.naddr == MAXADDR) {
			fprintf(stderr, "slbbench: at most %d addresses\n",
				MAXADDR);
			exit(2);
		}
		if (slb_addr_parse(tok, &o.addr[o.naddr++], &why)) {
			fprintf(stderr, "slbbench: %s: %s\n", tok, why);
			exit(2);
		}
	}
	free(list);
	if (!o.naddr) {
		usage(stderr);
		exit(2);
	}
}

static void parse_args(int argc, char **argv)
{
	int c;

	if (argc < 3) {
		usage(stderr);
		exit(2);
	}
	if (!strcmp(argv[1], "serve"))
		o.mode = M_SERVE;
	else if (!strcmp(argv[1], "rr"))
		o.mode = M_RR;
	else if (!strcmp(argv[1], "cr"))
		o.mode = M_CR;
	else if (!strcmp(argv[1], "hold"))
		o.mode = M_HOLD;
	else {
		usage(stderr);
		exit(2);
	}
	parse_addrs(argv[2]);
	optind = 3;
	if (o.mode == M_HOLD)
		o.secs = 5;
	while ((c = getopt(argc, argv, "c:n:P:m:d:w:H:T:Rt:h")) != -1) {
		switch (c) {
		case 'c':
		case 'n':
			o.conns = num_arg(optarg);
			break;
		case 'P':
			o.inflight = num_arg(optarg);
			break;
		case 'm':
			o.size = num_arg(optarg);
			break;
		case 'd':
			o.secs = secs_arg(optarg);
			break;
		case 'w':
			o.warmup = secs_arg(optarg);
			break;
		case 'H':
			o.hold = secs_arg(optarg);
			break;
		case 'T':
			o.threads = (unsigned int)num_arg(optarg);
			break;
		case 'R':
			o.rst = true;
			break;
		case 't':
			o.limit = secs_arg(optarg);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind < argc || !o.conns || !o.inflight || !o.size ||
	    o.size > MAXMSG) {
		usage(stderr);
		exit(2);
	}
	if (!o.threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		o.threads = n > 0 ? (unsigned int)n : 1;
	}
}

/* ---- sockets ------------------------------------------------------------ */

static void set_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void close_rst(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

/* Connection @i goes to address i mod naddr. */
static int open_conn(unsigned long i, bool nonblock)
{
	const struct sockaddr_storage *a = &o.addr[i % o.naddr];
	int fd = socket(a->ss_family,
			SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);

	if (fd < 0)
		return -1;
	set_nodelay(fd);
	if (connect(fd, (const struct sockaddr *)a, slb_addr_len(a)) &&
	    errno != EINPROGRESS) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static void ep_ctl(int ep, int op, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	if (epoll_ctl(ep, op, fd, &ev))
		die("epoll_ctl");
}

/* ---- serve -------------------------------------------------------------- */

struct echo {
	uint32_t len, off;	/* bytes waiting to go back */
	uint8_t *buf;
};

static struct echo *echoes;
static unsigned long max_fd;

static void echo_close(int ep, int fd)
{
	struct echo *e = &echoes[fd];

	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	free(e->buf);
	memset(e, 0, sizeof(*e));
	if (o.rst)
		close_rst(fd);
	else
		close(fd);
}

/* Flush what waits; true when nothing is left. */
static bool echo_flush(int ep, int fd)
{
	struct echo *e = &echoes[fd];
	ssize_t n;

	while (e->off < e->len) {
		n = send(fd, e->buf + e->off, e->len - e->off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				ep_ctl(ep, EPOLL_CTL_MOD, fd, EPOLLOUT,
				       (uint64_t)fd);
				return false;
			}
			echo_close(ep, fd);
			return false;
		}
		e->off += (uint32_t)n;
	}
	e->off = e->len = 0;
	return true;
}

static void echo_read(int ep, int fd)
{
	struct echo *e = &echoes[fd];
	ssize_t n;

	if (!e->buf) {
		e->buf = malloc(MAXMSG);
		if (!e->buf) {
			echo_close(ep, fd);
			return;
		}
	}
	for (;;) {
		n = recv(fd, e->buf, MAXMSG, 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			echo_close(ep, fd);
			return;
		}
		if (n < 0)
			return;
		e->len = (uint32_t)n;
		e->off = 0;
		if (!echo_flush(ep, fd))
			return;
		if (n < MAXMSG)
			return;
	}
}

static void serve_loop(uint64_t end)
{
	struct epoll_event ev[MAXEV];
	int lfd[MAXADDR], ep, one = 1, i, n, fd;
	unsigned int k;

	ep = epoll_create1(0);
	if (ep < 0)
		die("epoll_create1");
	for (k = 0; k < o.naddr; k++) {
		lfd[k] = socket(o.addr[k].ss_family,
				SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (lfd[k] < 0)
			die("socket");
		setsockopt(lfd[k], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		setsockopt(lfd[k], SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
		if (bind(lfd[k], (struct sockaddr *)&o.addr[k],
			 slb_addr_len(&o.addr[k])) || listen(lfd[k], 4096))
			die("listen");
		ep_ctl(ep, EPOLL_CTL_ADD, lfd[k], EPOLLIN, LISTENER(k));
	}
	while (!stop && (!end || now_ns() < end)) {
		n = epoll_wait(ep, ev, MAXEV, 200);
		for (i = 0; i < n; i++) {
			if (ev[i].data.u64 > LISTENER(o.naddr)) {
				k = (unsigned int)(UINT64_MAX - ev[i].data.u64);
				while ((fd = accept4(lfd[k], NULL, NULL,
						     SOCK_NONBLOCK)) >= 0) {
					if ((unsigned long)fd >= max_fd) {
						close(fd);
						continue;
					}
					set_nodelay(fd);
					ep_ctl(ep, EPOLL_CTL_ADD, fd, EPOLLIN,
					       (uint64_t)fd);
				}
				continue;
			}
			fd = (int)ev[i].data.u64;
			if (echoes[fd].len) {
				if (echo_flush(ep, fd))
					ep_ctl(ep, EPOLL_CTL_MOD, fd, EPOLLIN,
					       (uint64_t)fd);
				else
					continue;
			}
			echo_read(ep, fd);
		}
	}
}

/* One process per -T (not threads: lib/sched.h shadows <sched.h>, which
 * <pthread.h> needs); the children die with the first. */
static int serve(void)
{
	uint64_t end = o.limit ? now_ns() + (uint64_t)(o.limit * 1e9) : 0;
	struct rlimit rl;
	unsigned int i;
	pid_t parent = getpid();

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur > 1 << 20)
		max_fd = 1 << 20;
	else
		max_fd = rl.rlim_cur;
	echoes = calloc(max_fd, sizeof(*echoes));
	if (!echoes)
		die("calloc");
	for (i = 1; i < o.threads; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (!pid) {
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			if (getppid() != parent)
				return 0;
			serve_loop(end);
			return 0;
		}
	}
	printf("serve procs=%u listening\n", o.threads);
	fflush(stdout);
	serve_loop(end);
	return 0;
}

/* ---- clients ------------------------------------------------------------ */

enum cstate { C_IDLE, C_CONNECTING, C_WAITING, C_HELD };

struct conn {
	int fd;
	enum cstate st;
	size_t got;
	uint64_t t0, start;
};

static uint8_t msg[MAXMSG], rbuf[MAXMSG];
static struct hist hist;
static unsigned long errors;

/* Send the message at once: it fits the empty send buffer of a fresh
 * exchange, so a short send is an error here. */
static bool send_msg(struct conn *c)
{
	ssize_t n = send(c->fd, msg, o.size, MSG_NOSIGNAL);

	c->got = 0;
	c->t0 = now_ns();
	return n == (ssize_t)o.size;
}

/* Read what came; 1 when the whole echo is in, 0 for more, -1 on error. */
static int recv_echo(struct conn *c)
{
	ssize_t n;

	for (;;) {
		n = recv(c->fd, rbuf, sizeof(rbuf), 0);
		if (n > 0) {
			c->got += (size_t)n;
			if (c->got > o.size)
				return -1;
			if (c->got == o.size)
				return 1;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		return -1;
	}
}

static bool connect_ok(int fd)
{
	socklen_t len = sizeof(int);
	int err = 0;

	return !getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) && !err;
}

static int run_rr(void)
{
	struct epoll_event ev[MAXEV];
	struct conn *c = calloc(o.conns, sizeof(*c));
	uint64_t t_start, t_meas, t_end, now, txns = 0;
	unsigned long i, live = 0;
	int ep, n, k;

	ep = epoll_create1(0);
	if (!c || ep < 0)
		die("setup");
	for (i = 0; i < o.conns; i++) {
		c[i].fd = open_conn(i, false);
		if (c[i].fd < 0) {
			fprintf(stderr, "slbbench: connection %lu: %s\n", i,
				strerror(errno));
			return 1;
		}
	}
	t_start = now_ns();
	t_meas = t_start + (uint64_t)(o.warmup * 1e9);
	t_end = t_meas + (uint64_t)(o.secs * 1e9);
	for (i = 0; i < o.conns; i++) {
		if (fcntl(c[i].fd, F_SETFL, O_NONBLOCK))
			die("fcntl");
		ep_ctl(ep, EPOLL_CTL_ADD, c[i].fd, EPOLLIN, i);
		if (!send_msg(&c[i])) {
			errors++;
			continue;
		}
		live++;
	}
	while (live && !stop) {
		now = now_ns();
		if (now >= t_end)
			break;
		n = epoll_wait(ep, ev, MAXEV,
			       (int)((t_end - now) / 1000000 + 1));
		for (k = 0; k < n; k++) {
			struct conn *p = &c[ev[k].data.u64];
			int r = recv_echo(p);

			if (r == 0)
				continue;
			now = now_ns();
			if (r < 0) {
				errors++;
				live--;
				epoll_ctl(ep, EPOLL_CTL_DEL, p->fd, NULL);
				continue;
			}
			if (p->t0 >= t_meas && now <= t_end) {
				hist_add(&hist, now - p->t0);
				txns++;
			}
			if (!send_msg(p)) {
				errors++;
				live--;
				epoll_ctl(ep, EPOLL_CTL_DEL, p->fd, NULL);
			}
		}
	}
	printf("rr conns=%lu size=%zu secs=%.2f txns=%llu tps=%.1f "
	       "p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f errors=%lu\n",
	       o.conns, o.size, o.secs, (unsigned long long)txns,
	       (double)txns / o.secs, hist_q(&hist, 0.5), hist_q(&hist, 0.99),
	       hist_q(&hist, 0.999), (double)hist.max / 1e3, errors);
	for (i = 0; i < o.conns; i++)
		close(c[i].fd);
	return errors ? 1 : 0;
}

/* A connection of cr or hold starts: true when it is under way. */
static bool conn_start(int ep, struct conn *c, unsigned long i)
{
	static unsigned long opened;

	c->start = now_ns();
	/* The addresses in turn, as a round-robin balancer would. */
	c->fd = open_conn(opened++, true);
	if (c->fd < 0) {
		c->st = C_IDLE;
		return false;
	}
	c->st = C_CONNECTING;
	ep_ctl(ep, EPOLL_CTL_ADD, c->fd, EPOLLOUT, i);
	return true;
}

/* Drive a connection of cr or hold one step on an event: -1 failed, 0 more
 * to come, 1 its echo came back. */
static int conn_step(int ep, struct conn *c, unsigned long i)
{
	if (c->st == C_CONNECTING) {
		if (!connect_ok(c->fd) || !send_msg(c))
			return -1;
		c->st = C_WAITING;
		ep_ctl(ep, EPOLL_CTL_MOD, c->fd, EPOLLIN, i);
		return 0;
	}
	return recv_echo(c);
}

static void conn_drop(struct conn *c, bool rst)
{
	if (c->fd >= 0) {
		if (rst)
			close_rst(c->fd);
		else
			close(c->fd);
	}
	c->fd = -1;
	c->st = C_IDLE;
}

#define ATTEMPT_NS	5000000000ULL	/* one cr connection, at most */

static int run_cr(void)
{
	struct epoll_event ev[MAXEV];
	struct conn *c = calloc(o.conns, sizeof(*c));
	uint64_t t_meas, t_end, now, ok = 0, last_scan;
	unsigned long i;
	int ep, n, k, r;

	ep = epoll_create1(0);
	if (!c || ep < 0)
		die("setup");
	now = now_ns();
	t_meas = now + (uint64_t)(o.warmup * 1e9);
	t_end = t_meas + (uint64_t)(o.secs * 1e9);
	last_scan = now;
	for (i = 0; i < o.conns; i++) {
		c[i].fd = -1;
		if (!conn_start(ep, &c[i], i))
			errors++;
	}
	while (!stop) {
		now = now_ns();
		if (now >= t_end)
			break;
		n = epoll_wait(ep, ev, MAXEV, 100);
		for (k = 0; k < n; k++) {
			struct conn *p = &c[ev[k].data.u64];

			r = conn_step(ep, p, ev[k].data.u64);
			if (!r)
				continue;
			now = now_ns();
			conn_drop(p, false);
			if (r < 0) {
				if (p->start >= t_meas)
					errors++;
			} else if (p->start >= t_meas && now <= t_end) {
				hist_add(&hist, now - p->start);
				ok++;
			}
			if (!conn_start(ep, p, ev[k].data.u64) && now >= t_meas)
				errors++;
		}
		now = now_ns();
		if (now - last_scan < 100000000ULL)
			continue;
		/* Slots stuck (a lost SYN, a failed start): start again. */
		last_scan = now;
		for (i = 0; i < o.conns; i++) {
			if (c[i].st != C_IDLE &&
			    now - c[i].start < ATTEMPT_NS)
				continue;
			if (c[i].st != C_IDLE && c[i].start >= t_meas)
				errors++;
			conn_drop(&c[i], true);
			if (!conn_start(ep, &c[i], i) && now >= t_meas)
				errors++;
		}
	}
	printf("cr par=%lu size=%zu secs=%.2f ok=%llu cps=%.1f p50_us=%.1f "
	       "p99_us=%.1f p999_us=%.1f errors=%lu\n", o.conns, o.size, o.secs,
	       (unsigned long long)ok, (double)ok / o.secs, hist_q(&hist, 0.5),
	       hist_q(&hist, 0.99), hist_q(&hist, 0.999), errors);
	for (i = 0; i < o.conns; i++)
		conn_drop(&c[i], true);
	return errors ? 1 : 0;
}

static int run_hold(void)
{
	struct epoll_event ev[MAXEV];
	struct conn *c = calloc(o.conns, sizeof(*c));
	unsigned long i, next = 0, busy = 0, ok = 0, failed = 0, alive = 0;
	uint64_t t0 = now_ns(), t_end, t_rel;
	int ep, n, k, r;

	ep = epoll_create1(0);
	if (!c || ep < 0)
		die("setup");
	for (i = 0; i < o.conns; i++)
		c[i].fd = -1;
	t_end = t0 + (uint64_t)(o.secs * 1e9);
	while (!stop && ok + failed < o.conns && now_ns() < t_end) {
		while (next < o.conns && busy < o.inflight) {
			if (conn_start(ep, &c[next], next))
				busy++;
			else
				failed++;
			next++;
		}
		n = epoll_wait(ep, ev, MAXEV, 100);
		for (k = 0; k < n; k++) {
			struct conn *p = &c[ev[k].data.u64];

			r = conn_step(ep, p, ev[k].data.u64);
			if (!r)
				continue;
			busy--;
			if (r < 0) {
				failed++;
				conn_drop(p, true);
				continue;
			}
			ok++;
			p->st = C_HELD;
			epoll_ctl(ep, EPOLL_CTL_DEL, p->fd, NULL);
		}
	}
	/* What is still being set up when time is up failed. */
	for (i = 0; i < o.conns; i++) {
		if (c[i].st == C_CONNECTING || c[i].st == C_WAITING) {
			conn_drop(&c[i], true);
			failed++;
		}
	}
	failed += o.conns - next;
	printf("hold target=%lu ok=%lu failed=%lu secs=%.2f\n", o.conns, ok,
	       failed, (double)(now_ns() - t0) / 1e9);
	fflush(stdout);
	t_rel = now_ns() + (uint64_t)(o.hold * 1e9);
	while (!stop && !release && now_ns() < t_rel)
		usleep(20000);
	for (i = 0; i < o.conns; i++) {
		if (c[i].st != C_HELD)
			continue;
		if (recv(c[i].fd, rbuf, 1, MSG_PEEK | MSG_DONTWAIT) < 0 &&
		    errno == EAGAIN)
			alive++;
		conn_drop(&c[i], true);
	}
	printf("hold alive=%lu\n", alive);
	return ok == o.conns && alive == ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_stop };

	parse_args(argc, argv);
	slb_raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_release;
	sigaction(SIGUSR1, &sa, NULL);
	memset(msg, 'x', sizeof(msg));
	switch (o.mode) {
	case M_SERVE:
		return serve();
	case M_RR:
		return run_rr();
	case M_CR:
		return run_cr();
	case M_HOLD:
		return run_hold();
	}
	return 2;
}
