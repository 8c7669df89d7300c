/* io-small.c - what the I/O wrappers add to one small call: N read()s and
 * N write()s of 64 bytes on a pipe (write then read, so it never fills)
 * and on a regular file (N sequential writes, then N sequential reads),
 * each phase timed inside the program with CLOCK_MONOTONIC. Built without
 * -finstrument-functions: only the I/O is recorded. bench/io-small.sh runs
 * it with and without recording.
 * usage: io-small N FILE
 * prints: "<phase> <ns per call>" for pipe-write, pipe-read, file-write,
 * file-read. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The pipe's write and read alternate; each is timed on its own. */
static int pipe_phase(long n, double *w_ns, double *r_ns)
{
	char buf[64] = { 1 };
	int p[2];
	double t0, t1, t2;

	if (pipe(p) < 0)
		return -1;
	*w_ns = *r_ns = 0;
	for (long i = 0; i < n; i++) {
		t0 = now_ns();
		if (write(p[1], buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return -1;
		t1 = now_ns();
		if (read(p[0], buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return -1;
		t2 = now_ns();
		*w_ns += t1 - t0;
		*r_ns += t2 - t1;
	}
	close(p[0]);
	close(p[1]);
	return 0;
}

static int file_phase(long n, const char *path, double *w_ns, double *r_ns)
{
	char buf[64] = { 2 };
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	double t0;

	if (fd < 0)
		return -1;
	t0 = now_ns();
	for (long i = 0; i < n; i++)
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return -1;
	*w_ns = now_ns() - t0;
	if (lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	t0 = now_ns();
	for (long i = 0; i < n; i++)
		if (read(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return -1;
	*r_ns = now_ns() - t0;
	close(fd);
	unlink(path);
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[1]) : 0;
	double pw, pr, fw, fr;

	if (n <= 0 || pipe_phase(n, &pw, &pr) < 0 || file_phase(n, argv[2], &fw, &fr) < 0) {
		fprintf(stderr, "usage: io-small N FILE (N > 0; FILE writable)\n");
		return 2;
	}
	printf("pipe-write %.2f\npipe-read %.2f\nfile-write %.2f\nfile-read %.2f\n", pw / n,
	       pr / n, fw / n, fr / n);
	return 0;
}
