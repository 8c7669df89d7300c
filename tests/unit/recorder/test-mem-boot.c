/* test-mem-boot.c - how the memory wrappers find the real allocator: the
 * functions are resolved once, and while they are being resolved every
 * allocation is served from the bootstrap arena, whose blocks free()
 * ignores and realloc() copies out of. Criterion runs each test in a
 * process of its own, so a test may exhaust the arena or reset the state. */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mem-real.h"

/* Arena blocks stay valid after free() and realloc() (they are never
 * reused): the tests read them afterwards on purpose. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic ignored "-Wuse-after-free"
#endif

TestSuite(mem_boot);

/* The tests that go through malloc() and friends need the wrappers, which
 * sanitizer builds leave out (mem-real.h). */
static void need_wrappers(void)
{
	if (!PPV_MEM_WRAP)
		cr_skip_test("built with a sanitizer, which owns malloc: no wrappers to test");
}

Test(mem_boot, resolves_the_next_allocator_once_before_main)
{
	void *next = dlsym(RTLD_NEXT, "malloc");

	cr_assert_eq(atomic_load(&ppv_mem_state), PPV_MEM_READY);
	cr_assert_not_null(next);
	cr_assert(memcmp(&ppv_mem_real.malloc, &next, sizeof(next)) == 0,
		  "malloc must forward to the next definition, not to itself");
	cr_assert_not_null(ppv_mem_real.free);
	cr_assert_not_null(ppv_mem_real.mremap);
	cr_assert_not_null(ppv_mem_real.reallocarray);
}

Test(mem_boot, resolves_again_from_scratch_on_first_use)
{
	void *p;

	need_wrappers();
	atomic_store(&ppv_mem_state, PPV_MEM_UNRESOLVED);
	memset(&ppv_mem_real, 0, sizeof(ppv_mem_real));
	p = malloc(1000); /* the first call resolves, then forwards */
	cr_assert_eq(atomic_load(&ppv_mem_state), PPV_MEM_READY);
	cr_assert_not_null(p);
	cr_assert_not(ppv_mem_boot_owns(p), "a resolved malloc must not use the arena");
	free(p);
}

Test(mem_boot, serves_aligned_zeroed_blocks_that_know_their_size)
{
	unsigned char *a = ppv_mem_boot_alloc(100, 0);
	unsigned char *b = ppv_mem_boot_alloc(10, 4096);

	cr_assert_not_null(a);
	cr_assert_not_null(b);
	cr_assert_eq((uintptr_t)a % 16, 0);
	cr_assert_eq((uintptr_t)b % 4096, 0);
	cr_assert(b >= a + 100, "blocks must not overlap");
	cr_assert(ppv_mem_boot_owns(a) && ppv_mem_boot_owns(b));
	cr_assert_not(ppv_mem_boot_owns(a - 100000));
	cr_assert_not(ppv_mem_boot_owns(NULL));
	cr_assert_eq(ppv_mem_boot_size(a), 100);
	cr_assert_eq(ppv_mem_boot_size(b), 10);
	for (int i = 0; i < 100; i++)
		cr_assert_eq(a[i], 0);
}

Test(mem_boot, runs_out_with_enomem_and_stays_in_bounds)
{
	int n = 0;

	errno = 0;
	while (ppv_mem_boot_alloc(1000, 0))
		n++;
	cr_assert_eq(errno, ENOMEM);
	cr_assert_geq(n, 50, "64 KiB holds at least 50 blocks of 1000 bytes, got %d", n);
	cr_assert_leq(ppv_mem_boot_used(), PPV_MEM_BOOT_SIZE);
	cr_assert_null(ppv_mem_boot_alloc(SIZE_MAX - 8, 0), "a huge size must not wrap around");
}

#define BOOT_THREADS 4
#define BOOT_BLOCKS 100

static void *fill_blocks(void *arg)
{
	unsigned char **blocks = arg;
	unsigned char tag = (unsigned char)(uintptr_t)blocks[0];

	for (int i = 0; i < BOOT_BLOCKS; i++) {
		blocks[i] = ppv_mem_boot_alloc(32, 0);
		if (blocks[i])
			memset(blocks[i], tag, 32);
	}
	return NULL;
}

Test(mem_boot, hands_out_disjoint_blocks_to_concurrent_threads)
{
	static unsigned char *blocks[BOOT_THREADS][BOOT_BLOCKS];
	pthread_t t[BOOT_THREADS];

	for (int i = 0; i < BOOT_THREADS; i++) {
		blocks[i][0] = (unsigned char *)(uintptr_t)(i + 1);
		cr_assert_eq(pthread_create(&t[i], NULL, fill_blocks, blocks[i]), 0);
	}
	for (int i = 0; i < BOOT_THREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < BOOT_THREADS; i++)
		for (int j = 0; j < BOOT_BLOCKS; j++) {
			cr_assert_not_null(blocks[i][j]);
			for (int k = 0; k < 32; k++)
				cr_assert_eq(blocks[i][j][k], i + 1, "thread %d block %d overwritten",
					     i, j);
		}
}

/* Another thread is inside dlsym: every entry point must serve this one
 * without waiting and without the real functions. */
Test(mem_boot, serves_every_allocator_while_resolving)
{
	void *p, *c, *a = NULL, *v, *m, *aa, *r, *mm;
	int rc;

	need_wrappers();
	atomic_store(&ppv_mem_state, PPV_MEM_RESOLVING);
	p = malloc(40);
	c = calloc(10, 10);
	rc = posix_memalign(&a, 256, 10);
	v = valloc(10);
	m = memalign(64, 8);
	aa = aligned_alloc(32, 32);
	r = realloc(NULL, 5);
	mm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	atomic_store(&ppv_mem_state, PPV_MEM_READY);

	cr_assert(ppv_mem_boot_owns(p) && ppv_mem_boot_owns(c) && ppv_mem_boot_owns(a) &&
		  ppv_mem_boot_owns(v) && ppv_mem_boot_owns(m) && ppv_mem_boot_owns(aa) &&
		  ppv_mem_boot_owns(r));
	cr_assert_eq(rc, 0);
	cr_assert_eq((uintptr_t)a % 256, 0);
	cr_assert_eq((uintptr_t)v % 4096, 0);
	cr_assert_eq((uintptr_t)m % 64, 0);
	cr_assert_eq((uintptr_t)aa % 32, 0);
	for (int i = 0; i < 100; i++)
		cr_assert_eq(((unsigned char *)c)[i], 0);
	cr_assert_eq(malloc_usable_size(p), 40);
	cr_assert_neq(mm, MAP_FAILED, "mmap goes to the system call");
	cr_assert_eq(munmap(mm, 4096), 0);
}

Test(mem_boot, ignores_free_and_copies_out_on_realloc)
{
	char *p, *q;

	need_wrappers();
	atomic_store(&ppv_mem_state, PPV_MEM_RESOLVING);
	p = malloc(64);
	atomic_store(&ppv_mem_state, PPV_MEM_READY);
	cr_assert(ppv_mem_boot_owns(p));
	strcpy(p, "from the arena");
	free(p); /* ignored: the block is never reused */
	cr_assert_str_eq(p, "from the arena");
	q = realloc(p, 4000);
	cr_assert_not_null(q);
	cr_assert_not(ppv_mem_boot_owns(q), "the copy must come from the real allocator");
	cr_assert_str_eq(q, "from the arena");
	free(q);
	cr_assert_null(realloc(p, 0), "realloc(p, 0) frees, as glibc's does");
	q = reallocarray(p, 2, 100);
	cr_assert_not_null(q);
	cr_assert_not(ppv_mem_boot_owns(q));
	cr_assert_str_eq(q, "from the arena");
	free(q);
}

Test(mem_boot, refuses_what_it_cannot_serve_while_resolving)
{
	void *foreign, *q, *a;
	int err, rc;

	need_wrappers();
	foreign = malloc(10);
	atomic_store(&ppv_mem_state, PPV_MEM_RESOLVING);
	errno = 0;
	q = realloc(foreign, 100); /* its size is unknown without the real realloc */
	err = errno;
	rc = posix_memalign(&a, 3, 10);
	atomic_store(&ppv_mem_state, PPV_MEM_READY);
	cr_assert_null(q);
	cr_assert_eq(err, ENOMEM);
	cr_assert_eq(rc, EINVAL);
	free(foreign); /* still valid */
}
