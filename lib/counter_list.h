/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The list of counters, expanded by every #include of it with SLB_COUNTER
 * defined: see counters.h.  No include guard, on purpose.
 */
SLB_COUNTER(COUNT, conns_total, CONNS_TOTAL, CONNS, "conns")
SLB_COUNTER(GAUGE, conns_active, CONNS_ACTIVE, CONNS, "active")
SLB_COUNTER(GAUGE, conns_inactive, CONNS_INACTIVE, CONNS, "inactive")
SLB_COUNTER(COUNT, refused, REFUSED, CONNS, "refused")
SLB_COUNTER(COUNT, connect_fails, CONNECT_FAILS, CONNS, "connect_fails")
SLB_COUNTER(COUNT, timeouts, TIMEOUTS, CONNS, "timeouts")
SLB_COUNTER(COUNT, resets, RESETS, CONNS, "resets")
SLB_COUNTER(COUNT, queued, QUEUED, CONNS, "queued")
SLB_COUNTER(COUNT, queue_timeouts, QUEUE_TIMEOUTS, CONNS, "queue_timeouts")
SLB_COUNTER(GAUGE, queue_len, QUEUE_LEN, CONNS, "queue")
SLB_COUNTER(COUNT, proxy_errors, PROXY_ERRORS, CONNS, "proxy_errors")
SLB_COUNTER(COUNT, bytes_in, BYTES_IN, BYTES, "bytes in")
SLB_COUNTER(COUNT, bytes_out, BYTES_OUT, BYTES, "out")
SLB_COUNTER(COUNT, bytes_by_ref, BYTES_BY_REF, BYTES, "by_ref")
SLB_COUNTER(COUNT, bytes_copied, BYTES_COPIED, BYTES, "copied")
SLB_COUNTER(COUNT, checks, CHECKS, CHECKS, "checks")
SLB_COUNTER(COUNT, check_fails, CHECK_FAILS, CHECKS, "failed")
SLB_COUNTER(COUNT, health_changes, HEALTH_CHANGES, CHECKS, "health_changes")
SLB_COUNTER(COUNT, observe_downs, OBSERVE_DOWNS, CHECKS, "observe_downs")

#undef SLB_COUNTER
