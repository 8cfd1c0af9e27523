#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: every system and scenario, repeated, at full length (run.sh).
export BENCH_PROFILE=full
exec bash "$(dirname "$0")/run.sh"
