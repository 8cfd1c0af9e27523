/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Active health checks, the part the module and lbselect share: a
 * service's check parameters, the rise/fall machine of a backend's health,
 * the interval to the next check, the match of a reply, and the C-style
 * escapes of the strings a send-expect check sends and expects.
 *
 * A backend's health starts up, as HAProxy's servers do, but on probation:
 * the first check decides alone, so that a backend added dead stops getting
 * clients after one interval rather than after fall of them.  From then on
 * fall failed checks in a row bring an up backend down and rise passed ones
 * bring a down backend up; a result agreeing with the health resets the
 * count.  While a change is pending (count > 0) the next check comes after
 * fastinter, while the backend is down after downinter, else after inter,
 * each less up to a tenth of it at random, so that the checks of many
 * backends added at once spread out rather than come in bursts.
 */
#ifndef SLB_LIB_CHECK_H
#define SLB_LIB_CHECK_H

#include "slb_types.h"
#include "uapi/linux/splicelb.h"

#define SLB_CHECK_DATA_MAX	SPLICELB_CHECK_DATA_MAX

/* What a service's checks do; the fields a request may set one by one. */
struct slb_check_params {
	u8 type;			/* enum splicelb_check_type */
	u16 send_len;
	u16 expect_len;
	u32 inter_ms;
	u32 timeout_ms;			/* 0: inter_ms */
	u32 rise;
	u32 fall;
	u32 fastinter_ms;		/* 0: inter_ms */
	u32 downinter_ms;		/* 0: inter_ms */
	/* Clients' connect failures in a row that mark it down; 0: none. */
	u32 observe;
	u8 send[SLB_CHECK_DATA_MAX];
	u8 expect[SLB_CHECK_DATA_MAX];
};

/* Which fields of a struct slb_check_params a request carries. */
#define SLB_CHECK_SET_TYPE	(1U << 0)
#define SLB_CHECK_SET_SEND	(1U << 1)
#define SLB_CHECK_SET_EXPECT	(1U << 2)
#define SLB_CHECK_SET_INTER	(1U << 3)
#define SLB_CHECK_SET_TIMEOUT	(1U << 4)
#define SLB_CHECK_SET_RISE	(1U << 5)
#define SLB_CHECK_SET_FALL	(1U << 6)
#define SLB_CHECK_SET_FASTINTER	(1U << 7)
#define SLB_CHECK_SET_DOWNINTER	(1U << 8)
#define SLB_CHECK_SET_OBSERVE	(1U << 9)

/* What the checks found of one backend. */
struct slb_health {
	bool down;
	bool probation;			/* no check has ended since it began */
	u32 count;			/* results in a row against the health */
};

/* A service's parameters before any request: no check. */
void slb_check_params_init(struct slb_check_params *p);
/* Copies into @dst the fields of @src that @given (SLB_CHECK_SET_*) names. */
void slb_check_params_apply(struct slb_check_params *dst,
			    const struct slb_check_params *src, u32 given);
/*
 * NULL when @p can run; else why not, naming the field, and *@field set to
 * the SLB_CHECK_SET_* bit of it, for a netlink reply to point at.
 */
const char *slb_check_params_invalid(const struct slb_check_params *p,
				     u32 *field);
/* Do @a and @b check alike?  A change that keeps them so restarts nothing. */
bool slb_check_params_same(const struct slb_check_params *a,
			   const struct slb_check_params *b);
u32 slb_check_timeout_ms(const struct slb_check_params *p);

/* A backend's health when its checks begin. */
void slb_health_init(struct slb_health *h);
/* Counts one check's result; true when the health changed with it. */
bool slb_health_record(struct slb_health *h, const struct slb_check_params *p,
		       bool passed);
/*
 * Clients' connects failed observe times in a row: down at once, the
 * checks to bring it back.  False when it was down already.
 */
bool slb_health_force_down(struct slb_health *h);
/* Milliseconds to the next check; @rnd is any random number. */
u32 slb_check_next_ms(const struct slb_check_params *p,
		      const struct slb_health *h, u32 rnd);

/* Does @reply hold @expect anywhere?  An empty @expect is in every reply. */
bool slb_check_match(const u8 *reply, size_t len, const u8 *expect,
		     size_t expect_len);

/*
 * The bytes a string with C escapes (\r \n \t \0 \\ \" \xHH) stands for,
 * into @out of @cap bytes: their number, or -1 when an escape is malformed
 * or they do not fit.
 */
int slb_check_unescape(const char *s, u8 *out, size_t cap);
/*
 * @len bytes written back with escapes, printable ASCII as itself save \
 * and ", into @out of @cap bytes with its NUL: the length the whole would
 * take, as snprintf returns it.
 */
size_t slb_check_escape(const u8 *in, size_t len, char *out, size_t cap);

/* How a check or a connect that failed with (positive) errno @err ended. */
u8 slb_check_result_of(int err);
/* "passed", "refused", ... for an enum splicelb_check_result. */
const char *slb_check_result_name(u8 result);

#endif /* SLB_LIB_CHECK_H */
