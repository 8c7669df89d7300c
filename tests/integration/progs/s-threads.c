/* s-threads.c - 8 threads, each calling work() ITER times; main joins. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 8

static int iterations = 1000;
static volatile long sink;

__attribute__((noinline)) static void leaf(long i)
{
	sink += i;
}

__attribute__((noinline)) static void work(long i)
{
	leaf(i);
	leaf(i + 1);
}

static void *thread_main(void *arg)
{
	for (long i = 0; i < iterations; i++)
		work(i);
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t t[NTHREADS];

	if (argc > 1)
		iterations = atoi(argv[1]);
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, thread_main, NULL) != 0)
			return 1;
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	printf("done\n");
	return 0;
}
