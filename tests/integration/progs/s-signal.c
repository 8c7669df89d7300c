/* s-signal.c - instrumented calls from a SIGALRM handler while the main
 * loop makes instrumented calls too: nothing may crash or deadlock, and
 * every enter must have its exit. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

static volatile long sink;
static volatile sig_atomic_t handled;

__attribute__((noinline)) static void in_handler(void)
{
	sink++;
}

static void on_alarm(int sig)
{
	in_handler();
	handled++;
}

__attribute__((noinline)) static void in_main(long i)
{
	sink += i;
}

int main(void)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 200 }, { 0, 200 } };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	while (handled < 200)
		in_main(handled);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	printf("handled %d\n", (int)handled);
	return 0;
}
