/* s-exit.c - the recorder must not change what the program sees: errno
 * across instrumented calls, and the exit status. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static void set_errno(int e)
{
	errno = e;
}

__attribute__((noinline)) static int check(void)
{
	set_errno(ERANGE);
	return errno == ERANGE;
}

int main(int argc, char **argv)
{
	int ok = 1;

	for (int i = 0; i < 100; i++)
		ok &= check();
	if (!ok) {
		fprintf(stderr, "errno changed\n");
		return 99;
	}
	return argc > 1 ? atoi(argv[1]) : 0;
}
