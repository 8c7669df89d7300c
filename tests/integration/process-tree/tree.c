/* tree.c - a process tree for the recorder: 32 threads, 50 fork() children
 * ending with _exit(), posix_spawn(), system(), fork()+exec, vfork()+exec,
 * a vfork() child that _exit()s, and a failed exec in the recorded process.
 * Every path calls leaf() a known number of times (3727 in all). */
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

__attribute__((noinline)) static int leaf(int x)
{
	return x + 1;
}

__attribute__((noinline)) static int work(int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)
		s += leaf(i);
	return s;
}

static void *thread_main(void *a)
{
	(void)a;
	work(100);
	return NULL;
}

__attribute__((noinline)) static void child(void)
{
	work(10);
}

__attribute__((noinline)) static void after_failed_exec(void)
{
	work(7);
}

int main(int argc, char **argv)
{
	char *args[] = { argv[0], "exec", NULL };
	pthread_t t[32];
	char cmd[4096];
	pid_t p;

	if (argc > 1 && strcmp(argv[1], "exec") == 0) {
		work(5);
		return 0;
	}
	for (int i = 0; i < 32; i++)
		pthread_create(&t[i], NULL, thread_main, NULL);
	for (int i = 0; i < 32; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 50; i++) {
		p = fork();
		if (p == 0) {
			child();
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	posix_spawn(&p, argv[0], NULL, NULL, args, environ);
	waitpid(p, NULL, 0);
	snprintf(cmd, sizeof(cmd), "%s exec", argv[0]);
	if (system(cmd) != 0)
		return 2;
	if (fork() == 0) {
		execv(argv[0], args);
		_exit(127);
	}
	wait(NULL);
	if (vfork() == 0) {
		execv(argv[0], args);
		_exit(127);
	}
	wait(NULL);
	if (vfork() == 0)
		_exit(0);
	wait(NULL);
	execl("/nonexistent/ppv-test", "ppv-test", (char *)NULL);
	after_failed_exec();
	printf("tree done\n");
	return 0;
}
