// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dropcaps [-u UID [-n PID]] PROG [ARGS]: run PROG with no capabilities at
 * all, as root (uid 0 without CAP_NET_ADMIN and the rest) or as UID, so that
 * tests can check what an unprivileged user may do.  Root would get its
 * capabilities back on exec, hence the bounding set and the securebits;
 * another uid loses them on setresuid(), and keeps the right to make a
 * user namespace of its own (unshare -U), where it is root again.
 *
 * -n PID then joins the user and network namespaces of PID, which UID
 * made: what UID may do there, it may do again later, as their root.
 * (busybox nsenter cannot: it calls setgroups(), which unshare -r denies.)
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "dropcaps: %s: %s\n", what, strerror(errno));
	exit(127);
}

static void join(const char *pid, const char *ns, int type)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/ns/%s", pid, ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	/* By syscall: lib/sched.h hides libc's <sched.h> from the tools. */
	if (fd < 0 || syscall(SYS_setns, fd, type))
		die(path);
	close(fd);
}

int main(int argc, char **argv)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	const char *pid = NULL;
	long uid = -1;
	int cap, i = 1;

	if (argc > 2 && !strcmp(argv[1], "-u")) {
		uid = strtol(argv[2], NULL, 10);
		i = 3;
	}
	if (uid >= 0 && argc > i + 1 && !strcmp(argv[i], "-n")) {
		pid = argv[i + 1];
		i += 2;
	}
	if (i >= argc) {
		fprintf(stderr,
			"usage: dropcaps [-u UID [-n PID]] PROG [ARGS]\n");
		return 127;
	}
	if (uid >= 0) {
		if (setgroups(0, NULL) || setresgid((gid_t)uid, (gid_t)uid,
						    (gid_t)uid) ||
		    setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid))
			die("setting the uid");
	} else {
		/* Exec must not hand root its capabilities back. */
		if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT |
			  SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
			  SECBIT_NO_SETUID_FIXUP_LOCKED, 0, 0, 0))
			die("PR_SET_SECUREBITS");
		for (cap = 0; cap <= 63; cap++)
			if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) &&
			    errno != EINVAL)
				die("PR_CAPBSET_DROP");
	}
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data))
		die("capset");
	/* The user namespace first: it grants the right to join the other. */
	if (pid) {
		join(pid, "user", CLONE_NEWUSER);
		join(pid, "net", CLONE_NEWNET);
	}
	execvp(argv[i], argv + i);
	die(argv[i]);
	return 127;
}
