#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: install what is missing, build everything, run the unit tests,
# the native tests and every VM test on each kernel of KERNELS, and close
# with one line "N passed, N failed, N skipped".
#
#   KERNELS="6.1 6.12 6.12-debug"  kernels of the matrix
#   TESTS="name ..."    only these tests (tests/vm/NAME.sh, tests/native/
#                       NAME.sh, unit/NAME), by name without directory
#   SKIP_NATIVE=1, SKIP_UNIT=1, SKIP_VM=1, SKIP_BENCH=1  leave a stage out
#   DEBUG_FULL=1        every VM test on a -debug kernel too, not only
#                       DEBUG_CI_TESTS, and their long runs (make
#                       check-debug sets it)
#   BENCH_KERNEL=6.12   the kernel "make bench-quick" boots

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
KERNELS=${KERNELS:-6.1 6.12 6.12-debug}
TESTS=${TESTS:-}
log=build/check.log
passed=0
failed=0
skipped=0

mkdir -p build
: >"$log"

wanted() {
	local name t
	name=$(basename "$1" .sh)
	[ -z "$TESTS" ] && return 0
	for t in $TESTS; do
		[ "$t" = "$name" ] && return 0
	done
	return 1
}

# tally LOG EXPECTED: add the results in LOG; results that never came (a
# guest that died, a suite that crashed) count as failures.
tally() {
	local p f s got
	read -r p f s < <(awk -f scripts/ktap-count.awk "$1")
	got=$(grep -cE '^(not )?ok [0-9]+' "$1")
	if [ "$got" -lt "$2" ]; then
		f=$((f + $2 - got))
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

stage() {
	printf '\n### %s\n' "$*" | tee -a "$log"
}

# Stop at the first broken step: a build that fails leaves nothing to test.
build() {
	local k
	stage "build"
	scripts/deps.sh || return 1
	make -s userspace || return 1
	for k in $KERNELS; do
		build_module "$k" || return 1
	done
}

# W=1 with -Werror, and sparse (C=1) on whatever was rebuilt: sparse only
# warns, so its warnings are caught in the output.
build_module() {
	local out rc=0

	out=$(scripts/build-module.sh "$(scripts/kdir.sh "$1")" \
		"$(sed -n 's/^VERSION := //p' Makefile)" W=1 C=1 \
		KCFLAGS=-Werror 2>&1) || rc=1
	grep -v '^Skipping BTF generation' <<<"$out" || true
	if grep -qE '(warning|error):' <<<"$out"; then
		echo "check: the module for $1 does not build cleanly"
		rc=1
	fi
	return $rc
}

run_style() {
	stage "style (checkpatch) and the netlink spec"
	{
		echo "TAP version 13"
		echo "1..2"
		if scripts/checkpatch.sh 2>&1 | sed 's/^/# /'; then
			echo "ok 1 - checkpatch"
		else
			echo "not ok 1 - checkpatch"
		fi
		if scripts/ynl-gen.sh --check 2>&1 | sed 's/^/# /'; then
			echo "ok 2 - generated files are what the YNL spec gives"
		else
			echo "not ok 2 - generated files are what the YNL spec gives"
		fi
	} | tee build/style.ktap | tee -a "$log"
	tally build/style.ktap 2
}

run_unit() {
	local tests=() t
	for t in tests/unit/test_*.c; do
		[ -e "$t" ] && wanted "$t" && tests+=("build/unit/$(basename "$t" .c)")
	done
	[ ${#tests[@]} = 0 ] && return
	stage "unit tests"
	make -s "${tests[@]}" || { failed=$((failed + ${#tests[@]})); return; }
	scripts/run-unit.sh "${tests[@]}" | tee build/unit.ktap | tee -a "$log"
	tally build/unit.ktap ${#tests[@]}
}

# A short run of the PROXY parser's libFuzzer harness: that it builds and
# finds nothing in half a million inputs, some 30 s (make fuzz-proxy runs
# ten million).
run_fuzz() {
	wanted fuzz_proxy || return 0
	stage "fuzz (libFuzzer, lib/proxy.c)"
	{
		echo "TAP version 13"
		echo "1..1"
		if make -s fuzz-proxy FUZZ_RUNS=500000 >build/fuzz.log 2>&1; then
			echo "ok 1 - fuzz/fuzz_proxy: $(grep -E '^(#[0-9]+|Done)' \
				build/fuzz.log | tail -n 1)"
		else
			sed 's/^/# /' build/fuzz.log | tail -n 40
			echo "not ok 1 - fuzz/fuzz_proxy"
		fi
	} | tee build/fuzz.ktap | tee -a "$log"
	tally build/fuzz.ktap 1
}

run_native() {
	local tests=() t n=0
	for t in tests/native/*.sh; do
		[ -e "$t" ] && wanted "$t" && tests+=("$t")
	done
	[ ${#tests[@]} = 0 ] && return
	stage "native tests (host loopback)"
	{
		echo "TAP version 13"
		echo "1..${#tests[@]}"
		for t in "${tests[@]}"; do
			n=$((n + 1))
			echo "# Subtest: $t"
			if BIN=build/bin timeout -k 5 600 bash "$t" 2>&1 </dev/null |
			   sed -u 's/^/    /'; then
				echo "ok $n - $t"
			else
				echo "not ok $n - $t"
			fi
		done
	} | tee build/native.ktap | tee -a "$log"
	tally build/native.ktap ${#tests[@]}
}

# A data path test runs a second time against lbselect, unless it says at
# its top that it is for the module only.
lbselect_too() {
	case $(basename "$1") in
	datapath_*.sh) ;;
	*) return 1 ;;
	esac
	! grep -qE '^\[ "\$BALANCER" = module \] \|\| exit' "$1"
}

# What "make check" runs on a debug kernel, to keep CI within its hour:
# the module's tests of lifetime, data integrity, teardown and input, not
# lbselect's (the debug kernel checks the module).  "make check-debug"
# (DEBUG_FULL=1) and TESTS= run everything there.
DEBUG_CI_TESTS="module_load datapath_integrity datapath_halfclose
	datapath_reset datapath_failover datapath_timeouts datapath_rmmod
	datapath_netns datapath_teardown netlink_malformed netlink_perm
	netlink_fuzz netlink_race fault_soak netns_limits counters
	datapath_hash sched_options datapath_queue datapath_check check_scale
	datapath_slowstart datapath_agent datapath_proxy datapath_source"

debug_ci_test() {
	[[ " $(echo $DEBUG_CI_TESTS) " == *" $(basename "$1" .sh) "* ]]
}

# The kernel lbselect's reruns boot: the last of KERNELS that is not a
# debug kernel.  lbselect is a userspace program of portable socket calls,
# which one kernel tests as well as two; a run that names its TESTS=, and
# make check-debug, rerun them on every kernel they boot.
lbselect_kernel() {
	local k last=

	for k in $KERNELS; do
		[[ $k == *-debug ]] || last=$k
	done
	echo "$last"
}

# vm_tests KERNEL: the tests of its boot, as scripts/vm takes them: those
# against the module, then again against lbselect (TEST.sh@lbselect).
vm_tests() {
	local t subset=0 again=() lbselect=0

	[[ $1 == *-debug && -z ${DEBUG_FULL:-} && -z $TESTS ]] && subset=1
	[[ -n $TESTS || $1 == "$(lbselect_kernel)" ]] && lbselect=1
	[[ $1 == *-debug && -n ${DEBUG_FULL:-} ]] && lbselect=1
	for t in tests/vm/*.sh; do
		[ "$(basename "$t")" = lib.sh ] && continue
		wanted "$t" || continue
		if [ $subset = 1 ]; then
			debug_ci_test "$t" && echo "$t"
			continue
		fi
		echo "$t"
		[ $lbselect = 1 ] && lbselect_too "$t" && again+=("$t@lbselect")
	done
	[ ${#again[@]} = 0 ] || printf '%s\n' "${again[@]}"
}

# long_runs KERNEL CMD...: CMD, asking a debug kernel's tests for their
# long runs under make check-debug (tests/vm/lib.sh's long_runs).
long_runs() {
	if [[ $1 == *-debug && -n ${DEBUG_FULL:-} ]]; then
		LONG_RUNS=1 "${@:2}"
	else
		"${@:2}"
	fi
}

# One boot per kernel.
run_vm() {
	local k t0 tests=()

	for k in $KERNELS; do
		mapfile -t tests < <(vm_tests "$k")
		[ ${#tests[@]} = 0 ] && continue
		stage "VM tests on $k"
		[[ $k == *-debug && -z ${DEBUG_FULL:-} && -z $TESTS ]] &&
			echo "# $k: the CI subset (make check-debug runs all)" |
			tee -a "$log"
		t0=$SECONDS
		long_runs "$k" scripts/vm -k "$k" "${tests[@]}" |
			tee "build/vm-$k.ktap" |
			tee -a "$log"
		tally "build/vm-$k.ktap" ${#tests[@]}
		echo "# VM tests on $k: $((SECONDS - t0)) s" | tee -a "$log"
	done
}

# make bench-quick, on one kernel: that the harness measures every system
# in every scenario and writes its report.  Nothing about speed is asserted.
run_bench() {
	local dir rc=0

	stage "benchmark harness (make bench-quick)"
	K=${BENCH_KERNEL:-6.12} scripts/bench --quick </dev/null \
		>build/bench-quick.log 2>&1 || rc=1
	sed 's/^/# /' build/bench-quick.log | tee -a "$log"
	dir=$(sed -n 's|^ *RESULT *\(.*\)/results.md$|\1|p' \
		build/bench-quick.log | tail -n 1)
	tests/bench/verify.sh "${dir:-build/bench/none}" \
		"$(sed -n 's/^ALL_SYSTEMS="\(.*\)"/\1/p' scripts/bench)" \
		"$(sed -n 's/^ALL_SCENARIOS="\(.*\)"/\1/p' scripts/bench)" |
		tee build/bench.ktap | tee -a "$log"
	# A harness that failed fails the stage, even with every number in.
	[ $rc = 0 ] || failed=$((failed + 1))
	tally build/bench.ktap "$(sed -n 's/^1\.\.//p' build/bench.ktap)"
}

start=$SECONDS
if ! build 2>&1 | tee -a "$log"; then
	echo "check: build failed" | tee -a "$log"
	echo "0 passed, 1 failed"
	exit 1
fi
[ -n "${SKIP_STYLE:-}" ] || [ -n "$TESTS" ] || run_style
[ -n "${SKIP_UNIT:-}" ] || run_unit
[ -n "${SKIP_UNIT:-}" ] || run_fuzz
[ -n "${SKIP_NATIVE:-}" ] || run_native
[ -n "${SKIP_VM:-}" ] || run_vm
[ -n "${SKIP_BENCH:-}" ] || [ -n "$TESTS" ] || run_bench
printf '\n# %d s; full log in %s\n' $((SECONDS - start)) "$log"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
