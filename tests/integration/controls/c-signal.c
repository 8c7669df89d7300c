/* c-signal.c - recording toggled by SIGUSR2 (ppv-record --signal USR2):
 * phase_a() 100 times, SIGUSR2, phase_b() 100 times, SIGUSR2, phase_c()
 * 100 times. With an argument the program uses SIGUSR2 itself:
 *   sigaction: its own SA_SIGINFO handler, which counts deliveries;
 *   signal:    its own handler installed with signal();
 * and it checks that the disposition it reads back is its own;
 *   ignored:   it prints whether it inherited SIGUSR2 ignored (the test
 *              starts it ignored, through a shell's exec). It prints
 * the same thing recorded or not. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile long sink;
static volatile sig_atomic_t delivered;

__attribute__((noinline)) static void phase_a(int i)
{
	sink += i;
}

__attribute__((noinline)) static void phase_b(int i)
{
	sink += 2 * i;
}

__attribute__((noinline)) static void phase_c(int i)
{
	sink += 3 * i;
}

static void on_usr2_info(int sig, siginfo_t *si, void *uc)
{
	if (sig == SIGUSR2 && si && si->si_signo == SIGUSR2)
		delivered++;
}

static void on_usr2(int sig)
{
	if (sig == SIGUSR2)
		delivered++;
}

static int install(const char *how)
{
	struct sigaction sa, back;

	if (strcmp(how, "signal") == 0) {
		if (signal(SIGUSR2, on_usr2) == SIG_ERR)
			return -1;
		if (signal(SIGUSR2, on_usr2) != on_usr2) /* reads back the program's own */
			return -1;
		return sigaction(SIGUSR2, NULL, &back) == 0 && back.sa_handler == on_usr2 ? 0 : -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr2_info;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR2, &sa, NULL) < 0 || sigaction(SIGUSR2, NULL, &back) < 0)
		return -1;
	return back.sa_sigaction == on_usr2_info && (back.sa_flags & SA_SIGINFO) ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sigaction cur;

	if (argc > 1 && strcmp(argv[1], "ignored") == 0) {
		sigaction(SIGUSR2, NULL, &cur);
		printf("SIGUSR2 %s\n", cur.sa_handler == SIG_IGN ? "ignored" : "not ignored");
	} else if (argc > 1 && install(argv[1]) < 0) {
		printf("the disposition read back is not the program's\n");
		return 2;
	}
	for (int i = 0; i < 100; i++)
		phase_a(i);
	kill(getpid(), SIGUSR2);
	for (int i = 0; i < 100; i++)
		phase_b(i);
	kill(getpid(), SIGUSR2);
	for (int i = 0; i < 100; i++)
		phase_c(i);
	if (argc > 1 && strcmp(argv[1], "ignored") != 0)
		printf("handler called %d times\n", (int)delivered);
	printf("sink %ld\n", sink);
	return 7;
}
