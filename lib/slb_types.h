/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Fixed-width types for code in lib/, which the module and the userspace
 * programs both compile.  Only freestanding headers outside the kernel:
 * lib/ code calls neither the kernel nor libc.
 */
#ifndef SLB_LIB_TYPES_H
#define SLB_LIB_TYPES_H

#ifdef __KERNEL__
#include <linux/kernel.h>	/* ARRAY_SIZE */
#include <linux/types.h>
#include <linux/stddef.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#endif /* SLB_LIB_TYPES_H */
