/* test-recorder.c - the recorder runtime, linked: sessions, the
 * enter/exit hooks, annotations, threads and errno. Traces are read back
 * with formats/' native reader. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <perprovis/ppv.h>

#include "trace-read.h"

void __cyg_profile_func_enter(void *fn, void *site);
void __cyg_profile_func_exit(void *fn, void *site);

static char *dir;

static void setup(void)
{
	dir = tr_tmpdir();
	cr_assert_not_null(dir);
}

static void teardown(void)
{
	tr_cleanup(dir);
}

static int start(enum ppv_mode mode, size_t buffer)
{
	struct ppv_start_opts o = { .sz = sizeof(o), .output_dir = dir, .mode = mode,
				    .buffer_size = buffer };

	return ppv_start(&o);
}

#define FN_A ((void *)0x401000)
#define FN_B ((void *)0x402000)

TestSuite(recorder_session, .init = setup, .fini = teardown);

Test(recorder_session, records_every_enter_and_exit_exactly)
{
	struct tr_counts c;

	cr_assert_eq(start(PPV_MODE_LOSSLESS, 0), 0);
	for (int i = 0; i < 100000; i++) {
		__cyg_profile_func_enter(FN_A, NULL);
		__cyg_profile_func_enter(FN_B, NULL);
		__cyg_profile_func_exit(FN_B, NULL);
		__cyg_profile_func_exit(FN_A, NULL);
	}
	cr_assert_eq(ppv_stop(), 0);
	cr_assert_eq(tr_read_dir(dir, &c), 0);
	cr_assert_eq(c.files, 1);
	cr_assert(c.complete, "the trace must end with its END chunk");
	cr_assert_eq(tr_enters(&c, (uintptr_t)FN_A), 100000);
	cr_assert_eq(tr_exits(&c, (uintptr_t)FN_A), 100000);
	cr_assert_eq(tr_enters(&c, (uintptr_t)FN_B), 100000);
	cr_assert_eq(tr_exits(&c, (uintptr_t)FN_B), 100000);
	cr_assert_eq(c.by_type[PPV_EVENT_THREAD_START], 1);
	cr_assert_eq(c.lost, 0);
	cr_assert_geq(c.by_type[PPV_EVENT_MODULE_LOAD], 2, "the executable and libc at least");
	cr_assert_geq(c.by_type[PPV_EVENT_CLOCK], 1);
	cr_assert_eq(c.pids[0], (uint32_t)getpid());
	cr_assert(c.cmdline[0] != '\0', "the INFO chunk must carry the command line");
}

Test(recorder_session, refuses_a_second_start_and_a_stop_without_start)
{
	cr_assert_eq(ppv_stop(), -EALREADY);
	cr_assert_eq(ppv_flush(), -EALREADY);
	cr_assert_eq(start(PPV_MODE_LOSSLESS, 0), 0);
	cr_assert_eq(start(PPV_MODE_LOSSLESS, 0), -EALREADY);
	cr_assert_eq(ppv_flush(), 0);
	cr_assert_eq(ppv_stop(), 0);
	cr_assert_eq(ppv_stop(), -EALREADY);
}

Test(recorder_session, fails_cleanly_on_an_unwritable_directory)
{
	struct ppv_start_opts o = { .sz = sizeof(o), .output_dir = "/proc/ppv-cannot-exist" };

	cr_assert_lt(ppv_start(&o), 0);
	cr_assert_eq(ppv_stop(), -EALREADY);
	/* The hooks must stay harmless. */
	__cyg_profile_func_enter(FN_A, NULL);
	__cyg_profile_func_exit(FN_A, NULL);
}

Test(recorder_session, leaves_errno_alone)
{
	cr_assert_eq(start(PPV_MODE_LOSSLESS, 0), 0);
	errno = EDOM; /* the thread's first event attaches it: mmap, syscalls */
	__cyg_profile_func_enter(FN_A, NULL);
	cr_assert_eq(errno, EDOM);
	for (int i = 0; i < 200000; i++) { /* crosses the ring's slow path */
		errno = ERANGE;
		__cyg_profile_func_exit(FN_A, NULL);
		cr_assert_eq(errno, ERANGE);
	}
	cr_assert_eq(ppv_stop(), 0);
}

Test(recorder_session, records_annotations)
{
	struct tr_counts c;
	struct timespec ten_ms = { 0, 10000000 };

	cr_assert_eq(start(PPV_MODE_LOSSLESS, 0), 0);
	{
		PPV_SCOPE("data_processing");
		struct ppv_io io = ppv_io_begin(PPV_IO_DATABASE, "query_users");

		nanosleep(&ten_ms, NULL);
		ppv_io_end(&io, 4096, ETIMEDOUT);
		ppv_mark_error();
	}
	cr_assert_eq(ppv_stop(), 0);
	cr_assert_eq(tr_read_dir(dir, &c), 0);
	cr_assert_eq(c.by_type[PPV_EVENT_SCOPE_ENTER], 1);
	cr_assert_eq(c.by_type[PPV_EVENT_SCOPE_EXIT], 1);
	cr_assert_str_eq(c.scope_name, "data_processing");
	cr_assert_eq(c.by_type[PPV_EVENT_IO], 1);
	cr_assert_str_eq(c.io_name, "query_users");
	cr_assert_eq(c.io.io.kind, PPV_IO_DATABASE);
	cr_assert_eq(c.io.io.bytes, 4096);
	cr_assert_eq(c.io.io.err, ETIMEDOUT);
	cr_assert_geq(c.io.ts - c.io.io.start, 9000000, "duration %llu ns",
		      (unsigned long long)(c.io.ts - c.io.io.start));
	cr_assert_lt(c.io.ts - c.io.io.start, 2000000000);
	cr_assert_eq(c.by_type[PPV_EVENT_ERROR], 1);
}

Test(recorder_session, annotations_are_inert_when_not_recording)
{
	cr_assert_eq(ppv__active, 0);
	{
		PPV_FUNCTION();
		struct ppv_io io = ppv_io_begin(PPV_IO_NETWORK, "send");

		cr_assert_eq(io.active, 0);
		ppv_io_end(&io, 1, 0);
		ppv_mark_error();
	}
	cr_assert_eq(ppv_stop(), -EALREADY);
}

#define NTHREADS 4
#define PAIRS 20000

static void *thread_main(void *arg)
{
	for (int i = 0; i < PAIRS; i++) {
		__cyg_profile_func_enter(FN_B, NULL);
		__cyg_profile_func_exit(FN_B, NULL);
	}
	return arg;
}

Test(recorder_session, records_each_thread_and_its_exit)
{
	pthread_t t[NTHREADS];
	struct tr_counts c;

	cr_assert_eq(start(PPV_MODE_LOSSLESS, 64 << 10), 0);
	for (int i = 0; i < NTHREADS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, thread_main, NULL), 0);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	cr_assert_eq(ppv_stop(), 0);
	cr_assert_eq(tr_read_dir(dir, &c), 0);
	cr_assert_eq(tr_enters(&c, (uintptr_t)FN_B), NTHREADS * PAIRS);
	cr_assert_eq(tr_exits(&c, (uintptr_t)FN_B), NTHREADS * PAIRS);
	cr_assert_eq(c.ntids, NTHREADS);
	cr_assert_eq(c.by_type[PPV_EVENT_THREAD_START], NTHREADS);
	cr_assert_eq(c.by_type[PPV_EVENT_THREAD_EXIT], NTHREADS);
	cr_assert_eq(c.lost, 0);
}

static void *short_lived(void *arg)
{
	pthread_setname_np(pthread_self(), "ppv-brief");
	__cyg_profile_func_enter(FN_A, NULL);
	__cyg_profile_func_exit(FN_A, NULL);
	return arg;
}

/* The writer names a thread when it first drains its ring, by which time
 * a short-lived thread is gone from /proc: its name is kept from attach. */
Test(recorder_session, names_a_thread_that_exited_before_the_writer_saw_it)
{
	struct tr_counts c;
	pthread_t t;

	cr_assert_eq(start(PPV_MODE_LOSSLESS, 0), 0);
	cr_assert_eq(pthread_create(&t, NULL, short_lived, NULL), 0);
	cr_assert_eq(pthread_join(t, NULL), 0);
	cr_assert_eq(ppv_stop(), 0);
	cr_assert_eq(tr_read_dir(dir, &c), 0);
	cr_assert(strstr(c.thread_names, "ppv-brief;"), "thread names: %s", c.thread_names);
}

static pthread_barrier_t rename_bar;

static void *renamed_later(void *arg)
{
	__cyg_profile_func_enter(FN_A, NULL); /* attached under the old name */
	pthread_barrier_wait(&rename_bar);    /* main renames us */
	pthread_barrier_wait(&rename_bar);
	__cyg_profile_func_exit(FN_A, NULL);
	return arg;
}

static void *renames_itself(void *arg)
{
	__cyg_profile_func_enter(FN_A, NULL);
	prctl(PR_SET_NAME, "ppv-selfnamed", 0, 0, 0);
	__cyg_profile_func_exit(FN_A, NULL);
	return arg;
}

/* thread-name.c, which defines the rename wrappers: referenced so that the
 * linker takes it from the static runtime even when a sanitizer runtime
 * already provides prctl() and pthread_setname_np(). */
void ppv_thread_rename(pthread_t th, const char *name);
void (*const keep_thread_name_wrappers)(pthread_t, const char *) = ppv_thread_rename;

/* A thread renamed after it first recorded, by another thread or by
 * itself, is announced under its new name. The writer is kept from
 * draining (and so announcing) before the renames by a long flush
 * interval and a large ring; the names come from the rename wrappers,
 * since the writer no longer reads /proc. */
Test(recorder_session, names_a_thread_renamed_after_it_started_recording)
{
	struct ppv_start_opts o = { .sz = sizeof(o), .output_dir = dir, .flush_ms = 600000 };
	struct tr_counts c;
	pthread_t t, u;

	cr_assert_eq(ppv_start(&o), 0);
	/* Let the writer finish its first cycle: it then sleeps until a
	 * thread exits (each exit wakes it). */
	cr_assert_eq(ppv_flush(), 0);
	pthread_barrier_init(&rename_bar, NULL, 2);
	cr_assert_eq(pthread_create(&t, NULL, renamed_later, NULL), 0);
	pthread_barrier_wait(&rename_bar);
	cr_assert_eq(pthread_setname_np(t, "ppv-renamed"), 0);
	pthread_barrier_wait(&rename_bar);
	cr_assert_eq(pthread_join(t, NULL), 0);
	cr_assert_eq(ppv_flush(), 0);
	cr_assert_eq(pthread_create(&u, NULL, renames_itself, NULL), 0);
	cr_assert_eq(pthread_join(u, NULL), 0);
	pthread_barrier_destroy(&rename_bar);
	cr_assert_eq(ppv_stop(), 0);
	cr_assert_eq(tr_read_dir(dir, &c), 0);
	cr_assert(strstr(c.thread_names, "ppv-renamed;"), "thread names: %s", c.thread_names);
	cr_assert(strstr(c.thread_names, "ppv-selfnamed;"), "thread names: %s", c.thread_names);
}
