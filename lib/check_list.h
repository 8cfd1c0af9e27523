/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The numeric parameters of a service's check, expanded by every #include
 * of it with SLB_CHECK_PARAM defined, as counter_list.h is: the module's
 * netlink parsing and fill, lbctl's requests, its reading of replies and
 * its output, and the configuration file's parser and writer.  Each entry
 * is
 *
 *   SLB_CHECK_PARAM(field, SET, ATTR, kind, word)
 *
 * field  its u32 in struct slb_check_params (check.h)
 * SET    its bit, SLB_CHECK_SET_<SET>
 * ATTR   its attribute, SPLICELB_SVC_A_CHECK_<ATTR>
 * kind   TIME, in milliseconds, or COUNT
 * word   its keyword in lbctl and in configuration files
 *
 * No include guard, on purpose; the list undefines SLB_CHECK_PARAM.
 */
SLB_CHECK_PARAM(inter_ms, INTER, INTER_MS, TIME, "inter")
SLB_CHECK_PARAM(timeout_ms, TIMEOUT, TIMEOUT_MS, TIME, "timeout")
SLB_CHECK_PARAM(rise, RISE, RISE, COUNT, "rise")
SLB_CHECK_PARAM(fall, FALL, FALL, COUNT, "fall")
SLB_CHECK_PARAM(fastinter_ms, FASTINTER, FASTINTER_MS, TIME, "fastinter")
SLB_CHECK_PARAM(downinter_ms, DOWNINTER, DOWNINTER_MS, TIME, "downinter")
SLB_CHECK_PARAM(observe, OBSERVE, OBSERVE, COUNT, "observe")

#undef SLB_CHECK_PARAM
