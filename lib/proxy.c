// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * PROXY protocol headers, read and written: see proxy.h.
 *
 * A read settles each question from the first bytes that can settle it,
 * and more bytes never change the answer: a caller fed a header piece by
 * piece sees 0 until one final result, the same it would see fed it whole.
 */
#include "hex.h"
#include "proxy.h"

#define SLB_PROXY_V1_SIG_LEN	6
#define SLB_PROXY_V2_SIG_LEN	12
/* The v1 words after "PROXY ": protocol, two addresses, two ports. */
#define SLB_PROXY_V1_WORDS	5

/* v2's fixed part: the signature, then these bytes. */
#define SLB_PP2_VER_CMD		12
#define SLB_PP2_FAM		13
#define SLB_PP2_LEN		14

#define SLB_PP2_VERSION		0x2
#define SLB_PP2_CMD_LOCAL	0x0
#define SLB_PP2_CMD_PROXY	0x1
#define SLB_PP2_FAM_UNSPEC	0x00
#define SLB_PP2_FAM_TCP4	0x11
#define SLB_PP2_FAM_TCP6	0x21
#define SLB_PP2_FAM_UNIX	0x31
#define SLB_PP2_LEN_TCP4	12
#define SLB_PP2_LEN_TCP6	36
#define SLB_PP2_LEN_UNIX	216
#define SLB_PP2_TLV_HDR		3
/* What the specification allows a unique id. */
#define SLB_PP2_UNIQUE_ID_LIMIT	128

static const u8 slb_proxy_v1_sig[SLB_PROXY_V1_SIG_LEN] = {
	'P', 'R', 'O', 'X', 'Y', ' ',
};
static const u8 slb_proxy_v2_sig[SLB_PROXY_V2_SIG_LEN] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
};

/* A word of a v1 line. */
struct slb_proxy_word {
	const u8 *s;
	size_t len;
};

/* A header being written: what does not fit is counted, not written. */
struct slb_proxy_out {
	u8 *buf;
	size_t size;
	size_t len;
};

static u16 slb_proxy_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static void slb_proxy_copy(u8 *to, const u8 *from, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		to[i] = from[i];
}

/* Do the first @len bytes of @buf agree with @sig, as far as both go? */
static bool slb_proxy_begins(const u8 *buf, size_t len, const u8 *sig,
			     size_t sig_len)
{
	size_t i;

	for (i = 0; i < len && i < sig_len; i++)
		if (buf[i] != sig[i])
			return false;
	return true;
}

static bool slb_proxy_word_is(const struct slb_proxy_word *w,
			      const char *lit)
{
	size_t i;

	for (i = 0; i < w->len; i++)
		if (!lit[i] || w->s[i] != (u8)lit[i])
			return false;
	return !lit[w->len];
}

/*
 * A decimal number of at most @max at s[*i], moving *i past it.  Only "0"
 * may begin with a zero: an octal reader would take "010" for 8.
 */
static bool slb_proxy_dec(const u8 *s, size_t len, size_t *i, u32 max,
			  u32 *v)
{
	size_t start = *i;

	*v = 0;
	for (; *i < len && s[*i] >= '0' && s[*i] <= '9'; (*i)++) {
		if (*i > start && s[start] == '0')
			return false;
		*v = *v * 10 + (u32)(s[*i] - '0');
		if (*v > max)
			return false;
	}
	return *i > start;
}

static bool slb_proxy_port(const struct slb_proxy_word *w, u16 *port)
{
	size_t i = 0;
	u32 v;

	if (!slb_proxy_dec(w->s, w->len, &i, 0xffff, &v) || i != w->len)
		return false;
	*port = (u16)v;
	return true;
}

/* Exactly four numbers of 0 to 255, dots between them. */
static bool slb_proxy_ipv4(const u8 *s, size_t len, u8 *ip)
{
	unsigned int k;
	size_t i = 0;
	u32 v;

	for (k = 0; k < 4; k++) {
		if (k && (i == len || s[i++] != '.'))
			return false;
		if (!slb_proxy_dec(s, len, &i, 255, &v))
			return false;
		ip[k] = (u8)v;
	}
	return i == len;
}

/* One to four hex digits at s[*i], moving *i past them. */
static bool slb_proxy_hex16(const u8 *s, size_t len, size_t *i, u16 *v)
{
	size_t start = *i;
	int d;

	*v = 0;
	for (; *i < len; (*i)++) {
		d = slb_hex_digit(s[*i]);
		if (d < 0)
			break;
		if (*i - start == 4)
			return false;
		*v = (u16)(*v << 4 | d);
	}
	return *i > start;
}

/* Is the group at @s the dotted quad that may end an IPv6 address? */
static bool slb_proxy_is_dotted(const u8 *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && s[i] != ':'; i++)
		if (s[i] == '.')
			return true;
	return false;
}

/* Groups @g, @n of them, "::" before group @gap (-1: none), as 16 bytes. */
static void slb_proxy_ipv6_expand(const u16 *g, int n, int gap, u8 *ip)
{
	int i, k = 0;

	for (i = 0; i < 8; i++) {
		u16 v = 0;

		if (gap < 0 || i < gap || i >= gap + 8 - n)
			v = g[k++];
		ip[2 * i] = (u8)(v >> 8);
		ip[2 * i + 1] = (u8)v;
	}
}

/*
 * Any text form of RFC 4291 section 2.2: eight groups of one to four hex
 * digits; or fewer, one "::" standing for the one or more zero groups
 * missing; the last two groups maybe written as a dotted quad.
 */
static bool slb_proxy_ipv6(const u8 *s, size_t len, u8 *ip)
{
	int n = 0, gap = -1;
	size_t i = 0;
	u16 g[8];
	u8 q[4];

	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	}
	while (i < len) {
		if (slb_proxy_is_dotted(s + i, len - i)) {
			if (n > 6 || !slb_proxy_ipv4(s + i, len - i, q))
				return false;
			g[n++] = slb_proxy_be16(q);
			g[n++] = slb_proxy_be16(q + 2);
			break;
		}
		if (n == 8 || !slb_proxy_hex16(s, len, &i, &g[n++]))
			return false;
		if (i == len)
			break;
		/* A colon, then a group or the one "::". */
		if (s[i++] != ':' || i == len)
			return false;
		if (s[i] == ':') {
			if (gap >= 0)
				return false;
			gap = n;
			i++;
		}
	}
	if (gap < 0 ? n != 8 : n > 7)
		return false;
	slb_proxy_ipv6_expand(g, n, gap, ip);
	return true;
}

static bool slb_proxy_v1_addr(const struct slb_proxy_word *w, u8 family,
			      u8 *ip)
{
	if (family == SLB_PROXY_AF_INET)
		return slb_proxy_ipv4(w->s, w->len, ip);
	return slb_proxy_ipv6(w->s, w->len, ip);
}

/*
 * Splits @s into exactly @n words with one space between each two: an
 * empty word is a space too many, at either end or in a row.
 */
static bool slb_proxy_v1_split(const u8 *s, size_t len,
			       struct slb_proxy_word *w, unsigned int n)
{
	size_t i, start = 0;
	unsigned int k = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != ' ')
			continue;
		if (i == start || k == n)
			return false;
		w[k].s = s + start;
		w[k++].len = i - start;
		start = i + 1;
	}
	return k == n;
}

/* What follows "PROXY " on a line, to its CRLF excluded. */
static bool slb_proxy_v1_line(const u8 *s, size_t len,
			      struct slb_proxy_addr *a)
{
	static const u8 unknown[] = "UNKNOWN";
	struct slb_proxy_word w[SLB_PROXY_V1_WORDS];

	/*
	 * The receiver must ignore what a sender puts after UNKNOWN, which
	 * is a word of its own: "UNKNOWNX" is no protocol.
	 */
	if (len >= sizeof(unknown) - 1 &&
	    slb_proxy_begins(s, len, unknown, sizeof(unknown) - 1) &&
	    (len == sizeof(unknown) - 1 || s[sizeof(unknown) - 1] == ' ')) {
		a->family = SLB_PROXY_AF_NONE;
		return true;
	}
	if (!slb_proxy_v1_split(s, len, w, SLB_PROXY_V1_WORDS))
		return false;
	if (slb_proxy_word_is(&w[0], "TCP4"))
		a->family = SLB_PROXY_AF_INET;
	else if (slb_proxy_word_is(&w[0], "TCP6"))
		a->family = SLB_PROXY_AF_INET6;
	else
		return false;
	return slb_proxy_v1_addr(&w[1], a->family, a->src) &&
	       slb_proxy_v1_addr(&w[2], a->family, a->dst) &&
	       slb_proxy_port(&w[3], &a->src_port) &&
	       slb_proxy_port(&w[4], &a->dst_port);
}

/*
 * Where the line ends, its CRLF included; 0 while it may yet end in time.
 * The first CR ends it and an LF must follow: a lone CR or LF is no end.
 * A line must end within 107 bytes, or @max if less: once its end cannot
 * come in time, it is refused without waiting for it.
 */
static int slb_proxy_v1_end(const u8 *buf, size_t len, size_t max)
{
	size_t lim = max < SLB_PROXY_V1_MAX ? max : SLB_PROXY_V1_MAX;
	size_t i;

	for (i = SLB_PROXY_V1_SIG_LEN; i < len && i + 2 <= lim; i++) {
		if (buf[i] == '\n')
			return SLB_PROXY_ERR_V1;
		if (buf[i] != '\r')
			continue;
		if (i + 1 == len)
			return 0;
		return buf[i + 1] == '\n' ? (int)(i + 2) : SLB_PROXY_ERR_V1;
	}
	if (i + 2 <= lim)
		return 0;
	return lim < SLB_PROXY_V1_MAX ? SLB_PROXY_ERR_TOO_LONG :
					SLB_PROXY_ERR_V1;
}

/* @buf begins with "PROXY ". */
static int slb_proxy_v1(const u8 *buf, size_t len, size_t max,
			struct slb_proxy_hdr *hdr)
{
	int end = slb_proxy_v1_end(buf, len, max);

	if (end <= 0)
		return end;
	if (!slb_proxy_v1_line(buf + SLB_PROXY_V1_SIG_LEN,
			       (size_t)end - SLB_PROXY_V1_SIG_LEN - 2,
			       &hdr->addr))
		return SLB_PROXY_ERR_V1;
	hdr->version = SLB_PROXY_V1;
	return end;
}

/*
 * The address block a PROXY command's family byte calls for, and what of
 * it is kept; -1 for a family refused.  A UNIX stream's paths mean
 * nothing to a TCP server, which keeps the real ends, as for UNSPEC.
 */
static int slb_proxy_v2_block(u8 fam, u8 *family)
{
	switch (fam) {
	case SLB_PP2_FAM_UNSPEC:
		*family = SLB_PROXY_AF_NONE;
		return 0;
	case SLB_PP2_FAM_TCP4:
		*family = SLB_PROXY_AF_INET;
		return SLB_PP2_LEN_TCP4;
	case SLB_PP2_FAM_TCP6:
		*family = SLB_PROXY_AF_INET6;
		return SLB_PP2_LEN_TCP6;
	case SLB_PP2_FAM_UNIX:
		*family = SLB_PROXY_AF_NONE;
		return SLB_PP2_LEN_UNIX;
	}
	return -1;
}

/* The TLVs of buf[at, total): they must fill it exactly. */
static int slb_proxy_v2_tlvs(const u8 *buf, size_t at, size_t total,
			     struct slb_proxy_hdr *hdr)
{
	size_t vlen;

	for (; at < total; at += SLB_PP2_TLV_HDR + vlen) {
		if (total - at < SLB_PP2_TLV_HDR)
			return SLB_PROXY_ERR_V2;
		vlen = slb_proxy_be16(buf + at + 1);
		if (vlen > total - at - SLB_PP2_TLV_HDR)
			return SLB_PROXY_ERR_V2;
		if (buf[at] != SLB_PP2_TYPE_UNIQUE_ID)
			continue;
		if (vlen > SLB_PP2_UNIQUE_ID_LIMIT)
			return SLB_PROXY_ERR_V2;
		/* The first one counts, as it does for HAProxy. */
		if (!hdr->unique_id) {
			hdr->unique_id = buf + at + SLB_PP2_TLV_HDR;
			hdr->unique_id_len = (u16)vlen;
		}
	}
	return 0;
}

static void slb_proxy_v2_addr(const u8 *p, struct slb_proxy_addr *a)
{
	size_t n = a->family == SLB_PROXY_AF_INET ? 4 : 16;

	slb_proxy_copy(a->src, p, n);
	slb_proxy_copy(a->dst, p + n, n);
	a->src_port = slb_proxy_be16(p + 2 * n);
	a->dst_port = slb_proxy_be16(p + 2 * n + 2);
}

/*
 * The fixed part, as far as it is there: the header's whole length, 0
 * while it is not known, or why it cannot be.  *@block is the address
 * block's length, left at -1 for a LOCAL command, whose block the
 * specification has the receiver skip, family and all.
 */
static int slb_proxy_v2_fixed(const u8 *buf, size_t len, size_t max,
			      int *block, u8 *family)
{
	size_t total;

	u8 ver_cmd;

	if (len <= SLB_PP2_VER_CMD)
		return 0;
	ver_cmd = buf[SLB_PP2_VER_CMD];
	if (ver_cmd >> 4 != SLB_PP2_VERSION ||
	    (ver_cmd & 0x0f) > SLB_PP2_CMD_PROXY)
		return SLB_PROXY_ERR_V2;
	if (len <= SLB_PP2_FAM)
		return 0;
	if ((ver_cmd & 0x0f) == SLB_PP2_CMD_PROXY) {
		*block = slb_proxy_v2_block(buf[SLB_PP2_FAM], family);
		if (*block < 0)
			return SLB_PROXY_ERR_FAMILY;
	}
	if (len < SLB_PROXY_V2_FIXED)
		return 0;
	total = SLB_PROXY_V2_FIXED + slb_proxy_be16(buf + SLB_PP2_LEN);
	if (*block > 0 && total - SLB_PROXY_V2_FIXED < (size_t)*block)
		return SLB_PROXY_ERR_V2;
	if (total > max)
		return SLB_PROXY_ERR_TOO_LONG;
	return (int)total;
}

/* @buf begins with the v2 signature. */
static int slb_proxy_v2(const u8 *buf, size_t len, size_t max,
			struct slb_proxy_hdr *hdr)
{
	u8 family = SLB_PROXY_AF_NONE;
	int block = -1, total, ret;

	total = slb_proxy_v2_fixed(buf, len, max, &block, &family);
	if (total <= 0 || len < (size_t)total)
		return total < 0 ? total : 0;
	hdr->version = SLB_PROXY_V2;
	if (block < 0)
		return total;
	ret = slb_proxy_v2_tlvs(buf, SLB_PROXY_V2_FIXED + (size_t)block,
				(size_t)total, hdr);
	if (ret)
		return ret;
	hdr->addr.family = family;
	if (family != SLB_PROXY_AF_NONE)
		slb_proxy_v2_addr(buf + SLB_PROXY_V2_FIXED, &hdr->addr);
	return total;
}

int slb_proxy_parse(const u8 *buf, size_t len, size_t max,
		    struct slb_proxy_hdr *hdr)
{
	struct slb_proxy_hdr h = {};
	int ret;

	/* The first byte tells the versions apart: 'P' or CR. */
	if (slb_proxy_begins(buf, len, slb_proxy_v1_sig,
			     SLB_PROXY_V1_SIG_LEN))
		ret = len < SLB_PROXY_V1_SIG_LEN ? 0 :
		      slb_proxy_v1(buf, len, max, &h);
	else if (slb_proxy_begins(buf, len, slb_proxy_v2_sig,
				  SLB_PROXY_V2_SIG_LEN))
		ret = slb_proxy_v2(buf, len, max, &h);
	else
		ret = SLB_PROXY_ERR_SIGNATURE;
	/* Nothing half read is left for a caller to trust. */
	*hdr = ret > 0 ? h : (struct slb_proxy_hdr){};
	return ret;
}

int slb_proxy_need(const u8 *buf, size_t len)
{
	struct slb_proxy_hdr hdr;
	int ret;

	ret = slb_proxy_parse(buf, len, SLB_PROXY_READ_MAX, &hdr);
	if (ret)
		return ret;
	if (len && buf[0] == slb_proxy_v1_sig[0])
		return SLB_PROXY_V1_MAX;
	if (len < SLB_PROXY_V2_FIXED)
		return SLB_PROXY_V2_FIXED;
	return SLB_PROXY_V2_FIXED + slb_proxy_be16(buf + SLB_PP2_LEN);
}

static void slb_proxy_put(struct slb_proxy_out *o, u8 c)
{
	if (o->len < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void slb_proxy_put_bytes(struct slb_proxy_out *o, const u8 *p,
				size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		slb_proxy_put(o, p[i]);
}

static void slb_proxy_put_str(struct slb_proxy_out *o, const char *s)
{
	while (*s)
		slb_proxy_put(o, (u8)*s++);
}

static void slb_proxy_put_be16(struct slb_proxy_out *o, u16 v)
{
	slb_proxy_put(o, (u8)(v >> 8));
	slb_proxy_put(o, (u8)v);
}

static void slb_proxy_put_dec(struct slb_proxy_out *o, u32 v)
{
	u8 d[10];
	int n = 0;

	do {
		d[n++] = (u8)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		slb_proxy_put(o, d[--n]);
}

/* In lower case, without leading zeros, as RFC 5952 has it. */
static void slb_proxy_put_hex(struct slb_proxy_out *o, u16 v)
{
	static const char digits[] = "0123456789abcdef";
	int shift = 12;

	while (shift && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		slb_proxy_put(o, (u8)digits[(v >> shift) & 0xf]);
}

static void slb_proxy_put_ipv4(struct slb_proxy_out *o, const u8 *ip)
{
	int k;

	for (k = 0; k < 4; k++) {
		if (k)
			slb_proxy_put(o, '.');
		slb_proxy_put_dec(o, ip[k]);
	}
}

/*
 * RFC 5952: the longest run of two or more zero groups, the first of
 * equal ones, is written "::".  An IPv4-mapped address keeps its dotted
 * quad (section 5), as the kernel's %pI6c and inet_ntop() write it.
 */
static void slb_proxy_put_ipv6(struct slb_proxy_out *o, const u8 *ip)
{
	int i, run = 0, at = 0, best = 0, best_at = 8;
	bool mapped;

	for (i = 0; i < 8; i++) {
		if (slb_proxy_be16(ip + 2 * i)) {
			run = 0;
			continue;
		}
		if (!run++)
			at = i;
		if (run > best) {
			best = run;
			best_at = at;
		}
	}
	if (best < 2)
		best_at = 8;
	mapped = best_at == 0 && best == 5 &&
		 slb_proxy_be16(ip + 10) == 0xffff;
	for (i = 0; i < 8; i++) {
		if (i == best_at) {
			slb_proxy_put_str(o, "::");
			i += best - 1;
			continue;
		}
		if (i && i != best_at + best)
			slb_proxy_put(o, ':');
		if (mapped && i == 6) {
			slb_proxy_put_ipv4(o, ip + 12);
			break;
		}
		slb_proxy_put_hex(o, slb_proxy_be16(ip + 2 * i));
	}
}

static void slb_proxy_put_ip(struct slb_proxy_out *o, u8 family,
			     const u8 *ip)
{
	if (family == SLB_PROXY_AF_INET)
		slb_proxy_put_ipv4(o, ip);
	else
		slb_proxy_put_ipv6(o, ip);
}

/* @a NULL: UNKNOWN, the short form. */
static void slb_proxy_write_v1(struct slb_proxy_out *o,
			       const struct slb_proxy_addr *a)
{
	slb_proxy_put_bytes(o, slb_proxy_v1_sig, SLB_PROXY_V1_SIG_LEN);
	if (!a) {
		slb_proxy_put_str(o, "UNKNOWN\r\n");
		return;
	}
	slb_proxy_put_str(o, a->family == SLB_PROXY_AF_INET ? "TCP4 " :
							      "TCP6 ");
	slb_proxy_put_ip(o, a->family, a->src);
	slb_proxy_put(o, ' ');
	slb_proxy_put_ip(o, a->family, a->dst);
	slb_proxy_put(o, ' ');
	slb_proxy_put_dec(o, a->src_port);
	slb_proxy_put(o, ' ');
	slb_proxy_put_dec(o, a->dst_port);
	slb_proxy_put_str(o, "\r\n");
}

/* @a NULL: LOCAL, with no address and no TLV. */
static void slb_proxy_write_v2(struct slb_proxy_out *o,
			       const struct slb_proxy_addr *a,
			       const u8 *id, size_t id_len)
{
	bool inet = a && a->family == SLB_PROXY_AF_INET;
	size_t n = inet ? 4 : 16;
	size_t tlv = id_len ? SLB_PP2_TLV_HDR + id_len : 0;

	slb_proxy_put_bytes(o, slb_proxy_v2_sig, SLB_PROXY_V2_SIG_LEN);
	if (!a) {
		slb_proxy_put(o, SLB_PP2_VERSION << 4 | SLB_PP2_CMD_LOCAL);
		slb_proxy_put(o, SLB_PP2_FAM_UNSPEC);
		slb_proxy_put_be16(o, 0);
		return;
	}
	slb_proxy_put(o, SLB_PP2_VERSION << 4 | SLB_PP2_CMD_PROXY);
	slb_proxy_put(o, inet ? SLB_PP2_FAM_TCP4 : SLB_PP2_FAM_TCP6);
	slb_proxy_put_be16(o, (u16)((inet ? SLB_PP2_LEN_TCP4 :
				     SLB_PP2_LEN_TCP6) + tlv));
	slb_proxy_put_bytes(o, a->src, n);
	slb_proxy_put_bytes(o, a->dst, n);
	slb_proxy_put_be16(o, a->src_port);
	slb_proxy_put_be16(o, a->dst_port);
	if (!id_len)
		return;
	slb_proxy_put(o, SLB_PP2_TYPE_UNIQUE_ID);
	slb_proxy_put_be16(o, (u16)id_len);
	slb_proxy_put_bytes(o, id, id_len);
}

size_t slb_proxy_write(u8 *buf, size_t size, unsigned int version,
		       const struct slb_proxy_addr *addr,
		       const u8 *unique_id, size_t id_len)
{
	struct slb_proxy_out o = { .buf = buf, .size = size };

	if (addr && addr->family == SLB_PROXY_AF_NONE)
		addr = NULL;
	if (addr && addr->family != SLB_PROXY_AF_INET &&
	    addr->family != SLB_PROXY_AF_INET6)
		return 0;
	if (id_len > SLB_PROXY_UNIQUE_ID_MAX || (id_len && !unique_id))
		return 0;
	if (version == SLB_PROXY_V1)
		slb_proxy_write_v1(&o, addr);
	else if (version == SLB_PROXY_V2)
		slb_proxy_write_v2(&o, addr, unique_id, id_len);
	else
		return 0;
	return o.len <= size ? o.len : 0;
}

const char *slb_proxy_name(unsigned int version)
{
	switch (version) {
	case SLB_PROXY_NONE:
		return "none";
	case SLB_PROXY_V1:
		return "v1";
	case SLB_PROXY_V2:
		return "v2";
	}
	return NULL;
}

const char *slb_proxy_strerror(int err)
{
	switch (err) {
	case SLB_PROXY_ERR_SIGNATURE:
		return "no PROXY header";
	case SLB_PROXY_ERR_V1:
		return "malformed PROXY v1 line";
	case SLB_PROXY_ERR_V2:
		return "malformed PROXY v2 header";
	case SLB_PROXY_ERR_TOO_LONG:
		return "PROXY header too long";
	case SLB_PROXY_ERR_FAMILY:
		return "PROXY family not TCP";
	}
	return "unknown PROXY error";
}
