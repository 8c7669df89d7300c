/* SPDX-License-Identifier: MIT */
/*
 * fib.c - the call-dense micro benchmark of bench/record-overhead.sh.
 *
 * Build with -O2 -finstrument-functions -pthread. Recursive Fibonacci:
 * fib(N) makes 2*fib(N+1)-1 calls of fib() (fib(32): 7,049,155 calls;
 * fib(34): 18,454,929), each doing almost nothing but a compare and an
 * add, so the run time is dominated by the calls and by whatever the
 * enter/exit hooks cost. noinline and the volatile sink keep GCC from
 * turning the recursion into a loop.
 *
 * usage: fib [N [REPEAT [THREADS]]]   (defaults: 32 1 1)
 * With THREADS > 1, every thread computes fib(N) REPEAT times, and all of
 * them wait for each other before exiting, so that all their recorder
 * rings are alive at once (bench/record-overhead.sh uses this to measure
 * the recorder's memory per thread).
 * prints: the result and the number of fib() calls made.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static _Atomic unsigned long calls;
static unsigned int n_arg = 32, rep_arg = 1;
static pthread_barrier_t done;

__attribute__((noinline)) static unsigned long fib(unsigned int n)
{
	if (n < 2)
		return n;
	return fib(n - 1) + fib(n - 2);
}

static unsigned long run(void)
{
	volatile unsigned long sink = 0;

	for (unsigned int i = 0; i < rep_arg; i++)
		sink += fib(n_arg);
	return sink;
}

static void *thread_main(void *arg)
{
	unsigned long *out = arg;

	*out = run();
	pthread_barrier_wait(&done);
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned int threads = argc > 3 ? (unsigned int)strtoul(argv[3], NULL, 10) : 1;
	unsigned long res = 0, per_fib;
	pthread_t *tids;
	unsigned long *results;

	if (argc > 1)
		n_arg = (unsigned int)strtoul(argv[1], NULL, 10);
	if (argc > 2)
		rep_arg = (unsigned int)strtoul(argv[2], NULL, 10);
	if (threads < 1)
		threads = 1;
	if (threads == 1) {
		res = run();
	} else {
		tids = calloc(threads, sizeof(*tids));
		results = calloc(threads, sizeof(*results));
		if (!tids || !results)
			return 1;
		pthread_barrier_init(&done, NULL, threads);
		for (unsigned int t = 0; t < threads; t++)
			if (pthread_create(&tids[t], NULL, thread_main, &results[t]) != 0)
				return 1;
		for (unsigned int t = 0; t < threads; t++) {
			pthread_join(tids[t], NULL);
			res += results[t];
		}
		res /= threads;
	}
	/* calls of fib() per fib(N): 2*fib(N+1) - 1, from the result itself. */
	per_fib = 0;
	{
		unsigned long a = 0, b = 1; /* fib(0), fib(1) */

		for (unsigned int i = 0; i <= n_arg; i++) {
			unsigned long c = a + b;

			a = b;
			b = c;
		}
		per_fib = 2 * a - 1; /* a = fib(N+1) */
	}
	calls = per_fib * rep_arg * threads;
	printf("fib(%u) = %lu, %lu calls of fib in %u thread%s\n", n_arg,
	       rep_arg ? res / rep_arg : 0, (unsigned long)calls, threads, threads == 1 ? "" : "s");
	return 0;
}
