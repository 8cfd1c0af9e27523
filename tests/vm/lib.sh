# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the guest tests: KTAP output, namespaces, topology.
# Sourced, so it sets the shell options every test runs under.

set -e
set -o pipefail

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

_ktap_n=0
_ktap_failed=0

ktap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

ktap_ok() {
	_ktap_n=$((_ktap_n + 1))
	echo "ok $_ktap_n - $*"
}

ktap_fail() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_failed=$((_ktap_failed + 1))
	echo "not ok $_ktap_n - $*"
}

ktap_skip() {
	_ktap_n=$((_ktap_n + 1))
	echo "ok $_ktap_n - $1 # SKIP ${2:-}"
}

# check NAME CMD...: run CMD, echoing it; report NAME ok or not ok, with the
# command's output as diagnostics when it fails.
check() {
	local name=$1 output
	shift
	if output=$("$@" 2>&1); then
		ktap_ok "$name"
	else
		ktap_fail "$name"
		echo "# command: $*"
		sed 's/^/# /' <<<"$output"
	fi
}

ktap_finish() {
	[ "$_ktap_failed" = 0 ] && exit "$KSFT_PASS"
	exit "$KSFT_FAIL"
}
