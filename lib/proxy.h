/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The PROXY protocol, versions 1 and 2, as HAProxy's doc/proxy-protocol.txt
 * specifies it: the header a proxy sends first on a connection to tell the
 * server who the client is.  The module and lbselect share this code, to
 * write the header they send to backends and to read the one a trusted
 * upstream sends them (accept-proxy).
 *
 * Version 1 is a line of text:
 *
 *   PROXY TCP4 192.0.2.1 198.51.100.7 56324 443\r\n
 *   PROXY TCP6 2001:db8::1 2001:db8::7 56324 443\r\n
 *   PROXY UNKNOWN\r\n                  (the receiver keeps its own view)
 *
 * at most 107 bytes with its CRLF.  Version 2 is binary: a 12-byte
 * signature, a version and command byte (0x21 PROXY, 0x20 LOCAL), a
 * family and transport byte (0x11 TCP over IPv4, 0x21 TCP over IPv6,
 * 0x00 unspecified), the big-endian length of what follows, the addresses
 * and ports, then type-length-value fields.  LOCAL is what a proxy sends
 * on a connection of its own, such as a health check: the receiver keeps
 * the connection's real endpoints.
 *
 * Reading is strict where the specification is, because the header comes
 * before any byte of the client and a reader that guesses lets a client
 * pass for another: a v1 line must end in CRLF within 107 bytes, its
 * words be separated by single spaces, its IPv4 addresses be dotted
 * quads without leading zeros and its ports decimal without leading
 * zeros; a v2 header must have version 2, a known command, an address
 * block as long as its family needs, and TLVs that fit exactly in what
 * is left.  Anything else is an error, and the connection must be reset:
 * bytes cannot be given back to a client that sent no header.
 */
#ifndef SLB_LIB_PROXY_H
#define SLB_LIB_PROXY_H

#include "slb_types.h"

/* Versions, as the configuration and netlink name them. */
#define SLB_PROXY_NONE		0
#define SLB_PROXY_V1		1
#define SLB_PROXY_V2		2

/* The longest v1 line, CRLF included. */
#define SLB_PROXY_V1_MAX	107
/* v2's fixed part: signature, version/command, family, length. */
#define SLB_PROXY_V2_FIXED	16
/* The longest header read: v2's fixed part and the most its length says. */
#define SLB_PROXY_READ_MAX	(SLB_PROXY_V2_FIXED + 65535)
/*
 * The longest header written: a v1 line of two full IPv6 addresses (104
 * bytes) is longer than v2 with IPv6 and a 32-byte unique id (87).
 */
#define SLB_PROXY_WRITE_MAX	SLB_PROXY_V1_MAX
/* The most of a unique id written; the specification allows 128. */
#define SLB_PROXY_UNIQUE_ID_MAX	32

/* v2 TLV types used here. */
#define SLB_PP2_TYPE_UNIQUE_ID	0x05

/* Families of struct slb_proxy_addr. */
#define SLB_PROXY_AF_NONE	0	/* no address: LOCAL, UNKNOWN */
#define SLB_PROXY_AF_INET	4
#define SLB_PROXY_AF_INET6	6

/*
 * The two ends of the client's connection, as the header carries them:
 * addresses in network order (4 or 16 bytes), ports in host order.
 */
struct slb_proxy_addr {
	u8 family;
	u8 src[16];
	u8 dst[16];
	u16 src_port;
	u16 dst_port;
};

/* What a header read said. */
struct slb_proxy_hdr {
	u8 version;			/* SLB_PROXY_V1 or SLB_PROXY_V2 */
	struct slb_proxy_addr addr;	/* family NONE: keep the real ends */
	/* A v2 unique id, not NUL-terminated; points into the buffer read. */
	const u8 *unique_id;
	u16 unique_id_len;
};

/* Why a header read failed; all negative. */
enum slb_proxy_err {
	SLB_PROXY_ERR_SIGNATURE = -1,	/* neither v1 nor v2: no header */
	SLB_PROXY_ERR_V1 = -2,		/* a malformed v1 line */
	SLB_PROXY_ERR_V2 = -3,		/* a malformed v2 header */
	SLB_PROXY_ERR_TOO_LONG = -4,	/* longer than the caller allows */
	SLB_PROXY_ERR_FAMILY = -5,	/* a datagram or unknown family */
};

/*
 * How many bytes from the start of @buf the header needs, as far as its
 * first @len bytes tell: at least @len + 1 while incomplete, the exact
 * length once the header is whole, SLB_PROXY_V1_MAX for a v1 line whose
 * end is not yet seen, SLB_PROXY_V2_FIXED while the version is unknown.
 * Negative when those bytes already cannot begin a header.  A caller
 * that peeks at a socket reads this many bytes, then parses.
 */
int slb_proxy_need(const u8 *buf, size_t len);

/*
 * Reads the header at the start of @buf, of which @len bytes are there.
 * Returns the header's length, which the caller then consumes; 0 when
 * more bytes are needed; a negative enum slb_proxy_err when it is
 * malformed, or longer than @max (at most SLB_PROXY_READ_MAX).
 */
int slb_proxy_parse(const u8 *buf, size_t len, size_t max,
		    struct slb_proxy_hdr *hdr);

/*
 * Writes a header of @version for @addr into @buf of @size bytes: a PROXY
 * header, or with @addr NULL or of family NONE a v2 LOCAL header (v1:
 * "PROXY UNKNOWN").  A v2 PROXY header carries @unique_id, @id_len bytes
 * (at most SLB_PROXY_UNIQUE_ID_MAX), as PP2_TYPE_UNIQUE_ID when @id_len
 * is not 0.  Returns its length, or 0 when @size is too small or the
 * arguments are invalid.
 */
size_t slb_proxy_write(u8 *buf, size_t size, unsigned int version,
		       const struct slb_proxy_addr *addr,
		       const u8 *unique_id, size_t id_len);

/* "none", "v1", "v2"; NULL for another value. */
const char *slb_proxy_name(unsigned int version);
/* What an enum slb_proxy_err says, for a log line: "no PROXY header"... */
const char *slb_proxy_strerror(int err);

#endif /* SLB_LIB_PROXY_H */
