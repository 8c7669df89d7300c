/* s-spin.c - calls tick() forever; prints "ready" after the first 10000
 * calls so a test can kill it mid-run with SIGKILL. */
#include <stdio.h>

static volatile long sink;

__attribute__((noinline)) static void tick(long i)
{
	sink += i;
}

int main(void)
{
	for (long i = 0;; i++) {
		tick(i);
		if (i == 10000) {
			printf("ready\n");
			fflush(stdout);
		}
	}
}
