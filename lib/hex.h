/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A hex digit's value, for the parsers of lib/ that may use neither the
 * kernel's hex_to_bin() nor libc.
 */
#ifndef SLB_LIB_HEX_H
#define SLB_LIB_HEX_H

/* 0..15, or -1 when @c is no hex digit. */
static inline int slb_hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif /* SLB_LIB_HEX_H */
