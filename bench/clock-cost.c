/* SPDX-License-Identifier: MIT */
/*
 * clock-cost.c - what one clock read costs on this machine, for the clock
 * choice in docs/performance.md: rdtsc (the recorder's default where the
 * TSC is invariant) against clock_gettime(CLOCK_MONOTONIC) through the vDSO
 * (its fallback, forced with PPV_CLOCK=monotonic). Prints ns per read, the
 * best of several rounds of back-to-back reads.
 *
 * Build: cc -O2 -o clock-cost clock-cost.c
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

#define READS 10000000u
#define ROUNDS 5

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
	double best_tsc = 1e9, best_mono = 1e9;
	volatile uint64_t sink = 0;

	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_s();
		uint64_t acc = 0;

		for (unsigned int i = 0; i < READS; i++)
			acc += __rdtsc();
		double t1 = now_s();

		for (unsigned int i = 0; i < READS; i++) {
			struct timespec ts;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			acc += (uint64_t)ts.tv_nsec;
		}
		double t2 = now_s();

		sink += acc;
		if ((t1 - t0) < best_tsc)
			best_tsc = t1 - t0;
		if ((t2 - t1) < best_mono)
			best_mono = t2 - t1;
	}
	printf("rdtsc: %.1f ns/read, clock_gettime(CLOCK_MONOTONIC): %.1f ns/read "
	       "(best of %d rounds of %u reads)\n",
	       best_tsc * 1e9 / READS, best_mono * 1e9 / READS, ROUNDS, READS);
	return 0;
}
