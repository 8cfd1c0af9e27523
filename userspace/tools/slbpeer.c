// SPDX-License-Identifier: GPL-2.0
/*
 * slbpeer: both ends of a test TCP conversation, for checking a balancer
 * from the outside.  It knows nothing of what sits between client and
 * server: it only talks to an ADDR:PORT.
 *
 *   slbpeer -l ADDR:PORT [options]   serve connections
 *   slbpeer -c ADDR:PORT [options]   open connections
 *
 * Both ends do the same on every connection: send one frame
 *
 *   8-byte big-endian length N | N random bytes | SHA-256 of those bytes
 *
 * then shutdown(SHUT_WR), while reading the peer's frame and checking its
 * length and checksum, until the peer's FIN.  Options bend that to each
 * scenario: send only after the peer's FIN (half-close), abort with a RST
 * after some bytes (resets), read slowly, throughout or for a while
 * (backpressure), wait before sending (idle timeouts, many concurrent
 * connections), send slowly (connections that stay busy for a known time,
 * whatever the buffers).
 *
 * Each connection ends with one result: ok, aborted (we sent the RST, as
 * asked), reset, eof (FIN before a whole frame), bad (length, checksum or
 * trailing bytes wrong), refused, timeout, error.  Prints a line per
 * connection with -v (a client's with its own address, local=) and
 * always a summary:
 *
 *   slbpeer: conns=2 ok=2 aborted=0 reset=0 eof=0 bad=0 refused=0 ...
 *
 * For the PROXY protocol (lib/proxy.h), a client may begin with a header
 * (-X), and a server may read one before the frame (-R), printing what
 * it carried, a line a connection:
 *
 *   slbpeer: proxy peer=127.0.0.1:4711 v2 len=32 src=192.0.2.7:4242
 *       dst=198.51.100.9:80 id=3                           (one line)
 *   slbpeer: proxy peer=127.0.0.1:4712 v1 len=15 local
 *   slbpeer: proxy peer=127.0.0.1:4713 error=no PROXY header
 *
 * A bad or cut header is the connection's "bad" or "eof".
 *
 * With -v the lines are written as the connections end, so that a peer
 * killed with SIGKILL leaves the record of all that ended before.
 *
 * Exit 0 if every connection ended as expected (-e, by default ok, or
 * aborted with -x), 1 otherwise, 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/param.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "proxy.h"

#define HDR		8
#define TRAILER		32
#define TXBUF		16384
#define RXBUF		65536
/* The longest PROXY header -R reads: what a balancer sends is far less. */
#define PP_MAX		256

/* ---- SHA-256 (FIPS 180-4), small and slow enough ---------------------- */

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	unsigned int n;
};

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(struct sha256 *s, const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] +
		       (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^
			(w[i - 15] >> 3)) +
		       (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^
			(w[i - 2] >> 10));
	a = s->h[0];
	b = s->h[1];
	c = s->h[2];
	d = s->h[3];
	e = s->h[4];
	f = s->h[5];
	g = s->h[6];
	h = s->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		     ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	s->h[0] += a;
	s->h[1] += b;
	s->h[2] += c;
	s->h[3] += d;
	s->h[4] += e;
	s->h[5] += f;
	s->h[6] += g;
	s->h[7] += h;
}

static void sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->n = 0;
}

static void sha256_update(struct sha256 *s, const uint8_t *p, size_t n)
{
	s->len += n;
	if (s->n) {
		while (n && s->n < 64) {
			s->buf[s->n++] = *p++;
			n--;
		}
		if (s->n < 64)
			return;
		sha256_block(s, s->buf);
		s->n = 0;
	}
	for (; n >= 64; n -= 64, p += 64)
		sha256_block(s, p);
	memcpy(s->buf, p, n);
	s->n = (unsigned int)n;
}

static void sha256_final(struct sha256 *s, uint8_t out[32])
{
	uint64_t bits = s->len * 8;
	int i;

	s->buf[s->n++] = 0x80;
	if (s->n > 56) {
		memset(s->buf + s->n, 0, 64 - s->n);
		sha256_block(s, s->buf);
		s->n = 0;
	}
	memset(s->buf + s->n, 0, 56 - s->n);
	for (i = 0; i < 8; i++)
		s->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_block(s, s->buf);
	for (i = 0; i < 32; i++)
		out[i] = (uint8_t)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

/* ---- options and results ---------------------------------------------- */

enum result {
	RES_OPEN, RES_OK, RES_ABORTED, RES_RESET, RES_EOF, RES_BAD, RES_REFUSED,
	RES_TIMEOUT, RES_ERROR, RES_MAX
};

static const char *const result_name[RES_MAX] = {
	"open", "ok", "aborted", "reset", "eof", "bad", "refused", "timeout",
	"error",
};

static struct {
	bool server;
	struct sockaddr_storage addr;
	uint64_t nbytes;	/* payload per connection */
	unsigned long count;	/* connections: to open / to serve */
	unsigned long parallel;
	bool wait_eof;		/* send after the peer's FIN */
	unsigned int delay_ms;	/* before sending */
	int64_t abort_at;	/* payload bytes, -1 = never */
	size_t read_max;	/* per read; 0 = RXBUF */
	unsigned int read_pause;	/* ms between reads */
	unsigned int slow_ms;	/* -r/-d only this long; 0 = throughout */
	size_t pace_bytes;	/* per send; 0 = as fast as possible */
	unsigned int pace_ms;	/* between sends */
	unsigned int time_ms;	/* everything over by then */
	bool no_accept;
	int backlog;
	int expect;		/* RES_OPEN = not given */
	int verbose;
	unsigned int pp_send;	/* -X: SLB_PROXY_V1 or _V2; 0 = none */
	bool pp_has_addr;	/* -X with SRC,DST: PROXY, else LOCAL */
	struct slb_proxy_addr pp_addr;
	bool pp_read;		/* -R */
} o = {
	.count = ~0UL, .abort_at = -1, .time_ms = 30000, .backlog = 4096,
	.expect = RES_OPEN,
};

struct peer {
	int fd;
	bool connecting;
	bool armed;		/* may send from send_at on */
	bool tx_done;		/* frame sent and FIN sent */
	bool rx_eof;
	enum result result;
	uint64_t t0, send_at, read_at;
	uint64_t rng;
	/* what we send */
	uint64_t tx_pos, tx_frame, tx_bytes;
	unsigned int txoff, txlen;
	struct sha256 txsha;
	uint8_t txdigest[TRAILER];
	uint8_t txbuf[TXBUF];
	/* what we get */
	uint64_t rx_pos, rx_len, rx_bytes;
	uint8_t rxhdr[HDR], rxtrail[TRAILER];
	struct sha256 rxsha;
	char name[SLB_ADDR_STRLEN];
	char local[SLB_ADDR_STRLEN];	/* a client's own address */
	/* -R: the PROXY header, read before the frame */
	uint8_t pp[PP_MAX];
	unsigned int pplen;
	bool pp_done;
};

static unsigned long results[RES_MAX];
static unsigned long started, finished;
static volatile sig_atomic_t stop;
static uint8_t rxbuf[RXBUF];

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t rng_next(uint64_t *x)
{
	/* splitmix64: fast, and the receiver only checks the digest */
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void usage(FILE *f)
{
	fputs(
"usage: slbpeer -l ADDR:PORT [options]   serve connections\n"
"       slbpeer -c ADDR:PORT [options]   open connections\n"
"  -n BYTES   payload each way per connection, k/m suffix (default 0)\n"
"  -N COUNT   client: connections to open (default 1);\n"
"             server: serve COUNT connections, then exit (0 = until -t)\n"
"  -P COUNT   client: at most COUNT open at once (default all)\n"
"  -w         send only after the peer's FIN\n"
"  -s MS      wait MS before sending (from connect, or the FIN with -w)\n"
"  -x BYTES   after BYTES of payload, abort the connection with a RST\n"
"  -r BYTES   read at most BYTES at a time ...\n"
"  -d MS      ... and pause MS between reads (slow reader)\n"
"  -D MS      read slowly (-r, -d) only for MS from connect or accept,\n"
"             then at full speed\n"
"  -p BYTES:MS  send at most BYTES every MS (slow sender)\n"
"  -t MS      give up after MS in all (default 30000)\n"
"  -A         server: listen but never accept\n"
"  -B N       listen backlog (default 4096)\n"
"  -e RESULT  expected result of every connection (default ok)\n"
"  -X V[,SRC,DST]  client: begin with a PROXY header of version V (v1 or\n"
"             v2) for SRC and DST (ADDR:PORT); without them a LOCAL one\n"
"  -R         server: read a PROXY header first and print what it says\n"
"  -v         a line per connection, written as it ends\n", f);
}

static unsigned long long num(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		goto bad;
	if (!*end)
		return v;
	if (!strcmp(end, "k") || !strcmp(end, "K"))
		return v << 10;
	if (!strcmp(end, "m") || !strcmp(end, "M"))
		return v << 20;
bad:
	fprintf(stderr, "slbpeer: bad number \"%s\"\n", s);
	exit(2);
}

/* -p BYTES:MS */
static void parse_pace(char *arg)
{
	char *colon = strchr(arg, ':');

	if (!colon) {
		fprintf(stderr, "slbpeer: -p wants BYTES:MS\n");
		exit(2);
	}
	*colon = '\0';
	o.pace_bytes = (size_t)num(arg);
	o.pace_ms = (unsigned int)num(colon + 1);
	if (!o.pace_bytes) {
		fprintf(stderr, "slbpeer: -p: BYTES must not be 0\n");
		exit(2);
	}
}

/* -X V[,SRC,DST] */
static void parse_proxy(char *arg)
{
	struct sockaddr_storage src, dst;
	char *s = strchr(arg, ','), *d = NULL;
	const char *why = "";

	if (s) {
		*s++ = '\0';
		d = strchr(s, ',');
	}
	if (d)
		*d++ = '\0';
	o.pp_send = !strcmp(arg, "v1") ? SLB_PROXY_V1 :
		    !strcmp(arg, "v2") ? SLB_PROXY_V2 : 0;
	if (!o.pp_send || (s && !d))
		goto bad;
	if (!s)
		return;
	if (slb_addr_parse(s, &src, &why) || slb_addr_parse(d, &dst, &why) ||
	    src.ss_family != dst.ss_family)
		goto bad;
	slb_addr_to_proxy(&src, &dst, &o.pp_addr);
	o.pp_has_addr = true;
	return;
bad:
	fprintf(stderr, "slbpeer: -X wants v1 or v2, or v1,SRC,DST or "
		"v2,SRC,DST of one family %s\n", why);
	exit(2);
}

/* Connections a server can hold at once: what the open-file limit allows. */
static unsigned long fd_budget(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur > 65536)
		return 65536;
	return rl.rlim_cur > 32 ? (unsigned long)rl.rlim_cur - 16 : 16;
}

static void parse_args(int argc, char **argv)
{
	const char *addr = NULL, *why;
	int c, i;

	while ((c = getopt(argc, argv,
			   "l:c:n:N:P:ws:x:r:d:D:p:t:AB:e:X:Rvh")) != -1) {
		switch (c) {
		case 'l':
		case 'c':
			o.server = c == 'l';
			addr = optarg;
			break;
		case 'n':
			o.nbytes = num(optarg);
			break;
		case 'N':
			o.count = (unsigned long)num(optarg);
			break;
		case 'P':
			o.parallel = (unsigned long)num(optarg);
			break;
		case 'w':
			o.wait_eof = true;
			break;
		case 's':
			o.delay_ms = (unsigned int)num(optarg);
			break;
		case 'x':
			o.abort_at = (int64_t)num(optarg);
			break;
		case 'r':
			o.read_max = (size_t)num(optarg);
			break;
		case 'd':
			o.read_pause = (unsigned int)num(optarg);
			break;
		case 'D':
			o.slow_ms = (unsigned int)num(optarg);
			break;
		case 'p':
			parse_pace(optarg);
			break;
		case 't':
			o.time_ms = (unsigned int)num(optarg);
			break;
		case 'A':
			o.no_accept = true;
			break;
		case 'B':
			o.backlog = (int)num(optarg);
			break;
		case 'e':
			for (i = 1; i < RES_MAX; i++)
				if (!strcmp(optarg, result_name[i]))
					o.expect = i;
			if (o.expect == RES_OPEN) {
				fprintf(stderr, "slbpeer: bad result \"%s\"\n",
					optarg);
				exit(2);
			}
			break;
		case 'X':
			parse_proxy(optarg);
			break;
		case 'R':
			o.pp_read = true;
			break;
		case 'v':
			o.verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (!addr || optind < argc) {
		usage(stderr);
		exit(2);
	}
	if (slb_addr_parse(addr, &o.addr, &why)) {
		fprintf(stderr, "slbpeer: %s: %s\n", addr, why);
		exit(2);
	}
	if (o.count == ~0UL)
		o.count = o.server ? 0 : 1;
	if (o.read_max > RXBUF || (o.read_max == 0 && o.read_pause))
		o.read_max = RXBUF;
	if (!o.parallel || (!o.server && o.parallel > o.count))
		/* A server's slots are preallocated: bound them. */
		o.parallel = o.server ? MIN(fd_budget(), 4096UL) : o.count;
	if (o.expect == RES_OPEN)
		o.expect = o.abort_at >= 0 ? RES_ABORTED : RES_OK;
}

/* ---- one connection --------------------------------------------------- */

static void peer_init(struct peer *p, int fd, bool connecting,
		      const struct sockaddr_storage *name)
{
	uint64_t seed;

	memset(p, 0, sizeof(*p));
	p->fd = fd;
	p->connecting = connecting;
	p->t0 = now_ms();
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = p->t0 ^ ((uint64_t)getpid() << 32) ^ (uintptr_t)p;
	p->rng = seed;
	p->tx_frame = HDR + o.nbytes + TRAILER;
	sha256_init(&p->txsha);
	sha256_init(&p->rxsha);
	slb_addr_format(name, p->name, sizeof(p->name));
	started++;
}

static void arm(struct peer *p)
{
	p->armed = true;
	p->send_at = now_ms() + o.delay_ms;
}

static void finish(struct peer *p, enum result r)
{
	if (p->fd < 0)
		return;
	if (r == RES_ABORTED || r == RES_TIMEOUT) {
		struct linger l = { .l_onoff = 1, .l_linger = 0 };

		/* A close that sends a RST: the reset asked for with -x. */
		setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	close(p->fd);
	p->fd = -1;
	p->result = r;
	results[r]++;
	finished++;
	if (o.verbose)
		printf("slbpeer: %s peer=%s result=%s sent=%llu recv=%llu "
		       "ms=%llu%s%s\n", o.server ? "served" : "client",
		       p->name, result_name[r],
		       (unsigned long long)p->tx_bytes,
		       (unsigned long long)p->rx_bytes,
		       (unsigned long long)(now_ms() - p->t0),
		       p->local[0] ? " local=" : "", p->local);
}

static enum result errno_result(int err)
{
	switch (err) {
	case ECONNRESET:
	case EPIPE:
	case ENOTCONN:
		return RES_RESET;
	case ECONNREFUSED:
		return RES_REFUSED;
	case ETIMEDOUT:
		return RES_TIMEOUT;
	}
	return RES_ERROR;
}

/* Refill txbuf with the next bytes of the frame. */
static void produce(struct peer *p)
{
	uint64_t end = HDR + o.nbytes, k, i, x;
	uint8_t *b = p->txbuf;
	unsigned int n = 0;

	while (n < TXBUF && p->tx_pos < p->tx_frame) {
		if (p->tx_pos < HDR) {
			b[n++] = (uint8_t)(o.nbytes >> (56 - 8 * p->tx_pos));
			p->tx_pos++;
		} else if (p->tx_pos < end) {
			k = end - p->tx_pos;
			if (k > TXBUF - n)
				k = TXBUF - n;
			if (o.abort_at >= 0 &&
			    p->tx_pos + k > HDR + (uint64_t)o.abort_at)
				k = HDR + (uint64_t)o.abort_at - p->tx_pos;
			if (!k)
				break;
			for (i = 0; i < k; i += 8) {
				x = rng_next(&p->rng);
				memcpy(b + n + i, &x, k - i < 8 ? k - i : 8);
			}
			sha256_update(&p->txsha, b + n, k);
			n += (unsigned int)k;
			p->tx_pos += k;
		} else {
			if (p->tx_pos == end)
				sha256_final(&p->txsha, p->txdigest);
			b[n++] = p->txdigest[p->tx_pos - end];
			p->tx_pos++;
		}
	}
	p->txoff = 0;
	p->txlen = n;
}

static bool abort_due(const struct peer *p)
{
	return o.abort_at >= 0 && !p->txlen &&
	       p->tx_pos >= HDR + (uint64_t)o.abort_at &&
	       p->tx_pos <= HDR + o.nbytes;
}

static void do_send(struct peer *p)
{
	ssize_t n;

	if (!p->txlen) {
		if (abort_due(p)) {
			finish(p, RES_ABORTED);
			return;
		}
		produce(p);
	}
	if (p->txlen) {
		size_t len = p->txlen;

		if (o.pace_bytes && len > o.pace_bytes)
			len = o.pace_bytes;
		n = send(p->fd, p->txbuf + p->txoff, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				finish(p, errno_result(errno));
			return;
		}
		if (o.pace_bytes)
			p->send_at = now_ms() + o.pace_ms;
		p->txoff += (unsigned int)n;
		p->txlen -= (unsigned int)n;
		p->tx_bytes += (uint64_t)n;
	}
	if (!p->txlen && abort_due(p)) {
		finish(p, RES_ABORTED);
		return;
	}
	if (!p->txlen && p->tx_pos == p->tx_frame) {
		shutdown(p->fd, SHUT_WR);
		p->tx_done = true;
	}
}

/* Parse received bytes into the frame; false on a malformed frame. */
static bool consume(struct peer *p, const uint8_t *b, size_t n)
{
	uint64_t k;
	uint8_t digest[TRAILER];

	while (n) {
		if (p->rx_pos < HDR) {
			p->rxhdr[p->rx_pos++] = *b++;
			n--;
			if (p->rx_pos == HDR) {
				for (k = 0; k < HDR; k++)
					p->rx_len = p->rx_len << 8 |
						    p->rxhdr[k];
				if (p->rx_len > (1ULL << 40))
					return false;
			}
		} else if (p->rx_pos < HDR + p->rx_len) {
			k = HDR + p->rx_len - p->rx_pos;
			if (k > n)
				k = n;
			sha256_update(&p->rxsha, b, k);
			p->rx_pos += k;
			b += k;
			n -= k;
		} else if (p->rx_pos < HDR + p->rx_len + TRAILER) {
			p->rxtrail[p->rx_pos++ - HDR - p->rx_len] = *b++;
			n--;
			if (p->rx_pos < HDR + p->rx_len + TRAILER)
				continue;
			sha256_final(&p->rxsha, digest);
			if (memcmp(digest, p->rxtrail, TRAILER))
				return false;
		} else {
			return false;	/* bytes after the frame */
		}
	}
	return true;
}

static bool frame_complete(const struct peer *p)
{
	return p->rx_pos >= HDR && p->rx_pos == HDR + p->rx_len + TRAILER;
}

/* Still in the slow-reading phase (-r, -d; for -D MS only)? */
static bool reading_slowly(const struct peer *p, uint64_t now)
{
	return !o.slow_ms || now < p->t0 + o.slow_ms;
}

/* A unique id as text, what is not printable as '?'. */
static void print_id(const struct slb_proxy_hdr *h)
{
	unsigned int i;

	fputs(" id=", stdout);
	for (i = 0; i < h->unique_id_len; i++)
		putchar(h->unique_id[i] > ' ' && h->unique_id[i] < 0x7f ?
			h->unique_id[i] : '?');
}

/* -R: one line of what the header said, or why it is none. */
static void proxy_report(const struct peer *p, const struct slb_proxy_hdr *h,
			 int len)
{
	char src[SLB_ADDR_STRLEN], dst[SLB_ADDR_STRLEN];
	struct sockaddr_storage ss;

	printf("slbpeer: proxy peer=%s", p->name);
	if (len < 0) {
		printf(" error=%s\n", slb_proxy_strerror(len));
		return;
	}
	printf(" %s len=%d", slb_proxy_name(h->version), len);
	if (h->addr.family == SLB_PROXY_AF_NONE) {
		fputs(" local", stdout);
	} else {
		slb_addr_from_proxy(&h->addr, false, &ss);
		slb_addr_format(&ss, src, sizeof(src));
		slb_addr_from_proxy(&h->addr, true, &ss);
		printf(" src=%s dst=%s", src,
		       slb_addr_format(&ss, dst, sizeof(dst)));
	}
	if (h->unique_id)
		print_id(h);
	putchar('\n');
}

/* -R: the header, into its own buffer; the bytes after it, the frame's. */
static void proxy_recv(struct peer *p)
{
	struct slb_proxy_hdr h;
	ssize_t n;
	int len;

	n = recv(p->fd, p->pp + p->pplen, sizeof(p->pp) - p->pplen, 0);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			finish(p, errno_result(errno));
		return;
	}
	if (n == 0) {
		finish(p, RES_EOF);
		return;
	}
	p->pplen += (unsigned int)n;
	len = slb_proxy_parse(p->pp, p->pplen, sizeof(p->pp), &h);
	if (!len)
		return;
	proxy_report(p, &h, len);
	if (len < 0) {
		finish(p, RES_BAD);
		return;
	}
	p->pp_done = true;
	p->rx_bytes += p->pplen - (unsigned int)len;
	if (!consume(p, p->pp + len, p->pplen - (unsigned int)len))
		finish(p, RES_BAD);
}

static void do_recv(struct peer *p)
{
	uint64_t now = now_ms();
	bool slow = reading_slowly(p, now);
	size_t max = o.read_max && slow ? o.read_max : RXBUF;
	ssize_t n;

	if (o.pp_read && !p->pp_done) {
		proxy_recv(p);
		return;
	}
	n = recv(p->fd, rxbuf, max, 0);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			finish(p, errno_result(errno));
		return;
	}
	if (o.read_pause && slow)
		p->read_at = now + o.read_pause;
	if (n == 0) {
		p->rx_eof = true;
		if (o.wait_eof && !p->armed)
			arm(p);
		return;
	}
	p->rx_bytes += (uint64_t)n;
	if (!consume(p, rxbuf, (size_t)n))
		finish(p, RES_BAD);
}

static void connect_done(struct peer *p)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len))
		err = errno;
	if (err) {
		finish(p, errno_result(err));
		return;
	}
	len = sizeof(ss);
	if (!getsockname(p->fd, (struct sockaddr *)&ss, &len))
		slb_addr_format(&ss, p->local, sizeof(p->local));
	p->connecting = false;
	p->t0 = now_ms();
	if (!o.wait_eof)
		arm(p);
}

static void after_io(struct peer *p)
{
	if (p->fd >= 0 && p->tx_done && p->rx_eof)
		finish(p, frame_complete(p) ? RES_OK : RES_EOF);
}

static short interest(const struct peer *p, uint64_t now, uint64_t *next)
{
	short ev = 0;

	if (p->connecting)
		return POLLOUT;
	if (!p->rx_eof) {
		if (now >= p->read_at)
			ev |= POLLIN;
		else if (p->read_at < *next)
			*next = p->read_at;
	}
	if (p->armed && !p->tx_done) {
		if (now >= p->send_at)
			ev |= POLLOUT;
		else if (p->send_at < *next)
			*next = p->send_at;
	}
	return ev;
}

static void handle(struct peer *p, short rev)
{
	if (p->connecting) {
		if (rev)
			connect_done(p);
		return;
	}
	if (rev & (POLLIN | POLLERR | POLLHUP))
		do_recv(p);
	if (p->fd >= 0 && (rev & POLLOUT))
		do_send(p);
	after_io(p);
}

/* ---- main loop -------------------------------------------------------- */

static int open_listener(void)
{
	int fd, one = 1;

	fd = socket(o.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&o.addr, slb_addr_len(&o.addr)) ||
	    listen(fd, o.backlog)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Slots [0, used) have been used: the loops need not look further. */
static unsigned long used;

static struct peer *free_slot(struct peer *peers)
{
	unsigned long i;

	for (i = 0; i < o.parallel; i++) {
		if (peers[i].fd < 0) {
			if (i >= used)
				used = i + 1;
			return &peers[i];
		}
	}
	return NULL;
}

static void open_client(struct peer *p)
{
	int fd = socket(o.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0) {
		perror("slbpeer: socket");
		exit(1);
	}
	peer_init(p, fd, true, &o.addr);
	/* -X: the header goes first, as the frame's bytes will. */
	if (o.pp_send)
		p->txlen = (unsigned int)slb_proxy_write(p->txbuf, TXBUF,
				o.pp_send, o.pp_has_addr ? &o.pp_addr : NULL,
				NULL, 0);
	if (connect(fd, (struct sockaddr *)&o.addr, slb_addr_len(&o.addr)) &&
	    errno != EINPROGRESS)
		finish(p, errno_result(errno));
}

static void accept_one(int lfd, struct peer *peers)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct peer *p = free_slot(peers);
	int fd;

	if (!p)
		return;
	fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK);
	if (fd < 0)
		return;
	peer_init(p, fd, false, &ss);
	if (!o.wait_eof)
		arm(p);
}

static bool more_to_start(void)
{
	return !o.count || started < o.count;
}

static bool all_done(void)
{
	return o.count && finished >= o.count;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int run(struct peer *peers, struct pollfd *pfd)
{
	uint64_t deadline = now_ms() + o.time_ms, now, next;
	int lfd = -1, timeout;
	unsigned long i, n;

	if (o.server) {
		lfd = open_listener();
		if (lfd < 0) {
			perror("slbpeer: listen");
			return 1;
		}
	}
	while (!all_done() && !stop) {
		now = now_ms();
		if (now >= deadline)
			break;
		if (!o.server) {
			struct peer *p;

			while (more_to_start() && (p = free_slot(peers)))
				open_client(p);
		}
		next = deadline;
		for (i = 0; i < used; i++) {
			pfd[i].fd = peers[i].fd;
			pfd[i].events = peers[i].fd >= 0 ?
					interest(&peers[i], now, &next) : 0;
		}
		n = used;
		if (lfd >= 0 && !o.no_accept && more_to_start() &&
		    free_slot(peers)) {
			/* free_slot() may have grown "used" */
			for (i = n; i < used; i++) {
				pfd[i].fd = -1;
				pfd[i].events = 0;
			}
			n = used;
			pfd[n].fd = lfd;
			pfd[n++].events = POLLIN;
		}
		timeout = (int)(next > now ? next - now : 0);
		if (poll(pfd, n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			perror("slbpeer: poll");
			return 1;
		}
		for (i = 0; i < n && i < used; i++)
			if (peers[i].fd >= 0 && pfd[i].revents)
				handle(&peers[i], pfd[i].revents);
		if (n > used && pfd[used].revents)
			accept_one(lfd, peers);
	}
	for (i = 0; i < used; i++)
		finish(&peers[i], RES_TIMEOUT);
	if (lfd >= 0)
		close(lfd);
	return 0;
}

int main(int argc, char **argv)
{
	struct pollfd *pfd;
	struct peer *peers;
	unsigned long i;
	int r, status;

	parse_args(argc, argv);
	if (o.verbose || o.pp_read)
		setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	peers = calloc(o.parallel, sizeof(*peers));
	pfd = calloc(o.parallel + 1, sizeof(*pfd));
	if (!peers || !pfd) {
		fputs("slbpeer: out of memory\n", stderr);
		return 1;
	}
	for (i = 0; i < o.parallel; i++)
		peers[i].fd = -1;
	if (run(peers, pfd))
		return 1;
	printf("slbpeer: conns=%lu", finished);
	for (r = RES_OK; r < RES_MAX; r++)
		printf(" %s=%lu", result_name[r], results[r]);
	printf("\n");
	status = results[o.expect] == finished &&
		 (!o.count || finished == o.count) ? 0 : 1;
	free(peers);
	free(pfd);
	return status;
}
