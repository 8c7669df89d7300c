/* mem-signal.c - malloc and free from a SIGALRM handler (every 1 ms) while
 * the main thread and 4 threads run malloc/free loops, from an atexit
 * handler and from a destructor, and from threads that keep allocating
 * while the process exits. It must end, with status 0.
 *
 * glibc's malloc is not async-signal-safe: a handler that interrupts it
 * while it holds an arena lock would deadlock without any recorder. So
 * that a hang here can only be the recorder's, each thread warms both size
 * classes before it lets SIGALRM in: from then on the loops (64 bytes) and
 * the handler (200 bytes) are served by the thread's own cache, without a
 * lock, and never touch the same cache bin. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

/* mem-late.c: its destructor runs after the recorder's. */
void mem_late_arm(void);

#define LOOP_SIZE 64
#define HANDLER_SIZE 200

static _Atomic long handled;
static _Atomic int bad;

static void on_alarm(int sig)
{
	int saved_errno = errno;
	void *volatile p = malloc(HANDLER_SIZE);

	(void)sig;
	if (!p)
		bad = 1;
	free(p);
	handled++;
	errno = saved_errno;
}

static void churn(int n)
{
	for (int i = 0; i < n; i++) {
		char *volatile p = malloc(LOOP_SIZE);

		p[0] = 1;
		free(p);
	}
}

static void warm_up_and_allow_alarms(void)
{
	sigset_t set;

	free(malloc(HANDLER_SIZE));
	free(malloc(LOOP_SIZE));
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/* Until the process exits: the recorder's destructor stops recording
 * while these are inside malloc. */
static void *worker(void *arg)
{
	warm_up_and_allow_alarms();
	for (;;)
		churn(100);
	return arg;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void main_loop(double seconds)
{
	double end = now() + seconds;

	while (now() < end)
		churn(100);
}

static void at_exit_handler(void)
{
	void *volatile p = malloc(300);

	free(p);
	printf("atexit handler: done\n");
}

__attribute__((destructor)) static void early_fini(void)
{
	void *volatile p = calloc(3, 100);

	free(p);
	printf("program destructor: done\n");
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	sigset_t set;
	pthread_t t;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* threads start with it blocked */
	sigaction(SIGALRM, &sa, NULL);
	atexit(at_exit_handler);
	mem_late_arm();
	for (int i = 0; i < 4; i++)
		if (pthread_create(&t, NULL, worker, NULL) != 0)
			return 2;
	warm_up_and_allow_alarms();
	setitimer(ITIMER_REAL, &it, NULL);
	main_loop(0.3);
	/* The timer keeps firing through exit. */
	printf("handler calls: %s\n", handled >= 10 ? "10 or more" : "too few");
	return bad ? 1 : 0;
}
