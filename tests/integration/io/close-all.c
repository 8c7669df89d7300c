/* close-all.c - a daemon-like program that closes (and replaces) every
 * descriptor it did not open, by close(), dup2(), close_range() and
 * closefrom(), calling work() between the rounds. Recorded, its trace must
 * stay complete: the recorder's trace file is not the program's to close.
 * It prints how many dup2() calls failed (2 when recorded: the ones onto
 * the recorder's trace file and /proc/self/statm, refused with EBADF). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAXFD 1024

static volatile int sink;

static void work(void)
{
	sink++;
}

static void work_a_while(void)
{
	for (int i = 0; i < 100; i++)
		work();
}

static void close_everything(void)
{
	for (int fd = 3; fd < MAXFD; fd++)
		close(fd);
}

static int replace_everything(void)
{
	int null = open("/dev/null", O_RDWR), failed = 0;

	for (int fd = 3; fd < MAXFD; fd++)
		if (dup2(null, fd) < 0) {
			if (errno != EBADF)
				printf("dup2 %d: %s\n", fd, strerror(errno));
			failed++;
		}
	return failed;
}

int main(void)
{
	int failed;

	work_a_while();
	close_everything();
	work_a_while();
	failed = replace_everything();
	printf("dup2 failed: %d\n", failed);
	close_everything();
	work_a_while();
	replace_everything();
	if (close_range(3, ~0u, 0) < 0)
		printf("close_range: %s\n", strerror(errno));
	work_a_while();
	replace_everything();
	closefrom(3);
	work_a_while();
	printf("done\n");
	return 0;
}
