/* SPDX-License-Identifier: MIT */
/*
 * mem-small.c - the allocation micro benchmark of bench/mem-small.sh: N
 * pairs of malloc(SIZE) + free in a loop, timed inside the program (so
 * process start and the recorder's session are not counted).
 *
 * Build with -O2 -fno-builtin (GCC would drop the pairs otherwise). Not
 * instrumented: the figure is what each wrapper costs, nothing else.
 *
 * usage: mem-small [N [SIZE]]   (defaults: 10000000 64)
 * prints: "ns_per_pair X" on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10000000;
	size_t size = argc > 2 ? (size_t)atol(argv[2]) : 64;
	void *volatile sink;
	double t0;

	for (long i = 0; i < n / 10; i++) { /* warm up the allocator's caches */
		sink = malloc(size);
		free(sink);
	}
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		sink = malloc(size);
		free(sink);
	}
	printf("ns_per_pair %.2f\n", (now_ns() - t0) / (double)n);
	return 0;
}
