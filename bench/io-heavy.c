/* io-heavy.c - an I/O-heavy workload for bench/granularity.sh: N rounds of
 * small (64-byte) writes and reads on a regular file and on a pipe, each
 * inside an instrumented function that also allocates a small buffer, so
 * that every granularity has something to record.
 * usage: io-heavy N FILE */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) static int file_round(int fd, long i)
{
	char buf[64];
	char *scratch = malloc(64);
	int ok;

	memset(buf, (int)(i & 0x7f), sizeof(buf));
	ok = pwrite(fd, buf, sizeof(buf), (i & 1023) * 64) == (ssize_t)sizeof(buf) &&
	     pread(fd, scratch, 64, (i & 1023) * 64) == 64;
	free(scratch);
	return ok;
}

__attribute__((noinline)) static int pipe_round(const int p[2])
{
	char buf[64] = { 1 };

	return write(p[1], buf, sizeof(buf)) == (ssize_t)sizeof(buf) &&
	       read(p[0], buf, sizeof(buf)) == (ssize_t)sizeof(buf);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	int p[2], fd, bad = 0;

	if (argc < 3 || pipe(p) < 0)
		return 2;
	fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 2;
	for (long i = 0; i < n; i++)
		bad += !file_round(fd, i) + !pipe_round(p);
	close(fd);
	unlink(argv[2]);
	printf("%ld rounds, %d failed\n", n, bad);
	return bad != 0;
}
