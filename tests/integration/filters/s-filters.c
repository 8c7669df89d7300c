/*
 * s-filters.c - a known call tree for the recorder-side filters
 * (tests/integration/filters/filters.sh).
 *
 *   tree:   main -> work() -> fast() x 1000
 *                          -> scope "phase" -> slow() x 5 (SLOW_US each) -> leaf()
 *   ends:   the tree, then a thread that leaves through pthread_exit()
 *           inside thr_inner(), then linger(), which calls exit() from
 *           inside: calls still open when the thread and the process end.
 *   dlopen: the tree, then libfplug-a.so by bare name (found through this
 *           program's RUNPATH) and libfplug-b.so by path, and their
 *           plug_*() functions.
 * Prints "filters done" and exits with status 3 in every mode.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <perprovis/ppv.h>

#define SLOW_US 50000
#define NOINLINE __attribute__((noinline))

static volatile int sink;

static NOINLINE void leaf(void)
{
	sink++;
}

static NOINLINE void fast(void)
{
	sink++;
}

static NOINLINE void slow(void)
{
	usleep(SLOW_US);
	leaf();
}

static NOINLINE void work(void)
{
	for (int i = 0; i < 1000; i++)
		fast();
	{
		PPV_SCOPE("phase");
		for (int i = 0; i < 5; i++)
			slow();
	}
}

static NOINLINE void thr_inner(void)
{
	usleep(SLOW_US);
	pthread_exit(NULL);
}

static NOINLINE void *thr_main(void *arg)
{
	thr_inner();
	return arg;
}

/* No instrumented call after the sleep: only the recorder's end of
 * session can write linger()'s entry. */
static NOINLINE void linger(void)
{
	usleep(SLOW_US);
	printf("filters done\n");
	exit(3);
}

static int ends(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thr_main, NULL) != 0 || pthread_join(t, NULL) != 0)
		return 1;
	linger();
	return 1;
}

static int run_plugin(void *h, const char *sym, int times)
{
	void (*fn)(void);

	*(void **)&fn = h ? dlsym(h, sym) : NULL;
	if (!fn) {
		fprintf(stderr, "s-filters: %s: %s\n", sym, dlerror());
		return 1;
	}
	for (int i = 0; i < times; i++)
		fn();
	return 0;
}

static int plugins(const char *path_b)
{
	void *a = dlopen("libfplug-a.so", RTLD_NOW);
	void *b;

	if (!a) {
		fprintf(stderr, "s-filters: dlopen libfplug-a.so: %s\n", dlerror());
		return 1;
	}
	b = dlopen(path_b, RTLD_NOW);
	if (!b) {
		fprintf(stderr, "s-filters: dlopen %s: %s\n", path_b, dlerror());
		return 1;
	}
	return run_plugin(a, "plug_a_run", 3) || run_plugin(b, "plug_b_run", 2);
}

int main(int argc, char **argv)
{
	work();
	if (argc > 1 && strcmp(argv[1], "ends") == 0 && ends())
		return 1;
	if (argc > 2 && strcmp(argv[1], "dlopen") == 0 && plugins(argv[2]))
		return 1;
	printf("filters done\n");
	return 3;
}
