// SPDX-License-Identifier: GPL-2.0
/*
 * lbselect: options, start-up and exit.
 *
 *   lbselect -c FILE [options]
 *   lbselect -s ADDR:PORT -b ADDR:PORT[,WEIGHT] [-b ...] [-S SCHED] [options]
 *
 * Exit status: 0 after a normal stop, 1 on a configuration or runtime
 * error, 2 on a usage error.
 */
#include "lbselect.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <unistd.h>

#include "checks.h"
#include "config.h"
#include "loop.h"
#include "pool.h"
#include "service.h"
#include "signals.h"
#include "stats.h"

#define EXIT_USAGE	2
#define MAX_CONN	1000000
/* Descriptors lbselect has besides its connections: stdio, self-pipe. */
#define FIXED_FDS	5
/*
 * Default pool size: what fits in an fd_set beside a few listeners, and
 * the health checks' descriptors when the configuration has checks.
 */
#define FIT_MAXCONN(checks)	((FD_SETSIZE - FIXED_FDS - 9 - (checks)) / 2)
#define DEF_MAXCONN	FIT_MAXCONN(0)

struct lb_options opt = {
	.maxconn = DEF_MAXCONN,
	.bufsize = 16384,
	.tries = 3,
	.connect_ms = 5000,
	.idle_ms = 300000,
	.half_ms = 60000,
	.drain_ms = 30000,
};

static const char usage_text[] =
"usage: lbselect -c FILE [options]\n"
"       lbselect -s ADDR:PORT -b ADDR:PORT[,WEIGHT] [-b ...] [-S SCHED]"
" [options]\n"
"  -c, --config FILE           services and backends (lbctl save format)\n"
"  -s, --service ADDR:PORT     a single service on the command line\n"
"  -b, --backend ADDR:PORT[,W] a backend of it, weight W (default 1)\n"
"  -S, --scheduler NAME        its scheduler (default rr)\n"
"  -m, --max-conn N            connection slots in the pool (default %u,\n"
"                              %u with health checks)\n"
"  -B, --buffer-size BYTES     buffer per direction, k/m suffix "
"(default 16k)\n"
"  -t, --tries N               backends tried per client (default 3)\n"
"  -C, --connect-timeout TIME  per connect attempt (default 5s)\n"
"  -I, --idle-timeout TIME     no traffic either way (default 300s)\n"
"  -H, --half-closed-timeout TIME  after a FIN (default 60s)\n"
"  -D, --drain-timeout TIME    on SIGTERM/SIGINT (default 30s)\n"
"  -f, --foreground            stay in the foreground (the default)\n"
"  -v, --verbose               log connections (twice: more)\n"
"  -h, --help                  this text\n"
"TIME is in milliseconds, or with a unit: 500ms, 5s, 2m; 0 disables a\n"
"timeout (for -D: reset the connections at once).\n";

static void usage(FILE *f)
{
	fprintf(f, usage_text, DEF_MAXCONN, FIT_MAXCONN(LB_CHECK_FDS));
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("lbselect: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	usage(stderr);
	exit(EXIT_USAGE);
}

/* A number with an optional unit from units[] (suffix, multiplier). */
static int parse_unit(const char *s, const char *const *suffix,
		      const unsigned long *mult, unsigned long max,
		      unsigned long *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno)
		return -1;
	for (; *suffix; suffix++, mult++) {
		if (strcmp(end, *suffix))
			continue;
		if (v > max / *mult)
			return -1;
		*out = v * *mult;
		return 0;
	}
	return -1;
}

static unsigned int parse_time(const char *opt_name, const char *s)
{
	static const char *const suffix[] = { "", "ms", "s", "m", NULL };
	static const unsigned long mult[] = { 1, 1, 1000, 60000 };
	unsigned long v;

	if (parse_unit(s, suffix, mult, 0x7fffffffUL, &v))
		usage_error("%s: bad time \"%s\"", opt_name, s);
	return (unsigned int)v;
}

static unsigned long parse_num(const char *opt_name, const char *s,
			       unsigned long min, unsigned long max)
{
	static const char *const suffix[] = { "", NULL };
	static const unsigned long mult[] = { 1 };
	unsigned long v;

	if (parse_unit(s, suffix, mult, max, &v) || v < min)
		usage_error("%s: \"%s\" is not a number in %lu-%lu", opt_name,
			    s, min, max);
	return v;
}

static size_t parse_bufsize(const char *s)
{
	static const char *const suffix[] = { "", "k", "K", "m", "M", NULL };
	static const unsigned long mult[] = { 1, 1024, 1024, 1 << 20, 1 << 20 };
	unsigned long v;

	if (parse_unit(s, suffix, mult, LB_MAX_BUF, &v) || v < LB_MIN_BUF)
		usage_error("-B: buffer size \"%s\" not in 1k-16m", s);
	/* Keeps every buffer aligned for the connect scratch it may hold. */
	return (v + 63) & ~63UL;
}

/* Command-line service and backends, as configuration lines. */
struct cmdline_svc {
	const char *service;
	const char *sched;
	const char *backend[64];
	unsigned int nbackends;
};

static void add_line(struct slb_cfg *cfg, const char *line)
{
	char err[256];

	if (slb_cfg_parse_line(cfg, line, 0, err, sizeof(err)))
		usage_error("%s", err);
}

static void cmdline_config(const struct cmdline_svc *cl, struct slb_cfg *cfg)
{
	char line[512], addr[128];
	const char *weight;
	unsigned int i;

	snprintf(line, sizeof(line), "service add %s scheduler %s",
		 cl->service, cl->sched ? cl->sched : SLB_SCHED_DEFAULT);
	add_line(cfg, line);
	for (i = 0; i < cl->nbackends; i++) {
		const char *b = cl->backend[i];
		const char *comma = strrchr(b, ',');

		snprintf(addr, sizeof(addr), "%.*s",
			 (int)(comma ? comma - b : (ptrdiff_t)strlen(b)), b);
		weight = comma ? comma + 1 : "1";
		snprintf(line, sizeof(line),
			 "backend add %s service %s weight %s", addr,
			 cl->service, *weight ? weight : "?");
		add_line(cfg, line);
	}
}

static const struct option long_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "service", required_argument, NULL, 's' },
	{ "backend", required_argument, NULL, 'b' },
	{ "scheduler", required_argument, NULL, 'S' },
	{ "max-conn", required_argument, NULL, 'm' },
	{ "buffer-size", required_argument, NULL, 'B' },
	{ "tries", required_argument, NULL, 't' },
	{ "connect-timeout", required_argument, NULL, 'C' },
	{ "idle-timeout", required_argument, NULL, 'I' },
	{ "half-closed-timeout", required_argument, NULL, 'H' },
	{ "drain-timeout", required_argument, NULL, 'D' },
	{ "foreground", no_argument, NULL, 'f' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static bool maxconn_given;

static const char *parse_options(int argc, char **argv, struct cmdline_svc *cl)
{
	const char *config = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "c:s:b:S:m:B:t:C:I:H:D:fvh",
				long_opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 's':
			cl->service = optarg;
			break;
		case 'b':
			if (cl->nbackends == sizeof(cl->backend) /
					     sizeof(cl->backend[0]))
				usage_error("too many -b (use -c)");
			cl->backend[cl->nbackends++] = optarg;
			break;
		case 'S':
			cl->sched = optarg;
			break;
		case 'm':
			opt.maxconn = (unsigned int)parse_num("-m", optarg, 1,
							     MAX_CONN);
			maxconn_given = true;
			break;
		case 'B':
			opt.bufsize = parse_bufsize(optarg);
			break;
		case 't':
			opt.tries = (unsigned int)parse_num("-t", optarg, 1,
							   LB_MAX_TRIES);
			break;
		case 'C':
			opt.connect_ms = parse_time("-C", optarg);
			break;
		case 'I':
			opt.idle_ms = parse_time("-I", optarg);
			break;
		case 'H':
			opt.half_ms = parse_time("-H", optarg);
			break;
		case 'D':
			opt.drain_ms = parse_time("-D", optarg);
			break;
		case 'f':
			break;
		case 'v':
			opt.verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(EXIT_USAGE);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	if (!config == !cl->service)
		usage_error("give either -c FILE or -s ADDR:PORT");
	if (config && (cl->nbackends || cl->sched))
		usage_error("-b and -S go with -s, not with -c");
	if (cl->service && !cl->nbackends)
		usage_error("-s needs at least one -b");
	return config;
}

/*
 * Descriptors 0-2 must be open: otherwise a socket could get one of them
 * and our log lines would go out to a client.
 */
static void hold_stdio(void)
{
	int fd;

	do {
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	} while (fd >= 0 && fd <= 2);
	if (fd > 2)
		close(fd);
}

/* The pool may promise more than select() can hold: say so up front. */
static void check_fd_limit(void)
{
	unsigned int fixed = FIXED_FDS + checks_reserved();
	unsigned int fit = (FD_SETSIZE - fixed - 1) / 2;
	struct rlimit rl;

	if (opt.maxconn > fit)
		lb_log(0, "note: -m %u: at most about %u connections fit in "
		       "an fd_set (FD_SETSIZE %d); clients beyond that are "
		       "refused", opt.maxconn, fit, FD_SETSIZE);
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < (rlim_t)opt.maxconn * 2 + fixed + 1)
		lb_log(0, "note: open-file limit %lu < %u: connections are "
		       "also limited by descriptors",
		       (unsigned long)rl.rlim_cur, opt.maxconn * 2 + fixed + 1);
}

static int load(const char *config, const struct cmdline_svc *cl)
{
	struct slb_cfg cfg;
	int ret;

	if (config)
		return services_load(config);
	slb_cfg_init(&cfg, 0);
	cmdline_config(cl, &cfg);
	ret = services_apply(&cfg, "command line");
	slb_cfg_free(&cfg);
	return ret;
}

/* The configuration first: its checks hold descriptors the pool leaves. */
static int start(const char *config, const struct cmdline_svc *cl)
{
	if (signals_init()) {
		lb_log(0, "signals: %s", strerror(errno));
		return -1;
	}
	if (load(config, cl))
		return -1;
	if (!maxconn_given)
		opt.maxconn = FIT_MAXCONN(checks_reserved());
	if (pool_init(opt.maxconn, opt.bufsize)) {
		lb_log(0, "cannot allocate the pool: %u x 2 x %zu bytes",
		       opt.maxconn, opt.bufsize);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cmdline_svc cl = { 0 };
	const char *config;
	int status;

	config = parse_options(argc, argv, &cl);
	hold_stdio();
	status = start(config, &cl);
	if (!status && !lb_services) {
		lb_log(0, "%s: no service defined", config);
		status = -1;
	}
	if (status) {
		services_free();
		pool_exit();
		return 1;
	}
	check_fd_limit();
	lb_log(0, "running: pool of %u connections x 2 x %zu bytes, pid %d",
	       opt.maxconn, opt.bufsize, (int)getpid());
	status = loop_run(config);
	if (opt.verbose)
		stats_print();
	services_free();
	pool_exit();
	lb_log(0, "exiting");
	return status;
}
