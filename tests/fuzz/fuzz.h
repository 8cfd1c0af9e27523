/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What the fuzz harnesses share: their assertion, and the plain driver of
 * a harness built without libFuzzer, where each FILE given is one input,
 * else N inputs (the first argument, when a number) come from the
 * harness's own generator.
 */
#ifndef SLB_FUZZ_H
#define SLB_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort where a sanitizer or libFuzzer will see it. */
#define FUZZ_ASSERT(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz: %s:%d: %s\n", __FILE__,	\
				__LINE__, #cond);			\
			abort();					\
		}							\
	} while (0)

/* @generate runs @n generated inputs and returns how many it ran. */
static inline int fuzz_main(const char *name, int argc, char **argv,
		     unsigned int n, unsigned int (*generate)(unsigned int n),
		     uint8_t *buf, size_t size)
{
	size_t len;
	FILE *f;
	int i;

	if (argc > 1 && argv[1][0] >= '0' && argv[1][0] <= '9') {
		n = (unsigned int)strtoul(argv[1], NULL, 10);
		argc = 1;
	}
	if (argc == 1) {
		printf("%s: %u generated inputs\n", name, generate(n));
		return 0;
	}
	for (i = 1; i < argc; i++) {
		f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		len = fread(buf, 1, size, f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("%s: %d inputs\n", name, argc - 1);
	return 0;
}

#endif /* SLB_FUZZ_H */
