/* cyg-prog.c - the program recorded into the CTF traces of this folder
 * (see README). main -> work(n) -> leaf x n, on one thread: n + 2 entries
 * and as many exits. n is argv[1], 3 by default. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static int leaf(int x)
{
	return x * 2;
}

__attribute__((noinline)) int work(int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)
		s += leaf(i);
	return s;
}

int main(int argc, char **argv)
{
	printf("cyg: %d\n", work(argc > 1 ? atoi(argv[1]) : 3));
	return 0;
}
