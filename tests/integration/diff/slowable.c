/* slowable.c - a small instrumented program for the diff tests: main reads
 * 20 "requests", each parsed, transformed and emitted. `slowable --slow`
 * makes parse() sleep 10 ms per call (200 ms in all), far above its normal
 * few microseconds, so a regression in parse() is unmistakable even on a
 * loaded machine; nothing else changes. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#define REQUESTS 20

static int slow;
static volatile unsigned long sink;

static unsigned long work(unsigned long seed, int rounds)
{
	unsigned long h = seed;

	for (int i = 0; i < rounds; i++)
		h = h * 6364136223846793005ul + 1442695040888963407ul;
	return h;
}

static unsigned long parse(int i)
{
	if (slow) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	return work((unsigned long)i, 2000);
}

static unsigned long transform(unsigned long v)
{
	return work(v, 4000);
}

static void emit(unsigned long v)
{
	sink += v;
}

int main(int argc, char **argv)
{
	slow = argc > 1 && strcmp(argv[1], "--slow") == 0;
	for (int i = 0; i < REQUESTS; i++)
		emit(transform(parse(i)));
	printf("%lu\n", sink);
	return 0;
}
