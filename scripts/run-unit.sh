#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run cmocka unit test programs, reporting KTAP: one subtest per program.
set -uo pipefail

CMOCKA_MESSAGE_OUTPUT=TAP
export CMOCKA_MESSAGE_OUTPUT
n=0
failed=0
echo "TAP version 13"
echo "1..$#"
for t in "$@"; do
	n=$((n + 1))
	name=unit/$(basename "$t")
	echo "# Subtest: $name"
	"$t" 2>&1 | sed -u -e '/^TAP version/d' -e 's/^/    /'
	if [ "${PIPESTATUS[0]}" = 0 ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		failed=1
	fi
done
exit $failed
