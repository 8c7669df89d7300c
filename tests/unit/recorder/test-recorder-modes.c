/* test-recorder-modes.c - buffer policies and process lifetime: drop mode
 * counts exactly what it loses, lossless mode loses nothing even with a
 * tiny ring, and a fork child records into a file of its own. */
#include <criterion/criterion.h>
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include <perprovis/ppv.h>

#include "recorder.h"
#include "trace-read.h"

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

#define FN ((void *)0x403000)

TestSuite(recorder_modes, .init = setup, .fini = teardown);

Test(recorder_modes, drop_mode_counts_every_lost_event)
{
	const int n = 100000;
	struct tr_counts c;

	cr_assert_eq(start(PPV_MODE_DROP, 64 << 10), 0);
	__cyg_profile_func_enter(FN, NULL); /* attach this thread first */
	ppv_writer_lock(); /* stall the writer: the 4096-slot ring must overflow */
	for (int i = 0; i < n; i++)
		__cyg_profile_func_enter(FN, NULL);
	ppv_writer_unlock();
	cr_assert_eq(ppv_stop(), 0);
	cr_assert_eq(tr_read_dir(dir, &c), 0);
	cr_assert_gt(c.lost, 0);
	cr_assert_eq(tr_enters(&c, (uintptr_t)FN) + c.lost, (uint64_t)n + 1,
		      "recorded %llu + lost %llu", (unsigned long long)tr_enters(&c, (uintptr_t)FN),
		      (unsigned long long)c.lost);
	cr_assert_geq(c.by_type[PPV_EVENT_LOSS], 1);
}

Test(recorder_modes, lossless_mode_loses_nothing_with_a_tiny_ring)
{
	const int n = 2000000;
	struct tr_counts c;

	cr_assert_eq(start(PPV_MODE_LOSSLESS, 64 << 10), 0);
	for (int i = 0; i < n; i++) {
		__cyg_profile_func_enter(FN, NULL);
		__cyg_profile_func_exit(FN, NULL);
	}
	cr_assert_eq(ppv_stop(), 0);
	cr_assert_eq(tr_read_dir(dir, &c), 0);
	cr_assert_eq(c.lost, 0);
	cr_assert_eq(tr_enters(&c, (uintptr_t)FN), (uint64_t)n);
	cr_assert_eq(tr_exits(&c, (uintptr_t)FN), (uint64_t)n);
}

Test(recorder_modes, fork_child_records_into_its_own_file)
{
	struct tr_counts c;
	int status;
	pid_t pid;

	cr_assert_eq(start(PPV_MODE_LOSSLESS, 0), 0);
	__cyg_profile_func_enter(FN, NULL);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		for (int i = 0; i < 100; i++) {
			__cyg_profile_func_enter(FN, NULL);
			__cyg_profile_func_exit(FN, NULL);
		}
		exit(0); /* runs the recorder's destructor: final flush */
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	__cyg_profile_func_exit(FN, NULL);
	cr_assert_eq(ppv_stop(), 0);
	cr_assert_eq(tr_read_dir(dir, &c), 0);
	cr_assert_eq(c.files, 2);
	cr_assert(c.complete);
	cr_assert_eq(tr_enters(&c, (uintptr_t)FN), 101);
	cr_assert_eq(tr_exits(&c, (uintptr_t)FN), 101);
	cr_assert(c.pids[0] == (uint32_t)pid || c.pids[1] == (uint32_t)pid);
	cr_assert(c.ppids[0] == (uint32_t)getpid() || c.ppids[1] == (uint32_t)getpid());
}
