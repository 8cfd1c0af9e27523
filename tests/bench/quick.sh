#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-quick: every system and scenario once, briefly (run.sh).
export BENCH_PROFILE=quick
exec bash "$(dirname "$0")/run.sh"
