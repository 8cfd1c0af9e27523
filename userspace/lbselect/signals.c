// SPDX-License-Identifier: GPL-2.0
/*
 * Self-pipe signal handling.  A handler may run between the loop's check
 * of its flags and select(): the pipe byte makes select() return at once
 * then, where a flag alone would wait for the next event.
 */
#include "lbselect.h"	/* first: it asks for _GNU_SOURCE (pipe2) */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "signals.h"

static int pipefd[2] = { -1, -1 };
static volatile sig_atomic_t got_term, got_hup, got_usr1;

static void on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGTERM || sig == SIGINT)
		got_term = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGUSR1)
		got_usr1 = 1;
	/* Full pipe: a wake-up is pending anyway. */
	if (write(pipefd[1], "", 1) < 0)
		(void)0;
	errno = saved;
}

int signals_init(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	struct sigaction sa;
	unsigned int i;

	if (pipe2(pipefd, O_NONBLOCK | O_CLOEXEC))
		return -1;
	if (pipefd[0] >= FD_SETSIZE) {
		errno = EMFILE;	/* inherited descriptors fill the fd_set */
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL))
			return -1;
	/* Writes to a closed peer fail with EPIPE; we use MSG_NOSIGNAL too. */
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

int signals_fd(void)
{
	return pipefd[0];
}

unsigned int signals_take(void)
{
	unsigned int sig = 0;
	char buf[64];

	while (read(pipefd[0], buf, sizeof(buf)) > 0)
		;
	if (got_term) {
		got_term = 0;
		sig |= LB_SIG_TERM;
	}
	if (got_hup) {
		got_hup = 0;
		sig |= LB_SIG_HUP;
	}
	if (got_usr1) {
		got_usr1 = 0;
		sig |= LB_SIG_USR1;
	}
	return sig;
}
