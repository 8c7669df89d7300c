/* s-deep.c - deep recursion: down(N) recurses N levels, twice. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static int down(int n)
{
	if (n == 0)
		return 0;
	return down(n - 1) + 1;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000;

	printf("%d %d\n", down(n), down(n));
	return 0;
}
