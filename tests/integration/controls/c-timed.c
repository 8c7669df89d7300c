/* c-timed.c - early() called for ARG1 ms (default 100), then late() for
 * ARG2 ms (default 600), by the clock; prints how often each ran, so
 * that a test can compare with what was recorded under --delay and
 * --duration. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile long sink;

__attribute__((noinline)) static void early(long i)
{
	for (int k = 0; k < 50; k++)
		sink += i ^ k;
}

__attribute__((noinline)) static void late(long i)
{
	for (int k = 0; k < 50; k++)
		sink += i ^ k;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long run(void (*fn)(long), double ms)
{
	double end = now_ms() + ms;
	long n = 0;

	while (now_ms() < end)
		for (int k = 0; k < 100; k++)
			fn(n++);
	return n;
}

int main(int argc, char **argv)
{
	double a = argc > 1 ? atof(argv[1]) : 100, b = argc > 2 ? atof(argv[2]) : 600;
	long ne = run(early, a);
	long nl = run(late, b);

	printf("early %ld\nlate %ld\n", ne, nl);
	return 0;
}
