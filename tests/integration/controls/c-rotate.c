/* c-rotate.c - ARG1 million (default 50) calls of a tiny instrumented
 * function, for a trace far larger than ppv-record --max-size. */
#include <stdio.h>
#include <stdlib.h>

static volatile long sink;

__attribute__((noinline)) static void tiny(long i)
{
	sink += i;
}

int main(int argc, char **argv)
{
	long n = (argc > 1 ? atol(argv[1]) : 50) * 1000000L;

	for (long i = 0; i < n; i++)
		tiny(i);
	printf("calls %ld sink %ld\n", n, sink);
	return 0;
}
