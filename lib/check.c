// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Health checks: the parameters, the rise/fall machine and the strings.
 * See check.h for the rules they follow.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/kernel.h>
#else
#include <errno.h>
#endif

#include "check.h"
#include "hex.h"

void slb_check_params_init(struct slb_check_params *p)
{
	*p = (struct slb_check_params){
		.type = SPLICELB_CHECK_NONE,
		.inter_ms = SPLICELB_CHECK_INTER_DEF_MS,
		.rise = SPLICELB_CHECK_RISE_DEF,
		.fall = SPLICELB_CHECK_FALL_DEF,
	};
}

static void slb_check_copy(u8 *dst, u16 *dst_len, const u8 *src, u16 len)
{
	u16 i;

	for (i = 0; i < len; i++)
		dst[i] = src[i];
	*dst_len = len;
}

void slb_check_params_apply(struct slb_check_params *dst,
			    const struct slb_check_params *src, u32 given)
{
	if (given & SLB_CHECK_SET_TYPE)
		dst->type = src->type;
	if (given & SLB_CHECK_SET_SEND)
		slb_check_copy(dst->send, &dst->send_len, src->send,
			       src->send_len);
	if (given & SLB_CHECK_SET_EXPECT)
		slb_check_copy(dst->expect, &dst->expect_len, src->expect,
			       src->expect_len);
	if (given & SLB_CHECK_SET_INTER)
		dst->inter_ms = src->inter_ms;
	if (given & SLB_CHECK_SET_TIMEOUT)
		dst->timeout_ms = src->timeout_ms;
	if (given & SLB_CHECK_SET_RISE)
		dst->rise = src->rise;
	if (given & SLB_CHECK_SET_FALL)
		dst->fall = src->fall;
	if (given & SLB_CHECK_SET_FASTINTER)
		dst->fastinter_ms = src->fastinter_ms;
	if (given & SLB_CHECK_SET_DOWNINTER)
		dst->downinter_ms = src->downinter_ms;
	if (given & SLB_CHECK_SET_OBSERVE)
		dst->observe = src->observe;
}

static bool slb_check_ms_bad(u32 ms, bool zero_ok)
{
	if (!ms)
		return !zero_ok;
	return ms < SPLICELB_CHECK_INTER_MIN_MS ||
	       ms > SPLICELB_CHECK_INTER_MAX_MS;
}

static bool slb_check_count_bad(u32 n)
{
	return n < 1 || n > SPLICELB_CHECK_COUNT_MAX;
}

const char *slb_check_params_invalid(const struct slb_check_params *p,
				     u32 *field)
{
	static const struct {
		u32 field;
		const char *msg;
	} why[] = {
		{ SLB_CHECK_SET_TYPE, "unknown check type" },
		{ SLB_CHECK_SET_EXPECT, "a send-expect check needs an expect string" },
		{ SLB_CHECK_SET_SEND, "a check string is too long" },
		{ SLB_CHECK_SET_INTER, "check inter must be 10 ms to 1 hour" },
		{ SLB_CHECK_SET_TIMEOUT, "check timeout must be 10 ms to 1 hour" },
		{ SLB_CHECK_SET_RISE, "check rise must be 1 to 100" },
		{ SLB_CHECK_SET_FALL, "check fall must be 1 to 100" },
		{ SLB_CHECK_SET_FASTINTER, "check fastinter must be 10 ms to 1 hour" },
		{ SLB_CHECK_SET_DOWNINTER, "check downinter must be 10 ms to 1 hour" },
		{ SLB_CHECK_SET_OBSERVE, "check observe must be 0 to 100" },
		/* Nothing would bring back up a backend it marked down. */
		{ SLB_CHECK_SET_OBSERVE, "check observe needs a check other than none" },
	};
	bool bad[] = {
		p->type > SPLICELB_CHECK_SEND_EXPECT,
		p->type == SPLICELB_CHECK_SEND_EXPECT && !p->expect_len,
		p->send_len > SLB_CHECK_DATA_MAX ||
			p->expect_len > SLB_CHECK_DATA_MAX,
		slb_check_ms_bad(p->inter_ms, false),
		slb_check_ms_bad(p->timeout_ms, true),
		slb_check_count_bad(p->rise),
		slb_check_count_bad(p->fall),
		slb_check_ms_bad(p->fastinter_ms, true),
		slb_check_ms_bad(p->downinter_ms, true),
		p->observe > SPLICELB_CHECK_COUNT_MAX,
		p->observe && p->type == SPLICELB_CHECK_NONE,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (bad[i]) {
			*field = why[i].field;
			return why[i].msg;
		}
	}
	return NULL;
}

static bool slb_check_bytes_same(const u8 *a, u16 alen, const u8 *b, u16 blen)
{
	u16 i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

bool slb_check_params_same(const struct slb_check_params *a,
			   const struct slb_check_params *b)
{
	return a->type == b->type && a->inter_ms == b->inter_ms &&
	       a->timeout_ms == b->timeout_ms && a->rise == b->rise &&
	       a->fall == b->fall && a->fastinter_ms == b->fastinter_ms &&
	       a->downinter_ms == b->downinter_ms &&
	       a->observe == b->observe &&
	       slb_check_bytes_same(a->send, a->send_len, b->send,
				    b->send_len) &&
	       slb_check_bytes_same(a->expect, a->expect_len, b->expect,
				    b->expect_len);
}

u32 slb_check_timeout_ms(const struct slb_check_params *p)
{
	return p->timeout_ms ? p->timeout_ms : p->inter_ms;
}

void slb_health_init(struct slb_health *h)
{
	*h = (struct slb_health){ .probation = true };
}

bool slb_health_record(struct slb_health *h, const struct slb_check_params *p,
		       bool passed)
{
	bool probation = h->probation;

	h->probation = false;
	if (passed != h->down) {
		h->count = 0;
		return false;
	}
	if (!probation && ++h->count < (h->down ? p->rise : p->fall))
		return false;
	h->down = !h->down;
	h->count = 0;
	return true;
}

bool slb_health_force_down(struct slb_health *h)
{
	bool was_down = h->down;

	*h = (struct slb_health){ .down = true };
	return !was_down;
}

u32 slb_check_next_ms(const struct slb_check_params *p,
		      const struct slb_health *h, u32 rnd)
{
	u32 ms = p->inter_ms;

	if (h->count && p->fastinter_ms)
		ms = p->fastinter_ms;
	else if (h->down && p->downinter_ms)
		ms = p->downinter_ms;
	return ms - rnd % (ms / 10 + 1);
}

bool slb_check_match(const u8 *reply, size_t len, const u8 *expect,
		     size_t expect_len)
{
	size_t i, j;

	for (i = 0; i + expect_len <= len; i++) {
		for (j = 0; j < expect_len; j++)
			if (reply[i + j] != expect[j])
				break;
		if (j == expect_len)
			return true;
	}
	return false;
}

/* The byte of the escape at @s (past its backslash), its length in *@n. */
static int slb_check_unescape_one(const char *s, int *n)
{
	static const char from[] = "rnt0\\\"", to[] = "\r\n\t\0\\\"";
	int hi, lo, i;

	*n = 1;
	for (i = 0; from[i]; i++)
		if (*s == from[i])
			return (u8)to[i];
	if (*s != 'x')
		return -1;
	hi = slb_hex_digit(s[1]);
	lo = hi < 0 ? -1 : slb_hex_digit(s[2]);
	if (lo < 0)
		return -1;
	*n = 3;
	return hi << 4 | lo;
}

int slb_check_unescape(const char *s, u8 *out, size_t cap)
{
	size_t len = 0;
	int c, n;

	while (*s) {
		c = (u8)*s++;
		if (c == '\\') {
			c = slb_check_unescape_one(s, &n);
			if (c < 0)
				return -1;
			s += n;
		}
		if (len == cap)
			return -1;
		out[len++] = c;
	}
	return len;
}

/* How @c is written: into @esc with its NUL, at most 5 bytes. */
static size_t slb_check_escape_one(u8 c, char *esc)
{
	static const char hex[] = "0123456789abcdef";
	static const char from[] = "\r\n\t\\\"", to[] = "rnt\\\"";
	size_t i;

	for (i = 0; from[i]; i++) {
		if (c == (u8)from[i]) {
			esc[0] = '\\';
			esc[1] = to[i];
			esc[2] = 0;
			return 2;
		}
	}
	if (c >= 0x20 && c < 0x7f) {
		esc[0] = c;
		esc[1] = 0;
		return 1;
	}
	esc[0] = '\\';
	esc[1] = 'x';
	esc[2] = hex[c >> 4];
	esc[3] = hex[c & 15];
	esc[4] = 0;
	return 4;
}

size_t slb_check_escape(const u8 *in, size_t len, char *out, size_t cap)
{
	size_t total = 0, i, n, k;
	char esc[5];

	for (i = 0; i < len; i++) {
		n = slb_check_escape_one(in[i], esc);
		for (k = 0; k < n; k++, total++)
			if (total + 1 < cap)
				out[total] = esc[k];
	}
	if (cap)
		out[total < cap ? total : cap - 1] = 0;
	return total;
}

u8 slb_check_result_of(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return SPLICELB_CHECK_RESULT_REFUSED;
	case ECONNRESET:
	case EPIPE:		/* sent into a connection the peer reset */
		return SPLICELB_CHECK_RESULT_RESET;
	case ETIMEDOUT:		/* the SYN retries ran out */
		return SPLICELB_CHECK_RESULT_TIMEOUT;
	case ENETUNREACH:
	case EHOSTUNREACH:
	case ENETDOWN:
	case EHOSTDOWN:
		return SPLICELB_CHECK_RESULT_UNREACHABLE;
	default:
		return SPLICELB_CHECK_RESULT_ERROR;
	}
}

const char *slb_check_result_name(u8 result)
{
	static const char *const names[] = {
		[SPLICELB_CHECK_RESULT_NONE] = "none",
		[SPLICELB_CHECK_RESULT_PASSED] = "passed",
		[SPLICELB_CHECK_RESULT_REFUSED] = "refused",
		[SPLICELB_CHECK_RESULT_TIMEOUT] = "timeout",
		[SPLICELB_CHECK_RESULT_RESET] = "reset",
		[SPLICELB_CHECK_RESULT_CLOSED] = "closed",
		[SPLICELB_CHECK_RESULT_UNEXPECTED] = "unexpected reply",
		[SPLICELB_CHECK_RESULT_UNREACHABLE] = "unreachable",
		[SPLICELB_CHECK_RESULT_ERROR] = "error",
	};

	if (result >= ARRAY_SIZE(names))
		return "unknown";
	return names[result];
}
