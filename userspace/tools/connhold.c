// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Hold many TCP connections open, for tests that count them:
 *
 *   connhold ADDR:PORT N     open N connections to ADDR:PORT, print
 *                            "ready N" once all are up, and hold them
 *                            until killed; those reset as they open
 *                            (a balancer that refuses them) are
 *                            counted: "ready N, M reset"
 *   connhold -l ADDR:PORT    accept every connection and hold it, likewise
 *
 * Nothing is sent or read: the connections only have to exist.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "nofile.h"

static void die(const char *what)
{
	fprintf(stderr, "connhold: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Until killed; with a listener, accepting whatever comes. */
static void hold(int lfd)
{
	int fd;

	for (;;) {
		if (lfd < 0) {
			pause();
			continue;
		}
		/* Held by never being closed. */
		fd = accept(lfd, NULL, NULL);
		if (fd < 0 && errno != EINTR && errno != ECONNABORTED &&
		    errno != EMFILE)
			die("accept");
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	long i, n, reset = 0;
	const char *why;
	int fd, one = 1;

	slb_raise_nofile();
	if (argc == 3 && !strcmp(argv[1], "-l")) {
		if (slb_addr_parse(argv[2], &ss, &why)) {
			fprintf(stderr, "connhold: %s: %s\n", argv[2], why);
			return 2;
		}
		fd = socket(ss.ss_family, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket");
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&ss, slb_addr_len(&ss)) ||
		    listen(fd, 65535))
			die("listen");
		printf("listening\n");
		fflush(stdout);
		hold(fd);
		return 0;
	}
	if (argc != 3 || slb_addr_parse(argv[1], &ss, &why)) {
		fprintf(stderr, "usage: connhold ADDR:PORT N | -l ADDR:PORT\n");
		return 2;
	}
	n = strtol(argv[2], NULL, 10);
	for (i = 0; i < n; i++) {
		fd = socket(ss.ss_family, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket");
		if (!connect(fd, (struct sockaddr *)&ss, slb_addr_len(&ss)))
			continue;
		/* Established, then reset before connect() returned. */
		if (errno == ECONNRESET) {
			close(fd);
			reset++;
			continue;
		}
		fprintf(stderr, "connhold: connection %ld: %s\n", i,
			strerror(errno));
		return 1;
	}
	if (reset)
		printf("ready %ld, %ld reset\n", n - reset, reset);
	else
		printf("ready %ld\n", n);
	fflush(stdout);
	hold(-1);
	return 0;
}
