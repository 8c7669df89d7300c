/* io-threads.c FILE - 4 threads that each open, read and close FILE and
 * pass bytes over a fresh socketpair 500 times, so descriptor numbers are
 * reused across threads all the time. Recorded, every call must be there,
 * classified by what it was at the time. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#define NTHREADS 4
#define ROUNDS 500

static const char *path;
static int failures;

static void file_round(void)
{
	char buf[64];
	int fd = open(path, O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf)) != 64 || close(fd) != 0)
		__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
}

static void socket_round(void)
{
	char buf[32] = { 0 };
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 || write(sv[0], buf, 32) != 32 ||
	    read(sv[1], buf, 32) != 32 || close(sv[0]) != 0 || close(sv[1]) != 0)
		__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
}

static void *thread_main(void *arg)
{
	for (int i = 0; i < ROUNDS; i++) {
		file_round();
		socket_round();
	}
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t th[NTHREADS];

	if (argc != 2)
		return 2;
	path = argv[1];
	for (int t = 0; t < NTHREADS; t++)
		pthread_create(&th[t], NULL, thread_main, NULL);
	for (int t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	printf("failures: %d\n", failures);
	return failures != 0;
}
