/* test-pause.c - pausing and resuming, linked: ppv_pause()/ppv_resume(),
 * the pause signal toggled from a signal handler while threads record,
 * threads that start while paused, --delay and --duration. Traces are read
 * back in time order and checked against the PAUSE/RESUME they show. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <perprovis/ppv.h>

#include "pause-events.h"
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

TestSuite(pause, .init = setup, .fini = teardown, .timeout = 60);

#define FN(t, k) ((void *)(uintptr_t)(0x500000 + 0x1000 * (t) + 0x100 * (k)))

static void call_pair(int t)
{
	__cyg_profile_func_enter(FN(t, 0), NULL);
	__cyg_profile_func_enter(FN(t, 1), NULL);
	__cyg_profile_func_exit(FN(t, 1), NULL);
	__cyg_profile_func_exit(FN(t, 0), NULL);
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

static int start(int sig, uint64_t delay, uint64_t duration, size_t buffer)
{
	struct ppv_start_opts o = { .sz = sizeof(o), .output_dir = dir, .buffer_size = buffer,
				    .pause_signal = sig, .delay_ns = delay,
				    .duration_ns = duration };

	return ppv_start(&o);
}

Test(pause, api_returns_ealready_outside_its_state)
{
	struct pe_trace tr;

	cr_assert_eq(ppv_pause(), -EALREADY, "not recording yet");
	cr_assert_eq(ppv_resume(), -EALREADY);
	cr_assert_eq(start(0, 0, 0, 0), 0);
	call_pair(0);
	cr_assert_eq(ppv_resume(), -EALREADY, "not paused");
	cr_assert_eq(ppv_pause(), 0);
	cr_assert_eq(ppv_pause(), -EALREADY);
	call_pair(1);
	cr_assert_eq(ppv_resume(), 0);
	cr_assert_eq(ppv_resume(), -EALREADY);
	call_pair(2);
	cr_assert_eq(ppv_stop(), 0);
	cr_assert_eq(ppv_pause(), -EALREADY, "stopped");

	cr_assert_eq(pe_read(dir, &tr), 0);
	cr_assert_eq(pe_count(&tr, PPV_EVENT_PAUSE), 1);
	cr_assert_eq(pe_count(&tr, PPV_EVENT_RESUME), 1);
	cr_assert_eq(pe_calls(&tr, (uintptr_t)FN(0, 0)), 1);
	cr_assert_eq(pe_calls(&tr, (uintptr_t)FN(1, 0)), 0, "recorded while paused");
	cr_assert_eq(pe_calls(&tr, (uintptr_t)FN(2, 0)), 1);
	cr_assert_eq(pe_check_paused_intervals(&tr), 0, "%s", tr.why);
	pe_free(&tr);
}

/* ---- the pause signal, toggled while threads record ---------------------- */

#define THREADS 4
#define ITERS 1500000

static _Atomic int delivered;
static _Atomic int running;

static void program_handler(int sig, siginfo_t *si, void *uc)
{
	if (sig == SIGUSR1 && si->si_signo == SIGUSR1)
		atomic_fetch_add(&delivered, 1);
}

static void *worker(void *arg)
{
	int t = (int)(intptr_t)arg;

	for (int i = 0; i < ITERS; i++)
		call_pair(t);
	atomic_fetch_sub(&running, 1);
	return NULL;
}

static void install_program_handler(void)
{
	struct sigaction sa, back;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = program_handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	cr_assert_eq(sigaction(SIGUSR1, &sa, NULL), 0);
	cr_assert_eq(sigaction(SIGUSR1, NULL, &back), 0);
	cr_assert(back.sa_sigaction == program_handler && (back.sa_flags & SA_SIGINFO),
		  "sigaction must report the program's handler, not the recorder's");
}

/* Send SIGUSR1 and wait until the program's handler has seen it. */
static void toggle_by_signal(void)
{
	int before = atomic_load(&delivered);

	cr_assert_eq(kill(getpid(), SIGUSR1), 0);
	for (int i = 0; i < 100000 && atomic_load(&delivered) == before; i++)
		sleep_us(10);
	cr_assert_eq(atomic_load(&delivered), before + 1, "the program's handler was not called");
}

Test(pause, signal_toggles_while_threads_record)
{
	pthread_t th[THREADS];
	struct pe_trace tr;
	int sent = 0;

	atomic_store(&delivered, 0);
	atomic_store(&running, THREADS);
	/* A small ring: producers reach the slow path while rings stop. */
	cr_assert_eq(start(SIGUSR1, 0, 0, 1u << 16), 0);
	install_program_handler();
	for (int t = 0; t < THREADS; t++)
		cr_assert_eq(pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t), 0);
	while (atomic_load(&running) > 0) {
		toggle_by_signal();
		sent++;
		sleep_us(200 + (sent % 7) * 150);
	}
	for (int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	if (sent % 2) { /* end recording, so the last interval is closed */
		toggle_by_signal();
		sent++;
	}
	cr_assert_eq(ppv_stop(), 0);
	cr_assert_eq(atomic_load(&delivered), sent);

	cr_assert_eq(pe_read(dir, &tr), 0);
	cr_assert(tr.complete);
	cr_assert_geq(pe_count(&tr, PPV_EVENT_PAUSE), 1, "%d signals sent", sent);
	/* Toggles faster than the writer's queue may merge, never add. */
	cr_assert_leq(pe_count(&tr, PPV_EVENT_PAUSE), (uint64_t)sent / 2);
	cr_assert_eq(pe_count(&tr, PPV_EVENT_PAUSE), pe_count(&tr, PPV_EVENT_RESUME));
	cr_assert_eq(pe_check_paused_intervals(&tr), 0, "%s", tr.why);
	cr_assert_eq(pe_check_call_pattern(&tr), 0, "%s", tr.why);
	cr_log_info("%d signals, %lu pauses", sent, (unsigned long)pe_count(&tr, PPV_EVENT_PAUSE));
	for (int t = 0; t < THREADS; t++) {
		uint64_t n = pe_calls(&tr, (uintptr_t)FN(t, 1));

		cr_assert_lt(n, ITERS, "thread %d: %lu calls, so nothing was paused", t,
			     (unsigned long)n);
	}
	pe_free(&tr);
}

Test(pause, each_toggle_is_one_transition_when_not_too_fast)
{
	struct pe_trace tr;

	atomic_store(&delivered, 0);
	/* Installed before recording starts: the recorder keeps it and
	 * calls it after each toggle. */
	install_program_handler();
	cr_assert_eq(start(SIGUSR1, 0, 0, 0), 0);
	for (int k = 0; k < 20; k++) {
		call_pair(k % 2); /* FN(0) while recording, FN(1) while paused */
		toggle_by_signal();
		sleep_us(2000);
	}
	call_pair(0);
	cr_assert_eq(ppv_stop(), 0);

	cr_assert_eq(pe_read(dir, &tr), 0);
	cr_assert_eq(pe_count(&tr, PPV_EVENT_PAUSE), 10);
	cr_assert_eq(pe_count(&tr, PPV_EVENT_RESUME), 10);
	cr_assert_eq(pe_calls(&tr, (uintptr_t)FN(0, 0)), 11);
	cr_assert_eq(pe_calls(&tr, (uintptr_t)FN(1, 0)), 0);
	cr_assert_eq(pe_check_paused_intervals(&tr), 0, "%s", tr.why);
	pe_free(&tr);
}

/* ---- threads, delay, duration --------------------------------------------- */

static void *paused_thread(void *arg)
{
	for (int i = 0; i < 1000; i++)
		call_pair(3);
	return NULL;
}

Test(pause, a_thread_started_while_paused_records_nothing)
{
	struct pe_trace tr;
	pthread_t th;

	cr_assert_eq(start(0, 0, 0, 0), 0);
	call_pair(0);
	cr_assert_eq(ppv_pause(), 0);
	cr_assert_eq(pthread_create(&th, NULL, paused_thread, NULL), 0);
	pthread_join(th, NULL);
	cr_assert_eq(ppv_resume(), 0);
	call_pair(1);
	cr_assert_eq(ppv_stop(), 0);

	cr_assert_eq(pe_read(dir, &tr), 0);
	cr_assert_eq(pe_calls(&tr, (uintptr_t)FN(3, 0)), 0);
	cr_assert_eq(pe_calls(&tr, (uintptr_t)FN(0, 0)), 1);
	cr_assert_eq(pe_calls(&tr, (uintptr_t)FN(1, 0)), 1);
	pe_free(&tr);
}

Test(pause, delay_starts_paused_and_resumes_on_time)
{
	struct pe_trace tr;

	cr_assert_eq(start(0, 100000000, 0, 0), 0); /* 100 ms */
	call_pair(0);
	sleep_us(400000); /* robust margin: the writer fires it within ~1 ms */
	call_pair(1);
	cr_assert_eq(ppv_stop(), 0);

	cr_assert_eq(pe_read(dir, &tr), 0);
	cr_assert_eq(pe_calls(&tr, (uintptr_t)FN(0, 0)), 0);
	cr_assert_eq(pe_calls(&tr, (uintptr_t)FN(1, 0)), 1);
	cr_assert_eq(pe_count(&tr, PPV_EVENT_PAUSE), 1, "the trace starts paused");
	cr_assert_eq(pe_count(&tr, PPV_EVENT_RESUME), 1);
	pe_free(&tr);
}

Test(pause, duration_ends_recording_for_good)
{
	struct pe_trace tr;

	cr_assert_eq(start(0, 0, 100000000, 0), 0);
	call_pair(0);
	sleep_us(400000);
	call_pair(1);
	cr_assert_eq(ppv_resume(), -EALREADY, "ended for good, not paused");
	cr_assert_eq(ppv_pause(), -EALREADY);
	call_pair(2);
	cr_assert_eq(ppv_stop(), 0);

	cr_assert_eq(pe_read(dir, &tr), 0);
	cr_assert_eq(pe_calls(&tr, (uintptr_t)FN(0, 0)), 1);
	cr_assert_eq(pe_calls(&tr, (uintptr_t)FN(1, 0)), 0);
	cr_assert_eq(pe_calls(&tr, (uintptr_t)FN(2, 0)), 0);
	cr_assert_eq(pe_count(&tr, PPV_EVENT_PAUSE), 1);
	cr_assert_eq(pe_count(&tr, PPV_EVENT_RESUME), 0);
	pe_free(&tr);
}

Test(pause, a_fork_child_of_a_paused_process_starts_paused)
{
	struct pe_trace tr;
	pid_t child;
	int status;

	cr_assert_eq(start(0, 0, 0, 0), 0);
	call_pair(0);
	cr_assert_eq(ppv_pause(), 0);
	child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		call_pair(1);
		status = ppv_resume() == 0 ? 0 : 3;
		call_pair(2);
		ppv_stop();
		_exit(status);
	}
	cr_assert_eq(waitpid(child, &status, 0), child);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child could not resume");
	cr_assert_eq(ppv_resume(), 0);
	call_pair(3);
	cr_assert_eq(ppv_stop(), 0);

	cr_assert_eq(pe_read(dir, &tr), 0);
	cr_assert_eq(tr.files, 2);
	cr_assert_eq(pe_calls_of(&tr, (uint32_t)child, (uintptr_t)FN(1, 0)), 0);
	cr_assert_eq(pe_calls_of(&tr, (uint32_t)child, (uintptr_t)FN(2, 0)), 1);
	cr_assert_eq(pe_count_of(&tr, (uint32_t)child, PPV_EVENT_PAUSE), 1,
		     "the child's trace starts paused");
	cr_assert_eq(pe_count_of(&tr, (uint32_t)child, PPV_EVENT_RESUME), 1);
	cr_assert_eq(pe_calls_of(&tr, (uint32_t)getpid(), (uintptr_t)FN(0, 0)), 1);
	cr_assert_eq(pe_calls_of(&tr, (uint32_t)getpid(), (uintptr_t)FN(3, 0)), 1);
	pe_free(&tr);
}
