/* mem-calls.c - known allocations in named functions, for memory.sh.
 * Built with -finstrument-functions -fno-builtin so that every call below
 * reaches the allocator (GCC may otherwise drop a malloc/free pair). Exits
 * 1 if an allocation behaves differently than without the recorder. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static void *volatile sink[16];
static int bad;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "mem-calls: %s\n", what);
		bad = 1;
	}
}

static void f_malloc(void)
{
	for (int i = 0; i < 10; i++) {
		sink[0] = malloc(100);
		free(sink[0]);
	}
}

static void f_calloc(void)
{
	unsigned char *p = calloc(4, 256);

	check(p && p[0] == 0 && p[1023] == 0, "calloc");
	free(p);
}

/* A block grown three times: every move is a FREE and an ALLOC. */
static void f_realloc(void)
{
	char *p = malloc(16);

	p[0] = 'x';
	p = realloc(p, 1000);
	p = realloc(p, 100000);
	p = realloc(p, 1000000);
	check(p && p[0] == 'x', "realloc keeps the contents");
	free(p);
}

/* realloc(NULL, n) allocates; realloc(p, 0) frees; reallocarray. */
static void f_realloc_edge(void)
{
	void *p = realloc(NULL, 50);

	check(realloc(p, 0) == NULL, "realloc(p, 0) frees");
	p = reallocarray(NULL, 10, 20);
	free(p);
}

/* Failures record nothing and keep their errno; free(NULL) records
 * nothing. The sizes are volatile so that GCC cannot see them fail. */
static volatile size_t huge = SIZE_MAX / 2;
static volatile size_t bad_align = 3;

static void f_fail(void)
{
	void *p = malloc(50), *q;

	free(p);
	errno = 0;
	sink[1] = malloc(huge);
	check(sink[1] == NULL && errno == ENOMEM, "a failed malloc sets ENOMEM");
	sink[2] = malloc(8);
	errno = 0;
	q = realloc(sink[2], huge);
	check(q == NULL && errno == ENOMEM, "a failed realloc sets ENOMEM");
	errno = 0;
	q = reallocarray(sink[2], huge, 4);
	check(q == NULL && errno == ENOMEM, "an overflowing reallocarray sets ENOMEM");
	check(posix_memalign(&q, bad_align, 64) == EINVAL, "posix_memalign checks the alignment");
	free(sink[2]);
	free(NULL);
	errno = EDOM;
	sink[2] = malloc(10);
	free(sink[2]);
	check(errno == EDOM, "malloc and free keep errno");
}

static void f_aligned(void)
{
	void *p = NULL;

	check(posix_memalign(&p, 64, 1000) == 0 && (uintptr_t)p % 64 == 0, "posix_memalign");
	free(p);
	p = aligned_alloc(128, 2048);
	check(p && (uintptr_t)p % 128 == 0, "aligned_alloc");
	free(p);
	p = memalign(256, 300);
	check(p && (uintptr_t)p % 256 == 0, "memalign");
	free(p);
	p = valloc(5000);
	check(p && (uintptr_t)p % 4096 == 0, "valloc");
	free(p);
	p = pvalloc(100);
	check(p && (uintptr_t)p % 4096 == 0, "pvalloc");
	free(p);
}

/* An anonymous mapping is an allocation; a file mapping is not (but its
 * munmap is a FREE the analyzer cannot match). */
static void f_mmap(const char *self)
{
	void *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open(self, O_RDONLY);
	void *f = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);

	check(p != MAP_FAILED && f != MAP_FAILED, "mmap");
	check(munmap(p, 1 << 20) == 0 && munmap(f, 4096) == 0, "munmap");
	close(fd);
	errno = 0;
	check(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1) == MAP_FAILED &&
		      errno == EINVAL, "a failed mmap keeps EINVAL");
}

static void f_mremap(void)
{
	void *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	p = mremap(p, 65536, 262144, MREMAP_MAYMOVE);
	check(p != MAP_FAILED, "mremap");
	munmap(p, 262144);
}

static void f_leak(void)
{
	for (int i = 0; i < 7; i++)
		sink[3 + i] = malloc(64);
}

static void f_in_thread(void)
{
	sink[10] = malloc(77);
	free(sink[10]);
}

static void *thread_main(void *arg)
{
	f_in_thread();
	return arg;
}

/* A second thread attaches its ring (an mmap that must not be recorded). */
static void f_thread(void)
{
	pthread_t t;

	pthread_create(&t, NULL, thread_main, NULL);
	pthread_join(t, NULL);
}

int main(int argc, char **argv)
{
	(void)argc;
	f_malloc();
	f_calloc();
	f_realloc();
	f_realloc_edge();
	f_fail();
	f_aligned();
	f_mmap(argv[0]);
	f_mremap();
	f_leak();
	f_thread();
	puts(bad ? "mem-calls: failed" : "mem-calls done");
	return bad;
}
