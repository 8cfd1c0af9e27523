# SPDX-License-Identifier: GPL-2.0
#
# Count the results of a nested KTAP stream (subtests indented by four
# spaces).  Leaves count one each; a parent counts only when it failed while
# none of its children did (a kernel report, a timeout, a crash), so nothing
# is counted twice and no failure goes uncounted.  Prints
# "PASSED FAILED SKIPPED".

/^ *(not )?ok [0-9]+/ {
	match($0, /^ */)
	d = int(RLENGTH / 4)
	fail = ($0 ~ /^ *not ok/)
	skip = ($0 ~ /# SKIP/)
	if (haschild[d + 1]) {
		if (fail && !childfail[d + 1])
			failed++
		if (fail || childfail[d + 1])
			childfail[d] = 1
	} else if (skip) {
		skipped++
	} else if (fail) {
		failed++
		childfail[d] = 1
	} else {
		passed++
	}
	haschild[d] = 1
	haschild[d + 1] = 0
	childfail[d + 1] = 0
}

END {
	printf "%d %d %d\n", passed, failed, skipped
}
