/* SPDX-License-Identifier: MIT */
/*
 * lttng-hooks.c - the recorder's entry points (the -finstrument-functions
 * hooks and the PPV_* annotations' out-of-line halves) as LTTng-UST
 * tracepoints of the "perprovis" provider, for libppv-recorder-lttng.so.
 *
 * Owns: the recursion guard, keeping errno, and turning each entry point
 * into one event. Does not own: buffering, clocks in the trace or writing
 * (the LTTng session daemon and consumer do that), or the session
 * (ppv-record's lttng-session.c).
 *
 * Same exported names as recorder/hooks.c, so a program built against
 * libppv-recorder.so runs unchanged with this library preloaded ahead of it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <perprovis/ppv.h>

#include "perprovis-tp.h"

#define PPV_LT_HOOK __attribute__((visibility("default"), no_instrument_function))
#define PPV_LT_INTERNAL __attribute__((no_instrument_function))

/* GCC's -finstrument-functions hooks; no header declares them. */
void __cyg_profile_func_enter(void *fn, void *site);
void __cyg_profile_func_exit(void *fn, void *site);

PPV_API volatile int ppv__active;

/*
 * Set while this thread is inside a hook: a function instrumented by the
 * program but called from inside lttng-ust (a malloc wrapper, say), or a
 * signal handler that interrupts a hook, must not re-enter the tracer.
 * initial-exec: a direct %fs-relative access, no __tls_get_addr() (which may
 * allocate) on the hot path; the library is preloaded, so static TLS space
 * is reserved for it at startup.
 */
static _Thread_local int in_hook __attribute__((tls_model("initial-exec")));

static inline PPV_LT_INTERNAL int guard_enter(void)
{
	if (__builtin_expect(in_hook, 0))
		return 0;
	in_hook = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return 1;
}

static inline PPV_LT_INTERNAL void guard_exit(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	in_hook = 0;
}

PPV_LT_HOOK void __cyg_profile_func_enter(void *fn, void *site)
{
	int saved_errno;

	if (!guard_enter())
		return;
	saved_errno = errno;
	lttng_ust_tracepoint(perprovis, func_entry, (uint64_t)(uintptr_t)fn);
	errno = saved_errno;
	guard_exit();
}

PPV_LT_HOOK void __cyg_profile_func_exit(void *fn, void *site)
{
	int saved_errno;

	if (!guard_enter())
		return;
	saved_errno = errno;
	lttng_ust_tracepoint(perprovis, func_exit, (uint64_t)(uintptr_t)fn);
	errno = saved_errno;
	guard_exit();
}

/* Return: 1 when the scope_entry event was offered to the tracer, so that
 * ppv_scope_end() emits the matching scope_exit; 0 from inside a hook. */
PPV_API PPV_LT_HOOK int ppv__scope_enter(const char *name)
{
	int saved_errno;

	if (!guard_enter())
		return 0;
	saved_errno = errno;
	lttng_ust_tracepoint(perprovis, scope_entry, name ? name : "");
	errno = saved_errno;
	guard_exit();
	return 1;
}

PPV_API PPV_LT_HOOK void ppv__scope_exit(const char *name)
{
	int saved_errno;

	if (!guard_enter())
		return;
	saved_errno = errno;
	lttng_ust_tracepoint(perprovis, scope_exit, name ? name : "");
	errno = saved_errno;
	guard_exit();
}

/* CLOCK_MONOTONIC in ns: the start time ppv_io_begin() hands back to
 * ppv__io_record(), which only needs the difference. */
PPV_API PPV_LT_HOOK uint64_t ppv__now(void)
{
	struct timespec ts;
	int saved_errno = errno;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	errno = saved_errno;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* @err may be errno or -errno; the event holds it positive, as the native
 * format does. An annotation names no descriptor: fd is -1. */
PPV_API PPV_LT_HOOK void ppv__io_record(int kind, const char *name, uint64_t start,
				       uint64_t bytes, int err)
{
	uint64_t end, duration;
	int saved_errno;

	if (!guard_enter())
		return;
	saved_errno = errno;
	end = ppv__now();
	duration = end > start ? end - start : 0;
	lttng_ust_tracepoint(perprovis, io, (uint16_t)kind, -1, bytes, duration,
			     err < 0 ? -err : err, name ? name : "");
	errno = saved_errno;
	guard_exit();
}

PPV_API PPV_LT_HOOK void ppv__error(int code)
{
	int saved_errno;

	if (!guard_enter())
		return;
	saved_errno = errno;
	lttng_ust_tracepoint(perprovis, error, (int64_t)code);
	errno = saved_errno;
	guard_exit();
}

/*
 * Settings are read once, here (STYLE.md rule 15). ppv-record sets
 * PPV_LTTNG=1 in the traced program's environment; only then do the
 * annotations switch on. The function hooks emit regardless: without a
 * session the tracepoints are disabled and cost one branch each.
 */
__attribute__((constructor, no_instrument_function)) static void ppv_lttng_init(void)
{
	const char *v = getenv("PPV_LTTNG");

	if (v && v[0] == '1')
		ppv__active = 1;
}
