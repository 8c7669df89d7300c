/* s-segv.c - calls step() 100 times, then crash() dereferences NULL. */
#include <stdio.h>

static volatile long sink;
static int *volatile nowhere;

__attribute__((noinline)) static void step(long i)
{
	sink += i;
}

__attribute__((noinline)) static void crash(void)
{
	*nowhere = 42;
}

int main(void)
{
	for (long i = 0; i < 100; i++)
		step(i);
	crash();
	return 0;
}
