/* SPDX-License-Identifier: MIT */
/*
 * clock.h - the recorder's raw clock: the TSC where it is invariant, else
 * CLOCK_MONOTONIC through the vDSO. bench/record-overhead.sh measured the TSC
 * read at a fraction of clock_gettime()'s cost on our reference VM
 * (docs/performance.md), which is why it is preferred when it is safe.
 */
#ifndef PPV_RECORDER_CLOCK_H
#define PPV_RECORDER_CLOCK_H

#include <stdint.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define PPV_HAVE_TSC 1
#else
#define PPV_HAVE_TSC 0
#endif

/* 1 when ticks are TSC values; read-mostly, set once at init. */
extern int ppv_clock_use_tsc __attribute__((visibility("hidden")));

static inline __attribute__((no_instrument_function, always_inline)) uint64_t
ppv_clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#if PPV_HAVE_TSC
#define PPV_TSC_ACTIVE() __builtin_expect(ppv_clock_use_tsc, 1)
#define ppv_clock_tsc() __rdtsc()
#else
#define PPV_TSC_ACTIVE() 0
#define ppv_clock_tsc() 0
#endif

static inline __attribute__((no_instrument_function, always_inline)) uint64_t
ppv_clock_ticks(void)
{
#if PPV_HAVE_TSC
	if (__builtin_expect(ppv_clock_use_tsc, 1))
		return __rdtsc();
#endif
	return ppv_clock_mono_ns();
}

/* A (ticks, ns) pair read as close together as we can. */
struct ppv_clock_point {
	uint64_t ticks;
	uint64_t ns;
};

/**
 * ppv_clock_init() - choose the clock: @request is "tsc", "monotonic" or
 * NULL (automatic: the TSC if the CPU says it is invariant).
 * Return: the enum ppv_clock_source chosen.
 */
int ppv_clock_init(const char *request);

/** ppv_clock_sample() - read ticks and CLOCK_MONOTONIC together. */
struct ppv_clock_point ppv_clock_sample(void);

/**
 * ppv_clock_mult() - ns per tick in 32.32 fixed point between two samples;
 * 1 << 32 for the monotonic clock or a degenerate interval.
 */
uint64_t ppv_clock_mult(struct ppv_clock_point a, struct ppv_clock_point b);

#endif
