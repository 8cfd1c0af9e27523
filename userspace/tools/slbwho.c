// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Which backend serves which client, for the tests of the hashing
 * schedulers:
 *
 *   slbwho -l ADDR:PORT NAME     serve: write NAME and a newline to every
 *                                connection, then close it; until killed
 *   slbwho -c ADDR:PORT SRC...   from each source address SRC in turn
 *                                (a bare address, any port), connect to
 *                                ADDR:PORT and print "SRC NAME", NAME
 *                                being what came back, or "-" when the
 *                                connection failed or was reset
 *
 * The client reads source addresses from its standard input, one per
 * line, when none is given.  Exits 0 when every line was printed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "addr.h"

#define WHO_NAME_MAX	128

static void die(const char *what)
{
	fprintf(stderr, "slbwho: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int serve(const struct sockaddr_storage *ss, const char *name)
{
	int lfd, fd, one = 1;
	size_t len = strlen(name);
	char line[WHO_NAME_MAX + 1];

	if (len >= WHO_NAME_MAX) {
		fprintf(stderr, "slbwho: name too long\n");
		return 2;
	}
	memcpy(line, name, len);
	line[len++] = '\n';
	lfd = socket(ss->ss_family, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (const struct sockaddr *)ss, slb_addr_len(ss)) ||
	    listen(lfd, 1024))
		die("listen");
	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept");
		}
		if (write(fd, line, len) != (ssize_t)len)
			perror("slbwho: write");
		close(fd);
	}
}

/* What the service answers a client from src: NAME, or "-". */
static void ask(const struct sockaddr_storage *to, const char *src)
{
	struct sockaddr_storage from = { .ss_family = to->ss_family };
	struct timeval tv = { .tv_sec = 10 };
	char name[WHO_NAME_MAX + 1] = "-";
	size_t got = 0;
	ssize_t r;
	void *a = to->ss_family == AF_INET ?
		  (void *)&((struct sockaddr_in *)&from)->sin_addr :
		  (void *)&((struct sockaddr_in6 *)&from)->sin6_addr;
	int fd;

	if (inet_pton(to->ss_family, src, a) != 1) {
		fprintf(stderr, "slbwho: bad source address \"%s\"\n", src);
		exit(2);
	}
	fd = socket(to->ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&from, slb_addr_len(&from)))
		die(src);
	if (!connect(fd, (const struct sockaddr *)to, slb_addr_len(to))) {
		while (got < WHO_NAME_MAX &&
		       (r = read(fd, name + got, WHO_NAME_MAX - got)) > 0)
			got += (size_t)r;
		name[got] = 0;
		name[strcspn(name, "\n")] = 0;
		if (!name[0])
			strcpy(name, "-");
	}
	close(fd);
	printf("%s %s\n", src, name);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	char line[256];
	const char *why;
	int i;

	if (argc < 3 || (strcmp(argv[1], "-l") && strcmp(argv[1], "-c")))
		goto usage;
	if (slb_addr_parse(argv[2], &ss, &why)) {
		fprintf(stderr, "slbwho: %s: %s\n", argv[2], why);
		return 2;
	}
	if (!strcmp(argv[1], "-l")) {
		if (argc != 4)
			goto usage;
		return serve(&ss, argv[3]);
	}
	for (i = 3; i < argc; i++)
		ask(&ss, argv[i]);
	if (argc == 3)
		while (fgets(line, sizeof(line), stdin)) {
			line[strcspn(line, " \t\n")] = 0;
			if (line[0])
				ask(&ss, line);
		}
	return 0;
usage:
	fprintf(stderr, "usage: slbwho -l ADDR:PORT NAME\n"
		"       slbwho -c ADDR:PORT [SRC...]\n");
	return 2;
}
