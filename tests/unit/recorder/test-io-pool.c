/* test-io-pool.c - the I/O names' string pool: deduplication, its bounds,
 * and concurrent interning. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io-pool.h"

static struct ppv_strpool *pool_new(uint32_t nslots, size_t cap)
{
	struct ppv_strpool *p = calloc(1, sizeof(*p));
	void *mem = calloc(1, ppv_strpool_size(nslots, cap));

	cr_assert(p && mem);
	ppv_strpool_init(p, mem, nslots, cap);
	return p;
}

static void pool_free(struct ppv_strpool *p)
{
	free(p->slots);
	free(p);
}

static ppv_strref intern(struct ppv_strpool *p, const char *s)
{
	return ppv_strpool_intern(p, s, strlen(s));
}

TestSuite(io_pool);

Test(io_pool, gives_one_copy_per_distinct_string)
{
	struct ppv_strpool *p = pool_new(64, 4096);
	ppv_strref a = intern(p, "/etc/hosts"), b = intern(p, "127.0.0.1:8080");

	cr_assert_neq(a, 0);
	cr_assert_neq(b, 0);
	cr_assert_neq(a, b);
	cr_assert_eq(intern(p, "/etc/hosts"), a);
	cr_assert_eq(intern(p, "127.0.0.1:8080"), b);
	cr_assert_str_eq(ppv_strpool_borrow(p, a), "/etc/hosts");
	cr_assert_str_eq(ppv_strpool_borrow(p, b), "127.0.0.1:8080");
	/* A prefix is another string, and the copy is NUL-terminated. */
	cr_assert_neq(intern(p, "/etc/host"), a);
	cr_assert_eq(ppv_strpool_intern(p, "/etc/hostsXYZ", 10), a);
	cr_assert_eq(atomic_load(&p->used), sizeof("/etc/hosts") + sizeof("127.0.0.1:8080") +
						     sizeof("/etc/host"));
	pool_free(p);
}

Test(io_pool, refuses_empty_strings)
{
	struct ppv_strpool *p = pool_new(64, 4096);

	cr_assert_eq(ppv_strpool_intern(p, "", 0), 0);
	cr_assert_null(ppv_strpool_borrow(p, 0));
	pool_free(p);
}

Test(io_pool, stops_at_its_capacity_and_still_finds_what_it_holds)
{
	struct ppv_strpool *p = pool_new(256, 100);
	char name[16];
	int stored = 0;
	ppv_strref first;

	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "file-%03d", i); /* 9 bytes with NUL */
		if (intern(p, name))
			stored++;
	}
	cr_assert_eq(stored, 11, "100 bytes hold 11 names of 9 bytes, got %d", stored);
	cr_assert_leq(atomic_load(&p->used), 100);
	first = intern(p, "file-000");
	cr_assert_neq(first, 0, "a string already held is still found when full");
	cr_assert_str_eq(ppv_strpool_borrow(p, first), "file-000");
	cr_assert_eq(intern(p, "file-500"), 0);
	/* Longer than the pool can ever hold. */
	cr_assert_eq(intern(p, "0123456789012345678901234567890123456789012345678901234567890123456"
			       "789012345678901234567890123456789"), 0);
	pool_free(p);
}

Test(io_pool, stops_when_its_table_is_full)
{
	struct ppv_strpool *p = pool_new(4, 4096);
	char name[16];
	int stored = 0;

	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		if (intern(p, name))
			stored++;
	}
	cr_assert_eq(stored, 4);
	cr_assert_eq(intern(p, "n0"), intern(p, "n0"));
	pool_free(p);
}

#define NTHREADS 4
#define NNAMES 2000

struct worker {
	struct ppv_strpool *p;
	int seed;
	ppv_strref refs[NNAMES];
};

static void *intern_all(void *arg)
{
	struct worker *w = arg;
	char name[32];

	/* Each thread walks the names in its own order, several times. */
	for (int round = 0; round < 3; round++)
		for (int k = 0; k < NNAMES; k++) {
			int i = (k * 7 + w->seed * 13 + round) % NNAMES;
			ppv_strref r;

			snprintf(name, sizeof(name), "/srv/data/%d.bin", i);
			r = intern(w->p, name);
			if (w->refs[i] && w->refs[i] != r)
				w->refs[i] = (ppv_strref)-1;
			else
				w->refs[i] = r;
		}
	return NULL;
}

Test(io_pool, agrees_across_threads_interning_at_once)
{
	struct ppv_strpool *p = pool_new(1u << 14, 1u << 20);
	static struct worker w[NTHREADS];
	pthread_t th[NTHREADS];
	char name[32];

	for (int t = 0; t < NTHREADS; t++) {
		w[t].p = p;
		w[t].seed = t;
		cr_assert_eq(pthread_create(&th[t], NULL, intern_all, &w[t]), 0);
	}
	for (int t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	for (int i = 0; i < NNAMES; i++) {
		snprintf(name, sizeof(name), "/srv/data/%d.bin", i);
		cr_assert_neq(w[0].refs[i], 0);
		cr_assert_neq(w[0].refs[i], (ppv_strref)-1, "one thread got two copies of %s", name);
		for (int t = 1; t < NTHREADS; t++)
			cr_assert_eq(w[t].refs[i], w[0].refs[i], "threads disagree on %s", name);
		cr_assert_str_eq(ppv_strpool_borrow(p, w[0].refs[i]), name);
		for (int j = 0; j < i; j += 97)
			cr_assert_neq(w[0].refs[j], w[0].refs[i]);
	}
	/* Lost races may waste a copy each, never more than one per thread and
	 * name. */
	cr_assert_leq(atomic_load(&p->used), (size_t)NTHREADS * NNAMES * 20);
	pool_free(p);
}

Test(io_pool, the_process_pool_is_mapped_once)
{
	struct ppv_strpool *a = ppv_io_names(), *b = ppv_io_names();

	cr_assert_not_null(a);
	cr_assert_eq(a, b);
	cr_assert_eq(a->cap, (size_t)1 << 20);
}
