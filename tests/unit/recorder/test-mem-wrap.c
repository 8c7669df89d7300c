/* test-mem-wrap.c - what the memory wrappers record, linked into this test
 * with the recorder: the exact ALLOC and FREE records of each allocator
 * (realloc as a FREE and an ALLOC, failures and free(NULL) as nothing),
 * none when memory recording is off, none of the recorder's own rings and
 * buffers, and errno kept on every path.
 *
 * Between setting ppv_cfg.memory and ppv_stop() every allocation of the
 * test process is recorded, Criterion's included: those windows hold no
 * assertion, only the calls under test. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <perprovis/ppv.h>

#include "mem-real.h"
#include "native-reader.h"
#include "recorder.h"
#include "trace-read.h"

/* The tests note the addresses of blocks they have freed or reallocated
 * (never dereferencing them): that is what the records must carry. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic ignored "-Wuse-after-free"
#endif

#define MAX_EV 4096

struct mev {
	int type; /* PPV_EVENT_ALLOC or PPV_EVENT_FREE */
	unsigned int kind;
	uint64_t addr, size;
	uint32_t pid, tid;
};

struct mev_list {
	struct mev ev[MAX_EV];
	int n;        /* kept in ev[] */
	long total;   /* in the trace */
};

static char *dir;
static volatile size_t huge = SIZE_MAX / 2;

static void setup(void)
{
	if (!PPV_MEM_WRAP)
		cr_skip_test("built with a sanitizer, which owns malloc: no wrappers to test");
	dir = tr_tmpdir();
	cr_assert_not_null(dir);
}

static void teardown(void)
{
	tr_cleanup(dir);
}

/* Start recording with allocations on: the last thing before the calls
 * under test, so that nothing of the session's start is in the window. */
static void start_memory(size_t buffer)
{
	struct ppv_start_opts o = { .sz = sizeof(o), .output_dir = dir,
				    .mode = PPV_MODE_LOSSLESS, .buffer_size = buffer };

	cr_assert_eq(ppv_start(&o), 0);
	ppv_cfg.memory = 1;
}

static void note(struct mev_list *l, int type, unsigned int kind, const void *addr,
		 uint64_t size)
{
	l->total++;
	if (l->n < MAX_EV)
		l->ev[l->n++] = (struct mev){ type, kind, (uintptr_t)addr, size, 0, 0 };
}

static void read_file(const char *path, struct mev_list *l)
{
	struct ppv_native_reader *r;
	struct ppv_event ev;

	cr_assert_eq(ppv_native_reader_open(path, &r), 0, "%s", path);
	while (ppv_native_reader_next(r, &ev) > 0) {
		if (ev.type != PPV_EVENT_ALLOC && ev.type != PPV_EVENT_FREE)
			continue;
		note(l, ev.type, ev.alloc.kind, (void *)(uintptr_t)ev.alloc.addr, ev.alloc.size);
		if (l->total <= MAX_EV) {
			l->ev[l->n - 1].pid = ev.pid;
			l->ev[l->n - 1].tid = ev.tid;
		}
	}
	cr_assert(ppv_native_reader_stats(r)->complete, "%s must end with its END chunk", path);
	ppv_native_reader_close(r);
}

/* Every ALLOC and FREE of the trace, file by file in ring order (the
 * first MAX_EV of them kept). */
static void read_events(struct mev_list *l)
{
	char path[4200];
	struct dirent *de;
	DIR *d = opendir(dir);

	memset(l, 0, sizeof(*l));
	cr_assert_not_null(d);
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".ppv")) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			read_file(path, l);
		}
	closedir(d);
}

static const char *type_name(int type)
{
	return type == PPV_EVENT_ALLOC ? "alloc" : "free";
}

static void assert_same(const struct mev_list *got, const struct mev_list *want)
{
	for (int i = 0; i < got->n && i < want->n; i++) {
		const struct mev *g = &got->ev[i], *w = &want->ev[i];

		cr_assert(g->type == w->type && g->kind == w->kind && g->addr == w->addr &&
				  g->size == w->size,
			  "event %d: got %s %s %#llx %llu, expected %s %s %#llx %llu", i,
			  type_name(g->type), ppv_alloc_kind_name(g->kind),
			  (unsigned long long)g->addr, (unsigned long long)g->size,
			  type_name(w->type), ppv_alloc_kind_name(w->kind),
			  (unsigned long long)w->addr, (unsigned long long)w->size);
	}
	cr_assert_eq(got->total, want->total, "%ld events recorded, expected %ld", got->total,
		     want->total);
}

#define A PPV_EVENT_ALLOC
#define F PPV_EVENT_FREE

TestSuite(mem_wrap, .init = setup, .fini = teardown);

/* Every allocator once, with what each call must record in @want. */
static void allocate_everything(struct mev_list *want)
{
	int fd = open("/proc/self/exe", O_RDONLY);
	void *p, *q, *r, *z, *a = NULL;
	char *m, *f;

	p = malloc(100);
	note(want, A, PPV_ALLOC_MALLOC, p, 100);
	q = calloc(3, 10);
	note(want, A, PPV_ALLOC_CALLOC, q, 30);
	note(want, F, PPV_ALLOC_REALLOC, p, 0);
	p = realloc(p, 5000);
	note(want, A, PPV_ALLOC_REALLOC, p, 5000);
	r = realloc(NULL, 7);
	note(want, A, PPV_ALLOC_REALLOC, r, 7);
	note(want, F, PPV_ALLOC_REALLOC, r, 0);
	r = realloc(r, 0); /* frees: a FREE only */
	free(NULL);
	r = malloc(huge);          /* fails: nothing */
	r = realloc(q, huge);      /* fails, q stays: nothing */
	r = reallocarray(q, huge, 3);
	z = reallocarray(NULL, 4, 8);
	note(want, A, PPV_ALLOC_REALLOC, z, 32);
	free(z);
	note(want, F, PPV_ALLOC_MALLOC, z, 0);
	free(q);
	note(want, F, PPV_ALLOC_MALLOC, q, 0);
	free(p);
	note(want, F, PPV_ALLOC_MALLOC, p, 0);
	if (posix_memalign(&a, 64, 10) == 0)
		note(want, A, PPV_ALLOC_MALLOC, a, 10);
	free(a);
	note(want, F, PPV_ALLOC_MALLOC, a, 0);
	a = aligned_alloc(64, 128);
	note(want, A, PPV_ALLOC_MALLOC, a, 128);
	free(a);
	note(want, F, PPV_ALLOC_MALLOC, a, 0);
	a = memalign(32, 20);
	note(want, A, PPV_ALLOC_MALLOC, a, 20);
	free(a);
	note(want, F, PPV_ALLOC_MALLOC, a, 0);
	a = valloc(10);
	note(want, A, PPV_ALLOC_MALLOC, a, 10);
	free(a);
	note(want, F, PPV_ALLOC_MALLOC, a, 0);
	a = pvalloc(10);
	note(want, A, PPV_ALLOC_MALLOC, a, 10);
	free(a);
	note(want, F, PPV_ALLOC_MALLOC, a, 0);
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	note(want, A, PPV_ALLOC_MMAP, m, 8192);
	f = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0); /* a file: nothing */
	munmap(m + 1, 10);                                   /* fails: nothing */
	note(want, F, PPV_ALLOC_MMAP, m, 8192);
	m = mremap(m, 8192, 16384, MREMAP_MAYMOVE);
	note(want, A, PPV_ALLOC_MMAP, m, 16384);
	munmap(m, 16384);
	note(want, F, PPV_ALLOC_MMAP, m, 16384);
	munmap(f, 4096); /* every munmap is a FREE */
	note(want, F, PPV_ALLOC_MMAP, f, 4096);
	close(fd);
}

Test(mem_wrap, records_each_allocator_with_its_kind_and_size)
{
	static struct mev_list want, got;

	start_memory(0);
	allocate_everything(&want);
	cr_assert_eq(ppv_stop(), 0);
	read_events(&got);
	assert_same(&got, &want);
}

Test(mem_wrap, records_nothing_when_memory_is_off)
{
	static struct mev_list want, got;

	start_memory(0);
	ppv_cfg.memory = 0;
	allocate_everything(&want);
	cr_assert_eq(ppv_stop(), 0);
	read_events(&got);
	cr_assert_eq(got.total, 0, "%ld allocation events recorded with memory off", got.total);
}

static sem_t go;
static pid_t thread_tid;
static void *thread_block;

/* The thread's first event is this malloc: attaching its ring (an mmap)
 * happens inside the wrapper and must not be recorded. */
static void *first_event_is_malloc(void *arg)
{
	sem_wait(&go);
	thread_tid = (pid_t)syscall(SYS_gettid);
	thread_block = malloc(123);
	free(thread_block);
	return arg;
}

Test(mem_wrap, records_neither_a_ring_nor_its_release_by_the_writer)
{
	static struct mev_list got;
	pthread_t t;
	int n = 0;

	cr_assert_eq(sem_init(&go, 0, 0), 0);
	cr_assert_eq(pthread_create(&t, NULL, first_event_is_malloc, NULL), 0);
	start_memory(0);
	sem_post(&go);
	pthread_join(t, NULL);
	/* The writer unmaps an exited thread's ring once it has drained it. */
	ppv_flush();
	ppv_flush();
	cr_assert_eq(ppv_stop(), 0);
	read_events(&got);
	cr_assert_leq(got.total, MAX_EV);
	for (int i = 0; i < got.n; i++) {
		const struct mev *e = &got.ev[i];

		cr_assert_neq(e->kind, PPV_ALLOC_MMAP, "a %s of %llu bytes: the recorder's own",
			      type_name(e->type), (unsigned long long)e->size);
		if (e->tid != (uint32_t)thread_tid)
			continue; /* pthread_join's own frees, in the main thread */
		cr_assert_eq(e->addr, (uintptr_t)thread_block);
		cr_assert_eq(e->type, n == 0 ? A : F);
		cr_assert_eq(e->size, n == 0 ? 123 : 0);
		n++;
	}
	cr_assert_eq(n, 2, "the thread's malloc and free, got %d events", n);
}

/* A fork child opens a session of its own (trace file, writer buffers):
 * those allocations are the recorder's and must not appear. */
Test(mem_wrap, records_nothing_of_the_fork_childs_new_session)
{
	static struct mev_list got;
	static void *volatile child_block;
	int status, first = -1;
	pid_t pid;

	start_memory(0);
	pid = fork();
	if (pid == 0) {
		child_block = malloc(321);
		free(child_block);
		exit(0);
	}
	waitpid(pid, &status, 0);
	cr_assert_eq(ppv_stop(), 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	read_events(&got);
	for (int i = 0; i < got.n && first < 0; i++)
		if (got.ev[i].pid == (uint32_t)pid)
			first = i;
	cr_assert_geq(first, 0, "the child recorded nothing");
	cr_assert_leq(first + 2, got.n);
	/* Its exit handlers may allocate afterwards; before: nothing. */
	cr_assert_eq(got.ev[first].type, A);
	cr_assert_eq(got.ev[first].size, 321);
	cr_assert_eq(got.ev[first + 1].type, F);
	cr_assert_eq(got.ev[first + 1].addr, got.ev[first].addr);
}

/* errno after each call, recorded into @seen for checking after the run. */
struct errno_run {
	int seen[16];
	int n;
	int slow_path_changed;
};

static void keep(struct errno_run *r)
{
	r->seen[r->n++] = errno;
}

static void run_errno_cases(struct errno_run *r)
{
	void *p, *q, *m;

	errno = EDOM;
	p = malloc(10); /* the thread's first event: attaches its ring */
	keep(r);
	q = calloc(2, 2);
	keep(r);
	p = realloc(p, 300);
	keep(r);
	free(p);
	keep(r);
	free(q);
	keep(r);
	m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	keep(r);
	munmap(m, 4096);
	keep(r);
	r->seen[r->n++] = posix_memalign(&p, 3, 10); /* EINVAL, returned */
	keep(r);                                      /* errno untouched */
	p = malloc(huge);
	keep(r);
	errno = EDOM;
	p = realloc(q = malloc(1), huge);
	keep(r);
	free(q);
	errno = EDOM;
	munmap((char *)m + 1, 1);
	keep(r);
	errno = EDOM;
	mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1);
	keep(r);
	/* A 64 KiB ring: the wrappers cross its slow path many times. */
	for (int i = 0; i < 20000; i++) {
		errno = ERANGE;
		free(malloc(16));
		r->slow_path_changed += errno != ERANGE;
	}
}

Test(mem_wrap, keeps_errno_on_every_path)
{
	static const int want[] = { EDOM, EDOM, EDOM, EDOM, EDOM, EDOM, EDOM, EINVAL, EDOM,
				    ENOMEM, ENOMEM, EINVAL, EINVAL };
	static struct errno_run r;
	static struct mev_list got;

	start_memory(64 << 10);
	run_errno_cases(&r);
	cr_assert_eq(ppv_stop(), 0);
	cr_assert_eq(r.n, (int)(sizeof(want) / sizeof(want[0])));
	for (int i = 0; i < r.n; i++)
		cr_assert_eq(r.seen[i], want[i], "call %d: errno %d, expected %d", i, r.seen[i],
			     want[i]);
	cr_assert_eq(r.slow_path_changed, 0);
	/* 10 records above, two per loop: none lost on the slow path, and
	 * the trace is complete. */
	read_events(&got);
	cr_assert_eq(got.total, 10 + 2 * 20000, "%ld allocation events", got.total);
}
